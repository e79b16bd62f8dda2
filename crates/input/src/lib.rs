//! # tiqu-input: documents from files, directories, JSON Lines and gzip
//!
//! [`Inputs`] walks the paths it is given (directories recursively, in
//! sorted order) and yields one [`Item`] per document: either a decoded
//! [`Document`] or a [`DocError`] that names the document and says why it
//! could not be read. Nothing is skipped silently and nothing panics: an
//! empty file is an (empty) document, a binary or undecodable file is an
//! error item, a malformed JSON line is an error item for that line.
//!
//! ## Formats
//! - `*.jsonl`, `*.ndjson`: one document per line, with `text` (required)
//!   and `id` (optional); every other field is kept as metadata (`date`,
//!   `title`, …). The document id is `<path>#<id>` (or `<path>#L<line>`).
//! - `*.gz`: decompressed, then treated by the name without `.gz`.
//! - anything else: one text document; its id is its path relative to the
//!   input root (the file name when a file is given directly).
//!
//! ## Encodings ([`decode`])
//! UTF-8 with or without BOM, UTF-16LE/BE with BOM, and GB18030 (which covers
//! GBK and GB2312) when the bytes are not valid UTF-8 but are valid GB18030.
//! The BOM is not part of the decoded text; all offsets tiqu reports are
//! into the decoded text (byte offsets into its UTF-8 encoding).

#![deny(missing_docs)]

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use serde_json::{Map, Value};

/// Documents larger than this are rejected (offsets are 32-bit).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 31;

/// A decoded document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Stable id: path relative to the input root, plus `#id` for JSONL.
    pub id: String,
    /// The decoded original text (no BOM).
    pub text: String,
    /// The encoding it was decoded from (`UTF-8`, `UTF-16LE`, `GB18030`, …).
    pub encoding: &'static str,
    /// Other JSONL fields (`date`, `title`, …); empty for text files.
    pub meta: Map<String, Value>,
    /// Size of the document's encoded input in bytes.
    pub input_bytes: usize,
}

impl Document {
    /// The document date from metadata (`date`), as `YYYY-MM-DD` if present.
    pub fn date(&self) -> Option<&str> {
        self.meta.get("date").and_then(Value::as_str)
    }
}

/// Why one document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocErrorKind {
    /// The file could not be read.
    #[error("cannot read: {0}")]
    Io(String),
    /// NUL bytes outside UTF-16: not text.
    #[error("binary data: NUL byte at offset {offset}")]
    Binary {
        /// Byte offset of the first NUL.
        offset: usize,
    },
    /// Neither valid UTF-8 nor valid GB18030.
    #[error(
        "undecodable text: invalid UTF-8 at byte {utf8_error_at}, and not valid GB18030 either"
    )]
    Undecodable {
        /// Byte offset of the first invalid UTF-8 sequence.
        utf8_error_at: usize,
    },
    /// UTF-16 with a BOM but malformed (unpaired surrogate, odd length).
    #[error("malformed UTF-16 ({0})")]
    BadUtf16(&'static str),
    /// Too large for 32-bit offsets.
    #[error("document too large: {bytes} bytes (limit {limit})")]
    TooLarge {
        /// Document size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// A JSON Lines record that is not a JSON object with a string `text`.
    #[error("bad JSON Lines record: {0}")]
    BadRecord(String),
    /// The gzip stream is corrupt or truncated.
    #[error("corrupt gzip stream: {0}")]
    Gzip(String),
}

/// A document that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{id}: {kind}")]
pub struct DocError {
    /// The document id (as a successful read would have had).
    pub id: String,
    /// The reason.
    pub kind: DocErrorKind,
}

/// One input item: a document or the reason it could not be read.
pub type Item = Result<Document, DocError>;

/// Decodes bytes to text, detecting the encoding.
///
/// Order: BOM (UTF-8, UTF-16LE, UTF-16BE); NUL bytes mean binary; valid
/// UTF-8; valid GB18030 (strict, no replacement characters). Anything else
/// is [`DocErrorKind::Undecodable`].
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), DocErrorKind> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(DocErrorKind::TooLarge {
            bytes: bytes.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        if enc == encoding_rs::UTF_8 {
            return std::str::from_utf8(body)
                .map(|s| (s.to_owned(), "UTF-8"))
                .map_err(|e| DocErrorKind::Undecodable {
                    utf8_error_at: bom_len + e.valid_up_to(),
                });
        }
        if body.len() % 2 != 0 {
            return Err(DocErrorKind::BadUtf16("odd number of bytes"));
        }
        return enc
            .decode_without_bom_handling_and_without_replacement(body)
            .map(|s| (s.into_owned(), enc.name()))
            .ok_or(DocErrorKind::BadUtf16("unpaired surrogate"));
    }
    if let Some(offset) = memchr_nul(bytes) {
        return Err(DocErrorKind::Binary { offset });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_owned(), "UTF-8")),
        Err(e) => {
            let utf8_error_at = e.valid_up_to();
            encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .filter(|s| looks_like_text(s))
                .map(|s| (s.into_owned(), "GB18030"))
                .ok_or(DocErrorKind::Undecodable { utf8_error_at })
        }
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// Control characters other than tab/CR/LF are rare in real text; a GB18030
/// decode full of them is a misdetection of binary data.
fn looks_like_text(s: &str) -> bool {
    let mut controls = 0usize;
    let mut total = 0usize;
    for c in s.chars() {
        total += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}') {
            controls += 1;
        }
    }
    controls * 100 <= total
}

