//! The move-in documents: one unit, or a whole batch in parallel with progress and cancel.

use super::*;
use crate::Services;
use domain::move_in::*;
use domain::role::{Permission, Session};
use domain::ErrorCode;
use domain::{AppError, Result};
use notices::layout::Letterhead;

impl Services {
    // ─────────────── documents ───────────────

    /// The 入伙通知书 data of a unit.
    async fn move_in_notice(
        &self,
        unit_id: i64,
        letterhead: &Letterhead,
        batch: &Batch,
        config: &ProcedureConfig,
    ) -> Result<notices::move_in_notice::MoveInNotice> {
        let unit = self.store.unit(unit_id).await?;
        let contract = self.live_contract(unit_id).await?;
        let appointment = self.live_appointment(unit_id).await?;
        let amounts = self
            .amounts_due(config, &unit, contract.as_ref())
            .await?
            .into_iter()
            .map(|a| {
                a.amount
                    .map(|amount| notices::move_in_notice::AmountDue {
                        item: a.name.clone(),
                        basis: a.basis.clone(),
                        amount,
                    })
                    .ok_or_else(|| AppError::invalid("amounts", format!("{}：{}", a.name, a.basis)))
            })
            .collect::<Result<Vec<_>>>();
        let owners = contract
            .as_ref()
            .map(|c| c.parties.iter().map(|p| p.buyer.name.clone()).collect())
            .unwrap_or_default();
        Ok(notices::move_in_notice::MoveInNotice {
            letterhead: letterhead.clone(),
            project: unit.project_name.clone(),
            unit: domain::unit_label::unit_label(&unit.building_name, &unit.number),
            owners,
            contract_number: contract.map(|c| c.number).unwrap_or_default(),
            batch: batch.name.clone(),
            first_day: batch.first_day,
            last_day: batch.last_day,
            appointment: appointment.map(|a| a.slot_text),
            place: batch.place.clone(),
            documents: config.documents.clone(),
            amounts: amounts?,
            issued_on: self.today(),
        })
    }

    /// One unit's move-in document as PDF bytes.
    ///
    /// Errors: `NotFound`; `Invalid` (missing data, e.g. an amount that cannot be computed, no
    /// meter readings or keys recorded yet, a character the font lacks).
    pub async fn move_in_pdf(&self, s: &Session, unit_id: i64, doc: MoveInDoc) -> Result<Vec<u8>> {
        s.require(Permission::ViewRecords)?;
        let row = self.store.move_in_row(unit_id).await?;
        let batch = self.store.batch(row.batch_id).await?;
        let (config, _) = self.store.move_in_config(row.project_id).await?;
        let letterhead = self.letterhead(&batch.project_name).await?;
        match doc {
            MoveInDoc::MoveInNotice => {
                let n = self.move_in_notice(unit_id, &letterhead, &batch, &config).await?;
                notices::move_in_notice::render(&n).map_err(crate::finance::notice_error)
            }
            MoveInDoc::MoveInConfirmation | MoveInDoc::KeyHandover => {
                let u = self.move_in_unit(s, unit_id).await?;
                let owners: Vec<String> = u.owners.iter().map(|o| o.name.clone()).collect();
                let unit_label = domain::unit_label::unit_label(&u.building_name, &u.number);
                let step = |k: StepKind| u.steps.iter().find(|st| st.kind == k).and_then(|st| st.done.clone());
                let keys = match step(StepKind::Keys).map(|r| r.data) {
                    Some(StepData::Keys { keys }) => keys,
                    _ => vec![],
                };
                let handed_on = step(StepKind::Keys)
                    .or_else(|| step(StepKind::Confirmation))
                    .and_then(|r| chrono::DateTime::parse_from_rfc3339(&r.done_at).ok())
                    .map(|d| d.date_naive())
                    .unwrap_or_else(|| self.today());
                if doc == MoveInDoc::KeyHandover {
                    let k = notices::key_handover::KeyHandover {
                        letterhead,
                        project: u.project_name.clone(),
                        unit: unit_label,
                        owners,
                        handed_on,
                        keys: keys
                            .into_iter()
                            .map(|k| notices::key_handover::KeyLine {
                                kind: k.kind,
                                count: k.count,
                                numbers: k.numbers,
                            })
                            .collect(),
                        remarks: String::new(),
                    };
                    return notices::key_handover::render(&k).map_err(crate::finance::notice_error);
                }
                let meters = match step(StepKind::Meters).map(|r| r.data) {
                    Some(StepData::Meters { readings }) => readings,
                    _ => vec![],
                };
                let paid = match step(StepKind::Fees).map(|r| r.data) {
                    Some(StepData::Fees { items }) => items,
                    _ => vec![],
                };
                let c = notices::move_in_confirmation::MoveInConfirmation {
                    letterhead,
                    project: u.project_name.clone(),
                    unit: unit_label,
                    owners,
                    contract_number: u.contract_number.clone().unwrap_or_default(),
                    area: u.surveyed.then_some(u.gross_area),
                    handed_on,
                    meters: meters
                        .into_iter()
                        .map(|m| notices::move_in_confirmation::MeterLine {
                            kind: m.kind.label().to_string(),
                            number: m.number,
                            reading: m.reading,
                        })
                        .collect(),
                    keys: keys
                        .iter()
                        .map(|k| format!("{} {} 件", k.kind, k.count))
                        .collect::<Vec<_>>()
                        .join("、"),
                    paid: paid
                        .into_iter()
                        .map(|p| notices::move_in_notice::AmountDue {
                            basis: if p.receipt.is_empty() {
                                String::new()
                            } else {
                                format!("收据 {}", p.receipt)
                            },
                            item: p.name,
                            amount: p.amount,
                        })
                        .collect(),
                };
                notices::move_in_confirmation::render(&c).map_err(crate::finance::notice_error)
            }
        }
    }

