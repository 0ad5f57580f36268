//! Contract cases for the inspection store methods: template versions, inspections and their
//! guarded updates, defects (one open per item, photos deduplicated by hash, workflow steps with
//! their effects, the list filter), scorecard facts, floor plans and responsible parties.

use crate::support::*;
use chrono::NaiveDate;
use domain::inspection::*;
use domain::record::{Duplicate, Entity};
use store::{Error, FloorPlan, NewDefect, NewPhoto, Store};

contract_tests!(
    template_versions_count_per_project_and_unit_type,
    inspections_start_on_a_template_and_read_back,
    inspection_writes_need_the_current_version,
    a_completed_inspection_refuses_every_change,
    one_open_defect_per_item,
    photos_are_stored_once_by_hash,
    defect_steps_write_their_effects_and_refuse_stale_versions,
    the_defect_filter_selects_by_columns,
    score_facts_are_the_raw_rows,
    floor_plans_are_set_replaced_and_cleared,
    defect_parties_are_replaced_in_order,
);

// ───────────────────────────── fixtures ─────────────────────────────

/// A project with two units (imported from the sample workbook): (project id, unit ids).
async fn project(store: &Store) -> (i64, Vec<i64>) {
    let bytes = domain::sample::workbook("验房花园", 2).expect("sample workbook");
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("day");
    let plan = domain::sheet::read_workbook(&bytes, today).expect("read").expect("valid sample");
    let importer = store
        .system_user("importer", "importer", domain::role::Role::Admin, &actor().at)
        .await
        .expect("importing user");
    let importer = store::Actor {
        user_id: Some(importer.id),
        ..actor()
    };
    store.apply_import(&importer, "sample.xlsx", &plan).await.expect("import");
    let project = store.projects().await.expect("projects")[0].id;
    let (units, _) = store
        .search_units(&domain::model::UnitQuery {
            page: 1,
            page_size: 10,
            ..Default::default()
        })
        .await
        .expect("units");
    let mut ids: Vec<i64> = units.iter().map(|(u, _, _)| u.id).collect();
    ids.sort_unstable();
    (project, ids)
}

fn items() -> Vec<ChecklistItem> {
    default_items().into_iter().take(4).collect()
}

fn template(project_id: i64, unit_type: &str) -> TemplateInput {
    TemplateInput {
        project_id,
        unit_type: unit_type.into(),
        items: items(),
    }
}

/// A project, its first unit, and an open inspection of it: (project, unit, inspection).
async fn inspection(store: &Store) -> (i64, i64, i64) {
    let (project, units) = project(store).await;
    let t = store.save_template(&actor(), &template(project, "住宅")).await.expect("template");
    let i = store
        .start_inspection(&actor(), units[0], InspectionKind::Owner, t)
        .await
        .expect("start");
    (project, units[0], i)
}

fn defect(project_id: i64, unit_id: i64, inspection_id: i64, room: &str, item: &str) -> NewDefect {
    NewDefect {
        project_id,
        unit_id,
        input: DefectInput {
            inspection_id,
            room: room.into(),
            item: item.into(),
            category: ["土建".into(), item.into(), "空鼓".into()],
            severity: Severity::Normal,
            party: "总包".into(),
            deadline: NaiveDate::from_ymd_opt(2026, 11, 30),
            description: "问题".into(),
            pin: Some((30, 40)),
            photos: vec![],
        },
        photos: vec![],
    }
}

fn photo(hash: &str) -> NewPhoto {
    NewPhoto {
        hash: hash.into(),
        file_name: format!("{hash}.jpg"),
        ext: "jpg".into(),
        bytes: 1234,
        content: format!("content of {hash}").into_bytes(),
        thumbnail: format!("thumbnail of {hash}").into_bytes(),
    }
}

const MANAGER: Actor<'static> = Actor {
    username: "pm",
    manager: true,
};

/// Take `action` on the defect as it is now (as decided by the domain).
async fn take(store: &Store, who: &store::Actor, id: i64, action: DefectAction, reason: &str) -> Result<(), Error> {
    let d = store.defect(id).await?;
    let s = step(d.status, action, &MANAGER, Some("someone else"), reason).expect("allowed");
    store.move_defect(who, id, d.version, &s).await
}

