//! Sealing the global chain: a follower of the feed that writes one link per event, in order.
//!
//! Every process that serves runs one. Two of them on one PostgreSQL database compute the same
//! links (the feed's order is the same for every reader) and the second insert of a link is
//! ignored, so no leader election is needed.

use std::collections::HashMap;
use std::time::Duration;

use cqrs_es::persist::SerializedEvent;
use serde_json::Value;

use super::read::{read_chained_after, read_chained_after_on, ChainedEvent};
use super::{chain_link, EventHash};
use crate::database::UNHURRIED_COMMIT;
use crate::feed::{Positioned, BACKGROUND_PACE};
use crate::held::{on_kept_or_pool, HeldConnection};
use crate::repository::stream_hashes;
use crate::{Database, EventLog, FeedPosition, StoreError, WriteTurn};

/// How many events one sealing round reads and links.
const BATCH: usize = 10_000;

/// The most links whose write waits for the appends' turn ([`WriteTurn`]); the sealer keeping up
/// writes a pace's worth ([`BACKGROUND_PACE`]), a hundred or so. A larger batch (catching up
/// after a start) is written beside the appends: holding their turn for its whole statement
/// would hold their commands up as long.
const IN_TURN_AT_MOST: usize = 1_000;

impl Positioned for ChainedEvent {
    fn feed_position(&self) -> FeedPosition {
        ChainedEvent::feed_position(self)
    }
}

/// The last link sealed: where the sealer resumes.
async fn last_sealed(db: &Database) -> Result<(FeedPosition, EventHash), StoreError> {
    const SQL: &str =
        "SELECT tx, position, chain_hash FROM event_chain ORDER BY tx DESC, position DESC LIMIT 1";
    let row: Option<(i64, i64, Vec<u8>)> = match db {
        Database::Postgres(pool) => sqlx::query_as(SQL).fetch_optional(pool).await?,
        Database::Sqlite(pool) => sqlx::query_as(SQL).fetch_optional(pool).await?,
    };
    Ok(match row {
        None => (FeedPosition::START, EventHash::GENESIS),
        Some((tx, position, hash)) => (
            FeedPosition { tx, position },
            EventHash::from_slice(&hash).unwrap_or(EventHash::GENESIS),
        ),
    })
}

/// Links `events` after `previous` and stores the links; returns the last link.
async fn seal_batch(
    db: &Database,
    kept: Option<&HeldConnection>,
    turn: &WriteTurn,
    previous: EventHash,
    events: &[ChainedEvent],
) -> Result<EventHash, StoreError> {
    let mut link = previous;
    let mut positions = Vec::with_capacity(events.len());
    let mut txs = Vec::with_capacity(events.len());
    let mut links = Vec::with_capacity(events.len());
    for event in events {
        // An event without a hash is linked as if its hash were zero; verification reports it.
        let hash = event.hash.unwrap_or(EventHash::GENESIS);
        link = chain_link(&link, &hash, event.recorded_at.timestamp_millis());
        positions.push(event.position);
        txs.push(event.tx);
        links.push(link.as_bytes().to_vec());
    }
    let turn = if events.len() <= IN_TURN_AT_MOST {
        turn.clone()
    } else {
        WriteTurn::default()
    };
    write_links(db, kept, turn, positions, txs, links).await?;
    Ok(link)
}

/// Stores links on PostgreSQL; `unhurried` commits without waiting for the disk (the sealer's
/// own writes: links are derived from the events and sealed again after a power cut).
pub(crate) async fn write_links_in<'c, E>(
    executor: E,
    positions: &[i64],
    txs: &[i64],
    links: &[Vec<u8>],
    unhurried: bool,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Postgres>,
{
    const INSERT: &str = "INSERT INTO event_chain (position, tx, chain_hash)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])";
    const SKIP_SEALED: &str = " ON CONFLICT (position) DO NOTHING";
    let sql = if unhurried {
        format!("{INSERT} WHERE {UNHURRIED_COMMIT}{SKIP_SEALED}")
    } else {
        format!("{INSERT}{SKIP_SEALED}")
    };
    sqlx::query(&sql)
        .bind(positions)
        .bind(txs)
        .bind(links)
        .execute(executor)
        .await?;
    Ok(())
}

