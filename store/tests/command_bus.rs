//! Commands through the store on both backends: state is right after long histories (no event
//! applied twice), conflicts never lose an update, a stale cache is corrected, metadata is kept.

use std::sync::Arc;

use cqrs_es::EventStore;
use domain::bench::{Tally, TallyCommand, TallyError};
use store::testing::{postgres_log, sqlite_log};
use store::{CommandError, EventLog, EventMetadata, FeedPosition};

fn meta() -> EventMetadata {
    EventMetadata::system("test", "Increment")
}

async fn increment(log_bus: &store::CommandBus<Tally>, id: &str) {
    log_bus
        .execute(id, TallyCommand::Increment { by: 1 }, meta())
        .await
        .expect("increment");
}

/// The cqrs-es 0.5.0 snapshot store reloads 2,020 after 2,000 increments and its aggregate store
/// 4,000: each applies committed events a second time. Ours must read exactly 2,000, both from
/// its cache and from the database.
async fn two_thousand_increments_read_back_as_two_thousand(log: EventLog) {
    let bus = log.commands::<Tally>(());
    for _ in 0..2_000 {
        increment(&bus, "long").await;
    }
    let cached = bus.store().load_aggregate("long").await.unwrap();
    assert!(cached.from_cache);
    assert_eq!((cached.aggregate.count, cached.version), (2_000, 2_000));
    let fresh = log
        .commands::<Tally>(())
        .store()
        .load_fresh("long")
        .await
        .unwrap();
    assert_eq!((fresh.aggregate.count, fresh.version), (2_000, 2_000));
}

/// Two instances on one database: the second's cache goes stale when the first writes, and its
/// next command must still see every increment.
async fn a_stale_cache_never_loses_an_update(log: EventLog) {
    let first = log.commands::<Tally>(());
    let second = log.commands::<Tally>(());
    increment(&first, "shared").await;
    increment(&second, "shared").await; // second now caches version 2
    increment(&first, "shared").await; // first's cache was at 1: it retries from the database
    increment(&second, "shared").await; // second's cache is stale at 2: retried from version 3
    let fresh = log
        .commands::<Tally>(())
        .store()
        .load_fresh("shared")
        .await
        .unwrap();
    assert_eq!((fresh.aggregate.count, fresh.version), (4, 4));
}

/// Many concurrent commands on one stream: each either commits or reports a conflict, and the
/// stored count equals the number that committed.
async fn concurrent_commands_on_one_stream_lose_nothing(log: EventLog) {
    let bus = Arc::new(log.commands::<Tally>(()));
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let bus = bus.clone();
            tokio::spawn(async move {
                bus.execute("hot", TallyCommand::Increment { by: 1 }, meta())
                    .await
            })
        })
        .collect();
    let mut committed = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => committed += 1,
            Err(CommandError::Conflict) => {}
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert!(committed >= 1);
    let fresh = log
        .commands::<Tally>(())
        .store()
        .load_fresh("hot")
        .await
        .unwrap();
    assert_eq!(fresh.aggregate.count, committed);
}

/// Two writers that both read version 1 and send it as their expected version, released
/// together, 100 times: exactly one commits, the other is told the stream moved on (an HTTP 412),
/// and the stream advances by one. With `separate_instances` each writer has its own bus, as two
/// servers on one database do; otherwise they share one bus and its cache.
async fn if_match_holds_when_writers_race(
    log: EventLog,
    separate_instances: bool,
    warm_caches: bool,
) {
    let first = Arc::new(log.commands::<Tally>(()));
    let second = if separate_instances {
        Arc::new(log.commands::<Tally>(()))
    } else {
        first.clone()
    };
    for trial in 0..100 {
        let id = format!("race-{trial}");
        increment(&first, &id).await;
        if warm_caches {
            // Both buses cache version 1, as after each has read it.
            first.store().load_aggregate(&id).await.unwrap();
            second.store().load_aggregate(&id).await.unwrap();
        } else {
            // Neither has the stream cached (a server that has not read it, or evicted it):
            // each reads version 1 from the database.
            first.store().evict(&id);
            second.store().evict(&id);
        }
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let writers: Vec<_> = [first.clone(), second.clone()]
            .into_iter()
            .map(|bus| {
                let (barrier, id) = (barrier.clone(), id.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    bus.execute_expecting(&id, TallyCommand::Increment { by: 1 }, meta(), Some(1))
                        .await
                })
            })
            .collect();
        let (mut won, mut stale) = (0, 0);
        for writer in writers {
            match writer.await.unwrap() {
                Ok(committed) => {
                    assert_eq!(committed.version, 2);
                    won += 1;
                }
                Err(CommandError::VersionMismatch {
                    expected: 1,
                    current: 2,
                }) => stale += 1,
                Err(other) => panic!("trial {trial}: unexpected error: {other}"),
            }
        }
        assert_eq!((won, stale), (1, 1), "trial {trial}");
        let stored = log
            .commands::<Tally>(())
            .store()
            .load_fresh(&id)
            .await
            .unwrap();
        assert_eq!(
            (stored.aggregate.count, stored.version),
            (2, 2),
            "trial {trial}"
        );
    }
}