fn at(instant: &str) -> store::Actor {
    store::Actor {
        at: instant.into(),
        ..actor()
    }
}

// ───────────────────────────── templates ─────────────────────────────

async fn template_versions_count_per_project_and_unit_type(store: Store) {
    let (project, _) = project(&store).await;
    assert!(store.latest_template(project, "住宅").await.expect("none").is_none());
    let v1 = store.save_template(&actor(), &template(project, "住宅")).await.expect("v1");
    let mut second = template(project, "住宅");
    second.items.truncate(2);
    let v2 = store.save_template(&actor(), &second).await.expect("v2");
    let shop = store.save_template(&actor(), &template(project, "商业")).await.expect("shop");
    let latest = store.latest_template(project, "住宅").await.expect("latest").expect("some");
    assert_eq!((latest.id, latest.version, latest.items.len()), (v2, 2, 2));
    let first = store.template(v1).await.expect("v1 kept");
    assert_eq!((first.version, first.items, first.created_by.as_str()), (1, items(), "contract"));
    assert_eq!(store.template(shop).await.expect("shop").version, 1, "counted per unit type");
    assert!(matches!(store.template(999_999).await, Err(Error::NotFound(Entity::Template))));
    let unknown = store.save_template(&actor(), &template(999_999, "住宅")).await;
    assert!(matches!(unknown, Err(Error::Reference)), "{unknown:?}");
}

// ───────────────────────────── inspections ─────────────────────────────

async fn inspections_start_on_a_template_and_read_back(store: Store) {
    let (project, unit, first) = inspection(&store).await;
    let t = store.latest_template(project, "住宅").await.expect("t").expect("some");
    let second = store
        .start_inspection(&actor(), unit, InspectionKind::Reinspection, t.id)
        .await
        .expect("second");
    let row = store.inspection_row(first).await.expect("row");
    let i = &row.inspection;
    assert_eq!(
        (i.unit_id, i.kind, i.template_id, i.template_version),
        (unit, InspectionKind::Owner, t.id, 1)
    );
    assert_eq!((i.items.len(), i.version, i.inspector.as_str()), (4, 1, "contract"));
    assert!(i.completed_at.is_none() && !i.has_signature && row.signature.is_none());
    assert!(i.outcomes.is_empty() && i.meters.is_empty() && i.defects.is_empty());
    assert!(!i.unit_label.is_empty());
    assert_eq!(
        store.inspection_ids_of_unit(unit).await.expect("ids"),
        [second, first],
        "newest first"
    );
    assert!(matches!(
        store.inspection_row(999_999).await,
        Err(Error::NotFound(Entity::Inspection))
    ));
    let bad_unit = store.start_inspection(&actor(), 999_999, InspectionKind::Owner, t.id).await;
    assert!(matches!(bad_unit, Err(Error::Reference)), "{bad_unit:?}");
    let bad_template = store.start_inspection(&actor(), unit, InspectionKind::Owner, 999_999).await;
    assert!(matches!(bad_template, Err(Error::Reference)), "{bad_template:?}");
}

fn update(inspection_id: i64, version: i64, remarks: &str) -> InspectionUpdate {
    InspectionUpdate {
        inspection_id,
        version,
        outcomes: vec![ItemOutcome {
            room: items()[0].room.clone(),
            item: items()[0].item.clone(),
            result: ItemResult::Pass,
            note: "好".into(),
        }],
        meters: vec![],
        remarks: remarks.into(),
    }
}

