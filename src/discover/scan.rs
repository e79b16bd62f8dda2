//! Candidate phrases in one normalized sentence.
//!
//! Three shapes are looked for (see docs/discover.md):
//!
//! - **quoted**: a short phrase in quotes (`“…”`, `「…」`, `『…』`, `‘…’`,
//!   `"…"`); numeral-led content is a numbered formula, content with `+` a
//!   package, anything else a quoted phrase;
//! - **numbered**: an unquoted numeral-led formula, either one numeral group
//!   directly followed by a policy word (`三减三提行动`, `四个全面战略`) or
//!   two to four groups of equal length (`九通一平`, `一人一档`);
//! - **package**: an unquoted `A+B(+C…)` with short parts.
//!
//! Everything here is positions and characters; what the rules cover, what
//! the quantity scanner reads as a number and what counts as evidence is
//! decided by the caller with [`Raw::evidence`] and [`Raw::numeral_led`].

use tiqu_text::chars::is_han;

/// Words that make a nearby phrase look like a policy: the phrase is named
/// as a reform, mechanism, method, campaign …
pub const POLICY_WORDS: &[&str] = &[
    "工作机制",
    "工作法",
    "改革",
    "机制",
    "模式",
    "制度",
    "活动",
    "行动",
    "工程",
    "服务",
    "要求",
    "战略",
    "政策",
    "举措",
    "理念",
    "体系",
    "攻坚",
];

/// Policy words that belong to the name they follow (`四全工作法`).
const NAME_SUFFIXES: &[&str] = &["工作法"];

/// Characters that lead a numbered formula.
fn is_lead_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '两' | '双'
    )
}

/// Characters that continue a numeral (`十四`, `一百`, `三千万`).
fn is_numeral(c: char) -> bool {
    is_lead_numeral(c) || matches!(c, '千' | '万' | '零' | '〇')
}

/// A character that can be part of a formula group: a Han character that
/// is not a numeral.
fn is_word(c: char) -> bool {
    is_han(c) && !is_numeral(c)
}

/// Characters before a numeral that make it an ordinal or part of another
/// word, not the start of a formula: 第三, 每两, 前三, 这两, 之一, 周一 …
const NOT_AFTER: &[char] = &[
    '第', '每', '前', '后', '近', '这', '那', '哪', '几', '数', '其', '之', '某', '初', '周', '星',
    '拜', '万', '千',
];

/// … and before 一 only: 统一, 唯一, 进一步, 逐一, 单一, 同一, 专一, 划一.
const NOT_BEFORE_ONE: &[char] = &[
    '同', '统', '唯', '进', '逐', '单', '专', '合', '划', '均', '期',
];

/// Characters right after any numeral that make it list numbering or a
/// phase, not a count: 二是, 两者, 二期, 十分, 三来 (the stop-list in
/// docs/discover.md).
const NOT_GROUP_START: &[char] = &['是', '者', '来', '则', '期', '分'];

/// Numeral words that mean "both" or are ordinary words: 两国 (both
/// countries), 两党, 两岸, 双方, 双边, 双向, 百姓.
const NOT_FORMULA_START: &[&str] = &["两国", "两党", "两岸", "双方", "双边", "双向", "百姓"];

/// Quote pairs.
const QUOTES: &[(char, char)] = &[
    ('“', '”'),
    ('「', '」'),
    ('『', '』'),
    ('‘', '’'),
    ('"', '"'),
];

/// Longest content of a quote that is looked at (characters, `、` and `+`
/// included).
const MAX_QUOTE_CHARS: usize = 16;

/// How much a mention says about being a slogan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Quoted, or named by a policy word: counts, and makes the phrase
    /// eligible.
    Strong,
    /// An unquoted formula of equal groups with nothing around it: counts,
    /// but the phrase needs strong evidence somewhere.
    Weak,
    /// A quoted phrase with no policy word in its clause: it counts (as
    /// strong) only when a policy record of the rules is in its sentence.
    IfPolicyNearby,
}

