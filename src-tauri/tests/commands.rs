//! The commands over Tauri's mock runtime: real IPC requests, no window, a temporary database.

use serde_json::{json, Value};
use src_tauri::files::{Ask, Files, Kind, Preset, PrintFolder, Protected};
use src_tauri::state::{AppState, Startup};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

/// A window on a fresh in-memory database. No dialog can show on the mock runtime: where to save
/// comes from `picker` (a cancel unless an answer is given); the app's data folder, the database
/// file and the print folders live in `dir`.
struct Desk {
    app: tauri::App<MockRuntime>,
    w: WebviewWindow<MockRuntime>,
    picker: Preset,
    dir: tempfile::TempDir,
}

impl Desk {
    fn app_data(&self) -> PathBuf {
        self.dir.path().join("app-data")
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("records/handover.db")
    }
    fn print_root(&self) -> PathBuf {
        self.dir.path().join("tmp")
    }
    /// A folder the user may save into.
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
    fn files(&self) -> &Files {
        self.app.state::<AppState>().inner().files()
    }
}

fn desk() -> Desk {
    let dir = tempfile::tempdir().expect("tmp");
    for d in ["app-data", "records", "tmp", "out"] {
        std::fs::create_dir_all(dir.path().join(d)).expect("folder");
    }
    std::fs::write(dir.path().join("records/handover.db"), b"SQLite format 3\0").expect("a database file");
    let picker = Preset::default();
    let files = Files::new(
        Arc::new(picker.clone()),
        Protected::new(
            Some(dir.path().join("app-data")),
            &services::Location::File(dir.path().join("records/handover.db")),
        ),
    )
    .with_print_root(dir.path().join("tmp"));
    let services = tauri::async_runtime::block_on(services::Services::in_memory(services::system_clock())).expect("services");
    let app = src_tauri::builder(mock_builder())
        .manage(AppState::new(services, files))
        .manage(Startup::default())
        .build(mock_context(noop_assets()))
        .expect("app");
    let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    Desk { app, w, picker, dir }
}

fn app() -> (Desk, WebviewWindow<MockRuntime>) {
    let d = desk();
    let w = d.w.clone();
    (d, w)
}

