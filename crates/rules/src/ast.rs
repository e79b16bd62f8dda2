//! The syntax tree of a rule file, with source spans for diagnostics.

use std::ops::Range;

/// A byte range in a rule file's source text.
pub type SrcSpan = Range<usize>;

/// One parsed rule file.
#[derive(Debug, Clone, Default)]
pub struct FileAst {
    /// `namespace a.b` (defaults to the file stem).
    pub namespace: Option<(String, SrcSpan)>,
    /// `include "path"`, relative to the file.
    pub includes: Vec<(String, SrcSpan)>,
    /// `label name { setting: value }`.
    pub labels: Vec<LabelDecl>,
    /// `lexicon name { … }` / `lexicon name from "path"`.
    pub lexicons: Vec<LexiconDecl>,
    /// `rule name { … }`.
    pub rules: Vec<RuleDecl>,
    /// `define name: pattern`.
    pub defines: Vec<(String, Node, SrcSpan)>,
    /// `let name = expression`.
    pub lets: Vec<(String, Expr, SrcSpan)>,
}

/// A label declaration.
#[derive(Debug, Clone)]
pub struct LabelDecl {
    /// The label.
    pub name: String,
    /// Where it is declared.
    pub span: SrcSpan,
    /// `key: value` settings (`overlap: longest`).
    pub settings: Vec<(String, String, SrcSpan)>,
}

/// A lexicon declaration.
#[derive(Debug, Clone)]
pub struct LexiconDecl {
    /// Lexicon name (local to the namespace).
    pub name: String,
    /// Where it is declared.
    pub span: SrcSpan,
    /// Its entries, inline or from a file.
    pub source: LexiconSource,
}

/// Where a lexicon's entries come from.
#[derive(Debug, Clone)]
pub enum LexiconSource {
    /// Entries written in the rule file.
    Inline(Vec<EntryAst>),
    /// `from "path"`: one entry per line, same syntax as inline entries.
    File(String, SrcSpan),
}

/// One lexicon entry: `canonical = alias, alias [attr: value]`.
#[derive(Debug, Clone)]
pub struct EntryAst {
    /// The canonical form.
    pub canonical: String,
    /// Other written forms mapping to it.
    pub aliases: Vec<String>,
    /// Attributes.
    pub attrs: Vec<(String, String)>,
    /// Where it is written.
    pub span: SrcSpan,
}

/// A rule declaration.
#[derive(Debug, Clone)]
pub struct RuleDecl {
    /// Rule name (local to the namespace).
    pub name: String,
    /// The whole declaration.
    pub span: SrcSpan,
    /// The name's span.
    pub name_span: SrcSpan,
    /// `doc: "…"`.
    pub doc: Option<String>,
    /// `priority: N` (default 0).
    pub priority: i32,
    /// `match: …`.
    pub pattern: Option<Node>,
    /// `emit label { … }`.
    pub emit: Option<EmitAst>,
    /// `example: …`.
    pub examples: Vec<ExampleAst>,
    /// `counter: "…"`.
    pub counters: Vec<(String, SrcSpan)>,
}

/// `emit label { attr: expr, … }`.
#[derive(Debug, Clone)]
pub struct EmitAst {
    /// The label emitted.
    pub label: String,
    /// The label's span.
    pub label_span: SrcSpan,
    /// Attribute assignments.
    pub attrs: Vec<(String, Expr, SrcSpan)>,
}

/// `example: "text" -> "span" { attr: value }`.
#[derive(Debug, Clone)]
pub struct ExampleAst {
    /// The example text.
    pub text: String,
    /// The expected matched text (normalized), if given.
    pub expect_text: Option<String>,
    /// Expected attributes (a subset of the emitted ones).
    pub attrs: Vec<(String, LitValue)>,
    /// Where it is written.
    pub span: SrcSpan,
}

/// An attribute expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A string constant.
    Str(String),
    /// A number constant, as written.
    Num(String),
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// `f(a, b)`.
    Call(String, Vec<Expr>, SrcSpan),
    /// `cap`, `cap.field`, `article.subject`.
    Path(Vec<String>, SrcSpan),
    /// `a ?? b ?? c`: the first that is not null.
    Coalesce(Vec<Expr>),
    /// `$name`: a `let` expression, replaced by its body when compiled.
    Let(String, SrcSpan),
}