/// One candidate occurrence, in byte offsets of the sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    pub start: usize,
    pub end: usize,
    /// The phrase (the text of `start..end`, or for `一-led` single words
    /// the span plus a following classifier word).
    pub phrase: String,
    pub evidence: Evidence,
    /// The phrase starts with a numeral: the quantity filter applies.
    pub numeral_led: bool,
    /// Whether the numeral-led phrase has one numeral group only.
    pub single_group: bool,
    /// Package components (byte spans in the sentence); empty otherwise.
    pub components: Vec<(usize, usize)>,
    /// Inside quotes.
    pub quoted: bool,
}

/// The sentence as characters with their byte offsets.
struct Chars<'a> {
    text: &'a str,
    c: Vec<char>,
    b: Vec<usize>,
}

impl<'a> Chars<'a> {
    fn new(text: &'a str) -> Self {
        let mut c = Vec::new();
        let mut b = Vec::new();
        for (i, ch) in text.char_indices() {
            b.push(i);
            c.push(ch);
        }
        b.push(text.len());
        Chars { text, c, b }
    }

    fn len(&self) -> usize {
        self.c.len()
    }

    fn at(&self, i: usize) -> Option<char> {
        self.c.get(i).copied()
    }

    fn slice(&self, s: usize, e: usize) -> &'a str {
        &self.text[self.b[s]..self.b[e]]
    }

    /// The policy word starting at character `i`, if any.
    fn policy_word_at(&self, i: usize) -> Option<&'static str> {
        if i >= self.len() {
            return None;
        }
        let rest = &self.text[self.b[i]..];
        POLICY_WORDS.iter().copied().find(|w| rest.starts_with(w))
    }

    /// Whether a policy word occurs in the clause around characters
    /// `s..e`, outside `s..e`.
    fn policy_word_in_clause(&self, s: usize, e: usize) -> bool {
        let sep = |ch: char| tiqu_text::chars::is_clause_separator(ch) || is_sentence_end(ch);
        let mut from = s;
        while from > 0 && !sep(self.c[from - 1]) {
            from -= 1;
        }
        let mut to = e;
        while to < self.len() && !sep(self.c[to]) {
            to += 1;
        }
        (from..s).chain(e..to).any(|i| {
            self.policy_word_at(i)
                .is_some_and(|w| i + w.chars().count() <= s || i >= e)
        })
    }
}

fn is_sentence_end(c: char) -> bool {
    tiqu_text::chars::is_sentence_terminal(c)
}

fn is_plus(c: char) -> bool {
    c == '+' || c == '＋'
}

/// A character of a package component: Han (numerals too: 一网通办+…) or
/// an ASCII letter or digit (5G+, AI+).
fn is_component_char(c: char) -> bool {
    is_han(c) || c.is_ascii_alphanumeric()
}

/// Every candidate of the sentence, left to right, not overlapping.
pub fn candidates(text: &str) -> Vec<Raw> {
    if !text
        .chars()
        .any(|c| is_lead_numeral(c) || is_plus(c) || QUOTES.iter().any(|q| q.0 == c))
    {
        return Vec::new();
    }
    let cs = Chars::new(text);
    let mut out = Vec::new();
    // Character ranges already taken by a quote candidate.
    let mut taken: Vec<(usize, usize)> = Vec::new();
    quoted(&cs, &mut out, &mut taken);
    packages(&cs, &mut out, &mut taken);
    numbered(&cs, &mut out, &taken);
    out.sort_by_key(|r| (r.start, r.end));
    out
}

fn is_taken(taken: &[(usize, usize)], i: usize) -> bool {
    taken.iter().any(|&(s, e)| s <= i && i < e)
}

