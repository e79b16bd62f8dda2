//! Peer conformance: run the test data of Recognizers-Text, Duckling, cn2an and
//! JioNLP (see testdata/peers/README.md for the scoring rules) and print a
//! pass-rate table.  Scored groups must not regress: every failing scored case
//! must be listed in testdata/peers/known_failures.txt, and every listed case
//! must still fail.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::Value;
use tiqu_quantity::{Decimal, Quantity, QuantityKind, decimal, parse, scan_numbers};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/peers")
}

/// Relative comparison: the peers print floats with ~15 significant digits.
fn close(a: Decimal, b: Decimal) -> bool {
    let diff = (a - b).abs();
    let scale = b.abs().max(Decimal::ONE);
    diff <= scale * Decimal::new(1, 10)
}

fn num(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => decimal(&n.to_string()),
        Value::String(s) => decimal(s.trim().trim_end_matches('%')),
        _ => None,
    }
}

/// The numeral's full value: a magnitude carried by the unit (亿元) is applied.
fn full_value(q: &Quantity) -> Decimal {
    let u = q.unit.as_deref().unwrap_or("");
    let m = if u.starts_with("万亿") {
        Decimal::from(1_000_000_000_000i64)
    } else if u.starts_with('亿') {
        Decimal::from(100_000_000)
    } else if u.starts_with('万') {
        Decimal::from(10_000)
    } else {
        Decimal::ONE
    };
    q.value * m
}

fn currency(name: &str) -> Option<&'static str> {
    Some(match name {
        "Chinese yuan" | "CNY" => "元",
        "United States dollar" => "美元",
        "Euro" => "欧元",
        "Hong Kong dollar" | "HKD" => "港元",
        "Japanese yen" => "日元",
        "Swiss franc" => "瑞士法郎",
        "New Taiwan dollar" => "新台币",
        "Nigerian naira" => "奈拉",
        "Bitcoin" => "比特币",
        _ => return None,
    })
}

struct Outcome {
    group: String,
    key: String,
    input: String,
    pass: bool,
    scored: bool,
}

// ------------------------------------------------------------------ Recognizers-Text

fn rt_group(source: &str) -> &'static str {
    let file = source.rsplit('/').next().unwrap_or("");
    match file {
        "NumberModel.json" => "number",
        "PercentModel.json" => "percent",
        "CurrencyModel.json" => "money",
        "OrdinalModel.json" => "ordinal",
        "NumberRangeModel.json" | "NumberRangeModelExperimentalMode.json" => "number_range",
        "DimensionModel.json" => "dimension",
        "AgeModel.json" => "age",
        "TemperatureModel.json" => "temperature",
        _ => "duration",
    }
}

fn rt_interval(s: &str) -> Option<(Option<Decimal>, Option<Decimal>)> {
    let inner = s.get(1..s.len().checked_sub(1)?)?;
    let (a, b) = inner.split_once(',')?;
    Some((decimal(a.trim()), decimal(b.trim())))
}

fn rt_case(case: &Value) -> (String, bool) {
    let input = case["input"].as_str().unwrap_or("");
    let group = rt_group(case["source"].as_str().unwrap_or(""));
    let exp = case["expected"].as_array().cloned().unwrap_or_default();
    let got = scan_numbers(input);
    let pass = match group {
        "number" => {
            // NumberModel leaves currency and discount (折/成) expressions to its other models.
            let ours: Vec<Decimal> = got
                .iter()
                .filter(|q| q.dimension != Some(tiqu_quantity::Dimension::Money))
                .filter(|q| !matches!(q.unit.as_deref(), Some("折" | "成")))
                .map(full_value)
                .collect();
            let want: Vec<Option<Decimal>> = exp.iter().map(|e| num(&e["value"])).collect();
            ours.len() == want.len()
                && ours
                    .iter()
                    .zip(&want)
                    .all(|(o, w)| w.is_some_and(|w| close(*o, w)))
        }
        "percent" => {
            let ours: Vec<Decimal> = got
                .iter()
                .filter(|q| {
                    matches!(
                        q.kind,
                        QuantityKind::Percent | QuantityKind::PercentagePoint
                    )
                })
                .filter_map(|q| q.normalized)
                .collect();
            let want: Vec<Option<Decimal>> = exp.iter().map(|e| num(&e["value"])).collect();
            ours.len() == want.len()
                && ours
                    .iter()
                    .zip(&want)
                    .all(|(o, w)| w.is_some_and(|w| close(*o, w)))
        }
        "money" => {
            let ours: Vec<&Quantity> = got
                .iter()
                .filter(|q| q.dimension == Some(tiqu_quantity::Dimension::Money))
                .collect();
            ours.len() == exp.len()
                && ours.iter().zip(&exp).all(|(q, e)| {
                    let cur = e["unit"].as_str().and_then(|u| {
                        if u == "Dollar" {
                            Some("美元")
                        } else {
                            currency(u)
                        }
                    });
                    num(&e["value"]).is_some_and(|w| q.normalized.is_some_and(|n| close(n, w)))
                        && cur.is_some_and(|c| q.base_unit.as_deref() == Some(c))
                })
        }
        "number_range" => {
            exp.len() == got.len()
                && got.iter().zip(&exp).all(|(q, e)| {
                    let Some((lo, hi)) = e["value"].as_str().and_then(rt_interval) else {
                        return false;
                    };
                    let eq = |a: Option<Decimal>, b: Option<Decimal>| match (a, b) {
                        (Some(a), Some(b)) => close(a, b),
                        (None, None) => true,
                        _ => false,
                    };
                    eq(q.lower.or(q.normalized), lo) && eq(q.upper, hi)
                })
        }
        "dimension" | "age" | "temperature" => {
            exp.len() == got.len()
                && got
                    .iter()
                    .zip(&exp)
                    .all(|(q, e)| num(&e["value"]).is_some_and(|w| close(full_value(q), w)))
        }
        _ => {
            // ordinal, duration: span-level only
            exp.len() == got.len()
        }
    };
    (group.to_string(), pass)
}

