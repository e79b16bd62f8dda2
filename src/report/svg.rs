//! Inline SVG bar charts: no script, no external resource. Every bar is a
//! `<rect class="bar">` with a `<title>` (the browser's tooltip) giving its
//! label and count; colours come from the page's CSS.

use std::fmt::Write;

use super::html::{esc, int};
use crate::kwic::sources::str_width;

/// One bar.
pub struct Bar {
    pub label: String,
    pub value: u64,
    /// Drawn grey: "undated", "no subject", "other".
    pub muted: bool,
}

impl Bar {
    pub fn new(label: impl Into<String>, value: u64) -> Bar {
        Bar {
            label: label.into(),
            value,
            muted: false,
        }
    }

    pub fn muted(label: impl Into<String>, value: u64) -> Bar {
        Bar {
            label: label.into(),
            value,
            muted: true,
        }
    }
}

/// Pixels per display column at the chart font size (12px; a CJK
/// character is two columns).
const PX_PER_COL: f64 = 6.6;

fn class(b: &Bar) -> &'static str {
    if b.muted { "bar muted" } else { "bar" }
}

/// Shortens `s` to at most `cols` display columns, with an ellipsis.
fn clip(s: &str, cols: usize) -> String {
    if str_width(s) <= cols {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = str_width(c.encode_utf8(&mut [0; 4]));
        if w + cw + 1 > cols {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push('…');
    out
}

/// Vertical bars along a time axis (`bars` in order), labels under some of
/// them so they do not overlap.
pub fn columns(bars: &[Bar], aria: &str) -> String {
    let n = bars.len().max(1);
    let slot = (720.0 / n as f64).clamp(3.0, 30.0);
    let bar_w = (slot * 0.8).max(2.0);
    let (left, top, plot_h) = (44.0, 12.0, 120.0);
    let width = left + slot * n as f64 + 12.0;
    let height = top + plot_h + 34.0;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let label_cols = bars.iter().map(|b| str_width(&b.label)).max().unwrap_or(1);
    let every = ((label_cols as f64 * PX_PER_COL + 8.0) / slot)
        .ceil()
        .max(1.0) as usize;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" aria-label="{}" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}">"#,
        esc(aria)
    );
    let base = top + plot_h;
    let _ = write!(
        s,
        r#"<line class="axis" x1="{left}" y1="{base}" x2="{:.1}" y2="{base}"/><line class="grid" x1="{left}" y1="{top}" x2="{:.1}" y2="{top}"/><text class="tick" x="{:.0}" y="{:.0}" text-anchor="end">{}</text><text class="tick" x="{:.0}" y="{base:.0}" text-anchor="end">0</text>"#,
        width - 12.0,
        width - 12.0,
        left - 4.0,
        top + 4.0,
        int(max as u64),
        left - 4.0,
    );
    // Every `every`-th bar is labelled; a final grey bar ("undated")
    // always is, in place of a label too close before it.
    let mut labelled: Vec<bool> = (0..bars.len()).map(|i| i % every == 0).collect();
    if let Some(last) = bars.len().checked_sub(1)
        && bars[last].muted
        && !labelled[last]
    {
        labelled[last] = true;
        let prev = last - last % every;
        if prev != 0 {
            labelled[prev] = false;
        }
    }
    for (i, b) in bars.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar_w) / 2.0;
        if b.value > 0 {
            let h = (b.value as f64 / max * plot_h).max(1.0);
            let _ = write!(
                s,
                r#"<rect class="{}" x="{x:.1}" y="{:.1}" width="{bar_w:.1}" height="{h:.1}"><title>{}: {}</title></rect>"#,
                class(b),
                base - h,
                esc(&b.label),
                int(b.value)
            );
        }
        if labelled[i] {
            let _ = write!(
                s,
                r#"<text class="tick" x="{:.1}" y="{:.0}" text-anchor="middle">{}</text>"#,
                x + bar_w / 2.0,
                base + 14.0,
                esc(&b.label)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars, one row each (`bars` in order), label on the left and
/// the count after the bar.
pub fn rows(bars: &[Bar], aria: &str) -> String {
    const LABEL_COLS: usize = 24;
    let row_h = 18.0;
    let label_cols = bars
        .iter()
        .map(|b| str_width(&b.label).min(LABEL_COLS))
        .max()
        .unwrap_or(4);
    let label_w = (label_cols as f64 * PX_PER_COL + 10.0).max(40.0);
    let bar_max = 320.0;
    let width = label_w + bar_max + 70.0;
    let height = row_h * bars.len().max(1) as f64 + 6.0;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" aria-label="{}" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}">"#,
        esc(aria)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 3.0 + row_h * i as f64;
        let w = if b.value > 0 {
            (b.value as f64 / max * bar_max).max(1.0)
        } else {
            0.0
        };
        let _ = write!(
            s,
            r#"<text class="label" x="{:.0}" y="{:.1}" text-anchor="end">{}<title>{}</title></text>"#,
            label_w - 6.0,
            y + 12.0,
            esc(&clip(&b.label, LABEL_COLS)),
            esc(&b.label)
        );
        if w > 0.0 {
            let _ = write!(
                s,
                r#"<rect class="{}" x="{label_w:.0}" y="{:.1}" width="{w:.1}" height="{:.1}"><title>{}: {}</title></rect>"#,
                class(b),
                y + 2.0,
                row_h - 5.0,
                esc(&b.label),
                int(b.value)
            );
        }
        let _ = write!(
            s,
            r#"<text class="count" x="{:.1}" y="{:.1}">{}</text>"#,
            label_w + w + 4.0,
            y + 12.0,
            int(b.value)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_clipped() {
        let svg = rows(
            &[
                Bar::new("<b>&\"", 3),
                Bar::muted("很长很长很长很长很长很长很长很长的名字", 1),
            ],
            "a<b",
        );
        assert!(svg.contains("&lt;b&gt;&amp;&quot;"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("很长很长很长很长很长很…"));
        assert_eq!(svg.matches("<rect").count(), 2);
    }

    #[test]
    fn zero_bars_are_not_drawn() {
        let svg = columns(
            &[
                Bar::new("2020-01", 2),
                Bar::new("2020-02", 0),
                Bar::muted("undated", 1),
            ],
            "t",
        );
        assert_eq!(svg.matches("<rect").count(), 2);
    }
}
