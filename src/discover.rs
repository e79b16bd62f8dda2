//! `tiqu discover`: candidate policy phrases that the rules do not cover.
//!
//! Documents stream through the same kind of bounded pipeline as `tiqu tag`:
//! a reader thread decodes and batches them, rayon workers find the
//! candidates of each document ([`scan`]) and check them against the policy
//! records of the rules (run on the candidate sentences only), and this
//! thread folds the per-document sets into one table in input order, so the
//! output does not depend on the thread count. Only counts and a few context
//! lines per candidate are kept; a pruning pass bounds the table.
//! User documentation: docs/discover.md.

mod agg;
mod output;
mod scan;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde_json::Value;
use tiqu_input::{Document, Inputs, Item};
use tiqu_rules::RuleSet;
use tiqu_seg::Segmenter;
use tiqu_text::{Prepared, Span};

use agg::{DocCand, DocFound, Table};
use scan::{Evidence, Raw};

#[derive(Debug, clap::Args)]
pub struct DiscoverArgs {
    /// Files or directories to read (`.txt`, `.jsonl`, `.gz`; any encoding).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Rule files or directories whose policy records count as covered
    /// (default: the shipped rule set).
    #[arg(long)]
    rules: Vec<PathBuf>,
    /// List only phrases found (uncovered) in at least this many documents.
    #[arg(long, default_value_t = 2)]
    min_docs: u32,
    /// List at most this many phrases.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Distinct phrases kept before rare ones (one document, little
    /// evidence) are pruned.
    #[arg(long, default_value_t = 100_000, hide = true)]
    max_candidates: usize,
    /// No summary and no progress bar on standard error.
    #[arg(long, short)]
    quiet: bool,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable listing.
    Text,
    /// Tab-separated values with a header row.
    Tsv,
    /// One JSON object per candidate.
    Jsonl,
}

/// Documents and bytes per batch, as in `tiqu tag`.
const BATCH_DOCS: usize = 256;
const BATCH_BYTES: usize = 8 << 20;

/// Shared, immutable state for processing documents.
struct Ctx<'a> {
    rules: &'a RuleSet,
    seg: Option<&'a Segmenter>,
    needed: &'a [bool],
    policy: usize,
}

