//! Contract cases for the import store methods: applying a checked plan, undoing it, the history.

use crate::support::*;
use domain::model::UnitStatus;
use domain::record::Entity;
use domain::sheet::{BUYER_SHEET, UNIT_SHEET};
use domain::ErrorCode;
use std::collections::BTreeSet;
use store::{Error, ImportCheck, Store};

contract_tests!(
    import_writes_every_row_and_audits_it,
    import_refused_by_existing_rows_writes_nothing,
    import_refused_by_one_taken_number_writes_nothing,
    import_of_contracts_on_existing_units,
    import_reuses_known_buyers_and_refreshes_them,
    undo_import_removes_everything_it_created,
    undo_import_restores_the_units_a_contracts_only_import_sold,
    undo_import_refuses_twice_and_unknown,
    undo_import_refuses_when_a_later_contract_depends_on_it,
    undo_import_refuses_when_an_imported_contract_has_a_saved_quote,
    imports_list_newest_first_with_the_user,
    undo_import_keeps_buyers_that_later_contracts_use,
    undoing_overlapping_imports_in_any_order_leaves_nothing,
);

fn written(check: ImportCheck) -> (i64, i64, i64) {
    match check {
        ImportCheck::Written {
            import_id,
            units,
            contracts,
        } => (import_id, units, contracts),
        ImportCheck::Refused(rows) => panic!("refused: {rows:?}"),
    }
}

fn refused_rows(check: ImportCheck) -> Vec<domain::sheet::RowError> {
    match check {
        ImportCheck::Written { import_id, .. } => panic!("written as import {import_id}"),
        ImportCheck::Refused(rows) => rows,
    }
}

/// What an import may change, to compare before and after.
async fn state(store: &Store) -> (Vec<domain::model::Project>, Vec<String>, usize, usize) {
    let units: Vec<String> = all_units(store)
        .await
        .into_iter()
        .map(|(u, c, b)| {
            format!(
                "{}/{}/{}/{:?}/{}/{c:?}/{:?}",
                u.project_name, u.building_name, u.number, u.status, u.version, b
            )
        })
        .collect();
    (
        store.projects().await.expect("projects"),
        units,
        store.imports().await.expect("imports").len(),
        audit_len(store).await,
    )
}

async fn import_writes_every_row_and_audits_it(store: Store) {
    let actor = admin(&store).await;
    let plan = plan(PROJECT, SAMPLE_UNITS, "HT");
    let (import_id, units, contracts) = written(store.apply_import(&actor, "房源表.xlsx", &plan).await.expect("import"));
    assert_eq!((units, contracts), (80, 56));
    let rows = all_units(&store).await;
    assert_eq!(rows.len(), SAMPLE_UNITS);
    let listed: BTreeSet<(String, String)> = rows.iter().map(|(u, _, _)| (u.building_name.clone(), u.number.clone())).collect();
    let planned: BTreeSet<(String, String)> = plan.units.iter().map(|u| (u.key.building.clone(), u.key.number.clone())).collect();
    assert_eq!(listed, planned);
    for c in &plan.contracts {
        let (u, number, parties) = rows.iter().find(|r| r.0.number == c.key.number).expect("unit");
        assert_eq!(u.status, UnitStatus::Sold);
        assert_eq!(number.as_deref(), Some(c.contract.number.as_str()));
        assert_eq!(parties.len(), c.contract.parties.len());
        let id = store.contract_id_by_number(&c.contract.number).await.expect("lookup").expect("id");
        let stored = store.contract(id).await.expect("contract");
        assert_eq!(
            stored.to_input(),
            domain::model::ContractInput {
                unit_id: u.id,
                ..c.contract.clone()
            }
        );
    }
    let history = store.imports().await.expect("imports");
    assert_eq!(history.len(), 1);
    let h = &history[0];
    assert_eq!(
        (h.id, h.file_name.as_str(), h.unit_count, h.contract_count),
        (import_id, "房源表.xlsx", 80, 56)
    );
    assert_eq!(
        (h.username.as_str(), h.created_at.as_str(), h.undone_at.as_deref()),
        ("admin", actor.at.as_str(), None)
    );

    // One audit line per unit, per contract, and one for the import, all under the importer.
    let lines = store.audit_recent(i64::MAX).await.expect("audit");
    let imported: Vec<_> = lines.iter().filter(|l| l.action == "import").collect();
    assert_eq!(imported.len(), 80 + 56 + 1, "{}", imported.len());
    assert!(imported.iter().all(|l| l.username == "admin" && l.at == actor.at));
    let summary = imported.iter().find(|l| l.entity == "import").expect("import line");
    assert_eq!(summary.entity_id, import_id);
    let u = &rows[0].0;
    let unit_lines = store.audit_for("unit", u.id).await.expect("unit audit");
    assert_eq!(unit_lines.len(), 1);
    let after: serde_json::Value = serde_json::from_str(unit_lines[0].after.as_deref().expect("after")).expect("json");
    assert_eq!(
        (after["number"].as_str(), after["building"].as_str()),
        (Some(u.number.as_str()), Some(u.building_name.as_str()))
    );
}