// ------------------------------------------------------------------ Duckling

fn dk_case(case: &Value) -> (String, bool) {
    let input = case["input"].as_str().unwrap_or("");
    let exp = &case["expected"].as_array().cloned().unwrap_or_default();
    let kind = exp
        .first()
        .and_then(|e| e["kind"].as_str())
        .unwrap_or("none")
        .to_string();
    let Some(q) = parse(input) else {
        return (kind, false);
    };
    let pass = exp.iter().any(|e| {
        let unit = e["unit"].as_str().unwrap_or("");
        let (base, scale): (Option<&str>, Decimal) = match unit {
            "Dollar" | "CNY" => (Some("元"), Decimal::ONE),
            "Cent" => (Some("元"), Decimal::new(1, 2)),
            "HKD" => (Some("港元"), Decimal::ONE),
            "Gram" => (Some("千克"), Decimal::new(1, 3)),
            "Metre" => (Some("米"), Decimal::ONE),
            "Kilometre" => (Some("米"), Decimal::from(1000)),
            "Centimetre" => (Some("米"), Decimal::new(1, 2)),
            "Litre" => (Some("立方米"), Decimal::new(1, 3)),
            "Millilitre" => (Some("立方米"), Decimal::new(1, 6)),
            "Celsius" => (Some("摄氏度"), Decimal::ONE),
            _ => (None, Decimal::ONE),
        };
        match kind.as_str() {
            "number" | "ordinal" => num(&e["value"]).is_some_and(|w| close(full_value(&q), w)),
            "duration" => q.dimension == Some(tiqu_quantity::Dimension::Duration),
            _ => {
                if base.is_none() || q.base_unit.as_deref() != base {
                    return false;
                }
                let v = &e["value"];
                if let Value::Object(m) = v {
                    let from = m.get("from").and_then(num).map(|x| x * scale);
                    let to = m.get("to").and_then(num).map(|x| x * scale);
                    let eq = |a: Option<Decimal>, b: Option<Decimal>| match (a, b) {
                        (Some(a), Some(b)) => close(a, b),
                        (None, None) => true,
                        _ => false,
                    };
                    eq(q.lower, from) && eq(q.upper, to)
                } else {
                    num(v).is_some_and(|w| q.normalized.is_some_and(|n| close(n, w * scale)))
                }
            }
        }
    });
    (kind, pass)
}

// ------------------------------------------------------------------ cn2an

/// Returns None when the row is out of scope.
fn cn_case(case: &Value) -> Option<(String, bool)> {
    let meta = &case["meta"];
    if meta.get("expect_error").is_some() || meta["function"].as_str() == Some("transform") {
        return None;
    }
    let input = case["input"].as_str().unwrap_or("");
    let e = case["expected"].as_array()?.first()?;
    let kind = e["kind"].as_str().unwrap_or("number").to_string();
    let want = num(&e["value"])?;
    let pass = parse(input).is_some_and(|q| {
        // a money reading (壹拾壹元壹角) is compared by its amount in 元
        let money = q.dimension == Some(tiqu_quantity::Dimension::Money);
        let v = if kind == "money" || money {
            q.normalized.unwrap_or(q.value)
        } else {
            full_value(&q)
        };
        close(v, want)
    });
    Some((kind, pass))
}

// ------------------------------------------------------------------ JioNLP (report only)

fn jio_case(case: &Value) -> (String, bool) {
    let input = case["input"].as_str().unwrap_or("");
    let exp = case["expected"].as_array().cloned().unwrap_or_default();
    let src = case["source"].as_str().unwrap_or("");
    if src.contains("money_parser") {
        let Some(q) = parse(input) else {
            return ("money_parser".into(), false);
        };
        let e = &exp[0];
        let pass = match &e["value"] {
            Value::Array(a) => {
                let lo = a.first().and_then(num);
                let hi = a.get(1).and_then(num);
                q.lower.zip(lo).is_some_and(|(x, y)| close(x, y))
                    && q.upper.zip(hi).is_some_and(|(x, y)| close(x, y))
            }
            v => num(v).is_some_and(|w| q.normalized.is_some_and(|n| close(n, w))),
        };
        ("money_parser".into(), pass)
    } else if src.contains("money_extractor") {
        let got: Vec<String> = scan_numbers(input)
            .into_iter()
            .filter(|q| q.dimension == Some(tiqu_quantity::Dimension::Money))
            .map(|q| q.text)
            .collect();
        let want: Vec<String> = exp
            .iter()
            .filter_map(|e| e["text"].as_str().map(str::to_string))
            .collect();
        ("money_extractor".into(), got == want)
    } else {
        let pass =
            parse(input).is_some_and(|q| q.dimension == Some(tiqu_quantity::Dimension::Duration));
        ("duration".into(), pass)
    }
}

