//! Inspection service tests: walk a unit, raise defects with photos, route them, four-eyes close,
//! complete the inspection into the move-in procedure, scorecards, documents, and files never
//! orphaned.

use crate::inspection::*;
use crate::test_support::*;
use crate::*;
use domain::inspection::*;
use domain::role::Role;
use domain::ErrorCode;

struct World {
    services: Services,
    admin: Session,
    engineer: Session,
    fitter: Session,
    unit_id: i64,
    project_id: i64,
}

async fn world() -> World {
    let services = fresh().await;
    let admin = first_admin(&services).await;
    let engineer = user(&services, &admin, "engineer", Role::Clerk).await;
    let fitter = user(&services, &admin, "fitter", Role::Clerk).await;
    imported(&services, &admin, 8).await;
    let project_id = services.projects(&admin).await.expect("p")[0].id;
    let unit_id = services
        .search_units(
            &admin,
            &domain::model::UnitQuery {
                search: Some("1-101".into()),
                page: 1,
                page_size: 5,
                ..Default::default()
            },
        )
        .await
        .expect("units")
        .items[0]
        .unit
        .id;
    World {
        services,
        admin,
        engineer,
        fitter,
        unit_id,
        project_id,
    }
}

/// The engineer starts an inspection of the world's unit.
async fn start(w: &World, kind: InspectionKind) -> Inspection {
    let start = InspectionStart { unit_id: w.unit_id, kind };
    w.services.start_inspection(&w.engineer, &start).await.expect("start")
}

