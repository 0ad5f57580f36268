use super::*;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use StepKind::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

#[test]
fn every_step_is_blocked_by_its_first_missing_prerequisite() {
    let c = ProcedureConfig::default();
    assert_eq!(c.blocked_by(Identity, &[]), None);
    assert_eq!(c.blocked_by(Inspection, &[]), None, "inspection can be done any time");
    assert_eq!(c.blocked_by(Settlement, &[]), Some("业主身份未核验"));
    assert_eq!(c.blocked_by(Confirmation, &[Identity]), Some("房款及面积差价未结清"));
    assert_eq!(c.blocked_by(Confirmation, &[Identity, Settlement]), Some("入伙费用未缴清"));
    assert_eq!(c.blocked_by(Confirmation, &[Identity, Settlement, Fees]), None);
    assert_eq!(
        c.blocked_by(Keys, &[Identity, Settlement, Fees, Confirmation]),
        Some("表底数未抄录")
    );
    assert_eq!(c.blocked_by(Documents, &[Identity]), Some("入伙确认书未签署"));
}

#[test]
fn a_disabled_prerequisite_does_not_block() {
    let mut c = ProcedureConfig::default();
    for s in &mut c.steps {
        if s.kind == Fees {
            s.enabled = false;
        }
    }
    assert_eq!(c.blocked_by(Confirmation, &[Identity, Settlement]), None);
}

#[test]
fn status_moves_from_not_started_through_in_progress_to_delivered() {
    let c = ProcedureConfig::default();
    assert_eq!(c.status(&[]), MoveInStatus::NotStarted);
    assert_eq!(c.status(&[Identity]), MoveInStatus::InProgress);
    let all: Vec<StepKind> = StepKind::ALL.to_vec();
    assert_eq!(c.status(&all), MoveInStatus::Delivered);
    assert_eq!(c.status(&all[..7]), MoveInStatus::InProgress, "inspection still missing");
    let mut no_inspection = c.clone();
    no_inspection.steps.retain(|s| s.kind != Inspection);
    assert_eq!(no_inspection.validate().expect("valid").status(&all[..7]), MoveInStatus::Delivered);
}

#[test]
fn config_refuses_no_steps_and_bad_fees() {
    let mut c = ProcedureConfig::default();
    c.steps.iter_mut().for_each(|s| s.enabled = false);
    assert_eq!(c.validate().expect_err("none").field.as_deref(), Some("steps"));
    let mut c = ProcedureConfig::default();
    c.fees.push(FeeItemConfig {
        name: "装修押金".into(),
        basis: FeeBasis::Fixed {
            amount: Decimal::new(-1, 0),
        },
    });
    assert_eq!(c.validate().expect_err("negative").field.as_deref(), Some("fees[2].basis"));
    let mut c = ProcedureConfig::default();
    c.fees[1].basis = FeeBasis::PerAreaMonthly {
        rate: Decimal::new(350, 2),
        months: 0,
    };
    assert_eq!(c.validate().expect_err("months").field.as_deref(), Some("fees[1].basis"));
}

#[test]
fn fee_amounts_round_half_up_to_the_fen() {
    let basis = FeeBasis::PerAreaMonthly {
        rate: Decimal::new(350, 2),
        months: 3,
    };
    // 89.55 × 3.50 × 3 = 940.275 → 940.28
    assert_eq!(fee_amount(&basis, Decimal::new(8955, 2), None), Some(Decimal::new(94028, 2)));
    assert_eq!(
        fee_amount(&FeeBasis::MaintenanceFund, Decimal::ONE, None),
        None,
        "no quote, no amount"
    );
    assert_eq!(
        fee_amount(&FeeBasis::MaintenanceFund, Decimal::ONE, Some(Decimal::new(716000, 2))),
        Some(Decimal::new(716000, 2))
    );
    assert!(fee_basis_text(&basis, Decimal::new(8955, 2)).contains("89.55 ㎡ × 3.50 元/㎡·月 × 3 个月"));
}

fn batch() -> BatchInput {
    BatchInput {
        project_id: 1,
        name: " 第一批 ".into(),
        first_day: d(2026, 12, 5),
        last_day: d(2026, 12, 7),
        place: "会所".into(),
        windows: 5,
        periods: vec![
            PeriodPlan {
                label: "上午".into(),
                starts: "9:00".into(),
                ends: "12:00".into(),
                quota: 20,
            },
            PeriodPlan {
                label: "下午".into(),
                starts: "14:00".into(),
                ends: "17:30".into(),
                quota: 25,
            },
        ],
        selection: UnitSelection {
            building_ids: vec![1],
            ..UnitSelection::default()
        },
    }
}