async fn import_refused_by_existing_rows_writes_nothing(store: Store) {
    let s = with_sample(&store).await;
    let before = state(&store).await;
    let rows = refused_rows(store.apply_import(&s.actor, "again.xlsx", &s.plan).await.expect("checked"));
    // Every unit row is already there, every contract number taken, every unit already live.
    let unit_rows: BTreeSet<u32> = rows.iter().filter(|r| r.sheet == UNIT_SHEET).map(|r| r.row).collect();
    assert_eq!(unit_rows, s.plan.units.iter().map(|u| u.row).collect());
    let taken: Vec<_> = rows.iter().filter(|r| r.sheet == BUYER_SHEET && r.column == "合同编号").collect();
    assert_eq!(taken.len(), s.plan.contracts.len());
    let live = rows
        .iter()
        .filter(|r| r.sheet == BUYER_SHEET && r.message.contains("有效合同"))
        .count();
    assert_eq!(live, s.plan.contracts.len());
    assert!(
        rows.windows(2)
            .all(|w| (w[0].sheet.as_str(), w[0].row) <= (w[1].sheet.as_str(), w[1].row)),
        "in sheet and row order"
    );
    assert_eq!(state(&store).await, before, "nothing written");
}

async fn import_refused_by_one_taken_number_writes_nothing(store: Store) {
    let s = with_sample(&store).await;
    let before = state(&store).await;
    // A new project whose last contract reuses a number of the sample.
    let mut other = plan("第二花园", 20, "QT");
    let last = other.contracts.last_mut().expect("contracts");
    last.contract.number = s.plan.contracts[0].contract.number.clone();
    let row = last.first_row;
    let rows = refused_rows(store.apply_import(&s.actor, "second.xlsx", &other).await.expect("checked"));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].sheet.as_str(), rows[0].row, rows[0].column.as_str()),
        (BUYER_SHEET, row, "合同编号")
    );
    assert!(
        rows[0].message.contains(&s.plan.contracts[0].contract.number),
        "{}",
        rows[0].message
    );
    assert_eq!(state(&store).await, before, "no project, unit, contract, import or audit line");
    // With the number fixed, the same plan is written.
    other.contracts.last_mut().expect("contracts").contract.number = "QT-FIXED".into();
    written(store.apply_import(&s.actor, "second.xlsx", &other).await.expect("import"));
    assert_eq!(store.projects().await.expect("projects").len(), 2);
}

/// A plan with only a 买受人表: contracts for sample units that have none yet.
fn contracts_for_unsold(s: &Sample) -> domain::sheet::ImportPlan {
    let sold: BTreeSet<&str> = s.plan.contracts.iter().map(|c| c.key.number.as_str()).collect();
    let template = s.plan.contracts[1].clone();
    let contracts = s
        .plan
        .units
        .iter()
        .filter(|u| !sold.contains(u.key.number.as_str()))
        .take(3)
        .enumerate()
        .map(|(i, u)| {
            let mut c = template.clone();
            c.key = u.key.clone();
            c.first_row = u32::try_from(i).expect("row") + 2;
            c.contract.number = format!("BU-{i}");
            c.contract.parties[0].buyer = buyer(i as u64, &format!("补签{i}"));
            c
        })
        .collect();
    domain::sheet::ImportPlan { units: vec![], contracts }
}

