//! The original documents behind a tag run's records, read again from the
//! inputs (`--source`) with `tiqu-input`, exactly as `tiqu tag` read them.
//!
//! Records come in input order, so the documents are read forward in step
//! with them: [`Sources::get`] reads the inputs until it meets the document
//! asked for, keeps only documents that still have records to show (the
//! `wanted` counts), and forgets each one after its last use. When the
//! records and the inputs are in the same order (the normal case) at most
//! one document is in memory.

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

use anyhow::{Result, bail};
use tiqu_input::Inputs;
use unicode_width::UnicodeWidthChar;

/// One decoded document with a character → byte index.
pub struct DocText {
    pub text: String,
    /// Byte offset of every `STEP`-th character.
    checkpoints: Vec<usize>,
}

const STEP: usize = 64;

impl DocText {
    pub fn new(text: String) -> DocText {
        let checkpoints = text.char_indices().step_by(STEP).map(|(b, _)| b).collect();
        DocText { text, checkpoints }
    }

    /// The byte offset of character `c` (`c` = number of characters is the
    /// end of the text); `None` past the end.
    pub fn byte_of(&self, c: usize) -> Option<usize> {
        let from = match self.checkpoints.get(c / STEP) {
            Some(&b) => b,
            // Exactly at the end of a text whose length is a multiple of STEP.
            None if c / STEP == self.checkpoints.len() => self.text.len(),
            None => return None,
        };
        let rest = c % STEP;
        if rest == 0 {
            return Some(from);
        }
        let tail = &self.text[from..];
        match tail.char_indices().nth(rest) {
            Some((b, _)) => Some(from + b),
            None if tail.chars().count() == rest => Some(self.text.len()),
            None => None,
        }
    }

    /// The byte span of the character span `start..end`, if it is inside
    /// the text and holds `expected` (the record's own text).
    pub fn span(&self, start: usize, end: usize, expected: &str) -> Option<(usize, usize)> {
        let bs = self.byte_of(start)?;
        let be = self.byte_of(end)?;
        (bs <= be && self.text[bs..be] == *expected).then_some((bs, be))
    }
}

/// The original documents, read on demand.
pub struct Sources {
    inputs: Inputs,
    /// Documents still needed, and how many more times.
    wanted: HashMap<String, usize>,
    /// Documents read ahead of their records.
    loaded: HashMap<String, Rc<DocText>>,
    /// Documents that the inputs could not read (id → reason).
    pub unreadable: HashMap<String, String>,
    exhausted: bool,
}

/// Checks the `--source` paths: at least one, each existing.
pub fn check_paths(paths: &[PathBuf]) -> Result<()> {
    if paths.is_empty() {
        bail!(
            "the original documents are needed for context, and the manifest does not \
             record where they are: pass the paths you gave to `tiqu tag` with \
             --source PATH... (e.g. --source corpus/)"
        );
    }
    for p in paths {
        if !p.exists() {
            bail!("--source {}: no such file or directory", p.display());
        }
    }
    Ok(())
}

impl Sources {
    /// `paths`: the inputs given to `tiqu tag`; `wanted`: document id →
    /// number of [`Sources::get`] calls that will ask for it.
    pub fn new(paths: &[PathBuf], wanted: HashMap<String, usize>) -> Result<Sources> {
        check_paths(paths)?;
        Ok(Sources {
            inputs: Inputs::new(paths),
            wanted,
            loaded: HashMap::new(),
            unreadable: HashMap::new(),
            exhausted: false,
        })
    }

    /// The document `id`, or `None` when the inputs do not hold it (or
    /// cannot read it). Each call uses up one of the document's `wanted`
    /// counts; after the last one the text is dropped.
    pub fn get(&mut self, id: &str) -> Option<Rc<DocText>> {
        let found = match self.loaded.get(id) {
            Some(d) => Some(Rc::clone(d)),
            None => self.read_until(id),
        };
        if let Some(n) = self.wanted.get_mut(id) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.wanted.remove(id);
                self.loaded.remove(id);
            }
        }
        found
    }

    fn read_until(&mut self, id: &str) -> Option<Rc<DocText>> {
        if self.exhausted || !self.wanted.contains_key(id) {
            return None;
        }
        for item in self.inputs.by_ref() {
            match item {
                Ok(doc) => {
                    if !self.wanted.contains_key(&doc.id) {
                        continue;
                    }
                    let d = Rc::new(DocText::new(doc.text));
                    self.loaded.insert(doc.id.clone(), Rc::clone(&d));
                    if doc.id == id {
                        return Some(d);
                    }
                }
                Err(e) => {
                    if self.wanted.contains_key(&e.id) {
                        self.unreadable.insert(e.id.clone(), e.kind.to_string());
                    }
                }
            }
        }
        self.exhausted = true;
        None
    }
}

