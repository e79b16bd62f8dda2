//! Loading, checking and compiling rule files into an immutable [`RuleSet`].
//!
//! Compilation does all the work that does not depend on the text: it
//! resolves names, checks the rules (unknown names with did-you-mean,
//! duplicate ids, unused captures, unreachable alternatives, anchorless
//! rules, cycles), orders labels so that a rule referring to another label's
//! results runs after it, and builds **one** Aho-Corasick automaton holding
//! every literal and lexicon term of every rule. At run time each document is
//! scanned once by that automaton; a rule is only tried at positions derived
//! from its anchor's hits.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use serde_json::{Map, Value};

use crate::ast::*;
use crate::diag::{RuleDiagnostic, Severity, did_you_mean};
use crate::parse::{parse_file, parse_lexicon_entries};

/// The longest span, in characters, a `next(…)`/`prev(…)` pattern may
/// cover: enough for 的 and four tokens (a token counts as 16), small
/// enough that a lookaround stays a local check.
pub(crate) const MAX_CONTEXT: u32 = 80;

/// Index of a label in [`RuleSet`].
pub type LabelId = usize;
/// Index of a lexicon.
pub type LexId = usize;
/// Index of a rule.
pub type RuleId = usize;

/// How overlapping matches of one label are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlap {
    /// Prefer the longer match, then the higher priority, then the leftmost.
    Longest,
    /// Sweep left to right; at each start keep the longest (leftmost-longest).
    Leftmost,
    /// Prefer the higher priority, then the longer, then the leftmost.
    Priority,
    /// Keep every match (identical spans from the same rule are merged).
    All,
}

impl std::fmt::Display for Overlap {
    /// As written in rule files (`overlap: longest`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Overlap::Longest => "longest",
            Overlap::Leftmost => "leftmost",
            Overlap::Priority => "priority",
            Overlap::All => "all",
        })
    }
}

/// A label: the kind of record rules emit.
#[derive(Debug, Clone)]
pub struct Label {
    /// Its name (`policy`, `fact`, …).
    pub name: String,
    /// Overlap policy.
    pub overlap: Overlap,
}

/// A lexicon entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Canonical form.
    pub canonical: String,
    /// Attributes.
    pub attrs: Map<String, Value>,
}

/// A compiled lexicon.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// Qualified name (`policy.component`).
    pub name: String,
    /// Entries in declaration order (the order `set()` sorts by).
    pub entries: Vec<Entry>,
    /// Shortest and longest term, in characters.
    pub(crate) len: (u32, u32),
}

/// A compiled pattern node.
#[derive(Debug, Clone)]
pub struct Pat {
    pub(crate) kind: PatKind,
    /// Where it is written (for explain traces).
    pub(crate) span: SrcSpan,
    /// Shortest and longest match, in characters.
    pub(crate) len: (u32, u32),
}

#[derive(Debug, Clone)]
pub(crate) enum PatKind {
    Lit(String),
    Lex(LexId),
    Ref {
        label: LabelId,
        rule: Option<RuleId>,
    },
    Class(CharClass),
    Set {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    Qty(QtyFilter),
    Period(PeriodFilter),
    Anchor(AnchorKind),
    Look {
        ahead: bool,
        negated: bool,
        node: Box<Pat>,
    },
    Inside {
        negated: bool,
        open: char,
        close: char,
    },
    /// `inside(word)`: the position lies strictly inside a segmenter token.
    InWord {
        negated: bool,
    },
    Tok(Vec<TokPred>),
    Seq(Vec<Pat>),
    Alt(Vec<Pat>),
    Repeat {
        node: Box<Pat>,
        min: u32,
        max: u32,
    },
    Cap {
        name: usize,
        node: Box<Pat>,
    },
}

/// Filters for `qty(…)`.
#[derive(Debug, Clone, Default)]
pub(crate) struct QtyFilter {
    pub(crate) dimensions: Vec<tiqu_quantity::Dimension>,
    pub(crate) kinds: Vec<tiqu_quantity::QuantityKind>,
    pub(crate) units: Vec<String>,
}

/// Filters for `period(…)`.
#[derive(Debug, Clone, Default)]
pub(crate) struct PeriodFilter {
    pub(crate) kinds: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum TokPred {
    WordIs(String),
    WordRe(Regex),
    PosIs(String),
    PosRe(Regex),
    /// In the segmenter's dictionary (`dict=yes`) or not (`dict=no`).
    InDict(bool),
    Not(Box<TokPred>),
}

/// Where a rule's candidate start positions come from.
#[derive(Debug, Clone)]
pub(crate) enum AnchorSource {
    /// Hits of these automaton patterns (sorted, distinct).
    Automaton(Vec<u32>),
    /// Starts of quantities.
    Quantity,
    /// Starts of periods.
    Period,
    /// Starts of another label's matches.
    Ref(LabelId),
    /// Every character position (anchorless rule).
    Everywhere,
}

/// One alternative of a rule's pattern with its anchor plan.
#[derive(Debug, Clone)]
pub(crate) struct Branch {
    pub(crate) pat: Pat,
    pub(crate) anchors: Vec<AnchorSource>,
    /// The anchor element sits this many characters (min, max) after the
    /// match start.
    pub(crate) back: (u32, u32),
    /// The elements before the anchor element (flattened top-level
    /// sequence), so the engine can find starts by matching them backwards
    /// from each anchor hit.
    pub(crate) prefix: Vec<Pat>,
    /// The anchor element and what follows it, when the prefix can consume
    /// text: a hit where this cannot match starts no match.
    pub(crate) suffix: Option<Pat>,
    /// Matches start where an anchor hit ends, not before it: the anchor
    /// is the last element of a leading `prev(…)`.
    pub(crate) at_end: bool,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    /// `namespace.name`.
    pub id: String,
    /// The emitted label.
    pub label: LabelId,
    /// Priority (higher wins under `overlap: priority`, and breaks ties).
    pub priority: i32,
    /// `doc: …`.
    pub doc: Option<String>,
    pub(crate) branches: Vec<Branch>,
    pub(crate) captures: Vec<String>,
    pub(crate) emit: Vec<(String, Expr)>,
    /// Inline examples.
    pub examples: Vec<ExampleAst>,
    /// Inline counter-examples.
    pub counters: Vec<(String, SrcSpan)>,
    /// Index into [`RuleSet::files`].
    pub file: usize,
    /// The rule's span in its file.
    pub span: SrcSpan,
    pub(crate) uses_tokens: bool,
}

/// A rule file as loaded (for diagnostics and explain traces).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Display path.
    pub name: Arc<str>,
    /// Text.
    pub text: Arc<str>,
}

impl SourceFile {
    /// `file:line:col` of a byte offset.
    pub fn location(&self, offset: usize) -> String {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        format!("{}:{line}:{col}", self.name)
    }
}

/// What the automaton's pattern `i` stands for.
#[derive(Debug, Clone)]
pub(crate) enum AcTarget {
    Lex { lex: LexId, entry: u32 },
    Literal,
}

/// A compiled, immutable rule set: share it by reference across threads.
#[derive(Debug)]
pub struct RuleSet {
    /// Labels in evaluation order is [`RuleSet::label_order`].
    pub labels: Vec<Label>,
    /// Lexicons.
    pub lexicons: Vec<Lexicon>,
    /// Rules.
    pub rules: Vec<CompiledRule>,
    /// Loaded files.
    pub files: Vec<SourceFile>,
    /// Warnings found while compiling.
    pub warnings: Vec<RuleDiagnostic>,
    pub(crate) automaton: Option<AhoCorasick>,
    pub(crate) ac_targets: Vec<Vec<AcTarget>>,
    pub(crate) ac_strings: Vec<String>,
    /// Label ids in dependency order.
    pub(crate) label_order: Vec<LabelId>,
    /// Rules per label.
    pub(crate) rules_by_label: Vec<Vec<RuleId>>,
    /// Labels each label's rules refer to.
    pub(crate) label_deps: Vec<Vec<LabelId>>,
}

impl RuleSet {
    /// Whether any rule needs segmentation (token predicates).
    pub fn needs_tokens(&self) -> bool {
        self.rules.iter().any(|r| r.uses_tokens)
    }

    /// Whether any rule of the labels marked in `needed` needs segmentation.
    pub fn needs_tokens_for(&self, needed: &[bool]) -> bool {
        self.rules
            .iter()
            .any(|r| r.uses_tokens && needed.get(r.label).copied().unwrap_or(false))
    }

