//! `handover imports`: the import history and undoing one import (signed in).

use crate::output::{print_json, Failure};
use crate::session::Ctx;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum ImportsCommand {
    /// List past imports.
    List,
    /// Undo one import as a whole.
    Undo { id: i64 },
}

pub async fn run(ctx: &Ctx, command: ImportsCommand) -> Result<bool, Failure> {
    let (services, s) = ctx.sign_in().await?;
    match command {
        ImportsCommand::List => {
            let list = services.imports(&s).await?;
            if ctx.json {
                print_json(&list)?;
                return Ok(true);
            }
            for i in list {
                out!(
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
        }
        ImportsCommand::Undo { id } => {
            services.undo_import(&s, id).await?;
            if ctx.json {
                print_json(&serde_json::json!({ "undone": id }))?;
            } else {
                out!("已撤销导入批次 {id}");
            }
        }
    }
    Ok(true)
}
