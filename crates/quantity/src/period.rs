//! Time periods: 1-6月, 截至7月底, 上半年, 今年以来, 2024年, 一季度, 十四五, 2月23日 …

use std::fmt;

use pest::Parser;
use pest::iterators::Pair;

use crate::{QParser, Rule};

/// What sort of period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// 2023年, 今年, 全年
    Year,
    /// 2020至2024年
    YearRange,
    /// 10月份, 2024年7月
    Month,
    /// 1-6月
    MonthRange,
    /// 一季度, 前三季度
    Quarter,
    /// 上半年 / 下半年
    Half,
    /// 2月23日
    Day,
    /// 截至7月底 (from the start of the year up to a month)
    ToDate,
    /// 今年以来, 2024年以来, 从9月份开始
    Since,
    /// 年底前, 9月底前
    Deadline,
    /// 十四五 (five-year plan)
    FiveYearPlan,
    /// 前两次, 前三批: the first N events of a series (not a calendar period)
    EventSpan,
}

/// Relative year marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relative {
    ThisYear,
    LastYear,
    NextYear,
    YearBeforeLast,
    /// 全年 / 当年 / 本年: the year of the document
    WholeYear,
    /// 今天 / 今日 / 当天: the day of the document
    Today,
    /// 昨天 / 昨日: the day before the document's
    Yesterday,
}

/// One time period found in text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Period {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: PeriodKind,
    pub year: Option<i32>,
    pub year_end: Option<i32>,
    pub month_start: Option<u8>,
    pub month_end: Option<u8>,
    pub quarter: Option<u8>,
    /// quarter range end (前三季度 → quarter 1, quarter_end 3)
    pub quarter_end: Option<u8>,
    pub half: Option<u8>,
    pub day: Option<u8>,
    /// N in 前N次 / 十四五 (14)
    pub count: Option<u32>,
    pub relative: Option<Relative>,
    /// 以来 / 至今 / 开始 / 起
    pub since: bool,
    /// 底前 / 前 (a deadline)
    pub deadline: bool,
    /// Compact normal form (see [`Period::normalize`]).
    pub normalized: String,
}

fn cn_small_number(s: &str) -> Option<u32> {
    if let Ok(v) = s.trim().parse::<u32>() {
        return Some(v);
    }
    let d = |c: char| match c {
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        '〇' | '零' => Some(0),
        _ => None,
    };
    let cs: Vec<char> = s.chars().collect();
    match cs.as_slice() {
        ['十'] => Some(10),
        [a] => d(*a),
        ['十', b] => Some(10 + d(*b)?),
        [a, '十'] => Some(d(*a)? * 10),
        [a, '十', b] => Some(d(*a)? * 10 + d(*b)?),
        _ => {
            // digit string (二〇二四)
            let mut v = 0u32;
            for c in cs {
                v = v * 10 + d(c)?;
            }
            Some(v)
        }
    }
}

fn digits_in(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        })
        .collect()
}

fn year_of(s: &str) -> Option<i32> {
    let d = digits_in(s);
    if d.len() == 4 {
        return d.parse().ok();
    }
    let core: String = s.chars().filter(|c| !matches!(c, '年' | ' ')).collect();
    cn_small_number(&core).and_then(|v| i32::try_from(v).ok())
}

impl Period {
    fn empty(start: usize, end: usize, text: &str) -> Self {
        Self {
            start,
            end,
            text: text[start..end].to_string(),
            kind: PeriodKind::Year,
            year: None,
            year_end: None,
            month_start: None,
            month_end: None,
            quarter: None,
            quarter_end: None,
            half: None,
            day: None,
            count: None,
            relative: None,
            since: false,
            deadline: false,
            normalized: String::new(),
        }
    }

