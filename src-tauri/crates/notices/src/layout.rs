//! A small layout helper that reads like a form: a sheet of A4/A5 with a letterhead, titles,
//! key–value grids, tables whose header repeats on each new page, wrapping Chinese text by width,
//! amounts aligned right, signature lines, page numbers, and copies (联).

use crate::{check_text, font, NoticeError};
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, RawImage, Rgb,
    TextItem, XObject, XObjectId, XObjectTransform,
};
use std::sync::Arc;

/// Paper sizes (width, height) in mm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Paper {
    A4,
    A5Landscape,
}

impl Paper {
    fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::A5Landscape => (210.0, 148.0),
        }
    }
}

/// Horizontal alignment inside a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// The company's letterhead from settings: name, address, service phone, and optional logo and
/// seal images.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letterhead {
    pub company: String,
    pub address: String,
    pub phone: String,
    /// Printed at the left of the letterhead, 12 mm high.
    pub logo: Option<Image>,
    /// Printed over the company's signature line, 36 mm across.
    pub seal: Option<Image>,
}

/// A decoded PNG or JPEG (logo, seal), shared between documents without copying its pixels.
#[derive(Clone)]
pub struct Image {
    raw: Arc<RawImage>,
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
    fn aspect(&self) -> f32 {
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

/// Resource names shared by every document and every part of a combined batch PDF.
const FONT_ID: &str = "F1";
const LOGO_ID: &str = "Logo";
const SEAL_ID: &str = "Seal";

/// The pages of one laid-out document, page numbers already drawn, ready to be serialized alone
/// or combined with others into one batch PDF (see [`combine`]).
pub struct Part {
    pages: Vec<Vec<Op>>,
    paper: Paper,
    images: Vec<(String, Image)>,
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

/// A column of a table: title, width in mm, alignment.
#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    pub width: f32,
    pub align: Align,
}

impl Column {
    pub fn new(title: &str, width: f32, align: Align) -> Self {
        Column {
            title: title.into(),
            width,
            align,
        }
    }
}

const MARGIN: f32 = 15.0;
const PT_PER_MM: f32 = 72.0 / 25.4;

/// Width of `text` at `size` pt, in mm, from the font's advances.
pub fn text_width(text: &str, size: f32) -> f32 {
    let Ok(f) = font() else { return 0.0 };
    let upem = f32::from(f.font_metrics.units_per_em.max(1));
    let units: f32 = text
        .chars()
        .map(|c| {
            f.lookup_glyph_index(u32::from(c))
                .map(|g| f32::from(f.get_horizontal_advance(g)))
                .unwrap_or(upem / 2.0)
        })
        .sum();
    units / upem * size / PT_PER_MM
}

/// Break `text` into lines no wider than `width` mm (Chinese breaks anywhere; Latin words are kept
/// whole where they fit).
pub fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for ch in para.chars() {
            let candidate = format!("{line}{ch}");
            if !line.is_empty() && text_width(&candidate, size) > width {
                lines.push(std::mem::take(&mut line));
            }
            line.push(ch);
        }
        lines.push(line);
    }
    lines
}

/// One document being laid out: pages of operations, a cursor moving down the page.
pub struct Sheet {
    paper: Paper,
    font: FontId,
    title: String,
    pages: Vec<Vec<Op>>,
    y: f32,
    header: Option<(Vec<Column>, f32)>,
    letterhead: Letterhead,
    copy_mark: Option<String>,
    /// Images drawn in this document besides the logo and seal (photos, signatures), by id.
    images: Vec<(String, Image)>,
    /// The next table row is at least this tall (mm), to fit a thumbnail.
    min_row: f32,
}

impl Sheet {
    /// A new document; the first page starts with the letterhead.
    pub fn new(title: &str, paper: Paper, letterhead: Letterhead) -> Result<Sheet, NoticeError> {
        font()?;
        let mut s = Sheet {
            paper,
            font: FontId(FONT_ID.into()),
            title: title.to_string(),
            pages: vec![],
            y: 0.0,
            header: None,
            letterhead,
            copy_mark: None,
            images: vec![],
            min_row: 0.0,
        };
        s.new_page()?;
        Ok(s)
    }

    fn height(&self) -> f32 {
        self.paper.size().1
    }

