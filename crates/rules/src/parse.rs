//! Parsing rule files with the pest grammar in `grammars/rules.pest`.

use std::sync::Arc;

use crate::ast::*;
use crate::diag::{RuleDiagnostic, Severity};
use pest::Parser;
use pest::iterators::Pair;

mod grammar {
    // pest generates the `Rule` enum (one variant per grammar rule).
    #![allow(missing_docs)]
    use pest_derive::Parser;

    #[derive(Parser)]
    #[grammar = "../../../grammars/rules.pest"]
    pub(crate) struct RulesParser;
}
use grammar::{Rule, RulesParser};

/// `*` and `+` match at most this many repetitions: quantifiers are always
/// bounded, so matching stays linear in the text.
pub const MAX_REPEAT: u32 = 16;

/// Parses one rule file. Syntax errors come back as one diagnostic with the
/// position, what was expected and a hint.
pub fn parse_file(file: &Arc<str>, source: &Arc<str>) -> Result<FileAst, RuleDiagnostic> {
    let pairs =
        RulesParser::parse(Rule::file, source).map_err(|e| syntax_error(file, source, e))?;
    let mut ast = FileAst::default();
    let file_pair = pairs.into_iter().next().expect("file rule");
    for decl in file_pair.into_inner() {
        match decl.as_rule() {
            Rule::namespace_decl => {
                let q = decl.into_inner().next().expect("qualified");
                ast.namespace = Some((q.as_str().to_string(), span(&q)));
            }
            Rule::include_decl => {
                let s = decl.into_inner().next().expect("string");
                ast.includes.push((unquote(&s), span(&s)));
            }
            Rule::label_decl => ast.labels.push(label(decl)),
            Rule::lexicon_decl => ast.lexicons.push(lexicon(decl)),
            Rule::rule_decl => ast.rules.push(rule(decl)?),
            Rule::define_decl => {
                let sp = span(&decl);
                let mut it = decl.into_inner();
                let name = it.next().expect("ident").as_str().to_string();
                let pat = pattern(it.next().expect("pattern"));
                ast.defines.push((name, pat, sp));
            }
            Rule::let_decl => {
                let sp = span(&decl);
                let mut it = decl.into_inner();
                let _kw = it.next().expect("let");
                let name = it.next().expect("ident").as_str().to_string();
                let body = expr(it.next().expect("expr"));
                ast.lets.push((name, body, sp));
            }
            Rule::EOI => {}
            other => unreachable!("unexpected {other:?}"),
        }
    }
    Ok(ast)
}

fn span(p: &Pair<Rule>) -> SrcSpan {
    let s = p.as_span();
    s.start()..s.end()
}

