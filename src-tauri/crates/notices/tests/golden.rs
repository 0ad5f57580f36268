//! Golden tests: render with fixed inputs, then read the PDF back with poppler's `pdftotext` and
//! `pdffonts` (installed by .ci/deps.sh): every field and amount is there, the font is an embedded
//! subset, the file is small.

use notices::fee_statement::{money, render, sample};
use std::process::Command;

/// A file name no other test thread uses at the same time.
fn unique(name: &str) -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    tempfile_dir().join(format!("{name}-{}-{n}.pdf", std::process::id()))
}

fn tool(name: &str, pdf: &[u8], args: &[&str]) -> String {
    let path = unique(name);
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new(name)
        .args(args)
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{name} is required (apt-get install poppler-utils): {e}"));
    let _ = std::fs::remove_file(&path);
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join("handover-notices-tests");
    std::fs::create_dir_all(&d).expect("tmp dir");
    d
}

fn fonts(pdf: &[u8]) -> String {
    let path = unique("fonts");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new("pdffonts")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("pdffonts is required (poppler-utils): {e}"));
    let _ = std::fs::remove_file(&path);
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn fee_statement_has_every_field_and_amount_and_a_subset_font() {
    let s = sample();
    assert_eq!(s.quote.items.len(), 6, "the sample quote computed");
    let pdf = render(&s).expect("render");
    assert!(pdf.starts_with(b"%PDF"));
    assert!(pdf.len() < 120_000, "subset font keeps the file small: {} bytes", pdf.len());
    let text = tool("pdftotext", &pdf, &["-layout", "-enc", "UTF-8"]);
    for needle in [
        "示例置业有限公司",
        "购房税费明细单",
        "示例花园",
        "1栋 1-101",
        "HT000001",
        "王喆",
        "李堃",
        "契税",
        "印花税",
        "不动产登记费",
        "证书工本费",
        "住宅专项维修资金",
        "交易手续费",
        "买受人（签字）",
        "第 1 页 / 共 1 页",
    ] {
        let squeeze = |t: &str| t.replace(char::is_whitespace, "");
        assert!(squeeze(&text).contains(&squeeze(needle)), "missing {needle} in:\n{text}");
    }
    for item in &s.quote.items {
        assert!(
            text.contains(&money(item.amount)),
            "amount {} of {} missing in:\n{text}",
            money(item.amount),
            item.name
        );
    }
    assert!(text.contains(&money(s.quote.total)), "total missing");
    assert!(
        text.replace(char::is_whitespace, "").contains(&s.quote.total_in_capitals),
        "capitals missing in:\n{text}"
    );
    let f = fonts(&pdf);
    let line = f
        .lines()
        .find(|l| l.contains("NotoSansSC") || l.contains('+'))
        .unwrap_or_else(|| panic!("no embedded font:\n{f}"));
    assert!(line.contains('+'), "subset fonts are named ABCDEF+Name (six letters, plus): {line}");
    assert!(line.contains("yes"), "embedded: {line}");
}

#[test]
fn three_copies_are_marked_and_long_text_wraps_onto_pages() {
    let mut s = sample();
    s.copies = 3;
    s.owners = vec!["欧阳".repeat(30)];
    let pdf = render(&s).expect("render");
    let text = tool("pdftotext", &pdf, &["-enc", "UTF-8"]);
    for mark in ["第一联 客户留存", "第二联 财务记账", "第三联 存档"] {
        assert!(text.contains(mark), "{mark} missing");
    }
    assert!(
        text.replace(char::is_whitespace, "").contains("共3页"),
        "one page per copy:\n{text}"
    );
}

#[test]
fn missing_owner_and_unknown_characters_are_refused() {
    let mut s = sample();
    s.owners.clear();
    assert_eq!(render(&s).expect_err("no owner").code(), "missing_data");
    let mut s = sample();
    s.owners = vec!["王\u{10FFFD}".into()];
    let e = render(&s).expect_err("character outside the font");
    assert_eq!(e.code(), "missing_glyph");
    assert!(e.to_string().contains("U+10FFFD"));
}

