//! Running a [`RuleSet`] over one document.
//!
//! 1. **One anchor scan.** The rule set's automaton scans the normalized text
//!    once; quantities and periods are scanned once, and only if a rule uses
//!    them.
//! 2. **Candidates.** Each rule alternative turns its anchor's hits into
//!    candidate start positions (the anchor may sit a bounded number of
//!    characters into the pattern): the elements before the anchor are
//!    matched backwards from each hit, and only the starts they reach, within
//!    the anchor's back window, are verified.
//! 3. **Verification.** At each candidate the pattern is evaluated within
//!    the candidate's sentence: a set-of-threads matcher over bounded
//!    quantifiers, so the work per candidate is bounded by the sentence
//!    length and the pattern size. The longest match per start wins.
//! 4. **Overlap.** Labels are processed in dependency order; once all rules
//!    of a label have run, its overlap policy picks the survivors, which later
//!    labels can refer to (`&label`).
//!
//! Token predicates segment the candidate's clause on first use, once per
//! clause (with quantities protected), so text no rule needs is never
//! segmented.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use serde_json::{Map, Value};
use tiqu_quantity::{Period, Quantity};
use tiqu_seg::{Protected, Segmenter};
use tiqu_text::Prepared;

use crate::ast::{AnchorKind, CharClass, SrcSpan};
use crate::compile::{
    AcTarget, AnchorSource, Branch, LabelId, LexId, Overlap, Pat, PatKind, PeriodFilter, QtyFilter,
    RuleId, RuleSet, TokPred,
};
use crate::expr::{EvalCtx, decimal_value, emit};

/// One match: a rule's emission over a normalized span.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The rule.
    pub rule: RuleId,
    /// Its label.
    pub label: LabelId,
    /// Normalized byte offset, inclusive.
    pub start: u32,
    /// Normalized byte offset, exclusive.
    pub end: u32,
    /// The rule's priority.
    pub priority: i32,
    /// Emitted attributes.
    pub attrs: Map<String, Value>,
    /// What the pattern captured (for emission).
    pub(crate) caps: Vec<Cap>,
}

/// What a capture captured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Payload {
    Text,
    Lex { lex: LexId, entry: u32 },
    Qty(usize),
    Period(usize),
    Ref { label: LabelId, index: usize },
    Tok(&'static str),
}

/// A capture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cap {
    pub(crate) name: usize,
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) payload: Payload,
}

/// A matcher thread: where it stands and its captures, as the head of a
/// list in [`Scratch::cap_arena`] (copying a thread copies no captures).
#[derive(Debug, Clone, Copy)]
struct Thread {
    end: usize,
    caps: u32,
}

/// The empty capture list.
const NO_CAPS: u32 = u32::MAX;

/// One capture in the arena, linked to the captures made before it.
#[derive(Debug, Clone, Copy)]
struct CapNode {
    cap: Cap,
    prev: u32,
}

#[derive(Debug, Clone, Copy)]
struct Hit {
    start: u32,
    end: u32,
    pattern: u32,
}

/// One rule's attempt at one candidate start, for `tiqu explain`.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The rule.
    pub rule: RuleId,
    /// Candidate start (normalized byte offset).
    pub start: u32,
    /// The match end, when it matched.
    pub end: Option<u32>,
    /// When it did not match: the furthest position reached and the pattern
    /// element that failed there.
    pub stopped: Option<(u32, SrcSpan)>,
}

/// A match removed by its label's overlap policy.
#[derive(Debug, Clone)]
pub struct Dropped {
    /// The removed match.
    pub lost: Match,
    /// The match that won.
    pub winner: Match,
    /// The policy that decided.
    pub policy: Overlap,
}

/// Everything `tiqu explain` shows.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Anchor hits: (normalized start, end, the string found).
    pub anchors: Vec<(u32, u32, String)>,
    /// Attempts in evaluation order.
    pub attempts: Vec<Attempt>,
    /// Matches dropped by overlap policies.
    pub dropped: Vec<Dropped>,
    /// All candidate matches before overlap resolution.
    pub candidates: Vec<Match>,
}

/// A segmented clause: (start, end, POS tag) per token, in normalized
/// byte offsets.
type SentenceTokens = Rc<Vec<(u32, u32, &'static str)>>;

/// A `named_subject` question: (match start, match end, beyond places).
type SubjectQuery = (usize, usize, bool);

/// Per-document state: scans done once, results of finished labels, the
/// lazily segmented sentences.
pub(crate) struct Scratch<'a> {
    pub(crate) text: &'a str,
    pub(crate) prepared: &'a Prepared<'a>,
    pub(crate) set: &'a RuleSet,
    seg: Option<&'a Segmenter>,
    hits: Vec<Hit>,
    qty: OnceCell<Vec<Quantity>>,
    periods: OnceCell<Vec<Period>>,
    /// Per clause, its tokens once segmented.
    tokens: RefCell<Vec<Option<SentenceTokens>>>,
    results: Vec<Vec<Match>>,
    clause_starts: Vec<u32>,
    clause_ends: Vec<u32>,
    furthest: std::cell::Cell<Option<(usize, usize, usize)>>,
    /// Indices of `hits`, quantities and periods sorted by end, for
    /// matching rule prefixes backwards from an anchor.
    hits_by_end: OnceCell<Vec<u32>>,
    qty_by_end: OnceCell<Vec<u32>>,
    periods_by_end: OnceCell<Vec<u32>>,
    /// Captures of the threads of the attempt under way.
    cap_arena: RefCell<Vec<CapNode>>,
    /// Spare thread lists and level bounds, so that matching does not
    /// allocate at every pattern node.
    spare: RefCell<Vec<Vec<Thread>>>,
    spare_bounds: RefCell<Vec<Vec<usize>>>,
    /// `named_subject` answers for the match being emitted: the shipped
    /// `let`s ask the same question several times per fact. Cleared when a
    /// label's results change.
    subject_memo: RefCell<Vec<(SubjectQuery, Value)>>,
}

impl RuleSet {
    /// Runs every rule over a prepared document. Matches come back sorted by
    /// start. `seg` is needed only if [`RuleSet::needs_tokens`].
    pub fn run(&self, doc: &Prepared, seg: Option<&Segmenter>) -> Vec<Match> {
        self.run_inner(doc, seg, None, None).0
    }

    /// Runs only the labels marked in `needed` (see
    /// [`RuleSet::labels_needed`]): rules whose output nobody wants are not
    /// run at all.
    pub fn run_labels(
        &self,
        doc: &Prepared,
        seg: Option<&Segmenter>,
        needed: &[bool],
    ) -> Vec<Match> {
        self.run_inner(doc, seg, None, Some(needed)).0
    }

    /// [`RuleSet::run_labels`], also telling how many tokens the rules had
    /// the segmenter cut (clauses are segmented lazily, once each, only
    /// where a `tok(…)` was tried).
    pub fn run_labels_counted(
        &self,
        doc: &Prepared,
        seg: Option<&Segmenter>,
        needed: &[bool],
    ) -> (Vec<Match>, usize) {
        self.run_inner(doc, seg, None, Some(needed))
    }

    /// Like [`RuleSet::run`], recording a trace for `tiqu explain`.
    pub fn run_traced(&self, doc: &Prepared, seg: Option<&Segmenter>) -> (Vec<Match>, Trace) {
        let mut trace = Trace::default();
        let (m, _) = self.run_inner(doc, seg, Some(&mut trace), None);
        (m, trace)
    }

    /// Candidate matches of one rule before overlap resolution (for
    /// counter-examples).
    pub fn raw_matches(&self, doc: &Prepared, seg: Option<&Segmenter>, rule: RuleId) -> Vec<Match> {
        let (_, trace) = self.run_traced(doc, seg);
        trace
            .candidates
            .into_iter()
            .filter(|m| m.rule == rule)
            .collect()
    }

