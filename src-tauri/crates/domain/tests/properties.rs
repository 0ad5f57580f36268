//! Property tests over arbitrary Unicode: no parser panics on any string, and what a parser
//! accepts is normalised (reading it again gives the same value) — including every valid value
//! typed the way an input method in full-width mode types it.

use chrono::{Datelike, NaiveDate};
use domain::amount::{grouped, parse_decimal};
use domain::decode;
use domain::id_number::{self, check_char};
use domain::inspection::{checklist_text, parse_checklist, ChecklistItem, TemplateInput};
use domain::model::ContractInput;
use domain::phone;
use domain::text::{fold, parse_date};
use domain::ErrorCode;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

/// The full-width form of an ASCII character (`1` → `１`), the space as U+3000.
fn wide(c: char) -> char {
    match c {
        ' ' => '\u{3000}',
        '!'..='~' => char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// `s` with each character made full-width where `mask` says so (an IME switched mid-number).
fn mixed(s: &str, mask: &[bool]) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask.get(i % mask.len().max(1)).copied().unwrap_or(false) {
                wide(c)
            } else {
                c
            }
        })
        .collect()
}

/// Arbitrary Unicode, and strings made of the characters these parsers care about (so the
/// interesting paths are reached, not only "not a digit").
fn text() -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![
        '0',
        '1',
        '3',
        '8',
        '9',
        'X',
        'x',
        '１',
        '９',
        'Ｘ',
        'ｘ',
        '-',
        '－',
        '.',
        '．',
        '。',
        ',',
        '，',
        '/',
        '年',
        '月',
        '日',
        '|',
        '｜',
        ' ',
        '\u{3000}',
        '\u{200B}',
        '\n',
        '中',
        '+',
        '%',
        'é',
        '\u{10FFFF}',
        '\u{FF5E}',
        '\u{FF5F}',
    ]);
    prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<char>(), 0..40).prop_map(String::from_iter),
        prop::collection::vec(tricky, 0..40).prop_map(String::from_iter),
    ]
}

