use super::*;
use crate::ErrorCode;
use chrono::NaiveDate;
use DefectAction as A;
use DefectStatus as S;

const ENGINEER: Actor<'static> = Actor {
    username: "engineer",
    manager: false,
};
const MANAGER: Actor<'static> = Actor {
    username: "pm",
    manager: true,
};

/// Every (status, action) pair: the allowed ones and where they lead; everything else refused.
#[test]
fn every_transition_is_allowed_or_refused_as_the_workflow_says() {
    let allowed: &[(S, A, S)] = &[
        (S::Pending, A::Assign, S::InProgress),
        (S::InProgress, A::MarkFixed, S::AwaitingReinspection),
        (S::AwaitingReinspection, A::Close, S::Closed),
        (S::AwaitingReinspection, A::Reject, S::InProgress),
        (S::Pending, A::Dispute, S::Disputed),
        (S::InProgress, A::Dispute, S::Disputed),
        (S::AwaitingReinspection, A::Dispute, S::Disputed),
        (S::Disputed, A::Uphold, S::InProgress),
        (S::Disputed, A::Dismiss, S::Closed),
        (S::Pending, A::Void, S::Void),
        (S::InProgress, A::Void, S::Void),
        (S::AwaitingReinspection, A::Void, S::Void),
        (S::Disputed, A::Void, S::Void),
    ];
    let mut checked = 0;
    for from in S::ALL {
        for action in DefectAction::ALL {
            let expect = allowed.iter().find(|(f, a, _)| f == from && a == action).map(|(_, _, to)| *to);
            let got = transition(*from, *action, &MANAGER, Some("someone else"), "原因");
            match expect {
                Some(to) => assert_eq!(got.expect("allowed"), to, "{from:?} {action:?}"),
                None => assert_eq!(got.expect_err("refused").code, ErrorCode::Conflict, "{from:?} {action:?}"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 6 * 8);
}

#[test]
fn the_fixer_cannot_close_their_own_fix() {
    let e = transition(S::AwaitingReinspection, A::Close, &ENGINEER, Some("engineer"), "").expect_err("four eyes");
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("不能自己复验关闭"));
    assert_eq!(
        transition(S::AwaitingReinspection, A::Close, &ENGINEER, Some("fitter"), ""),
        Ok(S::Closed)
    );
}

#[test]
fn decisions_and_voids_are_for_managers_with_reasons() {
    for a in [A::Uphold, A::Dismiss] {
        assert_eq!(
            transition(S::Disputed, a, &ENGINEER, None, "业主同意").expect_err("manager").code,
            ErrorCode::Forbidden
        );
    }
    assert_eq!(
        transition(S::Pending, A::Void, &ENGINEER, None, "重复").expect_err("manager").code,
        ErrorCode::Forbidden
    );
    for a in [A::Reject, A::Dispute, A::Void] {
        let e = transition(S::AwaitingReinspection, a, &MANAGER, None, "  ").expect_err("reason");
        assert_eq!(e.field.as_deref(), Some("reason"), "{a:?}");
    }
    assert_eq!(
        transition(S::Pending, A::Assign, &ENGINEER, None, ""),
        Ok(S::InProgress),
        "assigning needs no reason"
    );
}

#[test]
fn templates_refuse_duplicates_and_empty_fields() {
    let mut t = TemplateInput {
        project_id: 1,
        unit_type: "住宅".into(),
        items: default_items(),
    };
    assert_eq!(t.validate().expect("default").items.len(), 25, "5 + 5 + 6 + 6 + 3 lines");
    t.items.push(t.items[0].clone());
    assert_eq!(t.validate().expect_err("dup").field.as_deref(), Some("items[25].item"));
    t.items.pop();
    t.items[3].room = " ".into();
    assert_eq!(t.validate().expect_err("room").field.as_deref(), Some("items[3].room"));
    t.items.clear();
    assert_eq!(t.validate().expect_err("empty").field.as_deref(), Some("items"));
}

fn input() -> DefectInput {
    DefectInput {
        inspection_id: 1,
        room: "客厅".into(),
        item: "墙面".into(),
        category: ["土建".into(), "墙面".into(), "空鼓".into()],
        severity: Severity::Normal,
        party: "总包".into(),
        deadline: None,
        description: "客厅东墙空鼓约 0.3 ㎡".into(),
        pin: Some((40, 60)),
        photos: vec![crate::image::Upload {
            file_name: "a.jpg".into(),
            data_base64: String::new(),
        }],
    }
}

#[test]
fn defects_get_a_deadline_from_severity_and_refuse_bad_input() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("d");
    let item = default_items()
        .into_iter()
        .find(|i| i.room == "客厅" && i.item == "墙面")
        .expect("item");
    let parties = default_parties();
    let d = input().validate(today, &parties, &item).expect("valid");
    assert_eq!(d.deadline, NaiveDate::from_ymd_opt(2026, 11, 30), "一般: 7 days");
    let cases: Vec<(DefectInput, &str)> = vec![
        (DefectInput { photos: vec![], ..input() }, "photos"),
        (
            DefectInput {
                party: "监理".into(),
                ..input()
            },
            "party",
        ),
        (
            DefectInput {
                deadline: NaiveDate::from_ymd_opt(2026, 11, 22),
                ..input()
            },
            "deadline",
        ),
        (
            DefectInput {
                description: " ".into(),
                ..input()
            },
            "description",
        ),
        (
            DefectInput {
                category: ["土建".into(), "".into(), "空鼓".into()],
                ..input()
            },
            "category",
        ),
        (
            DefectInput {
                pin: Some((101, 3)),
                ..input()
            },
            "pin",
        ),
    ];
    for (d, field) in cases {
        assert_eq!(d.validate(today, &parties, &item).expect_err(field).field.as_deref(), Some(field));
    }
    let no_photo_needed = ChecklistItem {
        photo_required: false,
        ..item
    };
    assert!(DefectInput { photos: vec![], ..input() }
        .validate(today, &parties, &no_photo_needed)
        .is_ok());
}

#[test]
fn inspection_results_must_be_on_the_checklist_once() {
    let items = default_items();
    let o = |room: &str, item: &str| ItemOutcome {
        room: room.into(),
        item: item.into(),
        result: ItemResult::Pass,
        note: String::new(),
    };
    let u = InspectionUpdate {
        inspection_id: 1,
        version: 1,
        outcomes: vec![o("客厅", "门窗"), o("客厅", "门窗")],
        meters: vec![],
        remarks: String::new(),
    };
    assert_eq!(u.validate(&items).expect_err("twice").field.as_deref(), Some("outcomes[1]"));
    let u = InspectionUpdate {
        outcomes: vec![o("车库", "门窗")],
        ..u
    };
    assert_eq!(u.validate(&items).expect_err("not listed").field.as_deref(), Some("outcomes[0]"));
    assert_eq!(percent(1, 3), "33.3");
    assert_eq!(percent(0, 0), "0.0");
}

#[test]
fn the_offered_actions_follow_the_table() {
    assert_eq!(actions_from(S::Pending), [A::Assign, A::Dispute, A::Void]);
    assert_eq!(actions_from(S::AwaitingReinspection), [A::Close, A::Reject, A::Dispute, A::Void]);
    assert!(actions_from(S::Closed).is_empty());
    assert!(actions_from(S::Void).is_empty());
}

#[test]
fn the_checklist_text_round_trips_and_names_bad_lines() {
    let items = default_items();
    let parsed = parse_checklist(&checklist_text(&items)).expect("parse");
    assert_eq!(parsed.iter().map(|(_, i)| i.clone()).collect::<Vec<_>>(), items);
    let parsed = parse_checklist("\n客厅|门窗|开启灵活\n\n卫生间 ｜ 防水 ｜ 闭水 ｜ 是").expect("lenient");
    assert_eq!(parsed.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [2, 4], "line numbers kept");
    assert!(parsed[1].1.photo_required);
    let e = parse_checklist("客厅|门窗").expect_err("two fields");
    assert!(e.message.contains("第 1 行"), "{}", e.message);
    let e = parse_checklist("客厅|门窗|标准|也许").expect_err("yes/no");
    assert!(e.message.contains("也许"), "{}", e.message);
}

#[test]
fn an_item_the_text_form_could_not_read_back_is_refused() {
    // Saved through the form (JSON), then edited as text: a "|" or a line break would split it.
    for (room, item, standard, field) in [
        ("客厅|卧室", "门窗", "", "items[0].room"),
        ("客厅", "门窗｜墙面", "", "items[0].item"),
        ("客厅", "门窗", "平整\n无裂缝", "items[0].standard"),
    ] {
        let t = TemplateInput {
            project_id: 1,
            unit_type: "住宅".into(),
            items: vec![ChecklistItem {
                room: room.into(),
                item: item.into(),
                standard: standard.into(),
                photo_required: false,
            }],
        };
        let e = t.validate().expect_err(field);
        assert_eq!(e.field.as_deref(), Some(field));
    }
}
