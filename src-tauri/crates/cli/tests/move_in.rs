//! Black-box tests of `handover movein slots` and `handover movein book`: a batch planned with
//! `movein plan`, its slots listed, units booked, refusals as the one JSON error with exit 1.

mod support;

use serde_json::Value;
use std::path::Path;
use std::process::Output;
use support::{handover, json, sample_db, text, with_services};

/// Plan 第一批 over 1栋 floors 1–5 (14 sold units) for 2099-12-05 and -06: 上午 (quota 2) and
/// 下午 (quota 1). Returns the batch id.
fn plan(db: &Path) -> String {
    let o = handover(
        db,
        &[
            "--json",
            "movein",
            "plan",
            "--project",
            "示例花园",
            "--name",
            "第一批",
            "--from",
            "2099-12-05",
            "--to",
            "2099-12-06",
            "--buildings",
            "1栋",
            "--floors",
            "1-5",
            "--period",
            "上午,09:00,12:00,2",
            "--period",
            "下午,14:00,17:00,1",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stdout));
    json(&o)["batch"]["id"].as_i64().expect("batch id").to_string()
}

/// The 房号 ("1-101") of the batch's units, in the batch's order.
fn batch_numbers(db: &Path, batch: &str) -> Vec<String> {
    let id: i64 = batch.parse().expect("id");
    with_services(db, move |services, admin| {
        Box::pin(async move {
            let detail = services.batch_detail(admin, id).await.expect("detail");
            detail.units.into_iter().map(|u| u.number).collect()
        })
    })
}

fn slots(db: &Path, batch: &str) -> Vec<Value> {
    let o = handover(db, &["movein", "slots", "--batch", batch, "--json"]);
    assert!(o.status.success(), "{}", text(&o.stdout));
    json(&o).as_array().expect("a list of slots").clone()
}

/// The booked count of each slot, as "date period" → booked.
fn booked(db: &Path, batch: &str) -> Vec<(String, i64)> {
    slots(db, batch)
        .iter()
        .map(|s| {
            (
                format!("{} {}", s["date"].as_str().expect("date"), s["period"].as_str().expect("period")),
                s["booked"].as_i64().expect("booked"),
            )
        })
        .collect()
}

fn counts(pairs: &[(&str, i64)]) -> Vec<(String, i64)> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn book(db: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--json", "movein", "book"];
    all.extend_from_slice(args);
    handover(db, &all)
}

/// The refusal: exit 1, `{"error":{…}}` on stdout; returns (code, field, message).
fn refused(o: &Output) -> (String, String, String) {
    assert_eq!(o.status.code(), Some(1), "{}{}", text(&o.stdout), text(&o.stderr));
    let v = json(o);
    let e = &v["error"];
    let message = e["message"].as_str().expect("message").to_string();
    assert!(!message.is_empty() && !message.is_ascii(), "a Chinese message: {message}");
    (
        e["code"].as_str().expect("code").to_string(),
        e["field"].as_str().unwrap_or_default().to_string(),
        message,
    )
}

/// The unit's live booking as the services see it (its slot id), if any.
fn live_slot(db: &Path, number: &str) -> Option<i64> {
    let number = number.to_string();
    with_services(db, move |services, admin| {
        Box::pin(async move {
            let u = services.unit_by_number(admin, None, &number).await.expect("unit");
            services
                .move_in_unit(admin, u.id)
                .await
                .expect("move-in unit")
                .appointment
                .map(|a| a.slot_id)
        })
    })
}

