//! End-to-end tests of the researcher tools that read a tag run back:
//! `tiqu kwic` and `tiqu report`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{corpus, run, tiqu};
use unicode_width::UnicodeWidthStr;

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

/// A small archive with what real ones have (dates, titles, line breaks,
/// CJK and ASCII mixed) and what an attacker could put in a corpus (markup
/// in the text, the title and the document id), plus two documents that
/// fail (a bad JSON line, a binary file). Tagged into `dir/t.jsonl`.
fn crafted(dir: &Path) -> (PathBuf, PathBuf) {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let lines = [
        r#"{"id":"a1","date":"2024-03-05","title":"<script>alert('t')</script>临汾","text":"临汾市推行“承诺制+标准地+全代办”改革<script>alert(1)</script>。\n今年以来，临汾市签约项目 52 个，签约额 221.23 亿元。"}"#,
        r#"{"id":"<img src=x onerror=alert(2)>","date":"2024-05-20","text":"运城市深化“三化三制”改革，加快培育新质生产力。运城市签约额 100 亿元。"}"#,
        r#"{"id":"a3","text":"太原市推进“承诺制+标准地+全代办”。\r\n太原市签约额 12 亿元。"}"#,
        r#"{"id":"bad""#,
    ];
    std::fs::write(input.join("news.jsonl"), lines.join("\n") + "\n").unwrap();
    std::fs::write(input.join("z.bin"), b"ab\0cd").unwrap();
    let out = dir.join("t.jsonl");
    run(tiqu()
        .arg("tag")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--quiet"));
    (input, out)
}

fn tsv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn kwic_tsv_has_the_columns_and_the_original_context() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = crafted(dir.path());
    let o = run(tiqu()
        .arg("kwic")
        .arg(&out)
        .args(["--format", "tsv", "--width", "12", "--source"])
        .arg(&input));
    let rows = tsv_rows(&stdout(&o));
    assert_eq!(
        rows[0],
        [
            "doc",
            "start",
            "end",
            "label",
            "canonical",
            "left",
            "match",
            "right"
        ]
    );
    assert!(rows.len() > 5, "{rows:?}");
    for r in &rows[1..] {
        assert_eq!(r.len(), 8, "{r:?}");
        let (start, end): (usize, usize) = (r[1].parse().unwrap(), r[2].parse().unwrap());
        assert!(start < end);
        assert_ne!(r[3], "article", "structure spans are left out by default");
        assert!(r[5].width() <= 12 && r[7].width() <= 12, "{r:?}");
    }
    let package: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[4] == "承诺制+标准地+全代办")
        .collect();
    assert_eq!(package.len(), 2, "{rows:?}");
    assert_eq!(package[0][0], "news.jsonl#a1");
    assert_eq!(package[0][3], "policy");
    assert_eq!(package[0][5], "临汾市推行“");
    assert_eq!(package[0][6], "承诺制+标准地+全代办");
    assert_eq!(package[0][7], "”改革<script", "12 columns");
    // Line breaks in the context are shown as ⏎ (CR LF as one).
    let taiyuan = rows
        .iter()
        .find(|r| r[0] == "news.jsonl#a3" && r[3] == "fact")
        .expect("a fact in a3");
    assert_eq!(taiyuan[5], "+全代办”。⏎", "{taiyuan:?}");
    assert!(!taiyuan[5].contains('\r'));

    // --label, --canonical and --rule select; --limit stops.
    let o = run(tiqu()
        .arg("kwic")
        .arg(&out)
        .args([
            "--format", "tsv", "-l", "fact", "--rule", "facts", "-n", "2",
        ])
        .arg("--source")
        .arg(&input));
    let rows = tsv_rows(&stdout(&o));
    assert_eq!(rows.len(), 3);
    assert!(rows[1..].iter().all(|r| r[3] == "fact"));
    let o = run(tiqu()
        .arg("kwic")
        .arg(&out)
        .args(["--format", "tsv", "-c", "三化三制", "--source"])
        .arg(&input));
    let rows = tsv_rows(&stdout(&o));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0], "news.jsonl#<img src=x onerror=alert(2)>");
    assert_eq!(rows[1][5], "运城市深化“");
}

#[test]
fn kwic_text_lines_align_by_display_width() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = crafted(dir.path());
    let width = 14;
    let text = stdout(&run(tiqu()
        .arg("kwic")
        .arg(&out)
        .args([
            "--width",
            &width.to_string(),
            "--color",
            "never",
            "--source",
        ])
        .arg(&input)));
    let tsv = stdout(&run(tiqu()
        .arg("kwic")
        .arg(&out)
        .args(["--width", &width.to_string(), "--format", "tsv", "--source"])
        .arg(&input)));
    let rows = tsv_rows(&tsv);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), rows.len() - 1);
    for (line, r) in lines.iter().zip(&rows[1..]) {
        // The left context ends, and the match starts, at the same column
        // on every line, whatever mix of CJK (2 columns) and ASCII.
        let (left, matched, right) = (&r[5], &r[6], &r[7]);
        let at = line
            .find(&format!("{left} {matched} {right}"))
            .unwrap_or_else(|| panic!("{line:?} lacks {r:?}"));
        assert_eq!(line[..at].trim_matches(' '), "", "{line:?}");
        assert_eq!(line[..at].width() + left.width(), width, "{line:?}");
        assert!(line.ends_with(&format!("  {}:{}", r[0], r[1])), "{line:?}");
        assert!(!line.contains('\x1b'), "no colour when asked");
    }
    // Colour on request: the match in bold red, and nothing else changes.
    let coloured = stdout(&run(tiqu()
        .arg("kwic")
        .arg(&out)
        .args([
            "--width",
            &width.to_string(),
            "--color",
            "always",
            "--source",
        ])
        .arg(&input)));
    assert!(coloured.contains("\x1b[1;31m承诺制+标准地+全代办\x1b[0m"));
}

