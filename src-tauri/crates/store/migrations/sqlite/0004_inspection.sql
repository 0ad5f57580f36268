-- Handover inspection and defects. Templates are versioned (a new row per save); an inspection
-- keeps the template row it used. Photos are files named by content hash in the app's data
-- folder; the table only indexes them.

CREATE TABLE inspection_templates (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    unit_type  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    items      TEXT NOT NULL,            -- ChecklistItem[] as JSON
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (project_id, unit_type, version)
);

CREATE TABLE inspections (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    kind         TEXT NOT NULL CHECK (kind IN ('pre_inspection', 'owner', 'reinspection')),
    template_id  INTEGER NOT NULL REFERENCES inspection_templates(id),
    outcomes     TEXT NOT NULL DEFAULT '[]',
    meters       TEXT NOT NULL DEFAULT '[]',
    remarks      TEXT NOT NULL DEFAULT '',
    inspector    TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    completed_at TEXT,
    signature    BLOB,                   -- the owner's signature (PNG from the signature pad)
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX inspections_unit ON inspections (unit_id);

CREATE TABLE defects (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    inspection_id INTEGER NOT NULL REFERENCES inspections(id),
    room          TEXT NOT NULL,
    item          TEXT NOT NULL,
    cat1          TEXT NOT NULL,
    cat2          TEXT NOT NULL,
    cat3          TEXT NOT NULL,
    severity      TEXT NOT NULL CHECK (severity IN ('urgent', 'normal', 'minor')),
    party         TEXT NOT NULL,
    deadline      TEXT NOT NULL,
    description   TEXT NOT NULL,
    pin_x         INTEGER,
    pin_y         INTEGER,
    status        TEXT NOT NULL,
    raised_at     TEXT NOT NULL,
    raised_by     TEXT NOT NULL,
    fixed_by      TEXT,
    fixed_at      TEXT,
    closed_at     TEXT,
    reopened      INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1
);
-- One open defect per unit, room and item (a duplicate is refused).
CREATE UNIQUE INDEX defects_one_open_per_item ON defects (unit_id, room, item) WHERE status NOT IN ('closed', 'void');
CREATE INDEX defects_project_status ON defects (project_id, status, deadline);
CREATE INDEX defects_project_party ON defects (project_id, party, id);
CREATE INDEX defects_project_cat ON defects (project_id, cat1, id);
CREATE INDEX defects_unit ON defects (unit_id);

CREATE TABLE photos (
    id         INTEGER PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,     -- SHA-256 of the file, hex; the file is photos/<hash>.<ext>
    file_name  TEXT NOT NULL,
    ext        TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE defect_photos (
    defect_id INTEGER NOT NULL REFERENCES defects(id),
    photo_id  INTEGER NOT NULL REFERENCES photos(id),
    PRIMARY KEY (defect_id, photo_id)
);

CREATE TABLE defect_events (
    id          INTEGER PRIMARY KEY,
    defect_id   INTEGER NOT NULL REFERENCES defects(id),
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    by_user     TEXT NOT NULL
);
CREATE INDEX defect_events_defect ON defect_events (defect_id);
