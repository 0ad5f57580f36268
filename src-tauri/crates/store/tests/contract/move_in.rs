//! Contract cases for the move-in store methods: settings and the letterhead, the procedure,
//! batches and slots, bookings (quota, one live booking, rebooking, closing), check-in, notice
//! deliveries, steps (prerequisites, twice, stale, meter readings, keys handed and taken back),
//! holds, the key ledger and the board (the races between desks are in `concurrency`; the fixtures
//! here are shared with it).

use crate::support::*;
use chrono::NaiveDate;
use domain::move_in::*;
use domain::record::{Duplicate, Entity};
use domain::{AppError, ErrorCode};
use rust_decimal::Decimal;
use store::{Actor, Error, LetterheadChange, Store, StoredImage};

contract_tests!(
    settings_are_set_read_and_cleared,
    the_letterhead_keeps_replaces_or_clears_its_images,
    the_procedure_is_saved_by_version,
    a_batch_takes_the_sold_units_of_its_selection,
    a_batch_is_refused_for_its_name_taken_units_or_no_sold_unit,
    missing_batches_slots_and_units_are_not_found,
    a_booking_takes_a_place_until_the_slot_is_full,
    a_second_live_booking_is_refused_and_a_rebooking_moves_it,
    a_unit_books_only_its_own_batchs_slots,
    closing_a_booking_frees_its_place,
    check_in_marks_the_arrival_and_refuses_stale_or_delivered,
    notice_deliveries_are_recorded,
    steps_follow_their_prerequisites_once_each,
    a_meter_reading_lower_than_before_writes_nothing,
    keys_are_handed_over_and_taken_back_with_their_step,
    a_unit_is_held_and_resumed,
    the_key_ledger_moves_keys_by_its_state_machine,
    the_board_counts_batches_and_buildings,
    the_board_orders_batches_by_first_day_and_buildings_by_their_earliest,
);

// ─────────────── fixtures ───────────────

pub(crate) fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("date")
}

pub(crate) fn at(time: &str) -> Actor {
    Actor {
        at: format!("2026-12-01T{time}+08:00"),
        ..actor()
    }
}

/// The rule's refusal the store passed through.
pub(crate) fn refusal(e: Error) -> AppError {
    match e {
        Error::Refused(a) => a,
        other => panic!("expected a rule's refusal, got {other}"),
    }
}

/// Imports are written by a user (the import log names them).
pub(crate) async fn import(store: &Store, project: &str, units: usize, contract_prefix: &str) {
    let user = store
        .system_user("contract", "合约", domain::role::Role::Admin, &actor().at)
        .await
        .expect("user");
    let importer = Actor {
        user_id: Some(user.id),
        ..actor()
    };
    let bytes = domain::sample::workbook_numbered(project, units, contract_prefix).expect("sample");
    let plan = match domain::sheet::read_workbook(&bytes, day(11, 23)).expect("read") {
        Ok(plan) => plan,
        Err(rows) => panic!("{rows:?}"),
    };
    store.apply_import(&importer, "sample.xlsx", &plan).await.expect("import");
}

/// A sample project of `units` units in 1栋 (70 % sold): its id and building.
pub(crate) async fn project(store: &Store, units: usize) -> (i64, i64) {
    import(store, "示例花园", units, "HT").await;
    let project = store.projects().await.expect("projects")[0].id;
    let building = store.buildings(project).await.expect("buildings")[0].id;
    (project, building)
}

pub(crate) fn batch_input(project_id: i64, name: &str, selection: UnitSelection, quota: u32) -> BatchInput {
    BatchInput {
        project_id,
        name: name.into(),
        first_day: day(12, 1),
        last_day: day(12, 1),
        place: "会所".into(),
        windows: 2,
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
        selection,
    }
}

pub(crate) fn building(id: i64) -> UnitSelection {
    UnitSelection {
        building_ids: vec![id],
        ..UnitSelection::default()
    }
}

/// A project with one batch of its whole building: the batch, its slots (上午, 下午), its units.
pub(crate) struct World {
    pub(crate) store: Store,
    pub(crate) project_id: i64,
    pub(crate) batch_id: i64,
    pub(crate) slots: Vec<Slot>,
    pub(crate) units: Vec<i64>,
}

