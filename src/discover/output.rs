//! The listing: text, TSV or JSON Lines, with a lexicon entry per phrase.

use std::collections::HashSet;
use std::io::Write;

use anyhow::Result;
use serde_json::json;
use tiqu_rules::RuleSet;

use super::Format;
use super::agg::Listed;

/// Where each kind of phrase goes in the rules.
pub struct Targets {
    /// (lexicon local name, its qualified name if the rules have it, the
    /// file that declares it).
    numbered: Target,
    mechanism: Target,
    component: Target,
    /// Terms of the component lexicon (canonical forms and aliases).
    known_components: HashSet<String>,
}

struct Target {
    local: &'static str,
    qualified: Option<String>,
    file: Option<String>,
}

impl Target {
    fn new(rules: &RuleSet, local: &'static str) -> Self {
        let suffix = format!(".{local}");
        let qualified = rules
            .lexicons
            .iter()
            .map(|l| l.name.as_str())
            .find(|n| *n == format!("policy{suffix}"))
            .or_else(|| {
                rules
                    .lexicons
                    .iter()
                    .map(|l| l.name.as_str())
                    .find(|n| n.ends_with(&suffix))
            })
            .map(str::to_string);
        let decl = format!("lexicon {local} ");
        let file = qualified.as_ref().and_then(|_| {
            rules
                .files
                .iter()
                .find(|f| f.text.lines().any(|l| l.trim_start().starts_with(&decl)))
                .map(|f| f.name.to_string())
        });
        Target {
            local,
            qualified,
            file,
        }
    }

    fn describe(&self) -> String {
        match (&self.qualified, &self.file) {
            (Some(q), Some(f)) => format!("lexicon {} ({q}) in {f}", self.local),
            (Some(q), None) => format!("lexicon {} ({q})", self.local),
            _ => format!(
                "lexicon {} (not in the loaded rules; the shipped one is in grammars/policy.rules)",
                self.local
            ),
        }
    }
}

impl Targets {
    pub fn new(rules: &RuleSet) -> Self {
        let component = Target::new(rules, "component");
        let canonicals: HashSet<&str> = rules
            .lexicons
            .iter()
            .flat_map(|l| l.entries.iter().map(|e| e.canonical.as_str()))
            .collect();
        // Aliases are the lexicon words that are no lexicon's canonical form.
        let mut known_components: HashSet<String> = rules
            .lexicon_words()
            .into_iter()
            .filter(|w| !canonicals.contains(w.as_str()))
            .collect();
        if let Some(q) = &component.qualified
            && let Some(l) = rules.lexicons.iter().find(|l| &l.name == q)
        {
            known_components.extend(l.entries.iter().map(|e| e.canonical.clone()));
        }
        Targets {
            numbered: Target::new(rules, "numbered"),
            mechanism: Target::new(rules, "mechanism"),
            component,
            known_components,
        }
    }
}

fn is_plus(c: char) -> bool {
    c == '+' || c == '＋'
}

/// The kind of a phrase, from its shape.
pub fn kind(phrase: &str) -> &'static str {
    if phrase.contains(is_plus) {
        "package"
    } else if phrase.starts_with([
        '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '百', '两', '双',
    ]) {
        "numbered"
    } else {
        "quoted"
    }
}

/// A lexicon term as the rule language writes it: bare, or in double
/// quotes when it holds a character that ends a bare term.
fn term(t: &str) -> String {
    if t.contains([' ', '=', ',', '{', '}', '[', ']', '#', '"']) {
        format!("\"{}\"", t.replace('"', ""))
    } else {
        t.to_string()
    }
}

