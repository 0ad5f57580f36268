//! Races between desks: every rule that desks writing at once could break, each raced by six to
//! eight writers started together at a barrier, each writer a task of its own and so a connection
//! of its own (the store's pool has 10 on PostgreSQL, 4 on a SQLite file; the in-memory store has
//! one, where the writers queue). Each case asserts how many won, the typed refusal every loser
//! got, and that the rows afterwards are the winners' only: nothing lost, nothing twice, one
//! audit line per write that happened.
//!
//! The cases run on in-memory SQLite (`sqlite::`), on a SQLite file with several connections
//! (`sqlite_file::`, where the writers wait for the file's write lock in turn) and on PostgreSQL
//! at READ COMMITTED (`postgres::`, where they really interleave).

use crate::move_in::{batch_input, building, identity, keys, project, refusal, up_to_keys, world, World};
use crate::records::{edit_of, unsold};
use crate::support::*;
use domain::model::{Unit, UnitEdit, UnitStatus};
use domain::move_in::{AppointmentStatus, KeyAction, KeyHolder, KeyInput, StepKind};
use domain::record::{Duplicate, Entity};
use domain::role::Role;
use domain::ErrorCode;
use rust_decimal::Decimal;
use std::future::Future;
use std::sync::Arc;
use store::{Actor, Error, ImportCheck, Store};
use tokio::sync::Barrier;

race_tests!(
    desks_race_for_the_last_places_of_a_slot,
    desks_book_one_unit_into_different_slots_at_once,
    desks_register_one_key_number_at_once,
    desks_hand_over_the_same_key_numbers_at_once,
    desks_lend_one_key_at_once,
    clerks_save_one_unit_version_at_once,
    desks_record_one_step_of_a_unit_at_once,
    clerks_save_one_contract_version_at_once,
    desks_create_one_contract_number_at_once,
    desks_sign_one_unit_at_once,
    desks_sign_for_the_same_new_buyers_at_once,
    an_import_while_desks_write_elsewhere,
    overlapping_imports_at_once,
    first_starts_create_one_admin_at_once,
    admins_demoting_each_other_leave_one,
);

/// Writers per race (the PostgreSQL pool has 10 connections: all of them get one).
const DESKS: usize = 8;

/// Run `n` writers at once: `writer(i)` makes writer `i`'s write, each is spawned on a task of its
/// own and starts when all are ready; the results in writer order.
async fn at_once<T, Fut>(n: usize, mut writer: impl FnMut(usize) -> Fut) -> Vec<T>
where
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let barrier = Arc::new(Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (barrier, write) = (barrier.clone(), writer(i));
            tokio::spawn(async move {
                barrier.wait().await;
                write.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.expect("a writer panicked"));
    }
    out
}

/// Which writers won (by index, with their values), and the losers' errors.
fn winners<T>(results: Vec<Result<T, Error>>) -> (Vec<(usize, T)>, Vec<Error>) {
    let mut won = Vec::new();
    let mut lost = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(v) => won.push((i, v)),
            Err(e) => lost.push(e),
        }
    }
    (won, lost)
}

/// The one winner of a race that exactly one writer must win.
#[track_caller]
fn one_winner<T>(results: Vec<Result<T, Error>>) -> ((usize, T), Vec<Error>) {
    let (mut won, lost) = winners(results);
    assert_eq!(won.len(), 1, "exactly one writer wins; the others failed with {lost:?}");
    (won.remove(0), lost)
}

/// An actor per desk (the audit log tells them apart by the instant).
fn desk(base: &Actor, i: usize) -> Actor {
    actor_at(base, &format!("2026-11-23T10:00:{i:02}+08:00"))
}

/// How many of a record's audit lines have `action`.
async fn audited(store: &Store, entity: &str, id: i64, action: &str) -> usize {
    store
        .audit_for(entity, id)
        .await
        .expect("audit")
        .iter()
        .filter(|l| l.action == action)
        .count()
}

// ─────────────── bookings ───────────────

