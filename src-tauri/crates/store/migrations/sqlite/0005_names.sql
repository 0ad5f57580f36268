-- One spelling of move-in (`move_in_*`) and the reception windows named as such (was `desks`).
-- SQLite's RENAME updates the foreign keys, indexes' tables and CHECKs that refer to the old names.

ALTER TABLE movein_configs RENAME TO move_in_configs;
ALTER TABLE movein_batches RENAME TO move_in_batches;
ALTER TABLE movein_units RENAME TO move_in_units;
ALTER TABLE movein_slots RENAME TO move_in_slots;
ALTER TABLE movein_steps RENAME TO move_in_steps;
ALTER TABLE move_in_batches RENAME COLUMN desks TO windows;

DROP INDEX movein_units_batch;
CREATE INDEX move_in_units_batch ON move_in_units (batch_id, status);
DROP INDEX movein_steps_once;
CREATE UNIQUE INDEX move_in_steps_once ON move_in_steps (unit_id, kind) WHERE undone_at IS NULL;

-- The audit log's action codes follow (the append-only triggers are lifted for this one rename
-- of codes only; no line's who, when, before or after changes).
DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET action = 'move_in_' || substr(action, 8) WHERE action LIKE 'movein\_%' ESCAPE '\';
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
