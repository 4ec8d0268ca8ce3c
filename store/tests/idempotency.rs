//! Idempotency keys on both backends: claim, answer, replay, mismatch, in progress, abandon,
//! takeover and pruning, and keyed writes recorded with their events (exactly once). Times are
//! passed explicitly, so takeover is tested without waiting.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::bench::{Tally, TallyCommand};
use domain::values::AccountId;
use store::{
    request_digest, AnswerShape, Begin, CommandError, CommittedAnswer, Database, EventLog,
    EventMetadata, Idempotency, IdempotentWrite, KeyClaim, StoreError, StoredResponse,
};

use store::on_both_backends;

/// A fixed "now" with sub-second digits, which both backends must keep exactly.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 5, 17, 9, 30, 0).unwrap() + Duration::microseconds(123_456)
}

fn takeover() -> Duration {
    Duration::seconds(60)
}

/// The claim of a `Begin` that must be new.
fn claimed(begin: Begin) -> KeyClaim {
    match begin {
        Begin::New(claim) => claim,
        other => panic!("expected a new claim, got {other:?}"),
    }
}

fn is_new(begin: &Begin) -> bool {
    matches!(begin, Begin::New(_))
}

fn answer() -> StoredResponse {
    StoredResponse {
        status: 201,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("etag".into(), "\"3\"".into()),
            ("location".into(), "/v1/things/1".into()),
        ],
        body: br#"{"id":"1","position":7,"version":3}"#.to_vec(),
    }
}

on_both_backends!(a_finished_request_is_replayed_and_a_different_one_refused);
async fn a_finished_request_is_replayed_and_a_different_one_refused(db: Database) {
    let keys = Idempotency::new(&db);
    let ada = AccountId::new();
    let digest = request_digest("POST", "/v1/things", b"{\"a\":1}");
    let other = request_digest("POST", "/v1/things", b"{\"a\":2}");

    let begin = |digest, now| keys.begin(ada, "k-1", digest, takeover(), now);
    let claim = claimed(begin(&digest, t0()).await.unwrap());
    assert_eq!(claim.number, 1);
    assert!(keys.finish(&claim, &answer()).await.unwrap());

    assert_eq!(
        begin(&digest, t0() + Duration::seconds(1)).await.unwrap(),
        Begin::Replay(answer())
    );
    // Long after the takeover age a finished key is still replayed, never run again.
    assert_eq!(
        begin(&digest, t0() + Duration::hours(2)).await.unwrap(),
        Begin::Replay(answer())
    );
    assert_eq!(
        begin(&other, t0() + Duration::seconds(1)).await.unwrap(),
        Begin::Mismatch
    );
    // A finished key is neither finished again nor abandoned.
    let mut second = answer();
    second.status = 200;
    assert!(!keys.finish(&claim, &second).await.unwrap());
    assert!(!keys.abandon(&claim).await.unwrap());
    assert_eq!(begin(&digest, t0()).await.unwrap(), Begin::Replay(answer()));

    // An empty body and no headers are an answer too.
    let empty = StoredResponse {
        status: 204,
        headers: vec![],
        body: vec![],
    };
    let claim = claimed(
        keys.begin(ada, "k-2", &digest, takeover(), t0())
            .await
            .unwrap(),
    );
    assert!(keys.finish(&claim, &empty).await.unwrap());
    assert_eq!(
        keys.begin(ada, "k-2", &digest, takeover(), t0())
            .await
            .unwrap(),
        Begin::Replay(empty)
    );
}

