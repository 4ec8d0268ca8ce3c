//! Moving the event log between stores, whatever their backends.
//!
//! * [`export()`] writes the whole log as NDJSON ([`mod@format`]) in feed order, up to the head as it
//!   was when the export started, recomputing both hash chains as it goes and refusing a log in
//!   which they do not hold.
//! * [`import()`] loads such a file into an empty store: a first pass checks every line (both
//!   chains, sequences, the trailer), a second pass checks again while it inserts in one
//!   transaction, which commits only if both passes read the same bytes. All or nothing.
//! * [`secrets`] moves the rows that are not in the log (person keys, server secrets).

mod check;
pub mod export;
pub mod format;
pub mod import;
mod insert;
pub mod secrets;

use std::path::PathBuf;

pub use export::{export, ExportSummary};
pub use import::{import, ImportPhase, ImportSummary, Positions};
pub use secrets::{export_secrets, import_secrets, SecretsFile, SecretsSummary};

use crate::StoreError;

/// Why an export or import did not happen. Import errors mean nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the export failed (a full disk, a closed pipe…).
    #[error("cannot write the export: {0}")]
    Write(std::io::Error),
    #[error("cannot read {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    /// The log's chains do not hold; an export would carry the damage along.
    #[error(
        "the event log does not verify at {place}: {reason}. Nothing was exported; run \
         `articula verify` for the report"
    )]
    Broken { place: String, reason: String },
    /// A line of an import file is wrong.
    #[error("line {line}: {reason}")]
    Line { line: u64, reason: String },
    /// The file as a whole is wrong (truncated, changed while it was read).
    #[error("{0}")]
    File(String),
    /// The target store is not in a state to receive what is imported.
    #[error("{0}")]
    Refused(String),
}

impl From<sqlx::Error> for TransferError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(StoreError::Database(error))
    }
}
