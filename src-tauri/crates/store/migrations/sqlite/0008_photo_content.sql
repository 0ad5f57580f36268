-- Photos live in the database, so every desk (and every PC of an office server) sees them.
-- Existing photo files (photos/<hash>.<ext> and <hash>.thumb.jpg beside the database file) are
-- read into these columns when the file is opened after this migration (store::lite); a row whose
-- file is gone keeps NULL and shows as missing.
ALTER TABLE photos ADD COLUMN content BLOB;      -- the photo as uploaded (JPEG or PNG)
ALTER TABLE photos ADD COLUMN thumbnail BLOB;    -- a 240-pixel JPEG