/// Iterates over the documents under a list of paths.
pub struct Inputs {
    files: std::vec::IntoIter<FileEntry>,
    current: Option<Box<dyn Iterator<Item = Item> + Send>>,
    skipped: Vec<String>,
}

/// Files inside a directory that are not documents: hidden files, docs
/// (`README.md`), and tiqu's own manifests. They are reported through
/// [`Inputs::skipped`], never read. Files named on the command line are
/// always read.
fn is_not_a_document(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.')
        || [".md", ".markdown", ".rst", ".manifest.jsonl"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

enum FileEntry {
    File { path: PathBuf, id: String },
    WalkError { id: String, message: String },
}

impl Inputs {
    /// Lists the files under `paths` (directories recursively, sorted by
    /// name). Errors walking a directory become error items, not failures.
    pub fn new<P: AsRef<Path>>(paths: &[P]) -> Inputs {
        let mut files = Vec::new();
        let mut skipped = Vec::new();
        for root in paths {
            let root = root.as_ref();
            if root.is_dir() {
                let mut pruned = Vec::new();
                let walk = walkdir::WalkDir::new(root)
                    .sort_by_file_name()
                    .into_iter()
                    .filter_entry(|e| {
                        let hidden_dir = e.depth() > 0
                            && e.file_type().is_dir()
                            && e.file_name().to_string_lossy().starts_with('.');
                        if hidden_dir {
                            let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                            pruned.push(format!("{}/", id_of(rel)));
                        }
                        !hidden_dir
                    });
                for entry in walk {
                    match entry {
                        Ok(e) if e.file_type().is_file() => {
                            let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                            if is_not_a_document(&e.file_name().to_string_lossy()) {
                                skipped.push(id_of(rel));
                                continue;
                            }
                            files.push(FileEntry::File {
                                id: id_of(rel),
                                path: e.path().to_path_buf(),
                            });
                        }
                        Ok(_) => {}
                        Err(err) => files.push(FileEntry::WalkError {
                            id: err.path().map_or_else(
                                || id_of(root),
                                |p| id_of(p.strip_prefix(root).unwrap_or(p)),
                            ),
                            message: err.to_string(),
                        }),
                    }
                }
                skipped.extend(pruned);
            } else {
                files.push(FileEntry::File {
                    id: root
                        .file_name()
                        .map_or_else(|| id_of(root), |n| n.to_string_lossy().into_owned()),
                    path: root.to_path_buf(),
                });
            }
        }
        Inputs {
            files: files.into_iter(),
            current: None,
            skipped,
        }
    }

    /// Files found in directories that are not documents (hidden files,
    /// `*.md`, manifests), by id. Not read; callers report them.
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }
}

fn id_of(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

impl Iterator for Inputs {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(cur) = &mut self.current {
                if let Some(item) = cur.next() {
                    return Some(item);
                }
                self.current = None;
            }
            let entry = self.files.next()?;
            self.current = Some(open_file(entry));
        }
    }
}

fn single(item: Item) -> Box<dyn Iterator<Item = Item> + Send> {
    Box::new(std::iter::once(item))
}

fn open_file(entry: FileEntry) -> Box<dyn Iterator<Item = Item> + Send> {
    let (path, id) = match entry {
        FileEntry::File { path, id } => (path, id),
        FileEntry::WalkError { id, message } => {
            return single(Err(DocError {
                id,
                kind: DocErrorKind::Io(message),
            }));
        }
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let gz = name.ends_with(".gz");
    let inner = name.trim_end_matches(".gz");
    let jsonl = inner.ends_with(".jsonl") || inner.ends_with(".ndjson");
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            return single(Err(DocError {
                id,
                kind: DocErrorKind::Io(e.to_string()),
            }));
        }
    };
    let reader: Box<dyn Read + Send> = if gz {
        Box::new(MultiGzDecoder::new(BufReader::new(file)))
    } else {
        Box::new(file)
    };
    if jsonl {
        Box::new(JsonLines {
            reader: BufReader::with_capacity(1 << 16, reader),
            file_id: id,
            line: 0,
            gzip: gz,
            done: false,
            buf: Vec::new(),
        })
    } else {
        single(read_text(reader, id, gz))
    }
}

