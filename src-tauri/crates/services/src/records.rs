//! Units, contracts, imports, exports and the audit log, as the roles may see them.

use crate::Services;
use domain::model::*;
use domain::role::{Permission, Session};
use domain::sheet::{read_workbook, ExportTable};
use domain::{mask, AppError, Result};
use serde::{Deserialize, Serialize};
use store::ImportCheck;
use ts_rs::TS;

/// The audit log's hash chain checked, worded for an administrator.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AuditCheck {
    pub intact: bool,
    pub summary: String,
    /// Each problem listed in the report, in words.
    pub problems: Vec<String>,
    pub report: domain::audit::ChainReport,
}

/// An edit of an existing contract, made from `version`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ContractEdit {
    pub id: i64,
    pub version: i64,
    pub contract: ContractInput,
}

/// The largest export in one file (Excel's own limit is 1,048,575 data rows).
pub const EXPORT_LIMIT: u32 = 1_000_000;

pub(crate) fn masked(b: &Buyer, visible: bool) -> Buyer {
    if visible {
        b.clone()
    } else {
        Buyer {
            id_number: mask::id_number(&b.id_number),
            phone: mask::phone(&b.phone),
            ..b.clone()
        }
    }
}

fn mask_contract(c: Contract, visible: bool) -> Contract {
    Contract {
        parties: c
            .parties
            .into_iter()
            .map(|p| ContractParty {
                buyer: masked(&p.buyer, visible),
                ..p
            })
            .collect(),
        ..c
    }
}