/// Stores links on SQLite in one statement, the rows passed as one JSON array (a statement per
/// link held the file's turn, which appends wait for, once for every event sealed).
pub(crate) async fn write_links_sqlite(
    connection: &mut sqlx::SqliteConnection,
    positions: &[i64],
    txs: &[i64],
    links: &[Vec<u8>],
) -> Result<(), sqlx::Error> {
    let rows: Vec<(i64, i64, String)> = positions
        .iter()
        .zip(txs)
        .zip(links)
        .map(|((position, tx), link)| (*position, *tx, hex::encode(link)))
        .collect();
    sqlx::query(
        "INSERT INTO event_chain (position, tx, chain_hash)
         SELECT value ->> 0, value ->> 1, unhex(value ->> 2) FROM json_each(?1)
         WHERE true -- SQLite reads `ON` after a bare `FROM` as a join's
         ON CONFLICT (position) DO NOTHING",
    )
    .bind(serde_json::to_string(&rows).expect("numbers and hex are JSON"))
    .execute(connection)
    .await?;
    Ok(())
}

async fn write_links(
    db: &Database,
    kept: Option<&HeldConnection>,
    turn: WriteTurn,
    positions: Vec<i64>,
    txs: Vec<i64>,
    links: Vec<Vec<u8>>,
) -> Result<(), StoreError> {
    match db {
        Database::Postgres(pool) => {
            on_kept_or_pool(kept, pool, |c| {
                Box::pin(async move {
                    let write = write_links_in(c, &positions, &txs, &links, true);
                    turn.during(write).await
                })
            })
            .await?
        }
        Database::Sqlite(pool) => {
            // One statement: all or nothing without a transaction around it.
            let mut write = crate::writer::unhurried_sqlite(pool).await?;
            write_links_sqlite(&mut write, &positions, &txs, &links).await?;
            write.finish();
        }
    }
    Ok(())
}

/// How many events are not linked into the global chain yet: a moment's worth while the sealer
/// keeps up, a growing number when it does not. Events far behind the newest link (10,000
/// positions) are not looked at: the sealer links in feed order, so those are sealed already.
pub async fn unsealed_count(db: &Database) -> Result<i64, StoreError> {
    const SQL: &str = "SELECT count(*) FROM events e
        WHERE e.position > (SELECT coalesce(max(position), 0) - 10000 FROM event_chain)
          AND NOT EXISTS (SELECT 1 FROM event_chain c WHERE c.position = e.position)";
    let count = match db {
        Database::Postgres(pool) => sqlx::query_scalar(SQL).fetch_one(pool).await?,
        Database::Sqlite(pool) => sqlx::query_scalar(SQL).fetch_one(pool).await?,
    };
    Ok(count)
}

/// Seals every event that is final in the feed and not sealed yet; returns how many it sealed.
/// The background sealer does this continuously; tests and commands call it to be sure.
pub async fn seal_pending(db: &Database) -> Result<u64, StoreError> {
    let (mut after, mut link) = last_sealed(db).await?;
    let mut sealed = 0u64;
    loop {
        let batch = read_chained_after(db, after, BATCH).await?;
        let Some(last) = batch.last() else {
            return Ok(sealed);
        };
        after = last.feed_position();
        link = seal_batch(db, None, &WriteTurn::default(), link, &batch).await?;
        sealed += batch.len() as u64;
    }
}

/// Follows the feed and seals each event shortly after it commits, on a task of its own.
pub fn spawn_sealer(log: &EventLog) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run_sealer(log, |_| {}))
}