/// Eight desks book eight units into the last three places of a slot (quota 5, two taken):
/// exactly three get a place, five the full-slot refusal; the counter and the appointments agree.
async fn desks_race_for_the_last_places_of_a_slot(store: Store) {
    let w = world(store, 20, 5).await;
    assert!(w.units.len() >= 2 + DESKS, "{}", w.units.len());
    let slot = w.slots[0].id;
    for u in &w.units[..2] {
        w.store.book(&actor(), *u, slot, "", false).await.expect("book");
    }
    let before = audit_len(&w.store).await;
    let desks: Vec<i64> = w.units[2..2 + DESKS].to_vec();
    let results = at_once(DESKS, |i| {
        let (store, unit) = (w.store.clone(), desks[i]);
        async move { store.book(&desk(&actor(), i), unit, slot, &format!("第{i}台"), false).await }
    })
    .await;
    let (won, lost) = winners(results);
    assert_eq!(
        (won.len(), lost.len()),
        (3, DESKS - 3),
        "the last three places, once each: {lost:?}"
    );
    for e in lost {
        let e = refusal(e);
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("slot_id")));
        assert!(e.message.contains("已约满（5/5）"), "{}", e.message);
    }
    assert_eq!(
        (w.booked(0).await, w.booked(1).await),
        (5, 0),
        "the counter counts every place once"
    );
    assert_eq!(w.store.batch(w.batch_id).await.expect("batch").booked, 5);
    let mut live = 0;
    for (i, unit) in desks.iter().enumerate() {
        let a = w.store.appointments(*unit).await.expect("appointments");
        match won.iter().find(|(d, _)| *d == i) {
            Some((_, id)) => {
                assert_eq!(a.len(), 1, "a winner has its booking");
                assert_eq!((a[0].id, a[0].slot_id, a[0].status), (*id, slot, AppointmentStatus::Booked));
                assert_eq!(a[0].note, format!("第{i}台"));
                live += 1;
            }
            None => assert!(a.is_empty(), "a refused desk wrote no booking: {a:?}"),
        }
    }
    assert_eq!(live + 2, 5, "the appointments listed are the quota");
    assert_eq!(audit_len(&w.store).await, before + 3, "one audit line per booking made");
}

/// A batch of one building over four days (eight slots of two periods), with `quota` places each.
async fn four_day_world(store: Store, units: usize, quota: u32) -> World {
    let (project_id, b) = project(&store, units).await;
    let input = domain::move_in::BatchInput {
        last_day: crate::move_in::day(12, 4),
        ..batch_input(project_id, "四天", building(b), quota)
    };
    let created = store.create_batch(&actor(), &input).await.expect("batch");
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

/// Eight desks book the same unit into eight different slots at once (none a rebooking): one
/// booking is made, the others are refused as a second live booking; one place is taken.
async fn desks_book_one_unit_into_different_slots_at_once(store: Store) {
    let w = four_day_world(store, 10, 3).await;
    assert!(w.slots.len() >= DESKS, "{}", w.slots.len());
    let unit = w.units[0];
    let slots: Vec<i64> = w.slots.iter().map(|s| s.id).take(DESKS).collect();
    let results = at_once(DESKS, |i| {
        let (store, slot) = (w.store.clone(), slots[i]);
        async move { store.book(&desk(&actor(), i), unit, slot, &format!("第{i}台"), false).await }
    })
    .await;
    let ((winner, id), lost) = one_winner(results);
    for e in lost {
        match e {
            // The loser inserted while the winner's booking was not committed yet.
            Error::Duplicate(Duplicate::LiveBooking) => {}
            // The loser read the winner's committed booking.
            other => {
                let e = refusal(other);
                assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("slot_id")));
                assert!(e.message.contains("改约"), "{}", e.message);
            }
        }
    }
    let a = w.store.appointments(unit).await.expect("appointments");
    assert_eq!(a.len(), 1, "one booking, none left behind by a refused desk: {a:?}");
    assert_eq!((a[0].id, a[0].slot_id, a[0].status), (id, slots[winner], AppointmentStatus::Booked));
    assert_eq!(a[0].note, format!("第{winner}台"));
    let booked: Vec<i64> = w.store.slots(w.batch_id).await.expect("slots").iter().map(|s| s.booked).collect();
    assert_eq!(booked.iter().sum::<i64>(), 1, "a refused booking gave its place back: {booked:?}");
    assert_eq!(booked[winner], 1);
    assert_eq!(audited(&w.store, "unit", unit, "book").await, 1);
}

