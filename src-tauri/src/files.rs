//! Files the shell writes and opens. The page never names a path: where to save is asked here,
//! in Rust, through a [`Picker`] (the system dialogs in the app, answers given in advance in
//! tests); a save into the database or the app's data folder is refused ([`Protected`]); "print"
//! PDFs go to a private folder for this run ([`PrintFolder`]); and only files written in this
//! session may be opened in the system viewer ([`Files::openable`]).

use domain::{AppError, Result};
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::DialogExt;

/// The kind of file a save dialog offers (its filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Xlsx,
    Pdf,
}

impl Kind {
    /// By the suggested name's extension (`.pdf`, else `.xlsx`).
    pub fn of(name: &str) -> Kind {
        if name.to_lowercase().ends_with(".pdf") {
            Kind::Pdf
        } else {
            Kind::Xlsx
        }
    }

    fn filter(self) -> (&'static str, &'static [&'static str]) {
        match self {
            Kind::Xlsx => ("Excel", &["xlsx"]),
            Kind::Pdf => ("PDF", &["pdf"]),
        }
    }
}

/// What the user is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// Where to save a file, suggesting `name`.
    Save { name: String, kind: Kind },
    /// Which folder to write into.
    Folder { title: String },
}

/// The user's answer: the chosen path, or `None` when they cancelled.
pub type Answer = Pin<Box<dyn Future<Output = Option<PathBuf>> + Send>>;

/// Asks the user where.
pub trait Picker: Send + Sync {
    fn pick(&self, ask: Ask) -> Answer;
}

/// The system's save and folder dialogs (tauri-plugin-dialog's Rust API), over the main window.
pub struct Dialogs<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> Dialogs<R> {
    pub fn new(app: AppHandle<R>) -> Self {
        Dialogs { app }
    }
}

impl<R: Runtime> Picker for Dialogs<R> {
    fn pick(&self, ask: Ask) -> Answer {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let done = move |p: Option<tauri_plugin_dialog::FilePath>| {
            let _ = tx.send(p.and_then(|p| p.into_path().ok()));
        };
        let mut d = self.app.dialog().file();
        if let Some(w) = self.app.get_webview_window("main") {
            d = d.set_parent(&w);
        }
        match ask {
            Ask::Save { name, kind } => {
                let (label, ext) = kind.filter();
                d.set_file_name(name).add_filter(label, ext).save_file(done);
            }
            Ask::Folder { title } => d.set_title(title).set_can_create_directories(true).pick_folder(done),
        }
        Box::pin(async move { rx.await.ok().flatten() })
    }
}

/// Answers given in advance, in order (tests on the mock runtime, where no dialog can show); with
/// none left, the user "cancels". Remembers what was asked.
#[derive(Clone, Default)]
pub struct Preset {
    answers: Arc<Mutex<VecDeque<Option<PathBuf>>>>,
    asked: Arc<Mutex<Vec<Ask>>>,
}

impl Preset {
    /// The answer to the next question (`None`: cancel).
    pub fn answer(&self, a: Option<PathBuf>) {
        if let Ok(mut q) = self.answers.lock() {
            q.push_back(a);
        }
    }

