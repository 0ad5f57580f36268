//! HandoverDesk application services: the one place where a request is checked against the
//! signed-in role, validated, written through the store with its audit line, and masked for the
//! role on the way out. The Tauri shell and the `handover` CLI are thin adapters over [`Services`].

pub mod backups;
pub mod bindings;
pub mod finance;
pub mod images;
pub mod inspection;
pub mod move_in;
mod office;
pub mod records;
mod sessions;
mod users;

pub use store::Location;
pub mod db;
pub use users::{ChangePassword, FirstAdmin, NewUserRequest, SetupStatus, SignIn, UpdateUserRequest};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use domain::office_time::Tz;
use domain::role::Session;
use std::path::Path;
use std::sync::Arc;
use store::{Actor, Store};

/// Where "now" comes from, as a UTC instant: the system clock in the app, a fixed instant in
/// tests. What day and hour that is in the office comes from the office's time zone
/// ([`Services::office_today`]).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

/// The services over one store.
#[derive(Clone)]
pub struct Services {
    store: Store,
    clock: Clock,
    /// Fee rules in force: the shipped files plus finance's latest edits (replaced on each edit).
    rules: Arc<std::sync::RwLock<Arc<::fees::rules::RuleBook>>>,
    /// The office's time zone (a setting; read at open, replaced when an administrator sets it).
    zone: Arc<std::sync::RwLock<Tz>>,
    /// Who is signed in, and the idle lock.
    sessions: sessions::Sessions,
    /// Where the records are (None: in memory), for backups.
    location: Option<store::Location>,
    /// Why the last automatic backup failed, if it did (shown on 备份与恢复).
    backup_warning: Arc<std::sync::Mutex<Option<String>>>,
}

impl Services {
    /// Services over a store with the shipped fee rules (call [`Services::open`] or
    /// [`Services::in_memory`] to also load the rule edits saved in the database).
    pub fn new(store: Store, clock: Clock) -> Self {
        // The shipped files are checked by tests; should one ever fail to parse, quotes report
        // "unknown region" instead of the app failing to start.
        let book = ::fees::rules::RuleBook::shipped().unwrap_or_default();
        Services {
            store,
            clock,
            rules: Arc::new(std::sync::RwLock::new(Arc::new(book))),
            zone: Arc::new(std::sync::RwLock::new(domain::office_time::DEFAULT_ZONE)),
            sessions: sessions::Sessions::default(),
            location: None,
            backup_warning: Arc::default(),
        }
    }

    /// Open the records (a SQLite file, created and migrated if needed, or a PostgreSQL URL) with
    /// the system clock.
    ///
    /// Errors: as [`Store::open_at`] (a bad URL, an unreachable server or a refused password name
    /// the field `db`).
    pub async fn open(db: impl Into<store::Location>) -> domain::Result<Services> {
        let location = db.into();
        let (store, _) = Store::open_at(&location).await?;
        Services::opened(store, location).await
    }

    /// Open records that must exist already: a missing database file is reported (never
    /// replaced by an empty one), as is a damaged one.
    ///
    /// Errors: as [`Services::open`]; `NotFound` on `db` for a missing file.
    pub async fn open_existing(db: impl Into<store::Location>) -> domain::Result<Services> {
        let location = db.into();
        let (store, _) = Store::open_existing_at(&location).await?;
        Services::opened(store, location).await
    }

    /// The same services, told where their records are (tests that open a file with their own clock).
    #[cfg(test)]
    pub(crate) fn at_location(mut self, location: store::Location) -> Services {
        self.location = Some(location);
        self
    }

    async fn opened(store: Store, location: store::Location) -> domain::Result<Services> {
        let mut services = Services::new(store, system_clock());
        services.location = Some(location);
        services.load_rules().await?;
        services.load_zone().await?;
        services.load_idle_lock().await?;
        Ok(services)
    }