// ─────────────── keys ───────────────

fn public_key(project_id: i64, label: &str) -> KeyInput {
    KeyInput {
        project_id,
        number: "GK-01".into(),
        kind: "机房钥匙".into(),
        unit_id: None,
        label: label.into(),
    }
}

/// Eight desks register the same key number at once: one key is registered, the others are
/// refused as a number already registered.
async fn desks_register_one_key_number_at_once(store: Store) {
    let (project_id, _) = project(&store, 4).await;
    let before = audit_len(&store).await;
    let results = at_once(DESKS, |i| {
        let (store, input) = (store.clone(), public_key(project_id, &format!("第{i}台登记的机房")));
        async move { store.register_key(&desk(&actor(), i), &input).await }
    })
    .await;
    let ((winner, id), lost) = one_winner(results);
    for e in lost {
        assert!(matches!(e, Error::Duplicate(Duplicate::KeyNumber)), "{e:?}");
    }
    let ledger = store.keys(project_id).await.expect("keys");
    assert_eq!(ledger.len(), 1, "{ledger:?}");
    assert_eq!((ledger[0].id, ledger[0].label.clone()), (id, format!("第{winner}台登记的机房")));
    let events: Vec<KeyAction> = store.key_events(id).await.expect("events").iter().map(|e| e.action).collect();
    assert_eq!(events, [KeyAction::Registered]);
    assert_eq!(audit_len(&store).await, before + 1);
}

/// Six desks each hand the same three new key numbers to their own unit at the keys step, each
/// listing them in another order: one unit gets all three, the others are refused (a number
/// registered meanwhile, or one now belonging to another unit) and their step is not written.
/// The orders differ so that desks taking the numbers' locks in different orders would deadlock.
async fn desks_hand_over_the_same_key_numbers_at_once(store: Store) {
    const N: usize = 6;
    let w = world(store, 20, 8).await;
    let units: Vec<i64> = w.units[..N].to_vec();
    let mut versions = Vec::new();
    for (i, u) in units.iter().enumerate() {
        up_to_keys(&w, *u, &format!("W-{i}")).await;
        versions.push(w.version(*u).await);
    }
    let results = at_once(N, |i| {
        let mut numbers = ["MJ-1", "MJ-2", "MJ-3"];
        numbers.rotate_left(i % 3);
        if i % 2 == 1 {
            numbers.reverse();
        }
        let (store, unit, version) = (w.store.clone(), units[i], versions[i]);
        async move { store.do_step(&desk(&actor(), i), unit, version, &keys(&numbers)).await }
    })
    .await;
    let ((winner, ()), lost) = one_winner(results);
    for e in lost {
        match e {
            Error::Duplicate(Duplicate::KeyNumber) => {}
            other => {
                let e = refusal(other);
                assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("keys")), "{}", e.message);
            }
        }
    }
    let ledger = w.store.keys(w.project_id).await.expect("keys");
    assert_eq!(
        ledger.iter().map(|k| (k.number.as_str(), k.unit_id, k.holder)).collect::<Vec<_>>(),
        ["MJ-1", "MJ-2", "MJ-3"].map(|n| (n, Some(units[winner]), KeyHolder::Owner)),
        "every key once, with the winner's owner"
    );
    for k in &ledger {
        let events: Vec<KeyAction> = w.store.key_events(k.id).await.expect("events").iter().map(|e| e.action).collect();
        assert_eq!(events, [KeyAction::Handed]);
    }
    for (i, u) in units.iter().enumerate() {
        let has_keys = w
            .store
            .steps(*u)
            .await
            .expect("steps")
            .iter()
            .any(|s| s.data.kind() == StepKind::Keys);
        assert_eq!(has_keys, i == winner, "unit {i}: only the winner's keys step is written");
        let expected = versions[i] + i64::from(i == winner);
        assert_eq!(w.version(*u).await, expected, "unit {i}: a refused step leaves the version");
    }
}

