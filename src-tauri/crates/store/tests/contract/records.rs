//! Contract cases for the records store methods: projects, buildings, units, contracts, search.

use crate::support::*;
use domain::model::{ContractStatus, PropertyType, UnitEdit, UnitQuery, UnitStatus};
use domain::record::{Duplicate, Entity};
use domain::ErrorCode;
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use store::{Error, Store};

contract_tests!(
    projects_and_buildings_list_the_imported_places,
    unit_reads_back_and_an_unknown_unit_is_not_found,
    contract_reads_back_with_parties_in_order,
    create_contract_writes_sells_the_unit_and_audits,
    create_contract_refuses_a_taken_number_and_writes_nothing,
    create_contract_refuses_a_second_live_contract_and_writes_nothing,
    create_contract_on_an_unknown_unit_is_not_found,
    create_contract_reuses_a_known_buyer_and_audits_the_change_masked,
    update_contract_replaces_fields_and_parties_and_bumps_the_version,
    update_contract_refuses_a_stale_version_and_writes_nothing,
    update_contract_refuses_a_taken_number_and_writes_nothing,
    update_contract_refuses_moving_to_another_unit,
    update_contract_of_an_unknown_contract_is_not_found,
    cancel_contract_frees_the_unit_for_a_new_contract,
    cancel_contract_refuses_stale_cancelled_and_unknown,
    update_unit_saves_areas_bumps_the_version_and_audits,
    update_unit_refuses_stale_and_unknown_and_writes_nothing,
    update_unit_refuses_a_status_its_records_contradict,
    a_delivered_units_contract_cannot_be_cancelled,
    search_by_unit_number_prefix,
    search_by_buyer_name_prefix_finds_live_contracts_only,
    search_by_full_phone_and_phone_tail,
    search_by_id_tail,
    search_filters_by_project_building_type_and_status,
    search_pages_cover_every_unit_once_with_the_total,
);

/// Units of the sample without a contract, by number.
pub(crate) async fn unsold(store: &Store) -> Vec<domain::model::Unit> {
    all_units(store)
        .await
        .into_iter()
        .filter(|(_, c, _)| c.is_none())
        .map(|(u, _, _)| u)
        .collect()
}

async fn projects_and_buildings_list_the_imported_places(store: Store) {
    assert!(store.projects().await.expect("projects").is_empty());
    with_sample(&store).await;
    let projects = store.projects().await.expect("projects");
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0].name, PROJECT);
    let buildings = store.buildings(projects[0].id).await.expect("buildings");
    let names: Vec<&str> = buildings.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["1栋", "2栋"]);
    assert!(buildings
        .iter()
        .all(|b| b.project_id == projects[0].id && b.floors == 18 && b.has_elevator));
    assert!(store.buildings(projects[0].id + 1000).await.expect("none").is_empty());
}

async fn unit_reads_back_and_an_unknown_unit_is_not_found(store: Store) {
    let s = with_sample(&store).await;
    let row = &s.plan.units[5];
    let listed = unit_by_number(&store, &row.key.number).await;
    let u = store.unit(listed.id).await.expect("unit");
    assert_eq!(u, listed);
    assert_eq!(
        (u.project_name.as_str(), u.building_name.as_str()),
        (PROJECT, row.key.building.as_str())
    );
    assert_eq!((u.floor, u.property_type), (row.floor, row.property_type));
    assert_eq!(u.forecast_gross_area, row.forecast_gross_area);
    assert_eq!(u.forecast_internal_area, row.forecast_internal_area);
    assert_eq!(u.surveyed_gross_area, None);
    assert_eq!(u.status, UnitStatus::Sold, "a sold unit with a contract");
    let missing = all_units(&store).await.iter().map(|r| r.0.id).max().expect("units") + 1;
    assert!(matches!(store.unit(missing).await, Err(Error::NotFound(Entity::Unit))));
}

async fn contract_reads_back_with_parties_in_order(store: Store) {
    let s = with_sample(&store).await;
    let row = s.plan.contracts.iter().find(|c| c.contract.parties.len() == 2).expect("co-owned");
    let id = store
        .contract_id_by_number(&row.contract.number)
        .await
        .expect("lookup")
        .expect("imported");
    let c = store.contract(id).await.expect("contract");
    let unit = unit_by_number(&store, &row.key.number).await;
    assert_eq!(
        c.to_input(),
        domain::model::ContractInput {
            unit_id: unit.id,
            ..row.contract.clone()
        }
    );
    assert_eq!((c.status, c.version), (ContractStatus::Live, 1));
    let names: Vec<&str> = c.parties.iter().map(|p| p.buyer.name.as_str()).collect();
    let expected: Vec<&str> = row.contract.parties.iter().map(|p| p.buyer.name.as_str()).collect();
    assert_eq!(names, expected, "buyer first, then co-owners");
    assert_eq!(store.contracts_of_unit(unit.id).await.expect("of unit"), vec![c]);
    assert!(matches!(store.contract(id + 10_000).await, Err(Error::NotFound(Entity::Contract))));
    assert!(store.contracts_of_unit(unit.id + 10_000).await.expect("none").is_empty());
}