// ------------------------------------------------------------------ driver

fn load(file: &str) -> Vec<(usize, Value)> {
    let text = std::fs::read_to_string(dir().join(file)).expect("peer file");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, serde_json::from_str(l).expect("json line")))
        .collect()
}

/// Groups with a conformance target (see README): (file, group) → target.
fn target(file: &str, group: &str) -> Option<f64> {
    match (file, group) {
        ("recognizers-text.jsonl", "number" | "percent" | "money")
        | ("duckling.jsonl", "number" | "money")
        | ("cn2an.jsonl", "number" | "money") => Some(97.0),
        _ => None,
    }
}

fn aspirational(case: &Value) -> bool {
    case["meta"]["not_supported"]
        .as_str()
        .is_some_and(|s| s.contains("dotnet"))
}

#[test]
fn peers_conformance() {
    let mut outcomes: Vec<Outcome> = Vec::new();
    for file in [
        "recognizers-text.jsonl",
        "duckling.jsonl",
        "cn2an.jsonl",
        "jionlp.jsonl",
    ] {
        for (line, case) in load(file) {
            let input = case["input"].as_str().unwrap_or("").to_string();
            let res = match file {
                "recognizers-text.jsonl" => Some(rt_case(&case)),
                "duckling.jsonl" => Some(dk_case(&case)),
                "cn2an.jsonl" => cn_case(&case),
                _ => Some(jio_case(&case)),
            };
            let Some((mut group, pass)) = res else {
                continue;
            };
            let mut scored = target(file, &group).is_some();
            if aspirational(&case) {
                group.push_str(" (aspirational)");
                scored = false;
            }
            outcomes.push(Outcome {
                group: format!("{file}\t{group}"),
                key: format!("{file}:{line}"),
                input,
                pass,
                scored,
            });
        }
    }

    // table
    let mut table: BTreeMap<&str, (usize, usize, bool)> = BTreeMap::new();
    for o in &outcomes {
        let e = table.entry(o.group.as_str()).or_insert((0, 0, o.scored));
        e.0 += 1;
        e.1 += usize::from(o.pass);
    }
    let mut report = String::new();
    let _ = writeln!(
        report,
        "{:<26} {:<26} {:>6} {:>6} {:>8}  target",
        "file", "kind", "cases", "pass", "rate"
    );
    let mut below = Vec::new();
    for (g, (n, p, _)) in &table {
        let (file, group) = g.split_once('\t').unwrap_or((g, ""));
        let rate = 100.0 * *p as f64 / *n as f64;
        let t = target(file, group).filter(|_| !group.contains("aspirational"));
        let _ = writeln!(
            report,
            "{file:<26} {group:<26} {n:>6} {p:>6} {rate:>7.1}%  {}",
            t.map_or("-".to_string(), |t| format!(">= {t}%"))
        );
        if let Some(t) = t {
            if rate < t {
                below.push(format!("{file} {group}: {rate:.1}% < {t}%"));
            }
        }
    }
    eprintln!("\n{report}");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/peers-report.txt");
    let _ = std::fs::write(&out, &report);

    // known failures
    let known_text = std::fs::read_to_string(dir().join("known_failures.txt")).unwrap_or_default();
    let known: BTreeSet<String> = known_text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    let mut new_failures = Vec::new();
    let mut fixed = Vec::new();
    for o in outcomes.iter().filter(|o| o.scored) {
        match (o.pass, known.contains(&o.key)) {
            (false, false) => new_failures.push(format!("{}  # {}", o.key, o.input)),
            (true, true) => fixed.push(o.key.clone()),
            _ => {}
        }
    }
    let mut msg = String::new();
    if !new_failures.is_empty() {
        let _ = writeln!(
            msg,
            "{} scored peer case(s) fail and are not in testdata/peers/known_failures.txt (regressions?):\n{}",
            new_failures.len(),
            new_failures.join("\n")
        );
    }
    if !fixed.is_empty() {
        let _ = writeln!(
            msg,
            "{} case(s) in testdata/peers/known_failures.txt now pass; delete these lines from the file:\n{}",
            fixed.len(),
            fixed.join("\n")
        );
    }
    if !below.is_empty() {
        // Reported loudly, not failed: the known-failures list is the regression guard.
        eprintln!(
            "BELOW TARGET (see testdata/peers/known_failures.txt for the reasons):\n{}",
            below.join("\n")
        );
        let _ = std::fs::write(
            &out,
            format!("{report}\nBELOW TARGET:\n{}\n", below.join("\n")),
        );
    }
    assert!(msg.is_empty(), "{msg}");
}
