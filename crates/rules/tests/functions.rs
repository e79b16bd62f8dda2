//! The context functions of emission expressions: `cue`, `resolve`,
//! `rewrite`, `prefix_lookup`, `known`, `number`, `article_has`, and the
//! checker's lexicon-name check for them.

mod common;

use serde_json::{Value, json};
use tiqu_rules::compile_str;

/// (matched text, attributes) of every record.
fn attrs(rules: &str, text: &str) -> Vec<(String, Value)> {
    common::run(rules, text)
        .into_iter()
        .map(|(_, t, a)| (t, a))
        .collect()
}

const STATUS: &str = r#"
namespace t
label fact { overlap: all }
lexicon cues {
    forecast = 预计
    target   = 计划, 目标
    actual   = 已, 完成, 行动计划
}
rule n {
    match: q:qty(money)
    emit fact { status: cue("cues") ?? "none" }
}
"#;

fn statuses(text: &str) -> Vec<String> {
    attrs(STATUS, text)
        .into_iter()
        .map(|(_, a)| a["status"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn cue_nearest_clause_decides_and_earlier_lines_win_within_it() {
    // Plan and achievement words in one clause: the plan line is listed first.
    assert_eq!(statuses("今年计划完成投资5亿元。"), ["target"]);
    // The nearest clause with a cue decides, not the sentence's first cue.
    assert_eq!(
        statuses("计划投资5亿元，目前已完成3亿元。"),
        ["target", "actual"]
    );
    // A cue after the number in its own clause counts.
    assert_eq!(statuses("专项债2200万元已落实到位。"), ["actual"]);
    // No cue at all.
    assert_eq!(statuses("总投资5亿元。"), ["none"]);
}

#[test]
fn cue_inside_a_longer_cue_does_not_count() {
    // 计划 inside 行动计划 is not a plan cue; 行动计划 itself is listed as actual.
    assert_eq!(statuses("实施五年行动计划，完成投资5亿元。"), ["actual"]);
}

#[test]
fn cue_stops_at_semicolons_unless_introduced_by_a_colon() {
    assert_eq!(statuses("预计增长较快；投资5亿元。"), ["none"]);
    assert_eq!(
        statuses("主要目标是：投资5亿元；消费3亿元。"),
        ["target", "target"]
    );
}

#[test]
fn cue_reads_a_numbered_first_clause_of_the_previous_sentence() {
    assert_eq!(
        statuses("今年计划发行债券1万亿元。支出规模3亿元。"),
        ["target", "target"]
    );
    // Without a number in that first clause the previous sentence is not read.
    assert_eq!(statuses("我们计划扎实推进。支出规模3亿元。"), ["none"]);
}

const PLACES: &str = r#"
namespace t
label place { overlap: longest }
lexicon place {
    南京市 = 南京 [province: 江苏省, code: 320100, level: city]
    福州市 = 福州 [province: 福建省, code: 350100, level: city]
    鼓楼区 [province: 江苏省, city: 南京市, code: 320106]
    鼓楼区 [province: 福建省, city: 福州市, code: 350102]
}
rule place {
    match: p:@place
    emit place { name: resolve(p, "name"), code: resolve(p, "code"), ambiguous: resolve(p, "ambiguous") }
}
"#;

fn codes(text: &str) -> Vec<(String, Value, Value)> {
    attrs(PLACES, text)
        .into_iter()
        .map(|(t, a)| (t, a["code"].clone(), a["ambiguous"].clone()))
        .collect()
}

#[test]
fn resolve_picks_a_homonym_by_the_places_before_it() {
    let got = codes("福州市推进城市更新，鼓楼区率先完成。");
    assert_eq!(got[1], ("鼓楼区".into(), json!("350102"), Value::Null));
    let got = codes("南京市推进城市更新，鼓楼区率先完成。");
    assert_eq!(got[1], ("鼓楼区".into(), json!("320106"), Value::Null));
}

#[test]
fn resolve_reports_ambiguity_instead_of_guessing() {
    let got = codes("鼓楼区率先完成。");
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].1,
        Value::Null,
        "no code when the context does not decide"
    );
    assert_eq!(got[0].2, json!(["鼓楼区 320106", "鼓楼区 350102"]));
}

const ZONES: &str = r#"
namespace t
label zone {}
lexicon place {
    临汾市 = 临汾 [code: 141000]
}
lexicon short_form {
    经开区 = 经济技术开发区
    开发区 = 经济开发区
}
rule zone {
    match: z:(@place (经济技术开发区 | 经济开发区 | 开发区))
    emit zone {
        canonical: rewrite("short_form", text(z)),
        code: prefix_lookup("place", text(z), "code"),
        place: prefix_lookup("place", text(z)),
        checked: known(text(z), "place"),
        none: known("要把握市", "place"),
        n: number("1.50"),
        national: article_has("全国"),
    }
}
"#;

#[test]
fn rewrite_prefix_lookup_known_number_article_has() {
    let got = attrs(ZONES, "临汾经济开发区和临汾经济技术开发区。全国第一。");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].1["canonical"], json!("临汾开发区"));
    assert_eq!(got[1].1["canonical"], json!("临汾经开区"));
    assert_eq!(got[0].1["code"], json!("141000"));
    assert_eq!(got[0].1["place"], json!("临汾市"));
    assert_eq!(got[0].1["checked"], json!("临汾经济开发区"));
    assert_eq!(got[0].1["none"], Value::Null);
    assert_eq!(got[0].1["n"], json!(1.5));
    assert_eq!(got[0].1["national"], json!(true));
}