async fn import_of_contracts_on_existing_units(store: Store) {
    let s = with_sample(&store).await;
    let extra = contracts_for_unsold(&s);
    let (_, units, contracts) = written(store.apply_import(&s.actor, "补签.xlsx", &extra).await.expect("import"));
    assert_eq!((units, contracts), (0, 3));
    for c in &extra.contracts {
        let u = unit_by_number(&store, &c.key.number).await;
        assert_eq!(u.status, UnitStatus::Sold);
        assert_eq!(u.version, 2, "the status change bumps the version");
        let live = store.contracts_of_unit(u.id).await.expect("contracts");
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].number, c.contract.number);
    }
    // A contract on a unit that already has a live one, or on a unit nowhere, is refused by row.
    let before = state(&store).await;
    let mut bad = contracts_for_unsold(&s);
    for (i, c) in bad.contracts.iter_mut().enumerate() {
        c.contract.number = format!("BU-NEW-{i}");
    }
    bad.contracts[2].key.number = "9-999".into();
    let rows = refused_rows(store.apply_import(&s.actor, "bad.xlsx", &bad).await.expect("checked"));
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[..2].iter().all(|r| r.message.contains("有效合同")), "{rows:?}");
    assert!(rows[2].message.contains("找不到房屋"), "{rows:?}");
    assert_eq!(state(&store).await, before);
}

async fn import_reuses_known_buyers_and_refreshes_them(store: Store) {
    let s = with_sample(&store).await;
    let mut extra = contracts_for_unsold(&s);
    let known = s.plan.contracts[0].contract.parties[0].buyer.clone();
    extra.contracts[0].contract.parties[0].buyer = domain::model::BuyerInput {
        phone: "13700137000".into(),
        ..known.clone()
    };
    written(store.apply_import(&s.actor, "补签.xlsx", &extra).await.expect("import"));
    let first = store
        .contract(
            store
                .contract_id_by_number(&s.plan.contracts[0].contract.number)
                .await
                .expect("lookup")
                .expect("id"),
        )
        .await
        .expect("contract");
    let again = store
        .contract(store.contract_id_by_number("BU-0").await.expect("lookup").expect("id"))
        .await
        .expect("contract");
    assert_eq!(first.parties[0].buyer.id, again.parties[0].buyer.id, "one buyer per ID number");
    assert_eq!(first.parties[0].buyer.phone, "13700137000");
    let lines = store.audit_for("buyer", first.parties[0].buyer.id).await.expect("audit");
    assert_eq!(lines.len(), 1);
    assert!(!format!("{lines:?}").contains(&known.id_number), "masked");
}

async fn undo_import_removes_everything_it_created(store: Store) {
    let s = with_sample(&store).await;
    let undoer = actor_at(&s.actor, "2026-11-24T09:30:00+08:00");
    let contract_ids: Vec<i64> = {
        let mut ids = Vec::new();
        for c in &s.plan.contracts {
            ids.push(store.contract_id_by_number(&c.contract.number).await.expect("lookup").expect("id"));
        }
        ids
    };
    let lines_before = audit_len(&store).await;
    store.undo_import(&undoer, s.import_id).await.expect("undone");
    assert!(store.projects().await.expect("projects").is_empty());
    assert_eq!(store.search_units(&query(None)).await.expect("search").1, 0);
    for c in &s.plan.contracts {
        assert_eq!(store.contract_id_by_number(&c.contract.number).await.expect("lookup"), None);
    }
    assert!(matches!(
        store.contract(contract_ids[0]).await,
        Err(Error::NotFound(Entity::Contract))
    ));
    let history = store.imports().await.expect("imports");
    assert_eq!(history.len(), 1, "the record stays, marked undone");
    assert_eq!(history[0].undone_at.as_deref(), Some(undoer.at.as_str()));
    // The log keeps the import and adds the undo: one line per unit, per contract, and the import.
    let lines = store.audit_recent(i64::MAX).await.expect("audit");
    assert_eq!(lines.len(), lines_before + 80 + 56 + 1);
    let undo: Vec<_> = lines.iter().filter(|l| l.action == "undo_import").collect();
    assert_eq!(undo.len(), 80 + 56 + 1);
    assert!(undo.iter().all(|l| l.username == "admin" && l.at == undoer.at));
    assert_eq!(lines.iter().filter(|l| l.action == "import").count(), 80 + 56 + 1);
    assert_eq!(store.audit_for("contract", contract_ids[0]).await.expect("audit").len(), 2);
    // The same file can be imported again: its numbers and places are free.
    written(store.apply_import(&s.actor, "again.xlsx", &s.plan).await.expect("re-import"));
    assert_eq!(all_units(&store).await.len(), SAMPLE_UNITS);
}

