//! One fee statement (issue 4 target: ≤ 10 ms and ≤ 60 KB). Run: `cargo bench -p handover-notices`.

use criterion::{criterion_group, criterion_main, Criterion};
use handover_notices::fee_statement::{render, sample};
use std::hint::black_box;

fn one_statement(c: &mut Criterion) {
    let s = sample();
    handover_notices::font().unwrap_or_else(|e| panic!("{e}")); // parsed once per process, as in the app
    let size = render(&s).unwrap_or_else(|e| panic!("{e}")).len();
    println!("fee statement: {size} bytes");
    c.bench_function("notices/fee_statement_one_page", |b| {
        b.iter(|| render(black_box(&s)).unwrap_or_else(|e| panic!("{e}")))
    });
}

criterion_group!(benches, one_statement);
criterion_main!(benches);
