//! `handover`: HandoverDesk's services from a terminal, for finance staff's batch work and for
//! black-box tests. Every command goes through the same services as the app.

use clap::{Parser, Subcommand, ValueEnum};
use domain::model::{ImportOutcome, PropertyType, UnitQuery, UnitStatus};
use domain::role::Role;
use domain::AppError;
use services::Services;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "handover", version, about = "交付台 HandoverDesk 命令行")]
struct Cli {
    /// Database file (created and migrated if missing). Default: the app's own database.
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    /// Print results and errors as JSON (also accepted after the `units`/`imports` subcommands).
    #[arg(long)]
    json: bool,
    /// Role to act as; masking of ID numbers and phones follows it.
    #[arg(long = "as-role", global = true, value_enum, default_value = "manager")]
    role: RoleArg,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Clerk,
    Manager,
    Finance,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Clerk => Role::Clerk,
            RoleArg::Manager => Role::Manager,
            RoleArg::Finance => Role::Finance,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Units (房源): import, list, export.
    Units {
        #[command(subcommand)]
        command: UnitsCommand,
    },
    /// Purchase fees: quotes, area settlement, mortgage schedules, capitals, rule files.
    Fees {
        #[command(subcommand)]
        command: FeesCommand,
    },
    /// Printed documents (PDF).
    Notices {
        #[command(subcommand)]
        command: NoticesCommand,
    },
    /// Move-in (入伙): plan batches, list them.
    #[command(name = "movein", alias = "move-in")]
    MoveIn {
        #[command(subcommand)]
        command: MoveInCommand,
    },
    /// Import history and undo.
    Imports {
        #[command(subcommand)]
        command: ImportsCommand,
    },
}

#[derive(Subcommand)]
enum UnitsCommand {
    /// Import a 房源表 / 买受人表 workbook (.xlsx): all rows are checked first; nothing is written
    /// if any row is wrong.
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
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
        #[arg(long)]
        json: bool,
    },
    /// Export every matching unit to .xlsx.
    Export {
        out: PathBuf,
        #[arg(long)]
        search: Option<String>,
    },
    /// Write an empty import template.
    Template { out: PathBuf },
    /// Write a made-up but valid sample workbook (for trying the import, tests and benchmarks).
    Sample {
        out: PathBuf,
        #[arg(long, default_value_t = 24)]
        units: usize,
        #[arg(long, default_value = "示例花园")]
        project: String,
    },
}

#[derive(Subcommand)]
enum FeesCommand {
    /// Itemised purchase-fee quote. The request is JSON (decimals as strings) from FILE, or stdin with `-`.
    Quote {
        #[arg(long = "json", value_name = "FILE")]
        file: PathBuf,
    },
    /// Area-difference settlement (商品房销售管理办法 第二十条).
    Area {
        #[arg(long = "json", value_name = "FILE")]
        file: PathBuf,
    },
    /// Mortgage schedule (equal_installment or equal_principal).
    Mortgage {
        #[arg(long = "json", value_name = "FILE")]
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
enum RulesCommand {
    /// Check every shipped rule file: dates ordered without gaps or overlaps, every value sourced,
    /// values not re-checked for over a year flagged. Exits non-zero on errors (not on stale values).
    Check {
        /// The day to judge staleness on (default: today).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
    /// The shipped regions.
    List,
}

#[derive(Subcommand)]
enum NoticesCommand {
    /// Render one document to a PDF file.
    Render {
        /// Document id: move-in-notice (入伙通知书), move-in-confirmation (入伙确认书),
        /// key-handover (钥匙交接单) — these with --unit; inspection-form (交房验收单, with
        /// --inspection); rectification-notice (整改通知单, with --project and --party); fee-statement (税费明细单),
        /// area-settlement (面积差价结算单) — with --contract; certificate-pickup (领证通知单,
        /// --sample only until title-certificate records exist).
        #[arg(long)]
        doc: String,
        /// The unit: its id, or its number as in the unit list ("1-101"; must be unique).
        #[arg(long)]
        unit: Option<String>,
        /// inspection-form: the inspection id.
        #[arg(long)]
        inspection: Option<i64>,
        /// rectification-notice: the responsible party (总包…), with --project.
        #[arg(long)]
        party: Option<String>,
        #[arg(long)]
        project: Option<String>,
        /// Use built-in sample data (for trying it out, and for tests).
        #[arg(long)]
        sample: bool,
        /// The contract (by number) whose latest saved quote to print.
        #[arg(long)]
        contract: Option<String>,
        /// Copies (联): 1, 2 or 3.
        #[arg(long, default_value_t = 1)]
        copies: u8,
        #[arg(long)]
        out: PathBuf,
    },
    /// Render a document for every unit of a move-in batch, in parallel, into a folder.
    Batch {
        /// Document id (move-in-notice).
        #[arg(long)]
        doc: String,
        /// Batch id (see `handover movein batches`).
        #[arg(long)]
        batch: i64,
        /// Output folder (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// One combined PDF instead of one file per unit.
        #[arg(long)]
        combined: bool,
    },
}

#[derive(Subcommand)]
enum MoveInCommand {
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
        #[arg(long, default_value_t = 5)]
        windows: u32,
    },
    /// The project's batches.
    Batches {
        #[arg(long)]
        project: String,
    },
}

#[derive(Subcommand)]
enum ImportsCommand {
    /// List past imports.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Undo one import as a whole.
    Undo { id: i64 },
}

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    cli.json |= match &cli.command {
        Command::Units {
            command: UnitsCommand::Import { json, .. } | UnitsCommand::List { json, .. },
        } => *json,
        Command::Imports {
            command: ImportsCommand::List { json },
        } => *json,
        _ => false,
    };
    let json = cli.json;
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(json, &AppError::internal(e)),
    };
    match rt.block_on(run(cli)) {
        Ok(true) => ExitCode::SUCCESS,
        // The outcome itself (e.g. a rejected import with its rows) was printed already.
        Ok(false) => ExitCode::FAILURE,
        Err(e) => fail(json, &e),
    }
}

