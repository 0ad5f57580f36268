-- Floor plans and responsible parties get their own tables keyed to the project (they were
-- `settings` rows: `floor_plan.<project>.<unit type>` with the image, and `defect_parties.<project>`
-- with a JSON list). Existing rows are carried over, then removed from `settings`. Rows of a
-- project that no longer exists are dropped with the rest.
-- PostgreSQL form of migrations/sqlite/0007_inspection_tables.sql (conventions: see 0001). To read
-- the keys as SQLite does:
-- * LIKE becomes ILIKE (SQLite's LIKE ignores ASCII case, as ILIKE does on a "C" column);
-- * SQLite's CAST(text AS INTEGER) takes the longest integer prefix after leading white space and
--   never fails ('12abc' -> 12, 'x' -> 0, NULL -> NULL). PostgreSQL's cast would fail, so the
--   prefix is cut with a regular expression and compared as NUMERIC:
--   COALESCE(substring(t FROM '^[[:space:]]*([+-]?[0-9]+)'), '0')::numeric (NULL stays NULL).

CREATE TABLE floor_plans (
    project_id BIGINT NOT NULL REFERENCES projects(id),
    unit_type  TEXT COLLATE "C" NOT NULL,
    file_name  TEXT COLLATE "C" NOT NULL,
    image      BYTEA NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    updated_by TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (project_id, unit_type)
);

CREATE TABLE defect_parties (
    project_id BIGINT NOT NULL REFERENCES projects(id),
    position   BIGINT NOT NULL,          -- 1, 2, … in the order the manager listed them
    name       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (project_id, position),
    UNIQUE (project_id, name)
);

-- `floor_plan.12.<unit type>`: the project id runs to the next dot; the unit type is the rest.
INSERT INTO floor_plans (project_id, unit_type, file_name, image, updated_at, updated_by)
SELECT p.id, s.unit_type, s.value, s.image, s.updated_at, s.updated_by
FROM (
    SELECT COALESCE(substring(substr(rest, 1, strpos(rest, '.') - 1) FROM '^[[:space:]]*([+-]?[0-9]+)'), '0')::numeric
               AS project_id,
           substr(rest, strpos(rest, '.') + 1) AS unit_type, value, image, updated_at, updated_by
    FROM (SELECT substr(key, length('floor_plan.') + 1) AS rest, value, image, updated_at, updated_by
          FROM settings WHERE key ILIKE 'floor\_plan.%' ESCAPE '\' AND image IS NOT NULL) r
    WHERE strpos(rest, '.') > 1
) s JOIN projects p ON p.id = s.project_id
WHERE s.unit_type <> '';

-- `defect_parties.12` = `["main contractor","fit-out"]`: one row per name, in the list's order,
-- the first of two equal names kept. As SQLite's json_each over
-- `CASE WHEN json_valid(value) THEN value ELSE '[]' END`: a value that is not JSON gives no rows
-- (PostgreSQL 15 has no json_valid, hence the block catching the failed cast); an array gives its
-- elements with their index as the key, an object its members with their names as the key (the
-- position is key + 1, the key read as an integer as above); only strings are kept, trimmed of
-- spaces, blanks dropped. A lone JSON string has no key, so its position is NULL and the
-- migration fails, as it does on SQLite.
DO $$
DECLARE
    r record;
    doc json;
BEGIN
    FOR r IN
        SELECT p.id AS project_id, s.value
        FROM settings s
        JOIN projects p ON p.id = COALESCE(substring(substr(s.key, length('defect_parties.') + 1)
                                                     FROM '^[[:space:]]*([+-]?[0-9]+)'), '0')::numeric
        WHERE s.key ILIKE 'defect\_parties.%' ESCAPE '\'
        ORDER BY s.key
    LOOP
        BEGIN
            doc := r.value::json;
        EXCEPTION WHEN OTHERS THEN
            doc := '[]';
        END;
        INSERT INTO defect_parties (project_id, position, name)
        SELECT r.project_id,
               CASE WHEN j.key IS NOT NULL
                    THEN COALESCE(substring(j.key FROM '^[[:space:]]*([+-]?[0-9]+)'), '0')::numeric + 1 END,
               trim(j.value #>> '{}')
        FROM (
            SELECT (a.n - 1)::text AS key, a.e AS value, a.n
              FROM json_array_elements(CASE WHEN json_typeof(doc) = 'array' THEN doc ELSE '[]' END)
                   WITH ORDINALITY a(e, n)
            UNION ALL
            SELECT o.k, o.v, o.n
              FROM json_each(CASE WHEN json_typeof(doc) = 'object' THEN doc ELSE '{}' END)
                   WITH ORDINALITY o(k, v, n)
            UNION ALL
            SELECT NULL, doc, 1 WHERE json_typeof(doc) NOT IN ('array', 'object')
        ) j
        WHERE json_typeof(j.value) = 'string' AND trim(j.value #>> '{}') <> ''
        ORDER BY j.n
        ON CONFLICT DO NOTHING;
    END LOOP;
END
$$;

DELETE FROM settings WHERE key ILIKE 'floor\_plan.%' ESCAPE '\' OR key ILIKE 'defect\_parties.%' ESCAPE '\';
