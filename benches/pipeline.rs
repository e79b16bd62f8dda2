//! Whole-pipeline benchmark: `tiqu tag` against jieba-rs segmentation of
//! the same text, in the same run.
//!
//! ```sh
//! cargo bench --bench pipeline              # all of ../shared/corpus-ext/news (114 MB)
//! TIQU_BENCH_PARTS=1 cargo bench --bench pipeline   # the first news part only
//! ```
//!
//! It measures (a) jieba-rs `cut` with HMM over every line, single thread, as
//! the baseline; (b) the `tiqu tag` binary with the shipped rules (all labels)
//! at 1 thread and (c) at all threads; (d) peak RSS of `tiqu tag` on a small
//! and a large input; (e) start-up time (rule compile + dictionary load, on
//! an empty input). It prints the figures and the ratios the performance
//! issue sets as targets. Without `../shared` it says so and uses `corpus/`
//! repeated.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The benchmark text as JSON Lines files (written to a temp dir), and its
/// text size in bytes.
struct Corpus {
    files: Vec<PathBuf>,
    texts: Vec<String>,
    bytes: usize,
    source: String,
}

fn news_parts() -> Vec<PathBuf> {
    let dir = root().join("../shared/corpus-ext/news");
    let mut parts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(".jsonl.gz"))
                .collect()
        })
        .unwrap_or_default();
    parts.sort();
    parts
}

