//! The offset map from normalized text back to the original text.
//!
//! Normalization mostly copies the original verbatim, drops some whitespace
//! and replaces a few characters (full-width digits, ASCII punctuation between
//! CJK). The map therefore stores *segments*, not one entry per character: a
//! segment starts wherever the byte delta between the two texts changes. Its
//! size is proportional to the number of edits, so a 50 MB line of untouched
//! text costs one segment.
//!
//! **Invariant:** segments are sorted by both their normalized and their
//! original start (the map is monotone), and a `Copy` segment's normalized
//! bytes equal the original bytes it points at.

use std::ops::Range;

/// How one run of normalized text relates to the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SegmentKind {
    /// The normalized bytes are a verbatim copy of the original bytes.
    Copy,
    /// One normalized character replaces one original character whose UTF-8
    /// length is `orig_len` bytes (e.g. `５` → `5`, `,` → `，`); `orig_len` 0
    /// marks an inserted paragraph break.
    Replace { orig_len: u8 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment {
    pub(crate) norm_start: u32,
    pub(crate) orig_start: u32,
    pub(crate) kind: SegmentKind,
}

/// Maps byte offsets in the normalized text to byte offsets in the original.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    segments: Vec<Segment>,
    norm_len: u32,
    orig_len: u32,
}

impl OffsetMap {
    /// The original byte offset of the normalized character starting at
    /// `norm` (or of the end of the text when `norm` is the normalized length).
    pub fn to_original_start(&self, norm: usize) -> usize {
        if norm as u32 >= self.norm_len {
            return self.original_end_of_text();
        }
        let seg = self.segment_at(norm as u32);
        match seg.kind {
            SegmentKind::Copy => (seg.orig_start + (norm as u32 - seg.norm_start)) as usize,
            SegmentKind::Replace { .. } => seg.orig_start as usize,
        }
    }

    /// The original byte offset just after the normalized character that ends
    /// at `norm` (exclusive end). For `norm == 0` this is 0.
    pub fn to_original_end(&self, norm: usize) -> usize {
        if norm == 0 || self.segments.is_empty() {
            return 0;
        }
        let norm = (norm as u32).min(self.norm_len);
        let seg = self.segment_at(norm - 1);
        match seg.kind {
            SegmentKind::Copy => (seg.orig_start + (norm - seg.norm_start)) as usize,
            SegmentKind::Replace { orig_len } => (seg.orig_start + u32::from(orig_len)) as usize,
        }
    }

    /// Maps a normalized byte range to the original byte range that covers
    /// exactly the same characters (whitespace dropped *inside* the range is
    /// included, whitespace around it is not).
    pub fn to_original(&self, norm: Range<usize>) -> Range<usize> {
        if norm.is_empty() {
            let p = self.to_original_start(norm.start);
            return p..p;
        }
        self.to_original_start(norm.start)..self.to_original_end(norm.end)
    }

    /// Number of segments (a measure of how much normalization changed).
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    fn original_end_of_text(&self) -> usize {
        self.to_original_end(self.norm_len as usize)
    }

    fn segment_at(&self, norm: u32) -> Segment {
        // Last segment whose start is <= norm.
        let idx = self.segments.partition_point(|s| s.norm_start <= norm);
        self.segments[idx.saturating_sub(1)]
    }
}

/// Builds an [`OffsetMap`] while the normalizer appends output.
#[derive(Debug, Default)]
pub(crate) struct OffsetMapBuilder {
    segments: Vec<Segment>,
    /// Where the current `Copy` run would continue: (norm, orig).
    expect_copy: Option<(u32, u32)>,
}

impl OffsetMapBuilder {
    /// Record that normalized bytes at `norm` copy original bytes at `orig`
    /// (`len` bytes, verbatim).
    pub(crate) fn copy(&mut self, norm: u32, orig: u32, len: u32) {
        if self.expect_copy != Some((norm, orig)) {
            self.segments.push(Segment {
                norm_start: norm,
                orig_start: orig,
                kind: SegmentKind::Copy,
            });
        }
        self.expect_copy = Some((norm + len, orig + len));
    }

    /// Record that the normalized character at `norm` replaces the original
    /// character at `orig`, which is `orig_len` bytes long.
    pub(crate) fn replace(&mut self, norm: u32, orig: u32, orig_len: u8) {
        self.segments.push(Segment {
            norm_start: norm,
            orig_start: orig,
            kind: SegmentKind::Replace { orig_len },
        });
        self.expect_copy = None;
    }

    /// Record that the normalized character at `norm` was inserted: it
    /// stands for no original text and maps to the empty span at `orig`.
    pub(crate) fn insert(&mut self, norm: u32, orig: u32) {
        self.replace(norm, orig, 0);
    }

    pub(crate) fn finish(self, norm_len: u32, orig_len: u32) -> OffsetMap {
        OffsetMap {
            segments: self.segments,
            norm_len,
            orig_len,
        }
    }
}

impl OffsetMap {
    /// Length in bytes of the original text this map points into.
    pub fn original_len(&self) -> usize {
        self.orig_len as usize
    }
}

/// Converts byte offsets of one text into Unicode-scalar (character) offsets
/// in O(1) amortized per query, using a checkpoint every 64 bytes.
///
/// Output records carry both byte and character offsets (Python slices by
/// character), so every record needs this conversion.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// `checkpoints[i]` = number of chars in `text[..i * STRIDE]`.
    checkpoints: Vec<u32>,
}

const STRIDE: usize = 64;

impl CharIndex {
    /// Builds the index for `text` (one linear pass).
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut checkpoints = Vec::with_capacity(bytes.len() / STRIDE + 1);
        let mut chars = 0u32;
        for (i, chunk) in bytes.chunks(STRIDE).enumerate() {
            debug_assert_eq!(i, checkpoints.len());
            checkpoints.push(chars);
            chars += chunk.iter().filter(|&&b| !is_continuation(b)).count() as u32;
        }
        checkpoints.push(chars);
        CharIndex { checkpoints }
    }

    /// The character offset of byte offset `byte` (which must be a char
    /// boundary of the text the index was built for).
    pub fn char_offset(&self, text: &str, byte: usize) -> usize {
        let block = byte / STRIDE;
        let base = self.checkpoints[block.min(self.checkpoints.len() - 1)] as usize;
        let from = block * STRIDE;
        if from >= byte {
            return base;
        }
        base + text.as_bytes()[from..byte]
            .iter()
            .filter(|&&b| !is_continuation(b))
            .count()
    }
}

fn is_continuation(b: u8) -> bool {
    (b & 0xC0) == 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_matches_naive_count() {
        let text = "ab签约额 221.23 亿元，其\n中".repeat(20);
        let idx = CharIndex::new(&text);
        for (byte, _) in text.char_indices() {
            assert_eq!(idx.char_offset(&text, byte), text[..byte].chars().count());
        }
        assert_eq!(idx.char_offset(&text, text.len()), text.chars().count());
    }

    #[test]
    fn empty_map_maps_to_zero() {
        let map = OffsetMapBuilder::default().finish(0, 0);
        assert_eq!(map.to_original(0..0), 0..0);
    }
}