/// Eight desks lend the same key to eight people at once: it is lent once; the others find it
/// moved (stale) or already out.
async fn desks_lend_one_key_at_once(store: Store) {
    let (project_id, _) = project(&store, 4).await;
    let id = store
        .register_key(&actor(), &public_key(project_id, "1栋 电梯机房"))
        .await
        .expect("register");
    let due = Some(crate::move_in::day(12, 3));
    let results = at_once(DESKS, |i| {
        let store = store.clone();
        async move {
            store
                .move_key(
                    &desk(&actor(), i),
                    id,
                    KeyAction::CheckedOut,
                    &format!("维保师傅{i}"),
                    "电梯维保",
                    due,
                )
                .await
        }
    })
    .await;
    let ((winner, ()), lost) = one_winner(results);
    for e in lost {
        match e {
            Error::Stale(Entity::Key) => {}
            other => assert_eq!(refusal(other).code, ErrorCode::Conflict),
        }
    }
    let k = &store.keys(project_id).await.expect("keys")[0];
    assert_eq!(
        (k.holder, k.out_to.clone(), k.due_back),
        (KeyHolder::Out, format!("维保师傅{winner}"), due)
    );
    let events: Vec<(KeyAction, String)> = store
        .key_events(id)
        .await
        .expect("events")
        .into_iter()
        .map(|e| (e.action, e.person))
        .collect();
    assert_eq!(
        events,
        [
            (KeyAction::CheckedOut, format!("维保师傅{winner}")),
            (KeyAction::Registered, String::new())
        ]
    );
}

// ─────────────── versions ───────────────

/// Eight clerks save the same unit, all from the version they read: one saves, seven are stale;
/// the version moves on once and the log has one line for it.
async fn clerks_save_one_unit_version_at_once(store: Store) {
    let s = with_sample(&store).await;
    let unit = unsold(&store).await.remove(0);
    let before = audit_len(&store).await;
    let results = at_once(DESKS, |i| {
        let store = store.clone();
        let edit = UnitEdit {
            forecast_gross_area: Decimal::new(9_000 + i64::try_from(i).expect("i"), 2),
            ..edit_of(&unit)
        };
        let actor = desk(&s.actor, i);
        async move { store.update_unit(&actor, &edit).await }
    })
    .await;
    let ((winner, after), lost) = one_winner(results);
    for e in lost {
        assert!(matches!(e, Error::Stale(Entity::Unit)), "{e:?}");
    }
    let now: Unit = store.unit(unit.id).await.expect("unit");
    assert_eq!(now, after, "the winner's save, as returned");
    assert_eq!(now.forecast_gross_area, Decimal::new(9_000 + i64::try_from(winner).expect("i"), 2));
    assert_eq!(now.version, unit.version + 1, "one save, one version");
    assert_eq!(audited(&store, "unit", unit.id, "update").await, 1);
    assert_eq!(audit_len(&store).await, before + 1);
}

/// Eight desks record the same step of one unit from the version they loaded: it is recorded
/// once, seven are refused (stale, or the step already done).
async fn desks_record_one_step_of_a_unit_at_once(store: Store) {
    let w = world(store, 10, 2).await;
    let unit = w.units[0];
    let version = w.version(unit).await;
    let results = at_once(DESKS, |i| {
        let store = w.store.clone();
        async move { store.do_step(&desk(&actor(), i), unit, version, &identity()).await }
    })
    .await;
    let ((winner, ()), lost) = one_winner(results);
    for e in lost {
        match e {
            Error::Stale(Entity::MoveInUnit) => {}
            // On PostgreSQL a loser may read the unit before the winner commits and its steps
            // after (each statement sees what was committed before it): the rule then refuses
            // the step as done. Either way nothing is written (the version is checked on write).
            other => {
                let e = refused(other, ErrorCode::Conflict, None);
                assert!(e.message.contains("已办理"), "{}", e.message);
            }
        }
    }
    let steps = w.store.steps(unit).await.expect("steps");
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert_eq!(steps[0].done_at, desk(&actor(), winner).at);
    assert_eq!(w.version(unit).await, version + 1);
    assert_eq!(audited(&w.store, "unit", unit, "move_in_step").await, 1);
}