fn invoke(w: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let req = InvokeRequest {
        cmd: cmd.into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().expect("url"),
        body: tauri::ipc::InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(w, req).map(|b| b.deserialize::<Value>().expect("json body"))
}

/// Create the first administrator (signed in).
fn first_admin(w: &WebviewWindow<MockRuntime>) {
    invoke(
        w,
        "create_first_admin",
        json!({ "req": { "username": "admin", "display_name": "", "password": "long enough" } }),
    )
    .expect("admin");
}

/// The first administrator, signed in, with a sample project of `units` units imported.
fn admin_with_sample(w: &WebviewWindow<MockRuntime>, units: usize) {
    first_admin(w);
    use base64::Engine;
    let bytes = domain::sample::workbook("示例花园", units).expect("sample");
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    let r = invoke(w, "import_workbook", json!({ "file_name": "s.xlsx", "data_base64": data })).expect("import");
    assert_eq!(r["outcome"], "imported");
}

#[test]
fn sign_in_flow_and_typed_errors_over_ipc() {
    let (_app, w) = app();
    assert_eq!(invoke(&w, "setup_status", json!({})).expect("status")["needs_admin"], true);

    // Nobody signed in: a typed error, not a panic.
    let e = invoke(&w, "search_units", json!({ "query": {} })).expect_err("unauthenticated");
    assert_eq!(e["code"], "unauthenticated");
    assert_eq!(e["message"], "请先登录");

    let e = invoke(
        &w,
        "create_first_admin",
        json!({ "req": { "username": "admin", "display_name": "", "password": "short" } }),
    )
    .expect_err("short");
    assert_eq!(e["code"], "invalid");
    assert_eq!(e["field"], "password");

    let s = invoke(
        &w,
        "create_first_admin",
        json!({ "req": { "username": "admin", "display_name": "管理员", "password": "long enough" } }),
    )
    .expect("admin");
    assert_eq!(s["session"]["role"], "admin");
    assert!(s["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .any(|p| p == "manage_users"));
    assert_eq!(
        invoke(&w, "current_session", json!({})).expect("session")["session"]["username"],
        "admin"
    );

    // Import a sample workbook sent as base64, then find a unit.
    use base64::Engine;
    let bytes = domain::sample::workbook("示例花园", 8).expect("sample");
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    let r = invoke(&w, "import_workbook", json!({ "file_name": "sample.xlsx", "data_base64": data })).expect("import");
    assert_eq!(r["outcome"], "imported");
    let page = invoke(
        &w,
        "search_units",
        json!({ "query": { "search": "1-1", "page": 1, "page_size": 10 } }),
    )
    .expect("search");
    assert_eq!(page["total"], 4);
    assert_eq!(page["items"][0]["unit"]["forecast_gross_area"], "89.50");

    // A bad decimal string is refused at the boundary, naming the field.
    let unit = &page["items"][0]["unit"];
    let e = invoke(
        &w,
        "update_unit",
        json!({ "edit": { "id": unit["id"], "version": unit["version"], "property_type": "residential", "status": "sold",
            "forecast_gross_area": "-1.00", "forecast_internal_area": null, "surveyed_gross_area": null, "surveyed_internal_area": null } }),
    )
    .expect_err("negative area");
    assert_eq!(e["field"], "forecast_gross_area");

    invoke(&w, "sign_out", json!({})).expect("sign out");
    let e = invoke(&w, "sign_in", json!({ "req": { "username": "admin", "password": "wrong one" } })).expect_err("bad password");
    assert_eq!(e["code"], "bad_credentials");
}

#[test]
fn fee_quote_over_ipc_with_decimals_as_strings() {
    let (_app, w) = app();
    first_admin(&w);
    let request = json!({ "region": "national", "contract_date": "2025-03-01", "property_type": "residential", "buyer_type": "individual",
        "homes_owned": 0, "gross_area": "89.50", "price": "1500000.00", "vat_rate": "0.09", "elevator": true, "certificates": 1,
        "maintenance_fund": { "per_m2": "65.00" } });
    let q = invoke(&w, "quote_fees", json!({ "request": request })).expect("quote");
    assert_eq!(q["total"], "19658.97");
    assert_eq!(q["total_in_capitals"], "壹万玖仟陆佰伍拾捌元玖角柒分");
    let mut no_fund = request.clone();
    no_fund.as_object_mut().expect("object").remove("maintenance_fund");
    let e = invoke(&w, "quote_fees", json!({ "request": no_fund })).expect_err("asks for the local standard");
    assert_eq!(e["field"], "maintenance_fund");
    let m = invoke(
        &w,
        "mortgage_schedule",
        json!({ "request": { "principal": "1000000.00", "annual_rate": "0.0305", "months": 360, "method": "equal_principal" } }),
    )
    .expect("mortgage");
    assert_eq!(m["first_payment"], "5319.44");
}

#[test]
fn move_in_over_ipc_plan_book_step_and_board() {
    let (_app, w) = app();
    admin_with_sample(&w, 12);
    let project = invoke(&w, "projects", json!({})).expect("projects")[0]["id"].clone();
    let building = invoke(&w, "buildings", json!({ "project_id": project })).expect("b")[0]["id"].clone();
    let office = invoke(&w, "office_today", json!({})).expect("today");
    let today = office["date"].as_str().expect("date").parse::<chrono::NaiveDate>().expect("date") + chrono::Duration::days(2);
    let input = json!({ "project_id": project, "name": "第一批", "first_day": today.to_string(), "last_day": today.to_string(),
        "place": "会所", "windows": 2, "periods": [{ "label": "上午", "starts": "09:00", "ends": "12:00", "quota": 1 }],
        "selection": { "building_ids": [building], "floor_from": null, "floor_to": null, "unit_ids": [] } });
    let created = invoke(&w, "create_batch", json!({ "input": input })).expect("batch");
    let batch_id = created["batch"]["id"].clone();
    let detail = invoke(&w, "batch_detail", json!({ "batch_id": batch_id })).expect("detail");
    let slot = detail["slots"][0]["id"].clone();
    let units = detail["units"].as_array().expect("units").clone();
    let u = invoke(
        &w,
        "book_slot",
        json!({ "unit_id": units[0]["unit_id"], "slot_id": slot, "note": "", "rebook": false }),
    )
    .expect("booked");
    let e = invoke(
        &w,
        "book_slot",
        json!({ "unit_id": units[1]["unit_id"], "slot_id": slot, "note": "", "rebook": false }),
    )
    .expect_err("full");
    assert_eq!(e["code"], "conflict");
    assert!(e["message"].as_str().expect("msg").contains("已约满"), "{e}");
    let e = invoke(
        &w,
        "do_step",
        json!({ "unit_id": u["unit_id"], "version": u["version"], "data": { "kind": "confirmation", "signed": true } }),
    )
    .expect_err("blocked");
    assert!(e["message"].as_str().expect("msg").contains("房款及面积差价未结清"), "{e}");
    let e = invoke(
        &w,
        "do_step",
        json!({ "unit_id": u["unit_id"], "version": u["version"], "data": { "kind": "meters", "readings": [{ "kind": "water", "number": "S1", "reading": "abc" }] } }),
    )
    .expect_err("bad decimal refused at the boundary");
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("invalid"), Some("readings[0].reading")),
        "{e}"
    );
    let done = invoke(
        &w,
        "do_step",
        json!({ "unit_id": u["unit_id"], "version": u["version"], "data": { "kind": "identity", "by_agent": false, "agent_name": "", "agent_id_tail": "", "authorization_seen": false } }),
    )
    .expect("identity");
    assert_eq!(done["status"], "in_progress");

    // Decimals cross as strings: a JSON number is refused naming the field, the string is taken.
    let step = |data: Value| {
        invoke(
            &w,
            "do_step",
            json!({ "unit_id": u["unit_id"], "version": done["version"], "data": data }),
        )
    };
    let e = step(
        json!({ "kind": "meters", "readings": [{ "kind": "water", "number": "S1", "reading": "12.5" },
        { "kind": "electricity", "number": "D1", "reading": 30.5 }] }),
    )
    .expect_err("a number");
    assert_eq!(e["code"], "invalid");
    assert_eq!(e["field"], "readings[1].reading");
    assert_eq!(e["message"], "「readings[1].reading」应为数字文本（如 \"1500000.00\"），不能是数值");
    let e = step(json!({ "kind": "fees", "items": [{ "name": "物业费", "amount": 940.28, "receipt": "R1" }] })).expect_err("a number");
    assert_eq!(e["field"], "items[0].amount");
    let e = step(json!({ "kind": "settlement", "area_difference": 0, "balance_cleared": true, "receipt": "R0" })).expect_err("a number");
    assert_eq!(e["field"], "area_difference");
    let settled = step(json!({ "kind": "settlement", "area_difference": "0.00", "balance_cleared": true, "receipt": "R0" }))
        .expect("the same value as a string");
    assert!(settled["version"].as_i64() > done["version"].as_i64(), "{settled}");
    let board = invoke(&w, "board", json!({ "project_id": project, "batch_id": null })).expect("board");
    assert_eq!(board["total"]["in_progress"], 1);
    assert_eq!(board["total"]["booked"], 1);
}

#[test]
fn inspection_over_ipc_defect_shapes_and_workflow() {
    let (_app, w) = app();
    admin_with_sample(&w, 4);
    let unit = invoke(
        &w,
        "search_units",
        json!({ "query": { "search": "1-101", "page": 1, "page_size": 5 } }),
    )
    .expect("units")["items"][0]["unit"]["id"]
        .clone();
    let i = invoke(&w, "start_inspection", json!({ "start": { "unit_id": unit, "kind": "owner" } })).expect("start");
    assert_eq!(i["kind"], "owner");
    assert_eq!(i["items"].as_array().expect("items").len(), 25);
    let input = json!({ "inspection_id": i["id"], "room": "卧室", "item": "门窗", "category": ["门窗", "五金", "松动"],
        "severity": "minor", "party": "精装", "deadline": null, "description": "合页松动", "pin": [40, 60], "photos": [] });
    let d = invoke(&w, "raise_defect", json!({ "input": input })).expect("defect");
    assert_eq!(d["pin"], json!([40, 60]));
    assert_eq!(d["category"], json!(["门窗", "五金", "松动"]));
    assert_eq!(d["status"], "pending");
    assert_eq!(d["actions"], json!(["assign", "dispute", "void"]));
    let e = invoke(&w, "raise_defect", json!({ "input": input })).expect_err("duplicate");
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("conflict"), Some("item")));
    let e = invoke(
        &w,
        "move_defect",
        json!({ "request": { "defect_id": d["id"], "version": d["version"], "action": "close", "reason": "" } }),
    )
    .expect_err("not from 待派单");
    assert_eq!(e["code"], "conflict");
    let moved = invoke(
        &w,
        "move_defect",
        json!({ "request": { "defect_id": d["id"], "version": d["version"], "action": "assign", "reason": "" } }),
    )
    .expect("assigned");
    assert_eq!(moved["status"], "in_progress");
    let list = invoke(
        &w,
        "defects",
        json!({ "query": { "project_id": 1, "unit_id": null, "party": "精装", "category": null,
        "status": null, "open_only": true, "overdue_only": false, "limit": 10 } }),
    )
    .expect("list");
    assert_eq!(list.as_array().expect("list").len(), 1);
    let cards = invoke(&w, "scorecards", json!({ "project_id": 1 })).expect("cards");
    assert_eq!(cards[0]["party"], "精装");
}

