//! # tiqu-seg: word segmentation for the parts of a text that need it
//!
//! A thin layer over [jieba-rs](https://docs.rs/jieba-rs) that fits tiqu's
//! pipeline:
//!
//! - it segments **one sentence at a time** (any `&str` slice), so later
//!   stages segment lazily, only where a rule needs tokens;
//! - tokens carry **byte offsets** into the slice plus a POS tag, so callers
//!   map them back to the original text with the text layer's offset map;
//! - callers can pass **protected spans** (quantities such as `221.23亿元`,
//!   lexicon hits) that come out as single tokens, whatever the dictionary
//!   would have done with them;
//! - a **user lexicon** (`grammars/seg_user_dict.txt`, embedded, plus any
//!   words the rule sets name) keeps policy terms such as `三化三制` and
//!   `临汾经济开发区` whole.
//!
//! The dictionary is loaded once ([`Segmenter::new`]); a `Segmenter` is
//! immutable afterwards and shared by reference across threads.

#![deny(missing_docs)]

use std::ops::Range;

use jieba_rs::Jieba;

/// The shipped user dictionary (jieba format), embedded at compile time.
pub const SHIPPED_USER_DICT: &str = include_str!("../../../grammars/seg_user_dict.txt");

/// One token: a byte range of the segmented slice and its POS tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte, relative to the segmented slice.
    pub start: usize,
    /// Exclusive end byte offset.
    pub end: usize,
    /// POS tag (jieba's ICTCLAS-style tag set: `n`, `v`, `ns`, `m`, …;
    /// protected spans get the tag their caller gave).
    pub tag: &'static str,
}

impl Token {
    /// The token's text within `slice`.
    pub fn text<'a>(&self, slice: &'a str) -> &'a str {
        &slice[self.start..self.end]
    }
}

/// A span the segmenter must keep whole, with the tag to give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    /// Byte range in the slice.
    pub range: Range<usize>,
    /// Tag for the resulting token (e.g. `mq` for a quantity).
    pub tag: &'static str,
}

/// Errors loading a user dictionary.
#[derive(Debug, thiserror::Error)]
pub enum SegError {
    /// The dictionary text is malformed.
    #[error("bad user dictionary: {0}")]
    BadDictionary(String),
}

/// Word segmenter with POS tagging. Immutable after construction.
pub struct Segmenter {
    jieba: Jieba,
    hmm: bool,
    /// Tags a user dictionary gives to words the default dictionary already
    /// has (jieba keeps a known word's tag when it is added again): 举措 is
    /// `v` there, a noun in policy text.
    retag: std::collections::HashMap<Box<str>, &'static str>,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter").field("hmm", &self.hmm).finish()
    }
}

impl Default for Segmenter {
    fn default() -> Self {
        Self::new()
    }
}

impl Segmenter {
    /// jieba's default dictionary plus the shipped user dictionary, HMM on
    /// (so out-of-vocabulary names are still grouped).
    pub fn new() -> Self {
        let mut s = Segmenter {
            jieba: Jieba::new(),
            hmm: true,
            retag: std::collections::HashMap::new(),
        };
        s.load_user_dict(SHIPPED_USER_DICT)
            .expect("the shipped user dictionary is well-formed");
        s
    }

    /// Adds the words of a dictionary in jieba's format (`word [freq] [tag]`
    /// per line; `#` starts a comment line).
    pub fn load_user_dict(&mut self, dict: &str) -> Result<(), SegError> {
        for (n, line) in dict.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let word = parts.next().unwrap_or_default();
            let (freq, tag) = match (parts.next(), parts.next()) {
                (Some(a), Some(b)) => match a.parse::<usize>() {
                    Ok(f) => (Some(f), Some(b)),
                    Err(_) => {
                        return Err(SegError::BadDictionary(format!(
                            "line {}: frequency `{a}` is not a number",
                            n + 1
                        )));
                    }
                },
                (Some(a), None) => match a.parse::<usize>() {
                    Ok(f) => (Some(f), None),
                    Err(_) => (None, Some(a)),
                },
                _ => (None, None),
            };
            if let Some(tag) = tag
                && self.jieba.has_word(word)
            {
                self.retag.insert(word.into(), intern_tag(tag));
            }
            self.add_word(word, freq, tag);
        }
        Ok(())
    }

    /// Adds one word. Without a frequency, one high enough for the word to be
    /// kept whole is chosen.
    pub fn add_word(&mut self, word: &str, freq: Option<usize>, tag: Option<&str>) {
        let freq = freq.or_else(|| Some(self.jieba.suggest_freq(word).max(1)));
        self.jieba.add_word(word, freq, tag);
    }

    /// Whether `word` is in the dictionary (jieba's own, the user
    /// dictionary's or an added word). A word the segmenter found by its
    /// HMM is not: those are mostly names (沐邦, 大瑞, 彭家湾).
    pub fn knows(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }

    /// Segments `text` (one sentence or any slice) into tagged tokens.
    pub fn segment(&self, text: &str) -> Vec<Token> {
        self.segment_protected(text, &[])
    }

    /// Segments `text`, keeping each protected span as one token. Protected
    /// spans must be sorted, non-overlapping and on char boundaries;
    /// overlapping ones are skipped.
    pub fn segment_protected(&self, text: &str, protected: &[Protected]) -> Vec<Token> {
        let mut out = Vec::with_capacity(text.len() / 4 + 1);
        let mut pos = 0usize;
        for p in protected {
            if p.range.start < pos || p.range.end > text.len() || p.range.is_empty() {
                continue;
            }
            self.tag_into(text, pos, p.range.start, &mut out);
            out.push(Token {
                start: p.range.start,
                end: p.range.end,
                tag: p.tag,
            });
            pos = p.range.end;
        }
        self.tag_into(text, pos, text.len(), &mut out);
        out
    }

    fn tag_into(&self, text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
        if start >= end {
            return;
        }
        for t in self.jieba.tag(&text[start..end], self.hmm) {
            let retagged = if self.retag.is_empty() {
                None
            } else {
                self.retag.get(t.word).copied()
            };
            out.push(Token {
                start: start + t.byte_start,
                end: start + t.byte_end,
                tag: retagged.unwrap_or_else(|| intern_tag(t.tag)),
            });
        }
    }
}

