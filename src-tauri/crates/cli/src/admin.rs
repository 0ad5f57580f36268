//! `handover admin init` (the first administrator of an empty database), `handover audit` and
//! `handover audit verify`.

use crate::output::{print_json, Failure};
use crate::session::Ctx;
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create the first administrator of an empty database as --user (password from
    /// HANDOVER_PASSWORD or typed twice at a prompt, at least 10 characters). Refused when a user
    /// exists already.
    Init {
        /// The name shown in the app (default: the user name).
        #[arg(long, default_value = "")]
        display_name: String,
    },
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    check: Option<AuditCheckCommand>,
    /// How many of the latest lines (1–1000).
    #[arg(long, default_value_t = 50)]
    limit: i64,
    /// Only the lines about this unit (its id, or its unique 房号 such as 1-101).
    #[arg(long)]
    unit: Option<String>,
}

#[derive(Subcommand)]
pub enum AuditCheckCommand {
    /// Walk the audit log's hash chain (administrators): report every line edited, deleted or
    /// inserted outside the app, and the chain's head to note down. Exit status 1 when broken.
    Verify,
}

pub async fn run(ctx: &Ctx, command: AdminCommand) -> Result<bool, Failure> {
    match command {
        AdminCommand::Init { display_name } => {
            let (_, s) = ctx.create_first_admin(&display_name).await?;
            if ctx.json {
                print_json(&s)?;
            } else {
                out!("已创建系统管理员 {}（{}）", s.username, s.display_name);
            }
            Ok(true)
        }
    }
}

pub async fn audit(ctx: &Ctx, args: AuditArgs) -> Result<bool, Failure> {
    let (services, s) = ctx.sign_in().await?;
    if let Some(AuditCheckCommand::Verify) = args.check {
        let check = services.verify_audit(&s).await?;
        if ctx.json {
            print_json(&check)?;
        } else {
            out!("{}", check.summary);
            for p in &check.problems {
                out!("  {p}");
            }
            if check.report.problem_count > check.problems.len() as i64 {
                out!("  ……（共 {} 处）", check.report.problem_count);
            }
        }
        return Ok(check.intact);
    }
    let lines = match args.unit.as_deref() {
        None => services.audit_recent(&s, args.limit).await?,
        Some(unit) => {
            let id = match unit.trim().parse::<i64>() {
                Ok(id) => id,
                Err(_) => services.unit_by_number(&s, None, unit).await?.id,
            };
            services.audit_for_unit(&s, id).await?
        }
    };
    if ctx.json {
        print_json(&lines)?;
        return Ok(true);
    }
    for a in lines {
        out!("{}\t{}\t{}\t{}\t{}", a.at, a.username, a.entity, a.entity_id, a.action);
    }
    Ok(true)
}

pub async fn backup(ctx: &Ctx, out: Option<std::path::PathBuf>) -> Result<bool, Failure> {
    let (services, s) = ctx.sign_in().await?;
    let info = services.backup_now(&s, out.as_deref()).await?;
    if ctx.json {
        print_json(&info)?;
    } else {
        out!(
            "已备份到 {}（{} 字节，SHA-256 {}，审计记录到第 {} 条）",
            info.path,
            info.bytes,
            info.sha256,
            info.audit_head
        );
    }
    Ok(true)
}

pub async fn restore(ctx: &Ctx, file: &std::path::Path, force: bool) -> Result<bool, Failure> {
    let db = ctx.file()?;
    let (restored, previous) = services::backups::restore_now(file, &db, force).await?;
    if ctx.json {
        print_json(&serde_json::json!({ "restored": restored, "previous": previous }))?;
    } else {
        out!("已从 {} 恢复到 {}", restored.path, db.display());
        if let Some(p) = previous {
            out!("恢复前的数据库已保存为 {}", p.path);
        }
    }
    Ok(true)
}
