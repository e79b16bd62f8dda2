//! Running the examples written inside rule files (`tiqu test`).

use serde_json::Value;
use tiqu_seg::Segmenter;
use tiqu_text::Prepared;

use crate::ast::LitValue;
use crate::compile::{RuleId, RuleSet};
use crate::expr::value_text;

/// The outcome of one example or counter-example.
#[derive(Debug, Clone)]
pub struct ExampleResult {
    /// The rule.
    pub rule: RuleId,
    /// The example text.
    pub text: String,
    /// Positive example (`example`) or negative (`counter`).
    pub positive: bool,
    /// Passed?
    pub passed: bool,
    /// Why it failed: expected vs actual.
    pub message: Option<String>,
    /// Where the example is written (`file:line:col`).
    pub location: String,
}

fn lit_matches(expected: &LitValue, actual: &Value) -> bool {
    match (expected, actual) {
        (LitValue::Null, Value::Null) => true,
        (LitValue::Bool(b), Value::Bool(a)) => a == b,
        (LitValue::Str(s), a) => *s == value_text(a),
        (LitValue::Num(n), a) => {
            let want = n.parse::<tiqu_quantity::Decimal>().ok();
            let got = match a {
                Value::Number(x) => x.to_string().parse::<tiqu_quantity::Decimal>().ok(),
                Value::String(s) => s.parse::<tiqu_quantity::Decimal>().ok(),
                _ => None,
            };
            want.is_some() && want.map(|d| d.normalize()) == got.map(|d| d.normalize())
        }
        (LitValue::List(items), Value::Array(arr)) => {
            items.len() == arr.len() && items.iter().zip(arr).all(|(e, a)| lit_matches(e, a))
        }
        (LitValue::List(items), a) if items.len() == 1 => lit_matches(&items[0], a),
        _ => false,
    }
}

fn show(v: &LitValue) -> String {
    match v {
        LitValue::Str(s) => format!("{s:?}"),
        LitValue::Num(n) => n.clone(),
        LitValue::Null => "null".into(),
        LitValue::Bool(b) => b.to_string(),
        LitValue::List(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
    }
}

impl RuleSet {
    /// Runs the examples of every rule (or of `only`).
    ///
    /// A positive example passes when, after the whole rule set has run on
    /// its text (so overlap decisions are realistic), the rule has a match
    /// whose text equals the expected text (the whole example if none is
    /// given) and whose attributes include the expected ones. A
    /// counter-example passes when the rule has no candidate match at all.
    pub fn run_examples(
        &self,
        seg: Option<&Segmenter>,
        only: Option<RuleId>,
    ) -> Vec<ExampleResult> {
        let mut out = Vec::new();
        for (rid, rule) in self.rules.iter().enumerate() {
            if only.is_some_and(|o| o != rid) {
                continue;
            }
            let file = &self.files[rule.file];
            for ex in &rule.examples {
                let prepared = Prepared::new(&ex.text);
                let (matches, trace) = self.run_traced(&prepared, seg);
                let want_text = ex
                    .expect_text
                    .clone()
                    .map(|t| crate::compile::normalize_term(&t))
                    .unwrap_or_else(|| prepared.normalized.text.clone());
                let mine: Vec<_> = matches.iter().filter(|m| m.rule == rid).collect();
                let found = mine.iter().find(|m| {
                    prepared.normalized.text[m.start as usize..m.end as usize] == want_text
                });
                let (passed, message) = match found {
                    Some(m) => {
                        let bad: Vec<String> = ex
                            .attrs
                            .iter()
                            .filter(|(k, v)| {
                                !lit_matches(v, m.attrs.get(k).unwrap_or(&Value::Null))
                            })
                            .map(|(k, v)| {
                                format!(
                                    "{k}: expected {}, got {}",
                                    show(v),
                                    m.attrs
                                        .get(k)
                                        .map_or("nothing".to_string(), |a| a.to_string())
                                )
                            })
                            .collect();
                        if bad.is_empty() {
                            (true, None)
                        } else {
                            (false, Some(bad.join("; ")))
                        }
                    }
                    None => {
                        let got: Vec<String> = mine
                            .iter()
                            .map(|m| {
                                format!(
                                    "{:?}",
                                    &prepared.normalized.text[m.start as usize..m.end as usize]
                                )
                            })
                            .collect();
                        let dropped: Vec<String> = trace
                            .dropped
                            .iter()
                            .filter(|d| d.lost.rule == rid)
                            .map(|d| {
                                format!(
                                    "{:?} was dropped by `overlap: {}` in favour of {:?} from rule `{}`",
                                    &prepared.normalized.text[d.lost.start as usize..d.lost.end as usize],
                                    d.policy,
                                    &prepared.normalized.text[d.winner.start as usize..d.winner.end as usize],
                                    self.rules[d.winner.rule].id
                                )
                            })
                            .collect();
                        let mut msg = format!(
                            "expected a match {:?}; the rule matched {}",
                            want_text,
                            if got.is_empty() {
                                "nothing".to_string()
                            } else {
                                got.join(", ")
                            }
                        );
                        if !dropped.is_empty() {
                            msg.push_str("; ");
                            msg.push_str(&dropped.join("; "));
                        }
                        (false, Some(msg))
                    }
                };
                out.push(ExampleResult {
                    rule: rid,
                    text: ex.text.clone(),
                    positive: true,
                    passed,
                    message,
                    location: file.location(ex.span.start),
                });
            }
            for (text, span) in &rule.counters {
                let prepared = Prepared::new(text);
                let raw = self.raw_matches(&prepared, seg, rid);
                let passed = raw.is_empty();
                out.push(ExampleResult {
                    rule: rid,
                    text: text.clone(),
                    positive: false,
                    passed,
                    message: (!passed).then(|| {
                        format!(
                            "expected no match, got {}",
                            raw.iter()
                                .map(|m| format!(
                                    "{:?}",
                                    &prepared.normalized.text[m.start as usize..m.end as usize]
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }),
                    location: file.location(span.start),
                });
            }
        }
        out
    }
}
