//! Golden tests: render with fixed inputs, then read the PDF back with poppler's `pdftotext` and
//! `pdffonts` (installed by .ci/deps.sh): every field and amount is there, the font is an embedded
//! subset, the file is small.

use handover_notices::fee_statement::{money, render, sample};
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
    let s = handover_notices::area_settlement::sample().expect("sample");
    let pdf = handover_notices::area_settlement::render(&s).expect("render");
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
    let k = handover_notices::key_handover::sample();
    let pdf = handover_notices::key_handover::render(&k).expect("render");
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
    assert_eq!(
        handover_notices::key_handover::render(&none).expect_err("no keys").code(),
        "missing_data"
    );
}

#[test]
fn certificate_pickup_says_where_when_and_what_to_bring() {
    let c = handover_notices::certificate_pickup::sample();
    let pdf = handover_notices::certificate_pickup::render(&c).expect("render");
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