#[test]
fn a_batch_makes_one_slot_per_day_and_period() {
    let b = batch().validate(d(2026, 11, 23)).expect("valid");
    assert_eq!(b.name, "第一批");
    assert_eq!(b.periods[0].starts, "09:00", "times normalised");
    let slots = b.slots();
    assert_eq!(slots.len(), 6);
    assert_eq!(
        (slots[5].day, slots[5].label.as_str(), slots[5].quota),
        (d(2026, 12, 7), "下午", 25)
    );
}

#[test]
fn batch_form_errors_name_their_field() {
    let today = d(2026, 11, 23);
    type Mutation = Box<dyn Fn(&mut BatchInput)>;
    let cases: Vec<(Mutation, &str)> = vec![
        (Box::new(|b| b.name = " ".into()), "name"),
        (Box::new(|b| b.last_day = d(2026, 12, 1)), "last_day"),
        (Box::new(|b| b.windows = 0), "windows"),
        (Box::new(|b| b.periods.clear()), "periods"),
        (Box::new(|b| b.periods[1].starts = "2pm".into()), "periods[1].starts"),
        (Box::new(|b| b.periods[0].ends = "08:00".into()), "periods[0].ends"),
        (Box::new(|b| b.periods[0].quota = 0), "periods[0].quota"),
        (Box::new(|b| b.periods[1].label = "上午".into()), "periods[1].label"),
        (Box::new(|b| b.selection = UnitSelection::default()), "selection"),
        (
            Box::new(|b| {
                b.selection.floor_from = Some(9);
                b.selection.floor_to = Some(3);
            }),
            "selection",
        ),
    ];
    for (mutate, field) in cases {
        let mut b = batch();
        mutate(&mut b);
        assert_eq!(b.validate(today).expect_err(field).field.as_deref(), Some(field));
    }
    let mut past = batch();
    past.first_day = d(2026, 11, 1);
    past.last_day = d(2026, 11, 2);
    assert_eq!(past.validate(today).expect_err("ended").field.as_deref(), Some("last_day"));
}

#[test]
fn step_data_refusals_name_the_field() {
    let cases = vec![
        (
            StepData::Identity {
                by_agent: true,
                agent_name: "张三".into(),
                agent_id_tail: "1234".into(),
                authorization_seen: false,
            },
            "authorization_seen",
        ),
        (
            StepData::Identity {
                by_agent: true,
                agent_name: " ".into(),
                agent_id_tail: "1234".into(),
                authorization_seen: true,
            },
            "agent_name",
        ),
        (
            StepData::Settlement {
                area_difference: Decimal::ZERO,
                balance_cleared: false,
                receipt: String::new(),
            },
            "balance_cleared",
        ),
        (
            StepData::Fees {
                items: vec![PaidItem {
                    name: "物业费".into(),
                    amount: Decimal::new(-5, 0),
                    receipt: String::new(),
                }],
            },
            "items[0].amount",
        ),
        (StepData::Confirmation { signed: false }, "signed"),
        (
            StepData::Documents {
                quality_guarantee: true,
                user_manual: false,
            },
            "user_manual",
        ),
        (StepData::Meters { readings: vec![] }, "readings"),
        (
            StepData::Meters {
                readings: vec![
                    MeterReading {
                        kind: MeterKind::Water,
                        number: "S1".into(),
                        reading: Decimal::ONE,
                    },
                    MeterReading {
                        kind: MeterKind::Water,
                        number: "S2".into(),
                        reading: Decimal::ONE,
                    },
                ],
            },
            "readings[1].kind",
        ),
        (
            StepData::Meters {
                readings: vec![MeterReading {
                    kind: MeterKind::Gas,
                    number: "R1".into(),
                    reading: Decimal::new(-1, 0),
                }],
            },
            "readings[0].reading",
        ),
        (
            StepData::Keys {
                keys: vec![KeySetLine {
                    kind: "入户门钥匙".into(),
                    count: 3,
                    numbers: vec!["A1".into(), "A2".into()],
                }],
            },
            "keys[0].numbers",
        ),
        (
            StepData::Keys {
                keys: vec![
                    KeySetLine {
                        kind: "入户门钥匙".into(),
                        count: 1,
                        numbers: vec!["A1".into()],
                    },
                    KeySetLine {
                        kind: "门禁卡".into(),
                        count: 1,
                        numbers: vec!["a1".into()],
                    },
                ],
            },
            "keys[1].numbers",
        ),
        (StepData::Keys { keys: vec![] }, "keys"),
        (StepData::Inspection { note: "".into() }, "note"),
    ];
    for (data, field) in cases {
        let e = data.validate().expect_err(field);
        assert_eq!(e.field.as_deref(), Some(field), "{data:?}: {}", e.message);
    }
}