pub(crate) async fn world(store: Store, units: usize, quota: u32) -> World {
    let (project_id, b) = project(&store, units).await;
    let created = store
        .create_batch(&actor(), &batch_input(project_id, "第一批", building(b), quota))
        .await
        .expect("batch");
    let slots = store.slots(created.batch_id).await.expect("slots");
    let units = store
        .batch_units(created.batch_id)
        .await
        .expect("units")
        .into_iter()
        .map(|(u, _)| u.unit_id)
        .collect();
    World {
        store,
        project_id,
        batch_id: created.batch_id,
        slots,
        units,
    }
}

impl World {
    pub(crate) async fn version(&self, unit: i64) -> i64 {
        self.store.move_in_row(unit).await.expect("row").version
    }
    pub(crate) async fn booked(&self, slot: usize) -> i64 {
        self.store.slots(self.batch_id).await.expect("slots")[slot].booked
    }
    pub(crate) async fn step(&self, unit: i64, data: StepData) -> Result<(), Error> {
        let v = self.version(unit).await;
        self.store.do_step(&actor(), unit, v, &data).await
    }
    /// Only the identity step enabled: one step delivers a unit.
    pub(crate) async fn identity_only(&self) {
        let mut c = ProcedureConfig::default();
        c.steps.iter_mut().for_each(|s| s.enabled = s.kind == StepKind::Identity);
        self.store
            .save_move_in_config(&actor(), self.project_id, 0, &c)
            .await
            .expect("config");
    }
}

pub(crate) fn identity() -> StepData {
    StepData::Identity {
        by_agent: false,
        agent_name: String::new(),
        agent_id_tail: String::new(),
        authorization_seen: false,
    }
}

pub(crate) fn meters(number: &str, reading: i64) -> StepData {
    StepData::Meters {
        readings: vec![MeterReading {
            kind: MeterKind::Water,
            number: number.into(),
            reading: Decimal::from(reading),
        }],
    }
}

pub(crate) fn keys(numbers: &[&str]) -> StepData {
    StepData::Keys {
        keys: vec![KeySetLine {
            kind: "入户门钥匙".into(),
            count: u32::try_from(numbers.len()).expect("count"),
            numbers: numbers.iter().map(|n| n.to_string()).collect(),
        }],
    }
}

/// Every step before the keys step (identity, settlement, fees, confirmation, meters).
pub(crate) async fn up_to_keys(w: &World, unit: i64, meter: &str) {
    for data in [
        identity(),
        StepData::Settlement {
            area_difference: Decimal::ZERO,
            balance_cleared: true,
            receipt: String::new(),
        },
        StepData::Fees { items: vec![] },
        StepData::Confirmation { signed: true },
        meters(meter, 10),
    ] {
        w.step(unit, data).await.expect("step");
    }
}

// ─────────────── settings and letterhead ───────────────

async fn settings_are_set_read_and_cleared(store: Store) {
    assert_eq!(store.setting("office.time_zone").await.expect("read"), None);
    store
        .set_settings(&actor(), &[("office.time_zone", Some(("Asia/Shanghai".into(), None)))])
        .await
        .expect("set");
    assert_eq!(
        store.setting("office.time_zone").await.expect("read"),
        Some(("Asia/Shanghai".to_string(), None))
    );
    store.set_settings(&actor(), &[("office.time_zone", None)]).await.expect("clear");
    assert_eq!(store.setting("office.time_zone").await.expect("read"), None);
}

async fn the_letterhead_keeps_replaces_or_clears_its_images(store: Store) {
    assert_eq!(store.letterhead().await.expect("default"), store::Letterhead::default());
    let logo = StoredImage {
        name: "logo.png".into(),
        bytes: vec![1, 2, 3],
    };
    let mut change = LetterheadChange {
        company: "示例物业".into(),
        address: "江干区".into(),
        phone: "0571-1".into(),
        logo: Some(Some(logo.clone())),
        seal: None,
    };
    store.save_letterhead(&actor(), &change).await.expect("save");
    let l = store.letterhead().await.expect("read");
    assert_eq!(
        (l.company.as_str(), l.logo.as_ref(), l.seal.as_ref()),
        ("示例物业", Some(&logo), None)
    );
    assert_eq!(l.updated_by.as_deref(), Some("contract"));
    change.company = "新物业".into();
    change.logo = None;
    store.save_letterhead(&actor(), &change).await.expect("keep");
    let l = store.letterhead().await.expect("read");
    assert_eq!((l.company.as_str(), l.logo.as_ref()), ("新物业", Some(&logo)), "kept");
    change.logo = Some(None);
    store.save_letterhead(&actor(), &change).await.expect("clear");
    assert_eq!(store.letterhead().await.expect("read").logo, None);
    assert_eq!(store.setting("letterhead.company").await.expect("read"), None, "not a setting row");
}