/// jieba's tag set, so that tokens carry `&'static str` tags without
/// allocating; anything else becomes `x`.
const TAGS: &[&str] = &[
    "a", "ad", "ag", "an", "b", "c", "d", "df", "dg", "e", "eng", "f", "g", "h", "i", "j", "k",
    "l", "m", "mg", "mq", "n", "ng", "nr", "nrfg", "nrt", "ns", "nt", "nz", "o", "p", "q", "r",
    "rg", "rr", "rz", "s", "t", "tg", "u", "ud", "ug", "uj", "ul", "uv", "uz", "v", "vd", "vg",
    "vi", "vn", "vq", "x", "y", "z", "zg",
];

fn intern_tag(tag: &str) -> &'static str {
    TAGS.iter().find(|t| **t == tag).copied().unwrap_or("x")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static SEG: LazyLock<Segmenter> = LazyLock::new(Segmenter::new);

    fn words(text: &str) -> Vec<&str> {
        SEG.segment(text).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn user_words_stay_whole() {
        let w = words("深化“三化三制”改革，推动承诺制全流程网上办理");
        assert!(w.contains(&"三化三制"), "{w:?}");
        assert!(w.contains(&"承诺制"), "{w:?}");
        let w = words("作为经济发展的“三大支撑”");
        assert!(w.contains(&"三大支撑"), "{w:?}");
    }

    #[test]
    fn tokens_tile_the_text() {
        let text = "临汾经济开发区总投资16.5亿元的明阳集团智能电气产品装配产业基地";
        let toks = SEG.segment(text);
        let mut pos = 0;
        for t in &toks {
            assert_eq!(t.start, pos);
            pos = t.end;
        }
        assert_eq!(pos, text.len());
        assert!(words(text).contains(&"临汾经济开发区"));
    }

    #[test]
    fn protected_spans_come_out_whole() {
        let text = "签约额221.23亿元，其中";
        let s = text.find("221").unwrap();
        let e = text.find('，').unwrap();
        let toks = SEG.segment_protected(
            text,
            &[Protected {
                range: s..e,
                tag: "mq",
            }],
        );
        let q = toks.iter().find(|t| t.tag == "mq").unwrap();
        assert_eq!(q.text(text), "221.23亿元");
    }

    #[test]
    fn words_found_by_the_hmm_are_not_known() {
        let text = "沐邦硅晶拉棒项目";
        let toks = SEG.segment(text);
        let first = toks[0].text(text);
        assert_eq!(first, "沐邦");
        assert!(!SEG.knows(first));
        assert!(SEG.knows("项目"));
        // User dictionary words are known.
        assert!(SEG.knows("三化三制"));
    }

    #[test]
    fn bad_dictionary_is_an_error() {
        let mut s = Segmenter {
            jieba: Jieba::empty(),
            hmm: true,
            retag: std::collections::HashMap::new(),
        };
        assert!(s.load_user_dict("词 多 n\n").is_err());
    }

    #[test]
    fn user_dictionary_tag_wins_over_the_default_one() {
        // jieba's dictionary has 举措 as a verb; the shipped user dictionary
        // makes it a noun.
        let toks = SEG.segment("出台42条务实举措");
        let t = toks
            .iter()
            .find(|t| t.text("出台42条务实举措") == "举措")
            .unwrap();
        assert_eq!(t.tag, "n");
        let mut plain = Segmenter::new();
        plain.retag.clear();
        let toks = plain.segment("出台42条务实举措");
        let t = toks
            .iter()
            .find(|t| t.text("出台42条务实举措") == "举措")
            .unwrap();
        assert_ne!(
            t.tag, "n",
            "the default dictionary changed; pick another example"
        );
    }
}
