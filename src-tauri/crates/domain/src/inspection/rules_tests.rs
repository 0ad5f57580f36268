//! The rules moved out of the store: the overdue policy, the list filter, the scorecards and
//! their rounding, workflow steps, completion, and parties.

use super::*;
use crate::ErrorCode;
use chrono::NaiveDate;
use DefectStatus as S;

fn day(d: &str) -> NaiveDate {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("date")
}

#[test]
fn the_overdue_policy() {
    let deadline = day("2026-11-30");
    let today = day("2026-12-03");
    // Open past its deadline: overdue, by whole days.
    for s in [S::Pending, S::InProgress, S::AwaitingReinspection, S::Disputed] {
        assert_eq!(overdue_days(s, deadline, today), 3, "{s:?}");
        assert!(counts_overdue(s, deadline, None, today), "{s:?}");
    }
    // Open on its deadline day or before: not yet.
    assert_eq!(overdue_days(S::InProgress, deadline, deadline), 0);
    assert!(!counts_overdue(S::InProgress, deadline, None, deadline));
    assert!(!counts_overdue(S::Pending, deadline, None, day("2026-11-23")));
    // Closed after its deadline: counted overdue, but no days run on a closed defect.
    assert_eq!(overdue_days(S::Closed, deadline, today), 0);
    assert!(counts_overdue(S::Closed, deadline, Some(day("2026-12-01")), today));
    // Closed on or before its deadline: not overdue, however late it is now.
    assert!(!counts_overdue(S::Closed, deadline, Some(deadline), today));
    assert!(!counts_overdue(S::Closed, deadline, Some(day("2026-11-25")), today));
    assert!(!counts_overdue(S::Closed, deadline, None, today), "no closing time recorded");
    // Void: never, even when voided late.
    assert_eq!(overdue_days(S::Void, deadline, today), 0);
    assert!(!counts_overdue(S::Void, deadline, Some(day("2026-12-02")), today));
}

#[test]
fn stored_instants_give_their_office_day_and_whole_minutes() {
    assert_eq!(day_of("2026-12-01T23:30:00+08:00"), Some(day("2026-12-01")));
    assert_eq!(day_of("garbage"), None);
    assert_eq!(day_of(""), None);
    let raised = "2026-11-23T10:00:00+08:00";
    assert_eq!(whole_minutes(raised, "2026-11-23T10:00:29+08:00"), Some(0));
    assert_eq!(
        whole_minutes(raised, "2026-11-23T10:00:30+08:00"),
        Some(1),
        "a half minute rounds up"
    );
    assert_eq!(whole_minutes(raised, "2026-12-20T10:00:00+08:00"), Some(27 * 1440));
    assert_eq!(whole_minutes(raised, "2026-11-23T02:30:00Z"), Some(30), "offsets count");
    assert_eq!(whole_minutes(raised, "soon"), None);
}

#[test]
fn averages_and_rates_round_to_one_place_half_away_from_zero() {
    assert_eq!(percent(1, 3), "33.3");
    assert_eq!(percent(2, 3), "66.7");
    assert_eq!(percent(1, 8), "12.5");
    assert_eq!(percent(1, 16), "6.3", "6.25 rounds up");
    assert_eq!(percent(0, 0), "0.0");
    assert_eq!(average_days(0, 0), None);
    assert_eq!(average_days(27 * 1440, 1).as_deref(), Some("27.0"));
    // 1.25 days (1,800 minutes) and 1.24 days.
    assert_eq!(average_days(1800, 1).as_deref(), Some("1.3"));
    assert_eq!(average_days(1786, 1).as_deref(), Some("1.2"));
    assert_eq!(average_days(1440 + 2880, 2).as_deref(), Some("1.5"));
}

fn fact(party: &str, status: S, deadline: &str) -> ScoreFacts {
    ScoreFacts {
        party: party.into(),
        status,
        deadline: day(deadline),
        raised_at: "2026-11-23T10:00:00+08:00".into(),
        fixed_at: None,
        closed_at: None,
        reopened: 0,
    }
}