async fn undo_import_restores_the_units_a_contracts_only_import_sold(store: Store) {
    let s = with_sample(&store).await;
    let extra = contracts_for_unsold(&s);
    let before = all_units(&store).await;
    let (import_id, _, _) = written(store.apply_import(&s.actor, "补签.xlsx", &extra).await.expect("import"));
    store.undo_import(&s.actor, import_id).await.expect("undone");
    for (u, number, parties) in all_units(&store).await {
        let (was, was_number, was_parties) = before.iter().find(|r| r.0.id == u.id).expect("kept");
        assert_eq!((&number, &parties), (was_number, was_parties), "{}", u.number);
        assert_eq!(u.status, was.status, "{}", u.number);
        let touched = extra.contracts.iter().any(|c| c.key.number == u.number);
        assert_eq!(u.version, was.version + if touched { 2 } else { 0 }, "{}", u.number);
    }
    assert_eq!(store.projects().await.expect("projects").len(), 1, "the sample's project stays");
    // Nothing finds the import's buyers any more.
    assert_eq!(store.search_units(&query(Some("补签"))).await.expect("search").1, 0);
}

async fn undo_import_refuses_twice_and_unknown(store: Store) {
    let s = with_sample(&store).await;
    let undoer = actor_at(&s.actor, "2026-11-24T09:30:00+08:00");
    store.undo_import(&undoer, s.import_id).await.expect("undone");
    let before = state(&store).await;
    let e = store.undo_import(&s.actor, s.import_id).await.expect_err("already undone");
    let a = refused(e, ErrorCode::Conflict, None);
    assert!(a.message.contains(&undoer.at), "{}", a.message);
    let e = store.undo_import(&s.actor, s.import_id + 100).await.expect_err("unknown");
    assert!(matches!(e, Error::NotFound(Entity::Import)), "{e:?}");
    assert_eq!(state(&store).await, before);
}

async fn undo_import_refuses_when_a_later_contract_depends_on_it(store: Store) {
    let s = with_sample(&store).await;
    let sold: BTreeSet<&str> = s.plan.contracts.iter().map(|c| c.key.number.as_str()).collect();
    let free = s.plan.units.iter().find(|u| !sold.contains(u.key.number.as_str())).expect("unsold");
    let unit = unit_by_number(&store, &free.key.number).await;
    store
        .create_contract(&s.actor, &contract_input("XS-LATER", unit.id, &[(buyer(1, "欧阳娜"), 100)]))
        .await
        .expect("signed by hand");
    let before = state(&store).await;
    let e = store.undo_import(&s.actor, s.import_id).await.expect_err("blocked");
    let a = refused(e, ErrorCode::Conflict, None);
    assert!(a.message.contains("XS-LATER"), "{}", a.message);
    assert_eq!(state(&store).await, before, "nothing removed");
}

async fn undo_import_refuses_when_an_imported_contract_has_a_saved_quote(store: Store) {
    let s = with_sample(&store).await;
    let number = &s.plan.contracts[4].contract.number;
    let id = store.contract_id_by_number(number).await.expect("lookup").expect("id");
    store
        .save_fee_quote(&s.actor, id, "{}", "{}", "guangzhou@2026-01", 1)
        .await
        .expect("quote saved");
    let before = state(&store).await;
    let e = store.undo_import(&s.actor, s.import_id).await.expect_err("blocked");
    let a = refused(e, ErrorCode::Conflict, None);
    assert!(a.message.contains(number.as_str()), "{}", a.message);
    assert_eq!(state(&store).await, before, "nothing removed");
    assert_eq!(store.fee_quotes(id).await.expect("quotes").len(), 1);
}

async fn imports_list_newest_first_with_the_user(store: Store) {
    let s = with_sample(&store).await;
    let clerk = store
        .create_user(&s.actor, &new_user("clerk1", domain::role::Role::Clerk), false)
        .await
        .expect("clerk");
    let as_clerk = store::Actor {
        user_id: Some(clerk.id),
        username: clerk.username.clone(),
        at: "2026-11-25T08:00:00+08:00".into(),
    };
    let (second, _, _) = written(
        store
            .apply_import(&as_clerk, "第二花园.xlsx", &plan("第二花园", 5, "QT"))
            .await
            .expect("import"),
    );
    let history = store.imports().await.expect("imports");
    let seen: Vec<(i64, &str, &str, i64, i64)> = history
        .iter()
        .map(|h| (h.id, h.file_name.as_str(), h.username.as_str(), h.unit_count, h.contract_count))
        .collect();
    assert_eq!(
        seen,
        vec![
            (second, "第二花园.xlsx", "clerk1", 5, 5),
            (s.import_id, "sample-房源表.xlsx", "admin", 80, 56)
        ]
    );
    assert_eq!(history[0].created_at, as_clerk.at);
}