#[test]
fn a_contract_price_crosses_as_a_string_only() {
    let (_app, w) = app();
    admin_with_sample(&w, 8);
    let free = invoke(
        &w,
        "search_units",
        json!({ "query": { "status": "available", "page": 1, "page_size": 1 } }),
    )
    .expect("free")["items"][0]["unit"]["id"]
        .clone();
    let input = |total: Value| {
        json!({ "input": { "number": "HT-IPC-1", "unit_id": free, "signed_on": "2026-11-01", "total_price": total,
            "unit_price": "20000.00", "pricing_basis": "gross_area", "payment_method": "one_off", "filing_status": "signed",
            "parties": [{ "buyer": { "name": "王喆", "id_type": "mainland_id", "id_number": domain::sample::id_number(7),
                "phone": "13912345678", "address": "" }, "share": "100" }] } })
    };
    let e = invoke(&w, "create_contract", input(json!(1790000))).expect_err("a number");
    assert_eq!(e["code"], "invalid");
    assert_eq!(e["field"], "total_price");
    assert_eq!(e["message"], "「total_price」应为数字文本（如 \"1500000.00\"），不能是数值");
    let e = invoke(&w, "create_contract", input(json!(1790000.5))).expect_err("a float");
    assert_eq!(e["field"], "total_price");
    let c = invoke(&w, "create_contract", input(json!("1790000"))).expect("the same value as a string");
    assert_eq!(
        (c["number"].as_str(), c["total_price"].is_string()),
        (Some("HT-IPC-1"), true),
        "{c}"
    );

    // A plain argument Tauri reads itself, and a structured one that is missing, are refused too.
    let e = invoke(&w, "create_contract", json!({})).expect_err("missing");
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("invalid"), Some("input")), "{e}");
}

