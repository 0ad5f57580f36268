//! Render the built-in sample fee statement: `cargo run -p handover-notices --example sample -- out.pdf`.
fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "fee-statement.pdf".into());
    match handover_notices::fee_statement::render(&handover_notices::fee_statement::sample()) {
        Ok(pdf) => {
            if let Err(e) = std::fs::write(&out, pdf) {
                eprintln!("{out}: {e}");
            }
        }
        Err(e) => eprintln!("{e}"),
    }
}
