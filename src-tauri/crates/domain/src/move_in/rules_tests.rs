//! The rules the store applies inside its transactions: the key ledger's state machine, booking
//! decisions, step planning, meter readings, batch membership and the board's totals.

use super::*;
use crate::ErrorCode;
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).expect("date")
}

// ─────────────── key ledger ───────────────

/// The whole table: every (path, action, holder) triple, allowed ones with the state they give.
#[test]
fn every_key_transition_is_allowed_or_refused_with_a_reason() {
    use KeyAction as A;
    use KeyHolder as H;
    let allowed = |path: KeyPath, action: KeyAction, from: KeyHolder| -> Option<KeyHolder> {
        match (path, action, from) {
            (KeyPath::Ledger, A::CheckedOut, H::Office) => Some(H::Out),
            (KeyPath::Ledger, A::Returned, H::Out) => Some(H::Office),
            (KeyPath::Ledger, A::Returned, H::Lost) => Some(H::Office),
            (KeyPath::Ledger, A::Lost, H::Office) => Some(H::Lost),
            (KeyPath::Ledger, A::Lost, H::Out) => Some(H::Lost),
            (KeyPath::Procedure, A::Handed, H::Office) => Some(H::Owner),
            (KeyPath::Procedure, A::Returned, H::Owner) => Some(H::Office),
            _ => None,
        }
    };
    let on_path = |path: KeyPath, action: KeyAction| match path {
        KeyPath::Ledger => matches!(action, A::CheckedOut | A::Returned | A::Lost),
        KeyPath::Procedure => matches!(action, A::Handed | A::Returned),
    };
    let mut checked = 0;
    for path in [KeyPath::Ledger, KeyPath::Procedure] {
        for action in KeyAction::ALL {
            for from in KeyHolder::ALL {
                let got = key_transition(*from, *action, path);
                match allowed(path, *action, *from) {
                    Some(to) => assert_eq!(got.ok(), Some(to), "{path:?} {action:?} from {from:?}"),
                    None => {
                        let e = got.expect_err("refused");
                        if on_path(path, *action) {
                            assert_eq!(e.code, ErrorCode::Conflict, "{path:?} {action:?} from {from:?}");
                            assert_eq!(e.message, format!("钥匙当前状态为“{}”，不能{}", from.label(), action.label()));
                        } else {
                            assert_eq!(e.code, ErrorCode::Invalid, "{path:?} {action:?} from {from:?}");
                            assert_eq!(e.field.as_deref(), Some("action"));
                        }
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 2 * 5 * 4);
    assert_eq!(
        key_transition(H::Owner, A::CheckedOut, KeyPath::Ledger)
            .expect_err("owner's")
            .message,
        "钥匙当前状态为“已交业主”，不能借出"
    );
}

#[test]
fn a_lent_key_keeps_its_borrower_and_others_do_not() {
    let out = KeyState::after(KeyHolder::Out, "张师傅", "维修", Some(d(12, 1)));
    assert_eq!((out.out_to.as_str(), out.due_back), ("张师傅", Some(d(12, 1))));
    let back = KeyState::after(KeyHolder::Office, "张师傅", "维修", Some(d(12, 1)));
    assert_eq!((back.out_to.as_str(), back.out_reason.as_str(), back.due_back), ("", "", None));
}

#[test]
fn keys_are_handed_over_only_by_their_own_unit_from_the_office() {
    assert_eq!(hand_over("MJ-1", 7, None).ok(), Some(Handover::Register));
    let mut k = KeyFound {
        id: 3,
        unit_id: Some(7),
        owner_label: "1栋 1-101".into(),
        holder: KeyHolder::Office,
    };
    assert_eq!(hand_over("MJ-1", 7, Some(&k)).ok(), Some(Handover::Move { key_id: 3 }));
    let e = hand_over("MJ-1", 8, Some(&k)).expect_err("another unit's");
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("keys")));
    assert_eq!(e.message, "钥匙编号 MJ-1 属于 1栋 1-101，不能交给本房屋");
    k.holder = KeyHolder::Out;
    let e = hand_over("MJ-1", 7, Some(&k)).expect_err("lent");
    assert_eq!(e.message, "钥匙编号 MJ-1 当前状态为“借出”，不在物业处");
}

#[test]
fn overdue_keys_are_lent_keys_past_their_day() {
    let k = KeyRecord {
        id: 1,
        project_id: 1,
        number: "GK".into(),
        kind: "门".into(),
        unit_id: None,
        unit_label: String::new(),
        label: "机房".into(),
        holder: KeyHolder::Out,
        out_to: "x".into(),
        out_reason: "y".into(),
        due_back: Some(d(11, 20)),
        updated_at: String::new(),
        overdue_days: 0,
    };
    assert!(k.is_overdue(d(11, 23)) && !k.is_overdue(d(11, 20)));
    assert_eq!((k.overdue_days(d(11, 23)), k.overdue_days(d(11, 19))), (3, 0));
    let office = KeyRecord {
        holder: KeyHolder::Office,
        ..k
    };
    assert!(!office.is_overdue(d(11, 23)));
    assert_eq!(office.overdue_days(d(11, 23)), 0);
}

// ─────────────── bookings ───────────────

fn slot(batch_id: i64, quota: i64, booked: i64) -> Slot {
    Slot {
        id: 10,
        batch_id,
        day: d(12, 5),
        label: "上午".into(),
        starts: "09:00".into(),
        ends: "12:00".into(),
        quota,
        booked,
    }
}

fn snapshot(live: Option<AppointmentStatus>) -> BookingSnapshot {
    BookingSnapshot {
        slot: slot(1, 2, 1),
        unit_batch: Some(1),
        live: live.map(|status| LiveBooking { id: 4, slot_id: 9, status }),
    }
}

#[test]
fn a_full_slot_is_refused_with_its_count() {
    let s = BookingSnapshot {
        slot: slot(1, 2, 2),
        ..snapshot(None)
    };
    let e = decide_booking(&s, false).expect_err("full");
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("slot_id")));
    assert_eq!(e.message, "2026-12-05 上午 09:00–12:00 已约满（2/2），请选择其他时段");
    assert!(decide_booking(
        &BookingSnapshot {
            slot: slot(1, 2, 2),
            ..snapshot(Some(AppointmentStatus::Booked))
        },
        true
    )
    .is_err());
    // The store's conditional update lost a race: at least the quota is taken.
    assert!(slot_full(&slot(1, 3, 1)).message.contains("已约满（3/3）"));
}