    /// Fill in the year from a document date (year, month, day) for relative
    /// periods (今年, 去年, 上半年, 1-6月 …) and recompute `normalized`.
    #[must_use]
    pub fn resolve(&self, doc_date: Option<(i32, u8, u8)>) -> Period {
        let mut p = self.clone();
        let Some((y, m, d)) = doc_date else { return p };
        // 今天 is the document's day; 昨天 the day before, when that stays in
        // the same month (otherwise only the year is known).
        match p.relative {
            Some(Relative::Today) if p.month_start.is_none() => {
                p.month_start = Some(m);
                p.day = Some(d);
            }
            Some(Relative::Yesterday) if p.month_start.is_none() && d > 1 => {
                p.month_start = Some(m);
                p.day = Some(d - 1);
            }
            _ => {}
        }
        if p.year.is_none() && p.kind != PeriodKind::FiveYearPlan && p.kind != PeriodKind::EventSpan
        {
            p.year = Some(match p.relative {
                Some(Relative::LastYear) => y - 1,
                Some(Relative::NextYear) => y + 1,
                Some(Relative::YearBeforeLast) => y - 2,
                _ => y,
            });
        }
        p.normalized = p.normalize();
        p
    }

    /// Compact normal form: `2024`, `2020..2024`, `2024-01..2024-06`, `M01..M06`,
    /// `2024-Q1`, `Q1..Q3`, `H1`, `2024-02-23`, `YTD`, `since:2024`, `14th-FYP`, `first:2`.
    #[must_use]
    pub fn normalize(&self) -> String {
        let y = self.year.map(|y| format!("{y:04}"));
        let pre = |s: String| match &y {
            Some(y) => format!("{y}-{s}"),
            None => s,
        };
        let month = |m: u8| match &y {
            Some(y) => format!("{y}-{m:02}"),
            None => format!("M{m:02}"),
        };
        match self.kind {
            PeriodKind::FiveYearPlan => format!("{}th-FYP", self.count.unwrap_or(0)),
            PeriodKind::EventSpan => format!("first:{}", self.count.unwrap_or(0)),
            PeriodKind::YearRange => {
                format!("{}..{}", self.year.unwrap_or(0), self.year_end.unwrap_or(0))
            }
            PeriodKind::Quarter => match self.quarter_end {
                Some(e) => pre(format!("Q{}..Q{e}", self.quarter.unwrap_or(1))),
                None => pre(format!("Q{}", self.quarter.unwrap_or(0))),
            },
            PeriodKind::Half => pre(format!("H{}", self.half.unwrap_or(0))),
            PeriodKind::Day => match (self.month_start, self.relative) {
                (None, Some(Relative::Today)) => "today".into(),
                (None, Some(Relative::Yesterday)) => "yesterday".into(),
                _ => format!(
                    "{}-{:02}",
                    month(self.month_start.unwrap_or(0)),
                    self.day.unwrap_or(0)
                ),
            },
            PeriodKind::Month | PeriodKind::MonthRange | PeriodKind::ToDate => {
                let a = self.month_start.unwrap_or(1);
                match self.month_end {
                    Some(b) if b != a || self.kind != PeriodKind::Month => {
                        format!("{}..{}", month(a), month(b))
                    }
                    _ => month(a),
                }
            }
            PeriodKind::Since => match (self.relative, &y, self.month_start) {
                (_, _, Some(m)) => format!("since:{}", month(m)),
                (Some(Relative::ThisYear), None, _) => "YTD".to_string(),
                (_, Some(y), _) => format!("since:{y}"),
                _ => "since".to_string(),
            },
            PeriodKind::Deadline => match self.month_start {
                Some(m) => format!("by:{}-end", month(m)),
                None => pre("year-end".to_string()).replace("year-end", "by:year-end"),
            },
            PeriodKind::Year => match (&y, self.relative) {
                (Some(y), _) => y.clone(),
                (None, Some(Relative::ThisYear)) => "this_year".into(),
                (None, Some(Relative::LastYear)) => "last_year".into(),
                (None, Some(Relative::NextYear)) => "next_year".into(),
                (None, Some(Relative::YearBeforeLast)) => "year_before_last".into(),
                (None, Some(Relative::WholeYear)) => "whole_year".into(),
                (None, Some(Relative::Today | Relative::Yesterday)) | (None, None) => "year".into(),
            },
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = serde_kind(self.kind);
        write!(f, "{}  period/{kind}  {}", self.text, self.normalized)
    }
}

fn serde_kind(k: PeriodKind) -> &'static str {
    match k {
        PeriodKind::Year => "year",
        PeriodKind::YearRange => "year_range",
        PeriodKind::Month => "month",
        PeriodKind::MonthRange => "month_range",
        PeriodKind::Quarter => "quarter",
        PeriodKind::Half => "half",
        PeriodKind::Day => "day",
        PeriodKind::ToDate => "to_date",
        PeriodKind::Since => "since",
        PeriodKind::Deadline => "deadline",
        PeriodKind::FiveYearPlan => "five_year_plan",
        PeriodKind::EventSpan => "event_span",
    }
}