    /// The words (canonical forms and aliases) of every lexicon a pattern
    /// matches with `@name`, for the segmenter's user dictionary so that
    /// they stay whole. Lexicons read only by functions (`cue()`'s status
    /// words, `lookup()` tables) are left out: their words are not names,
    /// and 已达目标 as one token would join a counted noun.
    pub fn lexicon_words(&self) -> Vec<String> {
        let mut matched = vec![false; self.lexicons.len()];
        for r in &self.rules {
            for b in &r.branches {
                mark_lexicons(&b.pat, &mut matched);
            }
        }
        let mut out = Vec::new();
        for (i, targets) in self.ac_targets.iter().enumerate() {
            if targets
                .iter()
                .any(|t| matches!(t, AcTarget::Lex { lex, .. } if matched[*lex]))
            {
                out.push(self.automaton_pattern(i));
            }
        }
        out
    }

    fn automaton_pattern(&self, i: usize) -> String {
        self.ac_strings[i].clone()
    }

    /// The labels that must run to produce `wanted`: the wanted ones and,
    /// transitively, the labels their rules refer to. Indexed by label id.
    pub fn labels_needed(&self, wanted: &[&str]) -> Vec<bool> {
        let mut need = vec![false; self.labels.len()];
        let mut stack: Vec<LabelId> = wanted.iter().filter_map(|w| self.label_id(w)).collect();
        while let Some(l) = stack.pop() {
            if !need[l] {
                need[l] = true;
                stack.extend(self.label_deps.get(l).into_iter().flatten().copied());
            }
        }
        need
    }

    /// Label id by name.
    pub fn label_id(&self, name: &str) -> Option<LabelId> {
        self.labels.iter().position(|l| l.name == name)
    }

    /// Rule id by its full id or unique local name.
    pub fn rule_id(&self, name: &str) -> Option<RuleId> {
        self.rules.iter().position(|r| r.id == name).or_else(|| {
            let mut it = self
                .rules
                .iter()
                .enumerate()
                .filter(|(_, r)| r.id.rsplit('.').next() == Some(name));
            match (it.next(), it.next()) {
                (Some((i, _)), None) => Some(i),
                _ => None,
            }
        })
    }
}

/// Reads rule files: from disk, or from an embedded set of sources.
pub trait SourceLoader {
    /// Reads `path` (already joined with its includer's directory).
    fn read(&self, path: &Path) -> std::io::Result<String>;
}

/// Reads from the file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct FsLoader;

impl SourceLoader for FsLoader {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        std::fs::read_to_string(path)
    }
}

/// Reads from a map of embedded files (the rule set shipped in the binary).
#[derive(Debug, Default, Clone)]
pub struct EmbeddedLoader {
    /// Path (with `/` separators) → text.
    pub files: BTreeMap<String, &'static str>,
}

impl SourceLoader for EmbeddedLoader {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        let key = normalize_path(path);
        self.files
            .get(&key)
            .map(|s| (*s).to_string())
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, key))
    }
}

fn normalize_path(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

/// The result of a failed compile: every error (and warning) found.
#[derive(Debug)]
pub struct CompileErrors {
    /// All diagnostics, errors first.
    pub diagnostics: Vec<RuleDiagnostic>,
}

impl std::fmt::Display for CompileErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        write!(f, "{errors} error(s) in the rule files")?;
        for d in &self.diagnostics {
            write!(f, "\n{}: {}", d.location(), d.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for CompileErrors {}

struct ParsedFile {
    ast: FileAst,
    namespace: String,
    file: usize,
    dir: PathBuf,
}

/// Compiles the rule files at `paths` (files, or directories whose `*.rules`
/// files are all loaded in sorted order), with their includes.
pub fn compile_paths(paths: &[PathBuf]) -> Result<RuleSet, CompileErrors> {
    let mut roots = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|rd| {
                    rd.filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.extension().is_some_and(|e| e == "rules"))
                        .collect()
                })
                .unwrap_or_default();
            found.sort();
            roots.extend(found);
        } else {
            roots.push(p.clone());
        }
    }
    compile_with(&FsLoader, &roots)
}

/// Compiles `roots` (and their includes) read through `loader`.
pub fn compile_with(
    loader: &dyn SourceLoader,
    roots: &[PathBuf],
) -> Result<RuleSet, CompileErrors> {
    let mut c = Compiler::default();
    for root in roots {
        c.load(loader, root, None);
    }
    c.finish(loader)
}

/// Compiles one rule file given as text (for tests and tools).
pub fn compile_str(name: &str, text: &str) -> Result<RuleSet, CompileErrors> {
    let mut loader = EmbeddedLoader::default();
    let leaked: &'static str = Box::leak(text.to_string().into_boxed_str());
    loader.files.insert(name.to_string(), leaked);
    compile_with(&loader, &[PathBuf::from(name)])
}

#[derive(Default)]
struct Compiler {
    files: Vec<SourceFile>,
    parsed: Vec<ParsedFile>,
    seen: HashSet<String>,
    diags: Vec<RuleDiagnostic>,
}