#[test]
fn a_rebook_cancels_the_live_booking_and_a_second_booking_is_refused() {
    assert_eq!(decide_booking(&snapshot(None), false).ok(), Some(BookingPlan::New));
    let live = snapshot(Some(AppointmentStatus::Booked));
    let e = decide_booking(&live, false).expect_err("second");
    assert!(e.message.contains("改约"), "{}", e.message);
    assert_eq!(e.field.as_deref(), Some("slot_id"));
    assert_eq!(
        decide_booking(&live, true).ok(),
        Some(BookingPlan::Rebook { cancel: 4, from_slot: 9 })
    );
}

#[test]
fn an_arrived_owner_is_not_booked_again() {
    let arrived = snapshot(Some(AppointmentStatus::Arrived));
    for rebook in [false, true] {
        let e = decide_booking(&arrived, rebook).expect_err("arrived");
        assert_eq!(e.message, "业主已到场办理，不能再预约");
    }
}

#[test]
fn a_unit_books_only_slots_of_its_own_batch() {
    let other = BookingSnapshot {
        unit_batch: Some(2),
        ..snapshot(None)
    };
    let e = decide_booking(&other, false).expect_err("other batch");
    assert_eq!((e.code, e.message.as_str()), (ErrorCode::Conflict, "该时段不属于此房屋所在的批次"));
    let none = BookingSnapshot {
        unit_batch: None,
        ..snapshot(None)
    };
    assert_eq!(decide_booking(&none, false).expect_err("no batch").code, ErrorCode::NotFound);
}

#[test]
fn closing_a_booking_needs_a_live_one_before_arrival() {
    let live = LiveBooking {
        id: 4,
        slot_id: 9,
        status: AppointmentStatus::Booked,
    };
    assert_eq!(decide_close(Some(&live), AppointmentStatus::NoShow).ok(), Some(live));
    assert_eq!(
        decide_close(None, AppointmentStatus::Cancelled).expect_err("none").code,
        ErrorCode::NotFound
    );
    let arrived = LiveBooking {
        status: AppointmentStatus::Arrived,
        ..live
    };
    assert_eq!(
        decide_close(Some(&arrived), AppointmentStatus::Cancelled)
            .expect_err("arrived")
            .code,
        ErrorCode::Conflict
    );
    assert_eq!(
        decide_close(Some(&live), AppointmentStatus::Booked)
            .expect_err("not a close")
            .field
            .as_deref(),
        Some("status")
    );
}

// ─────────────── steps ───────────────

