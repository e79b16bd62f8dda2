//! The shipped rule set: its inline examples pass, the embedded copy matches
//! `grammars/`, and a snapshot of every hit over `corpus/` (one per line, with
//! original spans) shows any change in what the rules find.
//!
//! Update the snapshot after an intended change with
//! `INSTA_UPDATE=always cargo test --test shipped_rules` and review the diff.

use std::path::Path;
use std::process::Command;

fn tiqu() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tiqu"))
}

#[test]
fn every_inline_example_passes() {
    let out = tiqu().arg("test").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
fn shipped_rules_check_without_warnings() {
    let out = tiqu().arg("check").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("; 0 warning(s)"), "{stderr}");
}

/// The embedded list in `src/shipped.rs` names every rule and lexicon file
/// under `grammars/`, so the binary and the repository agree.
#[test]
fn embedded_rule_files_match_grammars_dir() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut on_disk = Vec::new();
    for dir in ["grammars", "grammars/lexicons"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "rules" || x == "lex") {
                on_disk.push(format!(
                    "{dir}/{}",
                    p.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    on_disk.sort();
    let src = std::fs::read_to_string(root.join("src/shipped.rs")).unwrap();
    let mut embedded: Vec<String> = src
        .split("include_str!(\"../")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect();
    embedded.sort();
    assert_eq!(embedded, on_disk);
}

#[test]
fn corpus_hits_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("t.jsonl");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let o = tiqu()
        .arg("tag")
        .arg(&corpus)
        .arg("-o")
        .arg(&out_path)
        .args(["--threads", "2", "-q"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let mut lines = Vec::new();
    for l in std::fs::read_to_string(&out_path).unwrap().lines() {
        let r: serde_json::Value = serde_json::from_str(l).unwrap();
        if r["label"] == "article" {
            continue;
        }
        let doc = r["doc"].as_str().unwrap();
        let original = std::fs::read_to_string(corpus.join(doc)).unwrap();
        let (bs, be) = (
            r["byte_start"].as_u64().unwrap() as usize,
            r["byte_end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&original[bs..be], r["text"].as_str().unwrap());
        let mut attrs: Vec<String> = r["attrs"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        attrs.sort();
        lines.push(format!(
            "{}\t{}..{}\t{}\t{}\t{:?}\t{}",
            &doc[..3],
            r["start"],
            r["end"],
            r["label"].as_str().unwrap(),
            r["rule"].as_str().unwrap(),
            r["text"].as_str().unwrap(),
            attrs.join(" ")
        ));
    }
    insta::assert_snapshot!(lines.join("\n"));
}
