//! `--format parquet`: the same records as JSON Lines, as a Parquet file
//! with one column per field and per common attribute (the CSV columns),
//! readable by pandas, polars, DuckDB, R (arrow) and Spark.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow_array::builder::{Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::Value;

use crate::record::{CSV_ATTRS, attr_text};

/// Attributes stored as numbers; every other attribute column is text.
const NUMERIC_ATTRS: &[&str] = &["value", "normalized"];
const INT_FIELDS: &[&str] = &["article", "start", "end", "byte_start", "byte_end"];
const TEXT_FIELDS: &[&str] = &["doc", "label", "rule", "text"];

pub struct ParquetSink {
    writer: ArrowWriter<File>,
    schema: SchemaRef,
}

fn schema() -> SchemaRef {
    let mut fields = vec![Field::new("doc", DataType::Utf8, false)];
    for f in INT_FIELDS {
        fields.push(Field::new(*f, DataType::Int64, *f == "article"));
    }
    for f in &TEXT_FIELDS[1..] {
        fields.push(Field::new(*f, DataType::Utf8, false));
    }
    for a in CSV_ATTRS {
        let t = if NUMERIC_ATTRS.contains(a) {
            DataType::Float64
        } else {
            DataType::Utf8
        };
        fields.push(Field::new(*a, t, true));
    }
    fields.push(Field::new("attrs_json", DataType::Utf8, true));
    Arc::new(Schema::new(fields))
}

impl ParquetSink {
    pub fn create(path: &Path) -> Result<ParquetSink> {
        let file =
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let schema = schema();
        // Row groups of at most 64k rows keep the writer's memory bounded.
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(65_536))
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))?;
        Ok(ParquetSink { writer, schema })
    }

    /// Appends the records of `jsonl` (JSON Lines as the workers wrote them).
    pub fn write_jsonl(&mut self, jsonl: &[u8]) -> Result<()> {
        let records: Vec<Value> = jsonl
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(serde_json::from_slice)
            .collect::<Result<_, _>>()?;
        if records.is_empty() {
            return Ok(());
        }
        let mut columns: Vec<ArrayRef> = Vec::new();
        let text = |key: &str, from_attrs: bool| -> ArrayRef {
            let mut b = StringBuilder::new();
            for r in &records {
                let v = if from_attrs {
                    r["attrs"].get(key)
                } else {
                    r.get(key)
                };
                b.append_option(attr_text(v));
            }
            Arc::new(b.finish())
        };
        columns.push(text("doc", false));
        let mut ints: Vec<ArrayRef> = Vec::new();
        for f in INT_FIELDS {
            let mut b = Int64Builder::new();
            for r in &records {
                b.append_option(r.get(*f).and_then(Value::as_i64));
            }
            ints.push(Arc::new(b.finish()));
        }
        columns.extend(ints);
        for f in &TEXT_FIELDS[1..] {
            columns.push(text(f, false));
        }
        for a in CSV_ATTRS {
            if NUMERIC_ATTRS.contains(a) {
                let mut b = Float64Builder::new();
                for r in &records {
                    b.append_option(r["attrs"].get(*a).and_then(Value::as_f64));
                }
                columns.push(Arc::new(b.finish()));
            } else {
                columns.push(text(a, true));
            }
        }
        let mut rest = StringBuilder::new();
        for r in &records {
            let others: serde_json::Map<String, Value> = r["attrs"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter(|(k, _)| !CSV_ATTRS.contains(&k.as_str()))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                })
                .unwrap_or_default();
            rest.append_option((!others.is_empty()).then(|| Value::Object(others).to_string()));
        }
        columns.push(Arc::new(rest.finish()));
        let batch = RecordBatch::try_new(self.schema.clone(), columns)?;
        self.writer.write(&batch)?;
        Ok(())
    }

    /// Writes the footer; the file is readable only after this.
    pub fn close(self) -> Result<()> {
        self.writer.close()?;
        Ok(())
    }
}
