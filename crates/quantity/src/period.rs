//! Time periods: 1-6月, 截至7月底, 上半年, 今年以来, 2024年, 一季度, 十四五, 2月23日,
//! 过去一年, 连续3年, 两年前, 上年同期, 党的十八大以来 …

use std::fmt;

use pest::Parser;
use pest::iterators::Pair;

use crate::{QParser, Rule};

/// What sort of period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// 2023年, 2018年度, 今年, 全年, 今年内, 年内, 年底, 新的一年
    Year,
    /// 2020至2024年
    YearRange,
    /// 10月份, 2024年7月, 下个月
    Month,
    /// 1-6月, 前11个月
    MonthRange,
    /// 一季度, 前三季度
    Quarter,
    /// 上半年 / 下半年
    Half,
    /// 2月23日
    Day,
    /// 截至7月底 (from the start of the year up to a month)
    ToDate,
    /// 今年以来, 2024年以来, 从9月份开始, 党的十八大以来 (an era: `year` is its start)
    Since,
    /// 年底前, 9月底前
    Deadline,
    /// 十四五 (five-year plan)
    FiveYearPlan,
    /// 前两次, 前三批: the first N events of a series (not a calendar period)
    EventSpan,
    /// 过去一年, 四年来, 未来五年: `count` `unit`s back (`relative` past) or
    /// forward (`relative` next) from the document date
    Span,
    /// 连续3年, 连续两个月, 连续八个季度: a run of `count` `unit`s up to the
    /// time of the report (its end is not fixed by the text)
    Streak,
    /// 两年前, 十年前, 三个月前: a point `count` `unit`s before the document date
    Ago,
    /// 上年同期, 2019年同期, 常年同期: the same part of another year (or of the
    /// climatological normal: no year, no `relative`), a comparison base
    SamePeriod,
}

/// The unit of a counted span, streak or point (四年来, 连续两个月, 三天前).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanUnit {
    Year,
    Quarter,
    Month,
    Week,
    Day,
}

