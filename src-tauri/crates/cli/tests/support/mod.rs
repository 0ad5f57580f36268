//! Helpers of the `handover` black-box tests: run the binary signed in (or not), set up a
//! database with its first administrator, add users through the services.

#![allow(dead_code)] // each test file uses its own share

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The administrator's (and every test user's) password.
pub const PW: &str = "cli-test-pw-1";
pub const ADMIN: &str = "admin";

/// Run `handover` with `args` and `stdin`; `password` goes into HANDOVER_PASSWORD (none: unset).
pub fn run(args: &[&str], password: Option<&str>, stdin: &str) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_handover"));
    cmd.args(args)
        .env_remove("HANDOVER_PASSWORD")
        .env_remove("HANDOVER_DB")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(pw) = password {
        cmd.env("HANDOVER_PASSWORD", pw);
    }
    let mut child = cmd.spawn().expect("spawn handover");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait")
}

/// `handover --db DB --user USER ARGS…` with the test password.
pub fn as_user(db: &Path, user: &str, args: &[&str]) -> Output {
    let mut all = vec!["--db", db.to_str().expect("utf-8 path"), "--user", user];
    all.extend_from_slice(args);
    run(&all, Some(PW), "")
}

/// `handover --db DB --user admin ARGS…`.
pub fn handover(db: &Path, args: &[&str]) -> Output {
    as_user(db, ADMIN, args)
}

/// `handover --db DB ARGS…` without --user or password.
pub fn anonymous(db: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--db", db.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    run(&all, None, "")
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

pub fn p(path: &Path) -> String {
    path.to_str().expect("utf-8 path").to_string()
}

/// `handover --db DB admin init --user admin` (HANDOVER_PASSWORD in the child's environment).
pub fn init(db: &Path) {
    let o = handover(db, &["admin", "init"]);
    assert!(o.status.success(), "admin init: {}{}", text(&o.stdout), text(&o.stderr));
}

/// A new database in `dir` with its administrator and `units` sample units imported.
pub fn sample_db(dir: &Path, units: usize) -> PathBuf {
    let db = dir.join("h.db");
    init(&db);
    let sample = dir.join("s.xlsx");
    assert!(run(&["units", "sample", &p(&sample), "--units", &units.to_string()], None, "")
        .status
        .success());
    let o = handover(&db, &["units", "import", &p(&sample)]);
    assert!(o.status.success(), "import: {}", text(&o.stderr));
    db
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// The services over the database (a file or a server's URL), with the administrator's session
/// (the database is closed again before the next `handover` runs).
pub fn with_services<T>(
    db: impl Into<services::Location>,
    f: impl for<'a> FnOnce(&'a services::Services, &'a domain::role::Session) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>>,
) -> T {
    block_on(async {
        let services = services::Services::open(db).await.expect("open");
        let admin = services
            .sign_in(&services::SignIn {
                username: ADMIN.into(),
                password: PW.into(),
            })
            .await
            .expect("admin signs in");
        let out = f(&services, &admin).await;
        services.store().close().await;
        out
    })
}

/// Add a user with `role` (and the test password) through the services, optionally disabled.
pub fn add_user(db: &Path, username: &str, role: domain::role::Role, active: bool) {
    let username = username.to_string();
    with_services(db, move |services, admin| {
        Box::pin(async move {
            let u = services
                .create_user(
                    admin,
                    &services::NewUserRequest {
                        username,
                        display_name: String::new(),
                        role,
                        password: PW.into(),
                    },
                )
                .await
                .expect("user created");
            if !active {
                services
                    .update_user(
                        admin,
                        &services::UpdateUserRequest {
                            id: u.id,
                            role,
                            active: false,
                            password: None,
                        },
                    )
                    .await
                    .expect("disabled");
            }
        })
    });
}

/// The PostgreSQL server of the tests: `HANDOVER_TEST_PG` (`bash .ci/pg.sh …` starts a private one
/// and sets it). Unset, the case is skipped with a note, except under CI (`CI` set), where it
/// fails: CI never passes without having run it.
pub fn pg_url() -> Option<String> {
    store::testing::pg_server("cli")
}

/// Run SQL on the server at `url` ([`store::testing::pg_exec`], from a test's thread).
pub fn pg_exec(url: &str, sql: &str) {
    block_on(store::testing::pg_exec(url, sql))
}

/// A new, empty database on the test server named `name` (dropped first if a failed run left
/// it): its URL.
pub fn pg_database(admin: &str, name: &str) -> String {
    block_on(store::testing::pg_drop(admin, name));
    pg_exec(admin, &format!("CREATE DATABASE {name}"));
    store::testing::pg_url_of(admin, name)
}
