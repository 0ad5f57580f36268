use super::*;
use crate::rules::{RegionFile, RuleBook};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn find<'a>(ps: &'a [Parameter], key: &str) -> &'a Parameter {
    ps.iter().find(|p| p.key == key).unwrap_or_else(|| panic!("{key} in the schema"))
}

#[test]
fn every_parameter_of_the_file_format_has_a_label_and_a_shape() {
    let keys: Vec<&str> = PARAMETERS.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, RegionFile::parameter_keys(), "one label per file parameter, same order");
    let book = RuleBook::shipped().expect("book");
    let ps = schema(book.region("national").expect("n"), d("2026-11-23"));
    assert_eq!(ps.len(), keys.len());
    let shape = |k: &str| find(&ps, k).shape;
    assert_eq!(shape("deed_tax_rate"), Shape::Rate);
    assert_eq!(shape("vat_general_rate"), Shape::Rate);
    assert_eq!(shape("registration_fee_residential"), Shape::Amount);
    assert_eq!(shape("certificate_fee_additional"), Shape::Amount);
    assert_eq!(shape("stamp_duty_individual_housing_exempt"), Shape::Flag);
    assert_eq!(shape("deed_tax_first_home"), Shape::Brackets);
    assert_eq!(shape("maintenance_fund"), Shape::FundStandard);
    assert_eq!(shape("transaction_fee"), Shape::TransactionFee);
    // Names that look alike do not decide the shape: a "…_rate" key is not always one value.
    assert_eq!(find(&ps, "transaction_fee").fields.len(), 2);
    assert_eq!(find(&ps, "certificate_fee_additional").fields[0].unit, "元/本");
    assert!(parameter(book.region("national").expect("n"), "mystery", d("2026-11-23")).is_err());
}

#[test]
fn values_and_sources_come_from_the_rule_files_for_the_date() {
    let book = RuleBook::shipped().expect("book");
    let n = book.region("national").expect("n");
    let ps = schema(n, d("2026-11-23"));
    let first = find(&ps, "deed_tax_first_home");
    assert_eq!(
        first.brackets,
        vec![
            StepInput {
                up_to: Some("140".into()),
                rate: "0.01".into()
            },
            StepInput {
                up_to: None,
                rate: "0.015".into()
            }
        ]
    );
    let f = first.in_force.as_ref().expect("in force");
    assert_eq!(f.summary, "≤ 140㎡ 1%；> 140㎡ 1.5%");
    assert!(f.source.contains("2024年第16号"), "{}", f.source);
    assert_eq!(f.from, d("2024-12-01"));
    let vat = find(&ps, "vat_general_rate");
    assert_eq!(vat.fields[0].value.as_deref(), Some("0.09"));
    assert!(vat.in_force.as_ref().expect("vat").source.contains("2019年第39号"));
    assert_eq!(find(&ps, "vat_simplified_rate").fields[0].value.as_deref(), Some("0.05"));
    let old = schema(n, d("2018-06-01"));
    assert_eq!(find(&old, "vat_general_rate").fields[0].value.as_deref(), Some("0.10"));
    assert_eq!(find(&old, "deed_tax_first_home").brackets[0].up_to.as_deref(), Some("90"));
    assert_eq!(
        find(&ps, "registration_fee_residential").in_force.as_ref().expect("reg").summary,
        "80 元/件"
    );
    assert!(find(&ps, "maintenance_fund").in_force.is_none(), "no national fund standard");

    let seed = schema(book.region("seed-example").expect("seed"), d("2026-11-23"));
    let fund = find(&seed, "maintenance_fund");
    let values: Vec<Option<&str>> = fund.fields.iter().map(|f| f.value.as_deref()).collect();
    assert_eq!(values, [Some("65.00"), Some("35.00"), None]);
    assert_eq!(fund.in_force.as_ref().expect("fund").summary, "有电梯 65 元/㎡；无电梯 35 元/㎡");
    assert_eq!(find(&seed, "deed_tax_rate").fields[0].value.as_deref(), Some("0.03"), "inherited");

    let bj = schema(book.region("beijing").expect("bj"), d("2020-01-01"));
    let second = find(&bj, "deed_tax_second_home");
    assert!(second.may_be_provincial && second.provincial && second.brackets.is_empty());
    assert!(!find(&bj, "deed_tax_first_home").may_be_provincial);
}

#[test]
fn a_form_built_from_the_schema_saves_every_parameter_unchanged() {
    let book = RuleBook::shipped().expect("book");
    let today = d("2026-11-23");
    let next = d("2027-01-01");
    let before = schema(book.region("seed-example").expect("seed"), today);
    let mut raw = book.raw("seed-example").expect("raw").clone();
    let mut saved = 0;
    for p in before.iter().filter(|p| p.in_force.is_some()) {
        raw.add_version(&p.version_input(next, "某市公告", today))
            .unwrap_or_else(|e| panic!("{}: {e}", p.key));
        saved += 1;
    }
    assert_eq!(saved, PARAMETERS.len(), "every parameter has a value in force in seed-example");
    assert!(raw.check(today).is_empty(), "{:?}", raw.check(today));
    let book = book.with_files(vec![raw]).expect("book");
    let after = schema(book.region("seed-example").expect("seed"), next);
    for (a, b) in before.iter().zip(&after) {
        assert_eq!(
            (&a.fields, &a.brackets, a.provincial),
            (&b.fields, &b.brackets, b.provincial),
            "{}",
            a.key
        );
        assert_eq!(b.in_force.as_ref().expect("new").from, next, "{}", b.key);
        assert_eq!(b.in_force.as_ref().expect("new").source, "某市公告");
    }
}
