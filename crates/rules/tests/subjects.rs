//! Who a figure is about and what it carries over: `sentence.named_subject`,
//! `sentence.subject`, `article.named_subject`, `previous(…, "paragraph")`;
//! the length limit of context patterns; which lexicons go into the
//! segmenter's dictionary (`lexicon_words`).

mod common;

use serde_json::{Value, json};
use tiqu_rules::compile_str;
use tiqu_text::Prepared;

/// The records of `label`, as (matched text, attributes), in text order.
fn records(rules: &str, text: &str, label: &str) -> Vec<(String, Value)> {
    common::run(rules, text)
        .into_iter()
        .filter(|(l, _, _)| l == label)
        .map(|(_, t, a)| (t, a))
        .collect()
}

// The fact rule comes first: the subjects it reads must still be found
// before it runs (the label order follows what the emission reads).
const SUBJECTS: &str = r#"
namespace t
label fact { overlap: all }
label zone { overlap: longest }
label place { overlap: longest }
label org { overlap: longest }
rule n {
    match: q:qty(money)
    emit fact {
        named: sentence.named_subject,
        subject: sentence.subject,
        title: article.named_subject,
    }
}
lexicon place {
    太原市 = 太原
    临汾 大庆 广西 吕梁
}
rule place { match: p:@place emit place { name: canon(p) } }
rule zone { match: z:(临汾开发区 | 吕梁经开区) emit zone { name: text(z) } }
rule company { match: o:(han{2} 集团 | 大庆油田) emit org { kind: "company" } }
rule bureau { match: o:(han{2} 统计局) emit org { kind: "government" } }
rule association { match: o:(han{2} (林场 | 联合会 | 联盟)) emit org { kind: "association" } }
rule project { match: p:(han{2} (工程 | 铁路港)) emit project { name: text(p) } }
rule policy { match: "“" p:(han{2,6} 招商) "”" emit policy { canonical: text(p) } }
label project { overlap: longest }
"#;

/// (named_subject, subject, article.named_subject) of each figure.
fn subjects(text: &str) -> Vec<(Value, Value, Value)> {
    records(SUBJECTS, text, "fact")
        .into_iter()
        .map(|(_, a)| (a["named"].clone(), a["subject"].clone(), a["title"].clone()))
        .collect()
}

fn named(text: &str) -> Vec<Value> {
    subjects(text).into_iter().map(|s| s.0).collect()
}

fn subject(text: &str) -> Vec<Value> {
    subjects(text).into_iter().map(|s| s.1).collect()
}

#[test]
fn named_subject_takes_a_company_named_after_the_place() {
    let got = subjects("太原的钢铁集团营收5亿元。");
    assert_eq!(got.len(), 1, "{got:?}");
    // A company counts for named_subject; sentence.subject keeps to places
    // and zones, by their canonical form.
    assert_eq!(got[0].0, json!("钢铁集团"));
    assert_eq!(got[0].1, json!("太原市"));
    // The place named after the company is the last one.
    assert_eq!(named("钢铁集团的临汾项目投资5亿元。"), [json!("临汾")]);
    // A name after the figure does not count.
    assert_eq!(named("临汾投资5亿元，钢铁集团承建。"), [json!("临汾")]);
    // Only companies among the orgs: a government body is not a subject.
    assert_eq!(named("太原统计局报告投资5亿元。"), [json!("太原市")]);
    // A zone is a subject too.
    assert_eq!(
        named("吕梁经开区和临汾开发区共投资5亿元。"),
        [json!("临汾开发区")]
    );
}

