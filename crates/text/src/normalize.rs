//! Normalization: a matching-friendly copy of the text, with an offset map.
//!
//! The original text is never modified. [`normalize`] produces a new string in
//! which the noise of PDF-extracted newspaper pages is removed, and an
//! [`OffsetMap`] that maps every normalized byte back to the original.
//!
//! # The normalization table
//!
//! | original | normalized | when |
//! |---|---|---|
//! | line break (one or more `\n`, with any blank lines and indentation) | removed | *soft* break: the line does not end a paragraph (see below) |
//! | line break between two Latin letters | one space | soft break |
//! | line break | one `\n` | *hard* break: paragraph end |
//! | run of spaces, tabs, `\u{3000}`, NBSP inside a line | removed | unless both neighbours are ASCII letters/digits |
//! | run of spaces between two ASCII letters/digits | one space | always |
//! | spaces at the start/end of a line | removed | always |
//! | full-width digit, Latin letter, `％`, `．` | ASCII (`５`→`5`, `％`→`%`) | always |
//! | ASCII `,` `;` `:` `?` `!` | `，` `；` `：` `？` `！` | a neighbour is CJK (so `1,100.9` and `1:1` stay) |
//! | ASCII `(` `)` | `（` `）` | a neighbour is CJK, or it closes a converted `(` |
//!
//! A line break is **hard** when the line before it ends with `。！？】`
//! (or a closing quote after one of them), or with `；` when the next line
//! opens a list item (`（二）`, `二是`) — a full line ending in `；` goes on
//! with the same sentence —, when it is a byline (`供稿：…`),
//! a photo caption (`…供图`), a headline with an inner space, or a short line
//! (shorter than 70% of the page's typical line, capped at 24 characters), or
//! when the next line opens a section head `【`. It is **soft** — the words
//! on both sides are joined — when the line is full length and does not end
//! a sentence, or when it leaves a `【`, `“` or `（` open. A blank line (page
//! break) after a full line that does not end a sentence is soft too, which
//! heals `原\n\n则`. A byline that follows a sentence on the same line
//! (`活力。 供稿：临汾市商务局`) is split off as its own paragraph.

use crate::chars::{
    ends_paragraph, fold_width, is_ascii_word, is_cjk, is_closer, is_han, is_sentence_terminal,
    is_space,
};
use crate::offsets::{OffsetMap, OffsetMapBuilder};

/// A paragraph of normalized text: the text between two hard breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    /// Normalized byte range (without the trailing `\n`).
    pub start: u32,
    /// Exclusive end.
    pub end: u32,
    /// The original line had a space between two Han characters (headlines
    /// are set in two halves: `勇立潮头二十七载 谱写高质量发展新篇章`).
    pub spaced_headline: bool,
}

/// Normalized text plus its map back to the original.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The normalized text; paragraphs are separated by a single `\n`.
    pub text: String,
    /// Normalized → original byte offsets.
    pub map: OffsetMap,
    /// Paragraphs in order.
    pub paragraphs: Vec<Paragraph>,
}

impl Normalized {
    /// The original byte range covering normalized bytes `start..end`.
    pub fn original_range(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        self.map.to_original(start..end)
    }
}

/// Features of one non-empty original line (trimmed).
#[derive(Debug, Clone)]
struct Line {
    start: usize,
    end: usize,
    chars: usize,
    /// Split off from the previous line (an inline byline): always hard.
    forced_break: bool,
}

/// Normalizes `original`. Linear in its length; never fails.
pub fn normalize(original: &str) -> Normalized {
    assert!(
        original.len() < u32::MAX as usize,
        "documents are limited to 4 GiB; the reader rejects larger ones"
    );
    let lines = split_lines(original);
    let typical = typical_line_chars(&lines);
    let mut out = Normalizer {
        original,
        text: String::with_capacity(original.len()),
        map: OffsetMapBuilder::default(),
        paragraphs: Vec::new(),
        para_start: 0,
        para_spaced: false,
    };
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            let prev = &lines[i - 1];
            if is_hard_break(
                &original[prev.start..prev.end],
                prev.chars,
                line,
                original,
                typical,
            ) {
                out.hard_break(prev.end, line.start);
            } else {
                out.soft_break(prev.end, &original[line.start..line.end]);
            }
        }
        out.line(line.start, line.end);
    }
    out.finish()
}

struct Normalizer<'a> {
    original: &'a str,
    text: String,
    map: OffsetMapBuilder,
    paragraphs: Vec<Paragraph>,
    para_start: u32,
    para_spaced: bool,
}

