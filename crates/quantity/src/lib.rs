//! Chinese quantities and time periods for tiqu.
//!
//! # Design
//!
//! [`scan`] works in four steps:
//!
//! 1. **Candidate scan.** A cheap character-class test finds bytes where a
//!    quantity can start (ASCII / full-width digit, Chinese numeral, a
//!    qualifier such as 近/约/超/逾, a sign 负/-, a currency sign, 百分之).
//!    Time periods ([`scan_periods`]) are found first and their spans are
//!    skipped, so "1-6月", "2023年" and "2月23日" never become quantities, nor
//!    do the counts of spans, streaks and points ("三年来", "连续3年", "两年前").
//! 2. **Anchored pest parse.** The grammar `grammars/quantity.pest` is run at
//!    the candidate only (rule `head`), giving qualifier, sign, percent
//!    prefix, fraction and a bounded numeral token sequence.  On success the
//!    scanner jumps past the match; on failure it skips the whole run of
//!    numeral characters.  Every parse is bounded (numerals are at most 32
//!    tokens; Arabic digit runs over 28 digits are rejected), so scanning is
//!    linear in the input.
//! 3. **Unit lookup.** Units are data (`grammars/units.toml`, embedded with
//!    `include_str!`, parsed once).  The longest unit after the numeral wins.
//!    Ranges (`1-2个`, `5%—10%`, `三至五年`), trailing qualifiers (以上,
//!    左右 …) and CNY sub-units (`五元六角`) are read after the unit.
//! 4. **Decimal normalization** with `rust_decimal`: exact, never floats.
//!
//! # Conventions
//!
//! * `value` is the numeral as written, with its own magnitude characters
//!   applied (`1.5万人` → 15000, unit 人).  **Exception:** when a magnitude
//!   character starts a unit listed in `units.toml` (万元, 亿元, 万吨, 万平方米,
//!   万千瓦 …) it belongs to the unit: `221.23亿元` → value 221.23, unit 亿元.
//! * `normalized = value × unit factor` in `base_unit` (元, 平方米, 千克, 瓦,
//!   千瓦时, 伏, PFlops, 米, 立方米, 天; counts are their own base; percent and
//!   千分之/成/折 in `%`; percentage points in 个百分点).  With no unit,
//!   `normalized` is the value.  Currencies keep separate bases (元, 美元 …).
//! * **Sign:** the sign is folded into `value`/`normalized`/bounds and
//!   `negative` is set (`（-10.4%）` → −10.4).  Words like 下降 are outside the
//!   quantity; their polarity is the caller's business.
//! * **Ranges** set `lower` and `upper` (normalized); `value` is the lower end.
//!   Approximate numerals do the same: `三五万` → 30000..50000, `七百三四十`
//!   → 730..740, `二十几万` → 200000..290000, `数十` → 20..90 (value 10).
//! * **Qualifiers** are kept in `qualifier`: "at least" words (以上, 超, 超过,
//!   逾, 至少, 不少于, 不低于, 余, 多, 开外, 有余) set `lower = normalized`; "at
//!   most" words (以下, 以内, 不到, 不足, 最多, 不超过, 近, 将近, 接近) set
//!   `upper = normalized`; approximate words (约, 左右, 上下) set neither.
//! * [`scan`] applies the reporting policy: a Chinese numeral with no Arabic
//!   digit, no unit and no magnitude (一, 三) is not reported; fixed
//!   expressions (`units.toml` `[fixed]`: 一批, 一体, 万一 …), ordinals (第一),
//!   Chinese numerals inside short quoted slogans (“三个一批”), a number that
//!   is the whole content of a quote (“985”), document numbers (〔2024〕1号)
//!   and clock/ratio pairs (1:1) are not reported.  [`scan_numbers`] reports
//!   every numeral (used for peer conformance); [`parse`] reads one whole
//!   string without the policy.
//! * A bare number coordinated with a following quantity shares its unit:
//!   `收窄0.8和11.9个百分点` gives two percentage-point quantities.
//! * **成 and 折 are shares of ten** (normalized in `%`): `八成` → 80, `七成六` → 76
//!   and `三成半` → 35 (value 7.6 / 3.5; the trailing tenth must end the
//!   expression, so `三成一致`, `三成五年` keep their reading), `七八成` → 70..80,
//!   `七五折`/`75折` → 75, `半折` and `打对折` → 50.  A numeral above ten before 成
//!   (`G20成员`, `歼15成功`), a Chinese numeral with a magnitude before 折 (`十折`,
//!   `百折不挠`) and words listed in `units.toml` `[fixed] not_share` (这一成绩,
//!   从一成立, 折合, 折旧) are not shares; 对 is a candidate only in 打(个)对折.
//! * Fractions: `三分之二`, `三份之一`; the bare Cantonese/colloquial forms `二份一`,
//!   `十份十一`, `三分一` only between Chinese integers when the numerator ends the
//!   phrase, and bare 分 only as a proper fraction (`一分五` is 1.5 fen, not 5/1);
//!   Arabic `3/5` and mixed `1 3/5` (a whole of at most three digits, one space).
//! * Arabic forms: thousands separators, `e` exponents, `^` powers (`2^5` → 32,
//!   `-2.5^-1` → −0.4), k/M suffixes (after a space only when the letter stands
//!   alone: `-2.5 M`), and `7 2 折` (a letter-spaced two-digit discount).
//! * Other currencies take a minor unit of the same base: `两美元又三美分` → 2.03 美元,
//!   `10日元5日本銭` → 10.05 日元.
//! * Numbers inside URLs (`http://…`, `www.…`) are never reported.

#![allow(clippy::module_name_repetitions)]

mod lex;
mod numeral;
mod period;
mod units;

use std::fmt;
use std::str::FromStr;

use pest::Parser;
use pest::iterators::Pair;

pub use period::{Period, PeriodKind, Relative, period_at, scan_periods};
pub use rust_decimal::Decimal;
pub use units::UnitDef;

use numeral::{NumVal, eval, eval_longest, tokens};

#[derive(pest_derive::Parser)]
#[grammar = "../../../grammars/quantity.pest"]
pub(crate) struct QParser;

