//! Structure: articles, sections, sentences and clauses of a normalized page.
//!
//! A newspaper page holds several articles. They are told apart by what
//! surrounds them, not by what they say:
//!
//! - a **byline** closes an article: `供稿：临汾市商务局`, `(供稿:吕梁市商务局)`,
//!   or a lone author name line (`李阳`) after a finished paragraph;
//! - a **running head** (`“锚定目标不放松 冲刺首季‘开门红’”特刊`) closes the
//!   article before it and belongs to none;
//! - a **title block** (one or more short lines without sentence punctuation:
//!   a zone name, a headline) opens a new article when the current one
//!   already has body text *and* the block is followed by body text or is at
//!   least two lines long. A single title line followed by a section head
//!   (`吕梁市开发区` before `【下半年工作重点】`) is a title printed inside its
//!   own article, not a new article.
//!
//! Each article gets a **subject** — the place or development zone it reports
//! on — from its title (a zone name, or `X市开发区` → `X市`), else its byline
//! organisation (`临汾市商务局` → `临汾市`), else the first place named in its
//! first paragraph.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::chars::{is_clause_separator, is_closer, is_han, is_sentence_terminal};
use crate::normalize::{Normalized, Paragraph, is_byline, is_caption};

/// A byte range in the normalized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// Start byte (inclusive).
    pub start: u32,
    /// End byte (exclusive).
    pub end: u32,
}

impl Span {
    /// As a `usize` range, for slicing.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// What a paragraph is, judged from its text and line features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParagraphKind {
    /// Running text.
    Body,
    /// A section head in `【…】`.
    SectionHead,
    /// A numbered sub-head without sentence punctuation (`一、主要经济指标…`).
    SubHead,
    /// A short line without sentence punctuation: zone name, headline.
    Title,
    /// `供稿：…` or a lone author name.
    Byline,
    /// A photo caption (`…供图`).
    Caption,
    /// A page's running head (`“…”特刊`).
    RunningHead,
}

/// Where an article's subject was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectSource {
    /// The article's title block (or a title printed inside it).
    Title,
    /// The byline's organisation.
    Byline,
    /// The first place named in the first paragraph.
    Lead,
}

/// The kind of subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A city, county or province.
    Place,
    /// A development zone.
    Zone,
}

/// What an article is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// The name as written (`临汾市`, `上党经济技术开发区`).
    pub name: String,
    /// Place or zone.
    pub kind: SubjectKind,
    /// Where it was found.
    pub source: SubjectSource,
}

/// One article of a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    /// From its first to its last paragraph (title and byline included).
    pub span: Span,
    /// Paragraph indices `first..last+1`.
    pub paragraphs: (u32, u32),
    /// The title block, if any.
    pub title: Option<Span>,
    /// The byline paragraph, if any.
    pub byline: Option<Span>,
    /// What the article is about.
    pub subject: Option<Subject>,
}

/// A `【…】` section within an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Section {
    /// From the head to the paragraph before the next head (or article end).
    pub span: Span,
    /// The head, brackets included.
    pub head: Span,
    /// Article index.
    pub article: u32,
}

/// A sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sentence {
    /// Normalized span.
    pub span: Span,
    /// Article index, `None` for running heads outside any article.
    pub article: Option<u32>,
    /// Section index.
    pub section: Option<u32>,
    /// Paragraph index.
    pub paragraph: u32,
    /// Clause indices `first..last+1`.
    pub clauses: (u32, u32),
}

/// A clause: a sentence piece between `，；：`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Clause {
    /// Normalized span.
    pub span: Span,
    /// Sentence index.
    pub sentence: u32,
}

/// The structure of one normalized document.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Structure {
    /// Paragraph kinds, parallel to [`Normalized::paragraphs`].
    pub paragraph_kinds: Vec<ParagraphKind>,
    /// Article index of each paragraph (`None`: outside any article).
    pub paragraph_article: Vec<Option<u32>>,
    /// Articles in order.
    pub articles: Vec<Article>,
    /// Sections in order.
    pub sections: Vec<Section>,
    /// Sentences in order.
    pub sentences: Vec<Sentence>,
    /// Clauses in order.
    pub clauses: Vec<Clause>,
}

