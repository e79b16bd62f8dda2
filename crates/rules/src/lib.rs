//! # tiqu-rules: the rule language
//!
//! Researchers describe what to extract in `*.rules` files; this crate
//! parses them (the pest grammar `grammars/rules.pest`), checks them with
//! rustc-style diagnostics, compiles them into an immutable [`RuleSet`], and
//! runs that over prepared documents.
//!
//! Design for speed: every literal and lexicon term of every rule goes into
//! one Aho-Corasick automaton that scans each document once; rules are
//! verified only at candidate positions derived from their anchors;
//! quantifiers are bounded and matching is confined to a sentence, so the
//! work per candidate is bounded and the total is linear in the text; token
//! predicates segment only the sentences they are tried in; the compiled set
//! is immutable and shared by reference across threads.

#![deny(missing_docs)]
// Rule diagnostics are large (they carry the source) and only returned on the
// cold path of loading a broken rule file.
#![allow(clippy::result_large_err)]

pub mod ast;
pub mod compile;
pub mod diag;
pub mod engine;
pub mod examples;
pub mod expr;
pub mod parse;

pub use compile::{
    CompileErrors, EmbeddedLoader, FsLoader, Overlap, RuleSet, SourceLoader, compile_paths,
    compile_str, compile_with,
};
pub use diag::{RuleDiagnostic, Severity};
pub use engine::{Attempt, Dropped, Match, Trace};
pub use parse::MAX_REPEAT;
