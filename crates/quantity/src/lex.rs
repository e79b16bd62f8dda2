//! Hand-written lexer for the hot rules of `grammars/quantity.pest`.
//!
//! The scanner runs an anchored parse at every candidate byte, and pest (with its
//! call-limit tracking, stack checks and literal-by-literal ordered choices) was
//! most of the time of [`crate::scan`].  This module implements the `numeral` rule
//! (all `ntok` alternatives) and the prefix of `head` (`pre_qual`, `cur_pre`,
//! `sign`) by hand, with exactly the grammar's PEG semantics: ordered, committed
//! choices, greedy repetitions, the same look-aheads, and the same input slice
//! ([`crate::window`]), so end-of-input look-aheads agree.  The rarer `head`
//! alternatives (`percent_of`, `a_mixed`, `slash`, `mixed`, `fraction`) are left to
//! pest: [`head_prefix`] callers fall back whenever one of them could match.
//!
//! In debug builds every result is compared against the pest parse (`lib.rs`).

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::numeral::{Tok, Token, parse_arabic};

/// `sp`: `(" " | "\u{3000}" | "\u{00a0}" | "\t")*`.
pub(crate) fn sp(w: &str, mut p: usize) -> usize {
    let b = w.as_bytes();
    loop {
        match b.get(p) {
            Some(b' ' | b'\t') => p += 1,
            Some(0xE3) if w[p..].starts_with('\u{3000}') => p += 3,
            Some(0xC2) if w[p..].starts_with('\u{a0}') => p += 2,
            _ => return p,
        }
    }
}

#[inline]
fn ch(w: &str, p: usize) -> Option<char> {
    w.get(p..)?.chars().next()
}

/// `adig`: ASCII or full-width digit; returns its value and byte length.
#[inline]
fn adig(w: &str, p: usize) -> Option<usize> {
    let b = *w.as_bytes().get(p)?;
    if b.is_ascii_digit() {
        return Some(1);
    }
    // '０'..'９' = EF BC 90 ..= EF BC 99
    let bs = w.as_bytes();
    if b == 0xEF
        && bs.get(p + 1) == Some(&0xBC)
        && bs.get(p + 2).is_some_and(|c| (0x90..=0x99).contains(c))
    {
        return Some(3);
    }
    None
}

