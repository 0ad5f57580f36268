//! Move-in service tests: planning, booking races, the procedure's transitions and refusals,
//! keys, the board, letterhead images and printing.

use crate::move_in::*;
use crate::test_support::*;
use crate::*;
use domain::model::*;
use domain::move_in::*;
use domain::role::Role;
use domain::ErrorCode;
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

struct World {
    services: Services,
    admin: Session,
    clerk: Session,
    project_id: i64,
    building_id: i64,
}

async fn world() -> World {
    let (services, admin) = services().await;
    let clerk = user(&services, &admin, "clerk", Role::Clerk).await;
    imported(&services, &admin, 40).await;
    let project_id = services.projects(&admin).await.expect("projects")[0].id;
    let building_id = services.buildings(&admin, project_id).await.expect("buildings")[0].id;
    World {
        services,
        admin,
        clerk,
        project_id,
        building_id,
    }
}

fn plan(w: &World, quota: u32) -> BatchInput {
    BatchInput {
        project_id: w.project_id,
        name: "第一批".into(),
        first_day: d(2026, 12, 5),
        last_day: d(2026, 12, 6),
        place: "会所一楼入伙大厅".into(),
        windows: 3,
        periods: vec![
            PeriodPlan {
                label: "上午".into(),
                starts: "09:00".into(),
                ends: "12:00".into(),
                quota,
            },
            PeriodPlan {
                label: "下午".into(),
                starts: "14:00".into(),
                ends: "17:00".into(),
                quota,
            },
        ],
        selection: UnitSelection {
            building_ids: vec![w.building_id],
            floor_from: Some(1),
            floor_to: Some(3),
            unit_ids: vec![],
        },
    }
}

/// A batch over floors 1–3 of 1栋 (12 units, the sold ones join), and its detail.
async fn batch(w: &World, quota: u32) -> BatchDetail {
    let created = w.services.create_batch(&w.admin, &plan(w, quota)).await.expect("batch");
    assert_eq!(created.slots, 4, "2 days × 2 periods");
    w.services.batch_detail(&w.clerk, created.batch.id).await.expect("detail")
}

/// Procedure without the maintenance fund (no saved quotes needed) so documents print.
async fn simple_fees(w: &World) {
    let mut p = w.services.procedure_settings(&w.admin, w.project_id).await.expect("settings");
    p.config.fees.retain(|f| f.basis != FeeBasis::MaintenanceFund);
    w.services.save_procedure_settings(&w.admin, &p).await.expect("saved");
}

#[tokio::test]
async fn planning_takes_sold_units_of_the_selection_and_refuses_overlaps() {
    let w = world().await;
    let b = batch(&w, 5).await;
    // Floors 1–3 are sample units 0..12; 70 % sold (i % 10 < 7): 0–6 and 10–11.
    assert_eq!(b.batch.unit_count, 9);
    assert!(b.units.iter().all(|u| u.status == MoveInStatus::NotStarted));
    assert!(
        !b.units[0].phone_masked.contains('*'),
        "clerks may see phones: {}",
        b.units[0].phone_masked
    );
    let pm = user(&w.services, &w.admin, "pm", Role::Manager).await;
    let masked = w.services.batch_detail(&pm, b.batch.id).await.expect("detail");
    assert!(
        masked.units.iter().all(|u| u.phone_masked.contains("****")),
        "{}",
        masked.units[0].phone_masked
    );
    let mut again = plan(&w, 5);
    again.name = "第二批".into();
    let e = w.services.create_batch(&w.admin, &again).await.expect_err("overlap");
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(
        e.message.contains("9 套房屋已在其他批次") && e.message.contains("第一批"),
        "{}",
        e.message
    );
    let e = w.services.create_batch(&w.admin, &plan(&w, 5)).await.expect_err("same name");
    assert_eq!(e.field.as_deref(), Some("name"));
    let e = w.services.create_batch(&w.clerk, &again).await.expect_err("clerks do not plan");
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert_eq!(
        w.services.batches(&w.clerk, w.project_id).await.expect("list").len(),
        1,
        "nothing half-written"
    );
}