    /// A private in-memory database (tests, demos).
    ///
    /// Errors: `Storage` if SQLite cannot start.
    pub async fn in_memory(clock: Clock) -> domain::Result<Services> {
        let services = Services::new(Store::open_in_memory().await?, clock);
        services.load_rules().await?;
        services.load_zone().await?;
        services.load_idle_lock().await?;
        Ok(services)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The office's wall clock now (with its UTC offset, e.g. `+08:00`).
    fn now(&self) -> DateTime<FixedOffset> {
        domain::office_time::office_now((self.clock)(), self.zone())
    }

    /// Today's date in the office's time zone.
    fn today(&self) -> NaiveDate {
        domain::office_time::office_today((self.clock)(), self.zone())
    }

    fn actor(&self, s: &Session) -> Actor {
        Actor {
            user_id: Some(s.user_id),
            username: s.username.clone(),
            at: self.now().to_rfc3339(),
        }
    }
}

/// Write an export or a document whole, or not at all: into a uniquely named
/// `<name>.<random>.partial` beside `path` (so two writers never share one), flushed to the disk
/// (`fsync`), then renamed into place; on Unix the folder is flushed after the rename so the new
/// name survives a power cut. A failure removes the partial file; a killed process leaves at most
/// a `.partial` file, never a half-written file under the name the user asked for. The file is
/// created readable by its owner only on Unix (exports hold personal data).
///
/// Errors: `Io` naming the path.
pub fn write_file(path: &Path, bytes: &[u8]) -> domain::Result<()> {
    use std::io::Write;
    let io = |e: std::io::Error| domain::AppError::io(format!("{}：{e}", path.display()));
    let name = path
        .file_name()
        .ok_or_else(|| io(std::io::Error::new(std::io::ErrorKind::InvalidInput, "不是文件名")))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut prefix = name.to_owned();
    prefix.push(".");
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    // On failure the partial file is removed when `e.file` drops.
    tmp.persist(path).map_err(|e| io(e.error))?;
    sync_dir(dir).map_err(io)
}

/// Flush a folder's entries (a rename into it) to the disk. Windows has no such call; NTFS
/// journals the rename itself.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The default database location: `<app data>/handover.db`, the folder the desktop app uses
/// (`$XDG_DATA_HOME/com.handoverdesk.app` on Linux, `%APPDATA%\com.handoverdesk.app` on Windows,
/// `~/Library/Application Support/com.handoverdesk.app` on macOS).
pub fn default_db_path() -> std::path::PathBuf {
    let base = if cfg!(target_os = "windows") {
        std::env::var_os("APPDATA").map(std::path::PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join("Library/Application Support"))
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/share")))
    };
    base.unwrap_or_else(|| std::path::PathBuf::from("."))
        .join(APP_IDENTIFIER)
        .join("handover.db")
}

/// Must equal `identifier` in tauri.conf.json, so the CLI and the app share one database.
pub const APP_IDENTIFIER: &str = "com.handoverdesk.app";

#[cfg(test)]
mod test_support;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod write_tests {
    #[test]
    fn writes_whole_files_and_leaves_nothing_on_failure() {
        let dir = tempfile::tempdir().expect("tmp");
        let ok = dir.path().join("a.xlsx");
        super::write_file(&ok, b"bytes").expect("written");
        assert_eq!(std::fs::read(&ok).expect("read"), b"bytes");
        let bad = dir.path().join("missing-dir/b.xlsx");
        assert_eq!(super::write_file(&bad, b"x").expect_err("no folder").code, domain::ErrorCode::Io);
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1, "no partial file left behind");
    }

    /// Many writers on one name at once: each writes its own partial file, every rename lands a
    /// whole file (one of theirs), and no partial file is left.
    #[test]
    fn concurrent_writers_of_one_name_never_mix_or_leave_partials() {
        let dir = tempfile::tempdir().expect("tmp");
        let target = dir.path().join("同名.pdf");
        let bodies: Vec<Vec<u8>> = (0u8..8).map(|i| vec![i; 256 * 1024]).collect();
        std::thread::scope(|s| {
            for b in &bodies {
                let target = &target;
                s.spawn(move || {
                    for _ in 0..5 {
                        super::write_file(target, b).expect("written");
                    }
                });
            }
        });
        let got = std::fs::read(&target).expect("read");
        assert!(bodies.contains(&got), "the file is one writer's whole body");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["同名.pdf"], "no partial files");
    }

    /// A file that already exists under the final name stays whole until the new one replaces it;
    /// a target that cannot be replaced (a folder) leaves the folder and nothing else.
    #[test]
    fn a_failed_rename_leaves_the_old_target_and_no_partial() {
        let dir = tempfile::tempdir().expect("tmp");
        let taken = dir.path().join("a.pdf");
        std::fs::create_dir(&taken).expect("a folder under the name");
        let e = super::write_file(&taken, b"pdf").expect_err("cannot replace a folder");
        assert_eq!(e.code, domain::ErrorCode::Io);
        assert!(e.message.contains("a.pdf"), "{}", e.message);
        assert!(taken.is_dir());
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1, "no partial file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn exports_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("u.xlsx");
        super::write_file(&p, b"x").expect("written");
        assert_eq!(std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777, 0o600);
    }
}

#[cfg(test)]
mod move_in_tests;

#[cfg(test)]
mod inspection_tests;

#[cfg(test)]
mod sessions_tests;

#[cfg(test)]
mod backups_tests;
