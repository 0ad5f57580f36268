//! Black-box tests of the `handover` binary: every command with a database signs in (the first
//! administrator made with `admin init`); the fee calculations, samples and templates need none.

mod support;

use std::process::Command;
use support::{anonymous, handover, init, json, p, run, sample_db, text};

#[test]
fn import_list_search_and_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("new/sub/handover.db"); // does not exist yet: created and migrated
    init(&db);
    let sample = dir.path().join("sample.xlsx");
    assert!(run(&["units", "sample", &p(&sample), "--units", "40"], None, "").status.success());

    let o = handover(&db, &["--json", "units", "import", sample.to_str().expect("path")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let v = json(&o);
    assert_eq!(v["outcome"], "imported");
    assert_eq!(v["units"], 40);

    let o = handover(&db, &["units", "list", "--json", "--page-size", "5"]);
    let v = json(&o);
    assert_eq!(v["total"], 40);
    assert_eq!(v["items"].as_array().expect("items").len(), 5);
    assert_eq!(v["items"][0]["unit"]["forecast_gross_area"], "89.50", "decimals cross as strings");
    let phones = v["items"][0]["buyer_phones"].as_str().expect("phones");
    assert!(
        !phones.contains('*') && phones.len() >= 11,
        "the administrator sees full phones: {phones}"
    );
    // Masking follows the signed-in user's role: a manager sees them masked.
    support::add_user(&db, "manager1", domain::role::Role::Manager, true);
    let v = json(&support::as_user(&db, "manager1", &["units", "list", "--json", "--page-size", "5"]));
    let masked = v["items"][0]["buyer_phones"].as_str().expect("phones");
    assert!(masked.contains("****"), "masked for a manager: {masked}");

    // The same file again: refused with row errors, exit code non-zero, nothing written.
    let o = handover(&db, &["--json", "units", "import", sample.to_str().expect("path")]);
    assert!(!o.status.success());
    let v = json(&o);
    assert_eq!(v["outcome"], "rejected");
    assert!(v["errors"].as_array().expect("errors").iter().any(|e| e["row"] == 2));
    assert_eq!(json(&handover(&db, &["units", "list", "--json"]))["total"], 40);

    // A malformed file: a typed error as JSON.
    let bad = dir.path().join("bad.xlsx");
    std::fs::write(&bad, b"this is not a workbook").expect("write");
    let o = handover(&db, &["--json", "units", "import", bad.to_str().expect("path")]);
    assert!(!o.status.success());
    let line = String::from_utf8_lossy(&o.stdout).lines().last().unwrap_or_default().to_string();
    let v: serde_json::Value = serde_json::from_str(&line).expect("json error");
    assert_eq!(v["error"]["code"], "import_rejected");
    assert!(v["error"]["message"].as_str().expect("msg").contains(".xlsx"));

    let o = handover(&db, &["--json", "units", "list", "--status", "bogus"]);
    assert!(!o.status.success());
    assert_eq!(json(&o)["error"]["field"], "status");

    // Undo the import.
    let list = json(&handover(&db, &["imports", "list", "--json"]));
    let id = list[0]["id"].as_i64().expect("id").to_string();
    assert!(handover(&db, &["imports", "undo", &id]).status.success());
    assert_eq!(json(&handover(&db, &["units", "list", "--json"]))["total"], 0);
}

/// A command without a database: no --user, no password.
fn fees(args: &[&str], stdin: &str) -> std::process::Output {
    run(args, None, stdin)
}

const QUOTE: &str = r#"{"region":"national","contract_date":"2025-03-01","property_type":"residential","buyer_type":"individual","homes_owned":0,"gross_area":"89.50","price":"1500000.00","vat_rate":"0.09","elevator":true,"certificates":1,"maintenance_fund":{"per_m2":"65.00"}}"#;

#[test]
fn fees_quote_area_mortgage_capitals() {
    let o = fees(&["fees", "quote", "--json", "-"], QUOTE);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let q = json(&o);
    let items = q["items"].as_array().expect("items");
    let codes: Vec<&str> = items.iter().map(|i| i["code"].as_str().expect("code")).collect();
    assert_eq!(
        codes,
        [
            "deed_tax",
            "stamp_duty",
            "registration_fee",
            "certificate_fee",
            "maintenance_fund",
            "transaction_fee"
        ]
    );
    assert_eq!(items[0]["amount"], "13761.47");
    assert_eq!(items[0]["rate"], "0.01");
    assert!(items[0]["explanation"].as_str().expect("text").contains("89.50㎡ ≤ 140㎡"));
    assert_eq!(items[1]["amount"], "0.00");
    assert!(items[1]["explanation"].as_str().expect("text").contains("免征"));
    assert_eq!(q["total"], "19658.97");
    assert_eq!(q["total_in_capitals"], "壹万玖仟陆佰伍拾捌元玖角柒分");

    // The same request from a file.
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("q.json");
    std::fs::write(&file, QUOTE).expect("write");
    assert_eq!(
        json(&fees(&["fees", "quote", "--json", file.to_str().expect("path")], ""))["total"],
        "19658.97"
    );

    let a = json(&fees(
        &["fees", "area", "--json", "-"],
        r#"{"contract_area":"100.00","actual_area":"95.00","unit_price":"20000.00"}"#,
    ));
    assert_eq!(
        (
            a["error_ratio_percent"].as_str(),
            a["buyer_may_cancel"].as_bool(),
            a["amount"].as_str()
        ),
        (Some("-5.00"), Some(true), Some("-140000.00"))
    );

    let m = json(&fees(
        &["fees", "mortgage", "--json", "-"],
        r#"{"principal":"1000000.00","annual_rate":"0.0305","months":360,"method":"equal_installment"}"#,
    ));
    assert_eq!(m["first_payment"], "4243.05");
    assert_eq!(m["schedule"].as_array().expect("rows").len(), 360);
    let m = json(&fees(
        &["fees", "mortgage", "--json", "-"],
        r#"{"principal":"1000000.00","annual_rate":"0.0305","months":360,"method":"equal_principal"}"#,
    ));
    assert_eq!(m["first_payment"], "5319.44");

    let o = fees(&["fees", "capitals", "6007.14"], "");
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "陆仟零柒元壹角肆分");
}