fn walk(p: Pair<'_, Rule>, out: &mut Period) {
    let s = p.as_str();
    match p.as_rule() {
        Rule::p_year => {
            out.year = year_of(s);
        }
        Rule::p_yrange => {
            let d = digits_in(s);
            out.kind = PeriodKind::YearRange;
            if d.len() == 8 {
                out.year = d[..4].parse().ok();
                out.year_end = d[4..].parse().ok();
            }
            return;
        }
        Rule::p_rel => {
            out.relative = Some(match s {
                "今年" | "本年" => Relative::ThisYear,
                "去年" | "上年" => Relative::LastYear,
                "明年" => Relative::NextYear,
                "前年" => Relative::YearBeforeLast,
                _ => Relative::WholeYear,
            });
        }
        Rule::p_reld => {
            out.kind = PeriodKind::Day;
            out.relative = Some(if s.starts_with('昨') {
                Relative::Yesterday
            } else {
                Relative::Today
            });
            return;
        }
        Rule::p_fyp => {
            out.kind = PeriodKind::FiveYearPlan;
            let n: Vec<char> = s.chars().filter(|c| matches!(c, '一'..='龥')).collect();
            let tens = n.iter().position(|&c| c == '十');
            if let Some(t) = tens {
                let d = n
                    .get(t + 1)
                    .and_then(|c| cn_small_number(&c.to_string()))
                    .unwrap_or(0);
                out.count = Some(10 + d);
            }
            return;
        }
        Rule::p_half => {
            out.kind = PeriodKind::Half;
            out.half = Some(if s.starts_with('上') { 1 } else { 2 });
            out.month_start = Some(if s.starts_with('上') { 1 } else { 7 });
            out.month_end = Some(if s.starts_with('上') { 6 } else { 12 });
            return;
        }
        Rule::p_quarter => {
            out.kind = PeriodKind::Quarter;
            let q = p
                .clone()
                .into_inner()
                .next()
                .and_then(|x| cn_small_number(x.as_str()));
            out.quarter = q.and_then(|q| u8::try_from(q).ok());
            return;
        }
        Rule::p_quarters => {
            out.kind = PeriodKind::Quarter;
            out.quarter = Some(1);
            let n: String = s
                .chars()
                .filter(|c| !matches!(c, '前' | '季' | '度' | '个'))
                .collect();
            out.quarter_end = cn_small_number(&n).and_then(|q| u8::try_from(q).ok());
            return;
        }
        Rule::p_mrange => {
            out.kind = PeriodKind::MonthRange;
            let nums = p_nums(&p);
            out.month_start = nums.first().copied().flatten().and_then(to_month);
            out.month_end = nums.get(1).copied().flatten().and_then(to_month);
            return;
        }
        Rule::p_day => {
            out.kind = PeriodKind::Day;
            let nums = p_nums(&p);
            out.month_start = nums.first().copied().flatten().and_then(to_month);
            out.day = nums
                .get(1)
                .copied()
                .flatten()
                .and_then(|d| u8::try_from(d).ok())
                .filter(|d| (1..=31).contains(d));
            return;
        }
        Rule::p_month => {
            out.kind = PeriodKind::Month;
            let n = p
                .clone()
                .into_inner()
                .next()
                .map(|x| x.as_str().to_string())
                .unwrap_or_default();
            out.month_start = cn_small_number(&digits_or(&n)).and_then(to_month);
            out.month_end = out.month_start;
            return;
        }
        Rule::p_end => {
            if s.contains('前') {
                out.deadline = true;
            }
            if out.kind == PeriodKind::Month && s.contains('底') && !out.deadline {
                out.kind = PeriodKind::ToDate;
                out.month_end = out.month_start;
                out.month_start = Some(1);
            }
            return;
        }
        Rule::p_since => {
            out.since = true;
            return;
        }
        Rule::p_events => {
            out.kind = PeriodKind::EventSpan;
            let n: String = s
                .chars()
                .filter(|c| !matches!(c, '前' | '次' | '批' | '轮'))
                .collect();
            out.count = cn_small_number(&n);
            return;
        }
        _ => {}
    }
    for c in p.into_inner() {
        walk(c, out);
    }
}

