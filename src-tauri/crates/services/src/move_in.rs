//! Move-in services: letterhead settings, the project's procedure, batches and slots, bookings,
//! notice delivery, the desk's one-screen procedure, keys, the progress board, and the move-in
//! documents (one unit, or a whole batch in parallel with progress and cancel).

use crate::records::masked;
use crate::Services;
use domain::model::{Buyer, Contract, ContractStatus, Unit};
use domain::move_in::*;
use domain::role::{Permission, Session};
use domain::sheet::ExportTable;
use domain::{mask, AppError, ErrorCode, Result};
use notices::layout::{Image, Letterhead};
use serde::{Deserialize, Serialize};
use store::SettingValue;
use ts_rs::TS;

/// The letterhead as the settings screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LetterheadSettings {
    /// Empty: each document prints its project's name.
    pub company: String,
    pub address: String,
    pub phone: String,
    pub has_logo: bool,
    pub has_seal: bool,
}

/// What to do with an image setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ImageChange {
    Keep,
    Clear,
    /// Read a PNG/JPEG from this path (picked in the open-file dialog).
    SetFromFile {
        path: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LetterheadInput {
    pub company: String,
    pub address: String,
    pub phone: String,
    pub logo: ImageChange,
    pub seal: ImageChange,
}

/// A project's procedure with the version the form loaded (0: the handbook default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProcedureSettings {
    pub project_id: i64,
    pub config: ProcedureConfig,
    pub version: i64,
}

/// What creating a batch did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BatchCreatedView {
    pub batch: Batch,
    pub slots: i64,
    pub unsold_skipped: i64,
}

/// A batch's planning screen: the batch, its slots with remaining capacity, its units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BatchDetail {
    pub batch: Batch,
    pub slots: Vec<Slot>,
    pub units: Vec<BatchUnitRow>,
}

/// A document a unit can print at move-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum MoveInDoc {
    MoveInNotice,
    MoveInConfirmation,
    KeyHandover,
}

/// One unit that could not be printed in a batch, named for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BatchFailure {
    pub unit: String,
    pub message: String,
}

/// What a batch print wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BatchPrintReport {
    pub files: Vec<String>,
    pub printed: i64,
    pub pages: i64,
    pub failures: Vec<BatchFailure>,
}

const LETTERHEAD_KEYS: [&str; 5] = [
    "letterhead.company",
    "letterhead.address",
    "letterhead.phone",
    "letterhead.logo",
    "letterhead.seal",
];

fn text_setting(v: &Option<SettingValue>) -> String {
    v.as_ref().map(|(t, _)| t.clone()).unwrap_or_default()
}

impl Services {
    // ─────────────── letterhead ───────────────

    pub async fn letterhead_settings(&self, s: &Session) -> Result<LetterheadSettings> {
        s.require(Permission::ViewRecords)?;
        let [c, a, p, l, se] = self.letterhead_rows().await?;
        Ok(LetterheadSettings {
            company: text_setting(&c),
            address: text_setting(&a),
            phone: text_setting(&p),
            has_logo: l.is_some(),
            has_seal: se.is_some(),
        })
    }

    async fn letterhead_rows(&self) -> Result<[Option<SettingValue>; 5]> {
        let mut out: [Option<SettingValue>; 5] = Default::default();
        for (i, k) in LETTERHEAD_KEYS.iter().enumerate() {
            out[i] = self.store.setting(k).await?;
        }
        Ok(out)
    }

