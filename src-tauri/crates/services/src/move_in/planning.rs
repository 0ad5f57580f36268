//! Planning: the procedure, batches, bookings and notice deliveries.

use super::*;
use crate::Services;
use domain::mask;
use domain::move_in::*;
use domain::role::{Permission, Session};
use domain::{AppError, Result};

impl Services {
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
}
