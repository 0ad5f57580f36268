//! Copying a single workstation's SQLite file onto an empty PostgreSQL database: the office moving
//! onto its server (`handover db copy`).
//!
//! - The source is opened read-only (no migration, no journal change; without a `-wal` beside
//!   it, immutable, so no `-wal`/`-shm` is made) inside one read transaction, so every pass reads
//!   the same snapshot, the file's `-wal` included. A file or `-wal` whose size or time changed by
//!   the end (another desk wrote meanwhile) rolls the copy back. Its schema must be this build's
//!   exactly: an older file is refused (opening it once with this version of the app backs it up
//!   and migrates it, the tested path), a newer one too.
//! - The target is checked empty before anything is written to it, then migrated
//!   ([`Store::open_at`]), then, in ONE transaction: every table locked against other desks'
//!   writes and checked empty again, every row copied with its id, version and audit lines as
//!   they are, every identity sequence moved past the copied ids, and every table read back and
//!   compared with the file (row count and checksum). Any refusal or difference rolls it all back.
//! - The tables come from the file's schema (`_sqlx_migrations` and SQLite's own tables aside),
//!   in foreign-key order, parents first; a table's rows in primary-key order. Values are read by
//!   their stored type (INTEGER, TEXT, BLOB, NULL) and must match the column's type on both sides
//!   (BIGINT, TEXT, BYTEA): a value of another type, or a text holding NUL (which PostgreSQL
//!   cannot store), is refused naming the table, column and row.
//!
//! The checksum of a table is SHA-256 over a canonical rendering of its rows in primary-key
//! order, computed in Rust from what each side returns (so no SQL dialect enters it): a header
//! with the table's name and columns, then per value a tag byte (NULL 0, integer 1, text 2,
//! blob 3) and, for an integer, its 8 big-endian bytes, for a text or blob its length (8 bytes,
//! big-endian) and bytes.

use crate::{db_err, pg, Error, Location, Result, Store, MIGRATIONS_SQLITE};
use domain::record::CopyRefusal;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnection, PgRow, Postgres};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteRow};
use sqlx::{AssertSqlSafe, Connection, QueryBuilder, Row, TypeInfo, ValueRef};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What was copied, table by table in the order copied (parents first).
#[derive(Debug, Clone, Serialize)]
pub struct CopyReport {
    pub tables: Vec<TableCopy>,
    pub total_rows: u64,
    /// The schema version of both (this build's).
    pub schema_version: i64,
}

/// One table: its rows, and the checksum both sides gave (they are equal, or nothing was kept).
#[derive(Debug, Clone, Serialize)]
pub struct TableCopy {
    pub table: String,
    pub rows: u64,
    /// SHA-256, hex (see the module's note).
    pub checksum: String,
}

/// Copy the SQLite database file `from` onto the empty PostgreSQL database at `to_url`, in one
/// transaction, verified before it commits. `progress(table, rows done, rows of the table)` is
/// called after each chunk of rows written.
///
/// Errors: `Copy` for a refusal or a difference (see [`CopyRefusal`]: the source missing, not a
/// database, of another schema version; the target not a URL, not empty, of other tables; a
/// value that cannot be copied; a table that reads back differently); `Unreachable` for a bad
/// URL, a server that does not answer or refuses the password; `NewerSchema` for a target of a
/// newer build; `Migrate` when the target's migration fails.
pub async fn copy_database(from: &Path, to_url: &str, progress: impl FnMut(&str, u64, u64)) -> Result<CopyReport> {
    let Location::Postgres(url) = Location::parse(to_url) else {
        return Err(refuse(CopyRefusal::TargetNotServer));
    };
    let Source {
        conn: mut source,
        stamp,
        _snapshot,
    } = open_source(from).await?;
    let result = async {
        let mut read = source.begin().await.map_err(db_err)?;
        let tables = source_tables(&mut read).await?;
        // Before the target is touched (not even migrated): it must hold nothing.
        precheck_target(&url).await?;
        let (store, _) = Store::open_at(&Location::Postgres(url.clone())).await?;
        let result = copy_into(&store, &mut read, &tables, progress, || stamp.unchanged(from)).await;
        store.close().await;
        let _ = read.rollback().await;
        result
    }
    .await;
    let _ = source.close().await;
    result
}

