//! `handover db copy`: a sample office's file onto an empty PostgreSQL database, then every list
//! and export reads the same with `--db FILE` and `--db URL`. The PostgreSQL cases run on the
//! server of `HANDOVER_TEST_PG` (`bash .ci/pg.sh cargo test -p cli`), each on a database of its
//! own; without it they are skipped with a note, except under `CI`, where they fail.

mod support;

use domain::role::Role;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Output;
use support::*;

const PROJECT: &str = "示例花园";
const UNITS: usize = 400;
const LOGO: &[u8] = include_bytes!("../../notices/assets/sample-logo.png");

/// `handover [--json] --db DB --user admin ARGS…` where DB is a file or a URL.
fn on(db: &str, args: &[&str]) -> Output {
    let mut all = vec!["--db", db, "--user", ADMIN];
    all.extend_from_slice(args);
    run(&all, Some(PW), "")
}

#[track_caller]
fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status,
        text(&o.stdout),
        text(&o.stderr)
    );
    o
}

fn copy(from: &Path, to: &str, json: bool) -> Output {
    let mut args = vec!["db", "copy", "--from", from.to_str().expect("utf-8"), "--to", to];
    if json {
        args.insert(0, "--json");
    }
    run(&args, None, "")
}

/// The file as it lies on disk: its size, a digest of its bytes (and of its -wal's), its
/// modification time, and what lies beside it.
#[derive(Debug, PartialEq, Eq)]
struct OnDisk {
    len: usize,
    digest: u64,
    modified: std::time::SystemTime,
    beside: Vec<String>,
}

fn on_disk(db: &Path) -> OnDisk {
    use std::hash::{Hash, Hasher};
    let bytes = std::fs::read(db).expect("read");
    let mut h = std::hash::DefaultHasher::new();
    bytes.hash(&mut h);
    // The last writes of a desk or command that did not close may still be in its -wal.
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::read(&wal).ok().hash(&mut h);
    let mut beside: Vec<String> = std::fs::read_dir(db.parent().expect("dir"))
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    beside.sort();
    OnDisk {
        len: bytes.len(),
        digest: h.finish(),
        modified: std::fs::metadata(db).expect("meta").modified().expect("mtime"),
        beside,
    }
}

/// `db copy`, asserting the file (and its -wal, its time, its folder) is exactly as before.
fn copy_untouched(from: &Path, to: &str, json: bool) -> Output {
    let before = on_disk(from);
    let o = copy(from, to, json);
    assert_eq!(
        on_disk(from),
        before,
        "the file, its -wal, its time and its folder are as they were"
    );
    o
}

fn plan(db: &str, name: &str, building: &str, floors: &str) -> i64 {
    let o = ok(on(
        db,
        &[
            "--json",
            "movein",
            "plan",
            "--project",
            PROJECT,
            "--name",
            name,
            "--from",
            "2099-12-05",
            "--to",
            "2099-12-06",
            "--buildings",
            building,
            "--floors",
            floors,
            "--period",
            "上午,09:00,12:00,10",
            "--period",
            "下午,14:00,17:00,10",
        ],
    ));
    json(&o)["batch"]["id"].as_i64().expect("batch id")
}

/// Ids of what the services wrote, to read back on both sides.
#[derive(Debug, Clone)]
struct Facts {
    project_id: i64,
    batch_id: i64,
    units: Vec<i64>,
    inspection_id: i64,
    defect_id: i64,
    key_id: i64,
}

fn de<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("request")
}

