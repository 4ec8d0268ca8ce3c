//! Many small reads of one kind, made at the same time, answered by one query.
//!
//! Under load, dozens of requests each ask PostgreSQL one tiny question (a stream's version, a
//! session) at once. Every round trip costs both processes parsing, planning, TLS and a wake-up;
//! asking for all of them in one statement costs little more than asking for one.
//! [`Coalesced::get`] queues a key and waits; a runner task takes everything queued, runs one
//! query for it, answers each, and repeats while keys keep arriving.
//!
//! **A read never answers from before it was asked.** A key is answered only by a query that
//! started after the key was queued (the runner takes the queue, then queries), so a read made
//! after a write committed sees that write, on any instance, exactly as its own query would.
//!
//! The runner is a task of its own, not one of the waiting requests: a request that is dropped
//! (its client went away, a timeout) cannot leave the others waiting on a query nobody drives.
//! Hand-written rather than the `dataloader` crate because of these two rules: that crate runs a
//! batch inside whichever caller's future gets there first, and starts it after a number of
//! yields rather than as soon as the previous query ends.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures::future::BoxFuture;
use sqlx::{PgConnection, PgPool};
use tokio::sync::oneshot;

use crate::held::HeldConnection;

/// Why a batch got no answer, shared by every key of the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BatchError {
    /// The database is away (see `error::is_unavailable`): worth retrying shortly.
    pub unavailable: bool,
    pub message: String,
}

impl From<sqlx::Error> for BatchError {
    fn from(error: sqlx::Error) -> Self {
        Self {
            unavailable: crate::error::is_unavailable(&error),
            message: error.to_string(),
        }
    }
}

type Answer<V> = Result<V, BatchError>;
type BatchFuture<V> = Pin<Box<dyn Future<Output = Result<Vec<V>, BatchError>> + Send>>;
/// Answers a batch of keys, one value per key, in the keys' order.
type Query<K, V> = dyn Fn(Vec<K>) -> BatchFuture<V> + Send + Sync;

/// Reads of `K` answered together (see the module's documentation).
pub(crate) struct Coalesced<K, V> {
    shared: Arc<Shared<K, V>>,
}

impl<K, V> Clone for Coalesced<K, V> {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
        }
    }
}

struct Shared<K, V> {
    queue: Mutex<Queue<K, V>>,
    query: Box<Query<K, V>>,
    /// The most keys one query asks for; the rest wait for the next.
    most: usize,
}

struct Queue<K, V> {
    waiting: Vec<(K, oneshot::Sender<Answer<V>>)>,
    running: bool,
}

impl<K: Send + 'static, V: Send + 'static> Coalesced<K, V> {
    pub fn new<F, Fut>(most: usize, query: F) -> Self
    where
        F: Fn(Vec<K>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<V>, BatchError>> + Send + 'static,
    {
        Self {
            shared: Arc::new(Shared {
                queue: Mutex::new(Queue {
                    waiting: Vec::new(),
                    running: false,
                }),
                query: Box::new(move |keys| Box::pin(query(keys))),
                most: most.max(1),
            }),
        }
    }

    /// The value for `key`, read by a query that starts after this call.
    pub async fn get(&self, key: K) -> Answer<V> {
        let (answer, answered) = oneshot::channel();
        let start = {
            let mut queue = self.shared.lock();
            queue.waiting.push((key, answer));
            !std::mem::replace(&mut queue.running, true)
        };
        if start {
            tokio::spawn(run(self.shared.clone()));
        }
        answered.await.unwrap_or_else(|_| {
            Err(BatchError {
                unavailable: false,
                message: "the read was abandoned before it was answered".into(),
            })
        })
    }
}

impl<K: Send + 'static, V: Send + 'static> Coalesced<K, V> {
    /// Reads answered on PostgreSQL by `query`, on a connection of their own beside `pool` that
    /// plans its statements once ([`PlannedOnce`]).
    pub fn on_postgres<F>(most: usize, pool: &PgPool, query: F) -> Self
    where
        F: for<'c> Fn(&'c mut PgConnection, Vec<K>) -> BoxFuture<'c, Result<Vec<V>, sqlx::Error>>
            + Send
            + Sync
            + 'static,
    {
        let lookups = Arc::new(PlannedOnce::beside(pool));
        let query = Arc::new(query);
        Self::new(most, move |keys| {
            let (lookups, query) = (lookups.clone(), query.clone());
            async move {
                Ok(lookups
                    .run(move |connection| query(connection, keys))
                    .await?)
            }
        })
    }
}