#[tokio::test]
async fn booking_respects_quota_one_booking_per_unit_rebook_and_no_show() {
    let w = world().await;
    let b = batch(&w, 2).await;
    let slot = b.slots[0].id;
    let u: Vec<i64> = b.units.iter().map(|u| u.unit_id).collect();
    w.services.book_slot(&w.clerk, u[0], slot, "电话预约", false).await.expect("first");
    w.services.book_slot(&w.clerk, u[1], slot, "", false).await.expect("second");
    let e = w.services.book_slot(&w.clerk, u[2], slot, "", false).await.expect_err("full");
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("已约满（2/2）"), "{}", e.message);
    let e = w
        .services
        .book_slot(&w.clerk, u[0], b.slots[1].id, "", false)
        .await
        .expect_err("double");
    assert!(e.message.contains("改约"), "{}", e.message);
    let moved = w
        .services
        .book_slot(&w.clerk, u[0], b.slots[1].id, "改到下午", true)
        .await
        .expect("rebook");
    assert!(moved.appointment.as_ref().expect("booked").slot_text.contains("下午"));
    let detail = w.services.batch_detail(&w.clerk, b.batch.id).await.expect("detail");
    assert_eq!(
        (detail.slots[0].booked, detail.slots[1].booked),
        (1, 1),
        "the old slot freed a place"
    );
    w.services
        .book_slot(&w.clerk, u[2], slot, "", false)
        .await
        .expect("now there is room");
    let gone = w.services.close_booking(&w.clerk, u[2], true).await.expect("no-show");
    assert!(gone.appointment.is_none());
    let history = w.services.store().appointments(u[2]).await.expect("history");
    assert_eq!(history[0].status, AppointmentStatus::NoShow);
    let other = w.services.store().batches(w.project_id).await.expect("b");
    assert_eq!(other[0].booked, 2);
}

#[tokio::test]
async fn a_unit_goes_through_the_procedure_to_delivered() {
    let w = world().await;
    simple_fees(&w).await;
    let b = batch(&w, 5).await;
    let id = b.units[0].unit_id;
    let s = &w.clerk;
    let mut u = w.services.book_slot(s, id, b.slots[0].id, "", false).await.expect("booked");
    u = w.services.check_in(s, id, u.version).await.expect("arrived");
    assert_eq!(u.appointment.as_ref().map(|a| a.status), Some(AppointmentStatus::Arrived));
    let settle = StepData::Settlement {
        area_difference: Decimal::new(-12_345, 2),
        balance_cleared: true,
        receipt: "SJ-001".into(),
    };
    let e = w.services.do_step(s, id, u.version, &settle).await.expect_err("identity first");
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("业主身份未核验"), "{}", e.message);
    let confirm = StepData::Confirmation { signed: true };
    let steps = vec![
        StepData::Identity {
            by_agent: true,
            agent_name: "张三".into(),
            agent_id_tail: "123x".into(),
            authorization_seen: true,
        },
        settle.clone(),
        StepData::Fees {
            items: vec![PaidItem {
                name: "首期物业服务费（3个月）".into(),
                amount: Decimal::new(93_975, 2),
                receipt: "WY-01".into(),
            }],
        },
        confirm.clone(),
        StepData::Documents {
            quality_guarantee: true,
            user_manual: true,
        },
        StepData::Meters {
            readings: vec![MeterReading {
                kind: MeterKind::Water,
                number: "SB-0001".into(),
                reading: Decimal::new(125, 1),
            }],
        },
        StepData::Keys {
            keys: vec![KeySetLine {
                kind: "入户门钥匙".into(),
                count: 2,
                numbers: vec!["A-0001".into(), "A-0002".into()],
            }],
        },
    ];
    for step in &steps {
        u = w
            .services
            .do_step(s, id, u.version, step)
            .await
            .unwrap_or_else(|e| panic!("{step:?}: {}", e.message));
        assert_eq!(u.status, MoveInStatus::InProgress);
    }
    let e = w.services.do_step(s, id, u.version, &confirm).await.expect_err("twice");
    assert!(e.message.contains("已办理，不能重复办理"), "{}", e.message);
    let e = w
        .services
        .do_step(s, id, u.version - 1, &StepData::Inspection { note: "无问题".into() })
        .await
        .expect_err("stale");
    assert_eq!(e.code, ErrorCode::Stale);
    u = w
        .services
        .do_step(
            s,
            id,
            u.version,
            &StepData::Inspection {
                note: "业主验房无异议".into(),
            },
        )
        .await
        .expect("last");
    assert_eq!(u.status, MoveInStatus::Delivered);
    assert!(u.delivered_at.is_some());
    assert_eq!(
        w.services.store().unit(id).await.expect("unit").status,
        UnitStatus::Delivered,
        "the unit record follows"
    );
    let keys = w.services.keys(s, w.project_id, false).await.expect("keys");
    assert_eq!(keys.iter().filter(|k| k.holder == KeyHolder::Owner).count(), 2);
    let board = w.services.board(s, w.project_id, None).await.expect("board");
    assert_eq!(
        (board.total.delivered, board.arrived_today, board.delivered_today, board.waiting_now),
        (1, 1, 1, 0),
        "arrived and delivered on the board's day (2026-11-23), nobody waiting"
    );
    assert_eq!(board.average_minutes, Some(0), "the fixed clock makes the visit take no time");
    assert_eq!(board.total.units, 9);
    assert_eq!(board.total.rate, "11.1");
    // Documents print from what was recorded.
    for doc in [MoveInDoc::MoveInConfirmation, MoveInDoc::KeyHandover, MoveInDoc::MoveInNotice] {
        let pdf = w
            .services
            .move_in_pdf(s, id, doc)
            .await
            .unwrap_or_else(|e| panic!("{doc:?}: {}", e.message));
        assert!(pdf.starts_with(b"%PDF"));
    }
    let audit = w.services.audit_for_unit(&w.admin, id).await.expect("audit");
    assert_eq!(audit.iter().filter(|a| a.action == "move_in_step").count(), 8);
}