#[test]
fn valid_step_data_is_normalised() {
    let keys = StepData::Keys {
        keys: vec![KeySetLine {
            kind: " 门禁卡 ".into(),
            count: 2,
            numbers: vec![" mj01 ".into(), "mj02".into()],
        }],
    }
    .validate()
    .expect("valid");
    assert_eq!(
        keys,
        StepData::Keys {
            keys: vec![KeySetLine {
                kind: "门禁卡".into(),
                count: 2,
                numbers: vec!["MJ01".into(), "MJ02".into()],
            }]
        }
    );
    let owner = StepData::Identity {
        by_agent: false,
        agent_name: "ignored".into(),
        agent_id_tail: String::new(),
        authorization_seen: false,
    }
    .validate()
    .expect("in person");
    assert_eq!(owner.kind(), Identity);
    let json = serde_json::to_string(&StepData::Settlement {
        area_difference: Decimal::new(-123456, 2),
        balance_cleared: true,
        receipt: "R1".into(),
    })
    .expect("json");
    assert!(
        json.contains(r#""kind":"settlement""#) && json.contains(r#""area_difference":"-1234.56""#),
        "{json}"
    );
}

#[test]
fn delivery_and_key_forms_refuse_bad_input() {
    let today = d(2026, 11, 23);
    let del = DeliveryInput {
        unit_id: 1,
        channel: DeliveryChannel::Sms,
        delivered_on: d(2026, 11, 24),
        confirmed_by: "本人".into(),
        note: String::new(),
    };
    assert_eq!(del.validate(today).expect_err("future").field.as_deref(), Some("delivered_on"));
    let co = KeyCheckout {
        key_id: 1,
        person: "维修 李师傅".into(),
        reason: "水管检修".into(),
        due_back: d(2026, 11, 22),
    };
    assert_eq!(co.validate(today).expect_err("past").field.as_deref(), Some("due_back"));
    let public = KeyInput {
        project_id: 1,
        number: "gk-01".into(),
        kind: "机房钥匙".into(),
        unit_id: None,
        label: "".into(),
    };
    assert_eq!(public.validate().expect_err("label").field.as_deref(), Some("label"));
}

#[test]
fn progress_rate_has_one_decimal() {
    let r = ProgressRow {
        units: 3,
        delivered: 2,
        ..ProgressRow::default()
    }
    .with_rate();
    assert_eq!(r.rate, "66.7");
    assert_eq!(ProgressRow::default().with_rate().rate, "0.0");
}

#[test]
fn step_summaries_read_like_the_desk_says_them() {
    let s = StepData::Settlement {
        area_difference: Decimal::new(-123_456, 2),
        balance_cleared: true,
        receipt: "SJ-001".into(),
    };
    assert_eq!(s.summary(), "面积差价 -1,234.56 元，已结清，收据 SJ-001");
    let k = StepData::Keys {
        keys: vec![KeySetLine {
            kind: "门禁卡".into(),
            count: 2,
            numbers: vec!["MJ1".into(), "MJ2".into()],
        }],
    };
    assert_eq!(k.summary(), "门禁卡 2（MJ1、MJ2）");
    assert_eq!(StepData::Fees { items: vec![] }.summary(), "无应缴费用");
}

#[test]
fn absurd_fee_configuration_is_refused_and_never_overflows() {
    let huge = Decimal::from_str_exact("1000000000000000000000000000").expect("1e27");
    let area = Decimal::from_str_exact("79000000000000000000000000000").expect("7.9e28");
    let mut c = ProcedureConfig::default();
    c.fees[1].basis = FeeBasis::PerAreaMonthly { rate: huge, months: 3 };
    let e = c.validate().expect_err("rate 1e27");
    assert_eq!(e.field.as_deref(), Some("fees[1].basis"));
    assert!(e.message.contains("10,000.00 元/㎡·月"), "{}", e.message);
    c.fees[1].basis = FeeBasis::PerAreaMonthly {
        rate: MAX_MONTHLY_RATE,
        months: 36,
    };
    assert!(c.validate().is_ok(), "the limit itself is allowed");
    c.fees[1].basis = FeeBasis::Fixed {
        amount: MAX_FIXED_FEE + Decimal::ONE,
    };
    assert_eq!(c.validate().expect_err("fixed").field.as_deref(), Some("fees[1].basis"));
    // A configuration saved before these limits: no amount instead of a panic.
    let basis = FeeBasis::PerAreaMonthly { rate: huge, months: 36 };
    assert_eq!(fee_amount(&basis, area, None), None);
    assert_eq!(fee_amount(&basis, Decimal::ONE, None), Some(huge * Decimal::from(36)));
}
