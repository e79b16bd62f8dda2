//! End-to-end tests of `tiqu discover` on a crafted corpus.

mod common;

use std::path::{Path, PathBuf};

use common::{run, tiqu};
use serde_json::Value;

/// Three dated JSON Lines documents and one text file. A made-up slogan,
/// “星火联办”机制, is in the three JSONL documents (twice in the third); a
/// made-up numbered formula, 五联工作机制, and an unquoted package with
/// unknown parts, 一窗受理+集成服务, in two. (The slogan follows 建立, 学习,
/// 用好: after 推行 or 推广 the shipped `quoted_measure` rule would know it.) 三化三制 (in the shipped
/// `numbered` lexicon) is in all three, and “五星十联”机制 (matched by the
/// shipped fallback rules for numbered formulas) in two; periods and
/// durations sit in quotes and before policy words.
fn corpus(dir: &Path) -> PathBuf {
    let root = dir.join("corpus");
    std::fs::create_dir_all(&root).unwrap();
    let docs = [
        (
            "a",
            "2024-01-05",
            "甲报",
            "临汾开发区用好“星火联办”机制，服务企业成效明显。全面推行五联工作机制。全面深化三化三制改革，完成“三化三制”各项任务。开展为期“三个月”的专项行动。推行“五星十联”机制。",
        ),
        (
            "b",
            "2024-03-01",
            "乙报",
            "运城市建立“星火联办”机制。落实五联工作机制。坚持三化三制改革不动摇。实施“十四五”规划，“一季度”工作要求全部完成。深化改革，一窗受理+集成服务改革全面推开。",
        ),
        (
            "c",
            "2023-12-31",
            "甲报",
            "晋城市学习“星火联办”机制经验，用好“星火联办”服务模式。实施两年行动，三化三制改革见效。深化改革，一窗受理+集成服务改革落地。开展三次招商活动。“五星十联”机制见效。",
        ),
    ];
    let jsonl: String = docs
        .iter()
        .map(|(id, date, source, text)| {
            serde_json::json!({"id": id, "date": date, "source": source, "text": text}).to_string()
                + "\n"
        })
        .collect();
    std::fs::write(root.join("news.jsonl"), jsonl).unwrap();
    std::fs::write(
        root.join("d.txt"),
        "今年以来，开展三次招商活动，实施三年行动。完成“三个月”攻坚行动。\n",
    )
    .unwrap();
    root
}

fn discover(args: &[&str], paths: &[&Path]) -> Vec<Value> {
    let out = run(tiqu()
        .arg("discover")
        .args(paths)
        .args(["--format", "jsonl"])
        .args(args));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn find<'a>(listed: &'a [Value], phrase: &str) -> Option<&'a Value> {
    listed.iter().find(|v| v["phrase"] == phrase)
}