fn read_text(mut reader: Box<dyn Read + Send>, id: String, gz: bool) -> Item {
    let mut bytes = Vec::new();
    // Read one byte past the limit so an oversized document is reported,
    // not silently truncated.
    let limit = MAX_DOCUMENT_BYTES as u64 + 1;
    if let Err(e) = (&mut reader).take(limit).read_to_end(&mut bytes) {
        let kind = if gz {
            DocErrorKind::Gzip(e.to_string())
        } else {
            DocErrorKind::Io(e.to_string())
        };
        return Err(DocError { id, kind });
    }
    let input_bytes = bytes.len();
    match decode(&bytes) {
        Ok((text, encoding)) => Ok(Document {
            id,
            text,
            encoding,
            meta: Map::new(),
            input_bytes,
        }),
        Err(kind) => Err(DocError { id, kind }),
    }
}

struct JsonLines<R> {
    reader: R,
    file_id: String,
    line: usize,
    gzip: bool,
    done: bool,
    buf: Vec<u8>,
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if self.done {
                return None;
            }
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    self.done = true;
                    let kind = if self.gzip {
                        DocErrorKind::Gzip(e.to_string())
                    } else {
                        DocErrorKind::Io(e.to_string())
                    };
                    return Some(Err(DocError {
                        id: format!("{}#L{}", self.file_id, self.line + 1),
                        kind,
                    }));
                }
            }
            self.line += 1;
            let line_bytes = self.buf.trim_ascii();
            if line_bytes.is_empty() {
                continue;
            }
            return Some(self.parse_line(line_bytes.len()));
        }
    }
}

impl<R> JsonLines<R> {
    fn parse_line(&self, len: usize) -> Item {
        let fallback_id = format!("{}#L{}", self.file_id, self.line);
        let bad = |msg: String| DocError {
            id: fallback_id.clone(),
            kind: DocErrorKind::BadRecord(msg),
        };
        let line_bytes = self.buf.trim_ascii();
        let value: Value = serde_json::from_slice(line_bytes)
            .map_err(|e| bad(format!("line {}: {e}", self.line)))?;
        let Value::Object(mut obj) = value else {
            return Err(bad(format!("line {}: not a JSON object", self.line)));
        };
        let id = match obj.remove("id") {
            Some(Value::String(s)) => format!("{}#{s}", self.file_id),
            Some(Value::Number(n)) => format!("{}#{n}", self.file_id),
            _ => fallback_id.clone(),
        };
        let text = match obj.remove("text") {
            Some(Value::String(s)) => s,
            Some(_) => {
                return Err(DocError {
                    id,
                    kind: DocErrorKind::BadRecord(format!(
                        "line {}: `text` is not a string",
                        self.line
                    )),
                });
            }
            None => {
                return Err(DocError {
                    id,
                    kind: DocErrorKind::BadRecord(format!("line {}: no `text` field", self.line)),
                });
            }
        };
        if text.len() > MAX_DOCUMENT_BYTES {
            return Err(DocError {
                id,
                kind: DocErrorKind::TooLarge {
                    bytes: text.len(),
                    limit: MAX_DOCUMENT_BYTES,
                },
            });
        }
        Ok(Document {
            id,
            text,
            encoding: "UTF-8",
            meta: obj,
            input_bytes: len,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_with_and_without_bom() {
        assert_eq!(decode("临汾".as_bytes()).unwrap(), ("临汾".into(), "UTF-8"));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("临汾".as_bytes());
        assert_eq!(decode(&b).unwrap(), ("临汾".into(), "UTF-8"));
    }

    #[test]
    fn decodes_utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        for u in "临汾市".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le).unwrap(), ("临汾市".into(), "UTF-16LE"));
        let mut be = vec![0xFE, 0xFF];
        for u in "临汾市".encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(&be).unwrap(), ("临汾市".into(), "UTF-16BE"));
    }

    #[test]
    fn decodes_gb18030() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("签约额 221.23 亿元，开工率 50.4%");
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!(enc, "GB18030");
        assert_eq!(text, "签约额 221.23 亿元，开工率 50.4%");
    }

    #[test]
    fn rejects_binary_and_garbage() {
        assert_eq!(
            decode(b"PK\x03\x04\x00\x00"),
            Err(DocErrorKind::Binary { offset: 4 })
        );
        let mut bad = "临汾".as_bytes().to_vec();
        bad.extend_from_slice(&[0xFF, 0xFF, 0x41]);
        assert_eq!(
            decode(&bad),
            Err(DocErrorKind::Undecodable { utf8_error_at: 6 })
        );
    }

    #[test]
    fn empty_is_an_empty_document() {
        assert_eq!(decode(b"").unwrap(), (String::new(), "UTF-8"));
    }
}
