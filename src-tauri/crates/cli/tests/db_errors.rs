//! Databases that cannot be used: a bad URL, a server that does not answer, a refused password,
//! a database of a newer schema. Each is the JSON error naming `db`, exit 1, and nothing written.

mod support;

use support::*;

/// `handover --db DB --json --user admin units list` (any command that opens the database).
fn open(db: &str) -> std::process::Output {
    run(&["--db", db, "--json", "--user", ADMIN, "units", "list"], Some(PW), "")
}

/// The JSON error of a failed run: (code, field, message).
fn error(o: &std::process::Output) -> (String, String, String) {
    assert_eq!(o.status.code(), Some(1), "stdout {} stderr {}", text(&o.stdout), text(&o.stderr));
    let e = &json(o)["error"];
    (
        e["code"].as_str().unwrap_or_default().to_string(),
        e["field"].as_str().unwrap_or_default().to_string(),
        e["message"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn a_bad_url_is_refused_naming_the_field() {
    let (code, field, message) = error(&open("postgres://handover@localhost:notaport/handover"));
    assert_eq!((code.as_str(), field.as_str()), ("invalid", "db"), "{message}");
    assert!(message.contains("数据库地址无法识别"), "{message}");
}

#[test]
fn a_server_that_does_not_answer_is_named() {
    // Port 1 on the loopback: nothing listens there.
    let (code, field, message) = error(&open("postgres://handover:pw@127.0.0.1:1/handover"));
    assert_eq!((code.as_str(), field.as_str()), ("storage", "db"), "{message}");
    assert!(message.contains("无法连接数据库服务器"), "{message}");
    assert!(!message.contains("pw@"), "the password never shows: {message}");
}

#[test]
fn a_newer_database_file_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("h.db");
    init(&db);
    // A later build's migration, as the file would record it.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .expect("file");
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (999, 'later', TRUE, x'00', 0)",
        )
        .execute(&mut c)
        .await
        .expect("later migration");
        c.close().await.expect("close");
    });
    let before = std::fs::read(&db).expect("bytes");
    let (code, field, message) = error(&open(&p(&db)));
    assert_eq!((code.as_str(), field.as_str()), ("storage", "db"), "{message}");
    assert!(message.contains("比本程序") && message.contains("999"), "{message}");
    assert_eq!(std::fs::read(&db).expect("bytes"), before, "nothing written");
    assert!(
        !std::fs::read_dir(dir.path()).expect("dir").any(|e| {
            let name = e.expect("entry").file_name().to_string_lossy().into_owned();
            name.contains(".bak") || name == "backups"
        }),
        "no backup taken either"
    );
}

/// The PostgreSQL half: needs the test server (`bash .ci/pg.sh …`); skipped without it, except
/// under CI.
fn server() -> Option<String> {
    store::testing::pg_server("cli db_errors")
}

#[test]
fn a_wrong_password_and_a_newer_server_schema_are_refused() {
    let Some(admin) = server() else { return };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let url = rt.block_on(store::testing::pg_empty_database(&admin, "cli"));

    // The right password: the database is migrated and an administrator created.
    let o = run(&["--db", &url, "--user", ADMIN, "admin", "init"], Some(PW), "");
    assert!(
        o.status.success(),
        "admin init on the server: {}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let o = open(&url);
    assert!(o.status.success(), "{}", text(&o.stderr));

    // A wrong password.
    let (scheme, rest) = url.split_once("://").expect("url");
    let (auth, host) = rest.split_once('@').expect("credentials in the test url");
    let user = auth.split(':').next().expect("user");
    let wrong = format!("{scheme}://{user}:not-the-password@{host}");
    let (code, field, message) = error(&open(&wrong));
    assert_eq!((code.as_str(), field.as_str()), ("storage", "db"), "{message}");
    assert!(message.contains("拒绝了用户名或密码"), "{message}");

    // A database a later build migrated: refused, and nothing is written.
    rt.block_on(store::testing::pg_exec(
        &url,
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (999, 'later', TRUE, '\\x00', 0)",
    ));
    let (code, field, message) = error(&open(&url));
    assert_eq!((code.as_str(), field.as_str()), ("storage", "db"), "{message}");
    assert!(message.contains("999"), "{message}");
}
