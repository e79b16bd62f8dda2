//! The HTML page: one file, inline CSS and SVG, no script, no external
//! resource (a Content-Security-Policy of `default-src 'none'` makes the
//! browser refuse any load, and any script, even if one slipped in). Every
//! piece of corpus text goes through [`esc`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write;

use super::collect::{Mention, Policy, Report, When};
use super::svg::{self, Bar};

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Escapes text and shows each run of line breaks as one grey ⏎.
fn esc_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut in_break = false;
    for part in s.split_inclusive(['\n', '\r']) {
        let body = part.trim_end_matches(['\n', '\r']);
        if !body.is_empty() {
            out.push_str(&esc(body));
            in_break = false;
        }
        if body.len() < part.len() && !in_break {
            out.push_str(r#"<span class="nl">⏎</span>"#);
            in_break = true;
        }
    }
    out
}

/// An integer with thousands separators.
pub fn int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn opt(s: Option<&str>) -> Cow<'_, str> {
    s.map_or(Cow::Borrowed(""), esc)
}

/// The sentence around a mention, from the original document.
pub struct Context {
    pub left: String,
    pub matched: String,
    pub right: String,
}

/// One entry of the contexts section: a mention and where it is linked
/// from.
pub struct Linked<'a> {
    pub mention: &'a Mention,
    /// Anchor of the section that links here (`p3`, `i7`).
    pub back: String,
    pub back_label: String,
    pub context: Option<Context>,
}

/// What the page shows, with its caps.
pub struct View<'a> {
    pub output_name: String,
    pub policies: Vec<(&'a str, &'a Policy)>,
    pub detailed_policies: usize,
    pub indicators: Vec<(&'a str, &'a super::collect::Indicator)>,
    pub rows_cap: usize,
    pub contexts: Vec<Linked<'a>>,
    /// Index in `contexts` of each linked span, by (document, start, end).
    pub context_of: std::collections::HashMap<(u32, usize, usize), usize>,
    pub have_sources: bool,
}