/// Through the services as the app would: bookings, an arrival and a step, a notice delivery, a
/// key lent out, the letterhead and a floor plan (images), responsible parties, the office's time
/// zone, a unit edited (version 2), an owner's inspection signed (an image) with a defect and its
/// photo, a fee rule edit.
fn fill(db: &Path, batch_id: i64) -> Facts {
    // Images arrive as their content, as the page sends them.
    let logo = {
        use base64::Engine;
        json!({"file_name": "logo.png", "data_base64": base64::engine::general_purpose::STANDARD.encode(LOGO)})
    };
    with_services(db, move |services, a| {
        Box::pin(async move {
            let project_id = services.project_by_name(a, PROJECT).await.expect("project").id;
            let b = services.batch_detail(a, batch_id).await.expect("batch");
            let units: Vec<i64> = b.units.iter().take(3).map(|u| u.unit_id).collect();
            let slot = b.slots[0].id;
            let mut first = services.book_slot(a, units[0], slot, "电话预约", false).await.expect("book");
            services.book_slot(a, units[1], slot, "", false).await.expect("book");
            services.book_slot(a, units[2], b.slots[1].id, "", false).await.expect("book");
            services.close_booking(a, units[2], true).await.expect("no show");
            first = services.check_in(a, units[0], first.version).await.expect("arrived");
            let identity = de(
                json!({"kind": "identity", "by_agent": true, "agent_name": "张三", "agent_id_tail": "123X", "authorization_seen": true}),
            );
            services.do_step(a, units[0], first.version, &identity).await.expect("identity");
            let delivery = de(
                json!({"unit_id": units[1], "channel": "sms", "delivered_on": "2025-06-01", "confirmed_by": "业主本人", "note": "短信回执"}),
            );
            services.record_delivery(a, &delivery).await.expect("delivery");
            let key =
                de(json!({"project_id": project_id, "number": "gk-01", "kind": "机房钥匙", "unit_id": null, "label": "1栋 电梯机房"}));
            let key_id = services.register_key(a, &key).await.expect("key").id;
            let lend = de(json!({"key_id": key_id, "person": "电梯维保 李师傅", "reason": "年检", "due_back": "2099-01-01"}));
            services.checkout_key(a, project_id, &lend).await.expect("lent");
            let letterhead = de(
                json!({"company": "示例物业服务有限公司", "address": "示例路 1 号", "phone": "020-12345678",
                "logo": {"action": "upload", "file_name": "logo.png", "data_base64": logo["data_base64"]}, "seal": {"action": "keep"}}),
            );
            services.save_letterhead(a, &letterhead).await.expect("letterhead");
            let plan = de(json!({"action": "upload", "file_name": "logo.png", "data_base64": logo["data_base64"]}));
            services.save_floor_plan(a, project_id, "住宅", &plan).await.expect("floor plan");
            services
                .save_defect_parties(a, project_id, &["总包".into(), "精装".into()])
                .await
                .expect("parties");
            services.set_office_time_zone(a, "Asia/Shanghai").await.expect("zone");
            let unit = services.unit_by_number(a, None, "1-101").await.expect("1-101");
            let mut edit = serde_json::to_value(&unit).expect("unit");
            edit["surveyed_gross_area"] = json!("89.20");
            services.update_unit(a, &de(edit)).await.expect("unit edited");

            let start = de(json!({"unit_id": units[0], "kind": "owner"}));
            let i = services.start_inspection(a, &start).await.expect("inspection");
            use base64::Engine;
            let png = base64::engine::general_purpose::STANDARD.encode(LOGO);
            let i = services.sign_inspection(a, i.id, i.version, &png).await.expect("signed");
            let defect = de(
                json!({"inspection_id": i.id, "room": "客厅", "item": "墙面", "category": ["土建", "墙面", "空鼓"],
                "severity": "normal", "party": "总包", "deadline": null, "description": "东墙空鼓约 0.3 ㎡", "pin": [30, 40],
                "photos": [logo]}),
            );
            let defect = services.raise_defect(a, &defect).await.expect("defect").record;
            let assign = de(json!({"defect_id": defect.id, "version": defect.version, "action": "assign", "reason": ""}));
            services.move_defect(a, &assign).await.expect("assigned");
            let defect_id = defect.id;
            let procedure = services.procedure_settings(a, project_id).await.expect("procedure");
            services.save_procedure_settings(a, &procedure).await.expect("procedure saved");

            let finance = services
                .sign_in(&services::SignIn {
                    username: "finance1".into(),
                    password: PW.into(),
                })
                .await
                .expect("finance signs in");
            let rules = services.region_rules_text(&finance, "national").await.expect("rules");
            services.save_region_rules(&finance, &rules).await.expect("rule edit");
            Facts {
                project_id,
                batch_id,
                units,
                inspection_id: i.id,
                defect_id,
                key_id,
            }
        })
    })
}