    /// Print a batch's 入伙通知书: the data of every unit is read first, then the notices are laid
    /// out in parallel on all cores (`progress(done, total)` after each), then written into `dir`
    /// as one combined PDF or one file per unit named 楼栋-房号-业主. A unit that cannot be
    /// printed is reported by name without stopping the rest; cancelling leaves no file.
    ///
    /// Errors: `Forbidden`, `NotFound`, `Io`, `Conflict` with code `cancelled` semantics (message 已取消).
    pub async fn print_batch_notices(
        &self,
        s: &Session,
        batch_id: i64,
        dir: &std::path::Path,
        combined: bool,
        control: &notices::batch::Control,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<BatchPrintReport> {
        s.require(Permission::ViewRecords)?;
        let batch = self.store.batch(batch_id).await?;
        let (config, _) = self.store.move_in_config(batch.project_id).await?;
        let letterhead = self.letterhead(&batch.project_name).await?;
        let units = self.store.batch_units(batch_id).await?;
        let mut items = Vec::with_capacity(units.len());
        let mut failures = Vec::new();
        for (row, _) in &units {
            if control.is_cancelled() {
                return Err(cancelled());
            }
            match self.move_in_notice(row.unit_id, &letterhead, &batch, &config).await {
                Ok(n) => items.push(n),
                Err(e) => failures.push(BatchFailure {
                    unit: format!("{} {} {}", row.building_name, row.number, row.owner_names),
                    message: e.message,
                }),
            }
        }
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let title = format!("入伙通知书-{}", notices::batch::file_stem(&batch.name));
        let out = notices::batch::render(&title, &letterhead, &items, combined, threads, control, progress).map_err(|e| match e {
            notices::NoticeError::Cancelled => cancelled(),
            e => crate::finance::notice_error(e),
        })?;
        failures.extend(out.failures.iter().map(|f| BatchFailure {
            unit: f.label.clone(),
            message: f.error.to_string(),
        }));
        std::fs::create_dir_all(dir).map_err(|e| AppError::io(format!("{}：{e}", dir.display())))?;
        // Each file is written whole under a partial name and renamed (crate::write_file); when one
        // fails, the ones this run already wrote are removed, so nothing of a failed batch stays.
        let mut files = Vec::new();
        let mut used = std::collections::HashSet::new();
        for (stem, bytes) in &out.files {
            let mut name = format!("{stem}.pdf");
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{stem}-{n}.pdf");
                n += 1;
            }
            let path = dir.join(&name);
            if let Err(e) = crate::write_file(&path, bytes) {
                for f in &files {
                    let _ = std::fs::remove_file(f);
                }
                return Err(e);
            }
            files.push(path);
        }
        let printed = if combined { items.len() - out.failures.len() } else { files.len() };
        Ok(BatchPrintReport {
            dir: dir.display().to_string(),
            files: files.iter().map(|f| f.display().to_string()).collect(),
            printed: i64::try_from(printed).unwrap_or(i64::MAX),
            pages: i64::try_from(out.pages).unwrap_or(i64::MAX),
            failures,
        })
    }
}

fn cancelled() -> AppError {
    AppError::new(ErrorCode::Conflict, "已取消，未生成任何文件")
}
