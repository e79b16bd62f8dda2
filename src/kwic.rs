//! `tiqu kwic` (work in progress).

use std::process::ExitCode;

use anyhow::{bail, Result};

#[derive(Debug, clap::Args)]
pub struct KwicArgs {}

pub fn run(_args: KwicArgs) -> Result<ExitCode> {
    bail!("`tiqu kwic` is not implemented yet")
}
