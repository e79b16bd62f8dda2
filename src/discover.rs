//! `tiqu discover` (work in progress).

use std::process::ExitCode;

use anyhow::{bail, Result};

#[derive(Debug, clap::Args)]
pub struct DiscoverArgs {}

pub fn run(_args: DiscoverArgs) -> Result<ExitCode> {
    bail!("`tiqu discover` is not implemented yet")
}
