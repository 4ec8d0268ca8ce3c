//! The database side of an import: one transaction in which the store is checked to be empty,
//! events and their global chain links are inserted in batches, and which commits only when the
//! whole file has been checked a second time.

use sqlx::{Postgres, Sqlite, Transaction};

use super::check::Checked;
use super::TransferError;
use crate::chain::read::sqlite_time;
use crate::chain::seal::{write_links_in, write_links_sqlite};
use crate::Database;

/// Rows per insert statement on PostgreSQL (one array per column).
pub(crate) const BATCH: usize = 5_000;

pub(crate) enum Sink {
    Postgres {
        tx: Transaction<'static, Postgres>,
        /// This transaction's id: what the imported events' `tx_id` defaults to, and so their
        /// links' `tx`.
        xact: i64,
    },
    Sqlite(Transaction<'static, Sqlite>),
}

/// Refuses a store that holds anything an import would have to merge with.
pub(crate) async fn ensure_empty(db: &Database) -> Result<(), TransferError> {
    let counts = match db {
        Database::Postgres(pool) => occupied(&mut *pool.acquire().await?).await?,
        Database::Sqlite(pool) => occupied_sqlite(&mut *pool.acquire().await?).await?,
    };
    refuse_unless_empty(counts)
}

impl Sink {
    /// Begins the transaction and takes the write locks, then checks again that the store is
    /// empty (another process could have written since the first look).
    pub(crate) async fn begin(db: &Database) -> Result<Self, TransferError> {
        match db {
            Database::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                // Readers go on; writers (a server started too early) wait for the commit.
                sqlx::query(
                    "LOCK TABLE events, event_chain, projection_snapshots IN EXCLUSIVE MODE",
                )
                .execute(&mut *tx)
                .await?;
                refuse_unless_empty(occupied(&mut tx).await?)?;
                let xact: i64 = sqlx::query_scalar("SELECT pg_current_xact_id()::text::bigint")
                    .fetch_one(&mut *tx)
                    .await?;
                Ok(Self::Postgres { tx, xact })
            }
            Database::Sqlite(pool) => {
                // IMMEDIATE takes the write lock now, not at the first insert.
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                refuse_unless_empty(occupied_sqlite(&mut tx).await?)?;
                Ok(Self::Sqlite(tx))
            }
        }
    }

