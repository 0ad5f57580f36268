//! Contract cases for the finance store methods: saved fee quotes, rule edits, quote bases.

use crate::support::*;
use domain::model::{BuyerInput, IdType, UnitEdit};
use domain::record::Entity;
use rust_decimal::Decimal;
use store::{Error, NewQuote, Store};

contract_tests!(
    a_saved_quote_reads_back_byte_identical_and_is_audited,
    save_fee_quote_on_an_unknown_contract_is_not_found_and_writes_nothing,
    fee_quotes_are_per_contract_newest_first,
    contract_id_by_number_finds_exact_numbers,
    rule_edits_append_and_list_in_order,
    quote_basis_lists_the_live_contracts_of_a_project,
    quote_basis_of_contract_reads_any_contract,
    save_fee_quotes_writes_all_with_one_audit_line_each,
    save_fee_quotes_refuses_an_unknown_contract_and_writes_nothing,
);

/// A quote as the fee engine writes it: Chinese text, escapes, spacing and key order that a
/// re-serialisation would change.
const REQUEST: &str =
    r#"{"contract_id":7,"region":"guangzhou","maintenance_fund":{"standard":"按建筑面积","per_m2":"65.00"},"first_home":true}"#;
const QUOTE: &str = "{\n  \"lines\": [\n    {\"name\": \"契税\", \"base\": \"2865400.00\", \"rate\": \"0.01\", \"amount\": \"28654.00\", \"why\": \"首套 \\\"90 m² 以上\\\"\\n《契税法》第三条\"},\n    {\"name\": \"印花税\", \"amount\": \"0.00\", \"exempt\": \"个人免征\"}\n  ],\n  \"total\": \"28654.00\", \"capitals\": \"贰万捌仟陆佰伍拾肆元整\", \"z\": 1, \"a\": 12345678901234567890\n}";

async fn contract_ids(store: &Store, s: &Sample, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for c in s.plan.contracts.iter().take(n) {
        ids.push(store.contract_id_by_number(&c.contract.number).await.expect("lookup").expect("id"));
    }
    ids
}

async fn a_saved_quote_reads_back_byte_identical_and_is_audited(store: Store) {
    let s = with_sample(&store).await;
    let id = contract_ids(&store, &s, 1).await[0];
    let quote_id = store
        .save_fee_quote(&s.actor, id, REQUEST, QUOTE, "guangzhou@2026-01-01#3", 2_865_400)
        .await
        .expect("saved");
    let saved = store.fee_quotes(id).await.expect("quotes");
    assert_eq!(saved.len(), 1);
    let q = &saved[0];
    assert_eq!((q.id, q.contract_id), (quote_id, id));
    assert_eq!(q.request.as_bytes(), REQUEST.as_bytes());
    assert_eq!(q.quote.as_bytes(), QUOTE.as_bytes());
    assert_eq!(q.rules_version, "guangzhou@2026-01-01#3");
    assert_eq!((q.created_at.as_str(), q.created_by.as_str()), (s.actor.at.as_str(), "admin"));
    let lines = store.audit_for("fee_quote", quote_id).await.expect("audit");
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0].action.as_str(), lines[0].username.as_str()), ("create", "admin"));
    let after: serde_json::Value = serde_json::from_str(lines[0].after.as_deref().expect("after")).expect("json");
    assert_eq!(
        after,
        serde_json::json!({ "contract_id": id, "rules_version": "guangzhou@2026-01-01#3", "total_fen": 2_865_400 })
    );
    // A total above 32 bits of fen (¥21.47 M) is kept whole.
    let big = store
        .save_fee_quote(&s.actor, id, "{}", "{}", "v", 9_876_543_210)
        .await
        .expect("big");
    let lines = store.audit_for("fee_quote", big).await.expect("audit");
    assert!(lines[0].after.as_deref().expect("after").contains("9876543210"));
}

