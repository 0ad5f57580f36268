-- Saved fee quotes (the quote JSON as computed and printed, so it reprints identically after the
-- rules change) and edits of fee rule files (append-only history; the latest edit per region wins).

CREATE TABLE fee_quotes (
    id            INTEGER PRIMARY KEY,
    contract_id   INTEGER NOT NULL REFERENCES contracts(id),
    request       TEXT NOT NULL,
    quote         TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    total         INTEGER NOT NULL,   -- fen
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);
CREATE INDEX fee_quotes_contract ON fee_quotes (contract_id, id);

CREATE TABLE fee_rule_edits (
    id         INTEGER PRIMARY KEY,
    region     TEXT NOT NULL,
    toml       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX fee_rule_edits_region ON fee_rule_edits (region, id);
CREATE TRIGGER fee_rule_edits_no_update BEFORE UPDATE ON fee_rule_edits
BEGIN SELECT RAISE(ABORT, 'fee rule history is append-only'); END;
CREATE TRIGGER fee_rule_edits_no_delete BEFORE DELETE ON fee_rule_edits
BEGIN SELECT RAISE(ABORT, 'fee rule history is append-only'); END;
