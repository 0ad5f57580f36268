//! What the store may not contain. It holds no user wording and no driver text for users: every refusal is a typed
//! `store::Error`, worded in `domain`. This fails when Chinese text appears in the store's code
//! (comments and test files aside), which is how wording would creep back in.

use std::path::Path;

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

fn scan(dir: &Path, found: &mut Vec<String>, bad: &dyn Fn(&str) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display());
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            scan(&path, found, bad);
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if !name.ends_with(".rs") || name == "tests.rs" || name.ends_with("_tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source file");
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if bad(code) {
                found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
}

#[test]
fn store_code_has_no_user_wording() {
    let mut found = Vec::new();
    scan(&src(), &mut found, &|code| code.chars().any(is_cjk));
    assert!(found.is_empty(), "user wording belongs in domain:\n{}", found.join("\n"));
}

#[test]
fn the_scan_sees_chinese_text() {
    assert!("已存在".chars().any(is_cjk));
    assert!(!"duplicate".chars().any(is_cjk));
}

fn src() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// SQL only SQLite speaks, where a portable form exists (the PostgreSQL backend runs the same
/// statements): `INSERT OR IGNORE` (→ `ON CONFLICT DO NOTHING`), `group_concat`, `julianday`,
/// `json_each` (→ bound lists), `datetime(`/`strftime(` (→ Rust).
#[test]
fn store_sql_is_portable() {
    const SQLITE_ONLY: &[&str] = &[
        "insert or ignore",
        "group_concat",
        "julianday",
        "json_each",
        "strftime(",
        "datetime(",
    ];
    let mut found = Vec::new();
    scan(&src(), &mut found, &|code| {
        let lower = code.to_lowercase();
        SQLITE_ONLY.iter().any(|t| lower.contains(t))
    });
    assert!(found.is_empty(), "SQLite-only SQL:\n{}", found.join("\n"));
}
