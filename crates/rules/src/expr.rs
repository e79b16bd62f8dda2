//! Attribute expressions: what a rule emits, computed from its captures and
//! the match's context.
//!
//! | expression | value |
//! |---|---|
//! | `x` | the captured text (a list if `x` was captured more than once) |
//! | `x.field` | a field of the capture: a lexicon entry's attribute, a quantity's `value`, `unit`, `normalized`, `base_unit`, `dimension`, `qualifier`, `lower`, `upper`, `kind`; a period's `normalized`, `kind`, `year`; a referenced match's attribute; `text`, `canonical` for any capture |
//! | `text(x)` | the captured text |
//! | `canon(x)` | the canonical form (lexicon entry, or a referenced match's `canonical`), else the text |
//! | `set(x)` | the distinct canonical forms of all `x` captures, in lexicon order |
//! | `sort(x)` | the distinct texts of all `x` captures, sorted (an order-free name for components no lexicon lists) |
//! | `join(list, "+")` | the list joined |
//! | `attr(x, "name")` | same as `x.name` |
//! | `first(a, b, …)`, `a ?? b` | the first value that is not null or empty |
//! | `count(x)` | how many times `x` was captured |
//! | `if(c, a, b)` | `a` if `c` is not null or empty, else `b` |
//! | `clause_has("预计\|有望")` | true if the match's clause, up to the end of the match, contains one of the words |
//! | `sentence_has("力争\|目标")` | the same over the sentence, up to the end of the match |
//! | `concat(a, b, …)` | the values joined as text |
//! | `previous("indicator")` | that attribute of the nearest earlier match of the same label in the same sentence (null if there is none) (同比下降5.6% inherits the indicator of the figure before it) |
//! | `replace(x, "经济技术开发区", "经开区")` | the text with every occurrence replaced |
//! | `lookup("zone_alias", x)` | the canonical form of `x` in that lexicon (a whole-term match), else `x` |
//! | `respectively(q)` | in a `分别` list, the item that quantity `q` pairs with: `高技术制造业增加值` for 8.9% in 高技术制造业、装备制造业增加值分别增长8.9%、7.7% (a head shared by the items is restored); with a single word before `分别`, that word after the indicators of the figures just before (签约额占比); else null |
//! | `nearest("org.kind=company", "zone", "place")` | the name (`canonical`, else `name`, else text) of the match nearest before this one in its sentence among the labels given, each optionally filtered by one attribute; null if there is none |
//! | `eq(a, b)` | true when both values are equal and not null, else false (for `if`) |
//! | `article.subject`, `article.subject_kind`, `section.head`, `sentence.text`, `match.text` | context |
//! | `sentence.subject` | the nearest `zone` or `place` match before the match in its sentence, else the article's subject |
//! | `sentence.period` | the nearest period before the match in its sentence (else after it), else the first in the nearest earlier sentence of its paragraph, else the one in its section head or heading; comparison bases (比上年) skipped |

use serde_json::{Map, Value};
use tiqu_quantity::Decimal;

use std::cell::RefCell;
use std::collections::HashMap;

use crate::ast::Expr;
use crate::engine::{Cap, Payload, Scratch};

/// Functions an expression may call.
pub const FUNCTIONS: &[&str] = &[
    "text",
    "canon",
    "set",
    "sort",
    "join",
    "attr",
    "first",
    "count",
    "concat",
    "if",
    "clause_has",
    "sentence_has",
    "previous",
    "replace",
    "lookup",
    "cue",
    "resolve",
    "prefix_lookup",
    "rewrite",
    "number",
    "article_has",
    "known",
    "respectively",
    "nearest",
    "eq",
];

/// Names an expression path may start with besides the rule's captures.
pub const CONTEXT_ROOTS: &[&str] = &["article", "section", "sentence", "match"];

/// The fields each context name has (`sentence.subject`); a path with any
/// other is an `unknown-field` error, not a silent fallback.
pub const CONTEXT_FIELDS: &[(&str, &[&str])] = &[
    (
        "article",
        &["subject", "named_subject", "subject_kind", "title", "index"],
    ),
    ("section", &["head"]),
    ("sentence", &["text", "subject", "named_subject", "period"]),
    ("match", &["text"]),
];

/// Context for evaluating one rule's emission.
pub(crate) struct EvalCtx<'s, 'a> {
    pub(crate) scratch: &'s Scratch<'a>,
    pub(crate) caps: &'s [Cap],
    pub(crate) names: &'s [String],
    pub(crate) span: (usize, usize),
    /// Matches of the same label emitted before this one, in text order.
    pub(crate) earlier: &'s [crate::engine::Match],
    /// `resolve()` decisions of this emission, by capture span: one rule
    /// asks for several fields of the same place.
    pub(crate) resolved: RefCell<Vec<((u32, u32), Resolved)>>,
}

