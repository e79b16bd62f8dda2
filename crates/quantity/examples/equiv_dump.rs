//! `cargo run --release -p tiqu-quantity --example equiv_dump -- OUT FILE...`: dump
//! `scan`, `scan_periods` and `scan_numbers` for every document (one JSON line per
//! result) so that two builds can be compared with `cmp`/`diff`.
//!
//! FILE is a `.txt` page (scanned raw and normalized), a `.jsonl` or a `.jsonl.gz`
//! (the `text` field of every line, normalized).  `TIQU_DUMP_MAX_BYTES` caps the text
//! taken from each file.

use std::io::{BufRead, BufReader, BufWriter, Read, Write};

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().expect("usage: equiv_dump OUT FILE...");
    let max: usize = std::env::var("TIQU_DUMP_MAX_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    let mut w = BufWriter::new(std::fs::File::create(out).expect("create OUT"));
    let (mut docs, mut nq, mut np, mut bytes) = (0usize, 0usize, 0usize, 0usize);
    let t0 = std::time::Instant::now();
    for file in args {
        let mut texts: Vec<(String, String)> = Vec::new();
        if file.ends_with(".txt") {
            let raw = std::fs::read_to_string(&file).expect("read page");
            texts.push((format!("{file}#norm"), tiqu_text::normalize(&raw).text));
            texts.push((format!("{file}#raw"), raw));
        } else {
            let f = std::fs::File::open(&file).expect("open corpus");
            let r: Box<dyn Read> = if file.ends_with(".gz") {
                Box::new(flate2::read::GzDecoder::new(f))
            } else {
                Box::new(f)
            };
            let mut taken = 0;
            for (n, line) in BufReader::new(r).lines().enumerate() {
                let line = line.expect("read line");
                let v: serde_json::Value = serde_json::from_str(&line).expect("json line");
                let Some(t) = v.get("text").and_then(|t| t.as_str()) else {
                    continue;
                };
                taken += t.len();
                texts.push((format!("{file}:{n}"), tiqu_text::normalize(t).text));
                if taken >= max {
                    break;
                }
            }
        }
        for (id, text) in texts {
            docs += 1;
            bytes += text.len();
            writeln!(w, "== {id}").unwrap();
            for q in tiqu_quantity::scan(&text) {
                nq += 1;
                writeln!(w, "Q {}", serde_json::to_string(&q).unwrap()).unwrap();
            }
            for p in tiqu_quantity::scan_periods(&text) {
                np += 1;
                writeln!(w, "P {}", serde_json::to_string(&p).unwrap()).unwrap();
            }
            for q in tiqu_quantity::scan_numbers(&text) {
                writeln!(w, "N {}", serde_json::to_string(&q).unwrap()).unwrap();
            }
        }
    }
    eprintln!(
        "{docs} documents, {bytes} bytes, {nq} quantities, {np} periods in {:.1?}",
        t0.elapsed()
    );
}