#[tokio::test]
async fn undo_is_for_managers_with_a_reason_and_refusals_leave_nothing_behind() {
    let w = world().await;
    let b = batch(&w, 5).await;
    let (a, other) = (b.units[0].unit_id, b.units[1].unit_id);
    let s = &w.clerk;
    let ident = StepData::Identity {
        by_agent: false,
        agent_name: String::new(),
        agent_id_tail: String::new(),
        authorization_seen: false,
    };
    let mut u = w.services.do_step(s, a, 1, &ident).await.expect("identity");
    let meters = |r: i64| StepData::Meters {
        readings: vec![MeterReading {
            kind: MeterKind::Electricity,
            number: "DB-9".into(),
            reading: Decimal::new(r, 0),
        }],
    };
    u = w.services.do_step(s, a, u.version, &meters(300)).await.expect("meters");
    let e = w
        .services
        .undo_step(s, a, u.version, StepKind::Meters, "抄错")
        .await
        .expect_err("clerk");
    assert_eq!(e.code, ErrorCode::Forbidden);
    let e = w
        .services
        .undo_step(&w.admin, a, u.version, StepKind::Meters, " ")
        .await
        .expect_err("reason");
    assert_eq!(e.field.as_deref(), Some("reason"));
    u = w
        .services
        .undo_step(&w.admin, a, u.version, StepKind::Meters, "表号抄错")
        .await
        .expect("undone");
    assert!(u
        .steps
        .iter()
        .find(|st| st.kind == StepKind::Meters)
        .expect("meters")
        .done
        .is_none());
    let e = w
        .services
        .do_step(s, a, u.version, &meters(299))
        .await
        .expect_err("lower than before");
    assert_eq!(e.field.as_deref(), Some("readings[0].reading"));
    assert!(e.message.contains("低于上次读数 300"), "{}", e.message);
    let after = w.services.move_in_unit(s, a).await.expect("unit");
    assert_eq!(after.version, u.version, "the refused step changed nothing");
    // A key handed to one unit cannot go to another.
    let o = w.services.do_step(s, other, 1, &ident).await.expect("identity");
    let mut cfg = w.services.procedure_settings(&w.admin, w.project_id).await.expect("cfg");
    cfg.config
        .steps
        .iter_mut()
        .for_each(|st| st.enabled = matches!(st.kind, StepKind::Identity | StepKind::Keys));
    w.services
        .save_procedure_settings(&w.admin, &cfg)
        .await
        .expect("keys only after identity");
    let keys = |n: &str| StepData::Keys {
        keys: vec![KeySetLine {
            kind: "门禁卡".into(),
            count: 1,
            numbers: vec![n.into()],
        }],
    };
    let u = w.services.move_in_unit(s, a).await.expect("a");
    w.services.do_step(s, a, u.version, &keys("MJ-1")).await.expect("a keys");
    let e = w.services.do_step(s, other, o.version, &keys("mj-1")).await.expect_err("taken");
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("MJ-1") && e.message.contains("1栋"), "{}", e.message);
    let o2 = w.services.move_in_unit(s, other).await.expect("other");
    assert_eq!(o2.version, o.version);
    assert!(o2.steps.iter().find(|st| st.kind == StepKind::Keys).expect("k").done.is_none());
    // Hold and resume.
    let held = w.services.set_hold(s, other, o2.version, Some("业主要求延期")).await.expect("hold");
    assert_eq!(held.status, MoveInStatus::Deferred);
    let e = w
        .services
        .do_step(s, other, held.version, &keys("MJ-2"))
        .await
        .expect_err("on hold");
    assert!(e.message.contains("暂缓"), "{}", e.message);
    let resumed = w.services.set_hold(s, other, held.version, None).await.expect("resume");
    assert_eq!(resumed.status, MoveInStatus::InProgress);
}

