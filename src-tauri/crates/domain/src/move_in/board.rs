//! The progress board: counts per batch and building, rates and the 合计 row.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Counts for one group (a batch, a building) on the board.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProgressRow {
    pub key: String,
    pub units: i64,
    pub booked: i64,
    pub in_progress: i64,
    pub delivered: i64,
    pub deferred: i64,
    /// 交付率, percent with one decimal ("42.5").
    pub rate: String,
}

impl ProgressRow {
    /// Fill `rate` = delivered / units × 100, one decimal, half up.
    pub fn with_rate(mut self) -> ProgressRow {
        self.rate = if self.units == 0 {
            "0.0".into()
        } else {
            let r = Decimal::from(self.delivered * 100) / Decimal::from(self.units);
            format!(
                "{:.1}",
                r.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            )
        };
        self
    }
}

/// The progress board of a project (optionally one batch) on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Board {
    pub project_id: i64,
    pub batch_id: Option<i64>,
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub total: ProgressRow,
    pub arrived_today: i64,
    pub delivered_today: i64,
    /// Arrived today, not yet delivered.
    pub waiting_now: i64,
    /// Average minutes from arrival to delivery over units delivered (none yet: null).
    pub average_minutes: Option<i64>,
    pub by_batch: Vec<ProgressRow>,
    pub by_building: Vec<ProgressRow>,
    /// Deliveries per day (day, count) over the batch period.
    pub per_day: Vec<(String, i64)>,
}

/// What the store counts for the board (rows without rates; times as the desk wrote them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardCounts {
    pub by_batch: Vec<ProgressRow>,
    pub by_building: Vec<ProgressRow>,
    pub arrived_today: i64,
    pub delivered_today: i64,
    pub waiting_now: i64,
    /// (arrived_at, delivered_at), RFC 3339, of delivered units that checked in.
    pub visits: Vec<(String, String)>,
    pub per_day: Vec<(String, i64)>,
}

/// The board from the store's counts: each row's rate, the 合计 row over the batches, and the
/// average whole minutes from arrival to delivery (unreadable times are left out).
pub fn board(project_id: i64, batch_id: Option<i64>, day: NaiveDate, counts: BoardCounts) -> Board {
    let mut total = ProgressRow {
        key: "合计".into(),
        ..ProgressRow::default()
    };
    for r in &counts.by_batch {
        total.units += r.units;
        total.booked += r.booked;
        total.in_progress += r.in_progress;
        total.delivered += r.delivered;
        total.deferred += r.deferred;
    }
    let minutes: Vec<i64> = counts
        .visits
        .iter()
        .filter_map(|(a, d)| {
            let a = chrono::DateTime::parse_from_rfc3339(a).ok()?;
            let d = chrono::DateTime::parse_from_rfc3339(d).ok()?;
            Some((d - a).num_minutes().max(0))
        })
        .collect();
    let average_minutes = match i64::try_from(minutes.len()) {
        Ok(n) if n > 0 => Some(minutes.iter().sum::<i64>() / n),
        _ => None,
    };
    Board {
        project_id,
        batch_id,
        day,
        total: total.with_rate(),
        arrived_today: counts.arrived_today,
        delivered_today: counts.delivered_today,
        waiting_now: counts.waiting_now,
        average_minutes,
        by_batch: counts.by_batch.into_iter().map(ProgressRow::with_rate).collect(),
        by_building: counts.by_building.into_iter().map(ProgressRow::with_rate).collect(),
        per_day: counts.per_day,
    }
}
