//! The desk: one unit's screen, check-in, doing and undoing steps, holding.

use crate::records::masked;
use crate::Services;
use domain::model::{Buyer, Contract, ContractStatus, Unit};
use domain::move_in::*;
use domain::role::{Permission, Session};
use domain::{AppError, Result};

impl Services {
    // ─────────────── the desk ───────────────

    /// The total of the amounts typed in the desk's fee form, as shown ("8,099.70"), summed
    /// exactly in Rust so the screen never adds money itself.
    ///
    /// Errors: `Forbidden` without the desk's role; `Invalid` naming `fees[i]`.
    pub fn amount_total(&self, s: &Session, values: &[String]) -> Result<String> {
        s.require(Permission::RunMoveIn)?;
        domain::amount::total_display("fees", values)
    }

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
        let appointment = self.live_appointment(unit_id).await?;
        Ok(MoveInUnit {
            unit_id,
            batch_id: row.batch_id,
            batch_name: row.batch_name,
            project_id: row.project_id,
            project_name: unit.project_name.clone(),
            building_name: unit.building_name.clone(),
            number: unit.number.clone(),
            label: unit.label.clone(),
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

    /// The unit's live booking (booked or arrived), if any.
    pub(super) async fn live_appointment(&self, unit_id: i64) -> Result<Option<Appointment>> {
        Ok(self
            .store
            .appointments(unit_id)
            .await?
            .into_iter()
            .find(|a| matches!(a.status, AppointmentStatus::Booked | AppointmentStatus::Arrived)))
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
    pub(super) async fn amounts_due(
        &self,
        config: &ProcedureConfig,
        unit: &Unit,
        contract: Option<&Contract>,
    ) -> Result<Vec<AmountDueView>> {
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
                    amount_display: amount.map(domain::amount::grouped),
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

    /// Record a step done. The store decides it from the rows it reads in its transaction
    /// (see [`plan_step`]): refused when on hold, disabled, already done, or blocked by an earlier
    /// step (the reason named), or when another desk changed the unit meanwhile.
    ///
    /// Errors: `Forbidden`, `Invalid` (step data, field named), `Conflict`, `Stale`.
    pub async fn do_step(&self, s: &Session, unit_id: i64, version: i64, data: &StepData) -> Result<MoveInUnit> {
        s.require(Permission::RunMoveIn)?;
        let data = data.validate()?;
        self.store.do_step(&self.actor(s), unit_id, version, &data).await?;
        self.move_in_unit(s, unit_id).await
    }

    /// Undo a step (managers only, with a reason, audited).
    ///
    /// Errors: `Forbidden`, `Invalid` on `reason`, `NotFound`, `Stale`.
    pub async fn undo_step(&self, s: &Session, unit_id: i64, version: i64, kind: StepKind, reason: &str) -> Result<MoveInUnit> {
        s.require(Permission::ManageMoveIn)?;
        let reason = undo_reason(reason)?;
        self.store.undo_step(&self.actor(s), unit_id, version, kind, &reason).await?;
        self.move_in_unit(s, unit_id).await
    }

    /// Put on hold (暂缓) with a reason, or resume (`reason` none).
    ///
    /// Errors: `Invalid` on `reason`, `Conflict` (delivered units are not put on hold), `Stale`.
    pub async fn set_hold(&self, s: &Session, unit_id: i64, version: i64, reason: Option<&str>) -> Result<MoveInUnit> {
        s.require(Permission::RunMoveIn)?;
        let reason = hold_reason(reason)?;
        self.store.set_hold(&self.actor(s), unit_id, version, reason.as_deref()).await?;
        self.move_in_unit(s, unit_id).await
    }
}