/// Eight clerks save the same version of a contract at once: one wins whole, seven are stale.
async fn clerks_save_one_contract_version_at_once(store: Store) {
    let s = with_sample(&store).await;
    let (id, c) = s.first_contract(&store).await;
    let results = at_once(DESKS, |i| {
        let store = store.clone();
        let mut edit = c.to_input();
        edit.total_price = Decimal::new(1_000_000 + i64::try_from(i).expect("i"), 0);
        let (actor, version) = (desk(&s.actor, i), c.version);
        async move { store.update_contract(&actor, id, version, &edit).await.map(|()| edit) }
    })
    .await;
    let ((_, edit), lost) = one_winner(results);
    for e in lost {
        assert!(matches!(e, Error::Stale(Entity::Contract)), "{e:?}");
    }
    let now = store.contract(id).await.expect("contract");
    assert_eq!(now.to_input(), edit, "the winner's edit, whole");
    assert_eq!(now.parties.len(), c.parties.len(), "the parties once, not once per desk");
    assert_eq!(now.version, c.version + 1, "one save, one version");
    assert_eq!(audited(&store, "contract", id, "update").await, 1);
}

// ─────────────── contracts ───────────────

/// Eight desks create contracts with the same number on eight units at once: exactly one is
/// written and sells its unit; the others are refused on the number and write nothing.
async fn desks_create_one_contract_number_at_once(store: Store) {
    let s = with_sample(&store).await;
    let free: Vec<Unit> = unsold(&store).await.into_iter().take(DESKS).collect();
    let before = audit_len(&store).await;
    let results = at_once(DESKS, |i| {
        let store = store.clone();
        let input = contract_input("XS-RACE-1", free[i].id, &[(buyer(100 + i as u64, "欧阳娜"), 100)]);
        let actor = desk(&s.actor, i);
        async move { store.create_contract(&actor, &input).await }
    })
    .await;
    let ((winner, id), lost) = one_winner(results);
    for e in lost {
        match e {
            Error::Duplicate(Duplicate::ContractNumber) => {}
            other => {
                refused(other, ErrorCode::Conflict, Some("number"));
            }
        }
    }
    assert_eq!(store.contract_id_by_number("XS-RACE-1").await.expect("lookup"), Some(id));
    assert_eq!(store.contract(id).await.expect("winner").unit_id, free[winner].id);
    for (i, unit) in free.iter().enumerate() {
        let now = store.unit(unit.id).await.expect("unit");
        let sold = i == winner;
        assert_eq!(now.status, if sold { UnitStatus::Sold } else { UnitStatus::Available });
        assert_eq!(now.version, unit.version + i64::from(sold));
        assert_eq!(store.contracts_of_unit(unit.id).await.expect("contracts").len(), usize::from(sold));
    }
    assert_eq!(audit_len(&store).await, before + 1, "only the winner is audited");
}

