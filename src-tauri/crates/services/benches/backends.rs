//! Both backends side by side, in one run (issue 11): the same services work timed on a SQLite
//! file and on a PostgreSQL database. Run with a server:
//!
//!     bash .ci/pg.sh cargo bench -p services --bench backends
//!
//! (`HANDOVER_TEST_PG` names the server; without it only SQLite runs; `HANDOVER_BENCH_ONLY=search,board`
//! runs only the named cases of import, search, board, requote, desks.) Prints a Markdown table for
//! docs/benchmarks.md. Targets: PostgreSQL within 2× of SQLite for one user; every search ≤ 20 ms
//! on 100,000 units; no lost or double booking with 5 desks booking at once.
//!
//! A plain timing harness (not criterion): the five-desk case needs throughput and a p99 over
//! individual bookings, and each case is set up once per backend (a 100,000-unit office takes a
//! while to import).

use chrono::NaiveDate;
use domain::model::{ImportOutcome, UnitQuery};
use domain::move_in::{AppointmentStatus, BatchInput, PeriodPlan, StepData, StepKind, UnitSelection};
use domain::role::Session;
use services::{FirstAdmin, Location, Services, SignIn};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn clock() -> services::Clock {
    Arc::new(|| {
        chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+08:00")
            .unwrap_or_default()
            .to_utc()
    })
}

fn fail<T>(e: impl std::fmt::Display) -> T {
    panic!("{e}")
}

/// A backend under test: a new, empty database of it each time one is asked for.
enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Backend {
    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }

    /// A new, empty, migrated database: where it is.
    async fn new_database(&self, tag: &str) -> Location {
        match self {
            Backend::Sqlite(dir) => Location::File(dir.path().join(format!("{tag}-{}.db", serial()))),
            Backend::Postgres(admin) => Location::Postgres(store::testing::pg_empty_database(admin, tag).await),
        }
    }
}

fn serial() -> usize {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
}

/// A desk: services over its own pool of connections, signed in as the administrator.
async fn desk(at: &Location) -> (Services, Session) {
    let (store, _) = store::Store::open_at(at).await.unwrap_or_else(fail);
    let services = Services::new(store, clock());
    let s = match services
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
            .unwrap_or_else(fail),
    };
    (services, s)
}

async fn import(services: &Services, s: &Session, project: &str, units: usize, prefix: &str) {
    let bytes = domain::sample::workbook_numbered(project, units, prefix).unwrap_or_else(fail);
    let r = services.import_workbook(s, "bench.xlsx", &bytes).await.unwrap_or_else(fail);
    assert!(matches!(r, ImportOutcome::Imported { .. }), "{project} refused");
}

/// Median and the slowest of `runs` (the p99 of so few runs is their maximum).
fn stats(mut runs: Vec<Duration>) -> (Duration, Duration) {
    runs.sort();
    (runs[runs.len() / 2], runs[runs.len() - 1])
}

fn ms(d: Duration) -> String {
    let us = d.as_micros();
    format!("{}.{} ms", us / 1000, (us % 1000) / 100)
}

/// One result line: case → per backend (median, worst or p99, note).
struct Row {
    case: String,
    target: &'static str,
    results: Vec<(String, String)>,
}

async fn time<F, Fut>(runs: usize, mut f: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut v = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await;
        v.push(t.elapsed());
    }
    stats(v)
}

/// Import the 10,000-unit sample into a new database (three times; median and slowest).
async fn import_10k(b: &Backend) -> (Duration, Duration) {
    let mut v = Vec::new();
    for _ in 0..3 {
        let at = b.new_database("import").await;
        let (services, s) = desk(&at).await;
        let bytes = domain::sample::workbook("基准花园", 10_000).unwrap_or_else(fail);
        let t = Instant::now();
        let r = services.import_workbook(&s, "bench.xlsx", &bytes).await.unwrap_or_else(fail);
        v.push(t.elapsed());
        assert!(matches!(r, ImportOutcome::Imported { units: 10_000, .. }));
        services.store().close().await;
    }
    stats(v)
}

