//! Reading a tag run back: its records (JSON Lines, CSV or Parquet, as
//! `tiqu tag --format` writes them) and its manifest (`OUT.manifest.jsonl`).
//!
//! Everything streams: records come one at a time from an iterator, so a
//! multi-gigabyte output is never held in memory.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::record::CSV_FIXED;

/// Labels of the structure stage: spans of whole articles, sections and
/// sentences, not hits. `kwic` leaves them out unless asked for.
pub const STRUCTURE_LABELS: &[&str] = &["article", "section", "sentence"];

/// One record of a tag run (see docs/output.md).
#[derive(Debug, Clone, Deserialize)]
pub struct Rec {
    pub doc: String,
    #[serde(default)]
    pub article: Option<u64>,
    pub start: usize,
    pub end: usize,
    #[serde(default)]
    pub text: String,
    pub label: String,
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub attrs: Map<String, Value>,
}

impl Rec {
    /// A text attribute (null, absent and empty are `None`).
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The name a record is selected and grouped by: `canonical` (policy,
    /// zone), else `name` (place, org, person, title), else `indicator`
    /// (fact).
    pub fn key(&self) -> Option<&str> {
        self.attr("canonical")
            .or_else(|| self.attr("name"))
            .or_else(|| self.attr("indicator"))
    }
}

/// The manifest of an output file: `OUT.manifest.jsonl`.
pub fn manifest_path(output: &Path) -> PathBuf {
    let mut s = output.as_os_str().to_owned();
    s.push(".manifest.jsonl");
    PathBuf::from(s)
}

/// One manifest line (one input document).
#[derive(Debug, Clone, Deserialize)]
pub struct ManifestLine {
    pub doc: String,
    pub status: String,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
}

/// Reads a manifest line by line.
pub fn manifest(path: &Path) -> Result<impl Iterator<Item = Result<ManifestLine>>> {
    let file = File::open(path).with_context(|| {
        format!(
            "cannot read the manifest {} (written by `tiqu tag -o FILE` beside FILE)",
            path.display()
        )
    })?;
    let shown = path.display().to_string();
    Ok(BufReader::new(file)
        .lines()
        .enumerate()
        .filter(|(_, l)| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
        .map(move |(i, line)| {
            let line = line.with_context(|| format!("cannot read {shown}"))?;
            serde_json::from_str(&line)
                .with_context(|| format!("{shown}:{}: not a manifest line", i + 1))
        }))
}

/// The formats `tiqu tag` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Jsonl,
    Csv,
    Parquet,
}

/// By extension, else by the first bytes (`PAR1`, `{`, a `doc,` header).
fn sniff(path: &Path) -> Result<Format> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.ends_with(".parquet") || name.ends_with(".pq") {
        return Ok(Format::Parquet);
    }
    if name.ends_with(".csv") {
        return Ok(Format::Csv);
    }
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") {
        return Ok(Format::Jsonl);
    }
    let mut head = [0u8; 4];
    let mut f = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let n = f.read(&mut head)?;
    Ok(match &head[..n] {
        b"PAR1" => Format::Parquet,
        [b'd', b'o', b'c', ..] => Format::Csv,
        _ => Format::Jsonl,
    })
}

/// A stream of records.
pub type Records = Box<dyn Iterator<Item = Result<Rec>>>;

/// Opens the records of a tag run (JSON Lines, CSV or Parquet).
pub fn open(path: &Path) -> Result<Records> {
    if path.is_dir() {
        bail!(
            "{} is a directory; give the output file of `tiqu tag -o FILE`",
            path.display()
        );
    }
    let format = sniff(path)?;
    let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let shown = path.display().to_string();
    Ok(match format {
        Format::Jsonl => Box::new(jsonl(file, shown)),
        Format::Csv => Box::new(csv_records(file, shown)?),
        Format::Parquet => parquet_records(file, shown)?,
    })
}

