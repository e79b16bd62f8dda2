//! `tiqu check`, `tiqu test`, `tiqu explain`: tools for rule authors.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use tiqu_rules::{CompileErrors, RuleSet, Severity};
use tiqu_seg::Segmenter;
use tiqu_text::Prepared;

use crate::shipped;

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints every diagnostic of a failed compile; returns the exit code.
pub fn report_errors(e: &CompileErrors) -> ExitCode {
    for d in &e.diagnostics {
        eprintln!("{}", d.render(color()));
    }
    let errors = e
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    eprintln!("error: {errors} error(s); the rule set does not compile");
    ExitCode::from(1)
}

/// A rule file among the documents to read is almost always a second rule
/// file written after one `--rules` (`--rules a.rules b.rules in/`): clap
/// takes it as an input, and it would be tagged as a document. Refuse, and
/// say how to write it (exit code 2, like rules that do not compile).
pub fn reject_rule_files_as_inputs(paths: &[PathBuf]) -> Result<(), ExitCode> {
    let is_rule_file = |p: &Path| p.is_file() && p.extension().is_some_and(|e| e == "rules");
    // A folder of rules holds `*.rules` files directly (that is what
    // `--rules DIR` loads); a folder of documents does not.
    let holds_rules = |p: &Path| {
        p.is_dir()
            && std::fs::read_dir(p)
                .is_ok_and(|entries| entries.flatten().any(|e| is_rule_file(&e.path())))
    };
    let Some(p) = paths.iter().find(|p| is_rule_file(p) || holds_rules(p)) else {
        return Ok(());
    };
    let what = if p.is_dir() {
        "a folder of rule files"
    } else {
        "a rule file"
    };
    eprintln!(
        "error: `{}` is {what}, not documents to read\n  help: give each rule file or folder its own --rules: `--rules a.rules --rules {}`",
        p.display(),
        p.display()
    );
    Err(ExitCode::from(2))
}

/// Loads rules, printing warnings; `None` (with diagnostics printed) on error.
pub fn load_rules(paths: &[PathBuf], show_warnings: bool) -> Result<RuleSet, ExitCode> {
    match shipped::load(paths) {
        Ok(set) => {
            if show_warnings {
                for w in &set.warnings {
                    eprintln!("{}", w.render(color()));
                }
            }
            Ok(set)
        }
        Err(e) => Err(report_errors(&e)),
    }
}

/// A segmenter with the rule set's lexicon words, if any rule needs tokens.
pub fn segmenter_for(set: &RuleSet) -> Option<Segmenter> {
    set.needs_tokens().then(|| {
        let mut seg = Segmenter::new();
        add_lexicon_words(&mut seg, set);
        seg
    })
}

/// Adds the rule set's lexicon words to the segmenter, so that a name the
/// rules know (国家级经开区, 承诺制) is one token. A word the dictionary
/// lacks is tagged `nz` (a proper noun), not left untagged: an untagged
/// token would fail every `tok(pos~…)` test and cut a counted noun or an
/// indicator short.
pub fn add_lexicon_words(seg: &mut Segmenter, set: &RuleSet) {
    for w in set.lexicon_words() {
        seg.add_word(&w, None, Some("nz"));
    }
}

/// The rule named by `--rule`, if any.
fn rule_filter(set: &RuleSet, rule: Option<&str>) -> Result<Option<usize>> {
    rule.map(|r| {
        set.rule_id(r)
            .with_context(|| format!("no rule `{r}` in the rule set"))
    })
    .transpose()
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Rule files or directories (default: the shipped rule set).
    files: Vec<PathBuf>,
}