async fn create_contract_writes_sells_the_unit_and_audits(store: Store) {
    let s = with_sample(&store).await;
    let unit = unsold(&store).await.remove(0);
    assert_eq!(unit.status, UnitStatus::Available);
    let input = contract_input("XS-2026-001", unit.id, &[(buyer(1, "欧阳娜"), 60), (buyer(2, "司马光"), 40)]);
    let before = audit_len(&store).await;
    let id = store.create_contract(&s.actor, &input).await.expect("created");

    let c = store.contract(id).await.expect("reads back");
    assert_eq!(c.to_input(), input);
    assert_eq!((c.status, c.version), (ContractStatus::Live, 1));
    let after = store.unit(unit.id).await.expect("unit");
    assert_eq!((after.status, after.version), (UnitStatus::Sold, unit.version + 1));
    assert_eq!(store.contract_id_by_number("XS-2026-001").await.expect("lookup"), Some(id));

    let lines = store.audit_for("contract", id).await.expect("audit");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        (lines[0].action.as_str(), lines[0].username.as_str(), lines[0].at.as_str()),
        ("create", "admin", s.actor.at.as_str())
    );
    assert!(lines[0].before.is_none());
    let snap: serde_json::Value = serde_json::from_str(lines[0].after.as_deref().expect("after")).expect("json");
    assert_eq!(snap["number"], "XS-2026-001");
    assert_eq!(snap["status"], "live");
    assert_eq!(audit_len(&store).await, before + 1, "one line for a contract with new buyers");

    let (rows, total) = store.search_units(&query(Some("欧阳"))).await.expect("search");
    assert_eq!(total, 1);
    assert_eq!(rows[0].0.id, unit.id);
    assert_eq!(rows[0].1.as_deref(), Some("XS-2026-001"));
}

async fn create_contract_refuses_a_taken_number_and_writes_nothing(store: Store) {
    let s = with_sample(&store).await;
    let unit = unsold(&store).await.remove(0);
    let taken = s.plan.contracts[0].contract.number.clone();
    let before = audit_len(&store).await;
    let e = store
        .create_contract(&s.actor, &contract_input(&taken, unit.id, &[(buyer(3, "欧阳娜"), 100)]))
        .await
        .expect_err("number taken");
    match e {
        Error::Duplicate(Duplicate::ContractNumber) => {}
        other => {
            let a = refused(other, ErrorCode::Conflict, Some("number"));
            assert!(a.message.contains(&taken), "{}", a.message);
        }
    }
    assert_eq!(store.unit(unit.id).await.expect("unit"), unit, "unit untouched");
    assert!(store.contracts_of_unit(unit.id).await.expect("contracts").is_empty());
    assert_eq!(
        store.search_units(&query(Some("欧阳"))).await.expect("search").1,
        0,
        "no buyer written"
    );
    assert_eq!(audit_len(&store).await, before);
}

async fn create_contract_refuses_a_second_live_contract_and_writes_nothing(store: Store) {
    let s = with_sample(&store).await;
    let row = &s.plan.contracts[1];
    let unit = unit_by_number(&store, &row.key.number).await;
    let existing = store.contracts_of_unit(unit.id).await.expect("contracts");
    let before = audit_len(&store).await;
    let e = store
        .create_contract(&s.actor, &contract_input("XS-2026-002", unit.id, &[(buyer(4, "欧阳娜"), 100)]))
        .await
        .expect_err("unit has a live contract");
    match e {
        Error::Duplicate(Duplicate::LiveContract) => {}
        other => {
            let a = refused(other, ErrorCode::Conflict, Some("unit_id"));
            assert!(a.message.contains(&row.contract.number), "{}", a.message);
        }
    }
    assert_eq!(store.contracts_of_unit(unit.id).await.expect("contracts"), existing);
    assert_eq!(store.unit(unit.id).await.expect("unit"), unit);
    assert_eq!(store.contract_id_by_number("XS-2026-002").await.expect("lookup"), None);
    assert_eq!(audit_len(&store).await, before);
}