/// Sentences longer than this (in bytes) are split at a clause boundary, or
/// hard at a character boundary, so that no later stage sees an unbounded
/// sentence (a 50 MB line without punctuation is still processed in
/// bounded pieces).
pub const MAX_SENTENCE_BYTES: usize = 4096;

impl Structure {
    /// Finds the structure of `norm`.
    pub fn analyze(norm: &Normalized) -> Structure {
        let text = norm.text.as_str();
        let kinds = classify_paragraphs(text, &norm.paragraphs);
        let mut s = Structure {
            paragraph_kinds: kinds,
            ..Structure::default()
        };
        s.find_articles(text, &norm.paragraphs);
        s.find_sections(text, &norm.paragraphs);
        s.find_sentences(text, &norm.paragraphs);
        s
    }

    /// The sentence index containing normalized byte `pos`, if any.
    pub fn sentence_at(&self, pos: u32) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.span.end <= pos);
        (i < self.sentences.len() && self.sentences[i].span.start <= pos).then_some(i)
    }

    fn find_articles(&mut self, text: &str, paras: &[Paragraph]) {
        let n = paras.len();
        self.paragraph_article = vec![None; n];
        let mut builder = ArticleBuilder::default();
        let mut i = 0;
        while i < n {
            match self.paragraph_kinds[i] {
                ParagraphKind::RunningHead => {
                    self.close(&mut builder, text, paras);
                    i += 1;
                }
                ParagraphKind::Byline => {
                    builder.add(i);
                    builder.byline = Some(i);
                    self.close(&mut builder, text, paras);
                    i += 1;
                }
                ParagraphKind::Title => {
                    let block_end = (i..n)
                        .find(|&j| self.paragraph_kinds[j] != ParagraphKind::Title)
                        .unwrap_or(n);
                    let followed_by_body = block_end < n
                        && matches!(
                            self.paragraph_kinds[block_end],
                            ParagraphKind::Body | ParagraphKind::SubHead
                        );
                    if builder.has_body && (followed_by_body || block_end - i >= 2) {
                        self.close(&mut builder, text, paras);
                    }
                    for j in i..block_end {
                        builder.add(j);
                        if builder.has_body {
                            builder.inner_titles.push(j);
                        } else {
                            builder.titles.push(j);
                        }
                    }
                    i = block_end;
                }
                ParagraphKind::Body | ParagraphKind::SubHead => {
                    builder.add(i);
                    builder.has_body = true;
                    i += 1;
                }
                ParagraphKind::SectionHead | ParagraphKind::Caption => {
                    builder.add(i);
                    i += 1;
                }
            }
        }
        self.close(&mut builder, text, paras);
    }

    fn close(&mut self, b: &mut ArticleBuilder, text: &str, paras: &[Paragraph]) {
        let taken = std::mem::take(b);
        let Some((first, last)) = taken.range else {
            return;
        };
        let idx = self.articles.len() as u32;
        for slot in &mut self.paragraph_article[first..=last] {
            *slot = Some(idx);
        }
        let span_of = |i: usize| Span {
            start: paras[i].start,
            end: paras[i].end,
        };
        let title = match (taken.titles.first(), taken.titles.last()) {
            (Some(&f), Some(&l)) => Some(Span {
                start: paras[f].start,
                end: paras[l].end,
            }),
            _ => None,
        };
        let byline = taken.byline.map(span_of);
        let subject = find_subject(text, paras, &self.paragraph_kinds, &taken, first, last);
        self.articles.push(Article {
            span: Span {
                start: paras[first].start,
                end: paras[last].end,
            },
            paragraphs: (first as u32, last as u32 + 1),
            title,
            byline,
            subject,
        });
    }

    fn find_sections(&mut self, _text: &str, paras: &[Paragraph]) {
        for (a_idx, article) in self.articles.iter().enumerate() {
            let (first, last) = (article.paragraphs.0 as usize, article.paragraphs.1 as usize);
            let heads: Vec<usize> = (first..last)
                .filter(|&i| self.paragraph_kinds[i] == ParagraphKind::SectionHead)
                .collect();
            for (k, &h) in heads.iter().enumerate() {
                // A section runs to the paragraph before the next head, or to
                // the last body-ish paragraph of the article.
                let end_para = heads.get(k + 1).map_or(last, |&nh| nh);
                let end_para = (h + 1..end_para)
                    .rev()
                    .find(|&j| {
                        !matches!(
                            self.paragraph_kinds[j],
                            ParagraphKind::Byline | ParagraphKind::Title
                        )
                    })
                    .map_or(h + 1, |j| j + 1);
                self.sections.push(Section {
                    span: Span {
                        start: paras[h].start,
                        end: paras[end_para - 1].end,
                    },
                    head: Span {
                        start: paras[h].start,
                        end: paras[h].end,
                    },
                    article: a_idx as u32,
                });
            }
        }
    }

    fn find_sentences(&mut self, text: &str, paras: &[Paragraph]) {
        let mut section_idx = 0usize;
        for (p_idx, para) in paras.iter().enumerate() {
            let kind = self.paragraph_kinds[p_idx];
            if matches!(kind, ParagraphKind::RunningHead | ParagraphKind::Caption) {
                continue;
            }
            while section_idx < self.sections.len()
                && self.sections[section_idx].span.end <= para.start
            {
                section_idx += 1;
            }
            let section = self
                .sections
                .get(section_idx)
                .filter(|s| s.span.start <= para.start && para.end <= s.span.end)
                .map(|_| section_idx as u32);
            let article = self.paragraph_article[p_idx];
            for (s, e) in split_sentences(text, para.start as usize, para.end as usize) {
                let sentence_idx = self.sentences.len() as u32;
                let first_clause = self.clauses.len() as u32;
                for (cs, ce) in split_clauses(text, s, e) {
                    self.clauses.push(Clause {
                        span: Span {
                            start: cs as u32,
                            end: ce as u32,
                        },
                        sentence: sentence_idx,
                    });
                }
                self.sentences.push(Sentence {
                    span: Span {
                        start: s as u32,
                        end: e as u32,
                    },
                    article,
                    section,
                    paragraph: p_idx as u32,
                    clauses: (first_clause, self.clauses.len() as u32),
                });
            }
        }
    }
}