#[test]
fn named_subject_skips_partners_and_destinations() {
    assert_eq!(named("太原与临汾签约项目5亿元。"), [json!("太原市")]);
    assert_eq!(named("太原同临汾签约项目5亿元。"), [json!("太原市")]);
    assert_eq!(named("太原和临汾签约项目5亿元。"), [json!("临汾")]);
    assert_eq!(
        named("太原的钢铁集团与大庆油田签约5亿元。"),
        [json!("钢铁集团")]
    );
    assert_eq!(named("太原产品销往广西5亿元。"), [json!("太原市")]);
    // sentence.subject skips a partner after 与/同 as well.
    assert_eq!(subject("太原与临汾签约项目5亿元。"), [json!("太原市")]);
    assert_eq!(subject("太原同临汾签约项目5亿元。"), [json!("太原市")]);
    // With nothing else named, there is no subject (and no article to
    // fall back on).
    assert_eq!(named("与临汾签约项目5亿元。"), [Value::Null]);
    assert_eq!(subject("与临汾签约项目5亿元。"), [Value::Null]);
    // A one-character marker must be a word of its own: the 同 of 大同 or
    // 共同 and the 与 of 参与 are not prepositions.
    assert_eq!(named("大同钢铁集团营收5亿元。"), [json!("钢铁集团")]);
    assert_eq!(named("共同钢铁集团营收5亿元。"), [json!("钢铁集团")]);
    assert_eq!(named("参与临汾项目投资5亿元。"), [json!("临汾")]);
}

#[test]
fn a_name_inside_a_longer_one_is_part_of_it() {
    // 吕梁 sits inside the zone 临汾开发区吕梁: the zone, not the place.
    let rules = SUBJECTS.replace(
        "z:(临汾开发区 | 吕梁经开区)",
        "z:(临汾开发区 | 吕梁经开区 | 临汾开发区吕梁片区)",
    );
    let got: Vec<Value> = records(&rules, "在临汾开发区吕梁片区，企业投资5亿元。", "fact")
        .into_iter()
        .map(|(_, a)| a["named"].clone())
        .collect();
    assert_eq!(got, [json!("临汾开发区吕梁片区")]);
}

#[test]
fn at_the_same_start_the_longer_name_wins() {
    let got = subjects("大庆油田产值5亿元。");
    // 大庆油田 (a company) over 大庆 (a place) for named_subject …
    assert_eq!(got[0].0, json!("大庆油田"));
    // … while sentence.subject reads places and zones only.
    assert_eq!(got[0].1, json!("大庆"));
}

#[test]
fn named_subject_carries_over_the_paragraph_only_without_an_article_subject() {
    // No title, no byline, no 市/县/开发区 in the lead: the article has no
    // subject, so the one named in the earlier sentence carries over.
    // (Without a title, article.named_subject is the lead's first name.)
    let text = "广西开展攻坚。全年新增投资5亿元。";
    assert_eq!(
        subjects(text),
        [(json!("广西"), json!("广西"), json!("广西"))]
    );
    // It carries over until another is named.
    assert_eq!(
        named("广西开展攻坚。大庆油田跟进。全年新增投资5亿元。"),
        [json!("大庆油田")]
    );
    // Not into the next paragraph.
    assert_eq!(named("广西开展攻坚。\n全年新增投资5亿元。"), [Value::Null]);
    // A zone title gives the article a subject: the place named in passing
    // in an earlier sentence is not carried over, and named_subject does
    // not fall back to the article's subject (sentence.subject does).
    let text = "临汾开发区\n广西开展攻坚。全年新增投资5亿元。";
    let p = Prepared::new(text);
    let subject = p.structure.articles[0]
        .subject
        .as_ref()
        .map(|s| s.name.as_str());
    assert_eq!(subject, Some("临汾开发区"), "the title gives the subject");
    assert_eq!(
        subjects(text),
        [(Value::Null, json!("临汾开发区"), json!("临汾开发区"))]
    );
    // A name in the figure's own sentence still counts.
    assert_eq!(
        subjects("临汾开发区\n广西开展攻坚，全年新增投资5亿元。"),
        [(json!("广西"), json!("广西"), json!("临汾开发区"))]
    );
}

