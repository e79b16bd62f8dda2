//! `tiqu eval`: precision and recall against a gold standard.
//!
//! The gold format is documented in `tests/gold/README.md`: one JSON object
//! per document with `doc`, `text` and `annotations` (`label`, `start`,
//! `end` in characters, `attrs`).
//!
//! Matching, per document and label:
//! - **strict**: the predicted span equals the gold span;
//! - **overlap**: the spans overlap (each gold annotation is paired with at
//!   most one prediction, the one overlapping it most); for `fact`, the
//!   values must also agree (`value` or `normalized`, compared exactly as
//!   decimals), so a fact with the right span but a wrong number is a miss.
//!
//! For overlap-matched facts it reports the accuracy of `indicator`,
//! `subject`, `period`, `change` and `status`; for policies, of `canonical`.
//! Texts are compared after removing whitespace and quotes; `indicator`,
//! `subject` and `period` also count as right when one contains the other
//! (`规上工业增加值` vs `全市规上工业增加值`), and the exact rate is shown too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use tiqu_quantity::Decimal;

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// Directory (or file) of gold JSON Lines files.
    #[arg(long)]
    gold: PathBuf,
    /// A `tiqu tag` output over the gold documents. Without it, the rules are
    /// run on the gold texts directly.
    output: Option<PathBuf>,
    /// Rule files or directories (when no OUTPUT is given; default: shipped).
    #[arg(long)]
    rules: Vec<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Print every miss and false alarm (per label, capped at N).
    #[arg(long, default_value_t = 0)]
    show: usize,
}

struct GoldDoc {
    doc: String,
    text: String,
    /// For a section of a larger document: its character offset there.
    source_start: Option<usize>,
    annotations: Vec<Ann>,
}

#[derive(Debug, Clone)]
struct Ann {
    label: String,
    start: usize,
    end: usize,
    attrs: serde_json::Map<String, Value>,
    /// The rule that produced a prediction (empty for gold annotations).
    rule: String,
}

/// The annotation in its surroundings, span in 【】, for `--show`.
fn in_context(text: &str, a: &Ann) -> String {
    const AROUND: usize = 24;
    let chars: Vec<char> = text.chars().collect();
    let (start, end) = (a.start.min(chars.len()), a.end.min(chars.len()));
    let flat =
        |s: &[char]| -> String { s.iter().map(|&c| if c == '\n' { '⏎' } else { c }).collect() };
    let before = &chars[start.saturating_sub(AROUND)..start];
    let after = &chars[end..(end + AROUND).min(chars.len())];
    let mut s = format!(
        "…{}【{}】{}…",
        flat(before),
        flat(&chars[start..end]),
        flat(after)
    );
    if !a.rule.is_empty() {
        s.push_str(&format!("  [{}]", a.rule));
    }
    s
}