fn opt(d: Option<rust_decimal::Decimal>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

impl Services {
    pub async fn projects(&self, s: &Session) -> Result<Vec<Project>> {
        s.require(Permission::ViewRecords)?;
        self.store.projects().await.map_err(AppError::from)
    }

    /// The project called exactly `name` — how the CLI names a project.
    ///
    /// Errors: `NotFound` on `project`.
    pub async fn project_by_name(&self, s: &Session, name: &str) -> Result<Project> {
        let name = name.trim();
        self.projects(s)
            .await?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| AppError {
                field: Some("project".into()),
                ..AppError::not_found(format!("项目“{name}”"))
            })
    }

    pub async fn buildings(&self, s: &Session, project_id: i64) -> Result<Vec<Building>> {
        s.require(Permission::ViewRecords)?;
        self.store.buildings(project_id).await.map_err(AppError::from)
    }

    /// One page of the unit list; ID numbers and phones masked unless the role may see them.
    pub async fn search_units(&self, s: &Session, q: &UnitQuery) -> Result<Page<UnitListItem>> {
        s.require(Permission::ViewRecords)?;
        let visible = s.may(Permission::ViewPersonalData);
        domain::mask::refuse_number_search(q.search.as_deref().unwrap_or(""), visible)?;
        let (rows, total) = self.store.search_units(q).await?;
        let items = rows
            .into_iter()
            .map(|(unit, contract_number, buyers)| {
                let buyers: Vec<Buyer> = buyers.iter().map(|b| masked(b, visible)).collect();
                UnitListItem {
                    unit,
                    contract_number,
                    buyer_names: buyers.iter().map(|b| b.name.as_str()).collect::<Vec<_>>().join("、"),
                    buyer_phones: buyers.iter().map(|b| b.phone.as_str()).collect::<Vec<_>>().join("、"),
                }
            })
            .collect();
        Ok(Page { items, total })
    }

    /// The one unit whose 房号 is exactly `number` (within a project when given) — how desks and
    /// the CLI name a unit.
    ///
    /// Errors: `NotFound`; `Invalid` on `unit` when several units share the number.
    pub async fn unit_by_number(&self, s: &Session, project_id: Option<i64>, number: &str) -> Result<Unit> {
        let number = number.trim();
        let page = self
            .search_units(
                s,
                &UnitQuery {
                    search: Some(number.to_string()),
                    project_id,
                    page: 1,
                    page_size: 50,
                    ..Default::default()
                },
            )
            .await?;
        let mut exact: Vec<Unit> = page.items.into_iter().map(|i| i.unit).filter(|u| u.number == number).collect();
        match exact.len() {
            0 => Err(AppError::not_found(format!("房号“{number}”"))),
            1 => Ok(exact.remove(0)),
            _ => Err(AppError::invalid("unit", format!("房号“{number}”不唯一，请先选择项目或楼栋"))),
        }
    }

    pub async fn unit_detail(&self, s: &Session, id: i64) -> Result<UnitDetail> {
        s.require(Permission::ViewRecords)?;
        let visible = s.may(Permission::ViewPersonalData);
        let unit = self.store.unit(id).await?;
        let contracts = self
            .store
            .contracts_of_unit(id)
            .await?
            .into_iter()
            .map(|c| mask_contract(c, visible))
            .collect();
        Ok(UnitDetail {
            unit,
            contracts,
            personal_data_visible: visible,
        })
    }

    pub async fn update_unit(&self, s: &Session, edit: &UnitEdit) -> Result<Unit> {
        s.require(Permission::EditRecords)?;
        let edit = edit.validate()?;
        self.store.update_unit(&self.actor(s), &edit).await.map_err(AppError::from)
    }

    /// Sign a new contract on a unit.
    ///
    /// Errors: `Invalid` (any field, named), `NotFound` (unit), `Conflict` (number taken, unit
    /// already under a live contract).
    pub async fn create_contract(&self, s: &Session, input: &ContractInput) -> Result<Contract> {
        s.require(Permission::EditRecords)?;
        let c = input.validate(self.today())?;
        let id = self.store.create_contract(&self.actor(s), &c).await?;
        Ok(mask_contract(self.store.contract(id).await?, s.may(Permission::ViewPersonalData)))
    }

    /// Save an edited contract. A role that sees masked ID numbers and phones sends them back
    /// masked; for a party already on the contract the stored values are kept.
    ///
    /// Errors: as [`Services::create_contract`], plus `Stale` when someone saved first.
    pub async fn update_contract(&self, s: &Session, edit: &ContractEdit) -> Result<Contract> {
        s.require(Permission::EditRecords)?;
        let current = self.store.contract(edit.id).await?;
        let mut input = edit.contract.clone();
        for p in &mut input.parties {
            if p.buyer.id_number.contains('*') || p.buyer.phone.contains('*') {
                let same = current
                    .parties
                    .iter()
                    .find(|q| mask::id_number(&q.buyer.id_number) == p.buyer.id_number || q.buyer.id_number == p.buyer.id_number);
                if let Some(q) = same {
                    if p.buyer.id_number.contains('*') {
                        p.buyer.id_number = q.buyer.id_number.clone();
                    }
                    if p.buyer.phone.contains('*') && mask::phone(&q.buyer.phone) == p.buyer.phone {
                        p.buyer.phone = q.buyer.phone.clone();
                    }
                }
            }
        }
        let c = input.validate(self.today())?;
        self.store.update_contract(&self.actor(s), edit.id, edit.version, &c).await?;
        Ok(mask_contract(
            self.store.contract(edit.id).await?,
            s.may(Permission::ViewPersonalData),
        ))
    }

    pub async fn cancel_contract(&self, s: &Session, id: i64, version: i64) -> Result<()> {
        s.require(Permission::EditRecords)?;
        self.store
            .cancel_contract(&self.actor(s), id, version)
            .await
            .map_err(AppError::from)
    }

    /// Validate a whole workbook, then write it in one transaction — or write nothing and return
    /// every row-level problem.
    ///
    /// Errors: `ImportRejected` for a file that is not a readable .xlsx with a known sheet.
    pub async fn import_workbook(&self, s: &Session, file_name: &str, bytes: &[u8]) -> Result<ImportOutcome> {
        s.require(Permission::ImportRecords)?;
        let plan = match read_workbook(bytes, self.today())? {
            Ok(plan) => plan,
            Err(errors) => return Ok(ImportOutcome::Rejected { errors }),
        };
        if plan.units.is_empty() && plan.contracts.is_empty() {
            return Err(AppError::new(domain::ErrorCode::ImportRejected, "文件中没有数据行"));
        }
        Ok(match self.store.apply_import(&self.actor(s), file_name, &plan).await? {
            ImportCheck::Written {
                import_id,
                units,
                contracts,
            } => ImportOutcome::Imported {
                import_id,
                units,
                contracts,
            },
            ImportCheck::Refused(errors) => ImportOutcome::Rejected { errors },
        })
    }

    /// Undo an import: whoever made it, or a manager or an administrator.
    ///
    /// Errors: `Forbidden` for a clerk undoing a colleague's import; the store's refusals.
    pub async fn undo_import(&self, s: &Session, import_id: i64) -> Result<()> {
        s.require(Permission::ImportRecords)?;
        if let Some(i) = self.store.imports().await?.iter().find(|i| i.id == import_id) {
            domain::import_check::refuse_undo_by(s.role, i.username == s.username)?;
        }
        self.store.undo_import(&self.actor(s), import_id).await.map_err(AppError::from)
    }

    pub async fn imports(&self, s: &Session) -> Result<Vec<ImportRecord>> {
        s.require(Permission::ViewRecords)?;
        self.store.imports().await.map_err(AppError::from)
    }

    pub async fn audit_for_unit(&self, s: &Session, unit_id: i64) -> Result<Vec<AuditEntry>> {
        s.require(Permission::ViewAudit)?;
        self.store.audit_for_unit(unit_id).await.map_err(AppError::from)
    }

    pub async fn audit_recent(&self, s: &Session, limit: i64) -> Result<Vec<AuditEntry>> {
        s.require(Permission::ViewAudit)?;
        self.store.audit_recent(limit.clamp(1, 1000)).await.map_err(AppError::from)
    }

    /// Walk the audit log's hash chain: whether any line was edited, deleted or inserted outside
    /// the app (administrators).
    ///
    /// Errors: `Forbidden` unless an administrator.
    pub async fn verify_audit(&self, s: &Session) -> Result<AuditCheck> {
        s.require(Permission::ManageUsers)?;
        let report = self.store.verify_audit().await?;
        Ok(AuditCheck {
            intact: report.intact(),
            summary: report.summary(),
            problems: report.problems.iter().map(|p| p.describe()).collect(),
            report,
        })
    }

    /// The import history as an .xlsx.
    pub async fn export_imports(&self, s: &Session) -> Result<Vec<u8>> {
        s.require(Permission::ExportRecords)?;
        let rows = self
            .store
            .imports()
            .await?
            .into_iter()
            .map(|i| {
                vec![
                    i.id.to_string(),
                    i.file_name,
                    i.unit_count.to_string(),
                    i.contract_count.to_string(),
                    i.username,
                    i.created_at,
                    i.undone_at.unwrap_or_default(),
                ]
            })
            .collect();
        domain::sheet::write_workbook(&[ExportTable {
            sheet: "导入记录",
            headers: &["批次", "文件", "房屋", "合同", "操作人", "时间", "撤销时间"],
            rows,
        }])
    }

    /// The latest `limit` audit lines as an .xlsx (the log holds no ID numbers or phones).
    pub async fn export_audit(&self, s: &Session, limit: i64) -> Result<Vec<u8>> {
        s.require(Permission::ViewAudit)?;
        s.require(Permission::ExportRecords)?;
        let rows = self.store.audit_recent(limit.clamp(1, i64::from(EXPORT_LIMIT))).await?;
        domain::sheet::write_workbook(&[ExportTable {
            sheet: "审计日志",
            headers: &["时间", "操作人", "对象", "编号", "操作", "修改前", "修改后"],
            rows: rows
                .into_iter()
                .map(|a| {
                    vec![
                        a.at,
                        a.username,
                        a.entity,
                        a.entity_id.to_string(),
                        a.action,
                        a.before.unwrap_or_default(),
                        a.after.unwrap_or_default(),
                    ]
                })
                .collect(),
        }])
    }

    /// Every unit matching `q` (pages ignored) as an .xlsx, personal data masked unless allowed.
    pub async fn export_units(&self, s: &Session, q: &UnitQuery) -> Result<Vec<u8>> {
        s.require(Permission::ExportRecords)?;
        domain::mask::refuse_number_search(q.search.as_deref().unwrap_or(""), s.may(Permission::ViewPersonalData))?;
        let all = UnitQuery {
            page: 1,
            page_size: EXPORT_LIMIT,
            ..q.clone()
        };
        let visible = s.may(Permission::ViewPersonalData);
        let (rows, _) = self
            .store
            .search_units(&UnitQuery {
                page_size: UnitQuery::MAX_PAGE_SIZE,
                ..all.clone()
            })
            .await
            .map(|r| (r.0, r.1))?;
        let mut out = Vec::new();
        let mut page = 1;
        let mut batch = rows;
        loop {
            let n = batch.len();
            for (u, contract, buyers) in batch {
                let buyers: Vec<Buyer> = buyers.iter().map(|b| masked(b, visible)).collect();
                let join = |f: fn(&Buyer) -> &str| buyers.iter().map(f).collect::<Vec<_>>().join("、");
                out.push(vec![
                    u.project_name.clone(),
                    u.building_name.clone(),
                    u.number.clone(),
                    u.floor.to_string(),
                    u.property_type.label().to_string(),
                    u.forecast_gross_area.to_string(),
                    opt(u.forecast_internal_area),
                    opt(u.surveyed_gross_area),
                    opt(u.surveyed_internal_area),
                    u.status.label().to_string(),
                    contract.unwrap_or_default(),
                    join(|b| &b.name),
                    join(|b| &b.id_number),
                    join(|b| &b.phone),
                ]);
            }
            if n < UnitQuery::MAX_PAGE_SIZE as usize || out.len() >= EXPORT_LIMIT as usize {
                break;
            }
            page += 1;
            batch = self
                .store
                .search_units(&UnitQuery {
                    page,
                    page_size: UnitQuery::MAX_PAGE_SIZE,
                    ..all.clone()
                })
                .await?
                .0;
        }
        // An export holding full ID numbers and phones is audited: who, what, how many rows.
        let with_people = out.iter().filter(|r| r.get(12).is_some_and(|id| !id.is_empty())).count();
        let bytes = domain::sheet::write_workbook(&[ExportTable {
            sheet: "房源列表",
            headers: &[
                "项目",
                "楼栋",
                "房号",
                "楼层",
                "物业类型",
                "预测建筑面积",
                "预测套内面积",
                "实测建筑面积",
                "实测套内面积",
                "状态",
                "合同编号",
                "买受人",
                "证件号码",
                "电话",
            ],
            rows: out,
        }])?;
        if visible && with_people > 0 {
            self.store
                .record_event(
                    &self.actor(s),
                    domain::audit::AuditEntity::Export,
                    0,
                    domain::audit::AuditAction::ExportFull,
                    Some(&serde_json::json!({ "what": "房源列表", "rows_with_personal_data": with_people, "search": q.search })),
                )
                .await?;
        }
        Ok(bytes)
    }
}