fn fail(json: bool, e: &AppError) -> ExitCode {
    if json {
        println!("{}", serde_json::json!({ "error": e }));
    } else {
        eprintln!(
            "错误：{}{}",
            e.message,
            e.field.as_ref().map(|f| format!("（字段：{f}）")).unwrap_or_default()
        );
    }
    ExitCode::FAILURE
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), AppError> {
    println!("{}", serde_json::to_string_pretty(v).map_err(AppError::internal)?);
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    services::write_file(path, bytes)
}

fn parse_code<T>(field: &str, v: Option<String>, parse: fn(&str) -> Option<T>) -> Result<Option<T>, AppError> {
    v.map(|s| parse(&s).ok_or_else(|| AppError::invalid(field, format!("“{s}”无效"))))
        .transpose()
}

async fn requote(cli: &Cli, project: &str, region: &str, fund_per_m2: Option<&str>) -> Result<bool, AppError> {
    let path = cli.db.clone().unwrap_or_else(services::default_db_path);
    let services = Services::open(&path).await?;
    let s = services.cli_session(Role::Finance).await?;
    let project_id = services
        .projects(&s)
        .await?
        .into_iter()
        .find(|p| p.name == project)
        .map(|p| p.id)
        .ok_or_else(|| AppError::not_found(format!("项目“{project}”")))?;
    let fund = fund_per_m2
        .map(|v| {
            rust_decimal::Decimal::from_str_exact(v.trim())
                .map(|d| fees::quote::FundOverride {
                    per_m2: Some(d),
                    rate: None,
                })
                .map_err(|_| AppError::invalid("fund_per_m2", format!("“{v}”不是有效金额")))
        })
        .transpose()?;
    let report = services.requote_project(&s, project_id, region, fund).await?;
    println!("{}", serde_json::to_string_pretty(&report).map_err(AppError::internal)?);
    Ok(report.failed.is_empty())
}

