//! Service tests on a temporary database with a fixed clock.

use crate::test_support::*;
use crate::*;
use domain::model::*;
use domain::role::Role;
use domain::ErrorCode;
use std::str::FromStr;

fn q(search: &str) -> UnitQuery {
    UnitQuery {
        search: Some(search.into()),
        page: 1,
        page_size: 50,
        ..Default::default()
    }
}

#[tokio::test]
async fn first_start_creates_admin_once_and_sign_in_checks_password() {
    let services = fresh().await;
    assert!(services.setup_status().await.expect("status").needs_admin);
    let e = services
        .sign_in(&SignIn {
            username: "admin".into(),
            password: "whatever1".into(),
        })
        .await
        .expect_err("no users");
    assert_eq!(e.code, ErrorCode::SetupRequired);
    let short = FirstAdmin {
        username: "admin".into(),
        display_name: String::new(),
        password: "short".into(),
    };
    assert_eq!(
        services.create_first_admin(&short).await.expect_err("short").field.as_deref(),
        Some("password")
    );
    let ok = FirstAdmin {
        password: "long enough".into(),
        ..short
    };
    assert_eq!(services.create_first_admin(&ok).await.expect("admin").role, Role::Admin);
    assert_eq!(
        services.create_first_admin(&ok).await.expect_err("second").code,
        ErrorCode::Conflict
    );
    let bad = services
        .sign_in(&SignIn {
            username: "admin".into(),
            password: "wrong password".into(),
        })
        .await
        .expect_err("wrong");
    assert_eq!(bad.code, ErrorCode::BadCredentials);
    assert!(services
        .sign_in(&SignIn {
            username: "admin".into(),
            password: "long enough".into()
        })
        .await
        .is_ok());
}

#[tokio::test]
async fn roles_are_checked_in_the_services() {
    let (services, admin) = services().await;
    let finance = user(&services, &admin, "cw", Role::Finance).await;
    let bytes = domain::sample::workbook("示例花园", 3).expect("sample");
    assert_eq!(
        services
            .import_workbook(&finance, "x.xlsx", &bytes)
            .await
            .expect_err("finance import")
            .code,
        ErrorCode::Forbidden
    );
    assert_eq!(services.users(&finance).await.expect_err("users").code, ErrorCode::Forbidden);
    let clerk = user(&services, &admin, "kf", Role::Clerk).await;
    imported(&services, &clerk, 3).await;
    assert_eq!(
        services
            .search_units(&finance, &UnitQuery::default())
            .await
            .expect("finance may view")
            .total,
        3
    );
}

