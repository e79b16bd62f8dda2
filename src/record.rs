//! The output record: one JSON object per line.
//!
//! This is the record contract other programs read (see `docs/output.md`):
//! `doc`, `article`, `start`/`end` (character offsets into the original
//! decoded text), `byte_start`/`byte_end` (byte offsets into its UTF-8
//! encoding), `text` (the original text of the span), `label`, `rule`,
//! `attrs`.

use serde::Serialize;
use serde_json::{Map, Value};
use tiqu_text::{Prepared, Span};

/// One output record.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub doc: &'a str,
    pub article: Option<u32>,
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub text: &'a str,
    pub label: &'a str,
    pub rule: &'a str,
    pub attrs: Map<String, Value>,
}

impl<'a> Record<'a> {
    /// A record for the normalized span `span` of `doc`.
    pub fn new(
        doc: &'a str,
        prepared: &'a Prepared<'a>,
        span: Span,
        article: Option<u32>,
        label: &'a str,
        rule: &'a str,
        attrs: Map<String, Value>,
    ) -> Self {
        let o = prepared.original_span(span);
        Record {
            doc,
            article,
            start: o.char_start,
            end: o.char_end,
            byte_start: o.byte_start,
            byte_end: o.byte_end,
            text: &prepared.original[o.byte_start..o.byte_end],
            label,
            rule,
            attrs,
        }
    }

    /// Appends the record as one JSON line to `out`.
    pub fn write_jsonl(&self, out: &mut Vec<u8>) {
        serde_json::to_writer(&mut *out, self).expect("records serialize");
        out.push(b'\n');
    }
}
