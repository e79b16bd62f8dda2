//! Data-driven suite: testdata/quantities.toml, negatives.toml, periods.toml.

use std::path::PathBuf;

use serde_json::Value as J;
use tiqu_quantity::{Decimal, decimal, scan, scan_periods};

fn load(name: &str) -> toml::Table {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name);
    toml::from_str(&std::fs::read_to_string(p).expect("testdata file")).expect("valid toml")
}

fn dec(v: &J) -> Option<Decimal> {
    match v {
        J::String(s) => decimal(s),
        J::Number(n) => decimal(&n.to_string()),
        _ => None,
    }
}

/// Compare one expected field with the serialized result; returns an error message.
fn check_field(got: &J, key: &str, want: &toml::Value) -> Option<String> {
    let field = match key {
        "base" => "base_unit",
        k => k,
    };
    let g = match field {
        "qualifier" => got["qualifier"]["word"].clone(),
        f => got[f].clone(),
    };
    let ok = match want {
        toml::Value::String(s) => match dec(&J::String(s.clone())) {
            Some(w) if matches!(field, "value" | "normalized" | "lower" | "upper") => {
                dec(&g) == Some(w)
            }
            _ => g.as_str() == Some(s.as_str()),
        },
        toml::Value::Integer(i) => g.as_i64() == Some(*i),
        toml::Value::Boolean(b) => g.as_bool() == Some(*b),
        _ => false,
    };
    (!ok).then(|| format!("{key}: want {want}, got {g}"))
}

fn run_cases(file: &str, list_key: &str, f: impl Fn(&str) -> Vec<J>) {
    let t = load(file);
    let mut errors = Vec::new();
    for case in t["case"].as_array().expect("[[case]]") {
        let text = case["text"].as_str().expect("text");
        let got = f(text);
        let want = case[list_key].as_array().expect("expected list");
        if got.len() != want.len() {
            let texts: Vec<_> = got.iter().map(|g| g["text"].to_string()).collect();
            errors.push(format!(
                "{text}: want {} results, got {} {texts:?}",
                want.len(),
                got.len()
            ));
            continue;
        }
        for (g, w) in got.iter().zip(want) {
            for (k, v) in w.as_table().expect("table") {
                if let Some(e) = check_field(g, k, v) {
                    errors.push(format!("{text} [{}]: {e}", g["text"]));
                }
            }
        }
    }
    assert!(
        errors.is_empty(),
        "{} failure(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn quantities() {
    run_cases("quantities.toml", "q", |t| {
        scan(t)
            .iter()
            .map(|q| serde_json::to_value(q).expect("serialize"))
            .collect()
    });
}

#[test]
fn periods() {
    run_cases("periods.toml", "p", |t| {
        scan_periods(t)
            .iter()
            .map(|p| serde_json::to_value(p).expect("serialize"))
            .collect()
    });
}

#[test]
fn negatives() {
    let t = load("negatives.toml");
    let mut errors = Vec::new();
    for v in t["texts"].as_array().expect("texts") {
        let text = v.as_str().expect("string");
        let got = scan(text);
        if !got.is_empty() {
            errors.push(format!(
                "{text}: {:?}",
                got.iter().map(|q| q.to_string()).collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        errors.is_empty(),
        "{} failure(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn resolve_fills_year() {
    let p = &scan_periods("今年1-6月")[0];
    assert_eq!(p.year, None);
    let r = p.resolve(Some((2024, 8, 1)));
    assert_eq!(r.year, Some(2024));
    assert_eq!(r.normalized, "2024-01..2024-06");
    let last = scan_periods("去年上半年")[0].resolve(Some((2024, 8, 1)));
    assert_eq!(last.year, Some(2023));
    assert_eq!(last.normalized, "2023-H1");
}

#[test]
fn resolve_fills_relative_days() {
    let today = scan_periods("国家统计局今天发布")[0].resolve(Some((2024, 7, 18)));
    assert_eq!(today.normalized, "2024-07-18");
    let yesterday = scan_periods("昨天登陆")[0].resolve(Some((2024, 7, 18)));
    assert_eq!(yesterday.normalized, "2024-07-17");
    // The first of the month: the day before is in another month, left open.
    let first = scan_periods("昨天登陆")[0].resolve(Some((2024, 8, 1)));
    assert_eq!(first.year, Some(2024));
    assert_eq!(first.day, None);
}

#[test]
fn resolve_spans_points_and_months() {
    let at = |text: &str, date: (i32, u8, u8)| {
        let p = scan_periods(text);
        assert_eq!(p.len(), 1, "{text}: {p:?}");
        p[0].resolve(Some(date)).normalized
    };
    // 过去一年 in a report of 2025 is 2024; 四年来 the four years before the report's.
    assert_eq!(at("过去一年", (2025, 3, 5)), "2024");
    assert_eq!(at("一年来", (2025, 3, 5)), "2024");
    assert_eq!(at("四年来", (2014, 6, 2)), "2010..2013");
    // 未来五年 counts the report's year: 2026..2030 (十五五).
    assert_eq!(at("未来五年", (2026, 6, 3)), "2026..2030");
    // Spans of other units and streaks stay relative.
    assert_eq!(at("过去两个月", (2026, 6, 3)), "last:2M");
    assert_eq!(at("连续3年", (2025, 7, 14)), "streak:3Y");
    // Points: a year, a month, a day (across a leap day and a year end).
    assert_eq!(at("两年前", (2022, 5, 26)), "2020");
    assert_eq!(at("三个月前", (2024, 2, 10)), "2023-11");
    assert_eq!(at("三天前", (2024, 3, 2)), "2024-02-28");
    assert_eq!(at("两周前", (2024, 1, 3)), "2023-12-20");
    // Relative months, across a year end.
    assert_eq!(at("下个月", (2021, 12, 23)), "2022-01");
    assert_eq!(at("上个月", (2021, 1, 23)), "2020-12");
    assert_eq!(at("本月", (2021, 5, 23)), "2021-05");
    assert_eq!(at("下个月10日", (2021, 12, 23)), "2022-01-10");
    // Years and comparison bases.
    assert_eq!(at("年内", (2022, 3, 28)), "2022");
    assert_eq!(at("新的一年", (2024, 1, 14)), "2024");
    assert_eq!(at("上年同期", (2017, 7, 17)), "same_period:2016");
    assert_eq!(at("常年同期", (2022, 2, 26)), "same_period:normal");
    assert_eq!(at("今年前11个月", (2024, 12, 25)), "2024-01..2024-11");
    // An era keeps its own year.
    assert_eq!(at("党的十八大以来", (2022, 5, 26)), "since:2012");
}

#[test]
fn parse_and_anchor() {
    let q = tiqu_quantity::parse("221.23亿元").expect("one quantity");
    assert_eq!(q.normalized, decimal("22123000000"));
    assert!(tiqu_quantity::parse("221.23亿元和5个").is_none());
    let text = "总投资20亿元";
    let at = text.find('2').expect("digit");
    let q = tiqu_quantity::quantity_at(text, at).expect("anchored");
    assert_eq!(q.text, "20亿元");
    assert!(tiqu_quantity::quantity_at(text, at + 1).is_some_and(|q| q.text == "0亿元"));
    assert!(tiqu_quantity::quantity_at(text, 1).is_none());
    assert!(tiqu_quantity::period_at("截至7月底", 0).is_some());
    assert_eq!(
        tiqu_quantity::Dimension::from_name("money"),
        Some(tiqu_quantity::Dimension::Money)
    );
    assert!(tiqu_quantity::units().iter().any(|u| u.name == "亿元"));
}