fn unit(status: MoveInStatus) -> UnitState {
    UnitState {
        status,
        hold_reason: "业主出国".into(),
        version: 3,
        started_at: None,
        delivered_at: None,
    }
}

#[test]
fn a_step_is_planned_only_when_allowed() {
    use StepKind::*;
    let c = ProcedureConfig::default();
    let u = unit(MoveInStatus::NotStarted);
    assert_eq!(plan_step(&c, &u, &[], Identity).ok(), Some(MoveInStatus::InProgress));
    assert_eq!(
        plan_step(&c, &u, &[Identity], Identity).expect_err("twice").message,
        "“核验身份”已办理，不能重复办理"
    );
    assert_eq!(
        plan_step(&c, &u, &[], Settlement).expect_err("blocked").message,
        "暂不能办理“结清房款及面积差价”：业主身份未核验"
    );
    let e = plan_step(&c, &unit(MoveInStatus::Deferred), &[], Identity).expect_err("held");
    assert!(e.message.contains("暂缓交付（业主出国）"), "{}", e.message);
    let mut off = c.clone();
    off.steps.iter_mut().for_each(|s| s.enabled = s.kind != Inspection);
    assert_eq!(
        plan_step(&off, &u, &[], Inspection).expect_err("disabled").field.as_deref(),
        Some("kind")
    );
    let all_but_last: Vec<StepKind> = StepKind::ALL[..7].to_vec();
    assert_eq!(plan_step(&c, &u, &all_but_last, Inspection).ok(), Some(MoveInStatus::Delivered));
}

#[test]
fn undo_and_hold_give_the_right_status() {
    use StepKind::*;
    let c = ProcedureConfig::default();
    let all = StepKind::ALL.to_vec();
    assert_eq!(
        plan_undo(&c, &unit(MoveInStatus::Delivered), &all, Keys).ok(),
        Some(MoveInStatus::InProgress)
    );
    assert_eq!(
        plan_undo(&c, &unit(MoveInStatus::InProgress), &[Identity], Identity).ok(),
        Some(MoveInStatus::NotStarted)
    );
    assert_eq!(
        plan_undo(&c, &unit(MoveInStatus::Deferred), &[Identity], Identity).ok(),
        Some(MoveInStatus::Deferred)
    );
    assert_eq!(
        plan_undo(&c, &unit(MoveInStatus::InProgress), &[Identity], Keys)
            .expect_err("not done")
            .code,
        ErrorCode::NotFound
    );
    assert_eq!(
        plan_hold(&c, &unit(MoveInStatus::InProgress), &[Identity], Some("x")).ok(),
        Some(MoveInStatus::Deferred)
    );
    assert_eq!(
        plan_hold(&c, &unit(MoveInStatus::Deferred), &[Identity], None).ok(),
        Some(MoveInStatus::InProgress)
    );
    assert_eq!(
        plan_hold(&c, &unit(MoveInStatus::Delivered), &all, Some("x"))
            .expect_err("delivered")
            .message,
        "该房屋已交付，不能暂缓"
    );
    assert_eq!(hold_reason(Some("  ")).expect_err("empty").field.as_deref(), Some("reason"));
    assert_eq!(hold_reason(Some(" 出国 ")).ok(), Some(Some("出国".to_string())));
    assert_eq!(hold_reason(None).ok(), Some(None));
    assert!(undo_reason("").is_err() && undo_reason(&"长".repeat(201)).is_err());
    assert_eq!(undo_reason(" 录错 ").ok().as_deref(), Some("录错"));
}

#[test]
fn the_units_times_follow_its_status() {
    let at = "2026-12-05T10:00:00+08:00";
    let started = unit(MoveInStatus::NotStarted).moved_to(MoveInStatus::InProgress, at);
    assert_eq!((started.started_at.as_deref(), started.delivered_at.as_deref()), (Some(at), None));
    assert_eq!(started.hold_reason, "", "the hold reason goes when the unit is not on hold");
    let done = started.moved_to(MoveInStatus::Delivered, "2026-12-05T11:00:00+08:00");
    assert_eq!(done.started_at.as_deref(), Some(at), "started once");
    assert_eq!(done.delivered_at.as_deref(), Some("2026-12-05T11:00:00+08:00"));
    assert_eq!(done.moved_to(MoveInStatus::InProgress, "later").delivered_at, None, "undone");
    assert_eq!(
        unit(MoveInStatus::Deferred).moved_to(MoveInStatus::Deferred, at).hold_reason,
        "业主出国"
    );
    assert_eq!(
        unit(MoveInStatus::NotStarted).moved_to(MoveInStatus::NotStarted, at).started_at,
        None
    );
    assert_eq!(unit_status_for(MoveInStatus::Delivered), crate::model::UnitStatus::Delivered);
    assert_eq!(unit_status_for(MoveInStatus::InProgress), crate::model::UnitStatus::Sold);
    assert!(check_in(MoveInStatus::Delivered).is_err() && check_in(MoveInStatus::Deferred).is_ok());
}