    fn run_inner(
        &self,
        doc: &Prepared,
        seg: Option<&Segmenter>,
        mut trace: Option<&mut Trace>,
        needed: Option<&[bool]>,
    ) -> (Vec<Match>, usize) {
        if needed.is_some_and(|n| !n.contains(&true)) {
            return (Vec::new(), 0);
        }
        let text = doc.normalized.text.as_str();
        let mut hits = Vec::new();
        if let Some(ac) = &self.automaton {
            for m in ac.find_overlapping_iter(text) {
                hits.push(Hit {
                    start: m.start() as u32,
                    end: m.end() as u32,
                    pattern: m.pattern().as_u32(),
                });
            }
        }
        hits.sort_unstable_by_key(|h| (h.start, h.end, h.pattern));
        if let Some(t) = trace.as_deref_mut() {
            t.anchors = hits
                .iter()
                .map(|h| {
                    (
                        h.start,
                        h.end,
                        text[h.start as usize..h.end as usize].to_string(),
                    )
                })
                .collect();
        }
        let st = &doc.structure;
        let mut scratch = Scratch {
            text,
            prepared: doc,
            set: self,
            seg,
            hits,
            qty: OnceCell::new(),
            periods: OnceCell::new(),
            tokens: RefCell::new(vec![None; st.clauses.len()]),
            results: vec![Vec::new(); self.labels.len()],
            clause_starts: st.clauses.iter().map(|c| c.span.start).collect(),
            clause_ends: st.clauses.iter().map(|c| c.span.end).collect(),
            furthest: std::cell::Cell::new(None),
            hits_by_end: OnceCell::new(),
            qty_by_end: OnceCell::new(),
            periods_by_end: OnceCell::new(),
            cap_arena: RefCell::new(Vec::new()),
            spare: RefCell::new(Vec::new()),
            spare_bounds: RefCell::new(Vec::new()),
            subject_memo: RefCell::new(Vec::new()),
        };
        // (pattern, start) of every hit, sorted: a rule's anchor patterns
        // are looked up by binary search, or, for a large lexicon, the hits
        // are tested against its sorted pattern ids.
        let mut starts_by_pattern: Vec<(u32, u32)> =
            scratch.hits.iter().map(|h| (h.pattern, h.start)).collect();
        starts_by_pattern.sort_unstable();
        for &label in &self.label_order {
            if needed.is_some_and(|n| !n[label]) {
                continue;
            }
            let mut candidates = Vec::new();
            for &rid in &self.rules_by_label[label] {
                self.run_rule(
                    &scratch,
                    rid,
                    &starts_by_pattern,
                    &mut candidates,
                    trace.as_deref_mut(),
                );
            }
            if let Some(t) = trace.as_deref_mut() {
                t.candidates.extend(candidates.iter().cloned());
            }
            let mut kept = resolve(
                candidates,
                self.labels[label].overlap,
                trace.as_deref_mut().map(|t| &mut t.dropped),
            );
            // Emit in text order; `previous(…)` sees the matches before.
            for i in 0..kept.len() {
                let m = &kept[i];
                let rule = &self.rules[m.rule];
                let ctx = EvalCtx {
                    scratch: &scratch,
                    caps: &m.caps,
                    names: &rule.captures,
                    span: (m.start as usize, m.end as usize),
                    earlier: &kept[..i],
                    resolved: Default::default(),
                };
                let attrs = emit(&ctx, &rule.emit);
                kept[i].attrs = attrs;
            }
            if let Some(t) = trace.as_deref_mut() {
                for d in &mut t.dropped {
                    if let Some(w) = kept.iter().find(|k| {
                        k.start == d.winner.start
                            && k.end == d.winner.end
                            && k.rule == d.winner.rule
                    }) {
                        d.winner.attrs = w.attrs.clone();
                    }
                }
            }
            scratch.results[label] = kept;
            scratch.subject_memo.borrow_mut().clear();
        }
        let tokens = scratch
            .tokens
            .borrow()
            .iter()
            .flatten()
            .map(|t| t.len())
            .sum();
        let mut all: Vec<Match> = scratch.results.into_iter().flatten().collect();
        all.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end), m.label, m.rule));
        (all, tokens)
    }

    fn run_rule(
        &self,
        s: &Scratch,
        rid: RuleId,
        starts_by_pattern: &[(u32, u32)],
        out: &mut Vec<Match>,
        mut trace: Option<&mut Trace>,
    ) {
        let rule = &self.rules[rid];
        for branch in &rule.branches {
            let mut anchor_pos: Vec<u32> = Vec::new();
            // Where an anchor hit starts, or (for `at_end`) ends.
            let at = |start: usize, end: usize| (if branch.at_end { end } else { start }) as u32;
            for a in &branch.anchors {
                match a {
                    AnchorSource::Automaton(ids) => {
                        let pos = |h: &(u32, u32)| {
                            let len = self.ac_strings[h.0 as usize].len();
                            at(h.1 as usize, h.1 as usize + len)
                        };
                        if ids.len() < starts_by_pattern.len() {
                            for id in ids {
                                let i = starts_by_pattern.partition_point(|h| h.0 < *id);
                                anchor_pos.extend(
                                    starts_by_pattern[i..]
                                        .iter()
                                        .take_while(|h| h.0 == *id)
                                        .map(pos),
                                );
                            }
                        } else {
                            anchor_pos.extend(
                                starts_by_pattern
                                    .iter()
                                    .filter(|h| ids.binary_search(&h.0).is_ok())
                                    .map(pos),
                            );
                        }
                    }
                    AnchorSource::Quantity => {
                        anchor_pos.extend(s.quantities().iter().map(|q| at(q.start, q.end)))
                    }
                    AnchorSource::Period => {
                        anchor_pos.extend(s.periods().iter().map(|p| at(p.start, p.end)))
                    }
                    AnchorSource::Ref(l) => anchor_pos.extend(
                        s.results[*l]
                            .iter()
                            .map(|m| at(m.start as usize, m.end as usize)),
                    ),
                    AnchorSource::Everywhere => {
                        for sent in &s.prepared.structure.sentences {
                            let r = sent.span.range();
                            anchor_pos.extend(
                                s.text[r.clone()]
                                    .char_indices()
                                    .map(|(i, _)| (r.start + i) as u32),
                            );
                        }
                    }
                }
            }
            let starts = if trace.is_none() {
                candidate_starts(s, branch, anchor_pos)
            } else {
                window_starts(s, branch, anchor_pos)
            };
            for start in starts {
                let Some(si) = s.prepared.structure.sentence_at(start) else {
                    continue;
                };
                let sent = s.prepared.structure.sentences[si].span;
                let win = (sent.start as usize, sent.end as usize);
                s.furthest.set(None);
                let mut threads = Vec::new();
                s.eval(&branch.pat, start as usize, win, NO_CAPS, &mut threads);
                let best = threads
                    .iter()
                    .filter(|t| t.end > start as usize)
                    .max_by_key(|t| t.end);
                if let Some(t) = trace.as_deref_mut() {
                    t.attempts.push(Attempt {
                        rule: rid,
                        start,
                        end: best.map(|b| b.end as u32),
                        stopped: if best.is_none() {
                            s.furthest.get().map(|(pos, a, b)| (pos as u32, a..b))
                        } else {
                            None
                        },
                    });
                }
                let Some(best) = best.copied() else {
                    s.cap_arena.borrow_mut().clear();
                    continue;
                };
                let caps = s.take_caps(best.caps);
                // Attributes are computed after overlap resolution, for the
                // survivors only (and so that they can see earlier ones).
                out.push(Match {
                    rule: rid,
                    label: rule.label,
                    start,
                    end: best.end as u32,
                    priority: rule.priority,
                    attrs: Map::new(),
                    caps,
                });
            }
        }
    }
}

/// The window of starts an anchor at `a` allows (inclusive byte range):
/// `back.0` characters before it (or none, at the start of the text), then
/// up to `back.1` characters, not crossing a line break.
fn back_window(text: &str, back: (u32, u32), a: u32) -> Option<(u32, u32)> {
    let mut p = a as usize;
    let mut k = 0;
    while k < back.0 {
        let c = text[..p].chars().next_back()?;
        p -= c.len_utf8();
        k += 1;
    }
    let hi = p;
    while k < back.1 {
        match text[..p].chars().next_back() {
            Some(c) if c != '\n' => p -= c.len_utf8(),
            _ => break,
        }
        k += 1;
    }
    Some((p as u32, hi as u32))
}

