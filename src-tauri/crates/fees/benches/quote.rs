//! One quote (target ≤ 20 µs). Run: `cargo bench -p fees --bench quote`.

use criterion::{criterion_group, criterion_main, Criterion};
use fees::quote::{quote, QuoteRequest};
use fees::rules::RuleBook;
use std::hint::black_box;

fn one_quote(c: &mut Criterion) {
    let book = RuleBook::shipped().unwrap_or_else(|e| panic!("{e}"));
    let req: QuoteRequest = fees::parse_json(
        r#"{"region":"shenzhen","contract_date":"2025-03-01","property_type":"residential","buyer_type":"individual","homes_owned":1,"gross_area":"143.27","price":"8700000.00","vat_rate":"0.09","elevator":true,"certificates":2,"maintenance_fund":{"per_m2":"95.00"}}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("quote/one_second_home_shenzhen", |b| {
        b.iter(|| quote(black_box(&book), black_box(&req)).unwrap_or_else(|e| panic!("{e}")))
    });
    c.bench_function("rules/load_and_resolve_shipped", |b| {
        b.iter(|| RuleBook::shipped().unwrap_or_else(|e| panic!("{e}")))
    });
}

criterion_group!(benches, one_quote);
criterion_main!(benches);