async fn create_contract_on_an_unknown_unit_is_not_found(store: Store) {
    let s = with_sample(&store).await;
    let missing = all_units(&store).await.iter().map(|r| r.0.id).max().expect("units") + 1;
    let before = audit_len(&store).await;
    let e = store
        .create_contract(&s.actor, &contract_input("XS-2026-003", missing, &[(buyer(5, "欧阳娜"), 100)]))
        .await
        .expect_err("no such unit");
    assert!(matches!(e, Error::NotFound(Entity::Unit)), "{e:?}");
    assert_eq!(store.contract_id_by_number("XS-2026-003").await.expect("lookup"), None);
    assert_eq!(audit_len(&store).await, before);
}

async fn create_contract_reuses_a_known_buyer_and_audits_the_change_masked(store: Store) {
    let s = with_sample(&store).await;
    let known = s.plan.contracts[2].contract.parties[0].buyer.clone();
    let moved = domain::model::BuyerInput {
        phone: "13700137000".into(),
        address: "深圳市福田区深南大道 3 号".into(),
        ..known.clone()
    };
    let unit = unsold(&store).await.remove(0);
    let id = store
        .create_contract(&s.actor, &contract_input("XS-2026-004", unit.id, &[(moved.clone(), 100)]))
        .await
        .expect("created");
    let c = store.contract(id).await.expect("contract");
    let old_unit = unit_by_number(&store, &s.plan.contracts[2].key.number).await;
    let old = &store.contracts_of_unit(old_unit.id).await.expect("old")[0];
    assert_eq!(c.parties[0].buyer.id, old.parties[0].buyer.id, "one buyer per ID number");
    assert_eq!(old.parties[0].buyer.phone, "13700137000", "contact details refreshed everywhere");
    let lines = store.audit_for("buyer", c.parties[0].buyer.id).await.expect("audit");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!((lines[0].action.as_str(), lines[0].username.as_str()), ("update", "admin"));
    let text = format!("{:?}{:?}", lines[0].before, lines[0].after);
    assert!(!text.contains(&known.id_number) && !text.contains(&known.phone), "masked: {text}");
    assert!(!text.contains("13700137000"), "masked: {text}");
    assert!(text.contains("深南大道"), "the change is recorded: {text}");
    let (rows, total) = store.search_units(&query(Some("13700137000"))).await.expect("search");
    assert_eq!(total, 2, "both of the buyer's units: {rows:?}");
}

async fn update_contract_replaces_fields_and_parties_and_bumps_the_version(store: Store) {
    let s = with_sample(&store).await;
    let row = &s.plan.contracts[0];
    let id = store
        .contract_id_by_number(&row.contract.number)
        .await
        .expect("lookup")
        .expect("id");
    let before = store.contract(id).await.expect("contract");
    let edit = domain::model::ContractInput {
        total_price: Decimal::new(150_000_001, 2),
        filing_status: domain::model::FilingStatus::Filed,
        ..contract_input(&before.number, before.unit_id, &[(buyer(6, "诸葛亮"), 100)])
    };
    store.update_contract(&s.actor, id, before.version, &edit).await.expect("saved");
    let after = store.contract(id).await.expect("contract");
    assert_eq!(after.to_input(), edit);
    assert_eq!(after.version, before.version + 1);
    let lines = store.audit_for("contract", id).await.expect("audit");
    assert_eq!(lines[0].action, "update");
    assert_eq!(lines[0].username, "admin");
    let b: serde_json::Value = serde_json::from_str(lines[0].before.as_deref().expect("before")).expect("json");
    let a: serde_json::Value = serde_json::from_str(lines[0].after.as_deref().expect("after")).expect("json");
    assert_eq!(b["filing_status"], "filed", "the sample is filed");
    assert_eq!(a["filing_status"], "filed");
    assert_eq!(a["total_price"], "1500000.01");
    assert_ne!(b["parties"], a["parties"]);
    // The old parties no longer find the unit; the new one does.
    let old_name = &row.contract.parties[0].buyer.name;
    let (rows, _) = store.search_units(&query(Some(old_name))).await.expect("search");
    assert!(rows.iter().all(|r| r.0.id != before.unit_id), "{rows:?}");
    let (rows, _) = store.search_units(&query(Some("诸葛"))).await.expect("search");
    assert_eq!(rows.iter().map(|r| r.0.id).collect::<Vec<_>>(), vec![before.unit_id]);
    // A second edit from the new version is accepted.
    store
        .update_contract(&s.actor, id, after.version, &edit)
        .await
        .expect("from the new version");
    assert_eq!(store.contract(id).await.expect("contract").version, before.version + 2);
}

