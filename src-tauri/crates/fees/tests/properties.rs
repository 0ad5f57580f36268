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