/// What `resolve()` decided for a capture: one entry, or the homonyms the
/// context could not decide between.
#[derive(Clone)]
pub(crate) enum Resolved {
    Entry(u32),
    Ambiguous(Vec<u32>),
}

impl EvalCtx<'_, '_> {
    fn caps_named(&self, name: &str) -> Vec<&Cap> {
        let Some(idx) = self.names.iter().position(|n| n == name) else {
            return Vec::new();
        };
        self.caps.iter().filter(|c| c.name == idx).collect()
    }

    pub(crate) fn eval(&self, e: &Expr) -> Value {
        match e {
            Expr::Str(s) => Value::String(s.clone()),
            Expr::Num(n) => n
                .parse::<Decimal>()
                .map(decimal_value)
                .unwrap_or(Value::Null),
            Expr::Null => Value::Null,
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Coalesce(items) => items
                .iter()
                .map(|i| self.eval(i))
                .find(|v| !is_empty(v))
                .unwrap_or(Value::Null),
            Expr::Path(parts, _) => self.path(parts),
            Expr::Call(name, args, _) => self.call(name, args),
            // Replaced by its body when the rule set is compiled.
            Expr::Let(..) => Value::Null,
        }
    }

    fn path(&self, parts: &[String]) -> Value {
        let root = parts[0].as_str();
        let field = parts.get(1).map(String::as_str);
        match root {
            "article" => {
                return self
                    .scratch
                    .article_field(self.span.0, field.unwrap_or("subject"));
            }
            "section" => {
                return self
                    .scratch
                    .section_field(self.span.0, field.unwrap_or("head"));
            }
            "sentence" => {
                return match field {
                    Some("subject") => self.scratch.sentence_subject(self.span.0, self.span.1),
                    Some("named_subject") => {
                        self.scratch.named_subject(self.span.0, self.span.1, true)
                    }
                    Some("period") => self.scratch.sentence_period(self.span.0),
                    _ => self.scratch.sentence_text(self.span.0),
                };
            }
            "match" => {
                return Value::String(self.scratch.text[self.span.0..self.span.1].to_string());
            }
            _ => {}
        }
        let caps = self.caps_named(root);
        let vals: Vec<Value> = caps
            .iter()
            .map(|c| match field {
                None => Value::String(self.scratch.cap_text(c).to_string()),
                Some(f) => self.scratch.cap_field(c, f),
            })
            .collect();
        one_or_list(vals)
    }

