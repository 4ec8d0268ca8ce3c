//! Recomputing both chains over the whole log and naming the first place they break.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::Row;

use super::read::{read_chained_after, ChainedEvent};
use super::{chain_link, event_hash, EventContent, EventHash};
use crate::{Database, FeedPosition, StoreError};

const BATCH: usize = 10_000;

/// What verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// `true` when both chains hold over every event.
    pub ok: bool,
    /// Events checked (all of them when `ok`; those before the break otherwise).
    pub events: u64,
    /// Streams seen.
    pub streams: u64,
    /// The global chain's hash after the last event checked, recomputed (not read).
    pub head_hash: Option<EventHash>,
    /// The global position of the last event checked.
    pub head_position: Option<i64>,
    /// Events at the end of the feed not sealed into the stored global chain yet (the sealer
    /// runs a moment behind commits); they are checked against their streams' chains only.
    pub unsealed: u64,
    /// The first place where a chain breaks.
    pub first_break: Option<Break>,
}

/// The first event (or missing event) where a chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    pub kind: BreakKind,
    /// The global position of the event where the break shows.
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    /// What is wrong there, for a person.
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The event's content no longer matches its hash (payload, metadata, type… changed).
    ContentChanged,
    /// The event has no stored hash.
    HashMissing,
    /// Events are missing from the stream before this one.
    SequenceGap,
    /// The stream's events are out of order in the feed.
    OutOfOrder,
    /// The global chain does not match here: an event before it in the feed was deleted,
    /// inserted or moved, or its recorded time changed.
    ChainMismatch,
    /// An event sealed into the global chain is no longer in the log.
    EventDeleted,
    /// A link of the global chain is missing although later events are sealed.
    LinkMissing,
    /// The payload or metadata is not JSON.
    Unreadable,
}