#[derive(Default)]
struct ArticleBuilder {
    range: Option<(usize, usize)>,
    has_body: bool,
    titles: Vec<usize>,
    inner_titles: Vec<usize>,
    byline: Option<usize>,
}

impl ArticleBuilder {
    fn add(&mut self, i: usize) {
        self.range = Some(match self.range {
            None => (i, i),
            Some((f, _)) => (f, i),
        });
    }
}

static SURNAMES: &str = "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文牛樊葛邢安齐";

fn classify_paragraphs(text: &str, paras: &[Paragraph]) -> Vec<ParagraphKind> {
    let mut kinds: Vec<ParagraphKind> = paras
        .iter()
        .map(|p| classify(&text[p.start as usize..p.end as usize]))
        .collect();
    // A lone author name: 2–3 Han characters starting with a common surname,
    // after a finished paragraph and before a title or the end of the page.
    for i in 0..paras.len() {
        if kinds[i] != ParagraphKind::Title {
            continue;
        }
        let t = &text[paras[i].start as usize..paras[i].end as usize];
        let n = t.chars().count();
        let is_name = (2..=3).contains(&n)
            && t.chars().all(is_han)
            && t.chars().next().is_some_and(|c| SURNAMES.contains(c));
        let after_body = i > 0
            && kinds[i - 1] == ParagraphKind::Body
            && text[..paras[i - 1].end as usize]
                .chars()
                .next_back()
                .is_some_and(|c| is_sentence_terminal(c) || is_closer(c));
        let before_title_or_end =
            i + 1 == paras.len() || matches!(kinds[i + 1], ParagraphKind::Title);
        if is_name && after_body && before_title_or_end {
            kinds[i] = ParagraphKind::Byline;
        }
    }
    kinds
}