#[test]
fn the_office_time_zone_gives_the_ui_its_today() {
    let (_app, w) = app();
    let e = invoke(&w, "office_today", json!({})).expect_err("signed in first");
    assert_eq!(e["code"], "unauthenticated");
    first_admin(&w);
    let t = invoke(&w, "office_today", json!({})).expect("today");
    assert_eq!(t["zone"], "Asia/Shanghai");
    let shanghai = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("+8"))
        .date_naive();
    let date = t["date"].as_str().expect("date");
    // The date is Shanghai's (the test may straddle midnight, so allow the next day too).
    assert!(
        date == shanghai.to_string() || date == (shanghai + chrono::Duration::days(1)).to_string(),
        "{t}"
    );
    let e = invoke(&w, "set_office_time_zone", json!({ "time_zone": "Asia/Beijing" })).expect_err("unknown");
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("invalid"), Some("time_zone")),
        "{e}"
    );
    let t = invoke(&w, "set_office_time_zone", json!({ "time_zone": "Asia/Urumqi" })).expect("set");
    assert_eq!(t["zone"], "Asia/Urumqi");
    assert_eq!(invoke(&w, "office_today", json!({})).expect("today")["zone"], "Asia/Urumqi");
}

/// Records that cannot be opened at start (here: a server that does not answer): the window
/// still answers `startup_error` with the reason naming `db`, and every other command refuses
/// instead of panicking.
#[test]
fn a_database_that_cannot_be_opened_is_explained_in_the_window() {
    let location = services::Location::parse("postgres://handover:secret@127.0.0.1:1/handover");
    let e = tauri::async_runtime::block_on(services::Services::open(location.clone()))
        .err()
        .expect("nothing answers on port 1");
    let failed = src_tauri::builder(mock_builder())
        .manage(Startup::failed(&location, e))
        .build(mock_context(noop_assets()))
        .expect("app");
    let w = tauri::WebviewWindowBuilder::new(&failed, "main", Default::default())
        .build()
        .expect("window");
    let why = invoke(&w, "startup_error", json!({})).expect("answers");
    assert_eq!(
        (why["code"].as_str(), why["field"].as_str()),
        (Some("storage"), Some("db")),
        "{why}"
    );
    let message = why["message"].as_str().expect("message");
    assert!(
        message.contains("无法连接数据库服务器") && message.contains("127.0.0.1:1"),
        "{message}"
    );
    assert!(!message.contains("secret"), "the password is not shown: {message}");
    assert!(invoke(&w, "setup_status", json!({})).is_err(), "no records, no answers");
    // With the records open, there is nothing to explain.
    let (_app, w) = app();
    assert_eq!(invoke(&w, "startup_error", json!({})).expect("answers"), Value::Null);
}