/// Reads by name, as JSON.
type Reads = Vec<(String, Value)>;
/// Exports and documents by name.
type Files = Vec<(String, Vec<u8>)>;

/// What the services read back, as JSON, and the exports and documents they make, by name.
/// Defect photos are in the database, so the copy carries them: the server's photo and thumbnail
/// are read back byte for byte.
fn snapshot(db: impl Into<services::Location>, f: &Facts) -> (Reads, Files) {
    let f = f.clone();
    with_services(db, move |services, a| {
        Box::pin(async move {
            let mut reads: Reads = Vec::new();
            let mut put = |name: &str, v: Value| reads.push((name.to_string(), v));
            let p = f.project_id;
            put("projects", v(&services.projects(a).await.expect("projects")));
            put("buildings", v(&services.buildings(a, p).await.expect("buildings")));
            let all = domain::model::UnitQuery {
                page_size: 1000,
                ..Default::default()
            };
            let page = services.search_units(a, &all).await.expect("units");
            put("units", v(&page));
            for q in ["1-1", "王", "139"] {
                let q = domain::model::UnitQuery {
                    search: Some(q.into()),
                    page_size: 1000,
                    ..Default::default()
                };
                put(
                    &format!("search {:?}", q.search),
                    v(&services.search_units(a, &q).await.expect("search")),
                );
            }
            for item in page
                .items
                .iter()
                .step_by(37)
                .chain(page.items.iter().filter(|i| i.unit.number == "1-101"))
            {
                put(
                    &format!("unit {}", item.unit.id),
                    v(&services.unit_detail(a, item.unit.id).await.expect("unit")),
                );
                put(
                    &format!("audit of unit {}", item.unit.id),
                    v(&services.audit_for_unit(a, item.unit.id).await.expect("audit")),
                );
            }
            put("imports", v(&services.imports(a).await.expect("imports")));
            put(
                "audit",
                v(&business(&v(&services.audit_recent(a, 1000).await.expect("audit")), 500)),
            );
            put("users", v(&services.users(a).await.expect("users")));
            put(
                "quotes HT000001",
                v(&services.contract_quotes_by_number(a, "HT000001").await.expect("quotes")),
            );
            put("fee regions", v(&services.fee_regions(a).await.expect("regions")));
            put("batches", v(&services.batches(a, p).await.expect("batches")));
            put("batch", v(&services.batch_detail(a, f.batch_id).await.expect("batch")));
            put("board", v(&services.board(a, p, Some(f.batch_id)).await.expect("board")));
            put("board all", v(&services.board(a, p, None).await.expect("board")));
            for &u in &f.units {
                put(
                    &format!("move-in {u}"),
                    v(&services.move_in_unit(a, u).await.expect("move-in unit")),
                );
            }
            put("procedure", v(&services.procedure_settings(a, p).await.expect("procedure")));
            put("keys", v(&services.keys(a, p, false).await.expect("keys")));
            put("key events", v(&services.key_events(a, f.key_id).await.expect("key events")));
            put("letterhead", v(&services.letterhead_settings(a).await.expect("letterhead")));
            put("floor plan", v(&services.floor_plan(a, p, "住宅").await.expect("plan")));
            put("parties", v(&services.defect_parties(a, p).await.expect("parties")));
            put("template", v(&services.inspection_template(a, p, "住宅").await.expect("template")));
            put("inspection", v(&services.inspection(a, f.inspection_id).await.expect("inspection")));
            put(
                "inspections",
                v(&services.inspections_of_unit(a, f.units[0]).await.expect("inspections")),
            );
            let q = de(
                json!({"project_id": p, "unit_id": null, "party": null, "category": null, "status": null,
                "open_only": false, "overdue_only": false, "limit": null}),
            );
            let defects = services.defects(a, &q).await.expect("defects");
            put("defects", v(&defects));
            put("defect events", v(&services.defect_events(a, f.defect_id).await.expect("events")));
            let photos: Vec<_> = defects.iter().flat_map(|d| d.record.photos.clone()).collect();
            assert!(!photos.is_empty(), "the sample defect has a photo");
            for photo in &photos {
                put("photo", v(&services.defect_photo(a, photo.id, false).await.expect("photo")));
                put("thumbnail", v(&services.defect_photo(a, photo.id, true).await.expect("thumbnail")));
            }
            put("scorecards", v(&services.scorecards(a, p).await.expect("scorecards")));
            put("office zone", v(&services.office_today(a).await.expect("today").zone));

            let mut files: Files = Vec::new();
            files.push(("units.xlsx".into(), services.export_units(a, &all).await.expect("export")));
            // (The audit log's export is not compared: each side holds its own readers' sign-ins;
            // its lines are compared above without them.)
            files.push(("imports.xlsx".into(), services.export_imports(a).await.expect("export")));
            files.push(("users.xlsx".into(), services.export_users(a).await.expect("export")));
            files.push((
                "board.xlsx".into(),
                services.export_board(a, p, Some(f.batch_id)).await.expect("export"),
            ));
            files.push((
                "fee-statement.pdf".into(),
                services.fee_statement_pdf_by_number(a, "HT000001", 1).await.expect("pdf"),
            ));
            files.push((
                "inspection-form.pdf".into(),
                services.inspection_form_pdf(a, f.inspection_id, 1).await.expect("pdf"),
            ));
            files.push((
                "rectification.pdf".into(),
                services.rectification_notice_pdf(a, p, "总包").await.expect("pdf"),
            ));
            files.push((
                "move-in-notice.pdf".into(),
                services
                    .move_in_pdf(a, f.units[0], services::move_in::MoveInDoc::MoveInNotice)
                    .await
                    .expect("pdf"),
            ));
            (reads, files)
        })
    })
}