fn unquote(p: &Pair<Rule>) -> String {
    // string = "\"" string_inner "\""
    let inner = p.clone().into_inner().next().map_or("", |i| i.as_str());
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn term_text(p: &Pair<Rule>) -> String {
    match p.as_rule() {
        Rule::string => unquote(p),
        _ => p.as_str().to_string(),
    }
}

fn label(decl: Pair<Rule>) -> LabelDecl {
    let sp = span(&decl);
    let mut inner = decl.into_inner();
    let name = inner.next().expect("ident").as_str().to_string();
    let settings = inner
        .map(|s| {
            let ssp = span(&s);
            let mut kv = s.into_inner();
            let k = kv.next().expect("key").as_str().to_string();
            let v = kv.next().expect("value");
            (k, term_text(&v), ssp)
        })
        .collect();
    LabelDecl {
        name,
        span: sp,
        settings,
    }
}

fn lexicon(decl: Pair<Rule>) -> LexiconDecl {
    let sp = span(&decl);
    let mut inner = decl.into_inner();
    let name = inner.next().expect("ident").as_str().to_string();
    let body = inner.next().expect("body");
    let source = match body.as_rule() {
        Rule::lexicon_from => {
            let s = body.into_inner().next().expect("string");
            LexiconSource::File(unquote(&s), span(&s))
        }
        _ => LexiconSource::Inline(body.into_inner().map(entry).collect()),
    };
    LexiconDecl {
        name,
        span: sp,
        source,
    }
}

pub(crate) fn entry(p: Pair<Rule>) -> EntryAst {
    let sp = span(&p);
    let mut canonical = None;
    let mut aliases = Vec::new();
    let mut attrs = Vec::new();
    for part in p.into_inner() {
        match part.as_rule() {
            Rule::entry_attrs => {
                for a in part.into_inner() {
                    let mut kv = a.into_inner();
                    let k = kv.next().expect("key").as_str().to_string();
                    let v = term_text(&kv.next().expect("value"));
                    attrs.push((k, v));
                }
            }
            _ => {
                let t = term_text(&part);
                if canonical.is_none() {
                    canonical = Some(t);
                } else {
                    aliases.push(t);
                }
            }
        }
    }
    EntryAst {
        canonical: canonical.unwrap_or_default(),
        aliases,
        attrs,
        span: sp,
    }
}

/// Parses the entries of a lexicon file (`lexicon x from "file"`): the same
/// entry syntax as inline lexicons, one or more per line, `#` comments.
pub fn parse_lexicon_entries(
    file: &Arc<str>,
    source: &Arc<str>,
) -> Result<Vec<EntryAst>, RuleDiagnostic> {
    let wrapped = format!("lexicon x {{\n{source}\n}}");
    let offset = "lexicon x {\n".len();
    match RulesParser::parse(Rule::lexicon_decl, &wrapped) {
        Ok(mut pairs) => {
            let decl = lexicon(pairs.next().expect("decl"));
            match decl.source {
                LexiconSource::Inline(mut entries) => {
                    for e in &mut entries {
                        e.span = e.span.start - offset..e.span.end - offset;
                    }
                    Ok(entries)
                }
                LexiconSource::File(..) => unreachable!("inline body"),
            }
        }
        Err(e) => {
            let mut d = syntax_error(file, &Arc::from(wrapped.as_str()), e);
            d.source_text = source.clone();
            d.span = d.span.start.saturating_sub(offset).min(source.len())
                ..d.span.end.saturating_sub(offset).min(source.len());
            Err(d)
        }
    }
}

fn rule(decl: Pair<Rule>) -> Result<RuleDecl, RuleDiagnostic> {
    let sp = span(&decl);
    let mut inner = decl.into_inner();
    let name_pair = inner.next().expect("ident");
    let mut r = RuleDecl {
        name: name_pair.as_str().to_string(),
        name_span: span(&name_pair),
        span: sp,
        doc: None,
        priority: 0,
        pattern: None,
        emit: None,
        examples: Vec::new(),
        counters: Vec::new(),
    };
    for clause in inner {
        match clause.as_rule() {
            Rule::doc_clause => {
                let s = clause.into_inner().find(|p| p.as_rule() == Rule::string);
                r.doc = s.map(|s| unquote(&s));
            }
            Rule::priority_clause => {
                let n = clause
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::signed_int)
                    .expect("int");
                r.priority = n.as_str().parse().unwrap_or(i32::MAX);
            }
            Rule::match_clause => {
                let p = clause
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::pattern)
                    .expect("pattern");
                r.pattern = Some(pattern(p));
            }
            Rule::emit_clause => {
                let mut it = clause.into_inner().filter(|p| p.as_rule() != Rule::kw_emit);
                let label = it.next().expect("label");
                let attrs = it
                    .map(|a| {
                        let asp = span(&a);
                        let mut kv = a.into_inner();
                        let k = kv.next().expect("key").as_str().to_string();
                        (k, expr(kv.next().expect("expr")), asp)
                    })
                    .collect();
                r.emit = Some(EmitAst {
                    label: label.as_str().to_string(),
                    label_span: span(&label),
                    attrs,
                });
            }
            Rule::example_clause => {
                let esp = span(&clause);
                let mut text = None;
                let mut expect_text = None;
                let mut attrs = Vec::new();
                for p in clause.into_inner() {
                    match p.as_rule() {
                        Rule::string if text.is_none() => text = Some(unquote(&p)),
                        Rule::string => expect_text = Some(unquote(&p)),
                        Rule::attr_expect => {
                            let mut kv = p.into_inner();
                            let k = kv.next().expect("key").as_str().to_string();
                            attrs.push((k, lit_value(kv.next().expect("value"))));
                        }
                        _ => {}
                    }
                }
                r.examples.push(ExampleAst {
                    text: text.unwrap_or_default(),
                    expect_text,
                    attrs,
                    span: esp,
                });
            }
            Rule::counter_clause => {
                let s = clause
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::string)
                    .expect("string");
                r.counters.push((unquote(&s), span(&s)));
            }
            other => unreachable!("unexpected clause {other:?}"),
        }
    }
    Ok(r)
}