#[test]
fn scorecards_count_per_party_by_the_policy() {
    let today = day("2026-12-03");
    let facts = vec![
        // 总包: closed late (fixed after 2 days), closed on time (fixed after 1 day, once returned),
        // open past its deadline, open before it, and a void one left out.
        ScoreFacts {
            fixed_at: Some("2026-11-25T10:00:00+08:00".into()),
            closed_at: Some("2026-12-01T09:00:00+08:00".into()),
            ..fact("总包", S::Closed, "2026-11-30")
        },
        ScoreFacts {
            fixed_at: Some("2026-11-24T10:00:00+08:00".into()),
            closed_at: Some("2026-11-24T15:00:00+08:00".into()),
            reopened: 1,
            ..fact("总包", S::Closed, "2026-11-30")
        },
        fact("总包", S::InProgress, "2026-12-01"),
        fact("总包", S::Pending, "2026-12-10"),
        ScoreFacts {
            closed_at: Some("2026-12-02T09:00:00+08:00".into()),
            ..fact("总包", S::Void, "2026-11-24")
        },
        // 精装: only void defects: no card.
        fact("精装", S::Void, "2026-11-24"),
        // 分包: fixed, awaiting re-inspection, returned twice.
        ScoreFacts {
            fixed_at: Some("2026-11-23T16:00:00+08:00".into()),
            reopened: 2,
            ..fact("分包", S::AwaitingReinspection, "2026-12-30")
        },
    ];
    let cards = scorecards(&facts, today);
    assert_eq!(
        cards.iter().map(|c| c.party.as_str()).collect::<Vec<_>>(),
        ["分包", "总包"],
        "by name"
    );
    let zb = &cards[1];
    assert_eq!((zb.total, zb.open, zb.closed, zb.overdue), (4, 2, 2, 2));
    assert_eq!(zb.overdue_rate, "50.0");
    assert_eq!(zb.reopen_rate, "25.0");
    assert_eq!(zb.average_days_to_fix.as_deref(), Some("1.5"), "(2 + 1) / 2 days");
    let fb = &cards[0];
    assert_eq!((fb.total, fb.open, fb.closed, fb.overdue), (1, 1, 0, 0));
    assert_eq!((fb.reopen_rate.as_str(), fb.average_days_to_fix.as_deref()), ("100.0", Some("0.3")));
    assert!(scorecards(&[], today).is_empty());
}

#[test]
fn the_list_filter_says_open_and_overdue_in_statuses_and_days() {
    let today = day("2026-12-03");
    let q = DefectQuery {
        project_id: 7,
        ..Default::default()
    };
    let f = q.filter(today);
    assert_eq!((f.statuses, f.deadline_before, f.limit), (None, None, DEFAULT_DEFECT_LIMIT));
    let open = DefectQuery {
        open_only: true,
        limit: Some(0),
        ..q.clone()
    }
    .filter(today);
    assert_eq!(
        open.statuses,
        Some(vec![S::Pending, S::InProgress, S::AwaitingReinspection, S::Disputed])
    );
    assert_eq!(open.limit, 1, "at least one row");
    let overdue = DefectQuery {
        overdue_only: true,
        limit: Some(1_000_000),
        ..q.clone()
    }
    .filter(today);
    assert_eq!(overdue.statuses, open.statuses, "overdue implies open");
    assert_eq!((overdue.deadline_before, overdue.limit), (Some(today), MAX_DEFECT_LIMIT));
    let closed_and_open = DefectQuery {
        status: Some(S::Closed),
        open_only: true,
        ..q.clone()
    }
    .filter(today);
    assert_eq!(closed_and_open.statuses, Some(vec![]), "matches nothing");
    let one = DefectQuery {
        status: Some(S::Closed),
        ..q
    }
    .filter(today);
    assert_eq!(one.statuses, Some(vec![S::Closed]));
}

#[test]
fn a_record_viewed_on_a_day_has_its_overdue_days_and_actions() {
    let r = DefectRecord {
        id: 1,
        unit_id: 2,
        unit_label: "1栋 101".into(),
        inspection_id: 3,
        room: "客厅".into(),
        item: "墙面".into(),
        category: ["土建".into(), "墙面".into(), "空鼓".into()],
        severity: Severity::Normal,
        party: "总包".into(),
        deadline: day("2026-11-30"),
        description: "空鼓".into(),
        pin: None,
        status: S::Pending,
        raised_at: "2026-11-23T10:00:00+08:00".into(),
        raised_by: "e".into(),
        fixed_by: None,
        fixed_at: None,
        closed_at: None,
        reopened: 0,
        photos: vec![],
        version: 1,
    };
    let v = r.clone().view(day("2026-12-12"));
    assert_eq!(v.overdue_days, 12);
    assert_eq!(v.actions, [DefectAction::Assign, DefectAction::Dispute, DefectAction::Void]);
    assert_eq!(r.clone().view(day("2026-11-29")).overdue_days, 0);
    let closed = DefectRecord { status: S::Closed, ..r }.view(day("2026-12-12"));
    assert_eq!((closed.overdue_days, closed.actions.len()), (0, 0));
}

