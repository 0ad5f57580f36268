//! Every entity and action code the store writes into the audit log has a label: the store's
//! sources are read (`audit::write(…)` calls and the `audit::Line` tuples of `write_many`) and
//! each code found is looked up.

use super::{action_label, entity_label};
use crate::move_in::AppointmentStatus;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    Ident(String),
    Punct(char),
}

/// Rust source as tokens: string literals, identifiers, punctuation (comments, numbers, chars and
/// lifetimes dropped).
fn tokens(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && c.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < c.len() && !(c[i] == '*' && c[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if ch == 'r' && (c.get(i + 1) == Some(&'"') || c.get(i + 1) == Some(&'#')) {
            // Raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(Tok::Ident("r".into()));
                i += 1;
                continue;
            }
            j += 1;
            let start = j;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (0..hashes).all(|h| c.get(j + 1 + h) == Some(&'#')) {
                    break;
                }
                j += 1;
            }
            out.push(Tok::Str(c[start..j.min(c.len())].iter().collect()));
            i = j + 1 + hashes;
        } else if ch == '"' {
            let mut j = i + 1;
            let mut s = String::new();
            while j < c.len() && c[j] != '"' {
                if c[j] == '\\' {
                    j += 1;
                }
                if let Some(x) = c.get(j) {
                    s.push(*x);
                }
                j += 1;
            }
            out.push(Tok::Str(s));
            i = j + 1;
        } else if ch == '\'' {
            // A char literal ('x', '\n') or a lifetime ('a): skip either.
            if c.get(i + 1) == Some(&'\\') {
                i += 4;
            } else if c.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let mut j = i;
            while j < c.len() && (c[j].is_alphanumeric() || c[j] == '_') {
                j += 1;
            }
            let word: String = c[i..j].iter().collect();
            if word.chars().next().is_some_and(|f| f.is_ascii_digit()) {
                i = j;
                continue;
            }
            out.push(Tok::Ident(word));
            i = j;
        } else if ch.is_ascii_digit() {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '.') {
                i += 1;
            }
        } else if ch.is_whitespace() {
            i += 1;
        } else {
            out.push(Tok::Punct(ch));
            i += 1;
        }
    }
    out
}

/// The top-level comma-separated items of the group opened at `t[open]` (a `(`), and the index
/// after its `)`.
fn group(t: &[Tok], open: usize) -> (Vec<Vec<Tok>>, usize) {
    let mut items = vec![Vec::new()];
    let mut depth = 0usize;
    let mut i = open + 1;
    while i < t.len() {
        match &t[i] {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') if depth == 0 => {
                // A trailing comma leaves no item.
                if items.len() > 1 && items.last().is_some_and(|l| l.is_empty()) {
                    items.pop();
                }
                return (items, i + 1);
            }
            Tok::Punct(')' | ']' | '}') => depth -= 1,
            Tok::Punct(',') if depth == 0 => {
                items.push(Vec::new());
                i += 1;
                continue;
            }
            _ => {}
        }
        if let Some(last) = items.last_mut() {
            last.push(t[i].clone());
        }
        i += 1;
    }
    (items, i)
}

/// A code argument: its literals, or (when it is a plain variable) the literals of its `let`, or
/// the expression's text when it is computed.
#[derive(Debug, PartialEq)]
enum Code {
    Literals(Vec<String>),
    Computed(String),
}

