//! `cargo bench -p tiqu-quantity --bench scan`: throughput of `scan` and `scan_periods`
//! on the sample pages (`corpus/*.txt`, normalized) and on ~2 MB of news text
//! (`/work/shared/corpus-ext/news/xwlb_part06.jsonl.gz`, skipped if absent).

use std::hint::black_box;
use std::io::{BufRead, BufReader};
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const NEWS: &str = "/work/shared/corpus-ext/news/xwlb_part06.jsonl.gz";
const NEWS_BYTES: usize = 2_000_000;

fn pages() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    files
        .iter()
        .map(|p| tiqu_text::normalize(&std::fs::read_to_string(p).unwrap()).text)
        .collect()
}

fn news() -> Option<Vec<String>> {
    let f = std::fs::File::open(NEWS).ok()?;
    let mut out = Vec::new();
    let mut total = 0;
    for line in BufReader::new(flate2::read::GzDecoder::new(f)).lines() {
        let v: serde_json::Value = serde_json::from_str(&line.ok()?).ok()?;
        if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
            let t = tiqu_text::normalize(t).text;
            total += t.len();
            out.push(t);
        }
        if total >= NEWS_BYTES {
            break;
        }
    }
    Some(out)
}

fn bench_set(c: &mut Criterion, name: &str, docs: &[String]) {
    let bytes: usize = docs.iter().map(String::len).sum();
    let nq: usize = docs.iter().map(|d| tiqu_quantity::scan(d).len()).sum();
    let np: usize = docs
        .iter()
        .map(|d| tiqu_quantity::scan_periods(d).len())
        .sum();
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("scan", |b| {
        b.iter(|| {
            let n: usize = docs
                .iter()
                .map(|d| tiqu_quantity::scan(black_box(d)).len())
                .sum();
            assert_eq!(n, nq);
        });
    });
    g.bench_function("scan_periods", |b| {
        b.iter(|| {
            let n: usize = docs
                .iter()
                .map(|d| tiqu_quantity::scan_periods(black_box(d)).len())
                .sum();
            assert_eq!(n, np);
        });
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    bench_set(c, "pages", &pages());
    match news() {
        Some(docs) => bench_set(c, "news_2mb", &docs),
        None => eprintln!("{NEWS} not found: news benchmark skipped"),
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
