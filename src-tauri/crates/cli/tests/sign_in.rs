//! The CLI signs in as a real user, audits under that user's name, has one error shape, and quotes
//! with the rules in force in the database.

mod support;

use domain::role::Role;
use support::{anonymous, as_user, handover, init, json, p, run, sample_db, text, PW};

fn error(o: &std::process::Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(1), "{}{}", text(&o.stdout), text(&o.stderr));
    json(o)["error"].clone()
}

#[test]
fn sign_in_refuses_a_wrong_or_missing_password_and_a_disabled_user() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("h.db");
    let list = ["--json", "units", "list"];

    // No database file: none is made; the error says how to create one with its administrator.
    let e = error(&handover(&db, &list));
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("not_found"), Some("db")));
    assert!(e["message"].as_str().expect("msg").contains("admin init"), "{e}");
    assert!(!db.exists(), "no empty database made");

    init(&db);
    assert!(handover(&db, &list).status.success());

    let mut args = vec!["--db", db.to_str().expect("path"), "--user", "admin"];
    args.extend_from_slice(&list);
    let e = error(&run(&args, Some("not-the-password"), ""));
    assert_eq!(e["code"], "bad_credentials");

    // No password (HANDOVER_PASSWORD unset, stdin not a terminal): refused, naming the variable.
    let e = error(&run(&args, None, ""));
    assert_eq!(e["code"], "unauthenticated");
    assert_eq!(e["field"], "HANDOVER_PASSWORD");
    assert!(e["message"].as_str().expect("msg").contains("HANDOVER_PASSWORD"), "{e}");
    let e = error(&run(&args, Some(""), ""));
    assert_eq!(e["code"], "unauthenticated", "an empty variable is no password");

    // No --user at all.
    let e = error(&anonymous(&db, &list));
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("unauthenticated"), Some("user")));

    // An unknown user and a disabled one are refused like a wrong password.
    assert_eq!(error(&as_user(&db, "nobody", &list))["code"], "bad_credentials");
    support::add_user(&db, "gone", Role::Clerk, false);
    assert_eq!(error(&as_user(&db, "gone", &list))["code"], "bad_credentials");
    support::add_user(&db, "clerk1", Role::Clerk, true);
    assert!(as_user(&db, "clerk1", &list).status.success());

    // --as-role is gone: a usage error, clap's exit code 2.
    let o = handover(&db, &["--as-role", "admin", "units", "list"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn admin_init_creates_the_first_administrator_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("h.db");
    let o = run(&["--db", &p(&db), "--user", "admin", "--json", "admin", "init"], Some("short"), "");
    assert_eq!(error(&o)["field"], "password", "at least 8 characters");
    let o = run(&["--db", &p(&db), "admin", "init", "--user", "boss", "--json"], Some(PW), "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let s = json(&o);
    assert_eq!((s["username"].as_str(), s["role"].as_str()), (Some("boss"), Some("admin")));
    // A second administrator this way is refused, whoever asks.
    let o = run(&["--db", &p(&db), "admin", "init", "--user", "other", "--json"], Some(PW), "");
    assert_eq!(error(&o)["code"], "conflict");
    let o = run(&["--db", &p(&db), "admin", "init", "--user", "other"], Some(PW), "");
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty() && text(&o.stderr).starts_with("错误："), "{}", text(&o.stderr));
    // The administrator made here signs in; the refused one does not exist.
    assert!(as_user(&db, "boss", &["units", "list"]).status.success());
    assert_eq!(
        error(&as_user(&db, "other", &["--json", "units", "list"]))["code"],
        "bad_credentials"
    );
}

#[test]
fn changes_are_audited_under_the_signed_in_users_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("h.db");
    init(&db);
    support::add_user(&db, "clerk1", Role::Clerk, true);
    let sample = dir.path().join("s.xlsx");
    assert!(run(&["units", "sample", &p(&sample), "--units", "10"], None, "").status.success());
    let o = as_user(&db, "clerk1", &["units", "import", &p(&sample), "--json"]);
    assert!(o.status.success(), "{}", text(&o.stdout));
    let import_id = json(&o)["import_id"].as_i64().expect("id");

    let audit = json(&as_user(&db, "clerk1", &["audit", "--limit", "5", "--json"]));
    let lines = audit.as_array().expect("lines");
    let import = lines.iter().find(|a| a["action"] == "import").expect("an import line");
    assert_eq!(import["username"], "clerk1");
    assert_eq!(import["entity_id"], import_id);
    assert!(lines.iter().all(|a| a["username"] != "cli"), "no system account: {audit}");
    // The same line as the services read it.
    let seen = support::with_services(&db, |services, admin| {
        Box::pin(async move { services.audit_recent(admin, 5).await.expect("audit") })
    });
    assert!(seen.iter().any(|a| a.action == "import" && a.username == "clerk1"));

    // Undone by the administrator: that line is under the administrator's name.
    assert!(handover(&db, &["imports", "undo", &import_id.to_string()]).status.success());
    // Each command signs in (audited too): the latest line is the `audit` command's own sign-in,
    // the one before it the undo.
    let audit = json(&handover(&db, &["audit", "--limit", "2", "--json"]));
    assert_eq!(
        (audit[0]["action"].as_str(), audit[0]["username"].as_str()),
        (Some("sign_in"), Some("admin"))
    );
    assert_eq!(
        (audit[1]["action"].as_str(), audit[1]["username"].as_str()),
        (Some("undo_import"), Some("admin"))
    );
}

