//! Contract cases for the audit store methods: a unit's history, one record's history, the latest
//! lines — and what the log keeps of personal data.

use crate::support::*;
use domain::model::{AuditEntry, UnitEdit};
use rust_decimal::Decimal;
use store::Store;

contract_tests!(
    audit_for_unit_covers_the_unit_and_all_its_contracts_newest_first,
    audit_for_one_record_newest_first,
    audit_recent_returns_the_latest_lines_newest_first,
    the_log_holds_no_id_numbers_or_phones,
);

fn actions(lines: &[AuditEntry]) -> Vec<(&str, &str)> {
    lines.iter().map(|l| (l.entity.as_str(), l.action.as_str())).collect()
}

fn newest_first(lines: &[AuditEntry]) -> bool {
    lines.windows(2).all(|w| w[0].id > w[1].id)
}

/// A unit of the sample with a contract: cancel it, sign a new one, edit the unit.
async fn history(store: &Store, s: &Sample) -> (i64, i64, i64) {
    let row = &s.plan.contracts[1];
    let unit = unit_by_number(store, &row.key.number).await;
    let old = store.contracts_of_unit(unit.id).await.expect("contracts").remove(0);
    let later = |t: &str| actor_at(&s.actor, t);
    store
        .cancel_contract(&later("2026-11-23T11:00:00+08:00"), old.id, old.version)
        .await
        .expect("cancel");
    let new = store
        .create_contract(
            &later("2026-11-23T12:00:00+08:00"),
            &contract_input("XS-AUDIT-1", unit.id, &[(buyer(1, "欧阳娜"), 100)]),
        )
        .await
        .expect("new contract");
    let u = store.unit(unit.id).await.expect("unit");
    store
        .update_unit(
            &later("2026-11-23T13:00:00+08:00"),
            &UnitEdit {
                id: u.id,
                version: u.version,
                property_type: u.property_type,
                status: u.status,
                forecast_gross_area: u.forecast_gross_area,
                forecast_internal_area: u.forecast_internal_area,
                surveyed_gross_area: Some(Decimal::new(9_001, 2)),
                surveyed_internal_area: None,
            },
        )
        .await
        .expect("surveyed");
    (unit.id, old.id, new)
}

async fn audit_for_unit_covers_the_unit_and_all_its_contracts_newest_first(store: Store) {
    let s = with_sample(&store).await;
    let (unit, old, new) = history(&store, &s).await;
    let lines = store.audit_for_unit(unit).await.expect("audit");
    assert!(newest_first(&lines));
    assert_eq!(
        actions(&lines),
        vec![
            ("unit", "update"),
            ("contract", "create"),
            ("contract", "cancel"),
            ("contract", "import"),
            ("unit", "import"),
        ]
    );
    let ids: Vec<i64> = lines.iter().map(|l| l.entity_id).collect();
    assert_eq!(ids, vec![unit, new, old, old, unit]);
    let at: Vec<&str> = lines.iter().map(|l| l.at.as_str()).collect();
    assert_eq!(
        &at[..3],
        [
            "2026-11-23T13:00:00+08:00",
            "2026-11-23T12:00:00+08:00",
            "2026-11-23T11:00:00+08:00"
        ]
    );
    assert!(lines.iter().all(|l| l.username == "admin"));
    // Another unit's history is its own.
    let other = unit_by_number(&store, &s.plan.contracts[2].key.number).await;
    let theirs = store.audit_for_unit(other.id).await.expect("audit");
    assert_eq!(actions(&theirs), vec![("contract", "import"), ("unit", "import")]);
    assert!(store.audit_for_unit(999_999).await.expect("none").is_empty());
}

async fn audit_for_one_record_newest_first(store: Store) {
    let s = with_sample(&store).await;
    let (unit, old, new) = history(&store, &s).await;
    let lines = store.audit_for("contract", old).await.expect("audit");
    assert_eq!(actions(&lines), vec![("contract", "cancel"), ("contract", "import")]);
    assert!(newest_first(&lines));
    let before: serde_json::Value = serde_json::from_str(lines[0].before.as_deref().expect("before")).expect("json");
    let after: serde_json::Value = serde_json::from_str(lines[0].after.as_deref().expect("after")).expect("json");
    assert_eq!(
        (before["status"].as_str(), after["status"].as_str()),
        (Some("live"), Some("cancelled"))
    );
    assert_eq!(
        actions(&store.audit_for("contract", new).await.expect("audit")),
        vec![("contract", "create")]
    );
    assert_eq!(
        actions(&store.audit_for("unit", unit).await.expect("audit")),
        vec![("unit", "update"), ("unit", "import")]
    );
    // The entity matters, not only the id.
    assert!(store.audit_for("fee_quote", old).await.expect("none").is_empty());
    assert!(store.audit_for("contract", 999_999).await.expect("none").is_empty());
}

