//! Finding the place an as-of read or a start restores from, and reading its state back.

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use sqlx::Row;

use super::{FoundPlace, HistoryBound, HistoryEntry, HistoryPlace, ProjectionHistory, PIECE_BYTES};
use crate::database::on_pool;
use crate::text_time::sqlite_time;
use crate::{Database, FeedPosition, Snapshot, StoreError};

/// The most pieces [`ProjectionHistory::read`] reserves room for before reading them (a state
/// of more grows as it is read).
const MOST_PIECES_RESERVED: usize = 512;

impl ProjectionHistory {
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
        let expected = usize::try_from(found.pieces).unwrap_or(usize::MAX);
        let (packed, pieces) = self
            .read_packed(&entry.snapshot, &found.writer, expected)
            .await?;
        let fetched = started.elapsed();
        if pieces != expected {
            return Err(StoreError::Persistence(format!(
                "the history of {} at {} has {} of its {} pieces",
                entry.snapshot.name, entry.snapshot.position, pieces, found.pieces
            )));
        }
        entry.snapshot.state = tokio::task::spawn_blocking(move || Self::unpack(&packed))
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

    /// A place's packed state: its pieces in order, each copied from its row as it arrives into
    /// one buffer sized for the `expected` pieces, and how many pieces there were. (Reading them
    /// as a vector each and joining them made two copies of every byte: of 29 MB for the map at
    /// 100,000 initiatives.)
    async fn read_packed(
        &self,
        s: &Snapshot,
        writer: &str,
        expected: usize,
    ) -> Result<(Vec<u8>, usize), StoreError> {
        // A damaged row's count must not reserve more than a generous state's worth.
        let mut packed = Vec::with_capacity(expected.min(MOST_PIECES_RESERVED) * PIECE_BYTES);
        let mut pieces = 0;
        on_pool!(&self.db, |pool| {
            let mut rows =
                bind_pieces_of!(sqlx::query(
                "SELECT bytes FROM projection_history_pieces WHERE name = $1 AND version = $2 \
                 AND tx = $3 AND position = $4 AND writer = $5 ORDER BY piece",
            ), s, writer)
                .fetch(pool);
            while let Some(row) = rows.try_next().await? {
                packed.extend_from_slice(row.try_get::<&[u8], _>(0)?);
                pieces += 1;
            }
        });
        Ok((packed, pieces))
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