/// What sort of quantity was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityKind {
    /// A number with no unit.
    Number,
    /// A number with a unit (money, area, count, duration …).
    Measure,
    /// `%`, `百分之`, `千分之`, 成, 折.
    Percent,
    /// `个百分点` / `百分点`.
    PercentagePoint,
    /// `三分之二`.
    Fraction,
    /// `倍`.
    Multiple,
}

/// Physical or economic dimension of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Money,
    Area,
    Mass,
    Power,
    Energy,
    Voltage,
    Compute,
    Length,
    Volume,
    Temperature,
    Duration,
    Count,
    Ratio,
    PercentagePoint,
    Multiple,
}

impl Dimension {
    /// All dimensions.
    pub const ALL: [Dimension; 15] = [
        Self::Money,
        Self::Area,
        Self::Mass,
        Self::Power,
        Self::Energy,
        Self::Voltage,
        Self::Compute,
        Self::Length,
        Self::Volume,
        Self::Temperature,
        Self::Duration,
        Self::Count,
        Self::Ratio,
        Self::PercentagePoint,
        Self::Multiple,
    ];

    /// The snake_case name used in `units.toml` and JSON.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Money => "money",
            Self::Area => "area",
            Self::Mass => "mass",
            Self::Power => "power",
            Self::Energy => "energy",
            Self::Voltage => "voltage",
            Self::Compute => "compute",
            Self::Length => "length",
            Self::Volume => "volume",
            Self::Temperature => "temperature",
            Self::Duration => "duration",
            Self::Count => "count",
            Self::Ratio => "ratio",
            Self::PercentagePoint => "percentage_point",
            Self::Multiple => "multiple",
        }
    }

    /// Parse a dimension name (snake_case, case-insensitive; `percent` = ratio).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        let n = name.trim().to_ascii_lowercase().replace('-', "_");
        if n == "percent" {
            return Some(Self::Ratio);
        }
        Self::ALL.into_iter().find(|d| d.name() == n)
    }
}

/// Qualifier class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QualifierKind {
    /// 以上 超 超过 逾 至少 余 多 …: the value is a lower bound.
    AtLeast,
    /// 以下 不到 不足 最多 近 …: the value is an upper bound.
    AtMost,
    /// 约 左右 上下: approximate.
    About,
    /// 几 数: an unknown digit (see `lower`/`upper`).
    Several,
}

/// A qualifier word and its class.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Qualifier {
    pub kind: QualifierKind,
    /// The word as written (`"以上"`, `"余"`).
    pub word: String,
}

impl Qualifier {
    fn from_word(word: &str) -> Self {
        let kind = match word {
            "以上" | "超过" | "超出" | "超" | "逾" | "至少" | "最少" | "不少于" | "不低于"
            | "余" | "多" | "来" | "开外" | "有余" | "出头" | "多达" | "上万" => {
                QualifierKind::AtLeast
            }
            "以下" | "以内" | "不到" | "不足" | "最多" | "至多" | "不超过" | "不高于" | "近"
            | "将近" | "接近" => QualifierKind::AtMost,
            "几" | "数" => QualifierKind::Several,
            _ => QualifierKind::About,
        };
        Self {
            kind,
            word: word.to_string(),
        }
    }
}

/// One quantity found in text.  See the crate docs for the conventions.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Quantity {
    /// Byte span in the scanned text.
    pub start: usize,
    pub end: usize,
    /// The span as written.
    pub text: String,
    pub kind: QuantityKind,
    /// The numeral's value as written (sign folded in).
    pub value: Decimal,
    /// The numeral as written.
    pub value_text: String,
    /// The unit as written (`"亿元"`, `"m2"`, `"个"`, `"%"`, `"个百分点"`).
    pub unit: Option<String>,
    pub dimension: Option<Dimension>,
    pub base_unit: Option<String>,
    /// The value in `base_unit`, exact.
    pub normalized: Option<Decimal>,
    /// Normalized lower bound (ranges, "at least" qualifiers, approximate numerals).
    pub lower: Option<Decimal>,
    /// Normalized upper bound (ranges, "at most" qualifiers, approximate numerals).
    pub upper: Option<Decimal>,
    pub qualifier: Option<Qualifier>,
    pub negative: bool,
    /// True when the numeral contains an Arabic digit.
    pub arabic: bool,
}

impl Quantity {
    /// A compact human-readable line.
    #[must_use]
    pub fn describe(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            QuantityKind::Number => "number",
            QuantityKind::Measure => "measure",
            QuantityKind::Percent => "percent",
            QuantityKind::PercentagePoint => "percentage_point",
            QuantityKind::Fraction => "fraction",
            QuantityKind::Multiple => "multiple",
        };
        write!(f, "{}  {kind}", self.text)?;
        if let Some(d) = self.dimension {
            write!(f, "/{}", d.name())?;
        }
        write!(f, "  value={}", self.value)?;
        if let Some(u) = &self.unit {
            write!(f, " unit={u}")?;
        }
        if let Some(n) = self.normalized {
            write!(f, " normalized={n}")?;
            if let Some(b) = &self.base_unit {
                write!(f, " {b}")?;
            }
        }
        if self.lower.is_some() || self.upper.is_some() {
            let s = |v: Option<Decimal>| v.map(|v| v.to_string()).unwrap_or_default();
            write!(f, " range=[{}..{}]", s(self.lower), s(self.upper))?;
        }
        if let Some(q) = &self.qualifier {
            write!(f, " qualifier={}", q.word)?;
        }
        Ok(())
    }
}

/// All units known to the crate (one entry per written form).
#[must_use]
pub fn units() -> &'static [UnitDef] {
    &units::TABLE.units
}

/// Look up a unit by its written form.
#[must_use]
pub fn unit(name: &str) -> Option<&'static UnitDef> {
    units::lookup(name)
}

// ------------------------------------------------------------------ reading one quantity

/// The value with the sign of its head (负, -) applied to it and its bounds
/// (which swap: 负3至5 is -5..-3).
fn signed(mut v: NumVal, negative: bool) -> NumVal {
    if negative {
        v.value = -v.value;
        v.lower = v.lower.map(|x| -x);
        v.upper = v.upper.map(|x| -x);
        if let (Some(l), Some(u)) = (v.lower, v.upper) {
            v.lower = Some(l.min(u));
            v.upper = Some(l.max(u));
        }
    }
    v
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{3000}' | '\u{a0}' | '\t')
}