/// A connection of its own beside a pool for one kind of coalesced lookup, whose statements
/// PostgreSQL plans once (`plan_cache_mode = force_generic_plan`) instead of for every query.
///
/// A lookup that reads `unnest($1)` gets a custom plan every time: the generic plan assumes ten
/// keys, so it never looks cheaper than a plan for the one key a quiet moment asks for. Planning
/// took 0.1–0.2 ms of PostgreSQL's time per query, several times the query's own 0.02–0.05 ms
/// (docs/benchmarks.md). The generic plan is the same index lookup per key. Only these
/// point lookups get it: elsewhere a plan made for the actual values can be far better.
///
/// One connection, since a coalesced lookup runs one query at a time: opened when first used,
/// with the pool's wait for a connection, and kept ([`HeldConnection`]), so that a lookup is one
/// round trip.
struct PlannedOnce {
    beside: PgPool,
    own: HeldConnection,
}

impl PlannedOnce {
    fn beside(pool: &PgPool) -> Self {
        let options = (*pool.connect_options())
            .clone()
            .options([("plan_cache_mode", "force_generic_plan")]);
        let own = crate::database::postgres_pool_options()
            .max_connections(1)
            .acquire_timeout(pool.options().get_acquire_timeout())
            .connect_lazy_with(options);
        Self {
            beside: pool.clone(),
            own: HeldConnection::of(&own),
        }
    }

    /// Runs `lookup` on the connection, unless the pool it is beside was closed: a closed
    /// database answers no lookup either.
    async fn run<T, F>(&self, lookup: F) -> Result<T, sqlx::Error>
    where
        F: for<'c> FnOnce(&'c mut PgConnection) -> BoxFuture<'c, Result<T, sqlx::Error>>,
    {
        if self.beside.is_closed() {
            return Err(sqlx::Error::PoolClosed);
        }
        self.own.run(lookup).await
    }
}

impl<K, V> Shared<K, V> {
    fn lock(&self) -> MutexGuard<'_, Queue<K, V>> {
        // Every change under the lock is a single push, take or flag: never half done.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Answers batches until the queue is empty.
async fn run<K, V>(shared: Arc<Shared<K, V>>) {
    let mut stopped = Stopped {
        shared: &shared,
        cleanly: false,
    };
    loop {
        let batch: Vec<_> = {
            let mut queue = shared.lock();
            if queue.waiting.is_empty() {
                queue.running = false;
                stopped.cleanly = true;
                return;
            }
            let end = queue.waiting.len().min(shared.most);
            queue.waiting.drain(..end).collect()
        };
        let (keys, answers): (Vec<K>, Vec<_>) = batch.into_iter().unzip();
        let asked = keys.len();
        let values = (shared.query)(keys).await.and_then(|values| {
            if values.len() == asked {
                Ok(values)
            } else {
                Err(BatchError {
                    unavailable: false,
                    message: format!("a batch of {asked} reads got {} answers", values.len()),
                })
            }
        });
        // A waiter that went away needs no answer.
        match values {
            Ok(values) => {
                for (answer, value) in answers.into_iter().zip(values) {
                    let _ = answer.send(Ok(value));
                }
            }
            Err(error) => {
                for answer in answers {
                    let _ = answer.send(Err(error.clone()));
                }
            }
        }
    }
}

/// If the runner ends other than by finding the queue empty (a panic in the query, the runtime
/// shutting down), the queue must not stay marked as running with nobody to run it: the waiting
/// keys are answered with an error (their senders dropped) and the next key starts a new runner.
struct Stopped<'a, K, V> {
    shared: &'a Shared<K, V>,
    cleanly: bool,
}