async fn if_match_holds_when_writers_race_on_one_instance(log: EventLog) {
    if_match_holds_when_writers_race(log, false, true).await;
}

async fn if_match_holds_when_writers_race_on_two_instances(log: EventLog) {
    if_match_holds_when_writers_race(log, true, true).await;
}

async fn if_match_holds_when_writers_race_on_two_instances_with_cold_caches(log: EventLog) {
    if_match_holds_when_writers_race(log, true, false).await;
}

async fn a_refused_command_writes_nothing(log: EventLog) {
    let bus = log.commands::<Tally>(());
    let refused = bus
        .execute("t", TallyCommand::Increment { by: 0 }, meta())
        .await
        .unwrap_err();
    assert!(matches!(
        refused,
        CommandError::Rejected(TallyError::ZeroIncrement)
    ));
    assert_eq!(log.feed().head_position().await.unwrap(), 0);
}

/// A stream's state is shared between the cache and its readers, and copied by a command that
/// changes it: a read keeps the state it was given while a command changes the stream, and a
/// refused command, even one that changed its state before it was refused, leaves the cached
/// state as it was.
async fn a_cached_state_is_shared_by_reads_and_copied_by_commands(log: EventLog) {
    let bus = log.commands::<Tally>(());
    increment(&bus, "shared").await;
    let first = bus.load_fresh("shared").await.unwrap();
    let second = bus.load_fresh("shared").await.unwrap();
    assert!(
        Arc::ptr_eq(&first.aggregate, &second.aggregate),
        "reads share one state"
    );

    let refused = bus
        .execute(
            "shared",
            TallyCommand::IncrementEach { steps: vec![5, 0] },
            meta(),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        refused,
        CommandError::Rejected(TallyError::ZeroIncrement)
    ));
    let cached = bus.store().load_aggregate("shared").await.unwrap();
    assert!(cached.from_cache);
    assert_eq!((cached.aggregate.count, cached.version), (1, 1));
    assert!(
        Arc::ptr_eq(&cached.aggregate, &first.aggregate),
        "the refusal left it alone"
    );

    bus.execute(
        "shared",
        TallyCommand::IncrementEach { steps: vec![2, 3] },
        meta(),
    )
    .await
    .unwrap();
    assert_eq!(
        first.aggregate.count, 1,
        "a read keeps the state it was given"
    );
    let after = bus.load_fresh("shared").await.unwrap();
    assert_eq!((after.aggregate.count, after.version), (6, 3));
    assert!(after.from_cache, "the command cached the state it wrote");
    let stored = log
        .commands::<Tally>(())
        .load_fresh("shared")
        .await
        .unwrap();
    assert_eq!((stored.aggregate.count, stored.version), (6, 3));
}

async fn committed_events_carry_metadata_and_their_feed_position(log: EventLog) {
    let bus = log.commands::<Tally>(());
    let committed = bus
        .execute("m", TallyCommand::Increment { by: 5 }, meta())
        .await
        .unwrap();
    let at = committed.last.expect("a position");
    // A reader waits out other tests' open transactions on the same server (see the feed docs).
    let events = log
        .feed()
        .reader(FeedPosition::START, 10)
        .next_batch_within(std::time::Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.feed_position(), at);
    assert_eq!(committed.last_position(), Some(event.position));
    assert_eq!(
        (event.aggregate_type.as_str(), event.sequence),
        ("tally", 1)
    );
    assert_eq!(
        (event.event_type.as_str(), event.event_version.as_str()),
        ("Incremented", "1")
    );
    assert_eq!(event.payload, serde_json::json!({"Incremented": {"by": 5}}));
    for key in [
        "actor",
        "request_id",
        "correlation_id",
        "causation_id",
        "command",
        "client",
    ] {
        assert!(event.metadata.get(key).is_some(), "metadata lacks {key}");
    }
    assert_eq!(event.metadata["actor"], "system:test");
}