const CSS: &str = r#"
:root{--fg:#1d232b;--muted:#66707c;--line:#dde2e8;--accent:#2f6db3;--mark:#ffe38a}
*{box-sizing:border-box}
body{font:14px/1.55 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;color:var(--fg);background:#fff;margin:0 auto;max-width:1120px;padding:0 24px 80px}
header{padding:24px 0 8px;border-bottom:1px solid var(--line)}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:20px;border-bottom:2px solid var(--line);margin:44px 0 10px;padding-bottom:4px}
h3{font-size:16px;margin:30px 0 4px}
h3 small{font-weight:normal;color:var(--muted);font-size:12px;margin-left:8px}
nav{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:1px solid var(--line);z-index:1}
nav a{margin-right:18px}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:3px 9px;text-align:left;vertical-align:top}
th{background:#f4f6f8;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.doc{word-break:break-all;color:var(--muted);font-size:12px;max-width:260px}
.meta{color:var(--muted);margin:0 0 8px}
.note{color:var(--muted);font-size:13px}
.charts{display:flex;flex-wrap:wrap;gap:18px 36px;align-items:flex-start;margin:8px 0}
figure{margin:0}
figcaption{font-size:12px;color:var(--muted);margin-top:2px}
svg.chart{display:block;overflow:visible}
svg.chart .bar{fill:var(--accent)}
svg.chart .bar.muted{fill:#a9b2bd}
svg.chart text{font-size:11px;fill:var(--muted)}
svg.chart text.label{font-size:12px;fill:var(--fg)}
svg.chart .axis{stroke:#8a939e}
svg.chart .grid{stroke:var(--line);stroke-dasharray:3 3}
ol.ctx{padding-left:3.5em}
ol.ctx li{margin:8px 0}
ol.ctx .src{font-size:12px;color:var(--muted);word-break:break-all}
mark{background:var(--mark);padding:0 1px}
.nl{color:#b3bac4}
:target{background:#fff7d9;outline:2px solid #ffe38a}
section[id],li[id]{scroll-margin-top:3em}
"#;

impl View<'_> {
    pub fn render(&self, r: &Report) -> String {
        let mut s = String::with_capacity(1 << 20);
        let _ = write!(
            s,
            r##"<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="tiqu {version}">
<title>tiqu report: {name}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>tiqu report</h1>
<p class="meta">Records <code>{name}</code> and their manifest · {docs} documents · {records} records · generated by tiqu {version}</p>
</header>
<nav><a href="#summary">Corpus</a><a href="#policies">Policies</a><a href="#indicators">Indicators</a><a href="#contexts">Contexts</a></nav>
"##,
            version = env!("CARGO_PKG_VERSION"),
            name = esc(&self.output_name),
            docs = int(r.ok + r.failed),
            records = int(r.records),
        );
        self.summary(&mut s, r);
        self.policies(&mut s, r);
        self.indicators(&mut s, r);
        self.contexts(&mut s, r);
        s.push_str("</body>\n</html>\n");
        s
    }

    fn summary(&self, s: &mut String, r: &Report) {
        s.push_str("<section id=\"summary\">\n<h2>Corpus</h2>\n");
        let dated = r.ok + r.failed - r.undated_docs.min(r.ok + r.failed);
        let _ = writeln!(
            s,
            "<table class=\"summary\"><tbody>\
<tr><th>documents</th><td class=\"n\">{}</td></tr>\
<tr><th>ok</th><td class=\"n\">{}</td></tr>\
<tr><th>failed</th><td class=\"n\">{}</td></tr>\
<tr><th>dated</th><td class=\"n\">{}</td><td>{}</td></tr>\
<tr><th>undated</th><td class=\"n\">{}</td></tr>\
<tr><th>records</th><td class=\"n\">{}</td></tr>\
</tbody></table>",
            int(r.ok + r.failed),
            int(r.ok),
            int(r.failed),
            int(dated),
            match (&r.first_date, &r.last_date) {
                (Some(a), Some(b)) => format!("{} … {}", esc(a), esc(b)),
                _ => String::new(),
            },
            int(r.undated_docs),
            int(r.records),
        );
        if r.unlisted_docs > 0 {
            let _ = writeln!(
                s,
                "<p class=\"note\">{} document(s) have records but no manifest line \
                 (a different manifest?); they count as undated.</p>",
                int(r.unlisted_docs)
            );
        }

        s.push_str("<div class=\"charts\">");
        if !r.docs_by_year.is_empty() {
            let mut bars = year_bars(&r.docs_by_year.iter().map(|(y, n)| (*y, *n)).collect());
            if r.undated_docs > 0 {
                bars.push(Bar::muted("undated", r.undated_docs));
            }
            figure(
                s,
                &svg::columns(&bars, "documents by year"),
                "Documents by year of their date",
            );
        }
        let mut labels: Vec<(&String, &u64)> = r.labels.iter().collect();
        labels.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let bars: Vec<Bar> = labels.iter().map(|(l, n)| Bar::new(*l, **n)).collect();
        if !bars.is_empty() {
            figure(
                s,
                &svg::rows(&bars, "records per label"),
                "Records per label",
            );
        }
        s.push_str("</div>\n");

        if r.failed > 0 {
            s.push_str("<h3 id=\"failures\">Failed documents</h3>\n<table><thead><tr><th>reason</th><th class=\"n\">documents</th></tr></thead><tbody>");
            for (kind, n) in &r.failure_kinds {
                let _ = write!(
                    s,
                    "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                    esc(kind),
                    int(*n)
                );
            }
            s.push_str("</tbody></table>\n<table><thead><tr><th>document</th><th>error</th></tr></thead><tbody>");
            for (doc, reason) in &r.failures {
                let _ = write!(
                    s,
                    "<tr><td class=\"doc\">{}</td><td>{}</td></tr>",
                    esc(&r.docs[*doc as usize].id),
                    esc(reason)
                );
            }
            s.push_str("</tbody></table>\n");
            if r.failed > r.failures.len() as u64 {
                let _ = writeln!(
                    s,
                    "<p class=\"note\">The first {} of {} failed documents are listed; \
                     the manifest has them all.</p>",
                    int(r.failures.len() as u64),
                    int(r.failed)
                );
            }
        }
        s.push_str("</section>\n");
    }

    fn policies(&self, s: &mut String, r: &Report) {
        s.push_str("<section id=\"policies\">\n<h2>Policies</h2>\n");
        let total = r.policies.len();
        if total == 0 {
            s.push_str("<p class=\"note\">No policy records.</p>\n</section>\n");
            return;
        }
        let mentions: u64 = r.policies.values().map(|p| p.mentions).sum();
        let _ = writeln!(
            s,
            "<p class=\"note\">{} mentions of {} distinct policies (by <code>canonical</code>). \
             Charts for the {} most mentioned{}. Subject of a mention: the article's subject \
             when it names a place or zone found in the same document, else the nearest zone \
             or place (province, city, county) in the same article within {} characters; \
             dates are the documents' dates (manifest).</p>",
            int(mentions),
            int(total as u64),
            int(self.detailed_policies as u64),
            if self.policies.len() < total {
                format!(
                    "; the table lists the top {} of {}",
                    int(self.policies.len() as u64),
                    int(total as u64)
                )
            } else {
                String::new()
            },
            super::collect::SUBJECT_WINDOW,
        );
        s.push_str("<table><thead><tr><th class=\"n\">#</th><th>policy</th><th>kind</th><th class=\"n\">mentions</th><th class=\"n\">documents</th><th>first</th><th>last</th></tr></thead><tbody>");
        for (i, (name, p)) in self.policies.iter().enumerate() {
            let cell = if i < self.detailed_policies {
                format!("<a href=\"#p{}\">{}</a>", i + 1, esc(name))
            } else {
                esc(name).into_owned()
            };
            let _ = write!(
                s,
                "<tr><td class=\"n\">{}</td><td>{cell}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
                i + 1,
                opt(p.kind.as_deref()),
                int(p.mentions),
                int(p.docs),
                opt(p.first.as_deref()),
                opt(p.last.as_deref()),
            );
        }
        s.push_str("</tbody></table>\n");

        for (i, (name, p)) in self
            .policies
            .iter()
            .take(self.detailed_policies)
            .enumerate()
        {
            let _ = write!(
                s,
                "<section class=\"policy\" id=\"p{}\">\n<h3>{}<small>{}</small></h3>\n<p class=\"meta\">{} mentions in {} documents",
                i + 1,
                esc(name),
                opt(p.kind.as_deref()),
                int(p.mentions),
                int(p.docs),
            );
            if let (Some(a), Some(b)) = (&p.first, &p.last) {
                let _ = write!(s, " · first {} · last {}", esc(a), esc(b));
            }
            if p.undated > 0 {
                let _ = write!(s, " · {} undated", int(p.undated));
            }
            s.push_str("</p>\n<div class=\"charts\">");
            let (bars, caption) = time_bars(p);
            figure(
                s,
                &svg::columns(&bars, &format!("{name}: mentions over time")),
                caption,
            );
            let (bars, caption) = subject_bars(p);
            if bars.is_empty() {
                let _ = write!(s, "<p class=\"note\">{}</p>", esc(&caption));
            } else {
                figure(
                    s,
                    &svg::rows(&bars, &format!("{name}: mentions by subject")),
                    &caption,
                );
            }
            s.push_str("</div>\n");
            let links: Vec<String> = p
                .examples
                .iter()
                .filter_map(|m| self.context_link(m, r))
                .collect();
            if !links.is_empty() {
                let _ = writeln!(s, "<p>Examples: {}</p>", links.join(" · "));
            }
            s.push_str("</section>\n");
        }
        s.push_str("</section>\n");
    }

    fn context_link(&self, m: &Mention, r: &Report) -> Option<String> {
        let c = self.context_of.get(&m.key())?;
        let d = &r.docs[m.doc as usize];
        Some(format!(
            "<a href=\"#c{}\">{}{}</a>",
            c + 1,
            esc(&d.id),
            d.date
                .as_deref()
                .map(|x| format!(" ({})", esc(x)))
                .unwrap_or_default()
        ))
    }

    fn indicators(&self, s: &mut String, r: &Report) {
        s.push_str("<section id=\"indicators\">\n<h2>Indicators</h2>\n");
        let total = r.indicators.len();
        let facts: u64 = r.indicators.values().map(|i| i.facts).sum();
        let _ = write!(
            s,
            "<p class=\"note\">{} facts with an indicator, {} distinct indicators. Tables for the \
             {} indicators with the most facts, at most {} rows each (the first in the output, \
             sorted by date); each row links to its sentence under Contexts.",
            int(facts),
            int(total as u64),
            int(self.indicators.len() as u64),
            int(self.rows_cap as u64),
        );
        if r.facts_without_indicator > 0 {
            let _ = write!(
                s,
                " {} facts have no indicator and are not tabulated.",
                int(r.facts_without_indicator)
            );
        }
        s.push_str("</p>\n");
        if self.indicators.is_empty() {
            s.push_str("</section>\n");
            return;
        }
        s.push_str("<table><thead><tr><th class=\"n\">#</th><th>indicator</th><th class=\"n\">facts</th><th class=\"n\">documents</th><th>units</th></tr></thead><tbody>");
        for (i, (name, ind)) in self.indicators.iter().enumerate() {
            let mut units: Vec<(&String, &u64)> = ind.units.iter().collect();
            units.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let units: Vec<String> = units
                .iter()
                .take(4)
                .map(|(u, n)| format!("{} ({})", esc(u), int(**n)))
                .collect();
            let _ = write!(
                s,
                "<tr><td class=\"n\">{}</td><td><a href=\"#i{}\">{}</a></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                i + 1,
                i + 1,
                esc(name),
                int(ind.facts),
                int(ind.docs),
                units.join(", ")
            );
        }
        s.push_str("</tbody></table>\n");
        for (i, (name, ind)) in self.indicators.iter().enumerate() {
            let _ = write!(
                s,
                "<section class=\"indicator\" id=\"i{}\">\n<h3>{}<small>{} facts in {} documents{}</small></h3>\n",
                i + 1,
                esc(name),
                int(ind.facts),
                int(ind.docs),
                if ind.facts > ind.rows.len() as u64 {
                    format!("; {} shown", int(ind.rows.len() as u64))
                } else {
                    String::new()
                }
            );
            s.push_str("<table><thead><tr><th>date</th><th>subject</th><th>period</th><th class=\"n\">value</th><th>unit</th><th>change</th><th>status</th><th>document</th><th>text</th></tr></thead><tbody>");
            for f in &ind.rows {
                let d = &r.docs[f.mention.doc as usize];
                let text = match self.context_of.get(&f.mention.key()) {
                    Some(c) => {
                        format!("<a href=\"#c{}\">{}</a>", c + 1, esc_lines(&f.mention.text))
                    }
                    None => esc_lines(&f.mention.text),
                };
                let _ = write!(
                    s,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"doc\">{}</td><td>{text}</td></tr>",
                    opt(d.date.as_deref()),
                    opt(f.subject.as_deref()),
                    opt(f.period.as_deref()),
                    opt(f.value.as_deref()),
                    f.qualifier
                        .as_deref()
                        .map(|q| format!(" <small>{}</small>", esc(q)))
                        .unwrap_or_default(),
                    opt(f.unit.as_deref()),
                    opt(f.change.as_deref()),
                    opt(f.status.as_deref()),
                    esc(&d.id),
                );
            }
            s.push_str("</tbody></table>\n</section>\n");
        }
        s.push_str("</section>\n");
    }

    fn contexts(&self, s: &mut String, r: &Report) {
        s.push_str("<section id=\"contexts\">\n<h2>Contexts</h2>\n");
        if self.have_sources {
            s.push_str("<p class=\"note\">The sentence around each linked span, from the original document (at most 120 characters on each side); ⏎ marks a line break.</p>\n");
        } else {
            s.push_str("<p class=\"note\">Only the spans themselves: run <code>tiqu report … --source PATH...</code> with the paths given to <code>tiqu tag</code> to show the sentences around them.</p>\n");
        }
        s.push_str("<ol class=\"ctx\">\n");
        for (i, c) in self.contexts.iter().enumerate() {
            let d = &r.docs[c.mention.doc as usize];
            let mut src = esc(&d.id).into_owned();
            if let Some(date) = &d.date {
                let _ = write!(src, " · {}", esc(date));
            }
            if let Some(t) = &d.title {
                let _ = write!(src, " · {}", esc(t));
            }
            let _ = write!(src, " · chars {}–{}", c.mention.start, c.mention.end);
            let body = match &c.context {
                Some(x) => format!(
                    "{}<mark>{}</mark>{}",
                    esc_lines(&x.left),
                    esc_lines(&x.matched),
                    esc_lines(&x.right)
                ),
                None => format!("<mark>{}</mark>", esc_lines(&c.mention.text)),
            };
            let _ = writeln!(
                s,
                "<li id=\"c{}\"><div class=\"src\">{src}</div><div>{body} <a href=\"#{}\">↩ {}</a></div></li>",
                i + 1,
                c.back,
                esc(&c.back_label)
            );
        }
        s.push_str("</ol>\n</section>\n");
    }
}

fn figure(s: &mut String, svg: &str, caption: &str) {
    let _ = write!(
        s,
        "<figure>{svg}<figcaption>{}</figcaption></figure>",
        esc(caption)
    );
}

/// Contiguous years from the first to the last (only the years present
/// when they span more than two centuries).
fn year_bars(years: &BTreeMap<i32, u64>) -> Vec<Bar> {
    let (Some(first), Some(last)) = (years.keys().next(), years.keys().next_back()) else {
        return Vec::new();
    };
    if last - first > 200 {
        return years
            .iter()
            .map(|(y, n)| Bar::new(y.to_string(), *n))
            .collect();
    }
    (*first..=*last)
        .map(|y| Bar::new(y.to_string(), years.get(&y).copied().unwrap_or(0)))
        .collect()
}

/// Months spanned by a month chart at most; beyond, or when some dates
/// are years only, the chart counts by year.
const MAX_MONTHS: i32 = 180;

/// Mentions over time: by month when every dated mention has a month and
/// they span at most fifteen years, else by year; undated last, in grey.
fn time_bars(p: &Policy) -> (Vec<Bar>, &'static str) {
    let mut bars = Vec::new();
    let months: Option<Vec<(i32, u32, u64)>> = p
        .time
        .iter()
        .map(|(w, n)| match w {
            When::Month(y, m) => Some((*y, *m, *n)),
            When::Year(_) => None,
        })
        .collect();
    let caption;
    match months {
        Some(ms)
            if !ms.is_empty()
                && (ms[ms.len() - 1].0 * 12 + ms[ms.len() - 1].1 as i32)
                    - (ms[0].0 * 12 + ms[0].1 as i32)
                    < MAX_MONTHS =>
        {
            let start = ms[0].0 * 12 + ms[0].1 as i32 - 1;
            let end = ms[ms.len() - 1].0 * 12 + ms[ms.len() - 1].1 as i32 - 1;
            let counts: BTreeMap<i32, u64> = ms
                .iter()
                .map(|(y, m, n)| (y * 12 + *m as i32 - 1, *n))
                .collect();
            for k in start..=end {
                bars.push(Bar::new(
                    format!("{}-{:02}", k.div_euclid(12), k.rem_euclid(12) + 1),
                    counts.get(&k).copied().unwrap_or(0),
                ));
            }
            caption = "Mentions by month of the document date";
        }
        _ => {
            let mut years: BTreeMap<i32, u64> = BTreeMap::new();
            for (w, n) in &p.time {
                *years.entry(w.year()).or_default() += n;
            }
            bars = year_bars(&years);
            caption = if p.time.is_empty() {
                "Mentions by document date (none of the documents is dated)"
            } else {
                "Mentions by year of the document date (some dates are years only, or they span more than fifteen years)"
            };
        }
    }
    if p.undated > 0 {
        bars.push(Bar::muted("undated", p.undated));
    }
    (bars, caption)
}

/// Subjects shown per policy; the rest are summed as "other".
const SUBJECTS_SHOWN: usize = 12;

/// The most frequent subjects as bars, and a caption that counts the rest
/// (other subjects, mentions without a subject).
fn subject_bars(p: &Policy) -> (Vec<Bar>, String) {
    let mut subjects: Vec<(&String, &u64)> = p.subjects.iter().collect();
    subjects.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let bars: Vec<Bar> = subjects
        .iter()
        .take(SUBJECTS_SHOWN)
        .map(|(s, n)| Bar::new(*s, **n))
        .collect();
    let mut caption = String::from("Mentions by subject (province, city, county, zone)");
    if subjects.len() > SUBJECTS_SHOWN {
        let rest = &subjects[SUBJECTS_SHOWN..];
        let n: u64 = rest.iter().map(|(_, n)| **n).sum();
        let _ = write!(
            caption,
            "; {} more in {} other subjects",
            int(n),
            int(rest.len() as u64)
        );
    }
    if p.no_subject > 0 {
        let _ = write!(caption, "; {} without a subject", int(p.no_subject));
    }
    (bars, caption)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
        assert_eq!(esc_lines("a<\r\n\nb"), "a&lt;<span class=\"nl\">⏎</span>b");
        assert_eq!(int(0), "0");
        assert_eq!(int(1234567), "1,234,567");
        assert_eq!(int(100), "100");
    }

    #[test]
    fn month_and_year_charts() {
        let mut p = Policy::default();
        p.time.insert(When::Month(2020, 11), 2);
        p.time.insert(When::Month(2021, 2), 1);
        p.undated = 3;
        let (bars, caption) = time_bars(&p);
        let labels: Vec<&str> = bars.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            ["2020-11", "2020-12", "2021-01", "2021-02", "undated"]
        );
        assert!(caption.contains("month"));
        p.time.insert(When::Year(2018), 4);
        let (bars, caption) = time_bars(&p);
        let labels: Vec<&str> = bars.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["2018", "2019", "2020", "2021", "undated"]);
        assert_eq!(bars[2].value, 2);
        assert!(caption.contains("year"));
    }
}
