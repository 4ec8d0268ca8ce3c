//! Tests of appends committed in groups.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use cqrs_es::persist::{PersistenceError, SerializedEvent};
use serde_json::json;
use sqlx::SqlitePool;

use super::sqlite::watch;
use super::*;
use crate::chain::EventHash;
use crate::idempotency::{AnswerShape, KeyClaim};
use crate::idempotency::{ClaimLost, IdempotentWrite};
use crate::repository::{stream_hashes, StreamAppend};
use crate::testing::TestSqlite;
use crate::writer::{sqlite_turn, Writer};
use crate::{Database, EventRepository};
use crate::{FeedPosition, SessionGuard};

async fn sqlite() -> (TestSqlite, SqlitePool, Arc<EventRepository>) {
    let (file, db) = TestSqlite::migrated().await;
    let Database::Sqlite(pool) = db.clone() else {
        unreachable!("a SQLite test database")
    };
    (file, pool, Arc::new(EventRepository::new(&db)))
}

/// `count` events of stream `id` from sequence `from`, each carrying `tag`.
pub(super) fn events(id: &str, from: usize, count: usize, tag: &str) -> Vec<SerializedEvent> {
    (from..from + count)
        .map(|sequence| SerializedEvent {
            aggregate_id: id.to_owned(),
            sequence,
            aggregate_type: "Tally".to_owned(),
            event_type: "Incremented".to_owned(),
            event_version: "1".to_owned(),
            payload: json!({ "tag": tag }),
            metadata: json!({}),
        })
        .collect()
}

/// The hashes of the events of each of `streams`, each a new stream.
pub(super) fn hashes_of(streams: &[Vec<SerializedEvent>]) -> Vec<Vec<EventHash>> {
    streams
        .iter()
        .map(|events| stream_hashes("Tally", events, EventHash::GENESIS))
        .collect()
}

/// `streams` with their `hashes` ([`hashes_of`]), as what one command appends.
pub(super) fn stream_appends<'a>(
    streams: &'a [Vec<SerializedEvent>],
    hashes: &'a [Vec<EventHash>],
) -> Vec<StreamAppend<'a>> {
    streams
        .iter()
        .zip(hashes)
        .map(|(events, hashes)| StreamAppend {
            aggregate_type: "Tally",
            events,
            hashes,
        })
        .collect()
}

/// Appends `streams` as one command, spawned, so that it queues while the test holds the
/// turn (SQLite's) or the places (PostgreSQL's).
pub(super) fn spawn_append(
    repository: &Arc<EventRepository>,
    streams: Vec<Vec<SerializedEvent>>,
    keyed: Option<IdempotentWrite>,
    session: Option<SessionGuard>,
) -> tokio::task::JoinHandle<Answer> {
    let repository = repository.clone();
    tokio::spawn(async move {
        let hashes = hashes_of(&streams);
        let appends = stream_appends(&streams, &hashes);
        repository
            .append_streams(
                &appends,
                crate::repository::Conditions {
                    keyed: keyed.as_ref(),
                    session: session.as_ref(),
                },
            )
            .await
            .map(|position| position.expect("an append of events has a position"))
    })
}

