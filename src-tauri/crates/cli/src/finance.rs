//! `handover fees`: quotes, area settlement, mortgage schedules, capitals and rule files (the module
//! is not called `fees`, so it does not shadow the fees crate).
//!
//! Without `--db`, `quote`, `area`, `mortgage` and `capitals` are pure functions over the shipped
//! rule files and need no sign-in. With `--db` they go through the signed-in services, so a quote
//! uses the rules in force in that database (shipped files plus finance's saved edits), exactly as
//! the app's 税费测算 does. `requote`, `saved` and `rules save` always need the database.

use crate::output::{print_json, Failure};
use crate::session::Ctx;
use clap::Subcommand;
use domain::AppError;
use fees::rules::{RegionFile, RuleBook};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum FeesCommand {
    /// Itemised purchase-fee quote. The request is JSON (decimals as strings) from FILE, or stdin
    /// with `-` (the default): `handover fees quote --json FILE`.
    Quote {
        #[arg(value_name = "FILE", default_value = "-")]
        file: PathBuf,
    },
    /// Area-difference settlement (商品房销售管理办法 第二十条); JSON request from FILE or `-`.
    Area {
        #[arg(value_name = "FILE", default_value = "-")]
        file: PathBuf,
    },
    /// Mortgage schedule (equal_installment or equal_principal); JSON request from FILE or `-`.
    Mortgage {
        #[arg(value_name = "FILE", default_value = "-")]
        file: PathBuf,
    },
    /// An amount in Chinese capitals (人民币大写).
    Capitals { amount: String },
    /// Re-quote every live contract of a project and save the quotes (one transaction).
    Requote {
        /// Project name.
        #[arg(long)]
        project: String,
        #[arg(long)]
        region: String,
        /// The local maintenance-fund standard in yuan per m², when the region publishes none.
        #[arg(long)]
        fund_per_m2: Option<String>,
    },
    /// The quotes saved on a contract, exactly as saved.
    Saved {
        #[arg(long)]
        contract: String,
    },
    /// Fee rule files.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Subcommand)]
pub enum RulesCommand {
    /// Check every shipped rule file: dates ordered without gaps or overlaps, every value sourced,
    /// values not re-checked for over a year flagged. Exits non-zero on errors (not on stale values).
    Check {
        /// The day to judge staleness on (default: today).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
    /// The regions: as shipped, or with --db as in force in that database.
    List,
    /// Save a region's rule file (TOML) as a new version in the database, checked and audited as
    /// the app's rule editor does (finance or admin).
    Save { file: PathBuf },
}

/// The request text from a file, or stdin for `-`.
fn read(path: &Path) -> Result<String, AppError> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| AppError::invalid("file", format!("无法读取标准输入：{e}")))?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| AppError::invalid("file", format!("无法读取 {}：{e}", path.display())))
}

/// A decimal typed on the command line.
fn decimal(field: &str, text: &str) -> Result<Decimal, AppError> {
    Decimal::from_str_exact(text.trim()).map_err(|_| AppError::invalid(field, format!("“{text}”不是有效金额")))
}

