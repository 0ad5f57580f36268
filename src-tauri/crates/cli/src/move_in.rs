//! `handover movein` (alias `move-in`): plan a batch, list a project's batches (signed in).

use crate::output::{print_json, Failure};
use crate::session::Ctx;
use clap::Subcommand;
use domain::move_in::{BatchInput, PeriodPlan, UnitSelection};
use domain::AppError;

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
            println!(
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
                println!(
                    "{}\t{}\t{} 至 {}\t{} 套\t已预约 {}\t已交付 {}",
                    b.id, b.name, b.first_day, b.last_day, b.unit_count, b.booked, b.delivered
                );
            }
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
}