    /// Save the letterhead. Images are decoded before anything is written: a corrupt, huge or
    /// non-image file is refused by name and the settings stay as they were.
    ///
    /// Errors: `Forbidden`; `Invalid` on `company`/`address`/`phone`/`logo`/`seal`; `Io` reading a file.
    pub async fn save_letterhead(&self, s: &Session, input: &LetterheadInput) -> Result<LetterheadSettings> {
        s.require(Permission::ManageSettings)?;
        let field = |f: &str, label: &str, v: &str, max: usize| -> Result<String> {
            let v = v.trim().to_string();
            if v.chars().count() > max {
                return Err(AppError::invalid(f, format!("{label}不超过 {max} 个字")));
            }
            notices::check_text(&v).map_err(|e| AppError::invalid(f, e.to_string()))?;
            Ok(v)
        };
        let company = field("company", "公司名称", &input.company, 40)?;
        let address = field("address", "地址", &input.address, 80)?;
        let phone = field("phone", "服务电话", &input.phone, 30)?;
        let image = |name: &str, label: &str, change: &ImageChange| -> Result<Option<Option<SettingValue>>> {
            match change {
                ImageChange::Keep => Ok(None),
                ImageChange::Clear => Ok(Some(None)),
                ImageChange::SetFromFile { path } => {
                    let meta = std::fs::metadata(path).map_err(|e| AppError::invalid(name, format!("无法读取文件 {path}：{e}")))?;
                    if meta.len() > notices::layout::MAX_IMAGE_BYTES as u64 {
                        return Err(AppError::invalid(name, format!("{label}图片不可用：文件超过 2 MB")));
                    }
                    let bytes = std::fs::read(path).map_err(|e| AppError::invalid(name, format!("无法读取文件 {path}：{e}")))?;
                    Image::decode(&bytes, label).map_err(|e| AppError::invalid(name, e.to_string()))?;
                    let file = std::path::Path::new(path)
                        .file_name()
                        .map(|f| f.to_string_lossy().to_string())
                        .unwrap_or_default();
                    Ok(Some(Some((file, Some(bytes)))))
                }
            }
        };
        let logo = image("logo", "徽标", &input.logo)?;
        let seal = image("seal", "公章", &input.seal)?;
        let text = |v: String| if v.is_empty() { None } else { Some((v, None)) };
        let mut values: Vec<(&str, Option<SettingValue>)> = vec![
            (LETTERHEAD_KEYS[0], text(company)),
            (LETTERHEAD_KEYS[1], text(address)),
            (LETTERHEAD_KEYS[2], text(phone)),
        ];
        if let Some(l) = logo {
            values.push((LETTERHEAD_KEYS[3], l));
        }
        if let Some(se) = seal {
            values.push((LETTERHEAD_KEYS[4], se));
        }
        self.store.set_settings(&self.actor(s), &values).await?;
        self.letterhead_settings(s).await
    }

    /// The letterhead printed on a project's documents (the project's name when no company is set).
    ///
    /// Errors: `Invalid` when a stored image no longer decodes.
    pub async fn letterhead(&self, project_name: &str) -> Result<Letterhead> {
        let [c, a, p, l, se] = self.letterhead_rows().await?;
        let img = |v: &Option<SettingValue>, what: &str| -> Result<Option<Image>> {
            match v.as_ref().and_then(|(_, b)| b.as_ref()) {
                Some(bytes) => Image::decode(bytes, what).map(Some).map_err(crate::finance::notice_error),
                None => Ok(None),
            }
        };
        let company = text_setting(&c);
        Ok(Letterhead {
            company: if company.is_empty() { project_name.to_string() } else { company },
            address: text_setting(&a),
            phone: text_setting(&p),
            logo: img(&l, "徽标")?,
            seal: img(&se, "公章")?,
        })
    }

    // ─────────────── procedure configuration ───────────────

    pub async fn procedure_settings(&self, s: &Session, project_id: i64) -> Result<ProcedureSettings> {
        s.require(Permission::ViewRecords)?;
        let (config, version) = self.store.move_in_config(project_id).await?;
        Ok(ProcedureSettings {
            project_id,
            config,
            version,
        })
    }