pub fn check(args: CheckArgs) -> Result<ExitCode> {
    let set = match load_rules(&args.files, true) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let terms: usize = set.lexicons.iter().map(|l| l.entries.len()).sum();
    let examples: usize = set
        .rules
        .iter()
        .map(|r| r.examples.len() + r.counters.len())
        .sum();
    eprintln!(
        "ok: {} rules, {} lexicons ({} entries), {} labels, {} examples; {} warning(s)",
        set.rules.len(),
        set.lexicons.len(),
        terms,
        set.labels.len(),
        examples,
        set.warnings.len()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Rule files or directories (default: the shipped rule set).
    files: Vec<PathBuf>,
    /// Only this rule (full id `namespace.name` or its unique name).
    #[arg(long)]
    rule: Option<String>,
}

pub fn test(args: TestArgs) -> Result<ExitCode> {
    let set = match load_rules(&args.files, false) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let only = rule_filter(&set, args.rule.as_deref())?;
    let seg = segmenter_for(&set);
    let results = set.run_examples(seg.as_ref(), only);
    let mut per_rule: BTreeMap<usize, Vec<&tiqu_rules::examples::ExampleResult>> = BTreeMap::new();
    for r in &results {
        per_rule.entry(r.rule).or_default().push(r);
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    for (rid, rs) in &per_rule {
        let rule = &set.rules[*rid];
        let fails: Vec<_> = rs.iter().filter(|r| !r.passed).collect();
        let pos = rs.iter().filter(|r| r.positive).count();
        let neg = rs.len() - pos;
        if fails.is_empty() {
            println!(
                "ok    {:<36} {pos} example(s), {neg} counter-example(s)",
                rule.id
            );
        } else {
            println!(
                "FAIL  {:<36} {} of {} failed",
                rule.id,
                fails.len(),
                rs.len()
            );
            for f in fails {
                println!(
                    "      {} {} {:?}\n        {}",
                    f.location,
                    if f.positive { "example" } else { "counter" },
                    f.text,
                    f.message.as_deref().unwrap_or("")
                );
            }
        }
        passed += rs.iter().filter(|r| r.passed).count();
        failed += rs.iter().filter(|r| !r.passed).count();
    }
    let without: Vec<&str> = set
        .rules
        .iter()
        .enumerate()
        .filter(|(i, r)| only.is_none_or(|o| o == *i) && r.examples.is_empty())
        .map(|(_, r)| r.id.as_str())
        .collect();
    if !without.is_empty() {
        println!("note: rules without examples: {}", without.join(", "));
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Rule files or directories (default: the shipped rule set).
    #[arg(long)]
    rules: Vec<PathBuf>,
    /// Only show this rule.
    #[arg(long)]
    rule: Option<String>,
    /// The text, or a path to a file.
    input: Vec<String>,
}

pub fn explain(args: ExplainArgs) -> Result<ExitCode> {
    let set = match load_rules(&args.rules, false) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let joined = args.input.join(" ");
    let text = if args.input.len() == 1 && std::path::Path::new(&joined).is_file() {
        let bytes = std::fs::read(&joined).with_context(|| format!("cannot read {joined}"))?;
        tiqu_input::decode(&bytes)
            .map_err(|e| anyhow::anyhow!("{joined}: {e}"))?
            .0
    } else {
        joined
    };
    let only = rule_filter(&set, args.rule.as_deref())?;
    let seg = segmenter_for(&set);
    let p = Prepared::new(&text);
    let (matches, trace) = set.run_traced(&p, seg.as_ref());
    let norm = &p.normalized.text;
    let snippet = |s: u32, e: u32| norm[s as usize..e as usize].to_string();
    println!(
        "== normalized text ({} sentences)",
        p.structure.sentences.len()
    );
    for (i, s) in p.structure.sentences.iter().enumerate() {
        println!(
            "  s{i} [{}..{}] {}",
            s.span.start,
            s.span.end,
            snippet(s.span.start, s.span.end)
        );
    }
    println!("== anchors found ({})", trace.anchors.len());
    let mut shown = String::new();
    for (s, e, t) in &trace.anchors {
        shown.push_str(&format!("{t}@{s}..{e} "));
    }
    println!("  {}", shown.trim_end());
    println!("== rules tried");
    for (rid, rule) in set.rules.iter().enumerate() {
        if only.is_some_and(|o| o != rid) {
            continue;
        }
        let attempts: Vec<_> = trace.attempts.iter().filter(|a| a.rule == rid).collect();
        if attempts.is_empty() {
            if only.is_some() {
                println!(
                    "  {}: no candidate position (its anchor was not found)",
                    rule.id
                );
            }
            continue;
        }
        println!("  {} ({} candidate position(s))", rule.id, attempts.len());
        for a in attempts {
            match (a.end, &a.stopped) {
                (Some(e), _) => {
                    println!("    at {:>5}: matched {:?}", a.start, snippet(a.start, e))
                }
                (None, Some((pos, span))) => {
                    let file = &set.files[rule.file];
                    let element = &file.text[span.clone()];
                    let here: String = norm[*pos as usize..].chars().take(8).collect();
                    println!(
                        "    at {:>5}: no match; stopped at {} (after {:?}) on `{}` ({}), text there: {:?}",
                        a.start,
                        pos,
                        snippet(a.start, *pos),
                        element,
                        file.location(span.start),
                        here
                    );
                }
                (None, None) => println!("    at {:>5}: no match", a.start),
            }
        }
    }
    if !trace.dropped.is_empty() {
        println!("== dropped by overlap policy");
        for d in &trace.dropped {
            if only.is_some_and(|o| o != d.lost.rule && o != d.winner.rule) {
                continue;
            }
            println!(
                "  {:?} ({}) lost to {:?} ({}) under `overlap: {}`",
                snippet(d.lost.start, d.lost.end),
                set.rules[d.lost.rule].id,
                snippet(d.winner.start, d.winner.end),
                set.rules[d.winner.rule].id,
                d.policy
            );
        }
    }
    println!("== matches ({})", matches.len());
    for m in &matches {
        if only.is_some_and(|o| o != m.rule) {
            continue;
        }
        println!(
            "  {:<8} {:?} [{}..{}] {} {}",
            set.labels[m.label].name,
            snippet(m.start, m.end),
            m.start,
            m.end,
            set.rules[m.rule].id,
            serde_json::Value::Object(m.attrs.clone())
        );
    }
    Ok(ExitCode::SUCCESS)
}
