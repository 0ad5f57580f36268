-- The record list's order (project, building, number) with the unit's id as its last column, so
-- the rows a deep page skips are read from the index alone (PostgreSQL: an index-only scan instead
-- of fetching each skipped row for its id). SQLite already keeps the id (the rowid) in every
-- index: here it changes nothing but keeps the two backends' schemas the same.
DROP INDEX units_list;
CREATE INDEX units_list ON units (project_id, building_id, number, id);