async fn until_queued(pool: &SqlitePool, count: usize) {
    let queue = Queue::of(pool);
    for _ in 0..500 {
        if queue.waiting().len() == count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{count} appends never queued");
}

async fn stored(pool: &SqlitePool) -> Vec<(i64, String, i64, String)> {
    sqlx::query_as(
        "SELECT position, aggregate_id, sequence, payload ->> '$.tag' FROM events
         ORDER BY position",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

/// 48 commands queued behind a held turn commit in one transaction, each answered with its
/// own position, in the queue's order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_waiting_together_commit_in_one_transaction() {
    let (_file, pool, repository) = sqlite().await;
    let held = sqlite_turn(&pool, Writer::Command).await;
    let mut appends = Vec::new();
    for n in 0..48 {
        let stream = events(&format!("s{n}"), 1, 1, "x");
        appends.push(spawn_append(&repository, vec![stream], None, None));
        until_queued(&pool, n + 1).await;
    }
    let before = Queue::of(&pool).committed.load(Ordering::Relaxed);
    drop(held);
    let mut positions = Vec::new();
    for append in appends {
        positions.push(append.await.unwrap().unwrap().position);
    }
    assert_eq!(positions, (1..=48).collect::<Vec<i64>>());
    assert_eq!(
        Queue::of(&pool).committed.load(Ordering::Relaxed) - before,
        1,
        "one transaction for the 48 appends"
    );
    assert_eq!(stored(&pool).await.len(), 48);
}

/// In one group, a conflicting append and one whose idempotency claim is gone are refused
/// and write nothing, also the rows the conflicting one had written before its clash (a new
/// stream `d`); the appends around them commit whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_append_in_a_group_leaves_the_others_whole() {
    let (_file, pool, repository) = sqlite().await;
    let lost = IdempotentWrite {
        claim: KeyClaim {
            account: domain::values::AccountId::new(),
            key: "never-claimed".into(),
            number: 1,
        },
        answer: AnswerShape::default(),
    };
    let held = sqlite_turn(&pool, Writer::Command).await;
    let queued = [
        (vec![events("a", 1, 2, "first")], None),
        (vec![events("a", 2, 1, "late")], None),
        (
            vec![events("d", 1, 1, "clash"), events("a", 2, 2, "clash")],
            None,
        ),
        (vec![events("b", 1, 2, "claimless")], Some(lost)),
        (vec![events("c", 1, 2, "after")], None),
    ];
    let mut appends = Vec::new();
    for (n, (events, keyed)) in queued.into_iter().enumerate() {
        appends.push(spawn_append(&repository, events, keyed, None));
        until_queued(&pool, n + 1).await;
    }
    drop(held);
    let mut answers = Vec::new();
    for append in appends {
        answers.push(append.await.unwrap());
    }
    assert_eq!(answers[0].as_ref().unwrap().position, 2);
    for clash in [&answers[1], &answers[2]] {
        assert!(matches!(clash, Err(PersistenceError::OptimisticLockError)));
    }
    assert!(matches!(&answers[3], Err(PersistenceError::UnknownError(e)) if e.is::<ClaimLost>()));
    assert_eq!(answers[4].as_ref().unwrap().position, 4);
    let tags: Vec<(String, i64, String)> = stored(&pool)
        .await
        .into_iter()
        .map(|(_, id, sequence, tag)| (id, sequence, tag))
        .collect();
    let expected = [
        ("a", 1, "first"),
        ("a", 2, "first"),
        ("c", 1, "after"),
        ("c", 2, "after"),
    ];
    assert_eq!(
        tags,
        expected.map(|(id, sequence, tag)| (id.to_owned(), sequence, tag.to_owned()))
    );
}

/// A failure that is not a refusal (here a trigger standing for the disk) fails the whole
/// group: every command of it hears of it and nothing of it is stored. The group's
/// connection is replaced, and the next append commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_group_writes_and_acknowledges_none_of_its_appends() {
    let (_file, pool, repository) = sqlite().await;
    sqlx::query(
        "CREATE TRIGGER failing BEFORE INSERT ON events
         WHEN NEW.payload ->> '$.tag' = 'failing'
         BEGIN SELECT RAISE(ABORT, 'the disk failed'); END",
    )
    .execute(&pool)
    .await
    .unwrap();
    let held = sqlite_turn(&pool, Writer::Command).await;
    let queued = [("a", "before"), ("b", "failing"), ("c", "after")];
    let mut appends = Vec::new();
    for (n, (id, tag)) in queued.into_iter().enumerate() {
        appends.push(spawn_append(
            &repository,
            vec![events(id, 1, 2, tag)],
            None,
            None,
        ));
        until_queued(&pool, n + 1).await;
    }
    drop(held);
    for append in appends {
        let answer = append.await.unwrap();
        assert!(
            matches!(&answer, Err(PersistenceError::UnknownError(e))
                if e.to_string().contains("the disk failed")),
            "{answer:?}"
        );
    }
    assert_eq!(stored(&pool).await, []);
    let next = spawn_append(&repository, vec![events("d", 1, 1, "next")], None, None);
    assert_eq!(next.await.unwrap().unwrap().position, 1);
}

/// A command cancelled while its append waits in the queue is never written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_append_cancelled_while_queued_is_never_written() {
    let (_file, pool, repository) = sqlite().await;
    let held = sqlite_turn(&pool, Writer::Command).await;
    let cancelled = spawn_append(
        &repository,
        vec![events("gone", 1, 1, "cancelled")],
        None,
        None,
    );
    until_queued(&pool, 1).await;
    cancelled.abort();
    until_queued(&pool, 0).await;
    let kept = spawn_append(&repository, vec![events("kept", 1, 1, "kept")], None, None);
    until_queued(&pool, 1).await;
    drop(held);
    assert_eq!(kept.await.unwrap().unwrap().position, 1);
    let ids: Vec<String> = stored(&pool).await.into_iter().map(|row| row.1).collect();
    assert_eq!(ids, ["kept"]);
}

/// Holds the first commit it is told of until the test lets it go on, so that the test can
/// queue appends while a group's turn is still held.
struct Pausing {
    paused: std::sync::Mutex<Option<std::sync::mpsc::Receiver<()>>>,
}

impl CommitWatcher for Pausing {
    fn committed(&self, _after: FeedPosition, _events: Vec<crate::RawFeedEvent>) {
        let paused = self.paused.lock().unwrap().take();
        if let Some(go_on) = paused {
            let _ = go_on.recv();
        }
    }
}

/// An append queued while a group is being written is written next in the same turn: a command
/// that asked for the turn before it queued gets the turn only afterwards, and then finds it
/// stored. (Without going on, the turn would pass to that command first, as the file's turn is
/// taken in the order asked.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_append_queued_while_a_group_is_written_is_written_in_the_same_turn() {
    let (_file, pool, repository) = sqlite().await;
    let (go_on, paused) = std::sync::mpsc::channel();
    let pausing = Arc::new(Pausing {
        paused: std::sync::Mutex::new(Some(paused)),
    });
    let watcher: Weak<dyn CommitWatcher> = Arc::<Pausing>::downgrade(&pausing);
    watch(&pool, watcher);
    let held = sqlite_turn(&pool, Writer::Command).await;
    let first = spawn_append(&repository, vec![events("first", 1, 1, "x")], None, None);
    until_queued(&pool, 1).await;
    drop(held);
    // The first group is written and its watcher holds it, turn and all.
    until_queued(&pool, 0).await;
    let asking = {
        let pool = pool.clone();
        tokio::spawn(async move {
            let _turn = sqlite_turn(&pool, Writer::Command).await;
            let ids: Vec<String> = stored(&pool).await.into_iter().map(|row| row.1).collect();
            ids
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let second = spawn_append(&repository, vec![events("second", 1, 1, "x")], None, None);
    until_queued(&pool, 1).await;
    go_on.send(()).unwrap();
    assert_eq!(first.await.unwrap().unwrap().position, 1);
    assert_eq!(second.await.unwrap().unwrap().position, 2);
    assert_eq!(asking.await.unwrap(), ["first", "second"]);
}
