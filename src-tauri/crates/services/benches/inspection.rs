//! Defect benchmarks (issue 6 targets): a 5,000-unit project with 50,000 defects — the defect
//! list filters in ≤ 50 ms; the 整改通知单 of one party with 2,000 open defects (thumbnails
//! included) renders in ≤ 3 s. Run: `cargo bench -p services --bench inspection`.

use criterion::{criterion_group, criterion_main, Criterion};
use domain::inspection::{DefectInput, DefectQuery, DefectStatus, InspectionKind, Severity};
use services::{self as services, Services};
use sha2::Digest;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn clock() -> services::Clock {
    Arc::new(|| {
        chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+08:00")
            .unwrap_or_default()
            .to_utc()
    })
}

const ITEMS: [(&str, &str); 10] = [
    ("客厅", "门窗"),
    ("客厅", "墙面"),
    ("客厅", "地面"),
    ("卧室", "门窗"),
    ("卧室", "墙面"),
    ("厨房", "给排水"),
    ("厨房", "燃气"),
    ("卫生间", "防水"),
    ("卫生间", "卫浴"),
    ("阳台", "地面"),
];
const PARTIES: [&str; 4] = ["总包", "分包", "精装", "设备厂家"];

fn defects(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (services, s, project) = rt.block_on(async {
        let (store, _) = store::Store::open(&dir.path().join("bench.db"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let services = Services::new(store, clock());
        let s = services
            .create_first_admin(&services::FirstAdmin {
                username: "admin".into(),
                display_name: String::new(),
                password: "benchmark-1".into(),
            })
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let bytes = domain::sample::workbook("基准花园", 5_000).unwrap_or_else(|e| panic!("{e}"));
        services
            .import_workbook(&s, "bench.xlsx", &bytes)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (services, s, 1_i64)
    });
    // One photo (and its thumbnail) shared by the defects of the last party.
    let png = include_bytes!("../../notices/assets/sample-logo.png");
    let hash = format!("{:x}", sha2::Sha256::digest(png));
    let thumb = image::load_from_memory(png)
        .unwrap_or_else(|e| panic!("{e}"))
        .thumbnail(240, 240)
        .to_rgb8();
    let mut thumbnail = std::io::Cursor::new(Vec::new());
    thumb
        .write_to(&mut thumbnail, image::ImageFormat::Jpeg)
        .unwrap_or_else(|e| panic!("{e}"));
    let thumbnail = thumbnail.into_inner();
    let started = Instant::now();
    rt.block_on(async {
        let store = services.store();
        let actor = store::Actor {
            user_id: None,
            username: "bench".into(),
            at: "2026-11-23T10:00:00+08:00".into(),
        };
        let template = {
            let t = domain::inspection::TemplateInput {
                project_id: project,
                unit_type: "住宅".into(),
                items: domain::inspection::default_items(),
            };
            store.save_template(&actor, &t).await.unwrap_or_else(|e| panic!("{e}"))
        };
        let mut n = 0_usize;
        for unit_id in 1..=5_000_i64 {
            let inspection = store
                .start_inspection(&actor, unit_id, InspectionKind::Owner, template)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            for (room, item) in ITEMS {
                // The last 200 units' defects (2,000) go to 设备厂家 with a photo; the rest rotate.
                let party = if unit_id > 4_800 { "设备厂家" } else { PARTIES[n % 3] };
                let input = DefectInput {
                    inspection_id: inspection,
                    room: room.into(),
                    item: item.into(),
                    category: [["土建", "安装", "精装"][n % 3].into(), item.into(), "问题".into()],
                    severity: [Severity::Urgent, Severity::Normal, Severity::Minor][n % 3],
                    party: party.into(),
                    deadline: chrono::NaiveDate::from_ymd_opt(2026, 11, 1 + (n % 28) as u32),
                    description: format!("{room}{item}存在问题，编号 {n}"),
                    pin: None,
                    photos: vec![],
                };
                let photos = if party == "设备厂家" {
                    vec![store::NewPhoto {
                        hash: hash.clone(),
                        file_name: "p.png".into(),
                        ext: "png".into(),
                        bytes: png.len() as i64,
                        content: png.to_vec(),
                        thumbnail: thumbnail.clone(),
                    }]
                } else {
                    vec![]
                };
                store
                    .raise_defect(
                        &actor,
                        &store::NewDefect {
                            project_id: project,
                            unit_id,
                            input,
                            photos,
                        },
                    )
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                n += 1;
            }
        }
        assert_eq!(n, 50_000);
    });
    println!("setup: 5,000 inspections and 50,000 defects in {:?}", started.elapsed());
    let mut g = c.benchmark_group("defects");
    let query = |q: DefectQuery| {
        let services = services.clone();
        let s = s.clone();
        let rt = &rt;
        move || rt.block_on(services.defects(&s, &q)).unwrap_or_else(|e| panic!("{e}"))
    };
    let by_party_overdue = query(DefectQuery {
        project_id: project,
        party: Some("分包".into()),
        overdue_only: true,
        limit: Some(500),
        ..DefectQuery::default()
    });
    g.bench_function("filter_party_overdue_first_500_of_50k", |b| {
        b.iter(|| assert_eq!(by_party_overdue().len(), 500))
    });
    let by_unit = query(DefectQuery {
        project_id: project,
        unit_id: Some(2_500),
        ..DefectQuery::default()
    });
    g.bench_function("filter_one_unit_of_50k", |b| b.iter(|| assert_eq!(by_unit().len(), 10)));
    let by_category_status = query(DefectQuery {
        project_id: project,
        category: Some("精装".into()),
        status: Some(DefectStatus::Pending),
        limit: Some(500),
        ..DefectQuery::default()
    });
    g.bench_function("filter_category_and_status_first_500_of_50k", |b| {
        b.iter(|| assert_eq!(by_category_status().len(), 500))
    });
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.bench_function("rectification_notice_2000_defects_with_thumbnails", |b| {
        b.iter(|| {
            let pdf = rt
                .block_on(services.rectification_notice_pdf(&s, project, "设备厂家"))
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(pdf.len() > 100_000);
        })
    });
    g.finish();
}

criterion_group!(benches, defects);
criterion_main!(benches);