impl Normalizer<'_> {
    fn last_char(&self) -> Option<char> {
        if self.text.len() as u32 == self.para_start {
            return None;
        }
        self.text.chars().next_back()
    }

    fn push_copy(&mut self, orig: usize, c: char) {
        self.map
            .copy(self.text.len() as u32, orig as u32, c.len_utf8() as u32);
        self.text.push(c);
    }

    fn push_replace(&mut self, orig: usize, orig_char: char, c: char) {
        self.map.replace(
            self.text.len() as u32,
            orig as u32,
            orig_char.len_utf8() as u8,
        );
        self.text.push(c);
    }

    /// Emits one trimmed original line `start..end`.
    fn line(&mut self, start: usize, end: usize) {
        let line = &self.original[start..end];
        let mut chars = line.char_indices().peekable();
        // Depth of `(` converted to `（` whose `)` has not been seen.
        let mut converted_parens = 0usize;
        while let Some((off, c)) = chars.next() {
            let pos = start + off;
            // A run of characters copied unchanged (most of the text): one
            // slice and one offset-map call, as the per-character copies
            // below would record it.
            if is_plain(c) {
                let mut run_end = off + c.len_utf8();
                while let Some(&(o, c2)) = chars.peek() {
                    if !is_plain(c2) {
                        break;
                    }
                    run_end = o + c2.len_utf8();
                    chars.next();
                }
                self.map
                    .copy(self.text.len() as u32, pos as u32, (run_end - off) as u32);
                self.text.push_str(&line[off..run_end]);
                continue;
            }
            if is_space(c) {
                // Consume the whole run of spaces.
                let mut run_end = off + c.len_utf8();
                while let Some(&(o, c2)) = chars.peek() {
                    if !is_space(c2) {
                        break;
                    }
                    run_end = o + c2.len_utf8();
                    chars.next();
                }
                let prev = self.last_char();
                let next = line[run_end..].chars().next().map(folded);
                if let (Some(p), Some(n)) = (prev, next) {
                    if is_ascii_word(p) && is_ascii_word(n) {
                        if c == ' ' {
                            self.push_copy(pos, ' ');
                        } else {
                            self.push_replace(pos, c, ' ');
                        }
                    } else if is_han(p) && is_han(n) {
                        self.para_spaced = true;
                    }
                }
                continue;
            }
            if let Some(f) = fold_width(c) {
                self.push_replace(pos, c, f);
                continue;
            }
            if matches!(c, ',' | ';' | ':' | '?' | '!' | '(' | ')') {
                let prev = self.last_char();
                let next = line[off + 1..].chars().find(|&c| !is_space(c)).map(folded);
                let cjk_neighbour = prev.is_some_and(is_cjk) || next.is_some_and(is_cjk);
                let convert = match c {
                    '?' | '!' => prev.is_some_and(is_cjk),
                    '(' => {
                        if cjk_neighbour {
                            converted_parens += 1;
                        }
                        cjk_neighbour
                    }
                    ')' => {
                        if converted_parens > 0 {
                            converted_parens -= 1;
                            true
                        } else {
                            cjk_neighbour
                        }
                    }
                    _ => cjk_neighbour,
                };
                if convert {
                    self.push_replace(pos, c, full_width_punct(c));
                    continue;
                }
            }
            self.push_copy(pos, c);
        }
    }

    fn hard_break(&mut self, prev_end: usize, next_start: usize) {
        self.close_paragraph();
        if self.text.is_empty() {
            return;
        }
        // Map the `\n` to the first newline between the two lines; a break
        // inserted inside one line (an inline byline) maps to an empty span.
        match self.original[prev_end..next_start].find('\n') {
            Some(i) => self.push_copy(prev_end + i, '\n'),
            None => {
                self.map.insert(self.text.len() as u32, next_start as u32);
                self.text.push('\n');
            }
        }
        self.para_start = self.text.len() as u32;
    }

    fn soft_break(&mut self, prev_end: usize, next_line: &str) {
        let prev = self.last_char();
        let next = next_line.chars().next().map(folded);
        if prev.is_some_and(|c| c.is_ascii_alphabetic())
            && next.is_some_and(|c| c.is_ascii_alphabetic())
        {
            let nl = self.original[prev_end..]
                .find('\n')
                .map_or(prev_end, |i| prev_end + i);
            self.push_replace(nl, '\n', ' ');
        }
    }

    fn close_paragraph(&mut self) {
        let end = self.text.len() as u32;
        if end > self.para_start {
            self.paragraphs.push(Paragraph {
                start: self.para_start,
                end,
                spaced_headline: self.para_spaced,
            });
        }
        self.para_spaced = false;
    }

    fn finish(mut self) -> Normalized {
        self.close_paragraph();
        let len = self.text.len() as u32;
        Normalized {
            map: self.map.finish(len, self.original.len() as u32),
            text: self.text,
            paragraphs: self.paragraphs,
        }
    }
}

