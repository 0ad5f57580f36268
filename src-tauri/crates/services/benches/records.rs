//! Records benchmarks (issue 2 targets): import of a 10,000-unit 房源表 ≤ 5 s; a search over
//! 100,000 units ≤ 20 ms. Run: `cargo bench -p services --bench records`.
//! Results go in docs/benchmarks.md.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use domain::model::{ImportOutcome, UnitQuery};
use domain::role::Session;
use services::{self as services, FirstAdmin, Services};
use std::sync::Arc;
use std::time::Duration;

fn clock() -> services::Clock {
    Arc::new(|| {
        chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+08:00")
            .unwrap_or_default()
            .to_utc()
    })
}

async fn fresh(dir: &std::path::Path, name: &str) -> (Services, Session) {
    let (store, _) = store_open(&dir.join(name)).await;
    let services = Services::new(store, clock());
    let s = services
        .create_first_admin(&FirstAdmin {
            username: "admin".into(),
            display_name: String::new(),
            password: "benchmark-1".into(),
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (services, s)
}

async fn store_open(path: &std::path::Path) -> (store::Store, store::OpenReport) {
    store::Store::open(path).await.unwrap_or_else(|e| panic!("{e}"))
}

fn import(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bytes = domain::sample::workbook("基准花园", 10_000).unwrap_or_else(|e| panic!("{e}"));
    let mut n = 0;
    let mut g = c.benchmark_group("import");
    g.sample_size(10).measurement_time(Duration::from_secs(40));
    g.bench_function("10k_units_xlsx_to_sqlite_file", |b| {
        b.iter_batched(
            || {
                n += 1;
                rt.block_on(fresh(dir.path(), &format!("import-{n}.db")))
            },
            |(services, s)| {
                let r = rt
                    .block_on(services.import_workbook(&s, "bench.xlsx", &bytes))
                    .unwrap_or_else(|e| panic!("{e}"));
                assert!(matches!(r, ImportOutcome::Imported { units: 10_000, .. }));
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn search(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (services, s) = rt.block_on(fresh(dir.path(), "search.db"));
    // 100,000 units in ten projects of 10,000.
    for p in 0..10 {
        let bytes =
            domain::sample::workbook_numbered(&format!("基准花园{p}期"), 10_000, &format!("P{p}-")).unwrap_or_else(|e| panic!("{e}"));
        let r = rt
            .block_on(services.import_workbook(&s, "bench.xlsx", &bytes))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(r, ImportOutcome::Imported { .. }), "project {p} refused");
    }
    let q = |search: &str| UnitQuery {
        search: Some(search.into()),
        page: 1,
        page_size: 50,
        ..Default::default()
    };
    let mut g = c.benchmark_group("search_100k_units");
    for (name, query) in [
        ("buyer_name", q("王伟")),
        ("unit_number_prefix", q("12-1")),
        ("phone_tail", q("8000")),
        (
            "first_page_no_filter",
            UnitQuery {
                page: 1,
                page_size: 50,
                ..Default::default()
            },
        ),
        (
            "last_page_no_filter",
            UnitQuery {
                page: 2000,
                page_size: 50,
                ..Default::default()
            },
        ),
    ] {
        let total = rt
            .block_on(services.search_units(&s, &query))
            .unwrap_or_else(|e| panic!("{e}"))
            .total;
        assert!(total > 0, "{name} finds something");
        g.bench_function(name, |b| {
            b.iter(|| rt.block_on(services.search_units(&s, &query)).unwrap_or_else(|e| panic!("{e}")))
        });
    }
    g.finish();
}

fn requote(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (services, s) = rt.block_on(fresh(dir.path(), "requote.db"));
    // 14,286 units, 70% sold: 10,000 live contracts in one project.
    let bytes = domain::sample::workbook("重算花园", 14_284).unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(services.import_workbook(&s, "bench.xlsx", &bytes))
        .unwrap_or_else(|e| panic!("{e}"));
    let project = rt.block_on(services.projects(&s)).unwrap_or_else(|e| panic!("{e}"))[0].id;
    let mut g = c.benchmark_group("fees");
    g.sample_size(10);
    g.bench_function("requote_and_save_10k_contracts", |b| {
        b.iter(|| {
            let r = rt
                .block_on(services.requote_project(&s, project, "seed-example", None))
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(r.saved, 10_000);
        })
    });
    g.finish();
}

criterion_group!(benches, import, search, requote);
criterion_main!(benches);
