//! Parts of a batch laid out one by one (in parallel), serialized as one PDF with the font
//! embedded once.

use super::{Image, Letterhead, Paper};
use crate::font;
use printpdf::{FontId, Mm, Op, PdfDocument, PdfFont, PdfPage, PdfSaveOptions, XObject, XObjectId};

/// Resource names shared by every document and every part of a combined batch PDF.
pub(super) const FONT_ID: &str = "F1";
pub(super) const LOGO_ID: &str = "Logo";
pub(super) const SEAL_ID: &str = "Seal";

/// The pages of one laid-out document, page numbers already drawn, ready to be serialized alone
/// or combined with others into one batch PDF (see [`combine`]).
pub struct Part {
    pub(super) pages: Vec<Vec<Op>>,
    pub(super) paper: Paper,
    pub(super) images: Vec<(String, Image)>,
}

impl Part {
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }
}

/// Serialize parts (laid out in parallel, say) as one PDF, the font embedded once and subset over
/// every part's text.
pub fn combine(title: &str, letterhead: &Letterhead, parts: Vec<Part>) -> Vec<u8> {
    let mut doc = PdfDocument::new(title);
    if let Ok(f) = font() {
        doc.resources.fonts.map.insert(FontId(FONT_ID.into()), PdfFont::new(f.clone()));
    }
    if let Some(logo) = &letterhead.logo {
        doc.resources
            .xobjects
            .map
            .insert(XObjectId(LOGO_ID.into()), XObject::Image((*logo.raw).clone()));
    }
    if let Some(seal) = &letterhead.seal {
        doc.resources
            .xobjects
            .map
            .insert(XObjectId(SEAL_ID.into()), XObject::Image((*seal.raw).clone()));
    }
    for (n, part) in parts.iter().enumerate() {
        for (id, img) in &part.images {
            doc.resources
                .xobjects
                .map
                .insert(XObjectId(format!("P{n}-{id}")), XObject::Image((*img.raw).clone()));
        }
    }
    let pages = parts
        .into_iter()
        .enumerate()
        .map(|(n, part)| {
            let prefix = format!("P{n}-");
            let pages: Vec<Vec<Op>> = part
                .pages
                .into_iter()
                .map(|ops| {
                    ops.into_iter()
                        .map(|op| match op {
                            // Per-document images get a part prefix so parts never collide.
                            Op::UseXobject { id, transform } if id.0.starts_with("I") => Op::UseXobject {
                                id: XObjectId(format!("{prefix}{}", id.0)),
                                transform,
                            },
                            op => op,
                        })
                        .collect()
                })
                .collect();
            (part.paper, pages)
        })
        .flat_map(|(paper, pages)| {
            let (w, h) = paper.size();
            pages.into_iter().map(move |ops| PdfPage::new(Mm(w), Mm(h), ops))
        })
        .collect();
    let opts = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    doc.with_pages(pages).save(&opts, &mut Vec::new())
}