pub fn run(args: DiscoverArgs) -> Result<ExitCode> {
    let started = Instant::now();
    if let Err(code) = crate::rules_cli::reject_rule_files_as_inputs(&args.paths) {
        return Ok(code);
    }
    let rules = match crate::rules_cli::load_rules(&args.rules, false) {
        Ok(r) => r,
        Err(_) => return Ok(ExitCode::from(2)),
    };
    let Some(policy) = rules.label_id("policy") else {
        bail!("the rules have no `policy` label: discover finds what policy records miss");
    };
    for p in &args.paths {
        if !p.exists() {
            bail!("{}: no such file or directory", p.display());
        }
    }
    let needed = rules.labels_needed(&["policy"]);
    let segmenter = if rules.needs_tokens_for(&needed) {
        crate::rules_cli::segmenter_for(&rules).or_else(|| Some(Segmenter::new()))
    } else {
        None
    };
    let ctx = Ctx {
        rules: &rules,
        seg: segmenter.as_ref(),
        needed: &needed,
        policy,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start the worker threads")?;

    let (tx, rx) = crossbeam_channel::bounded::<Vec<Item>>(2);
    let inputs = Inputs::new(&args.paths);
    let progress = crate::progress::Progress::new(args.quiet, &args.paths);
    let reader = std::thread::spawn(move || {
        let mut batch = Vec::with_capacity(BATCH_DOCS);
        let mut bytes = 0usize;
        for item in inputs {
            bytes += item.as_ref().map_or(0, |d| d.text.len());
            batch.push(item);
            if batch.len() >= BATCH_DOCS || bytes >= BATCH_BYTES {
                if tx.send(std::mem::take(&mut batch)).is_err() {
                    return;
                }
                bytes = 0;
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(batch);
        }
    });

    let mut table = Table::new(args.max_candidates);
    let mut failures: Vec<String> = Vec::new();
    let (mut ok, mut failed, mut bytes) = (0usize, 0usize, 0usize);
    for batch in rx {
        let results: Vec<Result<DocFound, String>> = pool.install(|| {
            batch
                .par_iter()
                .map(|item| process_item(item, &ctx))
                .collect()
        });
        for (item, r) in batch.iter().zip(results) {
            let b = item.as_ref().map_or(0, |d| d.input_bytes);
            bytes += b;
            progress.add(b);
            match r {
                Ok(found) => {
                    ok += 1;
                    table.add(found);
                }
                Err(reason) => {
                    failed += 1;
                    if failures.len() < 20 {
                        failures.push(reason);
                    }
                }
            }
        }
        table.prune_if_full();
    }
    reader
        .join()
        .map_err(|_| anyhow::anyhow!("the input reader thread panicked"))?;
    progress.finish();

    let listed = table.listed(args.min_docs, args.limit);
    let targets = output::Targets::new(&rules);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    output::write(&mut out, args.format, &listed, &targets)?;
    std::io::Write::flush(&mut out)?;
    if !args.quiet {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "tiqu discover: {} documents: {ok} ok, {failed} failed; {:.2} MB in {secs:.2} s; {} distinct phrases seen{}, {} listed (--min-docs {})",
            ok + failed,
            bytes as f64 / 1e6,
            table.seen(),
            if table.pruned() > 0 {
                format!(" ({} rare ones pruned)", table.pruned())
            } else {
                String::new()
            },
            listed.len(),
            args.min_docs,
        );
        for f in &failures {
            eprintln!("failed: {f}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn process_item(item: &Item, ctx: &Ctx) -> Result<DocFound, String> {
    match item {
        Err(e) => Err(format!("{}: {}", e.id, e.kind)),
        Ok(doc) => catch_unwind(AssertUnwindSafe(|| process_document(doc, ctx)))
            .map_err(|_| format!("{}: internal error", doc.id)),
    }
}

/// The document's date: `date` (`YYYYMMDD` rewritten as `YYYY-MM-DD`), else
/// a `year` field.
fn document_date(doc: &Document) -> Option<String> {
    if let Some(d) = doc.date().map(str::trim).filter(|d| !d.is_empty()) {
        let b = d.as_bytes();
        if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
            return Some(format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]));
        }
        return Some(d.to_string());
    }
    match doc.meta.get("year")? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

fn process_document(doc: &Document, ctx: &Ctx) -> DocFound {
    let prepared = Prepared::new(&doc.text);
    let st = &prepared.structure;
    let mut found: BTreeMap<String, DocCand> = BTreeMap::new();
    for s in &st.sentences {
        let text = prepared.normalized_text(s.span);
        let mut raws = scan::candidates(text);
        raws.retain(|r| !r.numeral_led || !is_number_or_date(r));
        if raws.is_empty() {
            continue;
        }
        let records = policy_spans(text, ctx);
        let subject = s
            .article
            .and_then(|a| st.articles[a as usize].subject.as_ref())
            .map(|x| x.name.clone());
        for r in raws {
            let covered = is_covered(&r, &records);
            let strong = match r.evidence {
                Evidence::Strong => true,
                Evidence::Weak => false,
                Evidence::IfPolicyNearby => {
                    if covered
                        || records
                            .iter()
                            .any(|&(a, b)| a < b && (b <= r.start || a >= r.end))
                    {
                        true
                    } else {
                        continue;
                    }
                }
            };
            let c = found.entry(r.phrase.clone()).or_default();
            c.strong += u32::from(strong);
            if covered {
                c.covered += 1;
                continue;
            }
            c.mentions += 1;
            if let Some(sub) = &subject
                && !c.subjects.contains(sub)
            {
                c.subjects.push(sub.clone());
            }
            if c.contexts.len() < agg::CONTEXTS {
                c.contexts.push(context_line(text, r.start, r.end));
            }
        }
    }
    DocFound {
        id: doc.id.clone(),
        date: document_date(doc),
        source: doc
            .meta
            .get("source")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        cands: found.into_iter().collect(),
    }
}

/// Count units that make a numeral a count of events or people, not the
/// head of a formula: 三次招商, 五名干部, 两家企业.
const COUNT_UNITS_NOT_FORMULA: &[&str] = &["次", "回", "遍", "名", "人", "位", "家", "岁", "户"];

/// Whether a numeral-led candidate reads as a number or a date: a period
/// (十四五, 一季度), a measure that is not a count (三个月, 一年), a percent
/// or fraction, or, for one-group phrases, a count of events or people.
fn is_number_or_date(r: &Raw) -> bool {
    let p = r.phrase.as_str();
    if !tiqu_quantity::scan_periods(p).is_empty() {
        return true;
    }
    let Some(q) = tiqu_quantity::quantity_at(p, 0) else {
        return false;
    };
    use tiqu_quantity::{Dimension, QuantityKind};
    match q.kind {
        QuantityKind::Number => q.arabic,
        QuantityKind::Measure => {
            q.arabic
                || q.dimension != Some(Dimension::Count)
                || (r.single_group
                    && q.unit
                        .as_deref()
                        .is_some_and(|u| COUNT_UNITS_NOT_FORMULA.contains(&u)))
        }
        _ => true,
    }
}

/// Byte spans (in `text`) of the policy records the rules find in one
/// sentence.
fn policy_spans(text: &str, ctx: &Ctx) -> Vec<(usize, usize)> {
    let p = Prepared::new(text);
    ctx.rules
        .run_labels(&p, ctx.seg, ctx.needed)
        .iter()
        .filter(|m| m.label == ctx.policy)
        .map(|m| {
            let o = p.original_span(Span {
                start: m.start,
                end: m.end,
            });
            (o.byte_start, o.byte_end)
        })
        .collect()
}

/// A candidate is covered when a policy record overlaps it; a package when
/// one record spans it or every component is overlapped by a record.
fn is_covered(r: &Raw, records: &[(usize, usize)]) -> bool {
    let overlaps = |s: usize, e: usize| records.iter().any(|&(a, b)| a < e && s < b);
    if r.components.len() >= 2 {
        records.iter().any(|&(a, b)| a <= r.start && r.end <= b)
            || r.components.iter().all(|&(s, e)| overlaps(s, e))
    } else {
        overlaps(r.start, r.end)
    }
}

/// Characters of context on each side of a phrase.
const CONTEXT_CHARS: usize = 18;

/// A short line around `start..end` with the phrase marked `[[…]]`.
fn context_line(text: &str, start: usize, end: usize) -> String {
    let before: Vec<char> = text[..start].chars().collect();
    let after: Vec<char> = text[end..].chars().collect();
    let mut line = String::new();
    if before.len() > CONTEXT_CHARS {
        line.push('…');
    }
    line.extend(&before[before.len().saturating_sub(CONTEXT_CHARS)..]);
    line.push_str("[[");
    line.push_str(&text[start..end]);
    line.push_str("]]");
    line.extend(after.iter().take(CONTEXT_CHARS));
    if after.len() > CONTEXT_CHARS {
        line.push('…');
    }
    line.replace(['\t', '\n', '\r'], " ")
}