/// A valid mainland ID number: region, a birth date between 1900 and today, a sequence number,
/// and its check character.
fn valid_id() -> impl Strategy<Value = String> {
    (100_000u32..999_999, 0i64..46_000, 0u32..1000).prop_map(|(region, days, seq)| {
        let born = NaiveDate::from_ymd_opt(1900, 1, 1).expect("date") + chrono::Days::new(days as u64);
        let body = format!("{region:06}{}{seq:03}", born.format("%Y%m%d"));
        format!("{body}{}", check_char(&body).expect("17 digits"))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4_000, ..ProptestConfig::default() })]

    #[test]
    fn id_number_never_panics_and_accepted_values_are_normal(s in text()) {
        match id_number::validate("buyer.id_number", &s, today()) {
            Ok(id) => {
                prop_assert_eq!(id.len(), 18);
                let (body, last) = id.split_at(17);
                prop_assert!(body.bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(check_char(body).map(String::from), Some(last.to_string()));
                prop_assert_eq!(id_number::validate("f", &id, today()).ok(), Some(id.clone()), "idempotent");
                prop_assert_eq!(fold(s.trim()).trim().to_ascii_uppercase(), id, "only folding, trimming and case");
            }
            Err(e) => {
                prop_assert_eq!(e.code, ErrorCode::Invalid);
                prop_assert_eq!(e.field.as_deref(), Some("buyer.id_number"));
                prop_assert!(e.message.contains("身份证号"));
                prop_assert!(e.message.chars().count() < 120, "the input is shown cut: {}", e.message);
            }
        }
    }

    #[test]
    fn any_valid_id_typed_full_width_validates_to_the_ascii_one(
        id in valid_id(),
        mask in prop::collection::vec(any::<bool>(), 1..19),
        lower in any::<bool>(),
        pad in prop::sample::select(vec!["", " ", "\u{3000}", "\u{3000} "]),
    ) {
        let typed = if lower { id.to_lowercase() } else { id.clone() };
        let typed = format!("{pad}{}{pad}", mixed(&typed, &mask));
        prop_assert_eq!(id_number::validate("f", &typed, today()).ok(), Some(id));
    }

    #[test]
    fn an_id_with_any_other_character_is_refused_naming_it(
        id in valid_id(),
        at in 0usize..18,
        c in (0x80u32..=0x10_FFFF).prop_filter_map("not a full-width form or a space", |u| {
            char::from_u32(u).filter(|c| !c.is_whitespace() && !('\u{FF01}'..='\u{FF5E}').contains(c))
        }),
    ) {
        let mut chars: Vec<char> = id.chars().collect();
        chars[at] = c;
        let typed: String = chars.into_iter().collect();
        let e = id_number::validate("f", &typed, today()).expect_err("non-ASCII");
        prop_assert!(e.message.contains(&format!("“{c}”")) || e.message.contains(&format!("U+{:04X}", u32::from(c))), "{}", e.message);
    }

    #[test]
    fn phone_never_panics_and_accepted_values_are_normal(s in text()) {
        match phone::validate("buyer.phone", &s) {
            Ok(p) => {
                prop_assert!(p.bytes().all(|b| b.is_ascii_digit() || b == b'-'), "{}", p);
                prop_assert_eq!(phone::validate("f", &p).ok(), Some(p.clone()), "idempotent");
                prop_assert!(p.starts_with('1') && p.len() == 11 || p.starts_with('0'));
                prop_assert_eq!(phone::tail(&p).len(), 4);
            }
            Err(e) => prop_assert_eq!(e.field.as_deref(), Some("buyer.phone")),
        }
    }

    #[test]
    fn any_mobile_typed_full_width_with_spaces_is_its_eleven_digits(
        n in 13_000_000_000u64..20_000_000_000,
        mask in prop::collection::vec(any::<bool>(), 1..12),
    ) {
        let digits = n.to_string();
        let typed = format!("{} {} {}", &digits[..3], &digits[3..7], &digits[7..]);
        prop_assert_eq!(phone::validate("f", &mixed(&typed, &mask)).ok(), Some(digits));
    }

    #[test]
    fn decimal_never_panics_and_accepted_values_read_back(s in text()) {
        match parse_decimal("gross_area", "建筑面积", &s) {
            Ok(d) => prop_assert_eq!(parse_decimal("x", "x", &d.to_string()).ok(), Some(d)),
            Err(e) => prop_assert_eq!(e.field.as_deref(), Some("gross_area")),
        }
        let _ = domain::amount::total_display("fees", &[s.clone(), s]);
    }

    #[test]
    fn any_amount_as_shown_or_typed_full_width_reads_back(
        fen in any::<i64>(),
        mask in prop::collection::vec(any::<bool>(), 1..30),
        point in prop::sample::select(vec!['.', '。', '．']),
    ) {
        let d = Decimal::new(fen, 2);
        let shown = grouped(d);
        prop_assert_eq!(parse_decimal("x", "x", &shown).ok(), Some(d));
        prop_assert_eq!(parse_decimal("x", "x", &d.to_string()).ok(), Some(d));
        let typed = mixed(&shown, &mask).replacen('.', &point.to_string(), 1).replacen('．', &point.to_string(), 1);
        prop_assert_eq!(parse_decimal("x", "x", &typed).ok(), Some(d), "{}", typed);
        // And inside a JSON request, where a decimal crosses as text.
        let json = serde_json::json!({ "number": "HT-1", "unit_id": 1, "signed_on": "2025-03-01",
            "total_price": typed, "unit_price": "1", "pricing_basis": "gross_area", "payment_method": "one_off",
            "filing_status": "not_filed", "parties": [] });
        let c: ContractInput = decode::from_value(&json, "contract").expect("decoded");
        prop_assert_eq!(c.total_price, d);
    }

    #[test]
    fn date_never_panics_and_accepted_dates_read_back(s in text()) {
        match parse_date("signed_on", "签约日期", &s) {
            Ok(d) => prop_assert_eq!(parse_date("x", "x", &d.to_string()).ok(), Some(d)),
            Err(e) => {
                prop_assert_eq!(e.field.as_deref(), Some("signed_on"));
                prop_assert!(e.message.starts_with("签约日期"));
            }
        }
    }

    #[test]
    fn any_date_in_any_clerk_format_reads_back(
        days in 0i64..3_000_000,
        form in 0usize..4,
        mask in prop::collection::vec(any::<bool>(), 1..12),
    ) {
        let d = NaiveDate::from_ymd_opt(1000, 1, 1).expect("date") + chrono::Days::new(days as u64);
        prop_assume!(d.year() <= 9999);
        let t = match form {
            0 => d.format("%Y-%m-%d").to_string(),
            1 => format!("{}/{}/{}", d.year(), d.month(), d.day()),
            2 => d.format("%Y.%m.%d").to_string(),
            _ => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        };
        prop_assert_eq!(parse_date("x", "x", &mixed(&t, &mask)).ok(), Some(d));
    }

    #[test]
    fn checklist_text_never_panics_and_lines_read_back(s in text()) {
        if let Ok(items) = parse_checklist(&s) {
            let items: Vec<ChecklistItem> = items.into_iter().map(|(_, i)| i).collect();
            let again = parse_checklist(&checklist_text(&items)).expect("its own text");
            prop_assert_eq!(again.into_iter().map(|(_, i)| i).collect::<Vec<_>>(), items);
        }
    }

    #[test]
    fn any_saved_template_reads_back_from_its_text(
        items in prop::collection::vec((text(), text(), text(), any::<bool>()), 1..6),
    ) {
        let t = TemplateInput {
            project_id: 1,
            unit_type: "住宅".into(),
            items: items
                .into_iter()
                .map(|(room, item, standard, photo_required)| ChecklistItem { room, item, standard, photo_required })
                .collect(),
        };
        if let Ok(valid) = t.validate() {
            let back = parse_checklist(&checklist_text(&valid.items)).expect("reads back");
            prop_assert_eq!(back.into_iter().map(|(_, i)| i).collect::<Vec<_>>(), valid.items);
        }
    }

    #[test]
    fn json_requests_never_panic(s in text()) {
        let _ = decode::from_str::<ContractInput>(&s, "contract");
        let _ = decode::from_str::<domain::move_in::StepData>(&s, "data");
        if let Ok(c) = decode::from_str::<ContractInput>(&format!(r#"{{"number":"{}","unit_id":1,"signed_on":"{}","total_price":"{}","unit_price":"1","pricing_basis":"gross_area","payment_method":"one_off","filing_status":"not_filed","parties":[]}}"#,
            s.escape_default(), s.escape_default(), s.escape_default()), "contract") {
            prop_assert!(c.validate(today()).is_err(), "no parties");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any text in any 房源表 cell: the reader reports a row problem or reads the row, never panics.
    #[test]
    fn workbook_rows_of_any_text_never_panic(rows in prop::collection::vec(prop::collection::vec(text(), 12), 1..4)) {
        let bytes = domain::sheet::import_workbook(rows.clone(), vec![]).expect("workbook");
        let read = domain::sheet::read_workbook(&bytes, today()).expect("a readable file");
        let non_blank = rows.iter().filter(|r| r.iter().any(|c| !c.trim().is_empty())).count();
        match read {
            Ok(plan) => prop_assert!(plan.units.len() <= non_blank),
            Err(errors) => prop_assert!(!errors.is_empty() && errors.iter().all(|e| e.row >= 2)),
        }
    }

    #[test]
    fn any_bytes_as_a_workbook_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let e = domain::sheet::read_workbook(&bytes, today()).expect_err("not a workbook");
        prop_assert_eq!(e.code, ErrorCode::ImportRejected);
    }
}
