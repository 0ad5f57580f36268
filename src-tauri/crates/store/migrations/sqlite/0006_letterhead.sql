-- The letterhead printed on every document gets its own row with typed columns (it was five
-- `letterhead.*` rows of `settings`), and each appointment slot counts its live bookings, so the
-- quota is enforced by a conditional update of that counter (`booked < quota`) on any backend.

CREATE TABLE letterhead (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    company    TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    logo_name  TEXT NOT NULL DEFAULT '',   -- the file the logo came from
    logo       BLOB,                       -- PNG or JPEG
    seal_name  TEXT NOT NULL DEFAULT '',
    seal       BLOB,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

INSERT INTO letterhead (id, company, address, phone, logo_name, logo, seal_name, seal, updated_at, updated_by)
SELECT 1,
       COALESCE((SELECT value FROM settings WHERE key = 'letterhead.company'), ''),
       COALESCE((SELECT value FROM settings WHERE key = 'letterhead.address'), ''),
       COALESCE((SELECT value FROM settings WHERE key = 'letterhead.phone'), ''),
       COALESCE((SELECT value FROM settings WHERE key = 'letterhead.logo'), ''),
       (SELECT image FROM settings WHERE key = 'letterhead.logo'),
       COALESCE((SELECT value FROM settings WHERE key = 'letterhead.seal'), ''),
       (SELECT image FROM settings WHERE key = 'letterhead.seal'),
       (SELECT MAX(updated_at) FROM settings WHERE key LIKE 'letterhead.%'),
       (SELECT updated_by FROM settings WHERE key LIKE 'letterhead.%' ORDER BY updated_at DESC, key LIMIT 1)
WHERE EXISTS (SELECT 1 FROM settings WHERE key LIKE 'letterhead.%');

DELETE FROM settings WHERE key LIKE 'letterhead.%';

ALTER TABLE move_in_slots ADD COLUMN booked BIGINT NOT NULL DEFAULT 0 CHECK (booked >= 0);
UPDATE move_in_slots SET booked = (
    SELECT COUNT(*) FROM appointments a WHERE a.slot_id = move_in_slots.id AND a.status IN ('booked', 'arrived')
);