async fn replay_streams_follow_feed_order(log: EventLog) {
    use cqrs_es::persist::PersistedEventRepository;
    let bus = log.commands::<Tally>(());
    for id in ["a", "b", "a"] {
        increment(&bus, id).await;
    }
    let repo = store::EventRepository::new(log.database());
    let mut all = repo.stream_all_events::<Tally>().await.unwrap();
    let mut seen = Vec::new();
    while let Some(event) = all.next::<Tally>(&[]).await {
        let event = event.expect("no error");
        seen.push((event.aggregate_id, event.sequence));
    }
    assert_eq!(seen, [("a".into(), 1), ("b".into(), 1), ("a".into(), 2)]);
}

/// A stream taken as new without a read (`execute_new`, for ids just made) that exists after
/// all: the append conflicts and the command is decided on the stream as stored, so nothing is
/// lost and no conflict reaches the caller.
async fn a_stream_taken_as_new_that_exists_is_decided_on_what_is_stored(log: EventLog) {
    let first = log.commands::<Tally>(());
    increment(&first, "taken").await;
    increment(&first, "taken").await;
    let second = log.commands::<Tally>(());
    let committed = second
        .execute_new("taken", TallyCommand::Increment { by: 1 }, meta(), None)
        .await
        .expect("decided again on the stored stream");
    assert_eq!(committed.version, 3);
    let fresh = first.store().load_fresh("taken").await.unwrap();
    assert_eq!((fresh.aggregate.count, fresh.version), (3, 3));
    // Expecting the new stream to be empty is refused, as when it is read first.
    let expected_empty = second
        .execute_new("taken", TallyCommand::Increment { by: 1 }, meta(), Some(0))
        .await
        .unwrap_err();
    assert!(matches!(
        expected_empty,
        CommandError::VersionMismatch {
            expected: 0,
            current: 3
        }
    ));
}

/// `load_known` trusts a cached stream with events, never a cached "no such stream": another
/// instance may have written it since.
async fn a_stream_known_as_missing_is_read_again(log: EventLog) {
    let reader = log.commands::<Tally>(());
    assert_eq!(reader.load_known("late").await.unwrap().version, 0);
    increment(&log.commands::<Tally>(()), "late").await;
    let known = reader.load_known("late").await.unwrap();
    assert_eq!((known.aggregate.count, known.version), (1, 1));
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let (_db, log) = super::postgres_log().await;
                super::$name(log).await;
            })*
        }
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let (_db, log) = super::sqlite_log().await;
                super::$name(log).await;
            })*
        }
    };
}

/// Reads as stored made at the same moment share one query for their versions: each still gets
/// its own stream's version (a stream with no events: 0), and a read made after a write, by
/// another instance, sees it.
async fn reads_as_stored_at_once_each_get_their_own_stream(log: EventLog) {
    let writer = log.commands::<Tally>(());
    for n in 0..24usize {
        for _ in 0..n {
            increment(&writer, &format!("stream-{n}")).await;
        }
    }
    let reader = Arc::new(log.commands::<Tally>(()));
    let start = Arc::new(tokio::sync::Barrier::new(24));
    let reads: Vec<_> = (0..24usize)
        .map(|n| {
            let (reader, start) = (reader.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                let loaded = reader.load_fresh(&format!("stream-{n}")).await.unwrap();
                (n, loaded.version, loaded.aggregate.count)
            })
        })
        .collect();
    for read in reads {
        let (n, version, count) = read.await.unwrap();
        assert_eq!((version, count), (n, n as u64), "stream-{n} read as stored");
    }
    increment(&writer, "stream-3").await;
    let after = reader.load_fresh("stream-3").await.unwrap();
    assert_eq!(after.version, 4, "a write by another instance is seen");
}

on_both_backends!(
    reads_as_stored_at_once_each_get_their_own_stream,
    two_thousand_increments_read_back_as_two_thousand,
    a_stale_cache_never_loses_an_update,
    concurrent_commands_on_one_stream_lose_nothing,
    a_refused_command_writes_nothing,
    a_cached_state_is_shared_by_reads_and_copied_by_commands,
    committed_events_carry_metadata_and_their_feed_position,
    replay_streams_follow_feed_order,
    if_match_holds_when_writers_race_on_one_instance,
    if_match_holds_when_writers_race_on_two_instances,
    if_match_holds_when_writers_race_on_two_instances_with_cold_caches,
    a_stream_taken_as_new_that_exists_is_decided_on_what_is_stored,
    a_stream_known_as_missing_is_read_again,
);