#[test]
fn fees_bad_requests_exit_non_zero_with_a_typed_error() {
    for (body, code, field) in [
        (QUOTE.replace("\"89.50\"", "\"-89.50\""), "invalid", "gross_area"),
        (QUOTE.replace("\"national\"", "\"atlantis\""), "unknown_region", "region"),
        (QUOTE.replace("2025-03-01", "2010-01-01"), "no_rule_in_force", "contract_date"),
        (
            QUOTE.replace("\"homes_owned\":0,", "").replace("\"price\":\"1500000.00\",", ""),
            "invalid",
            "price",
        ),
        (QUOTE.replace("\"1500000.00\"", "\"lots\""), "invalid", "price"),
        ("not json at all".to_string(), "invalid", ""),
    ] {
        let o = fees(&["fees", "quote", "--json", "-"], &body);
        assert!(!o.status.success(), "{body}");
        assert!(
            o.stderr.is_empty() || !String::from_utf8_lossy(&o.stderr).contains("panicked"),
            "no panic"
        );
        let v = json(&o);
        assert_eq!(v["error"]["code"], code, "{body}");
        assert_eq!(v["error"]["field"].as_str().unwrap_or(""), field, "{body}");
        assert!(!v["error"]["message"].as_str().unwrap_or("").is_empty());
    }
    let o = fees(&["fees", "capitals", "abc", "--json"], "");
    assert!(!o.status.success());
    assert_eq!(json(&o)["error"]["field"], "amount");
    // Without --json the same error is the Chinese message on stderr, stdout empty.
    let o = fees(&["fees", "capitals", "abc"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert_eq!(text(&o.stderr).trim(), "错误：“abc”不是有效金额（字段：amount）");
}

#[test]
fn fees_rules_check_passes_on_shipped_files() {
    let o = fees(&["fees", "rules", "check", "--today", "2026-11-23"], "");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).lines().filter(|l| l.ends_with(": ok")).count(),
        6
    );
}