#[test]
fn area_settlement_prints_ratio_lines_and_the_double_refund() {
    let s = notices::area_settlement::sample().expect("sample");
    let pdf = notices::area_settlement::render(&s).expect("render");
    assert!(pdf.len() < 80_000, "{} bytes", pdf.len());
    let text = tool("pdftotext", &pdf, &["-layout", "-enc", "UTF-8"]);
    let flat = text.replace(char::is_whitespace, "");
    for needle in [
        "商品房面积差价结算单",
        "2栋2-1801",
        "HT000123",
        "赵珺",
        "100.00㎡",
        "95.00㎡",
        "-5.00%",
        "买受人可以退房",
        "-60,000.00",
        "-80,000.00",
        "-140,000.00",
        "出卖人返还买受人",
        "壹拾肆万元整",
        "第二十条",
    ] {
        assert!(
            flat.contains(&needle.replace(char::is_whitespace, "")),
            "missing {needle} in:\n{text}"
        );
    }
}

fn has_all(pdf: &[u8], needles: &[&str]) {
    let text = tool("pdftotext", pdf, &["-layout", "-enc", "UTF-8"]);
    let flat = text.replace(char::is_whitespace, "");
    for n in needles {
        assert!(flat.contains(&n.replace(char::is_whitespace, "")), "missing {n} in:\n{text}");
    }
}

#[test]
fn key_handover_lists_every_key_number_count_and_signature() {
    let k = notices::key_handover::sample();
    let pdf = notices::key_handover::render(&k).expect("render");
    has_all(
        &pdf,
        &[
            "钥匙交接单",
            "1栋 1-101",
            "王喆、李堃",
            "入户门钥匙",
            "A-1101-01",
            "A-1101-03",
            "信箱钥匙",
            "XB-1101-2",
            "门禁卡",
            "MJ0088124",
            "合计",
            "7",
            "业主（签字）",
            "物业经办人（签字）",
        ],
    );
    let mut none = k.clone();
    none.keys.clear();
    assert_eq!(notices::key_handover::render(&none).expect_err("no keys").code(), "missing_data");
}

#[test]
fn certificate_pickup_says_where_when_and_what_to_bring() {
    let c = notices::certificate_pickup::sample();
    let pdf = notices::certificate_pickup::render(&c).expect("render");
    has_all(
        &pdf,
        &[
            "不动产权证书领取通知单",
            "王喆、李堃",
            "粤（2026）广州市不动产权第0123456号",
            "2026-12-01",
            "2026-12-31",
            "示例花园销售中心二楼客服部",
            "全体产权人身份证原件",
            "商品房买卖合同原件",
            "领证人（签字）",
        ],
    );
}

#[test]
fn move_in_notice_has_slot_documents_amounts_and_capitals() {
    let n = notices::move_in_notice::sample();
    let pdf = notices::move_in_notice::render(&n).expect("render");
    assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
    assert_eq!(n.total(), rust_decimal::Decimal::new(809_975, 2), "7,160.00 + 939.75");
    has_all(
        &pdf,
        &[
            "入伙通知书",
            "尊敬的王喆、李堃业主",
            "示例花园1栋 1-101",
            "2026年12月5日至2026年12月7日",
            "HT000001",
            "第一批（1–2栋）",
            "2026-12-05 上午 09:00–12:00",
            "入伙大厅 1–5 号窗口",
            "020-87654321",
            "商品房买卖合同原件",
            "委托书",
            "专项维修资金",
            "7,160.00",
            "939.75",
            "8,099.75",
            "捌仟零玖拾玖元柒角伍分",
            "物业服务中心（签字）",
        ],
    );
    let mut unbooked = n.clone();
    unbooked.appointment = None;
    has_all(&notices::move_in_notice::render(&unbooked).expect("render"), &["尚未预约"]);
    let mut bad = n;
    bad.last_day = bad.first_day.pred_opt().expect("date");
    assert_eq!(notices::move_in_notice::render(&bad).expect_err("dates").code(), "missing_data");
}

#[test]
fn move_in_confirmation_lists_meters_keys_documents_and_paid_amounts() {
    let c = notices::move_in_confirmation::sample();
    let pdf = notices::move_in_confirmation::render(&c).expect("render");
    has_all(
        &pdf,
        &[
            "入伙确认书",
            "89.50 ㎡",
            "2026年12月5日",
            "SB-1101",
            "12.5",
            "DB-88001101",
            "321",
            "入户门钥匙 3 把",
            "住宅质量保证书",
            "住宅使用说明书",
            "8,099.75",
            "捌仟零玖拾玖元柒角伍分",
            "业主（签字）",
        ],
    );
}

