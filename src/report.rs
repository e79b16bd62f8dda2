//! `tiqu report` (work in progress).

use std::process::ExitCode;

use anyhow::{bail, Result};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {}

pub fn run(_args: ReportArgs) -> Result<ExitCode> {
    bail!("`tiqu report` is not implemented yet")
}
