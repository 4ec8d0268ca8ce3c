//! What a watcher of a SQLite file's appends is told, against the feed as read back.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::Barrier;

use super::CommitWatcher;
use crate::feed::{Feed, FeedPosition, RawFeedEvent};
use crate::group_commit::postgres::PgAppends;
use crate::group_commit::sqlite::watch;
use crate::group_commit::tests::{events, spawn_append};
use crate::testing::{TestPostgres, TestSqlite};
use crate::{Database, EventRepository};

/// Keeps everything it is told.
#[derive(Default)]
struct Recorder(Mutex<Vec<(FeedPosition, Vec<RawFeedEvent>)>>);

impl CommitWatcher for Recorder {
    fn committed(&self, after: FeedPosition, events: Vec<RawFeedEvent>) {
        self.0.lock().unwrap().push((after, events));
    }
}

/// A fresh SQLite database, a repository appending to it, and a recorder watching its appends.
async fn watched_sqlite() -> (
    TestSqlite,
    Database,
    sqlx::SqlitePool,
    Arc<EventRepository>,
    Arc<Recorder>,
) {
    let (file, db) = TestSqlite::migrated().await;
    let Database::Sqlite(pool) = db.clone() else {
        unreachable!("a SQLite test database")
    };
    let repository = Arc::new(EventRepository::new(&db));
    let recorder = Arc::new(Recorder::default());
    let watcher: Weak<dyn CommitWatcher> = Arc::<Recorder>::downgrade(&recorder);
    watch(&pool, watcher);
    (file, db, pool, repository, recorder)
}

/// Rows written to the file by another writer than this process's appends (as another
/// process would write them), one transaction each, while the appends run.
fn foreign_writer(file: std::path::PathBuf, rows: usize) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let connection = rusqlite::Connection::open(file).unwrap();
        connection.busy_timeout(Duration::from_secs(10)).unwrap();
        for n in 0..rows {
            connection
                .execute(
                    "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                                         event_version, payload, metadata)
                     VALUES ('Tally', ?1, 1, 'Incremented', '1', '{\"tag\":\"foreign\"}', '{}')",
                    [format!("foreign-{n}")],
                )
                .unwrap();
            std::thread::sleep(Duration::from_micros(300));
        }
    })
}

/// 33 writers' commands released together, one of them conflicting, while another writer writes rows
/// of its own: each commit is told with exactly the rows the feed reads back for it (place,
/// stream, payload, time) and the place of the feed's event right before them, so a read model
/// that has applied up to that place may apply them and miss nothing. The other writer's rows
/// are never told (they come through the feed), and neither are the conflicting command's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_watcher_is_told_each_commit_as_the_feed_reads_it_back() {
    let (file, db, _pool, repository, recorder) = watched_sqlite().await;
    let foreign = foreign_writer(file.dir.path().join("articula.db"), 200);
    let start = Arc::new(Barrier::new(33));
    let mut appends = Vec::new();
    for n in 0..33 {
        let start = start.clone();
        let repository = repository.clone();
        appends.push(tokio::spawn(async move {
            start.wait().await;
            let mut answers = Vec::new();
            // The 33rd writes once, the first events of the first one's stream: one of the two
            // is refused, whichever comes second.
            let (id, rounds) = if n == 32 { (0, 1) } else { (n, 8) };
            for round in 0..rounds {
                let stream = events(&format!("s{id}"), 2 * round + 1, 2, "ours");
                let append = spawn_append(&repository, vec![stream], None, None);
                answers.push(append.await.unwrap());
            }
            answers
        }));
    }
    let (mut acknowledged, mut refused) = (0, 0);
    for append in appends {
        for answer in append.await.unwrap() {
            match answer {
                Ok(_) => acknowledged += 1,
                Err(_) => refused += 1,
            }
        }
    }
    foreign.join().unwrap();
    assert_eq!(refused, 1, "the conflicting command is refused");

    let feed = whole_feed(&db, 2 * acknowledged + 200).await;
    let told_events = check_told(&recorder, &feed);
    assert_eq!(
        told_events,
        2 * acknowledged,
        "every acknowledged append told"
    );
}