    /// Errors: `Forbidden`, `Invalid` (see [`ProcedureConfig::validate`]), `Stale`.
    pub async fn save_procedure_settings(&self, s: &Session, p: &ProcedureSettings) -> Result<ProcedureSettings> {
        s.require(Permission::ManageMoveIn)?;
        let config = p.config.validate()?;
        self.store
            .save_move_in_config(&self.actor(s), p.project_id, p.version, &config)
            .await?;
        self.procedure_settings(s, p.project_id).await
    }

    // ─────────────── batches ───────────────

    /// Errors: `Forbidden`; `Invalid` naming the form field; `Conflict` (name taken, units in another batch).
    pub async fn create_batch(&self, s: &Session, input: &BatchInput) -> Result<BatchCreatedView> {
        s.require(Permission::ManageMoveIn)?;
        let b = input.validate(self.today())?;
        let created = self.store.create_batch(&self.actor(s), &b).await?;
        Ok(BatchCreatedView {
            batch: self.store.batch(created.batch_id).await?,
            slots: created.slots,
            unsold_skipped: created.unsold_skipped,
        })
    }

    pub async fn batches(&self, s: &Session, project_id: i64) -> Result<Vec<Batch>> {
        s.require(Permission::ViewRecords)?;
        self.store.batches(project_id).await.map_err(AppError::from)
    }

    /// The batch with its slots (live remaining capacity) and its units (phones masked).
    pub async fn batch_detail(&self, s: &Session, batch_id: i64) -> Result<BatchDetail> {
        s.require(Permission::ViewRecords)?;
        let visible = s.may(Permission::ViewPersonalData);
        let units = self
            .store
            .batch_units(batch_id)
            .await?
            .into_iter()
            .map(|(mut row, phone)| {
                row.phone_masked = if visible { phone } else { mask::phone(&phone) };
                row
            })
            .collect();
        Ok(BatchDetail {
            batch: self.store.batch(batch_id).await?,
            slots: self.store.slots(batch_id).await?,
            units,
        })
    }

    // ─────────────── bookings and deliveries ───────────────

    /// Book (or with `rebook`, move) an owner's appointment.
    ///
    /// Errors: `Forbidden`; `Conflict` (slot full, already booked, arrived); `NotFound`.
    pub async fn book_slot(&self, s: &Session, unit_id: i64, slot_id: i64, note: &str, rebook: bool) -> Result<MoveInUnit> {
        s.require(Permission::RunMoveIn)?;
        let note: String = note.trim().chars().take(100).collect();
        self.store.book(&self.actor(s), unit_id, slot_id, &note, rebook).await?;
        self.move_in_unit(s, unit_id).await
    }

    /// Cancel the booking, or record that the owner did not come (`no_show`).
    pub async fn close_booking(&self, s: &Session, unit_id: i64, no_show: bool) -> Result<MoveInUnit> {
        s.require(Permission::RunMoveIn)?;
        let status = if no_show {
            AppointmentStatus::NoShow
        } else {
            AppointmentStatus::Cancelled
        };
        self.store.close_booking(&self.actor(s), unit_id, status).await?;
        self.move_in_unit(s, unit_id).await
    }

    pub async fn record_delivery(&self, s: &Session, input: &DeliveryInput) -> Result<MoveInUnit> {
        s.require(Permission::RunMoveIn)?;
        let d = input.validate(self.today())?;
        self.store.move_in_row(d.unit_id).await?;
        self.store.record_delivery(&self.actor(s), &d).await?;
        self.move_in_unit(s, d.unit_id).await
    }

    // ─────────────── the desk ───────────────

