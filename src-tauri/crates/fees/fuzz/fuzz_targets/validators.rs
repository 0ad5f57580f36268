//! Any text through the clerk-input validators: ID number, phone, decimal/amount, date and
//! checklist text. Must never panic; what is accepted reads back the same.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    if let Ok(id) = domain::id_number::validate("id_number", text, today) {
        assert_eq!(domain::id_number::validate("id_number", &id, today).ok(), Some(id));
    }
    if let Ok(p) = domain::phone::validate("phone", text) {
        assert_eq!(domain::phone::validate("phone", &p).ok(), Some(p.clone()));
        let _ = domain::phone::tail(&p);
    }
    if let Ok(d) = domain::amount::parse_decimal("amount", "金额", text) {
        assert_eq!(domain::amount::parse_decimal("amount", "金额", &d.to_string()).ok(), Some(d));
        let _ = domain::amount::positive_2dp("amount", "金额", d).map(domain::amount::grouped);
        let _ = domain::amount::to_hundredths("amount", d);
    }
    let _ = domain::amount::total_display("fees", &[text.to_string(), text.to_string()]);
    if let Ok(d) = domain::text::parse_date("date", "日期", text) {
        assert_eq!(domain::text::parse_date("date", "日期", &d.to_string()).ok(), Some(d));
    }
    if let Ok(lines) = domain::inspection::parse_checklist(text) {
        let items: Vec<_> = lines.into_iter().map(|(_, i)| i).collect();
        let back = domain::inspection::parse_checklist(&domain::inspection::checklist_text(&items));
        assert_eq!(back.ok().map(|b| b.into_iter().map(|(_, i)| i).collect::<Vec<_>>()), Some(items));
    }
});
