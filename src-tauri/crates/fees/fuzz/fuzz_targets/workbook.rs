//! Any bytes as an import workbook, through the domain's sheet reader as the import and the CLI
//! call it. Must never panic or abort (no dense grid for a far-away cell, no unbounded unpacking).
//!
//! First byte even: the bytes are the file. Odd: the rest is the XML of the first sheet of a
//! two-sheet import workbook (zipped here with correct checksums), so the fuzzer reaches the sheet
//! parser and the streaming caps instead of stopping at a zip checksum.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::{Cursor, Read, Write};
use std::sync::OnceLock;

/// The parts of an import workbook with one row in each sheet.
fn parts() -> &'static Vec<(String, Vec<u8>)> {
    static PARTS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    PARTS.get_or_init(|| {
        let row = |r: &[&str]| vec![r.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
        let bytes = domain::sheet::import_workbook(
            row(&["翠湖苑", "1栋", "18", "有", "1-101", "1", "住宅", "89.50", "", "", "", ""]),
            row(&[
                "HT-1",
                "翠湖苑",
                "1栋",
                "1-101",
                "2025-03-01",
                "1500000",
                "16759.78",
                "",
                "",
                "",
                "张三",
                "",
                "11010519491231002X",
                "13800138000",
                "",
                "",
            ]),
        )
        .unwrap_or_default();
        let mut out = Vec::new();
        if let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) {
            for i in 0..zip.len() {
                if let Ok(mut f) = zip.by_index(i) {
                    let name = f.name().map(|n| n.to_string()).unwrap_or_default();
                    let mut data = Vec::new();
                    if f.read_to_end(&mut data).is_ok() {
                        out.push((name, data));
                    }
                }
            }
        }
        out
    })
}

fn with_sheet(xml: &[u8]) -> Option<Vec<u8>> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts() {
        w.start_file(name.as_str(), stored).ok()?;
        let data: &[u8] = if name == "xl/worksheets/sheet1.xml" { xml } else { data };
        w.write_all(data).ok()?;
    }
    Some(w.finish().ok()?.into_inner())
}

/// libFuzzer's panic hook aborts on any panic. A panic inside calamine (a known unchecked
/// multiplication on over-long cell references) is let unwind to the guard in `domain::sheet`,
/// which refuses the file; a panic anywhere else still aborts and is reported as a crash.
fn let_calamine_panics_unwind() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|l| l.file().contains("/calamine-")) {
                abort(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    let_calamine_panics_unwind();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let Some((&mode, rest)) = data.split_first() else { return };
    let file = if mode % 2 == 0 {
        data.to_vec()
    } else {
        let Some(file) = with_sheet(rest) else { return };
        file
    };
    if let Ok(Ok(plan)) = domain::sheet::read_workbook(&file, today) {
        for u in &plan.units {
            assert!(u.forecast_gross_area > rust_decimal::Decimal::ZERO);
            assert!(u.row >= 2 && u.row <= domain::sheet::MAX_SHEET_ROWS);
        }
    }
    let _ = domain::sheet::debug_rows(&file);
});
