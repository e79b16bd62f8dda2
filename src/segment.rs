//! `tiqu segment`: sentences and their tokens, with original offsets.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::json;
use tiqu_input::{Document, Inputs, decode};
use tiqu_seg::{Protected, Segmenter};
use tiqu_text::{Prepared, Span};

#[derive(Debug, clap::Args)]
pub struct SegmentArgs {
    /// A file, a directory, or `-` for standard input.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// One JSON object per sentence instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: SegmentArgs) -> Result<ExitCode> {
    let seg = Segmenter::new();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let docs: Box<dyn Iterator<Item = tiqu_input::Item>> = if crate::is_stdin(&args.paths) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        let (text, encoding) = decode(&bytes).map_err(|e| anyhow::anyhow!("<stdin>: {e}"))?;
        Box::new(std::iter::once(Ok(Document {
            id: "-".into(),
            text,
            encoding,
            meta: Default::default(),
            input_bytes: bytes.len(),
        })))
    } else {
        Box::new(Inputs::new(&args.paths))
    };
    for item in docs {
        match item {
            Ok(doc) => print_document(&doc, &seg, args.json, &mut out)?,
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_document(doc: &Document, seg: &Segmenter, json: bool, out: &mut impl Write) -> Result<()> {
    let p = Prepared::new(&doc.text);
    // Quantities (221.23亿元, 30万m2) come out as one token each.
    let quantities = tiqu_quantity::scan(&p.normalized.text);
    for (i, s) in p.structure.sentences.iter().enumerate() {
        let sentence = p.normalized_text(s.span);
        let (from, to) = (s.span.start as usize, s.span.end as usize);
        let protected: Vec<Protected> = quantities
            .iter()
            .filter(|q| q.start >= from && q.end <= to)
            .map(|q| Protected {
                range: q.start - from..q.end - from,
                tag: "mq",
            })
            .collect();
        let tokens = seg.segment_protected(sentence, &protected);
        if json {
            let toks: Vec<_> = tokens
                .iter()
                .map(|t| {
                    let span = Span {
                        start: s.span.start + t.start as u32,
                        end: s.span.start + t.end as u32,
                    };
                    let o = p.original_span(span);
                    json!({
                        "word": t.text(sentence),
                        "tag": t.tag,
                        "start": o.char_start,
                        "end": o.char_end,
                        "byte_start": o.byte_start,
                        "byte_end": o.byte_end,
                    })
                })
                .collect();
            let o = p.original_span(s.span);
            let line = json!({
                "doc": doc.id,
                "sentence": i,
                "article": s.article,
                "start": o.char_start,
                "end": o.char_end,
                "byte_start": o.byte_start,
                "byte_end": o.byte_end,
                "normalized": sentence,
                "tokens": toks,
            });
            serde_json::to_writer(&mut *out, &line)?;
            writeln!(out)?;
        } else {
            let o = p.original_span(s.span);
            writeln!(
                out,
                "# {} s{} [{}..{}] {}",
                doc.id, i, o.char_start, o.char_end, sentence
            )?;
            let words: Vec<String> = tokens
                .iter()
                .map(|t| {
                    let span = Span {
                        start: s.span.start + t.start as u32,
                        end: s.span.start + t.end as u32,
                    };
                    let o = p.original_span(span);
                    format!("{}/{}@{}", t.text(sentence), t.tag, o.char_start)
                })
                .collect();
            writeln!(out, "{}", words.join(" "))?;
        }
    }
    Ok(())
}
