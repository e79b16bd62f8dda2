//! A progress bar on standard error for `tiqu tag`: documents, MB, MB/s and,
//! when the input size is known (no gzip), an ETA. Silent when standard
//! error is not a terminal, or with `--quiet`.

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    docs: std::cell::Cell<u64>,
}

impl Progress {
    pub fn new(quiet: bool, paths: &[PathBuf]) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress {
                bar: None,
                docs: Default::default(),
            };
        }
        // Total input size, if every input is uncompressed.
        let mut total = 0u64;
        let mut known = true;
        for p in paths {
            for e in walkdir::WalkDir::new(p).into_iter().flatten() {
                if e.file_type().is_file() {
                    if e.path().extension().is_some_and(|x| x == "gz") {
                        known = false;
                    }
                    total += e.metadata().map(|m| m.len()).unwrap_or(0);
                }
            }
        }
        let bar = if known && total > 0 {
            let b = ProgressBar::new(total);
            b.set_style(
                ProgressStyle::with_template(
                    "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
                )
                .expect("valid template"),
            );
            b
        } else {
            let b = ProgressBar::new_spinner();
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} {bytes} read, {binary_bytes_per_sec} {msg}",
                )
                .expect("valid template"),
            );
            b
        };
        Progress {
            bar: Some(bar),
            docs: Default::default(),
        }
    }

    /// One document processed (`bytes` of input).
    pub fn add(&self, bytes: usize) {
        if let Some(b) = &self.bar {
            b.inc(bytes as u64);
            self.docs.set(self.docs.get() + 1);
            b.set_message(format!("{} docs", self.docs.get()));
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
