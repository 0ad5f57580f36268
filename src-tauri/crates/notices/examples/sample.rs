//! Render the built-in sample move-in notice with the sample logo and seal:
//! `cargo run -p notices --example sample -- out.pdf` (the CLI's `notices render --sample`
//! renders every document).
fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "move-in-notice.pdf".into());
    let mut n = notices::move_in_notice::sample();
    let logo = notices::layout::Image::decode(include_bytes!("../assets/sample-logo.png"), "徽标");
    let seal = notices::layout::Image::decode(include_bytes!("../assets/sample-seal.png"), "公章");
    n.letterhead.logo = logo.ok();
    n.letterhead.seal = seal.ok();
    match notices::move_in_notice::render(&n) {
        Ok(pdf) => {
            if let Err(e) = std::fs::write(&out, pdf) {
                eprintln!("{out}: {e}");
            }
        }
        Err(e) => eprintln!("{e}"),
    }
}