async fn audit_recent_returns_the_latest_lines_newest_first(store: Store) {
    let s = with_sample(&store).await;
    let all = store.audit_recent(i64::MAX).await.expect("all");
    assert!(newest_first(&all));
    assert_eq!(all.len(), 1 + 80 + 56 + 1, "the admin, then the import");
    assert_eq!(
        (
            all.last().expect("first").entity.as_str(),
            all.last().expect("first").action.as_str()
        ),
        ("user", "create")
    );
    history(&store, &s).await;
    let latest = store.audit_recent(3).await.expect("latest");
    assert_eq!(
        actions(&latest),
        vec![("unit", "update"), ("contract", "create"), ("contract", "cancel")]
    );
    let everything = store.audit_recent(i64::MAX).await.expect("all");
    assert_eq!(everything.len(), all.len() + 3);
    assert_eq!(&everything[3..], &all[..], "older lines are never changed");
    assert!(store.audit_recent(0).await.expect("none").is_empty());
}

async fn the_log_holds_no_id_numbers_or_phones(store: Store) {
    let s = with_sample(&store).await;
    history(&store, &s).await;
    // A known buyer with new contact details, through a hand-made contract.
    let known = s.plan.contracts[5].contract.parties[0].buyer.clone();
    let moved = domain::model::BuyerInput {
        phone: "13700137000".into(),
        ..known.clone()
    };
    let free = all_units(&store).await.into_iter().find(|r| r.1.is_none()).expect("unsold").0;
    store
        .create_contract(&s.actor, &contract_input("XS-AUDIT-2", free.id, &[(moved, 100)]))
        .await
        .expect("contract");
    let text: String = store
        .audit_recent(i64::MAX)
        .await
        .expect("all")
        .iter()
        .map(|l| format!("{:?}|{:?}\n", l.before, l.after))
        .collect();
    let mut secrets: Vec<String> = s
        .plan
        .contracts
        .iter()
        .flat_map(|c| c.contract.parties.iter())
        .flat_map(|p| [p.buyer.id_number.clone(), p.buyer.phone.clone()])
        .collect();
    secrets.extend([buyer(1, "").id_number, buyer(1, "").phone, "13700137000".into()]);
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()), "{secret} is in the audit log");
    }
    assert!(text.contains(&known.name), "names are kept");
}

// ---------------------------------------------------------------------------------------------
// The hash chain. Every case above already ends with the chain checked whole (main.rs); these
// edit the database outside the app and expect each change found.
// ---------------------------------------------------------------------------------------------

mod tampering {
    use super::*;
    use domain::audit::ChainProblem;

    #[tokio::test]
    async fn sqlite() {
        an_edit_a_deletion_and_an_insert_outside_the_app_are_each_found(
            crate::support::sqlite().await,
            &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
        )
        .await
    }

    #[tokio::test]
    async fn postgres() {
        let Some(db) = crate::support::postgres().await else { return };
        an_edit_a_deletion_and_an_insert_outside_the_app_are_each_found(
            db.store.clone(),
            &[
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete",
            ],
        )
        .await;
        db.finish().await
    }

    async fn an_edit_a_deletion_and_an_insert_outside_the_app_are_each_found(store: Store, lift_triggers: &[&str]) {
        let s = with_sample(&store).await;
        history(&store, &s).await;
        let whole = store.verify_audit().await.expect("verify");
        assert!(whole.intact(), "{:?}", whole.problems);
        assert!(whole.lines > 10);
        assert!(whole.summary().contains("审计日志完整"), "{}", whole.summary());

        // The append-only triggers refuse the edit while they stand.
        let e = store::testing::exec_raw(&store, &["UPDATE audit_log SET action = 'x' WHERE seq = 3"])
            .await
            .expect_err("the trigger refuses an edit");
        assert!(e.contains("append-only"), "{e}");

        // Someone with the database's password lifts them, edits a line, deletes two, adds one.
        store::testing::exec_raw(&store, lift_triggers).await.expect("lift");
        store::testing::exec_raw(
            &store,
            &[
                "UPDATE audit_log SET after = '{\"name\":\"someone else\"}' WHERE seq = 3",
                "DELETE FROM audit_log WHERE seq IN (6, 7)",
                "INSERT INTO audit_log (at, username, entity, entity_id, action) VALUES ('2026-11-23T09:00:00+08:00', 'intruder', 'unit', 1, 'update')",
            ],
        )
        .await
        .expect("tampered");
        let broken = store.verify_audit().await.expect("verify");
        assert!(!broken.intact());
        assert_eq!(broken.problem_count, 3, "{:?}", broken.problems);
        assert!(
            matches!(broken.problems[0], ChainProblem::Altered { seq: 3, .. }),
            "{:?}",
            broken.problems
        );
        assert_eq!(broken.problems[1], ChainProblem::Missing { from_seq: 6, to_seq: 7 });
        assert!(matches!(broken.problems[2], ChainProblem::Unsealed { .. }));
        assert_eq!(broken.lines, whole.lines - 2);
        assert!(broken.summary().contains("发现 3 处问题"), "{}", broken.summary());
        assert_eq!(broken.problems[1].describe(), "第 6–7 条已被删除");
    }
}