async fn update_contract_refuses_a_stale_version_and_writes_nothing(store: Store) {
    let s = with_sample(&store).await;
    let (id, c) = s.first_contract(&store).await;
    let mut edit = c.to_input();
    edit.total_price = Decimal::new(1_000_000, 0);
    store.update_contract(&s.actor, id, c.version, &edit).await.expect("first save");
    let saved = store.contract(id).await.expect("saved");
    let before = audit_len(&store).await;
    let mut late = c.to_input();
    late.unit_price = Decimal::new(99_999, 0);
    let e = store
        .update_contract(&s.actor, id, c.version, &late)
        .await
        .expect_err("someone saved first");
    assert!(matches!(e, Error::Stale(Entity::Contract)), "{e:?}");
    assert_eq!(store.contract(id).await.expect("contract"), saved, "nothing written");
    assert_eq!(audit_len(&store).await, before);
}

async fn update_contract_refuses_a_taken_number_and_writes_nothing(store: Store) {
    let s = with_sample(&store).await;
    let (id, c) = s.first_contract(&store).await;
    let taken = s.plan.contracts[1].contract.number.clone();
    let edit = domain::model::ContractInput {
        number: taken.clone(),
        ..c.to_input()
    };
    let before = audit_len(&store).await;
    let e = store.update_contract(&s.actor, id, c.version, &edit).await.expect_err("taken");
    match e {
        Error::Duplicate(Duplicate::ContractNumber) => {}
        other => {
            let a = refused(other, ErrorCode::Conflict, Some("number"));
            assert!(a.message.contains(&taken), "{}", a.message);
        }
    }
    assert_eq!(store.contract(id).await.expect("contract"), c);
    assert_eq!(audit_len(&store).await, before);
}

async fn update_contract_refuses_moving_to_another_unit(store: Store) {
    let s = with_sample(&store).await;
    let (id, c) = s.first_contract(&store).await;
    let other = unsold(&store).await.remove(0);
    let edit = domain::model::ContractInput {
        unit_id: other.id,
        ..c.to_input()
    };
    let before = audit_len(&store).await;
    let e = store.update_contract(&s.actor, id, c.version, &edit).await.expect_err("moved");
    refused(e, ErrorCode::Invalid, Some("unit_id"));
    assert_eq!(store.contract(id).await.expect("contract"), c);
    assert_eq!(store.unit(other.id).await.expect("unit"), other);
    assert_eq!(audit_len(&store).await, before);
}

async fn update_contract_of_an_unknown_contract_is_not_found(store: Store) {
    let s = with_sample(&store).await;
    let unit = unsold(&store).await.remove(0);
    let e = store
        .update_contract(
            &s.actor,
            999_999,
            1,
            &contract_input("XS-2026-005", unit.id, &[(buyer(7, "欧阳娜"), 100)]),
        )
        .await
        .expect_err("no such contract");
    assert!(matches!(e, Error::NotFound(Entity::Contract)), "{e:?}");
    assert_eq!(store.contract_id_by_number("XS-2026-005").await.expect("lookup"), None);
}

async fn cancel_contract_frees_the_unit_for_a_new_contract(store: Store) {
    let s = with_sample(&store).await;
    let row = &s.plan.contracts[3];
    let unit = unit_by_number(&store, &row.key.number).await;
    let c = store.contracts_of_unit(unit.id).await.expect("contracts").remove(0);
    store.cancel_contract(&s.actor, c.id, c.version).await.expect("cancelled");
    let cancelled = store.contract(c.id).await.expect("contract");
    assert_eq!((cancelled.status, cancelled.version), (ContractStatus::Cancelled, c.version + 1));
    let freed = store.unit(unit.id).await.expect("unit");
    assert_eq!((freed.status, freed.version), (UnitStatus::Available, unit.version + 1));
    let lines = store.audit_for("contract", c.id).await.expect("audit");
    assert_eq!((lines[0].action.as_str(), lines[0].username.as_str()), ("cancel", "admin"));
    let after: serde_json::Value = serde_json::from_str(lines[0].after.as_deref().expect("after")).expect("json");
    assert_eq!(after["status"], "cancelled");
    // The list shows no live contract on it now.
    let listed = all_units(&store).await.into_iter().find(|r| r.0.id == unit.id).expect("listed");
    assert_eq!((listed.1, listed.2.len()), (None, 0));

    let again = store
        .create_contract(&s.actor, &contract_input("XS-2026-006", unit.id, &[(buyer(8, "欧阳娜"), 100)]))
        .await
        .expect("a new contract on the freed unit");
    let all = store.contracts_of_unit(unit.id).await.expect("contracts");
    assert_eq!(
        all.iter().map(|c| (c.id, c.status)).collect::<Vec<_>>(),
        vec![(again, ContractStatus::Live), (c.id, ContractStatus::Cancelled)]
    );
    // The cancelled number stays taken.
    let e = store
        .create_contract(
            &s.actor,
            &contract_input(&c.number, unsold(&store).await[0].id, &[(buyer(9, "欧阳娜"), 100)]),
        )
        .await
        .expect_err("numbers are never reused");
    assert!(
        matches!(e, Error::Duplicate(Duplicate::ContractNumber) | Error::Refused(_)),
        "{e:?}"
    );
}

