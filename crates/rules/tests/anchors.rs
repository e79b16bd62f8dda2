//! Where rules are tried: a pattern that opens with a positive `next(…)` is
//! anchored inside it, and one that opens with a positive `prev(…)` starts
//! where the last element of that lookbehind was found. Both find the same
//! matches as trying every surname would, with far fewer attempts.

use tiqu_rules::compile_str;
use tiqu_text::Prepared;

/// (matched texts, attempt starts as character offsets) of rule `t.r`.
fn run(rules: &str, text: &str) -> (Vec<String>, Vec<usize>) {
    let set = compile_str("t.rules", rules).unwrap_or_else(|e| panic!("{e}"));
    let p = Prepared::new(text);
    let (matches, trace) = set.run_traced(&p, None);
    let t = &p.normalized.text;
    let found = matches
        .iter()
        .map(|m| t[m.start as usize..m.end as usize].to_string())
        .collect();
    let mut starts: Vec<usize> = trace
        .attempts
        .iter()
        .map(|a| t[..a.start as usize].chars().count())
        .collect();
    starts.sort_unstable();
    starts.dedup();
    (found, starts)
}

const TEXT: &str = "市委书记王强主持会议，李明说，王强书记指出，张家口市长城区。";

#[test]
fn a_leading_prev_starts_where_its_last_element_ends() {
    let rules = r#"
namespace t
label person {}
lexicon title { 书记 市长 }
lexicon surname { 王 李 张 }
rule r {
    match: prev(@title) n:(@surname han{1,2}) next(主持 | 指出)
    emit person { name: text(n) }
}
"#;
    let (found, starts) = run(rules, TEXT);
    assert_eq!(found, ["王强"]);
    // Tried only right after 书记 (twice) and 市长, not at every surname.
    assert_eq!(starts, [4, 19, 27]);
}

#[test]
fn a_leading_next_is_anchored_inside() {
    let rules = r#"
namespace t
label person {}
lexicon title { 书记 市长 }
lexicon surname { 王 李 张 }
rule r {
    match: next(han{2} @title) n:(@surname han{1}) next(@title)
    emit person { name: text(n) }
}
"#;
    let (found, starts) = run(rules, TEXT);
    // Only 王强 stands right before a title word (王强书记).
    assert_eq!(found, ["王强"]);
    // Tried only two characters before each title word (书记 at 2 and 17,
    // 市长 at 25), not at the surnames 王 (4), 李 (11) or 张 (22).
    assert_eq!(starts, [0, 15, 23]);
}

#[test]
fn without_a_leading_lookaround_every_surname_is_tried() {
    let rules = r#"
namespace t
label person {}
lexicon title { 书记 市长 }
lexicon surname { 王 李 张 }
rule r {
    match: n:(@surname han{1,2}) next(主持 | 指出) prev(@title han{2,3})
    emit person { name: text(n) }
}
"#;
    let (found, starts) = run(rules, TEXT);
    assert_eq!(found, ["王强"]);
    // Every surname: 王 (4), 李 (11), 王 (15), 张 (22).
    assert_eq!(starts, [4, 11, 15, 22]);
}
