//! The TypeScript types the UI uses, generated from the Rust types (ts-rs) into one file,
//! `ui/src/bindings.ts`, which is committed. The test `bindings_are_current` fails when the file is
//! stale; regenerate with `UPDATE_BINDINGS=1 cargo test -p services bindings`.

use ts_rs::{Config, TS};

macro_rules! decls {
    ($cfg:expr; $($t:ty),+ $(,)?) => {{
        let mut out = Vec::new();
        $( out.push(format!("export {}", <$t as TS>::decl($cfg))); )+
        out
    }};
}

/// The whole bindings file.
pub fn typescript() -> String {
    use domain::model::*;
    use domain::move_in::*;
    // Ids and counts cross as JSON numbers (all below 2^53), not bigint.
    let cfg = &Config::default().with_large_int("number");
    let decls = decls!(cfg;
        domain::error::ErrorCode, domain::error::AppError,
        domain::role::Role, domain::role::Permission, domain::role::Session, domain::role::SignedIn,
        PropertyType, UnitStatus, IdType, PricingBasis, PaymentMethod, FilingStatus, ContractStatus,
        Project, Building, Unit, UnitListItem, Buyer, ContractParty, Contract, UnitDetail, UnitQuery,
        Page<UnitListItem>, BuyerInput, PartyInput, ContractInput, UnitEdit, UserInfo, AuditEntry, ImportRecord,
        ImportOutcome, domain::sheet::RowError,
        crate::records::ContractEdit, crate::records::AuditCheck,
        fees::quote::PropertyType, fees::quote::BuyerType, fees::quote::VatMethod, fees::quote::FundOverride, fees::quote::QuoteRequest,
        fees::quote::QuoteItem, fees::display::LineDisplay, fees::quote::Override, fees::quote::LineOverride, fees::quote::Quote,
        fees::area::AreaRequest, fees::area::AreaLine, fees::area::AreaSettlement,
        fees::mortgage::Method, fees::mortgage::MortgageRequest, fees::mortgage::Payment, fees::mortgage::Schedule,
        fees::rules::Finding, fees::rules::StepInput, fees::rules::VersionInput,
        fees::schema::Shape, fees::schema::FieldKind, fees::schema::Field, fees::schema::InForce, fees::schema::Parameter, crate::finance::RegionInfo, crate::finance::SavedQuote, crate::finance::RuleFileVersion, crate::finance::RequoteReport, crate::finance::RequoteFailure,
        crate::SetupStatus, crate::FirstAdmin, crate::SignIn, crate::NewUserRequest, crate::UpdateUserRequest, crate::ChangePassword,
        domain::audit::ChainReport, domain::audit::ChainProblem,
        domain::backup::BackupKind, domain::backup::BackupInfo, crate::backups::BackupEntry, crate::backups::BackupList,
        MoveInStatus, AppointmentStatus, DeliveryChannel, StepKind, MeterKind, KeyHolder, KeyAction,
        StepConfig, FeeBasis, FeeItemConfig, ProcedureConfig, PeriodPlan, UnitSelection, BatchInput, Batch, Slot,
        Appointment, Delivery, DeliveryInput, MeterReading, KeySetLine, PaidItem, StepData, StepView, StepRecord,
        MoveInUnit, AmountDueView, BatchUnitRow, KeyRecord, KeyEvent, KeyInput, KeyCheckout, ProgressRow, Board,
        domain::image::Upload, crate::move_in::LetterheadSettings, crate::move_in::ImageChange, crate::move_in::LetterheadInput,
        crate::move_in::ProcedureSettings, crate::move_in::BatchCreatedView, crate::move_in::BatchDetail,
        crate::move_in::MoveInDoc, crate::move_in::BatchFailure, crate::move_in::BatchPrintReport,
        domain::inspection::InspectionKind, domain::inspection::ItemResult, domain::inspection::Severity,
        domain::inspection::DefectStatus, domain::inspection::DefectAction, domain::inspection::ChecklistItem,
        domain::inspection::TemplateInput, domain::inspection::Template, domain::inspection::ItemOutcome,
        domain::inspection::InspectionStart, domain::inspection::InspectionUpdate, domain::inspection::Inspection,
        domain::inspection::DefectInput, domain::inspection::Photo, domain::inspection::Defect,
        domain::inspection::DefectEvent, domain::inspection::DefectQuery, domain::inspection::Scorecard,
        crate::inspection::TemplateView, crate::inspection::DefectMove,
        domain::office_time::OfficeToday,
    );
    let mut s = String::from("// Generated from the Rust types by `cargo test -p services bindings` (ts-rs). Do not edit.\n\n");
    for d in decls {
        s.push_str(&d);
        s.push_str("\n\n");
    }
    for labels in [
        PropertyType::ts_labels(),
        UnitStatus::ts_labels(),
        IdType::ts_labels(),
        PricingBasis::ts_labels(),
        PaymentMethod::ts_labels(),
        FilingStatus::ts_labels(),
        ContractStatus::ts_labels(),
        MoveInStatus::ts_labels(),
        AppointmentStatus::ts_labels(),
        DeliveryChannel::ts_labels(),
        StepKind::ts_labels(),
        MeterKind::ts_labels(),
        KeyHolder::ts_labels(),
        KeyAction::ts_labels(),
        domain::inspection::InspectionKind::ts_labels(),
        domain::inspection::ItemResult::ts_labels(),
        domain::inspection::Severity::ts_labels(),
        domain::inspection::DefectStatus::ts_labels(),
        domain::inspection::DefectAction::ts_labels(),
    ] {
        s.push_str(&labels);
        s.push_str("\n\n");
    }
    let params: Vec<String> = fees::rules::PARAMETERS.iter().map(|(k, v)| format!("{k}: \"{v}\"")).collect();
    s.push_str(&format!(
        "export const FeeParameterLabels: Record<string, string> = {{ {} }};\n\n",
        params.join(", ")
    ));
    let vat: Vec<String> = fees::quote::VatMethod::ALL
        .iter()
        .map(|m| format!("{}: \"{}\"", m.as_str(), m.label()))
        .collect();
    s.push_str(&format!(
        "export const FeeVatMethodLabels: Record<VatMethod, string> = {{ {} }};\n\n",
        vat.join(", ")
    ));
    let roles: Vec<String> = domain::role::Role::ALL
        .iter()
        .map(|r| format!("{}: \"{}\"", r.as_str(), r.label()))
        .collect();
    s.push_str(&format!(
        "export const RoleLabels: Record<Role, string> = {{ {} }};\n\n",
        roles.join(", ")
    ));
    // The audit log's codes (AuditEntry.entity / .action) and their labels, from domain::audit.
    s.push_str(&domain::audit::ts_table("AuditEntityLabels", &domain::audit::entity_labels()));
    s.push_str("\n\n");
    s.push_str(&domain::audit::ts_table("AuditActionLabels", &domain::audit::action_labels()));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn bindings_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../ui/src/bindings.ts");
        let want = super::typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &want).expect("write bindings");
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p services bindings`"
        );
    }
}
