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
    /// Output file for the records; `-` for standard output. A manifest with
    /// one line per input document is written beside it as
    /// `OUTPUT.manifest.jsonl`.
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// Output format: one JSON object per line, or CSV with the common
    /// attributes as columns (see docs/output.md).
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
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
    /// Process only shard I of N (`--shard 0/4`): a stable hash of the
    /// document id decides, so N runs together produce the single-run output.
    #[arg(long, value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Continue an interrupted run: keep the records of the documents its
    /// manifest lists, drop anything written after them, and process the rest.
    #[arg(long)]
    resume: bool,
    /// Documents per batch (memory is bounded by the batch size).
    #[arg(long, default_value_t = 256, hide = true)]
    batch_docs: usize,
    /// Exit non-zero if any document failed.
    #[arg(long)]
    strict: bool,
    /// No summary and no progress bar on standard error.
    #[arg(long, short)]
    quiet: bool,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// JSON Lines: one record per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// Parquet (Snappy), the CSV columns typed.
    Parquet,
}

/// Where records go.
enum Sink {
    Stream(Box<dyn Write>),
    Parquet(Box<crate::parquet_out::ParquetSink>),
}

impl Sink {
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        match self {
            Sink::Stream(w) => w.write_all(bytes)?,
            Sink::Parquet(p) => p.write_jsonl(bytes)?,
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if let Sink::Stream(w) = self {
            w.flush()?;
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        match self {
            Sink::Stream(mut w) => w.flush()?,
            Sink::Parquet(p) => p.close()?,
        }
        Ok(())
    }
}

/// `--shard I/N`.
#[derive(Debug, Clone, Copy)]
pub struct Shard {
    index: u64,
    count: u64,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}`: write the shard as I/N, e.g. 0/4"))?;
    let index: u64 = i.parse().map_err(|_| format!("`{i}` is not a number"))?;
    let count: u64 = n.parse().map_err(|_| format!("`{n}` is not a number"))?;
    if count == 0 || index >= count {
        return Err(format!("shard {index}/{count}: need 0 <= I < N"));
    }
    Ok(Shard { index, count })
}

impl Shard {
    /// FNV-1a, 64 bit: stable across runs, platforms and versions.
    fn contains(&self, id: &str) -> bool {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in id.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h % self.count == self.index
    }
}

/// Text bytes per batch: a batch is cut at `--batch-docs` documents or at
/// this many bytes, whichever comes first.
const BATCH_BYTES: usize = 8 << 20;

/// What an interrupted run left behind.
struct Resumed {
    /// Manifest lines of the documents that were completed, in order.
    done_ids: Vec<String>,
    /// Length of the output that belongs to them.
    out_len: u64,
}

/// Reads the manifest of an interrupted run, cuts the output and the
/// manifest back to the last document that was completely written.
fn resume_state(output: &Path, manifest: &Path) -> Result<Resumed> {
    let text = match std::fs::read_to_string(manifest) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", manifest.display())),
    };
    let mut done_ids = Vec::new();
    let mut out_len = 0u64;
    let mut kept_bytes = 0usize;
    for line in text.split_inclusive('\n') {
        // A line without its newline was torn by the interruption.
        if !line.ends_with('\n') {
            break;
        }
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            break;
        };
        let (Some(id), Some(end)) = (v["doc"].as_str(), v["out_end"].as_u64()) else {
            bail!(
                "{}: not a manifest that --resume can continue (no `out_end`)",
                manifest.display()
            );
        };
        done_ids.push(id.to_string());
        out_len = end;
        kept_bytes += line.len();
    }
    let out_actual = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    if out_actual < out_len {
        bail!(
            "{} is shorter ({out_actual} bytes) than its manifest says ({out_len}); cannot resume",
            output.display()
        );
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(output)?
        .set_len(out_len)?;
    if kept_bytes < text.len() {
        std::fs::OpenOptions::new()
            .write(true)
            .open(manifest)?
            .set_len(kept_bytes as u64)?;
    }
    Ok(Resumed { done_ids, out_len })
}

/// What the reader thread sends: a batch, or the reason it had to stop.
type BatchMsg = Result<Vec<Item>, String>;

pub fn run(args: TagArgs) -> Result<ExitCode> {
    let started = Instant::now();
    if let Err(code) = crate::rules_cli::reject_rule_files_as_inputs(&args.paths) {
        return Ok(code);
    }
    // Loading the segmenter's dictionary and compiling the rules are the two
    // halves of start-up and independent: overlap them.
    let base_segmenter = std::thread::spawn(Segmenter::new);
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
    let wanted: Vec<&str> = labels.wanted.iter().map(String::as_str).collect();
    let needed = rules.labels_needed(&wanted);
    // Segmentation only when something that will run needs tokens.
    let segmenter = if rules.needs_tokens_for(&needed) || labels.wants("sentence") {
        // What `rules_cli::segmenter_for` builds, from the preloaded base.
        let mut seg = base_segmenter
            .join()
            .map_err(|_| anyhow::anyhow!("loading the segmenter's dictionary panicked"))?;
        if rules.needs_tokens() {
            crate::rules_cli::add_lexicon_words(&mut seg, &rules);
        }
        Some(seg)
    } else {
        None
    };
    let ctx = DocContext {
        rules: &rules,
        seg: segmenter.as_ref(),
        labels: &labels,
        needed: &needed,
        format: args.format,
    };
    for p in &args.paths {
        if !p.exists() {
            bail!("{}: no such file or directory", p.display());
        }
    }

    let to_stdout = args.output.as_os_str() == "-";
    if args.resume && to_stdout {
        bail!("--resume needs an output file (-o FILE)");
    }
    if args.format == Format::Parquet && (to_stdout || args.resume) {
        bail!(
            "--format parquet needs an output file (-o FILE) and cannot --resume (Parquet files cannot be appended to)"
        );
    }
    let manifest_path = (!to_stdout).then(|| manifest_path_for(&args.output));
    let mut resumed = Resumed {
        done_ids: Vec::new(),
        out_len: 0,
    };
    let (mut out, mut manifest): (Sink, Option<BufWriter<File>>) = if to_stdout {
        (
            Sink::Stream(Box::new(BufWriter::new(std::io::stdout().lock()))),
            None,
        )
    } else {
        if let Some(dir) = args.output.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let mpath = manifest_path.as_ref().expect("file output has a manifest");
        if args.resume {
            resumed = resume_state(&args.output, mpath)?;
        }
        let open = |p: &Path| -> Result<File> {
            std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(args.resume)
                .truncate(!args.resume)
                .open(p)
                .with_context(|| format!("cannot create {}", p.display()))
        };
        let sink = if args.format == Format::Parquet {
            Sink::Parquet(Box::new(crate::parquet_out::ParquetSink::create(
                &args.output,
            )?))
        } else {
            Sink::Stream(Box::new(BufWriter::with_capacity(
                1 << 20,
                open(&args.output)?,
            )))
        };
        (sink, Some(BufWriter::new(open(mpath)?)))
    };
    let mut written = resumed.out_len;
    if args.format == Format::Csv && written == 0 {
        let header = crate::record::csv_header();
        out.write(&header)?;
        written += header.len() as u64;
    }

    let (tx, rx) = crossbeam_channel::bounded::<BatchMsg>(2);
    let inputs = Inputs::new(&args.paths);
    let skipped = inputs.skipped().to_vec();
    let progress = crate::progress::Progress::new(args.quiet, &args.paths);
    let shard = args.shard;
    let batch_docs = args.batch_docs.max(1);
    let done_ids = std::mem::take(&mut resumed.done_ids);
    let already_done = done_ids.len();
    let reader = std::thread::spawn(move || {
        let mut batch = Vec::with_capacity(batch_docs);
        let mut bytes = 0usize;
        let mut seen = 0usize;
        for item in inputs {
            let id = match &item {
                Ok(d) => d.id.as_str(),
                Err(e) => e.id.as_str(),
            };
            if shard.is_some_and(|s| !s.contains(id)) {
                continue;
            }
            // The interrupted run covered the first documents: skip them,
            // checking that they are the same documents.
            if seen < done_ids.len() {
                if done_ids[seen] != id {
                    let _ = tx.send(Err(format!(
                        "cannot resume: document {} of this run is `{id}`, but the interrupted run had `{}` there; were the inputs or options changed?",
                        seen + 1,
                        done_ids[seen]
                    )));
                    return;
                }
                seen += 1;
                continue;
            }
            bytes += item.as_ref().map_or(0, |d| d.text.len());
            batch.push(item);
            if batch.len() >= batch_docs || bytes >= BATCH_BYTES {
                if tx.send(Ok(std::mem::take(&mut batch))).is_err() {
                    return;
                }
                bytes = 0;
            }
        }
        if seen < done_ids.len() {
            let _ = tx.send(Err(format!(
                "cannot resume: the interrupted run had {} documents, this run has only {seen}",
                done_ids.len()
            )));
            return;
        }
        if !batch.is_empty() {
            let _ = tx.send(Ok(batch));
        }
    });

    let mut summary = Summary {
        skipped,
        resumed: already_done,
        ..Summary::default()
    };
    for msg in rx {
        let batch = match msg {
            Ok(b) => b,
            Err(reason) => bail!(reason),
        };
        let results: Vec<Processed> = pool.install(|| {
            batch
                .par_iter()
                .map(|item| process_item(item, &ctx))
                .collect()
        });
        // Records first, then (after they are flushed) the manifest lines
        // that vouch for them: a killed run leaves no record without its
        // manifest line that `--resume` would keep.
        let mut lines = Vec::with_capacity(results.len());
        for r in &results {
            out.write(&r.records)?;
            written += r.records.len() as u64;
            lines.push(r.manifest_line(written));
            summary.add(r);
            progress.add(r.input_bytes());
        }
        out.flush()?;
        if let Some(m) = &mut manifest {
            for line in lines {
                serde_json::to_writer(&mut *m, &line)?;
                m.write_all(b"\n")?;
            }
            m.flush()?;
        }
    }
    reader
        .join()
        .map_err(|_| anyhow::anyhow!("the input reader thread panicked"))?;
    out.finish()?;
    progress.finish();
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
    format: Format,
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
    /// Records whose `ambiguous` attribute lists candidates (a place name
    /// the context could not decide between homonyms).
    ambiguous: u64,
    /// Document date (`YYYY-MM-DD`, or `YYYY` from a `year` field), title
    /// and source from JSON Lines metadata: what `tiqu report` groups by.
    date: Option<String>,
    title: Option<String>,
    source: Option<String>,
}

impl Processed {
    fn input_bytes(&self) -> usize {
        self.status.as_ref().map_or(0, |s| s.bytes)
    }

    /// The manifest line; `out_end` is the output length after this
    /// document's records (what `--resume` truncates back to).
    fn manifest_line(&self, out_end: u64) -> Value {
        match &self.status {
            Ok(s) => json!({
                "doc": self.id,
                "status": "ok",
                "out_end": out_end,
                "records": s.per_label.values().sum::<u64>(),
                "bytes": s.bytes,
                "encoding": s.encoding,
                "chars": s.chars,
                "articles": s.articles,
                "sentences": s.sentences,
                "tokens": s.tokens,
                "date": s.date,
                "title": s.title,
                "source": s.source,
            }),
            Err(reason) => json!({
                "doc": self.id,
                "status": "error",
                "out_end": out_end,
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

/// The document's date from its metadata: `date` as written when it looks
/// like `YYYY-MM-DD` (or `YYYYMMDD`, rewritten), else a `year` field.
fn document_date(doc: &Document) -> Option<String> {
    if let Some(d) = doc.date() {
        let d = d.trim();
        let b = d.as_bytes();
        if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
            return Some(format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]));
        }
        if !d.is_empty() {
            return Some(d.to_string());
        }
    }
    match doc.meta.get("year")? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

fn meta_text(doc: &Document, key: &str) -> Option<String> {
    doc.meta
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
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
        date: document_date(doc),
        title: meta_text(doc, "title"),
        source: meta_text(doc, "source"),
        ..DocStats::default()
    };
    let format = ctx.format;
    let mut emit = |rec: Record, stats: &mut DocStats, label: &str| {
        match format {
            // Parquet: the writer converts JSON Lines into columns.
            Format::Jsonl | Format::Parquet => rec.write_jsonl(&mut out),
            Format::Csv => rec.write_csv(&mut out),
        }
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
    let (matches, segmented) = ctx.rules.run_labels_counted(&prepared, ctx.seg, ctx.needed);
    stats.tokens += segmented;
    // Owned: each record takes its match's attributes without a copy.
    for m in matches {
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
        if m.attrs.get("ambiguous").is_some_and(|v| !v.is_null()) {
            stats.ambiguous += 1;
        }
        let rec = Record::new(
            &doc.id,
            &prepared,
            span,
            article,
            label,
            &ctx.rules.rules[m.rule].id,
            m.attrs,
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
    ambiguous: u64,
    failures: Vec<(String, String)>,
    /// Files in input directories that are not documents (README.md, …).
    skipped: Vec<String>,
    /// Documents an interrupted run had completed (`--resume`).
    resumed: usize,
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
                self.ambiguous += s.ambiguous;
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
        if self.ambiguous > 0 {
            eprintln!(
                "ambiguous: {} record(s) name a place the context could not decide (see attrs.ambiguous)",
                self.ambiguous
            );
        }
        for (id, reason) in &self.failures {
            eprintln!("failed: {id}: {reason}");
        }
        if self.failed > self.failures.len() {
            eprintln!("… and {} more failed", self.failed - self.failures.len());
        }
        if self.resumed > 0 {
            eprintln!(
                "resumed: {} document(s) were done by the interrupted run",
                self.resumed
            );
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
