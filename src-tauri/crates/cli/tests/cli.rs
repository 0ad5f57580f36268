//! Black-box tests of the `handover` binary.

use std::path::Path;
use std::process::{Command, Output};

fn handover(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run handover")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

#[test]
fn import_list_search_and_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("new/sub/handover.db"); // does not exist yet: created and migrated
    let sample = dir.path().join("sample.xlsx");
    assert!(handover(&db, &["units", "sample", sample.to_str().expect("path"), "--units", "40"])
        .status
        .success());

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
    assert!(phones.contains("****"), "masked by default: {phones}");

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
    let list = json(&handover(&db, &["--json", "imports", "list"]));
    let id = list[0]["id"].as_i64().expect("id").to_string();
    assert!(handover(&db, &["imports", "undo", &id]).status.success());
    assert_eq!(json(&handover(&db, &["units", "list", "--json"]))["total"], 0);
}