fn jsonl(file: File, shown: String) -> impl Iterator<Item = Result<Rec>> {
    BufReader::with_capacity(1 << 16, file)
        .lines()
        .enumerate()
        .filter(|(_, l)| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
        .map(move |(i, line)| {
            let line = line.with_context(|| format!("cannot read {shown}"))?;
            serde_json::from_str::<Rec>(&line)
                .with_context(|| format!("{shown}:{}: not a tiqu record", i + 1))
        })
}

/// Turns one attribute cell of the CSV/Parquet layout back into JSON:
/// numbers for `value`/`normalized`, `a|b` lists for `components`.
fn cell_value(key: &str, cell: &str) -> Value {
    match key {
        "value" | "normalized" => serde_json::from_str::<serde_json::Number>(cell)
            .map_or_else(|_| Value::String(cell.to_string()), Value::Number),
        "components" => Value::Array(
            cell.split('|')
                .map(|s| Value::String(s.to_string()))
                .collect(),
        ),
        _ => Value::String(cell.to_string()),
    }
}

fn csv_records(file: File, shown: String) -> Result<impl Iterator<Item = Result<Rec>>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(BufReader::with_capacity(1 << 16, file));
    let headers = reader
        .headers()
        .with_context(|| format!("{shown}: cannot read the CSV header"))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (doc, start, end, label) = match (col("doc"), col("start"), col("end"), col("label")) {
        (Some(a), Some(b), Some(c), Some(d)) => (a, b, c, d),
        _ => bail!("{shown}: not a tiqu CSV output (needs doc, start, end and label columns)"),
    };
    let (article, text, rule) = (col("article"), col("text"), col("rule"));
    let attr_cols: Vec<(usize, String)> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !CSV_FIXED.contains(h) && *h != "attrs_json")
        .map(|(i, h)| (i, h.to_string()))
        .collect();
    let attrs_json = col("attrs_json");
    Ok(reader.into_records().enumerate().map(move |(i, row)| {
        let row = row.with_context(|| format!("{shown}: bad CSV row {}", i + 2))?;
        let get = |c: Option<usize>| c.and_then(|c| row.get(c)).unwrap_or("");
        let num = |c: usize, what: &str| -> Result<usize> {
            get(Some(c))
                .parse()
                .with_context(|| format!("{shown}: row {}: bad `{what}`", i + 2))
        };
        let mut attrs = Map::new();
        for (c, key) in &attr_cols {
            let cell = get(Some(*c));
            if !cell.is_empty() {
                attrs.insert(key.clone(), cell_value(key, cell));
            }
        }
        let extra = get(attrs_json);
        if !extra.is_empty()
            && let Ok(Value::Object(m)) = serde_json::from_str(extra)
        {
            attrs.extend(m);
        }
        Ok(Rec {
            doc: get(Some(doc)).to_string(),
            article: get(article).parse().ok(),
            start: num(start, "start")?,
            end: num(end, "end")?,
            text: get(text).to_string(),
            label: get(Some(label)).to_string(),
            rule: get(rule).to_string(),
            attrs,
        })
    }))
}

fn parquet_records(file: File, shown: String) -> Result<Records> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int64Type};
    use arrow_array::{Array, RecordBatch};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .with_context(|| format!("{shown}: not a readable Parquet file"))?
        .with_batch_size(8192)
        .build()
        .with_context(|| format!("{shown}: not a readable Parquet file"))?;

    fn batch_rows(batch: &RecordBatch, shown: &str) -> Result<Vec<Rec>> {
        let schema = batch.schema();
        let column = |name: &str| schema.index_of(name).ok().map(|i| batch.column(i));
        let text_col = |name: &str| column(name).and_then(|c| c.as_string_opt::<i32>());
        let int_col = |name: &str| column(name).and_then(|c| c.as_primitive_opt::<Int64Type>());
        let need = |name: &str| anyhow!("{shown}: not a tiqu Parquet output (no `{name}` column)");
        let doc = text_col("doc").ok_or_else(|| need("doc"))?;
        let label = text_col("label").ok_or_else(|| need("label"))?;
        let start = int_col("start").ok_or_else(|| need("start"))?;
        let end = int_col("end").ok_or_else(|| need("end"))?;
        let (text, rule, article) = (text_col("text"), text_col("rule"), int_col("article"));
        let extra = text_col("attrs_json");
        let attr_cols: Vec<(&str, &dyn Array)> = schema
            .fields()
            .iter()
            .enumerate()
            .filter(|(_, f)| !CSV_FIXED.contains(&f.name().as_str()) && f.name() != "attrs_json")
            .map(|(i, f)| (f.name().as_str(), batch.column(i).as_ref()))
            .collect();
        let mut rows = Vec::with_capacity(batch.num_rows());
        for r in 0..batch.num_rows() {
            let s = |a: Option<&arrow_array::StringArray>| {
                a.filter(|a| a.is_valid(r))
                    .map_or(String::new(), |a| a.value(r).to_string())
            };
            let mut attrs = Map::new();
            for (key, col) in &attr_cols {
                if !col.is_valid(r) {
                    continue;
                }
                let v = if let Some(a) = col.as_string_opt::<i32>() {
                    cell_value(key, a.value(r))
                } else if let Some(a) = col.as_primitive_opt::<Float64Type>() {
                    let x = a.value(r);
                    if x.fract() == 0.0 && x.abs() < 9e15 {
                        Value::from(x as i64)
                    } else {
                        Value::from(x)
                    }
                } else {
                    continue;
                };
                attrs.insert((*key).to_string(), v);
            }
            if let Some(e) = extra.filter(|e| e.is_valid(r))
                && let Ok(Value::Object(m)) = serde_json::from_str(e.value(r))
            {
                attrs.extend(m);
            }
            rows.push(Rec {
                doc: doc.value(r).to_string(),
                article: article
                    .filter(|a| a.is_valid(r))
                    .and_then(|a| u64::try_from(a.value(r)).ok()),
                start: usize::try_from(start.value(r)).unwrap_or(0),
                end: usize::try_from(end.value(r)).unwrap_or(0),
                text: s(text),
                label: label.value(r).to_string(),
                rule: s(rule),
                attrs,
            });
        }
        Ok(rows)
    }

    Ok(Box::new(reader.flat_map(move |batch| {
        let rows = batch
            .with_context(|| format!("{shown}: cannot read a Parquet row group"))
            .and_then(|b| batch_rows(&b, &shown));
        let out: Vec<Result<Rec>> = match rows {
            Ok(rows) => rows.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        };
        out
    })))
}