/// Two windows on one set of services (as two desks on one office server): an administrator on
/// one disables the clerk signed in on the other, whose very next command is refused and whose
/// window no longer holds a session; the sign-ins, the failure and the sign-out are audited, and
/// the token never reaches the page.
#[test]
fn a_user_disabled_while_signed_in_is_refused_at_the_next_command() {
    let services = tauri::async_runtime::block_on(services::Services::in_memory(services::system_clock())).expect("services");
    let window = |label: &str| {
        let files = Files::new(Arc::new(Preset::default()), Protected::default());
        let app = src_tauri::builder(mock_builder())
            .manage(AppState::new(services.clone(), files))
            .manage(Startup::default())
            .build(mock_context(noop_assets()))
            .expect("app");
        let w = tauri::WebviewWindowBuilder::new(&app, label, Default::default())
            .build()
            .expect("window");
        (app, w)
    };
    let (_a, admin) = window("admin");
    let (_c, clerk) = window("clerk");
    first_admin(&admin);
    let created = invoke(
        &admin,
        "create_user",
        json!({ "req": { "username": "clerk1", "display_name": "", "role": "clerk", "password": "password-123" } }),
    )
    .expect("clerk");
    let e = invoke(
        &clerk,
        "sign_in",
        json!({ "req": { "username": "clerk1", "password": "wrong-wrong" } }),
    )
    .expect_err("wrong");
    assert_eq!(e["code"], "bad_credentials");
    let signed = invoke(
        &clerk,
        "sign_in",
        json!({ "req": { "username": "clerk1", "password": "password-123" } }),
    )
    .expect("in");
    assert_eq!(signed["idle_lock_minutes"], 15);
    assert!(
        signed["idle_lock_notice"].as_str().is_some_and(|n| n.contains("15 分钟")),
        "{signed}"
    );
    assert!(signed["session"].get("token").is_none(), "the token stays in Rust: {signed}");
    invoke(&clerk, "search_units", json!({ "query": {} })).expect("allowed");

    invoke(
        &admin,
        "update_user",
        json!({ "req": { "id": created["id"], "role": "clerk", "active": false, "password": null } }),
    )
    .expect("disabled");
    let e = invoke(&clerk, "search_units", json!({ "query": {} })).expect_err("disabled");
    assert_eq!(
        (e["code"].as_str(), e["message"].as_str()),
        (Some("unauthenticated"), Some("账号已停用，已退出登录"))
    );
    assert_eq!(invoke(&clerk, "current_session", json!({})).expect("none"), Value::Null);

    invoke(&admin, "sign_out", json!({})).expect("out");
    assert_eq!(
        invoke(&admin, "users", json!({})).expect_err("signed out")["code"],
        "unauthenticated"
    );
    invoke(
        &admin,
        "sign_in",
        json!({ "req": { "username": "admin", "password": "long enough" } }),
    )
    .expect("back");
    let log = invoke(&admin, "audit_recent", json!({ "limit": 20 })).expect("audit");
    let actions: Vec<&str> = log
        .as_array()
        .expect("lines")
        .iter()
        .rev()
        .filter_map(|l| l["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        ["create", "create", "sign_in_failed", "sign_in", "update", "sign_out", "sign_in"]
    );
    let check = invoke(&admin, "verify_audit", json!({})).expect("verify");
    assert_eq!(check["intact"], true, "{check}");
}

/// An answer to the next question: save (or write into) `path`.
fn answer(d: &Desk, path: &Path) {
    d.picker.answer(Some(path.to_path_buf()));
}

/// Entries in a folder.
fn count(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|e| e.count()).unwrap_or(0)
}

/// An owner's inspection of 1-101, as the desk starts one.
fn inspection(w: &WebviewWindow<MockRuntime>) -> Value {
    let unit = invoke(
        w,
        "search_units",
        json!({ "query": { "search": "1-101", "page": 1, "page_size": 5 } }),
    )
    .expect("units")["items"][0]["unit"]["id"]
        .clone();
    invoke(w, "start_inspection", json!({ "start": { "unit_id": unit, "kind": "owner" } })).expect("start")
}