// ─────────────── procedure ───────────────

async fn the_procedure_is_saved_by_version(store: Store) {
    let (project, _) = project(&store, 4).await;
    assert_eq!(
        store.move_in_config(project).await.expect("default"),
        (ProcedureConfig::default(), 0)
    );
    let c = ProcedureConfig {
        documents: vec!["入伙通知书".into()],
        ..ProcedureConfig::default()
    };
    assert_eq!(store.save_move_in_config(&actor(), project, 0, &c).await.expect("first"), 1);
    assert!(matches!(
        store.save_move_in_config(&actor(), project, 0, &c).await,
        Err(Error::Stale(Entity::MoveInConfig))
    ));
    assert_eq!(store.save_move_in_config(&actor(), project, 1, &c).await.expect("second"), 2);
    assert!(matches!(
        store.save_move_in_config(&actor(), project, 1, &c).await,
        Err(Error::Stale(Entity::MoveInConfig))
    ));
    assert_eq!(store.move_in_config(project).await.expect("read"), (c, 2));
}

// ─────────────── batches ───────────────

async fn a_batch_takes_the_sold_units_of_its_selection(store: Store) {
    let (project, b) = project(&store, 10).await;
    let all = store
        .create_batch(&actor(), &batch_input(project, "全部", building(b), 3))
        .await
        .expect("batch");
    assert_eq!((all.units, all.slots, all.unsold_skipped), (7, 2, 3));
    let (store, project, b) = {
        let fresh = sqlite().await;
        let (p, b) = self::project(&fresh, 10).await;
        (fresh, p, b)
    };
    // Floor 1 of the building plus one unit picked from the list (1-201).
    assert_eq!(store.unit(5).await.expect("unit").number, "1-201");
    let selection = UnitSelection {
        building_ids: vec![b],
        floor_from: Some(1),
        floor_to: Some(1),
        unit_ids: vec![5],
    };
    let created = store
        .create_batch(&actor(), &batch_input(project, "第一批", selection, 3))
        .await
        .expect("batch");
    assert_eq!((created.units, created.slots, created.unsold_skipped), (5, 2, 0));
    let batch = store.batch(created.batch_id).await.expect("batch");
    assert_eq!((batch.name.as_str(), batch.unit_count, batch.windows), ("第一批", 5, 2));
    assert_eq!(store.batches(project).await.expect("list"), vec![batch]);
    let slots = store.slots(created.batch_id).await.expect("slots");
    assert_eq!(
        slots.iter().map(|s| (s.label.as_str(), s.quota, s.booked)).collect::<Vec<_>>(),
        vec![("上午", 3, 0), ("下午", 3, 0)]
    );
    let units = store.batch_units(created.batch_id).await.expect("units");
    assert_eq!(
        units.iter().map(|(u, _)| u.number.as_str()).collect::<Vec<_>>(),
        vec!["1-101", "1-102", "1-103", "1-104", "1-201"]
    );
    let (first, phone) = &units[0];
    assert_eq!(first.status, MoveInStatus::NotStarted);
    assert!(!first.owner_names.is_empty() && !phone.is_empty());
    // Floors 2–3 take 1-201 again: refused, naming it and its batch.
    let upper = UnitSelection {
        building_ids: vec![b],
        floor_from: Some(2),
        floor_to: Some(3),
        unit_ids: vec![],
    };
    let e = refusal(
        store
            .create_batch(&actor(), &batch_input(project, "第二批", upper, 3))
            .await
            .expect_err("taken"),
    );
    assert_eq!(e.message, "1 套房屋已在其他批次：1栋 1-201（第一批）");
}