/// Quoted phrases.
fn quoted(cs: &Chars, out: &mut Vec<Raw>, taken: &mut Vec<(usize, usize)>) {
    let mut i = 0;
    while i < cs.len() {
        let ch = cs.c[i];
        let Some(&(_, close)) = QUOTES.iter().find(|q| q.0 == ch) else {
            i += 1;
            continue;
        };
        let s = i + 1;
        let mut e = s;
        while e < cs.len() && e - s <= MAX_QUOTE_CHARS && cs.c[e] != close {
            e += 1;
        }
        if e >= cs.len() || cs.c[e] != close || e - s > MAX_QUOTE_CHARS {
            i += 1;
            continue;
        }
        if let Some(raw) = quote_content(cs, s, e) {
            taken.push((s, e));
            out.push(raw);
        }
        i = e + 1;
    }
}

/// The candidate for the quote content `s..e` (characters), if it has a
/// candidate's shape.
fn quote_content(cs: &Chars, s: usize, e: usize) -> Option<Raw> {
    let content = &cs.c[s..e];
    let han = content.iter().filter(|c| is_han(**c)).count();
    let plus = content.iter().any(|c| is_plus(*c));
    if !content
        .iter()
        .all(|&c| is_component_char(c) || is_plus(c) || c == '、' || c == '·')
    {
        return None;
    }
    if han < 2 || content.iter().filter(|c| is_component_char(**c)).count() > 10 {
        return None;
    }
    if !plus && content.iter().any(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    // The quote is only a policy word (“改革”).
    let phrase = cs.slice(s, e);
    if POLICY_WORDS.contains(&phrase) {
        return None;
    }
    let base = Raw {
        start: cs.b[s],
        end: cs.b[e],
        phrase: phrase.to_string(),
        evidence: Evidence::Strong,
        numeral_led: false,
        single_group: false,
        components: Vec::new(),
        quoted: true,
    };
    let named = cs.policy_word_at(e + 1).is_some() || cs.policy_word_in_clause(s - 1, e + 1);
    if plus {
        let comps = split_components(cs, s, e)?;
        return Some(Raw {
            components: comps,
            ..base
        });
    }
    if is_lead_numeral(content[0]) {
        let f = formula_at(cs, s, e)?;
        // The whole quote must be the formula.
        if f.end != e {
            return None;
        }
        let weak_one = content[0] == '一' && f.groups == 1;
        return Some(Raw {
            numeral_led: true,
            single_group: f.groups == 1,
            evidence: if weak_one && !named {
                Evidence::IfPolicyNearby
            } else {
                Evidence::Strong
            },
            ..base
        });
    }
    Some(Raw {
        evidence: if named {
            Evidence::Strong
        } else {
            Evidence::IfPolicyNearby
        },
        ..base
    })
}

/// The components of `s..e` split at `+`; `None` if a part is empty (except
/// a trailing `+`: “互联网+”), all digits, or too long.
fn split_components(cs: &Chars, s: usize, e: usize) -> Option<Vec<(usize, usize)>> {
    let mut comps = Vec::new();
    let mut from = s;
    for i in s..=e {
        if i == e || is_plus(cs.c[i]) {
            let part = &cs.c[from..i];
            if part.is_empty() {
                // Only a trailing "+" may leave an empty part.
                if i != e || comps.is_empty() {
                    return None;
                }
            } else {
                if part.len() > 8
                    || part.iter().all(|c| c.is_ascii_digit())
                    || !part.iter().all(|&c| is_component_char(c))
                {
                    return None;
                }
                comps.push((cs.b[from], cs.b[i]));
            }
            from = i + 1;
        }
    }
    if comps.is_empty() {
        return None;
    }
    Some(comps)
}

/// Unquoted `A+B(+C…)`.
fn packages(cs: &Chars, out: &mut Vec<Raw>, taken: &mut Vec<(usize, usize)>) {
    let free =
        |k: usize, taken: &[(usize, usize)]| is_component_char(cs.c[k]) && !is_taken(taken, k);
    let mut i = 0;
    while i < cs.len() {
        if !is_plus(cs.c[i]) || is_taken(taken, i) {
            i += 1;
            continue;
        }
        // The first component: the run before the plus.
        let mut s = i;
        while s > 0 && free(s - 1, taken) {
            s -= 1;
        }
        // The runs after each plus.
        let mut plus = i;
        let mut last = None;
        loop {
            let mut j = plus + 1;
            while j < cs.len() && free(j, taken) {
                j += 1;
            }
            if j == plus + 1 {
                break;
            }
            last = Some((plus + 1, j));
            if j < cs.len() && is_plus(cs.c[j]) {
                plus = j;
            } else {
                break;
            }
        }
        let Some((last_start, e)) = last else {
            i += 1;
            continue;
        };
        if let Some((ps, pe)) = trim_package(cs, s, i, last_start, e)
            && let Some(comps) = split_components(cs, ps, pe)
            && comps.len() >= 2
        {
            taken.push((ps, pe));
            out.push(Raw {
                start: cs.b[ps],
                end: cs.b[pe],
                phrase: cs.slice(ps, pe).to_string(),
                evidence: Evidence::Strong,
                numeral_led: false,
                single_group: false,
                components: comps,
                quoted: false,
            });
        }
        i = e;
    }
}

/// Cuts the runs around an unquoted package to the package. The first
/// component is the run before the first plus (`s..plus`) and must be at
/// most four characters: where `持续深化承诺制` starts cannot be told
/// without a dictionary. The last run (`last..e`) is whole when it has at
/// most four characters, else it ends before its last policy word within
/// six characters (`集成服务模式全面推开` → 集成服务); else no candidate.
fn trim_package(
    cs: &Chars,
    s: usize,
    plus: usize,
    last: usize,
    e: usize,
) -> Option<(usize, usize)> {
    if plus - s == 0 || plus - s > 4 {
        return None;
    }
    if e - last <= 4 {
        return Some((s, e));
    }
    (last + 2..=(last + 6).min(e))
        .rev()
        .find(|&k| cs.policy_word_at(k).is_some())
        .map(|k| (s, k))
}

/// A numeral formula found at a position.
struct Formula {
    /// End (characters, exclusive).
    end: usize,
    /// Number of numeral groups.
    groups: usize,
}

/// Reads numeral groups from `s` (a lead numeral) up to `limit`: a group is
/// a numeral (up to three numeral characters: 十四, 一百) and one to five
/// word characters. Returns the groups as (numeral start, word start, word
/// length).
fn groups_at(cs: &Chars, s: usize, limit: usize) -> Vec<(usize, usize, usize)> {
    let mut groups = Vec::new();
    let mut i = s;
    while i < limit && groups.len() < 4 {
        let n = i;
        while i < limit && i - n < 3 && is_numeral(cs.c[i]) {
            i += 1;
        }
        if i == n || (i < limit && is_numeral(cs.c[i])) {
            break;
        }
        let w = i;
        while i < limit && i - w < 5 && is_word(cs.c[i]) {
            i += 1;
        }
        groups.push((n, w, i - w));
        // The group is closed by the next numeral; a long or open group
        // ends the formula.
        if i - w == 0 || i - w > 3 || i >= limit || !is_numeral(cs.c[i]) {
            break;
        }
    }
    groups
}

/// A formula that fills `s..limit` exactly or ends at `limit` (for quote
/// content): every group but the last closed, the last one to three chars.
fn formula_at(cs: &Chars, s: usize, limit: usize) -> Option<Formula> {
    let groups = groups_at(cs, s, limit);
    let &(_, w0, l0) = groups.first()?;
    if l0 == 0 && groups.len() == 1 {
        return None;
    }
    if not_a_formula(cs, s, w0, limit) {
        return None;
    }
    let &(n, w, l) = groups.last()?;
    let end = if l == 0 { n + (w - n) } else { w + l };
    Some(Formula {
        end,
        groups: groups.len(),
    })
}

/// Unquoted numeral-led formulas.
fn numbered(cs: &Chars, out: &mut Vec<Raw>, taken: &[(usize, usize)]) {
    let mut i = 0;
    while i < cs.len() {
        let ch = cs.c[i];
        let boundary = i == 0 || {
            let p = cs.c[i - 1];
            let glued = is_numeral(p)
                || p.is_ascii_alphanumeric()
                || NOT_AFTER.contains(&p)
                || (ch == '一' && NOT_BEFORE_ONE.contains(&p));
            !glued
        };
        if !is_lead_numeral(ch) || !boundary || is_taken(taken, i) {
            i += 1;
            continue;
        }
        // Stop at the next quote candidate.
        let limit = taken
            .iter()
            .filter(|&&(s, _)| s > i)
            .map(|&(s, _)| s - 1)
            .min()
            .unwrap_or(cs.len())
            .min(i + 14);
        match unquoted_formula(cs, i, limit) {
            Some(raw) => {
                let end_chars = cs.b.partition_point(|&b| b < raw.end);
                out.push(raw);
                i = end_chars.max(i + 1);
            }
            None => i += 1,
        }
    }
}

fn unquoted_formula(cs: &Chars, s: usize, limit: usize) -> Option<Raw> {
    let groups = groups_at(cs, s, limit);
    let &(_, w0, l0) = groups.first()?;
    if l0 == 0 {
        return None;
    }
    // A positional number (十八大, 二十届, 二十国集团) counts or orders;
    // formulas start with one numeral character (九二共识 is not positional).
    if w0 - s >= 2
        && cs.c[s..w0]
            .iter()
            .any(|c| matches!(c, '十' | '百' | '千' | '万'))
    {
        return None;
    }
    if not_a_formula(cs, s, w0, limit) {
        return None;
    }
    let k = groups.len();
    let (ln, lw, ll) = groups[k - 1];
    let max_last = if k == 1 { 4 } else { 3 };
    // Particles do not occur inside a formula: 十九大作出的.
    let make = |end: usize, evidence: Evidence| {
        (!cs.c[s..end].iter().any(|c| matches!(c, '的' | '了' | '着'))).then(|| Raw {
            start: cs.b[s],
            end: cs.b[end],
            phrase: cs.slice(s, end).to_string(),
            evidence,
            numeral_led: true,
            single_group: k == 1,
            components: Vec::new(),
            quoted: false,
        })
    };
    // Named by a policy word right after the formula.
    let min_last = usize::from(k == 1);
    for len in min_last..=ll.min(max_last) {
        if len == 0 && lw == ln {
            continue;
        }
        let at = lw + len;
        if let Some(w) = cs.policy_word_at(at) {
            let wl = w.chars().count();
            // 三项改革, 十大工程: a numeral and a classifier is not a
            // name, the policy word is part of it (but 五联机制 is 五联);
            // 四全工作法 keeps its suffix.
            let end =
                if NAME_SUFFIXES.contains(&w) || (k == 1 && len == 1 && is_classifier(cs, s, lw)) {
                    at + wl
                } else {
                    at
                };
            if k == 1 && ch_is_one(cs, s) {
                return None;
            }
            return make(end, Evidence::Strong);
        }
    }
    if k == 1 {
        return None;
    }
    // Equal groups: 九通一平, 一人一档, 两个一批.
    let m = groups[0].2;
    if groups[..k - 1].iter().all(|g| g.2 == m) && ll >= m && m <= 2 {
        return make(lw + m, Evidence::Weak);
    }
    None
}

/// The stop-lists: the formula at `s` whose first word starts at `w0`.
fn not_a_formula(cs: &Chars, s: usize, w0: usize, limit: usize) -> bool {
    cs.at(w0)
        .is_some_and(|c| w0 < limit && NOT_GROUP_START.contains(&c))
        || NOT_FORMULA_START
            .iter()
            .any(|p| cs.slice(s, limit).starts_with(p))
}

/// Whether the one character at `w` after the numeral at `s` is a
/// classifier: 大 (三大攻坚, 十大工程), or what the quantity scanner reads as
/// the unit of a count (三项, 八个).
fn is_classifier(cs: &Chars, s: usize, w: usize) -> bool {
    cs.c[w] == '大'
        || tiqu_quantity::quantity_at(cs.text, cs.b[s]).is_some_and(|q| {
            q.kind == tiqu_quantity::QuantityKind::Measure
                && q.dimension == Some(tiqu_quantity::Dimension::Count)
                && q.end == cs.b[w + 1]
        })
}

fn ch_is_one(cs: &Chars, s: usize) -> bool {
    cs.at(s) == Some('一')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(text: &str) -> Vec<(String, Evidence)> {
        candidates(text)
            .into_iter()
            .map(|r| (r.phrase, r.evidence))
            .collect()
    }

    fn names(text: &str) -> Vec<String> {
        candidates(text).into_iter().map(|r| r.phrase).collect()
    }

    #[test]
    fn quoted_phrase_next_to_policy_word() {
        assert_eq!(
            phrases("推行“五星十联”机制，成效明显。"),
            vec![("五星十联".to_string(), Evidence::Strong)]
        );
        assert_eq!(
            phrases("秉持“极致服务”理念，构建机制"),
            vec![("极致服务".to_string(), Evidence::Strong)]
        );
        // No policy word in the clause: only with a policy record nearby.
        assert_eq!(
            phrases("打造“金名片”。"),
            vec![("金名片".to_string(), Evidence::IfPolicyNearby)]
        );
        assert_eq!(
            names("实行“日跟踪、周调度、月通报”工作机制，"),
            vec!["日跟踪、周调度、月通报"]
        );
        // Too long, a single character, or only a policy word: nothing.
        assert!(names("他说“我们一定要把这件事情办好办实办细”。").is_empty());
        assert!(names("“谋”字为先").is_empty());
        assert!(names("深化“改革”").is_empty());
    }

    #[test]
    fn numbered_formulas() {
        assert_eq!(
            phrases("开展三减三提行动"),
            vec![("三减三提".to_string(), Evidence::Strong)]
        );
        assert_eq!(names("推进四个全面战略布局"), vec!["四个全面"]);
        assert_eq!(names("深化三项改革"), vec!["三项改革"]);
        assert_eq!(names("打好三大攻坚战"), vec!["三大攻坚"]);
        assert_eq!(names("推行五联工作机制"), vec!["五联"]);
        assert_eq!(names("践行五步工作法"), vec!["五步工作法"]);
        assert_eq!(
            phrases("实现九通一平，"),
            vec![("九通一平".to_string(), Evidence::Weak)]
        );
        assert_eq!(names("落实两个一批项目"), vec!["两个一批"]);
        assert_eq!(names("实现两个一百年奋斗目标"), vec!["两个一百年"]);
        assert_eq!(names("坚持“一网通办”改革"), vec!["一网通办"]);
    }

    #[test]
    fn not_formulas() {
        // Ordinals, words with 一 inside, list numbering, periods.
        assert!(names("第一要务是发展").is_empty());
        assert!(names("进一步深化改革").is_empty());
        assert!(names("二是深化改革").is_empty());
        assert!(names("十分重视改革").is_empty());
        assert!(names("统一大市场建设").is_empty());
        // 一-led single words are not formulas unless quoted.
        assert!(names("一体化改革").is_empty());
        assert!(names("十四五时期").is_empty());
        assert!(names("十九大作出的战略部署").is_empty());
        assert!(names("二十大战略部署").is_empty());
        assert!(names("中美两国战略对话").is_empty());
    }

    #[test]
    fn packages() {
        assert_eq!(
            names("推行互联网+政务服务改革"),
            Vec::<String>::new(),
            "the first run is too long to cut"
        );
        assert_eq!(names("，互联网+政务服务改革"), vec!["互联网+政务服务"]);
        assert_eq!(
            names("，一窗受理+集成服务模式全面推开"),
            vec!["一窗受理+集成服务"]
        );
        assert_eq!(names("，工业+旅游"), vec!["工业+旅游"]);
        let r = &candidates("推动“5G+工业互联网”发展")[0];
        assert_eq!(r.phrase, "5G+工业互联网");
        assert_eq!(r.components.len(), 2);
        assert_eq!(names("“微短剧+”赋能千行百业"), vec!["微短剧+"]);
        assert!(names("1+1大于2").is_empty());
    }
}