#[test]
fn a_misspelt_lexicon_in_a_function_is_an_error() {
    let rules = STATUS.replace("cue(\"cues\")", "cue(\"cuse\")");
    let err = compile_str("t.rules", &rules).expect_err("unknown lexicon");
    let text = err.to_string();
    assert!(
        text.contains("unknown-lexicon") || text.contains("unknown lexicon"),
        "{text}"
    );
}

const LETS: &str = r#"
namespace t
label fact { overlap: all }
let unit_or_none = q_unit_missing ?? "none"
rule n {
    match: q:qty(money) (next(n:[项个]))?
    emit fact { status: $status, unit: $shown }
}
"#;

#[test]
fn let_names_an_expression_used_in_several_rules() {
    let rules = r#"
namespace t
label fact { overlap: all }
lexicon cues { target = 计划 }
let status = cue("cues") ?? "actual"
let shown = concat("[", $status, "]")
rule a {
    match: q:qty(money)
    emit fact { status: $status, shown: $shown }
}
rule b {
    match: q:qty(count)
    emit fact { status: $status }
}
"#;
    let got = attrs(rules, "计划投资5亿元，建成3个。");
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].1["status"], json!("target"));
    assert_eq!(got[0].1["shown"], json!("[target]"));
    assert_eq!(got[1].1["status"], json!("target"));
    let got = attrs(rules, "投资5亿元。");
    assert_eq!(got[0].1["status"], json!("actual"));
}

#[test]
fn let_errors_name_the_problem() {
    // An unknown `$name`, with a suggestion.
    let rules = r#"
namespace t
label fact { overlap: all }
let status = "x"
rule a {
    match: q:qty(money)
    emit fact { s: $stauts }
}
"#;
    let text = compile_str("t.rules", rules)
        .expect_err("unknown let")
        .to_string();
    assert!(text.contains("unknown expression `$stauts`"), "{text}");
    // A body may not use a rule's captures: it is checked on its own.
    let text = compile_str("t.rules", LETS)
        .expect_err("capture in let")
        .to_string();
    assert!(text.contains("q_unit_missing"), "{text}");
    // Recursion.
    let rules = r#"
namespace t
label fact { overlap: all }
let a = $b ?? "x"
let b = $a
rule r {
    match: q:qty(money)
    emit fact { s: $a }
}
"#;
    let text = compile_str("t.rules", rules)
        .expect_err("recursive")
        .to_string();
    assert!(text.contains("refers to itself"), "{text}");
}

