//! End-to-end tests of the `tiqu` binary.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::{corpus, run, tiqu};
use serde_json::Value;

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

/// Every record's `text` is the original text at its character offsets and
/// at its byte offsets.
#[test]
fn tag_corpus_spans_point_back_into_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("tags.jsonl");
    let o = run(tiqu().arg("tag").arg(corpus()).arg("-o").arg(&out_path));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("skipped 1 file(s) that are not documents: README.md"),
        "{stderr}"
    );
    let records = jsonl(&out_path);
    assert!(records.len() > 400, "{} records", records.len());
    let mut articles = std::collections::BTreeMap::<String, usize>::new();
    for r in &records {
        let doc = r["doc"].as_str().unwrap();
        let original = std::fs::read_to_string(corpus().join(doc)).unwrap();
        let (bs, be) = (
            r["byte_start"].as_u64().unwrap() as usize,
            r["byte_end"].as_u64().unwrap() as usize,
        );
        let (cs, ce) = (
            r["start"].as_u64().unwrap() as usize,
            r["end"].as_u64().unwrap() as usize,
        );
        let text = r["text"].as_str().unwrap();
        assert_eq!(&original[bs..be], text);
        let by_chars: String = original.chars().skip(cs).take(ce - cs).collect();
        assert_eq!(by_chars, text);
        if r["label"] == "article" {
            *articles.entry(doc.to_string()).or_default() += 1;
        }
    }
    let counts: Vec<usize> = articles.values().copied().collect();
    assert_eq!(counts, [2, 5, 2, 2, 2]);
    let manifest = jsonl(&dir.path().join("tags.jsonl.manifest.jsonl"));
    assert_eq!(manifest.len(), 5);
    assert!(manifest.iter().all(|m| m["status"] == "ok"));
}

