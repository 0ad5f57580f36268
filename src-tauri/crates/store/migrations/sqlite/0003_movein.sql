-- Move-in (入伙): settings, per-project procedure, batches, slots, bookings, notice deliveries,
-- step records, meter readings, key ledger. Amounts in step data are decimal strings in JSON.

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    image      BLOB,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE movein_configs (
    project_id INTEGER PRIMARY KEY REFERENCES projects(id),
    config     TEXT NOT NULL,            -- ProcedureConfig as JSON
    version    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE movein_batches (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name       TEXT NOT NULL,
    first_day  TEXT NOT NULL,
    last_day   TEXT NOT NULL CHECK (last_day >= first_day),
    place      TEXT NOT NULL DEFAULT '',
    desks      INTEGER NOT NULL CHECK (desks > 0),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (project_id, name)
);

-- A unit is in at most one batch; its move-in status and version (optimistic concurrency).
CREATE TABLE movein_units (
    unit_id      INTEGER PRIMARY KEY REFERENCES units(id),
    batch_id     INTEGER NOT NULL REFERENCES movein_batches(id),
    status       TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'delivered', 'deferred')),
    hold_reason  TEXT NOT NULL DEFAULT '',
    arrived_at   TEXT,                   -- checked in at the desk (latest visit)
    started_at   TEXT,
    delivered_at TEXT,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX movein_units_batch ON movein_units (batch_id, status);

CREATE TABLE movein_slots (
    id       INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES movein_batches(id),
    day      TEXT NOT NULL,
    label    TEXT NOT NULL,
    starts   TEXT NOT NULL,
    ends     TEXT NOT NULL,
    quota    INTEGER NOT NULL CHECK (quota > 0),
    UNIQUE (batch_id, day, label)
);

CREATE TABLE appointments (
    id            INTEGER PRIMARY KEY,
    slot_id       INTEGER NOT NULL REFERENCES movein_slots(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    status        TEXT NOT NULL CHECK (status IN ('booked', 'arrived', 'no_show', 'cancelled')),
    note          TEXT NOT NULL DEFAULT '',
    booked_at     TEXT NOT NULL,
    booked_by     TEXT NOT NULL,
    arrived_at    TEXT,
    closed_at     TEXT,
    rebooked_from INTEGER REFERENCES appointments(id)
);
-- One live booking per unit (booked or arrived).
CREATE UNIQUE INDEX appointments_one_live ON appointments (unit_id) WHERE status IN ('booked', 'arrived');
CREATE INDEX appointments_slot ON appointments (slot_id, status);

CREATE TABLE notice_deliveries (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    channel      TEXT NOT NULL,
    delivered_on TEXT NOT NULL,
    confirmed_by TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL
);
CREATE INDEX notice_deliveries_unit ON notice_deliveries (unit_id);

CREATE TABLE movein_steps (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    kind        TEXT NOT NULL,
    data        TEXT NOT NULL,           -- StepData as JSON
    done_at     TEXT NOT NULL,
    done_by     TEXT NOT NULL,
    undone_at   TEXT,
    undone_by   TEXT,
    undo_reason TEXT
);
-- A step is done at most once (until undone).
CREATE UNIQUE INDEX movein_steps_once ON movein_steps (unit_id, kind) WHERE undone_at IS NULL;

-- Meter base readings (kept when a step is undone, so a later reading cannot go backwards).
CREATE TABLE meter_readings (
    id       INTEGER PRIMARY KEY,
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    kind     TEXT NOT NULL,
    number   TEXT NOT NULL,
    reading  TEXT NOT NULL,              -- decimal string
    step_id  INTEGER NOT NULL REFERENCES movein_steps(id),
    read_at  TEXT NOT NULL
);
CREATE INDEX meter_readings_meter ON meter_readings (number);

CREATE TABLE keys (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    number     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    unit_id    INTEGER REFERENCES units(id),
    label      TEXT NOT NULL DEFAULT '',
    holder     TEXT NOT NULL CHECK (holder IN ('office', 'owner', 'out', 'lost')),
    out_to     TEXT NOT NULL DEFAULT '',
    out_reason TEXT NOT NULL DEFAULT '',
    due_back   TEXT,
    updated_at TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (project_id, number)
);
CREATE INDEX keys_unit ON keys (unit_id);

CREATE TABLE key_events (
    id      INTEGER PRIMARY KEY,
    key_id  INTEGER NOT NULL REFERENCES keys(id),
    action  TEXT NOT NULL,
    person  TEXT NOT NULL DEFAULT '',
    reason  TEXT NOT NULL DEFAULT '',
    at      TEXT NOT NULL,
    by_user TEXT NOT NULL
);
CREATE INDEX key_events_key ON key_events (key_id);
