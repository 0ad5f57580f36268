//! Images on the letterhead (logo, seal) and in documents (photos, signatures): checked by the
//! one image check, decoded once and shared between documents without copying their pixels.

use crate::NoticeError;
use printpdf::RawImage;
use std::sync::Arc;

/// A decoded PNG or JPEG (logo, seal), shared between documents without copying its pixels.
#[derive(Clone)]
pub struct Image {
    pub(super) raw: Arc<RawImage>,
    digest: (usize, usize, u64),
}

/// Largest image file accepted: the one limit of [`domain::image::LIMITS`] (kept for callers).
pub const MAX_IMAGE_BYTES: usize = domain::image::LIMITS.max_bytes as usize;

impl Image {
    /// Decode a PNG or JPEG file's bytes; `what` names it in errors ("徽标", "公章"). The bytes
    /// pass the one image check first ([`domain::image::check`]: magic bytes, file size, pixel
    /// dimensions from the header), so nothing is decoded that the limits refuse.
    ///
    /// Errors: `BadImage` when the file is empty, too large, not PNG/JPEG, too many pixels, or corrupt.
    pub fn decode(bytes: &[u8], what: &str) -> Result<Image, NoticeError> {
        let bad = |reason: &str| NoticeError::BadImage {
            what: what.to_string(),
            reason: reason.to_string(),
        };
        domain::image::check("image", "", bytes).map_err(|e| bad(&e.message))?;
        let raw = RawImage::decode_from_bytes(bytes, &mut Vec::new()).map_err(|_| bad("已损坏，无法读取"))?;
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        Ok(Image {
            digest: (raw.width, raw.height, h),
            raw: Arc::new(raw),
        })
    }

    /// Width over height.
    pub(super) fn aspect(&self) -> f32 {
        self.raw.width as f32 / self.raw.height.max(1) as f32
    }
}

impl PartialEq for Image {
    fn eq(&self, other: &Self) -> bool {
        self.digest == other.digest
    }
}
impl Eq for Image {}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Image({}×{})", self.raw.width, self.raw.height)
    }
}