async fn a_batch_is_refused_for_its_name_taken_units_or_no_sold_unit(store: Store) {
    let (project, b) = project(&store, 10).await;
    let first = store
        .create_batch(&actor(), &batch_input(project, "第一批", building(b), 3))
        .await
        .expect("batch");
    assert!(matches!(
        store.create_batch(&actor(), &batch_input(project, "第一批", building(b), 3)).await,
        Err(Error::Duplicate(Duplicate::BatchName))
    ));
    let e = refusal(
        store
            .create_batch(&actor(), &batch_input(project, "第二批", building(b), 3))
            .await
            .expect_err("taken"),
    );
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("selection")));
    assert!(e.message.starts_with("7 套房屋已在其他批次：1栋 1-101（第一批）"), "{}", e.message);
    let mut unsold = Vec::new();
    for id in 1..=10 {
        if store.unit(id).await.expect("unit").status == domain::model::UnitStatus::Available {
            unsold.push(id);
        }
    }
    assert_eq!(unsold.len(), 3);
    let only_unsold = UnitSelection {
        unit_ids: unsold,
        ..UnitSelection::default()
    };
    let e = refusal(
        store
            .create_batch(&actor(), &batch_input(project, "第三批", only_unsold, 3))
            .await
            .expect_err("unsold"),
    );
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Invalid, Some("selection")));
    assert_eq!(store.batches(project).await.expect("list").len(), 1, "nothing half-written");
    assert_eq!(store.slots(first.batch_id).await.expect("slots").len(), 2);
}

async fn missing_batches_slots_and_units_are_not_found(store: Store) {
    let w = world(store, 10, 3).await;
    assert!(matches!(w.store.batch(99).await, Err(Error::NotFound(Entity::MoveInBatch))));
    assert!(matches!(w.store.move_in_row(99).await, Err(Error::NotFound(Entity::MoveInUnit))));
    assert!(matches!(
        w.store.book(&actor(), w.units[0], 99, "", false).await,
        Err(Error::NotFound(Entity::Slot))
    ));
    assert!(w.store.slots(99).await.expect("none").is_empty());
    assert!(matches!(
        w.store.check_in(&actor(), 99, 1).await,
        Err(Error::NotFound(Entity::MoveInUnit))
    ));
}

// ─────────────── bookings ───────────────

async fn a_booking_takes_a_place_until_the_slot_is_full(store: Store) {
    let w = world(store, 10, 2).await;
    let slot = w.slots[0].id;
    for u in &w.units[..2] {
        w.store.book(&actor(), *u, slot, "电话预约", false).await.expect("book");
    }
    assert_eq!(w.booked(0).await, 2);
    let e = refusal(w.store.book(&actor(), w.units[2], slot, "", false).await.expect_err("full"));
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("slot_id")));
    assert!(e.message.contains("已约满（2/2）"), "{}", e.message);
    assert_eq!(w.booked(0).await, 2, "the refusal took no place");
    let a = w.store.appointments(w.units[0]).await.expect("appointments");
    assert_eq!(
        (a.len(), a[0].status, a[0].note.as_str()),
        (1, AppointmentStatus::Booked, "电话预约")
    );
    assert_eq!(a[0].slot_text, "2026-12-01 上午 09:00–12:00");
    assert_eq!(w.store.batch(w.batch_id).await.expect("batch").booked, 2);
}

async fn a_second_live_booking_is_refused_and_a_rebooking_moves_it(store: Store) {
    let w = world(store, 10, 2).await;
    let (am, pm) = (w.slots[0].id, w.slots[1].id);
    let u = w.units[0];
    let first = w.store.book(&actor(), u, am, "", false).await.expect("book");
    let e = refusal(w.store.book(&actor(), u, pm, "", false).await.expect_err("second"));
    assert!(e.message.contains("改约"), "{}", e.message);
    let moved = w.store.book(&actor(), u, pm, "改到下午", true).await.expect("rebook");
    assert_ne!(moved, first);
    assert_eq!((w.booked(0).await, w.booked(1).await), (0, 1), "the old place is freed");
    let a = w.store.appointments(u).await.expect("appointments");
    assert_eq!(
        a.iter().map(|a| a.status).collect::<Vec<_>>(),
        vec![AppointmentStatus::Booked, AppointmentStatus::Cancelled]
    );
    // The owner arrives: no more booking, not even a rebooking.
    w.store.check_in(&actor(), u, w.version(u).await).await.expect("arrive");
    let e = refusal(w.store.book(&actor(), u, am, "", true).await.expect_err("arrived"));
    assert_eq!(e.message, "业主已到场办理，不能再预约");
}