async fn cancel_contract_refuses_stale_cancelled_and_unknown(store: Store) {
    let s = with_sample(&store).await;
    let (id, c) = s.first_contract(&store).await;
    let unit = store.unit(c.unit_id).await.expect("unit");
    let before = audit_len(&store).await;
    let e = store.cancel_contract(&s.actor, id, c.version + 1).await.expect_err("stale");
    assert!(matches!(e, Error::Stale(Entity::Contract)), "{e:?}");
    assert_eq!(store.contract(id).await.expect("contract"), c);
    assert_eq!(store.unit(c.unit_id).await.expect("unit"), unit);
    assert_eq!(audit_len(&store).await, before);

    store.cancel_contract(&s.actor, id, c.version).await.expect("cancelled");
    let cancelled = store.contract(id).await.expect("contract");
    let freed = store.unit(c.unit_id).await.expect("unit");
    let before = audit_len(&store).await;
    let e = store
        .cancel_contract(&s.actor, id, cancelled.version)
        .await
        .expect_err("already cancelled");
    assert!(matches!(e, Error::Stale(Entity::Contract)), "{e:?}");
    assert_eq!(store.contract(id).await.expect("contract"), cancelled);
    assert_eq!(store.unit(c.unit_id).await.expect("unit"), freed);
    assert_eq!(audit_len(&store).await, before);

    let e = store.cancel_contract(&s.actor, 999_999, 1).await.expect_err("unknown");
    assert!(matches!(e, Error::NotFound(Entity::Contract)), "{e:?}");
}

pub(crate) fn edit_of(u: &domain::model::Unit) -> UnitEdit {
    UnitEdit {
        id: u.id,
        version: u.version,
        property_type: PropertyType::Office,
        status: UnitStatus::Withheld,
        forecast_gross_area: Decimal::new(9_012, 2),
        forecast_internal_area: None,
        surveyed_gross_area: Some(Decimal::new(9_155, 2)),
        surveyed_internal_area: Some(Decimal::new(7_301, 2)),
    }
}

async fn update_unit_saves_areas_bumps_the_version_and_audits(store: Store) {
    let s = with_sample(&store).await;
    let unit = unsold(&store).await.remove(0);
    let edit = edit_of(&unit);
    let after = store.update_unit(&s.actor, &edit).await.expect("saved");
    assert_eq!(store.unit(unit.id).await.expect("unit"), after, "returned as stored");
    assert_eq!(after.version, unit.version + 1);
    assert_eq!((after.property_type, after.status), (PropertyType::Office, UnitStatus::Withheld));
    assert_eq!(after.forecast_gross_area, Decimal::new(9_012, 2));
    assert_eq!(after.forecast_internal_area, None, "an area can be cleared");
    assert_eq!(after.surveyed_gross_area, Some(Decimal::new(9_155, 2)));
    assert_eq!(after.surveyed_internal_area, Some(Decimal::new(7_301, 2)));
    assert_eq!((after.number.as_str(), after.building_id), (unit.number.as_str(), unit.building_id));
    let lines = store.audit_for("unit", unit.id).await.expect("audit");
    assert_eq!((lines[0].action.as_str(), lines[0].username.as_str()), ("update", "admin"));
    let a: serde_json::Value = serde_json::from_str(lines[0].after.as_deref().expect("after")).expect("json");
    assert_eq!(a["status"], "withheld");
    assert_eq!(a["version"], unit.version + 1);
}

async fn update_unit_refuses_stale_and_unknown_and_writes_nothing(store: Store) {
    let s = with_sample(&store).await;
    let unit = unsold(&store).await.remove(0);
    store.update_unit(&s.actor, &edit_of(&unit)).await.expect("first save");
    let saved = store.unit(unit.id).await.expect("unit");
    let before = audit_len(&store).await;
    let late = UnitEdit {
        status: UnitStatus::Available,
        ..edit_of(&unit)
    };
    let e = store.update_unit(&s.actor, &late).await.expect_err("stale");
    assert!(matches!(e, Error::Stale(Entity::Unit)), "{e:?}");
    assert_eq!(store.unit(unit.id).await.expect("unit"), saved);
    let missing = UnitEdit {
        id: 999_999,
        ..edit_of(&unit)
    };
    let e = store.update_unit(&s.actor, &missing).await.expect_err("unknown");
    assert!(matches!(e, Error::NotFound(Entity::Unit)), "{e:?}");
    assert_eq!(audit_len(&store).await, before);
}