fn letterhead_with_images() -> notices::layout::Letterhead {
    use notices::layout::Image;
    let mut lh = notices::sample_letterhead();
    lh.logo = Some(Image::decode(include_bytes!("../assets/sample-logo.png"), "徽标").expect("logo"));
    lh.seal = Some(Image::decode(include_bytes!("../assets/sample-seal.png"), "公章").expect("seal"));
    lh
}

#[test]
fn logo_and_seal_are_drawn_as_images() {
    let mut n = notices::move_in_notice::sample();
    n.letterhead = letterhead_with_images();
    let pdf = notices::move_in_notice::render(&n).expect("render");
    let path = unique("images");
    std::fs::write(&path, &pdf).expect("write");
    let out = Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
        .expect("pdfimages (poppler-utils)");
    let _ = std::fs::remove_file(&path);
    let list = String::from_utf8_lossy(&out.stdout);
    let images: Vec<&str> = list.lines().skip(2).collect();
    assert!(
        images.iter().any(|l| l.contains(" 64 ") && l.contains(" 64 ")),
        "logo 64×64 listed:\n{list}"
    );
    assert!(images.iter().any(|l| l.contains(" 128 ")), "seal 128×128 listed:\n{list}");
    has_all(&pdf, &["示例置业有限公司", "入伙通知书"]);
}

#[test]
fn corrupt_empty_or_foreign_images_are_refused_by_name() {
    use notices::layout::Image;
    let png = include_bytes!("../assets/sample-logo.png");
    let truncated = &png[..png.len() / 2];
    for (bytes, why) in [
        (&b""[..], "文件为空"),
        (&b"GIF89a...."[..], "不是 JPEG 或 PNG"),
        (truncated, "已损坏"),
    ] {
        let e = Image::decode(bytes, "徽标").expect_err(why);
        assert_eq!(e.code(), "bad_image");
        assert!(e.to_string().contains("徽标") && e.to_string().contains(why), "{e}");
    }
    let huge = vec![0x89u8; notices::layout::MAX_IMAGE_BYTES + 1];
    assert!(Image::decode(&huge, "公章").expect_err("too big").to_string().contains("10 MB"));
    // A 33-byte PNG whose header claims 60000×60000 is refused from the header, never decoded.
    let mut bomb = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    bomb.extend_from_slice(&60_000u32.to_be_bytes());
    bomb.extend_from_slice(&60_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    let e = Image::decode(&bomb, "公章").expect_err("huge dimensions");
    assert!(e.to_string().contains("公章") && e.to_string().contains("60000×60000"), "{e}");
}

mod batch {
    use super::*;
    use notices::batch::{render as batch, Control};
    use notices::move_in_notice::{sample, MoveInNotice};

    fn notices(n: usize) -> Vec<MoveInNotice> {
        (0..n)
            .map(|i| {
                let mut m = sample();
                m.unit = format!("{}栋 {}-{:03}", i % 3 + 1, i / 10 + 1, i);
                m.owners = vec![format!("业主{i}")];
                m
            })
            .collect()
    }

    #[test]
    fn combined_batch_has_every_unit_in_order_and_reports_failures_by_unit() {
        let mut items = notices(12);
        items[4].owners.clear();
        items[7].owners = vec!["王\u{10FFFD}".into()];
        let control = Control::new();
        let seen = std::sync::Mutex::new(Vec::new());
        let out = batch("入伙通知书", &items[0].letterhead, &items, true, 2, &control, &|d, t| {
            seen.lock().expect("lock").push((d, t));
        })
        .expect("batch");
        assert_eq!(control.done(), 12);
        assert_eq!(seen.lock().expect("lock").len(), 12, "progress after every item");
        assert_eq!(out.failures.len(), 2);
        assert!(out.failures[0].label == "2栋-1-004", "{:?}", out.failures);
        assert_eq!(out.failures[0].error.code(), "missing_data");
        assert_eq!(out.failures[1].error.code(), "missing_glyph");
        assert_eq!(out.files.len(), 1);
        assert_eq!(out.pages, 10);
        let text = tool("pdftotext", &out.files[0].1, &["-enc", "UTF-8"]);
        let order: Vec<usize> = (0..12)
            .filter(|i| *i != 4 && *i != 7)
            .map(|i| text.find(&format!("业主{i}业主")).unwrap_or_else(|| panic!("业主{i} missing")))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "input order kept");
        assert!(
            fonts(&out.files[0].1).matches("NotoSansSC").count() == 1,
            "the font is embedded once"
        );
    }

    #[test]
    fn per_unit_files_are_named_by_unit_and_owner() {
        let items = notices(5);
        let out = batch("入伙通知书", &items[0].letterhead, &items, false, 3, &Control::new(), &|_, _| {}).expect("batch");
        assert_eq!(out.files.len(), 5);
        assert_eq!(out.files[2].0, "3栋-1-002-业主2");
        has_all(&out.files[2].1, &["业主2", "3栋 1-002"]);
    }

    /// A notice whose layout panics (a program fault, not bad data).
    struct Faulty(MoveInNotice, bool);

    impl notices::batch::BatchDocument for Faulty {
        fn label(&self) -> String {
            self.0.label()
        }
        fn layout(&self) -> Result<notices::layout::Sheet, notices::NoticeError> {
            if self.1 {
                panic!("a fault inside layout");
            }
            notices::move_in_notice::layout(&self.0)
        }
    }

    #[test]
    fn a_panic_in_one_item_is_that_items_failure_and_the_rest_print() {
        use notices::batch::BatchDocument;
        let items: Vec<Faulty> = notices(6).into_iter().enumerate().map(|(i, n)| Faulty(n, i == 2)).collect();
        for combined in [true, false] {
            let out = batch(
                "入伙通知书",
                &items[0].0.letterhead,
                &items,
                combined,
                3,
                &Control::new(),
                &|_, _| {},
            )
            .expect("an answer, not a panic");
            assert_eq!(out.failures.len(), 1, "combined: {combined}");
            assert_eq!(
                (out.failures[0].label.as_str(), out.failures[0].error.code()),
                (items[2].label().as_str(), "internal")
            );
            assert_eq!(out.files.len(), if combined { 1 } else { 5 });
            assert_eq!(out.pages, 5);
        }
    }

    #[test]
    fn a_cancelled_batch_returns_nothing() {
        let items = notices(50);
        let control = Control::new();
        let r = batch("入伙通知书", &items[0].letterhead, &items, true, 2, &control, &|d, _| {
            if d == 3 {
                control.cancel();
            }
        });
        assert_eq!(r.expect_err("cancelled").code(), "cancelled");
        assert!(control.done() < 50);
    }
}

