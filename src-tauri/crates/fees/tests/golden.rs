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
            // The VAT rate is the rule book's for the method on the contract date (11 % in 2017).
            vat_method: serde_json::from_value(serde_json::Value::String(c["vat_method"].clone())).expect("vat method"),
            vat_rate: None,
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

#[test]
fn the_vat_rate_comes_from_the_rule_file_and_a_different_file_changes_the_quote() {
    let book = RuleBook::shipped().expect("rules");
    // No VAT rate in the request: the file's 9 % (general method, from 2019-04-01) applies.
    let r: QuoteRequest = fees::parse_json(r#"{"region":"national","contract_date":"2025-03-01","property_type":"residential","buyer_type":"individual","gross_area":"89.50","price":"1500000.00","elevator":true,"maintenance_fund":{"per_m2":"65.00"}}"#).expect("request");
    let q = quote(&book, &r).expect("quote");
    let deed = &q.items[0];
    assert_eq!(deed.base, Some(d("1376146.79")), "1,500,000 ÷ 1.09");
    assert!(
        deed.explanation.contains("1 + 9%") && deed.explanation.contains("一般计税"),
        "{}",
        deed.explanation
    );
    assert!(deed.source.contains("2019年第39号"), "{}", deed.source);
    // The simplified method reads its own rate (5 %), and 2017 contracts the 11 % then in force.
    let simple = QuoteRequest {
        vat_method: fees::quote::VatMethod::Simplified,
        ..r.clone()
    };
    assert_eq!(quote(&book, &simple).expect("quote").items[0].base, Some(d("1428571.43")));
    let y2017 = QuoteRequest {
        contract_date: "2017-06-01".parse().expect("date"),
        ..r.clone()
    };
    assert_eq!(quote(&book, &y2017).expect("quote").items[0].base, Some(d("1351351.35")));
    // A rule file with another general rate from 2025-01-01 changes the same request's quote.
    let mut national = book.raw("national").expect("raw").clone();
    let mut v = national.vat_general_rate.last().expect("vat").clone();
    v.from = "2025-01-01".parse().expect("date");
    v.value = fees::rules::Dec(d("0.06"));
    v.source = "假设的新税率公告".into();
    national.vat_general_rate.push(v);
    let edited = book.with_files(vec![national]).expect("edited");
    let q2 = quote(&edited, &r).expect("quote");
    assert_eq!(q2.items[0].base, Some(d("1415094.34")), "1,500,000 ÷ 1.06");
    assert_ne!(q2.total, q.total);
    assert!(q2.items[0].source.contains("假设的新税率公告"));
    // A region without a VAT rate for the date is refused, naming the parameter.
    let mut bare = book.raw("national").expect("raw").clone();
    bare.vat_general_rate.clear();
    let e = quote(&book.with_files(vec![bare]).expect("bare"), &r).expect_err("no VAT rule");
    assert!(e.to_string().contains("增值税"), "{e}");
}

#[test]
fn amounts_are_sent_formatted_for_display() {
    let book = RuleBook::shipped().expect("rules");
    let r: QuoteRequest = fees::parse_json(r#"{"region":"national","contract_date":"2025-03-01","property_type":"residential","buyer_type":"individual","gross_area":"89.50","price":"1500000.00","elevator":true,"certificates":2,"maintenance_fund":{"per_m2":"65.00"}}"#).expect("request");
    let q = quote(&book, &r).expect("quote");
    assert_eq!(q.total_display, "19,668.97");
    let line = |code: &str| &q.items.iter().find(|i| i.code == code).expect("line").display;
    let deed = line("deed_tax");
    assert_eq!(
        (deed.base.as_str(), deed.rate.as_str(), deed.amount.as_str()),
        ("1,376,146.79", "1%", "13,761.47")
    );
    let cert = line("certificate_fee");
    assert_eq!(
        (cert.base.as_str(), cert.rate.as_str(), cert.amount.as_str()),
        ("1", "10.00", "10.00")
    );
    assert_eq!(line("maintenance_fund").base, "89.50");
    assert_eq!(line("transaction_fee").base, "—");
    // An override re-formats the line and the total, and shows the computed figure.
    let o = [fees::quote::LineOverride {
        code: "deed_tax".into(),
        amount: d("13760"),
        reason: "核定".into(),
    }];
    let q2 = fees::quote::apply_overrides(q.clone(), &o, "cw", "t").expect("override");
    assert_eq!(q2.items[0].display.amount, "13,760.00");
    assert_eq!(q2.items[0].display.computed.as_deref(), Some("13,761.47"));
    assert_eq!(q2.total_display, "19,667.50");
    // A quote saved without the strings gets them back from its figures.
    let mut old = serde_json::to_value(&q).expect("json");
    old.as_object_mut().expect("object").remove("total_display");
    for i in old["items"].as_array_mut().expect("items") {
        i.as_object_mut().expect("item").remove("display");
    }
    let back: fees::quote::Quote = serde_json::from_value(old).expect("old quote parses");
    assert_eq!(back.total_display, "");
    assert_eq!(back.with_display(), q);

    let s = settle(&AreaRequest {
        contract_area: d("100.00"),
        actual_area: d("95.00"),
        unit_price: d("20000.00"),
    })
    .expect("settle");
    assert_eq!(s.amount_display, "-140,000.00");
    assert_eq!(
        (s.lines[1].unit_price_display.as_str(), s.lines[1].amount_display.as_str()),
        ("20,000.00", "-80,000.00")
    );
    let m = schedule(&MortgageRequest {
        principal: d("1000000"),
        annual_rate: d("0.0305"),
        months: 360,
        method: Method::EqualInstallment,
    })
    .expect("schedule");
    assert_eq!(m.first_payment_display, "4,243.05");
    assert_eq!(m.total_payment_display, fees::display::money(m.total_payment));
    let p = &m.schedule[0];
    assert_eq!(p.payment_display, "4,243.05");
    assert_eq!(p.balance_display, fees::display::money(p.balance));
    assert_eq!(p.interest_display, "2,541.67");
}
