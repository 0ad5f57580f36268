//! The progress board and its export.

use crate::Services;
use domain::move_in::*;
use domain::role::{Permission, Session};
use domain::sheet::ExportTable;
use domain::{AppError, Result};

impl Services {
    // ─────────────── board ───────────────

    pub async fn board(&self, s: &Session, project_id: i64, batch_id: Option<i64>) -> Result<Board> {
        s.require(Permission::ViewRecords)?;
        self.store.board(project_id, batch_id, self.today()).await.map_err(AppError::from)
    }

    /// The board as .xlsx: by batch, by building, per day.
    pub async fn export_board(&self, s: &Session, project_id: i64, batch_id: Option<i64>) -> Result<Vec<u8>> {
        s.require(Permission::ExportRecords)?;
        let b = self.board(s, project_id, batch_id).await?;
        let rows = |rows: &[ProgressRow]| -> Vec<Vec<String>> {
            rows.iter()
                .chain(std::iter::once(&b.total))
                .map(|r| {
                    vec![
                        r.key.clone(),
                        r.units.to_string(),
                        r.booked.to_string(),
                        r.in_progress.to_string(),
                        r.delivered.to_string(),
                        r.deferred.to_string(),
                        format!("{}%", r.rate),
                    ]
                })
                .collect()
        };
        const HEADERS: [&str; 7] = ["分组", "房屋数", "已预约", "办理中", "已交付", "暂缓", "交付率"];
        domain::sheet::write_workbook(&[
            ExportTable {
                sheet: "按批次",
                headers: &HEADERS,
                rows: rows(&b.by_batch),
            },
            ExportTable {
                sheet: "按楼栋",
                headers: &HEADERS,
                rows: rows(&b.by_building),
            },
            ExportTable {
                sheet: "每日交付",
                headers: &["日期", "交付套数"],
                rows: b.per_day.iter().map(|(d, n)| vec![d.clone(), n.to_string()]).collect(),
            },
        ])
    }
}