    fn call(&self, name: &str, args: &[Expr]) -> Value {
        let cap_arg = |i: usize| -> Vec<&Cap> {
            match args.get(i) {
                Some(Expr::Path(parts, _)) if parts.len() == 1 => self.caps_named(&parts[0]),
                _ => Vec::new(),
            }
        };
        match name {
            "text" => match args.first() {
                Some(Expr::Path(parts, _)) if parts.len() == 1 => one_or_list(
                    cap_arg(0)
                        .iter()
                        .map(|c| Value::String(self.scratch.cap_text(c).to_string()))
                        .collect(),
                ),
                Some(e) => self.eval(e),
                None => Value::Null,
            },
            "canon" => one_or_list(
                cap_arg(0)
                    .iter()
                    .map(|c| Value::String(self.scratch.cap_canonical(c)))
                    .collect(),
            ),
            "set" => {
                let mut items: Vec<(usize, String)> = Vec::new();
                for c in cap_arg(0) {
                    let canon = self.scratch.cap_canonical(c);
                    let order = match c.payload {
                        Payload::Lex { entry, .. } => entry as usize,
                        _ => usize::MAX,
                    };
                    if !items.iter().any(|(_, s)| *s == canon) {
                        items.push((order, canon));
                    }
                }
                items.sort_by_key(|(o, _)| *o);
                Value::Array(items.into_iter().map(|(_, s)| Value::String(s)).collect())
            }
            "replace" => {
                let val = args.first().map(|a| self.eval(a)).unwrap_or(Value::Null);
                let (from, to) = match (
                    args.get(1).map(|a| self.eval(a)),
                    args.get(2).map(|a| self.eval(a)),
                ) {
                    (Some(Value::String(f)), Some(Value::String(t))) => (f, t),
                    _ => return val,
                };
                match val {
                    Value::String(s) if !from.is_empty() => Value::String(s.replace(&from, &to)),
                    other => other,
                }
            }
            "lookup" => {
                let Some((lex, val)) = self.lexicon_and_value(args) else {
                    return Value::Null;
                };
                match val {
                    Value::String(s) => {
                        Value::String(self.scratch.lexicon_canonical(&lex, &s).unwrap_or(s))
                    }
                    other => other,
                }
            }
            "sort" => {
                let mut items: Vec<String> = cap_arg(0)
                    .iter()
                    .map(|c| self.scratch.cap_text(c).to_string())
                    .collect();
                items.sort();
                items.dedup();
                Value::Array(items.into_iter().map(Value::String).collect())
            }
            "join" => {
                let list = args.first().map(|a| self.eval(a)).unwrap_or(Value::Null);
                let sep = match args.get(1).map(|a| self.eval(a)) {
                    Some(Value::String(s)) => s,
                    _ => String::new(),
                };
                match list {
                    Value::Array(items) => {
                        Value::String(items.iter().map(value_text).collect::<Vec<_>>().join(&sep))
                    }
                    Value::Null => Value::Null,
                    other => Value::String(value_text(&other)),
                }
            }
            "attr" => {
                let field = match args.get(1).map(|a| self.eval(a)) {
                    Some(Value::String(s)) => s,
                    _ => return Value::Null,
                };
                one_or_list(
                    cap_arg(0)
                        .iter()
                        .map(|c| self.scratch.cap_field(c, &field))
                        .collect(),
                )
            }
            "first" => args
                .iter()
                .map(|a| self.eval(a))
                .find(|v| !is_empty(v))
                .unwrap_or(Value::Null),
            "count" => Value::from(cap_arg(0).len()),
            "previous" => {
                let attr = match args.first().map(|a| self.eval(a)) {
                    Some(Value::String(s)) => s,
                    _ => return Value::Null,
                };
                // With "paragraph", the nearest earlier match may also be in
                // an earlier sentence of the paragraph (…同比增长7.6%。其中，
                // 一季度增长7.7%: the quarter's figure is of the same thing).
                let paragraph_wide = matches!(
                    args.get(1).map(|a| self.eval(a)),
                    Some(Value::String(s)) if s == "paragraph"
                );
                let structure = &self.scratch.prepared.structure;
                let sentence = structure.sentence_at(self.span.0 as u32);
                let paragraph_of = |s: Option<usize>| s.map(|s| structure.sentences[s].paragraph);
                // The nearest earlier match in the sentence, even where its
                // value is null: in 82.7%和95.7% the second pairs with the
                // first, not with a figure further back.
                // Not across a `；`: a new list item has its own indicator.
                self.earlier
                    .last()
                    .filter(|m| {
                        let theirs = structure.sentence_at(m.start);
                        if theirs == sentence {
                            let gap =
                                &self.scratch.text[(m.end as usize).min(self.span.0)..self.span.0];
                            !gap.contains(['；', ';'])
                        } else {
                            paragraph_wide
                                && sentence.is_some()
                                && paragraph_of(theirs) == paragraph_of(sentence)
                        }
                    })
                    .and_then(|m| m.attrs.get(&attr))
                    .cloned()
                    .unwrap_or(Value::Null)
            }
            "resolve" => {
                let field = match args.get(1).map(|a| self.eval(a)) {
                    Some(Value::String(s)) => s,
                    _ => "canonical".to_string(),
                };
                match cap_arg(0).first() {
                    Some(c) => self.resolve(c, &field),
                    None => Value::Null,
                }
            }
            "prefix_lookup" => {
                let Some((lex, Value::String(text))) = self.lexicon_and_value(args) else {
                    return Value::Null;
                };
                let field = match args.get(2).map(|a| self.eval(a)) {
                    Some(Value::String(s)) => s,
                    _ => "canonical".to_string(),
                };
                prefix_entry(self.scratch, &lex, &text).map_or(Value::Null, |(lid, entry)| {
                    entry_field(self.scratch, lid, entry, &field)
                })
            }
            "article_has" => {
                let words = match args.first().map(|a| self.eval(a)) {
                    Some(Value::String(s)) => s,
                    _ => return Value::Bool(false),
                };
                let st = &self.scratch.prepared.structure;
                let scope = st
                    .sentence_at(self.span.0 as u32)
                    .and_then(|si| st.sentences[si].article)
                    .map_or(self.scratch.text, |ai| {
                        let a = &st.articles[ai as usize].span;
                        &self.scratch.text[a.start as usize..a.end as usize]
                    });
                Value::Bool(words.split('|').any(|w| !w.is_empty() && scope.contains(w)))
            }
            "known" => {
                let Some(Value::String(v)) = args.first().map(|a| self.eval(a)) else {
                    return Value::Null;
                };
                let known = args[1..].iter().any(|a| match self.eval(a) {
                    Value::String(lex) => prefix_entry(self.scratch, &lex, &v).is_some(),
                    _ => false,
                });
                if known { Value::String(v) } else { Value::Null }
            }
            "number" => match args.first().map(|a| self.eval(a)) {
                Some(Value::String(t)) => t
                    .trim()
                    .parse::<Decimal>()
                    .map(decimal_value)
                    .unwrap_or(Value::Null),
                Some(v @ Value::Number(_)) => v,
                _ => Value::Null,
            },
            "rewrite" => {
                let Some((lex, val)) = self.lexicon_and_value(args) else {
                    return Value::Null;
                };
                match val {
                    Value::String(text) => Value::String(rewrite(self.scratch, &lex, &text)),
                    other => other,
                }
            }
            "nearest" => {
                let wanted: Vec<String> = args
                    .iter()
                    .filter_map(|a| match self.eval(a) {
                        Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect();
                self.scratch
                    .nearest_named(self.span.0, self.span.1, &wanted)
            }
            "eq" => {
                let a = args.first().map(|a| self.eval(a)).unwrap_or(Value::Null);
                let b = args.get(1).map(|b| self.eval(b)).unwrap_or(Value::Null);
                Value::Bool(!is_empty(&a) && a == b)
            }
            "respectively" => match cap_arg(0).first() {
                Some(c) => self
                    .respective_item(c.start as usize)
                    .map_or(Value::Null, Value::String),
                None => Value::Null,
            },
            "cue" => match args.first().map(|a| self.eval(a)) {
                Some(Value::String(lex)) => {
                    nearest_cue(self.scratch, &lex, self.span).map_or(Value::Null, Value::String)
                }
                _ => Value::Null,
            },
            "clause_has" | "sentence_has" => {
                let words = match args.first().map(|a| self.eval(a)) {
                    Some(Value::String(s)) => s,
                    _ => return Value::Bool(false),
                };
                let scope = self
                    .scratch
                    .scope_text(self.span.0, self.span.1, name == "clause_has");
                Value::Bool(words.split('|').any(|w| !w.is_empty() && scope.contains(w)))
            }
            "if" => {
                let cond = args.first().map(|a| self.eval(a)).unwrap_or(Value::Null);
                let pick = if is_empty(&cond) || cond == Value::Bool(false) {
                    args.get(2)
                } else {
                    args.get(1)
                };
                pick.map(|a| self.eval(a)).unwrap_or(Value::Null)
            }
            "concat" => Value::String(
                args.iter()
                    .map(|a| self.eval(a))
                    .filter(|v| !v.is_null())
                    .map(|v| value_text(&v))
                    .collect(),
            ),
            _ => Value::Null,
        }
    }
}

/// Words between a `分别` list and `分别` that belong to neither: 同比分别,
/// 均分别.
const LIST_TAIL: &[&str] = &["同比", "均", "都", "也", "还", "则", "依次"];

impl EvalCtx<'_, '_> {
    /// `respectively(q)`: the list item paired with the quantity starting at
    /// `at`, when the quantity follows a `分别` in its clause.
    fn respective_item(&self, at: usize) -> Option<String> {
        let text = self.scratch.text;
        let st = &self.scratch.prepared.structure;
        let sent = st.sentences[st.sentence_at(at as u32)?].span;
        let (ss, se) = (sent.start as usize, sent.end as usize);
        let is_stop =
            |c: char| matches!(c, '，' | '。' | '；' | '：' | ',' | ';' | ':' | '！' | '？');
        let Some(fb) = text[ss..at]
            .rfind("分别")
            .map(|i| ss + i)
            .filter(|&fb| !text[fb + "分别".len()..at].contains(is_stop))
        else {
            return self.bare_figure_list(at, ss, se, is_stop);
        };
        let after = fb + "分别".len();
        // The figures of the list: from 分别 to the end of its clause.
        let stop = text[after..se].find(is_stop).map_or(se, |i| after + i);
        let qs = self.scratch.quantities();
        let in_list = |q: &&tiqu_quantity::Quantity| q.start >= after && q.end <= stop;
        let n = qs.iter().filter(in_list).count();
        let k = qs.iter().filter(in_list).filter(|q| q.end <= at).count();
        if n < 2 || k >= n {
            return None;
        }
        // The list: from the clause start to 分别, without time words and
        // comparison bases at its ends (比2020年, 上半年同比).
        let mut ls = after_last(text, ss, fb, is_stop);
        let mut le = fb;
        let periods = self.scratch.periods();
        loop {
            let before = (ls, le);
            let t = text[ls..le].trim_end();
            le = ls + t.len();
            if let Some(w) = LIST_TAIL.iter().find(|w| text[ls..le].ends_with(*w)) {
                le -= w.len();
            }
            if let Some(p) = periods.iter().find(|p| p.end == le && p.start >= ls) {
                le = p.start;
                if let Some(c) = text[ls..le].chars().next_back()
                    && matches!(c, '比' | '较' | '与')
                {
                    le -= c.len_utf8();
                }
            }
            if let Some(p) = periods.iter().find(|p| p.start == ls && p.end <= le) {
                ls = p.end;
            }
            if (ls, le) == before {
                break;
            }
        }
        let list = text[ls..le].trim();
        // No list of its own (…分别增长5.4%、3.2%，比8月份分别加快0.9、1.1
        // 个百分点): the figures are those of the list just before.
        if list.is_empty() {
            return self.item_after_earlier("", n, k, ls);
        }
        let mut items: Vec<&str> = list.split('、').map(str::trim).collect();
        // 消费、投资和净出口 / 农业和工业科研成果转化率: split at 和, 及, 与
        // (the last item first) while figures outnumber items.
        while items.len() < n {
            let Some((i, pos)) = items.iter().enumerate().rev().find_map(|(i, it)| {
                it.char_indices()
                    .skip(1)
                    .find(|&(_, c)| matches!(c, '和' | '及' | '与'))
                    .map(|(p, _)| (i, p))
            }) else {
                break;
            };
            let it = items[i];
            let (a, b) = (&it[..pos], &it[pos + '和'.len_utf8()..]);
            items.splice(i..=i, [a, b]);
        }
        if items.len() == 1 && n >= 2 {
            return self.item_after_earlier(items[0], n, k, ls);
        }
        if items.len() != n || items.iter().any(|i| i.is_empty()) {
            return None;
        }
        // Places are subjects, not indicators (山西、河南分别增长…).
        if let Some(lid) = lexicon_id(self.scratch, "place")
            && !homonyms(self.scratch, lid, items[0]).is_empty()
        {
            return None;
        }
        // A head the items share, written once on the last item:
        // 高技术制造业、装备制造业增加值 → 增加值. It follows the last
        // occurrence, in the last item, of the last character of the one
        // before it.
        let last = items[n - 1];
        let head = items[n - 2]
            .chars()
            .next_back()
            .and_then(|c| {
                let body = &last[..last.len() - last.chars().next_back()?.len_utf8()];
                body.rfind(c).map(|p| &last[p + c.len_utf8()..])
            })
            .unwrap_or("");
        let item = items[k];
        if k + 1 < n && !head.is_empty() && !item.ends_with(head) {
            Some(format!("{item}{head}"))
        } else {
            Some(item.to_string())
        }
    }

    /// Figures coordinated by `、`/`和` in a clause that names nothing but
    /// the change (…分别增长42%和37.1%，年均增长9.2%、8.2%): like a second
    /// `分别`, they pair with the figures of the list just before.
    fn bare_figure_list(
        &self,
        at: usize,
        ss: usize,
        se: usize,
        is_stop: impl Fn(char) -> bool,
    ) -> Option<String> {
        const CHANGE_ONLY: &[&str] = &[
            "年均", "同比", "平均", "实际", "名义", "增长", "下降", "增加", "减少", "提高", "降低",
            "上升", "回落", "均", "为", "达到", "达", "了",
        ];
        let text = self.scratch.text;
        let cs = after_last(text, ss, at, &is_stop);
        if cs == ss {
            // The first clause: there is no list before it.
            return None;
        }
        let ce = text[at..se].find(&is_stop).map_or(se, |i| at + i);
        // Quantities are in text order: take the clause's by binary search
        // (this runs for every figure without a 分别 before it).
        let all = self.scratch.quantities();
        let (lo, hi) = (
            all.partition_point(|q| q.start < cs),
            all.partition_point(|q| q.start < ce),
        );
        let qs: Vec<_> = all[lo..hi].iter().filter(|q| q.end <= ce).collect();
        let (first, n) = (qs.first()?, qs.len());
        let k = qs.iter().take_while(|q| q.start < at).count();
        let coordinated = qs
            .windows(2)
            .all(|w| matches!(text[w[0].end..w[1].start].trim(), "、" | "和" | "及"));
        let mut prefix = text[cs..first.start].trim();
        while let Some(w) = CHANGE_ONLY.iter().find(|w| prefix.starts_with(*w)) {
            prefix = &prefix[w.len()..];
        }
        if n < 2 || k >= n || !coordinated || !prefix.is_empty() {
            return None;
        }
        self.item_after_earlier("", n, k, cs)
    }

    /// One word before `分别` and several figures after it: the word is
    /// said of each of the figures just before the list (战新项目43个，签约额
    /// 211.69亿元，占比分别为82.7%和95.7% → 战新项目占比, 签约额占比).
    fn item_after_earlier(
        &self,
        word: &str,
        n: usize,
        k: usize,
        list_start: usize,
    ) -> Option<String> {
        let text = self.scratch.text;
        let st = &self.scratch.prepared.structure;
        let sentence = st.sentence_at(list_start as u32);
        let prior: Vec<&crate::engine::Match> = self
            .earlier
            .iter()
            .rev()
            .filter(|m| (m.end as usize) <= list_start)
            .take_while(|m| {
                st.sentence_at(m.start) == sentence
                    && !text[m.end as usize..list_start].contains(['；', ';'])
            })
            .take(n)
            .collect();
        if prior.len() < n {
            return None;
        }
        let ind = match prior[n - 1 - k].attrs.get("indicator") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => return None,
        };
        Some(format!("{ind}{word}"))
    }
}

/// Where the text after the last `stop` character in `text[from..to]`
/// begins (`from` when there is none): the start of the clause before `to`.
fn after_last(text: &str, from: usize, to: usize, stop: impl Fn(char) -> bool) -> usize {
    text[from..to]
        .char_indices()
        .rev()
        .find(|&(_, c)| stop(c))
        .map_or(from, |(i, c)| from + i + c.len_utf8())
}

/// The index of lexicon `lex` (qualified or local name).
fn lexicon_id(scratch: &Scratch, lex: &str) -> Option<usize> {
    scratch
        .set
        .lexicons
        .iter()
        .position(|l| l.name == lex || l.name.rsplit('.').next() == Some(lex))
}

/// Every written form of lexicon `lid` in `text`, overlapping: (start, end,
/// entry), byte offsets into `text`. Read through the rule set's automaton.
fn lexicon_hits(scratch: &Scratch, lid: usize, text: &str) -> Vec<(usize, usize, u32)> {
    let set = scratch.set;
    let Some(ac) = set.automaton.as_ref() else {
        return Vec::new();
    };
    ac.find_overlapping_iter(text)
        .flat_map(|m| {
            set.ac_targets[m.pattern().as_usize()]
                .iter()
                .filter_map(move |t| match t {
                    &crate::compile::AcTarget::Lex { lex, entry } if lex == lid => {
                        Some((m.start(), m.end(), entry))
                    }
                    _ => None,
                })
        })
        .collect()
}

/// `cue(lexicon)`: the canonical form of the cue word nearest the match,
/// looking clause by clause from the match's own clause (all of it: 专项债
/// 2200万元已落实到位) back to the sentence start. Within one clause the entry listed
/// first in the lexicon wins, so `计划完成` reads as a plan, not an
/// achievement, when plan cues are listed before achievement cues; a cue
/// found inside a longer one (`计划` in `行动计划`) does not count.
fn nearest_cue(scratch: &Scratch, lex: &str, span: (usize, usize)) -> Option<String> {
    let lid = lexicon_id(scratch, lex)?;
    let st = &scratch.prepared.structure;
    let si = st.sentence_at(span.0 as u32)?;
    // The cue of one clause `text[from..to]`: the earliest-listed entry
    // among the cues not inside a longer cue.
    let clause_cue = |from: usize, to: usize| -> Option<u32> {
        let found = lexicon_hits(scratch, lid, &scratch.text[from..to]);
        found
            .iter()
            .filter(|&&(s, e, _)| {
                !found
                    .iter()
                    .any(|&(s2, e2, _)| s2 <= s && e <= e2 && (e2 - s2) > (e - s))
            })
            .map(|&(_, _, entry)| entry)
            .min()
    };
    // Clauses from the match's own back to the sentence start. A cue does
    // not reach across a `；` (a new list item), except from a clause that
    // ends in `：`, which introduces everything after it (预期目标是：…；…).
    let sentence_cue = |si: usize, at: usize| -> Option<u32> {
        let sent = st.sentences[si];
        let mut crossed_semicolon = false;
        for c in st.clauses[sent.clauses.0 as usize..sent.clauses.1 as usize]
            .iter()
            .rev()
            .filter(|c| (c.span.start as usize) <= at)
        {
            let (from, to) = (c.span.start as usize, c.span.end as usize);
            let last = scratch.text[from..to].trim_end().chars().last();
            let own = at < to;
            if !own && matches!(last, Some('；' | ';')) {
                crossed_semicolon = true;
            }
            if crossed_semicolon && !matches!(last, Some('：' | ':')) {
                continue;
            }
            if let Some(e) = clause_cue(from, to) {
                return Some(e);
            }
        }
        None
    };
    // The sentence, from the match's clause back; else the first clause of
    // the sentence before it in the same paragraph, when it holds a number
    // (a plan announced and then detailed: 今年赤字率拟按4%左右安排…。
    // 一般公共预算支出规模29.7万亿元).
    let entry = sentence_cue(si, span.0).or_else(|| {
        let prev = si.checked_sub(1)?;
        let p = st.sentences[prev];
        if p.paragraph != st.sentences[si].paragraph || p.clauses.0 == p.clauses.1 {
            return None;
        }
        // Only a first clause that states a figure itself announces one
        // (拟按4%左右安排, 预计1-7月); 扎实用好项目谋划库 does not.
        let c = st.clauses[p.clauses.0 as usize];
        let (from, to) = (c.span.start as usize, c.span.end as usize);
        if !scratch.text[from..to].chars().any(|ch| ch.is_ascii_digit()) {
            return None;
        }
        clause_cue(from, to)
    })?;
    Some(
        scratch.set.lexicons[lid].entries[entry as usize]
            .canonical
            .clone(),
    )
}

impl EvalCtx<'_, '_> {
    /// The arguments of `lookup`, `rewrite` and `prefix_lookup`: a lexicon
    /// name and a value.
    fn lexicon_and_value(&self, args: &[Expr]) -> Option<(String, Value)> {
        match (
            args.first().map(|a| self.eval(a)),
            args.get(1).map(|a| self.eval(a)),
        ) {
            (Some(Value::String(lex)), Some(val)) => Some((lex, val)),
            _ => None,
        }
    }