fn refuse(why: CopyRefusal) -> Error {
    Error::Copy(why)
}

// ---------------------------------------------------------------------------------------------
// The tables
// ---------------------------------------------------------------------------------------------

/// A column's type, as both backends store it: INTEGER/BIGINT, TEXT, BLOB/BYTEA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Blob,
}

/// One value as read from either side.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: Kind,
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    /// In the file's declared order.
    columns: Vec<Column>,
    /// Positions in `columns` of the primary key, in key order.
    key: Vec<usize>,
    /// Tables its foreign keys refer to (itself excluded).
    parents: BTreeSet<String>,
}

impl Table {
    fn quoted(&self) -> String {
        quote(&self.name)
    }

    fn column_list(&self) -> String {
        self.columns.iter().map(|c| quote(&c.name)).collect::<Vec<_>>().join(", ")
    }

    fn key_list(&self) -> String {
        self.key
            .iter()
            .map(|&i| quote(&self.columns[i].name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Rows per statement: few when rows carry images, else as many as the bind limit allows.
    fn chunk(&self) -> usize {
        if self.columns.iter().any(|c| c.kind == Kind::Blob) {
            50
        } else {
            (30_000 / self.columns.len().max(1)).clamp(1, 1000)
        }
    }

    /// `id=12`, `contract_id=3, position=1`: the row named in a refusal.
    fn key_text(&self, row: &[Value]) -> String {
        self.key
            .iter()
            .map(|&i| format!("{}={}", self.columns[i].name, render(&row[i])))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn render(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Int(i) => i.to_string(),
        Value::Text(s) => format!("'{s}'"),
        Value::Blob(b) => format!("<{} bytes>", b.len()),
    }
}

/// A table or column name as SQL: only the plain lower-case names the migrations use are taken,
/// so a name can be quoted without escaping.
fn plain(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z' | '_')) && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

fn quote(name: &str) -> String {
    format!("\"{name}\"")
}

fn schema_differs(table: &str) -> Error {
    refuse(CopyRefusal::SchemaDiffers { table: table.to_string() })
}

/// A declared SQLite type by its affinity (INT → integer; CHAR, CLOB, TEXT → text; BLOB or none
/// → blob); REAL and NUMERIC columns have no place in this schema.
fn sqlite_kind(declared: &str) -> Option<Kind> {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        Some(Kind::Int)
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        Some(Kind::Text)
    } else if t.contains("BLOB") || t.is_empty() {
        Some(Kind::Blob)
    } else {
        None
    }
}

fn pg_kind(data_type: &str) -> Option<Kind> {
    match data_type {
        "bigint" => Some(Kind::Int),
        "text" => Some(Kind::Text),
        "bytea" => Some(Kind::Blob),
        _ => None,
    }
}

/// Parents before children (a table's own rows referring to each other come in key order);
/// ties by name. A cycle, which this schema does not have, is left to the server's checks.
fn dependency_order(mut tables: Vec<Table>) -> Vec<Table> {
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    let names: BTreeSet<String> = tables.iter().map(|t| t.name.clone()).collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut ordered = Vec::with_capacity(tables.len());
    while !tables.is_empty() {
        let ready = tables
            .iter()
            .position(|t| t.parents.iter().all(|p| done.contains(p) || !names.contains(p)))
            .unwrap_or(0);
        let t = tables.remove(ready);
        done.insert(t.name.clone());
        ordered.push(t);
    }
    ordered
}

// ---------------------------------------------------------------------------------------------
// The source
// ---------------------------------------------------------------------------------------------

/// Size and time of the file and of its `-wal` when the copy began; the same at its end.
#[derive(Debug, PartialEq, Eq)]
struct Stamp {
    file: (u64, Option<std::time::SystemTime>),
    wal: Option<(u64, Option<std::time::SystemTime>)>,
}

impl Stamp {
    fn of(from: &Path) -> Option<Stamp> {
        let stat = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.len(), m.modified().ok()));
        Some(Stamp {
            file: stat(from)?,
            wal: stat(&crate::with_suffix(from, "-wal")),
        })
    }

    /// Refuse the copy (it rolls back) when the file or its `-wal` changed while it was read: an
    /// app or a command wrote to it, and the copy would already be behind.
    fn unchanged(&self, from: &Path) -> Result<()> {
        if Stamp::of(from).as_ref() != Some(self) {
            return Err(refuse(CopyRefusal::SourceInUse {
                path: from.display().to_string(),
            }));
        }
        Ok(())
    }
}

/// The source as it is read: a connection, the stamp taken before, and the private folder holding
/// the snapshot (removed when this is dropped, after the connection is closed).
struct Source {
    conn: SqliteConnection,
    stamp: Stamp,
    _snapshot: Option<tempfile::TempDir>,
}

/// Copy the database file and its `-wal` (bytes only, never its `-shm`) into a new private folder.
fn private_snapshot(from: &Path) -> std::io::Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new().prefix("handover-copy-").tempdir()?;
    std::fs::copy(from, dir.path().join("source.db"))?;
    std::fs::copy(crate::with_suffix(from, "-wal"), dir.path().join("source.db-wal"))?;
    Ok(dir)
}

async fn open_source(from: &Path) -> Result<Source> {
    let path = from.display().to_string();
    match std::fs::metadata(from) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(refuse(CopyRefusal::SourceMissing { path })),
        Err(e) => {
            return Err(refuse(CopyRefusal::SourceUnreadable {
                path,
                detail: e.kind().to_string(),
            }))
        }
        Ok(m) if !m.is_file() => return Err(refuse(CopyRefusal::SourceNotDatabase { path })),
        Ok(_) => {}
    }
    if let Err(e) = std::fs::File::open(from) {
        return Err(refuse(CopyRefusal::SourceUnreadable {
            path,
            detail: e.kind().to_string(),
        }));
    }
    // A hot rollback journal needs a write to undo it (this app never leaves one: it uses WAL).
    if crate::with_suffix(from, "-journal").exists() {
        return Err(refuse(CopyRefusal::SourceInUse { path }));
    }
    let stamp = Stamp::of(from).ok_or_else(|| refuse(CopyRefusal::SourceMissing { path: path.clone() }))?;
    // Nothing beside the source may change, not even its `-shm` (SQLite's WAL index, which a
    // connection closing may delete or rewrite). Without a `-wal` the file alone is the whole
    // database: it is read as immutable, so SQLite takes no lock and makes no `-wal`/`-shm`.
    // With one (an app or a command has it open, or did not close it), the file and its `-wal`
    // are copied into a private folder first and that copy is read: the originals are only ever
    // read as bytes. A write starting meanwhile changes the stamp, which the end of the copy sees.
    let (opts, snapshot) = match stamp.wal {
        None => (SqliteConnectOptions::new().filename(from).read_only(true).immutable(true), None),
        Some(_) => {
            let dir = private_snapshot(from).map_err(|e| {
                refuse(CopyRefusal::SourceUnreadable {
                    path: path.clone(),
                    detail: e.kind().to_string(),
                })
            })?;
            if Stamp::of(from).as_ref() != Some(&stamp) {
                return Err(refuse(CopyRefusal::SourceInUse { path }));
            }
            // The private copy is opened for writing only so that SQLite can build its own WAL
            // index beside it; no statement writes to it.
            let opts = SqliteConnectOptions::new().filename(dir.path().join("source.db"));
            (opts, Some(dir))
        }
    };
    let opts = opts.create_if_missing(false).busy_timeout(std::time::Duration::from_secs(10));
    let mut conn = SqliteConnection::connect_with(&opts)
        .await
        .map_err(|_| refuse(CopyRefusal::SourceNotDatabase { path: path.clone() }))?;
    match schema_version(&mut conn).await {
        Ok(()) => Ok(Source {
            conn,
            stamp,
            _snapshot: snapshot,
        }),
        Err(e) => {
            let _ = conn.close().await;
            Err(match e {
                Error::Copy(why) => refuse(why),
                _ => refuse(CopyRefusal::SourceNotDatabase { path }),
            })
        }
    }
}

