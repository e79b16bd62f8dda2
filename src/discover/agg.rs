//! The table of candidates: per-document sets folded in input order.

use std::collections::{BTreeSet, HashMap};

/// Context lines shown per candidate.
pub const CONTEXTS: usize = 3;

/// Distinct subjects and sources remembered per candidate.
const MAX_NAMES: usize = 1000;

/// One phrase in one document.
#[derive(Debug, Default)]
pub struct DocCand {
    /// Mentions the rules do not cover.
    pub mentions: u32,
    /// Mentions the rules cover.
    pub covered: u32,
    /// Mentions with strong evidence (quoted, named by a policy word),
    /// covered or not.
    pub strong: u32,
    /// Article subjects of the uncovered mentions, distinct.
    pub subjects: Vec<String>,
    /// Context lines of the first uncovered mentions.
    pub contexts: Vec<String>,
}

/// What one document contributes.
#[derive(Debug, Default)]
pub struct DocFound {
    pub id: String,
    pub date: Option<String>,
    pub source: Option<String>,
    /// Sorted by phrase.
    pub cands: Vec<(String, DocCand)>,
}

/// One phrase over the corpus.
#[derive(Debug, Default)]
struct Agg {
    docs: u32,
    mentions: u32,
    covered: u32,
    strong: u32,
    subjects: BTreeSet<String>,
    sources: BTreeSet<String>,
    first: Option<String>,
    last: Option<String>,
    /// (document id, line): the first mention of the first documents.
    contexts: Vec<(String, String)>,
    /// More lines of those documents, to fill up when there are fewer
    /// documents than lines.
    spare: Vec<(String, String)>,
}

/// A listed candidate.
#[derive(Debug)]
pub struct Listed {
    pub phrase: String,
    /// Mentions quoted or named by a policy word (covered ones included).
    pub strong: u32,
    pub docs: u32,
    pub mentions: u32,
    pub covered: u32,
    pub subjects: usize,
    pub sources: usize,
    pub first: Option<String>,
    pub last: Option<String>,
    pub contexts: Vec<(String, String)>,
}

/// The candidates seen so far.
pub struct Table {
    map: HashMap<String, Agg>,
    cap: usize,
    pruned: usize,
}

impl Table {
    pub fn new(cap: usize) -> Self {
        Table {
            map: HashMap::new(),
            cap: cap.max(1),
            pruned: 0,
        }
    }

    /// Folds one document in.
    pub fn add(&mut self, doc: DocFound) {
        for (phrase, c) in doc.cands {
            let a = self.map.entry(phrase).or_default();
            a.covered += c.covered;
            a.strong += c.strong;
            if c.mentions == 0 {
                continue;
            }
            a.docs += 1;
            a.mentions += c.mentions;
            for s in c.subjects {
                if a.subjects.len() < MAX_NAMES {
                    a.subjects.insert(s);
                }
            }
            if let Some(s) = &doc.source
                && a.sources.len() < MAX_NAMES
            {
                a.sources.insert(s.clone());
            }
            if let Some(d) = &doc.date {
                if a.first.as_ref().is_none_or(|f| d < f) {
                    a.first = Some(d.clone());
                }
                if a.last.as_ref().is_none_or(|l| d > l) {
                    a.last = Some(d.clone());
                }
            }
            let mut lines = c.contexts.into_iter();
            if a.contexts.len() < CONTEXTS
                && let Some(l) = lines.next()
            {
                a.contexts.push((doc.id.clone(), l));
            }
            for l in lines {
                if a.spare.len() < CONTEXTS {
                    a.spare.push((doc.id.clone(), l));
                }
            }
        }
    }

    /// When the table holds more than its cap, drops the phrases seen in one
    /// document with at most one strong mention. Runs between batches, so
    /// the result depends on the input order only, not on the threads.
    pub fn prune_if_full(&mut self) {
        if self.map.len() <= self.cap {
            return;
        }
        let before = self.map.len();
        self.map.retain(|_, a| a.docs >= 2 || a.strong >= 2);
        self.pruned += before - self.map.len();
    }

    pub fn seen(&self) -> usize {
        self.map.len() + self.pruned
    }

    pub fn pruned(&self) -> usize {
        self.pruned
    }

    /// The phrases in at least `min_docs` documents that have strong
    /// evidence somewhere, best first: documents, subjects, sources,
    /// mentions, then the phrase.
    pub fn listed(&self, min_docs: u32, limit: usize) -> Vec<Listed> {
        let mut out: Vec<Listed> = self
            .map
            .iter()
            .filter(|(_, a)| a.docs >= min_docs.max(1) && a.strong > 0)
            .map(|(p, a)| {
                let mut contexts = a.contexts.clone();
                contexts.extend(a.spare.iter().take(CONTEXTS - contexts.len()).cloned());
                Listed {
                    phrase: p.clone(),
                    strong: a.strong,
                    docs: a.docs,
                    mentions: a.mentions,
                    covered: a.covered,
                    subjects: a.subjects.len(),
                    sources: a.sources.len(),
                    first: a.first.clone(),
                    last: a.last.clone(),
                    contexts,
                }
            })
            .collect();
        out.sort_by(|x, y| {
            y.docs
                .cmp(&x.docs)
                .then(y.subjects.cmp(&x.subjects))
                .then(y.sources.cmp(&x.sources))
                .then(y.mentions.cmp(&x.mentions))
                .then_with(|| x.phrase.cmp(&y.phrase))
        });
        out.truncate(limit);
        out
    }
}