/// The searches of the 100,000-unit office (ten projects of 10,000): (name, median, slowest).
async fn searches(b: &Backend) -> Vec<(&'static str, Duration, Duration)> {
    let at = b.new_database("search").await;
    let (services, s) = desk(&at).await;
    for p in 0..10 {
        import(&services, &s, &format!("基准花园{p}期"), 10_000, &format!("P{p}-")).await;
    }
    let q = |search: &str| UnitQuery {
        search: Some(search.into()),
        page: 1,
        page_size: 50,
        ..Default::default()
    };
    let cases = [
        ("buyer name prefix 王伟", q("王伟")),
        ("unit number prefix 12-1", q("12-1")),
        ("phone / ID tail 8000", q("8000")),
        (
            "first page, no filter",
            UnitQuery {
                page: 1,
                page_size: 50,
                ..Default::default()
            },
        ),
        (
            "middle page (1,000 of 2,000), no filter",
            UnitQuery {
                page: 1_000,
                page_size: 50,
                ..Default::default()
            },
        ),
        (
            "last page, no filter",
            UnitQuery {
                page: 2_000,
                page_size: 50,
                ..Default::default()
            },
        ),
    ];
    let mut out = Vec::new();
    for (name, query) in cases {
        let found = services.search_units(&s, &query).await.unwrap_or_else(fail);
        assert!(found.total > 0 && !found.items.is_empty(), "{name} finds something");
        let (median, worst) = time(30, || async {
            services.search_units(&s, &query).await.unwrap_or_else(fail);
        })
        .await;
        out.push((name, median, worst));
    }
    services.store().close().await;
    out
}

/// A batch of buildings `from..to` (72 units each, 70 % sold) over `days` days, two periods of
/// `quota`.
async fn plan(services: &Services, s: &Session, name: &str, buildings: std::ops::Range<usize>, days: u32, quota: u32) -> i64 {
    let project = services.projects(s).await.unwrap_or_else(fail)[0].id;
    let ids = services
        .buildings(s, project)
        .await
        .unwrap_or_else(fail)
        .iter()
        .filter(|b| buildings.contains(&b.name.trim_end_matches('栋').parse::<usize>().unwrap_or(0)))
        .map(|b| b.id)
        .collect();
    let first = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    let period = |label: &str, starts: &str, ends: &str| PeriodPlan {
        label: label.into(),
        starts: starts.into(),
        ends: ends.into(),
        quota,
    };
    let input = BatchInput {
        project_id: project,
        name: name.into(),
        first_day: first,
        last_day: first + chrono::Duration::days(i64::from(days) - 1),
        place: "会所".into(),
        windows: 10,
        periods: vec![period("上午", "09:00", "12:00"), period("下午", "14:00", "17:30")],
        selection: UnitSelection {
            building_ids: ids,
            ..UnitSelection::default()
        },
    };
    services.create_batch(s, &input).await.unwrap_or_else(fail).batch.id
}

/// The progress board of a 10,000-unit project: 7,000 units in four batches, 1,000 delivered.
async fn board(b: &Backend) -> (Duration, Duration) {
    let at = b.new_database("board").await;
    let (services, s) = desk(&at).await;
    import(&services, &s, "基准花园", 10_000, "").await;
    let mut batches = vec![];
    for (i, r) in [1..36, 36..71, 71..106, 106..141].into_iter().enumerate() {
        batches.push(plan(&services, &s, &format!("第{}批", i + 1), r, 10, 60).await);
    }
    let mut p = services.procedure_settings(&s, 1).await.unwrap_or_else(fail);
    p.config.steps.iter_mut().for_each(|st| st.enabled = st.kind == StepKind::Identity);
    services.save_procedure_settings(&s, &p).await.unwrap_or_else(fail);
    let units = services.batch_detail(&s, batches[0]).await.unwrap_or_else(fail).units;
    let identity = StepData::Identity {
        by_agent: false,
        agent_name: String::new(),
        agent_id_tail: String::new(),
        authorization_seen: false,
    };
    for u in units.iter().take(1_000) {
        let m = services.check_in(&s, u.unit_id, u.version).await.unwrap_or_else(fail);
        services.do_step(&s, u.unit_id, m.version, &identity).await.unwrap_or_else(fail);
    }
    let board = services.board(&s, 1, None).await.unwrap_or_else(fail);
    assert_eq!(board.total.delivered, 1_000);
    let r = time(30, || async {
        services.board(&s, 1, None).await.unwrap_or_else(fail);
    })
    .await;
    services.store().close().await;
    r
}