#[tokio::test]
async fn keys_are_lent_returned_lost_and_overdue_ones_listed() {
    let w = world().await;
    let s = &w.clerk;
    let k = w
        .services
        .register_key(
            &w.admin,
            &KeyInput {
                project_id: w.project_id,
                number: "gk-01".into(),
                kind: "机房钥匙".into(),
                unit_id: None,
                label: "1栋 电梯机房".into(),
            },
        )
        .await
        .expect("registered");
    assert_eq!((k.number.as_str(), k.holder), ("GK-01", KeyHolder::Office));
    let co = KeyCheckout {
        key_id: k.id,
        person: "电梯维保 李师傅".into(),
        reason: "年检".into(),
        due_back: d(2026, 11, 24),
    };
    // Asked under another project: refused before anything is written (not "not found" after
    // the key has been lent).
    let e = w.services.checkout_key(s, w.project_id + 99, &co).await.expect_err("other project");
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = w
        .services
        .return_or_lose_key(s, w.project_id + 99, k.id, true, "遗失")
        .await
        .expect_err("other project");
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(w.services.key_events(s, k.id).await.expect("events").len(), 1, "only registered");
    let out = w.services.checkout_key(s, w.project_id, &co).await.expect("lent");
    assert_eq!(out.holder, KeyHolder::Out);
    let e = w.services.checkout_key(s, w.project_id, &co).await.expect_err("already out");
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(w.services.keys(s, w.project_id, true).await.expect("overdue").is_empty());
    let later = Services::new(w.services.store().clone(), at("2026-11-27T09:00:00+08:00"));
    let overdue = later.keys(s, w.project_id, true).await.expect("overdue");
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].overdue_days, 3);
    let back = w
        .services
        .return_or_lose_key(s, w.project_id, k.id, false, "")
        .await
        .expect("returned");
    assert_eq!(back.holder, KeyHolder::Office);
    let e = w
        .services
        .return_or_lose_key(s, w.project_id, k.id, true, "")
        .await
        .expect_err("say how");
    assert_eq!(e.field.as_deref(), Some("note"));
    w.services
        .return_or_lose_key(s, w.project_id, k.id, true, "维保遗失")
        .await
        .expect("lost");
    let events = w.services.key_events(s, k.id).await.expect("events");
    let actions: Vec<KeyAction> = events.iter().rev().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [KeyAction::Registered, KeyAction::CheckedOut, KeyAction::Returned, KeyAction::Lost]
    );
}

#[tokio::test]
async fn letterhead_images_are_checked_before_saving() {
    let w = world().await;
    let upload = |name: &str, bytes: &[u8]| {
        use base64::Engine;
        ImageChange::Upload(domain::image::Upload {
            file_name: name.into(),
            data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        })
    };
    let input = |logo: ImageChange| LetterheadInput {
        company: "示例物业服务有限公司".into(),
        address: "示例路 1 号".into(),
        phone: "020-12345678".into(),
        logo,
        seal: ImageChange::Keep,
    };
    let e = w
        .services
        .save_letterhead(&w.admin, &input(upload("logo.png", b"\x89PNG not really")))
        .await
        .expect_err("corrupt");
    assert_eq!(e.field.as_deref(), Some("logo"));
    assert!(e.message.contains("徽标") && e.message.contains("损坏"), "{}", e.message);
    assert_eq!(
        w.services.letterhead_settings(&w.admin).await.expect("lh").company,
        "",
        "nothing saved"
    );
    let e = w
        .services
        .save_letterhead(&w.clerk, &input(ImageChange::Keep))
        .await
        .expect_err("clerk");
    assert_eq!(e.code, ErrorCode::Forbidden);
    // Over the image limit: refused by its length.
    let e = w
        .services
        .save_letterhead(&w.admin, &input(upload("huge.png", &vec![0; notices::layout::MAX_IMAGE_BYTES + 1])))
        .await
        .expect_err("too large");
    assert!(e.field.as_deref() == Some("logo") && e.message.contains("文件过大"), "{e:?}");
    let saved = w
        .services
        .save_letterhead(
            &w.admin,
            &input(upload(
                "C:\\Users\\x\\good.png",
                include_bytes!("../../notices/assets/sample-logo.png"),
            )),
        )
        .await
        .expect("saved");
    assert!(saved.has_logo && !saved.has_seal);
    let lh = w.services.letterhead("示例花园").await.expect("letterhead");
    assert_eq!(lh.company, "示例物业服务有限公司");
    assert!(lh.logo.is_some());
}

