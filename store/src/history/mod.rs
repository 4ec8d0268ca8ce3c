//! Projection history (migration 0011): each projection's read model at places spaced along the
//! feed, for as-of reads to fold from the nearest earlier place instead of the start of the log,
//! and for starts to restore from the newest. Like [`crate::Snapshots`] it is a cache; the event
//! log stays the only source of truth.
//!
//! States are stored compressed with lz4 in blocks that unpack on every core ([`packing`]), and
//! cut in pieces of a mebibyte, each written by its own statement, then the place's row: the
//! feed reads only below the oldest running write transaction, so writing a 20 MB state in one
//! statement would hold back every instance's read models while it lasts. A place is visible
//! once its row is; pieces of a writer that lost the race for a place, or died half-way, are
//! never read.

mod packing;

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::text_time::sqlite_time;
use crate::{Database, FeedPosition, Snapshot, StoreError};

/// The largest piece of a state written by one statement.
pub const PIECE_BYTES: usize = 1 << 20;

/// A projection's state at one place in the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub snapshot: Snapshot,
    /// Every event up to `snapshot.position` was recorded at or before this time.
    pub recorded_by: DateTime<Utc>,
}

/// Where an as-of read wants to stand, for choosing the entry to start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryBound {
    /// The newest entry at or before this place.
    Position(FeedPosition),
    /// The newest entry whose events were all recorded at or before this time.
    RecordedBy(DateTime<Utc>),
}

/// One saved place, without its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPlace {
    pub name: String,
    pub version: i32,
    pub position: FeedPosition,
}

/// A place found, its state not read yet ([`ProjectionHistory::read`]): an as-of read starts
/// reading the feed after it while the state is fetched.
pub struct FoundPlace {
    entry: HistoryEntry,
    writer: String,
    pieces: i32,
}

impl FoundPlace {
    /// The place in the feed whose state this is.
    pub fn position(&self) -> FeedPosition {
        self.entry.snapshot.position
    }
}

/// The `projection_history` tables.
#[derive(Clone)]
pub struct ProjectionHistory {
    db: Database,
}

impl ProjectionHistory {
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// `state` as stored: compressed with lz4 in blocks ([`packing`]).
    pub fn pack(state: &[u8]) -> Vec<u8> {
        packing::pack(state)
    }

    /// A state as [`Self::pack`] stored it, unpacked on every core.
    pub fn unpack(packed: &[u8]) -> Result<Vec<u8>, StoreError> {
        packing::unpack(packed)
    }

    /// Saves `entry`, whose state was packed with [`Self::pack`] (by the caller, on a thread of
    /// its choosing: compressing a large model takes a while): its pieces, then its row. Two
    /// keepers folding the same feed write the same places; the second to finish leaves the
    /// first's place as it is and removes its own pieces.
    pub async fn save_packed(&self, entry: &HistoryEntry) -> Result<(), StoreError> {
        let s = &entry.snapshot;
        let writer = uuid::Uuid::new_v4().to_string();
        let pieces: Vec<&[u8]> = s.state.chunks(PIECE_BYTES).collect();
        for (n, bytes) in pieces.iter().enumerate() {
            self.write_piece(s, &writer, i32::try_from(n).unwrap_or(i32::MAX), bytes)
                .await?;
        }
        let count = i32::try_from(pieces.len()).unwrap_or(i32::MAX);
        let now = Utc::now();
        let written = match &self.db {
            Database::Postgres(pool) => sqlx::query(
                "INSERT INTO projection_history (name, version, tx, position, recorded_by, \
                   events_applied, writer, pieces, saved_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
            )
            .bind(&s.name)
            .bind(s.version)
            .bind(s.position.tx)
            .bind(s.position.position)
            .bind(entry.recorded_by)
            .bind(s.events_applied)
            .bind(&writer)
            .bind(count)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected(),
            Database::Sqlite(pool) => sqlx::query(
                "INSERT INTO projection_history (name, version, tx, position, recorded_by, \
                   events_applied, writer, pieces, saved_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
            )
            .bind(&s.name)
            .bind(s.version)
            .bind(s.position.tx)
            .bind(s.position.position)
            .bind(sqlite_time(entry.recorded_by))
            .bind(s.events_applied)
            .bind(&writer)
            .bind(count)
            .bind(sqlite_time(now))
            .execute(pool)
            .await?
            .rows_affected(),
        };
        if written == 0 {
            self.delete_pieces_of(s, &writer).await?;
        }
        Ok(())
    }

