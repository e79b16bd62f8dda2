//! The numbers behind the report, gathered in streaming passes over the
//! manifest and the records.
//!
//! Pass 1 (manifest): documents, their dates and titles, failures.
//! Pass 2 (records): records per label; per policy canonical: mentions,
//! documents, dates, subjects, a few examples; per indicator: counts.
//! Pass 3 (records): the fact rows of the indicators the report shows.
//!
//! Memory is bounded by the number of documents, distinct policies and
//! indicators, and the report's caps, not by the number of records.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use anyhow::Result;
use serde_json::Value;

use crate::kwic::records::{self, Rec};

/// Failed documents listed one by one (all are counted).
pub const FAILURES_LISTED: usize = 200;
/// Examples (links to contexts) per policy.
pub const EXAMPLES_PER_POLICY: usize = 3;
/// A place or zone counts as the subject of a policy mention when it is
/// this close (in characters, in the same article) and the article has no
/// subject of its own.
pub const SUBJECT_WINDOW: usize = 100;

/// One input document (a manifest line).
pub struct DocMeta {
    pub id: String,
    pub date: Option<String>,
    pub title: Option<String>,
}

/// A point in time a document is dated to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum When {
    /// `YYYY` only (government work reports carry a year).
    Year(i32),
    /// `YYYY-MM…`.
    Month(i32, u32),
}

impl When {
    /// Reads `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (also with `/` or `.`);
    /// anything else is undated.
    pub fn parse(date: &str) -> Option<When> {
        let d = date.trim();
        let year: i32 = d.get(..4)?.parse().ok()?;
        if !d.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            return None;
        }
        let rest = &d[4..];
        if rest.is_empty() {
            return Some(When::Year(year));
        }
        let rest = rest.strip_prefix(['-', '/', '.'])?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let month: u32 = digits.parse().ok()?;
        (1..=12)
            .contains(&month)
            .then_some(When::Month(year, month))
    }

    pub fn year(self) -> i32 {
        match self {
            When::Year(y) | When::Month(y, _) => y,
        }
    }
}

/// A span of a document the report links to (shown in the contexts
/// section).
#[derive(Debug, Clone)]
pub struct Mention {
    pub doc: u32,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Mention {
    /// What identifies a span across the page.
    pub fn key(&self) -> (u32, usize, usize) {
        (self.doc, self.start, self.end)
    }

    fn of(doc: u32, r: &Rec) -> Mention {
        Mention {
            doc,
            start: r.start,
            end: r.end,
            text: r.text.clone(),
        }
    }
}

#[derive(Default)]
pub struct Policy {
    pub kind: Option<String>,
    pub mentions: u64,
    pub docs: u64,
    pub first: Option<String>,
    pub last: Option<String>,
    /// Mentions by document date; undated ones in `undated`.
    pub time: BTreeMap<When, u64>,
    pub undated: u64,
    pub subjects: HashMap<String, u64>,
    pub no_subject: u64,
    pub examples: Vec<Mention>,
}

pub struct FactRow {
    pub mention: Mention,
    pub subject: Option<String>,
    pub period: Option<String>,
    pub value: Option<String>,
    pub qualifier: Option<String>,
    pub unit: Option<String>,
    pub status: Option<String>,
    pub change: Option<String>,
}

#[derive(Default)]
pub struct Indicator {
    pub facts: u64,
    pub docs: u64,
    pub units: BTreeMap<String, u64>,
    pub rows: Vec<FactRow>,
}

#[derive(Default)]
pub struct Report {
    pub docs: Vec<DocMeta>,
    pub doc_index: HashMap<String, u32>,
    pub ok: u64,
    pub failed: u64,
    pub failures: Vec<(u32, String)>,
    /// Failure reasons by kind (the message up to its first colon).
    pub failure_kinds: BTreeMap<String, u64>,
    pub docs_by_year: BTreeMap<i32, u64>,
    pub undated_docs: u64,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub records: u64,
    pub labels: BTreeMap<String, u64>,
    /// Records whose document the manifest does not list.
    pub unlisted_docs: u64,
    pub policies: HashMap<String, Policy>,
    pub indicators: HashMap<String, Indicator>,
    /// Facts without an indicator (not tabulated).
    pub facts_without_indicator: u64,
}

fn min_max(first: &mut Option<String>, last: &mut Option<String>, date: &str) {
    if first.as_deref().is_none_or(|f| date < f) {
        *first = Some(date.to_string());
    }
    if last.as_deref().is_none_or(|l| date > l) {
        *last = Some(date.to_string());
    }
}

impl Report {
    /// Pass 1: the manifest.
    pub fn read_manifest(&mut self, path: &Path) -> Result<()> {
        for line in records::manifest(path)? {
            let m = line?;
            let i = self.doc_id(&m.doc);
            let d = &mut self.docs[i as usize];
            d.date = m.date.filter(|s| !s.trim().is_empty());
            d.title = m.title;
            if m.status == "ok" {
                self.ok += 1;
            } else {
                self.failed += 1;
                let reason = m.error.unwrap_or_else(|| m.status.clone());
                let kind = reason.split(':').next().unwrap_or("").trim().to_string();
                *self.failure_kinds.entry(kind).or_default() += 1;
                if self.failures.len() < FAILURES_LISTED {
                    self.failures.push((i, reason));
                }
            }
            match self.docs[i as usize].date.as_deref().and_then(When::parse) {
                Some(w) => {
                    *self.docs_by_year.entry(w.year()).or_default() += 1;
                    let date = self.docs[i as usize].date.clone().unwrap_or_default();
                    min_max(&mut self.first_date, &mut self.last_date, &date);
                }
                None => self.undated_docs += 1,
            }
        }
        Ok(())
    }

