//! # tiqu-text: the messy-text layer
//!
//! Newspaper pages extracted from PDF break lines inside words (`落\n实`), put
//! spaces inside numbers (`签约额 221.23 亿元`), mix ASCII and full-width
//! punctuation and print several articles on one page. Every later stage of
//! tiqu (quantities, rules, facts) matches against a **normalized** copy of the
//! text and reports spans in the **original**.
//!
//! This crate owns that boundary:
//!
//! - [`normalize`] builds the normalized text and an [`OffsetMap`] back to
//!   the original (see the module docs for the normalization table);
//! - [`Structure::analyze`] finds paragraphs, articles (with their subject),
//!   `【…】` sections, sentences and clauses on the normalized text;
//! - [`CharIndex`] turns byte offsets into character offsets for output.
//!
//! **Invariants.** The original text is never modified. The offset map is
//! monotone. For every normalized span, the original span it maps to holds
//! the same characters modulo the normalization table (whitespace removed,
//! width folded, ASCII punctuation converted). All of this is linear in the
//! text length and never fails on any input.

#![deny(missing_docs)]

pub mod chars;
pub mod normalize;
pub mod offsets;
pub mod structure;

pub use normalize::{Normalized, Paragraph, normalize};
pub use offsets::{CharIndex, OffsetMap};
pub use structure::{
    Article, Clause, ParagraphKind, Section, Sentence, Span, Structure, Subject, SubjectKind,
    SubjectSource,
};

/// A document's text prepared for matching: original, normalized, structure.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    /// The original decoded text.
    pub original: &'a str,
    /// The normalized text and offset map.
    pub normalized: Normalized,
    /// Articles, sections, sentences, clauses.
    pub structure: Structure,
    /// Byte → char offsets in the original.
    pub original_chars: CharIndex,
}

impl<'a> Prepared<'a> {
    /// Normalizes and analyzes `original`.
    pub fn new(original: &'a str) -> Self {
        let normalized = normalize(original);
        let structure = Structure::analyze(&normalized);
        Prepared {
            original,
            original_chars: CharIndex::new(original),
            normalized,
            structure,
        }
    }

    /// Maps a normalized byte span to the original: `(byte range, char range)`.
    pub fn original_span(&self, span: Span) -> OriginalSpan {
        let bytes = self.normalized.map.to_original(span.range());
        OriginalSpan {
            char_start: self.original_chars.char_offset(self.original, bytes.start),
            char_end: self.original_chars.char_offset(self.original, bytes.end),
            byte_start: bytes.start,
            byte_end: bytes.end,
        }
    }

    /// The normalized text of a span.
    pub fn normalized_text(&self, span: Span) -> &str {
        &self.normalized.text[span.range()]
    }
}

/// A span in the original text, in bytes and in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OriginalSpan {
    /// Character (Unicode scalar) offset, inclusive.
    pub char_start: usize,
    /// Character offset, exclusive.
    pub char_end: usize,
    /// Byte offset, inclusive.
    pub byte_start: usize,
    /// Byte offset, exclusive.
    pub byte_end: usize,
}