/// The file's migrations must be exactly this build's.
async fn schema_version(conn: &mut SqliteConnection) -> Result<()> {
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
        .fetch_one(&mut *conn)
        .await
        .map_err(db_err)?;
    if exists == 0 {
        return Err(Error::Driver("no _sqlx_migrations".into()));
    }
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
    let version = applied.iter().max().copied().unwrap_or(0);
    let build = Store::schema_version();
    if version > build {
        return Err(refuse(CopyRefusal::SourceNewer { version, build }));
    }
    if MIGRATIONS_SQLITE.iter().any(|m| !applied.contains(&m.version)) {
        return Err(refuse(CopyRefusal::SourceOlder { version, build }));
    }
    Ok(())
}

/// The file's tables (its own and `_sqlx_migrations` aside), in the order they are copied.
async fn source_tables(conn: &mut SqliteConnection) -> Result<Vec<Table>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let mut tables = Vec::new();
    for name in names {
        if !plain(&name) {
            return Err(schema_differs(&name));
        }
        let rows = sqlx::query("SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid")
            .bind(&name)
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
        let mut columns = Vec::new();
        let mut key: Vec<(i64, usize)> = Vec::new();
        for r in &rows {
            let column: String = r.try_get(0).map_err(db_err)?;
            let declared: String = r.try_get(1).map_err(db_err)?;
            let pk: i64 = r.try_get(2).map_err(db_err)?;
            let kind = sqlite_kind(&declared)
                .filter(|_| plain(&column))
                .ok_or_else(|| schema_differs(&name))?;
            if pk > 0 {
                key.push((pk, columns.len()));
            }
            columns.push(Column { name: column, kind });
        }
        if key.is_empty() {
            // Every table of this schema has a primary key: rows are ordered (and named) by it.
            return Err(schema_differs(&name));
        }
        key.sort();
        let parents: Vec<String> = sqlx::query_scalar("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)")
            .bind(&name)
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
        tables.push(Table {
            parents: parents.into_iter().filter(|p| *p != name).collect(),
            name,
            columns,
            key: key.into_iter().map(|(_, i)| i).collect(),
        });
    }
    Ok(dependency_order(tables))
}