fn lit_value(p: Pair<Rule>) -> LitValue {
    let v = p.into_inner().next().expect("value");
    match v.as_rule() {
        Rule::string => LitValue::Str(unquote(&v)),
        Rule::number => LitValue::Num(v.as_str().to_string()),
        Rule::null => LitValue::Null,
        Rule::boolean => LitValue::Bool(v.as_str() == "true"),
        Rule::list => LitValue::List(v.into_inner().map(lit_value).collect()),
        other => unreachable!("literal {other:?}"),
    }
}

fn expr(p: Pair<Rule>) -> Expr {
    let mut terms: Vec<Expr> = p.into_inner().map(expr_term).collect();
    if terms.len() == 1 {
        terms.pop().expect("one term")
    } else {
        Expr::Coalesce(terms)
    }
}

fn expr_term(p: Pair<Rule>) -> Expr {
    match p.as_rule() {
        Rule::string => Expr::Str(unquote(&p)),
        Rule::number => Expr::Num(p.as_str().to_string()),
        Rule::null => Expr::Null,
        Rule::boolean => Expr::Bool(p.as_str() == "true"),
        Rule::call => {
            let sp = span(&p);
            let mut it = p.into_inner();
            let name = it.next().expect("name").as_str().to_string();
            Expr::Call(name, it.map(expr).collect(), sp)
        }
        Rule::let_ref => {
            let sp = span(&p);
            let name = p.into_inner().next().expect("ident").as_str().to_string();
            Expr::Let(name, sp)
        }
        Rule::path => {
            let sp = span(&p);
            Expr::Path(p.into_inner().map(|i| i.as_str().to_string()).collect(), sp)
        }
        other => unreachable!("expr {other:?}"),
    }
}

fn pattern(p: Pair<Rule>) -> Node {
    let sp = span(&p);
    let mut alts: Vec<Node> = p.into_inner().map(alternative).collect();
    if alts.len() == 1 {
        alts.pop().expect("one")
    } else {
        Node {
            kind: NodeKind::Alt(alts),
            span: sp,
        }
    }
}

fn alternative(p: Pair<Rule>) -> Node {
    let sp = span(&p);
    let mut elems: Vec<Node> = p.into_inner().map(element).collect();
    if elems.len() == 1 {
        elems.pop().expect("one")
    } else {
        Node {
            kind: NodeKind::Seq(elems),
            span: sp,
        }
    }
}

fn element(p: Pair<Rule>) -> Node {
    let sp = span(&p);
    let mut capture = None;
    let mut node = None;
    let mut quant = None;
    for part in p.into_inner() {
        match part.as_rule() {
            Rule::capture => {
                let name = part
                    .into_inner()
                    .next()
                    .expect("ident")
                    .as_str()
                    .to_string();
                capture = Some(name);
            }
            Rule::quantifier => quant = Some(quantifier(&part)),
            _ => node = Some(primary(part)),
        }
    }
    let mut node = node.expect("primary");
    if let Some((min, max, explicit_max)) = quant {
        node = Node {
            span: sp.clone(),
            kind: NodeKind::Repeat {
                node: Box::new(node),
                min,
                max,
                explicit_max,
            },
        };
    }
    if let Some(name) = capture {
        node = Node {
            span: sp,
            kind: NodeKind::Capture {
                name,
                node: Box::new(node),
            },
        };
    }
    node
}

fn quantifier(p: &Pair<Rule>) -> (u32, u32, bool) {
    let s = p.as_str();
    match s {
        "?" => (0, 1, true),
        "*" => (0, MAX_REPEAT, false),
        "+" => (1, MAX_REPEAT, false),
        _ => {
            let ints: Vec<u32> = p
                .clone()
                .into_inner()
                .map(|i| i.as_str().parse().unwrap_or(u32::MAX))
                .collect();
            let has_comma = s.contains(',');
            match (ints.as_slice(), has_comma) {
                ([m], false) => (*m, *m, true),
                ([m], true) => (*m, m.saturating_add(MAX_REPEAT), false),
                ([m, n], _) => (*m, *n, true),
                _ => (0, 0, true),
            }
        }
    }
}

