//! Numeral evaluation: pest token pairs → exact decimal value.
//!
//! The grammar yields a bounded token sequence; [`eval_longest`] returns the
//! value of its longest well-formed prefix.

use std::str::FromStr;

use pest::iterators::Pair;
use rust_decimal::Decimal;

use crate::Rule;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Tok {
    /// Chinese digit 1–9; `liang` marks 两 (never part of a digit string).
    Digit {
        d: u8,
        liang: bool,
    },
    Zero,
    Small(u32),
    /// 万 (4), 亿 (8), 兆 (12): power of ten.
    Big(u32),
    Nian(u8),
    /// 几 / 数: an unknown digit.
    Some,
    /// 余 / 多 / 来: "more than".
    More,
    Half,
    Dozen,
    /// Fractional part from 点…
    Point(Decimal),
    Pair(u8, u8),
    Arabic(Decimal),
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// Result of evaluating a numeral.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NumVal {
    pub value: Decimal,
    pub lower: Option<Decimal>,
    pub upper: Option<Decimal>,
    /// 余/多/来 (more than) or 几/数 (several) inside the numeral.
    pub approx: Option<&'static str>,
    pub has_arabic: bool,
    pub has_magnitude: bool,
    /// number of tokens used
    pub used: usize,
}

fn digit_of(s: &str) -> u8 {
    match s {
        "一" | "壹" | "幺" => 1,
        "二" | "两" | "贰" => 2,
        "三" | "叁" => 3,
        "四" | "肆" => 4,
        "五" | "伍" => 5,
        "六" | "陆" => 6,
        "七" | "柒" => 7,
        "八" | "捌" => 8,
        "九" | "玖" => 9,
        _ => 0,
    }
}

/// Parse an Arabic numeral as matched by the `arabic` rule (full-width allowed;
/// spaces, thousands separators, `e`/`E` exponents, `^` powers, k/M suffixes).
pub(crate) fn parse_arabic(s: &str) -> Option<Decimal> {
    let mut mant = String::new();
    let mut exp: i64 = 0;
    let mut si: i64 = 0;
    let mut in_exp = false;
    let mut in_pow = false;
    let mut exp_s = String::new();
    for c in s.chars() {
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32)?,
            '．' => '.',
            '－' => '-',
            c => c,
        };
        match c {
            ',' | '，' | ' ' | '\u{3000}' => {}
            'e' | 'E' => in_exp = true,
            '^' => in_pow = true,
            'k' | 'K' | 'Ｋ' => si = 3,
            'M' => si = 6,
            _ if in_exp || in_pow => exp_s.push(c),
            _ => mant.push(c),
        }
    }
    if in_exp {
        exp = exp_s.parse().ok()?;
    }
    let digits = mant.chars().filter(char::is_ascii_digit).count();
    if digits > 28 {
        return None;
    }
    let mut v = Decimal::from_str(&mant).ok()?;
    if in_pow {
        v = powi(v, exp_s.trim_start_matches('+').parse().ok()?)?;
    }
    let e = exp + si;
    if e.abs() > 20 {
        return None;
    }
    let ten = Decimal::TEN;
    for _ in 0..e.abs() {
        v = if e > 0 {
            v.checked_mul(ten)?
        } else {
            v.checked_div(ten)?
        };
    }
    Some(v.normalize())
}

/// `base ^ e` exactly (None on overflow or 0 ^ negative).
fn powi(base: Decimal, e: i64) -> Option<Decimal> {
    let mut v = Decimal::ONE;
    for _ in 0..e.unsigned_abs() {
        v = v.checked_mul(base)?;
    }
    if e < 0 {
        Decimal::ONE.checked_div(v)
    } else {
        Some(v)
    }
}