async fn a_unit_books_only_its_own_batchs_slots(store: Store) {
    let w = world(store, 20, 2).await;
    // 1栋 has 20 units; the second batch takes none of them, so plan it in a fresh project.
    import(&w.store, "二期", 4, "EQ").await;
    let p2 = w
        .store
        .projects()
        .await
        .expect("projects")
        .into_iter()
        .find(|p| p.name == "二期")
        .expect("二期")
        .id;
    let b2 = w.store.buildings(p2).await.expect("buildings")[0].id;
    let other = w
        .store
        .create_batch(&actor(), &batch_input(p2, "二期一批", building(b2), 2))
        .await
        .expect("batch");
    let other_slot = w.store.slots(other.batch_id).await.expect("slots")[0].id;
    let e = refusal(
        w.store
            .book(&actor(), w.units[0], other_slot, "", false)
            .await
            .expect_err("other batch"),
    );
    assert_eq!(e.message, "该时段不属于此房屋所在的批次");
    let unsold = 8; // the eighth unit of the sample is unsold and in no batch
    assert_eq!(
        w.store.unit(unsold).await.expect("unit").status,
        domain::model::UnitStatus::Available
    );
    let e = refusal(
        w.store
            .book(&actor(), unsold, w.slots[0].id, "", false)
            .await
            .expect_err("no batch"),
    );
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(w.booked(0).await, 0);
}

async fn closing_a_booking_frees_its_place(store: Store) {
    let w = world(store, 10, 1).await;
    let slot = w.slots[0].id;
    let (a, b) = (w.units[0], w.units[1]);
    let e = refusal(
        w.store
            .close_booking(&actor(), a, AppointmentStatus::Cancelled)
            .await
            .expect_err("none"),
    );
    assert_eq!(e.code, ErrorCode::NotFound);
    w.store.book(&actor(), a, slot, "", false).await.expect("book");
    w.store
        .close_booking(&actor(), a, AppointmentStatus::NoShow)
        .await
        .expect("no-show");
    assert_eq!(w.booked(0).await, 0);
    assert_eq!(w.store.appointments(a).await.expect("a")[0].status, AppointmentStatus::NoShow);
    w.store.book(&actor(), b, slot, "", false).await.expect("the freed place");
    w.store.check_in(&actor(), b, w.version(b).await).await.expect("arrive");
    let e = refusal(
        w.store
            .close_booking(&actor(), b, AppointmentStatus::Cancelled)
            .await
            .expect_err("arrived"),
    );
    assert_eq!(e.code, ErrorCode::Conflict);
    assert_eq!(w.booked(0).await, 1);
}

async fn check_in_marks_the_arrival_and_refuses_stale_or_delivered(store: Store) {
    let w = world(store, 10, 2).await;
    w.identity_only().await;
    let u = w.units[0];
    w.store.book(&actor(), u, w.slots[0].id, "", false).await.expect("book");
    let v = w.version(u).await;
    w.store.check_in(&at("09:05:00"), u, v).await.expect("arrive");
    let row = w.store.move_in_row(u).await.expect("row");
    assert_eq!((row.version, row.arrived_at.as_deref()), (v + 1, Some("2026-12-01T09:05:00+08:00")));
    assert_eq!(w.store.appointments(u).await.expect("a")[0].status, AppointmentStatus::Arrived);
    assert!(matches!(
        w.store.check_in(&actor(), u, v).await,
        Err(Error::Stale(Entity::MoveInUnit))
    ));
    w.step(u, identity()).await.expect("the only step");
    assert_eq!(w.store.move_in_row(u).await.expect("row").status, MoveInStatus::Delivered);
    let e = refusal(w.store.check_in(&actor(), u, w.version(u).await).await.expect_err("delivered"));
    assert_eq!(e.message, "该房屋已交付");
}

async fn notice_deliveries_are_recorded(store: Store) {
    let w = world(store, 10, 2).await;
    let d = DeliveryInput {
        unit_id: w.units[0],
        channel: DeliveryChannel::Mail,
        delivered_on: day(11, 20),
        confirmed_by: "王伟".into(),
        note: String::new(),
    };
    let id = w.store.record_delivery(&actor(), &d).await.expect("record");
    let all = w.store.deliveries(w.units[0]).await.expect("list");
    assert_eq!((all.len(), all[0].id, all[0].input.channel), (1, id, DeliveryChannel::Mail));
    assert!(w.store.batch_units(w.batch_id).await.expect("units")[0].0.delivered_notice);
    let missing = DeliveryInput { unit_id: 999, ..d };
    assert!(matches!(w.store.record_delivery(&actor(), &missing).await, Err(Error::Reference)));
}

// ─────────────── steps ───────────────