    fn doc_id(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.doc_index.get(id) {
            return i;
        }
        let i = self.docs.len() as u32;
        self.docs.push(DocMeta {
            id: id.to_string(),
            date: None,
            title: None,
        });
        self.doc_index.insert(id.to_string(), i);
        i
    }

    /// Pass 2: counts and policies, one document's records at a time.
    pub fn read_records(&mut self, output: &Path) -> Result<()> {
        let listed = self.docs.len();
        let mut buf: Vec<Rec> = Vec::new();
        let mut current: Option<String> = None;
        for rec in records::open(output)? {
            let mut rec = rec?;
            self.records += 1;
            *self.labels.entry(rec.label.clone()).or_default() += 1;
            if current.as_deref() != Some(rec.doc.as_str()) {
                if let Some(doc) = current.take() {
                    self.add_document(&doc, &buf);
                }
                buf.clear();
                current = Some(rec.doc.clone());
            }
            if matches!(
                rec.label.as_str(),
                "article" | "place" | "zone" | "policy" | "fact"
            ) {
                if rec.label == "article" {
                    // Only its subject matters; its text is the whole article.
                    rec.text = String::new();
                }
                buf.push(rec);
            }
        }
        if let Some(doc) = current.take() {
            self.add_document(&doc, &buf);
        }
        self.unlisted_docs = (self.docs.len() - listed) as u64;
        Ok(())
    }

