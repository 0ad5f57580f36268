-- Floor plans and responsible parties get their own tables keyed to the project (they were
-- `settings` rows: `floor_plan.<project>.<unit type>` with the image, and `defect_parties.<project>`
-- with a JSON list). Existing rows are carried over, then removed from `settings`. Rows of a
-- project that no longer exists are dropped with the rest.

CREATE TABLE floor_plans (
    project_id BIGINT NOT NULL REFERENCES projects(id),
    unit_type  TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    image      BLOB NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (project_id, unit_type)
);

CREATE TABLE defect_parties (
    project_id BIGINT NOT NULL REFERENCES projects(id),
    position   BIGINT NOT NULL,          -- 1, 2, … in the order the manager listed them
    name       TEXT NOT NULL,
    PRIMARY KEY (project_id, position),
    UNIQUE (project_id, name)
);

-- `floor_plan.12.住宅`: the project id runs to the next dot; the unit type is the rest.
INSERT INTO floor_plans (project_id, unit_type, file_name, image, updated_at, updated_by)
SELECT p.id, s.unit_type, s.value, s.image, s.updated_at, s.updated_by
FROM (
    SELECT CAST(substr(rest, 1, instr(rest, '.') - 1) AS INTEGER) AS project_id,
           substr(rest, instr(rest, '.') + 1) AS unit_type, value, image, updated_at, updated_by
    FROM (SELECT substr(key, length('floor_plan.') + 1) AS rest, value, image, updated_at, updated_by
          FROM settings WHERE key LIKE 'floor\_plan.%' ESCAPE '\' AND image IS NOT NULL)
    WHERE instr(rest, '.') > 1
) s JOIN projects p ON p.id = s.project_id
WHERE s.unit_type != '';

-- `defect_parties.12` = `["总包","分包"]`: one row per name, in the list's order (this one-time
-- conversion of SQLite rows reads the JSON with SQLite's json_each; the store never does).
INSERT INTO defect_parties (project_id, position, name)
SELECT p.id, CAST(j.key AS INTEGER) + 1, trim(j.value)
FROM settings s
JOIN projects p ON p.id = CAST(substr(s.key, length('defect_parties.') + 1) AS INTEGER)
JOIN json_each(CASE WHEN json_valid(s.value) THEN s.value ELSE '[]' END) j
WHERE s.key LIKE 'defect\_parties.%' ESCAPE '\' AND j.type = 'text' AND trim(j.value) != ''
ON CONFLICT DO NOTHING;

DELETE FROM settings WHERE key LIKE 'floor\_plan.%' ESCAPE '\' OR key LIKE 'defect\_parties.%' ESCAPE '\';