/// The values of a rule's `p_num` children (month ranges, days), in order.
fn p_nums(p: &Pair<Rule>) -> Vec<Option<u32>> {
    p.clone()
        .into_inner()
        .filter(|x| x.as_rule() == Rule::p_num)
        .map(|x| cn_small_number(&digits_or(x.as_str())))
        .collect()
}

fn digits_or(s: &str) -> String {
    let d = digits_in(s);
    if d.is_empty() {
        s.trim().to_string()
    } else {
        d
    }
}

fn to_month(v: u32) -> Option<u8> {
    u8::try_from(v).ok().filter(|m| (1..=12).contains(m))
}

fn build(text: &str, pos: usize) -> Option<Period> {
    let pair = QParser::parse(Rule::period, crate::window(text, pos))
        .ok()?
        .next()?;
    let end = pos + pair.as_span().end();
    let s = pair.as_str();
    // trim trailing spaces out of the span
    let end = end - (s.len() - s.trim_end().len());
    let mut p = Period::empty(pos, end, text);
    let head = s.trim_start();
    let since_prefix = head.starts_with('从') || head.starts_with('自');
    let to_date = head.starts_with("截至") || head.starts_with("截止") || head.starts_with('到');
    walk(pair, &mut p);
    if p.kind == PeriodKind::Month && (p.month_start.is_none()) {
        return None;
    }
    if matches!(p.kind, PeriodKind::MonthRange)
        && (p.month_start.is_none() || p.month_end.is_none())
    {
        return None;
    }
    if p.kind == PeriodKind::Day && p.day.is_none() && p.relative.is_none() {
        return None;
    }
    if since_prefix || p.since && p.kind != PeriodKind::EventSpan {
        p.since = true;
        if p.kind != PeriodKind::FiveYearPlan {
            p.kind = PeriodKind::Since;
        }
    } else if p.deadline && p.kind != PeriodKind::EventSpan {
        p.kind = PeriodKind::Deadline;
    } else if to_date && p.kind == PeriodKind::Month {
        p.kind = PeriodKind::ToDate;
        p.month_end = p.month_start;
        p.month_start = Some(1);
    }
    // a bare "年" with nothing else is not a period
    if p.kind == PeriodKind::Year && p.year.is_none() && p.relative.is_none() && !p.deadline {
        return None;
    }
    p.normalized = p.normalize();
    Some(p)
}

fn is_period_start(c: char) -> bool {
    c.is_ascii_digit()
        || ('０'..='９').contains(&c)
        || matches!(
            c,
            '一' | '二'
                | '两'
                | '三'
                | '四'
                | '五'
                | '六'
                | '七'
                | '八'
                | '九'
                | '十'
                | '今'
                | '昨'
                | '去'
                | '明'
                | '前'
                | '当'
                | '本'
                | '上'
                | '下'
                | '全'
                | '第'
                | '截'
                | '从'
                | '自'
                | '到'
                | '年'
                | '“'
        )
}

/// A character of `p_num`, `p_year` or `p_qnum`: `adig | c_digit | c_zero | c_small`.
fn is_num_char(c: char) -> bool {
    c.is_ascii_digit()
        || ('０'..='９').contains(&c)
        || is_cn_digit(c)
        || matches!(c, '零' | '〇' | '十' | '拾' | '百' | '佰' | '千' | '仟')
}

/// A cheap necessary condition for the `period` rule to match at `i` (whose char is
/// `c`), so that [`build`] (a pest parse) runs only where a period can start.
fn may_start(text: &str, i: usize, c: char) -> bool {
    let next = |k: usize| text[k..].chars().next();
    let after = i + c.len_utf8();
    match c {
        // ("截至" | "截止到" | "截止")
        '截' => matches!(next(after), Some('至' | '止')),
        // ("从" | "自") ~ sp ~ p_core
        '从' | '自' => core_may_start(text, skip_sp(text, after)),
        // "到" ~ &(p_core)
        '到' => core_may_start(text, after),
        // p_events: "前" ~ (c_digit | ASCII_DIGIT+) ~ …
        '前' => {
            core_may_start(text, i)
                || next(after).is_some_and(|n| n.is_ascii_digit() || is_cn_digit(n))
        }
        _ => core_may_start(text, i),
    }
}

