//! One name per operation: the service method, the Tauri command, and the `api.ts` function are
//! the same name (camelCase in TypeScript). Read from the sources: `ui/src/api.ts`, the
//! `generate_handler!` list in `src/commands/mod.rs`, and the command bodies in `src/commands/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn read(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `audit_for_unit` → `auditForUnit`.
fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The commands `generate_handler!` registers.
fn registered(mod_rs: &str) -> Vec<String> {
    let start = mod_rs.find("generate_handler![").expect("generate_handler! in commands/mod.rs") + "generate_handler![".len();
    let end = start + mod_rs[start..].find(']').expect("end of the handler list");
    mod_rs[start..end]
        .split(',')
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| s.rsplit("::").next().unwrap_or(s).to_string())
        .collect()
}

/// (api function, command) for every `name: (…) => call<…>('command', …)` in the `api` object.
fn api_calls(api_ts: &str) -> Vec<(String, String)> {
    let start = api_ts.find("export const api = {").expect("the api object in api.ts");
    let body = &api_ts[start..];
    let end = body.find("\n}\n").expect("end of the api object");
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in body[..end].lines().skip(1) {
        // A property: two spaces, a name, a colon.
        if let Some(rest) = line.strip_prefix("  ") {
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() && rest[name.len()..].starts_with(':') {
                current = Some(name);
            }
        }
        let mut rest = line;
        while let Some(i) = rest.find("call") {
            let after = &rest[i + 4..];
            let is_call = after.starts_with('<') || after.starts_with('(');
            rest = after;
            if !is_call {
                continue;
            }
            let Some(q) = after.find("('") else { continue };
            let cmd: String = after[q + 2..].chars().take_while(|c| *c != '\'').collect();
            let f = current.clone().unwrap_or_else(|| panic!("call of `{cmd}` outside a property"));
            out.push((f, cmd));
            rest = &after[q + 2..];
        }
    }
    out
}

/// Command name → the first `state.services.<method>(` its body calls, if any.
fn service_calls(files: &[String]) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    for src in files {
        for part in src.split("#[tauri::command").skip(1) {
            let Some(i) = part.find("pub async fn ") else { continue };
            let name: String = part[i + 13..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let flat: String = part.chars().filter(|c| !c.is_whitespace()).collect();
            let method = flat.find(".services.").map(|j| {
                flat[j + 10..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            });
            out.insert(name, method);
        }
    }
    out
}

/// Commands that belong to the window, not to a service (sessions, files, the cold-start probe).
const SHELL_ONLY: &[&str] = &[
    "sign_out",
    "current_session",
    "first_paint",
    "startup_error",
    "save_import_template",
    "open_file",
    "cancel_batch_print",
];

#[test]
fn api_ts_calls_exactly_the_registered_commands_by_their_names() {
    let commands = registered(&read("src/commands/mod.rs"));
    let calls = api_calls(&read("../ui/src/api.ts"));
    assert!(
        commands.len() > 80 && calls.len() > 80,
        "{} commands, {} calls",
        commands.len(),
        calls.len()
    );

    let registered: BTreeSet<&str> = commands.iter().map(String::as_str).collect();
    assert_eq!(registered.len(), commands.len(), "a command is registered twice");
    let called: BTreeSet<&str> = calls.iter().map(|(_, c)| c.as_str()).collect();
    let unknown: Vec<&&str> = called.difference(&registered).collect();
    assert!(unknown.is_empty(), "api.ts calls commands the shell does not register: {unknown:?}");
    let unused: Vec<&&str> = registered.difference(&called).collect();
    assert!(
        unused.is_empty(),
        "the shell registers commands nothing in api.ts calls: {unused:?}"
    );

    let mut seen = BTreeSet::new();
    for (f, cmd) in &calls {
        assert_eq!(f, &camel(cmd), "api.{f} calls `{cmd}`: name it {}", camel(cmd));
        assert!(seen.insert(f.clone()), "api.{f} is defined twice");
    }
}

/// Every `.ts`/`.vue` file under `dir`.
fn ui_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("ui folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            ui_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "ts" || x == "vue") {
            out.push(p);
        }
    }
}

#[test]
fn only_api_ts_invokes_commands() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src");
    let mut files = Vec::new();
    ui_files(&src, &mut files);
    assert!(files.len() > 20, "{} UI files", files.len());
    for f in files {
        let name = f.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if name == "api.ts" || name.ends_with(".test.ts") {
            continue;
        }
        let text = std::fs::read_to_string(&f).expect("read");
        assert!(
            !text.contains("invoke("),
            "{} calls invoke() itself: add the command to api.ts",
            f.display()
        );
    }
}

#[test]
fn every_command_has_its_service_methods_name() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut files = Vec::new();
    for e in std::fs::read_dir(&dir).expect("commands folder").flatten() {
        if e.path().extension().is_some_and(|x| x == "rs") {
            files.push(std::fs::read_to_string(e.path()).expect("read"));
        }
    }
    let calls = service_calls(&files);
    let commands = registered(&read("src/commands/mod.rs"));
    for cmd in &commands {
        let method = calls
            .get(cmd)
            .unwrap_or_else(|| panic!("command `{cmd}` not found in src/commands"));
        match method.as_deref() {
            None => assert!(SHELL_ONLY.contains(&cmd.as_str()), "`{cmd}` calls no service"),
            Some(m) if m == cmd => {}
            // A document the service renders as `<doc>_pdf`, saved to a file or opened to print.
            Some(m) => {
                let doc = m
                    .strip_suffix("_pdf")
                    .unwrap_or_else(|| panic!("command `{cmd}` calls services.{m}: rename it {m}"));
                let rest = cmd.strip_prefix("save_").or_else(|| cmd.strip_prefix("print_"));
                assert!(
                    rest.is_some_and(|r| r.starts_with(doc)),
                    "command `{cmd}` calls services.{m}: name it {m} (or save_/print_{doc} for a document)"
                );
            }
        }
    }
}

#[test]
fn the_readers_find_what_they_look_for() {
    assert_eq!(camel("audit_for_unit"), "auditForUnit");
    let api = "export const api = {\n  a: () => call<X>('a'),\n  bC: (x: number) =>\n    call<Page<Y>>('b_c', { x }),\n  d: () => call<void>('e'),\n}\n";
    assert_eq!(
        api_calls(api),
        vec![("a".into(), "a".into()), ("bC".into(), "b_c".into()), ("d".into(), "e".into())]
    );
    let cmds = "#[tauri::command(rename_all = \"snake_case\")]\npub async fn keys(s: State) -> R {\n    state\n        .services\n        .keys(&s)\n}\n#[tauri::command]\npub async fn sign_out() {}\n";
    let calls = service_calls(&[cmds.to_string()]);
    assert_eq!(calls.get("keys"), Some(&Some("keys".to_string())));
    assert_eq!(calls.get("sign_out"), Some(&None));
    assert_eq!(registered("generate_handler![\n a::x,\n b::y,\n]"), vec!["x", "y"]);
}