on_both_backends!(keys_belong_to_one_account);
async fn keys_belong_to_one_account(db: Database) {
    let keys = Idempotency::new(&db);
    let (ada, bea) = (AccountId::new(), AccountId::new());
    let digest = request_digest("PATCH", "/v1/me", b"{}");
    let other = request_digest("PATCH", "/v1/me", b"{\"language\":\"es\"}");
    let claim = claimed(
        keys.begin(ada, "same", &digest, takeover(), t0())
            .await
            .unwrap(),
    );
    assert!(keys.finish(&claim, &answer()).await.unwrap());
    // Bea's "same" is her own, whatever her request.
    assert!(is_new(
        &keys
            .begin(bea, "same", &other, takeover(), t0())
            .await
            .unwrap()
    ));
    assert_eq!(
        keys.begin(bea, "same", &other, takeover(), t0())
            .await
            .unwrap(),
        Begin::InProgress
    );
    assert_eq!(
        keys.begin(ada, "same", &digest, takeover(), t0())
            .await
            .unwrap(),
        Begin::Replay(answer())
    );
    assert_eq!(keys.forget_account(ada).await.unwrap(), 1);
    assert!(is_new(
        &keys
            .begin(ada, "same", &other, takeover(), t0())
            .await
            .unwrap()
    ));
    assert_eq!(
        keys.begin(bea, "same", &other, takeover(), t0())
            .await
            .unwrap(),
        Begin::InProgress
    );
}

on_both_backends!(a_running_request_holds_its_key_until_the_takeover_age);
async fn a_running_request_holds_its_key_until_the_takeover_age(db: Database) {
    let keys = Idempotency::new(&db);
    let ada = AccountId::new();
    let digest = request_digest("POST", "/v1/things", b"{}");
    let other = request_digest("POST", "/v1/other", b"{}");
    let begin = |digest, now| keys.begin(ada, "k", digest, takeover(), now);

    let first = claimed(begin(&digest, t0()).await.unwrap());
    assert_eq!(begin(&digest, t0()).await.unwrap(), Begin::InProgress);
    assert_eq!(
        begin(&digest, t0() + takeover() - Duration::microseconds(1))
            .await
            .unwrap(),
        Begin::InProgress
    );
    // A different request is refused even while the key is pending.
    assert_eq!(begin(&other, t0()).await.unwrap(), Begin::Mismatch);
    assert_eq!(
        begin(&other, t0() + Duration::hours(1)).await.unwrap(),
        Begin::Mismatch
    );

    // At the takeover age the key runs again, once: the takeover restarts the clock.
    let later = t0() + takeover();
    let second = claimed(begin(&digest, later).await.unwrap());
    assert_eq!(second.number, first.number + 1);
    assert_eq!(begin(&digest, later).await.unwrap(), Begin::InProgress);
    assert_eq!(
        begin(&digest, later + takeover() - Duration::microseconds(1))
            .await
            .unwrap(),
        Begin::InProgress
    );
    // The first attempt, should it still be running, can no longer answer for the key.
    assert!(!keys.finish(&first, &answer()).await.unwrap());
    assert!(!keys.abandon(&first).await.unwrap());
    assert!(keys.finish(&second, &answer()).await.unwrap());
    assert_eq!(
        begin(&digest, later).await.unwrap(),
        Begin::Replay(answer())
    );
}

on_both_backends!(an_abandoned_key_can_be_used_again);
async fn an_abandoned_key_can_be_used_again(db: Database) {
    let keys = Idempotency::new(&db);
    let ada = AccountId::new();
    let digest = request_digest("DELETE", "/v1/things/1", b"");
    let other = request_digest("DELETE", "/v1/things/2", b"");
    let claim = claimed(
        keys.begin(ada, "k", &digest, takeover(), t0())
            .await
            .unwrap(),
    );
    assert!(keys.abandon(&claim).await.unwrap());
    assert!(!keys.abandon(&claim).await.unwrap());
    // Nothing is left of it: not even the request it was for.
    assert!(!keys.finish(&claim, &answer()).await.unwrap());
    assert!(is_new(
        &keys
            .begin(ada, "k", &other, takeover(), t0())
            .await
            .unwrap()
    ));
}