/// Eight desks sign the same unsold unit at once, each with its own number: one live contract.
async fn desks_sign_one_unit_at_once(store: Store) {
    let s = with_sample(&store).await;
    let unit = unsold(&store).await.remove(0);
    let before = audit_len(&store).await;
    let results = at_once(DESKS, |i| {
        let store = store.clone();
        let input = contract_input(&format!("XS-UNIT-{i}"), unit.id, &[(buyer(200 + i as u64, "司马光"), 100)]);
        let actor = desk(&s.actor, i);
        async move { store.create_contract(&actor, &input).await }
    })
    .await;
    let ((winner, id), lost) = one_winner(results);
    for e in lost {
        match e {
            Error::Duplicate(Duplicate::LiveContract) => {}
            other => {
                let a = refused(other, ErrorCode::Conflict, Some("unit_id"));
                assert!(a.message.contains(&format!("XS-UNIT-{winner}")), "{}", a.message);
            }
        }
    }
    let contracts = store.contracts_of_unit(unit.id).await.expect("contracts");
    assert_eq!(
        contracts.iter().map(|c| (c.id, c.number.clone())).collect::<Vec<_>>(),
        [(id, format!("XS-UNIT-{winner}"))]
    );
    for i in (0..DESKS).filter(|i| *i != winner) {
        assert_eq!(store.contract_id_by_number(&format!("XS-UNIT-{i}")).await.expect("lookup"), None);
    }
    let now = store.unit(unit.id).await.expect("unit");
    assert_eq!((now.status, now.version), (UnitStatus::Sold, unit.version + 1));
    assert_eq!(audit_len(&store).await, before + 1);
}

/// Eight desks sign eight units at once for the same two new buyers (a couple buying several
/// units), listed in either order: every contract is written, and each buyer is stored once.
async fn desks_sign_for_the_same_new_buyers_at_once(store: Store) {
    let s = with_sample(&store).await;
    let free: Vec<Unit> = unsold(&store).await.into_iter().take(DESKS).collect();
    let (husband, wife) = (buyer(300, "诸葛亮"), buyer(301, "黄月英"));
    let before = audit_len(&store).await;
    let results = at_once(DESKS, |i| {
        let store = store.clone();
        let parties = if i % 2 == 0 {
            [(husband.clone(), 50), (wife.clone(), 50)]
        } else {
            [(wife.clone(), 50), (husband.clone(), 50)]
        };
        let input = contract_input(&format!("XS-PAIR-{i}"), free[i].id, &parties);
        let actor = desk(&s.actor, i);
        async move { store.create_contract(&actor, &input).await }
    })
    .await;
    let (won, lost) = winners(results);
    assert!(lost.is_empty(), "every contract is written: {lost:?}");
    let mut buyer_ids = std::collections::BTreeSet::new();
    for (i, id) in won {
        let c = store.contract(id).await.expect("contract");
        assert_eq!((c.number, c.unit_id), (format!("XS-PAIR-{i}"), free[i].id));
        let names: Vec<&str> = c.parties.iter().map(|p| p.buyer.name.as_str()).collect();
        assert_eq!(
            names,
            if i % 2 == 0 {
                ["诸葛亮", "黄月英"]
            } else {
                ["黄月英", "诸葛亮"]
            },
            "the parties in the form's order"
        );
        buyer_ids.extend(c.parties.iter().map(|p| p.buyer.id));
    }
    assert_eq!(buyer_ids.len(), 2, "each buyer stored once: {buyer_ids:?}");
    assert_eq!(
        audit_len(&store).await,
        before + DESKS,
        "one line per contract (the buyers are unchanged)"
    );
}

// ─────────────── imports ───────────────

/// What a desk or the import did in [`an_import_while_desks_write_elsewhere`].
#[derive(Debug)]
enum Done {
    /// Written: its units and contracts.
    Imported(i64, i64),
    Wrote,
}