fn load_gold(path: &Path) -> Result<Vec<GoldDoc>> {
    let mut files = Vec::new();
    if path.is_dir() {
        for e in std::fs::read_dir(path)? {
            let p = e?.path();
            if p.extension().is_some_and(|x| x == "jsonl") {
                files.push(p);
            }
        }
    } else {
        files.push(path.to_path_buf());
    }
    files.sort();
    if files.is_empty() {
        bail!("no gold *.jsonl files in {}", path.display());
    }
    let mut docs = Vec::new();
    for f in files {
        let text =
            std::fs::read_to_string(&f).with_context(|| format!("cannot read {}", f.display()))?;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(line)
                .with_context(|| format!("{}:{}: bad JSON", f.display(), i + 1))?;
            let anns = v["annotations"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| Ann {
                            label: x["label"].as_str().unwrap_or("").to_string(),
                            start: x["start"].as_u64().unwrap_or(0) as usize,
                            end: x["end"].as_u64().unwrap_or(0) as usize,
                            attrs: x["attrs"].as_object().cloned().unwrap_or_default(),
                            rule: String::new(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            docs.push(GoldDoc {
                doc: v["doc"].as_str().unwrap_or("").to_string(),
                text: v["text"].as_str().unwrap_or("").to_string(),
                source_start: v["source_start"].as_u64().map(|x| x as usize),
                annotations: anns,
            });
        }
    }
    Ok(docs)
}

/// Predictions for each gold document, in the document's own offsets.
fn predictions(args: &EvalArgs, gold: &[GoldDoc]) -> Result<Vec<Vec<Ann>>, ExitCode> {
    if let Some(out) = &args.output {
        let text = std::fs::read_to_string(out).map_err(|e| {
            eprintln!("error: cannot read {}: {e}", out.display());
            ExitCode::from(2)
        })?;
        let mut by_doc: BTreeMap<String, Vec<Ann>> = BTreeMap::new();
        for line in text.lines() {
            let Ok(r) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            by_doc
                .entry(r["doc"].as_str().unwrap_or("").to_string())
                .or_default()
                .push(Ann {
                    label: r["label"].as_str().unwrap_or("").to_string(),
                    start: r["start"].as_u64().unwrap_or(0) as usize,
                    end: r["end"].as_u64().unwrap_or(0) as usize,
                    attrs: r["attrs"].as_object().cloned().unwrap_or_default(),
                    rule: r["rule"].as_str().unwrap_or("").to_string(),
                });
        }
        return Ok(gold
            .iter()
            .map(|g| {
                // A section `file#id#section` lives in `file#id` at source_start.
                let (key, offset) = match g.source_start {
                    Some(off) => (
                        g.doc
                            .rsplit_once('#')
                            .map_or(g.doc.as_str(), |(head, _)| head)
                            .to_string(),
                        off,
                    ),
                    None => (g.doc.clone(), 0),
                };
                let len = g.text.chars().count();
                by_doc
                    .get(&key)
                    .map(|v| {
                        v.iter()
                            .filter(|a| a.start >= offset && a.end <= offset + len)
                            .map(|a| Ann {
                                start: a.start - offset,
                                end: a.end - offset,
                                ..a.clone()
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect());
    }
    let set = crate::rules_cli::load_rules(&args.rules, false)?;
    let seg = crate::rules_cli::segmenter_for(&set);
    Ok(gold
        .iter()
        .map(|g| {
            let p = tiqu_text::Prepared::new(&g.text);
            set.run(&p, seg.as_ref())
                .into_iter()
                .map(|m| {
                    let o = p.original_span(tiqu_text::Span {
                        start: m.start,
                        end: m.end,
                    });
                    Ann {
                        label: set.labels[m.label].name.clone(),
                        start: o.char_start,
                        end: o.char_end,
                        attrs: m.attrs,
                        rule: set.rules[m.rule].id.clone(),
                    }
                })
                .collect()
        })
        .collect())
}

fn clean(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '「' | '」'))
        .collect()
}

fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => tiqu_quantity::decimal(&n.to_string()),
        Value::String(s) => tiqu_quantity::decimal(s),
        _ => None,
    }
    .map(|d| d.normalize())
}

fn same_value(gold: &Ann, pred: &Ann) -> bool {
    let g = [
        decimal(&gold.attrs["value"]),
        decimal(&gold.attrs["normalized"]),
    ];
    let p = [
        pred.attrs.get("value").and_then(decimal),
        pred.attrs.get("normalized").and_then(decimal),
    ];
    g.iter()
        .flatten()
        .any(|x| p.iter().flatten().any(|y| x == y))
}

#[derive(Default)]
struct Counts {
    gold: usize,
    pred: usize,
    strict: usize,
    overlap: usize,
}

#[derive(Default)]
struct AttrScore {
    right: usize,
    exact: usize,
    total: usize,
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    let gold = load_gold(&args.gold)?;
    let preds = match predictions(&args, &gold) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let gold_labels: BTreeSet<String> = gold
        .iter()
        .flat_map(|g| g.annotations.iter().map(|a| a.label.clone()))
        .collect();
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    let mut attrs: BTreeMap<(String, String), AttrScore> = BTreeMap::new();
    let mut misses: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut false_alarms: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut wrong_attrs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (g, ps) in gold.iter().zip(&preds) {
        for label in &gold_labels {
            let gs: Vec<&Ann> = g.annotations.iter().filter(|a| &a.label == label).collect();
            let pl: Vec<&Ann> = ps.iter().filter(|a| &a.label == label).collect();
            let c = counts.entry(label.clone()).or_default();
            c.gold += gs.len();
            c.pred += pl.len();
            c.strict += gs
                .iter()
                .filter(|a| pl.iter().any(|p| p.start == a.start && p.end == a.end))
                .count();
            let mut used = vec![false; pl.len()];
            for a in &gs {
                let best = pl
                    .iter()
                    .enumerate()
                    .filter(|(i, p)| !used[*i] && p.start < a.end && a.start < p.end)
                    .filter(|(_, p)| label != "fact" || same_value(a, p))
                    .max_by_key(|(_, p)| a.end.min(p.end) - a.start.max(p.start));
                match best {
                    Some((i, p)) => {
                        used[i] = true;
                        c.overlap += 1;
                        let fields: &[&str] = match label.as_str() {
                            "fact" => &[
                                "indicator",
                                "subject",
                                "period",
                                "change",
                                "status",
                                "scope",
                            ],
                            "policy" => &["canonical", "kind"],
                            _ => &[],
                        };
                        for f in fields {
                            let Some(gv) = a.attrs.get(*f) else { continue };
                            let pv = p.attrs.get(*f).unwrap_or(&Value::Null);
                            let (gs_, ps_) = (clean(gv), clean(pv));
                            let exact = gs_ == ps_;
                            let lenient = exact
                                || (matches!(*f, "indicator" | "subject" | "period")
                                    && !gs_.is_empty()
                                    && !ps_.is_empty()
                                    && (gs_.contains(&ps_) || ps_.contains(&gs_)));
                            if !lenient && args.show > 0 {
                                wrong_attrs.entry(format!("{label}.{f}")).or_default().push(
                                    format!(
                                        "{}: gold {gs_:?}, got {ps_:?}\n      {}",
                                        g.doc,
                                        in_context(&g.text, p)
                                    ),
                                );
                            }
                            let s = attrs.entry((label.clone(), (*f).to_string())).or_default();
                            s.total += 1;
                            s.right += usize::from(lenient);
                            s.exact += usize::from(exact);
                        }
                    }
                    None if args.show > 0 => misses
                        .entry(label.clone())
                        .or_default()
                        .push(format!("{}: {}", g.doc, in_context(&g.text, a))),
                    None => {}
                }
            }
            for (i, p) in pl.iter().enumerate() {
                if !used[i] && args.show > 0 {
                    false_alarms.entry(label.clone()).or_default().push(format!(
                        "{}: {}",
                        g.doc,
                        in_context(&g.text, p)
                    ));
                }
            }
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    if args.json {
        let labels: BTreeMap<&String, Value> = counts
            .iter()
            .map(|(l, c)| {
                (
                    l,
                    json!({
                        "gold": c.gold, "predicted": c.pred,
                        "strict": {"precision": ratio(c.strict, c.pred), "recall": ratio(c.strict, c.gold)},
                        "overlap": {"precision": ratio(c.overlap, c.pred), "recall": ratio(c.overlap, c.gold)},
                    }),
                )
            })
            .collect();
        let attr: BTreeMap<String, Value> = attrs
            .iter()
            .map(|((l, f), s)| {
                (
                    format!("{l}.{f}"),
                    json!({"accuracy": ratio(s.right, s.total), "exact": ratio(s.exact, s.total), "n": s.total}),
                )
            })
            .collect();
        println!(
            "{}",
            json!({"documents": gold.len(), "labels": labels, "attributes": attr})
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "gold: {} documents, {} annotations",
        gold.len(),
        gold.iter().map(|g| g.annotations.len()).sum::<usize>()
    );
    println!();
    println!(
        "| label | gold | predicted | P (overlap) | R (overlap) | F1 (overlap) | P (strict) | R (strict) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (l, c) in &counts {
        let (p, r) = (ratio(c.overlap, c.pred), ratio(c.overlap, c.gold));
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        println!(
            "| {l} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
            c.gold,
            c.pred,
            p,
            r,
            f1,
            ratio(c.strict, c.pred),
            ratio(c.strict, c.gold)
        );
    }
    println!();
    println!("| attribute (on matched pairs) | n | accuracy | exact |");
    println!("|---|---:|---:|---:|");
    for ((l, f), s) in &attrs {
        println!(
            "| {l}.{f} | {} | {:.3} | {:.3} |",
            s.total,
            ratio(s.right, s.total),
            ratio(s.exact, s.total)
        );
    }
    if args.show > 0 {
        for (l, v) in &misses {
            println!("\nmissed {l} ({}):", v.len());
            for m in v.iter().take(args.show) {
                println!("  {m}");
            }
        }
        for (l, v) in &false_alarms {
            println!("\nfalse {l} ({}):", v.len());
            for m in v.iter().take(args.show) {
                println!("  {m}");
            }
        }
        for (a, v) in &wrong_attrs {
            println!("\nwrong {a} ({}):", v.len());
            for m in v.iter().take(args.show) {
                println!("  {m}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