fn primary(p: Pair<Rule>) -> Node {
    let sp = span(&p);
    let kind = match p.as_rule() {
        Rule::group => return pattern(p.into_inner().next().expect("pattern")),
        Rule::lexicon_ref => NodeKind::Lexicon(p.as_str()[1..].to_string()),
        Rule::rule_ref => NodeKind::RuleRef(p.as_str()[1..].to_string()),
        Rule::macro_ref => NodeKind::Macro(p.as_str()[1..].to_string()),
        Rule::lookaround => {
            let mut negated = false;
            let mut ahead = true;
            let mut inner = None;
            for part in p.into_inner() {
                match part.as_rule() {
                    Rule::negation => negated = true,
                    Rule::look_dir => ahead = part.as_str() == "next",
                    Rule::pattern => inner = Some(pattern(part)),
                    _ => {}
                }
            }
            NodeKind::Look {
                ahead,
                negated,
                node: Box::new(inner.expect("pattern")),
            }
        }
        Rule::inside => {
            let mut negated = false;
            let mut what = String::new();
            for part in p.into_inner() {
                match part.as_rule() {
                    Rule::negation => negated = true,
                    Rule::ident => what = part.as_str().to_string(),
                    _ => {}
                }
            }
            NodeKind::Inside { negated, what }
        }
        Rule::token_pred => NodeKind::Token(
            p.into_inner()
                .filter(|a| a.as_rule() == Rule::tok_arg)
                .map(|a| {
                    let asp = span(&a);
                    let mut it = a.into_inner();
                    let key = it.next().expect("key").as_str().to_string();
                    let op = it.next().expect("op").as_str();
                    let v = it.next().expect("value");
                    TokArg {
                        key,
                        regex: op.ends_with('~'),
                        negated: op.starts_with('!'),
                        value: term_text(&v),
                        span: asp,
                    }
                })
                .collect(),
        ),
        Rule::typed => {
            let mut it = p.into_inner();
            let kind = it.next().expect("kind").as_str().to_string();
            let args: Vec<TypedArg> = it
                .map(|a| {
                    let asp = span(&a);
                    let parts: Vec<Pair<Rule>> = a.into_inner().collect();
                    let (key, value) = match parts.as_slice() {
                        [k, v] => (Some(k.as_str().to_string()), term_text(v)),
                        [v] => (None, term_text(v)),
                        _ => (None, String::new()),
                    };
                    TypedArg {
                        key,
                        value,
                        span: asp,
                    }
                })
                .collect();
            if kind == "qty" {
                NodeKind::Quantity(args)
            } else {
                NodeKind::Period(args)
            }
        }
        Rule::anchor => NodeKind::Anchor(match p.as_str() {
            "sentence_start" => AnchorKind::SentenceStart,
            "sentence_end" => AnchorKind::SentenceEnd,
            "clause_start" => AnchorKind::ClauseStart,
            _ => AnchorKind::ClauseEnd,
        }),
        Rule::class => NodeKind::Class(match p.as_str() {
            "han" => CharClass::Han,
            "digit" => CharClass::Digit,
            "cnum" => CharClass::Cnum,
            "punct" => CharClass::Punct,
            "latin" => CharClass::Latin,
            "open_quote" => CharClass::OpenQuote,
            "close_quote" => CharClass::CloseQuote,
            _ => CharClass::Any,
        }),
        Rule::charset => {
            let mut negated = false;
            let mut ranges = Vec::new();
            for part in p.into_inner() {
                match part.as_rule() {
                    Rule::charset_neg => negated = true,
                    Rule::charset_range => {
                        let cs: Vec<char> = part
                            .into_inner()
                            .map(|c| charset_char(c.as_str()))
                            .collect();
                        ranges.push((cs[0], cs[1]));
                    }
                    Rule::charset_char => {
                        let c = charset_char(part.as_str());
                        ranges.push((c, c));
                    }
                    _ => {}
                }
            }
            NodeKind::CharSet { negated, ranges }
        }
        Rule::literal => {
            let inner = p.into_inner().next().expect("literal");
            NodeKind::Literal(term_text(&inner))
        }
        other => unreachable!("primary {other:?}"),
    };
    Node { kind, span: sp }
}

fn charset_char(s: &str) -> char {
    let mut cs = s.chars();
    match (cs.next(), cs.next()) {
        (Some('\\'), Some('n')) => '\n',
        (Some('\\'), Some(c)) => c,
        (Some(c), _) => c,
        _ => ' ',
    }
}