/// The unit numbers a search returns, with the total it reports.
async fn numbers(store: &Store, q: &UnitQuery) -> (BTreeSet<String>, i64) {
    let (rows, total) = store.search_units(q).await.expect("search");
    (rows.into_iter().map(|r| r.0.number).collect(), total)
}

fn set<'a>(it: impl IntoIterator<Item = &'a String>) -> BTreeSet<String> {
    it.into_iter().cloned().collect()
}

async fn search_by_unit_number_prefix(store: Store) {
    let s = with_sample(&store).await;
    let expected = set(s.plan.units.iter().map(|u| &u.key.number).filter(|n| n.starts_with("1-1")));
    assert!(expected.len() > 4, "1-1xx and 1-10xx..: {expected:?}");
    let (found, total) = numbers(&store, &query(Some("1-1"))).await;
    assert_eq!(found, expected);
    assert_eq!(total, i64::try_from(expected.len()).expect("n"));
    let (found, total) = numbers(&store, &query(Some(" 2-101 "))).await;
    assert_eq!((found, total), (set([&"2-101".to_string()]), 1), "trimmed, exact number");
    assert_eq!(numbers(&store, &query(Some("9-"))).await.1, 0);
    // A prefix, not a substring.
    assert_eq!(numbers(&store, &query(Some("-101"))).await.1, 0);
}

async fn search_by_buyer_name_prefix_finds_live_contracts_only(store: Store) {
    let s = with_sample(&store).await;
    // A co-owner's surname and given name: every unit whose live contract has a party so named.
    let co = &s
        .plan
        .contracts
        .iter()
        .find(|c| c.contract.parties.len() == 2)
        .expect("co-owned")
        .contract
        .parties[1]
        .buyer
        .name;
    for prefix in [co.chars().take(1).collect::<String>(), co.clone()] {
        let expected = set(s
            .plan
            .contracts
            .iter()
            .filter(|c| c.contract.parties.iter().any(|p| p.buyer.name.starts_with(&prefix)))
            .map(|c| &c.key.number));
        assert!(!expected.is_empty());
        let (found, total) = numbers(&store, &query(Some(&prefix))).await;
        assert_eq!(found, expected, "prefix {prefix}");
        assert_eq!(total, i64::try_from(expected.len()).expect("n"));
    }
    // Not a middle part of a name.
    let given: String = co.chars().skip(1).collect();
    let expected = set(s
        .plan
        .contracts
        .iter()
        .filter(|c| c.contract.parties.iter().any(|p| p.buyer.name.starts_with(&given)))
        .map(|c| &c.key.number));
    assert_eq!(numbers(&store, &query(Some(&given))).await.0, expected);
    // After cancelling, the unit is no longer found by its buyers' names.
    let row = s.plan.contracts.iter().find(|c| c.contract.parties.len() == 2).expect("co-owned");
    let unit = unit_by_number(&store, &row.key.number).await;
    let c = store.contracts_of_unit(unit.id).await.expect("contracts").remove(0);
    store.cancel_contract(&s.actor, c.id, c.version).await.expect("cancel");
    for p in &row.contract.parties {
        let (found, _) = numbers(&store, &query(Some(&p.buyer.name))).await;
        assert!(!found.contains(&row.key.number), "{found:?}");
    }
}

/// Every (phone, ID number, unit number) of the sample's parties.
fn parties(plan: &domain::sheet::ImportPlan) -> Vec<(String, String, String)> {
    plan.contracts
        .iter()
        .flat_map(|c| {
            c.contract
                .parties
                .iter()
                .map(move |p| (p.buyer.phone.clone(), p.buyer.id_number.clone(), c.key.number.clone()))
        })
        .collect()
}

/// The units a 4-character tail finds: a phone tail or an ID tail (either case).
fn by_tail(parties: &[(String, String, String)], tail: &str) -> BTreeSet<String> {
    let upper = tail.to_uppercase();
    parties
        .iter()
        .filter(|(phone, id, _)| phone.ends_with(tail) || id.ends_with(&upper))
        .map(|(_, _, n)| n.clone())
        .collect()
}

fn last(s: &str, n: usize) -> String {
    s.chars().skip(s.chars().count() - n).collect()
}