/// The whole feed once it holds `rows` events (on PostgreSQL, a transaction still open anywhere
/// on the server, another test's included, holds later events back a moment).
async fn whole_feed(db: &Database, rows: usize) -> Vec<RawFeedEvent> {
    let feed = Feed::new(
        db.clone(),
        tokio::sync::watch::channel(Default::default()).1,
    );
    for _ in 0..1000 {
        let read = feed
            .read_raw_after(FeedPosition::START, 100_000)
            .await
            .unwrap();
        if read.len() >= rows {
            assert_eq!(read.len(), rows, "no more events than written");
            return read;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the feed never held {rows} events");
}

/// Checks each commit `recorder` was told against `feed`, the whole feed read back: its events
/// are the feed's, whole and with nothing between them, right after the place told. Returns
/// how many events were told.
fn check_told(recorder: &Recorder, feed: &[RawFeedEvent]) -> usize {
    let told = recorder.0.lock().unwrap();
    let mut told_events = 0;
    for (after, events) in told.iter() {
        let first = feed
            .iter()
            .position(|e| e.feed_position() == events[0].feed_position())
            .expect("a told event is in the feed");
        let before = first
            .checked_sub(1)
            .map_or(FeedPosition::START, |i| feed[i].feed_position());
        assert_eq!(*after, before, "told after the feed's event before them");
        assert_eq!(
            events[..],
            feed[first..first + events.len()],
            "told as the feed reads them back, with nothing between them"
        );
        assert!(events.iter().all(|e| e.aggregate_id.starts_with('s')));
        told_events += events.len();
    }
    told_events
}

/// Rows written to the feed by another writer on PostgreSQL, each in a transaction held open a
/// moment, as another process's would be, until `stop`.
fn foreign_postgres_writer(
    pool: sqlx::PgPool,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> tokio::task::JoinHandle<usize> {
    tokio::spawn(async move {
        let mut written = 0;
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            let mut transaction = pool.begin().await.unwrap();
            sqlx::query(
                "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                                     event_version, payload, metadata)
                 VALUES ('Tally', $1, 1, 'Incremented', '1', '{\"tag\":\"foreign\"}', '{}')",
            )
            .bind(format!("foreign-{written}"))
            .execute(&mut *transaction)
            .await
            .unwrap();
            tokio::time::sleep(Duration::from_millis(1)).await;
            transaction.commit().await.unwrap();
            written += 1;
        }
        written
    })
}

/// On PostgreSQL, 16 writers' commands released together, alone and in groups, while another
/// writer's transactions come and go: whatever is told is exactly the feed after the place
/// told. A statement that cannot show that no transaction was open when it ran tells nothing,
/// so not every commit is told here; commands written afterwards with no other writer are told
/// (another test's transaction on the same server can still stop one from being told, hence
/// the tries).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_postgres_only_what_nothing_can_come_before_is_told() {
    let (_server, db) = TestPostgres::migrated().await;
    let Database::Postgres(pool) = db.clone() else {
        unreachable!("a PostgreSQL test database")
    };
    let appends = PgAppends::on(&pool);
    let repository = Arc::new(EventRepository::appending(&db, appends.clone()));
    let recorder = Arc::new(Recorder::default());
    let watcher: Weak<dyn CommitWatcher> = Arc::<Recorder>::downgrade(&recorder);
    appends.watch(watcher);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let foreign = foreign_postgres_writer(pool.clone(), stop.clone());
    let start = Arc::new(Barrier::new(16));
    let mut writers = Vec::new();
    for n in 0..16 {
        let (start, repository) = (start.clone(), repository.clone());
        writers.push(tokio::spawn(async move {
            start.wait().await;
            for round in 0..8 {
                let stream = events(&format!("s{n}"), 2 * round + 1, 2, "ours");
                let append = spawn_append(&repository, vec![stream], None, None);
                append.await.unwrap().unwrap();
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let foreign_rows = foreign.await.unwrap();
    let written = 16 * 8 * 2 + foreign_rows;
    let told_while_busy = check_told(&recorder, &whole_feed(&db, written).await);
    // Up to about half a minute: a test elsewhere on the server may hold a transaction open.
    for try_number in 1..=1500 {
        let stream = events(&format!("s-alone-{try_number}"), 1, 1, "ours");
        spawn_append(&repository, vec![stream], None, None)
            .await
            .unwrap()
            .unwrap();
        let feed = whole_feed(&db, written + try_number).await;
        if check_told(&recorder, &feed) > told_while_busy {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no command written alone was told");
}

/// A watcher dropped is no longer told, and appends go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_watcher_is_forgotten() {
    let (_file, _db, pool, repository, recorder) = watched_sqlite().await;
    spawn_append(&repository, vec![events("a", 1, 1, "x")], None, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(recorder.0.lock().unwrap().len(), 1);
    let queue = crate::group_commit::Queue::of(&pool);
    drop(recorder);
    assert!(!queue.watchers.any());
    spawn_append(&repository, vec![events("a", 2, 1, "x")], None, None)
        .await
        .unwrap()
        .unwrap();
}