    async fn write_piece(
        &self,
        s: &Snapshot,
        writer: &str,
        piece: i32,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        match &self.db {
            Database::Postgres(pool) => {
                sqlx::query(
                    "INSERT INTO projection_history_pieces \
                       (name, version, tx, position, writer, piece, bytes) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&s.name)
                .bind(s.version)
                .bind(s.position.tx)
                .bind(s.position.position)
                .bind(writer)
                .bind(piece)
                .bind(bytes)
                .execute(pool)
                .await?;
            }
            Database::Sqlite(pool) => {
                sqlx::query(
                    "INSERT INTO projection_history_pieces \
                       (name, version, tx, position, writer, piece, bytes, written_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .bind(&s.name)
                .bind(s.version)
                .bind(s.position.tx)
                .bind(s.position.position)
                .bind(writer)
                .bind(piece)
                .bind(bytes)
                .bind(sqlite_time(Utc::now()))
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    async fn delete_pieces_of(&self, s: &Snapshot, writer: &str) -> Result<(), StoreError> {
        match &self.db {
            Database::Postgres(pool) => {
                sqlx::query(
                    "DELETE FROM projection_history_pieces WHERE name = $1 AND version = $2 \
                     AND tx = $3 AND position = $4 AND writer = $5",
                )
                .bind(&s.name)
                .bind(s.version)
                .bind(s.position.tx)
                .bind(s.position.position)
                .bind(writer)
                .execute(pool)
                .await?;
            }
            Database::Sqlite(pool) => {
                sqlx::query(
                    "DELETE FROM projection_history_pieces WHERE name = ?1 AND version = ?2 \
                     AND tx = ?3 AND position = ?4 AND writer = ?5",
                )
                .bind(&s.name)
                .bind(s.version)
                .bind(s.position.tx)
                .bind(s.position.position)
                .bind(writer)
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    /// The newest entry of `name` in shape `version` that an as-of read bounded by `bound` can
    /// start from, if any, its state unpacked.
    pub async fn before(
        &self,
        name: &str,
        version: i32,
        bound: HistoryBound,
    ) -> Result<Option<HistoryEntry>, StoreError> {
        match self.find(name, version, bound).await? {
            Some(found) => self.read(found).await.map(Some),
            None => Ok(None),
        }
    }

    /// A found place's entry, its state read from its pieces and unpacked.
    pub async fn read(&self, found: FoundPlace) -> Result<HistoryEntry, StoreError> {
        let mut entry = found.entry;
        let started = std::time::Instant::now();
        let pieces = self.read_pieces(&entry.snapshot, &found.writer).await?;
        let fetched = started.elapsed();
        if pieces.len() != usize::try_from(found.pieces).unwrap_or(usize::MAX) {
            return Err(StoreError::Persistence(format!(
                "the history of {} at {} has {} of its {} pieces",
                entry.snapshot.name,
                entry.snapshot.position,
                pieces.len(),
                found.pieces
            )));
        }
        entry.snapshot.state = tokio::task::spawn_blocking(move || Self::unpack(&pieces.concat()))
            .await
            .map_err(|e| StoreError::Persistence(e.to_string()))??;
        tracing::debug!(
            projection = entry.snapshot.name,
            fetched_ms = fetched.as_secs_f64() * 1e3,
            unpacked_ms = (started.elapsed() - fetched).as_secs_f64() * 1e3,
            "history state read"
        );
        Ok(entry)
    }

    /// The place [`Self::before`] would read, without its state.
    pub async fn find(
        &self,
        name: &str,
        version: i32,
        bound: HistoryBound,
    ) -> Result<Option<FoundPlace>, StoreError> {
        const COLUMNS: &str = "SELECT name, version, tx, position, recorded_by, events_applied, \
                               writer, pieces FROM projection_history";
        let (condition_pg, condition_lite) = match bound {
            HistoryBound::Position(_) => (
                "AND (tx, position) <= ($3, $4) ORDER BY tx DESC, position DESC LIMIT 1",
                "AND (tx, position) <= (?3, ?4) ORDER BY tx DESC, position DESC LIMIT 1",
            ),
            HistoryBound::RecordedBy(_) => (
                "AND recorded_by <= $3 ORDER BY recorded_by DESC, tx DESC, position DESC LIMIT 1",
                "AND recorded_by <= ?3 ORDER BY recorded_by DESC, tx DESC, position DESC LIMIT 1",
            ),
        };
        match &self.db {
            Database::Postgres(pool) => {
                let sql = format!("{COLUMNS} WHERE name = $1 AND version = $2 {condition_pg}");
                let query = sqlx::query(&sql).bind(name).bind(version);
                let query = match bound {
                    HistoryBound::Position(at) => query.bind(at.tx).bind(at.position),
                    HistoryBound::RecordedBy(time) => query.bind(time),
                };
                let row = query.fetch_optional(pool).await?;
                row.map(|row| {
                    let recorded_by = row.try_get("recorded_by")?;
                    read_found(&row, recorded_by)
                })
                .transpose()
            }
            Database::Sqlite(pool) => {
                let sql = format!("{COLUMNS} WHERE name = ?1 AND version = ?2 {condition_lite}");
                let query = sqlx::query(&sql).bind(name).bind(version);
                let query = match bound {
                    HistoryBound::Position(at) => query.bind(at.tx).bind(at.position),
                    HistoryBound::RecordedBy(time) => query.bind(sqlite_time(time)),
                };
                let row = query.fetch_optional(pool).await?;
                row.map(|row| {
                    let recorded_by: String = row.try_get("recorded_by")?;
                    read_found(&row, parse_text_time(&recorded_by)?)
                })
                .transpose()
            }
        }
    }

    async fn read_pieces(&self, s: &Snapshot, writer: &str) -> Result<Vec<Vec<u8>>, StoreError> {
        let pieces: Vec<(Vec<u8>,)> =
            match &self.db {
                Database::Postgres(pool) => sqlx::query_as(
                    "SELECT bytes FROM projection_history_pieces WHERE name = $1 AND version = $2 \
                     AND tx = $3 AND position = $4 AND writer = $5 ORDER BY piece",
                )
                .bind(&s.name)
                .bind(s.version)
                .bind(s.position.tx)
                .bind(s.position.position)
                .bind(writer)
                .fetch_all(pool)
                .await?,
                Database::Sqlite(pool) => sqlx::query_as(
                    "SELECT bytes FROM projection_history_pieces WHERE name = ?1 AND version = ?2 \
                     AND tx = ?3 AND position = ?4 AND writer = ?5 ORDER BY piece",
                )
                .bind(&s.name)
                .bind(s.version)
                .bind(s.position.tx)
                .bind(s.position.position)
                .bind(writer)
                .fetch_all(pool)
                .await?,
            };
        Ok(pieces.into_iter().map(|(bytes,)| bytes).collect())
    }

    /// Where the newest place of `name` in shape `version` is, if there is one.
    pub async fn newest(
        &self,
        name: &str,
        version: i32,
    ) -> Result<Option<FeedPosition>, StoreError> {
        let end = FeedPosition {
            tx: i64::MAX,
            position: i64::MAX,
        };
        let found = self
            .find(name, version, HistoryBound::Position(end))
            .await?;
        Ok(found.map(|found| found.entry.snapshot.position))
    }

    /// Every saved place, oldest first in feed order.
    pub async fn places(&self) -> Result<Vec<HistoryPlace>, StoreError> {
        const SQL: &str = "SELECT name, version, tx, position FROM projection_history \
                           ORDER BY tx, position, name";
        let rows: Vec<(String, i32, i64, i64)> = match &self.db {
            Database::Postgres(pool) => sqlx::query_as(SQL).fetch_all(pool).await?,
            Database::Sqlite(pool) => sqlx::query_as(SQL).fetch_all(pool).await?,
        };
        Ok(rows
            .into_iter()
            .map(|(name, version, tx, position)| HistoryPlace {
                name,
                version,
                position: FeedPosition { tx, position },
            })
            .collect())
    }

    /// The entry of `name` in shape `version` at exactly `at`, if saved.
    pub async fn at(
        &self,
        name: &str,
        version: i32,
        at: FeedPosition,
    ) -> Result<Option<HistoryEntry>, StoreError> {
        let found = self.find(name, version, HistoryBound::Position(at)).await?;
        match found {
            Some(found) if found.entry.snapshot.position == at => self.read(found).await.map(Some),
            _ => Ok(None),
        }
    }

    /// Forgets the entries of `name` in any shape but `version` (no binary that reads them runs
    /// beside this one: an older binary refuses the newer schema its own rows belong to), and
    /// pieces no place reads that were written over an hour ago (a writer that died half-way,
    /// or lost a place to another). Answers how many places were forgotten.
    pub async fn forget_other_versions(&self, name: &str, version: i32) -> Result<u64, StoreError> {
        let cutoff = Utc::now() - chrono::Duration::hours(1);
        let done = match &self.db {
            Database::Postgres(pool) => {
                let forgotten =
                    sqlx::query("DELETE FROM projection_history WHERE name = $1 AND version <> $2")
                        .bind(name)
                        .bind(version)
                        .execute(pool)
                        .await?
                        .rows_affected();
                sqlx::query(
                    "DELETE FROM projection_history_pieces p WHERE p.name = $1 \
                     AND (p.version <> $2 OR (p.written_at < $3 AND NOT EXISTS ( \
                       SELECT 1 FROM projection_history h WHERE h.name = p.name \
                       AND h.version = p.version AND h.tx = p.tx AND h.position = p.position \
                       AND h.writer = p.writer)))",
                )
                .bind(name)
                .bind(version)
                .bind(cutoff)
                .execute(pool)
                .await?;
                forgotten
            }
            Database::Sqlite(pool) => {
                let forgotten =
                    sqlx::query("DELETE FROM projection_history WHERE name = ?1 AND version <> ?2")
                        .bind(name)
                        .bind(version)
                        .execute(pool)
                        .await?
                        .rows_affected();
                sqlx::query(
                    "DELETE FROM projection_history_pieces AS p WHERE p.name = ?1 \
                     AND (p.version <> ?2 OR (p.written_at < ?3 AND NOT EXISTS ( \
                       SELECT 1 FROM projection_history h WHERE h.name = p.name \
                       AND h.version = p.version AND h.tx = p.tx AND h.position = p.position \
                       AND h.writer = p.writer)))",
                )
                .bind(name)
                .bind(version)
                .bind(sqlite_time(cutoff))
                .execute(pool)
                .await?;
                forgotten
            }
        };
        Ok(done)
    }
}

fn parse_text_time(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Persistence(format!("projection history time `{text}`: {e}")))
}

fn read_found<R>(row: &R, recorded_by: DateTime<Utc>) -> Result<FoundPlace, StoreError>
where
    R: Row,
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(FoundPlace {
        entry: HistoryEntry {
            snapshot: Snapshot {
                name: row.try_get("name")?,
                version: row.try_get("version")?,
                position: FeedPosition {
                    tx: row.try_get("tx")?,
                    position: row.try_get("position")?,
                },
                events_applied: row.try_get("events_applied")?,
                state: Vec::new(),
            },
            recorded_by,
        },
        writer: row.try_get("writer")?,
        pieces: row.try_get("pieces")?,
    })
}