fn is_ascii_alpha_at(w: &str, p: usize) -> bool {
    w.as_bytes().get(p).is_some_and(u8::is_ascii_alphabetic)
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// `c_digit`: (value, is 两).
fn c_digit(c: char) -> Option<(u8, bool)> {
    Some(match c {
        '一' | '壹' | '幺' => (1, false),
        '二' | '贰' => (2, false),
        '两' => (2, true),
        '三' | '叁' => (3, false),
        '四' | '肆' => (4, false),
        '五' | '伍' => (5, false),
        '六' | '陆' => (6, false),
        '七' | '柒' => (7, false),
        '八' | '捌' => (8, false),
        '九' | '玖' => (9, false),
        _ => return None,
    })
}

fn c_zero(c: char) -> bool {
    matches!(c, '零' | '〇')
}

/// `c_small` at `p` (the look-ahead of 百 needs the text): returns (value, end).
fn c_small(w: &str, p: usize) -> Option<(u32, usize)> {
    let c = ch(w, p)?;
    let e = p + c.len_utf8();
    let v = match c {
        '十' | '拾' => 10,
        '百' => {
            let r = &w[e..];
            if r.starts_with("分点") || r.starts_with("分 点") {
                return None;
            }
            100
        }
        '佰' => 100,
        '千' | '仟' => 1000,
        _ => return None,
    };
    Some((v, e))
}

fn c_big(c: char) -> Option<u32> {
    Some(match c {
        '万' => 4,
        '亿' => 8,
        '兆' => 12,
        _ => return None,
    })
}

/// `c_fdig`: digit value.
fn c_fdig(c: char) -> Option<u8> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// `&((" " | "\u{3000}")* ~ "折")`
fn ahead_zhe(w: &str, mut p: usize) -> bool {
    loop {
        let r = &w[p..];
        if r.starts_with(' ') {
            p += 1;
        } else if r.starts_with('\u{3000}') {
            p += 3;
        } else {
            return r.starts_with('折');
        }
    }
}

/// `adig{n,m}` greedy; returns the end and the count.
fn adigs(w: &str, mut p: usize, max: usize) -> (usize, usize) {
    let mut n = 0;
    while n < max {
        match adig(w, p) {
            Some(l) => {
                p += l;
                n += 1;
            }
            None => break,
        }
    }
    (p, n)
}

/// `a_int`
fn a_int(w: &str, p: usize) -> Option<usize> {
    // adig{1,3} ~ (a_sep ~ adig{3} ~ !adig)+
    let (e, n) = adigs(w, p, 3);
    if n == 0 {
        return None;
    }
    let mut q = e;
    let mut reps = 0;
    loop {
        let r = &w[q..];
        let s = if r.starts_with(',') {
            1
        } else if r.starts_with('，') {
            3
        } else {
            break;
        };
        let (e2, n2) = adigs(w, q + s, 3);
        if n2 < 3 || adig(w, e2).is_some() {
            break;
        }
        q = e2;
        reps += 1;
    }
    if reps > 0 {
        return Some(q);
    }
    // | adig+
    Some(adigs(w, p, usize::MAX).0)
}

/// `a_point ~ adig+`
fn a_frac(w: &str, p: usize) -> Option<usize> {
    let r = &w[p..];
    let s = if r.starts_with('.') {
        1
    } else if r.starts_with('．') {
        3
    } else {
        return None;
    };
    let (e, n) = adigs(w, p + s, usize::MAX);
    (n > 0).then_some(e)
}

/// `("+" | "-" | "－")?`
fn opt_sign(w: &str, p: usize) -> usize {
    let r = &w[p..];
    if r.starts_with(['+', '-']) {
        p + 1
    } else if r.starts_with('－') {
        p + 3
    } else {
        p
    }
}

/// `a_exp | a_pow`
fn a_exp_pow(w: &str, p: usize) -> Option<usize> {
    let r = &w[p..];
    let (max, q) = if r.starts_with(['e', 'E']) {
        (3, p + 1)
    } else if r.starts_with('^') {
        (2, p + 1)
    } else {
        return None;
    };
    let q = opt_sign(w, q);
    let (e, n) = adigs(w, q, max);
    (n > 0 && adig(w, e).is_none()).then_some(e)
}

/// `("k" | "K" | "Ｋ" | "M")`
fn si_letter(w: &str, p: usize) -> Option<usize> {
    let r = &w[p..];
    if r.starts_with(['k', 'K', 'M']) {
        Some(p + 1)
    } else if r.starts_with('Ｋ') {
        Some(p + 3)
    } else {
        None
    }
}

/// `arabic`
fn arabic(w: &str, p: usize) -> Option<usize> {
    let mut e = match a_int(w, p) {
        Some(e) => a_frac(w, e).unwrap_or(e),
        None => a_frac(w, p)?,
    };
    if let Some(x) = a_exp_pow(w, e) {
        e = x;
    }
    // (si | " " ~ si_alone)?
    if let Some(x) = si_letter(w, e) {
        let bad = is_ascii_alpha_at(w, x) || w[x..].starts_with(['²', '³']);
        if !bad {
            return Some(x);
        }
    }
    if w[e..].starts_with(' ') {
        if let Some(x) = si_letter(w, e + 1) {
            let bad = ch(w, x).is_some_and(|c| {
                c.is_ascii_alphanumeric() || is_cjk(c) || matches!(c, '²' | '³' | '_' | '/')
            });
            if !bad {
                return Some(x);
            }
        }
    }
    Some(e)
}

/// One `ntok` at `p`: the token (None when `tokens()` would stop converting here)
/// and the end of the match.
#[allow(clippy::too_many_lines)]
fn ntok(w: &str, p: usize) -> Option<(Option<Tok>, usize)> {
    let c = ch(w, p)?;
    let e = p + c.len_utf8();
    // c_pair = c_digit ~ c_digit ~ &(sp ~ (c_small | c_big | "成"))
    if let Some((a, _)) = c_digit(c) {
        if let Some(c2) = ch(w, e) {
            if let Some((b, _)) = c_digit(c2) {
                let e2 = e + c2.len_utf8();
                let q = sp(w, e2);
                let ok = c_small(w, q).is_some()
                    || ch(w, q).is_some_and(|c3| c_big(c3).is_some() || c3 == '成');
                if ok {
                    return Some((Some(Tok::Pair(a, b)), e2));
                }
            }
        }
    }
    if adig(w, p).is_some() {
        // a_spaced = adig ~ " " ~ adig ~ &((" " | "\u{3000}")* ~ "折")
        let l = adig(w, p).unwrap_or(1);
        if w[p + l..].starts_with(' ') {
            if let Some(l2) = adig(w, p + l + 1) {
                let end = p + l + 1 + l2;
                if ahead_zhe(w, end) {
                    return Some((parse_arabic(&w[p..end]).map(Tok::Arabic), end));
                }
            }
        }
    }
    if let Some(end) = arabic(w, p) {
        return Some((parse_arabic(&w[p..end]).map(Tok::Arabic), end));
    }
    if let Some((d, liang)) = c_digit(c) {
        return Some((Some(Tok::Digit { d, liang }), e));
    }
    if c_zero(c) {
        return Some((Some(Tok::Zero), e));
    }
    if let Some((v, e)) = c_small(w, p) {
        return Some((Some(Tok::Small(v)), e));
    }
    if let Some(b) = c_big(c) {
        return Some((Some(Tok::Big(b)), e));
    }
    let tok = match c {
        '廿' => Tok::Nian(2),
        '卅' => Tok::Nian(3),
        '卌' => Tok::Nian(4),
        '几' | '数' => Tok::Some,
        '余' | '多' | '来' => Tok::More,
        '半' => Tok::Half,
        '对' if ahead_zhe(w, e) => Tok::Half,
        '打' => {
            let r = &w[e..];
            if r.starts_with(['造', '通', '好', '赢', '击', '破', '开', '响']) {
                return None;
            }
            Tok::Dozen
        }
        '点' => return c_point(w, e),
        _ => return None,
    };
    Some((Some(tok), e))
}

/// `c_point` after "点" (at `p`): `sp ~ (c_fdig ~ (sp ~ c_fdig)* | a_digits)`.
fn c_point(w: &str, p: usize) -> Option<(Option<Tok>, usize)> {
    let q = sp(w, p);
    let mut frac = String::from("0.");
    let end;
    if let Some(d) = ch(w, q).and_then(c_fdig) {
        frac.push(char::from(b'0' + d));
        let mut e = q + 3;
        loop {
            let q2 = sp(w, e);
            match ch(w, q2).and_then(c_fdig) {
                Some(d) => {
                    frac.push(char::from(b'0' + d));
                    e = q2 + 3;
                }
                None => break,
            }
        }
        end = e;
    } else {
        let mut e = q;
        while let Some(l) = adig(w, e) {
            let c = ch(w, e)?;
            frac.push(if l == 1 {
                c
            } else {
                char::from_u32(c as u32 - '０' as u32 + '0' as u32)?
            });
            e += l;
        }
        if e == q {
            return None;
        }
        end = e;
    }
    let tok = match Decimal::from_str(&frac) {
        Ok(v) if frac.len() <= 30 => Some(Tok::Point(v)),
        _ => None,
    };
    Some((tok, end))
}

/// The `numeral` rule at `p` of the window `w` (`base` = byte offset of `w` in the
/// text): the tokens as `numeral::tokens` converts them (stopping at the first token
/// that does not convert) and the end of the match in `w`.
pub(crate) fn numeral(w: &str, p: usize, base: usize) -> Option<(Vec<Token>, usize)> {
    let (t, mut end) = ntok(w, p)?;
    let mut toks = Vec::new();
    let mut live = true;
    let mut push = |t: Option<Tok>, s: usize, e: usize, toks: &mut Vec<Token>| {
        if live {
            match t {
                Some(tok) => toks.push(Token {
                    tok,
                    start: base + s,
                    end: base + e,
                }),
                None => live = false,
            }
        }
    };
    push(t, p, end, &mut toks);
    for _ in 0..31 {
        let q = sp(w, end);
        match ntok(w, q) {
            Some((t, e)) => {
                push(t, q, e, &mut toks);
                end = e;
            }
            None => break,
        }
    }
    Some((toks, end))
}

pub(crate) const PRE_QUAL: [&str; 22] = [
    "大约",
    "约合",
    "约",
    "将近",
    "接近",
    "近",
    "超过",
    "超出",
    "超",
    "逾",
    "至少",
    "最少",
    "最多",
    "至多",
    "不到",
    "不足",
    "不超过",
    "不少于",
    "不低于",
    "不高于",
    "多达",
    "上万",
];
const CUR_PRE: [&str; 9] = ["￥", "¥", "$", "＄", "US$", "HK$", "€", "£", "人民币"];

/// The optional prefix of `head`: `pre_qual? ~ sp ~ cur_pre? ~ sp ~ sign? ~ sp`.
/// Returns (qualifier, currency, sign, position after the prefix).
pub(crate) fn head_prefix(w: &str) -> (Option<&str>, Option<&str>, Option<&str>, usize) {
    let mut p = 0;
    let qual = PRE_QUAL.iter().find(|q| w.starts_with(**q)).copied();
    if let Some(q) = qual {
        p += q.len();
    }
    p = sp(w, p);
    let cur = CUR_PRE.iter().find(|c| w[p..].starts_with(**c)).copied();
    if let Some(c) = cur {
        p += c.len();
    }
    p = sp(w, p);
    let r = &w[p..];
    let sign = ["负", "-", "－", "−", "+", "＋"]
        .into_iter()
        .find(|s| r.starts_with(s))
        .or_else(|| {
            let after = p + "正".len();
            (r.starts_with('正')
                && (adig(w, after).is_some() || ch(w, after).and_then(c_digit).is_some()))
            .then_some("正")
        });
    if let Some(s) = sign {
        p += s.len();
    }
    p = sp(w, p);
    (qual, cur, sign, p)
}

/// True when a `head` alternative tried before `numeral` (`percent_of`, `a_mixed`,
/// `slash`, `mixed`, `fraction`) could match given a numeral ending at `e`.  All of
/// them begin with a numeral-shaped prefix that ends exactly where the `numeral`
/// rule ends, followed by (after optional spaces) 又, 分/份 before 之 or a Chinese
/// integer, or a slash.
pub(crate) fn needs_full_head(w: &str, e: usize) -> bool {
    let q = sp(w, e);
    let Some(c) = ch(w, q) else {
        return false;
    };
    match c {
        '又' | '/' | '／' => true,
        '分' | '份' => {
            let a = q + 3;
            w[sp(w, a)..].starts_with('之')
                || ch(w, a).is_some_and(|n| {
                    c_digit(n).is_some()
                        || c_zero(n)
                        || c_small(w, a).is_some()
                        || c_big(n).is_some()
                })
        }
        _ => false,
    }
}

/// `post_qual` at `p`.
pub(crate) fn post_qual(w: &str) -> Option<&'static str> {
    [
        "以上", "以下", "以内", "左右", "上下", "开外", "有余", "出头",
    ]
    .into_iter()
    .find(|q| w.starts_with(q))
}

/// `sp ~ range_sep ~ sp` at the start of `w`: the position after it.
pub(crate) fn range_start(w: &str) -> Option<usize> {
    let q = sp(w, 0);
    let sep = ["——", "--", "-", "－", "—", "–", "~", "～", "〜", "至", "到"]
        .into_iter()
        .find(|s| w[q..].starts_with(s))?;
    Some(sp(w, q + sep.len()))
}

/// `coord` matching the whole of `s`.
pub(crate) fn is_coord(s: &str) -> bool {
    matches!(s, "和" | "、" | "与" | "及" | "或" | "，" | ",")
}