#[test]
fn article_named_subject_is_the_first_name_in_the_title() {
    // A title line is a paragraph of its own when it is short next to the
    // page's lines.
    const BODY: &str = "今年以来各地加快推进重大项目建设，临汾全年投资5亿元。";
    let with_title = |title: &str| {
        let text = format!("{title}\n{BODY}");
        let p = Prepared::new(&text);
        assert!(p.structure.articles[0].title.is_some(), "{title}: no title");
        subjects(&text)
    };
    // The earliest name in the title, whatever the body names.
    assert_eq!(
        with_title("太原钢铁集团项目开工"),
        [(json!("临汾"), json!("临汾"), json!("太原市"))]
    );
    // At the same start the longer name: 大庆油田, not 大庆.
    assert_eq!(with_title("大庆油田项目开工")[0].2, json!("大庆油田"));
    // A partner after 与 in the title is skipped.
    assert_eq!(with_title("钢铁集团与太原合作")[0].2, json!("钢铁集团"));
    assert_eq!(with_title("与太原合作项目开工")[0].2, Value::Null);
    // A title that names nothing.
    assert_eq!(with_title("重大项目集中开工")[0].2, Value::Null);
}

#[test]
fn article_named_subject_without_a_title_is_the_first_name_in_the_lead() {
    // No title: the first name in the article's first paragraph, for
    // figures in any later paragraph.
    let text = "央视网消息：党的十八大以来，总书记三次到吕梁考察调研。\n今年新增投资5亿元。";
    assert!(Prepared::new(text).structure.articles[0].title.is_none());
    assert_eq!(subjects(text)[0].2, json!("吕梁"));
    // The lead names nothing: nothing.
    assert_eq!(
        subjects("今年以来各地加快推进建设。\n今年新增投资5亿元。")[0].2,
        Value::Null
    );
}

#[test]
fn previous_with_paragraph_reaches_into_the_earlier_sentence() {
    let rules = r#"
namespace t
label fact { overlap: longest }
rule n {
    match: (i:(营收 | 产值))? q:qty(money)
    emit fact {
        indicator: text(i) ?? previous("indicator", "paragraph"),
        plain: text(i) ?? previous("indicator"),
    }
}
"#;
    let get = |text: &str| -> Vec<(Value, Value)> {
        records(rules, text, "fact")
            .into_iter()
            .map(|(_, a)| (a["indicator"].clone(), a["plain"].clone()))
            .collect()
    };
    // The earlier sentence of the paragraph: only the "paragraph" form.
    assert_eq!(
        get("营收5亿元。其中，一季度2亿元。"),
        [(json!("营收"), json!("营收")), (json!("营收"), Value::Null)]
    );
    // Within the sentence both read the figure before.
    assert_eq!(
        get("营收5亿元、2亿元。"),
        [
            (json!("营收"), json!("营收")),
            (json!("营收"), json!("营收"))
        ]
    );
    // The nearest earlier record decides, even in an earlier sentence.
    assert_eq!(
        get("营收5亿元，产值3亿元。其中，一季度2亿元。")[2],
        (json!("产值"), Value::Null)
    );
    // Not into another paragraph, and not across a `；` in the sentence.
    assert_eq!(
        get("营收5亿元。\n其中，一季度2亿元。")[1],
        (Value::Null, Value::Null)
    );
    assert_eq!(
        get("营收5亿元；一季度2亿元。")[1],
        (Value::Null, Value::Null)
    );
}

#[test]
fn context_patterns_may_be_80_characters_long() {
    let rule =
        |pat: &str| format!("namespace t\nlabel x {{}}\nrule r {{ match: 投资 {pat} emit x }}\n");
    for ok in [
        "next(han{40} han{30})",
        "next(han{40} han{40})",
        "prev(han{33} han{33})",
        "next(tok(pos~\"n\") tok(pos~\"n\") tok(pos~\"n\") tok(pos~\"n\") tok(pos~\"n\"))",
    ] {
        if let Err(e) = compile_str("t.rules", &rule(ok)) {
            panic!("{ok}: {e}");
        }
    }
    for bad in [
        "next(han{40} han{41})",
        "prev(han{64} han{17})",
        "next(tok(pos~\"n\") tok(pos~\"n\") tok(pos~\"n\") tok(pos~\"n\") tok(pos~\"n\") han)",
    ] {
        let err = compile_str("t.rules", &rule(bad)).expect_err(bad);
        let codes: Vec<&str> = err.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["unbounded-context"], "{bad}");
        assert!(
            err.diagnostics[0].message.contains("at most 80 characters"),
            "{}",
            err.diagnostics[0].message
        );
    }
    // A 66-character lookbehind is checked in full when matching.
    let rules = "namespace t\nlabel x {}\nrule r { match: prev(han{33} han{33}) 投资 emit x }\n";
    let long = "甲".repeat(66);
    assert_eq!(records(rules, &format!("{long}投资5亿元。"), "x").len(), 1);
    let short = "甲".repeat(65);
    assert_eq!(records(rules, &format!("{short}投资5亿元。"), "x").len(), 0);
}

