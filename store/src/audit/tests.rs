//! The audit queries on both backends, over a small history of three streams written by three
//! actors.

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::bench::{Tally, TallyCommand};
use uuid::Uuid;

use super::*;
use crate::chain::ChainedEvent;
use crate::{Database, EventLog, EventMetadata, FeedPosition};

macro_rules! on_both_backends {
    ($scenario:ident) => {
        mod $scenario {
            #[tokio::test]
            async fn postgres() {
                let (_pg, log) = crate::testing::postgres_log().await;
                super::$scenario(log).await;
            }

            #[tokio::test]
            async fn sqlite() {
                let (_sqlite, log) = crate::testing::sqlite_log().await;
                super::$scenario(log).await;
            }
        }
    };
}

on_both_backends!(each_filter_returns_exactly_the_matching_events);
on_both_backends!(paging_visits_every_event_once_in_feed_order);
on_both_backends!(time_bounds_are_inclusive_at_the_stored_precision);
on_both_backends!(a_stream_is_read_whole_by_sequence);
on_both_backends!(reads_are_recorded_with_ids_only);

const STREAMS: [&str; 3] = ["a", "b", "c"];

/// The account that writes stream `a`; `b` is written by `system:seed`, `c` anonymously.
fn alice() -> Uuid {
    Uuid::from_u128(0xa11ce)
}

fn actor_of(stream: &str) -> ActorRef {
    match stream {
        "a" => ActorRef::Account(alice()),
        "b" => ActorRef::System("seed".into()),
        _ => ActorRef::Anonymous,
    }
}

