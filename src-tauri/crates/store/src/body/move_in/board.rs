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
        let group = |key: &str| {
            let scope = scope(1);
            format!(
                "SELECT {key} AS k, COUNT(*) AS units,
                    SUM(CASE WHEN EXISTS (SELECT 1 FROM appointments a WHERE a.unit_id = mu.unit_id AND a.status IN ('booked', 'arrived'))
                        THEN 1 ELSE 0 END) AS booked,
                    SUM(CASE WHEN mu.status = 'in_progress' THEN 1 ELSE 0 END) AS in_progress,
                    SUM(CASE WHEN mu.status = 'delivered' THEN 1 ELSE 0 END) AS delivered,
                    SUM(CASE WHEN mu.status = 'deferred' THEN 1 ELSE 0 END) AS deferred
                 FROM move_in_units mu JOIN move_in_batches b ON b.id = mu.batch_id JOIN units u ON u.id = mu.unit_id
                 JOIN buildings bl ON bl.id = u.building_id
                 WHERE {scope} GROUP BY {key} ORDER BY MIN(b.first_day), {key}"
            )
        };
        let mut groups = Vec::new();
        for key in ["b.name", "bl.name"] {
            let rows = bind(sqlx::query(sqlx::AssertSqlSafe(group(key))))
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
            groups.push(rows.iter().map(progress_row).collect::<Result<Vec<_>>>()?);
        }
        let by_building = groups.pop().unwrap_or_default();
        let by_batch = groups.pop().unwrap_or_default();
        let from = |first: usize| {
            format!(
                "FROM move_in_units mu JOIN move_in_batches b ON b.id = mu.batch_id WHERE {}",
                scope(first)
            )
        };
        let day_s = day.to_string();
        let today_sql = format!(
            "SELECT COALESCE(SUM(CASE WHEN substr(mu.arrived_at, 1, 10) = $1 THEN 1 ELSE 0 END), 0) AS arrived,
                    COALESCE(SUM(CASE WHEN substr(mu.delivered_at, 1, 10) = $1 THEN 1 ELSE 0 END), 0) AS delivered,
                    COALESCE(SUM(CASE WHEN substr(mu.arrived_at, 1, 10) = $1 AND mu.status <> 'delivered' THEN 1 ELSE 0 END), 0) AS waiting
             {}",
            from(2)
        );
        let today = bind(sqlx::query(sqlx::AssertSqlSafe(today_sql)).bind(day_s))
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
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
            arrived_today: get(&today, "arrived")?,
            delivered_today: get(&today, "delivered")?,
            waiting_now: get(&today, "waiting")?,
            visits,
            per_day,
        };
        Ok(board(project_id, batch_id, day, counts))
    }
}

fn progress_row(r: &DbRow) -> Result<ProgressRow> {
    Ok(ProgressRow {
        key: get(r, "k")?,
        units: get(r, "units")?,
        booked: get(r, "booked")?,
        in_progress: get(r, "in_progress")?,
        delivered: get(r, "delivered")?,
        deferred: get(r, "deferred")?,
        rate: String::new(),
    })
}