/// Every export and document save asks where in Rust (the page sends no path), suggests a name,
/// writes the whole file there and answers with its path; a cancel answers null and writes
/// nothing; a signed-out window is refused before any dialog shows.
#[test]
fn saves_ask_where_in_rust_and_answer_the_path_written() {
    let d = desk();
    admin_with_sample(&d.w, 4);
    let project = invoke(&d.w, "projects", json!({})).expect("projects")[0]["id"].clone();
    let mortgage = json!({ "principal": "1000000.00", "annual_rate": "0.0305", "months": 360, "method": "equal_principal" });
    let cases = [
        ("export_units", json!({ "query": {} }), "房源列表.xlsx"),
        ("export_audit", json!({ "limit": 50 }), "审计日志.xlsx"),
        ("export_imports", json!({}), "导入记录.xlsx"),
        ("export_users", json!({}), "用户.xlsx"),
        ("save_import_template", json!({}), "房源表导入模板.xlsx"),
        ("export_mortgage", json!({ "request": mortgage }), "还款计划.xlsx"),
        ("export_board", json!({ "project_id": project, "batch_id": null }), "入伙进度.xlsx"),
    ];
    for (i, (cmd, args, name)) in cases.iter().enumerate() {
        let target = d.out().join(format!("{i}-{name}"));
        answer(&d, &target);
        let saved = invoke(&d.w, cmd, args.clone()).unwrap_or_else(|e| panic!("{cmd}: {e}"));
        assert_eq!(saved, json!(target.display().to_string()), "{cmd}");
        assert!(std::fs::read(&target).expect("written").starts_with(b"PK"), "{cmd}: an .xlsx");
        assert_eq!(
            d.picker.asked().last(),
            Some(&Ask::Save {
                name: name.to_string(),
                kind: Kind::Xlsx
            }),
            "{cmd}"
        );
    }
    let i = inspection(&d.w);
    let form = d.out().join("验收单.pdf");
    answer(&d, &form);
    invoke(&d.w, "save_inspection_form", json!({ "id": i["id"], "copies": 1 })).expect("a PDF");
    assert!(std::fs::read(&form).expect("written").starts_with(b"%PDF"));
    assert_eq!(
        d.picker.asked().last(),
        Some(&Ask::Save {
            name: format!("交房验收单-{}.pdf", i["id"]),
            kind: Kind::Pdf
        })
    );
    assert_eq!(count(&d.out()), cases.len() + 1, "no partial files beside them");

    // Cancelled: null, nothing written. A `path` the page might still send is not an argument.
    let stray = d.out().join("page.xlsx");
    let r = invoke(&d.w, "export_users", json!({ "path": stray })).expect("cancelled");
    assert_eq!(r, Value::Null);
    assert!(!stray.exists());
    assert_eq!(count(&d.out()), cases.len() + 1);

    // Signed out: refused before a dialog shows.
    let asked = d.picker.asked().len();
    invoke(&d.w, "sign_out", json!({})).expect("out");
    answer(&d, &stray);
    let e = invoke(&d.w, "export_units", json!({ "query": {} })).expect_err("signed out");
    assert_eq!(e["code"], "unauthenticated");
    assert_eq!(d.picker.asked().len(), asked, "no dialog for a signed-out window");
    assert!(!stray.exists());
}

/// A save onto the database, beside it under its name (its -wal, its backups), or anywhere in the
/// app's data folder — also by `..` or a link — is refused naming `path`, and nothing is written.
#[test]
fn a_save_into_the_database_or_the_app_data_folder_is_refused() {
    let d = desk();
    first_admin(&d.w);
    let db = d.db();
    let mut refused = vec![
        db.clone(),
        db.with_file_name("handover.db-wal"),
        db.with_file_name("handover.pre-migration-v9.bak"),
        d.app_data().join("handover.db"),
        d.app_data().join("新文件夹/用户.xlsx"),
        d.out().join("../app-data/用户.xlsx"),
    ];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.app_data(), d.out().join("link")).expect("link");
        refused.push(d.out().join("link/用户.xlsx"));
    }
    for target in &refused {
        answer(&d, target);
        let e = invoke(&d.w, "export_users", json!({})).expect_err("refused");
        assert_eq!(
            (e["code"].as_str(), e["field"].as_str()),
            (Some("invalid"), Some("path")),
            "{}",
            target.display()
        );
        assert!(
            e["message"]
                .as_str()
                .expect("message")
                .contains("「保存位置」不能是数据库文件或应用数据文件夹"),
            "{e}"
        );
    }
    assert_eq!(std::fs::read(&db).expect("db"), b"SQLite format 3\0", "the database untouched");
    assert_eq!(count(&d.app_data()), 0, "nothing in the data folder");
    assert_eq!(count(db.parent().expect("records")), 1);
    // Beside the database under another name is the user's choice.
    answer(&d, &db.with_file_name("用户.xlsx"));
    invoke(&d.w, "export_users", json!({})).expect("another name beside it");
}