async fn save_fee_quote_on_an_unknown_contract_is_not_found_and_writes_nothing(store: Store) {
    let s = with_sample(&store).await;
    let before = audit_len(&store).await;
    let e = store
        .save_fee_quote(&s.actor, 999_999, REQUEST, QUOTE, "v", 1)
        .await
        .expect_err("no such contract");
    assert!(matches!(e, Error::NotFound(Entity::Contract)), "{e:?}");
    assert!(store.fee_quotes(999_999).await.expect("quotes").is_empty());
    assert_eq!(audit_len(&store).await, before);
}

async fn fee_quotes_are_per_contract_newest_first(store: Store) {
    let s = with_sample(&store).await;
    let ids = contract_ids(&store, &s, 2).await;
    let mut mine = Vec::new();
    for (i, at) in [
        "2026-11-23T10:00:00+08:00",
        "2026-11-23T11:00:00+08:00",
        "2026-11-24T09:00:00+08:00",
    ]
    .into_iter()
    .enumerate()
    {
        let version = format!("v{i}");
        mine.push(
            store
                .save_fee_quote(&actor_at(&s.actor, at), ids[0], "{}", "{}", &version, 100)
                .await
                .expect("saved"),
        );
        store
            .save_fee_quote(&s.actor, ids[1], "{}", "{}", "other", 1)
            .await
            .expect("other contract");
    }
    let listed = store.fee_quotes(ids[0]).await.expect("quotes");
    assert_eq!(
        listed.iter().map(|q| q.id).collect::<Vec<_>>(),
        mine.iter().rev().copied().collect::<Vec<_>>()
    );
    assert_eq!(
        listed.iter().map(|q| q.rules_version.as_str()).collect::<Vec<_>>(),
        ["v2", "v1", "v0"]
    );
    assert!(listed.iter().all(|q| q.contract_id == ids[0]));
    assert_eq!(store.fee_quotes(ids[1]).await.expect("quotes").len(), 3);
    // A cancelled contract keeps its quotes.
    let c = store.contract(ids[0]).await.expect("contract");
    store.cancel_contract(&s.actor, c.id, c.version).await.expect("cancel");
    assert_eq!(store.fee_quotes(ids[0]).await.expect("quotes"), listed);
}

async fn contract_id_by_number_finds_exact_numbers(store: Store) {
    let s = with_sample(&store).await;
    let number = &s.plan.contracts[3].contract.number;
    let id = store.contract_id_by_number(number).await.expect("lookup").expect("found");
    assert_eq!(&store.contract(id).await.expect("contract").number, number);
    let prefix: String = number.chars().take(number.chars().count() - 1).collect();
    assert_eq!(
        store.contract_id_by_number(&prefix).await.expect("lookup"),
        None,
        "not a prefix search"
    );
    assert_eq!(store.contract_id_by_number(&number.to_lowercase()).await.expect("lookup"), None);
    assert_eq!(store.contract_id_by_number("").await.expect("lookup"), None);
}

