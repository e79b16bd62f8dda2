//! Unit table: `grammars/units.toml`, embedded at compile time and parsed once.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::LazyLock;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::Dimension;

const UNITS_TOML: &str = include_str!("../../../grammars/units.toml");

/// One written form of a unit, with its dimension and exact conversion factor.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UnitDef {
    /// The unit as written (`"亿元"`, `"m2"`, `"个"`).
    pub name: String,
    /// What the unit measures.
    pub dimension: Dimension,
    /// The base unit values are normalized to (`"元"`, `"平方米"`; a count word is its own base).
    pub base: String,
    /// `normalized = value * factor`.
    pub factor: Decimal,
    /// Must not be followed by an ASCII letter or digit (`"P"`, `"kV"`).
    pub ascii: bool,
}

#[derive(Deserialize)]
struct RawFile {
    unit: Vec<RawUnit>,
    fixed: RawFixed,
}

#[derive(Deserialize)]
struct RawUnit {
    names: Vec<String>,
    dimension: String,
    base: String,
    factor: String,
    #[serde(default)]
    ascii: bool,
}

#[derive(Deserialize)]
struct RawFixed {
    not_quantity: Vec<String>,
    #[serde(default)]
    not_share: Vec<String>,
}

pub(crate) struct Table {
    pub units: Vec<UnitDef>,
    /// First char → indices into `units`, longest name first.
    by_first: HashMap<char, Vec<usize>>,
    pub not_quantity: Vec<String>,
    /// First char → indices into `not_quantity`.
    pub not_quantity_by_first: HashMap<char, Vec<usize>>,
    /// Words beginning with 成/折 that are not a share of ten after a numeral.
    pub not_share: Vec<String>,
}

pub(crate) static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let raw: RawFile = toml::from_str(UNITS_TOML).expect("grammars/units.toml is valid TOML");
    let mut units = Vec::new();
    for u in raw.unit {
        let dimension = Dimension::from_name(&u.dimension)
            .unwrap_or_else(|| panic!("unknown dimension {:?} in units.toml", u.dimension));
        let factor = Decimal::from_str(&u.factor)
            .unwrap_or_else(|_| panic!("bad factor {:?} in units.toml", u.factor));
        for name in u.names {
            if units.iter().any(|d: &UnitDef| d.name == name) {
                continue;
            }
            let base = if u.base == "=" {
                name.clone()
            } else {
                u.base.clone()
            };
            units.push(UnitDef {
                name,
                dimension,
                base,
                factor,
                ascii: u.ascii,
            });
        }
    }
    let mut by_first: HashMap<char, Vec<usize>> = HashMap::new();
    for (i, u) in units.iter().enumerate() {
        if let Some(c) = u.name.chars().next() {
            by_first.entry(c).or_default().push(i);
        }
    }
    for v in by_first.values_mut() {
        v.sort_by_key(|&i| std::cmp::Reverse(units[i].name.chars().count()));
    }
    let mut not_quantity_by_first: HashMap<char, Vec<usize>> = HashMap::new();
    for (i, w) in raw.fixed.not_quantity.iter().enumerate() {
        if let Some(c) = w.chars().next() {
            not_quantity_by_first.entry(c).or_default().push(i);
        }
    }
    Table {
        units,
        by_first,
        not_quantity_by_first,
        not_quantity: raw.fixed.not_quantity,
        not_share: raw.fixed.not_share,
    }
});

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{3000}' | '\u{a0}' | '\t')
}

/// Longest unit at `text[pos..]`, allowing spaces before the unit and between
/// its characters.  Returns the unit and the byte end of the match.
pub(crate) fn match_unit(text: &str, pos: usize) -> Option<(&'static UnitDef, usize)> {
    let table = &*TABLE;
    let rest = &text[pos..];
    let lead = rest.len() - rest.trim_start_matches(is_space).len();
    let start = pos + lead;
    let first = text[start..].chars().next()?;
    let cands = table.by_first.get(&first)?;
    for &i in cands {
        let u = &table.units[i];
        if let Some(end) = match_spaced(text, start, &u.name) {
            // 分 (cent) only at the end of an expression: not 分析, 分配, 分点
            if u.name == "分"
                && text[end..]
                    .chars()
                    .next()
                    .is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            {
                continue;
            }
            if u.ascii
                && text[end..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric())
            {
                continue;
            }
            return Some((u, end));
        }
    }
    None
}

/// Match `word` at `text[pos..]`, tolerating spaces between its characters.
fn match_spaced(text: &str, pos: usize, word: &str) -> Option<usize> {
    let mut it = text[pos..].char_indices().peekable();
    let mut end = pos;
    for (k, wc) in word.chars().enumerate() {
        if k > 0 {
            while let Some(&(_, c)) = it.peek() {
                if is_space(c) {
                    it.next();
                } else {
                    break;
                }
            }
        }
        let (i, c) = it.next()?;
        if c != wc {
            return None;
        }
        end = pos + i + c.len_utf8();
    }
    Some(end)
}

/// Look a unit up by its exact written form.
pub(crate) fn lookup(name: &str) -> Option<&'static UnitDef> {
    TABLE.units.iter().find(|u| u.name == name)
}
