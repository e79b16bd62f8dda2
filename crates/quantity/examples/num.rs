//! `cargo run -p tiqu-quantity --example num -- TEXT...`: print quantities and periods.

fn main() {
    for text in std::env::args().skip(1) {
        println!("== {text}");
        for q in tiqu_quantity::scan(&text) {
            println!("  {q}");
        }
        for p in tiqu_quantity::scan_periods(&text) {
            println!("  {p}");
        }
    }
}