/// One import of a new project while seven desks write on the sample project at the same time
/// (three contracts, two unit edits, two bookings): every desk write is kept, and the import is
/// written whole (its project holds exactly the plan's units and contracts).
async fn an_import_while_desks_write_elsewhere(store: Store) {
    let s = with_sample(&store).await;
    let sample_project = store.projects().await.expect("projects")[0].id;
    let b1 = store.buildings(sample_project).await.expect("buildings")[0].id;
    let batch = store
        .create_batch(&s.actor, &batch_input(sample_project, "第一批", building(b1), 5))
        .await
        .expect("batch")
        .batch_id;
    let slot = store.slots(batch).await.expect("slots")[0].id;
    let booked: Vec<i64> = store
        .batch_units(batch)
        .await
        .expect("units")
        .iter()
        .take(2)
        .map(|(u, _)| u.unit_id)
        .collect();
    let free: Vec<Unit> = unsold(&store).await.into_iter().take(5).collect();
    let second = plan("二期", 40, "EQ");
    let before = audit_len(&store).await;
    let results = at_once(DESKS, |i| {
        let store = store.clone();
        let actor = desk(&s.actor, i);
        let second = second.clone();
        let free = free.clone();
        let booked = booked.clone();
        async move {
            match i {
                0 => match store.apply_import(&actor, "二期-房源表.xlsx", &second).await? {
                    ImportCheck::Written { units, contracts, .. } => Ok(Done::Imported(units, contracts)),
                    ImportCheck::Refused(rows) => panic!("the import was refused: {} rows", rows.len()),
                },
                1..=3 => {
                    let input = contract_input(&format!("XS-DESK-{i}"), free[i - 1].id, &[(buyer(400 + i as u64, "欧阳修"), 100)]);
                    store.create_contract(&actor, &input).await.map(|_| Done::Wrote)
                }
                4 | 5 => store.update_unit(&actor, &edit_of(&free[i - 1])).await.map(|_| Done::Wrote),
                _ => store.book(&actor, booked[i - 6], slot, "", false).await.map(|_| Done::Wrote),
            }
        }
    })
    .await;
    let (won, lost) = winners(results);
    assert!(lost.is_empty(), "every write is kept: {lost:?}");
    let (units, contracts) = (second.units.len(), second.contracts.len());
    match &won[0].1 {
        Done::Imported(u, c) => {
            assert_eq!((*u, *c), (i64::try_from(units).expect("n"), i64::try_from(contracts).expect("n")));
        }
        other => panic!("the import was not written: {other:?}"),
    }
    // The import, whole: its project holds exactly the plan's rows.
    let rows = all_units(&store).await;
    let of = |project: &'static str| rows.iter().filter(move |(u, _, _)| u.project_name == project);
    assert_eq!(of("二期").count(), units);
    assert_eq!(of("二期").filter(|(_, c, _)| c.is_some()).count(), contracts);
    assert!(of("二期").all(|(_, c, _)| c.as_deref().is_none_or(|n| n.starts_with("EQ"))));
    assert_eq!(of(PROJECT).count(), SAMPLE_UNITS, "the sample project is untouched by the import");
    // The desks' writes, each once.
    for (i, unit) in free.iter().enumerate() {
        let now = store.unit(unit.id).await.expect("unit");
        assert_eq!(now.version, unit.version + 1, "unit {i} written once");
        if i < 3 {
            let id = store.contract_id_by_number(&format!("XS-DESK-{}", i + 1)).await.expect("lookup");
            assert_eq!(
                store.contract(id.expect("the desk's contract")).await.expect("contract").unit_id,
                unit.id
            );
            assert_eq!(now.status, UnitStatus::Sold);
        } else {
            assert_eq!(now.status, UnitStatus::Withheld, "the desk's edit");
        }
    }
    assert_eq!(store.slots(batch).await.expect("slots")[0].booked, 2);
    for u in &booked {
        assert_eq!(store.appointments(*u).await.expect("appointments").len(), 1);
    }
    assert_eq!(store.imports().await.expect("imports").len(), 2);
    assert_eq!(
        audit_len(&store).await,
        before + units + contracts + 1 + (DESKS - 1),
        "the import's lines (units, contracts, itself) and one per desk write"
    );
}

