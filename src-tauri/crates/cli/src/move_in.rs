//! `handover movein` (alias `move-in`): plan a batch, list a project's batches, list a batch's
//! slots, book a unit into a slot (signed in).

use crate::output::{print_json, Failure};
use crate::session::Ctx;
use crate::units::on_field;
use chrono::NaiveDate;
use clap::Subcommand;
use domain::move_in::{Appointment, BatchInput, PeriodPlan, Slot, UnitSelection};
use domain::{AppError, ErrorCode};
use serde::Serialize;

#[derive(Subcommand)]
pub enum MoveInCommand {
    /// Plan a batch: units of whole buildings (optionally a floor range), slots for every day.
    Plan {
        #[arg(long)]
        project: String,
        #[arg(long)]
        name: String,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: chrono::NaiveDate,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: chrono::NaiveDate,
        /// Buildings by name, comma separated ("1栋,2栋").
        #[arg(long)]
        buildings: String,
        /// Floor range "3-10".
        #[arg(long)]
        floors: Option<String>,
        /// A period "上午,09:00,12:00,20" (label, start, end, quota); repeat for more.
        #[arg(long = "period", required = true)]
        periods: Vec<String>,
        #[arg(long, default_value = "")]
        place: String,
        /// Reception windows open.
        #[arg(long, default_value_t = 5)]
        windows: i64,
    },
    /// The project's batches.
    Batches {
        #[arg(long)]
        project: String,
    },
    /// A batch's slots: day, period, times, quota and places booked.
    Slots {
        /// Batch id (see `handover movein batches`).
        #[arg(long)]
        batch: i64,
    },
    /// Book a unit into the slot of a day and period of its batch (`--rebook`: move its booking).
    Book {
        /// The unit: its id, or its 房号 as in the unit list ("1-101"; unique, or within --project).
        #[arg(long)]
        unit: String,
        /// The project of the 房号 (when the same 房号 exists in several projects).
        #[arg(long)]
        project: Option<String>,
        /// The day, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// The period's name, as planned ("上午").
        #[arg(long)]
        period: String,
        /// The batch whose slots to look in (default: the unit's batch).
        #[arg(long)]
        batch: Option<i64>,
        /// A note on the booking (at most 100 characters are kept).
        #[arg(long, default_value = "")]
        note: String,
        /// Move the unit's live booking to this slot instead of refusing a second one.
        #[arg(long)]
        rebook: bool,
    },
}

/// A slot as `movein slots --json` prints it.
#[derive(Debug, Serialize)]
struct SlotView {
    id: i64,
    batch_id: i64,
    /// YYYY-MM-DD.
    date: NaiveDate,
    /// The period's name ("上午").
    period: String,
    starts: String,
    ends: String,
    quota: i64,
    booked: i64,
    remaining: i64,
    /// "2099-12-05 上午 09:00–12:00".
    text: String,
}

impl From<&Slot> for SlotView {
    fn from(s: &Slot) -> Self {
        SlotView {
            id: s.id,
            batch_id: s.batch_id,
            date: s.day,
            period: s.label.clone(),
            starts: s.starts.clone(),
            ends: s.ends.clone(),
            quota: s.quota,
            booked: s.booked,
            remaining: s.remaining(),
            text: s.text(),
        }
    }
}

/// What `movein book --json` prints: the unit, its batch and its booking.
#[derive(Debug, Serialize)]
struct BookingView {
    unit_id: i64,
    /// "1栋 1-101".
    unit: String,
    batch_id: i64,
    batch_name: String,
    date: NaiveDate,
    period: String,
    appointment: Option<Appointment>,
}

/// "2099-12-05" → the day; the field is `date`.
fn day(text: &str) -> Result<NaiveDate, AppError> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| AppError::invalid("date", format!("“{text}”不是有效日期，请写作 YYYY-MM-DD")))
}

/// The slot of `date` and `period` among a batch's slots.
///
/// Errors: `NotFound` on `date` (no slot that day) or on `period` (none of that name that day,
/// the day's periods named).
fn find_slot<'a>(slots: &'a [Slot], batch_name: &str, date: NaiveDate, period: &str) -> Result<&'a Slot, AppError> {
    let missing = |field: &str, message: String| AppError {
        field: Some(field.into()),
        ..AppError::new(ErrorCode::NotFound, message)
    };
    let that_day: Vec<&Slot> = slots.iter().filter(|s| s.day == date).collect();
    if that_day.is_empty() {
        let days = match (slots.first(), slots.last()) {
            (Some(a), Some(b)) => format!("（预约日期为 {} 至 {}）", a.day, b.day),
            _ => String::new(),
        };
        return Err(missing("date", format!("批次“{batch_name}”在 {date} 没有预约时段{days}")));
    }
    let period = period.trim();
    that_day.iter().find(|s| s.label == period).copied().ok_or_else(|| {
        let names: Vec<&str> = that_day.iter().map(|s| s.label.as_str()).collect();
        missing(
            "period",
            format!("批次“{batch_name}”在 {date} 没有“{period}”时段；可选：{}", names.join("、")),
        )
    })
}