async fn inspection_writes_need_the_current_version(store: Store) {
    let (_, _, id) = inspection(&store).await;
    store.update_inspection(&actor(), &update(id, 1, "第一次")).await.expect("update");
    let i = store.inspection_row(id).await.expect("row").inspection;
    assert_eq!((i.version, i.remarks.as_str(), i.outcomes.len()), (2, "第一次", 1));
    let stale = store.update_inspection(&actor(), &update(id, 1, "旧")).await;
    assert!(matches!(stale, Err(Error::Stale(Entity::Inspection))), "{stale:?}");
    let missing = store.update_inspection(&actor(), &update(999_999, 1, "无")).await;
    assert!(matches!(missing, Err(Error::NotFound(Entity::Inspection))), "{missing:?}");
    let stale = store.sign_inspection(&actor(), id, 1, b"\x89PNG").await;
    assert!(matches!(stale, Err(Error::Stale(Entity::Inspection))), "{stale:?}");
    store.sign_inspection(&actor(), id, 2, b"\x89PNG signature").await.expect("signed");
    let row = store.inspection_row(id).await.expect("row");
    assert_eq!((row.inspection.version, row.inspection.has_signature), (3, true));
    assert_eq!(row.signature.as_deref(), Some(&b"\x89PNG signature"[..]));
    assert_eq!(row.inspection.remarks, "第一次", "a failed write changed nothing");
    let stale = store.complete_inspection(&actor(), id, 2).await;
    assert!(matches!(stale, Err(Error::Stale(Entity::Inspection))), "{stale:?}");
    let missing = store.complete_inspection(&actor(), 999_999, 1).await;
    assert!(matches!(missing, Err(Error::NotFound(Entity::Inspection))), "{missing:?}");
}

async fn a_completed_inspection_refuses_every_change(store: Store) {
    let (project, unit, id) = inspection(&store).await;
    store
        .complete_inspection(&at("2026-11-23T11:00:00+08:00"), id, 1)
        .await
        .expect("complete");
    let i = store.inspection_row(id).await.expect("row").inspection;
    assert_eq!((i.version, i.completed_at.as_deref()), (2, Some("2026-11-23T11:00:00+08:00")));
    let refused = |r: Result<(), Error>| matches!(r, Err(Error::Refused(e)) if e.code == domain::ErrorCode::Conflict);
    assert!(refused(store.update_inspection(&actor(), &update(id, 2, "晚了")).await));
    assert!(refused(store.sign_inspection(&actor(), id, 2, b"\x89PNG").await));
    assert!(refused(store.complete_inspection(&actor(), id, 2).await));
    let raised = store.raise_defect(&actor(), &defect(project, unit, id, "客厅", "门窗")).await;
    assert!(
        matches!(&raised, Err(Error::Refused(e)) if e.code == domain::ErrorCode::Conflict),
        "{raised:?}"
    );
    assert_eq!(store.inspection_row(id).await.expect("row").inspection.version, 2, "unchanged");
    assert!(store.defects_of_inspection(id).await.expect("none").is_empty());
    let missing = store.raise_defect(&actor(), &defect(project, unit, 999_999, "客厅", "门窗")).await;
    assert!(matches!(missing, Err(Error::NotFound(Entity::Inspection))), "{missing:?}");
}

// ───────────────────────────── defects ─────────────────────────────

async fn one_open_defect_per_item(store: Store) {
    let (project, unit, i) = inspection(&store).await;
    let first = store
        .raise_defect(&actor(), &defect(project, unit, i, "客厅", "墙面"))
        .await
        .expect("first");
    let again = store.raise_defect(&actor(), &defect(project, unit, i, "客厅", "墙面")).await;
    assert!(matches!(again, Err(Error::Duplicate(Duplicate::OpenDefect))), "{again:?}");
    store
        .raise_defect(&actor(), &defect(project, unit, i, "客厅", "门窗"))
        .await
        .expect("another item");
    let d = store.defect(first).await.expect("read");
    assert_eq!(
        (d.status, d.version, d.room.as_str(), d.item.as_str()),
        (DefectStatus::RAISED, 1, "客厅", "墙面")
    );
    assert_eq!((d.pin, d.deadline.to_string().as_str()), (Some((30, 40)), "2026-11-30"));
    assert_eq!(d.category, ["土建".to_string(), "墙面".into(), "空鼓".into()]);
    assert_eq!((d.raised_by.as_str(), d.fixed_by.clone(), d.reopened), ("contract", None, 0));
    // Once void, the item may have a new open defect.
    take(&store, &actor(), first, DefectAction::Void, "重复登记").await.expect("void");
    store
        .raise_defect(&actor(), &defect(project, unit, i, "客厅", "墙面"))
        .await
        .expect("after void");
    assert_eq!(store.defects_of_inspection(i).await.expect("all").len(), 3);
    assert!(matches!(store.defect(999_999).await, Err(Error::NotFound(Entity::Defect))));
    let bad_unit = NewDefect {
        unit_id: 999_999,
        ..defect(project, unit, i, "卧室", "门窗")
    };
    assert!(matches!(store.raise_defect(&actor(), &bad_unit).await, Err(Error::Reference)));
}

