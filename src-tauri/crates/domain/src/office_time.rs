//! The office's time zone: it decides what "today" and "now" are for deadlines, appointment
//! days, printed dates and audit instants. Instants come in as UTC (no clock is read here); the
//! zone is an IANA name from the bundled tz database (no download), `Asia/Shanghai` by default.

use crate::{AppError, Result};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
pub use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The zone used until an administrator sets another.
pub const DEFAULT_ZONE: Tz = chrono_tz::Asia::Shanghai;

/// The settings key the zone is stored under.
pub const SETTING_KEY: &str = "office_time_zone";

/// Read an IANA zone name (`Asia/Shanghai`, `Asia/Urumqi`, `UTC`).
///
/// Errors: `Invalid` on `time_zone` when it is empty or not a known zone.
pub fn parse_zone(name: &str) -> Result<Tz> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("time_zone", "请填写时区，如 Asia/Shanghai"));
    }
    name.parse::<Tz>().map_err(|_| {
        AppError::invalid(
            "time_zone",
            format!("「{name}」不是可识别的时区，请填写 IANA 时区名，如 Asia/Shanghai"),
        )
    })
}

/// The zone stored in the settings, or the default when none (or an unreadable one) is stored.
pub fn stored_zone(value: Option<&str>) -> Tz {
    value.and_then(|v| parse_zone(v).ok()).unwrap_or(DEFAULT_ZONE)
}

/// `now` as the office's wall clock (with its UTC offset, e.g. `+08:00`).
pub fn office_now(now: DateTime<Utc>, zone: Tz) -> DateTime<FixedOffset> {
    now.with_timezone(&zone).fixed_offset()
}

/// The office's calendar date at the instant `now`.
pub fn office_today(now: DateTime<Utc>, zone: Tz) -> NaiveDate {
    now.with_timezone(&zone).date_naive()
}

/// What the UI gets instead of computing dates itself: today in the office, and the zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OfficeToday {
    /// `YYYY-MM-DD` in the office's zone.
    #[ts(type = "string")]
    pub date: NaiveDate,
    /// The IANA name, e.g. `Asia/Shanghai`.
    pub zone: String,
    /// The office's wall-clock instant, RFC 3339 with its offset.
    pub now: String,
}

impl OfficeToday {
    pub fn at(now: DateTime<Utc>, zone: Tz) -> Self {
        OfficeToday {
            date: office_today(now, zone),
            zone: zone.name().to_string(),
            now: office_now(now, zone).to_rfc3339(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("instant").with_timezone(&Utc)
    }

    #[test]
    fn late_evening_utc_is_already_tomorrow_in_shanghai() {
        let now = utc("2026-12-01T23:30:00Z");
        assert_eq!(office_today(now, DEFAULT_ZONE).to_string(), "2026-12-02");
        assert_eq!(office_now(now, DEFAULT_ZONE).to_rfc3339(), "2026-12-02T07:30:00+08:00");
        let ny = parse_zone("America/New_York").expect("zone");
        assert_eq!(office_today(now, ny).to_string(), "2026-12-01");
        // Just before midnight in Shanghai it is still the same day.
        assert_eq!(office_today(utc("2026-12-01T15:59:59Z"), DEFAULT_ZONE).to_string(), "2026-12-01");
        assert_eq!(office_today(utc("2026-12-01T16:00:00Z"), DEFAULT_ZONE).to_string(), "2026-12-02");
    }

    #[test]
    fn unknown_zones_are_refused_naming_the_field() {
        for bad in ["", "  ", "Asia/Beijing", "UTC+8", "火星"] {
            let e = parse_zone(bad).expect_err(bad);
            assert_eq!(e.field.as_deref(), Some("time_zone"), "{bad}");
        }
        assert_eq!(parse_zone(" Asia/Urumqi ").expect("zone").name(), "Asia/Urumqi");
        assert_eq!(
            stored_zone(Some("Asia/Beijing")),
            DEFAULT_ZONE,
            "an unreadable stored value falls back"
        );
        assert_eq!(stored_zone(None), DEFAULT_ZONE);
        let t = OfficeToday::at(utc("2026-12-01T23:30:00Z"), DEFAULT_ZONE);
        assert_eq!((t.date.to_string().as_str(), t.zone.as_str()), ("2026-12-02", "Asia/Shanghai"));
    }
}
