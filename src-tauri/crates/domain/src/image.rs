//! The one image check (logo, seal, floor plans, defect photos, signatures): the format by its
//! magic bytes (PNG or JPEG only), the file size, and the pixel dimensions read from the header —
//! all before anything is decoded, so a tiny file that claims 60000×60000 pixels is refused
//! without allocating for it. One set of limits, here. Decoding follows in the caller
//! (`services::images`, or the PDF writer for stored letterhead images).

use crate::{AppError, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An image the user chose on the page, sent as its content — never as a path the app would
/// read: its file name (shown and stored for display only) and its bytes in base64.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Upload {
    pub file_name: String,
    pub data_base64: String,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Upload({:?}, {} base64 characters)", self.file_name, self.data_base64.len())
    }
}

impl Upload {
    /// The name to show and store: the last part of what the page sent (a browser sends the bare
    /// name; anything up to the last `/` or `\` is dropped), without control characters, at most 100
    /// characters; "未命名" when nothing is left.
    pub fn display_name(&self) -> String {
        let last = self.file_name.rsplit(['/', '\\']).next().unwrap_or_default();
        let clean: String = last.chars().filter(|c| !c.is_control()).take(100).collect();
        let clean = clean.trim();
        if clean.is_empty() {
            "未命名".into()
        } else {
            clean.to_string()
        }
    }

    /// The decoded length the base64 text stands for (to refuse a huge file before decoding it).
    pub fn decoded_len(&self) -> u64 {
        let text = self.data_base64.trim_end_matches('=');
        (text.len() as u64).saturating_mul(3) / 4
    }
}

/// The limits every image is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_bytes: u64,
    /// Largest width or height, in pixels.
    pub max_side: u32,
    /// Largest width × height, in pixels (a decoded image is about 4 bytes a pixel).
    pub max_pixels: u64,
}

/// 10 MB, 10,000 pixels a side, 40 megapixels: a phone photo passes, a decompression bomb does not.
pub const LIMITS: Limits = Limits {
    max_bytes: 10 * 1024 * 1024,
    max_side: 10_000,
    max_pixels: 40_000_000,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
}

impl Format {
    /// The file extension photos are stored under.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
        }
    }
}

/// What the header says, once it passed the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub format: Format,
    pub width: u32,
    pub height: u32,
}

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The format by magic bytes, if PNG or JPEG. A file that starts like one but breaks off later
/// is that format and corrupt (the header readers below find out), not a foreign format.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"\x89PNG") {
        Some(Format::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        Some(Format::Jpeg)
    } else {
        None
    }
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(*b.get(at)?) << 8 | u32::from(*b.get(at + 1)?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(be16(b, at)? << 16 | be16(b, at + 2)?)
}

/// Width and height from the PNG IHDR chunk, which must come first.
fn png_size(b: &[u8]) -> Option<(u32, u32)> {
    if !b.starts_with(PNG_MAGIC) || b.get(12..16)? != b"IHDR" {
        return None;
    }
    Some((be32(b, 16)?, be32(b, 20)?))
}

/// Width and height from the JPEG frame header (SOF0–SOF15 but DHT, JPG and DAC), walking the
/// marker segments from the start; none before the scan starts means the file is not readable.
fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    let mut i = 2;
    loop {
        if *b.get(i)? != 0xFF {
            return None;
        }
        while *b.get(i)? == 0xFF {
            i += 1;
        }
        let marker = *b.get(i)?;
        i += 1;
        match marker {
            0x01 | 0xD0..=0xD7 => continue,
            0xD8..=0xDA => return None,
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                return Some((be16(b, i + 5)?, be16(b, i + 3)?));
            }
            _ => {
                let len = usize::try_from(be16(b, i)?).ok()?;
                if len < 2 {
                    return None;
                }
                i = i.checked_add(len)?;
            }
        }
    }
}

/// Check an image's bytes against [`LIMITS`]; `label` names it in the message ("徽标", "照片 a.jpg").
///
/// Errors: `Invalid` naming `field` — empty, over the size limit, not PNG/JPEG, a header that
/// cannot be read, or dimensions over the limits.
pub fn check(field: &str, label: &str, bytes: &[u8]) -> Result<Header> {
    check_with(field, label, bytes, &LIMITS)
}

/// As [`check`] with other limits (tests).
pub fn check_with(field: &str, label: &str, bytes: &[u8], limits: &Limits) -> Result<Header> {
    let bad = |why: String| AppError::invalid(field, format!("{label}{why}"));
    if bytes.is_empty() {
        return Err(bad("文件为空".into()));
    }
    check_size(field, label, bytes.len() as u64, limits)?;
    let format = sniff(bytes).ok_or_else(|| bad("不是 JPEG 或 PNG 图片（只支持这两种格式）".into()))?;
    let size = match format {
        Format::Png => png_size(bytes),
        Format::Jpeg => jpeg_size(bytes),
    };
    let (width, height) = size
        .filter(|(w, h)| *w > 0 && *h > 0)
        .ok_or_else(|| bad("已损坏，无法读取".into()))?;
    if width > limits.max_side || height > limits.max_side || u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(bad(format!(
            "尺寸 {width}×{height} 像素过大（每边不超过 {} 像素，总计不超过 {} 万像素）",
            limits.max_side,
            limits.max_pixels / 10_000
        )));
    }
    Ok(Header { format, width, height })
}

/// The file-size limit alone, for a file not read yet (its length from the file system).
///
/// Errors: `Invalid` naming `field` when `len` is over the limit.
pub fn check_size(field: &str, label: &str, len: u64, limits: &Limits) -> Result<()> {
    if len > limits.max_bytes {
        return Err(AppError::invalid(
            field,
            format!("{label}文件过大（不超过 {} MB）", limits.max_bytes / (1024 * 1024)),
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "image_tests.rs"]
mod tests;