/// Human names for grammar rules in "expected …" messages.
fn friendly(r: &Rule) -> String {
    match r {
        Rule::EOI => "end of file",
        Rule::namespace_decl
        | Rule::include_decl
        | Rule::label_decl
        | Rule::lexicon_decl
        | Rule::rule_decl => "a declaration (`rule`, `lexicon`, `label`, `include`, `namespace`)",
        Rule::rule_clause
        | Rule::doc_clause
        | Rule::priority_clause
        | Rule::match_clause
        | Rule::emit_clause
        | Rule::example_clause
        | Rule::counter_clause => {
            "a rule clause (`doc`, `priority`, `match`, `emit`, `example`, `counter`)"
        }
        Rule::element
        | Rule::primary
        | Rule::capture
        | Rule::group
        | Rule::literal
        | Rule::bare_literal => "a pattern element",
        Rule::lexicon_ref => "a lexicon reference (`@name`)",
        Rule::rule_ref => "a rule reference (`&name`)",
        Rule::macro_ref => "a pattern name (`$name`)",
        Rule::quantifier => "a quantifier (`?`, `*`, `+`, `{m,n}`)",
        Rule::lexicon_entry | Rule::bare_term => "a lexicon entry",
        Rule::entry_attrs => "entry attributes (`[key: value]`)",
        Rule::attr_assign => "an attribute (`name: expression`)",
        Rule::attr_expect => "an expected attribute (`name: value`)",
        Rule::expr | Rule::call | Rule::path | Rule::let_ref => "an expression",
        Rule::let_decl | Rule::kw_let => "`let name = expression`",
        Rule::string => "a quoted string",
        Rule::ident | Rule::qualified => "a name",
        Rule::int | Rule::signed_int => "a whole number",
        Rule::charset_char | Rule::charset_range => "a character",
        Rule::typed_arg => "an argument",
        Rule::tok_arg => "a token predicate (`pos=ns`, `word~\"regex\"`)",
        Rule::label_setting => "a setting (`overlap: longest`)",
        Rule::kw_doc => "`doc`",
        Rule::kw_priority => "`priority`",
        Rule::kw_match => "`match`",
        Rule::kw_emit => "`emit`",
        Rule::kw_example => "`example`",
        Rule::kw_counter => "`counter`",
        Rule::keyword => "a rule clause",
        Rule::entry_attr => "an attribute (`key: value`)",
        Rule::typed
        | Rule::typed_kind
        | Rule::class
        | Rule::anchor
        | Rule::lookaround
        | Rule::inside
        | Rule::token_pred
        | Rule::charset => "a pattern element",
        Rule::negation => "`not`",
        Rule::look_dir => "`next` or `prev`",
        Rule::literal_value | Rule::list | Rule::null | Rule::boolean | Rule::number => "a value",
        Rule::string_inner => "the rest of the string and a closing `\"`",
        other => return format!("{other:?}"),
    }
    .to_string()
}

