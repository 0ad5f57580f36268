//! `handover notices`: render one document (with `--sample` no database and no sign-in), or a
//! whole move-in batch in parallel.

use crate::output::{print_json, write_file, Failure};
use crate::session::Ctx;
use clap::Subcommand;
use domain::AppError;
use services::move_in::MoveInDoc;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum NoticesCommand {
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
        /// Use built-in sample data (for trying it out, and for tests; no database needed).
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

const KNOWN: [&str; 8] = [
    "move-in-notice",
    "move-in-confirmation",
    "fee-statement",
    "area-settlement",
    "key-handover",
    "certificate-pickup",
    "inspection-form",
    "rectification-notice",
];

/// The document with the built-in sample data (`doc` is one of [`KNOWN`]).
fn sample(doc: &str, copies: u8) -> Result<Vec<u8>, AppError> {
    use notices::{
        area_settlement, certificate_pickup, fee_statement, inspection_form, key_handover, move_in_confirmation, move_in_notice,
        rectification_notice,
    };
    let err = services::finance::notice_error;
    match doc {
        "fee-statement" => {
            let mut s = fee_statement::sample();
            s.copies = copies;
            fee_statement::render(&s).map_err(err)
        }
        "area-settlement" => area_settlement::sample().and_then(|s| area_settlement::render(&s)).map_err(err),
        "key-handover" => key_handover::render(&key_handover::sample()).map_err(err),
        "move-in-notice" => move_in_notice::render(&move_in_notice::sample()).map_err(err),
        "move-in-confirmation" => move_in_confirmation::render(&move_in_confirmation::sample()).map_err(err),
        "inspection-form" => {
            let mut f = inspection_form::sample();
            f.copies = copies;
            inspection_form::render(&f).map_err(err)
        }
        "rectification-notice" => rectification_notice::render(&rectification_notice::sample()).map_err(err),
        _ => certificate_pickup::render(&certificate_pickup::sample()).map_err(err),
    }
}

/// What a render from the database needs, checked before signing in.
enum Source {
    Unit(MoveInDoc, String),
    Contract(String),
    Inspection(i64),
    Rectification { project: String, party: String },
}

fn source(
    doc: &str,
    unit: Option<String>,
    contract: Option<String>,
    inspection: Option<i64>,
    project: Option<String>,
    party: Option<String>,
) -> Result<Source, AppError> {
    let unit_doc = match doc {
        "move-in-notice" => Some(MoveInDoc::MoveInNotice),
        "move-in-confirmation" => Some(MoveInDoc::MoveInConfirmation),
        "key-handover" => Some(MoveInDoc::KeyHandover),
        _ => None,
    };
    Ok(match doc {
        "inspection-form" => {
            Source::Inspection(inspection.ok_or_else(|| AppError::invalid("inspection", "请用 --inspection 指定验房记录"))?)
        }
        "rectification-notice" => match (project, party) {
            (Some(project), Some(party)) => Source::Rectification { project, party },
            _ => return Err(AppError::invalid("party", "请用 --project 和 --party 指定项目和责任单位")),
        },
        "certificate-pickup" => {
            return Err(AppError::invalid("doc", "领证通知单需要产权办理记录，目前只能用 --sample 打印示例"));
        }
        _ => match (unit_doc, unit, contract) {
            (Some(which), Some(unit), _) => Source::Unit(which, unit),
            (None, Some(_), _) => return Err(AppError::invalid("unit", format!("“{doc}”按合同打印，请用 --contract"))),
            (None, None, Some(number)) => Source::Contract(number),
            (Some(_), None, _) => return Err(AppError::invalid("unit", "请用 --unit 指定房屋，或用 --sample 打印示例")),
            (None, None, None) => {
                return Err(AppError::invalid(
                    "contract",
                    "请用 --contract 指定合同编号，或用 --sample 打印示例",
                ));
            }
        },
    })
}

pub async fn run(ctx: &Ctx, command: NoticesCommand) -> Result<bool, Failure> {
    match command {
        NoticesCommand::Render {
            doc,
            unit,
            inspection,
            party,
            project,
            sample: use_sample,
            contract,
            copies,
            out,
        } => {
            if !KNOWN.contains(&doc.as_str()) {
                return Err(AppError::invalid("doc", format!("文件“{doc}”尚未提供；目前可用：{}", KNOWN.join("、"))).into());
            }
            if use_sample {
                return write_file(&out, &sample(&doc, copies)?);
            }
            let source = source(&doc, unit, contract, inspection, project, party)?;
            let (services, s) = ctx.sign_in().await?;
            let pdf = match source {
                Source::Unit(which, unit) => {
                    let id = crate::units::resolve(&services, &s, None, &unit).await?;
                    services.move_in_pdf(&s, id, which).await?
                }
                Source::Contract(number) if doc == "fee-statement" => services.fee_statement_pdf_by_number(&s, &number, copies).await?,
                Source::Contract(number) => services.area_statement_pdf(&s, &number).await?,
                Source::Inspection(id) => services.inspection_form_pdf(&s, id, copies).await?,
                Source::Rectification { project, party } => {
                    let p = services.project_by_name(&s, &project).await?;
                    services.rectification_notice_pdf(&s, p.id, &party).await?
                }
            };
            write_file(&out, &pdf)
        }
        NoticesCommand::Batch { doc, batch, out, combined } => {
            if doc != "move-in-notice" {
                return Err(AppError::invalid("doc", "批量打印目前支持 move-in-notice（入伙通知书）").into());
            }
            let json = ctx.json;
            let (services, s) = ctx.sign_in().await?;
            let control = notices::batch::Control::new();
            let started = std::time::Instant::now();
            let progress = |done: usize, total: usize| {
                if !json && (done == total || done.is_multiple_of(50)) {
                    eprint!("\r已排版 {done}/{total}");
                }
            };
            let report = services.print_batch_notices(&s, batch, &out, combined, &control, &progress).await?;
            if json {
                print_json(&report)?;
                return Ok(report.failures.is_empty());
            }
            eprintln!();
            out!(
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(r: Result<Source, AppError>) -> Option<String> {
        r.err().and_then(|e| e.field)
    }

    #[test]
    fn what_is_missing_is_named_before_signing_in() {
        let none = || None::<String>;
        assert_eq!(
            field(source("inspection-form", none(), none(), None, none(), none())).as_deref(),
            Some("inspection")
        );
        assert_eq!(
            field(source(
                "rectification-notice",
                none(),
                none(),
                None,
                Some("示例花园".into()),
                none()
            ))
            .as_deref(),
            Some("party")
        );
        assert_eq!(
            field(source("move-in-notice", none(), none(), None, none(), none())).as_deref(),
            Some("unit")
        );
        assert_eq!(
            field(source("fee-statement", Some("1-101".into()), none(), None, none(), none())).as_deref(),
            Some("unit")
        );
        assert_eq!(
            field(source("area-settlement", none(), none(), None, none(), none())).as_deref(),
            Some("contract")
        );
        assert_eq!(
            field(source("certificate-pickup", none(), none(), None, none(), none())).as_deref(),
            Some("doc")
        );
        assert!(matches!(
            source("key-handover", Some("1-101".into()), none(), None, none(), none()),
            Ok(Source::Unit(MoveInDoc::KeyHandover, _))
        ));
        assert!(matches!(
            source("fee-statement", none(), Some("HT000001".into()), None, none(), none()),
            Ok(Source::Contract(_))
        ));
    }
}
