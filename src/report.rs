//! `tiqu report`: one self-contained HTML page about a tag run.
//!
//! Reads the records (JSON Lines, CSV or Parquet) and the manifest in
//! streaming passes ([`collect`]), optionally the original documents for
//! the sentences around the linked spans (`--source`, read forward in input
//! order as `tiqu kwic` does), and writes one HTML file ([`html`]) with
//! inline CSS and SVG charts ([`svg`]): no script, no external resource.

mod collect;
mod html;
mod svg;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, Result};

use crate::kwic::records;
use crate::kwic::sources::{self, Sources};
use collect::Report;
use html::{Context, Linked, View};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The output of `tiqu tag -o OUTPUT` (JSON Lines, CSV or Parquet).
    output: PathBuf,
    /// The HTML file to write.
    #[arg(short, long)]
    out: PathBuf,
    /// The manifest (default: OUTPUT.manifest.jsonl).
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// The inputs of the tag run (the paths given to `tiqu tag`): with them
    /// the page shows the sentence around each linked span.
    #[arg(long, short, num_args = 1..)]
    source: Vec<PathBuf>,
    /// Policies with charts (the most mentioned).
    #[arg(long, default_value_t = 40)]
    policies: usize,
    /// Policies listed in the table (the most mentioned).
    #[arg(long, default_value_t = 500)]
    policy_table: usize,
    /// Indicators with a table of facts (those with the most facts).
    #[arg(long, default_value_t = 30)]
    indicators: usize,
    /// Fact rows per indicator.
    #[arg(long, default_value_t = 50)]
    rows: usize,
    /// No summary on standard error.
    #[arg(long, short)]
    quiet: bool,
}

/// Characters of the sentence shown on each side of a linked span.
const SENTENCE_CHARS: usize = 120;

pub fn run(args: ReportArgs) -> Result<ExitCode> {
    let started = Instant::now();
    if !args.source.is_empty() {
        sources::check_paths(&args.source)?;
    }
    let manifest = args
        .manifest
        .clone()
        .unwrap_or_else(|| records::manifest_path(&args.output));

    let mut report = Report::default();
    report.read_manifest(&manifest)?;
    report.read_records(&args.output)?;

    let mut policies: Vec<(&String, &collect::Policy)> = report.policies.iter().collect();
    policies.sort_by(|a, b| {
        (b.1.mentions, b.1.docs)
            .cmp(&(a.1.mentions, a.1.docs))
            .then(a.0.cmp(b.0))
    });
    policies.truncate(args.policy_table.max(args.policies));
    let policy_names: Vec<String> = policies.iter().map(|(n, _)| (*n).clone()).collect();

    let mut indicators: Vec<(&String, &collect::Indicator)> = report.indicators.iter().collect();
    indicators.sort_by(|a, b| {
        (b.1.facts, b.1.docs)
            .cmp(&(a.1.facts, a.1.docs))
            .then(a.0.cmp(b.0))
    });
    indicators.truncate(args.indicators);
    let indicator_names: Vec<String> = indicators.iter().map(|(n, _)| (*n).clone()).collect();

    report.read_fact_rows(&args.output, &indicator_names, args.rows)?;
    let report = report;

    let policies: Vec<(&str, &collect::Policy)> = policy_names
        .iter()
        .map(|n| (n.as_str(), &report.policies[n]))
        .collect();
    let indicators: Vec<(&str, &collect::Indicator)> = indicator_names
        .iter()
        .map(|n| (n.as_str(), &report.indicators[n]))
        .collect();
    let detailed = args.policies.min(policies.len());

    // The linked spans, in page order, each once.
    let mut contexts: Vec<(collect::Mention, String, String)> = Vec::new();
    let mut context_of: HashMap<(u32, usize, usize), usize> = HashMap::new();
    let mut link = |m: &'_ collect::Mention, back: String, label: &str| {
        let key = m.key();
        if let std::collections::hash_map::Entry::Vacant(e) = context_of.entry(key) {
            e.insert(contexts.len());
            contexts.push((m.clone(), back, label.to_string()));
        }
    };
    for (i, (name, p)) in policies.iter().take(detailed).enumerate() {
        for m in &p.examples {
            link(m, format!("p{}", i + 1), name);
        }
    }
    for (i, (name, ind)) in indicators.iter().enumerate() {
        for f in &ind.rows {
            link(&f.mention, format!("i{}", i + 1), name);
        }
    }
    let mut texts = fetch_contexts(&args.source, &report, &contexts)?;
    let found = texts.iter().filter(|t| t.is_some()).count();
    let contexts: Vec<Linked> = contexts
        .iter()
        .zip(texts.iter_mut())
        .map(|((m, back, label), text)| Linked {
            mention: m,
            back: back.clone(),
            back_label: label.clone(),
            context: text.take(),
        })
        .collect();

    let output_name = args.output.file_name().map_or_else(
        || args.output.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let view = View {
        output_name,
        policies,
        detailed_policies: detailed,
        indicators,
        rows_cap: args.rows,
        contexts,
        context_of,
        have_sources: !args.source.is_empty(),
    };
    let page = view.render(&report);
    std::fs::write(&args.out, &page)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    if !args.quiet {
        eprintln!(
            "tiqu report: {} ({:.1} KB) in {:.2} s: {} documents, {} records; {} policies charted, {} indicators tabulated, {} linked spans{}",
            args.out.display(),
            page.len() as f64 / 1024.0,
            started.elapsed().as_secs_f64(),
            report.ok + report.failed,
            report.records,
            view.detailed_policies,
            view.indicators.len(),
            view.contexts.len(),
            if view.have_sources {
                format!(" ({found} with their sentence)")
            } else {
                " (no --source: spans without their sentences)".to_string()
            }
        );
        if view.have_sources && found < view.contexts.len() {
            eprintln!(
                "tiqu report: {} span(s) not found in --source (give the same paths as to `tiqu tag`)",
                view.contexts.len() - found
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The sentences around the linked spans, read from the original documents
/// in input order (one document in memory at a time).
fn fetch_contexts(
    paths: &[PathBuf],
    report: &Report,
    linked: &[(collect::Mention, String, String)],
) -> Result<Vec<Option<Context>>> {
    let mut out: Vec<Option<Context>> = linked.iter().map(|_| None).collect();
    if paths.is_empty() || linked.is_empty() {
        return Ok(out);
    }
    let mut order: Vec<usize> = (0..linked.len()).collect();
    order.sort_by_key(|&i| linked[i].0.key());
    let mut wanted: HashMap<String, usize> = HashMap::new();
    for (m, _, _) in linked {
        *wanted
            .entry(report.docs[m.doc as usize].id.clone())
            .or_default() += 1;
    }
    let mut src = Sources::new(paths, wanted)?;
    for i in order {
        let m = &linked[i].0;
        let Some(doc) = src.get(&report.docs[m.doc as usize].id) else {
            continue;
        };
        let Some((bs, be)) = doc.span(m.start, m.end, &m.text) else {
            continue;
        };
        let (s, e) = sources::sentence_around(&doc.text, bs, be, SENTENCE_CHARS);
        out[i] = Some(Context {
            left: doc.text[s..bs].to_string(),
            matched: doc.text[bs..be].to_string(),
            right: doc.text[be..e].to_string(),
        });
    }
    Ok(out)
}
