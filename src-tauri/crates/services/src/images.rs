//! Every image the app accepts — logo, seal, floor plans, defect photos, signatures — goes through
//! here: the one check of [`domain::image`] (PNG/JPEG by magic bytes, file size, pixel dimensions
//! from the header, one set of limits) before anything is decoded, then the decode itself. A
//! file's size is checked from the file system before the file is read.

use domain::image::{Header, LIMITS};
use domain::{AppError, Result};
use std::path::Path;

/// An image that passed the check and decoded.
pub struct Checked {
    pub bytes: Vec<u8>,
    pub header: Header,
    pub image: image::DynamicImage,
}

impl std::fmt::Debug for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Checked({:?}, {} bytes)", self.header, self.bytes.len())
    }
}

/// Check and decode image bytes; `label` names the image in messages ("徽标", "照片 a.jpg").
///
/// Errors: `Invalid` naming `field` — see [`domain::image::check`]; a body that does not decode
/// is "已损坏，无法读取".
pub fn decode(field: &str, label: &str, bytes: Vec<u8>) -> Result<Checked> {
    let header = domain::image::check(field, label, &bytes)?;
    let format = match header.format {
        domain::image::Format::Png => image::ImageFormat::Png,
        domain::image::Format::Jpeg => image::ImageFormat::Jpeg,
    };
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(LIMITS.max_side);
    limits.max_image_height = Some(LIMITS.max_side);
    // Four bytes a pixel and a little for the decoder's own buffers.
    limits.max_alloc = Some(LIMITS.max_pixels * 4 + 64 * 1024 * 1024);
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(&bytes), format);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|_| AppError::invalid(field, format!("{label}已损坏，无法读取")))?;
    Ok(Checked { bytes, header, image })
}

/// Read a picked file: its size from the file system first (a huge file is never read), then
/// [`decode`].
///
/// Errors: `Invalid` naming `field` (unreadable, too large, not PNG/JPEG, too many pixels, corrupt).
pub fn read(field: &str, label: &str, path: &Path) -> Result<Checked> {
    let unreadable = |e: std::io::Error| AppError::invalid(field, format!("无法读取 {}：{e}", path.display()));
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    domain::image::check_size(field, label, meta.len(), &LIMITS)?;
    let bytes = std::fs::read(path).map_err(unreadable)?;
    decode(field, label, bytes)
}

/// The file name of a picked path, for display ("logo.png").
pub fn file_name(path: &Path) -> String {
    path.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = include_bytes!("../../notices/assets/sample-logo.png");

    fn file(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    }

    #[test]
    fn a_good_png_decodes_with_its_header_dimensions() {
        let dir = tempfile::tempdir().expect("tmp");
        let c = read("logo", "徽标", &file(dir.path(), "logo.png", PNG)).expect("png");
        assert_eq!(c.header.format, domain::image::Format::Png);
        assert_eq!((c.image.width(), c.image.height()), (c.header.width, c.header.height));
        assert_eq!(c.bytes, PNG);
        assert_eq!(file_name(&dir.path().join("logo.png")), "logo.png");
    }

    #[test]
    fn corrupt_foreign_and_huge_images_are_refused_by_name() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut bomb = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        bomb.extend_from_slice(&60_000u32.to_be_bytes());
        bomb.extend_from_slice(&60_000u32.to_be_bytes());
        bomb.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        // A valid header over a broken body: the header passes, the decode does not.
        let mut broken_body = PNG[..PNG.len() / 2].to_vec();
        broken_body.extend_from_slice(&[0; 64]);
        for (name, bytes, why) in [
            ("a.png", &PNG[..PNG.len() / 2], "已损坏"),
            ("b.png", &broken_body[..], "已损坏"),
            ("c.gif", &b"GIF89a\x01\x00\x01\x00\x80\x00\x00"[..], "不是 JPEG 或 PNG"),
            ("d.png", &bomb[..], "60000×60000"),
            ("e.png", &b""[..], "文件为空"),
        ] {
            let e = read("floor_plan", &format!("户型图 {name}"), &file(dir.path(), name, bytes)).expect_err(why);
            assert_eq!(e.field.as_deref(), Some("floor_plan"), "{name}");
            assert!(e.message.contains(name) && e.message.contains(why), "{name}: {}", e.message);
        }
        let e = read("photo", "照片", &dir.path().join("missing.jpg")).expect_err("missing");
        assert!(e.message.contains("无法读取"), "{}", e.message);
    }

    #[test]
    fn an_oversized_file_is_refused_from_its_length_without_reading_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("big.jpg");
        // A sparse file one byte over the limit: refused by its length, never read.
        std::fs::File::create(&p)
            .and_then(|f| f.set_len(LIMITS.max_bytes + 1))
            .expect("sparse");
        let e = read("logo", "徽标", &p).expect_err("too big");
        assert!(e.message.contains("文件过大") && e.message.contains("10 MB"), "{}", e.message);
    }
}