    /// `resolve(p, field)`: a field of the lexicon entry that capture `p`
    /// names, choosing among homonyms (entries of the same lexicon written
    /// the same way, such as 朝阳 or 鼓楼区) by context: the provinces of
    /// the places already found in the document (twice the weight in the
    /// same article) and of the article's subject. When the context does not
    /// decide, `ambiguous` lists the candidates (`name code` strings) and the
    /// other fields are null; otherwise `ambiguous` is null.
    fn resolve(&self, c: &Cap, field: &str) -> Value {
        let Payload::Lex { lex, entry } = c.payload else {
            return self.scratch.cap_field(c, field);
        };
        let key = (c.start, c.end);
        let cached = self
            .resolved
            .borrow()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, r)| r.clone());
        let decision = cached.unwrap_or_else(|| {
            let d = self.decide(c, lex, entry);
            self.resolved.borrow_mut().push((key, d.clone()));
            d
        });
        match (decision, field) {
            (Resolved::Entry(_), "ambiguous") => Value::Null,
            (Resolved::Entry(e), _) => entry_field(self.scratch, lex, e, field),
            (Resolved::Ambiguous(cands), "ambiguous") => Value::Array(
                cands
                    .iter()
                    .map(|&e| {
                        let l = &self.scratch.set.lexicons[lex].entries[e as usize];
                        let code = l.attrs.get("code").map(value_text).unwrap_or_default();
                        Value::String(format!("{} {}", l.canonical, code).trim().to_string())
                    })
                    .collect(),
            ),
            (Resolved::Ambiguous(_), "canonical" | "name") => {
                Value::String(self.scratch.cap_text(c).to_string())
            }
            (Resolved::Ambiguous(_), _) => Value::Null,
        }
    }

    /// The entry capture `c` names among its homonyms (see `resolve`).
    fn decide(&self, c: &Cap, lex: usize, entry: u32) -> Resolved {
        let cands = homonyms(self.scratch, lex, self.scratch.cap_text(c));
        if cands.len() <= 1 {
            return Resolved::Entry(entry);
        }
        let st = &self.scratch.prepared.structure;
        let article_of = |pos: u32| st.sentence_at(pos).and_then(|si| st.sentences[si].article);
        let here = article_of(self.span.0 as u32);
        // Weights of the provinces and cities the context names: a place
        // counts for its province, and for its city (or itself, if a city).
        let mut weight: HashMap<String, u32> = HashMap::new();
        let mut count = |attrs: &dyn Fn(&str) -> Value, w: u32| {
            for key in ["province", "city"] {
                if let Value::String(p) = attrs(key)
                    && !p.is_empty()
                {
                    *weight.entry(p).or_default() += w;
                }
            }
            if attrs("level") == Value::String("city".into())
                && let Value::String(n) = attrs("name")
            {
                *weight.entry(n).or_default() += w;
            }
        };
        for m in self.earlier {
            if m.attrs.get("ambiguous").is_some_and(|v| !v.is_null()) {
                continue;
            }
            let w = if article_of(m.start) == here { 2 } else { 1 };
            count(&|k| m.attrs.get(k).cloned().unwrap_or(Value::Null), w);
        }
        if let Value::String(subject) = self.scratch.article_field(self.span.0, "subject")
            && let Some((lid, e)) =
                prefix_entry(self.scratch, &self.scratch.set.lexicons[lex].name, &subject)
        {
            count(&|k| entry_field(self.scratch, lid, e, k), 2);
        }
        // A city match outweighs a province match: two 鼓楼区 of 江苏省
        // differ only by their city.
        let score = |e: u32| {
            let w = |k: &str| match entry_field(self.scratch, lex, e, k) {
                Value::String(p) => weight.get(&p).copied().unwrap_or(0),
                _ => 0,
            };
            w("province") + 4 * w("city")
        };
        let best = cands.iter().map(|&e| score(e)).max().unwrap_or(0);
        let winners: Vec<u32> = cands
            .iter()
            .copied()
            .filter(|&e| score(e) == best)
            .collect();
        match winners.as_slice() {
            [one] if best > 0 => Resolved::Entry(*one),
            _ => Resolved::Ambiguous(cands),
        }
    }
}

