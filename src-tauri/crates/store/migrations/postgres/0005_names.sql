-- One spelling of move-in (`move_in_*`) and the reception windows named as such (was `desks`).
-- PostgreSQL form of migrations/sqlite/0005_names.sql (conventions: see 0001).
-- PostgreSQL's RENAME keeps foreign keys and CHECKs working (they refer to the table, not its
-- name) but does not rename the constraints, indexes and identity sequences named after the
-- old table or column; they are renamed here to what a table created under the new name would
-- have, so the constraint names the store maps (`move_in_units_pkey`,
-- `move_in_batches_project_id_name_key`, `move_in_slots_batch_id_day_label_key`,
-- `move_in_steps_once`) are the canonical ones.

ALTER TABLE movein_configs RENAME TO move_in_configs;
ALTER TABLE movein_batches RENAME TO move_in_batches;
ALTER TABLE movein_units RENAME TO move_in_units;
ALTER TABLE movein_slots RENAME TO move_in_slots;
ALTER TABLE movein_steps RENAME TO move_in_steps;
ALTER TABLE move_in_batches RENAME COLUMN desks TO windows;

ALTER TABLE move_in_configs RENAME CONSTRAINT movein_configs_pkey TO move_in_configs_pkey;
ALTER TABLE move_in_configs RENAME CONSTRAINT movein_configs_project_id_fkey TO move_in_configs_project_id_fkey;

ALTER TABLE move_in_batches RENAME CONSTRAINT movein_batches_pkey TO move_in_batches_pkey;
ALTER TABLE move_in_batches RENAME CONSTRAINT movein_batches_project_id_fkey TO move_in_batches_project_id_fkey;
ALTER TABLE move_in_batches RENAME CONSTRAINT movein_batches_project_id_name_key TO move_in_batches_project_id_name_key;
ALTER TABLE move_in_batches RENAME CONSTRAINT movein_batches_check TO move_in_batches_check;
ALTER TABLE move_in_batches RENAME CONSTRAINT movein_batches_desks_check TO move_in_batches_windows_check;
ALTER SEQUENCE movein_batches_id_seq RENAME TO move_in_batches_id_seq;

ALTER TABLE move_in_units RENAME CONSTRAINT movein_units_pkey TO move_in_units_pkey;
ALTER TABLE move_in_units RENAME CONSTRAINT movein_units_unit_id_fkey TO move_in_units_unit_id_fkey;
ALTER TABLE move_in_units RENAME CONSTRAINT movein_units_batch_id_fkey TO move_in_units_batch_id_fkey;
ALTER TABLE move_in_units RENAME CONSTRAINT movein_units_status_check TO move_in_units_status_check;

ALTER TABLE move_in_slots RENAME CONSTRAINT movein_slots_pkey TO move_in_slots_pkey;
ALTER TABLE move_in_slots RENAME CONSTRAINT movein_slots_batch_id_fkey TO move_in_slots_batch_id_fkey;
ALTER TABLE move_in_slots RENAME CONSTRAINT movein_slots_batch_id_day_label_key TO move_in_slots_batch_id_day_label_key;
ALTER TABLE move_in_slots RENAME CONSTRAINT movein_slots_quota_check TO move_in_slots_quota_check;
ALTER SEQUENCE movein_slots_id_seq RENAME TO move_in_slots_id_seq;

ALTER TABLE move_in_steps RENAME CONSTRAINT movein_steps_pkey TO move_in_steps_pkey;
ALTER TABLE move_in_steps RENAME CONSTRAINT movein_steps_unit_id_fkey TO move_in_steps_unit_id_fkey;
ALTER SEQUENCE movein_steps_id_seq RENAME TO move_in_steps_id_seq;

-- SQLite drops and recreates these two indexes under the new names; a rename is the same index.
ALTER INDEX movein_units_batch RENAME TO move_in_units_batch;
ALTER INDEX movein_steps_once RENAME TO move_in_steps_once;

-- The audit log's action codes follow (the append-only trigger is lifted for this one rename of
-- codes only, inside this migration's transaction; no line's who, when, before or after
-- changes). ILIKE: SQLite's LIKE ignores ASCII case, as ILIKE does on a "C" column.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE audit_log SET action = 'move_in_' || substr(action, 8) WHERE action ILIKE 'movein\_%' ESCAPE '\';
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