fn is_cn_digit(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '壹'
            | '贰'
            | '叁'
            | '肆'
            | '伍'
            | '陆'
            | '柒'
            | '捌'
            | '玖'
            | '幺'
    )
}

fn skip_sp(text: &str, i: usize) -> usize {
    let r = &text[i..];
    i + (r.len()
        - r.trim_start_matches([' ', '\u{3000}', '\u{a0}', '\t'])
            .len())
}

/// A necessary condition for `p_core` at `i`.
fn core_may_start(text: &str, i: usize) -> bool {
    let mut it = text[i..].chars();
    let Some(c) = it.next() else {
        return false;
    };
    let n = it.next();
    match c {
        // p_rel
        '今' | '当' => matches!(n, Some('年' | '天' | '日')),
        '去' | '明' | '本' | '全' => n == Some('年'),
        // p_reld 昨天 / 昨日
        '昨' => matches!(n, Some('天' | '日')),
        // p_rel 前年, p_quarters 前三季度 / 前两个季度
        '前' => matches!(n, Some('年' | '三' | '两' | '二' | '3' | '2')),
        // p_rel 上年, p_half
        '上' => matches!(n, Some('年' | '半')),
        '下' => n == Some('半'),
        // p_quarter: "第" ~ p_qnum
        '第' => matches!(n, Some('一' | '二' | '三' | '四' | '1' | '2' | '3' | '4')),
        // "年" ~ &("底" | "末" | "内" | "中" | "初")
        '年' => matches!(n, Some('底' | '末' | '内' | '中' | '初')),
        // p_fyp: "“"? ~ "十" ~ ("一" | … | "六") ~ "五"
        '“' => n == Some('十'),
        '十' if matches!(n, Some('一' | '二' | '三' | '四' | '五' | '六')) => true,
        // p_num / p_year / p_yrange / p_qnum: at most four numeral characters, then
        // (after spaces) 年, 月, 季 or a range separator
        c if is_num_char(c) => {
            let mut j = i;
            let mut run = ['\0'; 4];
            let mut n = 0;
            for d in text[i..].chars() {
                if !is_num_char(d) {
                    break;
                }
                if n == 4 {
                    return false;
                }
                run[n] = d;
                n += 1;
                j += d.len_utf8();
            }
            let k = skip_sp(text, j);
            match text[k..].chars().next() {
                // p_year / p_yrange: ("19" | "20") ~ ASCII_DIGIT{2} or 二〇二四
                Some('年') => {
                    let cn = |x: char| is_cn_digit(x) || matches!(x, '〇' | '零');
                    n == 4
                        && match run {
                            ['1', '9', a, b] | ['2', '0', a, b] => {
                                a.is_ascii_digit() && b.is_ascii_digit()
                            }
                            ['二', '〇' | '零', a, b] => cn(a) && cn(b),
                            _ => false,
                        }
                }
                // p_quarter: p_qnum ~ sp ~ "季度"
                Some('季') => {
                    n == 1 && matches!(run[0], '一' | '二' | '三' | '四' | '1' | '2' | '3' | '4')
                }
                Some('月' | '-' | '－' | '—' | '–' | '~' | '～' | '〜' | '至' | '到') => {
                    true
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// The longest period starting exactly at byte `pos`.
#[must_use]
pub fn period_at(text: &str, pos: usize) -> Option<Period> {
    if pos >= text.len() || !text.is_char_boundary(pos) {
        return None;
    }
    build(text, pos)
}

/// All time periods in `text`, left to right, non-overlapping.
#[must_use]
pub fn scan_periods(text: &str) -> Vec<Period> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut prev: Option<char> = None;
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        // do not start inside a number: "12023年" / "三十五年"
        let inside = prev
            .is_some_and(|p| p.is_ascii_digit() || ('０'..='９').contains(&p) || p == '.')
            && (c.is_ascii_digit() || ('０'..='９').contains(&c));
        if is_period_start(c) && !inside && may_start(text, i, c) {
            if let Some(p) = build(text, i) {
                if p.end > i {
                    i = p.end;
                    prev = text[..i].chars().next_back();
                    out.push(p);
                    continue;
                }
            }
        }
        prev = Some(c);
        i += c.len_utf8();
    }
    out
}
