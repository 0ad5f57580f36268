//! Move-in benchmarks (issue 5 targets): creating a 2,000-unit batch with its slots ≤ 2 s; the
//! progress board of a 10,000-unit project refreshes ≤ 100 ms. Run:
//! `cargo bench -p services --bench move_in`. Results go in docs/benchmarks.md.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use domain::move_in::{BatchInput, PeriodPlan, StepData, UnitSelection};
use domain::role::Session;
use services::{self as services, FirstAdmin, Services, SignIn};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

fn clock() -> services::Clock {
    Arc::new(|| {
        chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+08:00")
            .unwrap_or_default()
            .to_utc()
    })
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
}

/// A database file with a 10,000-unit project (7,000 sold), made once.
async fn template(dir: &Path) -> PathBuf {
    let path = dir.join("template.db");
    let (store, _) = store::Store::open(&path).await.unwrap_or_else(|e| panic!("{e}"));
    let services = Services::new(store, clock());
    let s = admin(&services).await;
    let bytes = domain::sample::workbook("基准花园", 10_000).unwrap_or_else(|e| panic!("{e}"));
    services
        .import_workbook(&s, "bench.xlsx", &bytes)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    services.store().close().await;
    path
}

async fn admin(services: &Services) -> Session {
    match services
        .create_first_admin(&FirstAdmin {
            username: "admin".into(),
            display_name: String::new(),
            password: "benchmark-1".into(),
        })
        .await
    {
        Ok(s) => s,
        Err(_) => services
            .sign_in(&SignIn {
                username: "admin".into(),
                password: "benchmark-1".into(),
            })
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    }
}

async fn open_copy(template: &Path, to: &Path) -> (Services, Session) {
    std::fs::copy(template, to).unwrap_or_else(|e| panic!("{e}"));
    let (store, _) = store::Store::open(to).await.unwrap_or_else(|e| panic!("{e}"));
    let services = Services::new(store, clock());
    let s = admin(&services).await;
    (services, s)
}

/// Buildings `from..to` (72 units each, 70 % sold) as one batch over `days` days, two periods.
async fn plan(services: &Services, s: &Session, name: &str, buildings: std::ops::Range<usize>, first: NaiveDate, days: u32) -> i64 {
    let project = services.projects(s).await.unwrap_or_else(|e| panic!("{e}"))[0].id;
    let all = services.buildings(s, project).await.unwrap_or_else(|e| panic!("{e}"));
    let ids = all
        .iter()
        .filter(|b| buildings.contains(&b.name.trim_end_matches('栋').parse::<usize>().unwrap_or(0)))
        .map(|b| b.id)
        .collect();
    let input = BatchInput {
        project_id: project,
        name: name.into(),
        first_day: first,
        last_day: first + chrono::Duration::days(i64::from(days) - 1),
        place: "会所".into(),
        windows: 10,
        periods: vec![
            PeriodPlan {
                label: "上午".into(),
                starts: "09:00".into(),
                ends: "12:00".into(),
                quota: 60,
            },
            PeriodPlan {
                label: "下午".into(),
                starts: "14:00".into(),
                ends: "17:30".into(),
                quota: 60,
            },
        ],
        selection: UnitSelection {
            building_ids: ids,
            ..UnitSelection::default()
        },
    };
    services.create_batch(s, &input).await.unwrap_or_else(|e| panic!("{e}")).batch.id
}

fn batch_creation(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let template = rt.block_on(template(dir.path()));
    let mut n = 0;
    let mut g = c.benchmark_group("move_in");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("create_batch_2016_units_34_days_68_slots", |b| {
        b.iter_batched(
            || {
                n += 1;
                rt.block_on(open_copy(&template, &dir.path().join(format!("b{n}.db"))))
            },
            |(services, s)| {
                let id = rt.block_on(plan(&services, &s, "第一批", 1..41, day(12, 1), 34));
                let b = rt.block_on(services.batch_detail(&s, id)).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!((b.batch.unit_count, b.slots.len()), (2016, 68));
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn board(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let template = rt.block_on(template(dir.path()));
    let (services, s) = rt.block_on(open_copy(&template, &dir.path().join("board.db")));
    rt.block_on(async {
        // Every sold unit of the 10,000 in one of four batches; 2,000 checked in and delivered.
        let mut batches = vec![];
        for (i, r) in [1..36, 36..71, 71..106, 106..141].into_iter().enumerate() {
            batches.push(plan(&services, &s, &format!("第{}批", i + 1), r, day(12, 1), 10).await);
        }
        let mut p = services.procedure_settings(&s, 1).await.unwrap_or_else(|e| panic!("{e}"));
        p.config
            .steps
            .iter_mut()
            .for_each(|st| st.enabled = st.kind == domain::move_in::StepKind::Identity);
        services.save_procedure_settings(&s, &p).await.unwrap_or_else(|e| panic!("{e}"));
        let units = services.batch_detail(&s, batches[0]).await.unwrap_or_else(|e| panic!("{e}")).units;
        let identity = StepData::Identity {
            by_agent: false,
            agent_name: String::new(),
            agent_id_tail: String::new(),
            authorization_seen: false,
        };
        for u in units.iter().take(1_000) {
            let m = services.check_in(&s, u.unit_id, u.version).await.unwrap_or_else(|e| panic!("{e}"));
            services
                .do_step(&s, u.unit_id, m.version, &identity)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
    });
    let mut g = c.benchmark_group("move_in");
    g.bench_function("board_10k_unit_project_4_batches", |b| {
        b.iter(|| {
            let board = rt.block_on(services.board(&s, 1, None)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(board.total.delivered, 1_000);
            assert!(board.total.units > 6_900);
        })
    });
    g.bench_function("board_10k_unit_project_one_batch", |b| {
        b.iter(|| rt.block_on(services.board(&s, 1, Some(1))).unwrap_or_else(|e| panic!("{e}")))
    });
    g.finish();
}

criterion_group!(benches, batch_creation, board);
criterion_main!(benches);