/// Copied as it is, whatever surrounds it: not a space, not folded, not
/// ASCII punctuation that may become full-width.
fn is_plain(c: char) -> bool {
    !is_space(c) && fold_width(c).is_none() && !matches!(c, ',' | ';' | ':' | '?' | '!' | '(' | ')')
}

fn folded(c: char) -> char {
    fold_width(c).unwrap_or(c)
}

fn full_width_punct(c: char) -> char {
    match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        _ => c,
    }
}

/// Splits `text` into trimmed non-empty lines, splitting off inline bylines.
fn split_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut pos = 0usize;
    for raw in text.split('\n') {
        let raw_start = pos;
        pos += raw.len() + 1;
        let trimmed = raw.trim_matches(is_space);
        if trimmed.is_empty() {
            continue;
        }
        let start = raw_start + (trimmed.as_ptr() as usize - raw.as_ptr() as usize);
        let end = start + trimmed.len();
        let mut push = |start: usize, end: usize, forced_break: bool| {
            lines.push(Line {
                start,
                end,
                chars: text[start..end].chars().count(),
                forced_break,
            });
        };
        match inline_byline_split(trimmed) {
            Some(split) => {
                let body_end = start + trimmed[..split].trim_end_matches(is_space).len();
                push(start, body_end, false);
                push(start + split, end, true);
            }
            None => push(start, end, false),
        }
    }
    lines
}

/// `…活力。 供稿：临汾市商务局` → the byte offset of `供稿`.
fn inline_byline_split(line: &str) -> Option<usize> {
    let at = line.rfind("供稿")?;
    if at == 0 {
        return None;
    }
    let before = line[..at].trim_end_matches(is_space);
    let last = before.chars().next_back()?;
    // `（供稿：…）` keeps its bracket.
    let (split, last) = if matches!(last, '（' | '(') {
        let before2 = before[..before.len() - last.len_utf8()].trim_end_matches(is_space);
        (before.len() - last.len_utf8(), before2.chars().next_back()?)
    } else {
        (at, last)
    };
    (is_sentence_terminal(last) || is_closer(last)).then_some(split)
}

/// The page's typical line length in characters (75th percentile).
fn typical_line_chars(lines: &[Line]) -> f32 {
    if lines.is_empty() {
        return 0.0;
    }
    let mut lens: Vec<usize> = lines.iter().map(|l| l.chars).collect();
    lens.sort_unstable();
    lens[(lens.len() * 3 / 4).min(lens.len() - 1)] as f32
}

/// Is the break between the line `prev` and `next` a paragraph end?
fn is_hard_break(prev: &str, prev_chars: usize, next: &Line, text: &str, typical: f32) -> bool {
    if next.forced_break {
        return true;
    }
    let next_text = &text[next.start..next.end];
    let mut rev = prev.chars().rev();
    let Some(last) = rev.next() else {
        return true;
    };
    if unclosed(prev, '【', '】') {
        return false;
    }
    // A `；` at the end of a full line goes on with the same sentence
    // (…占全市开发区的64%；\n第二主导产业企业125家…), unless the next line
    // opens a list item (…；\n（二）…) or is cut short below.
    if matches!(last, '；' | ';') {
        if crate::structure::starts_with_list_marker(next_text) {
            return true;
        }
    } else if ends_paragraph(last) {
        return true;
    }
    if is_closer(last) && rev.next().is_some_and(is_sentence_terminal) {
        return true;
    }
    if is_byline(prev) || is_byline(next_text) || is_caption(prev) || is_caption(next_text) {
        return true;
    }
    if next_text.starts_with('【') {
        return true;
    }
    if unclosed(prev, '“', '”') || unclosed(prev, '（', '）') || unclosed(prev, '(', ')') {
        return false;
    }
    if is_spaced_headline(prev, prev_chars) {
        return true;
    }
    let full = (0.7 * typical).clamp(4.0, 24.0);
    (prev_chars as f32) < full
}

fn unclosed(s: &str, open: char, close: char) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
        }
    }
    depth > 0
}

/// `供稿：临汾市商务局`, `(供稿:吕梁市商务局)`.
pub(crate) fn is_byline(line: &str) -> bool {
    let t = line.trim_start_matches(['(', '（', ' ']);
    t.starts_with("供稿") && line.chars().count() <= 40
}

/// `数字产业园区 临汾经开区供图`.
pub(crate) fn is_caption(line: &str) -> bool {
    let t = line.trim_end_matches(is_space);
    (t.ends_with("供图") || t.ends_with("摄")) && line.chars().count() <= 40
}