/// The string literals among `toks`, when there are any.
fn literals<'a>(toks: impl Iterator<Item = &'a Tok>) -> Option<Code> {
    let lits: Vec<String> = toks
        .filter_map(|x| match x {
            Tok::Str(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    (!lits.is_empty()).then_some(Code::Literals(lits))
}

fn code_of(arg: &[Tok], t: &[Tok], at: usize) -> Code {
    if let Some(lits) = literals(arg.iter()) {
        return lits;
    }
    if let [Tok::Ident(name)] = arg {
        // `let action = if … { "a" } else { "b" };` earlier in the same function.
        let mut i = at;
        while i >= 2 {
            i -= 1;
            if t[i] == Tok::Ident(name.clone()) && t[i - 1] == Tok::Ident("let".into()) {
                if let Some(lits) = literals(t[i..].iter().take_while(|x| **x != Tok::Punct(';'))) {
                    return lits;
                }
                break;
            }
        }
    }
    Code::Computed(
        arg.iter()
            .map(|x| match x {
                Tok::Str(s) => format!("{s:?}"),
                Tok::Ident(s) => s.clone(),
                Tok::Punct(p) => p.to_string(),
            })
            .collect(),
    )
}

/// (file, entity code, action code) for every audit line the store's sources write.
fn writes(file: &str, src: &str) -> Vec<(String, Code, Code)> {
    let t = tokens(src);
    let mut out = Vec::new();
    let ident = |i: usize, w: &str| t.get(i) == Some(&Tok::Ident(w.into()));
    let punct = |i: usize, p: char| t.get(i) == Some(&Tok::Punct(p));
    for i in 0..t.len() {
        // audit::write(tx, actor, entity, id, action, before, after), maybe with a turbofish.
        if ident(i, "audit") && punct(i + 1, ':') && punct(i + 2, ':') && ident(i + 3, "write") {
            let mut j = i + 4;
            if punct(j, ':') && punct(j + 1, ':') && punct(j + 2, '<') {
                let mut depth = 0;
                j += 2;
                while j < t.len() {
                    if punct(j, '<') {
                        depth += 1;
                    } else if punct(j, '>') {
                        depth -= 1;
                        if depth == 0 {
                            j += 1;
                            break;
                        }
                    }
                    j += 1;
                }
            }
            if punct(j, '(') {
                let (args, _) = group(&t, j);
                if args.len() == 7 {
                    out.push((file.to_string(), code_of(&args[2], &t, i), code_of(&args[4], &t, i)));
                }
            }
        }
        // The lines of write_many: ("entity", id, "action", before, after).
        if src.contains("audit::Line") && punct(i, '(') && matches!(t.get(i + 1), Some(Tok::Str(_))) {
            let (items, _) = group(&t, i);
            if items.len() == 5 && matches!(items[0].as_slice(), [Tok::Str(_)]) {
                out.push((file.to_string(), code_of(&items[0], &t, i), code_of(&items[2], &t, i)));
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Computed action codes the scan knows the possible values of.
fn computed_actions(expr: &str) -> Option<Vec<&'static str>> {
    match expr {
        // A defect's workflow step (DefectAction) or a key's ledger event (KeyAction): their
        // labels are the enums' own, so every variant is covered by construction.
        "action.as_str()" | "step.action.as_str()" => Some(vec![]),
        // Closing a booking: cancelled or no-show.
        "status.as_str()" => Some(vec![AppointmentStatus::Cancelled.as_str(), AppointmentStatus::NoShow.as_str()]),
        _ => None,
    }
}

#[test]
fn every_code_the_store_writes_has_a_label() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut found = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).expect("read store source");
        let name = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        found.extend(writes(&name, &src));
    }
    assert!(
        found.len() >= 25,
        "the scan found only {} audit writes in {}",
        found.len(),
        root.display()
    );
    let mut missing = Vec::new();
    let mut actions_seen = Vec::new();
    for (file, entity, action) in &found {
        match entity {
            Code::Literals(ls) => ls
                .iter()
                .filter(|e| entity_label(e).is_none())
                .for_each(|e| missing.push(format!("{file}: entity {e}"))),
            // A typed `AuditEntity` (record_event): labelled by construction.
            Code::Computed(x) if x == "entity.as_str()" => {}
            Code::Computed(x) => missing.push(format!("{file}: entity computed as `{x}` (teach this test its values)")),
        }
        let codes = match action {
            Code::Literals(ls) => ls.clone(),
            Code::Computed(x) => match computed_actions(x) {
                Some(v) => v.into_iter().map(String::from).collect(),
                None => {
                    missing.push(format!("{file}: action computed as `{x}` (teach this test its values)"));
                    vec![]
                }
            },
        };
        for a in codes {
            if action_label(&a).is_none() {
                missing.push(format!("{file}: action {a}"));
            }
            actions_seen.push(a);
        }
    }
    assert!(
        missing.is_empty(),
        "audit codes without a label in domain::audit:\n{}",
        missing.join("\n")
    );
    for known in ["create", "update", "move_in_step", "book", "cancelled", "undo_import", "import"] {
        assert!(actions_seen.iter().any(|a| a == known), "the scan missed `{known}`");
    }
}

#[test]
fn the_scanner_reads_calls_tuples_and_variables() {
    let src = r#"
        // audit::write(tx, actor, "commented", 1, "out", None, None)
        audit::write::<(), _>(&mut tx, actor, "unit", id, if a { "book" } else { "rebook" }, None, Some(&x)).await?;
        let action = if p.is_some() { "update_with_password" } else { "update" };
        audit::write(&mut tx, actor, "user", id, action, Some(&before), Some(&after)).await?;
        audit::write(tx, actor, "key", key_id, action.as_str(), None, Some(&serde_json::json!({"a": 1}))).await
        let lines: Vec<audit::Line> = vec![("fee_quote", id, "create", None, Some(s.to_string()))];
        let c = 'x'; fn f<'a>(s: &'a str) {}
    "#;
    let w = writes("x.rs", src);
    let lits = |v: &[&str]| Code::Literals(v.iter().map(|s| s.to_string()).collect());
    assert_eq!(w.len(), 4, "{w:?}");
    assert_eq!((&w[0].1, &w[0].2), (&lits(&["unit"]), &lits(&["book", "rebook"])));
    assert_eq!(w[1].2, lits(&["update_with_password", "update"]));
    assert_eq!(w[2].2, Code::Computed("action.as_str()".into()));
    assert_eq!((&w[3].1, &w[3].2), (&lits(&["fee_quote"]), &lits(&["create"])));
}
