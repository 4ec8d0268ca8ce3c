//! A reader for a follower that is told of this process's commits as they are made
//! (`FeedReader::passing_over`): it does not read back what the follower has applied, and still
//! reads everything else: rows another writer put in the feed, and other processes' commits.

use std::sync::{Arc, Weak};
use std::time::Duration;

use domain::bench::{Tally, TallyCommand};
use store::{
    on_both_backends, CommandBus, CommitWatcher, Database, EventLog, EventMetadata, FeedPosition,
    FeedReader, RawFeedEvent,
};
use tokio::sync::watch;

/// Applies what it is told when it has everything before it, as the read models do
/// (`projections::engine::committed`); `has` is where it has applied everything up to.
struct Applying {
    has: watch::Sender<FeedPosition>,
}

impl CommitWatcher for Applying {
    fn committed(&self, after: FeedPosition, events: Vec<RawFeedEvent>) {
        let Some(last) = events.last().map(RawFeedEvent::feed_position) else {
            return;
        };
        self.has.send_if_modified(|has| {
            let applies = *has >= after;
            if applies {
                *has = (*has).max(last);
            }
            applies
        });
    }
}

/// Polling pushed out of reach: only a wake-up makes a settled reader read.
const NEVER_POLLS: Duration = Duration::from_secs(600);

async fn increment(bus: &CommandBus<Tally>, id: &str) -> FeedPosition {
    bus.execute(
        id,
        TallyCommand::Increment { by: 1 },
        EventMetadata::system("test", "Increment"),
    )
    .await
    .expect("the command commits")
    .last
    .expect("the command writes an event")
}

/// Puts one event in the feed the way a script or psql would: not through this process's
/// appends, so no one is told of it or woken by it.
async fn write_from_outside(db: &Database, id: &str) {
    let insert = format!(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                             payload, metadata)
         VALUES ('Tally', '{id}', 1, 'Incremented', '1', '{{\"by\":1}}', '{{}}')"
    );
    match db {
        Database::Postgres(pool) => sqlx::query(&insert).execute(pool).await.map(drop),
        Database::Sqlite(pool) => sqlx::query(&insert).execute(pool).await.map(drop),
    }
    .expect("a row written from outside");
}

/// The next batch of `reader`, waiting at most a few seconds, with the follower's `has` moved to
/// its end as a follower applying it would.
async fn next(reader: &mut FeedReader, has: &watch::Sender<FeedPosition>) -> Vec<String> {
    let batch = reader
        .next_raw_batch_within(Duration::from_secs(5))
        .await
        .expect("feed read");
    if let Some(last) = batch.last() {
        has.send_modify(|has| *has = (*has).max(last.feed_position()));
    }
    batch.into_iter().map(|event| event.aggregate_id).collect()
}

/// The next `count` events of `reader`, in as many batches as they come in ([`next`]). Another
/// test's open transaction on the same server can hide a commit from the read that brings the
/// row before it (the reader then reads it soon after: `FeedReader`'s `hidden`): what it reads is
/// checked, not how it is batched.
async fn next_events(
    reader: &mut FeedReader,
    has: &watch::Sender<FeedPosition>,
    count: usize,
) -> Vec<String> {
    let mut read = Vec::new();
    while read.len() < count {
        let batch = next(reader, has).await;
        assert!(!batch.is_empty(), "nothing more to read after {read:?}");
        read.extend(batch);
    }
    read
}

async fn this_process_commits_are_passed_over_and_the_rest_is_read(db: Database) {
    let log = EventLog::open(db.clone());
    let bus = log.commands::<Tally>(());
    let (has, told) = watch::channel(FeedPosition::START);
    let follower = Arc::new(Applying { has });
    let watcher: Weak<dyn CommitWatcher> = Arc::<Applying>::downgrade(&follower);
    log.tell_commits_to(watcher);
    let feed = log.feed().with_poll_interval(NEVER_POLLS);
    let mut passing = feed.reader(FeedPosition::START, 100).passing_over(told);
    // The same reader without the follower, to show what passing over leaves out.
    let mut plain = feed.reader(FeedPosition::START, 100);
    let (plain_has, _) = watch::channel(FeedPosition::START);

    // A first read settles both readers: from now on, only wake-ups make them read.
    write_from_outside(&db, "outside-1").await;
    assert_eq!(next(&mut passing, &follower.has).await, ["outside-1"]);
    assert_eq!(next(&mut plain, &plain_has).await, ["outside-1"]);

    // This process's commit, applied by the follower as it was made, is not read back; the
    // reader's checkpoint moves past it.
    let mine = increment(&bus, "mine-1").await;
    assert_eq!(*follower.has.borrow(), mine, "the follower applied it");
    let passed = passing
        .next_raw_batch_within(Duration::from_millis(500))
        .await
        .expect("feed read");
    assert!(passed.is_empty(), "read back: {passed:?}");
    assert_eq!(passing.position(), mine);
    assert_eq!(next(&mut plain, &plain_has).await, ["mine-1"]);

    // A row from outside, then a commit of this process: the follower cannot apply the commit
    // (it lacks the row before it), so the reader reads both.
    write_from_outside(&db, "outside-2").await;
    let after_gap = increment(&bus, "mine-2").await;
    assert!(
        *follower.has.borrow() < after_gap,
        "the follower did not apply it"
    );
    assert_eq!(
        next_events(&mut passing, &follower.has, 2).await,
        ["outside-2", "mine-2"]
    );
    assert_eq!(
        next_events(&mut plain, &plain_has, 2).await,
        ["outside-2", "mine-2"]
    );

    // Another process's commit is announced (PostgreSQL) and read.
    if let Database::Postgres(_) = db {
        let other_process = EventLog::open(db.clone());
        increment(&other_process.commands::<Tally>(()), "theirs").await;
        assert_eq!(next(&mut passing, &follower.has).await, ["theirs"]);
    }
}

on_both_backends!(this_process_commits_are_passed_over_and_the_rest_is_read);