async fn render_notice(
    cli: &Cli,
    doc: &str,
    unit: Option<&str>,
    sample: bool,
    contract: Option<&str>,
    copies: u8,
    out: &Path,
) -> Result<bool, AppError> {
    use notices::{
        area_settlement, certificate_pickup, fee_statement, inspection_form, key_handover, move_in_confirmation, move_in_notice,
        rectification_notice,
    };
    use services::move_in::MoveInDoc;
    let known = [
        "move-in-notice",
        "move-in-confirmation",
        "fee-statement",
        "area-settlement",
        "key-handover",
        "certificate-pickup",
        "inspection-form",
        "rectification-notice",
    ];
    if !known.contains(&doc) {
        return Err(AppError::invalid(
            "doc",
            format!("文件“{doc}”尚未提供；目前可用：{}", known.join("、")),
        ));
    }
    let err = services::finance::notice_error;
    let pdf = if sample {
        match doc {
            "fee-statement" => {
                let mut s = fee_statement::sample();
                s.copies = copies;
                fee_statement::render(&s).map_err(err)?
            }
            "area-settlement" => area_settlement::sample().and_then(|s| area_settlement::render(&s)).map_err(err)?,
            "key-handover" => key_handover::render(&key_handover::sample()).map_err(err)?,
            "move-in-notice" => move_in_notice::render(&move_in_notice::sample()).map_err(err)?,
            "move-in-confirmation" => move_in_confirmation::render(&move_in_confirmation::sample()).map_err(err)?,
            "inspection-form" => {
                let mut f = inspection_form::sample();
                f.copies = copies;
                inspection_form::render(&f).map_err(err)?
            }
            "rectification-notice" => rectification_notice::render(&rectification_notice::sample()).map_err(err)?,
            _ => certificate_pickup::render(&certificate_pickup::sample()).map_err(err)?,
        }
    } else if let Some(unit) = unit {
        let which = match doc {
            "move-in-notice" => MoveInDoc::MoveInNotice,
            "move-in-confirmation" => MoveInDoc::MoveInConfirmation,
            "key-handover" => MoveInDoc::KeyHandover,
            _ => return Err(AppError::invalid("unit", format!("“{doc}”按合同打印，请用 --contract"))),
        };
        let services = Services::open(&cli.db.clone().unwrap_or_else(services::default_db_path)).await?;
        let s = services.cli_session(cli.role.into()).await?;
        let id = match unit.trim().parse::<i64>() {
            Ok(id) => id,
            Err(_) => services.unit_by_number(&s, None, unit).await?.id,
        };
        services.move_in_pdf(&s, id, which).await?
    } else {
        let Some(number) = contract else {
            return Err(AppError::invalid(
                "contract",
                "请用 --unit 指定房屋、--contract 指定合同编号，或用 --sample 打印示例",
            ));
        };
        let services = Services::open(&cli.db.clone().unwrap_or_else(services::default_db_path)).await?;
        let s = services.cli_session(Role::Finance).await?;
        match doc {
            "fee-statement" => services.fee_statement_pdf_by_number(&s, number, copies).await?,
            "area-settlement" => services.area_statement_pdf(&s, number).await?,
            _ => {
                return Err(AppError::invalid(
                    "doc",
                    "钥匙交接单和领证通知单需要入伙、产权办理记录，目前只能用 --sample 打印示例",
                ))
            }
        }
    };
    write_file(out, &pdf)?;
    Ok(true)
}

/// Ok(true): done; Ok(false): refused, with the refusal already printed; Err: print the error.
/// The fee commands need no database: pure functions over the embedded rule files.
fn run_fees(command: &FeesCommand) -> Result<bool, fees::FeeError> {
    use fees::{area, mortgage, quote, rules::RuleBook};
    let read = |path: &PathBuf| -> Result<String, fees::FeeError> {
        let mut text = String::new();
        if path.as_os_str() == "-" {
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| fees::FeeError::invalid("json", format!("无法读取标准输入：{e}")))?;
        } else {
            text =
                std::fs::read_to_string(path).map_err(|e| fees::FeeError::invalid("json", format!("无法读取 {}：{e}", path.display())))?;
        }
        Ok(text)
    };
    let out = |v: serde_json::Value| println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    match command {
        FeesCommand::Quote { file } => {
            let book = RuleBook::shipped()?;
            let q = quote::quote(&book, &fees::parse_json(&read(file)?)?)?;
            out(serde_json::to_value(q).unwrap_or_default());
        }
        FeesCommand::Area { file } => out(serde_json::to_value(area::settle(&fees::parse_json(&read(file)?)?)?).unwrap_or_default()),
        FeesCommand::Mortgage { file } => {
            out(serde_json::to_value(mortgage::schedule(&fees::parse_json(&read(file)?)?)?).unwrap_or_default())
        }
        FeesCommand::Capitals { amount } => {
            let d = rust_decimal::Decimal::from_str_exact(amount.trim())
                .map_err(|_| fees::FeeError::invalid("amount", format!("“{amount}”不是有效金额")))?;
            println!(
                "{}",
                fees::capitals::write(d).ok_or_else(|| fees::FeeError::invalid("amount", "金额超出可书写范围"))?
            );
        }
        FeesCommand::Requote { .. } | FeesCommand::Saved { .. } => return Ok(true), // need the database: handled in `run`
        FeesCommand::Rules {
            command: RulesCommand::List,
        } => {
            for r in RuleBook::shipped()?.regions() {
                println!("{}\t{}", r.region, r.name);
            }
        }
        FeesCommand::Rules {
            command: RulesCommand::Check { today },
        } => {
            let today = today.unwrap_or_else(|| chrono::Local::now().date_naive());
            let mut errors = 0;
            for (name, text) in fees::rules::SHIPPED {
                let file = fees::rules::RegionFile::parse(name, text)?;
                let findings = file.check(today);
                errors += findings.iter().filter(|f| f.severity == "error").count();
                if findings.is_empty() {
                    println!("{name}: ok");
                }
                for f in findings {
                    println!("{name}: [{}] {}: {}", f.severity, f.parameter, f.message);
                }
            }
            RuleBook::shipped()?;
            return Ok(errors == 0);
        }
    }
    Ok(true)
}