fn v<T: serde::Serialize>(x: &T) -> Value {
    serde_json::to_value(x).expect("serializes")
}

/// Audit actions of reading: every command signs in, and a full export is audited, so these
/// differ between two databases read by different commands.
const SESSION_ACTIONS: [&str; 6] = [
    "sign_in",
    "sign_out",
    "sign_in_failed",
    "sign_in_locked",
    "export_full",
    "print_full",
];

/// Audit lines (newest first) without the session lines, at most the newest `keep`.
fn business(lines: &Value, keep: usize) -> Vec<Value> {
    lines
        .as_array()
        .expect("lines")
        .iter()
        .filter(|l| !SESSION_ACTIONS.contains(&l["action"].as_str().unwrap_or("")))
        .take(keep)
        .cloned()
        .collect()
}

/// The same command's stdout with `--db FILE` and `--db URL` (for the audit log: the same lines
/// but each side's own sign-ins, as far as both windows reach).
fn same_output(file: &str, url: &str, args: &[&str]) {
    let a = ok(on(file, args));
    let b = ok(on(url, args));
    if args.contains(&"audit") {
        let (a, b) = (json(&a), json(&b));
        let (a, b) = (business(&a, usize::MAX), business(&b, usize::MAX));
        let n = a.len().min(b.len());
        assert!(n > 0);
        assert_eq!(a[..n], b[..n], "handover {}", args.join(" "));
        return;
    }
    assert_eq!(text(&a.stdout), text(&b.stdout), "handover {}", args.join(" "));
}

/// A file written by a command with `--db FILE` and with `--db URL` (`OUT` in `args` is replaced).
fn same_file(dir: &Path, file: &str, url: &str, args: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let mut out = Vec::new();
    for (tag, db) in [("file", file), ("url", url)] {
        let path = dir.join(format!("out-{tag}"));
        let _ = std::fs::remove_file(&path);
        let p = path.to_string_lossy().to_string();
        let args: Vec<&str> = args.iter().map(|a| if *a == "OUT" { p.as_str() } else { a }).collect();
        ok(on(db, &args));
        out.push(std::fs::read(&path).expect("written"));
    }
    let url_bytes = out.pop().expect("url");
    (out.pop().expect("file"), url_bytes)
}

fn pdf_text(bytes: &[u8], dir: &Path) -> String {
    let path = dir.join("read.pdf");
    std::fs::write(&path, bytes).expect("write");
    let o = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext is required (apt-get install poppler-utils): {e}"));
    text(&o.stdout)
}