fn skip_spaces(text: &str, pos: usize) -> usize {
    let rest = &text[pos..];
    pos + (rest.len() - rest.trim_start_matches(is_space).len())
}

/// A numeral evaluated in place.
#[derive(Debug)]
struct Num {
    val: NumVal,
    start: usize,
    end: usize,
}

/// Evaluate a `numeral` pair; `base` is the byte offset of the parsed slice.
fn read_numeral(pair: Pair<'_, Rule>, base: usize, whole: bool) -> Option<Num> {
    let toks = tokens(pair, base);
    let first = toks.first()?.start;
    if whole {
        let kinds: Vec<_> = toks.iter().map(|t| t.tok).collect();
        let v = eval(&kinds)?;
        return Some(Num {
            end: toks.last()?.end,
            start: first,
            val: v,
        });
    }
    let v = eval_longest(&toks)?;
    let end = toks[v.used - 1].end;
    Some(Num {
        val: v,
        start: first,
        end,
    })
}

/// Parse a bare numeral at `pos` (no unit).
fn numeral_at(text: &str, pos: usize) -> Option<(Num, Vec<numeral::Token>)> {
    let (toks, _) = lex::numeral(window(text, pos), 0, pos)?;
    #[cfg(debug_assertions)]
    {
        let pest = QParser::parse(Rule::numeral, window(text, pos))
            .ok()
            .and_then(|mut p| p.next())
            .map(|p| tokens(p, pos));
        assert_eq!(
            format!("{:?}", Some(&toks)),
            format!("{:?}", pest.as_ref()),
            "numeral lexer differs from pest at {pos} in {text:?}"
        );
    }
    let v = eval_longest(&toks)?;
    let end = toks[v.used - 1].end;
    let start = toks.first()?.start;
    Some((Num { val: v, start, end }, toks))
}

fn parse_rule<'a>(rule: Rule, text: &'a str, pos: usize) -> Option<Pair<'a, Rule>> {
    QParser::parse(rule, window(text, pos)).ok()?.next()
}

/// The slice every anchored parse sees: at most [`WINDOW`] bytes from `pos`.
/// pest builds a failure message from the whole line around the failure, so
/// parsing against the unbounded rest of a long line would be quadratic.
pub(crate) fn window(text: &str, pos: usize) -> &str {
    let mut end = (pos + WINDOW).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[pos..end]
}

/// No quantity or period is longer than this many bytes.
pub(crate) const WINDOW: usize = 320;

#[derive(Debug)]
struct Head {
    qual: Option<String>,
    currency: Option<String>,
    negative: bool,
    num: Num,
    /// percent-of prefix factor (百分之 = 1, 千分之 = 0.1 …) and its text
    pct: Option<(Decimal, String)>,
    fraction: bool,
}

fn pct_factor(s: &str) -> Decimal {
    let s: String = s.chars().filter(|c| !is_space(*c)).collect();
    match s.trim_end_matches("分之") {
        "千" | "仟" => Decimal::new(1, 1),
        "万" => Decimal::new(1, 2),
        "百万" => Decimal::new(1, 4),
        "千万" => Decimal::new(1, 5),
        "万万" => Decimal::new(1, 6),
        "百万万" => Decimal::new(1, 8),
        _ => Decimal::ONE,
    }
}

/// Read the `head` rule at `pos`: by hand for the common forms (a numeral with
/// optional qualifier, currency and sign), with pest for the rest.
fn read_head(text: &str, pos: usize) -> Option<Head> {
    match read_head_fast(text, pos) {
        Some(h) => {
            #[cfg(debug_assertions)]
            assert_eq!(
                format!("{h:?}"),
                format!("{:?}", read_head_pest(text, pos)),
                "hand-written head differs from pest at {pos} in {text:?}"
            );
            h
        }
        None => read_head_pest(text, pos),
    }
}

/// The hand-written `head`: `Some(result)` when it is decided, `None` when one of the
/// rarer alternatives (percent_of, slash, mixed, fraction) could match and pest must
/// read it.
#[allow(clippy::option_option)]
fn read_head_fast(text: &str, pos: usize) -> Option<Option<Head>> {
    let w = window(text, pos);
    let (qual, cur, sign, p) = lex::head_prefix(w);
    let Some((toks, e)) = lex::numeral(w, p, pos) else {
        // every alternative of `head` starts with a numeral token
        return Some(None);
    };
    if lex::needs_full_head(w, e) {
        return None;
    }
    let Some(v) = eval_longest(&toks) else {
        return Some(None);
    };
    let mut h = Head {
        qual: qual.map(str::to_string),
        currency: cur.map(str::to_string),
        negative: matches!(sign, Some("负" | "-" | "－" | "−")),
        num: Num {
            start: toks[0].start,
            end: toks[v.used - 1].end,
            val: v,
        },
        pct: None,
        fraction: false,
    };
    apply_sign(&mut h);
    Some(Some(h))
}

fn read_head_pest(text: &str, pos: usize) -> Option<Head> {
    let pair = parse_rule(Rule::head, text, pos)?;
    let mut h = Head {
        qual: None,
        currency: None,
        negative: false,
        num: dummy_num(),
        pct: None,
        fraction: false,
    };
    let mut got = false;
    for p in pair.into_inner() {
        let off = pos + p.as_span().start();
        let p_len = p.as_str().len();
        match p.as_rule() {
            Rule::pre_qual => h.qual = Some(p.as_str().to_string()),
            Rule::cur_pre => h.currency = Some(p.as_str().to_string()),
            Rule::sign => h.negative = matches!(p.as_str(), "负" | "-" | "－" | "−"),
            Rule::numeral => {
                h.num = read_numeral(p, pos, false)?;
                got = true;
            }
            Rule::percent_of => {
                let mut it = p.into_inner();
                let pre = it.next()?;
                let n = it.next()?;
                h.pct = Some((pct_factor(pre.as_str()), pre.as_str().to_string()));
                h.num = read_numeral(n, pos, false)?;
                h.num.start = off;
                got = true;
            }
            Rule::slash | Rule::a_mixed => {
                let mixed = p.as_rule() == Rule::a_mixed;
                let mut it = p.into_inner();
                let whole = if mixed {
                    let w = numeral::parse_arabic(it.next()?.as_str())?;
                    it = it.next()?.into_inner();
                    w
                } else {
                    Decimal::ZERO
                };
                let a = numeral::parse_arabic(it.next()?.as_str())?;
                let b = numeral::parse_arabic(it.next()?.as_str())?;
                let v = whole + a.checked_div(b)?;
                let mut n = dummy_num();
                n.val.value = v.normalize();
                n.val.has_arabic = true;
                n.val.has_magnitude = true;
                n.start = off;
                n.end = off + p_len;
                h.num = n;
                h.fraction = true;
                got = true;
            }
            Rule::fraction | Rule::mixed => {
                let is_mixed = p.as_rule() == Rule::mixed;
                match read_fraction(p.clone(), pos, is_mixed) {
                    Some(n) => {
                        h.num = n;
                        h.fraction = true;
                    }
                    None => {
                        let (n, _) = numeral_at(text, off)?;
                        h.num = n;
                    }
                }
                got = true;
            }
            _ => {}
        }
    }
    if !got {
        return None;
    }
    apply_sign(&mut h);
    Some(h)
}

