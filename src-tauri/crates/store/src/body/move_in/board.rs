//! The progress board's counts; rates, totals and the total row are the domain's ([`board`]).

use super::super::rows::get;
use super::super::Imp;
use super::super::{Db, DbArgs, DbRow};
use crate::{db_err, Result};
use domain::move_in::*;

type Query<'q> = sqlx::query::Query<'q, Db, DbArgs>;

impl Imp {
    /// The board of a project (or one batch) on `day`. Times are compared as the local (UTC+8)
    /// text the desk wrote, so a day is the first ten characters.
    pub async fn board(&self, project_id: i64, batch_id: Option<i64>, day: chrono::NaiveDate) -> Result<Board> {
        // The scope's placeholders, numbered from `first` (the binds come after the query's own).
        let scope = |first: usize| {
            if batch_id.is_some() {
                format!("b.project_id = ${first} AND b.id = ${}", first + 1)
            } else {
                format!("b.project_id = ${first}")
            }
        };
        let bind = |q: Query<'static>| -> Query<'static> {
            let q = q.bind(project_id);
            match batch_id {
                Some(b) => q.bind(b),
                None => q,
            }
        };
        // One pass over the scope's units, counted per (batch, building); the two tables (by
        // batch, by building) and the day's counts are sums of these cells. A unit has at most one
        // live booking (the unique index `appointments_one_live`), so the outer join adds no row
        // and counts it: a plain join and count, which PostgreSQL hashes, where a per-unit
        // `EXISTS` made it sort.
        let day_s = day.to_string();
        let sql = format!(
            "SELECT b.name AS batch, bl.name AS building, MIN(b.first_day) AS first_day, COUNT(*) AS units,
                    COUNT(a.unit_id) AS booked,
                    SUM(CASE WHEN mu.status = 'in_progress' THEN 1 ELSE 0 END) AS in_progress,
                    SUM(CASE WHEN mu.status = 'delivered' THEN 1 ELSE 0 END) AS delivered,
                    SUM(CASE WHEN mu.status = 'deferred' THEN 1 ELSE 0 END) AS deferred,
                    SUM(CASE WHEN substr(mu.arrived_at, 1, 10) = $1 THEN 1 ELSE 0 END) AS arrived_today,
                    SUM(CASE WHEN substr(mu.delivered_at, 1, 10) = $1 THEN 1 ELSE 0 END) AS delivered_today,
                    SUM(CASE WHEN substr(mu.arrived_at, 1, 10) = $1 AND mu.status <> 'delivered' THEN 1 ELSE 0 END) AS waiting
             FROM move_in_units mu JOIN move_in_batches b ON b.id = mu.batch_id JOIN units u ON u.id = mu.unit_id
             JOIN buildings bl ON bl.id = u.building_id
             LEFT JOIN appointments a ON a.unit_id = mu.unit_id AND a.status IN ('booked', 'arrived')
             WHERE {} GROUP BY b.name, bl.name",
            scope(2)
        );
        let cells = bind(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(day_s))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(cell)
            .collect::<Result<Vec<_>>>()?;
        let by_batch = progress_rows(&cells, |c| &c.batch);
        let by_building = progress_rows(&cells, |c| &c.building);
        let from = |first: usize| {
            format!(
                "FROM move_in_units mu JOIN move_in_batches b ON b.id = mu.batch_id WHERE {}",
                scope(first)
            )
        };
        let visits = bind(sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT mu.arrived_at, mu.delivered_at {} AND mu.status = 'delivered' AND mu.arrived_at IS NOT NULL",
            from(1)
        ))))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| Ok((get::<String>(r, "arrived_at")?, get::<String>(r, "delivered_at")?)))
        .collect::<Result<Vec<_>>>()?;
        let per_day = bind(sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT substr(mu.delivered_at, 1, 10) AS d, COUNT(*) AS n {} AND mu.delivered_at IS NOT NULL
             GROUP BY substr(mu.delivered_at, 1, 10) ORDER BY d",
            from(1)
        ))))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| Ok((get::<String>(r, "d")?, get::<i64>(r, "n")?)))
        .collect::<Result<Vec<_>>>()?;
        let counts = BoardCounts {
            by_batch,
            by_building,
            arrived_today: cells.iter().map(|c| c.today.0).sum(),
            delivered_today: cells.iter().map(|c| c.today.1).sum(),
            waiting_now: cells.iter().map(|c| c.today.2).sum(),
            visits,
            per_day,
        };
        Ok(board(project_id, batch_id, day, counts))
    }
}

/// The counts of one (batch, building) pair.
struct Cell {
    batch: String,
    building: String,
    first_day: String,
    row: ProgressRow,
    /// Arrived on the day, delivered on the day, arrived on the day and not yet delivered.
    today: (i64, i64, i64),
}

fn cell(r: &DbRow) -> Result<Cell> {
    Ok(Cell {
        batch: get(r, "batch")?,
        building: get(r, "building")?,
        first_day: get(r, "first_day")?,
        row: ProgressRow {
            key: String::new(),
            units: get(r, "units")?,
            booked: get(r, "booked")?,
            in_progress: get(r, "in_progress")?,
            delivered: get(r, "delivered")?,
            deferred: get(r, "deferred")?,
            rate: String::new(),
        },
        today: (get(r, "arrived_today")?, get(r, "delivered_today")?, get(r, "waiting")?),
    })
}

/// The cells summed per `key` (a batch's name or a building's), ordered by the earliest first day
/// of the batches in the group, then by the key (byte order, as the database's "C" collation).
fn progress_rows(cells: &[Cell], key: impl Fn(&Cell) -> &String) -> Vec<ProgressRow> {
    let mut groups: std::collections::HashMap<&String, (&String, ProgressRow)> = std::collections::HashMap::new();
    for c in cells {
        let (first, row) = groups.entry(key(c)).or_insert_with(|| {
            (
                &c.first_day,
                ProgressRow {
                    key: key(c).clone(),
                    units: 0,
                    booked: 0,
                    in_progress: 0,
                    delivered: 0,
                    deferred: 0,
                    rate: String::new(),
                },
            )
        });
        *first = (*first).min(&c.first_day);
        row.units += c.row.units;
        row.booked += c.row.booked;
        row.in_progress += c.row.in_progress;
        row.delivered += c.row.delivered;
        row.deferred += c.row.deferred;
    }
    let mut rows: Vec<(&String, ProgressRow)> = groups.into_values().collect();
    rows.sort_by(|a, b| (a.0, &a.1.key).cmp(&(b.0, &b.1.key)));
    rows.into_iter().map(|(_, r)| r).collect()
}
