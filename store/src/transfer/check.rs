//! Reading an export file line by line and checking everything that can be checked without a
//! database: the header, that every line is an event, both hash chains (with the same walk as
//! `articula verify`), and the trailer. Both passes of an import read through this; memory stays
//! bounded (one line, and the last hash of each stream).

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::format::{is_trailer, EventLine, Header, Trailer, FORMAT, VERSION};
use super::TransferError;
use crate::chain::read::ChainedEvent;
use crate::chain::verify::Walk;
use crate::chain::{Break, BreakKind, EventHash};

/// Longer lines are refused rather than read into memory (events are far smaller: request bodies
/// are limited to a few MiB).
const MAX_LINE: u64 = 64 * 1024 * 1024;

/// One event line that passed every check, ready to insert.
pub(crate) struct Checked {
    /// Payload and metadata as compact JSON text (they hash the same as the file's: hashes cover
    /// canonical JSON).
    pub event: ChainedEvent,
    pub hash: EventHash,
    pub link: EventHash,
}

/// What a complete pass over the file established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileFacts {
    pub events: u64,
    pub streams: u64,
    pub head_hash: Option<EventHash>,
    pub last_position: Option<i64>,
    /// Whether the file's positions are all positive and strictly increase line after line, so
    /// that the importing store can keep them (its feed order is then the file's order).
    pub positions_increase: bool,
    pub sha256: [u8; 32],
    pub bytes: u64,
}

pub(crate) struct FileCheck {
    path: PathBuf,
    reader: BufReader<Hashing<File>>,
    /// The number of the last line read (the header is line 1).
    line: u64,
    buffer: String,
    header: Header,
    walk: Walk,
    last_position: Option<i64>,
    positions_increase: bool,
    ended: bool,
}

impl FileCheck {
    /// Opens the file and checks its header.
    pub(crate) fn open(path: &Path) -> Result<Self, TransferError> {
        let file = File::open(path).map_err(|e| TransferError::Read {
            path: path.into(),
            reason: e.to_string(),
        })?;
        let mut check = Self {
            path: path.into(),
            reader: BufReader::with_capacity(1 << 16, Hashing::new(file)),
            line: 0,
            buffer: String::new(),
            // Replaced by the file's header just below.
            header: Header {
                format: String::new(),
                version: 0,
                exported_at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
                backend: String::new(),
                events: 0,
            },
            walk: Walk::default(),
            last_position: None,
            positions_increase: true,
            ended: false,
        };
        check.header = check.read_header()?;
        Ok(check)
    }

    pub(crate) fn bytes_read(&self) -> u64 {
        self.reader.get_ref().bytes
    }

    fn read_header(&mut self) -> Result<Header, TransferError> {
        let not_an_export = |what: &str| TransferError::Line {
            line: 1,
            reason: format!(
                "{what}: an Articula export starts with a header line \
                     {{\"format\":\"{FORMAT}\",\"version\":{VERSION},…}}"
            ),
        };
        if !self.read_line()? {
            return Err(TransferError::File(format!(
                "{} is empty: it is not an Articula event export",
                self.path.display()
            )));
        }
        let value: Value = serde_json::from_str(self.text())
            .map_err(|e| not_an_export(&format!("not JSON ({})", json_error(&e))))?;
        match value.get("format").and_then(Value::as_str) {
            Some(FORMAT) => {}
            Some(other) => return Err(not_an_export(&format!("the format is `{other}`"))),
            None => return Err(not_an_export("this is not an export header")),
        }
        match value.get("version").and_then(Value::as_u64) {
            Some(version) if version == u64::from(VERSION) => {}
            Some(version) => {
                return Err(TransferError::Line {
                    line: 1,
                    reason: format!(
                        "the export is in format version {version}; this articula reads version \
                         {VERSION} (use the articula release that wrote it, or a newer one)"
                    ),
                })
            }
            None => return Err(not_an_export("the header has no version")),
        }
        serde_json::from_value(value)
            .map_err(|e| not_an_export(&format!("the header is incomplete ({e})")))
    }

    /// The next event, checked; `None` once the trailer has been read and checked.
    pub(crate) fn next_event(&mut self) -> Result<Option<Checked>, TransferError> {
        if self.ended {
            return Ok(None);
        }
        if !self.read_line()? {
            return Err(TransferError::File(format!(
                "the file ends after line {} without its end line ({{\"end\":true,…}}): it is \
                 truncated ({} of the {} events the header announces were read)",
                self.line,
                self.walk.events(),
                self.header.events
            )));
        }
        let value: Value = serde_json::from_str(self.text())
            .map_err(|e| self.at_line(format!("not JSON ({})", json_error(&e))))?;
        if is_trailer(&value) {
            self.check_trailer(value)?;
            self.ended = true;
            return Ok(None);
        }
        let line: EventLine<'static> = serde_json::from_value(value)
            .map_err(|e| self.at_line(format!("not an event line ({e})")))?;
        self.check_event(line).map(Some)
    }