fn apply_sign(h: &mut Head) {
    h.num.val = signed(h.num.val.clone(), h.negative);
}

fn dummy_num() -> Num {
    Num {
        val: NumVal {
            value: Decimal::ZERO,
            lower: None,
            upper: None,
            approx: None,
            has_arabic: false,
            has_magnitude: false,
            used: 0,
        },
        start: 0,
        end: 0,
    }
}

fn read_fraction(p: Pair<'_, Rule>, pos: usize, mixed: bool) -> Option<Num> {
    let span_start = pos + p.as_span().start();
    let span_end = pos + p.as_span().end();
    let mut it = p.into_inner();
    if !mixed {
        return fraction_value(it, pos, span_start, span_end);
    }
    let w = read_numeral(it.next()?, pos, true)?;
    let whole = w.val.value;
    let has_arabic = w.val.has_arabic;
    let frac = it.next()?;
    let f = fraction_value(frac.into_inner(), pos, span_start, span_end)?;
    let value = if whole.is_sign_negative() {
        whole - f.val.value
    } else {
        whole + f.val.value
    };
    Some(Num {
        val: NumVal {
            value,
            has_arabic: has_arabic || f.val.has_arabic,
            ..f.val
        },
        start: span_start,
        end: span_end,
    })
}

fn fraction_value<'a>(
    mut it: impl Iterator<Item = Pair<'a, Rule>>,
    pos: usize,
    start: usize,
    end: usize,
) -> Option<Num> {
    let den = read_numeral(it.next()?, pos, true)?;
    let mut neg = false;
    let mut nxt = it.next()?;
    // bare 分 (三分一) must be a proper fraction: 一分五 / 三分五 are 1.5 / 3.5 fen
    let bare_fen = nxt.as_rule() == Rule::frac_bare && nxt.as_str() == "分";
    if matches!(nxt.as_rule(), Rule::frac_mid | Rule::frac_bare) {
        nxt = it.next()?;
    }
    if nxt.as_rule() == Rule::sign {
        neg = nxt.as_str() != "+";
        nxt = it.next()?;
    }
    let num = read_numeral(nxt, pos, true)?;
    if den.val.value.is_zero()
        || den.val.lower.is_some()
        || num.val.lower.is_some()
        || bare_fen && num.val.value >= den.val.value
    {
        return None;
    }
    let mut v = num.val.value.checked_div(den.val.value)?;
    if neg {
        v = -v;
    }
    Some(Num {
        val: NumVal {
            value: v.normalize(),
            lower: None,
            upper: None,
            approx: None,
            has_arabic: den.val.has_arabic || num.val.has_arabic,
            has_magnitude: true,
            used: 0,
        },
        start,
        end,
    })
}

/// Units after which a CNY sub-unit (角/分) or a bare trailing digit may follow.
fn is_yuan(u: &str) -> bool {
    matches!(u, "元" | "块" | "圆" | "蚊" | "块钱")
}

