//! Batch rendering: many documents of one kind laid out in parallel on all cores, with progress,
//! cancel, and per-item failures that do not stop the rest. The result is either one combined PDF
//! (font embedded once, subset over all of it) or one PDF per item.

use crate::layout::{combine, Letterhead, Part, Sheet};
use crate::NoticeError;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Progress and cancel shared with the caller (the app's progress bar, a CLI counter).
#[derive(Debug, Default)]
pub struct Control {
    done: AtomicUsize,
    cancel: AtomicBool,
}

impl Control {
    pub fn new() -> Self {
        Control::default()
    }
    /// Items finished so far (rendered or failed).
    pub fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }
    /// Ask the workers to stop after the item each is on.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// One item that could not be rendered, named for the user ("1栋 1-101 王伟").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub label: String,
    pub error: NoticeError,
}

/// What a batch produced.
#[derive(Debug, Default)]
pub struct Output {
    /// Combined: one entry (the batch's title, the PDF). Per item: (file stem, PDF) in input order.
    pub files: Vec<(String, Vec<u8>)>,
    pub failures: Vec<Failure>,
    pub pages: usize,
}

/// How to lay one item out, and what to call it.
pub trait BatchDocument: Sync {
    /// Label in failure reports and file names ("1栋-1-101-王伟").
    fn label(&self) -> String;
    fn layout(&self) -> Result<Sheet, NoticeError>;
}

/// Lay out every item on `threads` workers (at least one), calling `progress(done, total)` after
/// each; then serialize combined or per item. A cancelled batch returns `Err(Cancelled)` and
/// nothing else. A panic while laying out or writing one item is caught and reported as that
/// item's failure (`Internal`); the rest still print.
///
/// Errors: `Cancelled`; `Internal` when writing the combined PDF panics.
pub fn render<T: BatchDocument>(
    title: &str,
    letterhead: &Letterhead,
    items: &[T],
    combined: bool,
    threads: usize,
    control: &Control,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Output, NoticeError> {
    let total = items.len();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Result<Part, NoticeError>)>> = Mutex::new(Vec::with_capacity(total));
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, 64) {
            scope.spawn(|| {
                let mut mine = Vec::new();
                loop {
                    if control.is_cancelled() {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let laid =
                        catch_unwind(AssertUnwindSafe(|| item.layout().and_then(Sheet::into_part))).unwrap_or(Err(NoticeError::Internal));
                    mine.push((i, laid));
                    let done = control.done.fetch_add(1, Ordering::Relaxed) + 1;
                    progress(done, total);
                }
                if let Ok(mut all) = results.lock() {
                    all.extend(mine);
                }
            });
        }
    });
    if control.is_cancelled() {
        return Err(NoticeError::Cancelled);
    }
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(i, _)| *i);
    let mut out = Output::default();
    let mut parts = Vec::new();
    let mut page_counts = std::collections::HashMap::new();
    for (i, r) in results {
        match r {
            Ok(part) => {
                out.pages += part.page_count();
                page_counts.insert(i, part.page_count());
                parts.push((i, part));
            }
            Err(error) => out.failures.push(Failure {
                label: items.get(i).map(BatchDocument::label).unwrap_or_default(),
                error,
            }),
        }
    }
    if combined {
        if !parts.is_empty() {
            let all = parts.into_iter().map(|(_, p)| p).collect();
            let bytes = catch_unwind(AssertUnwindSafe(|| combine(title, letterhead, all))).map_err(|_| NoticeError::Internal)?;
            out.files.push((title.to_string(), bytes));
        }
    } else {
        // Serializing (font subsetting) is most of the cost: spread it over the workers too.
        type Written = (usize, String, Option<Vec<u8>>);
        let files: Mutex<Vec<Written>> = Mutex::new(Vec::with_capacity(parts.len()));
        let queue = Mutex::new(parts);
        std::thread::scope(|scope| {
            for _ in 0..threads.clamp(1, 64) {
                scope.spawn(|| loop {
                    let job = queue.lock().ok().and_then(|mut q| q.pop());
                    let Some((i, part)) = job else { break };
                    let bytes = catch_unwind(AssertUnwindSafe(|| combine(title, letterhead, vec![part]))).ok();
                    let stem = items.get(i).map(BatchDocument::label).unwrap_or_default();
                    if let Ok(mut f) = files.lock() {
                        f.push((i, stem, bytes));
                    }
                });
            }
        });
        let mut files = files.into_inner().unwrap_or_default();
        files.sort_by_key(|(i, _, _)| *i);
        for (i, stem, bytes) in files {
            match bytes {
                Some(b) => out.files.push((stem, b)),
                None => {
                    out.pages = out.pages.saturating_sub(page_counts.get(&i).copied().unwrap_or(0));
                    out.failures.push(Failure {
                        label: stem,
                        error: NoticeError::Internal,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// A safe file stem from a label: path separators and reserved characters become "-".
pub fn file_stem(label: &str) -> String {
    let s: String = label
        .chars()
        .map(|c| if "/\\:*?\"<>| \t".contains(c) || c.is_control() { '-' } else { c })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "未命名".into()
    } else {
        s
    }
}

impl BatchDocument for crate::move_in_notice::MoveInNotice {
    fn label(&self) -> String {
        file_stem(&format!("{}-{}", self.unit, self.owners.first().cloned().unwrap_or_default()))
    }
    fn layout(&self) -> Result<Sheet, NoticeError> {
        crate::move_in_notice::layout(self)
    }
}
