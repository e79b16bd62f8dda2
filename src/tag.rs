//! `tiqu tag`: the batch job.
//!
//! Documents flow through a bounded pipeline: a reader thread decodes and
//! batches them, rayon workers process each batch in parallel, and this
//! thread writes the results in input order. Memory is bounded by the batch
//! size and channel depth, not by the corpus size, and the output is the same
//! whatever the thread count.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde_json::{Map, Value, json};
use tiqu_input::{Document, Inputs, Item};
use tiqu_rules::RuleSet;
use tiqu_seg::Segmenter;
use tiqu_text::Prepared;

use crate::record::Record;

/// Labels the structure stage can emit. `article` is on by default;
/// `section` and `sentence` (which segments every sentence) on request.
const STRUCTURE_LABELS: &[&str] = &["article", "section", "sentence"];

#[derive(Debug, clap::Args)]
pub struct TagArgs {
    /// Files or directories to read (`.txt`, `.jsonl`, `.gz`; any encoding).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output file for the records (JSON Lines); `-` for standard output.
    /// A manifest with one line per input document is written beside it as
    /// `OUTPUT.manifest.jsonl`.
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Rule files or directories (default: the shipped rule set, embedded
    /// in the binary).
    #[arg(long)]
    rules: Vec<PathBuf>,
    /// Only emit these labels (comma-separated). Default: every label the
    /// rules emit, plus `article`; `section` and `sentence` on request.
    #[arg(long, value_delimiter = ',')]
    labels: Option<Vec<String>>,
    /// Exit non-zero if any document failed.
    #[arg(long)]
    strict: bool,
    /// No summary on standard error.
    #[arg(long, short)]
    quiet: bool,
}

/// Documents per batch, and text bytes per batch: a batch is cut at
/// whichever comes first.
const BATCH_DOCS: usize = 256;
const BATCH_BYTES: usize = 8 << 20;

pub fn run(args: TagArgs) -> Result<ExitCode> {
    let started = Instant::now();
    // Rules that do not compile mean the run cannot happen: exit 2.
    let rules = match crate::rules_cli::load_rules(&args.rules, false) {
        Ok(r) => r,
        Err(_) => return Ok(ExitCode::from(2)),
    };
    let labels = LabelFilter::new(args.labels.as_deref(), &rules)?;
    let threads = args.threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start the worker threads")?;
    // Segmentation only when something needs tokens.
    let segmenter = if rules.needs_tokens() || labels.wants("sentence") {
        crate::rules_cli::segmenter_for(&rules).or_else(|| Some(Segmenter::new()))
    } else {
        None
    };
    let wanted: Vec<&str> = labels.wanted.iter().map(String::as_str).collect();
    let needed = rules.labels_needed(&wanted);
    let ctx = DocContext {
        rules: &rules,
        seg: segmenter.as_ref(),
        labels: &labels,
        needed: &needed,
    };

    let (mut out, manifest_path): (Box<dyn Write>, Option<PathBuf>) =
        if args.output.as_os_str() == "-" {
            (Box::new(BufWriter::new(std::io::stdout().lock())), None)
        } else {
            if let Some(dir) = args.output.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            let f = File::create(&args.output)
                .with_context(|| format!("cannot create {}", args.output.display()))?;
            (
                Box::new(BufWriter::with_capacity(1 << 20, f)),
                Some(manifest_path_for(&args.output)),
            )
        };
    let mut manifest: Option<BufWriter<File>> = match &manifest_path {
        Some(p) => Some(BufWriter::new(
            File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => None,
    };

    for p in &args.paths {
        if !p.exists() {
            bail!("{}: no such file or directory", p.display());
        }
    }
    let (tx, rx) = crossbeam_channel::bounded::<Vec<Item>>(2);
    let inputs = Inputs::new(&args.paths);
    let skipped = inputs.skipped().to_vec();
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

    let mut summary = Summary {
        skipped,
        ..Summary::default()
    };
    for batch in rx {
        let results: Vec<Processed> = pool.install(|| {
            batch
                .par_iter()
                .map(|item| process_item(item, &ctx))
                .collect()
        });
        for r in results {
            out.write_all(&r.records)?;
            if let Some(m) = &mut manifest {
                serde_json::to_writer(&mut *m, &r.manifest_line())?;
                m.write_all(b"\n")?;
            }
            summary.add(&r);
        }
    }
    reader
        .join()
        .map_err(|_| anyhow::anyhow!("the input reader thread panicked"))?;
    out.flush()?;
    if let Some(m) = &mut manifest {
        m.flush()?;
    }
    if !args.quiet {
        summary.print(started.elapsed().as_secs_f64(), manifest_path.as_deref());
    }
    Ok(if args.strict && summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn manifest_path_for(output: &Path) -> PathBuf {
    let mut s = output.as_os_str().to_owned();
    s.push(".manifest.jsonl");
    PathBuf::from(s)
}

/// Shared, immutable state for processing documents.
struct DocContext<'a> {
    rules: &'a RuleSet,
    seg: Option<&'a Segmenter>,
    labels: &'a LabelFilter,
    /// Labels to run: the wanted ones and what they depend on.
    needed: &'a [bool],
}

/// Which labels to emit.
struct LabelFilter {
    wanted: Vec<String>,
}

impl LabelFilter {
    fn new(only: Option<&[String]>, rules: &RuleSet) -> Result<Self> {
        let known: Vec<String> = rules
            .labels
            .iter()
            .map(|l| l.name.clone())
            .chain(STRUCTURE_LABELS.iter().map(|s| s.to_string()))
            .collect();
        let wanted = match only {
            Some(labels) => {
                for l in labels {
                    if !known.contains(l) {
                        bail!("unknown label `{l}`; known labels: {}", known.join(", "));
                    }
                }
                labels.to_vec()
            }
            None => rules
                .labels
                .iter()
                .map(|l| l.name.clone())
                .chain(["article".to_string()])
                .collect(),
        };
        Ok(LabelFilter { wanted })
    }

    fn wants(&self, label: &str) -> bool {
        self.wanted.iter().any(|x| x == label)
    }
}

/// The result of one input item.
struct Processed {
    id: String,
    status: Result<DocStats, String>,
    records: Vec<u8>,
}

#[derive(Default)]
struct DocStats {
    bytes: usize,
    encoding: &'static str,
    chars: usize,
    articles: usize,
    sentences: usize,
    tokens: usize,
    per_label: BTreeMap<String, u64>,
}

impl Processed {
    fn manifest_line(&self) -> Value {
        match &self.status {
            Ok(s) => json!({
                "doc": self.id,
                "status": "ok",
                "records": s.per_label.values().sum::<u64>(),
                "bytes": s.bytes,
                "encoding": s.encoding,
                "chars": s.chars,
                "articles": s.articles,
                "sentences": s.sentences,
                "tokens": s.tokens,
            }),
            Err(reason) => json!({
                "doc": self.id,
                "status": "error",
                "records": 0,
                "error": reason,
            }),
        }
    }
}

fn process_item(item: &Item, ctx: &DocContext) -> Processed {
    match item {
        Err(e) => Processed {
            id: e.id.clone(),
            status: Err(e.kind.to_string()),
            records: Vec::new(),
        },
        Ok(doc) => {
            // One bad document must never stop the batch.
            match catch_unwind(AssertUnwindSafe(|| process_document(doc, ctx))) {
                Ok((records, stats)) => Processed {
                    id: doc.id.clone(),
                    status: Ok(stats),
                    records,
                },
                Err(panic) => Processed {
                    id: doc.id.clone(),
                    status: Err(format!("internal error: {}", panic_message(&panic))),
                    records: Vec::new(),
                },
            }
        }
    }
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

fn process_document(doc: &Document, ctx: &DocContext) -> (Vec<u8>, DocStats) {
    let labels = ctx.labels;
    let prepared = Prepared::new(&doc.text);
    let st = &prepared.structure;
    let mut out = Vec::new();
    let mut stats = DocStats {
        bytes: doc.input_bytes,
        encoding: doc.encoding,
        chars: prepared
            .original_chars
            .char_offset(&doc.text, doc.text.len()),
        articles: st.articles.len(),
        sentences: st.sentences.len(),
        ..DocStats::default()
    };
    let mut emit = |rec: Record, stats: &mut DocStats, label: &str| {
        rec.write_jsonl(&mut out);
        match stats.per_label.get_mut(label) {
            Some(n) => *n += 1,
            None => {
                stats.per_label.insert(label.to_string(), 1);
            }
        }
    };
    if labels.wants("article") {
        for (i, a) in st.articles.iter().enumerate() {
            let mut attrs = Map::new();
            if let Some(s) = &a.subject {
                attrs.insert("subject".into(), json!(s.name));
                attrs.insert("subject_kind".into(), json!(s.kind));
                attrs.insert("subject_source".into(), json!(s.source));
            }
            if let Some(t) = a.title {
                attrs.insert("title".into(), json!(prepared.normalized_text(t)));
            }
            if let Some(b) = a.byline {
                attrs.insert("byline".into(), json!(prepared.normalized_text(b)));
            }
            let rec = Record::new(
                &doc.id,
                &prepared,
                a.span,
                Some(i as u32),
                "article",
                "structure.article",
                attrs,
            );
            emit(rec, &mut stats, "article");
        }
    }
    if labels.wants("section") {
        for s in &st.sections {
            let mut attrs = Map::new();
            attrs.insert("head".into(), json!(prepared.normalized_text(s.head)));
            let rec = Record::new(
                &doc.id,
                &prepared,
                s.span,
                Some(s.article),
                "section",
                "structure.section",
                attrs,
            );
            emit(rec, &mut stats, "section");
        }
    }
    let matches = ctx.rules.run_labels(&prepared, ctx.seg, ctx.needed);
    for m in &matches {
        let label = ctx.rules.labels[m.label].name.as_str();
        if !labels.wants(label) {
            continue;
        }
        let span = tiqu_text::Span {
            start: m.start,
            end: m.end,
        };
        let article = st
            .sentence_at(m.start)
            .and_then(|i| st.sentences[i].article);
        let rec = Record::new(
            &doc.id,
            &prepared,
            span,
            article,
            label,
            &ctx.rules.rules[m.rule].id,
            m.attrs.clone(),
        );
        emit(rec, &mut stats, label);
    }
    if labels.wants("sentence")
        && let Some(seg) = ctx.seg
    {
        for s in &st.sentences {
            let tokens = seg.segment(prepared.normalized_text(s.span)).len();
            stats.tokens += tokens;
            let mut attrs = Map::new();
            attrs.insert("clauses".into(), json!(s.clauses.1 - s.clauses.0));
            attrs.insert("tokens".into(), json!(tokens));
            if let Some(sec) = s.section {
                let head = st.sections[sec as usize].head;
                attrs.insert("section".into(), json!(prepared.normalized_text(head)));
            }
            let rec = Record::new(
                &doc.id,
                &prepared,
                s.span,
                s.article,
                "sentence",
                "structure.sentence",
                attrs,
            );
            emit(rec, &mut stats, "sentence");
        }
    }
    (out, stats)
}

#[derive(Default)]
struct Summary {
    ok: usize,
    failed: usize,
    empty: usize,
    bytes: usize,
    tokens: usize,
    per_label: BTreeMap<String, u64>,
    failures: Vec<(String, String)>,
    /// Files in input directories that are not documents (README.md, …).
    skipped: Vec<String>,
}

impl Summary {
    fn add(&mut self, p: &Processed) {
        match &p.status {
            Ok(s) => {
                self.ok += 1;
                if s.chars == 0 {
                    self.empty += 1;
                }
                self.bytes += s.bytes;
                self.tokens += s.tokens;
                for (k, v) in &s.per_label {
                    *self.per_label.entry(k.clone()).or_default() += v;
                }
            }
            Err(reason) => {
                self.failed += 1;
                if self.failures.len() < 20 {
                    self.failures.push((p.id.clone(), reason.clone()));
                }
            }
        }
    }

    fn print(&self, secs: f64, manifest: Option<&Path>) {
        let mb = self.bytes as f64 / 1e6;
        eprintln!(
            "tiqu tag: {} documents: {} ok ({} empty), {} failed; {:.2} MB in {:.2} s ({:.2} MB/s)",
            self.ok + self.failed,
            self.ok,
            self.empty,
            self.failed,
            mb,
            secs,
            mb / secs.max(1e-9)
        );
        let labels: Vec<String> = self
            .per_label
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        eprintln!(
            "records: {}; tokens segmented: {}",
            if labels.is_empty() {
                "none".to_string()
            } else {
                labels.join(", ")
            },
            self.tokens
        );
        for (id, reason) in &self.failures {
            eprintln!("failed: {id}: {reason}");
        }
        if self.failed > self.failures.len() {
            eprintln!("… and {} more failed", self.failed - self.failures.len());
        }
        if !self.skipped.is_empty() {
            eprintln!(
                "skipped {} file(s) that are not documents: {}",
                self.skipped.len(),
                self.skipped.join(", ")
            );
        }
        if let Some(m) = manifest {
            eprintln!("manifest: {}", m.display());
        }
    }
}