fn classify(p: &str) -> ParagraphKind {
    let chars = p.chars().count();
    if p.starts_with('【') && p.ends_with('】') {
        return ParagraphKind::SectionHead;
    }
    if is_byline(p) {
        return ParagraphKind::Byline;
    }
    if is_caption(p) {
        return ParagraphKind::Caption;
    }
    if chars <= 40 && (p.ends_with("特刊") || p.ends_with("专刊") || p.ends_with("专版")) {
        return ParagraphKind::RunningHead;
    }
    let has_sentence_punct = p
        .chars()
        .any(|c| is_sentence_terminal(c) || matches!(c, '，' | '；' | '：' | ',' | ';'));
    if has_sentence_punct || chars > 30 {
        return ParagraphKind::Body;
    }
    if starts_with_list_marker(p) {
        return ParagraphKind::SubHead;
    }
    ParagraphKind::Title
}

/// `一、`, `（一）`, `(一)`, `一是`, `1.`, `1、`.
pub(crate) fn starts_with_list_marker(p: &str) -> bool {
    static MARKER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?:[一二三四五六七八九十]+[、是]|[（(][一二三四五六七八九十0-9]+[)）]|[0-9]+[.、])",
        )
        .expect("valid regex")
    });
    MARKER.is_match(p)
}

static ZONE_SUFFIX: &str = r"(?:经济技术开发区|高新技术产业开发区|经济开发区|高新区|经开区|开发区|示范区|产业园区|工业园区|综保区|新区)";

fn find_subject(
    text: &str,
    paras: &[Paragraph],
    kinds: &[ParagraphKind],
    b: &ArticleBuilder,
    first: usize,
    last: usize,
) -> Option<Subject> {
    static ZONE_TITLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"^(\p{{Han}}{{2,16}}?{ZONE_SUFFIX})$")).expect("valid regex")
    });
    static CITY_ZONES_TITLE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(\p{Han}{2,4}?[市县区])开发区$").expect("valid regex"));
    static ORG_PLACE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(\p{Han}{2,4}?[省市县])").expect("valid regex"));
    static LEAD_PLACE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"(?:^|[^\p{{Han}}]|以来|今年|年)(\p{{Han}}{{2,4}}?(?:{ZONE_SUFFIX}|[市县]))"
        ))
        .expect("valid regex")
    });
    let para_text = |i: usize| &text[paras[i].start as usize..paras[i].end as usize];
    for &t in b.titles.iter().chain(&b.inner_titles) {
        let title = para_text(t);
        if let Some(c) = CITY_ZONES_TITLE.captures(title) {
            return Some(Subject {
                name: c[1].to_string(),
                kind: SubjectKind::Place,
                source: SubjectSource::Title,
            });
        }
        if ZONE_TITLE.is_match(title) {
            return Some(Subject {
                name: title.to_string(),
                kind: SubjectKind::Zone,
                source: SubjectSource::Title,
            });
        }
    }
    if let Some(by) = b.byline {
        let line = para_text(by);
        let org = line.rsplit(['：', ':']).next().unwrap_or(line);
        if let Some(c) = ORG_PLACE.captures(org) {
            return Some(Subject {
                name: c[1].to_string(),
                kind: SubjectKind::Place,
                source: SubjectSource::Byline,
            });
        }
    }
    let lead = (first..=last).find(|&i| kinds[i] == ParagraphKind::Body)?;
    let lead_text = para_text(lead);
    let window_end = lead_text
        .char_indices()
        .nth(120)
        .map_or(lead_text.len(), |(i, _)| i);
    for c in LEAD_PLACE.captures_iter(&lead_text[..window_end]) {
        let name = &c[1];
        if name.starts_with(['全', '该', '我', '本', '各']) {
            continue;
        }
        let kind = if name.ends_with(['市', '县']) {
            SubjectKind::Place
        } else {
            SubjectKind::Zone
        };
        return Some(Subject {
            name: name.to_string(),
            kind,
            source: SubjectSource::Lead,
        });
    }
    None
}