/// The distinct photos the project's defects hold (a photo is stored only with its defect, in one
/// transaction, so this is every photo stored).
async fn photo_rows(w: &World) -> usize {
    let all = DefectQuery {
        project_id: w.project_id,
        ..Default::default()
    };
    let mut ids: Vec<i64> = w
        .services
        .defects(&w.engineer, &all)
        .await
        .expect("defects")
        .iter()
        .flat_map(|d| d.record.photos.iter().map(|p| p.id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// A photo as the page sends it: its name and its content.
fn photo(name: &str, bytes: &[u8]) -> domain::image::Upload {
    use base64::Engine;
    domain::image::Upload {
        file_name: name.into(),
        data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    }
}

fn wall(photos: Vec<domain::image::Upload>) -> DefectInput {
    DefectInput {
        inspection_id: 0,
        room: "客厅".into(),
        item: "墙面".into(),
        category: ["土建".into(), "墙面".into(), "空鼓".into()],
        severity: Severity::Normal,
        party: "总包".into(),
        deadline: None,
        description: "东墙空鼓约 0.3 ㎡".into(),
        pin: Some((30, 40)),
        photos,
    }
}

const PNG: &[u8] = include_bytes!("../../notices/assets/sample-logo.png");

#[tokio::test]
async fn inspect_raise_route_and_close_with_four_eyes() {
    let w = world().await;
    let (d, e) = (&w.services, &w.engineer);
    let mut i = start(&w, InspectionKind::Owner).await;
    assert_eq!(
        (i.template_version, i.items.len()),
        (1, 25),
        "the handbook default, saved as version 1"
    );
    // A defect on an item that requires a photo, without one: refused, nothing written.
    let mut input = wall(vec![]);
    input.inspection_id = i.id;
    let err = d.raise_defect(e, &input).await.expect_err("photo required");
    assert_eq!(err.field.as_deref(), Some("photos"));
    // A non-image, and a corrupt PNG: refused by name; no photo stored.
    for (name, bytes, why) in [
        ("a.txt", &b"hello"[..], "不是 JPEG 或 PNG"),
        ("b.png", &PNG[..PNG.len() / 2], "已损坏"),
    ] {
        input.photos = vec![photo(name, bytes)];
        let err = d.raise_defect(e, &input).await.expect_err(why);
        assert!(err.message.contains(why), "{}", err.message);
    }
    assert_eq!(photo_rows(&w).await, 0, "nothing stored");
    input.photos = vec![photo("wall.png", PNG)];
    let wall = d.raise_defect(e, &input).await.expect("raised");
    assert_eq!(
        (wall.record.status, wall.record.deadline.to_string().as_str()),
        (DefectStatus::Pending, "2026-11-30")
    );
    assert_eq!(wall.record.photos.len(), 1);
    assert_eq!(photo_rows(&w).await, 1, "the photo with its thumbnail");
    assert!(d
        .defect_photo(e, wall.record.photos[0].id, true)
        .await
        .expect("thumb")
        .starts_with("data:image/jpeg;base64,"));
    // The photo itself comes back byte for byte from the database (no file beside it is read).
    use base64::Engine;
    let full = d.defect_photo(e, wall.record.photos[0].id, false).await.expect("photo");
    let b64 = full.strip_prefix("data:image/png;base64,").expect("a PNG data URL");
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(b64).expect("base64"), PNG);
    // The same item again while open: refused; the photo it would have added is not left behind.
    input.photos = vec![photo("other.png", &[PNG, b"trailing bytes make another hash"].concat())];
    let err = d.raise_defect(e, &input).await.expect_err("duplicate");
    assert_eq!((err.code, err.field.as_deref()), (ErrorCode::Conflict, Some("item")));
    assert_eq!(photo_rows(&w).await, 1, "the refused defect's photo was not stored");
    // A second defect on an item without a photo requirement.
    let door = d
        .raise_defect(
            e,
            &DefectInput {
                inspection_id: i.id,
                room: "卧室".into(),
                item: "门窗".into(),
                category: ["门窗".into(), "五金".into(), "合页松动".into()],
                severity: Severity::Minor,
                party: "精装".into(),
                photos: vec![],
                pin: None,
                ..input.clone()
            },
        )
        .await
        .expect("second");
    // Route the first: assign, fixed by the fitter, the fitter may not close it, the engineer does.
    let mv = |defect: &Defect, action, reason: &str| DefectMove {
        defect_id: defect.record.id,
        version: defect.record.version,
        action,
        reason: reason.into(),
    };
    let wall = d.move_defect(e, &mv(&wall, DefectAction::Assign, "")).await.expect("assigned");
    let wall = d
        .move_defect(&w.fitter, &mv(&wall, DefectAction::MarkFixed, ""))
        .await
        .expect("fixed");
    assert_eq!(wall.record.fixed_by.as_deref(), Some("fitter"));
    let err = d
        .move_defect(&w.fitter, &mv(&wall, DefectAction::Close, ""))
        .await
        .expect_err("four eyes");
    assert!(err.message.contains("不能自己复验关闭"));
    let back = d.move_defect(e, &mv(&wall, DefectAction::Reject, "仍有空鼓")).await.expect("退回");
    assert_eq!((back.record.status, back.record.reopened), (DefectStatus::InProgress, 1));
    let err = d
        .move_defect(e, &mv(&wall, DefectAction::Close, ""))
        .await
        .expect_err("stale version");
    assert_eq!(err.code, ErrorCode::Stale);
    let wall = d
        .move_defect(&w.fitter, &mv(&back, DefectAction::MarkFixed, ""))
        .await
        .expect("fixed again");
    let wall = d.move_defect(e, &mv(&wall, DefectAction::Close, "")).await.expect("closed");
    assert_eq!(wall.record.status, DefectStatus::Closed);
    let err = d
        .move_defect(e, &mv(&door, DefectAction::Void, "重复登记"))
        .await
        .expect_err("manager only");
    assert_eq!(err.code, ErrorCode::Forbidden);
    let events = d.defect_events(e, wall.record.id).await.expect("events");
    let actions: Vec<DefectAction> = events.iter().map(|e| e.action).collect();
    use DefectAction::*;
    assert_eq!(actions, [Assign, MarkFixed, Reject, MarkFixed, Close]);
    assert_eq!(events[2].reason, "仍有空鼓");
    // Scorecards and lists.
    let cards = d.scorecards(e, w.project_id).await.expect("cards");
    let zb = cards.iter().find(|c| c.party == "总包").expect("总包");
    assert_eq!((zb.total, zb.closed, zb.reopen_rate.as_str()), (1, 1, "100.0"));
    assert_eq!(zb.average_days_to_fix.as_deref(), Some("0.0"));
    let of_project = DefectQuery {
        project_id: w.project_id,
        ..Default::default()
    };
    let open = DefectQuery {
        open_only: true,
        ..of_project.clone()
    };
    let open = d.defects(e, &open).await.expect("open");
    assert_eq!(open.iter().map(|x| x.record.id).collect::<Vec<_>>(), [door.record.id]);
    // Later, the minor door defect (15 days) is overdue.
    let later = Services::new(d.store().clone(), at("2026-12-20T10:00:00+08:00"));
    let overdue = DefectQuery {
        overdue_only: true,
        ..of_project
    };
    let overdue = later.defects(e, &overdue).await.expect("overdue");
    assert_eq!((overdue.len(), overdue[0].overdue_days), (1, 12));
    // Fixed 27 days after it was raised (and 12 days late): the scorecard says so.
    let late = later
        .move_defect(e, &mv(&overdue[0], DefectAction::Assign, ""))
        .await
        .expect("assigned late");
    let late = later
        .move_defect(&w.fitter, &mv(&late, DefectAction::MarkFixed, ""))
        .await
        .expect("fixed late");
    assert_eq!(late.record.status, DefectStatus::AwaitingReinspection);
    let card = later
        .scorecards(e, w.project_id)
        .await
        .expect("cards")
        .into_iter()
        .find(|c| c.party == "精装")
        .expect("精装");
    assert_eq!(
        (card.average_days_to_fix.as_deref(), card.overdue, card.overdue_rate.as_str()),
        (Some("27.0"), 1, "100.0")
    );
    // Results: every item checked; the failed ones have defects; then complete.
    i = d.inspection(e, i.id).await.expect("reload");
    let outcomes: Vec<ItemOutcome> = i
        .items
        .iter()
        .map(|it| ItemOutcome {
            room: it.room.clone(),
            item: it.item.clone(),
            result: if (it.room.as_str(), it.item.as_str()) == ("卧室", "门窗") || (it.room.as_str(), it.item.as_str()) == ("客厅", "墙面")
            {
                ItemResult::Fail
            } else {
                ItemResult::Pass
            },
            note: String::new(),
        })
        .collect();
    let err = d.complete_inspection(e, i.id, i.version).await.expect_err("nothing checked yet");
    assert!(err.message.contains("尚未检查"), "{}", err.message);
    i = d
        .update_inspection(
            e,
            &InspectionUpdate {
                inspection_id: i.id,
                version: i.version,
                outcomes,
                meters: vec![],
                remarks: "业主要求整改后电话通知".into(),
            },
        )
        .await
        .expect("results");
    i = d
        .sign_inspection(e, i.id, i.version, &base64::engine::general_purpose::STANDARD.encode(PNG))
        .await
        .expect("signed");
    assert!(i.has_signature);
    let done = d.complete_inspection(e, i.id, i.version).await.expect("complete");
    assert!(done.completed_at.is_some());
    let err = d
        .raise_defect(
            e,
            &DefectInput {
                inspection_id: i.id,
                ..door_input()
            },
        )
        .await
        .expect_err("completed");
    assert_eq!(err.code, ErrorCode::Conflict);
    // Documents.
    let pdf = d.inspection_form_pdf(e, i.id, 2).await.expect("form");
    assert!(pdf.starts_with(b"%PDF"));
    let pdf = d.rectification_notice_pdf(e, w.project_id, "精装").await.expect("notice");
    assert!(pdf.starts_with(b"%PDF"));
    let err = d.rectification_notice_pdf(e, w.project_id, "总包").await.expect_err("none open");
    assert_eq!(err.code, ErrorCode::NotFound);
    let _ = &w.admin;
}

fn door_input() -> DefectInput {
    DefectInput {
        inspection_id: 0,
        room: "阳台".into(),
        item: "地面".into(),
        category: ["土建".into(), "地面".into(), "积水".into()],
        severity: Severity::Minor,
        party: "总包".into(),
        deadline: None,
        description: "阳台地面积水".into(),
        pin: None,
        photos: vec![],
    }
}

#[tokio::test]
async fn completing_an_inspection_fills_the_move_in_step() {
    let w = world().await;
    let (d, e) = (&w.services, &w.engineer);
    let building = d.buildings(&w.admin, w.project_id).await.expect("b")[0].id;
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("d");
    d.create_batch(
        &w.admin,
        &domain::move_in::BatchInput {
            project_id: w.project_id,
            name: "第一批".into(),
            first_day: today,
            last_day: today,
            place: String::new(),
            windows: 1,
            periods: vec![domain::move_in::PeriodPlan {
                label: "上午".into(),
                starts: "09:00".into(),
                ends: "12:00".into(),
                quota: 5,
            }],
            selection: domain::move_in::UnitSelection {
                building_ids: vec![building],
                ..Default::default()
            },
        },
    )
    .await
    .expect("batch");
    let i = start(&w, InspectionKind::Owner).await;
    let outcomes = i
        .items
        .iter()
        .map(|it| ItemOutcome {
            room: it.room.clone(),
            item: it.item.clone(),
            result: ItemResult::Pass,
            note: String::new(),
        })
        .collect();
    let i = d
        .update_inspection(
            e,
            &InspectionUpdate {
                inspection_id: i.id,
                version: i.version,
                outcomes,
                meters: vec![],
                remarks: String::new(),
            },
        )
        .await
        .expect("all pass");
    d.complete_inspection(e, i.id, i.version).await.expect("complete");
    let u = d.move_in_unit(e, w.unit_id).await.expect("move-in");
    let step = u
        .steps
        .iter()
        .find(|s| s.kind == domain::move_in::StepKind::Inspection)
        .expect("step");
    match &step.done.as_ref().expect("filled").data {
        domain::move_in::StepData::Inspection { note } => assert!(note.contains("25 项合格，0 项不合格"), "{note}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(u.status, domain::move_in::MoveInStatus::InProgress);
}

#[tokio::test]
async fn templates_are_versioned_and_inspections_keep_theirs() {
    let w = world().await;
    let (d, e) = (&w.services, &w.engineer);
    let first = start(&w, InspectionKind::PreInspection).await;
    let mut t = d.inspection_template(e, w.project_id, "住宅").await.expect("template").template;
    t.items.truncate(3);
    let err = d
        .save_inspection_template(
            e,
            &TemplateInput {
                project_id: w.project_id,
                unit_type: "住宅".into(),
                items: t.items.clone(),
            },
        )
        .await
        .expect_err("clerks do not edit templates");
    assert_eq!(err.code, ErrorCode::Forbidden);
    let v2 = d
        .save_inspection_template(
            &w.admin,
            &TemplateInput {
                project_id: w.project_id,
                unit_type: "住宅".into(),
                items: t.items,
            },
        )
        .await
        .expect("v2");
    assert_eq!((v2.template.version, v2.template.items.len()), (2, 3));
    let again = d.inspection(e, first.id).await.expect("first");
    assert_eq!(
        (again.template_version, again.items.len()),
        (1, 25),
        "the first inspection keeps version 1"
    );
    let second = start(&w, InspectionKind::Reinspection).await;
    assert_eq!(second.template_version, 2);
}

#[tokio::test]
async fn floor_plans_are_checked_images_for_managers() {
    let w = world().await;
    let (d, e) = (&w.services, &w.engineer);
    let set = crate::move_in::ImageChange::Upload;
    let err = d
        .save_floor_plan(e, w.project_id, "住宅", &set(photo("plan.png", PNG)))
        .await
        .expect_err("clerk");
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err = d
        .save_floor_plan(&w.admin, w.project_id, "住宅", &set(photo("plan.txt", b"not an image")))
        .await
        .expect_err("not an image");
    assert_eq!(err.field.as_deref(), Some("floor_plan"));
    assert_eq!(d.floor_plan(e, w.project_id, "住宅").await.expect("none"), None);
    let url = d
        .save_floor_plan(&w.admin, w.project_id, "住宅", &set(photo("plan.png", PNG)))
        .await
        .expect("saved");
    assert!(url.expect("url").starts_with("data:image/png;base64,"));
    assert!(d.floor_plan(e, w.project_id, "住宅").await.expect("get").is_some());
    assert!(d.floor_plan(e, w.project_id, "商业").await.expect("other type").is_none());
    let cleared = d
        .save_floor_plan(&w.admin, w.project_id, "住宅", &crate::move_in::ImageChange::Clear)
        .await
        .expect("clear");
    assert!(cleared.is_none());
}

#[tokio::test]
async fn template_text_errors_name_the_line() {
    let w = world().await;
    let d = &w.services;
    let text = "客厅|门窗|开启灵活|否\n\n客厅|门窗|重复了|否";
    let e = d
        .save_inspection_template_text(&w.admin, w.project_id, "住宅", text)
        .await
        .expect_err("duplicate");
    assert_eq!(e.field.as_deref(), Some("text"));
    assert!(e.message.starts_with("第 3 行："), "{}", e.message);
    let t = d
        .save_inspection_template_text(&w.admin, w.project_id, "住宅", "客厅|门窗|开启灵活|否\n卫生间|防水|闭水 48 小时|是")
        .await
        .expect("saved");
    assert_eq!((t.template.version, t.template.items.len(), t.builtin), (1, 2, false));
    assert_eq!(t.text, "客厅|门窗|开启灵活|否\n卫生间|防水|闭水 48 小时|是");
}
