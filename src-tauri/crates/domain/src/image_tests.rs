use super::*;

/// A PNG signature and IHDR chunk claiming `w`×`h` (no pixel data follows).
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut b = PNG_MAGIC.to_vec();
    b.extend_from_slice(&13u32.to_be_bytes());
    b.extend_from_slice(b"IHDR");
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    b
}

/// A JPEG with an APP0 segment and then a baseline frame header claiming `w`×`h`.
fn jpeg_header(w: u16, h: u16) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    b.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    b.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    b
}

#[test]
fn reads_dimensions_from_png_and_jpeg_headers() {
    let h = check("logo", "徽标", &png_header(640, 480)).expect("png");
    assert_eq!((h.format, h.width, h.height), (Format::Png, 640, 480));
    let h = check("photo", "照片", &jpeg_header(4000, 3000)).expect("jpeg");
    assert_eq!((h.format, h.width, h.height), (Format::Jpeg, 4000, 3000));
    assert_eq!((h.format.ext(), h.format.mime()), ("jpg", "image/jpeg"));
}

#[test]
fn a_huge_dimension_header_is_refused_before_decoding() {
    // 60000×60000 RGBA would be 14 GB once decoded; the file is 33 bytes.
    let tiny = png_header(60_000, 60_000);
    assert!(tiny.len() < 64);
    let e = check("floor_plan", "户型图", &tiny).expect_err("too many pixels");
    assert_eq!(e.field.as_deref(), Some("floor_plan"));
    assert!(e.message.contains("户型图") && e.message.contains("60000×60000"), "{}", e.message);
    // Each limit on its own: one side too long, or too many pixels in total.
    assert!(check("x", "x", &png_header(10_001, 10)).is_err());
    assert!(check("x", "x", &png_header(10_000, 10)).is_ok());
    assert!(check("x", "x", &jpeg_header(8000, 6000))
        .expect_err("48 MP")
        .message
        .contains("4000 万像素"));
    assert!(check("x", "x", &png_header(8000, 5000)).is_ok(), "exactly 40 MP");
}

#[test]
fn foreign_formats_corrupt_headers_and_empty_files_are_refused_by_name() {
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec();
    let webp = b"RIFF\x24\x00\x00\x00WEBPVP8 ".to_vec();
    for (bytes, why) in [
        (gif, "不是 JPEG 或 PNG"),
        (webp, "不是 JPEG 或 PNG"),
        (b"\x89PNG\r\n\x1a\n not really".to_vec(), "已损坏"),
        (b"\x89PNG not really".to_vec(), "已损坏"),
        (vec![0xFF, 0xD8, 0x00, 0x00], "已损坏"),
        (b"\x89PNG\r\n\x1a\n".to_vec(), "已损坏"),
        (png_header(0, 10), "已损坏"),
        (vec![0xFF, 0xD8, 0xFF, 0xDA, 0, 2], "已损坏"),
        (vec![0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF], "已损坏"),
        (vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01], "已损坏"),
        (jpeg_header(10, 10)[..22].to_vec(), "已损坏"),
        (vec![], "文件为空"),
    ] {
        let e = check("seal", "公章", &bytes).expect_err(why);
        assert_eq!(e.field.as_deref(), Some("seal"));
        assert!(e.message.starts_with("公章") && e.message.contains(why), "{why}: {}", e.message);
    }
}

#[test]
fn the_file_size_limit_is_checked_first() {
    let small = Limits { max_bytes: 16, ..LIMITS };
    let e = check_with("logo", "徽标", &png_header(1, 1), &small).expect_err("over 16 bytes");
    assert!(e.message.contains("文件过大"), "{}", e.message);
    assert!(check_size("logo", "徽标", LIMITS.max_bytes, &LIMITS).is_ok());
    assert!(check_size("logo", "徽标", LIMITS.max_bytes + 1, &LIMITS)
        .expect_err("10 MB + 1")
        .message
        .contains("10 MB"));
}

#[test]
fn no_input_panics() {
    // Every prefix of valid headers and some arbitrary bytes: an answer, never a panic.
    let mut inputs = vec![png_header(3, 3), jpeg_header(3, 3)];
    inputs.push((0u8..=255).collect());
    inputs.push(vec![0xFF; 300]);
    for b in &inputs {
        for n in 0..=b.len() {
            let _ = check("x", "x", &b[..n]);
        }
    }
    let mut odd = vec![0xFF, 0xD8];
    odd.extend(std::iter::repeat_n(0xFF, 1000));
    assert!(check("x", "x", &odd).is_err());
}

#[test]
fn an_uploads_name_is_a_bare_name_for_display_and_its_length_is_known_before_decoding() {
    let up = |name: &str, data: &str| Upload {
        file_name: name.into(),
        data_base64: data.into(),
    };
    assert_eq!(up("墙面.jpg", "").display_name(), "墙面.jpg");
    assert_eq!(up("C:\\Users\\王\\墙面.jpg", "").display_name(), "墙面.jpg");
    assert_eq!(up("../../etc/passwd", "").display_name(), "passwd");
    assert_eq!(up("a\u{0}\nb.png", "").display_name(), "ab.png");
    assert_eq!(up("dir/", "").display_name(), "未命名");
    assert_eq!(up(&"长".repeat(300), "").display_name().chars().count(), 100);
    // "AAAA" is 3 bytes, "AAA=" 2, "AA==" 1.
    assert_eq!(
        (
            up("", "AAAA").decoded_len(),
            up("", "AAA=").decoded_len(),
            up("", "AA==").decoded_len()
        ),
        (3, 2, 1)
    );
    assert!(
        !format!("{:?}", up("x.png", &"A".repeat(4000))).contains("AAAA"),
        "Debug leaves the content out"
    );
}