const QUOTE: &str = r#"{"region":"national","contract_date":"2025-03-01","property_type":"residential","buyer_type":"individual","homes_owned":0,"gross_area":"89.50","price":"1500000.00","vat_rate":"0.09","elevator":true,"certificates":1,"maintenance_fund":{"per_m2":"65.00"}}"#;

/// The shipped national file with the residential registration fee raised from 80 to 100 yuan.
fn edited_national() -> String {
    let (_, shipped) = fees::rules::SHIPPED.iter().find(|(n, _)| *n == "national").expect("national");
    let old = "value = \"80\"\nunit = \"yuan_per_case\"";
    assert_eq!(shipped.matches(old).count(), 1, "the fee to edit is in the shipped file once");
    shipped.replace(old, "value = \"100\"\nunit = \"yuan_per_case\"")
}

fn line(q: &serde_json::Value, code: &str) -> serde_json::Value {
    q["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["code"] == code)
        .cloned()
        .unwrap_or_else(|| panic!("no {code} line: {q}"))
}

#[test]
fn a_quote_with_a_database_uses_the_rule_edit_saved_with_rules_save() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("h.db");
    init(&db);
    support::add_user(&db, "finance1", Role::Finance, true);
    support::add_user(&db, "clerk1", Role::Clerk, true);
    let file = dir.path().join("national.toml");
    std::fs::write(&file, edited_national()).expect("write");

    // Checked and refused as the rule editor refuses: a role without the right, a broken file.
    assert_eq!(
        error(&as_user(&db, "clerk1", &["--json", "fees", "rules", "save", &p(&file)]))["code"],
        "forbidden"
    );
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, edited_national().replace("from = \"2016-12-06\"", "from = \"2030-13-99\"")).expect("write");
    let e = error(&as_user(&db, "finance1", &["--json", "fees", "rules", "save", &p(&broken)]));
    assert_eq!(e["code"], "invalid");
    let missing = dir.path().join("missing.toml");
    assert_eq!(
        error(&as_user(&db, "finance1", &["--json", "fees", "rules", "save", &p(&missing)]))["field"],
        "file"
    );

    let o = as_user(&db, "finance1", &["fees", "rules", "save", &p(&file), "--json"]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let saved = json(&o);
    assert_eq!(
        (saved["region"]["code"].as_str(), saved["region"]["edited"].as_bool()),
        (Some("national"), Some(true))
    );
    let audit = json(&as_user(&db, "finance1", &["audit", "--limit", "1", "--json"]));
    assert_eq!(audit[0]["username"], "finance1", "the save is audited under the user: {audit}");

    let shipped = json(&run(&["fees", "quote", "--json", "-"], None, QUOTE));
    let mut args = vec![
        "--db",
        db.to_str().expect("path"),
        "--user",
        "finance1",
        "fees",
        "quote",
        "--json",
        "-",
    ];
    let o = run(&args, Some(PW), QUOTE);
    assert!(o.status.success(), "{}", text(&o.stdout));
    let cli = json(&o);

    // The same figures as the app's command for the same request.
    let app = support::with_services(&db, |services, admin| {
        Box::pin(async move {
            let req: fees::quote::QuoteRequest = fees::parse_json(QUOTE).expect("request");
            serde_json::to_value(services.quote_fees(admin, &req, &[]).expect("quote")).expect("json")
        })
    });
    assert_eq!(cli, app);
    assert_eq!(line(&cli, "registration_fee")["amount"], "100.00");
    assert_eq!(line(&shipped, "registration_fee")["amount"], "80.00");
    assert_eq!(
        (shipped["total"].as_str(), cli["total"].as_str()),
        (Some("19658.97"), Some("19678.97"))
    );
    assert_ne!(cli["rules_version"], shipped["rules_version"]);

    // With a database the quote needs a sign-in like everything else.
    args.truncate(2);
    args.extend_from_slice(&["fees", "quote", "--json", "-"]);
    assert_eq!(error(&run(&args, None, QUOTE))["code"], "unauthenticated");
    // The regions in force name the edit.
    let regions = json(&as_user(&db, "finance1", &["fees", "rules", "list", "--json"]));
    let national = regions
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["code"] == "national")
        .cloned()
        .expect("national");
    assert_eq!(national["edited"], true);
}