/// How a character is shown on one line: line breaks as ⏎ (a CR LF pair
/// as one), tabs and other control characters as a space.
fn shown(c: char, next: Option<char>) -> Option<char> {
    match c {
        '\r' if next == Some('\n') => None,
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => Some('⏎'),
        c if c.is_control() => Some(' '),
        c => Some(c),
    }
}

/// Display width of a character on a terminal (CJK = 2 columns).
pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Display width of a string.
pub fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` on one line (see [`shown`]).
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if let Some(d) = shown(c, it.peek().copied()) {
            out.push(d);
        }
    }
    out
}

/// The text before byte `at`, on one line, at most `width` columns wide
/// (the characters nearest to `at`).
pub fn left_context(text: &str, at: usize, width: usize) -> String {
    let mut taken: Vec<char> = Vec::new();
    let mut used = 0;
    let mut next: Option<char> = text[at..].chars().next();
    for c in text[..at].chars().rev() {
        if let Some(d) = shown(c, next) {
            let w = char_width(d);
            if used + w > width {
                break;
            }
            used += w;
            taken.push(d);
        }
        next = Some(c);
    }
    taken.iter().rev().collect()
}

/// The text after byte `at`, on one line, at most `width` columns wide.
pub fn right_context(text: &str, at: usize, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let mut it = text[at..].chars().peekable();
    while let Some(c) = it.next() {
        if let Some(d) = shown(c, it.peek().copied()) {
            let w = char_width(d);
            if used + w > width {
                break;
            }
            used += w;
            out.push(d);
        }
    }
    out
}

/// Characters that end a sentence.
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';')
}

/// The sentence around bytes `bs..be`: from after the previous sentence end
/// (or paragraph break) to the next one, at most `max_chars` characters on
/// each side. Returns byte offsets.
pub fn sentence_around(text: &str, bs: usize, be: usize, max_chars: usize) -> (usize, usize) {
    let mut start = bs;
    let mut prev_newline = false;
    for (n, (i, c)) in text[..bs].char_indices().rev().enumerate() {
        if n >= max_chars || ends_sentence(c) {
            break;
        }
        if c == '\n' && prev_newline {
            // A blank line: a paragraph break.
            start = i + 2;
            break;
        }
        prev_newline = c == '\n';
        start = i;
    }
    let mut end = be;
    let mut prev_newline = false;
    for (n, (i, c)) in text[be..].char_indices().enumerate() {
        if n >= max_chars {
            break;
        }
        if c == '\n' && prev_newline {
            end = be + i - 1;
            break;
        }
        prev_newline = c == '\n';
        end = be + i + c.len_utf8();
        if ends_sentence(c) {
            break;
        }
    }
    // No line breaks or spaces at either end.
    let start = start.min(bs);
    let start = start + (text[start..bs].len() - text[start..bs].trim_start().len());
    let end = end.max(be);
    let end = end - (text[be..end].len() - text[be..end].trim_end().len());
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_to_byte() {
        let s: String = "临汾a".repeat(100);
        let d = DocText::new(s.clone());
        for c in 0..=s.chars().count() {
            let expect = s.char_indices().nth(c).map_or(s.len(), |(b, _)| b);
            assert_eq!(d.byte_of(c), Some(expect), "char {c}");
        }
        assert_eq!(d.byte_of(s.chars().count() + 1), None);
        let d = DocText::new("a".repeat(64));
        assert_eq!(d.byte_of(64), Some(64));
        assert_eq!(d.byte_of(65), None);
        assert_eq!(DocText::new(String::new()).byte_of(0), Some(0));
    }

    #[test]
    fn contexts_are_width_bounded_and_on_one_line() {
        let t = "第一行\r\n开发区\t建设ab承诺制后文很长很长";
        let at = t.find("承诺制").unwrap();
        let l = left_context(t, at, 9);
        assert_eq!(l, "区 建设ab");
        assert!(str_width(&l) <= 9);
        let l = left_context(t, at, 40);
        assert_eq!(l, "第一行⏎开发区 建设ab");
        let r = right_context(t, at + "承诺制".len(), 5);
        assert_eq!(r, "后文");
    }

    #[test]
    fn sentence_bounds() {
        let t = "前一句。今年以来，签约额 221.23 亿元，增长。后一句";
        let bs = t.find("签约额").unwrap();
        let be = bs + "签约额".len();
        let (s, e) = sentence_around(t, bs, be, 100);
        assert_eq!(&t[s..e], "今年以来，签约额 221.23 亿元，增长。");
        let t = "标题\n\n正文承诺制\n续行。\n 后";
        let bs = t.find("承诺制").unwrap();
        let (s, e) = sentence_around(t, bs, bs + 9, 100);
        assert_eq!(&t[s..e], "正文承诺制\n续行。");
        let t = "前。\n 承诺制 \n\n";
        let bs = t.find("承诺制").unwrap();
        let (s, e) = sentence_around(t, bs, bs + 9, 100);
        assert_eq!(&t[s..e], "承诺制");
    }
}