#[tokio::test]
async fn import_then_search_by_name_phone_tail_and_id_tail_with_masking() {
    let (services, admin) = services().await;
    imported(&services, &admin, 200).await;
    let all = services
        .search_units(
            &admin,
            &UnitQuery {
                page: 1,
                page_size: 50,
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(all.total, 200);
    assert_eq!(all.items.len(), 50);
    let sold = all.items.iter().find(|i| i.contract_number.is_some()).expect("a sold unit").clone();
    let first_name = sold.buyer_names.split('、').next().expect("name").to_string();
    let by_name = services.search_units(&admin, &q(&first_name)).await.expect("by name");
    assert!(by_name.items.iter().any(|i| i.unit.id == sold.unit.id));
    assert!(by_name.items.iter().all(|i| i.buyer_names.contains(&first_name)));
    let phone = sold.buyer_phones.split('、').next().expect("phone").to_string();
    let tail = &phone[phone.len() - 4..];
    assert!(services
        .search_units(&admin, &q(tail))
        .await
        .expect("tail")
        .items
        .iter()
        .any(|i| i.unit.id == sold.unit.id));
    let detail = services.unit_detail(&admin, sold.unit.id).await.expect("detail");
    let id = detail.contracts[0].parties[0].buyer.id_number.clone();
    assert!(services
        .search_units(&admin, &q(&id[14..]))
        .await
        .expect("id tail")
        .items
        .iter()
        .any(|i| i.unit.id == sold.unit.id));
    assert_eq!(
        services.search_units(&admin, &q("1-1")).await.expect("number prefix").items[0]
            .unit
            .number
            .get(..3),
        Some("1-1")
    );

    let manager = user(&services, &admin, "wy", Role::Manager).await;
    let seen = services.search_units(&manager, &q(&first_name)).await.expect("manager");
    let m = seen.items.iter().find(|i| i.unit.id == sold.unit.id).expect("unit");
    assert!(m.buyer_phones.contains("****"), "{}", m.buyer_phones);
    let d = services.unit_detail(&manager, sold.unit.id).await.expect("detail");
    assert!(!d.personal_data_visible);
    assert_eq!(d.contracts[0].parties[0].buyer.id_number, domain::mask::id_number(&id));
}

#[tokio::test]
async fn import_with_bad_rows_writes_nothing_and_names_rows() {
    let (services, admin) = services().await;
    imported(&services, &admin, 10).await;
    // The same file again: every unit exists and every contract number is taken.
    let bytes = domain::sample::workbook("示例花园", 10).expect("sample");
    match services.import_workbook(&admin, "again.xlsx", &bytes).await.expect("ran") {
        ImportOutcome::Rejected { errors } => {
            assert!(
                errors
                    .iter()
                    .any(|e| e.row == 2 && e.column == "房号" && e.message.contains("已存在")),
                "{errors:?}"
            );
        }
        other => panic!("expected rejection, got {other:?}"),
    }
    assert_eq!(services.search_units(&admin, &UnitQuery::default()).await.expect("list").total, 10);
    assert_eq!(
        services.imports(&admin).await.expect("imports").len(),
        1,
        "a refused import leaves no record"
    );
    let e = services
        .import_workbook(&admin, "bad.xlsx", b"PK\x03\x04 broken")
        .await
        .expect_err("malformed");
    assert_eq!(e.code, ErrorCode::ImportRejected);
}

#[tokio::test]
async fn contracts_validate_refuse_duplicates_and_detect_stale_edits() {
    let (services, admin) = services().await;
    imported(&services, &admin, 20).await;
    let free = services
        .search_units(
            &admin,
            &UnitQuery {
                status: Some(UnitStatus::Available),
                page_size: 5,
                ..Default::default()
            },
        )
        .await
        .expect("free")
        .items[0]
        .unit
        .clone();
    let party = PartyInput {
        buyer: BuyerInput {
            name: "王喆".into(),
            id_type: IdType::MainlandId,
            id_number: domain::sample::id_number(7),
            phone: "13912345678".into(),
            address: String::new(),
        },
        share: rust_decimal::Decimal::ONE_HUNDRED,
    };
    let input = ContractInput {
        number: "HT-NEW-1".into(),
        unit_id: free.id,
        signed_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
        total_price: rust_decimal::Decimal::from_str("1790000.00").expect("d"),
        unit_price: rust_decimal::Decimal::from_str("20000.00").expect("d"),
        pricing_basis: PricingBasis::GrossArea,
        payment_method: PaymentMethod::OneOff,
        filing_status: FilingStatus::Signed,
        parties: vec![party.clone()],
    };
    let mut wrong = input.clone();
    wrong.parties[0].buyer.id_number = "110105194912310021".into();
    let e = services.create_contract(&admin, &wrong).await.expect_err("checksum");
    assert_eq!(e.field.as_deref(), Some("parties[0].buyer.id_number"));

    let c = services.create_contract(&admin, &input).await.expect("created");
    assert_eq!(
        services.unit_detail(&admin, free.id).await.expect("d").unit.status,
        UnitStatus::Sold
    );
    let second = ContractInput {
        number: "HT-NEW-2".into(),
        ..input.clone()
    };
    let e = services.create_contract(&admin, &second).await.expect_err("two live contracts");
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("有效合同"));

    // Edit as a manager who sees masked data: masked values are kept as stored.
    let manager = user(&services, &admin, "wy", Role::Manager).await;
    let shown = services.unit_detail(&manager, free.id).await.expect("d").contracts[0].clone();
    let mut edited = shown.to_input();
    edited.total_price = rust_decimal::Decimal::from_str("1780000.00").expect("d");
    let saved = services
        .update_contract(
            &manager,
            &records::ContractEdit {
                id: c.id,
                version: shown.version,
                contract: edited.clone(),
            },
        )
        .await
        .expect("saved");
    assert_eq!(saved.total_price.to_string(), "1780000.00");
    let full = services.unit_detail(&admin, free.id).await.expect("d").contracts[0].clone();
    assert_eq!(full.parties[0].buyer.id_number, domain::sample::id_number(7));
    let stale = services
        .update_contract(
            &manager,
            &records::ContractEdit {
                id: c.id,
                version: shown.version,
                contract: edited,
            },
        )
        .await
        .expect_err("stale");
    assert_eq!(stale.code, ErrorCode::Stale);

    let audit = services.audit_for_unit(&admin, free.id).await.expect("audit");
    let upd = audit
        .iter()
        .find(|a| a.action == "update" && a.entity == "contract")
        .expect("update audited");
    assert_eq!(upd.username, "wy");
    assert!(upd.before.as_deref().unwrap_or("").contains("1790000.00"));
    assert!(upd.after.as_deref().unwrap_or("").contains("1780000.00"));
    assert!(
        !upd.after.as_deref().unwrap_or("").contains(&domain::sample::id_number(7)),
        "no ID numbers in the audit log"
    );
}

#[tokio::test]
async fn unit_edit_refuses_negative_area_and_undo_removes_an_import() {
    let (services, admin) = services().await;
    let import_id = imported(&services, &admin, 30).await;
    let u = services.search_units(&admin, &UnitQuery::default()).await.expect("list").items[0]
        .unit
        .clone();
    let edit = UnitEdit {
        id: u.id,
        version: u.version,
        property_type: u.property_type,
        status: u.status,
        forecast_gross_area: rust_decimal::Decimal::from_str("-3").expect("d"),
        forecast_internal_area: None,
        surveyed_gross_area: None,
        surveyed_internal_area: None,
    };
    assert_eq!(
        services.update_unit(&admin, &edit).await.expect_err("negative").field.as_deref(),
        Some("forecast_gross_area")
    );
    assert_eq!(
        services.unit_detail(&admin, u.id).await.expect("d").unit.version,
        u.version,
        "nothing written"
    );
    services.undo_import(&admin, import_id).await.expect("undo");
    assert_eq!(services.search_units(&admin, &UnitQuery::default()).await.expect("list").total, 0);
    assert!(services.projects(&admin).await.expect("projects").is_empty());
    assert_eq!(
        services.undo_import(&admin, import_id).await.expect_err("twice").code,
        ErrorCode::Conflict
    );
    // The same file imports again after the undo.
    imported(&services, &admin, 30).await;
}

#[tokio::test]
async fn export_masks_for_roles_without_personal_data() {
    let (services, admin) = services().await;
    imported(&services, &admin, 12).await;
    let manager = user(&services, &admin, "wy", Role::Manager).await;
    let bytes = services.export_units(&manager, &UnitQuery::default()).await.expect("export");
    use calamine_check::rows;
    let r = rows(&bytes);
    assert_eq!(r.len(), 13);
    assert_eq!(r[0][12], "证件号码");
    let with_id = r.iter().skip(1).find(|row| !row[12].is_empty()).expect("sold row");
    assert!(with_id[12].contains("**********"), "{}", with_id[12]);
    // A masked export holds no personal data: nothing to audit. A full one is audited: who,
    // what, how many rows.
    assert!(services.store().audit_for("export", 0).await.expect("audit").is_empty());
    let clerk = user(&services, &admin, "kf", Role::Clerk).await;
    let full = rows(&services.export_units(&clerk, &UnitQuery::default()).await.expect("export"));
    let people = full.iter().skip(1).filter(|row| !row[12].is_empty()).count();
    assert!(people > 0 && !full.iter().any(|row| row[12].contains('*')));
    let log = services.store().audit_for("export", 0).await.expect("audit");
    assert_eq!(
        (log.len(), log[0].action.as_str(), log[0].username.as_str()),
        (1, "export_full", "kf")
    );
    let after: serde_json::Value = serde_json::from_str(log[0].after.as_deref().expect("after")).expect("json");
    assert_eq!(after["rows_with_personal_data"], people);
}

#[tokio::test]
async fn audit_export_lists_changes_and_needs_both_permissions() {
    let (services, admin) = services().await;
    imported(&services, &admin, 3).await;
    let rows = calamine_check::rows(&services.export_audit(&admin, 100).await.expect("export"));
    assert_eq!(rows[0][0], "时间");
    assert!(rows.iter().any(|r| r[2] == "import" && r[4] == "import"), "{rows:?}");
    let clerk = user(&services, &admin, "kf", Role::Clerk).await;
    assert!(services.export_audit(&clerk, 10).await.is_ok());
    let finance = user(&services, &admin, "cw", Role::Finance).await;
    assert!(services.export_audit(&finance, 10).await.is_ok());
}

#[tokio::test]
async fn import_history_and_users_export_to_xlsx() {
    let (services, admin) = services().await;
    imported(&services, &admin, 2).await;
    let imports = calamine_check::rows(&services.export_imports(&admin).await.expect("imports"));
    assert_eq!(imports[0][1], "文件");
    assert_eq!(imports[1][1], "sample.xlsx");
    let users = calamine_check::rows(&services.export_users(&admin).await.expect("users"));
    assert_eq!(users[1][0], "admin");
    assert_eq!(users[1][2], "系统管理员");
    let clerk = user(&services, &admin, "kf", Role::Clerk).await;
    assert_eq!(services.export_users(&clerk).await.expect_err("clerk").code, ErrorCode::Forbidden);
}

mod calamine_check {
    /// Read back an exported sheet through the import reader's own library.
    pub fn rows(bytes: &[u8]) -> Vec<Vec<String>> {
        domain::sheet::debug_rows(bytes).expect("readable")
    }
}

#[tokio::test]
async fn quotes_are_saved_with_their_rules_and_reprint_after_a_rule_edit() {
    let (services, admin) = services().await;
    imported(&services, &admin, 3).await;
    let (_, contract) = sold(&services, &admin).await;
    let mut req = services.contract_quote_defaults(&admin, contract.id).await.expect("defaults");
    assert_eq!(req.price, contract.total_price);
    assert_eq!(req.certificates as usize, contract.parties.len());
    req.region = "seed-example".into();
    let overrides = [::fees::quote::LineOverride {
        code: "deed_tax".into(),
        amount: rust_decimal::Decimal::from(14000),
        reason: "税务机关核定".into(),
    }];
    let saved = services
        .save_contract_quote(&admin, contract.id, &req, &overrides)
        .await
        .expect("saved");
    assert_eq!(saved.quote.items[0].overridden.as_ref().expect("override").by, "admin");
    let fund_before = saved
        .quote
        .items
        .iter()
        .find(|i| i.code == "maintenance_fund")
        .expect("fund")
        .amount;

    // Finance raises the local standard: new quotes change, the saved one reprints as it was.
    let finance = user(&services, &admin, "cw", Role::Finance).await;
    let text = services
        .region_rules_text(&finance, "seed-example")
        .await
        .expect("text")
        .replace("\"65.00\"", "\"80.00\"");
    assert!(services
        .check_region_rules(&finance, &text)
        .expect("check")
        .iter()
        .all(|f| f.severity != "error"));
    let info = services.save_region_rules(&finance, &text).await.expect("saved rules");
    assert!(info.edited);
    assert_ne!(info.rules_version, saved.quote.rules_version);
    let fresh = services.quote_fees(&finance, &req, &[]).expect("quote");
    assert_ne!(
        fresh.items.iter().find(|i| i.code == "maintenance_fund").expect("fund").amount,
        fund_before
    );
    let reprinted = services.contract_quotes(&admin, contract.id).await.expect("saved quotes");
    assert_eq!(reprinted[0].quote, saved.quote, "a saved quote reprints identically");
    assert_eq!(
        services.region_rules_history(&admin, "seed-example").await.expect("history").len(),
        1
    );
    let pdf = services.fee_statement_pdf(&admin, contract.id, None, 1).await.expect("statement");
    assert!(pdf.starts_with(b"%PDF") && pdf.len() < 120_000, "{} bytes", pdf.len());

    // A broken edit is refused with the reason; the manager may not edit rules or quote.
    let broken = text.replace("from = \"2016-01-01\"", "from = \"2016-01-01\"\nbogus = 1");
    assert_eq!(
        services
            .save_region_rules(&finance, &broken)
            .await
            .expect_err("unknown key")
            .field
            .as_deref(),
        Some("toml")
    );
    let manager = user(&services, &admin, "wy", Role::Manager).await;
    assert_eq!(
        services.save_region_rules(&manager, &text).await.expect_err("manager").code,
        ErrorCode::Forbidden
    );
    assert_eq!(
        services.quote_fees(&manager, &req, &[]).expect_err("manager").code,
        ErrorCode::Forbidden
    );
    // The edit survives a restart: a new Services over the same store loads it.
    let reopened = Services::new(services.store().clone(), at(NOW));
    reopened.load_rules().await.expect("load");
    assert_eq!(
        reopened
            .fee_regions(&admin)
            .await
            .expect("regions")
            .iter()
            .find(|r| r.code == "seed-example")
            .expect("r")
            .rules_version,
        info.rules_version
    );
}

#[tokio::test]
async fn a_project_is_requoted_in_one_go_and_failures_are_named() {
    let (services, admin) = services().await;
    imported(&services, &admin, 30).await;
    let project = services.projects(&admin).await.expect("projects")[0].id;
    let report = services
        .requote_project(&admin, project, "seed-example", None)
        .await
        .expect("requote");
    assert_eq!(report.saved, 21);
    assert!(report.failed.is_empty());
    let national = services.requote_project(&admin, project, "national", None).await.expect("requote");
    assert_eq!(
        national.saved, 0,
        "national has no maintenance-fund table: every contract needs the local standard"
    );
    assert_eq!(national.failed.len(), 21);
    assert!(national.failed[0].message.contains("维修资金"));
    let c = sold(&services, &admin).await.1.id;
    assert_eq!(services.contract_quotes(&admin, c).await.expect("quotes").len(), 1);
}

#[tokio::test]
async fn finance_adds_a_dated_version_on_the_form_and_a_new_region() {
    let (services, admin) = services().await;
    let finance = user(&services, &admin, "cw", Role::Finance).await;
    let input = ::fees::rules::VersionInput {
        parameter: "maintenance_fund".into(),
        from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
        source: "某市住房和城乡建设局 维修资金交存标准".into(),
        last_checked: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
        value: None,
        brackets: vec![],
        provincial: false,
        per_m2_with_lift: Some("90.00".into()),
        per_m2_without_lift: Some("60.00".into()),
        rate_of_price: None,
        residential_per_m2: None,
        non_residential_rate: None,
    };
    assert_eq!(
        services
            .add_rule_version(&finance, "hangzhou", None, &input)
            .await
            .expect_err("name")
            .field
            .as_deref(),
        Some("name")
    );
    let info = services
        .add_rule_version(&finance, "hangzhou", Some("杭州市"), &input)
        .await
        .expect("new region");
    assert_eq!(info.based_on.as_deref(), Some("national"));
    let req: ::fees::quote::QuoteRequest = ::fees::parse_json(r#"{"region":"hangzhou","contract_date":"2026-03-01","property_type":"residential","buyer_type":"individual","gross_area":"100.00","price":"3000000.00","elevator":true}"#).expect("req");
    let q = services.quote_fees(&finance, &req, &[]).expect("quote");
    assert_eq!(
        q.items
            .iter()
            .find(|i| i.code == "maintenance_fund")
            .expect("fund")
            .amount
            .to_string(),
        "9000.00"
    );
    let mut older = input.clone();
    older.from = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("date");
    assert_eq!(
        services
            .add_rule_version(&finance, "hangzhou", None, &older)
            .await
            .expect_err("history")
            .field
            .as_deref(),
        Some("from")
    );
    assert_eq!(services.region_rules_history(&finance, "hangzhou").await.expect("history").len(), 1);
}

#[tokio::test]
async fn a_unit_is_found_by_its_exact_number() {
    let (services, admin) = services().await;
    imported(&services, &admin, 8).await;
    let u = services.unit_by_number(&admin, None, " 1-102 ").await.expect("found");
    assert_eq!((u.building_name.as_str(), u.number.as_str()), ("1栋", "1-102"));
    let e = services
        .unit_by_number(&admin, None, "1-1")
        .await
        .expect_err("a prefix is not a number");
    assert_eq!(e.code, ErrorCode::NotFound);
}

#[tokio::test]
async fn a_clerk_undoes_only_their_own_import_a_manager_any() {
    let (services, admin) = services().await;
    let a = user(&services, &admin, "kf1", Role::Clerk).await;
    let b = user(&services, &admin, "kf2", Role::Clerk).await;
    let mgr = user(&services, &admin, "zg", Role::Manager).await;
    let first = imported(&services, &a, 3).await;
    let e = services.undo_import(&b, first).await.expect_err("a colleague's");
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(services.imports(&a).await.expect("list")[0].undone_at.is_none(), "nothing undone");
    services.undo_import(&mgr, first).await.expect("a manager may");
    let second = imported(&services, &a, 3).await;
    services.undo_import(&a, second).await.expect("one's own");
}

#[tokio::test]
async fn a_masked_role_cannot_find_a_buyer_by_a_whole_phone_number() {
    let (services, admin) = services().await;
    imported(&services, &admin, 6).await;
    let (_, contract) = sold(&services, &admin).await;
    let phone = contract.parties[0].buyer.phone.clone();
    assert!(services.search_units(&admin, &q(&phone)).await.expect("admin").total >= 1);
    let mgr = user(&services, &admin, "zg", Role::Manager).await;
    let e = services.search_units(&mgr, &q(&phone)).await.expect_err("whole number");
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Invalid, Some("search")));
    assert!(services.export_units(&mgr, &q(&phone)).await.is_err());
    let tail: String = phone.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    assert!(services.search_units(&mgr, &q(&tail)).await.expect("tail").total >= 1);
}
