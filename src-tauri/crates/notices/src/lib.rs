//! HandoverDesk printed documents: vector PDFs in Chinese on `printpdf`.
//!
//! The CJK font (Noto Sans SC, SIL OFL, `assets/fonts/`) is bundled in the binary, parsed once per
//! process and subset per document. Every string is checked against the font's character map
//! before rendering: a character the font lacks is refused with the character named, never drawn
//! as a silent blank. Layouts are written with [`layout::Sheet`], which reads like the form.
//!
//! Geometry is in millimetres as `f32` (printpdf's units); money never passes through it — amounts
//! arrive as `Decimal` and are formatted to text before layout.
#![allow(clippy::float_arithmetic)]

pub mod area_settlement;
pub mod batch;
pub mod certificate_pickup;
pub mod fee_statement;
pub mod inspection_form;
pub mod key_handover;
pub mod layout;
pub mod move_in_confirmation;
pub mod move_in_notice;
pub mod rectification_notice;

use printpdf::ParsedFont;
use std::sync::OnceLock;

static FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/NotoSansSC-Regular.ttf");
static FONT: OnceLock<Option<ParsedFont>> = OnceLock::new();

/// The bundled font, parsed on first use and shared by every document of the process.
///
/// Errors: `Font` if the bundled file cannot be parsed (a broken build).
pub fn font() -> Result<&'static ParsedFont, NoticeError> {
    FONT.get_or_init(|| ParsedFont::from_bytes(FONT_BYTES, 0, &mut Vec::new()))
        .as_ref()
        .ok_or(NoticeError::Font)
}

/// A document that could not be produced, with a code and a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("字体中没有字符“{ch}”（U+{code:04X}），出现在：{context}。请改用常用字或联系管理员")]
    MissingGlyph { ch: char, code: u32, context: String },
    #[error("缺少{what}，无法生成文件")]
    MissingData { what: String },
    #[error("内置字体无法读取")]
    Font,
    #[error("{what}图片不可用：{reason}")]
    BadImage { what: String, reason: String },
    #[error("已取消")]
    Cancelled,
    /// A fault in the program while laying out or writing one document (caught, so the rest of a
    /// batch still prints and the caller gets an answer).
    #[error("生成时程序出错，请把此单位告知管理员")]
    Internal,
}

impl NoticeError {
    pub fn code(&self) -> &'static str {
        match self {
            NoticeError::MissingGlyph { .. } => "missing_glyph",
            NoticeError::MissingData { .. } => "missing_data",
            NoticeError::Font => "font",
            NoticeError::BadImage { .. } => "bad_image",
            NoticeError::Cancelled => "cancelled",
            NoticeError::Internal => "internal",
        }
    }
}

/// Every document names its owners and unit; refuse to print one without them.
///
/// Errors: `MissingData` naming 买受人 or 房号.
pub fn require_owner_and_unit(owners: &[String], unit: &str) -> Result<(), NoticeError> {
    if owners.iter().all(|o| o.trim().is_empty()) {
        return Err(NoticeError::MissingData { what: "买受人".into() });
    }
    if unit.trim().is_empty() {
        return Err(NoticeError::MissingData { what: "房号".into() });
    }
    Ok(())
}

/// The letterhead used by the built-in samples.
pub fn sample_letterhead() -> layout::Letterhead {
    layout::Letterhead {
        company: "示例置业有限公司".into(),
        address: "广州市天河区体育西路 1 号".into(),
        phone: "020-87654321".into(),
        logo: None,
        seal: None,
    }
}

/// Refuse text with a character the font cannot draw (control characters other than none allowed).
///
/// Errors: `MissingGlyph` naming the first such character and the text around it.
pub fn check_text(text: &str) -> Result<(), NoticeError> {
    let f = font()?;
    for ch in text.chars() {
        if ch == ' ' {
            continue;
        }
        if ch.is_control() || f.lookup_glyph_index(u32::from(ch)).filter(|g| *g != 0).is_none() {
            let context: String = text.chars().take(30).collect();
            return Err(NoticeError::MissingGlyph {
                ch,
                code: u32::from(ch),
                context,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_has_rare_name_characters_and_digits() {
        check_text("喆 堃 珺 王伟 0123456789 ¥,.%（）：㎡ 壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整").expect("all drawable");
    }

    #[test]
    fn a_character_outside_the_font_is_named() {
        let e = check_text("业主：王\u{10FFFD}").expect_err("private-use character");
        assert_eq!(e.code(), "missing_glyph");
        assert!(e.to_string().contains("U+10FFFD"), "{e}");
        assert!(check_text("tab\tinside").is_err(), "control characters are refused too");
    }
}