pub async fn run(ctx: &Ctx, command: FeesCommand) -> Result<bool, Failure> {
    match command {
        FeesCommand::Quote { file } => {
            let req: fees::quote::QuoteRequest = fees::parse_json(&read(&file)?)?;
            let q = if ctx.has_db() {
                let (services, s) = ctx.sign_in().await?;
                services.quote_fees(&s, &req, &[])?
            } else {
                fees::quote::quote(&RuleBook::shipped()?, &req)?
            };
            print_json(&q)?;
        }
        FeesCommand::Area { file } => {
            let req: fees::area::AreaRequest = fees::parse_json(&read(&file)?)?;
            let a = if ctx.has_db() {
                let (services, s) = ctx.sign_in().await?;
                services.area_settlement(&s, &req)?
            } else {
                fees::area::settle(&req)?
            };
            print_json(&a)?;
        }
        FeesCommand::Mortgage { file } => {
            let req: fees::mortgage::MortgageRequest = fees::parse_json(&read(&file)?)?;
            let m = if ctx.has_db() {
                let (services, s) = ctx.sign_in().await?;
                services.mortgage_schedule(&s, &req)?
            } else {
                fees::mortgage::schedule(&req)?
            };
            print_json(&m)?;
        }
        FeesCommand::Capitals { amount } => {
            let d = decimal("amount", &amount)?;
            let words = fees::capitals::write(d).ok_or_else(|| AppError::invalid("amount", "金额超出可书写范围"))?;
            if ctx.json {
                print_json(&serde_json::json!({ "amount": d.to_string(), "capitals": words }))?;
            } else {
                out!("{words}");
            }
        }
        FeesCommand::Requote {
            project,
            region,
            fund_per_m2,
        } => {
            let fund = fund_per_m2
                .map(|v| {
                    decimal("fund_per_m2", &v).map(|d| fees::quote::FundOverride {
                        per_m2: Some(d),
                        rate: None,
                    })
                })
                .transpose()?;
            let (services, s) = ctx.sign_in().await?;
            let p = services.project_by_name(&s, &project).await?;
            let report = services.requote_project(&s, p.id, &region, fund).await?;
            print_json(&report)?;
            return Ok(report.failed.is_empty());
        }
        FeesCommand::Saved { contract } => {
            let (services, s) = ctx.sign_in().await?;
            print_json(&services.contract_quotes_by_number(&s, &contract).await?)?;
        }
        FeesCommand::Rules { command } => return rules(ctx, command).await,
    }
    Ok(true)
}

async fn rules(ctx: &Ctx, command: RulesCommand) -> Result<bool, Failure> {
    match command {
        RulesCommand::List if ctx.has_db() => {
            let (services, s) = ctx.sign_in().await?;
            let regions = services.fee_regions(&s).await?;
            if ctx.json {
                print_json(&regions)?;
            } else {
                for r in regions {
                    out!(
                        "{}\t{}\t{}{}",
                        r.code,
                        r.name,
                        r.rules_version,
                        if r.edited { "\t已修改" } else { "" }
                    );
                }
            }
        }
        RulesCommand::List => {
            let book = RuleBook::shipped()?;
            if ctx.json {
                let list: Vec<_> = book
                    .regions()
                    .map(|r| serde_json::json!({ "code": r.region, "name": r.name, "based_on": r.based_on }))
                    .collect();
                print_json(&list)?;
            } else {
                for r in book.regions() {
                    out!("{}\t{}", r.region, r.name);
                }
            }
        }
        RulesCommand::Check { today } => {
            // A shipped-files check needs no database: the office's default zone decides the day.
            let today = today.unwrap_or_else(|| domain::office_time::office_today(chrono::Utc::now(), domain::office_time::DEFAULT_ZONE));
            let mut errors = 0;
            let mut all = Vec::new();
            for (name, text) in fees::rules::SHIPPED {
                let findings = RegionFile::parse(name, text)?.check(today);
                errors += findings.iter().filter(|f| f.severity == "error").count();
                if !ctx.json {
                    if findings.is_empty() {
                        out!("{name}: ok");
                    }
                    for f in &findings {
                        out!("{name}: [{}] {}: {}", f.severity, f.parameter, f.message);
                    }
                }
                all.push(serde_json::json!({ "file": name, "findings": findings }));
            }
            RuleBook::shipped()?;
            if ctx.json {
                print_json(&all)?;
            }
            return Ok(errors == 0);
        }
        RulesCommand::Save { file } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| AppError::invalid("file", format!("无法读取 {}：{e}", file.display())))?;
            let (services, s) = ctx.sign_in().await?;
            let saved = services.save_region_rules(&s, &text).await?;
            // Stale values do not block saving; say which, as the rule editor does.
            let stale = services.check_region_rules(&s, &text)?;
            if ctx.json {
                print_json(&serde_json::json!({ "region": saved, "findings": stale }))?;
            } else {
                out!(
                    "已保存地区 {}（{}）的规则，现行版本 {}",
                    saved.code,
                    saved.name,
                    saved.rules_version
                );
                for f in stale {
                    eprintln!("[{}] {}: {}", f.severity, f.parameter, f.message);
                }
            }
        }
    }
    Ok(true)
}