/// The sealer's work, for a supervisor to run: follows the feed and seals each event shortly
/// after it commits. A database error is logged, handed to `report` (the supervisor counts and
/// shows it), and the sealer starts over from what is stored.
pub fn run_sealer(
    log: &EventLog,
    report: impl Fn(String) + Send + Sync + 'static,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let db = log.database().clone();
    let feed = log.feed();
    // Its own connection on PostgreSQL: the sealer reads and writes after every commit.
    let kept = HeldConnection::for_worker(&db);
    // Its links are written in the appends' turn: see `WriteTurn`.
    let turn = log.write_turn();
    async move {
        let mut backoff = Duration::from_millis(200);
        loop {
            let (after, mut link) = match last_sealed(&db).await {
                Ok(state) => state,
                Err(error) => {
                    tracing::warn!(%error, "cannot read the global chain; retrying");
                    report(format!("cannot read the global chain: {error}"));
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                    continue;
                }
            };
            let mut reader = feed.reader(after, BATCH).unhurried(BACKGROUND_PACE);
            loop {
                let read = |after| {
                    let (db, kept) = (db.clone(), kept.clone());
                    async move { read_chained_after_on(&db, kept.as_deref(), after, BATCH).await }
                };
                let batch = reader.next_with(read).await;
                let sealed = match batch {
                    Ok(batch) => seal_batch(&db, kept.as_deref(), &turn, link, &batch).await,
                    Err(error) => Err(error),
                };
                match sealed {
                    Ok(last) => {
                        link = last;
                        backoff = Duration::from_millis(200);
                    }
                    Err(error) => {
                        tracing::warn!(%error, "sealing the global chain failed; starting over");
                        report(format!("sealing the global chain failed: {error}"));
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(10));
                        break;
                    }
                }
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct LegacyRow {
    aggregate_type: String,
    aggregate_id: String,
    sequence: i64,
    event_type: String,
    event_version: String,
    payload: String,
    metadata: String,
    missing: bool,
}

/// Gives every event written before hashing existed (migration 5) its stream hash, stream by
/// stream from its first event. Runs once, right after that migration; returns how many events
/// it hashed.
pub async fn backfill_stream_hashes(db: &Database) -> Result<u64, StoreError> {
    const SELECT: &str = "SELECT aggregate_type, aggregate_id, sequence, event_type, event_version,
                                 payload, metadata, hash IS NULL AS missing
                          FROM events ORDER BY aggregate_type, aggregate_id, sequence";
    let mut streams: HashMap<(String, String), Vec<(SerializedEvent, bool)>> = HashMap::new();
    let rows: Vec<LegacyRow> = match db {
        Database::Postgres(pool) => {
            let sql = SELECT
                .replace("payload,", "payload::text AS payload,")
                .replace("metadata, hash", "metadata::text AS metadata, hash");
            sqlx::query_as(&sql).fetch_all(pool).await?
        }
        Database::Sqlite(pool) => sqlx::query_as(SELECT).fetch_all(pool).await?,
    };
    for row in rows {
        // Unreadable JSON is hashed as null; verification then reports the event as unreadable.
        let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
        let event = SerializedEvent::new(
            row.aggregate_id.clone(),
            usize::try_from(row.sequence).unwrap_or_default(),
            row.aggregate_type.clone(),
            row.event_type,
            row.event_version,
            parse(&row.payload),
            parse(&row.metadata),
        );
        streams
            .entry((row.aggregate_type, row.aggregate_id))
            .or_default()
            .push((event, row.missing));
    }
    let mut hashed = 0u64;
    for ((aggregate_type, aggregate_id), events) in streams {
        if !events.iter().any(|(_, missing)| *missing) {
            continue;
        }
        let serialized: Vec<SerializedEvent> = events.iter().map(|(e, _)| e.clone()).collect();
        let hashes = stream_hashes(&aggregate_type, &serialized, EventHash::GENESIS);
        for ((event, missing), hash) in events.iter().zip(hashes) {
            if !missing {
                continue;
            }
            let sequence = i64::try_from(event.sequence).unwrap_or(i64::MAX);
            let bytes = hash.as_bytes().to_vec();
            match db {
                Database::Postgres(pool) => {
                    sqlx::query(
                        "UPDATE events SET hash = $1
                         WHERE aggregate_type = $2 AND aggregate_id = $3 AND sequence = $4",
                    )
                    .bind(bytes)
                    .bind(&aggregate_type)
                    .bind(&aggregate_id)
                    .bind(sequence)
                    .execute(pool)
                    .await?;
                }
                Database::Sqlite(pool) => {
                    sqlx::query(
                        "UPDATE events SET hash = ?1
                         WHERE aggregate_type = ?2 AND aggregate_id = ?3 AND sequence = ?4",
                    )
                    .bind(bytes)
                    .bind(&aggregate_type)
                    .bind(&aggregate_id)
                    .bind(sequence)
                    .execute(pool)
                    .await?;
                }
            }
            hashed += 1;
        }
    }
    Ok(hashed)
}
