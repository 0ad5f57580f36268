-- Sign-in throttling: failed sign-ins per typed user name (known or not, so the answer never
-- tells which names exist) and the temporary lock they lead to. A row is removed at a successful
-- sign-in. Times are UTC instants (RFC 3339).
CREATE TABLE sign_in_failures (
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL CHECK (failures > 0),
    first_at     TEXT NOT NULL,
    locked_until TEXT
);

-- The audit log's hash chain. Each line is sealed as its transaction commits: `seq` is its place
-- in the chain (1, 2, 3 … in commit order, no gaps) and `hash` the SHA-256 of the line's fields
-- and the previous line's hash (store::body::audit::chain_hash). An edit, a deletion or a line
-- inserted outside the app breaks the chain, which `handover audit verify` and the app's audit
-- view report. Lines written before this migration keep NULL (not part of the chain).
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
