-- HandoverDesk records. Money and areas are INTEGER hundredths (fen, 0.01 m²), never REAL.
-- Dates are ISO text (YYYY-MM-DD), instants RFC 3339 text; both portable to PostgreSQL.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('clerk', 'manager', 'finance', 'admin')),
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    file_name   TEXT NOT NULL,
    unit_count  INTEGER NOT NULL,
    contract_count INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL,
    undone_at   TEXT,
    undone_by   INTEGER REFERENCES users(id)
);

CREATE TABLE projects (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    address    TEXT NOT NULL DEFAULT '',
    import_id  INTEGER REFERENCES imports(id)
);

CREATE TABLE buildings (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id),
    name         TEXT NOT NULL,
    floors       INTEGER NOT NULL,
    has_elevator INTEGER NOT NULL,
    import_id    INTEGER REFERENCES imports(id),
    UNIQUE (project_id, name)
);

CREATE TABLE units (
    id                     INTEGER PRIMARY KEY,
    project_id             INTEGER NOT NULL REFERENCES projects(id),
    building_id            INTEGER NOT NULL REFERENCES buildings(id),
    number                 TEXT NOT NULL,
    floor                  INTEGER NOT NULL,
    property_type          TEXT NOT NULL,
    forecast_gross_area    INTEGER NOT NULL CHECK (forecast_gross_area > 0),
    forecast_internal_area INTEGER CHECK (forecast_internal_area > 0),
    surveyed_gross_area    INTEGER CHECK (surveyed_gross_area > 0),
    surveyed_internal_area INTEGER CHECK (surveyed_internal_area > 0),
    status                 TEXT NOT NULL,
    version                INTEGER NOT NULL DEFAULT 1,
    import_id              INTEGER REFERENCES imports(id),
    UNIQUE (building_id, number)
);
CREATE INDEX units_list ON units (project_id, building_id, number);
CREATE INDEX units_number ON units (number);
CREATE INDEX units_import ON units (import_id);

CREATE TABLE buyers (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    id_type   TEXT NOT NULL,
    id_number TEXT NOT NULL,
    id_tail   TEXT NOT NULL,
    phone     TEXT NOT NULL,
    phone_tail TEXT NOT NULL,
    address   TEXT NOT NULL DEFAULT '',
    import_id INTEGER REFERENCES imports(id),
    UNIQUE (id_type, id_number)
);
CREATE INDEX buyers_name ON buyers (name);
CREATE INDEX buyers_phone ON buyers (phone);
CREATE INDEX buyers_phone_tail ON buyers (phone_tail);
CREATE INDEX buyers_id_tail ON buyers (id_tail);

CREATE TABLE contracts (
    id             INTEGER PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    signed_on      TEXT NOT NULL,
    total_price    INTEGER NOT NULL CHECK (total_price > 0),
    unit_price     INTEGER NOT NULL CHECK (unit_price > 0),
    pricing_basis  TEXT NOT NULL,
    payment_method TEXT NOT NULL,
    filing_status  TEXT NOT NULL,
    status         TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    import_id      INTEGER REFERENCES imports(id)
);
-- A unit cannot have two live contracts.
CREATE UNIQUE INDEX contracts_one_live_per_unit ON contracts (unit_id) WHERE status = 'live';
CREATE INDEX contracts_import ON contracts (import_id);

CREATE TABLE contract_parties (
    contract_id INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    buyer_id    INTEGER NOT NULL REFERENCES buyers(id),
    share       INTEGER NOT NULL CHECK (share > 0),  -- hundredths of a percent
    PRIMARY KEY (contract_id, position)
);
CREATE INDEX contract_parties_buyer ON contract_parties (buyer_id);

-- Append-only: who, when, what (before/after as JSON).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   INTEGER,
    username  TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    action    TEXT NOT NULL,
    before    TEXT,
    after     TEXT
);
CREATE INDEX audit_by_record ON audit_log (entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