async fn photos_are_stored_once_by_hash(store: Store) {
    let (project, unit, i) = inspection(&store).await;
    let with = NewDefect {
        photos: vec![photo("aa"), photo("bb"), photo("aa")],
        ..defect(project, unit, i, "客厅", "墙面")
    };
    let first = store.raise_defect(&actor(), &with).await.expect("raised");
    let d = store.defect(first).await.expect("read");
    assert_eq!(
        d.photos.iter().map(|p| p.hash.as_str()).collect::<Vec<_>>(),
        ["aa", "bb"],
        "listed twice, attached once"
    );
    let other = NewDefect {
        photos: vec![photo("bb")],
        ..defect(project, unit, i, "客厅", "门窗")
    };
    let second = store.raise_defect(&actor(), &other).await.expect("second");
    let shared = store.defect(second).await.expect("read").photos;
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0].id, d.photos[1].id, "the same photo row");
    assert_eq!(
        store.photo(shared[0].id, false).await.expect("photo"),
        ("jpg".to_string(), Some(b"content of bb".to_vec())),
        "the photo's bytes are in the database"
    );
    assert_eq!(
        store.photo(shared[0].id, true).await.expect("thumbnail").1,
        Some(b"thumbnail of bb".to_vec())
    );
    assert_eq!((shared[0].file_name.as_str(), shared[0].bytes), ("bb.jpg", 1234));
    assert!(matches!(store.photo(999_999, false).await, Err(Error::NotFound(Entity::Photo))));
    // The list carries the photos of every defect it returns.
    let all = store
        .defects(
            &DefectQuery {
                project_id: project,
                ..Default::default()
            }
            .filter(NaiveDate::from_ymd_opt(2026, 11, 23).expect("day")),
        )
        .await
        .expect("list");
    assert_eq!(all.iter().map(|d| d.photos.len()).collect::<Vec<_>>(), [1, 2]);
}

async fn defect_steps_write_their_effects_and_refuse_stale_versions(store: Store) {
    let (project, unit, i) = inspection(&store).await;
    let id = store
        .raise_defect(&actor(), &defect(project, unit, i, "客厅", "墙面"))
        .await
        .expect("raised");
    let fitter = store::Actor {
        username: "fitter".into(),
        ..at("2026-11-25T09:00:00+08:00")
    };
    take(&store, &actor(), id, DefectAction::Assign, "").await.expect("assign");
    take(&store, &fitter, id, DefectAction::MarkFixed, "").await.expect("fixed");
    let d = store.defect(id).await.expect("read");
    assert_eq!((d.status, d.version), (DefectStatus::AwaitingReinspection, 3));
    assert_eq!(
        (d.fixed_by.as_deref(), d.fixed_at.as_deref()),
        (Some("fitter"), Some("2026-11-25T09:00:00+08:00"))
    );
    assert!(d.closed_at.is_none());
    take(&store, &actor(), id, DefectAction::Reject, "仍有空鼓")
        .await
        .expect("returned");
    let d = store.defect(id).await.expect("read");
    assert_eq!(
        (d.status, d.reopened, d.fixed_by.as_deref()),
        (DefectStatus::InProgress, 1, Some("fitter"))
    );
    // A step decided on an old read: stale (version), and stale (status) even at the version.
    let old = step(DefectStatus::InProgress, DefectAction::MarkFixed, &MANAGER, None, "").expect("step");
    assert!(matches!(
        store.move_defect(&actor(), id, 3, &old).await,
        Err(Error::Stale(Entity::Defect))
    ));
    let wrong_from = step(DefectStatus::Pending, DefectAction::Assign, &MANAGER, None, "").expect("step");
    assert!(matches!(
        store.move_defect(&actor(), id, d.version, &wrong_from).await,
        Err(Error::Stale(Entity::Defect))
    ));
    assert!(matches!(
        store.move_defect(&actor(), 999_999, 1, &old).await,
        Err(Error::Stale(Entity::Defect))
    ));
    take(&store, &fitter, id, DefectAction::MarkFixed, "").await.expect("fixed again");
    take(&store, &at("2026-12-01T10:00:00+08:00"), id, DefectAction::Close, "")
        .await
        .expect("closed");
    let d = store.defect(id).await.expect("read");
    assert_eq!(
        (d.status, d.closed_at.as_deref()),
        (DefectStatus::Closed, Some("2026-12-01T10:00:00+08:00"))
    );
    let events = store.defect_events(id).await.expect("events");
    let trail: Vec<(DefectAction, DefectStatus, DefectStatus)> = events.iter().map(|e| (e.action, e.from_status, e.to_status)).collect();
    use DefectAction as A;
    use DefectStatus as S;
    assert_eq!(
        trail,
        [
            (A::Assign, S::Pending, S::InProgress),
            (A::MarkFixed, S::InProgress, S::AwaitingReinspection),
            (A::Reject, S::AwaitingReinspection, S::InProgress),
            (A::MarkFixed, S::InProgress, S::AwaitingReinspection),
            (A::Close, S::AwaitingReinspection, S::Closed),
        ]
    );
    assert_eq!((events[2].reason.as_str(), events[1].by.as_str()), ("仍有空鼓", "fitter"));
    assert!(store.defect_events(999_999).await.expect("none").is_empty());
}