/// Convert the inner pairs of a `numeral` pair into tokens.
pub(crate) fn tokens(pair: Pair<'_, Rule>, base: usize) -> Vec<Token> {
    let mut out = Vec::new();
    for p in pair.into_inner() {
        let span = p.as_span();
        let (start, end) = (base + span.start(), base + span.end());
        let s = p.as_str();
        let tok = match p.as_rule() {
            Rule::arabic | Rule::a_spaced => match parse_arabic(s) {
                Some(v) => Tok::Arabic(v),
                None => break,
            },
            Rule::c_digit => Tok::Digit {
                d: digit_of(s),
                liang: s == "两",
            },
            Rule::c_zero => Tok::Zero,
            Rule::c_small => Tok::Small(match s {
                "十" | "拾" => 10,
                "百" | "佰" => 100,
                _ => 1000,
            }),
            Rule::c_big => Tok::Big(match s {
                "万" => 4,
                "亿" => 8,
                _ => 12,
            }),
            Rule::c_nian => Tok::Nian(match s {
                "廿" => 2,
                "卅" => 3,
                _ => 4,
            }),
            Rule::c_some => Tok::Some,
            Rule::c_more => Tok::More,
            Rule::c_half => Tok::Half,
            Rule::c_dozen => Tok::Dozen,
            Rule::c_point => {
                let mut frac = String::from("0.");
                for d in p.clone().into_inner() {
                    if d.as_rule() == Rule::a_digits {
                        frac.extend(d.as_str().chars().filter_map(|c| match c {
                            '0'..='9' => Some(c),
                            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
                            _ => None,
                        }));
                    } else {
                        frac.push(char::from(b'0' + digit_of(d.as_str())));
                    }
                }
                match Decimal::from_str(&frac) {
                    Ok(v) if frac.len() <= 30 => Tok::Point(v),
                    _ => break,
                }
            }
            Rule::c_pair => {
                let mut it = p.clone().into_inner();
                let a = it.next().map_or(0, |x| digit_of(x.as_str()));
                let b = it.next().map_or(0, |x| digit_of(x.as_str()));
                Tok::Pair(a, b)
            }
            _ => break,
        };
        out.push(Token { tok, start, end });
    }
    out
}

fn pow10(e: u32) -> Decimal {
    Decimal::from_i128_with_scale(10i128.pow(e), 0)
}

fn is_pair_range(a: u8, b: u8) -> bool {
    b == a + 1 || (a, b) == (3, 5)
}

/// Evaluate the longest well-formed prefix of `toks`.
pub(crate) fn eval_longest(toks: &[Token]) -> Option<NumVal> {
    let kinds: Vec<Tok> = toks.iter().map(|t| t.tok).collect();
    let mut n = kinds.len();
    while n > 0 {
        if let Some(mut v) = eval(&kinds[..n]) {
            v.used = n;
            return Some(v);
        }
        // The structural pass fails left to right: every prefix that still
        // contains the failing token fails the same way, so skip them.
        n = match eval_plain_checked(&kinds[..n]) {
            Err(k) if k < n => k,
            _ => n - 1,
        };
    }
    None
}

/// Evaluate a complete token sequence.
pub(crate) fn eval(toks: &[Tok]) -> Option<NumVal> {
    let has_arabic = toks.iter().any(|t| matches!(t, Tok::Arabic(_)));
    let has_magnitude = toks.iter().any(|t| {
        matches!(
            t,
            Tok::Small(_) | Tok::Big(_) | Tok::Nian(_) | Tok::Pair(..) | Tok::Dozen
        )
    });
    // Approximate ranges: 三五万, 七百三四十.
    if let Some(i) = toks.iter().position(|t| matches!(t, Tok::Pair(..))) {
        let Tok::Pair(a, b) = toks[i] else {
            unreachable!()
        };
        if !is_pair_range(a, b) || toks.iter().filter(|t| matches!(t, Tok::Pair(..))).count() > 1 {
            return None;
        }
        let mut lo = toks.to_vec();
        lo[i] = Tok::Digit { d: a, liang: false };
        let mut hi = toks.to_vec();
        hi[i] = Tok::Digit { d: b, liang: false };
        let l = eval_plain(&lo)?;
        let h = eval_plain(&hi)?;
        return Some(NumVal {
            value: l.0,
            lower: Some(l.0),
            upper: Some(h.0),
            approx: None,
            has_arabic,
            has_magnitude,
            used: toks.len(),
        });
    }
    // 几/数: an unknown digit.
    if let Some(i) = toks.iter().position(|t| matches!(t, Tok::Some)) {
        if toks.iter().filter(|t| matches!(t, Tok::Some)).count() > 1 {
            return None;
        }
        // must be followed by a magnitude, or be the last digit after one
        let next_mag = matches!(toks.get(i + 1), Some(Tok::Small(_) | Tok::Big(_)));
        if !next_mag && i == 0 {
            return None;
        }
        let with = |d: u8| {
            let mut v = toks.to_vec();
            v[i] = if d == 0 {
                Tok::Zero
            } else {
                Tok::Digit { d, liang: false }
            };
            eval_plain(&v)
        };
        let (lo, hi) = if i == 0 {
            (with(2)?, with(9)?)
        } else {
            (with(0)?, with(9)?)
        };
        let value = if i == 0 { with(1)?.0 } else { lo.0 };
        return Some(NumVal {
            value,
            lower: Some(lo.0),
            upper: Some(hi.0),
            approx: Some(if i == 0 { "数" } else { "几" }),
            has_arabic,
            has_magnitude,
            used: toks.len(),
        });
    }
    let (value, more) = eval_plain(toks)?;
    Some(NumVal {
        value,
        lower: None,
        upper: None,
        approx: more.then_some("多"),
        has_arabic,
        has_magnitude,
        used: toks.len(),
    })
}