    fn add_document(&mut self, doc: &str, recs: &[Rec]) {
        let d = self.doc_id(doc);
        let date = self.docs[d as usize].date.clone();
        let when = date.as_deref().and_then(When::parse);
        // Places (province, city, county) and zones: candidate subjects.
        let places: Vec<(&Rec, &str)> = recs
            .iter()
            .filter_map(|r| match r.label.as_str() {
                "zone" => r.attr("canonical").or(r.attr("name")).map(|n| (r, n)),
                "place" if matches!(r.attr("level"), Some("province" | "city" | "county")) => {
                    r.attr("name").map(|n| (r, n))
                }
                _ => None,
            })
            .collect();
        let known: HashSet<&str> = places.iter().map(|(_, n)| *n).collect();
        // An article's subject, when it names a place or zone the gazetteer
        // or the zone rules also found in this document.
        let article_subject: HashMap<u64, &str> = recs
            .iter()
            .filter(|r| r.label == "article")
            .filter_map(|r| Some((r.article?, r.attr("subject")?)))
            .filter(|(_, s)| known.contains(s))
            .collect();
        let mut policies_here: HashSet<&str> = HashSet::new();
        let mut indicators_here: HashSet<&str> = HashSet::new();
        for r in recs {
            match r.label.as_str() {
                "policy" => {
                    let Some(name) = r.key() else { continue };
                    let p = self.policies.entry(name.to_string()).or_default();
                    p.mentions += 1;
                    if p.kind.is_none() {
                        p.kind = r.attr("kind").map(str::to_string);
                    }
                    if policies_here.insert(name) {
                        p.docs += 1;
                        if let Some(date) = date.as_deref().filter(|_| when.is_some()) {
                            min_max(&mut p.first, &mut p.last, date);
                        }
                    }
                    match when {
                        Some(w) => *p.time.entry(w).or_default() += 1,
                        None => p.undated += 1,
                    }
                    match subject_of(r, &article_subject, &places) {
                        Some(s) => *p.subjects.entry(s.to_string()).or_default() += 1,
                        None => p.no_subject += 1,
                    }
                    // Examples from different documents.
                    if p.examples.len() < EXAMPLES_PER_POLICY
                        && p.examples.last().is_none_or(|m| m.doc != d)
                    {
                        p.examples.push(Mention::of(d, r));
                    }
                }
                "fact" => {
                    let Some(name) = r.attr("indicator") else {
                        self.facts_without_indicator += 1;
                        continue;
                    };
                    let ind = self.indicators.entry(name.to_string()).or_default();
                    ind.facts += 1;
                    if indicators_here.insert(name) {
                        ind.docs += 1;
                    }
                    if let Some(u) = r.attr("unit") {
                        if let Some(n) = ind.units.get_mut(u) {
                            *n += 1;
                        } else if ind.units.len() < 20 {
                            ind.units.insert(u.to_string(), 1);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Pass 3: up to `rows` fact rows for each indicator in `shown`.
    pub fn read_fact_rows(&mut self, output: &Path, shown: &[String], rows: usize) -> Result<()> {
        let shown: HashSet<&str> = shown.iter().map(String::as_str).collect();
        let mut remaining = shown.len();
        if remaining == 0 || rows == 0 {
            return Ok(());
        }
        for rec in records::open(output)? {
            let rec = rec?;
            if rec.label != "fact" {
                continue;
            }
            let Some(name) = rec.attr("indicator").filter(|n| shown.contains(n)) else {
                continue;
            };
            let d = self.doc_id(&rec.doc);
            let Some(ind) = self.indicators.get_mut(name) else {
                continue;
            };
            if ind.rows.len() >= rows {
                continue;
            }
            let text = |k: &str| rec.attr(k).map(str::to_string);
            ind.rows.push(FactRow {
                mention: Mention::of(d, &rec),
                subject: text("subject"),
                period: text("period"),
                value: match rec.attrs.get("value") {
                    Some(Value::Number(n)) => Some(n.to_string()),
                    Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                    _ => None,
                },
                qualifier: text("qualifier"),
                unit: text("unit"),
                status: text("status"),
                change: text("change"),
            });
            if ind.rows.len() == rows {
                remaining -= 1;
                if remaining == 0 {
                    break;
                }
            }
        }
        // By date, undated last; the same date in output order.
        let docs = &self.docs;
        for ind in self.indicators.values_mut() {
            ind.rows.sort_by_key(|f| {
                let d = docs[f.mention.doc as usize].date.as_deref();
                (d.is_none(), d)
            });
        }
        Ok(())
    }
}

/// The subject of a policy mention: its article's subject (when that names
/// a place or zone found in the document), else the nearest zone or place
/// (province, city, county) in the same article within
/// [`SUBJECT_WINDOW`] characters, the one before the mention on a tie.
fn subject_of<'a>(
    r: &Rec,
    article_subject: &HashMap<u64, &'a str>,
    places: &[(&Rec, &'a str)],
) -> Option<&'a str> {
    if let Some(s) = r.article.and_then(|a| article_subject.get(&a)) {
        return Some(s);
    }
    places
        .iter()
        .filter(|(p, _)| p.article == r.article)
        .filter_map(|(p, name)| {
            let (dist, after) = if p.end <= r.start {
                (r.start - p.end, false)
            } else if p.start >= r.end {
                (p.start - r.end, true)
            } else {
                (0, false)
            };
            (dist <= SUBJECT_WINDOW).then_some(((dist, after), *name))
        })
        .min_by_key(|(k, _)| *k)
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(When::parse("2012-07-02"), Some(When::Month(2012, 7)));
        assert_eq!(When::parse("2012/7/2"), Some(When::Month(2012, 7)));
        assert_eq!(When::parse("1954"), Some(When::Year(1954)));
        assert_eq!(When::parse("2012-13-01"), None);
        assert_eq!(When::parse("二〇一二年"), None);
        assert_eq!(When::parse("20"), None);
        assert_eq!(When::parse("abcd"), None);
    }
}