    /// Everything the desk shows for one unit.
    ///
    /// Errors: `NotFound` (no such unit, or not in a batch).
    pub async fn move_in_unit(&self, s: &Session, unit_id: i64) -> Result<MoveInUnit> {
        s.require(Permission::ViewRecords)?;
        let row = self.store.move_in_row(unit_id).await?;
        let unit = self.store.unit(unit_id).await?;
        let contract = self.live_contract(unit_id).await?;
        let (config, _) = self.store.move_in_config(row.project_id).await?;
        let records = self.store.steps(unit_id).await?;
        let done: Vec<StepKind> = records.iter().map(|r| r.data.kind()).collect();
        let steps = StepKind::ALL
            .iter()
            .map(|k| StepView {
                kind: *k,
                enabled: config.enabled(*k),
                blocked_by: config.blocked_by(*k, &done).map(String::from),
                done: records.iter().find(|r| r.data.kind() == *k).cloned(),
            })
            .collect();
        let visible = s.may(Permission::ViewPersonalData);
        let owners: Vec<Buyer> = contract
            .as_ref()
            .map(|c| c.parties.iter().map(|p| masked(&p.buyer, visible)).collect())
            .unwrap_or_default();
        let amounts_due = self.amounts_due(&config, &unit, contract.as_ref()).await?;
        let appointment = self
            .store
            .appointments(unit_id)
            .await?
            .into_iter()
            .find(|a| matches!(a.status, AppointmentStatus::Booked | AppointmentStatus::Arrived));
        Ok(MoveInUnit {
            unit_id,
            batch_id: row.batch_id,
            batch_name: row.batch_name,
            project_id: row.project_id,
            project_name: unit.project_name.clone(),
            building_name: unit.building_name.clone(),
            number: unit.number.clone(),
            floor: unit.floor,
            gross_area: unit.surveyed_gross_area.unwrap_or(unit.forecast_gross_area),
            surveyed: unit.surveyed_gross_area.is_some(),
            contract_number: contract.as_ref().map(|c| c.number.clone()),
            owners,
            status: row.status,
            hold_reason: row.hold_reason,
            version: row.version,
            appointment,
            deliveries: self.store.deliveries(unit_id).await?,
            steps,
            amounts_due,
            started_at: row.started_at,
            delivered_at: row.delivered_at,
        })
    }

    pub(crate) async fn live_contract(&self, unit_id: i64) -> Result<Option<Contract>> {
        Ok(self
            .store
            .contracts_of_unit(unit_id)
            .await?
            .into_iter()
            .find(|c| c.status == ContractStatus::Live))
    }

    /// The project's configured amounts for a unit; the maintenance fund from the contract's
    /// latest saved fee quote (none saved: no amount, and the desk is told why).
    async fn amounts_due(&self, config: &ProcedureConfig, unit: &Unit, contract: Option<&Contract>) -> Result<Vec<AmountDueView>> {
        let area = unit.surveyed_gross_area.unwrap_or(unit.forecast_gross_area);
        let mut fund = None;
        if config.fees.iter().any(|f| f.basis == FeeBasis::MaintenanceFund) {
            if let Some(c) = contract {
                if let Some(q) = self.store.fee_quotes(c.id).await?.into_iter().next() {
                    let quote: fees::quote::Quote = serde_json::from_str(&q.quote).map_err(AppError::internal)?;
                    fund = quote.items.iter().find(|i| i.code == "maintenance_fund").map(|i| i.amount);
                }
            }
        }
        Ok(config
            .fees
            .iter()
            .map(|f| {
                let amount = fee_amount(&f.basis, area, fund);
                let basis = match (&f.basis, amount) {
                    (FeeBasis::MaintenanceFund, None) => "尚无已保存的税费测算，请先在“税费测算”中保存".to_string(),
                    (b, _) => fee_basis_text(b, area),
                };
                AmountDueView {
                    name: f.name.clone(),
                    basis,
                    amount,
                }
            })
            .collect())
    }

    /// The owner is at the desk.
    pub async fn check_in(&self, s: &Session, unit_id: i64, version: i64) -> Result<MoveInUnit> {
        s.require(Permission::RunMoveIn)?;
        self.store.check_in(&self.actor(s), unit_id, version).await?;
        self.move_in_unit(s, unit_id).await
    }