impl SpanUnit {
    /// The letter used in normalized forms (`last:4Y`, `streak:2M`).
    fn letter(self) -> char {
        match self {
            SpanUnit::Year => 'Y',
            SpanUnit::Quarter => 'Q',
            SpanUnit::Month => 'M',
            SpanUnit::Week => 'W',
            SpanUnit::Day => 'D',
        }
    }
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
    /// 本月 / 当月: the month of the document
    ThisMonth,
    /// 上个月 / 上月
    LastMonth,
    /// 下个月 / 下月
    NextMonth,
    /// A span back from the document date (过去一年, 四年来)
    Past,
    /// A span forward from the document date (未来五年, 今后三年)
    Next,
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
    /// N in 前N次 / 十四五 (14) / 过去N年 / 连续N个月 / N年前
    pub count: Option<u32>,
    /// The unit of `count` for spans, streaks and points (过去N年: year)
    pub unit: Option<SpanUnit>,
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
            unit: None,
            relative: None,
            since: false,
            deadline: false,
            normalized: String::new(),
        }
    }

    /// Fill in the year from a document date (year, month, day) for relative
    /// periods (今年, 去年, 上半年, 1-6月, 下个月, 两年前 …) and recompute
    /// `normalized`.
    ///
    /// Spans of years become year ranges: 过去N年 and N年来 are the N years
    /// before the document's (过去一年 in a 2025 report → 2024), 未来N年 the N
    /// years from the document's (未来五年 in 2026 → 2026..2030).  A point N
    /// units ago becomes its year, month or day.  Streaks, spans of other
    /// units and 常年同期 stay relative.
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
            Some(r @ (Relative::ThisMonth | Relative::LastMonth | Relative::NextMonth))
                if p.month_start.is_none() =>
            {
                let shift = match r {
                    Relative::LastMonth => -1,
                    Relative::NextMonth => 1,
                    _ => 0,
                };
                let (yy, mm) = add_months(y, m, shift);
                p.year = Some(yy);
                p.month_start = Some(mm);
                p.month_end = Some(mm);
            }
            _ => {}
        }
        let n = p.count.and_then(|n| i32::try_from(n).ok());
        match (p.kind, p.unit, n) {
            (PeriodKind::Span, Some(SpanUnit::Year), Some(n)) if p.year.is_none() => {
                if p.relative == Some(Relative::Next) {
                    p.year = Some(y);
                    p.year_end = Some(y.saturating_add(n - 1));
                } else {
                    p.year = Some(y.saturating_sub(n));
                    p.year_end = Some(y.saturating_sub(1));
                }
            }
            (PeriodKind::Ago, Some(unit), Some(n)) if p.year.is_none() => match unit {
                SpanUnit::Year => p.year = Some(y.saturating_sub(n)),
                SpanUnit::Quarter | SpanUnit::Month => {
                    let k = if unit == SpanUnit::Quarter { 3 * n } else { n };
                    let (yy, mm) = add_months(y, m, -k);
                    p.year = Some(yy);
                    p.month_start = Some(mm);
                }
                SpanUnit::Week | SpanUnit::Day => {
                    let k = if unit == SpanUnit::Week { 7 * n } else { n };
                    let (yy, mm, dd) = civil_from_days(days_from_civil(y, m, d) - i64::from(k));
                    p.year = Some(yy);
                    p.month_start = Some(mm);
                    p.day = Some(dd);
                }
            },
            _ => {}
        }
        let keeps_relative = match p.kind {
            PeriodKind::FiveYearPlan
            | PeriodKind::EventSpan
            | PeriodKind::Span
            | PeriodKind::Streak
            | PeriodKind::Ago => true,
            // 常年同期: the normal, not a year
            PeriodKind::SamePeriod => p.relative.is_none(),
            _ => false,
        };
        if p.year.is_none() && !keeps_relative {
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
    /// `2024-Q1`, `Q1..Q3`, `H1`, `2024-02-23`, `YTD`, `since:2024`, `14th-FYP`, `first:2`,
    /// `next_month`, `last:4Y`, `next:5Y`, `streak:2M`, `ago:2Y`, `same_period:last_year`,
    /// `same_period:normal`.
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
        let counted = || {
            format!(
                "{}{}",
                self.count.unwrap_or(0),
                self.unit.map_or('Y', SpanUnit::letter)
            )
        };
        match self.kind {
            PeriodKind::FiveYearPlan => format!("{}th-FYP", self.count.unwrap_or(0)),
            PeriodKind::Span => match (self.year, self.year_end) {
                (Some(a), Some(b)) if a == b => format!("{a:04}"),
                (Some(a), Some(b)) => format!("{a:04}..{b:04}"),
                _ if self.relative == Some(Relative::Next) => format!("next:{}", counted()),
                _ => format!("last:{}", counted()),
            },
            PeriodKind::Streak => format!("streak:{}", counted()),
            PeriodKind::Ago => match (&y, self.month_start, self.day) {
                (Some(_), Some(m), Some(d)) => format!("{}-{d:02}", month(m)),
                (Some(_), Some(m), None) => month(m),
                (Some(y), None, _) => y.clone(),
                (None, ..) => format!("ago:{}", counted()),
            },
            PeriodKind::SamePeriod => match (&y, self.relative) {
                (Some(y), _) => format!("same_period:{y}"),
                (None, Some(r)) => format!("same_period:{}", relative_name(r)),
                (None, None) => "same_period:normal".into(),
            },
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
                (
                    None,
                    Some(r @ (Relative::ThisMonth | Relative::LastMonth | Relative::NextMonth)),
                ) => {
                    format!("{}-{:02}", relative_name(r), self.day.unwrap_or(0))
                }
                _ => format!(
                    "{}-{:02}",
                    month(self.month_start.unwrap_or(0)),
                    self.day.unwrap_or(0)
                ),
            },
            PeriodKind::Month if self.month_start.is_none() => match self.relative {
                Some(r) => relative_name(r).into(),
                None => "month".into(),
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
                (
                    Some(r @ (Relative::ThisMonth | Relative::LastMonth | Relative::NextMonth)),
                    None,
                    _,
                ) => format!("since:{}", relative_name(r)),
                (_, Some(y), _) => format!("since:{y}"),
                _ => "since".to_string(),
            },
            PeriodKind::Deadline => match self.month_start {
                Some(m) => format!("by:{}-end", month(m)),
                None => pre("year-end".to_string()).replace("year-end", "by:year-end"),
            },
            PeriodKind::Year => match (&y, self.relative) {
                (Some(y), _) => y.clone(),
                (
                    None,
                    Some(
                        r @ (Relative::ThisYear
                        | Relative::LastYear
                        | Relative::NextYear
                        | Relative::YearBeforeLast
                        | Relative::WholeYear),
                    ),
                ) => relative_name(r).into(),
                (None, _) => "year".into(),
            },
        }
    }
}

