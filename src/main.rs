//! `tiqu`: the command-line interface.
//!
//! A thin layer: argument parsing and output formatting live here; the work
//! is done by the library crates (`tiqu-input`, `tiqu-text`, `tiqu-seg`, …).

mod discover;
mod eval;
mod kwic;
mod num;
mod parquet_out;
mod progress;
mod record;
mod report;
mod rules_cli;
mod segment;
mod shipped;
mod tag;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// tiqu (提取): extract policy phrases, numeric facts and entities from
/// Chinese newspaper text.
#[derive(Debug, Parser)]
#[command(name = "tiqu", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the extraction over files, directories, JSON Lines or gzip and
    /// write one JSON record per line (the main batch job).
    Tag(tag::TagArgs),
    /// Print each sentence's normalized text and its tokens.
    Segment(segment::SegmentArgs),
    /// Print every quantity and period found in a text, normalized.
    Num(num::NumArgs),
    /// Check rule files: syntax, names, anchors (rustc-style diagnostics).
    Check(rules_cli::CheckArgs),
    /// Run the examples written in rule files.
    Test(rules_cli::TestArgs),
    /// Show how the rules see a text: anchors, attempts, where a rule stopped.
    Explain(rules_cli::ExplainArgs),
    /// Precision and recall per label against a gold standard.
    Eval(eval::EvalArgs),
    /// Mine candidate policy phrases that the rules do not cover yet.
    Discover(discover::DiscoverArgs),
    /// Keyword-in-context lines for the records of a tag run.
    Kwic(kwic::KwicArgs),
    /// One self-contained HTML report of a tag run (policies over time and
    /// place, facts per indicator, the corpus summary).
    Report(report::ReportArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Tag(args) => tag::run(args),
        Command::Segment(args) => segment::run(args),
        Command::Num(args) => num::run(args),
        Command::Check(args) => rules_cli::check(args),
        Command::Test(args) => rules_cli::test(args),
        Command::Explain(args) => rules_cli::explain(args),
        Command::Eval(args) => eval::run(args),
        Command::Discover(args) => discover::run(args),
        Command::Kwic(args) => kwic::run(args),
        Command::Report(args) => report::run(args),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`tiqu segment … | head`) is not an error.
        Err(err)
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Paths given on the command line; `-` means standard input.
fn is_stdin(paths: &[PathBuf]) -> bool {
    paths.len() == 1 && paths[0].as_os_str() == "-"
}