async fn the_defect_filter_selects_by_columns(store: Store) {
    let (project, units) = project(&store).await;
    let t = store.save_template(&actor(), &template(project, "住宅")).await.expect("t");
    let mut ids = Vec::new();
    for (n, unit) in units.iter().enumerate() {
        let i = store.start_inspection(&actor(), *unit, InspectionKind::Owner, t).await.expect("i");
        for (room, item, party, deadline) in [("客厅", "墙面", "总包", 20), ("客厅", "门窗", "精装", 30)] {
            let mut d = defect(project, *unit, i, room, item);
            d.input.party = party.into();
            d.input.category[0] = if n == 0 { "土建" } else { "安装" }.into();
            d.input.deadline = NaiveDate::from_ymd_opt(2026, 11, deadline);
            ids.push(store.raise_defect(&actor(), &d).await.expect("raised"));
        }
    }
    take(&store, &actor(), ids[0], DefectAction::Void, "重复").await.expect("void");
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("day");
    let list = |f: DefectFilter| {
        let store = store.clone();
        async move { store.defects(&f).await.expect("list").iter().map(|d| d.id).collect::<Vec<_>>() }
    };
    let base = DefectFilter {
        project_id: project,
        unit_id: None,
        party: None,
        category: None,
        statuses: None,
        deadline_before: None,
        limit: 100,
    };
    let newest_first: Vec<i64> = ids.iter().rev().copied().collect();
    assert_eq!(list(base.clone()).await, newest_first);
    assert_eq!(list(DefectFilter { limit: 2, ..base.clone() }).await, newest_first[..2]);
    assert_eq!(
        list(DefectFilter {
            unit_id: Some(units[1]),
            ..base.clone()
        })
        .await,
        [ids[3], ids[2]]
    );
    assert_eq!(
        list(DefectFilter {
            party: Some("总包".into()),
            ..base.clone()
        })
        .await,
        [ids[2], ids[0]]
    );
    assert_eq!(
        list(DefectFilter {
            category: Some("土建".into()),
            ..base.clone()
        })
        .await,
        [ids[1], ids[0]]
    );
    let open = DefectFilter {
        statuses: Some(DefectStatus::open()),
        ..base.clone()
    };
    assert_eq!(list(open.clone()).await, [ids[3], ids[2], ids[1]], "the void one left out");
    assert_eq!(
        list(DefectFilter {
            statuses: Some(vec![DefectStatus::Void]),
            ..base.clone()
        })
        .await,
        [ids[0]]
    );
    assert!(list(DefectFilter {
        statuses: Some(vec![]),
        ..base.clone()
    })
    .await
    .is_empty());
    assert_eq!(
        list(DefectFilter {
            deadline_before: Some(today),
            ..open
        })
        .await,
        [ids[2]],
        "deadline before the day"
    );
    assert!(list(DefectFilter {
        project_id: 999_999,
        ..base
    })
    .await
    .is_empty());
}

