//! The shipped rule set, embedded in the binary so that `tiqu` works from
//! any directory. `--rules` replaces it.

use std::path::PathBuf;

use tiqu_rules::{CompileErrors, EmbeddedLoader, RuleSet, compile_paths, compile_with};

/// Every file of the shipped rule set: `(path relative to the repository
/// root, text)`. A test checks that this list matches `grammars/`.
pub const FILES: &[(&str, &str)] = &[
    (
        "grammars/policy.rules",
        include_str!("../grammars/policy.rules"),
    ),
    (
        "grammars/entities.rules",
        include_str!("../grammars/entities.rules"),
    ),
    (
        "grammars/facts.rules",
        include_str!("../grammars/facts.rules"),
    ),
    (
        "grammars/lexicons/places.lex",
        include_str!("../grammars/lexicons/places.lex"),
    ),
    (
        "grammars/lexicons/countries.lex",
        include_str!("../grammars/lexicons/countries.lex"),
    ),
    (
        "grammars/lexicons/zones.lex",
        include_str!("../grammars/lexicons/zones.lex"),
    ),
];

/// The shipped rule files that are roots (the others are included).
const ROOTS: &[&str] = &[
    "grammars/policy.rules",
    "grammars/entities.rules",
    "grammars/facts.rules",
];

/// Compiles the shipped rule set from the embedded copies.
pub fn compile() -> Result<RuleSet, CompileErrors> {
    let loader = EmbeddedLoader {
        files: FILES.iter().map(|(p, t)| ((*p).to_string(), *t)).collect(),
    };
    let roots: Vec<PathBuf> = ROOTS.iter().map(PathBuf::from).collect();
    compile_with(&loader, &roots)
}

/// Compiles `--rules` paths if given, else the shipped set.
pub fn load(rules: &[PathBuf]) -> Result<RuleSet, CompileErrors> {
    if rules.is_empty() {
        compile()
    } else {
        compile_paths(rules)
    }
}