#[test]
fn a_step_records_what_its_action_means() {
    let me = Actor {
        username: "fitter",
        manager: false,
    };
    let s = step(S::InProgress, DefectAction::MarkFixed, &me, None, " ").expect("fixed");
    assert_eq!(
        (s.to, s.records_fixer, s.closes, s.returns),
        (S::AwaitingReinspection, true, false, false)
    );
    let s = step(S::AwaitingReinspection, DefectAction::Reject, &me, Some("x"), " 仍有空鼓 ").expect("returned");
    assert_eq!(
        (s.to, s.reason.as_str(), s.records_fixer, s.closes, s.returns),
        (S::InProgress, "仍有空鼓", false, false, true)
    );
    let s = step(S::AwaitingReinspection, DefectAction::Close, &me, Some("x"), "").expect("closed");
    assert!(s.closes && !s.returns && !s.records_fixer);
    let pm = Actor {
        username: "pm",
        manager: true,
    };
    assert!(step(S::Pending, DefectAction::Void, &pm, None, "重复").expect("void").closes);
    assert!(!step(S::Disputed, DefectAction::Uphold, &pm, None, "继续").expect("uphold").closes);
    let long = "长".repeat(MAX_REASON_CHARS + 1);
    let e = step(S::AwaitingReinspection, DefectAction::Reject, &me, None, &long).expect_err("long");
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Invalid, Some("reason")));
    let e = step(S::Pending, DefectAction::Close, &me, None, "").expect_err("not allowed");
    assert_eq!(e.code, ErrorCode::Conflict);
}

fn inspection(items: Vec<ChecklistItem>) -> Inspection {
    Inspection {
        id: 9,
        unit_id: 2,
        unit_label: "1栋 101".into(),
        kind: InspectionKind::Owner,
        template_id: 1,
        template_version: 1,
        items,
        outcomes: vec![],
        meters: vec![],
        remarks: String::new(),
        inspector: "e".into(),
        started_at: "2026-11-23T10:00:00+08:00".into(),
        completed_at: None,
        has_signature: false,
        version: 1,
        defects: vec![],
    }
}

#[test]
fn an_inspection_completes_when_every_item_is_checked_and_every_failure_raised() {
    let items: Vec<ChecklistItem> = default_items().into_iter().take(2).collect();
    let mut i = inspection(items.clone());
    let e = i.check_complete().expect_err("unchecked");
    assert!(e.message.contains("尚未检查"), "{}", e.message);
    i.outcomes = items
        .iter()
        .enumerate()
        .map(|(n, it)| ItemOutcome {
            room: it.room.clone(),
            item: it.item.clone(),
            result: if n == 0 { ItemResult::Fail } else { ItemResult::Pass },
            note: String::new(),
        })
        .collect();
    let e = i.check_complete().expect_err("failed without defect");
    assert!(e.message.contains("请登记整改单"), "{}", e.message);
    let d = DefectRecord {
        id: 5,
        unit_id: 2,
        unit_label: String::new(),
        inspection_id: 9,
        room: items[0].room.clone(),
        item: items[0].item.clone(),
        category: Default::default(),
        severity: Severity::Minor,
        party: "总包".into(),
        deadline: day("2026-12-08"),
        description: "x".into(),
        pin: None,
        status: S::Pending,
        raised_at: String::new(),
        raised_by: String::new(),
        fixed_by: None,
        fixed_at: None,
        closed_at: None,
        reopened: 0,
        photos: vec![],
        version: 1,
    };
    i.defects = vec![d.view(day("2026-11-23"))];
    assert_eq!(i.check_complete(), Ok(()));
    assert_eq!(i.step_note(), "业主验房完成：1 项合格，1 项不合格，整改单 1 张（验房记录 #9）");
    assert_eq!(i.checklist_item(" 客厅 ", "门窗").map(|t| t.item.as_str()), Ok("门窗"));
    assert_eq!(
        i.checklist_item("车库", "门窗").expect_err("not listed").field.as_deref(),
        Some("item")
    );
    assert_eq!(i.may_raise_defects(), Ok(()));
    i.completed_at = Some("2026-11-23T11:00:00+08:00".into());
    assert_eq!(i.may_raise_defects().expect_err("completed").code, ErrorCode::Conflict);
    assert_eq!(completed_refusal().code, ErrorCode::Conflict);
    let e = open_defect_refusal("客厅", "墙面");
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("item")));
    assert!(e.message.contains("客厅 / 墙面"));
}

#[test]
fn parties_are_trimmed_unique_and_not_empty() {
    let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(validate_parties(&list(&[" 总包 ", "监理"])), Ok(list(&["总包", "监理"])));
    for bad in [list(&[]), list(&["总包", "总包 "]), list(&[" "]), list(&[&"长".repeat(21)])] {
        assert_eq!(
            validate_parties(&bad).expect_err("bad").field.as_deref(),
            Some("parties"),
            "{bad:?}"
        );
    }
    assert_eq!(parties_in_force(vec![]), default_parties());
    assert_eq!(parties_in_force(list(&["监理"])), list(&["监理"]));
}