/// Splits `text[start..end]` into sentences: after `。！？` (with any closing
/// quotes or brackets that follow), and at [`MAX_SENTENCE_BYTES`].
fn split_sentences(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = start;
    let mut iter = text[start..end].char_indices().peekable();
    while let Some((off, c)) = iter.next() {
        let pos = start + off;
        if pos + c.len_utf8() - s > MAX_SENTENCE_BYTES {
            let e = long_sentence_cut(text, s, pos);
            out.push((s, e));
            s = e;
        }
        let mut cut = None;
        if is_sentence_terminal(c) {
            let mut e = pos + c.len_utf8();
            while let Some(&(o2, c2)) = iter.peek() {
                if is_closer(c2) || is_sentence_terminal(c2) {
                    e = start + o2 + c2.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            cut = Some(e);
        }
        if let Some(e) = cut {
            if e > s {
                out.push((s, e));
            }
            s = e;
        }
    }
    if s < end {
        out.push((s, end));
    }
    out
}

/// Where to cut an over-long sentence `text[s..e]`: after the last clause
/// separator in its second half, else at `e`.
fn long_sentence_cut(text: &str, s: usize, e: usize) -> usize {
    let half = s + (e - s) / 2;
    text[s..e]
        .char_indices()
        .rev()
        .take_while(|&(o, _)| s + o >= half)
        .find(|&(_, c)| is_clause_separator(c) || c == '、')
        .map_or(e, |(o, c)| s + o + c.len_utf8())
}

/// Splits a sentence into clauses at `，；：`, keeping the separator with the
/// clause before it. Separators inside `“…”` or `（…）` do not split.
fn split_clauses(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = start;
    let mut depth = 0i32;
    for (off, c) in text[start..end].char_indices() {
        match c {
            '“' | '（' | '(' | '《' | '【' => depth += 1,
            '”' | '）' | ')' | '》' | '】' => depth = (depth - 1).max(0),
            _ => {}
        }
        if depth == 0 && is_clause_separator(c) {
            let e = start + off + c.len_utf8();
            out.push((s, e));
            s = e;
        }
    }
    if s < end {
        out.push((s, end));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    fn structure(text: &str) -> (Normalized, Structure) {
        let n = normalize(text);
        let s = Structure::analyze(&n);
        (n, s)
    }

    #[test]
    fn sentences_keep_closing_quotes() {
        let (n, s) = structure("他说：“好。”然后走了！最后一句");
        let sents: Vec<&str> = s
            .sentences
            .iter()
            .map(|x| &n.text[x.span.range()])
            .collect();
        assert_eq!(sents, vec!["他说：“好。”", "然后走了！", "最后一句"]);
    }

    #[test]
    fn clauses_split_at_commas_outside_quotes() {
        let (n, s) = structure("坚持“以道路定框架，以项目破机制”，推动开发区发展；全面提速。");
        let clauses: Vec<&str> = s.clauses.iter().map(|x| &n.text[x.span.range()]).collect();
        assert_eq!(
            clauses,
            vec![
                "坚持“以道路定框架，以项目破机制”，",
                "推动开发区发展；",
                "全面提速。"
            ]
        );
    }

    #[test]
    fn long_sentences_are_bounded() {
        let text = "字".repeat(10_000);
        let (_, s) = structure(&text);
        assert!(s.sentences.len() >= 7);
        assert!(
            s.sentences
                .iter()
                .all(|x| (x.span.end - x.span.start) as usize <= MAX_SENTENCE_BYTES)
        );
        let covered: u32 = s.sentences.iter().map(|x| x.span.end - x.span.start).sum();
        assert_eq!(covered as usize, text.len());
    }

    #[test]
    fn title_inside_article_does_not_split() {
        let text = "【上半年工作进展】\n一、主要指标\n工业投资完成47.03亿元，同比下降39.1%。\n吕梁市开发区\n【下半年工作重点】\n一、狠抓指标调度入库。\n(供稿:吕梁市商务局)";
        let (_, s) = structure(text);
        assert_eq!(s.articles.len(), 1);
        assert_eq!(s.articles[0].subject.as_ref().unwrap().name, "吕梁市");
        assert_eq!(s.sections.len(), 2);
    }

    #[test]
    fn sentence_at_finds_the_sentence() {
        let (n, s) = structure("第一句。第二句。");
        let pos = n.text.find("第二").unwrap() as u32;
        assert_eq!(s.sentence_at(pos), Some(1));
        assert_eq!(s.sentence_at(0), Some(0));
    }
}
