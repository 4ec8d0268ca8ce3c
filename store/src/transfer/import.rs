//! Loading an export file into an empty store, all or nothing.
//!
//! Two passes over the file. The first checks every line without touching the database, so a
//! bad file is refused before anything starts. The second checks every line again while it
//! inserts them in one transaction, and commits only if it read exactly the bytes the first pass
//! read (SHA-256 of the whole file): the file cannot be swapped or edited in between.

use std::path::Path;

use serde::Serialize;

use super::check::{FileCheck, FileFacts};
use super::insert::{ensure_empty, Sink, BATCH};
use super::TransferError;
use crate::chain::EventHash;
use crate::Database;

/// Which pass an import's progress is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportPhase {
    /// Reading the whole file to check it.
    Checking,
    /// Reading it again while inserting.
    Writing,
}

/// What happened to the file's positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Positions {
    /// Every event has the position it had in the exporting store.
    Kept,
    /// The file's positions do not increase line after line (an export of a PostgreSQL log in
    /// which later transactions took lower positions), so the events were numbered 1, 2, … in
    /// the file's order, which is their feed order. Hashes do not cover positions.
    Renumbered,
}

/// What an import loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub events: u64,
    pub streams: u64,
    /// The global chain's last link: `articula verify` reports the same head hash.
    pub head_hash: Option<EventHash>,
    /// The last event's position in this store.
    pub head_position: Option<i64>,
    pub positions: Positions,
    /// The file's size.
    pub bytes: u64,
}

/// Loads the export file at `path` into `db`, which must hold no events, no global chain and no
/// projection snapshots. `progress(phase, bytes)` follows each pass through the file.
///
/// On any error (a bad line, a store that is not empty, the file changing, the database
/// failing) nothing is written.
pub async fn import(
    db: &Database,
    path: &Path,
    progress: &(dyn Fn(ImportPhase, u64) + Send + Sync),
) -> Result<ImportSummary, TransferError> {
    ensure_empty(db).await?;
    let facts = check_file(path, progress)?;
    let mut sink = Sink::begin(db).await?;
    match write_file(&mut sink, path, &facts, progress).await {
        Ok(last_position) => {
            sink.commit(last_position).await?;
            Ok(ImportSummary {
                events: facts.events,
                streams: facts.streams,
                head_hash: facts.head_hash,
                head_position: last_position,
                positions: if facts.positions_increase {
                    Positions::Kept
                } else {
                    Positions::Renumbered
                },
                bytes: facts.bytes,
            })
        }
        Err(error) => {
            sink.rollback().await;
            Err(error)
        }
    }
}

/// How many lines go by between two progress reports.
const REPORT_EVERY: u64 = 1_000;

/// The first pass.
fn check_file(
    path: &Path,
    progress: &(dyn Fn(ImportPhase, u64) + Send + Sync),
) -> Result<FileFacts, TransferError> {
    let mut file = FileCheck::open(path)?;
    let mut lines = 0u64;
    while file.next_event()?.is_some() {
        lines += 1;
        if lines.is_multiple_of(REPORT_EVERY) {
            progress(ImportPhase::Checking, file.bytes_read());
        }
    }
    let facts = file.finish()?;
    progress(ImportPhase::Checking, facts.bytes);
    Ok(facts)
}

/// The second pass: checks and inserts; returns the last position written.
async fn write_file(
    sink: &mut Sink,
    path: &Path,
    first_pass: &FileFacts,
    progress: &(dyn Fn(ImportPhase, u64) + Send + Sync),
) -> Result<Option<i64>, TransferError> {
    let mut file = FileCheck::open(path)?;
    let mut batch = Vec::with_capacity(BATCH);
    let mut written = 0i64;
    let mut last_position = None;
    while let Some(mut checked) = file.next_event()? {
        written += 1;
        if !first_pass.positions_increase {
            checked.event.position = written;
        }
        last_position = Some(checked.event.position);
        batch.push(checked);
        if batch.len() == BATCH {
            sink.insert(&batch).await?;
            batch.clear();
            progress(ImportPhase::Writing, file.bytes_read());
        }
    }
    sink.insert(&batch).await?;
    let second_pass = file.finish()?;
    if second_pass != *first_pass {
        return Err(TransferError::File(format!(
            "{} changed while it was being imported (its content differs between the check and \
             the write)",
            path.display()
        )));
    }
    progress(ImportPhase::Writing, second_pass.bytes);
    Ok(last_position)
}
