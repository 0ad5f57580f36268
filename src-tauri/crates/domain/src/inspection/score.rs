//! Scorecards per responsible party: counts, the overdue rate by the overdue policy, the
//! average days to fix and the return rate, as decimals with one named rounding.

use super::{counts_overdue, day_of, DefectStatus};
use chrono::{DateTime, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// A responsible party's scorecard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Scorecard {
    pub party: String,
    pub total: i64,
    pub open: i64,
    pub closed: i64,
    pub overdue: i64,
    /// Average days from raised to marked fixed, one decimal.
    pub average_days_to_fix: Option<String>,
    /// Percent of defects now overdue or closed late, one decimal.
    pub overdue_rate: String,
    /// Percent of defects ever returned (退回), one decimal.
    pub reopen_rate: String,
}

/// The facts of one defect a scorecard counts (the store reads them; nothing is decided there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreFacts {
    pub party: String,
    pub status: DefectStatus,
    pub deadline: NaiveDate,
    /// RFC 3339 instants as stored.
    pub raised_at: String,
    pub fixed_at: Option<String>,
    pub closed_at: Option<String>,
    /// Times returned (退回).
    pub reopened: i64,
}

/// How the scorecard rounds its rates and averages: to one place, a half away from zero.
pub const SCORE_ROUNDING: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

fn one_place(d: Decimal) -> String {
    format!("{:.1}", d.round_dp_with_strategy(1, SCORE_ROUNDING))
}

/// Percent `part / whole`, one decimal, half up; "0.0" when whole is 0.
pub fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "0.0".into();
    }
    one_place(Decimal::from(part) * Decimal::from(100) / Decimal::from(whole))
}

/// Whole minutes from one stored instant to another, a half minute rounded up; `None` when
/// either is not an RFC 3339 instant.
pub fn whole_minutes(from: &str, to: &str) -> Option<i64> {
    let from = DateTime::parse_from_rfc3339(from).ok()?;
    let to = DateTime::parse_from_rfc3339(to).ok()?;
    let seconds = Decimal::from((to - from).num_seconds());
    (seconds / Decimal::from(60)).round_dp_with_strategy(0, SCORE_ROUNDING).to_i64()
}

/// The average of `minutes` summed over `fixed` fixes, in days to one place; `None` when
/// nothing was fixed.
pub fn average_days(minutes: i64, fixed: i64) -> Option<String> {
    (fixed > 0).then(|| one_place(Decimal::from(minutes) / (Decimal::from(fixed) * Decimal::from(MINUTES_PER_DAY))))
}

const MINUTES_PER_DAY: i64 = 1440;

/// One scorecard per responsible party, ordered by party name, on `today`. Void defects are left
/// out; "overdue" is [`counts_overdue`]; the average counts the defects with a fix time.
pub fn scorecards(facts: &[ScoreFacts], today: NaiveDate) -> Vec<Scorecard> {
    #[derive(Default)]
    struct Tally {
        total: i64,
        open: i64,
        closed: i64,
        overdue: i64,
        minutes: i64,
        fixed: i64,
        returned: i64,
    }
    let mut by: BTreeMap<&str, Tally> = BTreeMap::new();
    for f in facts.iter().filter(|f| f.status != DefectStatus::Void) {
        let t = by.entry(f.party.as_str()).or_default();
        t.total += 1;
        t.open += i64::from(f.status.is_open());
        t.closed += i64::from(f.status == DefectStatus::Closed);
        let closed_on = f.closed_at.as_deref().and_then(day_of);
        t.overdue += i64::from(counts_overdue(f.status, f.deadline, closed_on, today));
        if let Some(m) = f.fixed_at.as_deref().and_then(|fixed| whole_minutes(&f.raised_at, fixed)) {
            t.minutes = t.minutes.saturating_add(m);
            t.fixed += 1;
        }
        t.returned += i64::from(f.reopened > 0);
    }
    by.into_iter()
        .map(|(party, t)| Scorecard {
            party: party.to_string(),
            total: t.total,
            open: t.open,
            closed: t.closed,
            overdue: t.overdue,
            average_days_to_fix: average_days(t.minutes, t.fixed),
            overdue_rate: percent(t.overdue, t.total),
            reopen_rate: percent(t.returned, t.total),
        })
        .collect()
}