/// The serialized name of a relative marker (`this_year`, `next_month` …).
fn relative_name(r: Relative) -> &'static str {
    match r {
        Relative::ThisYear => "this_year",
        Relative::LastYear => "last_year",
        Relative::NextYear => "next_year",
        Relative::YearBeforeLast => "year_before_last",
        Relative::WholeYear => "whole_year",
        Relative::Today => "today",
        Relative::Yesterday => "yesterday",
        Relative::ThisMonth => "this_month",
        Relative::LastMonth => "last_month",
        Relative::NextMonth => "next_month",
        Relative::Past => "past",
        Relative::Next => "next",
    }
}

/// The month `k` months after (`k` < 0: before) month `m` of year `y`.
fn add_months(y: i32, m: u8, k: i32) -> (i32, u8) {
    let idx = i64::from(y) * 12 + i64::from(m.clamp(1, 12)) - 1 + i64::from(k);
    let mm = u8::try_from(idx.rem_euclid(12) + 1).unwrap_or(1);
    (i32::try_from(idx.div_euclid(12)).unwrap_or(y), mm)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let (m, d) = (i64::from(m.clamp(1, 12)), i64::from(d.clamp(1, 31)));
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        i32::try_from(y).unwrap_or(0),
        u8::try_from(m).unwrap_or(1),
        u8::try_from(d).unwrap_or(1),
    )
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
        PeriodKind::Span => "span",
        PeriodKind::Streak => "streak",
        PeriodKind::Ago => "ago",
        PeriodKind::SamePeriod => "same_period",
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
        Rule::p_relm => {
            out.kind = PeriodKind::Month;
            out.relative = Some(if s.starts_with('上') {
                Relative::LastMonth
            } else if s.starts_with('下') {
                Relative::NextMonth
            } else {
                Relative::ThisMonth
            });
            return;
        }
        Rule::p_relday => {
            walk_children(p.clone(), out);
            out.kind = PeriodKind::Day;
            out.day = p_nums(&p)
                .first()
                .copied()
                .flatten()
                .and_then(|d| u8::try_from(d).ok())
                .filter(|d| (1..=31).contains(d));
            return;
        }
        Rule::p_newyr => {
            out.relative = Some(Relative::ThisYear);
            return;
        }
        Rule::p_months => {
            out.kind = PeriodKind::MonthRange;
            out.month_start = Some(1);
            walk_children(p, out);
            out.month_end = out.count.take().and_then(to_month);
            return;
        }
        Rule::p_streak | Rule::p_past | Rule::p_next | Rule::p_lately | Rule::p_ago => {
            (out.kind, out.relative) = match p.as_rule() {
                Rule::p_streak => (PeriodKind::Streak, None),
                Rule::p_next => (PeriodKind::Span, Some(Relative::Next)),
                Rule::p_ago => (PeriodKind::Ago, None),
                _ => (PeriodKind::Span, Some(Relative::Past)),
            };
        }
        Rule::p_cnt => {
            out.count = count_of(s);
            return;
        }
        Rule::p_sunit => {
            out.unit = Some(match s {
                "年" => SpanUnit::Year,
                "个季度" => SpanUnit::Quarter,
                "个月" => SpanUnit::Month,
                "天" => SpanUnit::Day,
                _ => SpanUnit::Week,
            });
            return;
        }
        Rule::p_anchor => {
            out.kind = PeriodKind::Since;
            out.since = true;
            out.year = era_start(s);
            return;
        }
        Rule::p_same_sfx => {
            out.kind = PeriodKind::SamePeriod;
            return;
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
            if out.kind == PeriodKind::Month
                && out.month_start.is_some()
                && s.contains('底')
                && !out.deadline
            {
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
    walk_children(p, out);
}

fn walk_children(p: Pair<'_, Rule>, out: &mut Period) {
    for c in p.into_inner() {
        walk(c, out);
    }
}

/// A count of `p_cnt`: Arabic digits, or 一…九 (两), 十, 十N, N十, N十M.
/// Adjacent digits (两三, 三四: "two or three") and zero are not counts.
fn count_of(s: &str) -> Option<u32> {
    let s = s.trim();
    let d = digits_in(s);
    let v = if d.is_empty() {
        let cs: Vec<char> = s.chars().collect();
        let digit = |c: char| cn_small_number(&c.to_string()).filter(|&v| (1..=9).contains(&v));
        match cs.as_slice() {
            ['十'] => Some(10),
            [a] => digit(*a),
            ['十', b] => Some(10 + digit(*b)?),
            [a, '十'] => Some(digit(*a)? * 10),
            [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
            _ => None,
        }
    } else if d.chars().count() == s.chars().count() {
        d.parse().ok()
    } else {
        None
    };
    v.filter(|&v| v > 0)
}

/// The year an era of `p_anchor` starts: 党的十八大 (2012), 改革开放 (1978),
/// 新中国成立 (1949).
fn era_start(s: &str) -> Option<i32> {
    if s.contains("改革开放") {
        return Some(1978);
    }
    if s.contains("新中国") || s.contains("建国") {
        return Some(1949);
    }
    // The National Congresses of the CPC, 十二大 (1982) to 二十大 (2022), five years apart.
    let n = if s.contains("二十大") {
        20
    } else {
        let i = s.find('十')?;
        let c = s[i + '十'.len_utf8()..].chars().next()?;
        10 + i32::try_from(cn_small_number(&c.to_string())?).ok()?
    };
    (12..=20).contains(&n).then(|| 1982 + 5 * (n - 12))
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
    if !context_ok(text, pos, text[pos..].chars().next()?) {
        return None;
    }
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
    let core_head = ["截至", "截止到", "截止", "到", "从", "自"]
        .iter()
        .find_map(|w| head.strip_prefix(w))
        .unwrap_or(head)
        .trim_start();
    // 从年内走势看: 年内 is a period, 从 does not start it
    if head != core_head && core_head.starts_with("年内") {
        return None;
    }
    walk(pair, &mut p);
    if !count_context_ok(text, pos, &p) {
        return None;
    }
    if p.kind == PeriodKind::Month && p.month_start.is_none() && p.relative.is_none() {
        return None;
    }
    if matches!(
        p.kind,
        PeriodKind::Span | PeriodKind::Streak | PeriodKind::Ago
    ) && (p.count.is_none() || p.unit.is_none())
    {
        return None;
    }
    // 年内, 年底, 年初以来: the year of the report
    if core_head.starts_with('年') && p.year.is_none() && p.relative.is_none() {
        p.relative = Some(Relative::ThisYear);
    }
    let relative_month = p.kind == PeriodKind::Month && p.month_start.is_none();
    if matches!(p.kind, PeriodKind::MonthRange)
        && (p.month_start.is_none() || p.month_end.is_none())
    {
        return None;
    }
    if p.kind == PeriodKind::Day
        && p.day.is_none()
        && !matches!(p.relative, Some(Relative::Today | Relative::Yesterday))
    {
        return None;
    }
    if since_prefix || p.since && p.kind != PeriodKind::EventSpan {
        p.since = true;
        if p.kind != PeriodKind::FiveYearPlan {
            p.kind = PeriodKind::Since;
        }
    } else if p.deadline && p.kind != PeriodKind::EventSpan && !relative_month {
        p.kind = PeriodKind::Deadline;
    } else if to_date && p.kind == PeriodKind::Month && !relative_month {
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

/// Characters that make a numeral run: a count or bare 年 right after one is
/// part of a larger number (一百二十年来, 三十多年前, 5年内).
fn is_numeral_like(c: char) -> bool {
    is_num_char(c)
        || matches!(
            c,
            '万' | '亿' | '几' | '数' | '多' | '余' | '半' | '.' | '．'
        )
}

/// Whether a counted span or point (一年来, 两年前) that starts at `pos` stands
/// on its own: not after a numeral (几十年前, 一百二十年来) or 这 / 那 (这两年来).
fn count_context_ok(text: &str, pos: usize, p: &Period) -> bool {
    let Some(prev) = text[..pos].chars().next_back() else {
        return true;
    };
    let first = text[pos..].chars().next().unwrap_or(' ');
    !(matches!(p.kind, PeriodKind::Span | PeriodKind::Ago)
        && is_num_char(first)
        && (is_numeral_like(prev) || "这那第每".contains(prev)))
}

/// Whether the text before `pos` lets a period that starts there with `first`
/// stand (checked before parsing): 如今年轻人 has no 今年, 当前年轻人 no 前年,
/// 提前两个月 no 前两个月, 五年内 and 每年年底 no 年内 / 年底.
fn context_ok(text: &str, pos: usize, first: char) -> bool {
    let mut back = text[..pos].chars().rev();
    let Some(prev) = back.next() else {
        return true;
    };
    match first {
        // 如今 / 迄今 (nowadays, so far) but 例如今年, 比如今天
        '今' => match prev {
            '迄' => false,
            '如' => back.next().is_some_and(|c| "例比假譬诸".contains(c)),
            _ => true,
        },
        // 提前, 目前, 当前, 空前, 之前, 此前, 以前, 眼前, 日前, 从前 …
        '前' => !"提目当空超之此以向眼史日事从".contains(prev),
        // a bare 年 (年内, 年底, 年初) after a numeral or inside a word (每年, 同年,
        // 次年, 多年, 青年 …)
        '年' => {
            !(is_numeral_like(prev)
                || "年每周同近历逐跨新前上去今明当本全次翌往常连整早晚成青少老中童大过拜"
                    .contains(prev))
        }
        // 创新一年, 更新一年
        '新' => !"创更革刷翻重最清焕".contains(prev),
        // 马上, 早上, 晚上
        '上' => !"马早晚".contains(prev),
        // 相当年轻, 每当, 适当, 应当 …
        '当' => !"相每适恰应担充妥".contains(prev),
        // 成本, 资本, 日本, 基本 …
        '本' => !"成资日基根样版剧课书文账脚标范原".contains(prev),
        _ => true,
    }
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
                | '连'
                | '过'
                | '未'
                | '党'
                | '改'
                | '新'
                | '建'
                | '常'
                | '历'
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
        // p_streak, p_past, p_next ("未来"; "今后" is in core_may_start): a count follows
        '连' => text[after..].starts_with('续') && count_follows(text, after + '续'.len_utf8()),
        '过' => text[after..].starts_with('去') && count_follows(text, after + '去'.len_utf8()),
        '未' => text[after..].starts_with('来') && count_follows(text, after + '来'.len_utf8()),
        // p_anchor: 党的十八大, 改革开放, 新中国成立, 建国 … 以来
        '党' => text[after..].starts_with('的') && core_may_start(text, after + '的'.len_utf8()),
        '改' => text[after..].starts_with("革开放") && since_follows(text, after + "革开放".len()),
        '建' => text[after..].starts_with("国以来"),
        // p_same: 常年 / 历年 / 历史 同期
        '常' | '历' => text[after..].starts_with("年同期") || text[after..].starts_with("史同期"),
        // p_months: "前" ~ p_cnt; p_events: "前" ~ (c_digit | ASCII_DIGIT+) ~ …
        '前' => {
            core_may_start(text, i)
                || next(after).is_some_and(|n| n.is_ascii_digit() || is_cn_digit(n) || n == '十')
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

/// Whether 以来 follows at `k` (after spaces).
fn since_follows(text: &str, k: usize) -> bool {
    text[skip_sp(text, k)..].starts_with("以来")
}

/// Whether a count (`p_cnt`) can start at `k`, after an optional 的 and spaces.
fn count_follows(text: &str, k: usize) -> bool {
    let k = skip_sp(text, k);
    let k = if text[k..].starts_with('的') {
        skip_sp(text, k + '的'.len_utf8())
    } else {
        k
    };
    text[k..].chars().next().is_some_and(|c| {
        c.is_ascii_digit() || ('０'..='９').contains(&c) || is_cn_digit(c) || c == '十'
    })
}

/// A necessary condition for `p_core` at `i`.
fn core_may_start(text: &str, i: usize) -> bool {
    let mut it = text[i..].chars();
    let Some(c) = it.next() else {
        return false;
    };
    let n = it.next();
    match c {
        // p_rel, p_reld, p_relm; 今后 (p_next)
        '今' => match n {
            Some('年' | '天' | '日' | '早' | '晨') => true,
            Some('后') => count_follows(text, i + "今后".len()),
            _ => false,
        },
        '当' => matches!(n, Some('年' | '天' | '日' | '月')),
        '本' => matches!(n, Some('年' | '月')),
        '去' | '明' | '全' => n == Some('年'),
        // p_newyr 新的一年 / 新一年, p_anchor 新中国成立以来
        '新' => {
            text[i..].starts_with("新的一年")
                || text[i..].starts_with("新一年")
                || text[i..].starts_with("新中国成立")
                    && since_follows(text, i + "新中国成立".len())
        }
        // p_reld 昨天 / 昨日
        '昨' => matches!(n, Some('天' | '日')),
        // p_rel 前年, p_quarters 前三季度 / 前两个季度
        '前' => matches!(n, Some('年' | '三' | '两' | '二' | '3' | '2')),
        // p_rel 上年, p_half, p_relm 上个月 / 上月
        '上' | '下' => match n {
            Some('年') => c == '上',
            Some('半' | '月') => true,
            Some('个') => it.next() == Some('月'),
            _ => false,
        },
        // p_quarter: "第" ~ p_qnum
        '第' => matches!(n, Some('一' | '二' | '三' | '四' | '1' | '2' | '3' | '4')),
        // "年" ~ ("内" | &("底" | "末" | "初"))
        '年' => matches!(n, Some('底' | '末' | '内' | '初')),
        // p_fyp: "“"? ~ "十" ~ ("一" | … | "六") ~ "五"
        '“' => n == Some('十'),
        '十' if matches!(n, Some('一' | '二' | '三' | '四' | '五' | '六')) => true,
        // p_anchor: 十八大以来 (and 二十大以来, below)
        '十' if it.next() == Some('大') => {
            let len = '十'.len_utf8() + n.map_or(0, char::len_utf8) + '大'.len_utf8();
            since_follows(text, i + len)
        }
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
            let after = |k: usize, c: char| skip_sp(text, k + c.len_utf8());
            // p_lately / p_ago: a unit, then 来 / 以来 / 前
            let ends_span = |k: usize| {
                let r = &text[k..];
                r.starts_with('来') || r.starts_with("以来") || r.starts_with('前')
            };
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
                        || n <= 3 && ends_span(after(k, '年'))
                }
                // p_lately / p_ago in 个月, 个季度, 个星期
                Some('个') => {
                    let r = &text[after(k, '个')..];
                    ["月", "季度", "星期"].iter().any(|u| {
                        r.strip_prefix(u)
                            .is_some_and(|t| ends_span(skip_sp(text, text.len() - t.len())))
                    })
                }
                Some(u @ ('周' | '天')) => n <= 3 && ends_span(after(k, u)),
                // p_anchor 二十大以来
                Some('大') => run[..n] == ['二', '十'] && since_follows(text, k + '大'.len_utf8()),
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