/// A literal value in an example expectation.
#[derive(Debug, Clone, PartialEq)]
pub enum LitValue {
    /// String.
    Str(String),
    /// Number as written.
    Num(String),
    /// null.
    Null,
    /// Boolean.
    Bool(bool),
    /// List.
    List(Vec<LitValue>),
}

/// A pattern node.
#[derive(Debug, Clone)]
pub struct Node {
    /// What it matches.
    pub kind: NodeKind,
    /// Where it is written.
    pub span: SrcSpan,
}

/// Character classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharClass {
    /// A Han ideograph.
    Han,
    /// An ASCII digit.
    Digit,
    /// A Chinese numeral character (零〇一二两三四五六七八九十百千万亿).
    Cnum,
    /// CJK or ASCII punctuation.
    Punct,
    /// An ASCII letter.
    Latin,
    /// An opening quote or bracket (“ ‘ 「 『 《 （).
    OpenQuote,
    /// A closing quote or bracket.
    CloseQuote,
    /// Any character.
    Any,
}

/// Sentence and clause anchors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorKind {
    /// At the start of the sentence.
    SentenceStart,
    /// At the end of the sentence (before trailing punctuation is fine too).
    SentenceEnd,
    /// At the start of a clause.
    ClauseStart,
    /// At the end of a clause.
    ClauseEnd,
}

/// A typed-matcher argument: `money`, `unit=亿元`, `%`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedArg {
    /// `unit` in `unit=亿元`; `None` for a bare value.
    pub key: Option<String>,
    /// The value.
    pub value: String,
    /// Where it is written.
    pub span: SrcSpan,
}

/// A token-predicate argument: `pos=ns`, `word~"局$"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokArg {
    /// `word` or `pos`.
    pub key: String,
    /// `=` (equals) or `~` (regex).
    pub regex: bool,
    /// `!=` / `!~`: the token must *not* match.
    pub negated: bool,
    /// The value.
    pub value: String,
    /// Where it is written.
    pub span: SrcSpan,
}

/// Pattern node kinds.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A literal string (normalized like the text).
    Literal(String),
    /// `@lexicon`.
    Lexicon(String),
    /// `&label` or `&namespace.rule`.
    RuleRef(String),
    /// `$name`: a pattern defined with `define name: …`.
    Macro(String),
    /// `han`, `digit`, …
    Class(CharClass),
    /// `[…]` / `[^…]`: inclusive char ranges.
    CharSet {
        /// `[^…]`.
        negated: bool,
        /// Ranges (a single char is `(c, c)`).
        ranges: Vec<(char, char)>,
    },
    /// `qty(…)`.
    Quantity(Vec<TypedArg>),
    /// `period(…)`.
    Period(Vec<TypedArg>),
    /// `sentence_start` etc.
    Anchor(AnchorKind),
    /// `next(…)`, `not prev(…)`.
    Look {
        /// `next` (true) or `prev` (false).
        ahead: bool,
        /// `not`.
        negated: bool,
        /// The context pattern.
        node: Box<Node>,
    },
    /// `inside(quotes)`.
    Inside {
        /// `not inside(…)`.
        negated: bool,
        /// `quotes`, `title`, `parens`.
        what: String,
    },
    /// `tok(…)`: one token of the segmented sentence.
    Token(Vec<TokArg>),
    /// A sequence.
    Seq(Vec<Node>),
    /// Alternatives, tried in order.
    Alt(Vec<Node>),
    /// `x?`, `x*`, `x+`, `x{m,n}`.
    Repeat {
        /// The repeated node.
        node: Box<Node>,
        /// Minimum count.
        min: u32,
        /// Maximum count (bounded: `*` and `+` mean at most [`crate::MAX_REPEAT`]).
        max: u32,
        /// Whether the maximum was written explicitly.
        explicit_max: bool,
    },
    /// `name:x`.
    Capture {
        /// Capture name.
        name: String,
        /// The captured node.
        node: Box<Node>,
    },
}
