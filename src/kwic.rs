//! `tiqu kwic`: keyword-in-context lines for the records of a tag run.
//!
//! Two streaming passes over the output: the first selects records and
//! counts, per document, how many lines it will need; the second prints
//! them, reading the original documents (`--source`, the paths given to
//! `tiqu tag`) forward in step (see [`sources::Sources`]). Memory holds the
//! selected document ids and, in the normal case, one document.

pub mod records;
pub mod sources;

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use records::{Rec, STRUCTURE_LABELS};
use sources::{Sources, left_context, one_line, right_context, str_width};

#[derive(Debug, clap::Args)]
pub struct KwicArgs {
    /// The output of `tiqu tag -o OUTPUT` (JSON Lines, CSV or Parquet).
    output: PathBuf,
    /// Only these labels (comma-separated or repeated). Default: every
    /// label except the structure spans (article, section, sentence).
    #[arg(long, short, value_delimiter = ',')]
    label: Vec<String>,
    /// Only records with this name (repeatable): `canonical` for policies
    /// and zones, `name` for places, organisations, people and titles,
    /// `indicator` for facts.
    #[arg(long, short)]
    canonical: Vec<String>,
    /// Only records of this rule (repeatable): `policy.mechanism`, or a
    /// whole namespace such as `facts`.
    #[arg(long, short)]
    rule: Vec<String>,
    /// Context on each side, in display columns (a CJK character is 2).
    #[arg(long, short, default_value_t = 30)]
    width: usize,
    /// `text`: aligned lines for reading; `tsv`: doc, start, end, label,
    /// canonical, left, match, right (with a header row) for spreadsheets.
    #[arg(long, value_enum, default_value_t = KwicFormat::Text)]
    format: KwicFormat,
    /// At most this many lines.
    #[arg(long, short = 'n')]
    limit: Option<usize>,
    /// The inputs of the tag run (the paths given to `tiqu tag`), where the
    /// original documents are read from.
    #[arg(long, short, num_args = 1..)]
    source: Vec<PathBuf>,
    /// Colour the match: `auto` (on a terminal, unless NO_COLOR is set),
    /// `always`, `never`.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KwicFormat {
    Text,
    Tsv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Which records to show.
struct Filter<'a> {
    labels: &'a [String],
    names: &'a [String],
    rules: &'a [String],
}

impl Filter<'_> {
    fn matches(&self, r: &Rec) -> bool {
        let label_ok = if self.labels.is_empty() {
            !STRUCTURE_LABELS.contains(&r.label.as_str())
        } else {
            self.labels.contains(&r.label)
        };
        label_ok
            && (self.names.is_empty() || r.key().is_some_and(|k| self.names.iter().any(|n| n == k)))
            && (self.rules.is_empty()
                || self.rules.iter().any(|want| {
                    r.rule == *want
                        || r.rule
                            .strip_prefix(want.as_str())
                            .is_some_and(|rest| rest.starts_with('.'))
                }))
    }
}

const BOLD_RED: &str = "\x1b[1;31m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

pub fn run(args: KwicArgs) -> Result<ExitCode> {
    let filter = Filter {
        labels: &args.label,
        names: &args.canonical,
        rules: &args.rule,
    };
    let limit = args.limit.unwrap_or(usize::MAX);
    sources::check_paths(&args.source)?;

    // Pass 1: which documents, how many lines each.
    let mut wanted: HashMap<String, usize> = HashMap::new();
    let mut selected = 0usize;
    for rec in records::open(&args.output)? {
        if selected >= limit {
            break;
        }
        let rec = rec?;
        if filter.matches(&rec) {
            *wanted.entry(rec.doc).or_default() += 1;
            selected += 1;
        }
    }
    if selected == 0 {
        eprintln!(
            "tiqu kwic: no record of {} matches the selection",
            args.output.display()
        );
        return Ok(ExitCode::from(1));
    }
    let mut sources = Sources::new(&args.source, wanted)?;

    let colour = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    } && args.format == KwicFormat::Text;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let tsv = args.format == KwicFormat::Tsv;
    if tsv {
        writeln!(out, "doc\tstart\tend\tlabel\tcanonical\tleft\tmatch\tright")?;
    }

    // Pass 2: the lines.
    let (mut shown, mut missing, mut changed) = (0usize, 0usize, 0usize);
    let mut missing_examples: Vec<String> = Vec::new();
    for rec in records::open(&args.output)? {
        if shown + missing + changed >= selected {
            break;
        }
        let rec = rec?;
        if !filter.matches(&rec) {
            continue;
        }
        let Some(doc) = sources.get(&rec.doc) else {
            missing += 1;
            if missing_examples.len() < 3 && !missing_examples.contains(&rec.doc) {
                missing_examples.push(rec.doc.clone());
            }
            continue;
        };
        let Some((bs, be)) = doc.span(rec.start, rec.end, &rec.text) else {
            changed += 1;
            continue;
        };
        let text = &doc.text;
        let left = left_context(text, bs, args.width);
        let right = right_context(text, be, args.width);
        let matched = one_line(&text[bs..be]);
        shown += 1;
        if tsv {
            let start = rec.start.to_string();
            let end = rec.end.to_string();
            let fields = [
                rec.doc.as_str(),
                &start,
                &end,
                &rec.label,
                rec.key().unwrap_or(""),
                &left,
                &matched,
                &right,
            ];
            for (i, f) in fields.iter().enumerate() {
                let sep = if i + 1 == fields.len() { "\n" } else { "\t" };
                write!(out, "{}{sep}", tsv_field(f))?;
            }
        } else {
            let pad = args.width.saturating_sub(str_width(&left));
            let rpad = args.width.saturating_sub(str_width(&right));
            let (hl, dim, reset) = if colour {
                (BOLD_RED, DIM, RESET)
            } else {
                ("", "", "")
            };
            writeln!(
                out,
                "{:pad$}{left} {hl}{matched}{reset} {right}{:rpad$}  {dim}{}:{}{reset}",
                "", "", rec.doc, rec.start
            )?;
        }
    }
    out.flush()?;
    drop(out);

    if missing > 0 {
        let unreadable: Vec<String> = missing_examples
            .iter()
            .filter_map(|d| sources.unreadable.get(d).map(|why| format!("{d}: {why}")))
            .collect();
        eprintln!(
            "tiqu kwic: {missing} record(s) skipped: their documents are not in --source ({}{}); \
             give the same paths as to `tiqu tag`{}",
            missing_examples.join(", "),
            if missing > missing_examples.len() {
                ", …"
            } else {
                ""
            },
            if unreadable.is_empty() {
                String::new()
            } else {
                format!(" (unreadable: {})", unreadable.join("; "))
            }
        );
    }
    if changed > 0 {
        eprintln!(
            "tiqu kwic: {changed} record(s) skipped: the source text at their offsets differs \
             from the record (the documents changed since the tag run?)"
        );
    }
    Ok(if shown == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A TSV cell: quoted (RFC 4180 style, as pandas and spreadsheets read it)
/// only when it holds a quote, tab or line break.
fn tsv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['"', '\t', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}
