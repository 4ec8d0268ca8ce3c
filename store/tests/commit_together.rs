//! Joint appends across streams: all or nothing, on both backends.

use domain::bench::{Tally, TallyCommand};
use store::testing::{postgres_log, sqlite_log};
use store::{CommandError, EventLog, EventMetadata};

fn meta() -> EventMetadata {
    EventMetadata::system("test", "Increment")
}

async fn count(log: &EventLog, id: &str) -> (u64, usize) {
    let loaded = log
        .commands::<Tally>(())
        .store()
        .load_fresh(id)
        .await
        .unwrap();
    (loaded.aggregate.count, loaded.version)
}

/// Two streams written together land together, and the answer is the later of their positions.
async fn two_streams_are_written_together(log: EventLog) {
    let bus = log.commands::<Tally>(());
    let a = bus
        .decide("a", TallyCommand::Increment { by: 2 })
        .await
        .unwrap();
    let b = bus
        .decide("b", TallyCommand::Increment { by: 3 })
        .await
        .unwrap();
    let last = log
        .commit_together(vec![
            a.into_pending(&meta()).unwrap(),
            b.into_pending(&meta()).unwrap(),
        ])
        .await
        .unwrap()
        .expect("a position");
    assert_eq!(count(&log, "a").await, (2, 1));
    assert_eq!(count(&log, "b").await, (3, 1));
    let head = log.feed().head_position().await.unwrap();
    assert_eq!(last.position, head);
    // The bus's cache holds the committed state: the next command builds on it.
    bus.execute("a", TallyCommand::Increment { by: 1 }, meta())
        .await
        .unwrap();
    assert_eq!(count(&log, "a").await, (3, 2));
}

/// If one stream moved since it was read, neither is written.
async fn a_conflict_on_one_stream_writes_nothing(log: EventLog) {
    let bus = log.commands::<Tally>(());
    let a = bus
        .decide("a", TallyCommand::Increment { by: 2 })
        .await
        .unwrap();
    let b = bus
        .decide("b", TallyCommand::Increment { by: 3 })
        .await
        .unwrap();
    // Someone else writes stream b in between.
    log.commands::<Tally>(())
        .execute("b", TallyCommand::Increment { by: 10 }, meta())
        .await
        .unwrap();
    let result = log
        .commit_together(vec![
            a.into_pending(&meta()).unwrap(),
            b.into_pending(&meta()).unwrap(),
        ])
        .await;
    assert!(matches!(result, Err(CommandError::Conflict)), "{result:?}");
    assert_eq!(count(&log, "a").await, (0, 0));
    assert_eq!(count(&log, "b").await, (10, 1));
}

#[tokio::test]
async fn postgres_two_streams_are_written_together() {
    let (_db, log) = postgres_log().await;
    two_streams_are_written_together(log).await;
}

#[tokio::test]
async fn sqlite_two_streams_are_written_together() {
    let (_db, log) = sqlite_log().await;
    two_streams_are_written_together(log).await;
}

#[tokio::test]
async fn postgres_a_conflict_on_one_stream_writes_nothing() {
    let (_db, log) = postgres_log().await;
    a_conflict_on_one_stream_writes_nothing(log).await;
}

#[tokio::test]
async fn sqlite_a_conflict_on_one_stream_writes_nothing() {
    let (_db, log) = sqlite_log().await;
    a_conflict_on_one_stream_writes_nothing(log).await;
}
