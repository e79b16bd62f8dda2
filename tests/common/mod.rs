//! Helpers shared by the end-to-end tests of the `tiqu` binary. Each test
//! file uses a subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `tiqu` binary cargo built for these tests.
pub fn tiqu() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tiqu"))
}

/// The sample pages shipped in `corpus/`.
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Runs the command and fails the test, with its stderr, unless it succeeds.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("tiqu runs");
    assert!(
        out.status.success(),
        "tiqu failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