/// Requote and save the quotes of 10,000 live contracts (three times).
async fn requote(b: &Backend) -> (Duration, Duration) {
    let at = b.new_database("requote").await;
    let (services, s) = desk(&at).await;
    import(&services, &s, "重算花园", 14_284, "").await;
    let project = services.projects(&s).await.unwrap_or_else(fail)[0].id;
    let r = time(3, || async {
        let r = services
            .requote_project(&s, project, "seed-example", None)
            .await
            .unwrap_or_else(fail);
        assert_eq!(r.saved, 10_000);
    })
    .await;
    services.store().close().await;
    r
}

/// Five desks (each its own app: its own pool) book a batch's 2,016 units at once into 40 slots
/// of 40 places (1,600 places: demand exceeds supply). Each desk books its share of the units, a
/// unit into the next slot that still has room (a full slot's refusal sends it to the next).
/// Returns (bookings per second, median and p99 of one booking call, bookings, refusals), after
/// checking that every slot's count equals its live bookings, no slot is over its quota, and
/// every successful booking is there exactly once.
async fn five_desks(b: &Backend) -> (u128, Duration, Duration, usize, usize) {
    let at = b.new_database("desks").await;
    let (services, s) = desk(&at).await;
    import(&services, &s, "基准花园", 10_000, "").await;
    let batch = plan(&services, &s, "第一批", 1..41, 20, 40).await;
    let detail = services.batch_detail(&s, batch).await.unwrap_or_else(fail);
    let slots: Vec<(i64, i64)> = detail.slots.iter().map(|x| (x.id, x.quota)).collect();
    let units: Vec<i64> = detail.units.iter().map(|u| u.unit_id).collect();
    const DESKS: usize = 5;
    let barrier = Arc::new(tokio::sync::Barrier::new(DESKS));
    let slots = Arc::new(slots);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for d in 0..DESKS {
        let (desk_services, desk_session) = desk(&at).await;
        let mine: Vec<i64> = units.iter().copied().skip(d).step_by(DESKS).collect();
        let (barrier, slots) = (barrier.clone(), slots.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let mut latencies = Vec::new();
            let (mut booked, mut refused) = (Vec::new(), 0usize);
            let mut next = 0;
            for unit in mine {
                while next < slots.len() {
                    let t = Instant::now();
                    let r = desk_services.book_slot(&desk_session, unit, slots[next].0, "", false).await;
                    latencies.push(t.elapsed());
                    match r {
                        Ok(_) => {
                            booked.push(unit);
                            break;
                        }
                        Err(e) if e.code == domain::ErrorCode::Conflict => {
                            refused += 1;
                            next += 1;
                        }
                        Err(e) => panic!("desk {d}: {e}"),
                    }
                }
            }
            desk_services.store().close().await;
            (latencies, booked, refused)
        }));
    }
    let (mut latencies, mut booked, mut refused) = (Vec::new(), Vec::new(), 0);
    for t in tasks {
        let (l, b, r) = t.await.unwrap_or_else(fail);
        latencies.extend(l);
        booked.extend(b);
        refused += r;
    }
    let elapsed = start.elapsed();
    // No lost or double booking.
    let after = services.batch_detail(&s, batch).await.unwrap_or_else(fail);
    let counted: i64 = after.slots.iter().map(|x| x.booked).sum();
    assert!(after.slots.iter().all(|x| x.booked <= x.quota), "a slot over its quota");
    let live: Vec<i64> = after
        .units
        .iter()
        .filter(|u| u.appointment_status == Some(AppointmentStatus::Booked))
        .map(|u| u.unit_id)
        .collect();
    booked.sort_unstable();
    let mut sorted = live.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, booked, "every successful booking is there, once");
    assert_eq!(
        usize::try_from(counted).unwrap_or_default(),
        booked.len(),
        "slot counts = live bookings"
    );
    let places: i64 = after.slots.iter().map(|x| x.quota).sum();
    assert_eq!(
        counted,
        places.min(i64::try_from(units.len()).unwrap_or_default()),
        "every place filled"
    );
    services.store().close().await;
    latencies.sort();
    let p99 = latencies[(latencies.len() * 99 / 100).min(latencies.len() - 1)];
    let median = latencies[latencies.len() / 2];
    let per_second = (booked.len() as u128 * 1_000_000) / elapsed.as_micros().max(1);
    (per_second, median, p99, booked.len(), refused)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing useful: run only
    // when benchmarking.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(fail);
    let mut backends = vec![Backend::Sqlite(tempfile::tempdir().unwrap_or_else(fail))];
    match store::testing::pg_url() {
        Some(url) => backends.push(Backend::Postgres(url)),
        None => eprintln!("HANDOVER_TEST_PG unset: SQLite only (run under bash .ci/pg.sh)"),
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut put = |case: String, target: &'static str, cell: String| match rows.iter_mut().find(|r| r.case == case) {
        Some(r) => r.results.push((String::new(), cell)),
        None => rows.push(Row {
            case,
            target,
            results: vec![(String::new(), cell)],
        }),
    };
    let only = std::env::var("HANDOVER_BENCH_ONLY").unwrap_or_default();
    let runs = |case: &str| only.is_empty() || only.split(',').any(|c| c.trim() == case);
    for b in &backends {
        eprintln!("== {}", b.name());
        if runs("import") {
            let (m, w) = rt.block_on(import_10k(b));
            put(
                "import of the 10,000-unit sample (one transaction)".into(),
                "—",
                format!("{} (slowest {})", ms(m), ms(w)),
            );
            eprintln!("import done");
        }
        if runs("search") {
            for (name, m, w) in rt.block_on(searches(b)) {
                put(
                    format!("search 100,000 units: {name}"),
                    "≤ 20 ms",
                    format!("{} (p99 {})", ms(m), ms(w)),
                );
            }
            eprintln!("searches done");
        }
        if runs("board") {
            let (m, w) = rt.block_on(board(b));
            put(
                "progress board, 10,000-unit project".into(),
                "≤ 100 ms",
                format!("{} (p99 {})", ms(m), ms(w)),
            );
            eprintln!("board done");
        }
        if runs("requote") {
            let (m, w) = rt.block_on(requote(b));
            put(
                "requote and save 10,000 contracts".into(),
                "—",
                format!("{} (slowest {})", ms(m), ms(w)),
            );
            eprintln!("requote done");
        }
        if !runs("desks") {
            continue;
        }
        let (rate, median, p99, booked, refused) = rt.block_on(five_desks(b));
        put(
            "5 desks booking at once: bookings/s".into(),
            "no lost or double booking",
            format!("{rate}/s ({booked} booked, {refused} full-slot refusals; none lost or doubled)"),
        );
        put(
            "5 desks booking at once: one booking, median (p99)".into(),
            "—",
            format!("{} ({})", ms(median), ms(p99)),
        );
    }
    println!(
        "| case | target | {} |",
        backends.iter().map(|b| b.name()).collect::<Vec<_>>().join(" | ")
    );
    println!("|---|---|{}", "---|".repeat(backends.len()));
    for r in rows {
        let cells: Vec<String> = r.results.into_iter().map(|(_, c)| c).collect();
        println!("| {} | {} | {} |", r.case, r.target, cells.join(" | "));
    }
}