/// `open_file` answers only a signed-in window, and only for PDFs this app wrote in this session;
/// anything else the page names is refused. (Opening in a viewer is not done on the test
/// machine: the allowed case is checked at [`Files::openable`], which the command calls first.)
#[test]
fn open_file_needs_sign_in_and_opens_only_this_sessions_pdfs() {
    let d = desk();
    let outside = d.out().join("外来.pdf");
    std::fs::write(&outside, b"%PDF-1.4").expect("a PDF the app did not write");
    let e = invoke(&d.w, "open_file", json!({ "path": outside })).expect_err("signed out");
    assert_eq!(e["code"], "unauthenticated");
    admin_with_sample(&d.w, 4);
    for path in [outside.display().to_string(), "/etc/passwd".into(), d.db().display().to_string()] {
        let e = invoke(&d.w, "open_file", json!({ "path": path })).expect_err("not written by the app");
        assert_eq!(
            (e["code"].as_str(), e["field"].as_str(), e["message"].as_str()),
            (Some("invalid"), Some("path"), Some("只能打开本次运行中由交付台生成的 PDF 文件")),
            "{path}"
        );
    }
    let i = inspection(&d.w);
    let form = d.out().join("验收单.pdf");
    answer(&d, &form);
    let saved = invoke(&d.w, "save_inspection_form", json!({ "id": i["id"], "copies": 1 })).expect("saved");
    assert_eq!(
        d.files().openable(saved.as_str().expect("path")).expect("written this session"),
        form
    );
    let users = d.out().join("用户.xlsx");
    answer(&d, &users);
    invoke(&d.w, "export_users", json!({})).expect("saved");
    assert!(d.files().openable(&users.display().to_string()).is_err(), "PDFs only");
    std::fs::remove_file(&form).expect("gone");
    assert!(d.files().openable(&form.display().to_string()).is_err(), "no longer there");
}

/// "Print" PDFs go to this run's private folder (0700 on Unix), each under a fresh name (a file
/// a viewer holds is never overwritten), and the folder is removed at exit.
#[test]
fn print_pdfs_go_to_a_private_folder_for_this_run_removed_at_exit() {
    let d = desk();
    let a = d.files().print("交房验收单-7.pdf", b"%PDF-a").expect("printed");
    let b = d.files().print("交房验收单-7.pdf", b"%PDF-b").expect("again");
    let c = d.files().print("../../逃逸.pdf", b"%PDF-c").expect("a name with a path in it");
    let folder = d.files().print_folder().expect("made at the first print");
    assert_eq!(folder.parent(), Some(d.print_root().as_path()));
    assert!(folder
        .file_name()
        .expect("name")
        .to_string_lossy()
        .starts_with("handoverdesk-print-"));
    assert_eq!(
        [&a, &b, &c].map(|p| p.strip_prefix(&folder).expect("inside").display().to_string()),
        ["交房验收单-7.pdf", "交房验收单-7-2.pdf", "逃逸.pdf"]
    );
    assert_eq!(
        (std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b")),
        (b"%PDF-a".to_vec(), b"%PDF-b".to_vec())
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&folder).expect("meta").permissions().mode() & 0o777, 0o700);
    }
    assert!(
        d.files().openable(&a.display().to_string()).is_ok(),
        "a printed PDF may be reopened"
    );
    d.files().clean_up();
    assert!(!folder.exists(), "removed at exit");
    assert_eq!(count(&d.print_root()), 0);
}

/// At start, print folders a killed or crashed run left are removed; a running app's, one being
/// created, a link and anything else are left alone.
#[test]
fn print_folders_left_by_earlier_runs_are_removed_and_live_ones_kept() {
    let root = tempfile::tempdir().expect("tmp");
    let live = PrintFolder::create(root.path()).expect("a running app's folder");
    let dead = root.path().join("handoverdesk-print-killed");
    std::fs::create_dir(&dead).expect("folder");
    std::fs::write(dead.join(".lock"), b"").expect("its lock, held by nobody");
    std::fs::write(dead.join("交房验收单-1.pdf"), b"%PDF").expect("a file in it");
    let young = root.path().join("handoverdesk-print-starting");
    std::fs::create_dir(&young).expect("no lock yet, just made");
    let other = root.path().join("其他程序");
    std::fs::create_dir(&other).expect("folder");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&other, root.path().join("handoverdesk-print-link")).expect("link");
    assert_eq!(PrintFolder::remove_stale(root.path()), 1);
    assert!(!dead.exists());
    assert!(live.path().is_dir() && young.is_dir() && other.is_dir());
    live.close();
}