/// Read a quantity starting at `pos` (no reporting policy applied).
fn read_at(text: &str, pos: usize) -> Option<Quantity> {
    let h = read_head(text, pos)?;
    let mut val = h.num.val.clone();
    let mut num_end = h.num.end;
    let mut unit: Option<(&'static UnitDef, usize)> = None;
    let mut unit_text: Option<String> = None;
    let mut kind_override = None;

    if let Some((factor, pre)) = &h.pct {
        let pct = units::lookup("%")?;
        unit = Some((pct, num_end));
        unit_text = Some(pre.chars().filter(|c| !is_space(*c)).collect());
        kind_override = Some(*factor);
    } else if !h.fraction {
        // magnitude handover: 221.23亿元 → 221.23 + 亿元
        unit = units::match_unit(text, num_end);
        if unit.is_none() || h.num.val.used > 1 {
            if let Some(t) = last_big_start(text, &h.num) {
                if let Some((u, uend)) = units::match_unit(text, t) {
                    let magnitude_led = u.name.starts_with(['万', '亿']);
                    let better = unit.is_none_or(|(_, e)| uend >= e);
                    if magnitude_led && better {
                        if let Some((n, _)) = numeral_prefix(text, h.num.start, t) {
                            val = signed(n.val, h.negative);
                            num_end = n.end;
                            unit = Some((u, uend));
                        }
                    }
                }
            }
        }
        // 3.7亿千瓦: a bare 千 right after 亿/万 begins the unit (千瓦, 千米,
        // 千克), it does not add a thousand.
        let written = text[h.num.start..num_end].trim_end_matches(is_space);
        if let Some(before) = written.strip_suffix('千')
            && before.trim_end_matches(is_space).ends_with(['万', '亿'])
        {
            let t = h.num.start + before.len();
            if let Some((u, uend)) = units::match_unit(text, t)
                && u.name.starts_with('千')
                && let Some((n, _)) = numeral_prefix(text, h.num.start, t)
            {
                val = signed(n.val, h.negative);
                num_end = n.end;
                unit = Some((u, uend));
            }
        }
    }
    // 成 and 折 are shares of ten: G20成员 and 十折 are not percents, nor is the
    // 成/折 of a word (这一成绩, 又一成功; units.toml [fixed] not_share).
    if let Some((u, _)) = unit {
        let not_share = match u.name.as_str() {
            "成" => val.value.abs() > Decimal::TEN,
            "折" => val.has_magnitude && !val.has_arabic,
            _ => false,
        } || matches!(u.name.as_str(), "成" | "折") && {
            let at = &text[skip_spaces(text, num_end)..];
            units::TABLE
                .not_share
                .iter()
                .any(|w| at.starts_with(w.as_str()))
        };
        if not_share && h.pct.is_none() {
            unit = None;
        }
    }
    if unit_text.is_none() {
        unit_text = unit.map(|(u, _)| u.name.clone());
    }
    let mut end = unit.map_or(num_end, |(_, e)| e);
    let mut value = val.value;
    // 七成六 (76%), 三成半 (35%): a trailing tenth after a one-digit Chinese share
    if let Some((u, _)) = unit {
        let one_digit = !val.has_arabic
            && !val.has_magnitude
            && val.lower.is_none()
            && val.approx.is_none()
            && value.fract().is_zero()
            && (Decimal::ONE..=Decimal::from(9)).contains(&value);
        if u.name == "成" && one_digit {
            if let Some((tenth, e)) = share_tail(text, end) {
                value += tenth;
                end = e;
            }
        }
    }
    let mut extra = Decimal::ZERO; // CNY sub-units, in 元

    // CNY compounds: 五元六角, 一块二, 两毛五, 三块零四
    if let Some((u, _)) = unit {
        if is_yuan(&u.name) || matches!(u.name.as_str(), "角" | "毛" | "毫") {
            let (e, add) = cny_tail(text, end, &u.name);
            end = e;
            extra = add;
        } else if u.dimension == Dimension::Money && u.factor == Decimal::ONE {
            // other currencies: 两美元又三美分, 10日元5日本銭
            if let Some((e, add)) = minor_tail(text, end, u) {
                end = e;
                extra = add;
            }
        }
    }

    let mut lower = val.lower;
    let mut upper = val.upper;
    let mut qualifier: Option<Qualifier> = h.qual.as_deref().map(Qualifier::from_word);
    if let Some(a) = val.approx {
        if qualifier.is_none() {
            let vt = &text[h.num.start..num_end.max(h.num.start)];
            let word = ["余", "来", "几", "数"]
                .into_iter()
                .find(|w| vt.contains(w))
                .unwrap_or(a);
            qualifier = Some(Qualifier::from_word(word));
        }
    }

    let factor =
        unit.map_or(Decimal::ONE, |(u, _)| u.factor) * kind_override.unwrap_or(Decimal::ONE);
    let norm =
        // Rounded to 15 places: factors such as 1/24 (小时 → 天) are stored
        // to 30 places, and 48 × 0.0416… should read 2, not 2.000…016.
        |v: Decimal| -> Option<Decimal> {
            v.checked_mul(factor)
                .map(|x| (x + extra).round_dp(15).normalize())
        };
    let mut normalized = norm(value)?;
    lower = lower.and_then(norm);
    upper = upper.and_then(norm);

    // 折: "75折" is 75%, "7.5折"/"八折" is 75%/80%; 半折 and 打对折 are half price
    if let Some((u, _)) = unit {
        if u.name == "折" && value >= Decimal::TEN {
            normalized = value;
        }
        let vt = text[h.num.start..num_end].trim_matches(is_space);
        if u.name == "折" && matches!(vt, "半" | "对") {
            normalized = Decimal::from(50);
        }
    }

    // ranges: 1-2个, 5%—10%, 三至五年, 五块六到五块七毛八
    if let Some((hi, hi_extra, hi_end, u2)) =
        range_tail(text, end, unit.map(|(u, _)| u), h.pct.is_some())
    {
        let unit2 = u2.or(unit.map(|(u, _)| u));
        let f2 = unit2.map_or(Decimal::ONE, |u| u.factor) * kind_override.unwrap_or(Decimal::ONE);
        let hi_norm = hi.checked_mul(f2)? + hi_extra;
        let lo_norm = value.checked_mul(f2)? + extra;
        if hi_norm >= lo_norm {
            if unit.is_none() {
                if let Some(u) = u2 {
                    unit = Some((u, hi_end));
                    unit_text = Some(u.name.clone());
                }
            }
            lower = Some(lo_norm.normalize());
            upper = Some(hi_norm.normalize());
            normalized = lo_norm.normalize();
            end = hi_end;
        }
    }

    // trailing qualifier: 以上, 左右
    let q_at = skip_spaces(text, end);
    if let Some(p) = lex::post_qual(&text[q_at..]) {
        end = q_at + p.len();
        qualifier = Some(Qualifier::from_word(p));
    }
    if let Some(q) = &qualifier {
        match q.kind {
            QualifierKind::AtLeast if lower.is_none() => lower = Some(normalized),
            QualifierKind::AtMost if upper.is_none() => upper = Some(normalized),
            _ => {}
        }
    }

    if let Some(c) = &h.currency {
        if unit.is_none() {
            let u = match c.as_str() {
                "$" | "＄" | "US$" => units::lookup("美元"),
                "HK$" => units::lookup("港元"),
                "€" => units::lookup("欧元"),
                "£" => units::lookup("英镑"),
                _ => units::lookup("元"),
            };
            unit = u.map(|u| (u, end));
            unit_text = Some(c.clone());
        }
    }
    if value.is_zero() && h.negative {
        value = Decimal::ZERO;
    }

    let dimension = unit.map(|(u, _)| u.dimension);
    let kind = if h.fraction && unit.is_none() {
        QuantityKind::Fraction
    } else {
        match dimension {
            None => QuantityKind::Number,
            Some(Dimension::Ratio) => QuantityKind::Percent,
            Some(Dimension::PercentagePoint) => QuantityKind::PercentagePoint,
            Some(Dimension::Multiple) => QuantityKind::Multiple,
            Some(_) => QuantityKind::Measure,
        }
    };
    let start = pos;
    Some(Quantity {
        start,
        end,
        text: text[start..end].to_string(),
        kind,
        value: value.normalize(),
        value_text: text[h.num.start..num_end.max(h.num.start)].to_string(),
        unit: unit_text,
        dimension,
        base_unit: unit.map(|(u, _)| u.base.clone()),
        normalized: Some(normalized),
        lower,
        upper,
        qualifier,
        negative: h.negative && !value.is_zero(),
        arabic: val.has_arabic,
    })
}

/// Byte start of the last token if it is a magnitude 万/亿 preceded by something.
fn last_big_start(text: &str, n: &Num) -> Option<usize> {
    let s = &text[n.start..n.end];
    if s.ends_with("万亿") && s.chars().count() > 2 {
        return Some(n.end - "万亿".len());
    }
    let last = s.chars().last()?;
    if (last == '万' || last == '亿') && s.chars().count() > 1 && n.val.lower.is_none() {
        Some(n.end - last.len_utf8())
    } else {
        None
    }
}

/// Evaluate the numeral in `text[start..end]` exactly (used for the magnitude handover).
fn numeral_prefix(text: &str, start: usize, end: usize) -> Option<(Num, ())> {
    let sub = &text[..end];
    let (n, _) = numeral_at(sub, start)?;
    if n.end == end || text[n.end..end].chars().all(is_space) {
        Some((n, ()))
    } else {
        None
    }
}

/// CNY sub-units after a yuan/jiao unit. Returns (end, amount in 元).
fn cny_tail(text: &str, mut end: usize, unit: &str) -> (usize, Decimal) {
    let mut add = Decimal::ZERO;
    let mut level = if is_yuan(unit) { 0 } else { 1 }; // 0: expect 角, 1: expect 分
    let units_at = [Decimal::new(1, 1), Decimal::new(1, 2)];
    for _ in 0..2 {
        let p = skip_spaces(text, end);
        let Some((n, _)) = numeral_at(text, p) else {
            break;
        };
        if n.val.has_magnitude || n.val.value >= Decimal::TEN || n.val.lower.is_some() {
            break;
        }
        let after = units::match_unit(text, n.end);
        match after {
            Some((u, e)) if matches!(u.name.as_str(), "角" | "毛" | "毫") && level == 0 => {
                add += n.val.value * units_at[0];
                end = e;
                level = 1;
            }
            Some((u, e)) if matches!(u.name.as_str(), "分" | "仙" | "分钱") && level <= 1 => {
                add += n.val.value * units_at[1];
                end = e;
                break;
            }
            Some(_) => break,
            None => {
                // bare trailing digit: 一块二 (2角), 两毛五 (5分), 三块零四 (4分)
                let zero_led = text[p..].starts_with('零');
                let lvl = if zero_led { level + 1 } else { level };
                if lvl > 1 || text[p..n.end].chars().count() > 2 {
                    break;
                }
                add += n.val.value * units_at[lvl];
                end = n.end;
                break;
            }
        }
    }
    (end, add)
}

/// The tenth after 七成 / 三成: one Chinese digit (七成六) or 半 (三成半) that ends the
/// expression: followed by the end, punctuation, 的, a coordinator or a trailing
/// qualifier, so 三成一致, 三成五年, 三成半年 keep their own reading.
/// Returns (tenth in 成, end).
fn share_tail(text: &str, pos: usize) -> Option<(Decimal, usize)> {
    let p = skip_spaces(text, pos);
    let c = text[p..].chars().next()?;
    let d = match c {
        '半' => 5,
        '两' => return None,
        c if is_cn_numeral(c) => i64::from(numeral_digit(c)?),
        _ => return None,
    };
    let e = p + c.len_utf8();
    let rest = text[e..].trim_start_matches(is_space);
    let ends = match rest.chars().next() {
        None => true,
        Some(n) if n.is_alphanumeric() || matches!(n, '.' | '．' | '%' | '％') => [
            "的", "和", "与", "及", "或", "以上", "以下", "以内", "左右", "上下",
        ]
        .iter()
        .any(|w| rest.starts_with(w)),
        Some(_) => true,
    };
    ends.then(|| (Decimal::new(d, 1), e))
}

fn numeral_digit(c: char) -> Option<u8> {
    Some(match c {
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// A minor currency unit after a major one (两美元又三美分, 10日元5日本銭): an optional
/// 又/零, a small numeral without magnitude and a unit of the same base worth less
/// than one major unit.  Returns (end, amount in the major unit).
fn minor_tail(text: &str, end: usize, major: &UnitDef) -> Option<(usize, Decimal)> {
    let mut p = skip_spaces(text, end);
    for joiner in ["又", "零"] {
        if text[p..].starts_with(joiner) {
            p = skip_spaces(text, p + joiner.len());
            break;
        }
    }
    let (n, _) = numeral_at(text, p)?;
    if n.val.value >= Decimal::ONE_HUNDRED
        || n.val.lower.is_some()
        || n.val.value.is_sign_negative()
    {
        return None;
    }
    let (u, e) = units::match_unit(text, n.end)?;
    if u.base != major.base || u.factor >= major.factor || u.dimension != Dimension::Money {
        return None;
    }
    Some((e, n.val.value.checked_mul(u.factor)?))
}

/// `range_tail` read by pest: the upper numeral and whether it is a `percent_of`.
fn range_tail_pest(text: &str, pos: usize) -> Option<(Option<Num>, bool)> {
    let pair = parse_rule(Rule::range_tail, text, pos)?;
    let mut hi: Option<Num> = None;
    let mut pct2 = false;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::numeral => hi = read_numeral(p, pos, false),
            Rule::percent_of => {
                pct2 = true;
                let n = p.into_inner().nth(1)?;
                hi = read_numeral(n, pos, false);
            }
            _ => {}
        }
    }
    Some((hi, pct2))
}

/// A range continuation after a quantity: returns (upper value, end, unit of the upper end).
fn range_tail(
    text: &str,
    pos: usize,
    unit: Option<&'static UnitDef>,
    pct: bool,
) -> Option<(Decimal, Decimal, usize, Option<&'static UnitDef>)> {
    let w = window(text, pos);
    let q = lex::range_start(w)?;
    // `percent_of | numeral`: both begin with a numeral token
    let (toks, e) = lex::numeral(w, q, pos)?;
    let (hi, pct2) = if lex::needs_full_head(w, e) {
        range_tail_pest(text, pos)?
    } else {
        let hi = eval_longest(&toks).map(|v| Num {
            start: toks[0].start,
            end: toks[v.used - 1].end,
            val: v,
        });
        #[cfg(debug_assertions)]
        assert_eq!(
            format!("{:?}", Some((&hi, false))),
            format!("{:?}", range_tail_pest(text, pos)),
            "hand-written range_tail differs from pest at {pos} in {text:?}"
        );
        (hi, false)
    };
    let hi = hi?;
    if hi.val.lower.is_some() {
        return None;
    }
    let (u2, mut end) = match units::match_unit(text, hi.end) {
        Some((u, e)) if !pct2 => (Some(u), e),
        _ => (None, hi.end),
    };
    let mut extra = Decimal::ZERO;
    if let Some(u) = u2 {
        if is_yuan(&u.name) {
            (end, extra) = cny_tail(text, end, &u.name);
        }
    }
    if pct || pct2 {
        let u2 = u2.filter(|u| u.name == "%" || u.name == "％");
        return if pct && (pct2 || u2.is_some() || unit.is_some()) {
            Some((hi.val.value, extra, end, None))
        } else {
            None
        };
    }
    match (unit, u2) {
        (Some(a), Some(b)) if a.base == b.base && a.factor == b.factor => {
            Some((hi.val.value, extra, end, Some(b)))
        }
        (Some(_), _) => None,
        (None, u) => Some((hi.val.value, extra, end, u)),
    }
}

// ------------------------------------------------------------------ scanning

fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '万'
            | '亿'
            | '兆'
            | '壹'
            | '贰'
            | '叁'
            | '肆'
            | '伍'
            | '陆'
            | '柒'
            | '捌'
            | '玖'
            | '拾'
            | '佰'
            | '仟'
            | '廿'
            | '卅'
            | '幺'
    )
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_financial(c: char) -> bool {
    matches!(
        c,
        '壹' | '贰' | '叁' | '肆' | '伍' | '陆' | '柒' | '捌' | '玖' | '拾' | '佰' | '仟'
    )
}

fn is_candidate(text: &str, i: usize, c: char) -> bool {
    if is_digit(c) || is_cn_numeral(c) {
        return true;
    }
    let next_digit = || {
        text[i + c.len_utf8()..]
            .chars()
            .next()
            .is_some_and(is_digit)
    };
    match c {
        '-' | '－' | '−' | '+' | '.' | '．' => {
            let prev = text[..i].chars().next_back();
            (next_digit() || text[i + c.len_utf8()..].starts_with(['.', '．']))
                && !prev.is_some_and(|p| is_digit(p) || p.is_ascii_alphanumeric() || p == '.')
        }
        '近' | '约' | '超' | '逾' | '负' | '将' | '接' | '大' | '至' | '最' | '不' | '多'
        | '上' | '￥' | '¥' | '$' | '＄' | '€' | '£' | '人' | 'U' | 'H' | '数' | '几' | '半' => {
            true
        }
        // 对折 (half price) only as 打对折 / 打个对折: 对折扣, 对折旧, 将纸对折 are not discounts
        '对' => {
            let before = &text[..i];
            (before.ends_with('打') || before.ends_with("打个"))
                && text[i + c.len_utf8()..].starts_with('折')
        }
        _ => false,
    }
}

/// Scanning mode.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Policy,
    All,
}

