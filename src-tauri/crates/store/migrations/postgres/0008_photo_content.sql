-- Photos live in the database, so every desk sees them (see migrations/sqlite/0008).
ALTER TABLE photos ADD COLUMN content BYTEA;
ALTER TABLE photos ADD COLUMN thumbnail BYTEA;