/// Every character position in the back windows of the anchors: where a
/// match may start (all of them are tried when tracing, so that `explain`
/// shows each attempt).
fn window_starts(s: &Scratch, branch: &Branch, anchor_pos: Vec<u32>) -> Vec<u32> {
    let mut starts: Vec<u32> = Vec::with_capacity(anchor_pos.len());
    for a in anchor_pos {
        let Some((lo, hi)) = back_window(s.text, branch.back, a) else {
            continue;
        };
        starts.extend(
            s.text[lo as usize..hi as usize]
                .char_indices()
                .map(|(i, _)| lo + i as u32),
        );
        starts.push(hi);
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// The starts of [`window_starts`] from which a match is possible: those
/// where the elements before the anchor match backwards, ending at an anchor
/// hit. Every start that can match is among them (its anchor element sits
/// at some hit, and its prefix ends there), so trying only these gives the
/// same matches, with a fraction of the attempts.
fn candidate_starts(s: &Scratch, branch: &Branch, mut anchor_pos: Vec<u32>) -> Vec<u32> {
    anchor_pos.sort_unstable();
    anchor_pos.dedup();
    let st = &s.prepared.structure;
    let mut starts: Vec<u32> = Vec::new();
    // Starts outside their own hit's window, to check against all windows.
    let mut doubtful: Vec<u32> = Vec::new();
    let mut cur = Vec::new();
    let mut next = Vec::new();
    for &a in &anchor_pos {
        // A match never leaves the sentence of its start, so its anchor
        // element is in the same sentence.
        let Some(si) = st.sentence_at(a) else {
            continue;
        };
        let sent = st.sentences[si].span;
        // The rest of the pattern must match from the hit, as it would from
        // any start that uses it (same sentence, so same window).
        if let Some(suffix) = &branch.suffix {
            let mut t = s.take_buf();
            s.eval(
                suffix,
                a as usize,
                (sent.start as usize, sent.end as usize),
                NO_CAPS,
                &mut t,
            );
            let found = !t.is_empty();
            s.give_buf(t);
            s.cap_arena.borrow_mut().clear();
            if !found {
                continue;
            }
        }
        let lo = sent.start as usize;
        cur.clear();
        cur.push(a as usize);
        for item in branch.prefix.iter().rev() {
            next.clear();
            for &e in &cur {
                s.starts_before(item, e, lo, &mut next);
            }
            next.sort_unstable();
            next.dedup();
            std::mem::swap(&mut cur, &mut next);
            if cur.is_empty() {
                break;
            }
        }
        for &p in &cur {
            if in_back_window(s.text, branch.back, a, p) {
                starts.push(p as u32);
            } else {
                doubtful.push(p as u32);
            }
        }
    }
    // Keep exactly the starts the windows allow (a token longer than its
    // assumed length can put a start outside its own hit's window, and
    // perhaps inside another's).
    if !doubtful.is_empty() {
        let mut windows: Vec<(u32, u32)> = anchor_pos
            .iter()
            .filter_map(|&a| back_window(s.text, branch.back, a))
            .collect();
        windows.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(windows.len());
        for (lo, hi) in windows {
            match merged.last_mut() {
                Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        starts.extend(doubtful.into_iter().filter(|&p| {
            let i = merged.partition_point(|w| w.1 < p);
            merged.get(i).is_some_and(|w| w.0 <= p)
        }));
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// Whether `p` (at or before `a`) is in the window [`back_window`] gives for
/// `a`, without walking the window.
fn in_back_window(text: &str, back: (u32, u32), a: u32, p: usize) -> bool {
    let seg = &text[p..a as usize];
    let k = seg.chars().count() as u32;
    // The characters walked after the first `back.0` may not be line breaks.
    (back.0..=back.1).contains(&k) && !seg.chars().take((k - back.0) as usize).any(|c| c == '\n')
}

/// Applies an overlap policy; returns survivors sorted by start.
fn resolve(
    mut cands: Vec<Match>,
    policy: Overlap,
    dropped: Option<&mut Vec<Dropped>>,
) -> Vec<Match> {
    // Identical span + rule: keep one.
    cands.sort_by_key(|m| (m.start, m.end, m.rule));
    cands.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.rule == b.rule);
    if policy == Overlap::All {
        return cands;
    }
    let len = |m: &Match| m.end - m.start;
    match policy {
        Overlap::Longest => cands.sort_by(|a, b| {
            len(b)
                .cmp(&len(a))
                .then(b.priority.cmp(&a.priority))
                .then(a.start.cmp(&b.start))
                .then(a.rule.cmp(&b.rule))
        }),
        Overlap::Priority => cands.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then(len(b).cmp(&len(a)))
                .then(a.start.cmp(&b.start))
                .then(a.rule.cmp(&b.rule))
        }),
        _ => cands.sort_by(|a, b| {
            a.start
                .cmp(&b.start)
                .then(len(b).cmp(&len(a)))
                .then(b.priority.cmp(&a.priority))
                .then(a.rule.cmp(&b.rule))
        }),
    }
    let mut kept: Vec<Match> = Vec::new();
    let mut lost = Vec::new();
    // The losers are only kept (with a copy of their winner) for traces.
    let tracing = dropped.is_some();
    for m in cands {
        match kept.iter().find(|k| k.start < m.end && m.start < k.end) {
            Some(w) if tracing => lost.push(Dropped {
                lost: m,
                winner: w.clone(),
                policy,
            }),
            Some(_) => {}
            None => kept.push(m),
        }
    }
    if let Some(d) = dropped {
        d.extend(lost);
    }
    kept.sort_by_key(|m| (m.start, m.end));
    kept
}

fn push_thread(out: &mut Vec<Thread>, t: Thread) {
    if !out.iter().any(|x| x.end == t.end) {
        out.push(t);
    }
}

impl<'a> Scratch<'a> {
    pub(crate) fn quantities(&self) -> &[Quantity] {
        // The quantity scan skips periods: share them with `periods()`.
        self.qty
            .get_or_init(|| tiqu_quantity::scan_with_periods(self.text, self.periods()))
    }

    pub(crate) fn periods(&self) -> &[Period] {
        self.periods
            .get_or_init(|| tiqu_quantity::scan_periods(self.text))
    }

    fn fail(&self, pos: usize, p: &Pat) {
        // The innermost element that failed at the furthest position is the
        // most useful to show, and it is the first one recorded there.
        let better = self.furthest.get().is_none_or(|(f, _, _)| pos > f);
        if better {
            self.furthest.set(Some((pos, p.span.start, p.span.end)));
        }
    }

    /// The tokens of the clause containing `pos`, segmented on first use.
    /// Clauses (not whole sentences) keep the text segmented small: an
    /// indicator or a name never crosses a `，`.
    fn tokens(&self, pos: usize) -> Option<SentenceTokens> {
        let seg = self.seg?;
        let clauses = &self.prepared.structure.clauses;
        let ci = clauses.partition_point(|c| (c.span.end as usize) <= pos);
        let clause = clauses.get(ci).filter(|c| (c.span.start as usize) <= pos)?;
        if let Some(Some(t)) = self.tokens.borrow().get(ci) {
            return Some(t.clone());
        }
        let (s, e) = (clause.span.start as usize, clause.span.end as usize);
        // Quantities and periods stay whole tokens: an indicator must not
        // swallow 2023年 (2023年产值) or a number.
        let mut protected: Vec<Protected> = self
            .quantities()
            .iter()
            .filter(|q| q.start >= s && q.end <= e)
            .map(|q| Protected {
                range: q.start - s..q.end - s,
                tag: "mq",
            })
            .chain(
                self.periods()
                    .iter()
                    .filter(|p| p.start >= s && p.end <= e)
                    .map(|p| Protected {
                        range: p.start - s..p.end - s,
                        tag: "t",
                    }),
            )
            .collect();
        protected.sort_by_key(|p| p.range.start);
        let toks: Vec<(u32, u32, &'static str)> = seg
            .segment_protected(&self.text[s..e], &protected)
            .into_iter()
            .map(|t| ((s + t.start) as u32, (s + t.end) as u32, t.tag))
            .collect();
        let rc = Rc::new(toks);
        self.tokens.borrow_mut()[ci] = Some(rc.clone());
        Some(rc)
    }

    /// Whether `pos` falls strictly inside a segmenter word, judged on a
    /// window of a few characters around it within the clause (place names
    /// ask this in almost every sentence; segmenting their whole clauses
    /// cost a fifth of the run). Always the window, never the clause's
    /// cached tokens, so that the answer does not depend on which rules ran
    /// before. Without a segmenter nothing is inside a word.
    fn inside_word(&self, pos: usize) -> bool {
        // Four characters before; eight after, so that a long name
        // (延边朝鲜族自治州, 埃塞俄比亚) is whole in the window.
        const BEFORE: usize = 4;
        const AFTER: usize = 8;
        let Some(seg) = self.seg else {
            return false;
        };
        let clauses = &self.prepared.structure.clauses;
        let ci = clauses.partition_point(|c| (c.span.end as usize) <= pos);
        let Some(clause) = clauses.get(ci).filter(|c| (c.span.start as usize) <= pos) else {
            return false;
        };
        let (cs, ce) = (clause.span.start as usize, clause.span.end as usize);
        if pos == cs {
            return false;
        }
        let text = self.text;
        let from = text[cs..pos]
            .char_indices()
            .rev()
            .nth(BEFORE - 1)
            .map_or(cs, |(i, _)| cs + i);
        let to = text[pos..ce]
            .char_indices()
            .nth(AFTER)
            .map_or(ce, |(i, _)| pos + i);
        seg.segment_protected(&text[from..to], &[])
            .iter()
            .any(|t| from + t.start < pos && pos < from + t.end)
    }

    /// Evaluates `p` at `pos` within the window `win` (the sentence),
    /// appending threads (distinct end positions, in preference order).
    fn eval(&self, p: &Pat, pos: usize, win: (usize, usize), caps: u32, out: &mut Vec<Thread>) {
        let before = out.len();
        match &p.kind {
            PatKind::Lit(s) => {
                if starts_with(&self.text.as_bytes()[pos..win.1], s.as_bytes()) {
                    push_thread(
                        out,
                        Thread {
                            end: pos + s.len(),
                            caps,
                        },
                    );
                }
            }
            PatKind::Lex(l) => {
                for h in self.hits_at(pos) {
                    if h.end as usize <= win.1
                        && self.set.ac_targets[h.pattern as usize]
                            .iter()
                            .any(|t| matches!(t, AcTarget::Lex { lex, .. } if lex == l))
                    {
                        push_thread(
                            out,
                            Thread {
                                end: h.end as usize,
                                caps,
                            },
                        );
                    }
                }
            }
            PatKind::Ref { label, rule } => {
                for m in &self.results[*label] {
                    if m.start as usize == pos
                        && m.end as usize <= win.1
                        && rule.is_none_or(|r| r == m.rule)
                    {
                        push_thread(
                            out,
                            Thread {
                                end: m.end as usize,
                                caps,
                            },
                        );
                    }
                }
            }
            PatKind::Class(c) => {
                if let Some(ch) = self.text[pos..win.1].chars().next()
                    && class_matches(*c, ch)
                {
                    push_thread(
                        out,
                        Thread {
                            end: pos + ch.len_utf8(),
                            caps,
                        },
                    );
                }
            }
            PatKind::Set { negated, ranges } => {
                if let Some(ch) = self.text[pos..win.1].chars().next()
                    && ranges.iter().any(|(a, b)| (*a..=*b).contains(&ch)) != *negated
                {
                    push_thread(
                        out,
                        Thread {
                            end: pos + ch.len_utf8(),
                            caps,
                        },
                    );
                }
            }
            PatKind::Qty(f) => {
                for q in self.quantities_at(pos) {
                    if q.end <= win.1 && qty_ok(f, q) {
                        push_thread(out, Thread { end: q.end, caps });
                    }
                }
            }
            PatKind::Period(f) => {
                for pr in self.periods_at(pos) {
                    if pr.end <= win.1 && period_ok(f, pr) {
                        push_thread(out, Thread { end: pr.end, caps });
                    }
                }
            }
            PatKind::Anchor(a) => {
                let ok = match a {
                    AnchorKind::SentenceStart => pos == win.0,
                    AnchorKind::SentenceEnd => self.text[pos..win.1].chars().all(|c| {
                        tiqu_text::chars::is_sentence_terminal(c) || tiqu_text::chars::is_closer(c)
                    }),
                    AnchorKind::ClauseStart => {
                        pos == win.0 || self.clause_starts.binary_search(&(pos as u32)).is_ok()
                    }
                    AnchorKind::ClauseEnd => {
                        pos == win.1
                            || self.clause_ends.binary_search(&(pos as u32)).is_ok()
                            || self.text[pos..win.1].chars().next().is_some_and(|c| {
                                tiqu_text::chars::is_clause_separator(c)
                                    || tiqu_text::chars::is_sentence_terminal(c)
                            })
                    }
                };
                if ok {
                    push_thread(out, Thread { end: pos, caps });
                }
            }
            PatKind::Look {
                ahead,
                negated,
                node,
            } => {
                // A positive `next(…)` keeps the captures of its preferred
                // (first) thread: `q:qty next(n:$noun)` names the counted
                // noun without making it part of the match.
                let (found, caps) = if *ahead {
                    let mut t = self.take_buf();
                    let inner_caps = if *negated { NO_CAPS } else { caps };
                    self.eval(node, pos, win, inner_caps, &mut t);
                    let found = t.first().map(|th| th.caps);
                    self.give_buf(t);
                    match found {
                        Some(c) if !*negated => (true, c),
                        Some(_) => (true, caps),
                        None => (false, caps),
                    }
                } else {
                    (self.ends_at(node, pos, win), caps)
                };
                if found != *negated {
                    push_thread(out, Thread { end: pos, caps });
                }
            }
            PatKind::Inside {
                negated,
                open,
                close,
            } => {
                let seg = &self.text[win.0..pos];
                let opens = seg.chars().filter(|c| c == open).count();
                let closes = seg.chars().filter(|c| c == close).count();
                if (opens > closes) != *negated {
                    push_thread(out, Thread { end: pos, caps });
                }
            }
            PatKind::InWord { negated } => {
                if self.inside_word(pos) != *negated {
                    push_thread(out, Thread { end: pos, caps });
                }
            }
            PatKind::Tok(preds) => {
                if let Some(toks) = self.tokens(pos) {
                    let i = toks.partition_point(|t| (t.0 as usize) < pos);
                    if let Some(&(s, e, tag)) = toks.get(i)
                        && s as usize == pos
                        && (e as usize) <= win.1
                    {
                        let word = &self.text[s as usize..e as usize];
                        let ok = preds.iter().all(|p| tok_pred(p, word, tag, self.seg));
                        if ok {
                            push_thread(
                                out,
                                Thread {
                                    end: e as usize,
                                    caps,
                                },
                            );
                        }
                    }
                }
            }
            PatKind::Seq(items) => {
                let mut frontier = self.take_buf();
                frontier.push(Thread { end: pos, caps });
                let mut next = self.take_buf();
                for item in items {
                    next.clear();
                    for t in &frontier {
                        self.eval(item, t.end, win, t.caps, &mut next);
                    }
                    if next.is_empty() {
                        self.give_buf(frontier);
                        self.give_buf(next);
                        return;
                    }
                    std::mem::swap(&mut frontier, &mut next);
                }
                for &t in &frontier {
                    push_thread(out, t);
                }
                self.give_buf(frontier);
                self.give_buf(next);
            }
            // A list of literals (the common `define x: a | b | c`): each
            // item as its own evaluation would do it, without the recursion.
            PatKind::Alt(items) if items.iter().all(|i| matches!(i.kind, PatKind::Lit(_))) => {
                let hay = &self.text.as_bytes()[pos..win.1];
                for item in items {
                    let PatKind::Lit(s) = &item.kind else {
                        continue;
                    };
                    if starts_with(hay, s.as_bytes()) {
                        push_thread(
                            out,
                            Thread {
                                end: pos + s.len(),
                                caps,
                            },
                        );
                    } else {
                        self.fail(pos, item);
                    }
                }
            }
            PatKind::Alt(items) => {
                let mut t = self.take_buf();
                for item in items {
                    t.clear();
                    self.eval(item, pos, win, caps, &mut t);
                    for &th in &t {
                        push_thread(out, th);
                    }
                }
                self.give_buf(t);
            }
            // A repeated character class: each level holds one thread, one
            // character further.
            PatKind::Repeat { node, min, max }
                if matches!(node.kind, PatKind::Class(_) | PatKind::Set { .. }) =>
            {
                let mut ends = self.spare_bounds.borrow_mut().pop().unwrap_or_default();
                ends.push(pos);
                let mut at = pos;
                for _ in 0..*max {
                    match self.char_match(node, at, win.1) {
                        Some(e) => {
                            at = e;
                            ends.push(e);
                        }
                        None => {
                            self.fail(at, node);
                            break;
                        }
                    }
                }
                for count in (0..ends.len()).rev() {
                    if count as u32 >= *min {
                        push_thread(
                            out,
                            Thread {
                                end: ends[count],
                                caps,
                            },
                        );
                    }
                }
                ends.clear();
                self.spare_bounds.borrow_mut().push(ends);
            }
            PatKind::Repeat { node, min, max } => {
                // Frontiers by count, one after the other in `levels`
                // (level k is levels[bounds[k]..bounds[k + 1]]); greedy
                // preference: more repetitions first.
                let mut levels = self.take_buf();
                let mut bounds = self.spare_bounds.borrow_mut().pop().unwrap_or_default();
                let mut r = self.take_buf();
                levels.push(Thread { end: pos, caps });
                bounds.push(0);
                for _ in 0..*max {
                    let (from, to) = (*bounds.last().expect("level"), levels.len());
                    for k in from..to {
                        let t = levels[k];
                        r.clear();
                        self.eval(node, t.end, win, t.caps, &mut r);
                        for &th in &r {
                            // No progress: stop (zero-width repetition),
                            // except once for a zero-width element that
                            // captured something (`(next(n:$noun))?`).
                            let progress =
                                th.end > t.end || (bounds.len() == 1 && th.caps != t.caps);
                            if progress && !levels[to..].iter().any(|x| x.end == th.end) {
                                levels.push(th);
                            }
                        }
                    }
                    if levels.len() == to {
                        break;
                    }
                    bounds.push(to);
                }
                bounds.push(levels.len());
                for count in (0..bounds.len() - 1).rev() {
                    if count as u32 >= *min {
                        for &t in &levels[bounds[count]..bounds[count + 1]] {
                            push_thread(out, t);
                        }
                    }
                }
                bounds.clear();
                self.spare_bounds.borrow_mut().push(bounds);
                self.give_buf(levels);
                self.give_buf(r);
            }
            PatKind::Cap { name, node } => {
                let mut t = self.take_buf();
                self.eval(node, pos, win, caps, &mut t);
                for &th in &t {
                    let mut th = th;
                    let payload = self.payload(node, pos, th.end);
                    let cap = Cap {
                        name: *name,
                        start: pos as u32,
                        end: th.end as u32,
                        payload,
                    };
                    let mut arena = self.cap_arena.borrow_mut();
                    arena.push(CapNode { cap, prev: th.caps });
                    th.caps = (arena.len() - 1) as u32;
                    push_thread(out, th);
                }
                self.give_buf(t);
            }
        }
        if out.len() == before {
            self.fail(pos, p);
        }
    }

    /// Where a one-character pattern (class or set) matching at `pos` ends.
    fn char_match(&self, p: &Pat, pos: usize, win_end: usize) -> Option<usize> {
        let ch = self.text[pos..win_end].chars().next()?;
        let ok = match &p.kind {
            PatKind::Class(c) => class_matches(*c, ch),
            PatKind::Set { negated, ranges } => {
                ranges.iter().any(|(a, b)| (*a..=*b).contains(&ch)) != *negated
            }
            _ => false,
        };
        ok.then(|| pos + ch.len_utf8())
    }

    fn take_buf(&self) -> Vec<Thread> {
        self.spare.borrow_mut().pop().unwrap_or_default()
    }

    fn give_buf(&self, mut v: Vec<Thread>) {
        v.clear();
        self.spare.borrow_mut().push(v);
    }

    /// The captures of the list ending at `head`, in the order they were
    /// made; empties the arena (the attempt is over).
    fn take_caps(&self, head: u32) -> Vec<Cap> {
        let mut arena = self.cap_arena.borrow_mut();
        let mut caps = Vec::new();
        let mut i = head;
        while i != NO_CAPS {
            caps.push(arena[i as usize].cap);
            i = arena[i as usize].prev;
        }
        caps.reverse();
        arena.clear();
        caps
    }

    /// Does `p` match some span ending exactly at `pos` (lookbehind)?
    fn ends_at(&self, p: &Pat, pos: usize, win: (usize, usize)) -> bool {
        let mut start = pos;
        let mut k = 0u32;
        loop {
            if k >= p.len.0 {
                let mut t = Vec::new();
                self.eval(p, start, (win.0, pos), NO_CAPS, &mut t);
                if t.iter().any(|t| t.end == pos) {
                    return true;
                }
            }
            if k >= p.len.1.min(crate::compile::MAX_CONTEXT) || start <= win.0 {
                return false;
            }
            match self.text[..start].chars().next_back() {
                Some(c) => start -= c.len_utf8(),
                None => return false,
            }
            k += 1;
        }
    }

    /// Appends positions `s >= lo` from which `p` may match exactly up to
    /// `end`: every such position, and possibly more (zero-width
    /// assertions are not checked here; the forward match checks them).
    fn starts_before(&self, p: &Pat, end: usize, lo: usize, out: &mut Vec<usize>) {
        let prev_char = || {
            self.text[lo.min(end)..end]
                .chars()
                .next_back()
                .map(|c| (c, end - c.len_utf8()))
        };
        match &p.kind {
            PatKind::Lit(lit) => {
                if self.text[lo.min(end)..end].ends_with(lit.as_str()) {
                    out.push(end - lit.len());
                }
            }
            PatKind::Lex(l) => {
                let by_end = self.hits_by_end.get_or_init(|| {
                    let mut v: Vec<u32> = (0..self.hits.len() as u32).collect();
                    v.sort_by_key(|&i| self.hits[i as usize].end);
                    v
                });
                let i = by_end.partition_point(|&h| (self.hits[h as usize].end as usize) < end);
                for &h in &by_end[i..] {
                    let h = &self.hits[h as usize];
                    if h.end as usize != end {
                        break;
                    }
                    if h.start as usize >= lo
                        && self.set.ac_targets[h.pattern as usize]
                            .iter()
                            .any(|t| matches!(t, AcTarget::Lex { lex, .. } if lex == l))
                    {
                        out.push(h.start as usize);
                    }
                }
            }
            PatKind::Ref { label, rule } => {
                for m in &self.results[*label] {
                    if m.end as usize == end
                        && m.start as usize >= lo
                        && rule.is_none_or(|r| r == m.rule)
                    {
                        out.push(m.start as usize);
                    }
                }
            }
            PatKind::Class(c) => {
                if let Some((ch, s)) = prev_char()
                    && class_matches(*c, ch)
                {
                    out.push(s);
                }
            }
            PatKind::Set { negated, ranges } => {
                if let Some((ch, s)) = prev_char()
                    && ranges.iter().any(|(a, b)| (*a..=*b).contains(&ch)) != *negated
                {
                    out.push(s);
                }
            }
            PatKind::Qty(f) => {
                let qs = self.quantities();
                let by_end = self.qty_by_end.get_or_init(|| {
                    let mut v: Vec<u32> = (0..qs.len() as u32).collect();
                    v.sort_by_key(|&i| qs[i as usize].end);
                    v
                });
                let i = by_end.partition_point(|&q| qs[q as usize].end < end);
                for &q in &by_end[i..] {
                    let q = &qs[q as usize];
                    if q.end != end {
                        break;
                    }
                    if q.start >= lo && qty_ok(f, q) {
                        out.push(q.start);
                    }
                }
            }
            PatKind::Period(f) => {
                let ps = self.periods();
                let by_end = self.periods_by_end.get_or_init(|| {
                    let mut v: Vec<u32> = (0..ps.len() as u32).collect();
                    v.sort_by_key(|&i| ps[i as usize].end);
                    v
                });
                let i = by_end.partition_point(|&q| ps[q as usize].end < end);
                for &q in &by_end[i..] {
                    let pr = &ps[q as usize];
                    if pr.end != end {
                        break;
                    }
                    if pr.start >= lo && period_ok(f, pr) {
                        out.push(pr.start);
                    }
                }
            }
            PatKind::Anchor(_)
            | PatKind::Look { .. }
            | PatKind::Inside { .. }
            | PatKind::InWord { .. } => out.push(end),
            PatKind::Tok(preds) => {
                // The token lies in one clause: the one holding its last
                // character.
                let Some((_, last)) = prev_char() else {
                    return;
                };
                let Some(toks) = self.tokens(last) else {
                    return;
                };
                let i = toks.partition_point(|t| (t.1 as usize) < end);
                if let Some(&(s, e, tag)) = toks.get(i)
                    && e as usize == end
                    && s as usize >= lo
                {
                    let word = &self.text[s as usize..e as usize];
                    if preds.iter().all(|p| tok_pred(p, word, tag, self.seg)) {
                        out.push(s as usize);
                    }
                }
            }
            PatKind::Seq(items) => {
                let mut cur = vec![end];
                for item in items.iter().rev() {
                    let mut next = Vec::new();
                    for &e in &cur {
                        self.starts_before(item, e, lo, &mut next);
                    }
                    next.sort_unstable();
                    next.dedup();
                    if next.is_empty() {
                        return;
                    }
                    cur = next;
                }
                out.extend(cur);
            }
            PatKind::Alt(items) => {
                for item in items {
                    self.starts_before(item, end, lo, out);
                }
            }
            PatKind::Repeat { node, min, max } => {
                if *min == 0 {
                    out.push(end);
                }
                let mut level = vec![end];
                for count in 1..=*max {
                    let mut next = Vec::new();
                    for &e in &level {
                        let from = next.len();
                        self.starts_before(node, e, lo, &mut next);
                        // No progress: a zero-width repetition stops.
                        let mut k = from;
                        for j in from..next.len() {
                            if next[j] < e {
                                next[k] = next[j];
                                k += 1;
                            }
                        }
                        next.truncate(k);
                    }
                    next.sort_unstable();
                    next.dedup();
                    if next.is_empty() {
                        break;
                    }
                    if count >= *min {
                        out.extend(&next);
                    }
                    level = next;
                }
            }
            PatKind::Cap { node, .. } => self.starts_before(node, end, lo, out),
        }
    }

    fn hits_at(&self, pos: usize) -> impl Iterator<Item = &Hit> {
        let i = self.hits.partition_point(|h| (h.start as usize) < pos);
        self.hits[i..]
            .iter()
            .take_while(move |h| h.start as usize == pos)
    }

    fn quantities_at(&self, pos: usize) -> impl Iterator<Item = &Quantity> {
        let qs = self.quantities();
        let i = qs.partition_point(|q| q.start < pos);
        qs[i..].iter().take_while(move |q| q.start == pos)
    }

    fn periods_at(&self, pos: usize) -> impl Iterator<Item = &Period> {
        let ps = self.periods();
        let i = ps.partition_point(|p| p.start < pos);
        ps[i..].iter().take_while(move |p| p.start == pos)
    }

    fn payload(&self, node: &Pat, start: usize, end: usize) -> Payload {
        match &node.kind {
            PatKind::Lex(l) => {
                for h in self.hits_at(start) {
                    if h.end as usize == end {
                        for t in &self.set.ac_targets[h.pattern as usize] {
                            if let AcTarget::Lex { lex, entry } = t
                                && lex == l
                            {
                                return Payload::Lex {
                                    lex: *lex,
                                    entry: *entry,
                                };
                            }
                        }
                    }
                }
                Payload::Text
            }
            PatKind::Qty(_) => {
                let qs = self.quantities();
                let i = qs.partition_point(|q| q.start < start);
                qs[i..]
                    .iter()
                    .position(|q| q.start == start && q.end == end)
                    .map_or(Payload::Text, |j| Payload::Qty(i + j))
            }
            PatKind::Period(_) => {
                let ps = self.periods();
                let i = ps.partition_point(|p| p.start < start);
                ps[i..]
                    .iter()
                    .position(|p| p.start == start && p.end == end)
                    .map_or(Payload::Text, |j| Payload::Period(i + j))
            }
            PatKind::Ref { label, rule } => self.results[*label]
                .iter()
                .position(|m| {
                    m.start as usize == start
                        && m.end as usize == end
                        && rule.is_none_or(|r| r == m.rule)
                })
                .map_or(Payload::Text, |index| Payload::Ref {
                    label: *label,
                    index,
                }),
            PatKind::Alt(items) => items
                .iter()
                .map(|i| self.payload(i, start, end))
                .find(|p| *p != Payload::Text)
                .unwrap_or(Payload::Text),
            // `p:period?` keeps the period's fields, like `(p:period)?`.
            PatKind::Cap { node, .. } | PatKind::Repeat { node, .. } => {
                self.payload(node, start, end)
            }
            PatKind::Tok(_) => self
                .tokens(start)
                .and_then(|toks| {
                    toks.iter()
                        .find(|t| t.0 as usize == start)
                        .map(|t| Payload::Tok(t.2))
                })
                .unwrap_or(Payload::Text),
            _ => Payload::Text,
        }
    }

    pub(crate) fn cap_text(&self, c: &Cap) -> &str {
        &self.text[c.start as usize..c.end as usize]
    }

    /// The canonical form of `term` in lexicon `lex` (qualified or local
    /// name), if the whole term is one of its written forms.
    pub(crate) fn lexicon_canonical(&self, lex: &str, term: &str) -> Option<String> {
        let lid = self
            .set
            .lexicons
            .iter()
            .position(|l| l.name == lex || l.name.rsplit('.').next() == Some(lex))?;
        let ac = self.set.automaton.as_ref()?;
        let m = ac
            .find_overlapping_iter(term)
            .find(|m| m.start() == 0 && m.end() == term.len())?;
        self.set.ac_targets[m.pattern().as_usize()]
            .iter()
            .find_map(|t| match t {
                AcTarget::Lex { lex, entry } if *lex == lid => Some(
                    self.set.lexicons[lid].entries[*entry as usize]
                        .canonical
                        .clone(),
                ),
                _ => None,
            })
    }

    pub(crate) fn cap_canonical(&self, c: &Cap) -> String {
        match c.payload {
            Payload::Lex { lex, entry } => self.set.lexicons[lex].entries[entry as usize]
                .canonical
                .clone(),
            Payload::Ref { label, index } => {
                match self.results[label][index].attrs.get("canonical") {
                    Some(Value::String(s)) => s.clone(),
                    _ => self.cap_text(c).to_string(),
                }
            }
            _ => self.cap_text(c).to_string(),
        }
    }

    pub(crate) fn cap_field(&self, c: &Cap, field: &str) -> Value {
        match field {
            "text" => return Value::String(self.cap_text(c).to_string()),
            "canonical" => return Value::String(self.cap_canonical(c)),
            _ => {}
        }
        match c.payload {
            Payload::Lex { lex, entry } => self.set.lexicons[lex].entries[entry as usize]
                .attrs
                .get(field)
                .cloned()
                .unwrap_or(Value::Null),
            Payload::Ref { label, index } => self.results[label][index]
                .attrs
                .get(field)
                .cloned()
                .unwrap_or(Value::Null),
            Payload::Qty(i) => quantity_field(&self.quantities()[i], field),
            Payload::Period(i) => {
                let p = &self.periods()[i];
                match serde_json::to_value(p) {
                    Ok(Value::Object(m)) => m.get(field).cloned().unwrap_or(Value::Null),
                    _ => Value::Null,
                }
            }
            Payload::Tok(tag) if field == "pos" => Value::String(tag.to_string()),
            _ => Value::Null,
        }
    }

    pub(crate) fn article_field(&self, pos: usize, field: &str) -> Value {
        let st = &self.prepared.structure;
        let Some(si) = st.sentence_at(pos as u32) else {
            return Value::Null;
        };
        let Some(ai) = st.sentences[si].article else {
            return Value::Null;
        };
        let a = &st.articles[ai as usize];
        match field {
            "index" => Value::from(ai),
            "subject" => a
                .subject
                .as_ref()
                .map_or(Value::Null, |s| Value::String(s.name.clone())),
            "subject_kind" => a
                .subject
                .as_ref()
                .and_then(|s| serde_json::to_value(s.kind).ok())
                .unwrap_or(Value::Null),
            "title" => a.title.map_or(Value::Null, |t| {
                Value::String(self.prepared.normalized_text(t).to_string())
            }),
            "named_subject" => self.article_named_subject(a),
            _ => Value::Null,
        }
    }

    /// What `article.named_subject` reads: the first zone, place or company
    /// the rules found in the article's title (山西中部城市群今年首批183个重大
    /// 项目集中开工), or in an article without a title, in its lead paragraph
    /// (央视网消息（新闻联播）：党的十八大以来，习近平总书记先后三次到山西考察
    /// 调研…); at the same start the longer name wins.
    fn article_named_subject(&self, a: &tiqu_text::Article) -> Value {
        let lead = || {
            let p = self
                .prepared
                .normalized
                .paragraphs
                .get(a.paragraphs.0 as usize)?;
            Some(tiqu_text::Span {
                start: p.start,
                end: p.end,
            })
        };
        a.title
            .or_else(lead)
            .and_then(|t| {
                self.subject_names(t.start, t.end, true)
                    .min_by_key(|m| (m.start, std::cmp::Reverse(m.end)))
            })
            .map_or(Value::Null, |m| self.match_name(m))
    }

    /// The zone and place matches within `from..to` that can be what a
    /// sentence is about (not a place something goes to or comes from, see
    /// `is_destination`), and with `beyond_places` the organisations that
    /// can (`org_can_be_subject`) and named projects.
    fn subject_names(
        &self,
        from: u32,
        to: u32,
        beyond_places: bool,
    ) -> impl Iterator<Item = &Match> {
        let labels: &[&str] = if beyond_places {
            &["zone", "place", "org", "project"]
        } else {
            &["zone", "place"]
        };
        labels.iter().flat_map(move |&name| {
            let results = self
                .set
                .label_id(name)
                .map_or(&[][..], |l| &self.results[l][..]);
            results.iter().filter(move |m| {
                m.start >= from
                    && m.end <= to
                    && (name != "org" || self.org_can_be_subject(m))
                    && !self.is_destination(m.start as usize)
            })
        })
    }

    /// The clause (between `，；：` or sentence ends) that holds `pos`.
    fn clause_at(&self, pos: usize) -> (usize, usize) {
        let i = self
            .clause_starts
            .partition_point(|&c| (c as usize) <= pos)
            .saturating_sub(1);
        (
            self.clause_starts.get(i).map_or(0, |&c| c as usize),
            self.clause_ends
                .get(i)
                .map_or(self.text.len(), |&c| c as usize),
        )
    }

    /// Whether 全国 or 我国 stands between `from` and `pos` in the clause of
    /// `pos`, as what the clause is about: not a base of comparison or a
    /// share (占全国的10%, 高于全国, 比全国).
    fn national_in_clause(&self, from: usize, pos: usize) -> bool {
        let from = from.max(self.clause_at(pos).0);
        if from >= pos {
            return false;
        }
        let span = &self.text[from..pos];
        ["全国", "我国"].iter().any(|w| {
            span.match_indices(w)
                .any(|(i, _)| !span[..i].ends_with(['占', '比', '较', '于', '同', '与', '和']))
        })
    }

    /// Whether a name lies inside a policy's name (黄河流域 in 推动黄河流域
    /// 生态保护和高质量发展): in a figure's sentence it names the policy, not
    /// who the figure is about. (In an article's lead it still tells what
    /// the article is about.)
    fn inside_policy(&self, m: &Match) -> bool {
        let Some(l) = self.set.label_id("policy") else {
            return false;
        };
        // (Sorted by start; a name sits in at most a few policies.)
        let policies = &self.results[l];
        let i = policies.partition_point(|p| p.start <= m.start);
        policies[..i]
            .iter()
            .rev()
            .take(8)
            .any(|p| m.end <= p.end && (p.start, p.end) != (m.start, m.end))
    }

    /// Companies, army units, and the forest farms, universities and
    /// institutes of one place (塞罕坝机械林场) are what a figure can be
    /// about; government bodies, national bodies (中国电力企业联合会的最新
    /// 数据显示) and alliances or associations (…党建联盟及两个专业镇企业
    /// 联盟) are where a figure comes from or who talks about it.
    fn org_can_be_subject(&self, m: &Match) -> bool {
        match m.attrs.get("kind").and_then(Value::as_str) {
            Some("company" | "army") => true,
            Some("association") => {
                let name = &self.text[m.start as usize..m.end as usize];
                const NATIONAL: &[&str] = &["中国", "全国", "国际", "世界", "亚洲"];
                const UNITS: &[&str] =
                    &["林场", "农场", "牧场", "大学", "学院", "研究院", "研究所"];
                !NATIONAL.iter().any(|w| name.starts_with(w))
                    && UNITS.iter().any(|w| name.ends_with(w))
            }
            _ => false,
        }
    }

    pub(crate) fn section_field(&self, pos: usize, field: &str) -> Value {
        let st = &self.prepared.structure;
        let Some(si) = st.sentence_at(pos as u32) else {
            return Value::Null;
        };
        match (st.sentences[si].section, field) {
            (Some(sec), "head") => Value::String(
                self.prepared
                    .normalized_text(st.sections[sec as usize].head)
                    .to_string(),
            ),
            _ => Value::Null,
        }
    }

    /// `nearest(…)`: the name of the match nearest before `end` in the
    /// sentence of `pos` among the labels in `wanted` (`"org.kind=company"`
    /// keeps only org matches whose `kind` is `company`); of two starting at
    /// the same place, the longer (山西东睦磁电有限公司 over 山西).
    pub(crate) fn nearest_named(&self, pos: usize, end: usize, wanted: &[String]) -> Value {
        let st = &self.prepared.structure;
        let Some(si) = st.sentence_at(pos as u32) else {
            return Value::Null;
        };
        let from = st.sentences[si].span.start;
        let mut best: Option<&Match> = None;
        for w in wanted {
            let (label, filter) = match w.split_once('.') {
                Some((l, f)) => (l, f.split_once('=')),
                None => (w.as_str(), None),
            };
            let Some(l) = self.set.label_id(label) else {
                continue;
            };
            for m in &self.results[l] {
                let keep = filter.is_none_or(
                    |(k, v)| matches!(m.attrs.get(k), Some(Value::String(s)) if s == v),
                );
                if keep
                    && m.start >= from
                    && (m.end as usize) <= end
                    && best.is_none_or(|b| (m.start, m.end) > (b.start, b.end))
                {
                    best = Some(m);
                }
            }
        }
        best.map_or(Value::Null, |m| self.match_name(m))
    }

    /// Whether a place at `start` is where something goes or comes from
    /// (从柬埔寨进口, 销往新加坡, 对接粤港澳大湾区) or a partner (与大湾区
    /// 共签约项目62个), not what a sentence is about. A one-character marker
    /// counts only as a word of its own: the 同 of 大同 or 共同, the 与 of
    /// 参与 and the 自 of 亲自 are not prepositions.
    fn is_destination(&self, start: usize) -> bool {
        const MARKERS: &[&str] = &[
            "销往",
            "运往",
            "发往",
            "出口到",
            "对接",
            "融入",
            "从",
            "自",
            "向",
            "往",
            "赴",
            "与",
            "同",
        ];
        const WORDS_ENDING_IN_A_MARKER: &[&str] = &[
            "大同", "共同", "不同", "协同", "合同", "如同", "连同", "赞同", "认同", "会同", "相同",
            "陪同", "一同", "等同", "参与", "各自", "独自", "亲自", "擅自", "私自", "以往", "过往",
            "来往", "服从", "无从", "方向", "一向", "偏向",
        ];
        let before = &self.text[..start];
        MARKERS.iter().any(|w| {
            before.ends_with(w)
                && (w.chars().count() > 1
                    || !WORDS_ENDING_IN_A_MARKER.iter().any(|x| before.ends_with(x)))
        })
    }

    /// A match's `canonical`, else its `name`, else its text.
    fn match_name(&self, m: &Match) -> Value {
        match m.attrs.get("canonical").or_else(|| m.attrs.get("name")) {
            Some(Value::String(s)) => Value::String(s.clone()),
            _ => Value::String(self.text[m.start as usize..m.end as usize].to_string()),
        }
    }

    /// The zone or place named last before the end of the match (a name
    /// inside the match counts: 临汾开发区总投资16.5亿元), within the
    /// sentence or, when the sentence names none and the article has no
    /// subject of its own, the sentences before it in the paragraph
    /// (广西开展攻坚。全年新增项目100项: the subject carries over until
    /// another is named), skipping places something goes to,
    /// comes from or is done with (see `is_destination`); else the article's
    /// subject.
    pub(crate) fn sentence_subject(&self, pos: usize, end: usize) -> Value {
        match self.named_subject(pos, end, false) {
            Value::Null => self.article_field(pos, "subject"),
            v => v,
        }
    }

    /// What `sentence.named_subject` reads: like `sentence.subject`, but
    /// companies, units and named projects count too when `beyond_places` is
    /// set (阳煤集团…。煤炭主业只占全部销售收入的20%左右), and there is no
    /// fallback to the article's subject.
    pub(crate) fn named_subject(&self, pos: usize, end: usize, beyond_places: bool) -> Value {
        let key = (pos, end, beyond_places);
        if let Some((_, v)) = self.subject_memo.borrow().iter().find(|(k, _)| *k == key) {
            return v.clone();
        }
        let v = self.find_named_subject(pos, end, beyond_places);
        let mut memo = self.subject_memo.borrow_mut();
        if memo.len() >= 8 {
            memo.clear();
        }
        memo.push((key, v.clone()));
        v
    }

    fn find_named_subject(&self, pos: usize, end: usize, beyond_places: bool) -> Value {
        let st = &self.prepared.structure;
        let Some(si) = st.sentence_at(pos as u32) else {
            return Value::Null;
        };
        let para = st.sentences[si].paragraph;
        // Earlier sentences count only when the article has no subject of
        // its own: on a page about 临汾市, a place named in passing (招商 in
        // 粤港澳大湾区, 日本) must not become the subject of what follows.
        let article_has_subject = st.sentences[si]
            .article
            .is_some_and(|a| st.articles[a as usize].subject.is_some());
        // A sentence that opens with a zone or project word (工程以丹江口水库
        // 为水源，输水线路总长…) is about the one named last before it; the
        // names after that word are its objects.
        if let Some(v) = self.anaphor(si, pos, true, beyond_places) {
            return v;
        }
        for back in (0..=si).rev() {
            if st.sentences[back].paragraph != para || (back < si && article_has_subject) {
                break;
            }
            // The last one; at the same start the longer name wins (大庆油田
            // over 大庆, 山东钢铁集团 over 山东). A place after 在 is where
            // something happens, not who does it, unless no other name comes
            // before it in its `；` clause (中国中车将在百色建设…, 山东省…在
            // 受援地喀什投产项目174个; but 湖北…；在内蒙古库布其…13吉瓦).
            let mut names: Vec<&Match> = self
                .subject_names(st.sentences[back].span.start, end as u32, beyond_places)
                .filter(|m| self.project_is_topic(m, pos) && !self.inside_policy(m))
                .collect();
            names.sort_unstable_by_key(|m| (m.start, m.end));
            // (In an earlier sentence the place after 在 is what the next
            // one goes on about: 在山西转型综合改革示范区…。示范区已经云集了….)
            let is_location = |m: &Match| {
                // 在 right before it, or a few characters before (在受援地
                // 喀什), and not the 在 of 现在, 存在, 所在, 实在.
                let before = &self.text[..m.start as usize];
                back == si
                    && before.char_indices().rev().take(5).any(|(i, c)| {
                        c == '在'
                            && !before[..i].ends_with(['现', '存', '所', '实'])
                            && before[i..].chars().all(tiqu_text::chars::is_han)
                    })
            };
            let best = names.last().map(|last| {
                names
                    .iter()
                    .rev()
                    .take_while(|m| {
                        // Names may nest (山东 in 山东钢铁集团): no gap, no `；`.
                        let gap = self.text.get(m.end as usize..last.start as usize);
                        gap.is_none_or(|g| !g.contains(['；', ';']))
                    })
                    .find(|m| !is_location(m))
                    .unwrap_or(last)
            });
            // A name inside a longer one is part of it: 厦门 in 福建自贸区
            // 厦门片区.
            let best = best.map(|b| {
                names
                    .iter()
                    .filter(|m| m.start <= b.start && b.end <= m.end)
                    .max_by_key(|m| m.end - m.start)
                    .copied()
                    .unwrap_or(b)
            });
            if let Some(m) = best {
                // The whole country named after it, in the figure's own
                // clause (…新疆生产建设兵团的大中型灌区已灌溉1300多万亩，目前
                // 全国重点水库蓄水总量较常年同期偏多16%).
                if back == si && self.national_in_clause(m.end as usize, pos) {
                    return Value::String("全国".into());
                }
                return self.match_name(m);
            }
            if back == si {
                if let Some(v) = self.anaphor(si, pos, false, beyond_places) {
                    return v;
                }
                // Nothing named before the figure: a name later in its
                // clause, up to a `、` (…等14项重点项目落地西宁; not 由3年
                // 延长至5年、支持澳门投资者…), unless the whole country is
                // named before it (全国15个省（区、市）及新疆…).
                let (cs, ce) = self.clause_at(pos);
                let ce = ce.max(end);
                let national = ["全国", "我国", "全省", "全市"]
                    .iter()
                    .any(|w| self.text[cs..pos].contains(w));
                let upto = self.text[end..ce].find('、').map_or(ce, |i| end + i);
                if !national
                    && let Some(m) = self
                        .subject_names(end as u32, upto as u32, beyond_places)
                        .filter(|m| !self.inside_policy(m))
                        .min_by_key(|m| (m.start, std::cmp::Reverse(m.end)))
                {
                    return self.match_name(m);
                }
            }
        }
        Value::Null
    }

    /// Whether a match, when it is a named project, is what the figure at
    /// `pos` is about: it opens its clause, or stands in a clause of place
    /// (在长沙国际铁路港，…; 在国家重点项目大广高速…工地，; 中车百色新能源装备
    /// 产业基地今天…，预计投资18亿元), or the figure
    /// follows it closely in its clause (沐邦硅晶拉棒项目总投资20亿元). A
    /// project inside a figure's words (实行承诺制备案项目数143个) or named
    /// in passing is not. Other matches always are.
    fn project_is_topic(&self, m: &Match, pos: usize) -> bool {
        if self.set.label_id("project") != Some(m.label) {
            return true;
        }
        let (start, end) = (m.start as usize, m.end as usize);
        if end > pos {
            return false;
        }
        let gap = &self.text[end..pos];
        if self.clause_at(end).1 >= pos && !gap.contains('、') && gap.chars().count() <= 4 {
            return true;
        }
        let lead = &self.text[self.clause_at(start).0..start];
        // (而在长沙国际铁路港，…: a conjunction may come before the 在.)
        lead.is_empty()
            || lead.starts_with('在')
            || (lead.ends_with('在') && lead.chars().count() <= 3)
    }

    /// A zone or project named by its kind alone at the start of a clause
    /// before `pos` in sentence `si` (目前，高新区内已建成…; 现在，这里已引进…;
    /// 工程以丹江口水库为水源…), or by its kind after a pointer word (这座产业园,
    /// 整个园区, 该项目), is the zone or project named last before that
    /// sentence in the article: in a story that moves from 天津高新区 to
    /// 石家庄高新区, 高新区内 is the latter. With `opening`, only a kind word
    /// that opens the sentence counts; projects only with `projects`.
    fn anaphor(&self, si: usize, pos: usize, opening: bool, projects: bool) -> Option<Value> {
        const ZONE_KINDS: &[&str] = &[
            "高新区",
            "开发区",
            "经开区",
            "示范区",
            "新区",
            "产业园",
            "园区",
            "合作区",
            "这里",
            "该区",
        ];
        const PROJECT_KINDS: &[&str] = &["工程", "项目", "基地", "铁路", "高铁", "隧道", "机场"];
        // Words that point at one thing already named: 这座产业园, 该项目.
        const POINTERS: &[&str] = &["这座", "这个", "该", "整个", "这一", "这条", "这项"];
        let st = &self.prepared.structure;
        let sent = st.sentences[si];
        let (ss, se) = (sent.span.start as usize, sent.span.end as usize);
        // Where a kind word refers back: it opens its clause before the
        // figure, or a pointer word comes right before it anywhere in the
        // sentence (焦炉煤气是这座产业园每年…的副产品). After any other word
        // it is a class (全市9家工业类开发区, 该市开发区, 重点项目), not one.
        // Only clause starts and pointer words are looked at, so the cost
        // does not grow with the number of kinds times the sentence length.
        let text = self.text;
        let inside_a_name = |names: &[Match], at: usize| {
            // (Names are sorted by start and seldom nest more than a few deep.)
            let i = names.partition_point(|z| (z.start as usize) <= at);
            names[..i]
                .iter()
                .rev()
                .take(16)
                .any(|z| at < z.end as usize)
        };
        let refers = |kinds: &[&str], names: &[Match]| {
            let kind_at = |at: usize| {
                kinds.iter().any(|k| text[at..se].starts_with(k)) && !inside_a_name(names, at)
            };
            if opening {
                return kind_at(ss);
            }
            let first = self.clause_starts.partition_point(|&c| (c as usize) < ss);
            let at_clause = self.clause_starts[first..]
                .iter()
                .map(|&c| c as usize)
                .take_while(|&c| c < pos.min(se))
                .any(kind_at);
            at_clause
                || POINTERS.iter().any(|p| {
                    text[ss..se]
                        .match_indices(p)
                        .any(|(i, _)| kind_at(ss + i + p.len()))
                })
        };
        let article_start = sent
            .article
            .map_or(0, |a| st.articles[a as usize].span.start);
        let last_before = |names: &[Match]| {
            names
                .iter()
                .filter(|z| z.start >= article_start && z.end <= sent.span.start)
                .max_by_key(|z| (z.start, z.end))
                .map(|z| self.match_name(z))
        };
        let results_of = |label: &str| {
            self.set
                .label_id(label)
                .map_or(&[][..], |l| &self.results[l][..])
        };
        let zones = results_of("zone");
        if refers(ZONE_KINDS, zones)
            && let Some(v) = last_before(zones)
        {
            return Some(v);
        }
        let named_projects = results_of("project");
        if projects && refers(PROJECT_KINDS, named_projects) {
            return last_before(named_projects);
        }
        None
    }

    /// A period's text together with the date that glosses it in brackets,
    /// as a broadcast writes the day: 今天（3月28日）, whichever of the two
    /// was chosen.
    fn glossed_period(&self, ps: &[Period], p: &Period) -> String {
        let text = self.text;
        let open = '（'.len_utf8();
        let gloss_after = |q: &Period| {
            let g = ps.iter().find(|g| g.start == q.end + open)?;
            (text[q.end..].starts_with('（') && text[g.end..].starts_with('）'))
                .then(|| text[q.start..g.end + open].to_string())
        };
        if let Some(t) = gloss_after(p) {
            return t;
        }
        if text[..p.start].ends_with('（')
            && let Some(q) = ps.iter().find(|q| q.end + open == p.start)
            && let Some(t) = gloss_after(q)
        {
            return t;
        }
        p.text.clone()
    }

    pub(crate) fn sentence_period(&self, pos: usize) -> Value {
        let st = &self.prepared.structure;
        let Some(si) = st.sentence_at(pos as u32) else {
            return Value::Null;
        };
        let sent = st.sentences[si].span;
        let ps = self.periods();
        // A comparison base (比上年, 较去年同期, 与2020年相比) is not the
        // period a figure is about.
        let is_base = |p: &Period, (ss, se): (usize, usize)| {
            let before = &self.text[ss..p.start];
            let after = &self.text[p.end..se];
            p.kind == tiqu_quantity::PeriodKind::SamePeriod
                || before.ends_with(['比', '较', '与', '同'])
                || after.starts_with("同期")
                || after.starts_with("相比")
        };
        let bounds = (sent.start as usize, sent.end as usize);
        let in_sentence: Vec<&Period> = ps
            .iter()
            .filter(|p| p.start >= bounds.0 && p.end <= bounds.1)
            .filter(|p| !is_base(p, bounds))
            .collect();
        let before = in_sentence.iter().rev().find(|p| p.end <= pos);
        // A period written after the figure counts only within its clause
        // (投资30亿元，下个月就将试投产 is about the plan, not the
        // investment; 经过14年的艰苦奋战，今天…贯通: the day is the event's).
        let same_clause = in_sentence
            .iter()
            .find(|p| p.start >= pos)
            .filter(|p| !self.text[pos..p.start].contains(['，', '；', ',', ';']))
            .copied();
        if let Some(p) = before.copied().or(same_clause) {
            return Value::String(self.glossed_period(ps, p));
        }
        // Else the period set earlier in the paragraph: 上半年，全国规模以上
        // 工业增加值同比增长6.9%。…第三产业增加值增长8.3%。
        let this_para = st.sentences[si].paragraph;
        for prev in st.sentences[..si].iter().rev() {
            if prev.paragraph != this_para {
                break;
            }
            let (ss, se) = (prev.span.start as usize, prev.span.end as usize);
            // A streak or a point in the past (连续两个月, 两年前) belongs to
            // the figure it was said of, not to the sentences after it.
            if let Some(p) = ps.iter().find(|p| {
                p.start >= ss
                    && p.end <= se
                    && !is_base(p, (ss, se))
                    && !matches!(
                        p.kind,
                        tiqu_quantity::PeriodKind::Streak | tiqu_quantity::PeriodKind::Ago
                    )
            }) {
                return Value::String(self.glossed_period(ps, p));
            }
        }
        if let Some(sec) = st.sentences[si].section {
            let head = st.sections[sec as usize].head;
            if let Some(p) = ps
                .iter()
                .find(|p| p.start >= head.start as usize && p.end <= head.end as usize)
            {
                return Value::String(p.text.clone());
            }
        }
        // Else the nearest heading above it in the same article
        // (`一、2024年工作回顾`, a title line).
        let paras = &self.prepared.normalized.paragraphs;
        let this_para = this_para as usize;
        let article = st.paragraph_article.get(this_para).copied().flatten();
        for pi in (0..this_para).rev() {
            if st.paragraph_article[pi] != article {
                break;
            }
            if !matches!(
                st.paragraph_kinds[pi],
                tiqu_text::ParagraphKind::SubHead
                    | tiqu_text::ParagraphKind::SectionHead
                    | tiqu_text::ParagraphKind::Title
            ) {
                continue;
            }
            let (hs, he) = (paras[pi].start as usize, paras[pi].end as usize);
            if let Some(p) = ps.iter().find(|p| p.start >= hs && p.end <= he) {
                return Value::String(p.text.clone());
            }
        }
        Value::Null
    }

    /// The text of the match's clause (or sentence) from its start to the
    /// end of the match.
    pub(crate) fn scope_text(&self, start: usize, end: usize, clause: bool) -> &str {
        let st = &self.prepared.structure;
        let Some(si) = st.sentence_at(start as u32) else {
            return "";
        };
        let sent = st.sentences[si];
        let mut from = sent.span.start as usize;
        if clause {
            for c in &st.clauses[sent.clauses.0 as usize..sent.clauses.1 as usize] {
                if (c.span.start as usize) <= start {
                    from = c.span.start as usize;
                }
            }
        }
        &self.text[from..end.max(from)]
    }

    pub(crate) fn sentence_text(&self, pos: usize) -> Value {
        let st = &self.prepared.structure;
        st.sentence_at(pos as u32).map_or(Value::Null, |si| {
            Value::String(
                self.prepared
                    .normalized_text(st.sentences[si].span)
                    .to_string(),
            )
        })
    }
}

fn quantity_field(q: &Quantity, field: &str) -> Value {
    match field {
        "value" => decimal_value(q.value),
        "value_text" => Value::String(q.value_text.clone()),
        "unit" => q.unit.clone().map_or(Value::Null, Value::String),
        "normalized" => q.normalized.map_or(Value::Null, decimal_value),
        "base_unit" => q.base_unit.clone().map_or(Value::Null, Value::String),
        "lower" => q.lower.map_or(Value::Null, decimal_value),
        "upper" => q.upper.map_or(Value::Null, decimal_value),
        "negative" => Value::Bool(q.negative),
        "qualifier" => q
            .qualifier
            .as_ref()
            .map_or(Value::Null, |x| Value::String(x.word.clone())),
        "dimension" => q
            .dimension
            .and_then(|d| serde_json::to_value(d).ok())
            .unwrap_or(Value::Null),
        "kind" => serde_json::to_value(q.kind).unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// `hay.starts_with(lit)` for short literals: a byte loop that usually
/// stops at the second byte, cheaper than a call to `memcmp`.
#[inline]
fn starts_with(hay: &[u8], lit: &[u8]) -> bool {
    hay.len() >= lit.len() && hay.iter().zip(lit).all(|(a, b)| a == b)
}

fn qty_ok(f: &QtyFilter, q: &Quantity) -> bool {
    (f.dimensions.is_empty() || q.dimension.is_some_and(|d| f.dimensions.contains(&d)))
        && (f.kinds.is_empty() || f.kinds.contains(&q.kind))
        && (f.units.is_empty() || q.unit.as_ref().is_some_and(|u| f.units.contains(u)))
}

fn period_ok(f: &PeriodFilter, p: &Period) -> bool {
    if f.kinds.is_empty() {
        return true;
    }
    let kind = serde_json::to_value(p.kind)
        .ok()
        .map(|v| crate::expr::value_text(&v));
    kind.is_some_and(|k| f.kinds.contains(&k))
}

fn tok_pred(p: &TokPred, word: &str, tag: &str, seg: Option<&Segmenter>) -> bool {
    match p {
        TokPred::WordIs(w) => word == w,
        TokPred::WordRe(re) => re.is_match(word),
        TokPred::PosIs(t) => tag == t,
        TokPred::PosRe(re) => re.is_match(tag),
        TokPred::InDict(yes) => seg.is_some_and(|s| s.knows(word) == *yes),
        TokPred::Not(inner) => !tok_pred(inner, word, tag, seg),
    }
}

fn class_matches(c: CharClass, ch: char) -> bool {
    use tiqu_text::chars;
    match c {
        CharClass::Han => chars::is_han(ch),
        CharClass::Digit => ch.is_ascii_digit(),
        CharClass::Cnum => "零〇一二两三四五六七八九十百千万亿".contains(ch),
        CharClass::Punct => chars::is_cjk_punct(ch) || ch.is_ascii_punctuation(),
        CharClass::Latin => ch.is_ascii_alphabetic(),
        CharClass::OpenQuote => "“‘「『《（".contains(ch),
        CharClass::CloseQuote => "”’」』》）".contains(ch),
        CharClass::Any => true,
    }
}