/// Bad input never panics and never disappears: every document is in the
/// manifest, processed or with a reason.
#[test]
fn tag_accounts_for_every_bad_document() {
    let input = tempfile::tempdir().unwrap();
    let p = input.path();
    std::fs::write(p.join("a_empty.txt"), b"").unwrap();
    std::fs::write(
        p.join("b_binary.bin"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00garbage",
    )
    .unwrap();
    let (gb, _, _) = encoding_rs::GB18030.encode("临汾市签约项目 52 个，签约额 221.23 亿元。");
    std::fs::write(p.join("c_gb18030.txt"), &gb).unwrap();
    let mut bad = "临汾市开发区".as_bytes().to_vec();
    bad.extend_from_slice(b"\xff\xfe\xfd broken");
    std::fs::write(p.join("d_invalid_utf8.txt"), &bad).unwrap();
    // 50 MB on one line, no newline at all.
    let unit = "全市开发区签约项目52个，签约额221.23亿元，开工率50.4%；";
    let mut big = std::fs::File::create(p.join("e_huge_line.txt")).unwrap();
    let reps = 50_000_000 / unit.len() + 1;
    for _ in 0..reps {
        big.write_all(unit.as_bytes()).unwrap();
    }
    drop(big);
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(p.join("f_docs.jsonl.gz")).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all(
        "{\"id\":\"x1\",\"date\":\"2024-07-01\",\"text\":\"运城市签约项目117个。\"}\nnot json\n{\"id\":\"x3\"}\n"
            .as_bytes(),
    )
    .unwrap();
    gz.finish().unwrap();

    let out = tempfile::tempdir().unwrap();
    let out_path = out.path().join("t.jsonl");
    // Structure labels only: segmenting 50 MB in a debug build is slow and
    // not what this test is about.
    let o = run(tiqu()
        .arg("tag")
        .arg(p)
        .arg("-o")
        .arg(&out_path)
        .args(["--labels", "article,section"]));
    let manifest = jsonl(&out.path().join("t.jsonl.manifest.jsonl"));
    let status: Vec<(String, String)> = manifest
        .iter()
        .map(|m| {
            (
                m["doc"].as_str().unwrap().to_string(),
                m["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = [
        ("a_empty.txt", "ok"),
        ("b_binary.bin", "error"),
        ("c_gb18030.txt", "ok"),
        ("d_invalid_utf8.txt", "error"),
        ("e_huge_line.txt", "ok"),
        ("f_docs.jsonl.gz#x1", "ok"),
        ("f_docs.jsonl.gz#L2", "error"),
        ("f_docs.jsonl.gz#x3", "error"),
    ];
    let expect: Vec<(String, String)> = expect
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(status, expect);
    let reason = |id: &str| {
        manifest.iter().find(|m| m["doc"] == id).unwrap()["error"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(reason("b_binary.bin").contains("NUL byte"));
    assert!(reason("d_invalid_utf8.txt").contains("invalid UTF-8 at byte 18"));
    assert!(reason("f_docs.jsonl.gz#x3").contains("no `text` field"));
    let gb = manifest
        .iter()
        .find(|m| m["doc"] == "c_gb18030.txt")
        .unwrap();
    assert_eq!(gb["encoding"], "GB18030");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("8 documents: 4 ok (1 empty), 4 failed"),
        "{stderr}"
    );
}

/// The same input gives byte-identical output whatever the thread count.
#[test]
fn output_is_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2", "3"] {
        let p = dir.path().join(format!("t{threads}.jsonl"));
        run(tiqu()
            .arg("tag")
            .arg(corpus())
            .arg("-o")
            .arg(&p)
            .args(["--threads", threads, "-q"]));
        outputs.push(std::fs::read(&p).unwrap());
    }
    assert!(!outputs[0].is_empty());
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
}

#[test]
fn strict_fails_on_failed_documents() {
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("bin.dat"), b"\x00\x01\x02").unwrap();
    let out = tiqu()
        .arg("tag")
        .arg(input.path())
        .args(["-o", "-", "--strict", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = tiqu()
        .arg("tag")
        .arg(input.path().join("missing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));
}

/// A second rule file after one `--rules` lands among the inputs: it is
/// refused with a hint, not tagged as a document.
#[test]
fn a_rule_file_among_the_inputs_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("mine.rules");
    std::fs::write(
        &extra,
        "namespace mine\nrule r { match: 链长制 emit policy }\n",
    )
    .unwrap();
    for (verb, rest) in [
        ("tag", &["-o", "-", "--quiet"][..]),
        ("discover", &["--quiet"][..]),
    ] {
        let out = tiqu()
            .arg(verb)
            .arg("--rules")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars"))
            .arg(&extra)
            .arg(corpus())
            .args(rest)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{verb}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("is a rule file, not documents"),
            "{verb}: {stderr}"
        );
        assert!(
            stderr.contains("--rules a.rules --rules"),
            "{verb}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{verb}: nothing is written");
    }
    // A folder of rule files after one --rules, likewise.
    let out = tiqu()
        .arg("tag")
        .arg("--rules")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars"))
        .arg(dir.path())
        .args(["-o", "-", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a folder of rule files"));
}

/// `tiqu segment` keeps healed words and policy terms whole, and each
/// token's original offsets slice the file to the same text modulo
/// whitespace.
#[test]
fn segment_tokens_map_back() {
    let page = corpus().join("000_74bb4fe9bcfc2550.txt");
    let original = std::fs::read_to_string(&page).unwrap();
    let o = run(tiqu().arg("segment").arg("--json").arg(&page));
    let mut words = std::collections::HashSet::new();
    for line in String::from_utf8(o.stdout).unwrap().lines() {
        let s: Value = serde_json::from_str(line).unwrap();
        for t in s["tokens"].as_array().unwrap() {
            let word = t["word"].as_str().unwrap();
            let (bs, be) = (
                t["byte_start"].as_u64().unwrap() as usize,
                t["byte_end"].as_u64().unwrap() as usize,
            );
            let orig: String = original[bs..be]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            assert_eq!(orig, word);
            words.insert(word.to_string());
        }
    }
    for w in ["落实", "三大支撑", "三化三制", "四全工作法"] {
        assert!(
            words.contains(w)
                || words
                    .iter()
                    .any(|x| x.contains(w) && x.len() <= w.len() + 6),
            "{w} not whole"
        );
    }
}

/// A JSON Lines corpus of `n` small documents built from the sample pages.
fn synthetic_corpus(dir: &Path, n: usize) -> PathBuf {
    let mut sentences = Vec::new();
    for e in std::fs::read_dir(corpus()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            let t = std::fs::read_to_string(p).unwrap().replace('\n', "");
            sentences.extend(t.split('。').filter(|s| s.len() > 30).map(str::to_string));
        }
    }
    sentences.sort();
    let path = dir.join("docs.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    for i in 0..n {
        let text = format!(
            "{}。{}。",
            sentences[i % sentences.len()],
            sentences[(i * 7 + 3) % sentences.len()]
        );
        let line =
            serde_json::json!({"id": format!("d{i:04}"), "date": "2024-07-01", "text": text});
        writeln!(f, "{line}").unwrap();
    }
    path
}

/// `--shard I/N` runs together produce exactly the single run's records.
#[test]
fn shards_union_to_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic_corpus(dir.path(), 120);
    let whole = dir.path().join("whole.jsonl");
    run(tiqu()
        .arg("tag")
        .arg(&input)
        .arg("-o")
        .arg(&whole)
        .arg("-q"));
    let mut union: Vec<String> = Vec::new();
    let mut docs = 0;
    for i in 0..3 {
        let p = dir.path().join(format!("s{i}.jsonl"));
        run(tiqu().arg("tag").arg(&input).arg("-o").arg(&p).args([
            "-q",
            "--shard",
            &format!("{i}/3"),
        ]));
        let text = std::fs::read_to_string(&p).unwrap();
        union.extend(text.lines().map(str::to_string));
        let manifest = jsonl(&dir.path().join(format!("s{i}.jsonl.manifest.jsonl")));
        assert!(!manifest.is_empty(), "shard {i} is empty");
        docs += manifest.len();
    }
    let mut whole_lines: Vec<String> = std::fs::read_to_string(&whole)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    union.sort();
    whole_lines.sort();
    assert_eq!(docs, 120);
    assert_eq!(union, whole_lines);
}

/// A run killed with SIGKILL midway and continued with `--resume` writes
/// exactly what an uninterrupted run writes.
#[test]
fn killed_run_resumes_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let input = synthetic_corpus(dir.path(), 400);
    let out = dir.path().join("r.jsonl");
    let manifest = dir.path().join("r.jsonl.manifest.jsonl");
    let mut child = tiqu()
        .arg("tag")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["-q", "--threads", "1", "--batch-docs", "2"])
        .spawn()
        .unwrap();
    // Wait until part of the work is done, then kill it hard.
    let started = std::time::Instant::now();
    loop {
        let done = std::fs::read_to_string(&manifest)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if done >= 20 || started.elapsed() > std::time::Duration::from_secs(120) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    let partial = std::fs::read_to_string(&manifest).unwrap().lines().count();
    assert!(
        !status.success() && partial < 400,
        "the run finished before it could be killed ({partial} documents)"
    );
    let o =
        run(tiqu()
            .arg("tag")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .args(["--resume", "--threads", "2"]));
    assert!(String::from_utf8_lossy(&o.stderr).contains("were done by the interrupted run"));
    let fresh = dir.path().join("u.jsonl");
    run(tiqu()
        .arg("tag")
        .arg(&input)
        .arg("-o")
        .arg(&fresh)
        .arg("-q"));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&fresh).unwrap());
    assert_eq!(
        std::fs::read(&manifest).unwrap(),
        std::fs::read(dir.path().join("u.jsonl.manifest.jsonl")).unwrap()
    );
}

/// CSV output: a header and one row per record, the same records as JSONL.
#[test]
fn csv_output_has_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("t.jsonl");
    let c = dir.path().join("t.csv");
    run(tiqu().arg("tag").arg(corpus()).arg("-o").arg(&j).arg("-q"));
    run(tiqu()
        .arg("tag")
        .arg(corpus())
        .arg("-o")
        .arg(&c)
        .args(["-q", "--format", "csv"]));
    let records = jsonl(&j);
    let mut rdr = csv::Reader::from_path(&c).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), records.len());
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    for (row, rec) in rows.iter().zip(&records) {
        assert_eq!(row.get(col("text")).unwrap(), rec["text"].as_str().unwrap());
        assert_eq!(
            row.get(col("label")).unwrap(),
            rec["label"].as_str().unwrap()
        );
        assert_eq!(row.get(col("start")).unwrap(), rec["start"].to_string());
    }
}