/// All quantities in `text`, left to right, non-overlapping (leftmost-longest),
/// with the reporting policy described in the crate docs.
#[must_use]
pub fn scan(text: &str) -> Vec<Quantity> {
    scan_mode(text, &scan_periods(text), Mode::Policy)
}

/// [`scan`], given the periods of `text` (exactly `scan_periods(text)`), for
/// callers that need both: the periods are scanned once.
#[must_use]
pub fn scan_with_periods(text: &str, periods: &[Period]) -> Vec<Quantity> {
    scan_mode(text, periods, Mode::Policy)
}

/// Every numeral and quantity in `text`, without the reporting policy for bare
/// Chinese numerals (一, 三, 五 are reported).  Fixed expressions (四川, 一看 …)
/// and lone financial numerals (陆地, 收拾) are still skipped.
#[must_use]
pub fn scan_numbers(text: &str) -> Vec<Quantity> {
    scan_mode(text, &[], Mode::All)
}

fn starts_fixed(text: &str, i: usize) -> Option<usize> {
    let rest = &text[i..];
    let table = &*units::TABLE;
    let first = rest.chars().next()?;
    table
        .not_quantity_by_first
        .get(&first)?
        .iter()
        .map(|&k| &table.not_quantity[k])
        .filter(|w| rest.starts_with(w.as_str()) && !rest[w.len()..].starts_with("分之"))
        .map(String::len)
        .max()
}

