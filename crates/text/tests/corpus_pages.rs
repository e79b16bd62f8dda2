//! The five sample pages in `corpus/`: article counts and subjects.

use tiqu_text::{ParagraphKind, Prepared};

fn page(name: &str) -> String {
    let path = format!("{}/../../corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn subjects(name: &str) -> Vec<String> {
    let text = page(name);
    let p = Prepared::new(&text);
    if std::env::var_os("TIQU_DEBUG").is_some() {
        for (i, para) in p.normalized.paragraphs.iter().enumerate() {
            let t = &p.normalized.text[para.start as usize..para.end as usize];
            let short: String = t.chars().take(30).collect();
            eprintln!(
                "{i:3} {:?} {:?} {short}",
                p.structure.paragraph_kinds[i], p.structure.paragraph_article[i]
            );
        }
    }
    p.structure
        .articles
        .iter()
        .map(|a| a.subject.as_ref().map_or(String::new(), |s| s.name.clone()))
        .collect()
}

#[test]
fn page_000_two_cities() {
    assert_eq!(subjects("000_74bb4fe9bcfc2550.txt"), ["临汾市", "运城市"]);
}

#[test]
fn page_001_five_zones() {
    assert_eq!(
        subjects("001_9a74a2126f12fdd2.txt"),
        [
            "临汾经济开发区",
            "上党经济技术开发区",
            "临猗现代农业产业示范区",
            "晋城经济技术开发区",
            "高平经济技术开发区"
        ]
    );
}

#[test]
fn page_002_two_cities() {
    assert_eq!(subjects("002_97cfec9b54826632.txt"), ["太原市", "吕梁市"]);
}

#[test]
fn page_003_title_inside_second_article() {
    assert_eq!(subjects("003_eb631eeb210a3665.txt"), ["临汾市", "吕梁市"]);
}

#[test]
fn page_004_two_cities() {
    assert_eq!(subjects("004_ff43aca535c65824.txt"), ["晋中市", "忻州市"]);
}

#[test]
fn pages_heal_the_known_breaks() {
    let p0 = page("000_74bb4fe9bcfc2550.txt");
    let n0 = tiqu_text::normalize(&p0).text;
    for want in [
        "落实中央",
        "“三大支撑”",
        "签约额221.23亿元",
        "重点产业链项目31个，",
        "“升级版”",
    ] {
        assert!(n0.contains(want), "000 lacks {want}");
    }
    let n1 = tiqu_text::normalize(&page("001_9a74a2126f12fdd2.txt")).text;
    for want in ["全生命周期服务机制", "项目用地规划许可", "筑牢项目扎根生长"]
    {
        assert!(n1.contains(want), "001 lacks {want}");
    }
    let n3 = tiqu_text::normalize(&page("003_eb631eeb210a3665.txt")).text;
    for want in [
        "“应赋尽赋”原则，对照",
        "1-6月，全市",
        "（供稿：吕梁市商务局）",
    ] {
        assert!(n3.contains(want), "003 lacks {want}");
    }
    let n4 = tiqu_text::normalize(&page("004_ff43aca535c65824.txt")).text;
    for want in [
        "【2023年以来六次“三个一批”项目进展情况】",
        "【2024年第三次“三个一批”项目情况】",
        "“签约一批”项目47个",
    ] {
        assert!(n4.contains(want), "004 lacks {want}");
    }
}

#[test]
fn section_heads_are_found() {
    let text = page("000_74bb4fe9bcfc2550.txt");
    let p = Prepared::new(&text);
    let heads: Vec<&str> = p
        .structure
        .sections
        .iter()
        .map(|s| p.normalized_text(s.head))
        .collect();
    assert_eq!(
        heads,
        [
            "【工作成绩】",
            "【工作措施】",
            "【下一步打算】",
            "【工作成绩】",
            "【工作措施】",
            "【下一步打算】"
        ]
    );
    let bylines = p
        .structure
        .paragraph_kinds
        .iter()
        .filter(|k| **k == ParagraphKind::Byline)
        .count();
    assert_eq!(bylines, 2);
}