#[test]
fn slots_are_listed_and_a_booking_counts() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path(), 30);
    let batch = plan(&db);

    let list = slots(&db, &batch);
    assert_eq!(list.len(), 4);
    let first = &list[0];
    assert_eq!(first["date"], "2099-12-05", "YYYY-MM-DD");
    assert_eq!(first["period"], "上午");
    assert_eq!((first["starts"].as_str(), first["ends"].as_str()), (Some("09:00"), Some("12:00")));
    assert_eq!((first["quota"].as_i64(), first["booked"].as_i64()), (Some(2), Some(0)));
    assert!(first["id"].as_i64().is_some());
    assert_eq!(first["batch_id"].as_i64().map(|b| b.to_string()), Some(batch.clone()));
    assert_eq!(list[1]["period"], "下午");
    assert_eq!(list[1]["quota"], 1);
    assert_eq!(list[3]["date"], "2099-12-06");
    let none = counts(&[
        ("2099-12-05 上午", 0),
        ("2099-12-05 下午", 0),
        ("2099-12-06 上午", 0),
        ("2099-12-06 下午", 0),
    ]);
    assert_eq!(booked(&db, &batch), none);

    // Without --json: a table with a header, one line per slot.
    let o = handover(&db, &["movein", "slots", "--batch", &batch]);
    assert!(o.status.success());
    let out = text(&o.stdout);
    assert!(out.contains("第一批") && out.contains("日期\t时段"), "{out}");
    assert!(out.contains("2099-12-06\t下午\t14:00–17:00\t1\t0\t1"), "{out}");

    // Book a unit by its 房号: that slot's booked count goes up by one.
    let numbers = batch_numbers(&db, &batch);
    let o = book(
        &db,
        &[
            "--unit",
            &numbers[0],
            "--date",
            "2099-12-05",
            "--period",
            "上午",
            "--note",
            "电话确认",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stdout));
    let r = json(&o);
    assert_eq!(r["unit"], format!("1栋 {}", numbers[0]));
    assert_eq!((r["date"].as_str(), r["period"].as_str()), (Some("2099-12-05"), Some("上午")));
    assert_eq!(r["batch_name"], "第一批");
    assert_eq!(r["appointment"]["status"], "booked");
    assert_eq!(r["appointment"]["note"], "电话确认");
    assert_eq!(r["appointment"]["slot_id"], list[0]["id"]);
    assert_eq!(
        booked(&db, &batch),
        counts(&[
            ("2099-12-05 上午", 1),
            ("2099-12-05 下午", 0),
            ("2099-12-06 上午", 0),
            ("2099-12-06 下午", 0),
        ])
    );

    // By its id, with the `move-in` alias and an explicit --batch, and without --json: one line.
    let id = with_services(&db, {
        let n = numbers[1].clone();
        move |services, admin| Box::pin(async move { services.unit_by_number(admin, None, &n).await.expect("unit").id })
    });
    let o = handover(
        &db,
        &[
            "move-in",
            "book",
            "--unit",
            &id.to_string(),
            "--batch",
            &batch,
            "--date",
            "2099-12-06",
            "--period",
            "下午",
            "--project",
            "示例花园",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let line = text(&o.stdout);
    assert!(
        line.starts_with("已预约：") && line.contains("2099-12-06 下午 14:00–17:00") && line.contains(&numbers[1]),
        "{line}"
    );
    assert_eq!(slots(&db, &batch)[3]["booked"], 1);

    // An unknown batch: not_found, exit 1.
    let o = handover(&db, &["--json", "movein", "slots", "--batch", "999"]);
    let (code, field, message) = refused(&o);
    assert_eq!((code.as_str(), field.as_str()), ("not_found", "batch"));
    assert!(message.contains("入伙批次"), "{message}");
}

#[test]
fn a_full_slot_and_a_second_booking_are_refused_and_rebook_moves_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path(), 30);
    let batch = plan(&db);
    let n = batch_numbers(&db, &batch);
    let (a, b) = (n[0].as_str(), n[1].as_str());
    let afternoon = ["--date", "2099-12-05", "--period", "下午"];
    let morning = ["--date", "2099-12-05", "--period", "上午"];

    let o = book(&db, &[&["--unit", a][..], &afternoon[..]].concat());
    assert!(o.status.success(), "{}", text(&o.stdout));
    let full_slot = slots(&db, &batch)[1]["id"].as_i64();
    assert_eq!(live_slot(&db, a), full_slot);

    // 下午 has one place: a second unit is refused, and nothing is booked.
    let o = book(&db, &[&["--unit", b][..], &afternoon[..]].concat());
    let (code, field, message) = refused(&o);
    assert_eq!((code.as_str(), field.as_str()), ("conflict", "slot_id"));
    assert!(message.contains("已约满（1/1）"), "{message}");
    let after_first = counts(&[
        ("2099-12-05 上午", 0),
        ("2099-12-05 下午", 1),
        ("2099-12-06 上午", 0),
        ("2099-12-06 下午", 0),
    ]);
    assert_eq!(booked(&db, &batch), after_first);
    assert_eq!(live_slot(&db, b), None, "the refused unit has no booking");

    // A second live booking of the same unit is refused; nothing changes.
    let o = book(&db, &[&["--unit", a][..], &morning[..]].concat());
    let (code, field, message) = refused(&o);
    assert_eq!((code.as_str(), field.as_str()), ("conflict", "slot_id"));
    assert!(message.contains("已有预约"), "{message}");
    assert_eq!(booked(&db, &batch), after_first);
    assert_eq!(live_slot(&db, a), full_slot);

    // --rebook moves it: the old slot −1, the new +1.
    let o = book(&db, &[&["--unit", a, "--rebook"][..], &morning[..]].concat());
    assert!(o.status.success(), "{}", text(&o.stdout));
    assert_eq!(json(&o)["appointment"]["slot_id"], slots(&db, &batch)[0]["id"]);
    assert_eq!(
        booked(&db, &batch),
        counts(&[
            ("2099-12-05 上午", 1),
            ("2099-12-05 下午", 0),
            ("2099-12-06 上午", 0),
            ("2099-12-06 下午", 0),
        ])
    );
    // The freed place can be taken now.
    assert!(book(&db, &[&["--unit", b][..], &afternoon[..]].concat()).status.success());
    assert_eq!(slots(&db, &batch)[1]["booked"], 1);
}