/// Quantities outside `periods` (the periods of `text` in policy mode, none
/// otherwise).
fn scan_mode(text: &str, periods: &[Period], mode: Mode) -> Vec<Quantity> {
    let urls = url_spans(text);
    let mut ui = 0;
    let mut out: Vec<Quantity> = Vec::new();
    let mut pi = 0;
    let mut i = 0;
    while i < text.len() {
        // numbers inside URLs (…?q=30%25%2020) are not quantities
        while ui < urls.len() && urls[ui].1 <= i {
            ui += 1;
        }
        if let Some(&(us, ue)) = urls.get(ui) {
            if us <= i {
                i = ue;
                continue;
            }
        }
        while pi < periods.len() && periods[pi].end <= i {
            pi += 1;
        }
        if let Some(p) = periods.get(pi) {
            if p.start <= i {
                i = p.end;
                continue;
            }
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if !is_candidate(text, i, c) {
            i += c.len_utf8();
            continue;
        }
        if let Some(len) = starts_fixed(text, i) {
            i += len;
            continue;
        }
        let limit = periods.get(pi).map_or(text.len(), |p| p.start);
        match read_at(text, i) {
            Some(q) if q.end <= limit && q.end > i && accept_shape(text, &q) => {
                i = q.end;
                out.push(q);
            }
            _ => {
                // skip the whole run of numeral characters
                let mut j = i + c.len_utf8();
                if is_digit(c) || is_cn_numeral(c) {
                    for (k, d) in text[j..].char_indices() {
                        if !(is_digit(d)
                            || is_cn_numeral(d)
                            || matches!(d, '.' | ',' | '，' | '．'))
                        {
                            j += k;
                            break;
                        }
                        if k + d.len_utf8() == text.len() - j {
                            j = text.len();
                            break;
                        }
                    }
                }
                i = j.min(text.len());
            }
        }
    }
    share_units(text, &mut out);
    out.retain(|q| report(text, q, mode));
    out
}

/// Byte spans of URLs (`http://…`, `https://…`, `ftp://…`, `www.…`): from the
/// scheme to the first whitespace, CJK or full-width character.
fn url_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    while let Some(k) = text[from..].find(['h', 'H', 'f', 'F', 'w', 'W']) {
        let s = from + k;
        let rest = &text[s..];
        let head = rest.as_bytes()[..rest.len().min(8)].to_ascii_lowercase();
        let is_url = ["http://", "https://", "ftp://", "www."]
            .iter()
            .any(|p| head.starts_with(p.as_bytes()))
            && !text[..s]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        if !is_url {
            from = s + 1;
            continue;
        }
        let len = rest
            .find(|c: char| !c.is_ascii_graphic())
            .unwrap_or(rest.len());
        out.push((s, s + len));
        from = s + len.max(1);
    }
    out
}