    /// Every question asked so far.
    pub fn asked(&self) -> Vec<Ask> {
        self.asked.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

impl Picker for Preset {
    fn pick(&self, ask: Ask) -> Answer {
        if let Ok(mut a) = self.asked.lock() {
            a.push(ask);
        }
        let next = self.answers.lock().ok().and_then(|mut q| q.pop_front()).flatten();
        Box::pin(async move { next })
    }
}

/// Places a save may never go: the app's data folder (the database), the database's `backups/`
/// folder, and — for a
/// database file elsewhere — the file itself and everything beside it under its name
/// (`handover.db-wal`, `handover.pre-migration-v3.bak`, …).
#[derive(Debug, Clone, Default)]
pub struct Protected {
    folders: Vec<PathBuf>,
    db: Option<PathBuf>,
}

impl Protected {
    pub fn new(app_data: Option<PathBuf>, db: &services::Location) -> Self {
        // The database's backups folder too (full copies of every buyer's data).
        let backups = match db {
            services::Location::File(p) => Some(services::backups::backups_folder(p)),
            _ => None,
        };
        Protected {
            folders: app_data.into_iter().chain(backups).collect(),
            db: match db {
                services::Location::File(p) => Some(p.clone()),
                _ => None,
            },
        }
    }

    /// Errors: `Invalid` on `path` when `target` (a file to write, or a folder to write into) is,
    /// or is inside, a protected place.
    pub fn check(&self, target: &Path) -> Result<()> {
        let t = key(&resolve(target));
        for f in &self.folders {
            if t.starts_with(key(&resolve(f))) {
                return Err(refusal(f));
            }
        }
        if let Some(db) = &self.db {
            let db = key(&resolve(db));
            let stem = db.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            let name = t.file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            let beside = t.parent() == db.parent() && (name == stem || name.starts_with(&format!("{stem}.")));
            if t == db || beside {
                return Err(refusal(db.parent().unwrap_or(&db)));
            }
        }
        Ok(())
    }
}

fn refusal(place: &Path) -> AppError {
    AppError::invalid(
        "path",
        format!(
            "「保存位置」不能是数据库文件或应用数据文件夹（{}）中的位置，请另选一个文件夹",
            place.display()
        ),
    )
}

/// The real location: links and `..` resolved (a file not written yet: its folder resolved).
fn resolve(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    match (p.parent(), p.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => resolve(dir).join(name),
        _ => p.to_path_buf(),
    }
}

/// Paths compared as the file system does: without case on Windows and macOS.
fn key(p: &Path) -> PathBuf {
    if cfg!(any(windows, target_os = "macos")) {
        PathBuf::from(p.to_string_lossy().to_lowercase())
    } else {
        p.to_path_buf()
    }
}

/// Name prefix of the print folders in the system's temporary folder.
const PRINT_PREFIX: &str = "handoverdesk-print-";
/// The file inside a print folder its run holds locked while it lives.
const LOCK: &str = ".lock";

/// The private folder "print" PDFs are written to: one per run, readable by this user only
/// (created 0700 on Unix; the temporary folder is per user on Windows and macOS), with a unique
/// name per file, removed when the app exits ([`PrintFolder::close`]). A run holds `.lock` inside
/// locked, so [`PrintFolder::remove_stale`] tells a live run's folder from one a crash left.
pub struct PrintFolder {
    dir: tempfile::TempDir,
    lock: std::fs::File,
    used: HashSet<String>,
}

impl PrintFolder {
    /// Create this run's folder under `root` (the system's temporary folder in the app).
    ///
    /// Errors: `Io` naming the folder.
    pub fn create(root: &Path) -> Result<PrintFolder> {
        let io = |e: std::io::Error| AppError::io(format!("无法创建打印用的临时文件夹（{}）：{e}", root.display()));
        let mut b = tempfile::Builder::new();
        b.prefix(PRINT_PREFIX);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            b.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let dir = b.tempdir_in(root).map_err(io)?;
        let lock = std::fs::File::create(dir.path().join(LOCK)).map_err(io)?;
        lock.try_lock().map_err(|e| io(std::io::Error::other(e.to_string())))?;
        Ok(PrintFolder {
            dir,
            lock,
            used: HashSet::new(),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path for `name` not used before in this folder: `name`, else `stem-2.ext`, `stem-3.ext`…
    /// (a file still open in a viewer is never overwritten). Only the last part of `name` is used.
    pub fn fresh(&mut self, name: &str) -> PathBuf {
        let name = Path::new(name)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .filter(|n| !n.starts_with('.'))
            .unwrap_or_else(|| "文件.pdf".into());
        let (stem, ext) = match name.rsplit_once('.') {
            Some((s, e)) => (s.to_string(), format!(".{e}")),
            None => (name.clone(), String::new()),
        };
        let mut candidate = name;
        let mut n = 2;
        while !self.used.insert(candidate.clone()) {
            candidate = format!("{stem}-{n}{ext}");
            n += 1;
        }
        self.dir.path().join(candidate)
    }

    /// Remove the folder and everything in it (a file a viewer still holds open on Windows stays
    /// until a later start removes it).
    pub fn close(self) {
        let PrintFolder { dir, lock, .. } = self;
        drop(lock);
        let _ = dir.close();
    }

    /// Remove print folders under `root` that earlier runs of this user left behind (a crash, a
    /// kill, a file held open at exit): real folders (not links) owned by this user whose `.lock`
    /// no running app holds (or, without a `.lock`, untouched for an hour). Another user's
    /// folders and a live run's are left alone. Returns how many were removed.
    pub fn remove_stale(root: &Path) -> usize {
        let Ok(entries) = std::fs::read_dir(root) else { return 0 };
        let Some(me) = owner_id(root) else { return 0 };
        let mut removed = 0;
        for e in entries.flatten() {
            if !e.file_name().to_string_lossy().starts_with(PRINT_PREFIX) {
                continue;
            }
            let path = e.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            if !meta.is_dir() || meta.file_type().is_symlink() || file_owner(&meta) != me {
                continue;
            }
            let abandoned = match std::fs::File::open(path.join(LOCK)) {
                // Free: no running app holds it. The handle closes before the folder is removed.
                Ok(f) => f.try_lock().is_ok(),
                Err(_) => meta
                    .modified()
                    .ok()
                    .and_then(|m| m.elapsed().ok())
                    .is_some_and(|age| age.as_secs() > 3600),
            };
            if abandoned && std::fs::remove_dir_all(&path).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}

/// Who this process runs as, as the file system records it (the owner of a file it creates).
#[cfg(unix)]
fn owner_id(root: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let probe = tempfile::tempfile_in(root).ok()?;
    probe.metadata().ok().map(|m| m.uid())
}

#[cfg(unix)]
fn file_owner(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::MetadataExt;
    meta.uid()
}

/// Windows and macOS give each user a temporary folder of their own.
#[cfg(not(unix))]
fn owner_id(_: &Path) -> Option<u32> {
    Some(0)
}

#[cfg(not(unix))]
fn file_owner(_: &std::fs::Metadata) -> u32 {
    0
}

/// The shell's files: who picks, where saves may not go, the print folder, what was written.
pub struct Files {
    picker: Arc<dyn Picker>,
    protected: Protected,
    /// Where print folders are made (the system's temporary folder).
    print_root: PathBuf,
    print: Mutex<Option<PrintFolder>>,
    /// Files written in this session (saves, prints, batch prints): the only ones `open_file` opens.
    written: Mutex<HashSet<PathBuf>>,
}

impl Files {
    pub fn new(picker: Arc<dyn Picker>, protected: Protected) -> Self {
        Files {
            picker,
            protected,
            print_root: std::env::temp_dir(),
            print: Mutex::new(None),
            written: Mutex::new(HashSet::new()),
        }
    }

    /// Print folders under `root` instead of the system's temporary folder (tests).
    pub fn with_print_root(mut self, root: PathBuf) -> Self {
        self.print_root = root;
        self
    }

    /// Ask where to save `name`; a protected place is refused.
    ///
    /// Errors: `Invalid` on `path` (a protected place).
    pub async fn save_target(&self, name: &str) -> Result<Option<PathBuf>> {
        let ask = Ask::Save {
            name: name.to_string(),
            kind: Kind::of(name),
        };
        let Some(path) = self.picker.pick(ask).await else { return Ok(None) };
        self.protected.check(&path)?;
        Ok(Some(path))
    }

    /// Ask which folder to write into; a protected place is refused.
    ///
    /// Errors: `Invalid` on `path` (a protected place).
    pub async fn folder(&self, title: &str) -> Result<Option<PathBuf>> {
        let Some(dir) = self.picker.pick(Ask::Folder { title: title.to_string() }).await else {
            return Ok(None);
        };
        self.protected.check(&dir)?;
        Ok(Some(dir))
    }

    /// Write `bytes` to `path` whole ([`services::write_file`]) and remember it; returns the path
    /// to show.
    ///
    /// Errors: `Io` naming the path.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<String> {
        services::write_file(path, bytes)?;
        self.remember(path);
        Ok(path.display().to_string())
    }

    /// Write a PDF to this run's print folder under a fresh name (creating the folder the first
    /// time) and remember it.
    ///
    /// Errors: `Io` (the folder cannot be created, the file cannot be written).
    pub fn print(&self, name: &str, pdf: &[u8]) -> Result<PathBuf> {
        let mut folder = self.print.lock().map_err(|_| AppError::internal("print folder lock poisoned"))?;
        if folder.is_none() {
            *folder = Some(PrintFolder::create(&self.print_root)?);
        }
        let path = match folder.as_mut() {
            Some(f) => f.fresh(name),
            None => return Err(AppError::internal("no print folder")),
        };
        services::write_file(&path, pdf)?;
        self.remember(&path);
        Ok(path)
    }

    /// This run's print folder, once something was printed.
    pub fn print_folder(&self) -> Option<PathBuf> {
        self.print.lock().ok()?.as_ref().map(|f| f.path().to_path_buf())
    }

    /// Remember a file written in this session (a batch print's files).
    pub fn remember(&self, path: &Path) {
        if let Ok(mut w) = self.written.lock() {
            w.insert(path.to_path_buf());
        }
    }

    /// `path` if it is a PDF this app wrote in this session and it is still there.
    ///
    /// Errors: `Invalid` on `path` for anything else.
    pub fn openable(&self, path: &str) -> Result<PathBuf> {
        let p = PathBuf::from(path);
        let known = self.written.lock().map(|w| w.contains(&p)).unwrap_or(false);
        let pdf = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
        if !known || !pdf || !p.is_file() {
            return Err(AppError::invalid("path", "只能打开本次运行中由交付台生成的 PDF 文件"));
        }
        Ok(p)
    }

    /// At exit: remove this run's print folder.
    pub fn clean_up(&self) {
        if let Some(f) = self.print.lock().ok().and_then(|mut f| f.take()) {
            f.close();
        }
    }
}