#[test]
fn fees_requote_a_project_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path(), 20);
    let o = handover(
        &db,
        &[
            "fees",
            "requote",
            "--project",
            "示例花园",
            "--region",
            "national",
            "--fund-per-m2",
            "65.00",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(json(&o)["saved"], 14);
    let saved = json(&handover(&db, &["fees", "saved", "--contract", "HT000001"]));
    assert_eq!(saved.as_array().expect("list").len(), 1);
    assert_eq!(saved[0]["quote"]["items"][4]["code"], "maintenance_fund");
    assert!(saved[0]["quote"]["rules_version"].as_str().expect("v").starts_with("national@"));
    let pdf = dir.path().join("statement.pdf");
    let o = handover(
        &db,
        &[
            "notices",
            "render",
            "--doc",
            "fee-statement",
            "--contract",
            "HT000001",
            "--out",
            pdf.to_str().expect("p"),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&pdf).expect("pdf").starts_with(b"%PDF"));
    let o = handover(
        &db,
        &[
            "--json",
            "notices",
            "render",
            "--doc",
            "handover-photo-album",
            "--sample",
            "--out",
            pdf.to_str().expect("p"),
        ],
    );
    assert!(!o.status.success(), "an unknown document is refused");
    assert_eq!(json(&o)["error"]["field"], "doc");
    let o = handover(&db, &["fees", "requote", "--project", "示例花园", "--region", "national"]);
    assert!(
        !o.status.success(),
        "no maintenance-fund standard: every contract fails and is named"
    );
    assert_eq!(json(&o)["failed"].as_array().expect("failed").len(), 14);
}

#[test]
fn plan_a_batch_and_print_its_move_in_notices() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path(), 30);
    let plan = |name: &str| {
        handover(
            &db,
            &[
                "--json",
                "movein",
                "plan",
                "--project",
                "示例花园",
                "--name",
                name,
                "--from",
                "2099-12-05",
                "--to",
                "2099-12-06",
                "--buildings",
                "1栋",
                "--floors",
                "1-5",
                "--period",
                "上午,09:00,12:00,10",
                "--period",
                "下午,14:00,17:00,10",
            ],
        )
    };
    let o = plan("第一批");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let created = json(&o);
    assert_eq!(created["slots"], 4);
    assert_eq!(created["batch"]["unit_count"], 14, "sold units of floors 1–5 (20 units, 70 % sold)");
    let batch = created["batch"]["id"].as_i64().expect("id").to_string();
    let again = plan("第二批");
    assert!(!again.status.success());
    assert_eq!(json(&again)["error"]["code"], "conflict");
    // Without saved quotes the maintenance fund is unknown: every unit is reported, nothing written.
    let out = dir.path().join("notices");
    let o = handover(
        &db,
        &[
            "--json",
            "notices",
            "batch",
            "--doc",
            "move-in-notice",
            "--batch",
            &batch,
            "--out",
            &p(&out),
            "--combined",
        ],
    );
    let r = json(&o);
    assert_eq!(r["failures"].as_array().expect("failures").len(), 14);
    assert!(r["failures"][0]["message"].as_str().expect("msg").contains("税费测算"));
    assert!(handover(
        &db,
        &[
            "fees",
            "requote",
            "--project",
            "示例花园",
            "--region",
            "national",
            "--fund-per-m2",
            "65.00"
        ]
    )
    .status
    .success());
    let o = handover(
        &db,
        &[
            "--json",
            "notices",
            "batch",
            "--doc",
            "move-in-notice",
            "--batch",
            &batch,
            "--out",
            &p(&out),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let r = json(&o);
    assert_eq!(r["files"].as_array().expect("files").len(), 14);
    assert_eq!(std::fs::read_dir(&out).expect("ls").count(), 14, "one PDF per unit");
    let o = handover(
        &db,
        &[
            "--json",
            "notices",
            "batch",
            "--doc",
            "move-in-notice",
            "--batch",
            &batch,
            "--out",
            &p(&out),
            "--combined",
        ],
    );
    let r = json(&o);
    assert_eq!((r["files"].as_array().expect("files").len(), r["pages"].as_i64()), (1, Some(14)));
    let one = dir.path().join("one.pdf");
    let o = handover(
        &db,
        &["notices", "render", "--doc", "move-in-notice", "--unit", "1-101", "--out", &p(&one)],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&one).expect("pdf").starts_with(b"%PDF"));
    let text = Command::new("pdftotext")
        .arg(&one)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout).replace(char::is_whitespace, "");
    assert!(
        text.contains("入伙通知书") && text.contains("1栋1-101") && text.contains("专项维修资金"),
        "{text}"
    );
    assert!(text.contains("5,817.50"), "89.50 ㎡ × 65.00 from the saved quote: {text}");
}

#[test]
fn every_document_renders_with_sample_data() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("h.db");
    for doc in [
        "move-in-notice",
        "move-in-confirmation",
        "fee-statement",
        "area-settlement",
        "key-handover",
        "certificate-pickup",
        "inspection-form",
        "rectification-notice",
    ] {
        let out = dir.path().join(format!("{doc}.pdf"));
        // With --sample no sign-in is needed, even with a database named.
        let o = anonymous(&db, &["notices", "render", "--doc", doc, "--sample", "--out", &p(&out)]);
        assert!(o.status.success(), "{doc}: {}", String::from_utf8_lossy(&o.stderr));
        let pdf = std::fs::read(&out).expect("pdf");
        assert!(pdf.starts_with(b"%PDF") && pdf.len() < 120_000, "{doc}: {} bytes", pdf.len());
    }
}

/// `handover … | head`: the reader stops after a few lines and closes the pipe. The command ends
/// quietly (exit 0), without a panic message.
#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_handover"))
        .args(["fees", "mortgage", "--json", "-"])
        .env_remove("HANDOVER_DB")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(br#"{"principal":"1000000.00","annual_rate":"0.0305","months":360,"method":"equal_installment"}"#)
        .expect("write");
    let mut first = [0u8; 16];
    let mut stdout = child.stdout.take().expect("stdout");
    stdout.read_exact(&mut first).expect("the first bytes");
    drop(stdout); // as `head -c 16` does
    let mut err = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut err).expect("stderr");
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}