#[test]
fn finds_the_made_up_slogan_with_counts_dates_and_entry() {
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path());
    let listed = discover(&["--threads", "1"], &[&root]);
    let phrases: Vec<&str> = listed.iter().filter_map(|v| v["phrase"].as_str()).collect();
    let v = find(&listed, "星火联办").unwrap_or_else(|| panic!("not listed: {phrases:?}"));
    assert_eq!(v["kind"], "quoted");
    assert_eq!(v["docs"], 3);
    assert_eq!(v["mentions"], 4);
    assert_eq!(v["sources"], 2);
    assert_eq!(v["first_date"], "2023-12-31");
    assert_eq!(v["last_date"], "2024-03-01");
    assert_eq!(v["lexicon"], "policy.mechanism");
    assert_eq!(v["lexicon_file"], "grammars/policy.rules");
    assert_eq!(v["entry"], "星火联办");
    let contexts = v["contexts"].as_array().unwrap();
    assert_eq!(contexts.len(), 3);
    assert!(
        contexts[0]["text"]
            .as_str()
            .unwrap()
            .contains("用好“[[星火联办]]”机制"),
        "{contexts:?}"
    );
    // It is the best candidate: most documents.
    assert_eq!(listed[0]["phrase"], "星火联办", "{phrases:?}");

    // The numbered formula named by a policy word.
    let n = find(&listed, "五联").unwrap_or_else(|| panic!("{phrases:?}"));
    assert_eq!(n["kind"], "numbered");
    assert_eq!(
        (n["docs"].as_u64(), n["mentions"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(n["lexicon"], "policy.numbered");
    assert_eq!(n["entry"], "五联");

    // The package with parts the rules do not know, and its entry for the
    // component lexicon.
    let p = find(&listed, "一窗受理+集成服务").unwrap_or_else(|| panic!("{phrases:?}"));
    assert_eq!(p["kind"], "package");
    assert_eq!(p["docs"], 2);
    assert_eq!(p["lexicon"], "policy.component");
    assert_eq!(p["entry"], "一窗受理 集成服务");

    // Covered by the shipped rules: not listed, whatever its shape.
    for covered in ["三化三制", "三化", "三制", "五星十联"] {
        assert!(find(&listed, covered).is_none(), "{covered}: {phrases:?}");
    }
    // Numbers, durations and periods are not slogans.
    for number in [
        "三个月",
        "十四五",
        "一季度",
        "两年",
        "两年行动",
        "三次",
        "三次招商",
        "三年",
    ] {
        assert!(find(&listed, number).is_none(), "{number}: {phrases:?}");
    }
}

#[test]
fn min_docs_and_limit() {
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path());
    let listed = discover(&["--min-docs", "3"], &[&root]);
    let phrases: Vec<&str> = listed.iter().filter_map(|v| v["phrase"].as_str()).collect();
    assert_eq!(phrases, ["星火联办"]);
    assert!(discover(&["--min-docs", "4"], &[&root]).is_empty());
    assert_eq!(discover(&["--limit", "1"], &[&root]).len(), 1);
}

#[test]
fn pasting_the_entry_makes_the_candidate_covered() {
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path());
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars/policy.rules");
    let text = std::fs::read_to_string(shipped).unwrap();
    let mut patched = text.clone();
    for (anchor, entry) in [
        ("lexicon numbered {\n", "五联"),
        ("lexicon mechanism {\n", "星火联办"),
    ] {
        assert!(text.contains(anchor));
        patched = patched.replacen(anchor, &format!("{anchor}    {entry}\n"), 1);
    }
    let rules = dir.path().join("policy.rules");
    std::fs::write(&rules, patched).unwrap();
    let before = discover(&["--rules", rules.to_str().unwrap()], &[&root]);
    assert!(find(&before, "星火联办").is_none(), "{before:?}");
    assert!(find(&before, "五联").is_none(), "{before:?}");
    // The other candidate is still there: only the pasted ones went.
    assert!(find(&before, "一窗受理+集成服务").is_some(), "{before:?}");
}

#[test]
fn same_output_with_one_and_two_threads_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path());
    let corpus_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for format in ["text", "tsv", "jsonl"] {
        let outputs: Vec<Vec<u8>> = ["1", "2"]
            .iter()
            .map(|t| {
                run(tiqu().arg("discover").arg(&root).arg(&corpus_dir).args([
                    "--min-docs",
                    "1",
                    "--threads",
                    t,
                    "--format",
                    format,
                ]))
                .stdout
            })
            .collect();
        assert!(!outputs[0].is_empty());
        assert_eq!(outputs[0], outputs[1], "{format}");
    }
}

#[test]
fn tsv_has_a_header_and_one_row_per_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let root = corpus(dir.path());
    let out = run(tiqu().arg("discover").arg(&root).args(["--format", "tsv"]));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(header[..4], ["rank", "phrase", "kind", "docs"]);
    let first: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(first.len(), header.len());
    assert_eq!(first[1], "星火联办");
}

/// Over the sample pages with the shipped rules it lists real phrases the
/// rules miss: the three parts of 三个一批.
#[test]
fn sample_pages_list_the_parts_of_san_ge_yi_pi() {
    let corpus_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let listed = discover(&[], &[&corpus_dir]);
    let phrases: Vec<&str> = listed.iter().filter_map(|v| v["phrase"].as_str()).collect();
    for p in ["签约一批", "开工一批", "投产一批"] {
        assert!(phrases.contains(&p), "{p}: {phrases:?}");
    }
    // Shipped lexicon entries are never listed.
    for p in ["三个一批", "三化三制", "标准地", "九通一平"] {
        assert!(!phrases.contains(&p), "{p}: {phrases:?}");
    }
}
