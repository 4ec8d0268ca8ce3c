//! Idempotency keys on both backends: claim, answer, replay, mismatch, in progress, abandon,
//! takeover and pruning. Times are passed explicitly, so takeover is tested without waiting.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::values::AccountId;
use store::{request_digest, Begin, Database, Idempotency, StoredResponse};

/// Runs one scenario on a fresh PostgreSQL database and on a fresh SQLite file.
macro_rules! on_both_backends {
    ($scenario:ident) => {
        mod $scenario {
            #[tokio::test]
            async fn postgres() {
                let (_pg, db) = store::testing::TestPostgres::migrated().await;
                super::$scenario(db).await;
            }

            #[tokio::test]
            async fn sqlite() {
                let (_sqlite, db) = store::testing::TestSqlite::migrated().await;
                super::$scenario(db).await;
            }
        }
    };
}

/// A fixed "now" with sub-second digits, which both backends must keep exactly.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 5, 17, 9, 30, 0).unwrap() + Duration::microseconds(123_456)
}

fn takeover() -> Duration {
    Duration::seconds(60)
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
    assert_eq!(begin(&digest, t0()).await.unwrap(), Begin::New);
    assert!(keys.finish(ada, "k-1", &answer()).await.unwrap());

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
    assert!(!keys.finish(ada, "k-1", &second).await.unwrap());
    assert!(!keys.abandon(ada, "k-1").await.unwrap());
    assert_eq!(begin(&digest, t0()).await.unwrap(), Begin::Replay(answer()));

    // An empty body and no headers are an answer too.
    let empty = StoredResponse {
        status: 204,
        headers: vec![],
        body: vec![],
    };
    assert_eq!(
        keys.begin(ada, "k-2", &digest, takeover(), t0())
            .await
            .unwrap(),
        Begin::New
    );
    assert!(keys.finish(ada, "k-2", &empty).await.unwrap());
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
    assert_eq!(
        keys.begin(ada, "same", &digest, takeover(), t0())
            .await
            .unwrap(),
        Begin::New
    );
    assert!(keys.finish(ada, "same", &answer()).await.unwrap());
    // Bea's "same" is her own, whatever her request.
    assert_eq!(
        keys.begin(bea, "same", &other, takeover(), t0())
            .await
            .unwrap(),
        Begin::New
    );
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
    assert_eq!(
        keys.begin(ada, "same", &other, takeover(), t0())
            .await
            .unwrap(),
        Begin::New
    );
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

    assert_eq!(begin(&digest, t0()).await.unwrap(), Begin::New);
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
    assert_eq!(begin(&digest, later).await.unwrap(), Begin::New);
    assert_eq!(begin(&digest, later).await.unwrap(), Begin::InProgress);
    assert_eq!(
        begin(&digest, later + takeover() - Duration::microseconds(1))
            .await
            .unwrap(),
        Begin::InProgress
    );
    assert!(keys.finish(ada, "k", &answer()).await.unwrap());
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
    assert_eq!(
        keys.begin(ada, "k", &digest, takeover(), t0())
            .await
            .unwrap(),
        Begin::New
    );
    assert!(keys.abandon(ada, "k").await.unwrap());
    assert!(!keys.abandon(ada, "k").await.unwrap());
    // Nothing is left of it: not even the request it was for.
    assert!(!keys.finish(ada, "k", &answer()).await.unwrap());
    assert_eq!(
        keys.begin(ada, "k", &other, takeover(), t0())
            .await
            .unwrap(),
        Begin::New
    );
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
            Begin::New => new += 1,
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
        if attempt.await.unwrap().unwrap() == Begin::New {
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
        assert_eq!(
            keys.begin(ada, key, &digest, takeover(), at).await.unwrap(),
            Begin::New
        );
    }
    assert!(keys.finish(ada, "old-done", &answer()).await.unwrap());

    assert_eq!(keys.prune(t0()).await.unwrap(), 0);
    assert_eq!(
        keys.prune(t0() + Duration::microseconds(2)).await.unwrap(),
        2
    );
    assert_eq!(
        keys.begin(
            ada,
            "old-done",
            &digest,
            takeover(),
            t0() + Duration::days(1)
        )
        .await
        .unwrap(),
        Begin::New
    );
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
    assert_eq!(
        keys.begin(ada, &"k".repeat(255), &digest, takeover(), t0())
            .await
            .unwrap(),
        Begin::New
    );
}