async fn score_facts_are_the_raw_rows(store: Store) {
    let (project, unit, i) = inspection(&store).await;
    assert!(store.score_facts(project).await.expect("none").is_empty());
    let a = store
        .raise_defect(&actor(), &defect(project, unit, i, "客厅", "墙面"))
        .await
        .expect("a");
    let b = store
        .raise_defect(&actor(), &defect(project, unit, i, "客厅", "门窗"))
        .await
        .expect("b");
    take(&store, &actor(), a, DefectAction::Assign, "").await.expect("assign");
    take(&store, &at("2026-11-25T10:00:00+08:00"), a, DefectAction::MarkFixed, "")
        .await
        .expect("fixed");
    take(&store, &actor(), b, DefectAction::Void, "误登").await.expect("void");
    let facts = store.score_facts(project).await.expect("facts");
    assert_eq!(facts.len(), 2, "void rows too: the domain decides what counts");
    assert_eq!(
        facts[0],
        ScoreFacts {
            party: "总包".into(),
            status: DefectStatus::AwaitingReinspection,
            deadline: NaiveDate::from_ymd_opt(2026, 11, 30).expect("d"),
            raised_at: actor().at,
            fixed_at: Some("2026-11-25T10:00:00+08:00".into()),
            closed_at: None,
            reopened: 0,
        }
    );
    assert_eq!(
        (facts[1].status, facts[1].closed_at.as_deref()),
        (DefectStatus::Void, Some(actor().at.as_str()))
    );
    assert!(store.score_facts(999_999).await.expect("other project").is_empty());
}

// ───────────────────────────── floor plans and parties ─────────────────────────────

async fn floor_plans_are_set_replaced_and_cleared(store: Store) {
    let (project, _) = project(&store).await;
    assert_eq!(store.floor_plan(project, "住宅").await.expect("none"), None);
    let plan = |name: &str, bytes: &[u8]| FloorPlan {
        file_name: name.into(),
        image: bytes.to_vec(),
    };
    store
        .set_floor_plan(&actor(), project, "住宅", Some(&plan("a.png", b"first")))
        .await
        .expect("set");
    store
        .set_floor_plan(&actor(), project, "商业", Some(&plan("s.png", b"shop")))
        .await
        .expect("shop");
    store
        .set_floor_plan(&actor(), project, "住宅", Some(&plan("b.png", b"second")))
        .await
        .expect("replace");
    assert_eq!(
        store.floor_plan(project, "住宅").await.expect("get"),
        Some(plan("b.png", b"second"))
    );
    store.set_floor_plan(&actor(), project, "住宅", None).await.expect("clear");
    assert_eq!(store.floor_plan(project, "住宅").await.expect("cleared"), None);
    store
        .set_floor_plan(&actor(), project, "住宅", None)
        .await
        .expect("clearing nothing is fine");
    assert_eq!(store.floor_plan(project, "商业").await.expect("kept"), Some(plan("s.png", b"shop")));
    let unknown = store.set_floor_plan(&actor(), 999_999, "住宅", Some(&plan("a.png", b"x"))).await;
    assert!(matches!(unknown, Err(Error::Reference)), "{unknown:?}");
}

async fn defect_parties_are_replaced_in_order(store: Store) {
    let (project, _) = project(&store).await;
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(store.defect_parties(project).await.expect("none").is_empty());
    store
        .set_defect_parties(&actor(), project, &names(&["精装", "总包", "监理"]))
        .await
        .expect("set");
    assert_eq!(
        store.defect_parties(project).await.expect("get"),
        names(&["精装", "总包", "监理"]),
        "in the order given"
    );
    store
        .set_defect_parties(&actor(), project, &names(&["总包"]))
        .await
        .expect("replace");
    assert_eq!(store.defect_parties(project).await.expect("get"), names(&["总包"]));
    let twice = store.set_defect_parties(&actor(), project, &names(&["分包", "分包"])).await;
    assert!(matches!(twice, Err(Error::Duplicate(Duplicate::PartyName))), "{twice:?}");
    assert_eq!(
        store.defect_parties(project).await.expect("kept"),
        names(&["总包"]),
        "nothing written"
    );
    let unknown = store.set_defect_parties(&actor(), 999_999, &names(&["总包"])).await;
    assert!(matches!(unknown, Err(Error::Reference)), "{unknown:?}");
}