    /// Inserts events (with the positions they carry) and their links.
    pub(crate) async fn insert(&mut self, batch: &[Checked]) -> Result<(), TransferError> {
        if batch.is_empty() {
            return Ok(());
        }
        let positions: Vec<i64> = batch.iter().map(|c| c.event.position).collect();
        let links: Vec<Vec<u8>> = batch.iter().map(|c| c.link.as_bytes().to_vec()).collect();
        match self {
            Self::Postgres { tx, xact } => {
                insert_postgres(tx, batch, &positions).await?;
                let txs = vec![*xact; batch.len()];
                write_links_in(&mut **tx, &positions, &txs, &links, false).await?;
            }
            Self::Sqlite(tx) => {
                for checked in batch {
                    let event = &checked.event;
                    sqlx::query(
                        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                             event_version, payload, metadata, position, recorded_at, hash)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    )
                    .bind(&event.aggregate_type)
                    .bind(&event.aggregate_id)
                    .bind(event.sequence)
                    .bind(&event.event_type)
                    .bind(&event.event_version)
                    .bind(&event.payload)
                    .bind(&event.metadata)
                    .bind(event.position)
                    .bind(sqlite_time(event.recorded_at))
                    .bind(&checked.hash.as_bytes()[..])
                    .execute(&mut **tx)
                    .await?;
                }
                let txs = vec![0; batch.len()];
                write_links_sqlite(tx, &positions, &txs, &links).await?;
            }
        }
        Ok(())
    }

    /// Moves the position counter past the imported positions and commits.
    /// Commits, after moving the notifier's checkpoint to the last imported event: the imported
    /// history was news where it was written, not here, so it sends no mail.
    pub(crate) async fn commit(self, last_position: Option<i64>) -> Result<(), TransferError> {
        match self {
            Self::Postgres { mut tx, .. } => {
                if let Some(last) = last_position {
                    sqlx::query("SELECT setval(pg_get_serial_sequence('events', 'position'), $1)")
                        .bind(last)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query(
                    "UPDATE notifier_checkpoint SET tx = last.tx_id, position = last.position
                     FROM (SELECT tx_id, position FROM events
                           ORDER BY tx_id DESC, position DESC LIMIT 1) AS last
                     WHERE name = 'notifier'",
                )
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
            // SQLite's trigger numbers new events from the highest stored position.
            Self::Sqlite(mut tx) => {
                sqlx::query(
                    "UPDATE notifier_checkpoint SET tx = 0, position = (SELECT max(position) FROM events)
                     WHERE name = 'notifier' AND EXISTS (SELECT 1 FROM events)",
                )
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    pub(crate) async fn rollback(self) {
        let rolled_back = match self {
            Self::Postgres { tx, .. } => tx.rollback().await,
            Self::Sqlite(tx) => tx.rollback().await,
        };
        if let Err(error) = rolled_back {
            // The transaction ends with the connection anyway; nothing was committed.
            tracing::warn!(%error, "rolling back the import failed");
        }
    }
}

async fn insert_postgres(
    tx: &mut Transaction<'static, Postgres>,
    batch: &[Checked],
    positions: &[i64],
) -> Result<(), sqlx::Error> {
    let column = |f: fn(&Checked) -> &str| batch.iter().map(f).collect::<Vec<&str>>();
    let sequences: Vec<i64> = batch.iter().map(|c| c.event.sequence).collect();
    let recorded: Vec<chrono::DateTime<chrono::Utc>> =
        batch.iter().map(|c| c.event.recorded_at).collect();
    let hashes: Vec<Vec<u8>> = batch.iter().map(|c| c.hash.as_bytes().to_vec()).collect();
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
             payload, metadata, position, recorded_at, hash)
         OVERRIDING SYSTEM VALUE
         SELECT t.aggregate_type, t.aggregate_id, t.sequence, t.event_type, t.event_version,
                t.payload::json, t.metadata::json, t.position, t.recorded_at, t.hash
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::bigint[], $9::timestamptz[], $10::bytea[])
              AS t(aggregate_type, aggregate_id, sequence, event_type, event_version, payload,
                   metadata, position, recorded_at, hash)",
    )
    .bind(column(|c| &c.event.aggregate_type))
    .bind(column(|c| &c.event.aggregate_id))
    .bind(sequences)
    .bind(column(|c| &c.event.event_type))
    .bind(column(|c| &c.event.event_version))
    .bind(column(|c| &c.event.payload))
    .bind(column(|c| &c.event.metadata))
    .bind(positions)
    .bind(recorded)
    .bind(hashes)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Rows in the tables an import fills: events, global chain links, projection snapshots.
type Occupied = (i64, i64, i64);

const OCCUPIED: &str = "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_chain),
                               (SELECT count(*) FROM projection_snapshots)";

async fn occupied(conn: &mut sqlx::PgConnection) -> Result<Occupied, sqlx::Error> {
    sqlx::query_as(OCCUPIED).fetch_one(conn).await
}

async fn occupied_sqlite(conn: &mut sqlx::SqliteConnection) -> Result<Occupied, sqlx::Error> {
    sqlx::query_as(OCCUPIED).fetch_one(conn).await
}

fn refuse_unless_empty((events, links, snapshots): Occupied) -> Result<(), TransferError> {
    let held: Vec<String> = [
        (events, "events"),
        (links, "links of the global chain"),
        (snapshots, "projection snapshots"),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, what)| format!("{count} {what}"))
    .collect();
    if held.is_empty() {
        return Ok(());
    }
    Err(TransferError::Refused(format!(
        "the store is not empty (it holds {}): an import only loads into an empty store. Point \
         DATABASE_URL at a new database (or a new SQLite file) and run `articula migrate` first",
        held.join(", ")
    )))
}