/// `WHERE (k1, k2) > ($1, $2)` after the last row read (keyset paging), with `ORDER BY` and
/// `LIMIT`; the same text on both backends.
fn page_sql(t: &Table, after: bool, limit: usize) -> String {
    let mut sql = format!("SELECT {} FROM {}", t.column_list(), t.quoted());
    if after {
        let params = (1..=t.key.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        sql.push_str(&format!(" WHERE ({}) > ({params})", t.key_list()));
    }
    sql.push_str(&format!(" ORDER BY {} LIMIT {limit}", t.key_list()));
    sql
}

/// Bind a page's key values to a query of either backend (one body for both drivers' types).
macro_rules! bind_key {
    ($q:expr, $key:expr) => {{
        let mut q = $q;
        for v in $key {
            q = match v {
                Value::Int(i) => q.bind(*i),
                Value::Text(s) => q.bind(s.clone()),
                Value::Blob(b) => q.bind(b.clone()),
                Value::Null => q.bind(None::<i64>),
            };
        }
        q
    }};
}

fn last_key(t: &Table, rows: &[Vec<Value>]) -> Option<Vec<Value>> {
    rows.last().map(|r| t.key.iter().map(|&i| r[i].clone()).collect())
}

/// One page of the file's rows after `after` (a key), checked value by value.
async fn source_page(conn: &mut SqliteConnection, t: &Table, after: Option<&[Value]>) -> Result<Vec<Vec<Value>>> {
    let sql = page_sql(t, after.is_some(), t.chunk());
    let q = bind_key!(sqlx::query(AssertSqlSafe(sql)), after.unwrap_or_default());
    let rows = q.fetch_all(&mut *conn).await.map_err(db_err)?;
    rows.iter().map(|r| source_row(t, r)).collect()
}

fn source_row(t: &Table, r: &SqliteRow) -> Result<Vec<Value>> {
    let mut values = Vec::with_capacity(t.columns.len());
    let mut bad: Option<(usize, String)> = None;
    for (i, c) in t.columns.iter().enumerate() {
        let raw = r.try_get_raw(i).map_err(db_err)?;
        if raw.is_null() {
            values.push(Value::Null);
            continue;
        }
        let found = raw.type_info().name().to_string();
        let corrupt = || Error::Corrupt(format!("{}.{}", t.name, c.name));
        let v = match (c.kind, found.as_str()) {
            (Kind::Int, "INTEGER") => Value::Int(r.try_get::<i64, _>(i).map_err(|_| corrupt())?),
            (Kind::Text, "TEXT") => Value::Text(r.try_get::<String, _>(i).map_err(|_| corrupt())?),
            (Kind::Blob, "BLOB") => Value::Blob(r.try_get::<Vec<u8>, _>(i).map_err(|_| corrupt())?),
            _ => {
                bad.get_or_insert((i, found));
                Value::Null
            }
        };
        values.push(v);
    }
    if let Some((i, found)) = bad {
        return Err(refuse(CopyRefusal::WrongType {
            table: t.name.clone(),
            column: t.columns[i].name.clone(),
            key: t.key_text(&values),
            found,
        }));
    }
    if let Some(i) = values.iter().position(|v| matches!(v, Value::Text(s) if s.contains('\0'))) {
        return Err(refuse(CopyRefusal::NulInText {
            table: t.name.clone(),
            column: t.columns[i].name.clone(),
            key: t.key_text(&values),
        }));
    }
    Ok(values)
}

async fn source_count(conn: &mut SqliteConnection, t: &Table) -> Result<u64> {
    let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {}", t.quoted())))
        .fetch_one(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

async fn source_checksum(conn: &mut SqliteConnection, t: &Table) -> Result<(u64, String)> {
    let mut sum = Checksum::new(t);
    let mut after: Option<Vec<Value>> = None;
    loop {
        let rows = source_page(conn, t, after.as_deref()).await?;
        if rows.is_empty() {
            break;
        }
        rows.iter().for_each(|r| sum.row(r));
        after = last_key(t, &rows);
    }
    Ok(sum.finish())
}

// ---------------------------------------------------------------------------------------------
// The target
// ---------------------------------------------------------------------------------------------

/// The tables of the target's schema, `_sqlx_migrations` aside.
async fn target_table_names(conn: &mut PgConnection) -> Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> '_sqlx_migrations' ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)
}

/// The first table holding rows, and how many.
async fn first_nonempty(conn: &mut PgConnection, names: &[String]) -> Result<Option<(String, i64)>> {
    for name in names {
        let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {}", pg_ident(name))))
            .fetch_one(&mut *conn)
            .await
            .map_err(db_err)?;
        if n > 0 {
            return Ok(Some((name.clone(), n)));
        }
    }
    Ok(None)
}

/// A target table's name as SQL (any name the server lists; double quotes doubled).
fn pg_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Refuse a target holding any row before migrating it (so a refused copy changes nothing).
async fn precheck_target(url: &str) -> Result<()> {
    let opts = pg::options(url)?.application_name("handover");
    let mut conn = PgConnection::connect_with(&opts).await.map_err(pg::connect_err)?;
    let result = async {
        let names = target_table_names(&mut conn).await?;
        match first_nonempty(&mut conn, &names).await? {
            Some((table, rows)) => Err(refuse(CopyRefusal::TargetNotEmpty { table, rows })),
            None => Ok(()),
        }
    }
    .await;
    let _ = conn.close().await;
    result
}

/// The target's columns of `table` and their kinds, which must be the file's.
async fn check_target_columns(conn: &mut PgConnection, t: &Table) -> Result<()> {
    let rows = sqlx::query(
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1",
    )
    .bind(&t.name)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let mut target = BTreeMap::new();
    for r in &rows {
        let name: String = r.try_get(0).map_err(db_err)?;
        let ty: String = r.try_get(1).map_err(db_err)?;
        target.insert(name, pg_kind(&ty));
    }
    let source: BTreeMap<String, Option<Kind>> = t.columns.iter().map(|c| (c.name.clone(), Some(c.kind))).collect();
    if source != target {
        return Err(schema_differs(&t.name));
    }
    Ok(())
}

/// A constraint the server enforces and the file did not (an orphaned reference, a CHECK): the
/// table is named; other failures are the driver's.
fn rejected(table: &str, e: sqlx::Error) -> Error {
    if let sqlx::Error::Database(d) = &e {
        if d.code().is_some_and(|c| c.starts_with("23")) {
            return refuse(CopyRefusal::Rejected {
                table: table.to_string(),
                constraint: d.constraint().map(str::to_string),
            });
        }
    }
    db_err(e)
}

async fn insert(conn: &mut PgConnection, t: &Table, rows: Vec<Vec<Value>>) -> Result<()> {
    let mut qb = QueryBuilder::<Postgres>::new(format!("INSERT INTO {} ({}) ", t.quoted(), t.column_list()));
    qb.push_values(rows, |mut b, row| {
        for (v, c) in row.into_iter().zip(&t.columns) {
            match (v, c.kind) {
                (Value::Null, Kind::Int) => b.push_bind(None::<i64>),
                (Value::Null, Kind::Text) => b.push_bind(None::<String>),
                (Value::Null, Kind::Blob) => b.push_bind(None::<Vec<u8>>),
                (Value::Int(i), _) => b.push_bind(i),
                (Value::Text(s), _) => b.push_bind(s),
                (Value::Blob(x), _) => b.push_bind(x),
            };
        }
    });
    qb.build().execute(&mut *conn).await.map_err(|e| rejected(&t.name, e))?;
    Ok(())
}

/// Every identity column of `t` continues after the largest id copied (1 for an empty table).
async fn advance_sequences(conn: &mut PgConnection, t: &Table) -> Result<()> {
    let identities: Vec<String> = sqlx::query_scalar(
        "SELECT a.attname::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity <> ''",
    )
    .bind(&t.name)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    for column in identities {
        if !plain(&column) {
            return Err(schema_differs(&t.name));
        }
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX({}) FROM {}), 0) + 1, false)",
            quote(&column),
            t.quoted()
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(t.quoted())
            .bind(&column)
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}