on_both_backends!(concurrent_requests_with_one_key_run_once);
async fn concurrent_requests_with_one_key_run_once(db: Database) {
    let keys = Idempotency::new(&db);
    let ada = AccountId::new();
    let digest = request_digest("POST", "/v1/things", b"{}");
    let attempts = (0..8).map(|_| {
        let keys = keys.clone();
        tokio::spawn(async move { keys.begin(ada, "k", &digest, takeover(), t0()).await })
    });
    let mut new = 0;
    for attempt in attempts {
        match attempt.await.unwrap().unwrap() {
            Begin::New(_) => new += 1,
            Begin::InProgress => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(new, 1);

    // Concurrent takeovers of a stale claim: one wins.
    let later = t0() + Duration::minutes(5);
    let attempts = (0..8).map(|_| {
        let keys = keys.clone();
        tokio::spawn(async move { keys.begin(ada, "k", &digest, takeover(), later).await })
    });
    let mut new = 0;
    for attempt in attempts {
        if is_new(&attempt.await.unwrap().unwrap()) {
            new += 1;
        }
    }
    assert_eq!(new, 1);
}

on_both_backends!(pruning_removes_old_keys_only);
async fn pruning_removes_old_keys_only(db: Database) {
    let keys = Idempotency::new(&db);
    let ada = AccountId::new();
    let digest = request_digest("POST", "/v1/things", b"{}");
    for (key, at) in [
        ("old-done", t0()),
        ("old-pending", t0() + Duration::microseconds(1)),
        ("new", t0() + Duration::days(1)),
    ] {
        let claim = claimed(keys.begin(ada, key, &digest, takeover(), at).await.unwrap());
        if key == "old-done" {
            assert!(keys.finish(&claim, &answer()).await.unwrap());
        }
    }

    assert_eq!(keys.prune(t0()).await.unwrap(), 0);
    assert_eq!(
        keys.prune(t0() + Duration::microseconds(2)).await.unwrap(),
        2
    );
    assert!(is_new(
        &keys
            .begin(
                ada,
                "old-done",
                &digest,
                takeover(),
                t0() + Duration::days(1)
            )
            .await
            .unwrap()
    ));
    assert_eq!(
        keys.begin(ada, "new", &digest, takeover(), t0() + Duration::days(1))
            .await
            .unwrap(),
        Begin::InProgress
    );
}

on_both_backends!(the_table_refuses_what_the_store_never_writes);
async fn the_table_refuses_what_the_store_never_writes(db: Database) {
    let keys = Idempotency::new(&db);
    let ada = AccountId::new();
    let digest = request_digest("POST", "/v1/things", b"{}");
    assert!(keys
        .begin(ada, "", &digest, takeover(), t0())
        .await
        .is_err());
    assert!(keys
        .begin(ada, &"k".repeat(256), &digest, takeover(), t0())
        .await
        .is_err());
    assert!(is_new(
        &keys
            .begin(ada, &"k".repeat(255), &digest, takeover(), t0())
            .await
            .unwrap()
    ));
}

/// Metadata for a write under `claim`, answered as `answer`.
fn keyed(claim: &KeyClaim, answer: AnswerShape) -> EventMetadata {
    EventMetadata {
        idempotency: Some(IdempotentWrite {
            claim: claim.clone(),
            answer,
        }),
        ..EventMetadata::system("test", "Increment")
    }
}

fn created(id: &str) -> AnswerShape {
    AnswerShape {
        status: 201,
        created: Some(id.to_string()),
        with_version: true,
    }
}

on_both_backends!(a_committed_write_is_answered_from_what_it_recorded);
/// A keyed write whose full answer was never recorded (the process died after the commit, or the
/// database went away before `finish`) is answered from what its append recorded, at any age,
/// and never runs again; recording the full answer later replaces it.
async fn a_committed_write_is_answered_from_what_it_recorded(db: Database) {
    let keys = Idempotency::new(&db);
    let log = EventLog::open(db.clone());
    let bus = log.commands::<Tally>(());
    let ada = AccountId::new();
    let digest = request_digest("POST", "/v1/tallies", b"{}");
    let claim = claimed(
        keys.begin(ada, "k", &digest, takeover(), t0())
            .await
            .unwrap(),
    );
    let committed = bus
        .execute(
            "t-1",
            TallyCommand::Increment { by: 2 },
            keyed(&claim, created("t-1")),
        )
        .await
        .unwrap();
    let expected = CommittedAnswer {
        status: 201,
        created: Some("t-1".into()),
        version: Some(1),
        position: committed.last_position().unwrap(),
    };
    for later in [t0(), t0() + takeover(), t0() + Duration::hours(3)] {
        assert_eq!(
            keys.begin(ada, "k", &digest, takeover(), later)
                .await
                .unwrap(),
            Begin::Committed(expected.clone())
        );
    }
    // Abandoning a committed key would let it run twice: it is kept.
    assert!(!keys.abandon(&claim).await.unwrap());
    assert!(keys.finish(&claim, &answer()).await.unwrap());
    assert_eq!(
        keys.begin(ada, "k", &digest, takeover(), t0())
            .await
            .unwrap(),
        Begin::Replay(answer())
    );

    // A write that answers only its position records no version.
    let claim = claimed(
        keys.begin(ada, "k-2", &digest, takeover(), t0())
            .await
            .unwrap(),
    );
    let committed = bus
        .execute(
            "t-1",
            TallyCommand::Increment { by: 1 },
            keyed(&claim, AnswerShape::default()),
        )
        .await
        .unwrap();
    assert_eq!(
        keys.begin(ada, "k-2", &digest, takeover(), t0())
            .await
            .unwrap(),
        Begin::Committed(CommittedAnswer {
            status: 200,
            created: None,
            version: None,
            position: committed.last_position().unwrap(),
        })
    );
}

on_both_backends!(a_taken_over_claim_writes_nothing);
/// The first attempt of a keyed request is still alive when a retry takes its key over: its
/// append finds its claim gone and writes nothing, so only one of them ever writes.
async fn a_taken_over_claim_writes_nothing(db: Database) {
    let keys = Idempotency::new(&db);
    let log = EventLog::open(db.clone());
    let bus = log.commands::<Tally>(());
    let ada = AccountId::new();
    let digest = request_digest("POST", "/v1/tallies", b"{}");
    let first = claimed(
        keys.begin(ada, "k", &digest, takeover(), t0())
            .await
            .unwrap(),
    );
    let second = claimed(
        keys.begin(ada, "k", &digest, takeover(), t0() + takeover())
            .await
            .unwrap(),
    );
    let late = bus
        .execute(
            "t-1",
            TallyCommand::Increment { by: 1 },
            keyed(&first, created("t-1")),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(late, CommandError::Store(StoreError::IdempotencyClaimLost)),
        "{late}"
    );
    assert_eq!(log.feed().head_position().await.unwrap(), 0);
    let committed = bus
        .execute(
            "t-1",
            TallyCommand::Increment { by: 1 },
            keyed(&second, created("t-1")),
        )
        .await
        .unwrap();
    assert_eq!(committed.version, 1);
    // Once committed, the first attempt cannot write under the key either.
    let again = bus
        .execute(
            "t-1",
            TallyCommand::Increment { by: 1 },
            keyed(&first, created("t-1")),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        again,
        CommandError::Store(StoreError::IdempotencyClaimLost)
    ));
    let stored = log
        .commands::<Tally>(())
        .store()
        .load_fresh("t-1")
        .await
        .unwrap();
    assert_eq!((stored.aggregate.count, stored.version), (1, 1));
}

on_both_backends!(a_keyed_append_across_streams_marks_its_key_once);
/// Commands decided together (several streams, one append) mark their shared key once.
async fn a_keyed_append_across_streams_marks_its_key_once(db: Database) {
    let keys = Idempotency::new(&db);
    let log = EventLog::open(db.clone());
    let bus = log.commands::<Tally>(());
    let ada = AccountId::new();
    let digest = request_digest("POST", "/v1/pairs", b"{}");
    let claim = claimed(
        keys.begin(ada, "k", &digest, takeover(), t0())
            .await
            .unwrap(),
    );
    let metadata = keyed(&claim, AnswerShape::default());
    let a = bus
        .decide("a", TallyCommand::Increment { by: 1 })
        .await
        .unwrap()
        .into_pending(&metadata)
        .unwrap();
    let b = bus
        .decide("b", TallyCommand::Increment { by: 1 })
        .await
        .unwrap()
        .into_pending(&metadata)
        .unwrap();
    let last = log.commit_together(vec![a, b]).await.unwrap().unwrap();
    assert_eq!(
        keys.begin(ada, "k", &digest, takeover(), t0())
            .await
            .unwrap(),
        Begin::Committed(CommittedAnswer {
            status: 200,
            created: None,
            version: None,
            position: last.position,
        })
    );
}