/// Four rounds over the three streams (feed: a1 b1 c1 a2 b2 c2 …), a few milliseconds apart.
async fn write_history(log: &EventLog) {
    let bus = log.commands::<Tally>(());
    for round in 1..=4u64 {
        for stream in STREAMS {
            let mut metadata = EventMetadata::system("test", "Increment");
            metadata.actor = actor_of(stream);
            bus.execute(stream, TallyCommand::Increment { by: round }, metadata)
                .await
                .expect("increment");
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
    }
    // On PostgreSQL an event is read only once every older transaction on the server has ended
    // (other tests' included): wait until the whole history is final.
    for _ in 0..200 {
        if all(log.database(), &AuditFilter::default()).await.len() == 12 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the history never became final in the feed");
}

async fn all(db: &Database, filter: &AuditFilter) -> Vec<ChainedEvent> {
    read_events(db, filter, FeedPosition::START, 1_000)
        .await
        .expect("the query runs")
}

fn ids(events: &[ChainedEvent]) -> Vec<(String, i64)> {
    events
        .iter()
        .map(|e| (e.aggregate_id.clone(), e.sequence))
        .collect()
}

fn expected(pairs: &[(&str, i64)]) -> Vec<(String, i64)> {
    pairs.iter().map(|(s, n)| (s.to_string(), *n)).collect()
}

async fn each_filter_returns_exactly_the_matching_events(log: EventLog) {
    write_history(&log).await;
    let db = log.database();
    let everything = all(db, &AuditFilter::default()).await;
    assert_eq!(everything.len(), 12);
    assert!(
        everything.iter().all(|e| e.hash.is_some()),
        "hashed on append"
    );

    let third = everything[2].position;
    let fifth = everything[4].position;
    let range = AuditFilter {
        from_position: Some(third),
        to_position: Some(fifth),
        ..Default::default()
    };
    assert_eq!(
        ids(&all(db, &range).await),
        expected(&[("c", 1), ("a", 2), ("b", 2)])
    );

    let stream_b = AuditFilter {
        aggregate_type: Some("tally".into()),
        aggregate_id: Some("b".into()),
        ..Default::default()
    };
    assert_eq!(
        ids(&all(db, &stream_b).await),
        expected(&[("b", 1), ("b", 2), ("b", 3), ("b", 4)])
    );

    for (stream, actor) in STREAMS.map(|s| (s, actor_of(s))) {
        let by_actor = AuditFilter {
            actor: Some(actor.clone()),
            ..Default::default()
        };
        let found = all(db, &by_actor).await;
        assert_eq!(found.len(), 4, "{actor}");
        assert!(found.iter().all(|e| e.aggregate_id == stream), "{actor}");
    }

    let by_type = AuditFilter {
        event_type: Some("Incremented".into()),
        aggregate_type: Some("tally".into()),
        ..Default::default()
    };
    assert_eq!(all(db, &by_type).await.len(), 12);
    let none = AuditFilter {
        event_type: Some("Decremented".into()),
        ..Default::default()
    };
    assert!(all(db, &none).await.is_empty());

    // Values are bound, never spliced into the SQL.
    let injection = AuditFilter {
        aggregate_id: Some("a' OR '1'='1".into()),
        ..Default::default()
    };
    assert!(all(db, &injection).await.is_empty());

    // Each event here was its own request: its correlation id finds it alone.
    let metadata: serde_json::Value = serde_json::from_str(&everything[3].metadata).unwrap();
    let correlation = metadata["correlation_id"].as_str().unwrap().to_string();
    let by_correlation = AuditFilter {
        correlation_id: Some(correlation),
        ..Default::default()
    };
    assert_eq!(ids(&all(db, &by_correlation).await), ids(&everything[3..4]));
    let unknown = AuditFilter {
        correlation_id: Some("x' OR '1'='1".into()),
        ..Default::default()
    };
    assert!(all(db, &unknown).await.is_empty());
}

async fn paging_visits_every_event_once_in_feed_order(log: EventLog) {
    write_history(&log).await;
    let db = log.database();
    let everything = all(db, &AuditFilter::default()).await;
    let anonymous_until_the_11th = AuditFilter {
        to_position: Some(everything[10].position),
        actor: Some(ActorRef::Anonymous),
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut after = FeedPosition::START;
    loop {
        let page = read_events(db, &anonymous_until_the_11th, after, 2)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = last.feed_position();
        seen.extend(page);
    }
    assert_eq!(
        ids(&seen),
        expected(&[("c", 1), ("c", 2), ("c", 3)]),
        "c4 is beyond to_position"
    );
    let positions: Vec<i64> = everything.iter().map(|e| e.position).collect();
    let mut sorted = positions.clone();
    sorted.sort_unstable();
    assert_eq!(
        positions, sorted,
        "one writer: feed order is position order"
    );
}

async fn time_bounds_are_inclusive_at_the_stored_precision(log: EventLog) {
    write_history(&log).await;
    let db = log.database();
    let everything = all(db, &AuditFilter::default()).await;
    let times: Vec<DateTime<Utc>> = everything.iter().map(|e| e.recorded_at).collect();
    let between = |from: DateTime<Utc>, to: DateTime<Utc>| AuditFilter {
        from_time: Some(from),
        to_time: Some(to),
        ..Default::default()
    };
    // Exactly the stored times of the 4th and 8th events: both ends included.
    let found = all(db, &between(times[3], times[7])).await;
    assert_eq!(
        found.first().map(|e| e.position),
        Some(everything[3].position)
    );
    assert_eq!(
        found.last().map(|e| e.position),
        Some(everything[7].position)
    );
    // A hair after the 4th and a hair before the 8th (less than either backend's precision):
    // both ends excluded.
    let hair = chrono::Duration::nanoseconds(1);
    let found = all(db, &between(times[3] + hair, times[7] - hair)).await;
    assert_eq!(
        found.first().map(|e| e.position),
        Some(everything[4].position)
    );
    assert_eq!(
        found.last().map(|e| e.position),
        Some(everything[6].position)
    );
}

async fn a_stream_is_read_whole_by_sequence(log: EventLog) {
    write_history(&log).await;
    let db = log.database();
    let stream = read_stream(db, "tally", "c").await.unwrap();
    let sequences: Vec<i64> = stream.iter().map(|e| e.sequence).collect();
    assert_eq!(sequences, [1, 2, 3, 4]);
    assert!(stream.iter().all(|e| e.aggregate_id == "c"));
    assert!(read_stream(db, "tally", "z").await.unwrap().is_empty());
    assert!(read_stream(db, "account", "c").await.unwrap().is_empty());
}

async fn reads_are_recorded_with_ids_only(log: EventLog) {
    let db = log.database();
    let read = AuditRead {
        account_id: alice(),
        role: "auditor".into(),
        resource: "GET /v1/audit/events".into(),
        query: "aggregate_type=tally&limit=5".into(),
        read_at: None,
    };
    record_read(db, &read).await.unwrap();
    let second = AuditRead {
        resource: "GET /v1/audit/verify".into(),
        query: String::new(),
        ..read.clone()
    };
    record_read(db, &second).await.unwrap();
    let recorded = recent_reads(db, 10).await.unwrap();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].resource, "GET /v1/audit/verify", "newest first");
    assert_eq!(
        AuditRead {
            read_at: None,
            ..recorded[1].clone()
        },
        read
    );
    let age = Utc::now() - recorded[1].read_at.expect("stamped by the database");
    assert!(age < chrono::Duration::minutes(1), "{age}");
}

#[test]
fn digests_tell_filters_apart() {
    let base = AuditFilter {
        aggregate_type: Some("initiative".into()),
        ..Default::default()
    };
    assert_eq!(base.digest(), base.clone().digest());
    let other = AuditFilter {
        aggregate_id: Some("initiative".into()),
        ..Default::default()
    };
    assert_ne!(
        base.digest(),
        other.digest(),
        "the field counts, not only the value"
    );
    let with_actor = AuditFilter {
        actor: Some(ActorRef::Anonymous),
        ..base.clone()
    };
    assert_ne!(base.digest(), with_actor.digest());
    assert_eq!(base.digest().len(), 32);
}

#[test]
fn bounds_round_towards_the_inside() {
    let at = DateTime::parse_from_rfc3339("2024-06-30T12:00:00.1234567Z")
        .unwrap()
        .with_timezone(&Utc);
    let text = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    assert_eq!(
        text(to_precision(at, 1_000, true)),
        "2024-06-30T12:00:00.124000000Z"
    );
    assert_eq!(
        text(to_precision(at, 1_000, false)),
        "2024-06-30T12:00:00.123000000Z"
    );
    assert_eq!(
        text(to_precision(at, 1, true)),
        "2024-06-30T12:00:00.123457000Z"
    );
    let exact = to_precision(at, 1_000, false);
    assert_eq!(
        to_precision(exact, 1_000, true),
        exact,
        "an exact bound stays"
    );
}
