//! Finance service tests: the fee and area statements on the configured letterhead, the rule
//! form's schema as sent with the regions, and VAT from the rule book.

use crate::move_in::{ImageChange, LetterheadInput};
use crate::test_support::*;
use crate::*;
use domain::model::*;
use std::process::Command;

async fn world() -> (Services, Session) {
    let (services, admin) = services().await;
    imported(&services, &admin, 3).await;
    (services, admin)
}

/// The PDF's text as poppler's `pdftotext` reads it (as the notices golden tests do).
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("statement.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext is required (apt-get install poppler-utils): {e}"));
    String::from_utf8_lossy(&out.stdout).to_string()
}

async fn set_letterhead(services: &Services, s: &Session) {
    services
        .save_letterhead(
            s,
            &LetterheadInput {
                company: "示例物业服务有限公司".into(),
                address: "示例路 1 号".into(),
                phone: "020-12345678".into(),
                logo: ImageChange::Keep,
                seal: ImageChange::Keep,
            },
        )
        .await
        .expect("letterhead");
}

#[tokio::test]
async fn the_fee_statement_prints_the_configured_letterhead() {
    let (services, admin) = world().await;
    let (unit, contract) = sold(&services, &admin).await;
    let mut req = services.contract_quote_defaults(&admin, contract.id).await.expect("defaults");
    req.region = "seed-example".into();
    services.save_contract_quote(&admin, contract.id, &req, &[]).await.expect("saved");
    // Before any letterhead is set, the project's name heads the page.
    let before = pdf_text(&services.fee_statement_pdf(&admin, contract.id, None, 1).await.expect("pdf"));
    assert!(before.contains("示例花园") && !before.contains("020-12345678"), "{before}");

    set_letterhead(&services, &admin).await;
    let text = pdf_text(&services.fee_statement_pdf(&admin, contract.id, None, 1).await.expect("pdf"));
    for needle in [
        "示例物业服务有限公司",
        "020-12345678",
        "示例路 1 号",
        "购房税费明细单",
        &unit.label(),
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

#[tokio::test]
async fn the_area_statement_prints_the_configured_letterhead() {
    let (services, admin) = world().await;
    let (unit, contract) = sold(&services, &admin).await;
    let surveyed = unit.forecast_gross_area + rust_decimal::Decimal::ONE;
    let edit = UnitEdit {
        id: unit.id,
        version: unit.version,
        property_type: unit.property_type,
        status: unit.status,
        forecast_gross_area: unit.forecast_gross_area,
        forecast_internal_area: unit.forecast_internal_area,
        surveyed_gross_area: Some(surveyed),
        surveyed_internal_area: unit.surveyed_internal_area,
    };
    services.update_unit(&admin, &edit).await.expect("surveyed");
    set_letterhead(&services, &admin).await;
    let pdf = match services.area_statement_pdf(&admin, &contract.number).await {
        Ok(pdf) => pdf,
        // A contract priced per unit has no area settlement; the sample prices by gross area.
        Err(e) => panic!("{}", e.message),
    };
    let text = pdf_text(&pdf);
    for needle in ["示例物业服务有限公司", "020-12345678", "面积差价", &unit.label()] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

#[tokio::test]
async fn regions_carry_the_rule_form_schema_and_quotes_read_vat_from_the_rules() {
    let (services, admin) = world().await;
    let regions = services.fee_regions(&admin).await.expect("regions");
    let seed = regions.iter().find(|r| r.code == "seed-example").expect("seed");
    let fund = seed.parameters.iter().find(|p| p.key == "maintenance_fund").expect("fund");
    assert_eq!(fund.shape, ::fees::schema::Shape::FundStandard);
    assert_eq!(fund.fields[0].value.as_deref(), Some("65.00"));
    assert!(fund.in_force.as_ref().expect("in force").source.contains("客服手册"));
    let vat = seed.parameters.iter().find(|p| p.key == "vat_general_rate").expect("vat");
    assert_eq!(
        vat.fields[0].value.as_deref(),
        Some("0.09"),
        "inherited from national, in force today"
    );

    // A contract's defaults send no VAT rate: the rule book's general rate applies.
    let (_, contract) = sold(&services, &admin).await;
    let req = services.contract_quote_defaults(&admin, contract.id).await.expect("defaults");
    assert_eq!((req.vat_method, req.vat_rate), (::fees::quote::VatMethod::General, None));
    let mut req = req;
    req.maintenance_fund = Some(::fees::quote::FundOverride {
        per_m2: Some(rust_decimal::Decimal::from(65)),
        rate: None,
    });
    let q = services.quote_fees(&admin, &req, &[]).expect("quote");
    assert!(q.items[0].source.contains("增值税"), "{}", q.items[0].source);

    // A saved edit of the VAT rate shows in the schema and changes the next quote.
    let finance = user(&services, &admin, "cw", domain::role::Role::Finance).await;
    let p = seed.parameters.iter().find(|p| p.key == "vat_general_rate").expect("vat");
    let from = chrono::NaiveDate::from_ymd_opt(2019, 4, 2).expect("date");
    assert!(
        contract.signed_on >= from,
        "the sample contract is signed after the new rate starts"
    );
    let mut input = p.version_input(
        from,
        "假设的新税率公告",
        chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
    );
    input.value = Some("0.06".into());
    let info = services.add_rule_version(&finance, "national", None, &input).await.expect("saved");
    let vat = info.parameters.iter().find(|p| p.key == "vat_general_rate").expect("vat");
    assert_eq!(vat.fields[0].value.as_deref(), Some("0.06"));
    let q2 = services.quote_fees(&admin, &req, &[]).expect("quote");
    assert_eq!(
        q2.items[0].base,
        Some(::fees::round_fen(req.price / rust_decimal::Decimal::new(106, 2)))
    );
    assert_ne!(q2.items[0].base, q.items[0].base);
    assert_ne!(q2.rules_version, q.rules_version);
}