/// Six imports of overlapping plans (the same project's first units, 10 to 20 of them, each with
/// its own contract numbers) at once: exactly one is written, the others are refused, and no
/// partial rows of a refused one remain.
async fn overlapping_imports_at_once(store: Store) {
    const N: usize = 6;
    let a = admin(&store).await;
    let plans: Vec<_> = (0..N)
        .map(|i| plan("二期", 10 + 2 * i, &format!("Q{}", char::from(b'A' + u8::try_from(i).expect("i")))))
        .collect();
    let before = audit_len(&store).await;
    let results = at_once(N, |i| {
        let (store, plan, actor) = (store.clone(), plans[i].clone(), desk(&a, i));
        async move {
            match store.apply_import(&actor, &format!("第{i}份.xlsx"), &plan).await {
                Ok(ImportCheck::Written { import_id, .. }) => Ok(import_id),
                Ok(ImportCheck::Refused(rows)) => {
                    assert!(!rows.is_empty(), "a refusal names its rows");
                    Err(Error::Refused(domain::AppError::conflict_on(
                        "rows",
                        format!("{} rows", rows.len()),
                    )))
                }
                // A collision found by a unique index instead of the check: still all or nothing.
                Err(e @ Error::Duplicate(_)) => Err(e),
                Err(e) => panic!("import {i}: {e:?}"),
            }
        }
    })
    .await;
    let ((winner, import_id), lost) = one_winner(results);
    assert_eq!(lost.len(), N - 1);
    let p = &plans[winner];
    let rows = all_units(&store).await;
    assert_eq!(rows.len(), p.units.len(), "the winner's units only");
    let numbers: Vec<&str> = rows.iter().filter_map(|(_, c, _)| c.as_deref()).collect();
    assert_eq!(numbers.len(), p.contracts.len(), "the winner's contracts only");
    let prefix = format!("Q{}", char::from(b'A' + u8::try_from(winner).expect("i")));
    assert!(numbers.iter().all(|n| n.starts_with(&prefix)), "{numbers:?}");
    let imports = store.imports().await.expect("imports");
    assert_eq!(
        imports.iter().map(|r| (r.id, r.file_name.clone())).collect::<Vec<_>>(),
        [(import_id, format!("第{winner}份.xlsx"))]
    );
    assert_eq!(store.projects().await.expect("projects").len(), 1);
    assert_eq!(audit_len(&store).await, before + p.units.len() + p.contracts.len() + 1);
}

// ─────────────── users ───────────────

/// Eight windows at first start create the administrator at once: exactly one is created.
async fn first_starts_create_one_admin_at_once(store: Store) {
    let results = at_once(DESKS, |i| {
        let store = store.clone();
        async move {
            store
                .create_user(&desk(&actor(), i), &new_user(&format!("admin_{i}"), Role::Admin), true)
                .await
        }
    })
    .await;
    let ((winner, user), lost) = one_winner(results);
    for e in lost {
        refused(e, ErrorCode::Conflict, None);
    }
    assert_eq!(user.username, format!("admin_{winner}"));
    assert_eq!(store.users().await.expect("users"), [user]);
    assert_eq!(audit_len(&store).await, 1);
}

/// Eight administrators each demote (or deactivate) the next one at once: seven changes are made
/// and the last is refused, so one active administrator remains.
async fn admins_demoting_each_other_leave_one(store: Store) {
    let first = admin(&store).await;
    let mut admins = vec![first.clone()];
    for i in 1..DESKS {
        let u = store
            .create_user(&first, &new_user(&format!("admin{i}"), Role::Admin), false)
            .await
            .expect("admin");
        admins.push(Actor {
            user_id: Some(u.id),
            username: u.username,
            ..desk(&first, i)
        });
    }
    let before = audit_len(&store).await;
    let results = at_once(DESKS, |i| {
        let (store, by) = (store.clone(), admins[i].clone());
        let target = admins[(i + 1) % DESKS].user_id.expect("id");
        // Half of them demote, half deactivate: either takes an administrator away.
        let (role, active) = if i % 2 == 0 { (Role::Clerk, true) } else { (Role::Admin, false) };
        async move { store.update_user(&by, target, role, active, None).await }
    })
    .await;
    let (won, lost) = winners(results);
    assert_eq!((won.len(), lost.len()), (DESKS - 1, 1), "all but the last change: {lost:?}");
    for e in lost {
        refused(e, ErrorCode::Conflict, None);
    }
    let users = store.users().await.expect("users");
    let active_admins: Vec<&str> = users
        .iter()
        .filter(|u| u.role == Role::Admin && u.active)
        .map(|u| u.username.as_str())
        .collect();
    assert_eq!(active_admins.len(), 1, "one active administrator remains: {users:?}");
    assert_eq!(audit_len(&store).await, before + DESKS - 1);
}