impl<K, V> Drop for Stopped<'_, K, V> {
    fn drop(&mut self) {
        if !self.cleanly {
            let mut queue = self.shared.lock();
            queue.waiting.clear();
            queue.running = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn reads_made_together_share_queries_and_each_gets_its_own_answer() {
        let queries = Arc::new(AtomicUsize::new(0));
        let counted = queries.clone();
        let doubled = Arc::new(Coalesced::new(8, move |keys: Vec<u32>| {
            counted.fetch_add(1, Ordering::SeqCst);
            async move {
                tokio::time::sleep(Duration::from_millis(5)).await;
                Ok(keys.into_iter().map(|k| k * 2).collect())
            }
        }));
        let reads: Vec<_> = (0..40u32)
            .map(|k| {
                let doubled = doubled.clone();
                tokio::spawn(async move { (k, doubled.get(k).await) })
            })
            .collect();
        for read in reads {
            let (k, answer) = read.await.unwrap();
            assert_eq!(answer, Ok(k * 2));
        }
        let made = queries.load(Ordering::SeqCst);
        assert!((5..40).contains(&made), "40 reads took {made} queries");
    }

    #[tokio::test]
    async fn a_key_queued_while_a_query_runs_waits_for_the_next_query() {
        // The first query is held until the second key is queued: the second key must not be
        // answered by the query that started before it was asked.
        let (release, held) = tokio::sync::watch::channel(false);
        let started = Arc::new(AtomicUsize::new(0));
        let counted = started.clone();
        let reads = Arc::new(Coalesced::new(8, move |keys: Vec<u32>| {
            let query = counted.fetch_add(1, Ordering::SeqCst);
            let mut held = held.clone();
            async move {
                if query == 0 {
                    let _ = held.wait_for(|go| *go).await;
                }
                Ok(keys.into_iter().map(|_| query).collect())
            }
        }));
        let first = tokio::spawn({
            let reads = reads.clone();
            async move { reads.get(1).await }
        });
        while started.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        let second = tokio::spawn({
            let reads = reads.clone();
            async move { reads.get(2).await }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        release.send(true).unwrap();
        assert_eq!(first.await.unwrap(), Ok(0));
        assert_eq!(second.await.unwrap(), Ok(1));
    }

    #[tokio::test]
    async fn a_failed_query_fails_its_batch_and_the_next_read_queries_again() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let reads = Coalesced::new(8, move |keys: Vec<u32>| {
            let call = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                match call {
                    0 => Err(BatchError {
                        unavailable: true,
                        message: "connection refused".into(),
                    }),
                    1 => panic!("a query that panics"),
                    _ => Ok(keys),
                }
            }
        });
        let failed = reads.get(7).await.unwrap_err();
        assert!(failed.unavailable, "{failed:?}");
        assert!(
            reads.get(8).await.is_err(),
            "the panicking query answers an error"
        );
        assert_eq!(
            reads.get(9).await,
            Ok(9),
            "a new runner starts after a panic"
        );
    }

    /// The lookups' own connection plans once and is kept from one lookup to the next, the pool
    /// beside it keeps PostgreSQL's choice, and closing that pool closes the lookups.
    #[tokio::test]
    async fn a_lookup_connection_plans_its_statements_once() {
        let db = crate::testing::TestPostgres::create().await;
        let pool = PgPool::connect(&db.url).await.unwrap();
        let lookups = PlannedOnce::beside(&pool);
        let ask = |sql: &'static str| {
            lookups.run(move |connection| {
                Box::pin(sqlx::query_scalar::<_, String>(sql).fetch_one(connection))
            })
        };
        assert_eq!(
            ask("SHOW plan_cache_mode").await.unwrap(),
            "force_generic_plan"
        );
        let backend = "SELECT pg_backend_pid()::text";
        assert_eq!(ask(backend).await.unwrap(), ask(backend).await.unwrap());
        let mode: String = sqlx::query_scalar("SHOW plan_cache_mode")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(mode, "auto");
        // Closing the database closes its lookups.
        pool.close().await;
        assert!(matches!(ask(backend).await, Err(sqlx::Error::PoolClosed)));
    }
}
