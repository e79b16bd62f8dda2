//! The engine on small rule sets: matching, captures, emission, overlap,
//! references, lookaround, token predicates and diagnostics.

use tiqu_rules::{Severity, compile_str};
use tiqu_text::Prepared;

fn matches(rules: &str, text: &str) -> Vec<(String, String, serde_json::Value)> {
    let set = compile_str("t.rules", rules).unwrap_or_else(|e| panic!("{e}"));
    let seg = tiqu_seg::Segmenter::new();
    let p = Prepared::new(text);
    set.run(&p, Some(&seg))
        .into_iter()
        .map(|m| {
            (
                set.labels[m.label].name.clone(),
                p.normalized.text[m.start as usize..m.end as usize].to_string(),
                serde_json::Value::Object(m.attrs),
            )
        })
        .collect()
}

const PACKAGES: &str = r#"
namespace policy
lexicon component {
    承诺制
    标准地
    全代办
    政府
    链主企业 = 链主
    园区 = 产业园
}
rule mechanism {
    match: c:@component
    emit policy { canonical: canon(c), kind: "mechanism" }
}
rule package {
    match: c:@component ("+"? c:@component){1,5}
    emit policy { canonical: join(set(c), "+"), kind: "package", components: set(c) }
}
"#;

#[test]
fn packages_are_order_free_and_win_over_components() {
    let m = matches(
        PACKAGES,
        "持续深化“承诺制+全代办+标准地”改革，推动承诺制全流程网上办理",
    );
    assert_eq!(m.len(), 2, "{m:?}");
    assert_eq!(m[0].1, "承诺制+全代办+标准地");
    assert_eq!(m[0].2["canonical"], "承诺制+标准地+全代办");
    assert_eq!(
        m[0].2["components"],
        serde_json::json!(["承诺制", "标准地", "全代办"])
    );
    assert_eq!(m[1].1, "承诺制");
    assert_eq!(m[1].2["kind"], "mechanism");
    let m = matches(PACKAGES, "创新“政府+链主+产业园”招商");
    assert_eq!(m[0].2["canonical"], "政府+链主企业+园区");
}

#[test]
fn quantities_lookaround_and_references() {
    let rules = r#"
    rule zone { match: z:(han{2,6} (经济技术开发区|开发区)) emit zone { name: text(z) } }
    rule invest {
        match: &zone 总投资 q:qty(money)
        emit fact { value: q.value, unit: q.unit, normalized: q.normalized }
    }
    rule rate {
        match: not prev(考核) i:(开工率|投产率) q:qty(%)
        emit fact { indicator: i, value: q.value }
    }
    "#;
    let m = matches(
        rules,
        "侯马开发区总投资20亿元的项目，开工率50.4%，考核开工率60%。",
    );
    let facts: Vec<_> = m.iter().filter(|x| x.0 == "fact").collect();
    assert_eq!(facts.len(), 2, "{m:?}");
    assert_eq!(facts[0].1, "侯马开发区总投资20亿元");
    assert_eq!(facts[0].2["normalized"], serde_json::json!(2000000000));
    assert_eq!(facts[1].2["indicator"], "开工率");
    assert_eq!(facts[1].2["value"], serde_json::json!(50.4));
}

#[test]
fn token_predicates_segment_lazily() {
    let rules = r#"
    rule org { match: tok(word~"局$") emit org }
    rule anchor_first { match: 供稿 "：" o:tok(pos~"^n") emit byline { org: o } }
    "#;
    let m = matches(rules, "供稿：临汾市商务局");
    assert!(m.iter().any(|x| x.0 == "byline"), "{m:?}");
}