    fn width(&self) -> f32 {
        self.paper.size().0 - 2.0 * MARGIN
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(vec![]);
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Start the next copy (联) of the same form on a fresh page, marked e.g. "第二联 财务记账".
    pub fn start_copy(&mut self, mark: &str) -> Result<(), NoticeError> {
        self.copy_mark = Some(mark.to_string());
        if self.y > MARGIN + 30.0 {
            self.new_page()?;
        } else {
            self.copy_marker()?;
        }
        Ok(())
    }

    fn copy_marker(&mut self) -> Result<(), NoticeError> {
        if let Some(mark) = self.copy_mark.clone() {
            let x = self.paper.size().0 - MARGIN - text_width(&mark, 9.0);
            self.text_at(x, MARGIN - 6.0, 9.0, &mark)?;
        }
        Ok(())
    }

    /// A new page with the letterhead; a running table's header is repeated.
    pub fn new_page(&mut self) -> Result<(), NoticeError> {
        self.pages.push(vec![]);
        self.y = MARGIN;
        let lh = self.letterhead.clone();
        if !lh.company.is_empty() {
            if let Some(logo) = &lh.logo {
                let h = 12.0;
                self.image(LOGO_ID, logo, MARGIN, self.y + h, h);
            }
            self.centered(14.0, &lh.company)?;
            let contact = [lh.address.as_str(), lh.phone.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("   服务电话：");
            if !contact.is_empty() {
                self.centered(9.0, &contact)?;
            }
            self.rule(0.6);
            self.y += 3.0;
        }
        self.copy_marker()?;
        if let Some((cols, size)) = self.header.clone() {
            self.table_row_inner(&cols, &cols.iter().map(|c| c.title.clone()).collect::<Vec<_>>(), size, true)?;
        }
        Ok(())
    }

    /// Leave room for `mm` more, breaking the page if needed.
    pub fn need(&mut self, mm: f32) -> Result<(), NoticeError> {
        if self.y + mm > self.height() - MARGIN - 8.0 {
            self.new_page()?;
        }
        Ok(())
    }

    fn text_at(&mut self, x: f32, y_from_top: f32, size: f32, text: &str) -> Result<(), NoticeError> {
        check_text(text)?;
        let y = self.height() - y_from_top;
        let font = self.font.clone();
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Mm(x).into(),
                    y: Mm(y).into(),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
        Ok(())
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32) {
        let h = self.height();
        let p = |x: f32, y: f32| LinePoint {
            p: Point {
                x: Mm(x).into(),
                y: Mm(h - y).into(),
            },
            bezier: false,
        };
        self.ops().extend([
            Op::SetOutlineColor {
                col: Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)),
            },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![p(x1, y1), p(x2, y2)],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A full-width horizontal rule at the cursor.
    pub fn rule(&mut self, thickness: f32) {
        let (x2, y) = (self.paper.size().0 - MARGIN, self.y);
        self.line(MARGIN, y, x2, y, thickness);
    }

    /// A centred line of text.
    pub fn centered(&mut self, size: f32, text: &str) -> Result<(), NoticeError> {
        let line_h = size / PT_PER_MM * 1.5;
        self.need(line_h)?;
        self.y += line_h;
        let x = (self.paper.size().0 - text_width(text, size)) / 2.0;
        self.text_at(x, self.y - line_h * 0.25, size, text)
    }

    /// The document's title, large and centred.
    pub fn title(&mut self, text: &str) -> Result<(), NoticeError> {
        self.y += 2.0;
        self.centered(16.0, text)?;
        self.y += 2.0;
        Ok(())
    }

    /// A paragraph wrapped to the page width.
    pub fn paragraph(&mut self, size: f32, text: &str) -> Result<(), NoticeError> {
        let line_h = size / PT_PER_MM * 1.5;
        let width = self.width();
        for line in wrap(text, size, width) {
            self.need(line_h)?;
            self.y += line_h;
            self.text_at(MARGIN, self.y - line_h * 0.25, size, &line)?;
        }
        Ok(())
    }

    /// Label–value pairs in `columns` columns, values wrapping inside their cell.
    pub fn fields(&mut self, size: f32, columns: usize, pairs: &[(&str, String)]) -> Result<(), NoticeError> {
        let cols = columns.max(1);
        let cell = self.width() / cols as f32;
        for chunk in pairs.chunks(cols) {
            let lines: Vec<Vec<String>> = chunk.iter().map(|(k, v)| wrap(&format!("{k}：{v}"), size, cell - 2.0)).collect();
            let n = lines.iter().map(Vec::len).max().unwrap_or(1);
            let line_h = size / PT_PER_MM * 1.5;
            self.need(line_h * n as f32)?;
            for (i, cell_lines) in lines.iter().enumerate() {
                for (j, l) in cell_lines.iter().enumerate() {
                    self.text_at(MARGIN + cell * i as f32, self.y + line_h * (j as f32 + 0.75), size, l)?;
                }
            }
            self.y += line_h * n as f32;
        }
        Ok(())
    }

    /// Begin a table: draw its header, and repeat it on every page until [`Sheet::end_table`].
    pub fn table(&mut self, columns: Vec<Column>, size: f32) -> Result<(), NoticeError> {
        self.y += 2.0;
        self.table_row_inner(&columns, &columns.iter().map(|c| c.title.clone()).collect::<Vec<_>>(), size, true)?;
        self.header = Some((columns, size));
        Ok(())
    }

    pub fn end_table(&mut self) {
        self.header = None;
    }

    /// One row of the running table; cells wrap, the row grows to its tallest cell.
    pub fn row(&mut self, cells: &[String]) -> Result<(), NoticeError> {
        let (cols, size) = self
            .header
            .clone()
            .ok_or_else(|| NoticeError::MissingData { what: "表头".into() })?;
        self.table_row_inner(&cols, cells, size, false)
    }

    fn table_row_inner(&mut self, cols: &[Column], cells: &[String], size: f32, header: bool) -> Result<(), NoticeError> {
        let pad = 1.2;
        let line_h = size / PT_PER_MM * 1.35;
        let wrapped: Vec<Vec<String>> = cols.iter().zip(cells).map(|(c, t)| wrap(t, size, c.width - 2.0 * pad)).collect();
        let n = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = (line_h * n as f32 + 2.0 * pad).max(if header { 0.0 } else { self.min_row });
        if self.y + h > self.height() - MARGIN - 8.0 {
            self.new_page()?;
            if header {
                // The header was just drawn by new_page for a running table; for a new table, draw it now.
                if self.header.is_some() {
                    return Ok(());
                }
            }
        }
        let top = self.y;
        let mut x = MARGIN;
        for (c, lines) in cols.iter().zip(&wrapped) {
            for (j, l) in lines.iter().enumerate() {
                let w = text_width(l, size);
                let tx = match c.align {
                    Align::Left => x + pad,
                    Align::Right => x + c.width - pad - w,
                    Align::Center => x + (c.width - w) / 2.0,
                };
                self.text_at(tx, top + pad + line_h * (j as f32 + 0.8), size, l)?;
            }
            x += c.width;
        }
        let right = MARGIN + cols.iter().map(|c| c.width).sum::<f32>();
        let thick = if header { 0.8 } else { 0.3 };
        self.line(MARGIN, top, right, top, thick);
        self.line(MARGIN, top + h, right, top + h, thick);
        self.y = top + h;
        Ok(())
    }

    /// Register a per-document image and return its id.
    fn add_image(&mut self, img: &Image) -> String {
        if let Some((id, _)) = self.images.iter().find(|(_, i)| i == img) {
            return id.clone();
        }
        let id = format!("I{}", self.images.len());
        self.images.push((id.clone(), img.clone()));
        id
    }

    /// A row of the running table with an image (a photo thumbnail) in its last column; the row
    /// is at least `height` mm tall.
    pub fn row_with_image(&mut self, cells: &[String], image: Option<&Image>, height: f32) -> Result<(), NoticeError> {
        let (cols, _) = self
            .header
            .clone()
            .ok_or_else(|| NoticeError::MissingData { what: "表头".into() })?;
        self.min_row = if image.is_some() { height } else { 0.0 };
        let r = self.row(cells);
        self.min_row = 0.0;
        r?;
        if let Some(img) = image {
            let id = self.add_image(img);
            let x = MARGIN + cols.iter().take(cols.len().saturating_sub(1)).map(|c| c.width).sum::<f32>() + 1.2;
            let bottom = self.y - 1.2;
            let h = (height - 2.4).min(cols.last().map(|c| (c.width - 2.4) / img.aspect().max(0.1)).unwrap_or(height));
            self.image(&id, img, x, bottom, h);
        }
        Ok(())
    }

    /// Signature lines with, where given, a captured signature image drawn over the line.
    pub fn signatures_with(&mut self, who: &[&str], images: &[Option<&Image>]) -> Result<(), NoticeError> {
        self.signatures(who)?;
        let cell = self.width() / who.len().max(1) as f32;
        let line_y = self.y - 10.0 + 1.0;
        for (i, img) in images.iter().enumerate() {
            if let Some(img) = img {
                let id = self.add_image(img);
                let label_w = text_width(&format!("{}（签字）：", who.get(i).copied().unwrap_or("")), 10.0);
                let x = MARGIN + cell * i as f32 + label_w;
                let h = 12.0_f32.min((cell - label_w - 4.0) / img.aspect().max(0.1));
                self.image(&id, img, x, line_y, h);
            }
        }
        Ok(())
    }

    /// Signature lines side by side: "买受人（签字）：________  日期：____".
    pub fn signatures(&mut self, who: &[&str]) -> Result<(), NoticeError> {
        self.need(22.0)?;
        self.y += 14.0;
        let cell = self.width() / who.len().max(1) as f32;
        for (i, w) in who.iter().enumerate() {
            let x = MARGIN + cell * i as f32;
            let label = format!("{w}（签字）：");
            self.text_at(x, self.y, 10.0, &label)?;
            let lx = x + text_width(&label, 10.0);
            let y = self.y + 1.0;
            self.line(lx, y, x + cell - 4.0, y, 0.4);
            self.text_at(x, self.y + 7.0, 10.0, "日期：      年    月    日")?;
        }
        if let Some(seal) = self.letterhead.seal.clone() {
            // The company signs last: its seal overlaps the last signature line, as stamped by hand.
            let size = 36.0;
            let x = MARGIN + cell * (who.len().max(1) - 1) as f32 + cell / 2.0 - size * seal.aspect() / 2.0;
            self.image(SEAL_ID, &seal, x, self.y + 16.0, size);
        }
        self.y += 10.0;
        Ok(())
    }

    /// Draw `img` with its bottom-left corner at (`x`, `bottom`) mm from the top-left, `height` mm high.
    fn image(&mut self, id: &str, img: &Image, x: f32, bottom: f32, height: f32) {
        let dpi = img.raw.height as f32 * 25.4 / height;
        let y = self.height() - bottom;
        self.ops().push(Op::UseXobject {
            id: XObjectId(id.into()),
            transform: XObjectTransform {
                translate_x: Some(Mm(x).into()),
                translate_y: Some(Mm(y).into()),
                dpi: Some(dpi),
                ..XObjectTransform::default()
            },
        });
    }

    /// Serialize this document alone (page numbers added, font subset).
    ///
    /// Errors: `MissingGlyph` (page-number text; never in practice).
    pub fn finish(self) -> Result<Vec<u8>, NoticeError> {
        let title = self.title.clone();
        let letterhead = self.letterhead.clone();
        let part = self.into_part()?;
        Ok(combine(&title, &letterhead, vec![part]))
    }

    /// Finish as a [`Part`] of a combined PDF: page numbers "第 n 页 / 共 N 页" count this
    /// document's pages only.
    ///
    /// Errors: as [`Sheet::finish`].
    pub fn into_part(mut self) -> Result<Part, NoticeError> {
        let total = self.pages.len();
        let (w, h) = self.paper.size();
        let font = self.font.clone();
        for (i, ops) in self.pages.iter_mut().enumerate() {
            let text = format!("第 {} 页 / 共 {} 页", i + 1, total);
            check_text(&text)?;
            let x = (w - text_width(&text, 8.0)) / 2.0;
            ops.extend([
                Op::StartTextSection,
                Op::SetFont {
                    font: PdfFontHandle::External(font.clone()),
                    size: Pt(8.0),
                },
                Op::SetTextCursor {
                    pos: Point {
                        x: Mm(x).into(),
                        y: Mm(8.0).into(),
                    },
                },
                Op::ShowText {
                    items: vec![TextItem::Text(text)],
                },
                Op::EndTextSection,
            ]);
        }
        let _ = h;
        Ok(Part {
            pages: std::mem::take(&mut self.pages),
            paper: self.paper,
            images: std::mem::take(&mut self.images),
        })
    }

    pub fn cursor(&self) -> f32 {
        self.y
    }
}