async fn search_by_full_phone_and_phone_tail(store: Store) {
    let s = with_sample(&store).await;
    let all = parties(&s.plan);
    let (phone, _, number) = &all[4];
    let expected: BTreeSet<String> = all.iter().filter(|(p, _, _)| p == phone).map(|(_, _, n)| n.clone()).collect();
    assert!(expected.contains(number));
    let (found, total) = numbers(&store, &query(Some(phone))).await;
    assert_eq!((found, total), (expected.clone(), i64::try_from(expected.len()).expect("n")));
    let tail = last(phone, 4);
    let expected = by_tail(&all, &tail);
    assert!(expected.contains(number));
    assert_eq!(numbers(&store, &query(Some(&tail))).await.0, expected, "tail {tail}");
    // Three or five trailing digits are neither a tail nor a whole phone number.
    assert!(numbers(&store, &query(Some(&last(phone, 3)))).await.0.is_empty());
    assert!(numbers(&store, &query(Some(&last(phone, 5)))).await.0.is_empty());
}

async fn search_by_id_tail(store: Store) {
    let s = with_sample(&store).await;
    let all = parties(&s.plan);
    // Prefer an ID ending in X, to check the tail is matched whatever its case.
    let (_, id, number) = all.iter().find(|(_, i, _)| i.ends_with('X')).unwrap_or(&all[7]);
    let tail = last(id, 4);
    let expected = by_tail(&all, &tail);
    assert!(expected.contains(number));
    assert_eq!(numbers(&store, &query(Some(&tail))).await.0, expected, "tail {tail}");
    assert_eq!(numbers(&store, &query(Some(&tail.to_lowercase()))).await.0, expected, "any case");
}

async fn search_filters_by_project_building_type_and_status(store: Store) {
    let s = with_sample(&store).await;
    let other = plan("第二花园", 10, "QT");
    store.apply_import(&s.actor, "second.xlsx", &other).await.expect("second import");
    let projects = store.projects().await.expect("projects");
    let first = projects.iter().find(|p| p.name == PROJECT).expect("first").id;
    let second = projects.iter().find(|p| p.name == "第二花园").expect("second").id;
    let count = |n: usize| i64::try_from(n).expect("n");

    let q = |f: &dyn Fn(&mut UnitQuery)| {
        let mut q = query(None);
        f(&mut q);
        q
    };
    assert_eq!(numbers(&store, &q(&|_| ())).await.1, count(SAMPLE_UNITS + 10));
    assert_eq!(numbers(&store, &q(&|q| q.project_id = Some(first))).await.1, count(SAMPLE_UNITS));
    assert_eq!(numbers(&store, &q(&|q| q.project_id = Some(second))).await.1, 10);
    let b2 = store
        .buildings(first)
        .await
        .expect("buildings")
        .into_iter()
        .find(|b| b.name == "2栋")
        .expect("2栋");
    let in_b2 = s.plan.units.iter().filter(|u| u.key.building == "2栋").count();
    let (found, total) = numbers(&store, &q(&|q| q.building_id = Some(b2.id))).await;
    assert_eq!(total, count(in_b2));
    assert!(found.iter().all(|n| n.starts_with("2-")));
    let sold = s.plan.contracts.len() + other.contracts.len();
    assert_eq!(numbers(&store, &q(&|q| q.status = Some(UnitStatus::Sold))).await.1, count(sold));
    assert_eq!(
        numbers(&store, &q(&|q| q.status = Some(UnitStatus::Available))).await.1,
        count(SAMPLE_UNITS + 10 - sold)
    );
    // Type: turn one unit into an office and find it alone.
    let unit = unsold(&store).await.into_iter().find(|u| u.project_id == first).expect("unsold");
    store.update_unit(&s.actor, &edit_of(&unit)).await.expect("edit");
    let (found, total) = numbers(&store, &q(&|q| q.property_type = Some(PropertyType::Office))).await;
    assert_eq!((found, total), (set([&unit.number]), 1));
    // Filters combine with each other and with a search.
    let (found, total) = numbers(
        &store,
        &q(&|q| {
            q.project_id = Some(second);
            q.search = Some("1-1".into());
        }),
    )
    .await;
    let expected = set(other.units.iter().map(|u| &u.key.number).filter(|n| n.starts_with("1-1")));
    assert_eq!((found, total), (expected.clone(), count(expected.len())));
    assert_eq!(
        numbers(
            &store,
            &q(&|q| {
                q.project_id = Some(second);
                q.building_id = Some(b2.id);
            })
        )
        .await
        .1,
        0
    );
    // Sold units come with their live contract's number and parties in order.
    for (u, number, parties) in all_units(&store).await {
        let row = s
            .plan
            .contracts
            .iter()
            .chain(other.contracts.iter())
            .find(|c| c.key.number == u.number && c.key.project == u.project_name);
        match row {
            Some(row) => {
                assert_eq!(number.as_deref(), Some(row.contract.number.as_str()));
                let names: Vec<&str> = parties.iter().map(|p| p.name.as_str()).collect();
                let expected: Vec<&str> = row.contract.parties.iter().map(|p| p.buyer.name.as_str()).collect();
                assert_eq!(names, expected);
            }
            None => assert!(number.is_none() && parties.is_empty(), "{u:?}"),
        }
    }
}

