//! Property tests of the offset map: monotone, and every normalized span
//! maps to an original span holding the same characters modulo the
//! normalization table.

use proptest::prelude::*;
use tiqu_text::chars::fold_width;
use tiqu_text::normalize;

/// Characters that exercise every rule of the normalization table.
fn messy_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(vec!['临', '汾', '市', '落', '实', '亿', '元', '项', '目']),
        2 => prop::sample::select(vec!['0', '1', '5', '.', '%', '５', '％', '．']),
        3 => prop::sample::select(vec![' ', '\n', '\u{3000}', '\t', '\u{a0}', '\r']),
        2 => prop::sample::select(vec![',', ';', ':', '(', ')', '?', '!', '，', '。', '；', '：']),
        1 => prop::sample::select(vec!['“', '”', '【', '】', '（', '）']),
        1 => prop::sample::select(vec!['a', 'B', 'Ｚ', 'x']),
        1 => prop::sample::select(vec!['供', '稿', '图', '摄', '特', '刊']),
        1 => any::<char>(),
    ]
}

/// The normalization table applied context-free: drop whitespace, fold
/// width, treat ASCII clause punctuation as its full-width counterpart.
fn canonical(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}' && *c != '\u{200b}')
        .map(|c| fold_width(c).unwrap_or(c))
        .map(|c| match c {
            ',' => '，',
            ';' => '；',
            ':' => '：',
            '?' => '？',
            '!' => '！',
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn spans_map_back(chars in prop::collection::vec(messy_char(), 0..200), picks in prop::collection::vec(any::<(u16, u16)>(), 1..8)) {
        let original: String = chars.into_iter().collect();
        let n = normalize(&original);
        let bounds: Vec<usize> = n.text.char_indices().map(|(i, _)| i).chain([n.text.len()]).collect();
        // Monotone, and every mapped offset is a char boundary.
        let mut last = 0usize;
        for &b in &bounds {
            let o = n.map.to_original_start(b);
            prop_assert!(o >= last, "not monotone at {b}");
            prop_assert!(original.is_char_boundary(o));
            last = o;
        }
        for (a, b) in picks {
            let i = a as usize % bounds.len();
            let j = b as usize % bounds.len();
            let (s, e) = (bounds[i.min(j)], bounds[i.max(j)]);
            let r = n.map.to_original(s..e);
            prop_assert!(r.start <= r.end && r.end <= original.len());
            prop_assert!(original.is_char_boundary(r.start) && original.is_char_boundary(r.end));
            prop_assert_eq!(canonical(&original[r]), canonical(&n.text[s..e]));
        }
        // Nothing but whitespace is ever dropped.
        prop_assert_eq!(canonical(&original), canonical(&n.text));
    }
}
