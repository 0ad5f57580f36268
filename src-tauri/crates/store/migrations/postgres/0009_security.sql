-- Sign-in throttling and the audit log's hash chain (see migrations/sqlite/0009).
CREATE TABLE sign_in_failures (
    username     TEXT COLLATE "C" PRIMARY KEY,
    failures     BIGINT NOT NULL CHECK (failures > 0),
    first_at     TEXT COLLATE "C" NOT NULL,
    locked_until TEXT COLLATE "C"
);

ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN hash TEXT COLLATE "C";
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
