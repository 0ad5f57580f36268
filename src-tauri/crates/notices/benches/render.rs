//! One notice (issue 4 target: ≤ 10 ms and ≤ 60 KB), and a batch of 200 move-in notices laid out
//! in parallel into one PDF. Run: `cargo bench -p notices`. The 2,000-unit batch and its
//! peak memory are measured end to end by `tests/bench/notices.sh`.

use criterion::{criterion_group, criterion_main, Criterion};
use notices::batch::Control;
use notices::{fee_statement, move_in_notice};
use std::hint::black_box;
use std::time::Duration;

fn one_notice(c: &mut Criterion) {
    notices::font().unwrap_or_else(|e| panic!("{e}")); // parsed once per process, as in the app
    let s = fee_statement::sample();
    let size = fee_statement::render(&s).unwrap_or_else(|e| panic!("{e}")).len();
    println!("fee statement: {size} bytes");
    c.bench_function("notices/fee_statement_one_page", |b| {
        b.iter(|| fee_statement::render(black_box(&s)).unwrap_or_else(|e| panic!("{e}")))
    });
    let n = move_in_notice::sample();
    let size = move_in_notice::render(&n).unwrap_or_else(|e| panic!("{e}")).len();
    println!("move-in notice: {size} bytes");
    c.bench_function("notices/move_in_notice_one_page", |b| {
        b.iter(|| move_in_notice::render(black_box(&n)).unwrap_or_else(|e| panic!("{e}")))
    });
}

fn batch(c: &mut Criterion) {
    let items: Vec<_> = (0..200)
        .map(|i| {
            let mut n = move_in_notice::sample();
            n.unit = format!("{}栋 {}-{:02}", i / 72 + 1, i % 72 / 4 + 1, i % 4 + 1);
            n.owners = vec![format!("业主{i}")];
            n
        })
        .collect();
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let mut g = c.benchmark_group("notices");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    for (name, combined) in [("batch_200_combined", true), ("batch_200_per_unit", false)] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let out = notices::batch::render(
                    "入伙通知书",
                    &items[0].letterhead,
                    &items,
                    combined,
                    threads,
                    &Control::new(),
                    &|_, _| {},
                )
                .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(out.pages, 200);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, one_notice, batch);
criterion_main!(benches);
