//! Property tests over random valid requests: totals are sums of two-place lines, schedules sum
//! to the principal, capitals read back to the amount.

use fees::area::{settle, AreaRequest};
use fees::mortgage::{schedule, Method, MortgageRequest};
use fees::quote::{quote, BuyerType, FundOverride, PropertyType, QuoteRequest};
use fees::rules::RuleBook;
use fees::{capitals, round_fen};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::sync::OnceLock;

fn book() -> &'static RuleBook {
    static BOOK: OnceLock<RuleBook> = OnceLock::new();
    BOOK.get_or_init(|| RuleBook::shipped().expect("rules"))
}

fn cents(max: i64) -> impl Strategy<Value = Decimal> {
    (1..max).prop_map(|c| Decimal::new(c, 2))
}

fn request() -> impl Strategy<Value = QuoteRequest> {
    let regions = prop::sample::select(vec!["national", "beijing", "shanghai", "guangzhou", "shenzhen", "seed-example"]);
    let types = prop::sample::select(vec![
        PropertyType::Residential,
        PropertyType::Commercial,
        PropertyType::Office,
        PropertyType::Parking,
        PropertyType::Storage,
    ]);
    let vat = prop::sample::select(vec![Some(Decimal::new(9, 2)), Some(Decimal::new(5, 2)), Some(Decimal::ZERO), None]);
    (
        regions,
        0i64..3650,
        types,
        any::<bool>(),
        0u32..4,
        cents(100_000),
        cents(10_000_000_000),
        vat,
        any::<bool>(),
        1u32..5,
        prop::option::of(cents(50_000)),
    )
        .prop_map(
            |(region, days, property_type, company, homes_owned, gross_area, price, vat_rate, elevator, certificates, per_m2)| {
                QuoteRequest {
                    region: region.to_string(),
                    contract_date: chrono::NaiveDate::from_ymd_opt(2017, 1, 1).expect("date") + chrono::Days::new(days as u64),
                    property_type,
                    buyer_type: if company { BuyerType::Company } else { BuyerType::Individual },
                    homes_owned,
                    gross_area,
                    price,
                    vat_method: Default::default(),
                    vat_rate,
                    elevator,
                    certificates,
                    maintenance_fund: per_m2
                        .map(|p| FundOverride {
                            per_m2: Some(p),
                            rate: None,
                        })
                        .or(if region == "seed-example" {
                            None
                        } else {
                            Some(FundOverride {
                                per_m2: None,
                                rate: Some(Decimal::new(2, 2)),
                            })
                        }),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100_000, ..ProptestConfig::default() })]

    #[test]
    fn quote_total_is_the_sum_of_two_place_lines(r in request()) {
        let q = quote(book(), &r).expect("valid request quotes");
        prop_assert_eq!(q.items.len(), 6);
        prop_assert_eq!(q.total, q.items.iter().map(|i| i.amount).sum::<Decimal>());
        for i in &q.items {
            prop_assert!(i.amount.scale() <= 2, "{} has {} places", i.code, i.amount.scale());
            prop_assert!(i.amount >= Decimal::ZERO);
            prop_assert!(!i.source.is_empty() && !i.explanation.is_empty());
        }
        prop_assert_eq!(capitals::read(&q.total_in_capitals), Some(q.total));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn schedules_sum_to_the_principal(p in cents(500_000_000), rate in 0i64..800, months in 1u32..=360, principal_method in any::<bool>()) {
        let r = MortgageRequest {
            principal: p,
            annual_rate: Decimal::new(rate, 4),
            months,
            method: if principal_method { Method::EqualPrincipal } else { Method::EqualInstallment },
        };
        let s = schedule(&r).expect("schedule");
        prop_assert_eq!(s.schedule.len(), months as usize);
        prop_assert_eq!(s.schedule.iter().map(|x| x.principal).sum::<Decimal>(), p);
        prop_assert_eq!(s.total_payment, p + s.total_interest);
        for x in &s.schedule {
            prop_assert!(x.payment.scale() <= 2 && x.interest.scale() <= 2 && x.principal >= Decimal::ZERO);
        }
    }

    #[test]
    fn area_settlement_is_the_sum_of_its_lines(c in cents(100_000), a in cents(100_000), u in cents(10_000_000)) {
        let s = settle(&AreaRequest { contract_area: c, actual_area: a, unit_price: u }).expect("settle");
        prop_assert_eq!(s.amount, s.lines.iter().map(|l| l.amount).sum::<Decimal>());
        prop_assert_eq!(s.amount, round_fen(s.amount));
        // The buyer never pays for more than 3% extra; a refund is never less than the plain difference.
        let t = c * Decimal::new(3, 2);
        prop_assert!(s.amount <= round_fen(t * u) + Decimal::new(1, 2));
        if a < c { prop_assert!(s.amount <= round_fen((a - c) * u) + Decimal::new(1, 2)); }
    }

    #[test]
    fn capitals_round_trip(c in 0i64..999_999_999_999_999) {
        let d = Decimal::new(c, 2);
        let text = capitals::write(d).expect("in range");
        prop_assert_eq!(capitals::read(&text), Some(d), "{}", text);
    }

    #[test]
    fn request_parser_never_panics(s in ".{0,200}") {
        let _ = fees::parse_json::<QuoteRequest>(&s);
        let _ = fees::rules::RegionFile::parse("fuzz", &s);
    }
}

mod extreme {
    //! Absurd rule and request values: a typed error naming what is wrong, never a panic.

    use super::*;
    use chrono::NaiveDate;
    use fees::quote::{apply_overrides, LineOverride};
    use fees::rules::{RegionFile, MAX_RULE_AMOUNT};
    use fees::FeeError;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    /// `seed-example` with one line of its TOML changed.
    fn region(from: &str, to: &str) -> RegionFile {
        let text = fees::rules::SHIPPED[5].1;
        assert!(text.contains(from), "{from}");
        RegionFile::parse("seed-example", &text.replace(from, to)).expect("parses")
    }

    fn request() -> QuoteRequest {
        fees::parse_json(r#"{"region":"seed-example","contract_date":"2026-03-01","property_type":"residential","buyer_type":"individual","gross_area":"1000000.00","price":"1000000000000.00","elevator":true}"#)
            .expect("request")
    }

    #[test]
    fn overflowing_rule_values_are_an_error_naming_the_rule() {
        for (from, to, what) in [
            (
                r#"per_m2_with_lift = "65.00""#,
                r#"per_m2_with_lift = "79000000000000000000000000000""#,
                "维修资金",
            ),
            (
                r#"residential_per_m2 = "3.00""#,
                r#"residential_per_m2 = "1000000000000000000000000000""#,
                "交易手续费",
            ),
        ] {
            let f = region(from, to);
            let book = RuleBook::shipped().expect("book").with_files(vec![f.clone()]).expect("book");
            let e = quote(&book, &request()).expect_err(what);
            assert!(matches!(e, FeeError::RuleFile { .. }), "{e:?}");
            assert_eq!(e.code(), "rule_file");
            assert!(e.to_string().contains(what) && e.to_string().contains("过大"), "{e}");
            // The checks refuse such a file before it is saved.
            assert!(
                f.check(NaiveDate::from_ymd_opt(2026, 11, 23).expect("d"))
                    .iter()
                    .any(|x| x.severity == "error" && x.message.contains("不在 0–1,000,000.00")),
                "{what}"
            );
        }
        // A VAT rate of −1 would divide by zero, −2 give a negative base, the largest Decimal
        // overflow 1 + rate.
        for rate in ["-1", "-2", "79228162514264337593543950335"] {
            let f = RegionFile {
                vat_general_rate: vec![fees::rules::Value {
                    from: NaiveDate::from_ymd_opt(2016, 5, 1).expect("d"),
                    until: None,
                    value: fees::rules::Dec(d(rate)),
                    unit: "rate".into(),
                    source: "s".into(),
                    last_checked: NaiveDate::from_ymd_opt(2026, 11, 1).expect("d"),
                }],
                ..region("name = ", "name = ")
            };
            let book = RuleBook::shipped().expect("book").with_files(vec![f]).expect("book");
            let e = quote(&book, &request()).expect_err(rate);
            assert_eq!(e.code(), "rule_file", "{rate}: {e}");
        }
    }

    #[test]
    fn the_largest_allowed_values_still_quote() {
        let max = MAX_RULE_AMOUNT.to_string();
        let f = region(r#"per_m2_with_lift = "65.00""#, &format!(r#"per_m2_with_lift = "{max}""#));
        assert!(f.check(NaiveDate::from_ymd_opt(2026, 11, 23).expect("d")).is_empty());
        let book = RuleBook::shipped().expect("book").with_files(vec![f]).expect("book");
        let mut r = request();
        r.certificates = 20;
        let q = quote(&book, &r).expect("in range");
        assert_eq!(q.total, q.items.iter().map(|i| i.amount).sum::<Decimal>());
    }

    #[test]
    fn absurd_request_values_are_refused_by_field() {
        let mut r = request();
        r.gross_area = d("79000000000000000000000000000");
        assert_eq!(quote(book(), &r).expect_err("area").field(), Some("gross_area"));
        let mut r = request();
        r.maintenance_fund = Some(FundOverride {
            per_m2: None,
            rate: Some(d("1000000000000000000000000000")),
        });
        assert_eq!(quote(book(), &r).expect_err("rate").field(), Some("maintenance_fund.rate"));
        let q = quote(book(), &request()).expect("quote");
        let big = LineOverride {
            code: "deed_tax".into(),
            amount: d("79000000000000000000000000000"),
            reason: "核定".into(),
        };
        let e = apply_overrides(q, &[big], "u", "t").expect_err("override");
        assert_eq!(e.field(), Some("overrides[0].amount"));
        let e = fees::area::settle(&fees::area::AreaRequest {
            contract_area: d("79000000000000000000000000000"),
            actual_area: d("1"),
            unit_price: d("1"),
        });
        assert_eq!(e.expect_err("area").field(), Some("contract_area"));
    }
}

/// Any decimal (any mantissa, any scale), as a rule value of each kind.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28)
            .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
        prop::sample::select(vec![Decimal::MAX, Decimal::MIN, Decimal::ZERO, -Decimal::ONE, Decimal::new(1, 28)]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

    /// Any rule values at all (as an unchecked file loaded from the database might carry): a
    /// quote is computed or refused with a typed error, and a computed one adds up.
    #[test]
    fn quotes_with_any_rule_values_never_panic(
        values in prop::collection::vec(any_decimal(), 9),
        r in request(),
    ) {
        use fees::rules::{Dec, FundStandard, TransactionFee, Value};
        let day = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("d");
        let v = |x: Decimal, unit: &str| vec![Value { from: day, until: None, value: Dec(x), unit: unit.into(), source: "s".into(), last_checked: day }];
        let f = fees::rules::RegionFile {
            region: "seed-example".into(),
            name: "极端".into(),
            based_on: Some("national".into()),
            deed_tax_rate: v(values[0], "rate"),
            stamp_duty_rate: v(values[1], "rate"),
            registration_fee_residential: v(values[2], "yuan_per_case"),
            registration_fee_non_residential: v(values[2], "yuan_per_case"),
            certificate_fee_additional: v(values[3], "yuan_per_certificate"),
            vat_general_rate: v(values[4], "rate"),
            maintenance_fund: vec![FundStandard { from: day, until: None, per_m2_with_lift: Some(values[5]), per_m2_without_lift: Some(values[5]), rate_of_price: Some(values[6]), source: "s".into(), last_checked: day }],
            transaction_fee: vec![TransactionFee { from: day, until: None, residential_per_m2: Some(values[7]), non_residential_rate: Some(values[8]), source: "s".into(), last_checked: day }],
            ..Default::default()
        };
        let checked_ok = f.check(chrono::NaiveDate::from_ymd_opt(2000, 6, 1).expect("d")).iter().all(|x| x.severity != "error");
        let book = book().with_files(vec![f]).expect("book");
        let mut r = r;
        r.region = "seed-example".into();
        r.vat_rate = None;
        match quote(&book, &r) {
            Ok(q) => {
                prop_assert_eq!(q.total, q.items.iter().map(|i| i.amount).sum::<Decimal>());
                prop_assert_eq!(capitals::read(&q.total_in_capitals), Some(q.total));
            }
            Err(e) => {
                prop_assert!(!e.to_string().is_empty());
                // A file that passes the checks quotes any valid request.
                prop_assert!(!checked_ok || !matches!(e, fees::FeeError::RuleFile { .. }), "{e}");
            }
        }
    }

    /// Any text as a rule file never panics; a file that parses writes back and reads the same.
    #[test]
    fn rule_file_text_never_panics_and_round_trips(s in prop_oneof![
        any::<String>(),
        ".{0,300}",
        prop::sample::select(fees::rules::SHIPPED.iter().map(|(_, t)| *t).collect::<Vec<_>>())
            .prop_flat_map(|t| (Just(t), 0..t.len(), any::<char>()))
            .prop_map(|(t, at, c)| {
                let at = (0..=at).rev().find(|i| t.is_char_boundary(*i)).unwrap_or(0);
                format!("{}{c}{}", &t[..at], &t[at..])
            }),
    ]) {
        if let Ok(f) = fees::rules::RegionFile::parse("fuzz", &s) {
            let _ = f.check(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("d"));
            let text = f.to_toml().expect("writes");
            prop_assert_eq!(fees::rules::RegionFile::parse("fuzz", &text).expect("reads back"), f);
        }
    }

    /// Any decimal a rule file can carry is written and read back exactly.
    #[test]
    fn rule_values_round_trip_through_toml(x in any_decimal()) {
        let text = fees::rules::SHIPPED[5].1.replace(r#""65.00""#, &format!("\"{x}\""));
        let f = fees::rules::RegionFile::parse("seed-example", &text).expect("parses");
        prop_assert_eq!(f.maintenance_fund[0].per_m2_with_lift, Some(x));
        prop_assert_eq!(fees::rules::RegionFile::parse("seed-example", &f.to_toml().expect("toml")).expect("back"), f);
    }
}