/// Parquet output holds the same records as JSON Lines, readable with the
/// Rust parquet reader (pandas/DuckDB read the same file: see docs/output.md).
#[test]
fn parquet_output_reads_back() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("t.jsonl");
    let p = dir.path().join("t.parquet");
    run(tiqu().arg("tag").arg(corpus()).arg("-o").arg(&j).arg("-q"));
    run(tiqu().arg("tag").arg(corpus()).arg("-o").arg(&p).args([
        "-q",
        "--format",
        "parquet",
        "--batch-docs",
        "2",
    ]));
    let records = jsonl(&j);
    let reader = SerializedFileReader::new(std::fs::File::open(&p).unwrap()).unwrap();
    let meta = reader.metadata();
    assert_eq!(meta.file_metadata().num_rows() as usize, records.len());
    let schema = meta.file_metadata().schema_descr();
    let names: Vec<String> = schema
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    for col in [
        "doc",
        "start",
        "text",
        "label",
        "canonical",
        "normalized",
        "attrs_json",
    ] {
        assert!(names.iter().any(|n| n == col), "no column {col}: {names:?}");
    }
    let rows: Vec<_> = reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let text_col = names.iter().position(|n| n == "text").unwrap();
    let start_col = names.iter().position(|n| n == "start").unwrap();
    for (row, rec) in rows.iter().zip(&records) {
        let cols: Vec<_> = row.get_column_iter().map(|(_, f)| f.clone()).collect();
        match &cols[text_col] {
            parquet::record::Field::Str(s) => assert_eq!(s, rec["text"].as_str().unwrap()),
            other => panic!("text column holds {other:?}"),
        }
        assert_eq!(cols[start_col].to_string(), rec["start"].to_string());
    }
    let out = tiqu()
        .arg("tag")
        .arg(corpus())
        .args(["-o", "-", "--format", "parquet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