/// Walks the whole log in feed order, recomputing every stream hash and every global link, and
/// stops at the first break. `progress` is called with the number of events checked so far.
pub async fn verify(
    db: &Database,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<VerifyReport, StoreError> {
    let deleted = first_orphan_link(db).await?;
    let mut walk = Walk::default();
    let mut after = FeedPosition::START;
    loop {
        let batch = read_chained_after(db, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.feed_position();
        for event in &batch {
            if let Some(orphan) = deleted.as_ref().filter(|o| o.at < event.feed_position()) {
                return Ok(walk.report(Some(orphan.to_break())));
            }
            if let Some(broken) = walk.check(event) {
                return Ok(walk.report(Some(broken)));
            }
        }
        progress(walk.events);
    }
    if let Some(orphan) = deleted {
        return Ok(walk.report(Some(orphan.to_break())));
    }
    Ok(walk.report(None))
}

/// The walk over the log in feed order that verification, export and import share: each event
/// is checked against its stream's chain and linked into the global chain.
#[derive(Default)]
pub(crate) struct Walk {
    events: u64,
    streams: HashMap<(String, String), (i64, EventHash)>,
    link: Option<EventHash>,
    head_position: Option<i64>,
    unsealed: u64,
    /// The first event without a stored link: fine at the end of the feed, a break if a later
    /// event has one.
    first_unsealed: Option<Break>,
}

/// Checks one event against its stream as it stood before it (the last sequence seen and that
/// event's hash) and returns the event's recomputed hash: the stream chain's part of
/// verification, shared with the audit API's check of a single stream.
pub fn check_in_stream(
    event: &ChainedEvent,
    payload: &serde_json::Value,
    metadata: &serde_json::Value,
    last_sequence: i64,
    previous: &EventHash,
) -> Result<EventHash, Break> {
    let broken = |kind, reason: String| break_at(event, kind, reason);
    let expected = last_sequence + 1;
    if event.sequence > expected {
        let missing = if event.sequence == expected + 1 {
            format!("event {expected} of this stream is missing")
        } else {
            format!(
                "events {expected} to {} of this stream are missing",
                event.sequence - 1
            )
        };
        return Err(broken(BreakKind::SequenceGap, missing));
    }
    if event.sequence < expected {
        return Err(broken(
            BreakKind::OutOfOrder,
            format!(
                "sequence {} comes after sequence {last_sequence} of the same stream in the feed: \
                 its events were reordered",
                event.sequence
            ),
        ));
    }
    let computed = event_hash(
        &EventContent {
            aggregate_type: &event.aggregate_type,
            aggregate_id: &event.aggregate_id,
            sequence: event.sequence,
            event_type: &event.event_type,
            event_version: &event.event_version,
            payload,
            metadata,
        },
        previous,
    );
    match event.hash {
        None => Err(broken(
            BreakKind::HashMissing,
            "the event has no stored hash".into(),
        )),
        Some(stored) if stored != computed => Err(broken(
            BreakKind::ContentChanged,
            "its content does not match its hash: its type, version, payload or metadata \
             changed after it was written"
                .into(),
        )),
        Some(_) => Ok(computed),
    }
}

/// The first break in one stream's events, given in sequence order (the stream chain only).
pub fn check_stream(events: &[ChainedEvent]) -> Option<Break> {
    let mut last_sequence = 0;
    let mut previous = EventHash::GENESIS;
    for event in events {
        let (payload, metadata) = match event.parsed() {
            Ok(parsed) => parsed,
            Err(reason) => return Some(break_at(event, BreakKind::Unreadable, reason)),
        };
        match check_in_stream(event, &payload, &metadata, last_sequence, &previous) {
            Ok(hash) => previous = hash,
            Err(broken) => return Some(broken),
        }
        last_sequence = event.sequence;
    }
    None
}

impl Walk {
    /// Checks the next event in feed order; the first break, if it is one.
    pub(crate) fn check(&mut self, event: &ChainedEvent) -> Option<Break> {
        match event.parsed() {
            Ok((payload, metadata)) => self.check_parsed(event, &payload, &metadata),
            Err(reason) => Some(break_at(event, BreakKind::Unreadable, reason)),
        }
    }

    /// [`Self::check`] for a caller that has already parsed the payload and metadata.
    pub(crate) fn check_parsed(
        &mut self,
        event: &ChainedEvent,
        payload: &serde_json::Value,
        metadata: &serde_json::Value,
    ) -> Option<Break> {
        let broken = |kind, reason: String| break_at(event, kind, reason);
        let key = (event.aggregate_type.clone(), event.aggregate_id.clone());
        let (last_sequence, previous) = self
            .streams
            .get(&key)
            .copied()
            .unwrap_or((0, EventHash::GENESIS));
        let computed = match check_in_stream(event, payload, metadata, last_sequence, &previous) {
            Ok(computed) => computed,
            Err(broken) => return Some(broken),
        };
        let link = chain_link(
            &self.link.unwrap_or(EventHash::GENESIS),
            &computed,
            event.recorded_at.timestamp_millis(),
        );
        match event.sealed {
            Some(sealed) => {
                if let Some(unsealed) = self.first_unsealed.take() {
                    return Some(unsealed);
                }
                if sealed != link {
                    return Some(broken(
                        BreakKind::ChainMismatch,
                        "the global chain does not match here: an event before it in the feed was \
                         deleted, inserted or moved, or its recorded time changed"
                            .into(),
                    ));
                }
            }
            None => {
                self.unsealed += 1;
                if self.first_unsealed.is_none() {
                    self.first_unsealed = Some(broken(
                        BreakKind::LinkMissing,
                        "its link in the global chain is missing, yet later events are sealed"
                            .into(),
                    ));
                }
            }
        }
        if last_sequence == 0 {
            self.streams.insert(key, (event.sequence, computed));
        } else if let Some(entry) = self.streams.get_mut(&key) {
            *entry = (event.sequence, computed);
        }
        self.link = Some(link);
        self.head_position = Some(event.position);
        self.events += 1;
        None
    }

    /// The global chain's link after the last event checked.
    pub(crate) fn head(&self) -> Option<EventHash> {
        self.link
    }

    pub(crate) fn events(&self) -> u64 {
        self.events
    }

    pub(crate) fn streams(&self) -> u64 {
        self.streams.len() as u64
    }

    pub(crate) fn report(&self, first_break: Option<Break>) -> VerifyReport {
        VerifyReport {
            ok: first_break.is_none(),
            events: self.events,
            streams: self.streams.len() as u64,
            head_hash: self.link,
            head_position: self.head_position,
            unsealed: self.unsealed,
            first_break,
        }
    }
}

fn break_at(event: &ChainedEvent, kind: BreakKind, reason: String) -> Break {
    Break {
        kind,
        position: event.position,
        aggregate_type: event.aggregate_type.clone(),
        aggregate_id: event.aggregate_id.clone(),
        sequence: event.sequence,
        reason,
    }
}

/// A link whose event is gone.
pub(crate) struct Orphan {
    at: FeedPosition,
    sealed_at: String,
}

impl Orphan {
    pub(crate) fn to_break(&self) -> Break {
        Break {
            kind: BreakKind::EventDeleted,
            position: self.at.position,
            aggregate_type: String::new(),
            aggregate_id: String::new(),
            sequence: 0,
            reason: format!(
                "the event at position {} was sealed into the global chain at {} but is no longer \
                 in the log: it was deleted",
                self.at.position, self.sealed_at
            ),
        }
    }
}

/// The first link (in feed order) whose event is no longer in the log.
pub(crate) async fn first_orphan_link(db: &Database) -> Result<Option<Orphan>, StoreError> {
    const SQL_PG: &str = "SELECT c.tx, c.position, c.sealed_at::text AS sealed_at
         FROM event_chain c LEFT JOIN events e ON e.position = c.position
         WHERE e.position IS NULL ORDER BY c.tx, c.position LIMIT 1";
    const SQL_SQLITE: &str = "SELECT c.tx, c.position, c.sealed_at
         FROM event_chain c LEFT JOIN events e ON e.position = c.position
         WHERE e.position IS NULL ORDER BY c.tx, c.position LIMIT 1";
    let found = match db {
        Database::Postgres(pool) => sqlx::query(SQL_PG).fetch_optional(pool).await?.map(|row| {
            (
                row.try_get::<i64, _>("tx"),
                row.try_get::<i64, _>("position"),
                row.try_get::<String, _>("sealed_at"),
            )
        }),
        Database::Sqlite(pool) => sqlx::query(SQL_SQLITE)
            .fetch_optional(pool)
            .await?
            .map(|row| {
                (
                    row.try_get::<i64, _>("tx"),
                    row.try_get::<i64, _>("position"),
                    row.try_get::<String, _>("sealed_at"),
                )
            }),
    };
    match found {
        None => Ok(None),
        Some((tx, position, sealed_at)) => Ok(Some(Orphan {
            at: FeedPosition {
                tx: tx?,
                position: position?,
            },
            sealed_at: sealed_at?,
        })),
    }
}

/// How many events the log holds (for a progress bar's length).
pub async fn count_events(db: &Database) -> Result<u64, StoreError> {
    let count: i64 = match db {
        Database::Postgres(pool) => {
            sqlx::query_scalar("SELECT count(*) FROM events")
                .fetch_one(pool)
                .await?
        }
        Database::Sqlite(pool) => {
            sqlx::query_scalar("SELECT count(*) FROM events")
                .fetch_one(pool)
                .await?
        }
    };
    Ok(u64::try_from(count).unwrap_or_default())
}
