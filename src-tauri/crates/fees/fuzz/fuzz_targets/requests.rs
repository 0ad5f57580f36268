//! Any bytes as a quote, area or mortgage request: parse, and compute what parses. Must never panic.
#![no_main]
use fees::{area, mortgage, parse_json, quote, rules::RuleBook};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static BOOK: OnceLock<RuleBook> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let book = BOOK.get_or_init(|| RuleBook::shipped().unwrap_or_default());
    if let Ok(r) = parse_json::<quote::QuoteRequest>(text) {
        if let Ok(q) = quote::quote(book, &r) {
            assert_eq!(q.total, q.items.iter().map(|i| i.amount).sum());
        }
    }
    if let Ok(r) = parse_json::<area::AreaRequest>(text) {
        let _ = area::settle(&r);
    }
    if let Ok(r) = parse_json::<mortgage::MortgageRequest>(text) {
        if let Ok(s) = mortgage::schedule(&r) {
            assert_eq!(s.schedule.iter().map(|p| p.principal).sum::<rust_decimal::Decimal>(), r.principal);
        }
    }
});