/// Entries of lexicon `lex` that `term` is a written form of, in lexicon order.
fn homonyms(scratch: &Scratch, lex: usize, term: &str) -> Vec<u32> {
    let mut out: Vec<u32> = lexicon_hits(scratch, lex, term)
        .into_iter()
        .filter(|&(s, e, _)| s == 0 && e == term.len())
        .map(|(_, _, entry)| entry)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The entry of lexicon `lex` (qualified or local name) whose written form is
/// the longest prefix of `text`: 临汾开发区 → 临汾市.
fn prefix_entry(scratch: &Scratch, lex: &str, text: &str) -> Option<(usize, u32)> {
    let lid = lexicon_id(scratch, lex)?;
    lexicon_hits(scratch, lid, text)
        .into_iter()
        .filter(|&(s, _, _)| s == 0)
        // Longest prefix; among homonyms the first listed.
        .min_by_key(|&(_, end, entry)| (std::cmp::Reverse(end), entry))
        .map(|(_, _, entry)| (lid, entry))
}

/// `rewrite(lexicon, text)`: every written form of the lexicon found in
/// `text` (leftmost, then longest, not overlapping) replaced by its canonical
/// form: with `开发区 = 经济开发区`, 临汾经济开发区 → 临汾开发区.
fn rewrite(scratch: &Scratch, lex: &str, text: &str) -> String {
    let Some(lid) = lexicon_id(scratch, lex) else {
        return text.to_string();
    };
    let mut found = lexicon_hits(scratch, lid, text);
    found.sort_by_key(|&(s, e, entry)| (s, std::cmp::Reverse(e), entry));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (s, e, entry) in found {
        if s < at {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(&scratch.set.lexicons[lid].entries[entry as usize].canonical);
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

/// A field of a lexicon entry: `canonical`/`name`, or one of its attributes.
fn entry_field(scratch: &Scratch, lex: usize, entry: u32, field: &str) -> Value {
    let e = &scratch.set.lexicons[lex].entries[entry as usize];
    match field {
        "canonical" | "name" => Value::String(e.canonical.clone()),
        // An empty attribute (`city: ""` for a province) is absent.
        _ => match e.attrs.get(field) {
            Some(Value::String(s)) if s.is_empty() => Value::Null,
            Some(v) => v.clone(),
            None => Value::Null,
        },
    }
}

fn one_or_list(mut vals: Vec<Value>) -> Value {
    match vals.len() {
        0 => Value::Null,
        1 => vals.pop().expect("one"),
        _ => Value::Array(vals),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Text of a JSON value (strings unquoted).
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A decimal as a JSON number: exact integers as integers; other values as
/// the shortest float that prints the same digits (exact for up to 15
/// significant digits).
pub fn decimal_value(d: Decimal) -> Value {
    let d = d.normalize();
    if d.fract().is_zero()
        && let Ok(i) = i64::try_from(d)
    {
        return Value::from(i);
    }
    d.to_string()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// Evaluates a rule's emit clause.
pub(crate) fn emit(ctx: &EvalCtx, attrs: &[(String, Expr)]) -> Map<String, Value> {
    attrs
        .iter()
        .map(|(k, e)| (k.clone(), ctx.eval(e)))
        .collect()
}
