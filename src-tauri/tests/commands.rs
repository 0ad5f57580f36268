//! The commands over Tauri's mock runtime: real IPC requests, no window, a temporary database.

use serde_json::{json, Value};
use src_tauri::state::{AppState, Startup};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

fn app() -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let services = tauri::async_runtime::block_on(services::Services::in_memory(services::system_clock())).expect("services");
    let app = src_tauri::builder(mock_builder())
        .manage(AppState::new(services))
        .manage(Startup::default())
        .build(mock_context(noop_assets()))
        .expect("app");
    let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    (app, w)
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
        let app = src_tauri::builder(mock_builder())
            .manage(AppState::new(services.clone()))
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