/// The lexicon and the line to paste into it.
fn entry<'a>(phrase: &str, targets: &'a Targets) -> (&'a Target, String) {
    match kind(phrase) {
        "package" => {
            let parts: Vec<&str> = phrase.split(is_plus).filter(|p| !p.is_empty()).collect();
            if parts.len() < 2 {
                // “互联网+”: a name of its own, not a package of two.
                return (&targets.mechanism, term(phrase));
            }
            let unknown: Vec<String> = parts
                .iter()
                .filter(|p| !targets.known_components.contains(**p))
                .map(|p| term(p))
                .collect();
            (&targets.component, unknown.join(" "))
        }
        "numbered" => (&targets.numbered, term(phrase)),
        _ => (&targets.mechanism, term(phrase)),
    }
}

fn date_range(l: &Listed) -> String {
    match (&l.first, &l.last) {
        (Some(f), Some(t)) if f == t => f.clone(),
        (Some(f), Some(t)) => format!("{f} … {t}"),
        _ => "no dates".to_string(),
    }
}

fn tsv_cell(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

pub fn write(
    out: &mut dyn Write,
    format: Format,
    listed: &[Listed],
    targets: &Targets,
) -> Result<()> {
    match format {
        Format::Text => {
            if listed.is_empty() {
                writeln!(out, "no candidates (try a lower --min-docs)")?;
            }
            for (i, l) in listed.iter().enumerate() {
                let (target, line) = entry(&l.phrase, targets);
                writeln!(
                    out,
                    "{:>3}. {}  [{}]  {} docs · {} mentions · {} subjects · {} sources · {}",
                    i + 1,
                    l.phrase,
                    kind(&l.phrase),
                    l.docs,
                    l.mentions,
                    l.subjects,
                    l.sources,
                    date_range(l),
                )?;
                if l.covered > 0 {
                    writeln!(
                        out,
                        "     ({} more mention(s) are already matched by the rules)",
                        l.covered
                    )?;
                }
                for (doc, ctx) in &l.contexts {
                    writeln!(out, "     {doc}: {ctx}")?;
                }
                writeln!(out, "     entry for {}:", target.describe())?;
                writeln!(out, "         {line}")?;
                writeln!(out)?;
            }
        }
        Format::Tsv => {
            writeln!(
                out,
                "rank\tphrase\tkind\tdocs\tmentions\tsubjects\tsources\tcovered\tevidence\tfirst_date\tlast_date\tlexicon\tentry\tcontext1\tcontext2\tcontext3"
            )?;
            for (i, l) in listed.iter().enumerate() {
                let (target, line) = entry(&l.phrase, targets);
                let mut ctx: Vec<String> = l
                    .contexts
                    .iter()
                    .map(|(d, c)| tsv_cell(&format!("{d}: {c}")))
                    .collect();
                ctx.resize(3, String::new());
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    i + 1,
                    tsv_cell(&l.phrase),
                    kind(&l.phrase),
                    l.docs,
                    l.mentions,
                    l.subjects,
                    l.sources,
                    l.covered,
                    l.strong,
                    l.first.as_deref().unwrap_or(""),
                    l.last.as_deref().unwrap_or(""),
                    target.qualified.as_deref().unwrap_or(target.local),
                    tsv_cell(&line),
                    ctx.join("\t"),
                )?;
            }
        }
        Format::Jsonl => {
            for (i, l) in listed.iter().enumerate() {
                let (target, line) = entry(&l.phrase, targets);
                let v = json!({
                    "rank": i + 1,
                    "phrase": l.phrase,
                    "kind": kind(&l.phrase),
                    "docs": l.docs,
                    "mentions": l.mentions,
                    "subjects": l.subjects,
                    "sources": l.sources,
                    "covered": l.covered,
                    "evidence": l.strong,
                    "first_date": l.first,
                    "last_date": l.last,
                    "lexicon": target.qualified.as_deref().unwrap_or(target.local),
                    "lexicon_file": target.file,
                    "entry": line,
                    "contexts": l.contexts.iter().map(|(d, c)| json!({"doc": d, "text": c})).collect::<Vec<_>>(),
                });
                serde_json::to_writer(&mut *out, &v)?;
                writeln!(out)?;
            }
        }
    }
    Ok(())
}