async fn steps_follow_their_prerequisites_once_each(store: Store) {
    let w = world(store, 10, 2).await;
    let u = w.units[0];
    let e = refusal(
        w.step(
            u,
            StepData::Settlement {
                area_difference: Decimal::ZERO,
                balance_cleared: true,
                receipt: String::new(),
            },
        )
        .await
        .expect_err("blocked"),
    );
    assert_eq!(e.message, "暂不能办理“结清房款及面积差价”：业主身份未核验");
    w.step(u, identity()).await.expect("identity");
    let row = w.store.move_in_row(u).await.expect("row");
    assert_eq!((row.status, row.started_at.is_some()), (MoveInStatus::InProgress, true));
    let e = refusal(w.step(u, identity()).await.expect_err("twice"));
    assert!(e.message.contains("已办理，不能重复办理"), "{}", e.message);
    let stale = w
        .store
        .do_step(&actor(), u, row.version - 1, &StepData::Fees { items: vec![] })
        .await;
    assert!(matches!(stale, Err(Error::Stale(Entity::MoveInUnit))));
    let steps = w.store.steps(u).await.expect("steps");
    assert_eq!(steps.iter().map(|s| s.data.kind()).collect::<Vec<_>>(), vec![StepKind::Identity]);
    assert_eq!(steps[0].summary, "业主本人，身份证件已核验");
    // Undo: the step goes, the status follows; undoing it again is refused.
    let v = w.version(u).await;
    w.store.undo_step(&actor(), u, v, StepKind::Identity, "录错").await.expect("undo");
    assert_eq!(w.store.move_in_row(u).await.expect("row").status, MoveInStatus::NotStarted);
    assert!(w.store.steps(u).await.expect("steps").is_empty());
    let e = refusal(
        w.store
            .undo_step(&actor(), u, w.version(u).await, StepKind::Identity, "x")
            .await
            .expect_err("not done"),
    );
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(matches!(
        w.store.undo_step(&actor(), u, v, StepKind::Identity, "x").await,
        Err(Error::Stale(Entity::MoveInUnit))
    ));
    w.step(u, identity()).await.expect("done again after the undo");
}

async fn a_meter_reading_lower_than_before_writes_nothing(store: Store) {
    let w = world(store, 10, 2).await;
    let (a, b) = (w.units[0], w.units[1]);
    for u in [a, b] {
        w.step(u, identity()).await.expect("identity");
    }
    w.step(a, meters("W-1", 300)).await.expect("first reading");
    let before = w.store.move_in_row(b).await.expect("row");
    let e = refusal(w.step(b, meters("W-1", 250)).await.expect_err("lower"));
    assert_eq!(e.field.as_deref(), Some("readings[0].reading"));
    assert!(e.message.contains("低于上次读数 300"), "{}", e.message);
    let after = w.store.move_in_row(b).await.expect("row");
    assert_eq!(after.version, before.version, "nothing written");
    assert_eq!(w.store.steps(b).await.expect("steps").len(), 1);
    w.step(b, meters("W-1", 300)).await.expect("an equal reading is fine");
}

async fn keys_are_handed_over_and_taken_back_with_their_step(store: Store) {
    let w = world(store, 10, 2).await;
    let (a, b) = (w.units[0], w.units[1]);
    up_to_keys(&w, a, "W-A").await;
    up_to_keys(&w, b, "W-B").await;
    w.step(a, keys(&["MJ-1", "MJ-2"])).await.expect("keys");
    let ledger = w.store.keys(w.project_id).await.expect("keys");
    assert_eq!(ledger.iter().filter(|k| k.holder == KeyHolder::Owner).count(), 2);
    let e = refusal(w.step(b, keys(&["MJ-1"])).await.expect_err("another unit's key"));
    assert_eq!((e.field.as_deref(), e.code), (Some("keys"), ErrorCode::Conflict));
    assert!(e.message.contains("MJ-1") && e.message.contains("1栋"), "{}", e.message);
    assert!(w
        .store
        .steps(b)
        .await
        .expect("steps")
        .iter()
        .all(|s| s.data.kind() != StepKind::Keys));
    let v = w.version(a).await;
    w.store.undo_step(&actor(), a, v, StepKind::Keys, "编号录错").await.expect("undo");
    let ledger = w.store.keys(w.project_id).await.expect("keys");
    assert!(ledger.iter().all(|k| k.holder == KeyHolder::Office), "{ledger:?}");
    let mj1 = ledger.iter().find(|k| k.number == "MJ-1").expect("MJ-1");
    let events = w.store.key_events(mj1.id).await.expect("events");
    assert_eq!(
        events.iter().map(|e| (e.action, e.reason.as_str())).collect::<Vec<_>>(),
        vec![(KeyAction::Returned, "撤销交钥匙：编号录错"), (KeyAction::Handed, "入伙交付")]
    );
    w.step(a, keys(&["MJ-1"])).await.expect("a key back in the office is handed again");
}

