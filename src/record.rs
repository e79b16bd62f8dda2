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

/// Attributes that get their own CSV column (the common ones across the
/// shipped labels); everything else goes into `attrs_json`.
pub const CSV_ATTRS: &[&str] = &[
    "canonical",
    "kind",
    "components",
    "name",
    "indicator",
    "value",
    "unit",
    "normalized",
    "base_unit",
    "dimension",
    "qualifier",
    "change",
    "subject",
    "subject_code",
    "period",
    "status",
    "scope",
    "code",
    "level",
    "parent",
];

/// The fixed (non-attribute) columns of the CSV and Parquet outputs, in order.
pub const CSV_FIXED: &[&str] = &[
    "doc",
    "article",
    "start",
    "end",
    "byte_start",
    "byte_end",
    "label",
    "rule",
    "text",
];

/// The CSV header row.
pub fn csv_header() -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let cols: Vec<&str> = CSV_FIXED
        .iter()
        .chain(CSV_ATTRS)
        .copied()
        .chain(["attrs_json"])
        .collect();
    w.write_record(&cols).expect("in-memory CSV");
    w.into_inner().expect("in-memory CSV")
}

/// An attribute as one table cell: text as is, lists (components) as
/// `a|b|c` so a spreadsheet cell stays readable, null as `None`.
pub fn attr_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("|"),
        ),
        other => Some(other.to_string()),
    }
}

fn cell(v: Option<&Value>) -> String {
    attr_text(v).unwrap_or_default()
}

impl Record<'_> {
    /// Appends the record as one CSV row (same columns as [`csv_header`]).
    pub fn write_csv(&self, out: &mut Vec<u8>) {
        let rest: Map<String, Value> = self
            .attrs
            .iter()
            .filter(|(k, _)| !CSV_ATTRS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut row: Vec<String> = vec![
            self.doc.to_string(),
            self.article.map_or(String::new(), |a| a.to_string()),
            self.start.to_string(),
            self.end.to_string(),
            self.byte_start.to_string(),
            self.byte_end.to_string(),
            self.label.to_string(),
            self.rule.to_string(),
            self.text.to_string(),
        ];
        row.extend(CSV_ATTRS.iter().map(|k| cell(self.attrs.get(*k))));
        row.push(if rest.is_empty() {
            String::new()
        } else {
            Value::Object(rest).to_string()
        });
        let mut w = csv::Writer::from_writer(&mut *out);
        w.write_record(&row).expect("in-memory CSV");
        w.flush().expect("in-memory CSV");
    }
}