/// "3-10" → (3, 10).
fn floor_range<T: TryFrom<i64>>(text: &str) -> Result<(T, T), AppError> {
    let bad = || AppError::invalid("floors", "楼层范围写作 3-10");
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let n = |t: &str| t.trim().parse::<i64>().ok().and_then(|v| T::try_from(v).ok()).ok_or_else(bad);
    Ok((n(a)?, n(b)?))
}

/// "上午,09:00,12:00,20" → a period; the field is `periods[i]` (or `.quota`).
fn period(i: usize, text: &str) -> Result<PeriodPlan, AppError> {
    let parts: Vec<&str> = text.split([',', '，']).map(str::trim).collect();
    let [label, starts, ends, quota] = parts[..] else {
        return Err(AppError::invalid(format!("periods[{i}]"), "时段写作 上午,09:00,12:00,20"));
    };
    Ok(PeriodPlan {
        label: label.into(),
        starts: starts.into(),
        ends: ends.into(),
        quota: quota
            .parse()
            .map_err(|_| AppError::invalid(format!("periods[{i}].quota"), "名额应为整数"))?,
    })
}

pub async fn run(ctx: &Ctx, command: MoveInCommand) -> Result<bool, Failure> {
    match command {
        MoveInCommand::Plan {
            project,
            name,
            from,
            to,
            buildings,
            floors,
            periods,
            place,
            windows,
        } => {
            let (floor_from, floor_to) = match floors.as_deref() {
                None => (None, None),
                Some(f) => floor_range(f).map(|(a, b)| (Some(a), Some(b)))?,
            };
            let periods = periods
                .iter()
                .enumerate()
                .map(|(i, p)| period(i, p))
                .collect::<Result<Vec<_>, _>>()?;
            let windows = windows.try_into().map_err(|_| AppError::invalid("windows", "窗口数应为非负整数"))?;
            let (services, s) = ctx.sign_in().await?;
            let p = services.project_by_name(&s, &project).await?;
            let all = services.buildings(&s, p.id).await?;
            let mut building_ids = Vec::new();
            for b in buildings.split([',', '，']).map(str::trim).filter(|b| !b.is_empty()) {
                let found = all
                    .iter()
                    .find(|x| x.name == b)
                    .ok_or_else(|| AppError::invalid("buildings", format!("没有楼栋“{b}”")))?;
                building_ids.push(found.id);
            }
            let input = BatchInput {
                project_id: p.id,
                name,
                first_day: from,
                last_day: to,
                place,
                windows,
                periods,
                selection: UnitSelection {
                    building_ids,
                    floor_from,
                    floor_to,
                    unit_ids: vec![],
                },
            };
            let created = services.create_batch(&s, &input).await?;
            if ctx.json {
                print_json(&created)?;
                return Ok(true);
            }
            out!(
                "已创建批次 {}（{}）：{} 套，{} 个时段{}",
                created.batch.id,
                created.batch.name,
                created.batch.unit_count,
                created.slots,
                if created.unsold_skipped > 0 {
                    format!("；{} 套未售房屋未加入", created.unsold_skipped)
                } else {
                    String::new()
                }
            );
            Ok(true)
        }
        MoveInCommand::Batches { project } => {
            let (services, s) = ctx.sign_in().await?;
            let p = services.project_by_name(&s, &project).await?;
            let list = services.batches(&s, p.id).await?;
            if ctx.json {
                print_json(&list)?;
                return Ok(true);
            }
            for b in list {
                out!(
                    "{}\t{}\t{} 至 {}\t{} 套\t已预约 {}\t已交付 {}",
                    b.id,
                    b.name,
                    b.first_day,
                    b.last_day,
                    b.unit_count,
                    b.booked,
                    b.delivered
                );
            }
            Ok(true)
        }
        MoveInCommand::Slots { batch } => {
            let (services, s) = ctx.sign_in().await?;
            let detail = services.batch_detail(&s, batch).await.map_err(|e| on_field("batch", e))?;
            let slots: Vec<SlotView> = detail.slots.iter().map(SlotView::from).collect();
            if ctx.json {
                print_json(&slots)?;
                return Ok(true);
            }
            let b = &detail.batch;
            out!(
                "批次 {}（{}）：{} 至 {}，{} 个时段",
                b.id,
                b.name,
                b.first_day,
                b.last_day,
                slots.len()
            );
            out!("ID\t日期\t时段\t时间\t名额\t已约\t剩余");
            for v in slots {
                out!(
                    "{}\t{}\t{}\t{}–{}\t{}\t{}\t{}",
                    v.id,
                    v.date,
                    v.period,
                    v.starts,
                    v.ends,
                    v.quota,
                    v.booked,
                    v.remaining
                );
            }
            Ok(true)
        }
        MoveInCommand::Book {
            unit,
            project,
            date,
            period,
            batch,
            note,
            rebook,
        } => {
            let date = day(&date)?;
            if period.trim().is_empty() {
                return Err(AppError::invalid("period", "请用 --period 指定时段（如“上午”）").into());
            }
            let (services, s) = ctx.sign_in().await?;
            let unit_id = crate::units::resolve(&services, &s, project.as_deref(), &unit).await?;
            let batch_id = match batch {
                Some(b) => b,
                None => services.move_in_unit(&s, unit_id).await.map_err(|e| on_field("unit", e))?.batch_id,
            };
            let detail = services.batch_detail(&s, batch_id).await.map_err(|e| on_field("batch", e))?;
            let slot = find_slot(&detail.slots, &detail.batch.name, date, &period)?;
            let booked = services.book_slot(&s, unit_id, slot.id, &note, rebook).await?;
            let view = BookingView {
                unit_id,
                unit: booked.label,
                batch_id: booked.batch_id,
                batch_name: booked.batch_name,
                date: slot.day,
                period: slot.label.clone(),
                appointment: booked.appointment,
            };
            if ctx.json {
                print_json(&view)?;
                return Ok(true);
            }
            out!(
                "已预约：{} → {}（批次 {}）",
                view.unit,
                view.appointment
                    .as_ref()
                    .map(|a| a.slot_text.clone())
                    .unwrap_or_else(|| slot.text()),
                view.batch_name
            );
            Ok(true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_ranges_and_periods_name_the_field() {
        assert_eq!(floor_range::<i32>(" 3 - 10 ").expect("range"), (3, 10));
        assert_eq!(floor_range::<i32>("3").expect_err("no dash").field.as_deref(), Some("floors"));
        assert_eq!(floor_range::<i32>("3-x").expect_err("nan").field.as_deref(), Some("floors"));
        let p = period(0, "上午，09:00,12:00, 20").expect("period");
        assert_eq!((p.label.as_str(), p.starts.as_str(), p.ends.as_str()), ("上午", "09:00", "12:00"));
        assert_eq!(period(1, "上午,09:00").expect_err("short").field.as_deref(), Some("periods[1]"));
        assert_eq!(
            period(2, "上午,09:00,12:00,lots").expect_err("not a number").field.as_deref(),
            Some("periods[2].quota")
        );
    }

    fn slot(id: i64, day: &str, label: &str) -> Slot {
        Slot {
            id,
            batch_id: 1,
            day: day.parse().expect("day"),
            label: label.into(),
            starts: "09:00".into(),
            ends: "12:00".into(),
            quota: 2,
            booked: 0,
        }
    }

    #[test]
    fn days_and_periods_are_found_or_the_field_is_named() {
        assert_eq!(day(" 2099-12-05 ").expect("day").to_string(), "2099-12-05");
        for bad in ["2099-13-01", "2099/12/05", "tomorrow", ""] {
            let e = day(bad).expect_err(bad);
            assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Invalid, Some("date")), "{bad}");
        }
        let slots = [
            slot(1, "2099-12-05", "上午"),
            slot(2, "2099-12-05", "下午"),
            slot(3, "2099-12-06", "上午"),
        ];
        let d = |t: &str| day(t).expect("day");
        assert_eq!(find_slot(&slots, "第一批", d("2099-12-05"), " 下午 ").expect("slot").id, 2);
        assert_eq!(find_slot(&slots, "第一批", d("2099-12-06"), "上午").expect("slot").id, 3);
        let e = find_slot(&slots, "第一批", d("2099-12-07"), "上午").expect_err("no such day");
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("date")));
        assert!(e.message.contains("2099-12-05 至 2099-12-06"), "{}", e.message);
        let e = find_slot(&slots, "第一批", d("2099-12-06"), "下午").expect_err("no such period");
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("period")));
        assert!(e.message.ends_with("可选：上午"), "{}", e.message);
    }
}