fn load_corpus(tmp: &Path) -> Corpus {
    let mut parts = news_parts();
    if let Some(n) = std::env::var("TIQU_BENCH_PARTS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        parts.truncate(n);
    }
    if !parts.is_empty() {
        let mut texts = Vec::new();
        for p in &parts {
            let f = std::fs::File::open(p).unwrap();
            let r = BufReader::new(flate2::read::MultiGzDecoder::new(f));
            for line in r.lines() {
                let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
                texts.push(v["text"].as_str().unwrap_or("").to_string());
            }
        }
        let bytes = texts.iter().map(String::len).sum();
        return Corpus {
            files: parts,
            texts,
            bytes,
            source: "../shared/corpus-ext/news (CCTV 新闻联播 transcripts)".into(),
        };
    }
    println!("note: ../shared/corpus-ext/news is absent; using corpus/ repeated 200 times");
    let mut texts = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(root().join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    for _ in 0..200 {
        for n in &names {
            texts.push(std::fs::read_to_string(n).unwrap());
        }
    }
    let path = tmp.join("corpus_x200.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    for (i, t) in texts.iter().enumerate() {
        writeln!(f, "{}", serde_json::json!({"id": i, "text": t})).unwrap();
    }
    let bytes = texts.iter().map(String::len).sum();
    Corpus {
        files: vec![path],
        texts,
        bytes,
        source: "corpus/ repeated 200 times".into(),
    }
}

/// Runs `tiqu` with `args`, returning (wall time, peak RSS in KiB).
fn run_tiqu(args: &[&str]) -> (Duration, u64) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tiqu"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tiqu runs");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path)
            && let Some(kb) = s
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "tiqu {args:?} failed");
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (started.elapsed(), peak)
}

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let tmp = tempfile::tempdir().unwrap();
    let corpus = load_corpus(tmp.path());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "text: {} — {} documents, {:.1} MB",
        corpus.source,
        corpus.texts.len(),
        corpus.bytes as f64 / 1e6
    );

    // (a) jieba-rs cut with HMM over every line.
    let jieba = jieba_rs::Jieba::new();
    let started = Instant::now();
    let mut tokens = 0usize;
    for t in &corpus.texts {
        for line in t.lines() {
            tokens += jieba.cut(line, true).len();
        }
    }
    let jieba_time = started.elapsed();
    assert!(tokens > 0);
    let jieba_mbps = mbps(corpus.bytes, jieba_time);
    println!(
        "(a) jieba-rs cut (HMM), 1 thread: {:.2} s, {jieba_mbps:.2} MB/s, {tokens} tokens",
        jieba_time.as_secs_f64()
    );

    // (b), (c): the tag pipeline at 1 and all threads.
    let out = tmp.path().join("out.jsonl");
    let out_s = out.to_string_lossy().to_string();
    let mut inputs: Vec<String> = corpus
        .files
        .iter()
        .map(|p| p.to_string_lossy().to_string())
        .collect();
    let mut args1: Vec<&str> = vec!["tag"];
    args1.extend(inputs.iter().map(String::as_str));
    args1.extend(["-o", &out_s, "-q", "--threads", "1"]);
    let (t1, rss_large) = run_tiqu(&args1);
    let tag1 = mbps(corpus.bytes, t1);
    println!(
        "(b) tiqu tag, 1 thread: {:.2} s, {tag1:.2} MB/s, peak RSS {} MB",
        t1.as_secs_f64(),
        rss_large / 1024
    );
    let n = threads.to_string();
    let mut argsn: Vec<&str> = vec!["tag"];
    argsn.extend(inputs.iter().map(String::as_str));
    argsn.extend(["-o", &out_s, "-q", "--threads", &n]);
    let (tn, _) = run_tiqu(&argsn);
    let tagn = mbps(corpus.bytes, tn);
    println!(
        "(c) tiqu tag, {threads} threads: {:.2} s, {tagn:.2} MB/s",
        tn.as_secs_f64()
    );

    // (d) peak RSS on a tenth of the text.
    let small = tmp.path().join("small.jsonl");
    {
        let mut f = std::fs::File::create(&small).unwrap();
        let mut written = 0usize;
        for (i, t) in corpus.texts.iter().enumerate() {
            if written * 10 >= corpus.bytes {
                break;
            }
            writeln!(f, "{}", serde_json::json!({"id": i, "text": t})).unwrap();
            written += t.len();
        }
    }
    inputs = vec![small.to_string_lossy().to_string()];
    let mut argss: Vec<&str> = vec!["tag"];
    argss.extend(inputs.iter().map(String::as_str));
    argss.extend(["-o", &out_s, "-q", "--threads", "1"]);
    let (_, rss_small) = run_tiqu(&argss);
    println!(
        "(d) peak RSS: {} MB on {:.1} MB, {} MB on {:.1} MB",
        rss_small / 1024,
        corpus.bytes as f64 / 10e6,
        rss_large / 1024,
        corpus.bytes as f64 / 1e6
    );

    // (e) start-up: rules compile (and dictionary load) on an empty input.
    let empty = tmp.path().join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let empty_s = empty.to_string_lossy().to_string();
    let mut best = Duration::MAX;
    for _ in 0..5 {
        best = best.min(run_tiqu(&["tag", &empty_s, "-o", &out_s, "-q"]).0);
    }
    println!("(e) start-up (best of 5): {:.3} s", best.as_secs_f64());

    println!();
    println!("| target | measured | met |");
    println!("|---|---|---|");
    let ratio1 = tag1 / jieba_mbps;
    println!(
        "| 1 thread ≥ 3× jieba-rs cut | {ratio1:.2}× | {} |",
        if ratio1 >= 3.0 { "yes" } else { "no" }
    );
    let scale = tagn / tag1;
    println!(
        "| {threads} threads ≥ 1.8× 1 thread | {scale:.2}× | {} |",
        if scale >= 1.8 { "yes" } else { "no" }
    );
    let growth = rss_large as f64 / rss_small.max(1) as f64;
    println!(
        "| peak RSS flat (large/small < 1.2) and < 300 MB | {growth:.2}, {} MB | {} |",
        rss_large / 1024,
        if growth < 1.2 && rss_large < 300 * 1024 {
            "yes"
        } else {
            "no"
        }
    );
    println!(
        "| start-up < 0.5 s | {:.3} s | {} |",
        best.as_secs_f64(),
        if best.as_secs_f64() < 0.5 {
            "yes"
        } else {
            "no"
        }
    );
}
