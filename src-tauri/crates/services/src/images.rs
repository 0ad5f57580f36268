//! Every image the app accepts — logo, seal, floor plans, defect photos, signatures — goes through
//! here: the one check of [`domain::image`] (PNG/JPEG by magic bytes, file size, pixel dimensions
//! from the header, one set of limits) before anything is decoded, then the decode itself. Images
//! arrive as their content from the page ([`Upload`]), never as a path to read; the size is
//! checked from the base64 text's length before it is decoded.

use base64::Engine;
use domain::image::{Header, Upload, LIMITS};
use domain::{AppError, Result};

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

/// Check and decode an image the page sent as its content: its length first (a huge file is
/// refused before it is decoded from base64), then [`decode`].
///
/// Errors: `Invalid` naming `field` (not base64, too large, not PNG/JPEG, too many pixels, corrupt).
pub fn upload(field: &str, label: &str, up: &Upload) -> Result<Checked> {
    decode(field, label, bytes(field, label, up, LIMITS.max_bytes)?)
}

/// The bytes of an upload of at most `max_bytes`, checked by length before decoding the base64.
///
/// Errors: `Invalid` naming `field` (too large; not base64).
pub fn bytes(field: &str, label: &str, up: &Upload, max_bytes: u64) -> Result<Vec<u8>> {
    domain::image::check_size(field, label, up.decoded_len(), &domain::image::Limits { max_bytes, ..LIMITS })?;
    base64::engine::general_purpose::STANDARD
        .decode(up.data_base64.as_bytes())
        .map_err(|_| AppError::invalid(field, format!("{label}文件内容无法解码")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = include_bytes!("../../notices/assets/sample-logo.png");

    fn up(name: &str, bytes: &[u8]) -> Upload {
        Upload {
            file_name: name.into(),
            data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    #[test]
    fn a_good_png_decodes_with_its_header_dimensions() {
        let c = upload("logo", "徽标", &up("logo.png", PNG)).expect("png");
        assert_eq!(c.header.format, domain::image::Format::Png);
        assert_eq!((c.image.width(), c.image.height()), (c.header.width, c.header.height));
        assert_eq!(c.bytes, PNG);
    }

    #[test]
    fn corrupt_foreign_and_huge_images_are_refused_by_name() {
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
            let label = format!("户型图 {name}");
            let e = upload("floor_plan", &label, &up(name, bytes)).expect_err(why);
            assert_eq!(e.field.as_deref(), Some("floor_plan"), "{name}");
            assert!(e.message.contains(name) && e.message.contains(why), "{name}: {}", e.message);
        }
        let garbled = Upload {
            file_name: "x.jpg".into(),
            data_base64: "not base64!".into(),
        };
        let e = upload("photos[0]", "照片 x.jpg", &garbled).expect_err("not base64");
        assert_eq!(e.field.as_deref(), Some("photos[0]"));
        assert!(e.message.contains("无法解码"), "{}", e.message);
    }

    #[test]
    fn an_oversized_upload_is_refused_from_its_length_without_decoding_it() {
        // One byte over the limit, as base64 text that is not even valid: refused by length.
        let chars = usize::try_from((LIMITS.max_bytes + 3) / 3 * 4).expect("fits");
        let big = Upload {
            file_name: "big.jpg".into(),
            data_base64: "!".repeat(chars),
        };
        let e = upload("logo", "徽标", &big).expect_err("too big");
        assert!(e.message.contains("文件过大") && e.message.contains("10 MB"), "{}", e.message);
        let e = bytes("seal", "公章", &up("s.png", &[0; 3000]), 2048).expect_err("over a smaller limit");
        assert_eq!(e.field.as_deref(), Some("seal"));
    }
}