#[test]
fn bad_dates_unknown_periods_and_units_name_the_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path(), 30);
    let batch = plan(&db);
    let n = batch_numbers(&db, &batch);
    let a = n[0].as_str();
    let cases: [(&[&str], &str, &str, &str); 6] = [
        (
            &["--unit", a, "--date", "2099-13-01", "--period", "上午"],
            "invalid",
            "date",
            "YYYY-MM-DD",
        ),
        (
            &["--unit", a, "--date", "12/05", "--period", "上午"],
            "invalid",
            "date",
            "YYYY-MM-DD",
        ),
        (
            &["--unit", a, "--date", "2099-12-09", "--period", "上午"],
            "not_found",
            "date",
            "2099-12-05 至 2099-12-06",
        ),
        (
            &["--unit", a, "--date", "2099-12-05", "--period", "晚上"],
            "not_found",
            "period",
            "可选：上午、下午",
        ),
        (
            &["--unit", a, "--date", "2099-12-05", "--period", " "],
            "invalid",
            "period",
            "--period",
        ),
        (
            &["--unit", "9-999", "--date", "2099-12-05", "--period", "上午"],
            "not_found",
            "unit",
            "9-999",
        ),
    ];
    for (args, code, field, says) in cases {
        let (c, f, m) = refused(&book(&db, args));
        assert_eq!((c.as_str(), f.as_str()), (code, field), "{args:?}: {m}");
        assert!(m.contains(says), "{args:?}: {m}");
    }
    // A unit outside every batch (not sold, or another building) is refused by the services.
    let outside = with_services(&db, |services, admin| {
        Box::pin(async move {
            let page = services
                .search_units(
                    admin,
                    &domain::model::UnitQuery {
                        page_size: 100,
                        ..Default::default()
                    },
                )
                .await
                .expect("units");
            let mut out = None;
            for i in page.items {
                if services.move_in_unit(admin, i.unit.id).await.is_err() {
                    out = Some(i.unit.number);
                    break;
                }
            }
            out.expect("a unit outside the batch")
        })
    });
    let (c, f, _) = refused(&book(&db, &["--unit", &outside, "--date", "2099-12-05", "--period", "上午"]));
    assert_eq!((c.as_str(), f.as_str()), ("not_found", "unit"));
    let (c, _, m) = refused(&book(
        &db,
        &["--unit", &outside, "--batch", &batch, "--date", "2099-12-05", "--period", "上午"],
    ));
    assert_eq!(c, "not_found");
    assert!(m.contains("尚未加入任何批次"), "{m}");
    assert!(booked(&db, &batch).iter().all(|(_, n)| *n == 0), "nothing was booked");

    // Without --json: the Chinese message with the field on stderr, exit 1.
    let o = handover(&db, &["movein", "book", "--unit", a, "--date", "2099-12-05", "--period", "晚上"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let err = text(&o.stderr);
    assert!(err.starts_with("错误：") && err.trim_end().ends_with("（字段：period）"), "{err}");
}