/// Exports compare byte for byte where the bytes are deterministic (the same database read twice
/// gives the same bytes), else by what they hold: an .xlsx's cells, a PDF's text.
fn assert_same_file(name: &str, file: &[u8], again: &[u8], url: &[u8], dir: &Path) {
    if file == again {
        assert!(file == url, "{name}: the same bytes from the file and the server");
    } else if name.ends_with(".xlsx") {
        let rows = |b: &[u8]| domain::sheet::debug_rows(b).expect("readable");
        assert_eq!(rows(file), rows(url), "{name}");
    } else {
        assert_eq!(pdf_text(file, dir), pdf_text(url, dir), "{name}");
    }
}

#[test]
fn copy_the_sample_office_then_every_list_and_export_reads_the_same_on_both() {
    let Some(admin_url) = pg_url() else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path(), UNITS);
    let file = p(&db);
    add_user(&db, "clerk1", Role::Clerk, true);
    add_user(&db, "finance1", Role::Finance, true);
    ok(on(
        &file,
        &[
            "fees",
            "requote",
            "--project",
            PROJECT,
            "--region",
            "national",
            "--fund-per-m2",
            "65.00",
        ],
    ));
    let batch_id = plan(&file, "第一批", "1栋", "1-6");
    let facts = fill(&db, batch_id);
    // The last write by a command: it may still be in h.db-wal beside the file (read with it).
    assert_eq!(plan(&file, "第二批", "2栋", "1-6"), batch_id + 1);

    let names = [
        format!("hd_cli_copy_{}", std::process::id()),
        format!("hd_cli_copy_text_{}", std::process::id()),
    ];
    let target = pg_database(&admin_url, &names[0]);
    let o = ok(copy_untouched(&db, &target, true));
    let report = json(&o);

    // The report: every table, parents first, with its rows and checksum.
    let tables = report["tables"].as_array().expect("tables");
    let rows = |t: &str| -> u64 {
        tables.iter().find(|x| x["table"] == t).unwrap_or_else(|| panic!("{t} reported"))["rows"]
            .as_u64()
            .expect("rows")
    };
    let total: u64 = tables.iter().map(|t| t["rows"].as_u64().expect("rows")).sum();
    assert_eq!(report["total_rows"].as_u64(), Some(total));
    assert_eq!(report["verified"], true);
    assert_eq!(rows("units"), UNITS as u64);
    assert_eq!(rows("users"), 3);
    assert!(tables.iter().all(|t| t["checksum"].as_str().is_some_and(|c| c.len() == 64)));
    let shown = report["to"].as_str().expect("to");
    assert!(
        shown.contains(":***@") && !shown.contains(password(&target)),
        "the password is not printed: {shown}"
    );
    let empty: Vec<&str> = tables
        .iter()
        .filter(|t| t["rows"] == 0)
        .map(|t| t["table"].as_str().unwrap_or(""))
        .collect();
    for t in [
        "move_in_configs",
        "fee_quotes",
        "fee_rule_edits",
        "settings",
        "letterhead",
        "move_in_batches",
        "move_in_units",
        "move_in_slots",
        "appointments",
        "notice_deliveries",
        "move_in_steps",
        "keys",
        "key_events",
        "inspection_templates",
        "inspections",
        "defects",
        "photos",
        "defect_photos",
        "defect_events",
        "floor_plans",
        "defect_parties",
        "contract_parties",
        "buyers",
        "audit_log",
    ] {
        assert!(rows(t) > 0, "{t} has rows to copy (empty: {empty:?})");
    }
    eprintln!(
        "copied {total} rows of {} tables ({UNITS} units) in {} ms",
        tables.len(),
        report["elapsed_ms"]
    );

    // The same lists and exports from the file and from the server.
    for args in [
        &["--json", "units", "list", "--page-size", "1000"][..],
        &["--json", "units", "list", "--search", "1-1", "--page-size", "1000"],
        &["--json", "units", "list", "--status", "sold", "--page", "2", "--page-size", "25"],
        &["units", "list", "--search", "王", "--page-size", "1000"],
        &["--json", "imports", "list"],
        &["--json", "audit", "--limit", "1000"],
        &["--json", "audit", "--unit", "1-101"],
        &["--json", "movein", "batches", "--project", PROJECT],
        &["--json", "fees", "saved", "--contract", "HT000001"],
        &["--json", "fees", "rules", "list"],
    ] {
        same_output(&file, &target, args);
    }
    for (name, args) in [
        ("units.xlsx", &["units", "export", "OUT"][..]),
        (
            "fee-statement.pdf",
            &[
                "notices",
                "render",
                "--doc",
                "fee-statement",
                "--contract",
                "HT000001",
                "--out",
                "OUT",
            ],
        ),
        (
            "area-settlement.pdf",
            &[
                "notices",
                "render",
                "--doc",
                "area-settlement",
                "--contract",
                "HT000001",
                "--out",
                "OUT",
            ],
        ),
        (
            "inspection-form.pdf",
            &[
                "notices",
                "render",
                "--doc",
                "inspection-form",
                "--inspection",
                &facts.inspection_id.to_string(),
                "--out",
                "OUT",
            ],
        ),
    ] {
        let (a, b) = same_file(dir.path(), &file, &target, args);
        let (again, _) = same_file(dir.path(), &file, &file, args);
        assert_same_file(name, &a, &again, &b, dir.path());
    }
    let (reads_file, files_file) = snapshot(db.as_path(), &facts);
    let (reads_url, files_url) = snapshot(target.as_str(), &facts);
    let (_, files_again) = snapshot(db.as_path(), &facts);
    assert_eq!(reads_file.len(), reads_url.len());
    for ((name, a), (_, b)) in reads_file.iter().zip(&reads_url) {
        assert_eq!(a, b, "{name}");
    }
    let deterministic: Vec<&str> = files_file
        .iter()
        .zip(&files_again)
        .filter(|(a, b)| a.1 == b.1)
        .map(|(a, _)| a.0.as_str())
        .collect();
    eprintln!("byte-for-byte: {deterministic:?}");
    for ((name, a), ((_, again), (_, b))) in files_file.iter().zip(files_again.iter().zip(&files_url)) {
        assert_same_file(name, a, again, b, dir.path());
    }

    // New rows on the server get fresh ids (the sequences moved past the copied ones).
    let audit_before = json(&ok(on(&target, &["--json", "audit", "--limit", "1000"])));
    let last_audit = audit_before
        .as_array()
        .expect("lines")
        .iter()
        .filter_map(|l| l["id"].as_i64())
        .max();
    let third = plan(&target, "第三批", "2栋", "7-12");
    assert_eq!(third, batch_id + 2);
    let newest = business(&json(&ok(on(&target, &["--json", "audit", "--limit", "5"]))), 1);
    if let Some(last) = last_audit {
        assert!(newest[0]["id"].as_i64().expect("id") > last, "{newest:?}");
    }
    assert_eq!(
        (newest[0]["entity"].as_str(), newest[0]["entity_id"].as_i64()),
        (Some("batch"), Some(third)),
        "{newest:?}"
    );

    // A second copy onto the same database: refused, nothing written, the file untouched.
    let audit_now = business(&json(&ok(on(&target, &["--json", "audit", "--limit", "1000"]))), 500);
    let units_now = text(&ok(on(&target, &["--json", "units", "list", "--page-size", "1000"])).stdout);
    let o = copy_untouched(&db, &target, true);
    assert_eq!(o.status.code(), Some(1));
    let e = json(&o);
    assert_eq!(
        (e["error"]["code"].as_str(), e["error"]["field"].as_str()),
        (Some("conflict"), Some("to")),
        "{e}"
    );
    assert!(
        e["error"]["message"].as_str().expect("message").contains("目标数据库已有数据"),
        "{e}"
    );
    assert_eq!(
        business(&json(&ok(on(&target, &["--json", "audit", "--limit", "1000"]))), 500),
        audit_now
    );
    assert_eq!(
        text(&ok(on(&target, &["--json", "units", "list", "--page-size", "1000"])).stdout),
        units_now
    );

    // Without --json: the report as text on stdout, progress of long tables on stderr.
    let text_target = pg_database(&admin_url, &names[1]);
    let o = ok(copy_untouched(&db, &text_target, false));
    let out = text(&o.stdout);
    assert!(out.contains("合计") && out.contains("校验和一致"), "{out}");
    for t in tables {
        let name = t["table"].as_str().expect("name");
        assert!(
            out.lines().any(|l| l.starts_with(name) && l.contains("校验和一致")),
            "{name}: {out}"
        );
    }
    let long: Vec<&str> = tables
        .iter()
        .filter(|t| t["rows"].as_u64().unwrap_or(0) >= 2000)
        .map(|t| t["table"].as_str().unwrap_or(""))
        .collect();
    for t in long {
        assert!(
            text(&o.stderr).contains(&format!("复制 {t}：")),
            "progress of {t}: {}",
            text(&o.stderr)
        );
    }

    // A wrong password: the store's connection error, field "db"; nothing else happens.
    let wrong = wrong_password(&target);
    let o = copy_untouched(&db, &wrong, true);
    assert_eq!(o.status.code(), Some(1));
    let e = json(&o);
    assert_eq!(e["error"]["field"], "db", "{e}");
    assert!(e["error"]["message"].as_str().expect("message").contains("密码"), "{e}");

    for name in names {
        pg_exec(&admin_url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

/// The password in a URL.
fn password(url: &str) -> &str {
    let auth = url.split_once("://").and_then(|(_, r)| r.rsplit_once('@')).map_or("", |(a, _)| a);
    auth.split_once(':').map_or("", |(_, pw)| pw)
}

/// The URL with another password.
fn wrong_password(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("url");
    let (auth, host) = rest.rsplit_once('@').expect("user and password");
    let user = auth.split(':').next().unwrap_or(auth);
    format!("{scheme}://{user}:not-the-password@{host}")
}

#[test]
fn db_copy_names_a_missing_or_foreign_source_and_a_target_that_is_no_server() {
    // Refused before any server is asked: this port has nothing.
    let nowhere = "postgres://handover:pw@127.0.0.1:1/none";
    let dir = tempfile::tempdir().expect("tmp");
    let missing = dir.path().join("missing.db");
    let e = json(&copy(&missing, nowhere, true));
    assert_eq!(
        (e["error"]["code"].as_str(), e["error"]["field"].as_str()),
        (Some("not_found"), Some("from")),
        "{e}"
    );
    assert!(e["error"]["message"].as_str().expect("message").contains("missing.db"), "{e}");
    assert!(!missing.exists(), "nothing created");

    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "just text, no database here at all, not even a header").expect("write");
    for foreign in [notes.clone(), PathBuf::from(dir.path())] {
        let o = copy(&foreign, nowhere, true);
        assert_eq!(o.status.code(), Some(1));
        let e = json(&o);
        assert_eq!(
            (e["error"]["code"].as_str(), e["error"]["field"].as_str()),
            (Some("invalid"), Some("from")),
            "{e}"
        );
    }
    assert_eq!(
        std::fs::read(&notes).expect("read"),
        b"just text, no database here at all, not even a header"
    );

    // Without --json: the Chinese message on stderr, exit 1.
    let o = copy(&missing, nowhere, false);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert!(text(&o.stderr).starts_with("错误：源数据库文件不存在"), "{}", text(&o.stderr));

    // A file as the target, and an unreachable server, for a real source.
    let db = dir.path().join("h.db");
    init(&db);
    let e = json(&copy(&db, &p(&dir.path().join("other.db")), true));
    assert_eq!(
        (e["error"]["code"].as_str(), e["error"]["field"].as_str()),
        (Some("invalid"), Some("to")),
        "{e}"
    );
    let e = json(&copy(&db, nowhere, true));
    assert_eq!(e["error"]["field"], "db", "{e}");
    // No sign-in is asked for: --user is not needed (nor used).
    let help = text(&run(&["db", "copy", "--help"], None, "").stdout);
    assert!(
        help.contains("--from") && help.contains("--to") && help.contains("no --user"),
        "{help}"
    );
}
