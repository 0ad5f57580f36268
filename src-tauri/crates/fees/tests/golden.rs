//! Golden cases from files, one case a row; a failure names the row. Amounts compare exactly.

use fees::area::{settle, AreaRequest};
use fees::mortgage::{schedule, Method, MortgageRequest};
use fees::quote::{quote, BuyerType, FundOverride, PropertyType, QuoteRequest};
use fees::rules::RuleBook;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

fn rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines.next().expect("header").split(',').map(str::to_string).collect();
    lines
        .map(|l| header.iter().cloned().zip(l.split(',').map(str::to_string)).collect())
        .collect()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn opt(s: &str) -> Option<Decimal> {
    (!s.is_empty()).then(|| d(s))
}

#[test]
fn quotes() {
    let book = RuleBook::shipped().expect("rules");
    let cases = rows(include_str!("golden/quotes.csv"));
    assert!(cases.len() >= 40, "at least 40 quote cases");
    let mut failures = Vec::new();
    for c in &cases {
        let req = QuoteRequest {
            region: c["region"].clone(),
            contract_date: c["contract_date"].parse().expect("date"),
            property_type: serde_json::from_value(serde_json::Value::String(c["property_type"].clone())).expect("type"),
            buyer_type: if c["buyer_type"] == "company" {
                BuyerType::Company
            } else {
                BuyerType::Individual
            },
            homes_owned: c["homes_owned"].parse().expect("homes"),
            gross_area: d(&c["gross_area"]),
            price: d(&c["price"]),
            vat_rate: d(&c["vat_rate"]),
            elevator: c["elevator"] == "true",
            certificates: c["certificates"].parse().expect("certificates"),
            maintenance_fund: match (opt(&c["fund_per_m2"]), opt(&c["fund_rate"])) {
                (None, None) => None,
                (per_m2, rate) => Some(FundOverride { per_m2, rate }),
            },
        };
        let _ = PropertyType::Residential;
        let q = match quote(&book, &req) {
            Ok(q) => q,
            Err(e) => {
                failures.push(format!("{}: error {e}", c["case"]));
                continue;
            }
        };
        for code in [
            "deed_tax",
            "stamp_duty",
            "registration_fee",
            "certificate_fee",
            "maintenance_fund",
            "transaction_fee",
        ] {
            let item = q.items.iter().find(|i| i.code == code).expect("every line present");
            if item.amount != d(&c[code]) {
                failures.push(format!(
                    "{}: {code} = {} (expected {}) — {}",
                    c["case"], item.amount, c[code], item.explanation
                ));
            }
        }
        if q.total != d(&c["total"]) {
            failures.push(format!("{}: total = {} (expected {})", c["case"], q.total, c["total"]));
        }
        assert_eq!(
            q.total,
            q.items.iter().map(|i| i.amount).sum::<Decimal>(),
            "{}: total is the sum of the lines",
            c["case"]
        );
    }
    assert!(
        failures.is_empty(),
        "{} golden quote mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn area_settlements() {
    for c in rows(include_str!("golden/area.csv")) {
        let s = settle(&AreaRequest {
            contract_area: d(&c["contract_area"]),
            actual_area: d(&c["actual_area"]),
            unit_price: d(&c["unit_price"]),
        })
        .unwrap_or_else(|e| panic!("{}: {e}", c["case"]));
        assert_eq!(s.amount, d(&c["amount"]), "{}", c["case"]);
        assert_eq!(s.error_ratio_percent, d(&c["error_ratio_percent"]), "{}", c["case"]);
        assert_eq!(s.buyer_may_cancel, c["buyer_may_cancel"] == "true", "{}", c["case"]);
        assert_eq!(s.amount, s.lines.iter().map(|l| l.amount).sum::<Decimal>(), "{}", c["case"]);
        let expected = if s.amount < Decimal::ZERO {
            "出卖人返还买受人"
        } else if s.amount.is_zero() {
            "无需结算"
        } else {
            "买受人补交"
        };
        assert_eq!(s.outcome, expected, "{}", c["case"]);
        assert_eq!(fees::capitals::read(&s.amount_in_capitals), Some(s.amount.abs()), "{}", c["case"]);
    }
}

#[test]
fn mortgages() {
    for c in rows(include_str!("golden/mortgage.csv")) {
        let method = if c["method"] == "equal_principal" {
            Method::EqualPrincipal
        } else {
            Method::EqualInstallment
        };
        let r = MortgageRequest {
            principal: d(&c["principal"]),
            annual_rate: d(&c["annual_rate"]),
            months: c["months"].parse().expect("months"),
            method,
        };
        let s = schedule(&r).unwrap_or_else(|e| panic!("{}: {e}", c["case"]));
        assert_eq!(s.first_payment, d(&c["first_payment"]), "{}", c["case"]);
        assert_eq!(s.schedule[1].payment, d(&c["second_payment"]), "{}", c["case"]);
        assert_eq!(
            s.schedule.iter().map(|p| p.principal).sum::<Decimal>(),
            r.principal,
            "{}: principals sum to the loan",
            c["case"]
        );
        assert_eq!(s.schedule.last().expect("last").balance, Decimal::ZERO, "{}", c["case"]);
    }
}

#[test]
fn capitals_examples_from_the_rules_document() {
    for (amount, text) in [
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        ("107000.53", "壹拾万柒仟元零伍角叁分"),
    ] {
        assert_eq!(fees::capitals::write(d(amount)).as_deref(), Some(text), "{amount}");
    }
}

#[test]
fn bad_requests_are_refused_with_the_field_named() {
    let book = RuleBook::shipped().expect("rules");
    let good = r#"{"region":"national","contract_date":"2025-03-01","property_type":"residential","buyer_type":"individual","homes_owned":0,"gross_area":"89.50","price":"1500000.00","vat_rate":"0.09","elevator":true,"certificates":1,"maintenance_fund":{"per_m2":"65.00"}}"#;
    let parsed: QuoteRequest = fees::parse_json(good).expect("good request");
    assert_eq!(quote(&book, &parsed).expect("quote").total, d("19658.97"));
    let cases = [
        (good.replace("\"89.50\"", "\"-89.50\""), "invalid", "gross_area"),
        (good.replace("\"national\"", "\"atlantis\""), "unknown_region", "region"),
        (good.replace("2025-03-01", "2015-03-01"), "no_rule_in_force", "contract_date"),
        (good.replace("\"price\":\"1500000.00\",", ""), "invalid", "price"),
        (good.replace("\"1500000.00\"", "\"一百五十万\""), "invalid", "price"),
        (
            good.replace(",\"maintenance_fund\":{\"per_m2\":\"65.00\"}", ""),
            "maintenance_fund_standard_required",
            "maintenance_fund",
        ),
        (
            good.replace("\"per_m2\":\"65.00\"", "\"per_m2\":\"abc\""),
            "invalid",
            "maintenance_fund.per_m2",
        ),
        (good.replace("\"elevator\":true", "\"lift\":true"), "invalid", "lift"),
    ];
    for (json, code, field) in cases {
        let err = fees::parse_json::<QuoteRequest>(&json)
            .and_then(|r| quote(&book, &r))
            .expect_err(&json);
        let body = err.body();
        assert_eq!((body.code, body.field.as_deref()), (code, Some(field)), "{json}: {}", body.message);
        assert!(!body.message.is_empty());
    }
}

#[test]
fn overrides_keep_the_computed_amount_and_the_total_follows_the_printed_lines() {
    use fees::quote::{apply_overrides, LineOverride};
    let book = RuleBook::shipped().expect("rules");
    let r: QuoteRequest = fees::parse_json(r#"{"region":"national","contract_date":"2025-03-01","property_type":"residential","buyer_type":"individual","gross_area":"89.50","price":"1500000.00","elevator":true,"maintenance_fund":{"per_m2":"65.00"}}"#).expect("request");
    let q = quote(&book, &r).expect("quote");
    assert!(q.rules_version.starts_with("national@"));
    let o = [LineOverride {
        code: "deed_tax".into(),
        amount: d("13760.00"),
        reason: "以税务机关核定为准".into(),
    }];
    let q2 = apply_overrides(q.clone(), &o, "cw", "2026-11-23T10:00:00+08:00").expect("override");
    let line = &q2.items[0];
    assert_eq!(line.amount, d("13760.00"));
    assert_eq!(line.overridden.as_ref().expect("marked").computed, d("13761.47"));
    assert_eq!(q2.total, d("19657.50"));
    assert_eq!(q2.total_in_capitals, "壹万玖仟陆佰伍拾柒元伍角整");
    let no_reason = [LineOverride {
        reason: " ".into(),
        ..o[0].clone()
    }];
    assert_eq!(
        apply_overrides(q.clone(), &no_reason, "cw", "t").expect_err("reason").field(),
        Some("overrides[0].reason")
    );
    let unknown = [LineOverride {
        code: "bribe".into(),
        ..o[0].clone()
    }];
    assert_eq!(
        apply_overrides(q, &unknown, "cw", "t").expect_err("code").field(),
        Some("overrides[0].code")
    );
}

#[test]
fn a_rule_change_changes_the_version_but_not_a_saved_quote() {
    let book = RuleBook::shipped().expect("rules");
    let r: QuoteRequest = fees::parse_json(r#"{"region":"seed-example","contract_date":"2025-03-01","property_type":"residential","buyer_type":"individual","gross_area":"100.00","price":"1000000.00","elevator":true}"#).expect("request");
    let saved = serde_json::to_string(&quote(&book, &r).expect("quote")).expect("json");
    let mut edited = book.raw("seed-example").expect("raw").clone();
    edited.maintenance_fund[0].per_m2_with_lift = Some(d("70.00"));
    let book2 = book.with_files(vec![edited]).expect("edited");
    let q2 = quote(&book2, &r).expect("quote");
    assert_ne!(q2.rules_version, book.version("seed-example").expect("v"));
    assert_eq!(
        q2.items.iter().find(|i| i.code == "maintenance_fund").expect("fund").amount,
        d("7000.00")
    );
    let reprinted: fees::quote::Quote = serde_json::from_str(&saved).expect("reprint");
    assert_eq!(
        reprinted.items.iter().find(|i| i.code == "maintenance_fund").expect("fund").amount,
        d("6500.00")
    );
}