fn syntax_error(file: &Arc<str>, source: &Arc<str>, e: pest::error::Error<Rule>) -> RuleDiagnostic {
    let (start, end) = match e.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((s, e)) => (s, e),
    };
    // Point at the whole offending character (or word) rather than a gap.
    let end = if end > start {
        end
    } else {
        source[start..]
            .char_indices()
            .nth(1)
            .map_or(source.len(), |(i, _)| start + i)
    };
    let message = match &e.variant {
        pest::error::ErrorVariant::ParsingError {
            positives,
            negatives,
        } => {
            let mut exp: Vec<String> = positives.iter().map(friendly).collect();
            exp.sort();
            exp.dedup();
            // Show a whole ASCII word (`mtach`), not just its first letter.
            let word_end = start
                + source[start..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(source.len() - start);
            let found = if word_end > end {
                source[start..word_end].to_string()
            } else {
                source[start..end].to_string()
            };
            let found = if found.is_empty() {
                "end of file".to_string()
            } else {
                format!("`{}`", found.escape_debug())
            };
            if exp.is_empty() {
                let neg: Vec<String> = negatives.iter().map(friendly).collect();
                format!("unexpected {found} (not allowed here: {})", neg.join(", "))
            } else {
                format!("expected {}, found {found}", exp.join(" or "))
            }
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    let in_pattern = matches!(
        &e.variant,
        pest::error::ErrorVariant::ParsingError { positives, .. }
            if positives.iter().any(|r| matches!(r, Rule::element | Rule::primary | Rule::literal | Rule::quantifier | Rule::capture | Rule::group))
    );
    let help = syntax_hint(source, start, in_pattern);
    RuleDiagnostic {
        severity: Severity::Error,
        code: "syntax",
        message: format!("syntax error: {message}"),
        file: file.clone(),
        source_text: source.clone(),
        span: start..end,
        label: "here".to_string(),
        help,
    }
}

/// A hint for common slips, judged from the text at the error and from
/// whether the parser was inside a pattern.
fn syntax_hint(source: &str, pos: usize, in_pattern: bool) -> Option<String> {
    let rest = &source[pos..];
    let c = rest.chars().next()?;
    let before = source[..pos].trim_end();
    Some(match c {
        '+' | ',' | '(' | ')' | '-' | '/' | '%' | '.' | ':' if in_pattern && !before.ends_with('"') => {
            format!("ASCII `{c}` is syntax in patterns; to match it literally, quote it: \"{c}\"")
        }
        '“' | '”' => "curly quotes are text, not string delimiters: write strings with ASCII \"…\"".to_string(),
        '{' => "a `{` here must follow a pattern element as a quantifier `{m,n}`, or open a rule/lexicon body".to_string(),
        c if c.is_ascii_alphabetic() => {
            let word: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            let known = [
                "rule", "lexicon", "define", "label", "include", "namespace", "doc", "priority", "match", "emit", "example",
                "counter", "qty", "period", "tok", "next", "prev", "not", "inside", "han", "digit", "cnum", "punct",
                "latin", "open_quote", "close_quote", "any", "sentence_start", "sentence_end", "clause_start",
                "clause_end",
            ];
            match crate::diag::did_you_mean(&word, known) {
                Some(k) if k != word => format!("did you mean `{k}`?"),
                _ if in_pattern => {
                    "plain ASCII words are not patterns: quote literal text (\"abc\"), or use `name:` to capture"
                        .to_string()
                }
                _ => return None,
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<FileAst, RuleDiagnostic> {
        parse_file(&Arc::from("t.rules"), &Arc::from(src))
    }

    #[test]
    fn parses_a_full_rule() {
        let ast = parse(
            r#"
            namespace policy
            label policy { overlap: longest }
            lexicon comp {
                承诺制
                标准地 [kind: mechanism]
                链主企业 = 链主, "链 主"
            }
            rule package {
                doc: "packages"
                priority: 5
                match: parts:(@comp ("+"? @comp){1,4}) next(改革|机制)?
                emit policy { canonical: join(set(parts), "+"), kind: "package" }
                example: "深化“承诺制+标准地”改革" -> "承诺制+标准地" { kind: "package", components: ["承诺制", "标准地"] }
                counter: "承诺制"
            }
            "#,
        )
        .unwrap();
        assert_eq!(ast.namespace.unwrap().0, "policy");
        assert_eq!(ast.lexicons[0].name, "comp");
        let LexiconSource::Inline(entries) = &ast.lexicons[0].source else {
            panic!()
        };
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[2].aliases, vec!["链主", "链 主"]);
        assert_eq!(entries[1].attrs, vec![("kind".into(), "mechanism".into())]);
        let r = &ast.rules[0];
        assert_eq!(r.priority, 5);
        assert_eq!(r.examples[0].expect_text.as_deref(), Some("承诺制+标准地"));
        assert_eq!(r.counters.len(), 1);
        assert!(matches!(r.pattern.as_ref().unwrap().kind, NodeKind::Seq(_)));
    }

    #[test]
    fn quantifiers_are_bounded() {
        let ast = parse("rule r { match: han* 开发区 emit zone }").unwrap();
        let NodeKind::Seq(items) = &ast.rules[0].pattern.as_ref().unwrap().kind else {
            panic!()
        };
        let NodeKind::Repeat { max, .. } = items[0].kind else {
            panic!()
        };
        assert_eq!(max, MAX_REPEAT);
    }

    #[test]
    fn syntax_errors_point_at_the_fault() {
        let src = "rule r {\n  match: 签约额 qty(money\n  emit fact\n}\n";
        let e = parse(src).unwrap_err();
        assert_eq!(e.code, "syntax");
        let (line, _) = e.line_col();
        assert_eq!(line, 2, "{}", e.message);
        let e = parse("rule r {\n  mtach: 签约额\n}\n").unwrap_err();
        assert_eq!(e.line_col(), (2, 3));
        assert_eq!(e.help.as_deref(), Some("did you mean `match`?"));
        let e = parse("rule r { match: 签约额 (qty emit fact }").unwrap_err();
        assert_eq!(e.line_col(), (1, 26));
    }
}