    /// Record a step done. Refused when on hold, disabled, already done, or blocked by an
    /// earlier step (the reason named), or when another desk changed the unit meanwhile.
    ///
    /// Errors: `Forbidden`, `Invalid` (step data, field named), `Conflict`, `Stale`.
    pub async fn do_step(&self, s: &Session, unit_id: i64, version: i64, data: &StepData) -> Result<MoveInUnit> {
        s.require(Permission::RunMoveIn)?;
        let data = data.validate()?;
        let kind = data.kind();
        let row = self.store.move_in_row(unit_id).await?;
        if row.version != version {
            return Err(AppError::stale("该房屋的入伙记录"));
        }
        if row.status == MoveInStatus::Deferred {
            return Err(AppError::conflict(format!("该房屋暂缓交付（{}），请先恢复办理", row.hold_reason)));
        }
        let (config, _) = self.store.move_in_config(row.project_id).await?;
        if !config.enabled(kind) {
            return Err(AppError::invalid("kind", format!("本项目未启用“{}”步骤", kind.label())));
        }
        let mut done: Vec<StepKind> = self.store.steps(unit_id).await?.iter().map(|r| r.data.kind()).collect();
        if done.contains(&kind) {
            return Err(AppError::conflict(format!("“{}”已办理，不能重复办理", kind.label())));
        }
        if let Some(reason) = config.blocked_by(kind, &done) {
            return Err(AppError::conflict(format!("暂不能办理“{}”：{}", kind.label(), reason)));
        }
        done.push(kind);
        self.store
            .do_step(&self.actor(s), unit_id, version, &data, config.status(&done))
            .await?;
        self.move_in_unit(s, unit_id).await
    }

