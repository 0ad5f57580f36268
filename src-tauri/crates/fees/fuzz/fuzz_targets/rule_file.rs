//! Any bytes as a rule file: parse, check, resolve. Must never panic.
#![no_main]
use fees::rules::{RegionFile, RuleBook};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(f) = RegionFile::parse("fuzz", text) {
        let _ = f.check(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default());
        if let Ok(book) = RuleBook::shipped() {
            let _ = book.with_files(vec![f]);
        }
    }
});