#[test]
fn lexicon_words_are_those_of_matched_lexicons_only() {
    let rules = r#"
namespace t
label fact { overlap: all }
label place {}
lexicon place {
    太原市 = 太原
    临汾
}
lexicon unit_words { 项目 }
lexicon cues {
    target = 计划, 目标
    actual = 已达目标
}
lexicon national { 全国 = 我国 }
rule place { match: p:@place emit place { name: canon(p) } }
rule n {
    match: q:qty(money) (next(@unit_words))?
    emit fact { status: cue("cues") ?? "actual", whole: lookup("national", "我国") }
}
"#;
    let set = compile_str("t.rules", rules).unwrap_or_else(|e| panic!("{e}"));
    let mut words = set.lexicon_words();
    words.sort();
    // Canonical forms and aliases of `@place`, and of a lexicon matched
    // only inside next(…); not the words of lexicons read by cue() or
    // lookup().
    assert_eq!(words, ["临汾", "太原", "太原市", "项目"]);
    // The cue lexicon still works as one.
    let got = records(rules, "计划投资5亿元。", "fact");
    assert_eq!(got[0].1["status"], json!("target"));
    assert_eq!(got[0].1["whole"], json!("全国"));
}

#[test]
fn a_misspelt_context_field_or_scope_is_an_error() {
    let err = tiqu_rules::compile_str(
        "t.rules",
        "rule a { match: q:qty emit fact { s: sentence.named_subjcet, v: q.value } }",
    )
    .unwrap_err();
    let d = &err.diagnostics[0];
    assert_eq!(d.code, "unknown-field");
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `sentence.named_subject`?")
    );
    let err = tiqu_rules::compile_str(
        "t.rules",
        "rule a { match: q:qty emit fact { i: previous(\"indicator\", \"paragraphs\"), v: q.value } }",
    )
    .unwrap_err();
    assert_eq!(err.diagnostics[0].code, "unknown-scope");
    // The fields that exist compile, bare roots too.
    tiqu_rules::compile_str(
        "t.rules",
        "rule a { match: q:qty emit fact { a: sentence, b: sentence.period, c: article.named_subject, d: section.head, e: match.text, f: previous(\"x\", \"paragraph\"), v: q.value } }",
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_zone_named_by_its_kind_alone_is_the_last_zone_named() {
    // The article has a subject of its own (its title), so nothing carries
    // over from earlier sentences; a clause that opens with the bare kind
    // word (经开区内…) means the zone named last before it.
    let text = "临汾开发区\n临汾开发区开工。吕梁经开区签约。目前，经开区内投资5亿元。";
    assert_eq!(named(text), [json!("吕梁经开区")]);
    // After a word the kind is a class of zones, not one (全市经开区).
    let text = "临汾开发区\n吕梁经开区签约。目前，全市经开区投资5亿元。";
    assert_eq!(named(text), [Value::Null]);
    // Only zones named before the sentence count.
    let text = "临汾开发区\n目前，经开区内投资5亿元。";
    assert_eq!(named(text), [json!("临汾开发区")]);
    // 这里 opening a clause is the zone named last, in any earlier paragraph.
    let text = "临汾开发区\n吕梁经开区签约。\n现在，这里已完成投资5亿元。";
    assert_eq!(named(text), [json!("吕梁经开区")]);
    // Not 这里 inside a clause.
    let text = "临汾开发区\n吕梁经开区签约。\n现在，企业在这里投资5亿元。";
    assert_eq!(named(text), [Value::Null]);
    // A pointer word before the kind, anywhere in the sentence.
    let text = "临汾开发区\n吕梁经开区签约。\n共5亿元资金投向这座园区。";
    assert_eq!(named(text), [json!("吕梁经开区")]);
    // A class after another word is not one zone.
    let text = "临汾开发区\n吕梁经开区签约。\n共5亿元资金投向全市园区。";
    assert_eq!(named(text), [Value::Null]);
}

#[test]
fn forest_farms_are_subjects_national_bodies_and_alliances_are_not() {
    assert_eq!(named("溪水林场今年投资5亿元。"), [json!("溪水林场")]);
    // Where the figure comes from, or a body that talks about it.
    assert_eq!(
        named("中国电力联合会数据显示，全年投资5亿元。"),
        [Value::Null]
    );
    assert_eq!(named("成立党建联盟，全年投资5亿元。"), [Value::Null]);
}

#[test]
fn a_name_after_the_figure_counts_when_none_comes_before() {
    // In the figure's clause, when nothing is named before it.
    assert_eq!(named("共5亿元的重点项目落地吕梁。"), [json!("吕梁")]);
    // A name before it still wins.
    assert_eq!(named("临汾共5亿元的重点项目落地吕梁。"), [json!("临汾")]);
    // Not past a `、` or into the next clause.
    assert_eq!(
        named("补贴由3亿元增至5亿元、支持吕梁企业发展。"),
        [Value::Null, Value::Null]
    );
    assert_eq!(named("共5亿元，吕梁也有项目。"), [Value::Null]);
    // Not when the whole country is named before it.
    assert_eq!(named("全国共5亿元的项目落地吕梁。"), [Value::Null]);
}

#[test]
fn a_named_project_is_the_subject_where_it_is_the_topic() {
    // It opens the sentence: the figures after it are its own.
    assert_eq!(
        named("引水工程今天开工，总投资5亿元。"),
        [json!("引水工程")]
    );
    // In a clause of place.
    assert_eq!(
        named("而在长沙铁路港，全年投资5亿元。"),
        [json!("长沙铁路港")]
    );
    // The figure follows it closely.
    assert_eq!(named("临汾的引水工程投资5亿元。"), [json!("引水工程")]);
    // Named in passing, or inside the figure's words: not the subject.
    assert_eq!(named("临汾参观引水工程，全年投资5亿元。"), [json!("临汾")]);
    // A sentence that opens with the project word means the one named last.
    let text = "引水工程开工\n工程以临汾水库为水源，总投资5亿元。";
    assert_eq!(named(text), [json!("引水工程")]);
}

#[test]
fn a_place_inside_a_policy_name_is_not_the_subject() {
    // “吕梁驻点招商” names a policy; the figure is about the sentence's
    // own subject, here none, and carries nothing from the policy.
    assert_eq!(named("探索“吕梁驻点招商”，拜访企业5亿元。"), [Value::Null]);
    assert_eq!(
        named("临汾探索“吕梁驻点招商”，拜访企业5亿元。"),
        [json!("临汾")]
    );
    // Outside the quotes it is a place again.
    assert_eq!(named("探索吕梁驻点，拜访企业5亿元。"), [json!("吕梁")]);
}

#[test]
fn the_whole_country_after_the_last_name_in_the_clause_wins() {
    assert_eq!(
        named("临汾投资1亿元，目前全国水库投资5亿元。"),
        [json!("临汾"), json!("全国")]
    );
    // Not as a base of comparison or a share.
    assert_eq!(named("临汾投资占全国5亿元。"), [json!("临汾")]);
    // Not from another clause.
    assert_eq!(named("全国水库很多，临汾投资5亿元。"), [json!("临汾")]);
}