async fn a_unit_is_held_and_resumed(store: Store) {
    let w = world(store, 10, 2).await;
    let u = w.units[0];
    w.step(u, identity()).await.expect("identity");
    let v = w.version(u).await;
    w.store.set_hold(&actor(), u, v, Some("业主出国")).await.expect("hold");
    let row = w.store.move_in_row(u).await.expect("row");
    assert_eq!((row.status, row.hold_reason.as_str()), (MoveInStatus::Deferred, "业主出国"));
    let e = refusal(w.step(u, StepData::Fees { items: vec![] }).await.expect_err("held"));
    assert!(e.message.contains("暂缓"), "{}", e.message);
    assert!(matches!(
        w.store.set_hold(&actor(), u, v, None).await,
        Err(Error::Stale(Entity::MoveInUnit))
    ));
    w.store.set_hold(&actor(), u, row.version, None).await.expect("resume");
    let row = w.store.move_in_row(u).await.expect("row");
    assert_eq!((row.status, row.hold_reason.as_str()), (MoveInStatus::InProgress, ""));
    w.identity_only().await;
    let d = w.units[1];
    w.step(d, identity()).await.expect("delivered");
    let e = refusal(
        w.store
            .set_hold(&actor(), d, w.version(d).await, Some("x"))
            .await
            .expect_err("delivered"),
    );
    assert_eq!(e.message, "该房屋已交付，不能暂缓");
}

// ─────────────── key ledger ───────────────

async fn the_key_ledger_moves_keys_by_its_state_machine(store: Store) {
    let (project, _) = project(&store, 4).await;
    let input = KeyInput {
        project_id: project,
        number: "GK-01".into(),
        kind: "机房钥匙".into(),
        unit_id: None,
        label: "1栋 电梯机房".into(),
    };
    let id = store.register_key(&actor(), &input).await.expect("register");
    assert!(matches!(
        store.register_key(&actor(), &input).await,
        Err(Error::Duplicate(Duplicate::KeyNumber))
    ));
    let e = refusal(
        store
            .move_key(&actor(), id, KeyAction::Returned, "", "", None)
            .await
            .expect_err("not out"),
    );
    assert_eq!(e.message, "钥匙当前状态为“物业保管”，不能归还");
    store
        .move_key(&actor(), id, KeyAction::CheckedOut, "张师傅", "电梯维保", Some(day(12, 3)))
        .await
        .expect("lend");
    let k = &store.keys(project).await.expect("keys")[0];
    assert_eq!(
        (k.holder, k.out_to.as_str(), k.due_back),
        (KeyHolder::Out, "张师傅", Some(day(12, 3)))
    );
    assert_eq!(
        refusal(
            store
                .move_key(&actor(), id, KeyAction::CheckedOut, "x", "y", None)
                .await
                .expect_err("out")
        )
        .code,
        ErrorCode::Conflict
    );
    assert_eq!(
        refusal(
            store
                .move_key(&actor(), id, KeyAction::Handed, "", "", None)
                .await
                .expect_err("not a ledger move")
        )
        .field
        .as_deref(),
        Some("action")
    );
    store
        .move_key(&actor(), id, KeyAction::Lost, "", "维保遗失", None)
        .await
        .expect("lost");
    store
        .move_key(&actor(), id, KeyAction::Returned, "", "找回", None)
        .await
        .expect("found");
    let k = &store.keys(project).await.expect("keys")[0];
    assert_eq!((k.holder, k.out_to.as_str(), k.due_back), (KeyHolder::Office, "", None));
    let actions: Vec<KeyAction> = store.key_events(id).await.expect("events").iter().rev().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [KeyAction::Registered, KeyAction::CheckedOut, KeyAction::Lost, KeyAction::Returned]
    );
    assert!(matches!(
        store.move_key(&actor(), 99, KeyAction::Lost, "", "", None).await,
        Err(Error::NotFound(Entity::Key))
    ));
}

// ─────────────── board ───────────────

