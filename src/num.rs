//! `tiqu num`: every quantity and period the engine finds in a text.

use std::process::ExitCode;

use anyhow::Result;
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct NumArgs {
    /// The text (raw text is fine: it is normalized first).
    text: Vec<String>,
    /// One JSON object per line instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: NumArgs) -> Result<ExitCode> {
    let raw = args.text.join(" ");
    let norm = tiqu_text::normalize(&raw);
    let text = norm.text.as_str();
    let quantities = tiqu_quantity::scan(text);
    let periods = tiqu_quantity::scan_periods(text);
    if !args.json {
        println!("normalized: {text}");
    }
    for q in &quantities {
        let orig = norm.map.to_original(q.start..q.end);
        if args.json {
            println!(
                "{}",
                json!({"type": "quantity", "original": &raw[orig], "quantity": q})
            );
        } else {
            println!("{}", q.describe());
        }
    }
    for p in &periods {
        let orig = norm.map.to_original(p.start..p.end);
        if args.json {
            println!(
                "{}",
                json!({"type": "period", "original": &raw[orig], "period": p})
            );
        } else {
            println!("{p}");
        }
    }
    if quantities.is_empty() && periods.is_empty() && !args.json {
        println!("(no quantities or periods)");
    }
    Ok(ExitCode::SUCCESS)
}
