//! What the integration tests share: run a rule text over a text.

use serde_json::Value;
use tiqu_rules::compile_str;
use tiqu_text::Prepared;

/// The records of `rules` over `text` (no segmenter), as (label, matched
/// text, attributes), in text order.
pub fn run(rules: &str, text: &str) -> Vec<(String, String, Value)> {
    let set = compile_str("t.rules", rules).unwrap_or_else(|e| panic!("{e}"));
    let p = Prepared::new(text);
    set.run(&p, None)
        .into_iter()
        .map(|m| {
            (
                set.labels[m.label].name.clone(),
                p.normalized.text[m.start as usize..m.end as usize].to_string(),
                Value::Object(m.attrs),
            )
        })
        .collect()
}
