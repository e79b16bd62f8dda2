//! The rule parser and compiler never panic, whatever the input: arbitrary
//! text, and the shipped rule files cut and spliced at random places.

use proptest::prelude::*;
use tiqu_rules::compile_str;

fn shipped() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../grammars");
    ["policy.rules", "entities.rules", "facts.rules"]
        .iter()
        .map(|f| std::fs::read_to_string(format!("{dir}/{f}")).unwrap())
        .collect()
}

fn char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,200}") {
        let _ = compile_str("fuzz.rules", &src);
    }

    #[test]
    fn rule_like_text_never_panics(
        parts in prop::collection::vec(prop::sample::select(vec![
            "rule ", "r", "{", "}", "match:", "emit ", "fact", "policy", "example:", "counter:", "\"", "->",
            "@", "&", "$", "lexicon ", "define ", "x:", "qty", "(", ")", "money", "%", "period", "tok(",
            "pos=", "word~", "\"^n\"", "next(", "prev(", "not ", "inside(", "quotes", "|", "?", "*", "+",
            "{1,3}", "{", ",", "[", "]", "^", "一-九", "签约额", "亿元", "承诺制", "“", "”", "\n", " ",
            "priority: -5", "doc: \"d\"", "label ", "overlap: longest", "include \"x.rules\"", "namespace n",
            "= 别名", "[kind: a]", "text(x)", "set(x)", "join(set(x), \"+\")", "??", "null", "0", "#c\n",
        ]), 0..60),
    ) {
        let src: String = parts.concat();
        let _ = compile_str("fuzz.rules", &src);
    }

    #[test]
    fn spliced_shipped_rules_never_panic(file in 0usize..3, a in any::<u16>(), b in any::<u16>(), c in any::<u16>()) {
        let files = shipped();
        let s = &files[file];
        let n = s.len();
        let (x, y) = (char_boundary(s, a as usize % n), char_boundary(s, b as usize % n));
        let (x, y) = (x.min(y), x.max(y));
        let z = char_boundary(s, c as usize % n);
        // Drop a random slice and insert a random other slice.
        let insert: String = s[z..].chars().take(20).collect();
        let spliced = format!("{}{insert}{}", &s[..x], &s[y..]);
        let _ = compile_str("spliced.rules", &spliced);
    }
}
