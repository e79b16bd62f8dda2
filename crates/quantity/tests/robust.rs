//! Robustness: no panics on arbitrary input, and linear behaviour on long numeral runs.

use proptest::prelude::*;
use tiqu_quantity::{parse, quantity_at, scan, scan_numbers, scan_periods};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_any_text(s in "\\PC{0,64}") {
        let _ = scan(&s);
        let _ = scan_numbers(&s);
        let _ = scan_periods(&s);
        let _ = parse(&s);
        for i in 0..=s.len() {
            let _ = quantity_at(&s, i);
        }
    }

    #[test]
    fn never_panics_on_numeral_soup(s in "[0-9０-９.,，%％\\-~至到余多近约超以上下左右个百分点之分一二两三四五六七八九十百千万亿零〇壹贰叁拾佰仟廿几数半点元亿平方米月年日季度“”]{0,80}") {
        let qs = scan(&s);
        let mut last = 0;
        for q in &qs {
            prop_assert!(q.start >= last && q.end > q.start && q.end <= s.len());
            prop_assert_eq!(&s[q.start..q.end], q.text.as_str());
            last = q.end;
        }
        let _ = scan_periods(&s);
        let _ = parse(&s);
    }

    #[test]
    fn periods_are_valid_on_period_soup(
        s in "[0-9８一二两三四五六七八九十百几多前后今年月天周个季度来以过去未连续党的大改革开放新中国成立建同期常历史底末初内上下半本当截至止从自到起开始如提每这 “”]{0,60}",
        y in -3000i32..3000, m in 0u8..14, d in 0u8..33,
    ) {
        let mut last = 0;
        for p in scan_periods(&s) {
            prop_assert!(p.start >= last && p.end > p.start && p.end <= s.len());
            prop_assert_eq!(&s[p.start..p.end], p.text.as_str());
            last = p.end;
            let _ = p.resolve(Some((y, m, d)));
        }
    }
}

#[test]
fn long_digit_run_is_linear() {
    // A quadratic scanner would take minutes on these inputs.
    let s = "7".repeat(200_000);
    let _ = scan(&s);
    let s = format!("约{}亿元", "1".repeat(200_000));
    let _ = scan(&s);
}

#[test]
fn long_chinese_numeral_run_is_linear() {
    let s = "一".repeat(100_000);
    let _ = scan(&s);
    let s = "三百二十万".repeat(20_000);
    let _ = scan(&s);
    let _ = scan_numbers(&s);
    let s = "一二三四五六七八九十百千万亿".repeat(7_000);
    let _ = scan(&s);
    let _ = scan_periods(&s);
}