#[test]
fn a_meter_reading_never_goes_backwards() {
    let reading = |number: &str, r: i64| MeterReading {
        kind: MeterKind::Water,
        number: number.into(),
        reading: Decimal::from(r),
    };
    let previous = vec![("W-1".to_string(), Decimal::from(200)), ("W-1".to_string(), Decimal::from(300))];
    let e = check_meter_readings(&[reading("E-1", 5), reading("W-1", 250)], &previous).expect_err("lower");
    assert_eq!(e.field.as_deref(), Some("readings[1].reading"));
    assert_eq!(e.message, "水表 W-1 的读数 250 低于上次读数 300");
    assert!(check_meter_readings(&[reading("W-1", 300)], &previous).is_ok(), "equal is fine");
    assert!(check_meter_readings(&[reading("W-2", 1)], &previous).is_ok(), "another meter");
}

#[test]
fn a_batch_takes_the_sold_units_of_no_other_batch() {
    let u = |id: i64, sold: bool, in_batch: Option<&str>| SelectedUnit {
        unit_id: id,
        building_name: "1栋".into(),
        number: format!("1-10{id}"),
        sold,
        in_batch: in_batch.map(String::from),
    };
    let m = batch_members(&[u(1, true, None), u(2, false, None), u(3, true, None)]).expect("members");
    assert_eq!((m.unit_ids, m.unsold_skipped), (vec![1, 3], 1));
    let taken: Vec<SelectedUnit> = (1..=7).map(|i| u(i, true, Some("第一批"))).collect();
    let e = batch_members(&taken).expect_err("taken");
    assert_eq!(e.field.as_deref(), Some("selection"));
    assert!(
        e.message.starts_with("7 套房屋已在其他批次：1栋 1-101（第一批）、"),
        "{}",
        e.message
    );
    assert!(
        e.message.ends_with('…') && !e.message.contains("1-106"),
        "five named: {}",
        e.message
    );
    assert_eq!(batch_members(&[u(2, false, None)]).expect_err("unsold").code, ErrorCode::Invalid);
}

// ─────────────── board ───────────────

fn row(key: &str, units: i64, booked: i64, in_progress: i64, delivered: i64, deferred: i64) -> ProgressRow {
    ProgressRow {
        key: key.into(),
        units,
        booked,
        in_progress,
        delivered,
        deferred,
        rate: String::new(),
    }
}

#[test]
fn the_board_totals_the_batches_and_rates_every_row() {
    let counts = BoardCounts {
        by_batch: vec![row("第一批", 8, 6, 2, 3, 1), row("第二批", 4, 1, 0, 0, 0)],
        by_building: vec![row("1栋", 12, 7, 2, 3, 1)],
        arrived_today: 4,
        delivered_today: 2,
        waiting_now: 2,
        visits: vec![
            ("2026-12-05T09:00:00+08:00".into(), "2026-12-05T09:40:00+08:00".into()),
            ("2026-12-05T10:00:00+08:00".into(), "2026-12-05T10:21:00+08:00".into()),
            ("garbled".into(), "2026-12-05T10:21:00+08:00".into()),
        ],
        per_day: vec![("2026-12-05".into(), 2)],
    };
    let b = board(1, None, d(12, 5), counts);
    assert_eq!(
        b.total,
        ProgressRow {
            rate: "25.0".into(),
            ..row("合计", 12, 7, 2, 3, 1)
        }
    );
    assert_eq!(b.by_batch[0].rate, "37.5");
    assert_eq!(b.by_batch[1].rate, "0.0");
    assert_eq!(b.by_building[0].rate, "25.0");
    assert_eq!(
        b.average_minutes,
        Some(30),
        "(40 + 21) / 2, whole minutes; the unreadable visit left out"
    );
    assert_eq!((b.arrived_today, b.delivered_today, b.waiting_now), (4, 2, 2));
    let empty = board(1, Some(2), d(12, 5), BoardCounts::default());
    assert_eq!(
        (empty.total.units, empty.total.rate.as_str(), empty.average_minutes),
        (0, "0.0", None)
    );
}