#[test]
fn inspection_form_has_results_defects_meters_signatures_and_copies() {
    let mut f = notices::inspection_form::sample();
    f.copies = 2;
    f.owner_signature = Some(notices::layout::Image::decode(include_bytes!("../assets/sample-seal.png"), "签名").expect("img"));
    let pdf = notices::inspection_form::render(&f).expect("render");
    has_all(
        &pdf,
        &[
            "交房验收单",
            "1栋 1-101",
            "王喆、李堃",
            "业主验房",
            "工程部 张工",
            "闭水试验 48 小时无渗漏",
            "不合格",
            "东墙空鼓约 0.3 ㎡",
            "总包",
            "2026-12-12",
            "SB-1101",
            "12.5",
            "共 2 项：合格 1 项，不合格 1 项",
            "第一联 业主留存",
            "第二联 物业存档",
            "业主（签字）",
            "工程人员（签字）",
        ],
    );
    let path = unique("sig");
    std::fs::write(&path, &pdf).expect("write");
    let out = Command::new("pdfimages").arg("-list").arg(&path).output().expect("pdfimages");
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().skip(2).count(),
        2 * 2,
        "the signature (and its alpha mask) once per copy"
    );
}

#[test]
fn rectification_notice_lists_open_defects_with_deadlines_and_thumbnails() {
    let n = notices::rectification_notice::sample();
    let pdf = notices::rectification_notice::render(&n).expect("render");
    has_all(
        &pdf,
        &[
            "整改通知单",
            "总包：",
            "下列 2 项问题",
            "其中 1 项已超过整改期限",
            "#1",
            "1栋 1-101",
            "土建 / 墙面 / 空鼓",
            "2026-12-06",
            "逾期 2 天",
            "紧急",
            "责任单位签收（签字）",
        ],
    );
    let mut none = n.clone();
    none.lines.clear();
    assert_eq!(
        notices::rectification_notice::render(&none).expect_err("empty").code(),
        "missing_data"
    );
}
