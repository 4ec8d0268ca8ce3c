//! Writes under a recalled session (`Sessions::recall`, `SessionGuard`), on both backends: the
//! first append checks the session with its events, and writes nothing once the session has
//! been signed out (by any process), has expired, or its account has changed since it was read.

use chrono::{Duration, Utc};
use domain::bench::{Tally, TallyCommand, TallyError};
use domain::values::AccountId;
use store::{
    on_both_backends, request_digest, AnswerShape, Begin, CommandError, Database, EventLog,
    EventMetadata, GuardState, Idempotency, IdempotentWrite, KeyClaim, SessionGuard, Sessions,
    StoreError,
};

fn under(guard: &SessionGuard) -> EventMetadata {
    EventMetadata {
        session: Some(guard.clone()),
        ..EventMetadata::system("test", "Increment")
    }
}

async fn increment(
    log: &EventLog,
    stream: &str,
    guard: &SessionGuard,
) -> Result<(), CommandError<TallyError>> {
    log.commands::<Tally>(())
        .execute(stream, TallyCommand::Increment { by: 1 }, under(guard))
        .await
        .map(|_| ())
}

async fn stored_events(log: &EventLog, stream: &str) -> usize {
    log.commands::<Tally>(())
        .store()
        .load_fresh(stream)
        .await
        .unwrap()
        .version
}

/// A session read valid by this process a moment ago: its guard.
async fn recalled(sessions: &Sessions, account: AccountId) -> (store::Token, SessionGuard) {
    let (token, _) = sessions.issue(account, Duration::hours(1)).await.unwrap();
    sessions.authenticate(token.expose()).await.unwrap();
    let guard = sessions
        .recall(token.expose())
        .expect("read valid a moment ago");
    (token, guard)
}

/// Signs `token` out as another process would: through sessions of its own, so that this
/// process's memory of the session is not told.
async fn revoke_elsewhere(db: &Database, token: &str) {
    assert!(Sessions::new(db).revoke(token).await.unwrap());
}

/// An event on `account`'s own stream, as another process changing its roles would write it.
async fn change_account_elsewhere(db: &Database, account: AccountId) {
    const INSERT: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                                              event_version, payload, metadata)
                          VALUES ('account', $1, 1, 'RoleGranted', '1', '{}', '{}')";
    match db {
        Database::Postgres(pool) => sqlx::query(INSERT)
            .bind(account.to_string())
            .execute(pool)
            .await
            .map(|_| ()),
        Database::Sqlite(pool) => sqlx::query(INSERT)
            .bind(account.to_string())
            .execute(pool)
            .await
            .map(|_| ()),
    }
    .unwrap();
}

fn refused<T: std::fmt::Debug>(result: Result<T, CommandError<TallyError>>) {
    assert!(
        matches!(result, Err(CommandError::Store(StoreError::SessionRefused))),
        "{result:?}"
    );
}

on_both_backends!(a_recalled_session_is_checked_by_the_first_append_and_then_trusted);
async fn a_recalled_session_is_checked_by_the_first_append_and_then_trusted(db: Database) {
    let log = EventLog::open(db.clone());
    let sessions = Sessions::new(&db);
    let ada = AccountId::new();
    let (unread, _) = sessions.issue(ada, Duration::hours(1)).await.unwrap();
    assert!(
        sessions.recall(unread.expose()).is_none(),
        "a session never read is not recalled"
    );
    let (token, guard) = recalled(&sessions, ada).await;
    assert_eq!((guard.account(), guard.account_version()), (ada, 0));
    assert_eq!(guard.state(), GuardState::Unchecked);

    increment(&log, "a", &guard).await.unwrap();
    assert_eq!(guard.state(), GuardState::Verified);
    // Checked once per request: a later append of the same request is not refused by a
    // sign-out that comes after the check, as a request checked before it began is not.
    revoke_elsewhere(&db, token.expose()).await;
    increment(&log, "a", &guard).await.unwrap();
    assert_eq!(stored_events(&log, "a").await, 2);
}

on_both_backends!(a_session_signed_out_elsewhere_writes_nothing);
async fn a_session_signed_out_elsewhere_writes_nothing(db: Database) {
    let log = EventLog::open(db.clone());
    let sessions = Sessions::new(&db);
    let (token, guard) = recalled(&sessions, AccountId::new()).await;
    revoke_elsewhere(&db, token.expose()).await;

    refused(increment(&log, "b", &guard).await);
    assert_eq!(guard.state(), GuardState::Refused);
    refused(increment(&log, "b", &guard).await);
    assert_eq!(stored_events(&log, "b").await, 0);

    // Read again, it is forgotten: nothing more runs under it unread.
    sessions.authenticate(token.expose()).await.unwrap();
    assert!(sessions.recall(token.expose()).is_none());
}