async fn search_pages_cover_every_unit_once_with_the_total(store: Store) {
    with_sample(&store).await;
    let every: Vec<i64> = all_units(&store).await.iter().map(|r| r.0.id).collect();
    let mut seen = Vec::new();
    for page in 1..=5 {
        let q = UnitQuery {
            page,
            page_size: 17,
            ..query(None)
        };
        let (rows, total) = store.search_units(&q).await.expect("page");
        assert_eq!(total, i64::try_from(SAMPLE_UNITS).expect("n"), "page {page}");
        let expected = if page < 5 { 17 } else { SAMPLE_UNITS - 4 * 17 };
        assert_eq!(rows.len(), expected, "page {page}");
        seen.extend(rows.iter().map(|r| r.0.id));
    }
    assert_eq!(seen, every, "pages in list order, no unit twice or missing");
    let past = UnitQuery {
        page: 6,
        page_size: 17,
        ..query(None)
    };
    let (rows, total) = store.search_units(&past).await.expect("past the end");
    assert!(rows.is_empty());
    assert_eq!(total, i64::try_from(SAMPLE_UNITS).expect("n"));
    // Page 0 is the first page; size 0 is the default 50; a huge size is capped.
    let (rows, _) = store
        .search_units(&UnitQuery {
            page: 0,
            page_size: 0,
            ..query(None)
        })
        .await
        .expect("defaults");
    assert_eq!(rows.iter().map(|r| r.0.id).collect::<Vec<_>>(), every[..50].to_vec());
    let (rows, total) = store
        .search_units(&UnitQuery {
            page: 2,
            page_size: 10,
            ..query(Some("1-"))
        })
        .await
        .expect("a page of a search");
    assert_eq!(rows.len(), 10);
    assert_eq!(total, 72, "the total is of the search, not of the page");
}

async fn update_unit_refuses_a_status_its_records_contradict(store: Store) {
    let s = with_sample(&store).await;
    let (_, contract) = s.first_contract(&store).await;
    let unit_id = contract.unit_id;
    let sold = store.unit(unit_id).await.expect("unit");
    assert_eq!(sold.status, UnitStatus::Sold);
    let before = audit_len(&store).await;
    for to in [UnitStatus::Available, UnitStatus::Delivered, UnitStatus::Withheld] {
        let e = store
            .update_unit(
                &s.actor,
                &UnitEdit {
                    status: to,
                    ..edit_of(&sold)
                },
            )
            .await
            .expect_err("contradicts the live contract");
        refused(e, ErrorCode::Invalid, Some("status"));
    }
    assert_eq!(store.unit(unit_id).await.expect("unit"), sold, "nothing written");
    assert_eq!(audit_len(&store).await, before);
    // The areas of a sold unit can still be edited (its status kept).
    let kept = store
        .update_unit(
            &s.actor,
            &UnitEdit {
                status: UnitStatus::Sold,
                ..edit_of(&sold)
            },
        )
        .await
        .expect("areas");
    assert_eq!(kept.status, UnitStatus::Sold);
    // An unsold one: 未售 ↔ 保留 only.
    let free = unsold(&store).await.remove(0);
    let e = store
        .update_unit(
            &s.actor,
            &UnitEdit {
                status: UnitStatus::Sold,
                ..edit_of(&free)
            },
        )
        .await
        .expect_err("sold without a contract");
    refused(e, ErrorCode::Invalid, Some("status"));
    let withheld = store.update_unit(&s.actor, &edit_of(&free)).await.expect("withheld");
    assert_eq!(withheld.status, UnitStatus::Withheld);
}

async fn a_delivered_units_contract_cannot_be_cancelled(store: Store) {
    let s = with_sample(&store).await;
    let (_, contract) = s.first_contract(&store).await;
    let unit_id = contract.unit_id;
    // Handed over (as the move-in procedure's last step leaves it).
    store::testing::exec_raw(&store, &[&format!("UPDATE units SET status = 'delivered' WHERE id = {unit_id}")])
        .await
        .expect("delivered");
    let before = audit_len(&store).await;
    let e = store
        .cancel_contract(&s.actor, contract.id, contract.version)
        .await
        .expect_err("delivered");
    let e = refused(e, ErrorCode::Conflict, None);
    assert!(e.message.contains("已交付"), "{}", e.message);
    assert_eq!(store.contract(contract.id).await.expect("contract").status, ContractStatus::Live);
    assert_eq!(store.unit(unit_id).await.expect("unit").status, UnitStatus::Delivered);
    assert_eq!(audit_len(&store).await, before);
}