/// Plain evaluation (no pairs / unknown digits).  Returns (value, had 余/多/来).
fn eval_plain(toks: &[Tok]) -> Option<(Decimal, bool)> {
    eval_plain_checked(toks).ok()
}

/// Like [`eval_plain`]; on failure returns the index of the token where the
/// left-to-right pass failed (or `len - 1` when unknown).
fn eval_plain_checked(toks: &[Tok]) -> Result<(Decimal, bool), usize> {
    let unknown = toks.len().saturating_sub(1);
    if toks.is_empty() {
        return Err(0);
    }
    // Digit strings: 一七二零, 二〇〇二, 一二点三零 (two consecutive digits are a range instead).
    let digits_only = toks
        .iter()
        .all(|t| matches!(t, Tok::Digit { .. } | Tok::Zero | Tok::Point(_)))
        && toks.iter().filter(|t| matches!(t, Tok::Point(_))).count() <= 1
        && !matches!(toks[0], Tok::Point(_));
    let ndig = toks
        .iter()
        .filter(|t| matches!(t, Tok::Digit { .. } | Tok::Zero))
        .count();
    let int_digits = toks
        .iter()
        .take_while(|t| !matches!(t, Tok::Point(_)))
        .count();
    if digits_only && int_digits >= 2 {
        if toks
            .iter()
            .any(|t| matches!(t, Tok::Digit { liang: true, .. }))
            || ndig > 28
        {
            return Err(unknown);
        }
        let mut v = Decimal::ZERO;
        for t in toks {
            match t {
                Tok::Digit { d, .. } => {
                    v = v
                        .checked_mul(Decimal::TEN)
                        .and_then(|x| x.checked_add(Decimal::from(*d)))
                        .ok_or(unknown)?;
                }
                Tok::Zero => v = v.checked_mul(Decimal::TEN).ok_or(unknown)?,
                Tok::Point(f) => v += *f,
                _ => {}
            }
        }
        return Ok((v.normalize(), false));
    }

    let mut groups: Vec<(Decimal, u32)> = Vec::new();
    let mut section = Decimal::ZERO;
    let mut num: Option<Decimal> = None;
    let mut last_small: u32 = 10_000; // descending order of 十百千 inside a section
    let mut last_unit: Option<Decimal> = None; // for colloquial 三万五
    let mut prev_was_unit = false;
    let mut colloquial: Option<Decimal> = None;
    let mut zero_seen = false;
    let mut more = false;
    let mut after_more = false;
    let mut after_point = false;
    let mut dozen = false;
    let mut any_value = false;

    for (i, t) in toks.iter().enumerate() {
        if dozen {
            return Err(i);
        }
        match *t {
            Tok::Digit { d, .. } => {
                if num.is_some() || after_more || after_point {
                    return Err(i);
                }
                num = Some(Decimal::from(d));
                colloquial = if prev_was_unit && !zero_seen {
                    last_unit
                        .filter(|u| *u >= Decimal::ONE_HUNDRED)
                        .map(|u| u / Decimal::TEN)
                } else {
                    None
                };
                prev_was_unit = false;
                any_value = true;
            }
            Tok::Arabic(v) => {
                if num.is_some() || after_more || after_point {
                    return Err(i);
                }
                num = Some(v);
                colloquial = None;
                prev_was_unit = false;
                any_value = true;
            }
            Tok::Zero => {
                if num.is_some() || after_more || after_point {
                    // 十零 etc.: only a leading zero may precede a fraction
                    if i != 0 {
                        return Err(i);
                    }
                }
                zero_seen = true;
                prev_was_unit = false;
                if i == 0 {
                    num = Some(Decimal::ZERO);
                    any_value = true;
                    // 零十 → 10: a leading zero is dropped by the next unit
                    if matches!(toks.get(1), Some(Tok::Small(_))) {
                        num = None;
                    }
                }
            }
            Tok::Small(u) => {
                if after_more || after_point || u >= last_small {
                    return Err(i);
                }
                let coef = num.take().unwrap_or(Decimal::ONE);
                section += coef * Decimal::from(u);
                last_small = u;
                last_unit = Some(Decimal::from(u));
                prev_was_unit = true;
                zero_seen = false;
                colloquial = None;
                any_value = true;
            }
            Tok::Nian(n) => {
                if num.is_some() || after_more || after_point || last_small <= 10 {
                    return Err(i);
                }
                section += Decimal::from(n) * Decimal::TEN;
                last_small = 10;
                last_unit = Some(Decimal::TEN);
                prev_was_unit = true;
                colloquial = None;
                any_value = true;
            }
            Tok::Big(b) => {
                // 三万五千: a pending colloquial digit was a coefficient after all.
                colloquial = None;
                let x = section + num.take().unwrap_or(Decimal::ZERO);
                let x_empty = section.is_zero() && !any_value_in_section(toks, i);
                if groups.is_empty() && x.is_zero() && x_empty {
                    return Err(i);
                }
                let mut acc = x;
                groups.retain(|&(v, m)| {
                    if m < b || (x_empty && m <= b) {
                        acc += v;
                        false
                    } else {
                        true
                    }
                });
                if let Some(&(_, m)) = groups.last() {
                    if m <= b {
                        return Err(i);
                    }
                }
                groups.push((acc.checked_mul(pow10(b)).ok_or(i)?, b));
                section = Decimal::ZERO;
                last_small = 10_000;
                last_unit = Some(pow10(b));
                prev_was_unit = true;
                zero_seen = false;
                after_more = false;
                after_point = false;
                any_value = true;
            }
            Tok::More => {
                if i == 0 || after_more || after_point || more {
                    return Err(i);
                }
                more = true;
                after_more = true;
                prev_was_unit = false;
            }
            // reduplicated 半 (一半半, "about half") is one 半
            Tok::Half
                if i > 0 && toks[i - 1] == Tok::Half && (i < 2 || toks[i - 2] != Tok::Half) => {}
            Tok::Half => {
                match num {
                    None if section.is_zero() && groups.is_empty() => {
                        num = Some(Decimal::new(5, 1))
                    }
                    Some(v) if v == Decimal::ONE && section.is_zero() && groups.is_empty() => {
                        num = Some(Decimal::new(5, 1));
                    }
                    _ => return Err(i),
                }
                any_value = true;
                prev_was_unit = false;
            }
            Tok::Dozen => {
                if i == 0 {
                    return Err(i);
                }
                dozen = true;
            }
            Tok::Point(f) => {
                if after_point || after_more || i == 0 {
                    return Err(i);
                }
                let base = match (num.take(), colloquial.take()) {
                    (Some(n), Some(scale)) => n * scale,
                    (Some(n), None) => n,
                    (None, _) => Decimal::ZERO,
                };
                num = Some(base + f);
                colloquial = None;
                after_point = true;
                prev_was_unit = false;
            }
            Tok::Pair(..) | Tok::Some => return Err(i),
        }
    }
    if !any_value {
        return Err(unknown);
    }
    let tail = match (num, colloquial) {
        (Some(n), Some(scale)) => n * scale,
        (Some(n), None) => n,
        (None, _) => Decimal::ZERO,
    };
    let mut total = section + tail;
    for (v, _) in &groups {
        total += *v;
    }
    if dozen {
        total = total.checked_mul(Decimal::from(12)).ok_or(unknown)?;
    }
    Ok((total.normalize(), more))
}

fn any_value_in_section(toks: &[Tok], big_at: usize) -> bool {
    // Was there a digit/number between the previous Big (or start) and this one?
    toks[..big_at]
        .iter()
        .rev()
        .take_while(|t| !matches!(t, Tok::Big(_)))
        .any(|t| {
            matches!(
                t,
                Tok::Digit { .. }
                    | Tok::Arabic(_)
                    | Tok::Small(_)
                    | Tok::Nian(_)
                    | Tok::Half
                    | Tok::Point(_)
            )
        })
}