async fn target_page(conn: &mut PgConnection, t: &Table, after: Option<&[Value]>) -> Result<Vec<Vec<Value>>> {
    let sql = page_sql(t, after.is_some(), t.chunk());
    let q = bind_key!(sqlx::query(AssertSqlSafe(sql)), after.unwrap_or_default());
    let rows = q.fetch_all(&mut *conn).await.map_err(db_err)?;
    rows.iter().map(|r| target_row(t, r)).collect()
}

fn target_row(t: &Table, r: &PgRow) -> Result<Vec<Value>> {
    t.columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let corrupt = |_| Error::Corrupt(format!("{}.{}", t.name, c.name));
            Ok(match c.kind {
                Kind::Int => r.try_get::<Option<i64>, _>(i).map_err(corrupt)?.map_or(Value::Null, Value::Int),
                Kind::Text => r.try_get::<Option<String>, _>(i).map_err(corrupt)?.map_or(Value::Null, Value::Text),
                Kind::Blob => r
                    .try_get::<Option<Vec<u8>>, _>(i)
                    .map_err(corrupt)?
                    .map_or(Value::Null, Value::Blob),
            })
        })
        .collect()
}

async fn target_checksum(conn: &mut PgConnection, t: &Table) -> Result<(u64, String)> {
    let mut sum = Checksum::new(t);
    let mut after: Option<Vec<Value>> = None;
    loop {
        let rows = target_page(conn, t, after.as_deref()).await?;
        if rows.is_empty() {
            break;
        }
        rows.iter().for_each(|r| sum.row(r));
        after = last_key(t, &rows);
    }
    Ok(sum.finish())
}