/// The batch print asks for its folder in Rust; whatever happens — a cancelled dialog, a refused
/// folder, a print, a panic — the batch ends, so the next one may start.
#[test]
fn a_batch_print_asks_for_its_folder_in_rust_and_always_ends() {
    let d = desk();
    admin_with_sample(&d.w, 12);
    let project = invoke(&d.w, "projects", json!({})).expect("projects")[0]["id"].clone();
    let building = invoke(&d.w, "buildings", json!({ "project_id": project })).expect("b")[0]["id"].clone();
    let mut proc = invoke(&d.w, "procedure_settings", json!({ "project_id": project })).expect("procedure");
    proc["config"]["fees"]
        .as_array_mut()
        .expect("fees")
        .retain(|f| f["basis"]["type"] != "maintenance_fund");
    invoke(&d.w, "save_procedure_settings", json!({ "settings": proc })).expect("no fee needs a quote");
    let day = invoke(&d.w, "office_today", json!({})).expect("today")["date"]
        .as_str()
        .expect("date")
        .parse::<chrono::NaiveDate>()
        .expect("date")
        + chrono::Duration::days(2);
    let input = json!({ "project_id": project, "name": "第一批", "first_day": day.to_string(), "last_day": day.to_string(),
        "place": "会所", "windows": 2, "periods": [{ "label": "上午", "starts": "09:00", "ends": "12:00", "quota": 5 }],
        "selection": { "building_ids": [building], "floor_from": null, "floor_to": null, "unit_ids": [] } });
    let batch = invoke(&d.w, "create_batch", json!({ "input": input })).expect("batch")["batch"]["id"].clone();
    let state = d.app.state::<AppState>();
    let print = || {
        invoke(
            &d.w,
            "print_batch_notices",
            json!({ "batch_id": batch, "combined": false, "on_progress": "__CHANNEL__:1" }),
        )
    };

    assert_eq!(print().expect("cancelled"), Value::Null);
    assert_eq!(
        d.picker.asked().last(),
        Some(&Ask::Folder {
            title: "选择保存入伙通知书的文件夹".into()
        })
    );
    assert!(!state.batch_running(), "a cancelled dialog ends the batch");
    answer(&d, &d.app_data());
    assert_eq!(print().expect_err("the data folder")["field"], "path");
    assert!(!state.batch_running());

    let dir = d.out().join("通知书");
    answer(&d, &dir);
    let r = print().expect("printed");
    assert_eq!(r["dir"], json!(dir.display().to_string()));
    let files = r["files"].as_array().expect("files");
    assert_eq!((files.len(), r["failures"].as_array().map(Vec::len)), (9, Some(0)), "{r}");
    for f in files {
        let f = f.as_str().expect("a full path");
        assert_eq!(Path::new(f).parent(), Some(dir.as_path()));
        assert!(d.files().openable(f).is_ok(), "the report's files may be opened: {f}");
    }
    assert_eq!(count(&dir), 9, "no partial files");
    assert!(!state.batch_running());

    // A panic while a batch runs: the guard ends the batch on the way out…
    let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _batch = state.start_batch().expect("started");
        assert!(state.start_batch().is_err(), "one at a time");
        panic!("a fault inside the batch");
    }));
    assert!(unwound.is_err());
    assert!(!state.batch_running(), "ended by its guard");
    // …and the command answers an error instead of never answering.
    let answered: domain::Result<()> = tauri::async_runtime::block_on(src_tauri::state::caught("批量打印时程序出错", async {
        let _batch = state.start_batch()?;
        panic!("a fault inside the batch")
    }));
    let e = answered.expect_err("an error, not a hung reply");
    assert_eq!((e.code, e.message.as_str()), (domain::ErrorCode::Internal, "批量打印时程序出错"));
    assert!(!state.batch_running());
    answer(&d, &dir);
    assert_eq!(print().expect("the next batch runs")["files"].as_array().map(Vec::len), Some(9));
}