    /// Undo a step (managers only, with a reason, audited).
    ///
    /// Errors: `Forbidden`, `Invalid` on `reason`, `NotFound`, `Stale`.
    pub async fn undo_step(&self, s: &Session, unit_id: i64, version: i64, kind: StepKind, reason: &str) -> Result<MoveInUnit> {
        s.require(Permission::ManageMoveIn)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(AppError::invalid("reason", "请填写撤销原因（不超过 200 字）"));
        }
        let row = self.store.move_in_row(unit_id).await?;
        let (config, _) = self.store.move_in_config(row.project_id).await?;
        let done: Vec<StepKind> = self
            .store
            .steps(unit_id)
            .await?
            .iter()
            .map(|r| r.data.kind())
            .filter(|k| *k != kind)
            .collect();
        let status = if row.status == MoveInStatus::Deferred {
            MoveInStatus::Deferred
        } else {
            config.status(&done)
        };
        self.store.undo_step(&self.actor(s), unit_id, version, kind, reason, status).await?;
        self.move_in_unit(s, unit_id).await
    }

    /// Put on hold (暂缓) with a reason, or resume (`reason` none).
    ///
    /// Errors: `Invalid` on `reason`, `Conflict` (delivered units are not put on hold), `Stale`.
    pub async fn set_hold(&self, s: &Session, unit_id: i64, version: i64, reason: Option<&str>) -> Result<MoveInUnit> {
        s.require(Permission::RunMoveIn)?;
        let row = self.store.move_in_row(unit_id).await?;
        let (config, _) = self.store.move_in_config(row.project_id).await?;
        let done: Vec<StepKind> = self.store.steps(unit_id).await?.iter().map(|r| r.data.kind()).collect();
        let (reason, status) = match reason.map(str::trim) {
            Some(r) => {
                if r.is_empty() || r.chars().count() > 200 {
                    return Err(AppError::invalid("reason", "请填写暂缓原因（不超过 200 字）"));
                }
                if row.status == MoveInStatus::Delivered {
                    return Err(AppError::conflict("该房屋已交付，不能暂缓"));
                }
                (Some(r), MoveInStatus::Deferred)
            }
            None => (None, config.status(&done)),
        };
        self.store.set_hold(&self.actor(s), unit_id, version, reason, status).await?;
        self.move_in_unit(s, unit_id).await
    }

    // ─────────────── keys ───────────────

    /// The project's key ledger; `overdue_only` lists keys lent out past their due date, with age.
    pub async fn keys(&self, s: &Session, project_id: i64, overdue_only: bool) -> Result<Vec<KeyRecord>> {
        s.require(Permission::ViewRecords)?;
        let today = self.today();
        let mut keys = self.store.keys(project_id, overdue_only.then_some(today)).await?;
        for k in &mut keys {
            if let (KeyHolder::Out, Some(due)) = (k.holder, k.due_back) {
                k.overdue_days = (today - due).num_days().max(0);
            }
        }
        Ok(keys)
    }

    pub async fn register_key(&self, s: &Session, input: &KeyInput) -> Result<KeyRecord> {
        s.require(Permission::ManageMoveIn)?;
        let k = input.validate()?;
        if let Some(u) = k.unit_id {
            if self.store.unit(u).await?.project_id != k.project_id {
                return Err(AppError::invalid("unit_id", "房屋不属于该项目"));
            }
        }
        let id = self.store.register_key(&self.actor(s), &k).await?;
        self.key(s, k.project_id, id).await
    }

    async fn key(&self, s: &Session, project_id: i64, id: i64) -> Result<KeyRecord> {
        self.keys(s, project_id, false)
            .await?
            .into_iter()
            .find(|k| k.id == id)
            .ok_or_else(|| AppError::not_found("钥匙"))
    }

    /// Lend a key held by the office (who, why, back by when).
    pub async fn checkout_key(&self, s: &Session, project_id: i64, input: &KeyCheckout) -> Result<KeyRecord> {
        s.require(Permission::RunMoveIn)?;
        let c = input.validate(self.today())?;
        self.store
            .move_key(
                &self.actor(s),
                c.key_id,
                KeyAction::CheckedOut,
                &c.person,
                &c.reason,
                Some(c.due_back),
            )
            .await?;
        self.key(s, project_id, c.key_id).await
    }

    /// A lent or lost key is back (`lost` false), or a key is lost (`lost` true).
    pub async fn return_or_lose_key(&self, s: &Session, project_id: i64, key_id: i64, lost: bool, note: &str) -> Result<KeyRecord> {
        s.require(Permission::RunMoveIn)?;
        let action = if lost { KeyAction::Lost } else { KeyAction::Returned };
        let note: String = note.trim().chars().take(100).collect();
        if lost && note.is_empty() {
            return Err(AppError::invalid("note", "请说明遗失情况"));
        }
        self.store.move_key(&self.actor(s), key_id, action, "", &note, None).await?;
        self.key(s, project_id, key_id).await
    }

    pub async fn key_events(&self, s: &Session, key_id: i64) -> Result<Vec<KeyEvent>> {
        s.require(Permission::ViewRecords)?;
        self.store.key_events(key_id).await.map_err(AppError::from)
    }

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
        let appointment = self
            .store
            .appointments(unit_id)
            .await?
            .into_iter()
            .find(|a| matches!(a.status, AppointmentStatus::Booked | AppointmentStatus::Arrived));
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
            unit: format!("{} {}", unit.building_name, unit.number),
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
                let unit_label = format!("{} {}", u.building_name, u.number);
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
                    let _ = std::fs::remove_file(dir.join(f));
                }
                return Err(e);
            }
            files.push(name);
        }
        let printed = if combined { items.len() - out.failures.len() } else { files.len() };
        Ok(BatchPrintReport {
            files,
            printed: i64::try_from(printed).unwrap_or(i64::MAX),
            pages: i64::try_from(out.pages).unwrap_or(i64::MAX),
            failures,
        })
    }
}

fn cancelled() -> AppError {
    AppError::new(ErrorCode::Conflict, "已取消，未生成任何文件")
}
