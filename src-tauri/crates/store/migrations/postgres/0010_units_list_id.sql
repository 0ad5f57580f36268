-- The record list's order with the unit's id last, so a deep page's skipped rows are read by an
-- index-only scan (see migrations/sqlite/0010).
DROP INDEX units_list;
CREATE INDEX units_list ON units (project_id, building_id, number, id);