impl Compiler {
    // Every diagnostic has these parts; call sites read better with them
    // spelled out than with a builder.
    /// `namespace.name` → (file index, item) for the `define`s (or `let`s)
    /// of every file; a name given twice in one namespace is an error.
    fn named<T: Clone>(
        &mut self,
        parsed: &[ParsedFile],
        items: impl Fn(&FileAst) -> &[(String, T, SrcSpan)],
        code: &'static str,
        what: &str,
    ) -> HashMap<String, (usize, T)> {
        let mut out = HashMap::new();
        for (pi, pf) in parsed.iter().enumerate() {
            for (name, item, span) in items(&pf.ast) {
                let q = format!("{}.{name}", pf.namespace);
                if out.insert(q.clone(), (pi, item.clone())).is_some() {
                    self.diag(
                        Severity::Error,
                        code,
                        pf.file,
                        span.clone(),
                        format!("{what} `${q}` is defined twice"),
                        "second definition",
                        None,
                    );
                }
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn diag(
        &mut self,
        severity: Severity,
        code: &'static str,
        file: usize,
        span: SrcSpan,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        let f = &self.files[file];
        self.diags.push(RuleDiagnostic {
            severity,
            code,
            message,
            file: f.name.clone(),
            source_text: f.text.clone(),
            span,
            label: label.to_string(),
            help,
        });
    }

    fn load(&mut self, loader: &dyn SourceLoader, path: &Path, from: Option<(usize, SrcSpan)>) {
        let key = normalize_path(path);
        if !self.seen.insert(key.clone()) {
            return;
        }
        let text = match loader.read(path) {
            Ok(t) => t,
            Err(e) => {
                match from {
                    Some((file, span)) => self.diag(
                        Severity::Error,
                        "include-not-found",
                        file,
                        span,
                        format!("cannot read included file `{}`: {e}", path.display()),
                        "included here",
                        Some("include paths are relative to the including file".into()),
                    ),
                    None => {
                        let name: Arc<str> = Arc::from(path.display().to_string());
                        self.diags.push(RuleDiagnostic {
                            severity: Severity::Error,
                            code: "file-not-found",
                            message: format!("cannot read rule file `{}`: {e}", path.display()),
                            file: name,
                            source_text: Arc::from(""),
                            span: 0..0,
                            label: "here".into(),
                            help: None,
                        });
                    }
                }
                return;
            }
        };
        let name: Arc<str> = Arc::from(path.display().to_string());
        let text: Arc<str> = Arc::from(text);
        let file = self.files.len();
        self.files.push(SourceFile {
            name: name.clone(),
            text: text.clone(),
        });
        let ast = match parse_file(&name, &text) {
            Ok(a) => a,
            Err(d) => {
                self.diags.push(d);
                return;
            }
        };
        let namespace = ast.namespace.as_ref().map_or_else(
            || {
                path.file_stem()
                    .map_or_else(|| "rules".to_string(), |s| s.to_string_lossy().into_owned())
            },
            |(n, _)| n.clone(),
        );
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let includes = ast.includes.clone();
        self.parsed.push(ParsedFile {
            ast,
            namespace,
            file,
            dir: dir.clone(),
        });
        for (inc, span) in includes {
            self.load(loader, &dir.join(inc), Some((file, span)));
        }
    }

    fn finish(mut self, loader: &dyn SourceLoader) -> Result<RuleSet, CompileErrors> {
        let parsed = std::mem::take(&mut self.parsed);
        // Labels: declared, then emitted.
        let mut labels: Vec<Label> = Vec::new();
        for pf in &parsed {
            for l in &pf.ast.labels {
                let mut overlap = Overlap::Longest;
                for (k, v, span) in &l.settings {
                    match (k.as_str(), v.as_str()) {
                        ("overlap", "longest") => overlap = Overlap::Longest,
                        ("overlap", "leftmost") => overlap = Overlap::Leftmost,
                        ("overlap", "priority") => overlap = Overlap::Priority,
                        ("overlap", "all") => overlap = Overlap::All,
                        ("overlap", other) => self.diag(
                            Severity::Error,
                            "bad-setting",
                            pf.file,
                            span.clone(),
                            format!("unknown overlap policy `{other}`"),
                            "here",
                            Some("use one of: longest, leftmost, priority, all".into()),
                        ),
                        (other, _) => self.diag(
                            Severity::Error,
                            "bad-setting",
                            pf.file,
                            span.clone(),
                            format!("unknown label setting `{other}`"),
                            "here",
                            Some("the only setting is `overlap`".into()),
                        ),
                    }
                }
                match labels.iter_mut().find(|x| x.name == l.name) {
                    Some(existing) => existing.overlap = overlap,
                    None => labels.push(Label {
                        name: l.name.clone(),
                        overlap,
                    }),
                }
            }
        }
        for pf in &parsed {
            for r in &pf.ast.rules {
                if let Some(e) = &r.emit
                    && !labels.iter().any(|l| l.name == e.label)
                {
                    labels.push(Label {
                        name: e.label.clone(),
                        overlap: Overlap::Longest,
                    });
                }
            }
        }

        // Lexicons.
        let mut lexicons: Vec<Lexicon> = Vec::new();
        for pf in &parsed {
            for l in &pf.ast.lexicons {
                let qname = format!("{}.{}", pf.namespace, l.name);
                if lexicons.iter().any(|x| x.name == qname) {
                    self.diag(
                        Severity::Error,
                        "duplicate-lexicon",
                        pf.file,
                        l.span.clone(),
                        format!("lexicon `{qname}` is defined twice"),
                        "second definition",
                        None,
                    );
                    continue;
                }
                let entries_ast = match &l.source {
                    LexiconSource::Inline(e) => e.clone(),
                    LexiconSource::File(rel, span) => {
                        let path = pf.dir.join(rel);
                        match loader.read(&path) {
                            Ok(text) => {
                                let name: Arc<str> = Arc::from(path.display().to_string());
                                match parse_lexicon_entries(&name, &Arc::from(text)) {
                                    Ok(e) => e,
                                    Err(d) => {
                                        self.diags.push(d);
                                        continue;
                                    }
                                }
                            }
                            Err(e) => {
                                self.diag(
                                    Severity::Error,
                                    "lexicon-not-found",
                                    pf.file,
                                    span.clone(),
                                    format!("cannot read lexicon file `{}`: {e}", path.display()),
                                    "named here",
                                    Some("lexicon paths are relative to the rule file".into()),
                                );
                                continue;
                            }
                        }
                    }
                };
                lexicons.push(build_lexicon(qname, &entries_ast));
            }
        }

        // Automaton strings.
        let mut ac = AcBuilder::default();
        for (lid, lex) in lexicons.iter().enumerate() {
            let _ = lex;
            for (eid, forms) in lex_forms(&parsed, lid, &lexicons, loader)
                .into_iter()
                .enumerate()
            {
                for f in forms {
                    ac.add(
                        &f,
                        AcTarget::Lex {
                            lex: lid,
                            entry: eid as u32,
                        },
                    );
                }
            }
        }

        // Rules: ids and labels first (so references can be resolved).
        let mut rule_ids: Vec<(String, usize, usize)> = Vec::new(); // id, parsed idx, rule idx
        for (pi, pf) in parsed.iter().enumerate() {
            for (ri, r) in pf.ast.rules.iter().enumerate() {
                let id = format!("{}.{}", pf.namespace, r.name);
                if let Some((_, ppi, rri)) = rule_ids.iter().find(|(x, _, _)| *x == id) {
                    let first = &parsed[*ppi].ast.rules[*rri];
                    let first_loc = self.files[parsed[*ppi].file].location(first.name_span.start);
                    self.diag(
                        Severity::Error,
                        "duplicate-rule",
                        pf.file,
                        r.name_span.clone(),
                        format!("duplicate rule id `{id}`"),
                        "defined again here",
                        Some(format!("first defined at {first_loc}; rename one of them")),
                    );
                    continue;
                }
                rule_ids.push((id, pi, ri));
            }
        }

        let mut rules = Vec::new();
        let rule_labels: Vec<Option<LabelId>> = rule_ids
            .iter()
            .map(|(_, pi, ri)| {
                let emit = parsed[*pi].ast.rules[*ri].emit.as_ref()?;
                labels.iter().position(|l| l.name == emit.label)
            })
            .collect();
        let defines = self.named(&parsed, |a| &a.defines, "duplicate-define", "pattern");
        let lets = self.named(&parsed, |a| &a.lets, "duplicate-let", "expression");
        let ctx = ResolveCtx {
            labels: &labels,
            lexicons: &lexicons,
            rule_ids: &rule_ids,
            rule_labels: &rule_labels,
            defines: &defines,
            lets: &lets,
        };
        // A `let` body is checked once, in its own file: it may use the
        // context and functions but no rule's captures.
        for pf in &parsed {
            for (_, body, _) in &pf.ast.lets {
                self.check_expr(&ctx, pf, body, &[], &mut HashSet::new());
            }
        }
        for (id, pi, ri) in &rule_ids {
            let pf = &parsed[*pi];
            let r = &pf.ast.rules[*ri];
            if let Some(rule) = self.compile_rule(&ctx, &parsed, pf, r, id.clone(), &mut ac) {
                rules.push(rule);
            }
        }

        // Label dependency order.
        let mut rules_by_label = vec![Vec::new(); labels.len()];
        for (i, r) in rules.iter().enumerate() {
            rules_by_label[r.label].push(i);
        }
        let (label_order, label_deps) = self.order_labels(&labels, &rules, &rules_by_label);

        if self.diags.iter().any(|d| d.severity == Severity::Error) {
            let mut diagnostics = self.diags;
            diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity));
            return Err(CompileErrors { diagnostics });
        }
        let (automaton, ac_targets, ac_strings) = ac.build();
        Ok(RuleSet {
            labels,
            lexicons,
            rules,
            files: self.files,
            warnings: self.diags,
            automaton,
            ac_targets,
            ac_strings,
            label_order,
            label_deps,
            rules_by_label,
        })
    }

    fn order_labels(
        &mut self,
        labels: &[Label],
        rules: &[CompiledRule],
        rules_by_label: &[Vec<RuleId>],
    ) -> (Vec<LabelId>, Vec<Vec<LabelId>>) {
        let mut deps: Vec<HashSet<LabelId>> = vec![HashSet::new(); labels.len()];
        for r in rules {
            for b in &r.branches {
                collect_refs(&b.pat, &mut |l| {
                    deps[r.label].insert(l);
                });
            }
            // `sentence.subject` reads the zone and place results (and
            // `sentence.named_subject` the org and project results too),
            // `nearest("org", …)` the labels it names.
            let mut read: Vec<String> = Vec::new();
            for (_, e) in &r.emit {
                if uses_path(e, "sentence", "subject") {
                    read.extend(["zone".to_string(), "place".to_string()]);
                }
                if uses_path(e, "sentence", "named_subject")
                    || uses_path(e, "article", "named_subject")
                {
                    read.extend(
                        ["zone", "place", "org", "project", "policy"]
                            .iter()
                            .map(|l| l.to_string()),
                    );
                }
                nearest_labels(e, &mut read);
            }
            for name in &read {
                if let Some(l) = labels.iter().position(|x| &x.name == name)
                    && l != r.label
                {
                    deps[r.label].insert(l);
                }
            }
        }
        let mut order = Vec::new();
        let mut state = vec![0u8; labels.len()]; // 0 new, 1 visiting, 2 done
        fn visit(
            l: LabelId,
            deps: &[HashSet<LabelId>],
            state: &mut [u8],
            order: &mut Vec<LabelId>,
        ) -> Result<(), LabelId> {
            match state[l] {
                2 => return Ok(()),
                1 => return Err(l),
                _ => {}
            }
            state[l] = 1;
            let mut ds: Vec<_> = deps[l].iter().copied().collect();
            ds.sort_unstable();
            for d in ds {
                visit(d, deps, state, order)?;
            }
            state[l] = 2;
            order.push(l);
            Ok(())
        }
        for l in 0..labels.len() {
            if let Err(cyc) = visit(l, &deps, &mut state, &mut order) {
                if let Some(&rid) = rules_by_label[cyc].first() {
                    let r = &rules[rid];
                    self.diag(
                        Severity::Error,
                        "cycle",
                        r.file,
                        r.span.clone(),
                        format!(
                            "label `{}` depends on itself through rule references",
                            labels[cyc].name
                        ),
                        "part of the cycle",
                        Some("a rule may refer (`&label`) only to labels that do not refer back to it".into()),
                    );
                }
                return ((0..labels.len()).collect(), Vec::new());
            }
        }
        let deps = deps
            .into_iter()
            .map(|d| {
                let mut v: Vec<LabelId> = d.into_iter().collect();
                v.sort_unstable();
                v
            })
            .collect();
        (order, deps)
    }

    fn compile_rule(
        &mut self,
        ctx: &ResolveCtx,
        all: &[ParsedFile],
        pf: &ParsedFile,
        r: &RuleDecl,
        id: String,
        ac: &mut AcBuilder,
    ) -> Option<CompiledRule> {
        let Some(pattern) = &r.pattern else {
            self.diag(
                Severity::Error,
                "missing-match",
                pf.file,
                r.name_span.clone(),
                format!("rule `{id}` has no `match:` clause"),
                "this rule",
                Some("add `match: <pattern>`".into()),
            );
            return None;
        };
        let Some(emit) = &r.emit else {
            self.diag(
                Severity::Error,
                "missing-emit",
                pf.file,
                r.name_span.clone(),
                format!("rule `{id}` has no `emit` clause"),
                "this rule",
                Some("add `emit <label> { attr: expression }`".into()),
            );
            return None;
        };
        let label = ctx.labels.iter().position(|l| l.name == emit.label)?;
        let mut captures = Vec::new();
        let mut uses_tokens = false;
        let before = self.diags.len();
        let mut cx = NodeCx {
            ctx,
            all,
            captures: &mut captures,
            uses_tokens: &mut uses_tokens,
            ac,
            expanding: Vec::new(),
        };
        let pat = self.compile_node(&mut cx, pf, pattern);
        drop(cx);
        if self.diags[before..]
            .iter()
            .any(|d| d.severity == Severity::Error)
        {
            return None;
        }
        // Emission: check functions and paths.
        let mut used = HashSet::new();
        for (_, e, _) in &emit.attrs {
            self.check_expr(ctx, pf, e, &captures, &mut used);
        }
        for c in &captures {
            if !used.contains(c.as_str()) {
                let span = find_capture_span(pattern, c).unwrap_or(r.name_span.clone());
                self.diag(
                    Severity::Warning,
                    "unused-capture",
                    pf.file,
                    span,
                    format!("capture `{c}` is never used in `emit`"),
                    "captured here",
                    Some(format!(
                        "use it in an attribute (`text({c})`), or drop the `{c}:` prefix"
                    )),
                );
            }
        }
        // Branches and anchors.
        let alts: Vec<Pat> = match &pat.kind {
            PatKind::Alt(a) => a.clone(),
            _ => vec![pat.clone()],
        };
        let mut branches = Vec::new();
        for b in alts {
            let AnchorPlan {
                anchors,
                back,
                prefix,
                suffix,
                at_end,
            } = anchor_plan(&b, ac);
            if anchors
                .iter()
                .any(|a| matches!(a, AnchorSource::Everywhere))
            {
                self.diag(
                    Severity::Warning,
                    "anchorless-rule",
                    pf.file,
                    b.span.clone(),
                    format!(
                        "rule `{id}` has no anchor: it is tried at every position of every sentence"
                    ),
                    "this alternative starts with nothing the anchor scan can find",
                    Some(
                        "start with (or add) a literal, a lexicon, qty, period or a rule reference"
                            .into(),
                    ),
                );
            }
            branches.push(Branch {
                pat: b,
                anchors,
                back,
                prefix,
                suffix,
                at_end,
            });
        }
        Some(CompiledRule {
            id,
            label,
            priority: r.priority,
            doc: r.doc.clone(),
            branches,
            captures,
            emit: emit
                .attrs
                .iter()
                .map(|(k, e, _)| {
                    (
                        k.clone(),
                        ctx.expand_lets(&pf.namespace, e, &mut Vec::new()),
                    )
                })
                .collect(),
            examples: r.examples.clone(),
            counters: r.counters.clone(),
            file: pf.file,
            span: r.span.clone(),
            uses_tokens,
        })
    }

    fn check_expr(
        &mut self,
        ctx: &ResolveCtx,
        pf: &ParsedFile,
        e: &Expr,
        captures: &[String],
        used: &mut HashSet<String>,
    ) {
        match e {
            Expr::Call(name, args, span) => {
                if !crate::expr::FUNCTIONS.contains(&name.as_str()) {
                    self.diag(
                        Severity::Error,
                        "unknown-function",
                        pf.file,
                        span.clone(),
                        format!("unknown function `{name}`"),
                        "called here",
                        Some(
                            match did_you_mean(name, crate::expr::FUNCTIONS.iter().copied()) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => format!("functions: {}", crate::expr::FUNCTIONS.join(", ")),
                            },
                        ),
                    );
                }
                // Functions that name a lexicon: a misspelt name would
                // silently give null.
                let lexicon_args: &[Expr] = match name.as_str() {
                    "cue" | "lookup" | "prefix_lookup" | "rewrite" => &args[..args.len().min(1)],
                    "known" => args.get(1..).unwrap_or(&[]),
                    _ => &[],
                };
                for (lex, span) in lexicon_args.iter().filter_map(|a| match a {
                    Expr::Str(l) => Some((l, span)),
                    _ => None,
                }) {
                    let Err(help) = ctx.lexicon(&pf.namespace, lex) else {
                        continue;
                    };
                    self.diag(
                        Severity::Error,
                        "unknown-lexicon",
                        pf.file,
                        span.clone(),
                        format!("unknown lexicon `{lex}` in `{name}(…)`"),
                        "called here",
                        Some(help.replace('@', "")),
                    );
                }
                // `previous("attr", "paragraph")`: the only scope there is.
                if name == "previous"
                    && let Some(Expr::Str(scope)) = args.get(1)
                    && scope != "paragraph"
                {
                    self.diag(
                        Severity::Error,
                        "unknown-scope",
                        pf.file,
                        span.clone(),
                        format!("`previous(…)` has no scope `{scope}`"),
                        "called here",
                        Some("write `\"paragraph\"` to look into earlier sentences of the paragraph, or leave it out".into()),
                    );
                }
                // `nearest("label.attr=value", …)`: the labels must exist.
                if name == "nearest" {
                    for a in args {
                        let Expr::Str(s) = a else { continue };
                        let label = s.split('.').next().unwrap_or(s);
                        if !ctx.labels.iter().any(|l| l.name == label) {
                            self.diag(
                                Severity::Error,
                                "unknown-label",
                                pf.file,
                                span.clone(),
                                format!("unknown label `{label}` in `nearest(…)`"),
                                "called here",
                                Some(format!("labels: {}", label_list(ctx.labels))),
                            );
                        }
                    }
                }
                for a in args {
                    self.check_expr(ctx, pf, a, captures, used);
                }
            }
            Expr::Path(parts, span) => {
                let root = parts[0].as_str();
                if captures.iter().any(|c| c == root) {
                    used.insert(root.to_string());
                } else if let Some((_, fields)) =
                    crate::expr::CONTEXT_FIELDS.iter().find(|(r, _)| *r == root)
                {
                    // `sentence.named_subjcet` would otherwise read the
                    // sentence's text.
                    let field = parts.get(1).map(String::as_str);
                    if parts.len() > 2 || field.is_some_and(|f| !fields.contains(&f)) {
                        let written = parts[1..].join(".");
                        self.diag(
                            Severity::Error,
                            "unknown-field",
                            pf.file,
                            span.clone(),
                            format!("`{root}` has no field `{written}`"),
                            "unknown field",
                            Some(match did_you_mean(&written, fields.iter().copied()) {
                                Some(s) => format!("did you mean `{root}.{s}`?"),
                                None => format!("fields of `{root}`: {}", fields.join(", ")),
                            }),
                        );
                    }
                } else {
                    let cands: Vec<&str> = captures
                        .iter()
                        .map(String::as_str)
                        .chain(crate::expr::CONTEXT_ROOTS.iter().copied())
                        .collect();
                    self.diag(
                        Severity::Error,
                        "unknown-name",
                        pf.file,
                        span.clone(),
                        format!("`{root}` is neither a capture of this rule nor a context name"),
                        "unknown name",
                        Some(match did_you_mean(root, cands.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!(
                                "captures: {}; context: {}; write text in quotes: \"{root}\"",
                                if captures.is_empty() {
                                    "none".to_string()
                                } else {
                                    captures.join(", ")
                                },
                                crate::expr::CONTEXT_ROOTS.join(", ")
                            ),
                        }),
                    );
                }
            }
            Expr::Coalesce(items) => {
                for i in items {
                    self.check_expr(ctx, pf, i, captures, used);
                }
            }
            Expr::Let(name, span) => {
                let Some((key, _)) = ctx.find_let(&pf.namespace, name) else {
                    let names: Vec<String> = ctx.lets.keys().cloned().collect();
                    self.diag(
                        Severity::Error,
                        "unknown-let",
                        pf.file,
                        span.clone(),
                        format!("unknown expression `${name}`"),
                        "not defined",
                        Some(dollar_hint(
                            name,
                            &names,
                            "define it with `let name = expression`",
                        )),
                    );
                    return;
                };
                // A `let` that reaches itself would never finish expanding.
                let mut stack = vec![key.clone()];
                if let_reaches(ctx, &key, &mut stack) {
                    self.diag(
                        Severity::Error,
                        "recursive-let",
                        pf.file,
                        span.clone(),
                        format!("expression `${name}` refers to itself"),
                        "recursive use",
                        None,
                    );
                }
            }
            Expr::Str(_) | Expr::Num(_) | Expr::Null | Expr::Bool(_) => {}
        }
    }