#[test]
fn a_json_number_for_a_decimal_is_refused_naming_the_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("h.db");
    init(&db);
    for (body, field) in [
        (QUOTE.replace("\"89.50\"", "89.50"), "gross_area"),
        (QUOTE.replace("\"1500000.00\"", "1500000"), "price"),
        (
            QUOTE.replace("{\"per_m2\":\"65.00\"}", "{\"per_m2\":65}"),
            "maintenance_fund.per_m2",
        ),
    ] {
        let without_db = run(&["fees", "quote", "--json", "-"], None, &body);
        let with_db = run(
            &["--db", &p(&db), "--user", "admin", "fees", "quote", "--json", "-"],
            Some(PW),
            &body,
        );
        for o in [without_db, with_db] {
            let e = error(&o);
            assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("invalid"), Some(field)), "{body}");
            assert!(e["message"].as_str().expect("msg").contains(field), "{e}");
        }
    }
    let o = run(
        &["fees", "area", "--json", "-"],
        None,
        r#"{"contract_area":100.00,"actual_area":"95.00","unit_price":"20000.00"}"#,
    );
    assert_eq!(error(&o)["field"], "contract_area");
}

#[test]
fn a_record_that_does_not_exist_has_the_one_error_shape() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path(), 10);
    let o = handover(&db, &["movein", "batches", "--project", "无此花园", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let e = v["error"].as_object().expect("{\"error\":{…}}");
    assert_eq!(v.as_object().map(|o| o.len()), Some(1), "only the error: {v}");
    assert_eq!(e.len(), 3, "code, message, field: {v}");
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("not_found"), Some("project")));
    assert!(e["message"].as_str().expect("msg").contains("无此花园"));

    // Without --json: the message and the field on stderr, nothing on stdout, exit 1.
    let o = handover(&db, &["movein", "batches", "--project", "无此花园"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let err = text(&o.stderr);
    assert!(
        err.starts_with("错误：") && err.contains("无此花园") && err.contains("字段：project"),
        "{err}"
    );

    // A field-less not-found omits the field.
    let e = error(&handover(&db, &["--json", "imports", "undo", "999"]));
    assert_eq!(e["code"], "not_found");
    assert!(e.get("field").is_none(), "{e}");
    let e = error(&handover(
        &db,
        &[
            "--json",
            "notices",
            "render",
            "--doc",
            "move-in-notice",
            "--unit",
            "9-999",
            "--out",
            &p(&dir.path().join("x.pdf")),
        ],
    ));
    assert_eq!(e["code"], "not_found");
    assert!(!dir.path().join("x.pdf").exists());

    // A usage error stays clap's, exit 2.
    assert_eq!(handover(&db, &["movein", "batches"]).status.code(), Some(2));
}

#[test]
fn commands_without_a_database_need_no_sign_in() {
    let dir = tempfile::tempdir().expect("tmp");
    let xlsx = dir.path().join("t.xlsx");
    for args in [
        vec!["units", "template", &p(&xlsx) as &str],
        vec!["units", "sample", &p(&xlsx) as &str, "--units", "5"],
        vec!["fees", "capitals", "1680.32"],
        vec!["fees", "rules", "list"],
    ] {
        let o = run(&args, None, "");
        assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
    }
    let o = run(&["fees", "capitals", "1680.32", "--json"], None, "");
    assert_eq!(json(&o)["capitals"], "壹仟陆佰捌拾元零叁角贰分");
    assert!(!dir.path().join("handover.db").exists());
}

#[test]
fn audit_verify_reports_the_chain_whole_then_each_change_made_outside_the_app() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path(), 10);
    let o = handover(&db, &["audit", "verify", "--json"]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let check = json(&o);
    assert_eq!(check["intact"], true, "{check}");
    assert!(check["report"]["lines"].as_i64().expect("lines") > 20);
    let o = handover(&db, &["audit", "verify"]);
    assert!(text(&o.stdout).starts_with("审计日志完整"), "{}", text(&o.stdout));

    // Only administrators verify.
    support::add_user(&db, "clerk1", Role::Clerk, true);
    let e = error(&as_user(&db, "clerk1", &["--json", "audit", "verify"]));
    assert_eq!(e["code"], "forbidden");

    // Someone edits the file past the app: the next verify names the line and exits 1.
    support::with_services(&db, |services, _| {
        Box::pin(async move {
            store::testing::exec_raw(
                services.store(),
                &[
                    "DROP TRIGGER audit_log_no_update",
                    "UPDATE audit_log SET username = 'nobody' WHERE seq = 2",
                ],
            )
            .await
            .expect("tampered")
        })
    });
    let o = handover(&db, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.starts_with("审计日志已被改动"), "{out}");
    assert!(out.contains("第 2 条（记录号"), "{out}");
}