async fn undo_import_keeps_buyers_that_later_contracts_use(store: Store) {
    let s = with_sample(&store).await;
    let extra = contracts_for_unsold(&s);
    let (import_id, _, _) = written(store.apply_import(&s.actor, "补签.xlsx", &extra).await.expect("import"));
    // The import's new buyer also signs, by hand, for a unit of the sample.
    let theirs = extra.contracts[0].contract.parties[0].buyer.clone();
    let sold: BTreeSet<&str> = s
        .plan
        .contracts
        .iter()
        .chain(extra.contracts.iter())
        .map(|c| c.key.number.as_str())
        .collect();
    let free = s.plan.units.iter().find(|u| !sold.contains(u.key.number.as_str())).expect("unsold");
    let unit = unit_by_number(&store, &free.key.number).await;
    let id = store
        .create_contract(&s.actor, &contract_input("XS-KEEP", unit.id, &[(theirs.clone(), 100)]))
        .await
        .expect("signed by hand");
    store.undo_import(&s.actor, import_id).await.expect("undone");
    let kept = store.contract(id).await.expect("the hand-made contract stays whole");
    assert_eq!(kept.parties[0].buyer.id_number, theirs.id_number);
    assert_eq!(store.search_units(&query(Some(&theirs.name))).await.expect("search").1, 1);
}

/// Import A, then B adding units to A's building and a new building of A's project, one of B's
/// contracts signed by a buyer A brought in; undo A first, then B: nothing of either is left (no
/// empty project or building, no buyer).
async fn undoing_overlapping_imports_in_any_order_leaves_nothing(store: Store) {
    let s = with_sample(&store).await;
    // Another project that stays throughout (its buyers are not A's or B's).
    written(
        store
            .apply_import(&s.actor, "第三花园.xlsx", &plan("第三花园", 10, "QC"))
            .await
            .expect("C"),
    );
    let mut more = plan(PROJECT, 150, "QB");
    let existing: BTreeSet<&str> = s.plan.units.iter().map(|u| u.key.number.as_str()).collect();
    more.units.retain(|u| !existing.contains(u.key.number.as_str()));
    more.contracts.retain(|c| !existing.contains(c.key.number.as_str()));
    let shared = s.plan.contracts[20].contract.parties[0].buyer.clone();
    let first = &mut more.contracts[0].contract;
    first.parties.truncate(1);
    first.parties[0].share = 100.into();
    first.parties[0].buyer = shared.clone();
    let (b, units, _) = written(store.apply_import(&s.actor, "加推.xlsx", &more).await.expect("import"));
    assert_eq!(units, 70);
    let project = store
        .projects()
        .await
        .expect("projects")
        .into_iter()
        .find(|p| p.name == PROJECT)
        .expect("A's project")
        .id;
    let names = |v: Vec<domain::model::Building>| v.into_iter().map(|b| b.name).collect::<Vec<_>>();
    assert_eq!(names(store.buildings(project).await.expect("buildings")), ["1栋", "2栋", "3栋"]);

    store.undo_import(&s.actor, s.import_id).await.expect("undo A");
    assert_eq!(all_units(&store).await.len(), 70 + 10, "B's and C's units stay");
    assert_eq!(names(store.buildings(project).await.expect("buildings")), ["2栋", "3栋"]);
    store.undo_import(&s.actor, b).await.expect("undo B");
    assert_eq!(all_units(&store).await.len(), 10, "C's units stay");
    assert!(
        store.buildings(project).await.expect("buildings").is_empty(),
        "no empty building left"
    );
    let left: Vec<String> = store.projects().await.expect("projects").into_iter().map(|p| p.name).collect();
    assert_eq!(left, ["第三花园"], "no empty project left");
    // Nor the shared buyer: signing them anew (with a new phone) finds no old record to refresh.
    let free = all_units(&store).await.into_iter().find(|r| r.1.is_none()).expect("unsold").0;
    let moved = domain::model::BuyerInput {
        phone: "13700137000".into(),
        ..shared.clone()
    };
    let id = store
        .create_contract(&s.actor, &contract_input("XS-AGAIN", free.id, &[(moved, 100)]))
        .await
        .expect("contract");
    let buyer_id = store.contract(id).await.expect("contract").parties[0].buyer.id;
    assert!(
        store.audit_for("buyer", buyer_id).await.expect("audit").is_empty(),
        "the undone imports' buyer was still stored and got refreshed"
    );
    // And the two files import again as at first.
    written(store.apply_import(&s.actor, "again.xlsx", &s.plan).await.expect("re-import A"));
    written(store.apply_import(&s.actor, "again.xlsx", &more).await.expect("re-import B"));
    assert_eq!(all_units(&store).await.len(), 160);
}