    fn check_event(&mut self, line: EventLine<'static>) -> Result<Checked, TransferError> {
        if line.sequence < 1 {
            return Err(self.at_line(format!(
                "{} {} has sequence {}; sequences start at 1",
                line.aggregate_type, line.aggregate_id, line.sequence
            )));
        }
        if self.walk.events() >= self.header.events {
            return Err(self.at_line(format!(
                "the header announces {} events, and this is one more: lines were added",
                self.header.events
            )));
        }
        let increases = match self.last_position {
            Some(previous) => line.position > previous,
            None => line.position > 0,
        };
        self.positions_increase &= increases;
        let compact = |value: &Value| value.to_string();
        let event = ChainedEvent {
            position: line.position,
            tx: 0,
            aggregate_type: line.aggregate_type.into_owned(),
            aggregate_id: line.aggregate_id.into_owned(),
            sequence: line.sequence,
            event_type: line.event_type.into_owned(),
            event_version: line.event_version.into_owned(),
            payload: compact(&line.payload),
            metadata: compact(&line.metadata),
            recorded_at: line.recorded_at,
            hash: Some(line.hash),
            sealed: Some(line.chain_hash),
        };
        if let Some(found) = self
            .walk
            .check_parsed(&event, &line.payload, &line.metadata)
        {
            return Err(self.describe(&found));
        }
        self.last_position = Some(line.position);
        Ok(Checked {
            event,
            hash: line.hash,
            link: line.chain_hash,
        })
    }

    fn check_trailer(&mut self, value: Value) -> Result<(), TransferError> {
        let trailer: Trailer = serde_json::from_value(value)
            .map_err(|e| self.at_line(format!("not a complete end line ({e})")))?;
        let events = self.walk.events();
        if !trailer.end {
            return Err(self.at_line("the end line says `\"end\": false`".into()));
        }
        if trailer.events != events {
            return Err(self.at_line(format!(
                "the end line counts {} events but {events} event lines come before it: lines \
                 were removed or added",
                trailer.events
            )));
        }
        if self.header.events != events {
            return Err(self.at_line(format!(
                "the header announces {} events but the file holds {events}: lines were removed",
                self.header.events
            )));
        }
        if trailer.head_hash != self.walk.head() {
            return Err(self.at_line(format!(
                "the end line's head hash {} is not the last link of the chain recomputed over \
                 the file ({}): the file was edited",
                show(trailer.head_hash),
                show(self.walk.head())
            )));
        }
        if trailer.head_position != self.last_position {
            return Err(self.at_line(format!(
                "the end line's head position {:?} is not the position of the last event ({:?})",
                trailer.head_position, self.last_position
            )));
        }
        Ok(())
    }

    /// Checks that nothing follows the trailer and returns what the pass established.
    pub(crate) fn finish(mut self) -> Result<FileFacts, TransferError> {
        while self.next_event()?.is_some() {}
        if self.read_line()? {
            return Err(self.at_line("there is text after the end line".into()));
        }
        let reader = self.reader.into_inner();
        Ok(FileFacts {
            events: self.walk.events(),
            streams: self.walk.streams(),
            head_hash: self.walk.head(),
            last_position: self.last_position,
            positions_increase: self.positions_increase,
            sha256: reader.hasher.finalize().into(),
            bytes: reader.bytes,
        })
    }

    /// Reads the next line into the buffer; `false` at the end of the file.
    fn read_line(&mut self) -> Result<bool, TransferError> {
        self.buffer.clear();
        let next = self.line + 1;
        let read = (&mut self.reader)
            .take(MAX_LINE + 1)
            .read_line(&mut self.buffer)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidData => TransferError::Line {
                    line: next,
                    reason: "not UTF-8 text".into(),
                },
                _ => TransferError::Read {
                    path: self.path.clone(),
                    reason: e.to_string(),
                },
            })?;
        if read == 0 {
            return Ok(false);
        }
        self.line = next;
        if self.buffer.len() as u64 > MAX_LINE {
            return Err(self.at_line(format!(
                "longer than {} MiB: not an event line",
                MAX_LINE / 1024 / 1024
            )));
        }
        Ok(true)
    }

    /// The line last read, without its line ending.
    fn text(&self) -> &str {
        self.buffer.trim_end_matches(['\n', '\r'])
    }

    fn at_line(&self, reason: String) -> TransferError {
        TransferError::Line {
            line: self.line,
            reason,
        }
    }

    /// Says what a break of a chain means in a file.
    fn describe(&self, found: &Break) -> TransferError {
        let event = format!(
            "{} {} sequence {}",
            found.aggregate_type, found.aggregate_id, found.sequence
        );
        let reason = match found.kind {
            BreakKind::ContentChanged => format!(
                "the hash of {event} does not match its content: its type, version, payload, \
                 metadata or hash was edited"
            ),
            BreakKind::SequenceGap => {
                format!("{event}: {}: lines were removed or moved", found.reason)
            }
            BreakKind::ChainMismatch => format!(
                "the global chain does not match at {event}: a line before it was removed, \
                 added or moved, or its recorded_at or chain_hash was edited"
            ),
            _ => format!("{event}: {}", found.reason),
        };
        self.at_line(reason)
    }
}

fn show(hash: Option<EventHash>) -> String {
    hash.map_or_else(|| "none".into(), |h| h.to_hex())
}

/// serde_json's message without its "at line 1 column N" (the file's line is named already).
fn json_error(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&suffix) {
        Some(head) => format!("{head}, at column {}", error.column()),
        None => message,
    }
}

/// Hashes and counts what is read through it: the two passes of an import compare the hashes.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R> Hashing<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.hasher.update(&buf[..read]);
        self.bytes += read as u64;
        Ok(read)
    }
}