async fn the_board_counts_batches_and_buildings(store: Store) {
    let w = world(store, 10, 5).await;
    w.identity_only().await;
    let (a, b, c) = (w.units[0], w.units[1], w.units[2]);
    for u in [a, b] {
        w.store.book(&actor(), u, w.slots[0].id, "", false).await.expect("book");
        w.store.check_in(&at("09:00:00"), u, w.version(u).await).await.expect("arrive");
    }
    let v = w.version(a).await;
    w.store.do_step(&at("09:30:00"), a, v, &identity()).await.expect("delivered");
    w.store
        .set_hold(&actor(), c, w.version(c).await, Some("资料不全"))
        .await
        .expect("hold");
    let board = w.store.board(w.project_id, None, day(12, 1)).await.expect("board");
    let t = &board.total;
    assert_eq!((t.key.as_str(), t.units, t.booked, t.delivered, t.deferred), ("合计", 7, 2, 1, 1));
    assert_eq!(t.rate, "14.3");
    assert_eq!(board.by_batch.len(), 1);
    assert_eq!(board.by_building[0].key, "1栋");
    assert_eq!((board.arrived_today, board.delivered_today, board.waiting_now), (2, 1, 1));
    assert_eq!(board.average_minutes, Some(30));
    assert_eq!(board.per_day, vec![("2026-12-01".to_string(), 1)]);
    let one = w
        .store
        .board(w.project_id, Some(w.batch_id), day(12, 2))
        .await
        .expect("batch board");
    assert_eq!((one.total.units, one.arrived_today), (7, 0));
    let none = w.store.board(w.project_id, Some(99), day(12, 1)).await.expect("no such batch");
    assert_eq!((none.total.units, none.average_minutes), (0, None));
}

/// Batches by their first day, not their name; a building by the earliest first day of the
/// batches its units are in, then by name; a building split between two batches is one row.
async fn the_board_orders_batches_by_first_day_and_buildings_by_their_earliest(store: Store) {
    let (project_id, _) = project(&store, 150).await; // 1栋 and 2栋 of 72 units, 3栋 of 6
    let mut sold: std::collections::HashMap<String, Vec<i64>> = std::collections::HashMap::new();
    for b in store.buildings(project_id).await.expect("buildings") {
        let q = domain::model::UnitQuery {
            building_id: Some(b.id),
            page: 1,
            page_size: 100,
            ..Default::default()
        };
        let (rows, _) = store.search_units(&q).await.expect("units");
        let ids = rows
            .iter()
            .filter(|r| r.0.status == domain::model::UnitStatus::Sold)
            .map(|r| r.0.id)
            .collect();
        sold.insert(b.name, ids);
    }
    let (one, two, three) = (&sold["1栋"], &sold["2栋"], &sold["3栋"]);
    assert!(three.len() >= 2, "3栋 has units for both batches");
    let units = |ids: Vec<i64>| UnitSelection {
        unit_ids: ids,
        ..UnitSelection::default()
    };
    // "A批" starts later than "B批" and is made first.
    let a = BatchInput {
        first_day: day(12, 5),
        last_day: day(12, 5),
        ..batch_input(project_id, "A批", units([one.clone(), three[1..].to_vec()].concat()), 40)
    };
    let a = store.create_batch(&actor(), &a).await.expect("A").batch_id;
    let b = batch_input(project_id, "B批", units([two.clone(), three[..1].to_vec()].concat()), 40);
    store.create_batch(&actor(), &b).await.expect("B");
    let slot = store.slots(a).await.expect("slots")[0].id;
    store.book(&actor(), three[1], slot, "", false).await.expect("book");

    let board = store.board(project_id, None, day(12, 1)).await.expect("board");
    let n = |v: &Vec<i64>| i64::try_from(v.len()).expect("n");
    let rows = |rows: &[ProgressRow]| -> Vec<(String, i64, i64)> { rows.iter().map(|r| (r.key.clone(), r.units, r.booked)).collect() };
    assert_eq!(
        rows(&board.by_batch),
        [("B批".to_string(), n(two) + 1, 0), ("A批".to_string(), n(one) + n(three) - 1, 1)]
    );
    assert_eq!(
        rows(&board.by_building),
        [
            ("2栋".to_string(), n(two), 0),
            ("3栋".to_string(), n(three), 1),
            ("1栋".to_string(), n(one), 0)
        ]
    );
    assert_eq!((board.total.units, board.total.booked), (n(one) + n(two) + n(three), 1));
    let only_a = store.board(project_id, Some(a), day(12, 1)).await.expect("A's board");
    assert_eq!(
        rows(&only_a.by_building),
        [("1栋".to_string(), n(one), 0), ("3栋".to_string(), n(three) - 1, 1)]
    );
}
