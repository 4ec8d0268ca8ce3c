//! Saving places: a state's pieces, then its row; and forgetting what no binary reads.

use chrono::Utc;

use super::{HistoryEntry, ProjectionHistory, FORGET_AT_ONCE, PIECE_BYTES};
use crate::database::{on_pool, UNHURRIED_COMMIT};
use crate::text_time::sqlite_time;
use crate::{Database, Snapshot, StoreError};

/// The end of a PostgreSQL statement writing history, so that its transaction commits without
/// waiting for the disk ([`UNHURRIED_COMMIT`]); `joined_by` is the keyword that adds it to the
/// statement's conditions (`WHERE` or `AND`).
///
/// Every write transaction holds back the feed of every instance's read models while it runs
/// (the feed reads only below the oldest running one, docs/event-store.md), and a commit that
/// waits for the disk keeps it running until its megabyte of WAL is synced. While a keeper
/// saved 21 places, the live tail paused 164.8–256.0 ms in four of fourteen runs of `articula
/// bench history`, and at most 23.2 ms in nine runs without the wait (docs/benchmarks.md).
/// The history is a cache: a power cut may lose the places saved last, which the keeper saves
/// again, and never a place without its pieces, since the log is synced in order and a place's
/// row is written after them.
fn unhurried(joined_by: &str) -> String {
    format!(" {joined_by} {UNHURRIED_COMMIT}")
}

impl ProjectionHistory {
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
        // Either backend's statement: a time stored as each stores it, and on PostgreSQL a
        // commit that does not wait for the disk (see `unhurried`).
        macro_rules! place {
            ($pool:expr, $recorded_by:expr, $now:expr, $unhurried:expr) => {
                sqlx::query(&format!(
                    "INSERT INTO projection_history (name, version, tx, position, recorded_by, \
                       events_applied, writer, pieces, saved_at) \
                     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9{} ON CONFLICT DO NOTHING",
                    $unhurried
                ))
                .bind(&s.name)
                .bind(s.version)
                .bind(s.position.tx)
                .bind(s.position.position)
                .bind($recorded_by)
                .bind(s.events_applied)
                .bind(&writer)
                .bind(count)
                .bind($now)
                .execute($pool)
                .await?
                .rows_affected()
            };
        }
        let written = match &self.db {
            Database::Postgres(pool) => place!(pool, entry.recorded_by, now, unhurried("WHERE")),
            Database::Sqlite(pool) => {
                // A WHERE keeps SQLite from reading ON CONFLICT as part of the SELECT.
                place!(
                    pool,
                    sqlite_time(entry.recorded_by),
                    sqlite_time(now),
                    " WHERE true"
                )
            }
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
        macro_rules! piece {
            ($unhurried:expr) => {
                bind_pieces_of!(
                    sqlx::query(&format!(
                        "INSERT INTO projection_history_pieces \
                           (name, version, tx, position, writer, piece, bytes, written_at) \
                         SELECT $1, $2, $3, $4, $5, $6, $7, $8{}",
                        $unhurried
                    )),
                    s,
                    writer
                )
                .bind(piece)
                .bind(bytes)
            };
        }
        // The differences between the backends: how a time is stored, and how a commit waits.
        let now = Utc::now();
        match &self.db {
            Database::Postgres(pool) => {
                piece!(unhurried("WHERE")).bind(now).execute(pool).await?;
            }
            Database::Sqlite(pool) => {
                piece!("").bind(sqlite_time(now)).execute(pool).await?;
            }
        }
        Ok(())
    }

    async fn delete_pieces_of(&self, s: &Snapshot, writer: &str) -> Result<(), StoreError> {
        on_pool!(&self.db, |pool| {
            bind_pieces_of!(
                sqlx::query(
                    "DELETE FROM projection_history_pieces WHERE name = $1 AND version = $2 \
                 AND tx = $3 AND position = $4 AND writer = $5",
                ),
                s,
                writer
            )
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Forgets the entries of `name` in any shape but `version` (no binary that reads them runs
    /// beside this one: an older binary refuses the newer schema its own rows belong to), and
    /// pieces no place reads that were written over an hour ago (a writer that died half-way,
    /// or lost a place to another). Answers how many places were forgotten.
    ///
    /// The pieces go [`FORGET_AT_ONCE`] per statement, each its own transaction: a write
    /// transaction holds back every instance's read models while it runs (see `unhurried`), and
    /// deleting all of a shape's pieces at once (hundreds of megabytes) would take seconds.
    pub async fn forget_other_versions(&self, name: &str, version: i32) -> Result<u64, StoreError> {
        const PLACES: &str = "DELETE FROM projection_history WHERE name = $1 AND version <> $2";
        const PIECES: &str = "DELETE FROM projection_history_pieces \
             WHERE (name, version, tx, position, writer, piece) IN ( \
               SELECT p.name, p.version, p.tx, p.position, p.writer, p.piece \
               FROM projection_history_pieces AS p WHERE p.name = $1 \
               AND (p.version <> $2 OR (p.written_at < $3 AND NOT EXISTS ( \
                 SELECT 1 FROM projection_history h WHERE h.name = p.name \
                 AND h.version = p.version AND h.tx = p.tx AND h.position = p.position \
                 AND h.writer = p.writer))) \
               LIMIT $4)";
        // On PostgreSQL each batch commits without waiting for the disk, as a save does.
        let pieces_pg = format!("{PIECES}{}", unhurried("AND"));
        let cutoff = Utc::now() - chrono::Duration::hours(1);
        let forgotten = on_pool!(&self.db, |pool| {
            sqlx::query(PLACES)
                .bind(name)
                .bind(version)
                .execute(pool)
                .await?
                .rows_affected()
        });
        let at_once = i64::try_from(FORGET_AT_ONCE).unwrap_or(i64::MAX);
        loop {
            // The differences between the backends: how a time is stored, how a commit waits.
            let deleted = match &self.db {
                Database::Postgres(pool) => {
                    let pieces = sqlx::query(&pieces_pg).bind(name).bind(version);
                    let pieces = pieces.bind(cutoff);
                    pieces.bind(at_once).execute(pool).await?.rows_affected()
                }
                Database::Sqlite(pool) => {
                    let pieces = sqlx::query(PIECES).bind(name).bind(version);
                    let pieces = pieces.bind(sqlite_time(cutoff)).bind(at_once);
                    pieces.execute(pool).await?.rows_affected()
                }
            };
            if deleted < FORGET_AT_ONCE {
                return Ok(forgotten);
            }
        }
    }
}