    fn compile_node(&mut self, cx: &mut NodeCx, pf: &ParsedFile, n: &Node) -> Pat {
        let ctx = cx.ctx;
        let span = n.span.clone();
        let mk = |kind: PatKind, len: (u32, u32)| Pat {
            kind,
            span: span.clone(),
            len,
        };
        match &n.kind {
            NodeKind::Literal(s) => {
                let s = normalize_term(s);
                if s.is_empty() {
                    self.diag(
                        Severity::Error,
                        "empty-literal",
                        pf.file,
                        span.clone(),
                        "empty literal".into(),
                        "here",
                        None,
                    );
                }
                let chars = s.chars().count() as u32;
                cx.ac.add(&s, AcTarget::Literal);
                mk(PatKind::Lit(s), (chars, chars))
            }
            NodeKind::Lexicon(name) => match ctx.lexicon(&pf.namespace, name) {
                Ok(id) => mk(PatKind::Lex(id), ctx.lexicons[id].len),
                Err(help) => {
                    self.diag(
                        Severity::Error,
                        "unknown-lexicon",
                        pf.file,
                        span.clone(),
                        format!("unknown lexicon `@{name}`"),
                        "not defined",
                        Some(help),
                    );
                    mk(PatKind::Lit(String::new()), (0, 0))
                }
            },
            NodeKind::RuleRef(name) => match ctx.reference(&pf.namespace, name) {
                Ok((label, rule)) => mk(PatKind::Ref { label, rule }, (1, 64)),
                Err(help) => {
                    self.diag(
                        Severity::Error,
                        "unknown-reference",
                        pf.file,
                        span.clone(),
                        format!("`&{name}` is neither a label nor a rule"),
                        "not defined",
                        Some(help),
                    );
                    mk(PatKind::Lit(String::new()), (0, 0))
                }
            },
            NodeKind::Macro(name) => {
                let found = [format!("{}.{name}", pf.namespace), name.clone()]
                    .into_iter()
                    .find_map(|k| ctx.defines.get(&k).map(|d| (k, d)));
                match found {
                    Some((key, (def_file, node))) => {
                        if cx.expanding.contains(&key) {
                            self.diag(
                                Severity::Error,
                                "recursive-define",
                                pf.file,
                                span.clone(),
                                format!("pattern `${name}` refers to itself"),
                                "recursive use",
                                None,
                            );
                            return mk(PatKind::Lit(String::new()), (0, 0));
                        }
                        cx.expanding.push(key);
                        let def_pf = &cx.all[*def_file];
                        let mut p = self.compile_node(cx, def_pf, node);
                        cx.expanding.pop();
                        // Explain traces point at the use, in the rule's file.
                        p.span = span.clone();
                        p
                    }
                    None => {
                        let cands: Vec<String> = ctx.defines.keys().cloned().collect();
                        self.diag(
                            Severity::Error,
                            "unknown-define",
                            pf.file,
                            span.clone(),
                            format!("unknown pattern `${name}`"),
                            "not defined",
                            Some(dollar_hint(
                                name,
                                &cands,
                                "define it with `define name: pattern`",
                            )),
                        );
                        mk(PatKind::Lit(String::new()), (0, 0))
                    }
                }
            }
            NodeKind::Class(c) => mk(PatKind::Class(*c), (1, 1)),
            NodeKind::CharSet { negated, ranges } => {
                let written: String = ranges
                    .iter()
                    .filter(|(a, b)| a == b)
                    .map(|(a, _)| *a)
                    .collect();
                if ranges.iter().all(|(a, b)| a == b)
                    && ["han", "digit", "cnum", "punct", "latin", "any"].contains(&written.as_str())
                {
                    self.diag(
                        Severity::Warning,
                        "charset-looks-like-class",
                        pf.file,
                        span.clone(),
                        format!(
                            "`[{written}]` matches one of the letters {}",
                            written
                                .chars()
                                .map(|c| format!("`{c}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        "character set",
                        Some(format!(
                            "for the character class, write `{written}` without brackets"
                        )),
                    );
                }
                mk(
                    PatKind::Set {
                        negated: *negated,
                        ranges: ranges.clone(),
                    },
                    (1, 1),
                )
            }
            NodeKind::Quantity(args) => {
                let f = self.qty_filter(pf, args);
                mk(PatKind::Qty(f), (1, 40))
            }
            NodeKind::Period(args) => {
                let f = PeriodFilter {
                    kinds: args.iter().map(|a| a.value.clone()).collect(),
                };
                mk(PatKind::Period(f), (1, 24))
            }
            NodeKind::Anchor(a) => mk(PatKind::Anchor(*a), (0, 0)),
            NodeKind::Look {
                ahead,
                negated,
                node,
            } => {
                // Captures inside `prev(…)` and `not next(…)` are not
                // captures of the rule; those inside a positive `next(…)` are.
                let saved = cx.captures.len();
                let inner = self.compile_node(cx, pf, node);
                if !*ahead || *negated {
                    cx.captures.truncate(saved);
                }
                if inner.len.1 > MAX_CONTEXT {
                    self.diag(
                        Severity::Error,
                        "unbounded-context",
                        pf.file,
                        span.clone(),
                        format!("context patterns may be at most {MAX_CONTEXT} characters long"),
                        "too long",
                        None,
                    );
                }
                mk(
                    PatKind::Look {
                        ahead: *ahead,
                        negated: *negated,
                        node: Box::new(inner),
                    },
                    (0, 0),
                )
            }
            NodeKind::Inside { negated, what } if what == "word" => {
                *cx.uses_tokens = true;
                mk(PatKind::InWord { negated: *negated }, (0, 0))
            }
            NodeKind::Inside { negated, what } => {
                let (open, close) = match what.as_str() {
                    "quotes" => ('“', '”'),
                    "title" => ('《', '》'),
                    "parens" => ('（', '）'),
                    "brackets" => ('【', '】'),
                    other => {
                        self.diag(
                            Severity::Error,
                            "bad-inside",
                            pf.file,
                            span.clone(),
                            format!("unknown region `{other}`"),
                            "here",
                            Some("use inside(quotes), inside(title), inside(parens), inside(brackets) or inside(word)".into()),
                        );
                        ('“', '”')
                    }
                };
                mk(
                    PatKind::Inside {
                        negated: *negated,
                        open,
                        close,
                    },
                    (0, 0),
                )
            }
            NodeKind::Token(args) => {
                *cx.uses_tokens = true;
                let mut preds = Vec::new();
                for a in args {
                    let p = match (a.key.as_str(), a.regex) {
                        ("word", false) => Some(TokPred::WordIs(normalize_term(&a.value))),
                        ("pos", false) => Some(TokPred::PosIs(a.value.clone())),
                        ("dict", false) if matches!(a.value.as_str(), "yes" | "no") => {
                            Some(TokPred::InDict(a.value == "yes"))
                        }
                        ("dict", _) => {
                            self.diag(
                                Severity::Error,
                                "bad-token-predicate",
                                pf.file,
                                a.span.clone(),
                                format!("`dict` is `yes` or `no`, not `{}`", a.value),
                                "here",
                                Some("write dict=no for a word the segmenter does not know".into()),
                            );
                            None
                        }
                        ("word" | "pos", true) => match Regex::new(&a.value) {
                            Ok(re) if a.key == "word" => Some(TokPred::WordRe(re)),
                            Ok(re) => Some(TokPred::PosRe(re)),
                            Err(e) => {
                                self.diag(
                                    Severity::Error,
                                    "bad-regex",
                                    pf.file,
                                    a.span.clone(),
                                    format!("invalid regular expression: {e}"),
                                    "here",
                                    None,
                                );
                                None
                            }
                        },
                        (other, _) => {
                            self.diag(
                                Severity::Error,
                                "bad-token-predicate",
                                pf.file,
                                a.span.clone(),
                                format!("unknown token property `{other}`"),
                                "here",
                                Some("token predicates test `word`, `pos` or `dict`".into()),
                            );
                            None
                        }
                    };
                    preds.extend(p.map(|p| {
                        if a.negated {
                            TokPred::Not(Box::new(p))
                        } else {
                            p
                        }
                    }));
                }
                mk(PatKind::Tok(preds), (1, 16))
            }
            NodeKind::Seq(items) => {
                let ps: Vec<Pat> = items.iter().map(|i| self.compile_node(cx, pf, i)).collect();
                let len = ps.iter().fold((0u32, 0u32), |acc, p| {
                    (acc.0.saturating_add(p.len.0), acc.1.saturating_add(p.len.1))
                });
                mk(PatKind::Seq(ps), len)
            }
            NodeKind::Alt(items) => {
                let mut seen: Vec<(String, SrcSpan)> = Vec::new();
                for i in items {
                    let src = self.files[pf.file].text[i.span.clone()].to_string();
                    if let Some((_, first)) = seen.iter().find(|(s, _)| *s == src) {
                        let loc = self.files[pf.file].location(first.start);
                        self.diag(
                            Severity::Warning,
                            "unreachable-alternative",
                            pf.file,
                            i.span.clone(),
                            "this alternative can never be chosen: it repeats an earlier one"
                                .into(),
                            "unreachable",
                            Some(format!("the same alternative is at {loc}; remove one")),
                        );
                    }
                    seen.push((src, i.span.clone()));
                }
                let ps: Vec<Pat> = items.iter().map(|i| self.compile_node(cx, pf, i)).collect();
                let len = ps.iter().fold((u32::MAX, 0u32), |acc, p| {
                    (acc.0.min(p.len.0), acc.1.max(p.len.1))
                });
                mk(PatKind::Alt(ps), len)
            }
            NodeKind::Repeat {
                node,
                min,
                max,
                explicit_max,
            } => {
                if *max < *min || *max > 64 {
                    self.diag(
                        Severity::Error,
                        "bad-quantifier",
                        pf.file,
                        span.clone(),
                        format!("quantifier {{{min},{max}}} is not allowed"),
                        "here",
                        Some(
                            "quantifiers are bounded: at most 64 repetitions, and min <= max"
                                .into(),
                        ),
                    );
                }
                // `承诺制+标准地` reads as a plus sign but is a quantifier.
                let src = &self.files[pf.file].text;
                let after = src[span.end..].chars().next();
                // Suspicious: `承诺制+标准地` (another element right after) or
                // `承诺制 + 标准地` (a `+` standing apart, as in prose).
                let spaced_before = src[..span.end - 1].ends_with(char::is_whitespace);
                let element_after = after
                    .is_some_and(|c| !c.is_whitespace() && !matches!(c, ')' | '|'))
                    || (spaced_before
                        && src[span.end..]
                            .trim_start()
                            .chars()
                            .next()
                            .is_some_and(|c| {
                                !matches!(c, ')' | '|' | '}') && !c.is_ascii_alphabetic()
                            }));
                if src[..span.end].ends_with('+') && !explicit_max && element_after {
                    self.diag(
                        Severity::Warning,
                        "ambiguous-plus",
                        pf.file,
                        span.end - 1..span.end,
                        "`+` here repeats the element before it (one or more times)".into(),
                        "quantifier",
                        Some("to match a plus sign, quote it: \"+\"; to repeat, put a space after `+`".into()),
                    );
                }
                let inner = self.compile_node(cx, pf, node);
                let len = (
                    inner.len.0.saturating_mul(*min),
                    inner.len.1.saturating_mul(*max),
                );
                mk(
                    PatKind::Repeat {
                        node: Box::new(inner),
                        min: *min,
                        max: (*max).min(64),
                    },
                    len,
                )
            }
            NodeKind::Capture { name, node } => {
                let idx = match cx.captures.iter().position(|c| c == name) {
                    Some(i) => i,
                    None => {
                        cx.captures.push(name.clone());
                        cx.captures.len() - 1
                    }
                };
                let inner = self.compile_node(cx, pf, node);
                let len = inner.len;
                mk(
                    PatKind::Cap {
                        name: idx,
                        node: Box::new(inner),
                    },
                    len,
                )
            }
        }
    }

    fn qty_filter(&mut self, pf: &ParsedFile, args: &[TypedArg]) -> QtyFilter {
        use tiqu_quantity::{Dimension, QuantityKind};
        let mut f = QtyFilter::default();
        for a in args {
            match (a.key.as_deref(), a.value.as_str()) {
                (Some("unit"), u) => f.units.push(normalize_term(u)),
                (None | Some("kind"), "%" | "percent") => f.kinds.push(QuantityKind::Percent),
                (None | Some("kind"), "pp" | "percentage_point" | "个百分点") => {
                    f.kinds.push(QuantityKind::PercentagePoint)
                }
                (None | Some("kind"), "number") => f.kinds.push(QuantityKind::Number),
                (None | Some("dimension"), d) => match Dimension::from_name(d) {
                    Some(dim) => f.dimensions.push(dim),
                    None => self.diag(
                        Severity::Error,
                        "unknown-dimension",
                        pf.file,
                        a.span.clone(),
                        format!("unknown quantity kind or dimension `{d}`"),
                        "here",
                        Some(
                            "use qty(money), qty(count), qty(area), qty(%), qty(pp), qty(unit=亿元), …".into(),
                        ),
                    ),
                },
                (Some(k), _) => self.diag(
                    Severity::Error,
                    "bad-argument",
                    pf.file,
                    a.span.clone(),
                    format!("unknown qty argument `{k}`"),
                    "here",
                    Some("qty takes a dimension, a kind (%/pp/number) or unit=…".into()),
                ),
            }
        }
        f
    }
}

struct NodeCx<'c, 'a> {
    ctx: &'c ResolveCtx<'a>,
    all: &'c [ParsedFile],
    captures: &'c mut Vec<String>,
    uses_tokens: &'c mut bool,
    ac: &'c mut AcBuilder,
    /// Macros being expanded (recursion guard).
    expanding: Vec<String>,
}

struct ResolveCtx<'a> {
    labels: &'a [Label],
    lexicons: &'a [Lexicon],
    rule_ids: &'a [(String, usize, usize)],
    rule_labels: &'a [Option<LabelId>],
    /// `namespace.name` → (parsed file index, pattern).
    defines: &'a HashMap<String, (usize, Node)>,
    /// `namespace.name` → (parsed file index, expression).
    lets: &'a HashMap<String, (usize, Expr)>,
}

impl ResolveCtx<'_> {
    /// The `let` that `$name` refers to from namespace `ns`.
    fn find_let(&self, ns: &str, name: &str) -> Option<(String, &Expr)> {
        [format!("{ns}.{name}"), name.to_string()]
            .into_iter()
            .find_map(|k| self.lets.get(&k).map(|(_, e)| (k, e)))
    }

    /// `e` with every `$name` replaced by its body (already checked).
    fn expand_lets(&self, ns: &str, e: &Expr, stack: &mut Vec<String>) -> Expr {
        match e {
            Expr::Let(name, span) => match self.find_let(ns, name) {
                Some((key, body)) if !stack.contains(&key) => {
                    let body_ns = key.rsplit_once('.').map_or(ns, |(n, _)| n).to_string();
                    stack.push(key);
                    let out = self.expand_lets(&body_ns, body, stack);
                    stack.pop();
                    out
                }
                _ => Expr::Let(name.clone(), span.clone()),
            },
            Expr::Call(f, args, span) => Expr::Call(
                f.clone(),
                args.iter()
                    .map(|a| self.expand_lets(ns, a, stack))
                    .collect(),
                span.clone(),
            ),
            Expr::Coalesce(items) => Expr::Coalesce(
                items
                    .iter()
                    .map(|a| self.expand_lets(ns, a, stack))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

impl ResolveCtx<'_> {
    fn lexicon(&self, ns: &str, name: &str) -> Result<LexId, String> {
        let qualified = format!("{ns}.{name}");
        if let Some(i) = self
            .lexicons
            .iter()
            .position(|l| l.name == name || l.name == qualified)
        {
            return Ok(i);
        }
        let local: Vec<usize> = (0..self.lexicons.len())
            .filter(|&i| self.lexicons[i].name.rsplit('.').next() == Some(name))
            .collect();
        match local.as_slice() {
            [one] => Ok(*one),
            [] => Err(
                match did_you_mean(
                    name,
                    self.lexicons
                        .iter()
                        .flat_map(|l| [l.name.as_str(), l.name.rsplit('.').next().unwrap_or("")]),
                ) {
                    Some(s) => format!("did you mean `@{s}`?"),
                    None => "define it with `lexicon name { … }`".to_string(),
                },
            ),
            many => Err(format!(
                "ambiguous: qualify it as one of {}",
                many.iter()
                    .map(|&i| format!("@{}", self.lexicons[i].name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    fn reference(&self, ns: &str, name: &str) -> Result<(LabelId, Option<RuleId>), String> {
        if let Some(l) = self.labels.iter().position(|l| l.name == name) {
            return Ok((l, None));
        }
        let qualified = format!("{ns}.{name}");
        let find = |id: &str| self.rule_ids.iter().position(|(x, _, _)| x == id);
        if let Some(i) = find(name).or_else(|| find(&qualified))
            && let Some(label) = self.rule_labels[i]
        {
            return Ok((label, Some(i)));
        }
        let cands = self
            .labels
            .iter()
            .map(|l| l.name.as_str())
            .chain(self.rule_ids.iter().map(|(x, _, _)| x.as_str()));
        Err(match did_you_mean(name, cands) {
            Some(s) => format!("did you mean `&{s}`?"),
            None => format!("labels: {}", label_list(self.labels)),
        })
    }
}

fn build_lexicon(name: String, entries: &[EntryAst]) -> Lexicon {
    let mut out = Vec::new();
    let mut min = u32::MAX;
    let mut max = 0;
    for e in entries {
        let mut attrs = Map::new();
        for (k, v) in &e.attrs {
            attrs.insert(k.clone(), Value::String(v.clone()));
        }
        for form in std::iter::once(&e.canonical).chain(&e.aliases) {
            let n = normalize_term(form).chars().count() as u32;
            min = min.min(n);
            max = max.max(n);
        }
        out.push(Entry {
            canonical: e.canonical.clone(),
            attrs,
        });
    }
    Lexicon {
        name,
        entries: out,
        len: (if min == u32::MAX { 0 } else { min }, max),
    }
}

/// The written forms of each entry of lexicon `lid`, normalized.
fn lex_forms(
    parsed: &[ParsedFile],
    lid: LexId,
    lexicons: &[Lexicon],
    loader: &dyn SourceLoader,
) -> Vec<Vec<String>> {
    // Re-derive forms from the declarations (entries keep only canonical).
    let target = &lexicons[lid].name;
    for pf in parsed {
        for l in &pf.ast.lexicons {
            if format!("{}.{}", pf.namespace, l.name) != *target {
                continue;
            }
            let entries = match &l.source {
                LexiconSource::Inline(e) => e.clone(),
                LexiconSource::File(rel, _) => {
                    let path = pf.dir.join(rel);
                    loader
                        .read(&path)
                        .ok()
                        .and_then(|t| parse_lexicon_entries(&Arc::from(""), &Arc::from(t)).ok())
                        .unwrap_or_default()
                }
            };
            return entries
                .iter()
                .map(|e| {
                    std::iter::once(&e.canonical)
                        .chain(&e.aliases)
                        .map(|f| normalize_term(f))
                        .filter(|f| !f.is_empty())
                        .collect()
                })
                .collect();
        }
    }
    Vec::new()
}

/// Normalizes a literal or lexicon term the way text is normalized, so that
/// `５０％` in a rule matches `50%` in text.
pub fn normalize_term(s: &str) -> String {
    tiqu_text::normalize(s).text.replace('\n', "")
}

#[derive(Default)]
struct AcBuilder {
    strings: Vec<String>,
    index: HashMap<String, u32>,
    targets: Vec<Vec<AcTarget>>,
}

impl AcBuilder {
    fn add(&mut self, s: &str, target: AcTarget) -> u32 {
        if s.is_empty() {
            return u32::MAX;
        }
        let id = *self.index.entry(s.to_string()).or_insert_with(|| {
            self.strings.push(s.to_string());
            self.targets.push(Vec::new());
            (self.strings.len() - 1) as u32
        });
        let is_lit = matches!(target, AcTarget::Literal);
        let t = &mut self.targets[id as usize];
        if !(is_lit && t.iter().any(|x| matches!(x, AcTarget::Literal))) {
            t.push(target);
        }
        id
    }

    fn id(&self, s: &str) -> Option<u32> {
        self.index.get(s).copied()
    }

    fn build(self) -> (Option<AhoCorasick>, Vec<Vec<AcTarget>>, Vec<String>) {
        if self.strings.is_empty() {
            return (None, self.targets, self.strings);
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&self.strings)
            .expect("automaton builds");
        (Some(ac), self.targets, self.strings)
    }
}

/// The hint for an unknown `$name`: the closest of the qualified names
/// `known` (compared without their namespace), else `otherwise`.
fn dollar_hint(name: &str, known: &[String], otherwise: &str) -> String {
    match did_you_mean(
        name,
        known.iter().map(|c| c.rsplit('.').next().unwrap_or(c)),
    ) {
        Some(s) => format!("did you mean `${s}`?"),
        None => otherwise.to_string(),
    }
}

/// Whether the body of `let` `key` refers back to a `let` on `stack`.
fn let_reaches(ctx: &ResolveCtx, key: &str, stack: &mut Vec<String>) -> bool {
    fn refs(e: &Expr, out: &mut Vec<String>) {
        match e {
            Expr::Let(n, _) => out.push(n.clone()),
            Expr::Call(_, args, _) => args.iter().for_each(|a| refs(a, out)),
            Expr::Coalesce(items) => items.iter().for_each(|a| refs(a, out)),
            _ => {}
        }
    }
    let Some((_, body)) = ctx.lets.get(key) else {
        return false;
    };
    let ns = key.rsplit_once('.').map_or("", |(n, _)| n);
    let mut names = Vec::new();
    refs(body, &mut names);
    names.into_iter().any(|n| match ctx.find_let(ns, &n) {
        Some((k, _)) if stack.contains(&k) => true,
        Some((k, _)) => {
            stack.push(k.clone());
            let r = let_reaches(ctx, &k, stack);
            stack.pop();
            r
        }
        None => false,
    })
}

/// The labels named by `nearest("label.attr=value", …)` calls in `e`.
fn nearest_labels(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Call(name, args, _) => {
            if name == "nearest" {
                for a in args {
                    if let Expr::Str(s) = a {
                        out.push(s.split('.').next().unwrap_or(s).to_string());
                    }
                }
            }
            args.iter().for_each(|a| nearest_labels(a, out));
        }
        Expr::Coalesce(items) => items.iter().for_each(|a| nearest_labels(a, out)),
        _ => {}
    }
}

fn uses_path(e: &Expr, root: &str, field: &str) -> bool {
    match e {
        Expr::Path(parts, _) => parts.len() == 2 && parts[0] == root && parts[1] == field,
        Expr::Call(_, args, _) => args.iter().any(|a| uses_path(a, root, field)),
        Expr::Coalesce(items) => items.iter().any(|a| uses_path(a, root, field)),
        _ => false,
    }
}

/// The labels' names, for a hint.
fn label_list(labels: &[Label]) -> String {
    labels
        .iter()
        .map(|l| l.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Marks the lexicons `p` matches (`@name`).
fn mark_lexicons(p: &Pat, out: &mut [bool]) {
    match &p.kind {
        PatKind::Lex(l) => out[*l] = true,
        PatKind::Look { node, .. } | PatKind::Repeat { node, .. } | PatKind::Cap { node, .. } => {
            mark_lexicons(node, out)
        }
        PatKind::Seq(items) | PatKind::Alt(items) => {
            items.iter().for_each(|i| mark_lexicons(i, out))
        }
        _ => {}
    }
}

fn collect_refs(p: &Pat, f: &mut dyn FnMut(LabelId)) {
    match &p.kind {
        PatKind::Ref { label, .. } => f(*label),
        PatKind::Look { node, .. } | PatKind::Repeat { node, .. } | PatKind::Cap { node, .. } => {
            collect_refs(node, f)
        }
        PatKind::Seq(items) | PatKind::Alt(items) => {
            for i in items {
                collect_refs(i, f);
            }
        }
        _ => {}
    }
}

fn find_capture_span(n: &Node, name: &str) -> Option<SrcSpan> {
    match &n.kind {
        NodeKind::Capture { name: c, node } => {
            if c == name {
                Some(n.span.clone())
            } else {
                find_capture_span(node, name)
            }
        }
        NodeKind::Seq(items) | NodeKind::Alt(items) => {
            items.iter().find_map(|i| find_capture_span(i, name))
        }
        NodeKind::Repeat { node, .. } | NodeKind::Look { node, .. } => {
            find_capture_span(node, name)
        }
        _ => None,
    }
}

/// Chooses where a branch's candidates come from: the first element of its
/// top-level sequence that the anchor scan can find, with the (bounded)
/// length of what precedes it.
struct AnchorPlan {
    anchors: Vec<AnchorSource>,
    back: (u32, u32),
    prefix: Vec<Pat>,
    suffix: Option<Pat>,
    /// Matches start where an anchor hit ends (a leading `prev(…)`).
    at_end: bool,
}

// Captures and nested sequences do not move positions: look through them.
fn flatten<'p>(p: &'p Pat, out: &mut Vec<&'p Pat>) {
    match &p.kind {
        PatKind::Seq(items) => items.iter().for_each(|i| flatten(i, out)),
        PatKind::Cap { node, .. } => flatten(node, out),
        _ => out.push(p),
    }
}

fn anchor_plan(p: &Pat, ac: &mut AcBuilder) -> AnchorPlan {
    let mut items = Vec::new();
    flatten(p, &mut items);
    // A pattern that opens with a positive `next(…)` is anchored inside it
    // when it can be: `next(han{2,4} @title_word) n:$person_name` is tried
    // around each title word, not at every surname character. Every match
    // starts where the lookahead's content matches, so its plan is sound
    // for the whole pattern.
    if let Some(PatKind::Look {
        ahead: true,
        negated: false,
        node,
    }) = items.first().map(|i| &i.kind)
    {
        let plan = anchor_plan(node, ac);
        if !matches!(plan.anchors.as_slice(), [AnchorSource::Everywhere]) {
            return plan;
        }
    }
    // Likewise a pattern that opens with a positive `prev(…)` whose last
    // element the scan can find: `prev(@title_word) n:$person_name` starts
    // right where a title word ends.
    if let Some(PatKind::Look {
        ahead: false,
        negated: false,
        node,
    }) = items.first().map(|i| &i.kind)
    {
        let mut inner = Vec::new();
        flatten(node, &mut inner);
        if let Some(anchors) = inner.last().and_then(|last| anchors_of(last, ac)) {
            return AnchorPlan {
                anchors: sorted_anchors(anchors),
                back: (0, 0),
                prefix: Vec::new(),
                suffix: None,
                at_end: true,
            };
        }
    }
    let mut back = (0u32, 0u32);
    for (i, item) in items.iter().enumerate() {
        if let Some(a) = anchors_of(item, ac) {
            let a = sorted_anchors(a);
            let prefix: Vec<Pat> = items[..i].iter().map(|p| (*p).clone()).collect();
            // Only worth it when the prefix can consume text (several starts
            // per hit, a backwards search); a zero-width prefix would make
            // this check the whole match twice.
            let suffix = (back.1 > 0).then(|| {
                let rest: Vec<Pat> = items[i..].iter().map(|p| (*p).clone()).collect();
                let len = rest.iter().fold((0u32, 0u32), |l, p| {
                    (l.0.saturating_add(p.len.0), l.1.saturating_add(p.len.1))
                });
                Pat {
                    kind: PatKind::Seq(rest),
                    span: p.span.clone(),
                    len,
                }
            });
            return AnchorPlan {
                anchors: a,
                back,
                prefix,
                suffix,
                at_end: false,
            };
        }
        if item.len.1 > 64 {
            break;
        }
        back = (back.0 + item.len.0, back.1 + item.len.1);
    }
    AnchorPlan {
        anchors: vec![AnchorSource::Everywhere],
        back: (0, 0),
        prefix: Vec::new(),
        suffix: None,
        at_end: false,
    }
}

/// Sorted ids: the engine tests hit patterns against them.
fn sorted_anchors(mut a: Vec<AnchorSource>) -> Vec<AnchorSource> {
    for src in &mut a {
        if let AnchorSource::Automaton(ids) = src {
            ids.sort_unstable();
            ids.dedup();
        }
    }
    a
}

fn anchors_of(p: &Pat, ac: &mut AcBuilder) -> Option<Vec<AnchorSource>> {
    match &p.kind {
        PatKind::Lit(s) => ac.id(s).map(|id| vec![AnchorSource::Automaton(vec![id])]),
        PatKind::Lex(l) => {
            let ids: Vec<u32> = ac
                .targets
                .iter()
                .enumerate()
                .filter(|(_, ts)| {
                    ts.iter()
                        .any(|t| matches!(t, AcTarget::Lex { lex, .. } if lex == l))
                })
                .map(|(i, _)| i as u32)
                .collect();
            (!ids.is_empty()).then(|| vec![AnchorSource::Automaton(ids)])
        }
        PatKind::Ref { label, .. } => Some(vec![AnchorSource::Ref(*label)]),
        PatKind::Qty(_) => Some(vec![AnchorSource::Quantity]),
        PatKind::Period(_) => Some(vec![AnchorSource::Period]),
        PatKind::Class(c) => {
            let chars: &[char] = match c {
                CharClass::Digit => &['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
                CharClass::Cnum => &[
                    '零', '〇', '一', '二', '两', '三', '四', '五', '六', '七', '八', '九', '十',
                    '百', '千', '万', '亿',
                ],
                CharClass::OpenQuote => &['“', '‘', '「', '『', '《', '（'],
                CharClass::CloseQuote => &['”', '’', '」', '』', '》', '）'],
                _ => return None,
            };
            let ids = chars
                .iter()
                .map(|c| ac.add(&c.to_string(), AcTarget::Literal))
                .collect();
            Some(vec![AnchorSource::Automaton(ids)])
        }
        PatKind::Set {
            negated: false,
            ranges,
        } => {
            let count: u32 = ranges
                .iter()
                .map(|(a, b)| (*b as u32).saturating_sub(*a as u32) + 1)
                .sum();
            if count > 64 {
                return None;
            }
            let mut ids = Vec::new();
            for (a, b) in ranges {
                for c in (*a as u32)..=(*b as u32) {
                    if let Some(ch) = char::from_u32(c) {
                        ids.push(ac.add(&ch.to_string(), AcTarget::Literal));
                    }
                }
            }
            Some(vec![AnchorSource::Automaton(ids)])
        }
        PatKind::Cap { node, .. } => anchors_of(node, ac),
        PatKind::Repeat { node, min, .. } if *min >= 1 => anchors_of(node, ac),
        PatKind::Seq(items) => {
            // Zero-width items at the front do not move the anchor.
            let first = items.iter().find(|i| i.len.1 > 0)?;
            let zero_prefix = items
                .iter()
                .take_while(|i| !std::ptr::eq(*i, first))
                .all(|i| i.len == (0, 0));
            if zero_prefix {
                anchors_of(first, ac)
            } else {
                None
            }
        }
        PatKind::Alt(items) => {
            let mut all = Vec::new();
            for i in items {
                all.extend(anchors_of(i, ac)?);
            }
            Some(all)
        }
        _ => None,
    }
}
