//! Diagnostics: errors and warnings about rule files, rendered like rustc's
//! (`file:line:col`, the source line, a caret, what was expected, a hint).

use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The rule set still compiles.
    Warning,
    /// The rule set does not compile.
    Error,
}

/// One problem in a rule file.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct RuleDiagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code (`syntax`, `unknown-lexicon`, `anchorless-rule`, …).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// The file (display path) and its text.
    pub file: Arc<str>,
    /// The rule file's source.
    pub source_text: Arc<str>,
    /// Byte span of the fault.
    pub span: std::ops::Range<usize>,
    /// The label under the caret.
    pub label: String,
    /// A hint: what to do instead.
    pub help: Option<String>,
}

impl RuleDiagnostic {
    /// 1-based line and column (in characters) of the span start.
    pub fn line_col(&self) -> (usize, usize) {
        let before = &self.source_text[..self.span.start.min(self.source_text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        (line, col)
    }

    /// `file:line:col`.
    pub fn location(&self) -> String {
        let (l, c) = self.line_col();
        format!("{}:{l}:{c}", self.file)
    }
}

impl Diagnostic for RuleDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Warning => miette::Severity::Warning,
            Severity::Error => miette::Severity::Error,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source_text as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let len = self.span.end.saturating_sub(self.span.start);
        Some(Box::new(std::iter::once(miette::LabeledSpan::new(
            Some(self.label.clone()),
            self.span.start,
            len,
        ))))
    }
}

impl RuleDiagnostic {
    /// A miette report with the file name attached, for printing.
    pub fn to_report(&self) -> miette::Report {
        let src = NamedSource::new(&self.file, self.source_text.to_string());
        miette::Report::new(self.clone()).with_source_code(src)
    }

    /// Renders the diagnostic like rustc: a first line
    /// `file:line:col: error[code]: message` (line and column counted in
    /// characters), then the source line with a caret and the hint.
    pub fn render(&self, color: bool) -> String {
        let handler = miette::GraphicalReportHandler::new_themed(if color {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        })
        .with_context_lines(1);
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!(
            "{}: {kind}[{}]: {}\n",
            self.location(),
            self.code,
            self.message
        );
        let src = NamedSource::new(&self.file, self.source_text.to_string());
        let report = DiagWithNamedSource { inner: self, src };
        let _ = handler.render_report(&mut out, &report);
        out
    }
}

/// Wraps a diagnostic with a named source so the renderer prints the file name.
#[derive(Debug, thiserror::Error)]
#[error("{}", inner.message)]
struct DiagWithNamedSource<'a> {
    inner: &'a RuleDiagnostic,
    src: NamedSource<String>,
}

impl Diagnostic for DiagWithNamedSource<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner.help()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.inner.labels()
    }
}

/// Converts a byte range to a miette span.
pub fn source_span(r: &std::ops::Range<usize>) -> SourceSpan {
    (r.start, r.end.saturating_sub(r.start)).into()
}

/// The closest candidate to `name` (edit distance), for did-you-mean hints.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|(d, c)| *d <= (name.len().max(c.len()) / 2).max(2))
        .min()
        .map(|(_, c)| c.to_string())
}