// ---------------------------------------------------------------------------------------------
// The copy
// ---------------------------------------------------------------------------------------------

async fn copy_into(
    store: &Store,
    read: &mut SqliteConnection,
    tables: &[Table],
    progress: impl FnMut(&str, u64, u64),
    source_unchanged: impl FnOnce() -> Result<()>,
) -> Result<CopyReport> {
    let pool = store.pg_pool().ok_or_else(|| refuse(CopyRefusal::TargetNotServer))?;
    let mut tx = pool.begin().await.map_err(db_err)?;
    match copy_in(&mut tx, read, tables, progress)
        .await
        .and_then(|r| source_unchanged().map(|_| r))
    {
        Ok(report) => {
            tx.commit().await.map_err(db_err)?;
            Ok(report)
        }
        Err(e) => {
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

async fn copy_in(
    tx: &mut PgConnection,
    read: &mut SqliteConnection,
    tables: &[Table],
    mut progress: impl FnMut(&str, u64, u64),
) -> Result<CopyReport> {
    // The same tables with the same columns on both sides.
    let target: BTreeSet<String> = target_table_names(tx).await?.into_iter().collect();
    let source: BTreeSet<String> = tables.iter().map(|t| t.name.clone()).collect();
    if let Some(name) = source.symmetric_difference(&target).next() {
        return Err(schema_differs(name));
    }
    for t in tables {
        check_target_columns(tx, t).await?;
    }
    // No other desk writes until this commits; then empty for certain.
    let all = tables.iter().map(Table::quoted).collect::<Vec<_>>().join(", ");
    sqlx::query(AssertSqlSafe(format!("LOCK TABLE {all} IN EXCLUSIVE MODE")))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let names: Vec<String> = source.iter().cloned().collect();
    if let Some((table, rows)) = first_nonempty(tx, &names).await? {
        return Err(refuse(CopyRefusal::TargetNotEmpty { table, rows }));
    }

    let mut copied = Vec::with_capacity(tables.len());
    for t in tables {
        let total = source_count(read, t).await?;
        let mut done = 0u64;
        let mut after: Option<Vec<Value>> = None;
        loop {
            let rows = source_page(read, t, after.as_deref()).await?;
            if rows.is_empty() {
                break;
            }
            after = last_key(t, &rows);
            done += rows.len() as u64;
            insert(tx, t, rows).await?;
            progress(&t.name, done, total);
        }
        advance_sequences(tx, t).await?;
        copied.push(done);
    }

    // Read back inside the transaction: every table as the file has it.
    let mut report = CopyReport {
        tables: Vec::with_capacity(tables.len()),
        total_rows: 0,
        schema_version: Store::schema_version(),
    };
    for (t, &done) in tables.iter().zip(&copied) {
        let (source_rows, source_sum) = source_checksum(read, t).await?;
        let target_rows: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {}", t.quoted())))
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let target_rows = u64::try_from(target_rows).unwrap_or(0);
        let (read_back, target_sum) = target_checksum(tx, t).await?;
        if source_rows != target_rows || read_back != target_rows || done != source_rows || source_sum != target_sum {
            return Err(refuse(CopyRefusal::Mismatch {
                table: t.name.clone(),
                source_rows,
                target_rows,
            }));
        }
        report.total_rows += source_rows;
        report.tables.push(TableCopy {
            table: t.name.clone(),
            rows: source_rows,
            checksum: source_sum,
        });
    }
    Ok(report)
}

// ---------------------------------------------------------------------------------------------
// The checksum
// ---------------------------------------------------------------------------------------------

/// SHA-256 over a table's canonical rows (see the module's note).
struct Checksum {
    sha: Sha256,
    rows: u64,
}

impl Checksum {
    fn new(t: &Table) -> Checksum {
        let mut sha = Sha256::new();
        sha.update(b"handover-copy-v1\0");
        sha.update(t.name.as_bytes());
        for c in &t.columns {
            sha.update(b"\0");
            sha.update(c.name.as_bytes());
            sha.update([match c.kind {
                Kind::Int => b'i',
                Kind::Text => b't',
                Kind::Blob => b'b',
            }]);
        }
        sha.update(b"\n");
        Checksum { sha, rows: 0 }
    }

    fn row(&mut self, values: &[Value]) {
        for v in values {
            match v {
                Value::Null => self.sha.update([0u8]),
                Value::Int(i) => {
                    self.sha.update([1u8]);
                    self.sha.update(i.to_be_bytes());
                }
                Value::Text(s) => {
                    self.sha.update([2u8]);
                    self.sha.update((s.len() as u64).to_be_bytes());
                    self.sha.update(s.as_bytes());
                }
                Value::Blob(b) => {
                    self.sha.update([3u8]);
                    self.sha.update((b.len() as u64).to_be_bytes());
                    self.sha.update(b);
                }
            }
        }
        self.rows += 1;
    }

    fn finish(self) -> (u64, String) {
        let digest = self.sha.finalize();
        (self.rows, digest.iter().map(|b| format!("{b:02x}")).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, parents: &[&str]) -> Table {
        Table {
            name: name.into(),
            columns: vec![
                Column {
                    name: "id".into(),
                    kind: Kind::Int,
                },
                Column {
                    name: "note".into(),
                    kind: Kind::Text,
                },
            ],
            key: vec![0],
            parents: parents.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn parents_come_first_and_ties_go_by_name() {
        let order = dependency_order(vec![
            table("units", &["buildings", "projects"]),
            table("appointments", &["appointments", "units"]),
            table("projects", &["imports"]),
            table("buildings", &["projects"]),
            table("imports", &["users"]),
            table("users", &[]),
            table("audit_log", &[]),
        ]);
        let names: Vec<&str> = order.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            ["audit_log", "users", "imports", "projects", "buildings", "units", "appointments"]
        );
    }

    #[test]
    fn the_checksum_renders_each_value_unambiguously() {
        let t = table("t", &[]);
        let sum = |rows: &[Vec<Value>]| {
            let mut c = Checksum::new(&t);
            rows.iter().for_each(|r| c.row(r));
            c.finish()
        };
        let a = sum(&[vec![Value::Int(1), Value::Text("ab".into())]]);
        assert_eq!(a.0, 1);
        assert_eq!(a.1.len(), 64);
        assert_eq!(a, sum(&[vec![Value::Int(1), Value::Text("ab".into())]]), "deterministic");
        for other in [
            vec![Value::Int(1), Value::Null],
            vec![Value::Int(1), Value::Text(String::new())],
            vec![Value::Int(1), Value::Blob(b"ab".to_vec())],
            vec![Value::Int(2), Value::Text("ab".into())],
            vec![Value::Int(1), Value::Text("ab ".into())],
        ] {
            assert_ne!(a.1, sum(std::slice::from_ref(&other)).1, "{other:?}");
        }
        // Where one text ends and the next begins is part of the rendering.
        let split = sum(&[vec![Value::Text("a".into()), Value::Text("bc".into())]]);
        let moved = sum(&[vec![Value::Text("ab".into()), Value::Text("c".into())]]);
        assert_ne!(split.1, moved.1);
    }

    #[test]
    fn declared_types_map_by_affinity_and_names_must_be_plain() {
        assert_eq!(sqlite_kind("INTEGER"), Some(Kind::Int));
        assert_eq!(sqlite_kind("BIGINT"), Some(Kind::Int));
        assert_eq!(sqlite_kind("TEXT"), Some(Kind::Text));
        assert_eq!(sqlite_kind("BLOB"), Some(Kind::Blob));
        assert_eq!(sqlite_kind("REAL"), None);
        assert!(plain("move_in_slots") && plain("_x1"));
        assert!(!plain("Units") && !plain("a\"b") && !plain("1a") && !plain(""));
        let t = table("t", &[]);
        assert_eq!(
            page_sql(&t, true, 10),
            "SELECT \"id\", \"note\" FROM \"t\" WHERE (\"id\") > ($1) ORDER BY \"id\" LIMIT 10"
        );
        assert_eq!(t.key_text(&[Value::Int(12), Value::Null]), "id=12");
    }
}