async fn rule_edits_append_and_list_in_order(store: Store) {
    assert!(store.rule_edits().await.expect("none").is_empty());
    let a = admin(&store).await;
    let gz1 = "[region]\nname = \"广州\"\n[deed_tax]\nfirst_home = \"0.01\"\n";
    let sz1 = "[region]\nname = \"深圳\"\n";
    let gz2 = "[region]\nname = \"广州\"\n[deed_tax]\nfirst_home = \"0.015\"   # 2026 起\n";
    let mut ids = Vec::new();
    for (region, toml, at) in [
        ("guangzhou", gz1, "2026-11-23T10:00:00+08:00"),
        ("shenzhen", sz1, "2026-11-23T10:05:00+08:00"),
        ("guangzhou", gz2, "2026-11-24T10:00:00+08:00"),
    ] {
        ids.push(store.add_rule_edit(&actor_at(&a, at), region, toml).await.expect("saved"));
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let edits = store.rule_edits().await.expect("edits");
    let seen: Vec<(i64, &str, &str, &str, &str)> = edits
        .iter()
        .map(|e| {
            (
                e.id,
                e.region.as_str(),
                e.toml.as_str(),
                e.created_at.as_str(),
                e.created_by.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (ids[0], "guangzhou", gz1, "2026-11-23T10:00:00+08:00", "admin"),
            (ids[1], "shenzhen", sz1, "2026-11-23T10:05:00+08:00", "admin"),
            (ids[2], "guangzhou", gz2, "2026-11-24T10:00:00+08:00", "admin"),
        ]
    );
    // Each save is audited with the region's previous file as "before".
    let json = |s: Option<&str>| s.map(|s| serde_json::from_str::<serde_json::Value>(s).expect("json"));
    let first = &store.audit_for("fee_rules", ids[0]).await.expect("audit")[0];
    assert_eq!((first.action.as_str(), first.username.as_str()), ("update", "admin"));
    assert_eq!(json(first.before.as_deref()), None);
    assert_eq!(
        json(first.after.as_deref()),
        Some(serde_json::json!({ "region": "guangzhou", "toml": gz1 }))
    );
    let other = &store.audit_for("fee_rules", ids[1]).await.expect("audit")[0];
    assert_eq!(json(other.before.as_deref()), None, "another region's history is its own");
    let second = &store.audit_for("fee_rules", ids[2]).await.expect("audit")[0];
    assert_eq!(
        json(second.before.as_deref()),
        Some(serde_json::json!({ "region": "guangzhou", "toml": gz1 }))
    );
    assert_eq!(
        json(second.after.as_deref()),
        Some(serde_json::json!({ "region": "guangzhou", "toml": gz2 }))
    );
    // Saving the same file again is a new version too.
    let again = store.add_rule_edit(&a, "guangzhou", gz2).await.expect("same text");
    assert_eq!(store.rule_edits().await.expect("edits").len(), 4);
    assert!(again > ids[2]);
}

async fn quote_basis_lists_the_live_contracts_of_a_project(store: Store) {
    let s = with_sample(&store).await;
    let project = store.projects().await.expect("projects")[0].id;
    let basis = store.quote_basis(project).await.expect("basis");
    assert_eq!(basis.len(), s.plan.contracts.len());
    assert!(basis.windows(2).all(|w| w[0].contract_id < w[1].contract_id), "by contract");
    for b in &basis {
        let row = s
            .plan
            .contracts
            .iter()
            .find(|c| c.contract.number == b.contract_number)
            .expect("a sample contract");
        let unit = store
            .unit(store.contract(b.contract_id).await.expect("contract").unit_id)
            .await
            .expect("unit");
        assert_eq!(b.signed_on, row.contract.signed_on);
        assert_eq!(b.total_price, row.contract.total_price);
        assert_eq!(b.property_type, unit.property_type.as_str());
        assert_eq!(b.gross_area, unit.forecast_gross_area, "forecast until surveyed");
        assert!(b.has_elevator);
        assert_eq!(b.parties, i64::try_from(row.contract.parties.len()).expect("n"));
        assert!(!b.company_buyer);
    }
    // A cancelled contract leaves the list; another project's contracts are not in it.
    let first = &basis[0];
    let c = store.contract(first.contract_id).await.expect("contract");
    store.cancel_contract(&s.actor, c.id, c.version).await.expect("cancel");
    let after = store.quote_basis(project).await.expect("basis");
    assert_eq!(after.len(), basis.len() - 1);
    assert!(after.iter().all(|b| b.contract_id != first.contract_id));
    assert!(store.quote_basis(project + 1000).await.expect("none").is_empty());
}

async fn quote_basis_of_contract_reads_any_contract(store: Store) {
    let s = with_sample(&store).await;
    // A company buys an unsold unit whose surveyed area is known.
    let unit = all_units(&store).await.into_iter().find(|r| r.1.is_none()).expect("unsold").0;
    let surveyed = store
        .update_unit(
            &s.actor,
            &UnitEdit {
                id: unit.id,
                version: unit.version,
                property_type: unit.property_type,
                status: unit.status,
                forecast_gross_area: unit.forecast_gross_area,
                forecast_internal_area: unit.forecast_internal_area,
                surveyed_gross_area: Some(Decimal::new(14_388, 2)),
                surveyed_internal_area: None,
            },
        )
        .await
        .expect("surveyed");
    let company = BuyerInput {
        name: "广州某某实业有限公司".into(),
        id_type: IdType::BusinessLicense,
        id_number: "91440101MA5CQ1234X".into(),
        phone: "02088886666".into(),
        address: "广州市天河区".into(),
    };
    let id = store
        .create_contract(
            &s.actor,
            &contract_input("XS-CO-1", surveyed.id, &[(company, 70), (buyer(1, "欧阳娜"), 30)]),
        )
        .await
        .expect("contract");
    let b = store.quote_basis_of_contract(id).await.expect("basis");
    assert_eq!((b.contract_id, b.contract_number.as_str()), (id, "XS-CO-1"));
    assert_eq!(b.gross_area, Decimal::new(14_388, 2), "surveyed area wins");
    assert_eq!((b.parties, b.company_buyer), (2, true));
    assert_eq!(b.total_price, Decimal::new(198_765_432, 2));
    // Still readable once cancelled (a saved quote's contract may be cancelled later).
    let c = store.contract(id).await.expect("contract");
    store.cancel_contract(&s.actor, id, c.version).await.expect("cancel");
    assert_eq!(store.quote_basis_of_contract(id).await.expect("cancelled"), b);
    let e = store.quote_basis_of_contract(999_999).await.expect_err("unknown");
    assert!(matches!(e, Error::NotFound(Entity::Contract)), "{e:?}");
}

async fn save_fee_quotes_writes_all_with_one_audit_line_each(store: Store) {
    let s = with_sample(&store).await;
    let ids = contract_ids(&store, &s, 30).await;
    // A quote saved earlier by the same user at the same instant is not audited again.
    let earlier = store.save_fee_quote(&s.actor, ids[0], "{}", "{}", "old", 5).await.expect("earlier");
    let before = audit_len(&store).await;
    let quotes: Vec<NewQuote> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            (
                *id,
                format!("{{\"i\":{i}}}"),
                format!("报价 {i}\n"),
                "gz#2".to_string(),
                1000 + i as i64,
            )
        })
        .collect();
    assert_eq!(store.save_fee_quotes(&s.actor, &quotes).await.expect("saved"), 30);
    for (id, request, quote, version, _) in &quotes {
        let saved = store.fee_quotes(*id).await.expect("quotes");
        let q = &saved[0];
        assert_eq!((&q.request, &q.quote, &q.rules_version), (request, quote, version));
        assert_eq!((q.created_at.as_str(), q.created_by.as_str()), (s.actor.at.as_str(), "admin"));
    }
    let lines = store.audit_recent(i64::MAX).await.expect("audit");
    assert_eq!(lines.len(), before + 30);
    for (id, _, _, _, total) in &quotes {
        let q = store.fee_quotes(*id).await.expect("quotes")[0].clone();
        let audit = store.audit_for("fee_quote", q.id).await.expect("audit");
        assert_eq!(audit.len(), 1, "quote {}", q.id);
        let after: serde_json::Value = serde_json::from_str(audit[0].after.as_deref().expect("after")).expect("json");
        assert_eq!(
            after,
            serde_json::json!({ "contract_id": id, "rules_version": "gz#2", "total_fen": total })
        );
    }
    assert_eq!(store.audit_for("fee_quote", earlier).await.expect("audit").len(), 1);
    assert_eq!(store.save_fee_quotes(&s.actor, &[]).await.expect("nothing"), 0);
    assert_eq!(audit_len(&store).await, before + 30);
}

async fn save_fee_quotes_refuses_an_unknown_contract_and_writes_nothing(store: Store) {
    let s = with_sample(&store).await;
    let ids = contract_ids(&store, &s, 3).await;
    let before = audit_len(&store).await;
    let mut quotes: Vec<NewQuote> = ids
        .iter()
        .map(|id| (*id, "{}".to_string(), "{}".to_string(), "v".to_string(), 1))
        .collect();
    quotes.push((999_999, "{}".into(), "{}".into(), "v".into(), 1));
    let e = store.save_fee_quotes(&s.actor, &quotes).await.expect_err("unknown contract");
    assert!(matches!(e, Error::Reference | Error::NotFound(Entity::Contract)), "{e:?}");
    for id in &ids {
        assert!(store.fee_quotes(*id).await.expect("quotes").is_empty(), "all or nothing");
    }
    assert_eq!(audit_len(&store).await, before);
}
