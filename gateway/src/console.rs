//! How the long commands (replay, verify, export, import) talk to a person or a script: a
//! progress bar on stderr while they run, then one summary line on stdout — or, with `--json`,
//! one JSON object instead of the line (the bar still goes to stderr, and only when it is a
//! terminal, so scripts read clean output).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

/// Where a long command reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Console {
    pub json: bool,
}

impl Console {
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    /// A progress bar of `total` `unit`s on stderr, labelled `what`. Hidden when stderr is not a
    /// terminal (indicatif's own rule).
    pub fn progress(&self, what: &str, total: u64, unit: &str) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let template =
            format!("{{msg}} [{{bar:40}}] {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left)");
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_string());
        bar
    }

    /// Prints the outcome: `line` for a person, or `summary` as one JSON object with `--json`.
    pub fn finish<T: Serialize>(&self, line: &str, summary: &T) {
        if self.json {
            match serde_json::to_string(summary) {
                Ok(text) => println!("{text}"),
                Err(error) => eprintln!("articula: cannot write the summary as JSON: {error}"),
            }
        } else {
            println!("{line}");
        }
    }

    /// [`Self::finish`] on stderr, for a command whose stdout carries data (`export` without
    /// `-o`).
    pub fn finish_on_stderr<T: Serialize>(&self, line: &str, summary: &T) {
        if self.json {
            match serde_json::to_string(summary) {
                Ok(text) => eprintln!("{text}"),
                Err(error) => eprintln!("articula: cannot write the summary as JSON: {error}"),
            }
        } else {
            eprintln!("{line}");
        }
    }
}
