//! Any bytes as the JSON of each domain (and rule-form) input the app's commands take, read
//! through `domain::decode` as the Tauri shell reads them, then validated. Must never panic.
//! The request types defined in `services` (users, letterhead, contract edit …) are not here:
//! that crate pulls in the store (sqlx, tokio), too heavy for a sanitizer build.
#![no_main]
use domain::decode::from_str;
use domain::inspection::{ChecklistItem, DefectInput, DefectQuery, InspectionStart, InspectionUpdate, TemplateInput};
use domain::model::{BuyerInput, ContractInput, UnitEdit, UnitQuery};
use domain::move_in::{BatchInput, DeliveryInput, KeyCheckout, KeyInput, ProcedureConfig, StepData};
use fees::rules::{RegionFile, VersionInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    if let Ok(c) = from_str::<ContractInput>(text, "contract") {
        let _ = c.validate(today);
    }
    if let Ok(b) = from_str::<BuyerInput>(text, "buyer") {
        let _ = b.validate(today);
    }
    if let Ok(u) = from_str::<UnitEdit>(text, "edit") {
        let _ = u.validate();
    }
    if let Ok(t) = from_str::<TemplateInput>(text, "template") {
        let _ = t.validate();
    }
    if let Ok(b) = from_str::<BatchInput>(text, "batch") {
        if let Ok(b) = b.validate(today) {
            let _ = b.slots();
        }
    }
    if let Ok(d) = from_str::<DeliveryInput>(text, "delivery") {
        let _ = d.validate(today);
    }
    if let Ok(k) = from_str::<KeyInput>(text, "keys") {
        let _ = k.validate();
    }
    if let Ok(k) = from_str::<KeyCheckout>(text, "checkout") {
        let _ = k.validate(today);
    }
    if let Ok(s) = from_str::<StepData>(text, "data") {
        let _ = s.validate();
    }
    if let Ok(p) = from_str::<ProcedureConfig>(text, "config") {
        let _ = p.validate();
    }
    if let Ok(q) = from_str::<UnitQuery>(text, "query") {
        let _ = (q.limits(), q.search_text());
    }
    if let Ok(q) = from_str::<DefectQuery>(text, "query") {
        let _ = q.filter(today);
    }
    let _ = from_str::<InspectionStart>(text, "start");
    if let Ok(v) = from_str::<VersionInput>(text, "input") {
        if let Some((name, toml)) = fees::rules::SHIPPED.last() {
            if let Ok(mut f) = RegionFile::parse(name, toml) {
                if f.add_version(&v).is_ok() {
                    let _ = f.check(today);
                    let _ = f.to_toml();
                }
            }
        }
    }
    let items = domain::inspection::default_items();
    if let Ok(u) = from_str::<InspectionUpdate>(text, "update") {
        let _ = u.validate(&items);
    }
    if let Ok(d) = from_str::<DefectInput>(text, "defect") {
        let item: Option<&ChecklistItem> = items.first();
        if let Some(item) = item {
            let _ = d.validate(today, &["总包".to_string()], item);
        }
    }
});