#[test]
fn nearest_takes_the_closest_match_of_the_labels_and_kinds_given() {
    let rules = r#"
namespace t
label place { overlap: longest }
label org { overlap: longest }
label fact { overlap: all }
rule place { match: p:(太原 | 临汾) emit place { name: text(p) } }
rule company { match: o:(han{2} 集团) emit org { kind: "company" } }
rule bureau { match: o:(han{2} 统计局) emit org { kind: "government" } }
rule n {
    match: q:qty(money)
    emit fact { near: nearest("org.kind=company", "place"), any: nearest("org") }
}
"#;
    let got = attrs(rules, "太原钢铁集团营收5亿元。");
    assert_eq!(got.last().unwrap().1["near"], json!("钢铁集团"));
    // A place after the company is nearer.
    let got = attrs(rules, "钢铁集团在临汾投资5亿元。");
    assert_eq!(got.last().unwrap().1["near"], json!("临汾"));
    // A government body is not a company; `org` alone takes any kind.
    let got = attrs(rules, "太原统计局报告投资5亿元。");
    let last = &got.last().unwrap().1;
    assert_eq!(last["near"], json!("太原"));
    assert_eq!(last["any"], json!("太原统计局"));
    // At the same start the longer match is the nearer; `eq` compares.
    let rules_eq = rules.replace(
        "any: nearest(\"org\")",
        "any: nearest(\"org\"), same: eq(nearest(\"org\", \"place\"), nearest(\"org\")), none: eq(null, null)",
    );
    let got = attrs(&rules_eq, "太原统计局报告投资5亿元。");
    let last = &got.last().unwrap().1;
    assert_eq!(last["same"], json!(true));
    assert_eq!(last["none"], json!(false));
    // Only the sentence counts.
    let got = attrs(rules, "钢铁集团很大。投资5亿元。");
    assert_eq!(got.last().unwrap().1["near"], Value::Null);
    // A misspelt label is an error.
    let err = compile_str(
        "t.rules",
        &rules.replace("nearest(\"org\")", "nearest(\"ogr\")"),
    )
    .expect_err("unknown label")
    .to_string();
    assert!(err.contains("unknown label `ogr`"), "{err}");
}

#[test]
fn respectively_pairs_list_items_with_figures() {
    let rules = r#"
namespace t
label fact { overlap: all }
rule n {
    match: q:qty(%)
    emit fact { indicator: respectively(q) }
}
"#;
    let inds = |text: &str| -> Vec<Value> {
        attrs(rules, text)
            .into_iter()
            .map(|(_, a)| a["indicator"].clone())
            .collect()
    };
    assert_eq!(
        inds("高技术制造业、装备制造业增加值分别增长8.9%、7.7%。"),
        [json!("高技术制造业增加值"), json!("装备制造业增加值")]
    );
    assert_eq!(
        inds("上半年，农业和工业科研成果转化率上半年同比分别增长40%和30%。"),
        [json!("农业科研成果转化率"), json!("工业科研成果转化率")]
    );
    // Three items, three figures, no shared head.
    assert_eq!(
        inds("规模以上工业增加值、社会消费品零售总额、服务业生产指数分别增长5.4%、3.2%、5.1%。"),
        [
            json!("规模以上工业增加值"),
            json!("社会消费品零售总额"),
            json!("服务业生产指数")
        ]
    );
    // Items and figures that do not pair up, and figures after the clause.
    assert_eq!(
        inds("甲、乙、丙分别增长5%和6%，比上年高1%。"),
        [Value::Null, Value::Null, Value::Null]
    );
}