/// A short line set in two halves with a space between Han characters and no
/// clause punctuation: a headline.
fn is_spaced_headline(line: &str, chars: usize) -> bool {
    if chars > 40 || line.contains(['，', '。', ',', '；']) {
        return false;
    }
    let cs: Vec<char> = line.chars().collect();
    cs.windows(3)
        .any(|w| is_han(w[0]) && is_space(w[1]) && (is_han(w[2]) || w[2] == '“'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s).text
    }

    #[test]
    fn heals_soft_breaks_inside_words() {
        assert_eq!(
            norm("今年以来，临汾市深入贯彻落\n实中央、省关于开发区建设的决策\n部署。"),
            "今年以来，临汾市深入贯彻落实中央、省关于开发区建设的决策部署。"
        );
    }

    #[test]
    fn drops_spaces_in_numbers_and_words() {
        assert_eq!(
            norm("全市开发区共签约项目 52 个，签约额 221.23 亿元，其中重点产业 链项目 31 个 ，"),
            "全市开发区共签约项目52个，签约额221.23亿元，其中重点产业链项目31个，"
        );
    }

    #[test]
    fn keeps_space_between_latin_words() {
        assert_eq!(norm("法氏集团 Hlsmetl 熔融"), "法氏集团Hlsmetl熔融");
        assert_eq!(norm("BDO and PBAT 可降解"), "BDO and PBAT可降解");
    }

    #[test]
    fn folds_width_and_ascii_punctuation() {
        assert_eq!(norm("１２３％"), "123%");
        assert_eq!(
            norm("1-6月,全市规上(工业)增加值1,100.9亿元,同比1:1"),
            "1-6月，全市规上（工业）增加值1,100.9亿元，同比1:1"
        );
        assert_eq!(norm("低于全市(-10.4%)28.7个"), "低于全市（-10.4%）28.7个");
    }

    #[test]
    fn hard_breaks_end_paragraphs() {
        let n = normalize(
            "第一段结束。\n第二段开始了，这是一行完整的正文文字\n继续。\n\n【工作成绩】\n\n正文。",
        );
        assert_eq!(
            n.text,
            "第一段结束。\n第二段开始了，这是一行完整的正文文字继续。\n【工作成绩】\n正文。"
        );
        assert_eq!(n.paragraphs.len(), 4);
    }

    #[test]
    fn a_semicolon_at_the_end_of_a_full_line_goes_on() {
        let lines =
            "规上工业增加值完成一百亿元占比很高；\n第二主导产业企业很多家其中规上企业\n不少。";
        let n = normalize(lines);
        assert_eq!(n.paragraphs.len(), 1, "{:?}", n.text);
        // A list item after it starts a new paragraph.
        let n = normalize(
            "规上工业增加值完成一百亿元占比很高；\n（二）第二主导产业企业很多家其中规\n上。",
        );
        assert_eq!(n.paragraphs.len(), 2, "{:?}", n.text);
        // So does a short line.
        let n = normalize("完成了；\n第二主导产业企业很多家其中规上企业不少。");
        assert_eq!(n.paragraphs.len(), 2, "{:?}", n.text);
    }

    #[test]
    fn blank_line_page_break_after_full_line_is_soft() {
        let text = "根据“应赋尽赋”原则的内容我们需要一行足够长的文字来代表整段的正文内容才行原\n\n则,对照省、市、县赋权事项目录。";
        assert!(norm(text).contains("原则，对照"));
    }

    #[test]
    fn splits_inline_byline() {
        let n = normalize("全面提升开发区动力活力。 供稿：临汾市商务局\n\n今年以来，运城市");
        assert_eq!(
            n.text,
            "全面提升开发区动力活力。\n供稿：临汾市商务局\n今年以来，运城市"
        );
    }

    #[test]
    fn headline_lines_stay_apart() {
        let n = normalize(
            "临汾经济开发区\n\n勇立潮头二十七载 谱写高质量发展新篇章\n\n自 1997 年批准成立、1998 年正式运行以来，临汾经济开发区始终牢记发展使命。",
        );
        assert_eq!(n.paragraphs.len(), 3);
        assert!(n.paragraphs[1].spaced_headline);
    }

    #[test]
    fn map_points_back() {
        let orig = "签约额 221.23 亿元，其\n中，战新项目 ４３ 个";
        let n = normalize(orig);
        assert_eq!(n.text, "签约额221.23亿元，其中，战新项目43个");
        let s = n.text.find("221.23亿元").unwrap();
        let e = s + "221.23亿元".len();
        let r = n.map.to_original(s..e);
        assert_eq!(&orig[r], "221.23 亿元");
        let s = n.text.find("其中").unwrap();
        let r = n.map.to_original(s..s + "其中".len());
        assert_eq!(&orig[r], "其\n中");
        let s = n.text.find("43").unwrap();
        let r = n.map.to_original(s..s + 2);
        assert_eq!(&orig[r], "４３");
        assert!(n.map.segment_count() < 12);
    }
}