/// Shape checks that hold in every mode.
fn accept_shape(text: &str, q: &Quantity) -> bool {
    let vt = &q.value_text;
    let mut chars = vt.chars();
    // a lone financial numeral (陆地, 收拾, 放肆) is a word, not a number
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if is_financial(c) {
            return false;
        }
    }
    // a numeral followed by a letter or digit-ish continuation (5G, 3D, A1) is a name
    if q.unit.is_none() {
        if let Some(n) = text[q.end..].chars().next() {
            if n.is_ascii_alphabetic() && q.arabic {
                return false;
            }
        }
    }
    true
}

/// The reporting policy (crate docs).
fn report(text: &str, q: &Quantity, mode: Mode) -> bool {
    let before = text[..q.start].chars().next_back();
    let after = text[q.end..].chars().next();
    if mode == Mode::All {
        return true;
    }
    // ordinals
    if before == Some('第') {
        return false;
    }
    // document numbers 〔2024〕1号, [2024]
    if matches!(after, Some('〕' | ']' | '】')) && matches!(before, Some('〔' | '[' | '【')) {
        return false;
    }
    if matches!(before, Some('〕' | ']')) && text[q.end..].starts_with('号') {
        return false;
    }
    // clock times and ratios: 1:1, 10:30
    let colon = |c: Option<char>| matches!(c, Some(':' | '：'));
    if colon(after) && text[q.end..].chars().nth(1).is_some_and(is_digit) {
        return false;
    }
    if colon(before) {
        let prev = text[..q.start].chars().rev().nth(1);
        if prev.is_some_and(is_digit) {
            return false;
        }
    }
    // quoted names and slogans
    if let Some((qs, qe)) = enclosing_quote(text, q.start, q.end) {
        let inner = &text[qs..qe];
        if inner.chars().count() <= 8 && !q.arabic {
            return false;
        }
        if q.start == qs && q.end == qe && q.unit.is_none() {
            return false;
        }
    }
    if q.arabic || q.kind == QuantityKind::Fraction {
        return true;
    }
    if q.unit.is_some() {
        return true;
    }
    // bare Chinese numeral: only with a magnitude and at least two characters
    q.value_text.chars().count() >= 2 && has_magnitude_char(&q.value_text)
}

fn has_magnitude_char(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(
            c,
            '十' | '百' | '千' | '万' | '亿' | '拾' | '佰' | '仟' | '廿' | '卅'
        )
    })
}

/// The quote “…” (or "…") immediately enclosing [start, end), if it is on the same short stretch.
fn enclosing_quote(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let open = text[..start]
        .char_indices()
        .rev()
        .take(12)
        .find(|(_, c)| matches!(c, '“' | '”' | '「' | '」'));
    let (oi, oc) = open?;
    if oc != '“' && oc != '「' {
        return None;
    }
    let qs = oi + oc.len_utf8();
    let close = text[end..]
        .char_indices()
        .take(12)
        .find(|(_, c)| matches!(c, '”' | '“' | '」' | '「'));
    let (ci, cc) = close?;
    if cc != '”' && cc != '」' {
        return None;
    }
    Some((qs, end + ci))
}

/// "收窄0.8和11.9个百分点": a bare number takes the unit of a coordinated neighbour.
fn share_units(text: &str, qs: &mut [Quantity]) {
    for k in (0..qs.len().saturating_sub(1)).rev() {
        let (a, b) = (&qs[k], &qs[k + 1]);
        if a.unit.is_some()
            || b.unit.is_none()
            || a.lower.is_some() && a.upper.is_some()
            || a.qualifier.is_some()
            || b.qualifier.is_some()
            || a.arabic != b.arabic
        {
            continue;
        }
        let between = &text[a.end..b.start];
        let ok = lex::is_coord(between);
        if !ok || between == "，" || between == "," {
            continue;
        }
        let Some(u) = b.unit.as_deref().and_then(units::lookup) else {
            continue;
        };
        let b_dim = b.dimension;
        let b_kind = b.kind;
        let a = &mut qs[k];
        a.unit = Some(u.name.clone());
        a.dimension = b_dim;
        a.kind = b_kind;
        a.base_unit = Some(u.base.clone());
        a.normalized = a.value.checked_mul(u.factor).map(|v| v.normalize());
        a.lower = a.lower.and_then(|v| v.checked_mul(u.factor));
        a.upper = a.upper.and_then(|v| v.checked_mul(u.factor));
    }
}

/// Parse a whole string as one quantity (None if it is not exactly one
/// quantity).  Surrounding whitespace is ignored; no reporting policy.
#[must_use]
pub fn parse(text: &str) -> Option<Quantity> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    let off = text.len() - text.trim_start_matches(|c: char| c.is_whitespace()).len();
    let q = read_at(text, off)?;
    if q.end == off + t.len() {
        Some(q)
    } else {
        None
    }
}

/// Anchored: the longest quantity starting exactly at byte `pos` (no reporting
/// policy; periods are not excluded).  None if `pos` is not a char boundary.
#[must_use]
pub fn quantity_at(text: &str, pos: usize) -> Option<Quantity> {
    if pos >= text.len() || !text.is_char_boundary(pos) {
        return None;
    }
    read_at(text, pos)
}

/// Parse an exact decimal from a string like `"22123000000"` or `"6E-05"`.
#[must_use]
pub fn decimal(s: &str) -> Option<Decimal> {
    Decimal::from_str(s)
        .or_else(|_| Decimal::from_scientific(s))
        .ok()
}