#[test]
fn diagnostics_name_the_problem() {
    let err = compile_str(
        "bad.rules",
        "rule a { match: @nosuch emit x }\nrule a { match: 甲 emit x }\nrule b { match: q:qty(moneyy) emit x { v: q.value } }\n",
    )
    .unwrap_err();
    let codes: Vec<&str> = err.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"unknown-lexicon"), "{codes:?}");
    assert!(codes.contains(&"duplicate-rule"), "{codes:?}");
    assert!(codes.contains(&"unknown-dimension"), "{codes:?}");
    let dup = err
        .diagnostics
        .iter()
        .find(|d| d.code == "duplicate-rule")
        .unwrap();
    assert_eq!(dup.line_col(), (2, 6));
    let ok = compile_str("w.rules", "rule w { match: x:han{2} 局 emit org }").unwrap();
    let codes: Vec<&str> = ok.warnings.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["unused-capture"]);
    assert!(ok.warnings.iter().all(|w| w.severity == Severity::Warning));
    let anchorless = compile_str("a.rules", "rule a { match: han{2} emit x }").unwrap();
    assert_eq!(anchorless.warnings[0].code, "anchorless-rule");
    let plus = compile_str("p.rules", "rule p { match: 承诺制+标准地 emit policy }").unwrap();
    assert_eq!(plus.warnings[0].code, "ambiguous-plus");
    assert_eq!(plus.warnings[0].line_col(), (1, 20));
    let spaced = compile_str("p.rules", "rule p { match: 承诺制 + 标准地 emit policy }").unwrap();
    assert_eq!(spaced.warnings[0].code, "ambiguous-plus");
    let fine = compile_str("p.rules", "rule p { match: 承诺制+ emit policy }").unwrap();
    assert!(fine.warnings.is_empty());
    let set = compile_str("s.rules", "rule s { match: [han]{2} 局 emit org }").unwrap();
    assert_eq!(set.warnings[0].code, "charset-looks-like-class");
}

#[test]
fn examples_run() {
    let rules = r#"
    rule r {
        match: 签约额 q:qty(money)
        emit fact { normalized: q.normalized }
        example: "签约额221.23亿元" { normalized: 22123000000 }
        example: "签约额5亿元" { normalized: 1 }
        counter: "签约项目52个"
    }
    "#;
    let set = compile_str("t.rules", rules).unwrap();
    let res = set.run_examples(None, None);
    assert_eq!(res.len(), 3);
    assert!(res[0].passed, "{:?}", res[0].message);
    assert!(!res[1].passed);
    assert!(
        res[1]
            .message
            .as_ref()
            .unwrap()
            .contains("normalized: expected 1")
    );
    assert!(res[2].passed);
}

#[test]
fn captures_inside_next_count_and_leave_the_span_alone() {
    let rules = r#"
    rule count { match: q:qty(count) (next(n:(项目 | 企业)))? emit fact { of: text(n) } }
    "#;
    let m = matches(rules, "新开工12个项目，另有3个。");
    assert_eq!(m[0].1, "12个");
    assert_eq!(m[0].2["of"], "项目");
    // The optional lookahead did not match: no capture, same match.
    assert_eq!(m[1].1, "3个");
    assert_eq!(m[1].2["of"], serde_json::Value::Null);
    // `not next(…)` and `prev(…)` keep no captures: their names are unknown.
    let err = compile_str(
        "t.rules",
        r#"rule r { match: q:qty(count) not next(n:项目) emit fact { of: text(n) } }"#,
    )
    .expect_err("capture in not next");
    assert!(err.to_string().contains("`n`"), "{err}");
}

#[test]
fn inside_word_asks_the_segmenter() {
    let rules = r#"
    lexicon place { 上高 增城 山西 }
    rule place { match: not inside(word) p:@place emit place }
    "#;
    let found: Vec<String> = matches(rules, "规模以上高技术制造业增长，新增城镇就业，山西增长。")
        .into_iter()
        .map(|m| m.1)
        .collect();
    assert_eq!(found, ["山西"]);
}

#[test]
fn dict_tells_words_the_segmenter_knows_from_names_it_found() {
    let rules = r#"
namespace t
rule owner { match: o:tok(dict=no, pos~"^n") 项目 emit name { owner: text(o) } }
rule known { match: o:tok(dict=yes) 项目 emit known { word: text(o) } }
"#;
    let got = matches(rules, "江西沐邦项目和咖啡项目");
    let texts = |label: &str| -> Vec<&str> {
        got.iter()
            .filter(|(l, _, _)| l == label)
            .map(|(_, t, _)| t.as_str())
            .collect()
    };
    assert_eq!(texts("name"), ["沐邦项目"]);
    assert_eq!(texts("known"), ["咖啡项目"]);
    // Anything else after `dict=` is an error that says what to write.
    let err = compile_str(
        "t.rules",
        "namespace t\nrule r { match: tok(dict=maybe) 项目 emit x }",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("`dict` is `yes` or `no`"), "{err}");
}