#[tokio::test]
async fn a_batch_prints_in_parallel_reporting_units_it_cannot_print() {
    let w = world().await;
    let b = batch(&w, 5).await;
    // With the maintenance fund configured and no saved quotes, every notice lacks an amount…
    let dir = tempfile::tempdir().expect("tmp");
    let control = notices::batch::Control::new();
    let r = w
        .services
        .print_batch_notices(&w.clerk, b.batch.id, dir.path(), true, &control, &|_, _| {})
        .await
        .expect("ran");
    assert_eq!(r.failures.len(), 9);
    assert!(r.failures[0].message.contains("税费测算"), "{:?}", r.failures[0]);
    assert!(r.files.is_empty(), "no empty PDF written");
    // …and without it every unit prints, one file per unit named by building, unit and owner.
    simple_fees(&w).await;
    w.services
        .book_slot(&w.clerk, b.units[0].unit_id, b.slots[0].id, "", false)
        .await
        .expect("book");
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let r = w
        .services
        .print_batch_notices(&w.clerk, b.batch.id, dir.path(), false, &control, &|_, _| {
            seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        })
        .await
        .expect("printed");
    assert_eq!((r.files.len(), r.failures.len(), r.printed), (9, 0, 9));
    assert_eq!(seen.load(std::sync::atomic::Ordering::Relaxed), 9, "progress per unit");
    assert_eq!(r.dir, dir.path().display().to_string());
    let first = std::path::Path::new(&r.files[0]);
    assert_eq!(first.parent(), Some(dir.path()), "full paths inside the folder");
    let name = first.file_name().expect("name").to_string_lossy();
    assert!(name.starts_with("1栋-1-101-") && name.ends_with(".pdf"), "{name}");
    assert!(first.is_file());
    let combined = w
        .services
        .print_batch_notices(&w.clerk, b.batch.id, dir.path(), true, &notices::batch::Control::new(), &|_, _| {})
        .await
        .expect("combined");
    assert_eq!((combined.files.len(), combined.pages), (1, 9));
    assert!(std::fs::read_dir(dir.path())
        .expect("ls")
        .all(|f| !f.expect("f").file_name().to_string_lossy().ends_with(".partial")));
    let cancelled = notices::batch::Control::new();
    cancelled.cancel();
    let e = w
        .services
        .print_batch_notices(&w.clerk, b.batch.id, &dir.path().join("none"), true, &cancelled, &|_, _| {})
        .await
        .expect_err("cancelled");
    assert!(e.message.contains("已取消"));
    assert!(!dir.path().join("none").exists());

    // A file that cannot be written half-way through (its name taken by a folder): an error, the
    // files this run already wrote are removed, and no partial file stays behind.
    let fresh = tempfile::tempdir().expect("tmp");
    let blocked = std::path::Path::new(&r.files[4]).file_name().expect("name").to_owned();
    std::fs::create_dir(fresh.path().join(&blocked)).expect("a folder under the fifth name");
    let e = w
        .services
        .print_batch_notices(
            &w.clerk,
            b.batch.id,
            fresh.path(),
            false,
            &notices::batch::Control::new(),
            &|_, _| {},
        )
        .await
        .expect_err("the fifth file cannot be written");
    assert_eq!(e.code, domain::ErrorCode::Io);
    let left: Vec<_> = std::fs::read_dir(fresh.path())
        .expect("ls")
        .map(|f| f.expect("f").file_name())
        .collect();
    assert_eq!(left, [blocked], "only the folder that was already there");
}
