//! Writing the whole log as NDJSON, checking both chains on the way.

use std::borrow::Cow;
use std::io::{BufWriter, Write};

use chrono::Utc;
use serde::Serialize;
use sqlx::Row;

use super::format::{EventLine, Header, Trailer, FORMAT, VERSION};
use super::TransferError;
use crate::chain::read::{read_chained_after, ChainedEvent};
use crate::chain::verify::{first_orphan_link, Walk};
use crate::chain::{Break, EventHash};
use crate::{Database, FeedPosition};

/// Events read from the store per query.
const BATCH: usize = 10_000;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportSummary {
    pub events: u64,
    pub streams: u64,
    /// The global chain's last link, as `articula verify` reports it.
    pub head_hash: Option<EventHash>,
    pub head_position: Option<i64>,
    /// Bytes written, header and trailer included.
    pub bytes: u64,
}

/// Writes every event that is final in the feed when the export starts, in feed order, to `out`
/// (buffered here). Events committed meanwhile are left for the next export, so the file is one
/// consistent prefix of the log. `progress(done, total)` follows the events written.
///
/// Fails without writing the trailer if the chains do not hold at some event or `out` cannot
/// be written: a file without its trailer is refused by [`super::import()`].
pub async fn export<W: Write + Send>(
    db: &Database,
    out: W,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<ExportSummary, TransferError> {
    if let Some(orphan) = first_orphan_link(db).await? {
        return Err(broken(&orphan.to_break()));
    }
    let end = last_final(db).await?;
    let total = match end {
        Some(end) => count_up_to(db, end).await?,
        None => 0,
    };
    let mut out = Counting {
        inner: BufWriter::with_capacity(1 << 16, out),
        bytes: 0,
    };
    write_line(
        &mut out,
        &Header {
            format: FORMAT.into(),
            version: VERSION,
            exported_at: Utc::now(),
            backend: db.backend().name().into(),
            events: total,
        },
    )?;
    let mut walk = Walk::default();
    let mut last_position = None;
    if let Some(end) = end {
        let mut after = FeedPosition::START;
        while after < end {
            let batch = read_chained_after(db, after, BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = last.feed_position();
            for event in batch.iter().take_while(|e| e.feed_position() <= end) {
                write_event(&mut out, &mut walk, event)?;
                last_position = Some(event.position);
            }
            progress(walk.events(), total);
        }
    }
    if walk.events() != total {
        return Err(TransferError::File(format!(
            "the log changed while it was being exported: {total} events were final when the \
             export started, {} were read; nothing usable was written",
            walk.events()
        )));
    }
    write_line(
        &mut out,
        &Trailer {
            end: true,
            events: total,
            head_hash: walk.head(),
            head_position: last_position,
        },
    )?;
    out.flush().map_err(TransferError::Write)?;
    Ok(ExportSummary {
        events: total,
        streams: walk.streams(),
        head_hash: walk.head(),
        head_position: last_position,
        bytes: out.bytes,
    })
}

fn write_event<W: Write>(
    out: &mut W,
    walk: &mut Walk,
    event: &ChainedEvent,
) -> Result<(), TransferError> {
    let (payload, metadata) = event.parsed().map_err(|reason| {
        broken(&Break {
            kind: crate::chain::BreakKind::Unreadable,
            position: event.position,
            aggregate_type: event.aggregate_type.clone(),
            aggregate_id: event.aggregate_id.clone(),
            sequence: event.sequence,
            reason,
        })
    })?;
    if let Some(found) = walk.check_parsed(event, &payload, &metadata) {
        return Err(broken(&found));
    }
    // The walk has just checked that the event has a hash and linked it.
    let (Some(hash), Some(chain_hash)) = (event.hash, walk.head()) else {
        return Err(TransferError::File(format!(
            "event {} was checked but has no hash",
            event.position
        )));
    };
    write_line(
        out,
        &EventLine {
            position: event.position,
            recorded_at: event.recorded_at,
            aggregate_type: Cow::Borrowed(&event.aggregate_type),
            aggregate_id: Cow::Borrowed(&event.aggregate_id),
            sequence: event.sequence,
            event_type: Cow::Borrowed(&event.event_type),
            event_version: Cow::Borrowed(&event.event_version),
            payload: Cow::Borrowed(&payload),
            metadata: Cow::Borrowed(&metadata),
            hash,
            chain_hash,
        },
    )
}

fn broken(found: &Break) -> TransferError {
    let place = if found.aggregate_type.is_empty() {
        format!("position {}", found.position)
    } else {
        format!(
            "position {} ({} {} sequence {})",
            found.position, found.aggregate_type, found.aggregate_id, found.sequence
        )
    };
    TransferError::Broken {
        place,
        reason: found.reason.clone(),
    }
}

fn write_line<W: Write, T: Serialize>(out: &mut W, line: &T) -> Result<(), TransferError> {
    serde_json::to_writer(&mut *out, line).map_err(|e| TransferError::Write(e.into()))?;
    out.write_all(b"\n").map_err(TransferError::Write)
}

/// Counts the bytes that go through it.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The feed position of the last event that is final now (its place in the feed cannot change).
async fn last_final(db: &Database) -> Result<Option<FeedPosition>, TransferError> {
    let found = match db {
        Database::Postgres(pool) => sqlx::query(
            "SELECT tx_id, position FROM events
             WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
             ORDER BY tx_id DESC, position DESC LIMIT 1",
        )
        .fetch_optional(pool)
        .await?
        .map(|row| -> Result<_, sqlx::Error> {
            Ok(FeedPosition {
                tx: row.try_get("tx_id")?,
                position: row.try_get("position")?,
            })
        })
        .transpose()?,
        Database::Sqlite(pool) => {
            sqlx::query_scalar::<_, Option<i64>>("SELECT max(position) FROM events")
                .fetch_one(pool)
                .await?
                .map(|position| FeedPosition { tx: 0, position })
        }
    };
    Ok(found)
}

/// How many events come at or before `end` in the feed. Every one of them is final (their
/// transactions are older than `end`'s, which was final), so the count does not move.
async fn count_up_to(db: &Database, end: FeedPosition) -> Result<u64, TransferError> {
    let count: i64 = match db {
        Database::Postgres(pool) => {
            sqlx::query_scalar("SELECT count(*) FROM events WHERE (tx_id, position) <= ($1, $2)")
                .bind(end.tx)
                .bind(end.position)
                .fetch_one(pool)
                .await?
        }
        Database::Sqlite(pool) => {
            sqlx::query_scalar("SELECT count(*) FROM events WHERE position <= ?1")
                .bind(end.position)
                .fetch_one(pool)
                .await?
        }
    };
    Ok(u64::try_from(count).unwrap_or_default())
}
