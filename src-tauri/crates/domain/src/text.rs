//! Text as a clerk's input method (IME) types it. In full-width mode digits, Latin letters and
//! ASCII punctuation come as their full-width forms (U+FF01–U+FF5E: `１１０１`, `Ｘ`, `８９．５０`) and
//! the space as U+3000; in Chinese punctuation mode the full stop key gives `。`. The parsers of
//! ID numbers, phones, amounts and dates fold these to ASCII before reading, and name anything
//! else they cannot read ([`shown`]) in their errors.

use crate::{AppError, Result};
use chrono::NaiveDate;

/// The ASCII character a full-width form stands for (U+FF01–U+FF5E → `!`–`~`, U+3000 → space);
/// any other character unchanged.
pub fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// `s` with every full-width form folded to ASCII ([`half_width`]); everything else kept.
pub fn fold(s: &str) -> String {
    s.chars().map(half_width).collect()
}

/// A character as an error message names it: “中”, or its code point when it cannot be seen
/// (a control, format or space character such as U+200B).
pub fn shown(c: char) -> String {
    if c.is_control() || c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}') {
        format!("不可见字符 U+{:04X}", u32::from(c))
    } else {
        format!("“{c}”")
    }
}

/// At most `max` characters of `s` for an error message, with "…" when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// Read a date as a clerk writes it: `2025-03-01`, `2025/3/1`, `2025.03.01` or `2025年3月1日`,
/// in half- or full-width characters, with a four-digit year.
///
/// Errors: `Invalid` naming `field`: “{label}“…”不是日期（如 2025-03-01）”.
pub fn parse_date(field: &str, label: &str, text: &str) -> Result<NaiveDate> {
    read_date(text).ok_or_else(|| AppError::invalid(field, format!("{label}“{}”不是日期（如 2025-03-01）", excerpt(text.trim(), 40))))
}

fn read_date(text: &str) -> Option<NaiveDate> {
    let t = fold(text);
    let t = t.trim();
    let t = t.strip_suffix('日').unwrap_or(t);
    let parts: Vec<&str> = if t.contains('年') {
        let (y, rest) = t.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        vec![y, m, d]
    } else {
        let sep = t.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
        t.split(sep).collect()
    };
    let [y, m, d] = parts.as_slice() else { return None };
    let digits = |s: &str, min: usize, max: usize| {
        let s = s.trim();
        (s.chars().all(|c| c.is_ascii_digit()) && (min..=max).contains(&s.len()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let year = i32::try_from(digits(y, 4, 4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(m, 1, 2)?, digits(d, 1, 2)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_forms_only() {
        assert_eq!(fold("１１０１０５Ｘｘ　８９．５０，"), "110105Xx 89.50,");
        assert_eq!(fold("张三 ３号楼"), "张三 3号楼");
        assert_eq!(half_width('\u{FF5F}'), '\u{FF5F}', "past the ASCII block");
        assert_eq!(shown('中'), "“中”");
        assert_eq!(shown('\u{200B}'), "不可见字符 U+200B");
        assert_eq!(excerpt("一二三四", 2), "一二…");
        assert_eq!(excerpt("一二", 2), "一二");
    }

    #[test]
    fn dates_as_clerks_write_them() {
        let want = NaiveDate::from_ymd_opt(2025, 3, 1);
        for t in [
            "2025-03-01",
            " 2025/3/1 ",
            "2025.03.01",
            "2025年3月1日",
            "2025年03月01",
            "２０２５－０３－０１",
            "２０２５年３月１日",
        ] {
            assert_eq!(read_date(t), want, "{t}");
        }
        for t in [
            "",
            "2025-02-30",
            "25-03-01",
            "2025-03",
            "2025-03-01-02",
            "2025-3/1",
            "二〇二五年三月一日",
            "2025-0x-01",
        ] {
            let e = parse_date("signed_on", "签约日期", t).expect_err(t);
            assert_eq!(e.field.as_deref(), Some("signed_on"));
            assert!(e.message.starts_with("签约日期“"), "{}", e.message);
        }
    }
}