on_both_backends!(a_session_whose_account_changed_or_that_expired_writes_nothing);
async fn a_session_whose_account_changed_or_that_expired_writes_nothing(db: Database) {
    let log = EventLog::open(db.clone());
    let sessions = Sessions::new(&db);
    let bob = AccountId::new();
    let (_, guard) = recalled(&sessions, bob).await;
    change_account_elsewhere(&db, bob).await;
    refused(increment(&log, "c", &guard).await);
    assert_eq!(stored_events(&log, "c").await, 0);

    // Expired by the clock of the append, though recalled with an earlier "now".
    let carol = AccountId::new();
    let issued = Utc::now() - Duration::hours(2);
    let (old, expires_at) = sessions
        .issue_at(carol, Duration::hours(1), issued)
        .await
        .unwrap();
    let before = expires_at - Duration::minutes(1);
    sessions
        .authenticate_at(old.expose(), before)
        .await
        .unwrap();
    let guard = sessions.recall_at(old.expose(), before).unwrap();
    assert!(sessions.recall_at(old.expose(), expires_at).is_none());
    refused(increment(&log, "d", &guard).await);
    assert_eq!(stored_events(&log, "d").await, 0);
}

on_both_backends!(writes_decided_together_are_checked_as_one);
async fn writes_decided_together_are_checked_as_one(db: Database) {
    let log = EventLog::open(db.clone());
    let sessions = Sessions::new(&db);
    let (token, guard) = recalled(&sessions, AccountId::new()).await;
    revoke_elsewhere(&db, token.expose()).await;
    let bus = log.commands::<Tally>(());
    let mut pending = Vec::new();
    for stream in ["e", "f"] {
        let decided = bus
            .decide(stream, TallyCommand::Increment { by: 1 })
            .await
            .unwrap();
        pending.push(decided.into_pending(&under(&guard)).unwrap());
    }
    let joint = log.commit_together(pending).await;
    assert!(
        matches!(joint, Err(CommandError::Store(StoreError::SessionRefused))),
        "{joint:?}"
    );
    assert_eq!(
        stored_events(&log, "e").await + stored_events(&log, "f").await,
        0
    );
}

on_both_backends!(a_keyed_write_is_checked_for_its_session_too);
/// A keyed write under a recalled session (the gateway never makes one, but the store takes
/// both): the key is marked and the events written only while the session holds.
async fn a_keyed_write_is_checked_for_its_session_too(db: Database) {
    let log = EventLog::open(db.clone());
    let sessions = Sessions::new(&db);
    let keys = Idempotency::new(&db);
    let ada = AccountId::new();
    let keyed = |guard: &SessionGuard, claim: KeyClaim| EventMetadata {
        idempotency: Some(IdempotentWrite {
            claim,
            answer: AnswerShape::default(),
        }),
        ..under(guard)
    };
    let digest = request_digest("POST", "/v1/things", b"{}");
    let claim = |key: &'static str| {
        let keys = keys.clone();
        async move {
            match keys
                .begin(ada, key, &digest, Duration::seconds(60), Utc::now())
                .await
                .unwrap()
            {
                Begin::New(claim) => claim,
                other => panic!("{other:?}"),
            }
        }
    };
    let bus = log.commands::<Tally>(());
    let (token, guard) = recalled(&sessions, ada).await;
    let metadata = keyed(&guard, claim("k-1").await);
    bus.execute("g", TallyCommand::Increment { by: 1 }, metadata)
        .await
        .unwrap();
    assert_eq!(guard.state(), GuardState::Verified);

    sessions.authenticate(token.expose()).await.unwrap();
    let guard = sessions.recall(token.expose()).unwrap();
    revoke_elsewhere(&db, token.expose()).await;
    let metadata = keyed(&guard, claim("k-2").await);
    refused(
        bus.execute("h", TallyCommand::Increment { by: 1 }, metadata)
            .await,
    );
    assert_eq!(stored_events(&log, "g").await, 1);
    assert_eq!(stored_events(&log, "h").await, 0);
}