#[test]
fn kwic_reads_csv_output_and_explains_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = crafted(dir.path());
    let csv = dir.path().join("t.csv");
    run(tiqu()
        .arg("tag")
        .arg(&input)
        .arg("-o")
        .arg(&csv)
        .args(["--format", "csv", "--quiet"]));
    let kwic = |output: &Path| {
        stdout(&run(tiqu()
            .arg("kwic")
            .arg(output)
            .args(["--format", "tsv", "--source"])
            .arg(&input)))
    };
    assert_eq!(kwic(&out), kwic(&csv));

    // No --source: a clear error that says what to pass.
    let o = tiqu().arg("kwic").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--source"), "{err}");
    // Nothing selected: exit 1, as grep does.
    let o = tiqu()
        .arg("kwic")
        .arg(&out)
        .args(["-c", "没有这个政策", "--source"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    // The wrong inputs: the records are skipped, and the message says why.
    let o = tiqu()
        .arg("kwic")
        .arg(&out)
        .arg("--source")
        .arg(corpus())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not in --source"), "{err}");
}

/// Markup that would act if it reached the page unescaped.
const ACTIVE: &[&str] = &[
    "<script",
    "<img",
    "<iframe",
    "<svg onload",
    "href=\"javascript",
];

/// References a page could load from outside itself.
const EXTERNAL: &[&str] = &[
    "src=\"",
    "src='",
    "href=\"http",
    "href='http",
    "href=\"//",
    "url(",
    "@import",
    "<link",
    "<object",
    "<embed",
];

#[test]
fn report_is_self_contained_escaped_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = crafted(dir.path());
    let html_path = dir.path().join("report.html");
    let o = run(tiqu()
        .arg("report")
        .arg(&out)
        .arg("-o")
        .arg(&html_path)
        .arg("--source")
        .arg(&input));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("with their sentence"), "{err}");
    let html = std::fs::read_to_string(&html_path).unwrap();

    // The sections.
    for id in ["summary", "policies", "indicators", "contexts", "failures"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "no #{id}");
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Content-Security-Policy"));
    // Corpus summary: 5 documents, 2 failed, with their reasons.
    assert!(html.contains("<tr><th>documents</th><td class=\"n\">5</td></tr>"));
    assert!(html.contains("<tr><th>failed</th><td class=\"n\">2</td></tr>"));
    assert!(html.contains("binary data: NUL byte at offset 2"));
    assert!(html.contains("bad JSON Lines record"));
    // Policies: the package, its two documents, charts by month and subject.
    assert!(html.contains("承诺制+标准地+全代办"));
    assert!(html.contains("2 mentions in 2 documents · first 2024-03-05 · last 2024-03-05"));
    assert!(html.contains("<title>2024-03: 1</title>"), "month bucket");
    assert!(html.contains("<title>undated: 1</title>"), "undated bucket");
    assert!(html.contains("<title>临汾市: 1</title>"), "subject bar");
    assert!(html.contains("<title>太原市: 1</title>"), "subject bar");
    assert!(html.matches("<svg class=\"chart\"").count() >= 3);
    assert!(html.contains("<rect class=\"bar\""));
    // Facts per indicator, linked to their sentence under Contexts.
    assert!(html.contains("签约额"));
    let n = html.matches("<li id=\"c").count();
    assert!(n >= 4, "{n} contexts");
    for i in 1..=n {
        assert!(
            html.contains(&format!("<a href=\"#c{i}\">")),
            "no link to c{i}"
        );
        assert!(html.contains(&format!("<li id=\"c{i}\">")));
    }
    assert!(html.contains("<mark>签约额 221.23 亿元</mark>"));

    // Corpus text is escaped everywhere: text, title, document id.
    let lower = html.to_lowercase();
    for bad in ACTIVE {
        assert!(!lower.contains(bad), "unescaped {bad}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;临汾"));
    assert!(html.contains("news.jsonl#&lt;img src=x onerror=alert(2)&gt;"));
    // Nothing is loaded from elsewhere.
    for ext in EXTERNAL {
        assert!(!lower.contains(ext), "external reference {ext}");
    }
}

#[test]
fn report_over_corpus_without_sources() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.jsonl");
    run(tiqu()
        .arg("tag")
        .arg(corpus())
        .arg("-o")
        .arg(&out)
        .arg("--quiet"));
    let html_path = dir.path().join("r.html");
    let o = run(tiqu()
        .arg("report")
        .arg(&out)
        .arg("-o")
        .arg(&html_path)
        .args(["--policies", "3", "--indicators", "2", "--rows", "4"]));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no --source"));
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("新质生产力"));
    assert!(html.contains("run <code>tiqu report … --source PATH...</code>"));
    // The caps hold: three policy sections, two indicator tables of ≤ 4 rows.
    assert_eq!(html.matches("<section class=\"policy\"").count(), 3);
    assert_eq!(html.matches("<section class=\"indicator\"").count(), 2);
    assert!(html.matches("<li id=\"c").count() <= 3 * 3 + 2 * 4);
    assert!(!html.contains("failures"), "no failed documents");

    // The manifest is needed.
    let o = tiqu()
        .arg("report")
        .arg(dir.path().join("missing.jsonl"))
        .arg("-o")
        .arg(&html_path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("manifest"));
}
