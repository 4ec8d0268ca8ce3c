//! One connection of a PostgreSQL pool, kept by one worker between its statements.
//!
//! sqlx tests every connection that goes back to its pool with a round trip (`Sync`, then
//! `ReadyForQuery`; unconditional in sqlx 0.8), so a statement run on the pool costs two round
//! trips. The workers that run one statement after another for the life of the process (a
//! follower of the feed, a coalesced lookup, the announcer of commits) keep a connection instead:
//! one round trip per statement. (Appends, which many requests make at once, park theirs:
//! [`crate::parked`].)
//!
//! The connection is taken out of the pool (`detach`): the pool opens another in its place when
//! asked, and closing the pool does not wait for a connection that a worker keeps for the life
//! of the process. A kept connection is tested as the pool tests one it hands out
//! ([`TEST_WHEN_IDLE_FOR`]); one whose statement failed is closed, and the next statement takes
//! another. Once the pool is closed nothing runs here either.

use std::sync::Arc;
use std::time::Instant;

use futures::future::BoxFuture;
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::Mutex;

use crate::database::TEST_WHEN_IDLE_FOR;
use crate::Database;

/// A connection taken from `pool` once and kept (see the module's documentation).
pub(crate) struct HeldConnection {
    pool: PgPool,
    held: Mutex<Option<Held>>,
}

struct Held {
    connection: PgConnection,
    used: Instant,
}

/// Runs `work` on `kept` when there is one, else on a connection of `pool` taken for this
/// statement alone (and tested when it goes back, as any statement on the pool).
pub(crate) async fn on_kept_or_pool<T, E, F>(
    kept: Option<&HeldConnection>,
    pool: &PgPool,
    work: F,
) -> Result<T, E>
where
    F: for<'c> FnOnce(&'c mut PgConnection) -> BoxFuture<'c, Result<T, E>>,
    E: From<sqlx::Error>,
{
    match kept {
        Some(kept) => kept.run(work).await,
        None => {
            let mut connection = pool.acquire().await?;
            work(&mut connection).await
        }
    }
}

impl HeldConnection {
    /// A connection for a worker on `db` to keep, on PostgreSQL (on SQLite, writers keep theirs
    /// in `crate::writer` and reads stay on the pool).
    pub(crate) fn for_worker(db: &Database) -> Option<Arc<Self>> {
        match db {
            Database::Postgres(pool) => Some(Arc::new(Self::of(pool))),
            Database::Sqlite(_) => None,
        }
    }

    /// Nothing is taken from `pool` until the first statement.
    pub(crate) fn of(pool: &PgPool) -> Self {
        Self {
            pool: pool.clone(),
            held: Mutex::new(None),
        }
    }

    /// Runs `work` on the kept connection, taking one from the pool first if none is kept.
    pub(crate) async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: for<'c> FnOnce(&'c mut PgConnection) -> BoxFuture<'c, Result<T, E>>,
        E: From<sqlx::Error>,
    {
        let mut held = self.held.lock().await;
        if self.pool.is_closed() {
            *held = None;
            return Err(sqlx::Error::PoolClosed.into());
        }
        if let Some(kept) = held.as_mut() {
            if kept.used.elapsed() > TEST_WHEN_IDLE_FOR && kept.connection.ping().await.is_err() {
                *held = None;
            }
        }
        let kept = match held.take() {
            Some(kept) => held.insert(kept),
            None => held.insert(Held {
                connection: self.pool.acquire().await?.detach(),
                used: Instant::now(),
            }),
        };
        let result = work(&mut kept.connection).await;
        kept.used = Instant::now();
        if result.is_err() {
            *held = None;
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestPostgres;

    async fn backend_pid(held: &HeldConnection) -> Result<i32, sqlx::Error> {
        held.run(|connection| {
            Box::pin(sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(connection))
        })
        .await
    }

    #[tokio::test]
    async fn statements_share_one_connection_until_one_fails() {
        let db = TestPostgres::create().await;
        let pool = PgPool::connect(&db.url).await.unwrap();
        let other = PgPool::connect(&db.url).await.unwrap();
        let held = HeldConnection::of(&pool);
        let first = backend_pid(&held).await.unwrap();
        assert_eq!(backend_pid(&held).await.unwrap(), first);
        assert_eq!(pool.size(), 0, "the kept connection is out of the pool");

        // Its server process ends: the next statement fails, and the one after takes another.
        let ended: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
            .bind(first)
            .fetch_one(&other)
            .await
            .unwrap();
        assert!(ended);
        // The connection was just used, so it is not tested first: its statement fails.
        assert!(backend_pid(&held).await.is_err());
        let second = backend_pid(&held).await.unwrap();
        assert_ne!(second, first);

        // Closing the pool does not wait for the kept connection, and closes it for statements.
        tokio::time::timeout(std::time::Duration::from_secs(5), pool.close())
            .await
            .expect("closing the pool waits for no kept connection");
        assert!(matches!(
            backend_pid(&held).await,
            Err(sqlx::Error::PoolClosed)
        ));
    }
}
