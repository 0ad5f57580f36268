//! `handover units`: import, list, export (signed in); template and sample (no database).

use crate::output::{print_json, write_file, Failure};
use crate::session::Ctx;
use clap::Subcommand;
use domain::model::{ImportOutcome, PropertyType, UnitQuery, UnitStatus};
use domain::role::Session;
use domain::{AppError, ErrorCode};
use services::Services;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum UnitsCommand {
    /// Import a 房源表 / 买受人表 workbook (.xlsx): all rows are checked first; nothing is written
    /// if any row is wrong.
    Import { file: PathBuf },
    /// List units (one page).
    List {
        /// Unit number prefix, buyer name prefix, phone, phone tail or ID tail.
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long = "type")]
        property_type: Option<String>,
        #[arg(long, default_value_t = 1)]
        page: u32,
        #[arg(long, default_value_t = 50)]
        page_size: u32,
    },
    /// Export every matching unit to .xlsx.
    Export {
        out: PathBuf,
        #[arg(long)]
        search: Option<String>,
    },
    /// Write an empty import template (no database needed).
    Template { out: PathBuf },
    /// Write a made-up but valid sample workbook (for trying the import, tests and benchmarks; no
    /// database needed).
    Sample {
        out: PathBuf,
        #[arg(long, default_value_t = 24)]
        units: usize,
        #[arg(long, default_value = "示例花园")]
        project: String,
    },
}

/// A unit given on the command line: its id, or its 房号 as in the unit list ("1-101"), which must
/// be unique (within `project` when given).
///
/// Errors: `NotFound` (on `unit`, or on `project`), `Invalid` on `unit` (房号 not unique).
pub async fn resolve(services: &Services, s: &Session, project: Option<&str>, unit: &str) -> Result<i64, AppError> {
    if let Ok(id) = unit.trim().parse::<i64>() {
        return Ok(id);
    }
    let project_id = match project {
        Some(name) => Some(services.project_by_name(s, name).await?.id),
        None => None,
    };
    services
        .unit_by_number(s, project_id, unit)
        .await
        .map(|u| u.id)
        .map_err(|e| on_field("unit", e))
}

/// A `NotFound` without a field gets `field` (the option that named the missing thing).
pub fn on_field(field: &str, e: AppError) -> AppError {
    match e.code {
        ErrorCode::NotFound if e.field.is_none() => AppError {
            field: Some(field.into()),
            ..e
        },
        _ => e,
    }
}

fn parse_code<T>(field: &str, v: Option<String>, parse: fn(&str) -> Option<T>) -> Result<Option<T>, AppError> {
    v.map(|s| parse(&s).ok_or_else(|| AppError::invalid(field, format!("“{s}”无效"))))
        .transpose()
}

pub async fn run(ctx: &Ctx, command: UnitsCommand) -> Result<bool, Failure> {
    let json = ctx.json;
    match command {
        UnitsCommand::Template { out } => write_file(&out, &domain::sheet::template()?),
        UnitsCommand::Sample { out, units, project } => write_file(&out, &domain::sample::workbook(&project, units)?),
        UnitsCommand::Import { file } => {
            let bytes = std::fs::read(&file).map_err(|e| AppError::io(format!("{}：{e}", file.display())))?;
            let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let (services, s) = ctx.sign_in().await?;
            let outcome = services.import_workbook(&s, &name, &bytes).await?;
            if json {
                print_json(&outcome)?;
            }
            match outcome {
                ImportOutcome::Imported {
                    import_id,
                    units,
                    contracts,
                } => {
                    if !json {
                        out!("已导入（批次 {import_id}）：房屋 {units} 套，合同 {contracts} 份");
                    }
                    Ok(true)
                }
                ImportOutcome::Rejected { errors } => {
                    if !json {
                        for e in &errors {
                            eprintln!("{} 第 {} 行「{}」：{}", e.sheet, e.row, e.column, e.message);
                        }
                        eprintln!("导入被拒绝：{} 处错误，未写入任何数据", errors.len());
                    }
                    Ok(false)
                }
            }
        }
        UnitsCommand::List {
            search,
            status,
            property_type,
            page,
            page_size,
        } => {
            let q = UnitQuery {
                search,
                status: parse_code("status", status, UnitStatus::parse_text)?,
                property_type: parse_code("type", property_type, PropertyType::parse_text)?,
                page,
                page_size,
                ..Default::default()
            };
            let (services, s) = ctx.sign_in().await?;
            let page = services.search_units(&s, &q).await?;
            if json {
                print_json(&page)?;
                return Ok(true);
            }
            out!("共 {} 套", page.total);
            for i in page.items {
                let u = &i.unit;
                out!(
                    "{}\t{}\t{}\t{}\t{}㎡\t{}\t{}\t{}\t{}",
                    u.project_name,
                    u.building_name,
                    u.number,
                    u.property_type.label(),
                    u.forecast_gross_area,
                    u.status.label(),
                    i.contract_number.unwrap_or_default(),
                    i.buyer_names,
                    i.buyer_phones
                );
            }
            Ok(true)
        }
        UnitsCommand::Export { out, search } => {
            let (services, s) = ctx.sign_in().await?;
            let q = UnitQuery {
                search,
                ..Default::default()
            };
            write_file(&out, &services.export_units(&s, &q).await?)
        }
    }
}