async fn run(cli: Cli) -> Result<bool, AppError> {
    let json = cli.json;
    if let Command::Fees { command } = &cli.command {
        if let FeesCommand::Requote {
            project,
            region,
            fund_per_m2,
        } = command
        {
            return requote(&cli, project, region, fund_per_m2.as_deref()).await;
        }
        if let FeesCommand::Saved { contract } = command {
            let services = Services::open(&cli.db.clone().unwrap_or_else(services::default_db_path)).await?;
            let s = services.cli_session(Role::Finance).await?;
            print_json(&services.contract_quotes_by_number(&s, contract).await?)?;
            return Ok(true);
        }
        return match run_fees(command) {
            Ok(ok) => Ok(ok),
            Err(e) => {
                // Fee errors are always JSON: finance staff's scripts read them.
                println!("{}", serde_json::json!({ "error": e.body() }));
                Ok(false)
            }
        };
    }
    // Commands that need no database.
    if let Command::Units {
        command: UnitsCommand::Template { out },
    } = &cli.command
    {
        return write_file(out, &domain::sheet::template()?).map(|_| true);
    }
    if let Command::Units {
        command: UnitsCommand::Sample { out, units, project },
    } = &cli.command
    {
        return write_file(out, &domain::sample::workbook(project, *units)?).map(|_| true);
    }
    if let Command::Notices {
        command:
            NoticesCommand::Render {
                doc,
                unit,
                inspection,
                party,
                project,
                sample,
                contract,
                copies,
                out,
            },
    } = &cli.command
    {
        if !*sample && (doc == "inspection-form" || doc == "rectification-notice") {
            let services = Services::open(&cli.db.clone().unwrap_or_else(services::default_db_path)).await?;
            let s = services.cli_session(cli.role.into()).await?;
            let pdf = if doc == "inspection-form" {
                let id = inspection.ok_or_else(|| AppError::invalid("inspection", "请用 --inspection 指定验房记录"))?;
                services.inspection_form_pdf(&s, id, *copies).await?
            } else {
                let (Some(party), Some(project)) = (party, project) else {
                    return Err(AppError::invalid("party", "请用 --project 和 --party 指定项目和责任单位"));
                };
                let p = services
                    .projects(&s)
                    .await?
                    .into_iter()
                    .find(|p| &p.name == project)
                    .ok_or_else(|| AppError::not_found(format!("项目“{project}”")))?;
                services.rectification_notice_pdf(&s, p.id, party).await?
            };
            return write_file(out, &pdf).map(|_| true);
        }
        return render_notice(&cli, doc, unit.as_deref(), *sample, contract.as_deref(), *copies, out).await;
    }
    let path = cli.db.clone().unwrap_or_else(services::default_db_path);
    let services = Services::open(&path).await?;
    let s = services.cli_session(cli.role.into()).await?;
    match cli.command {
        Command::Units { command } => match command {
            UnitsCommand::Import { file, .. } => {
                let bytes = std::fs::read(&file).map_err(|e| AppError::io(format!("{}：{e}", file.display())))?;
                let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
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
                            println!("已导入（批次 {import_id}）：房屋 {units} 套，合同 {contracts} 份");
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
                ..
            } => {
                let q = UnitQuery {
                    search,
                    status: parse_code("status", status, UnitStatus::parse_text)?,
                    property_type: parse_code("type", property_type, PropertyType::parse_text)?,
                    page,
                    page_size,
                    ..Default::default()
                };
                let page = services.search_units(&s, &q).await?;
                if json {
                    return print_json(&page).map(|_| true);
                }
                println!("共 {} 套", page.total);
                for i in page.items {
                    let u = &i.unit;
                    println!(
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
                let bytes = services
                    .export_units(
                        &s,
                        &UnitQuery {
                            search,
                            ..Default::default()
                        },
                    )
                    .await?;
                write_file(&out, &bytes).map(|_| true)
            }
            UnitsCommand::Template { .. } | UnitsCommand::Sample { .. } => Ok(true),
        },
        Command::Notices {
            command: NoticesCommand::Batch { doc, batch, out, combined },
        } => {
            if doc != "move-in-notice" {
                return Err(AppError::invalid("doc", "批量打印目前支持 move-in-notice（入伙通知书）"));
            }
            let control = notices::batch::Control::new();
            let started = std::time::Instant::now();
            let progress = |done: usize, total: usize| {
                if !json && (done == total || done.is_multiple_of(50)) {
                    eprint!("\r已排版 {done}/{total}");
                }
            };
            let report = services.print_batch_notices(&s, batch, &out, combined, &control, &progress).await?;
            if json {
                return print_json(&report).map(|_| true);
            }
            eprintln!();
            println!(
                "已生成 {} 份（{} 页），{} 个文件，用时 {} ms，保存在 {}",
                report.printed,
                report.pages,
                report.files.len(),
                started.elapsed().as_millis(),
                out.display()
            );
            for f in &report.failures {
                eprintln!("未能打印：{}：{}", f.unit, f.message);
            }
            Ok(report.failures.is_empty())
        }
        Command::MoveIn { command } => match command {
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
                let p = services
                    .projects(&s)
                    .await?
                    .into_iter()
                    .find(|p| p.name == project)
                    .ok_or_else(|| AppError::not_found(format!("项目“{project}”")))?;
                let all = services.buildings(&s, p.id).await?;
                let mut building_ids = Vec::new();
                for b in buildings.split([',', '，']).map(str::trim).filter(|b| !b.is_empty()) {
                    let found = all
                        .iter()
                        .find(|x| x.name == b)
                        .ok_or_else(|| AppError::invalid("buildings", format!("没有楼栋“{b}”")))?;
                    building_ids.push(found.id);
                }
                let (floor_from, floor_to) = match floors.as_deref() {
                    None => (None, None),
                    Some(f) => {
                        let (a, b) = f.split_once('-').ok_or_else(|| AppError::invalid("floors", "楼层范围写作 3-10"))?;
                        let n = |t: &str| {
                            t.trim()
                                .parse::<i32>()
                                .map_err(|_| AppError::invalid("floors", "楼层范围写作 3-10"))
                        };
                        (Some(n(a)?), Some(n(b)?))
                    }
                };
                let mut plans = Vec::new();
                for (i, p) in periods.iter().enumerate() {
                    let parts: Vec<&str> = p.split([',', '，']).map(str::trim).collect();
                    let [label, starts, ends, quota] = parts[..] else {
                        return Err(AppError::invalid(format!("periods[{i}]"), "时段写作 上午,09:00,12:00,20"));
                    };
                    plans.push(domain::move_in::PeriodPlan {
                        label: label.into(),
                        starts: starts.into(),
                        ends: ends.into(),
                        quota: quota
                            .parse()
                            .map_err(|_| AppError::invalid(format!("periods[{i}].quota"), "名额应为整数"))?,
                    });
                }
                let created = services
                    .create_batch(
                        &s,
                        &domain::move_in::BatchInput {
                            project_id: p.id,
                            name,
                            first_day: from,
                            last_day: to,
                            place,
                            windows,
                            periods: plans,
                            selection: domain::move_in::UnitSelection {
                                building_ids,
                                floor_from,
                                floor_to,
                                unit_ids: vec![],
                            },
                        },
                    )
                    .await?;
                if json {
                    return print_json(&created).map(|_| true);
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
                let p = services
                    .projects(&s)
                    .await?
                    .into_iter()
                    .find(|p| p.name == project)
                    .ok_or_else(|| AppError::not_found(format!("项目“{project}”")))?;
                let list = services.batches(&s, p.id).await?;
                if json {
                    return print_json(&list).map(|_| true);
                }
                for b in list {
                    println!(
                        "{}\t{}\t{} 至 {}\t{} 套\t已预约 {}\t已交付 {}",
                        b.id, b.name, b.first_day, b.last_day, b.unit_count, b.booked, b.delivered
                    );
                }
                Ok(true)
            }
        },
        Command::Fees { .. } | Command::Notices { .. } => Ok(true),
        Command::Imports { command } => match command {
            ImportsCommand::List { .. } => {
                let list = services.imports(&s).await?;
                if json {
                    return print_json(&list).map(|_| true);
                }
                for i in list {
                    println!(
                        "{}\t{}\t房屋 {}\t合同 {}\t{}\t{}\t{}",
                        i.id,
                        i.file_name,
                        i.unit_count,
                        i.contract_count,
                        i.username,
                        i.created_at,
                        i.undone_at.map(|t| format!("已撤销 {t}")).unwrap_or_default()
                    );
                }
                Ok(true)
            }
            ImportsCommand::Undo { id } => {
                services.undo_import(&s, id).await?;
                if !json {
                    println!("已撤销导入批次 {id}");
                }
                Ok(true)
            }
        },
    }
}