#[test]
fn backup_then_restore_round_trip_refusing_a_newer_database_without_force() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path(), 10);
    let out = dir.path().join("copy/b.db");
    let o = handover(&db, &["backup", "--out", &p(&out), "--json"]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let info = json(&o);
    assert_eq!(info["file_name"], "b.db");
    assert!(
        std::path::Path::new(&format!("{}.json", out.display())).exists(),
        "the check beside it"
    );
    support::add_user(&db, "clerk1", Role::Clerk, true);
    let e = error(&as_user(&db, "clerk1", &["--json", "backup"]));
    assert_eq!(e["code"], "forbidden");

    // The database now holds a user the backup does not.
    let restore = |force: bool| {
        let mut args = vec!["--db".to_string(), p(&db), "--json".into(), "restore".into(), p(&out)];
        if force {
            args.push("--force".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, None, "")
    };
    let e = error(&restore(false));
    assert_eq!(e["code"], "conflict");
    assert!(e["message"].as_str().expect("msg").contains("--force"), "{e}");
    assert!(as_user(&db, "clerk1", &["units", "list"]).status.success(), "unchanged");
    let o = restore(true);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let previous = json(&o)["previous"]["path"].as_str().expect("previous").to_string();
    assert!(previous.contains("backups/pre-restore-"), "{previous}");
    assert_eq!(
        error(&as_user(&db, "clerk1", &["--json", "units", "list"]))["code"],
        "bad_credentials",
        "restored: no clerk1"
    );
    // Newest first: this command's sign-in, clerk1's failed one, the restore.
    let audit = json(&handover(&db, &["audit", "--limit", "3", "--json"]));
    assert_eq!(audit[2]["action"], "restored", "{audit}");
    assert!(json(&handover(&db, &["audit", "verify", "--json"]))["intact"]
        .as_bool()
        .expect("intact"));

    // A file that is no backup is refused and changes nothing.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"junk").expect("junk");
    let o = run(&["--db", &p(&db), "--json", "restore", &p(&junk), "--force"], None, "");
    assert_eq!(error(&o)["field"], "backup");
}
