//! Tests of appends written together on PostgreSQL. Each test takes every place of the log's
//! statements, queues appends behind them, and lets them go at once.

use std::time::Duration;

use cqrs_es::persist::SerializedEvent;
use domain::values::AccountId;

use super::*;
use crate::group_commit::tests::{events, hashes_of, spawn_append, stream_appends};
use crate::idempotency::{AnswerShape, ClaimLost, KeyClaim};
use crate::sessions::SessionRefused;
use crate::testing::TestPostgres;
use crate::{Database, EventRepository, GuardState};

struct Log {
    _db: TestPostgres,
    pool: PgPool,
    appends: PgAppends,
    repository: Arc<EventRepository>,
}

async fn log() -> Log {
    let (db, database) = TestPostgres::migrated().await;
    let Database::Postgres(pool) = database.clone() else {
        unreachable!("a PostgreSQL test database")
    };
    let appends = PgAppends::on(&pool);
    let repository = Arc::new(EventRepository::appending(&database, appends.clone()));
    Log {
        _db: db,
        pool,
        appends,
        repository,
    }
}

impl Log {
    fn groups(&self) -> &Groups {
        self.appends
            .groups
            .as_deref()
            .expect("a log's appends group")
    }

    /// Every place of the log's statements, so that appends queue until they are dropped.
    async fn hold_places(&self) -> OwnedSemaphorePermit {
        let all = u32::try_from(IN_FLIGHT_AT_MOST).unwrap();
        self.groups()
            .places
            .clone()
            .acquire_many_owned(all)
            .await
            .unwrap()
    }

    async fn until_queued(&self, count: usize) {
        for _ in 0..500 {
            if self.groups().queue.waiting().len() == count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{count} appends never queued");
    }

    fn groups_written(&self) -> u64 {
        self.groups().queue.committed.load(Ordering::Relaxed)
    }

    /// Appends `streams` as one command, spawned, and waits until it is queued behind the
    /// `queued` before it (the places are held).
    async fn queue(
        &self,
        queued: usize,
        streams: Vec<Vec<SerializedEvent>>,
        keyed: Option<IdempotentWrite>,
        session: Option<SessionGuard>,
    ) -> tokio::task::JoinHandle<Answer> {
        let append = self.spawn_append(streams, keyed, session);
        self.until_queued(queued + 1).await;
        append
    }

    /// `count` commands of `events_each` events tagged `tag`, one new stream each
    /// (`{prefix}00`, `{prefix}01`, …), spawned and queued one after the other (the places are
    /// held, or a statement runs).
    async fn queue_each(
        &self,
        prefix: &str,
        count: usize,
        events_each: usize,
        tag: &str,
    ) -> Vec<tokio::task::JoinHandle<Answer>> {
        let mut appends = Vec::with_capacity(count);
        for n in 0..count {
            let stream = events(&format!("{prefix}{n:02}"), 1, events_each, tag);
            appends.push(self.queue(n, vec![stream], None, None).await);
        }
        appends
    }

    fn spawn_append(
        &self,
        streams: Vec<Vec<SerializedEvent>>,
        keyed: Option<IdempotentWrite>,
        session: Option<SessionGuard>,
    ) -> tokio::task::JoinHandle<Answer> {
        spawn_append(&self.repository, streams, keyed, session)
    }

    /// Runs `body` (PL/pgSQL) before each event tagged `tag` is inserted.
    async fn on_rows_tagged(&self, tag: &str, body: &str) {
        sqlx::raw_sql(&format!(
            "CREATE FUNCTION on_{tag}() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN {body} END $$;
             CREATE TRIGGER on_{tag} BEFORE INSERT ON events FOR EACH ROW
             WHEN (NEW.payload ->> 'tag' = '{tag}') EXECUTE FUNCTION on_{tag}();"
        ))
        .execute(&self.pool)
        .await
        .unwrap();
    }

    /// (position, stream, sequence, tag) of every stored event, in the feed's order.
    async fn stored(&self) -> Vec<(i64, String, i64, String)> {
        sqlx::query_as(
            "SELECT position, aggregate_id, sequence, payload ->> 'tag' FROM events
             ORDER BY tx_id, position",
        )
        .fetch_all(&self.pool)
        .await
        .unwrap()
    }

    async fn stored_tags(&self) -> Vec<(String, i64, String)> {
        let stored = self.stored().await.into_iter();
        stored
            .map(|(_, id, sequence, tag)| (id, sequence, tag))
            .collect()
    }
}

/// An idempotency key as the test reads it: key, state, status, answer's id, answer's version,
/// last stream written and its sequence.
type KeyRow = (
    String,
    String,
    Option<i32>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

/// A key whose claim is still pending, as the test reads it.
fn pending(key: &str) -> KeyRow {
    (key.into(), "pending".into(), None, None, None, None, None)
}

fn tags(expected: &[(&str, i64, &str)]) -> Vec<(String, i64, String)> {
    let owned = expected.iter();
    owned
        .map(|(id, sequence, tag)| ((*id).to_owned(), *sequence, (*tag).to_owned()))
        .collect()
}

fn claim(key: &str, number: i64, account: AccountId) -> IdempotentWrite {
    let mut write = unversioned_claim(key, number, account);
    write.answer.with_version = true;
    write
}

/// A claim whose answer carries no version (its key records none, but still its last event).
fn unversioned_claim(key: &str, number: i64, account: AccountId) -> IdempotentWrite {
    IdempotentWrite {
        claim: KeyClaim {
            account,
            key: key.into(),
            number,
        },
        answer: AnswerShape {
            status: 201,
            created: Some(format!("made-by-{key}")),
            with_version: false,
        },
    }
}

async fn answers(appends: Vec<tokio::task::JoinHandle<Answer>>) -> Vec<Answer> {
    let mut answers = Vec::new();
    for append in appends {
        answers.push(append.await.unwrap());
    }
    answers
}

/// 48 commands queued while every place is taken are written by one statement, each answered
/// with its own last event's place in the feed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_waiting_together_are_written_by_one_statement() {
    let log = log().await;
    let held = log.hold_places().await;
    let appends = log.queue_each("s", 48, 2, "x").await;
    let before = log.groups_written();
    drop(held);
    let answers = answers(appends).await;
    assert_eq!(log.groups_written() - before, 1, "one statement for the 48");
    let stored = log.stored().await;
    assert_eq!(stored.len(), 96);
    for (n, answer) in answers.iter().enumerate() {
        let answer = answer.as_ref().unwrap();
        assert_eq!(
            answer.tx,
            answers[0].as_ref().unwrap().tx,
            "one transaction"
        );
        let last = stored
            .iter()
            .find(|row| row.1 == format!("s{n:02}") && row.2 == 2);
        assert_eq!(
            Some(answer.position),
            last.map(|row| row.0),
            "s{n:02}'s last event"
        );
    }
    let positions: Vec<i64> = answers
        .iter()
        .map(|a| a.as_ref().unwrap().position)
        .collect();
    assert!(positions.is_sorted(), "in the queue's order: {positions:?}");
}

/// Appends queued while a group's statement runs are written together by the next statement,
/// each answered in the feed's order, and the log's place is free again once the queue is empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_queued_during_a_statement_are_written_together_next() {
    let log = log().await;
    log.on_rows_tagged("slow", "PERFORM pg_sleep(0.3); RETURN NEW;")
        .await;
    let held = log.hold_places().await;
    let first = log.queue_each("first", 2, 1, "slow").await;
    let before = log.groups_written();
    drop(held);
    // The first group's statement is running (its rows sleep): these queue behind it.
    log.until_queued(0).await;
    let next = log.queue_each("next", 3, 1, "x").await;
    assert_eq!(
        log.groups().places.available_permits(),
        0,
        "the first group's statement holds the place"
    );
    let first = answers(first).await;
    let next = answers(next).await;
    assert_eq!(log.groups_written() - before, 2, "one statement for each");
    let positions: Vec<i64> = first
        .iter()
        .chain(&next)
        .map(|answer| answer.as_ref().unwrap().position)
        .collect();
    assert!(positions.is_sorted(), "in the queue's order: {positions:?}");
    let tx: Vec<i64> = next.iter().map(|a| a.as_ref().unwrap().tx).collect();
    assert!(tx.iter().all(|t| *t == tx[0]), "the three in one statement");
    assert_eq!(log.stored().await.len(), 5);
    assert_eq!(
        log.groups().places.available_permits(),
        IN_FLIGHT_AT_MOST,
        "the place is free again once the queue is empty"
    );
}

/// A worker's write in the appends' turn (`turn`) keeps their statements out until it is done:
/// an append made meanwhile waits in the queue, and is written once the write ends. A turn of
/// no log (SQLite, a repository of its own) is taken at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_in_the_turn_keeps_the_appends_out_until_it_is_done() {
    let log = log().await;
    let (started, has_started) = tokio::sync::oneshot::channel();
    let (finish, finished) = tokio::sync::oneshot::channel::<()>();
    let turn = log.appends.turn();
    let write = tokio::spawn(async move {
        let work = async move {
            let _ = started.send(());
            let _ = finished.await;
        };
        turn.during(work).await;
    });
    has_started.await.unwrap();
    let append = log
        .queue(0, vec![events("waits", 1, 1, "after")], None, None)
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!append.is_finished(), "the append waits for the turn");
    assert!(log.stored().await.is_empty());
    finish.send(()).unwrap();
    assert!(append.await.unwrap().is_ok());
    write.await.unwrap();
    assert_eq!(log.stored_tags().await, tags(&[("waits", 1, "after")]));
    let none = WriteTurn::default();
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(1), none.during(async { "ran" })).await,
        Ok("ran")
    );
}

/// In one statement, a command whose key is claimed by another request and one whose recalled
/// session was revoked write nothing and hear why; the others are written, a keyed one with
/// its key marked committed with the answer's essentials, and a live session is verified.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_whose_conditions_fail_writes_nothing_and_the_group_goes_on() {
    commands_with_conditions_in_one_statement(Kinds::KeysAndSessions).await;
}

/// The same with only keys in the statement (it checks no session).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyed_command_whose_claim_is_lost_writes_nothing_and_the_group_goes_on() {
    commands_with_conditions_in_one_statement(Kinds::Keys).await;
}

/// The same with only recalled sessions in the statement (it marks no key).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_whose_session_was_revoked_writes_nothing_and_the_group_goes_on() {
    commands_with_conditions_in_one_statement(Kinds::Sessions).await;
}

/// Which kinds of condition the commands of a group have.
#[derive(Clone, Copy, PartialEq)]
enum Kinds {
    Keys,
    Sessions,
    KeysAndSessions,
}

/// Queues, beside a command with no condition: a keyed command whose claim was taken over and
/// one whose claim holds (with `Kinds::Keys`), a command under a revoked session and one under a
/// live session (with `Kinds::Sessions`), or all four; then writes them in one statement and
/// checks each command's answer and what was stored.
async fn commands_with_conditions_in_one_statement(kinds: Kinds) {
    let (keys, sessions) = (kinds != Kinds::Sessions, kinds != Kinds::Keys);
    let log = log().await;
    let account = AccountId::new();
    sqlx::query(
        "INSERT INTO idempotency_keys (account_id, key, request_digest, state, created_at, claim)
         VALUES ($1, 'held', $2, 'pending', now(), 1), ($1, 'taken-over', $2, 'pending', now(), 2),
                ($1, 'unversioned', $2, 'pending', now(), 1)",
    )
    .bind(account.into_uuid())
    .bind(&[7u8; 32][..])
    .execute(&log.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO sessions (token_digest, account_id, expires_at, revoked_at)
         VALUES ($1, $3, now() + interval '1 hour', NULL),
                ($2, $3, now() + interval '1 hour', now())",
    )
    .bind(&[1u8; 32][..])
    .bind(&[2u8; 32][..])
    .bind(account.into_uuid())
    .execute(&log.pool)
    .await
    .unwrap();
    let live = SessionGuard::new([1; 32], account, 0);
    let revoked = SessionGuard::new([2; 32], account, 0);
    let held = log.hold_places().await;
    let mut queued = vec![("plain", events("plain", 1, 2, "plain"), None, None)];
    if keys {
        queued.push((
            "lost",
            events("lost", 1, 1, "lost"),
            Some(claim("taken-over", 1, account)),
            None,
        ));
        queued.push((
            "keyed",
            events("keyed", 1, 2, "keyed"),
            Some(claim("held", 1, account)),
            None,
        ));
        queued.push((
            "unversioned",
            events("unversioned", 1, 3, "unversioned"),
            Some(unversioned_claim("unversioned", 1, account)),
            None,
        ));
    }
    if sessions {
        queued.push((
            "revoked",
            events("revoked", 1, 1, "revoked"),
            None,
            Some(revoked.clone()),
        ));
        queued.push((
            "live",
            events("live", 1, 1, "live"),
            None,
            Some(live.clone()),
        ));
    }
    let mut appends = Vec::new();
    let mut names = Vec::new();
    for (n, (name, events, keyed, session)) in queued.into_iter().enumerate() {
        names.push(name);
        appends.push(log.queue(n, vec![events], keyed, session).await);
    }
    let before = log.groups_written();
    drop(held);
    let answers = answers(appends).await;
    assert_eq!(log.groups_written() - before, 1, "one statement");
    for (name, answer) in names.iter().zip(&answers) {
        match *name {
            "lost" => assert!(
                matches!(answer, Err(PersistenceError::UnknownError(e)) if e.is::<ClaimLost>()),
                "{answer:?}"
            ),
            "revoked" => assert!(
                matches!(answer, Err(PersistenceError::UnknownError(e)) if e.is::<SessionRefused>()),
                "{answer:?}"
            ),
            _ => assert!(answer.is_ok(), "{name}: {answer:?}"),
        }
    }
    let mut expected = vec![("plain", 1, "plain"), ("plain", 2, "plain")];
    if sessions {
        assert_eq!(revoked.state(), GuardState::Refused);
        assert_eq!(live.state(), GuardState::Verified);
        expected.push(("live", 1, "live"));
    }
    if keys {
        expected.extend([("keyed", 1, "keyed"), ("keyed", 2, "keyed")]);
        expected.extend((1..=3).map(|sequence| ("unversioned", sequence, "unversioned")));
    }
    let mut stored = log.stored_tags().await;
    stored.sort();
    let mut expected = tags(&expected);
    expected.sort();
    assert_eq!(stored, expected);
    let keys_stored: Vec<KeyRow> = sqlx::query_as(
        "SELECT key, state, status, answer_id, answer_version, last_aggregate_id, last_sequence
             FROM idempotency_keys ORDER BY key",
    )
    .fetch_all(&log.pool)
    .await
    .unwrap();
    let held_key = if keys {
        (
            "held".into(),
            "committed".into(),
            Some(201),
            Some("made-by-held".into()),
            Some(2),
            Some("keyed".into()),
            Some(2),
        )
    } else {
        pending("held")
    };
    // Its answer has no version, so its version and last sequence differ: a statement binding
    // one in the other's place would not store this.
    let unversioned_key = if keys {
        (
            "unversioned".into(),
            "committed".into(),
            Some(201),
            Some("made-by-unversioned".into()),
            None,
            Some("unversioned".into()),
            Some(3),
        )
    } else {
        pending("unversioned")
    };
    assert_eq!(
        keys_stored,
        [held_key, pending("taken-over"), unversioned_key]
    );
}

/// A statement the server refuses writes nothing, so each command of the group is appended
/// alone and hears its own answer: the conflicts (with a stream written by a command before it
/// in the group, one also writing a new stream), and a row a trigger refuses, go to their own
/// commands alone, and the others are written whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_statement_leaves_each_command_its_own_answer() {
    let log = log().await;
    log.on_rows_tagged("refused", "RAISE EXCEPTION 'this row is refused';")
        .await;
    let held = log.hold_places().await;
    let queued = [
        vec![events("a", 1, 2, "first")],
        vec![events("a", 2, 1, "late")],
        vec![events("d", 1, 1, "clash"), events("a", 2, 2, "clash")],
        vec![events("r", 1, 1, "refused")],
        vec![events("c", 1, 2, "after")],
    ];
    let mut appends = Vec::new();
    for (n, streams) in queued.into_iter().enumerate() {
        appends.push(log.queue(n, streams, None, None).await);
    }
    let before = log.groups_written();
    drop(held);
    let answers = answers(appends).await;
    assert_eq!(
        log.groups_written(),
        before,
        "the group's statement was refused"
    );
    assert!(answers[0].is_ok() && answers[4].is_ok(), "{answers:?}");
    for clash in [&answers[1], &answers[2]] {
        assert!(
            matches!(clash, Err(PersistenceError::OptimisticLockError)),
            "{clash:?}"
        );
    }
    assert!(
        matches!(&answers[3], Err(PersistenceError::UnknownError(e))
            if e.to_string().contains("this row is refused")),
        "{:?}",
        answers[3]
    );
    assert_eq!(
        log.stored_tags().await,
        tags(&[
            ("a", 1, "first"),
            ("a", 2, "first"),
            ("c", 1, "after"),
            ("c", 2, "after")
        ])
    );
}

/// A connection lost while the group's statement runs (its server process killed) answers
/// every command of the group with the database's absence, and nothing of it is stored; the
/// next append is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_whose_connection_is_lost_answers_each_command_so() {
    let log = log().await;
    log.on_rows_tagged("slow", "PERFORM pg_sleep(30); RETURN NEW;")
        .await;
    let held = log.hold_places().await;
    let mut appends = Vec::new();
    for (n, (id, tag)) in [("a", "before"), ("b", "slow"), ("c", "after")]
        .into_iter()
        .enumerate()
    {
        appends.push(log.queue(n, vec![events(id, 1, 1, tag)], None, None).await);
    }
    drop(held);
    let terminated = async {
        for _ in 0..500 {
            let killed: Vec<bool> = sqlx::query_scalar(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND query LIKE '%INSERT INTO events%'
                   AND pid <> pg_backend_pid() AND wait_event = 'PgSleep'",
            )
            .fetch_all(&log.pool)
            .await
            .unwrap();
            if killed.contains(&true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the group's statement never ran");
    };
    terminated.await;
    for answer in answers(appends).await {
        assert!(
            matches!(&answer, Err(PersistenceError::ConnectionError(e))
                if e.to_string().contains("group")),
            "{answer:?}"
        );
    }
    assert_eq!(log.stored().await, []);
    let next = log.spawn_append(vec![events("d", 1, 1, "next")], None, None);
    assert!(next.await.unwrap().is_ok());
    assert_eq!(log.stored_tags().await, tags(&[("d", 1, "next")]));
}

/// A command cancelled while its append waits in the queue is never written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_append_cancelled_while_queued_is_never_written() {
    let log = log().await;
    let held = log.hold_places().await;
    let cancelled = log
        .queue(0, vec![events("gone", 1, 1, "cancelled")], None, None)
        .await;
    cancelled.abort();
    log.until_queued(0).await;
    let kept = log
        .queue(0, vec![events("kept", 1, 1, "kept")], None, None)
        .await;
    drop(held);
    assert!(kept.await.unwrap().is_ok());
    assert_eq!(log.stored_tags().await, tags(&[("kept", 1, "kept")]));
}

/// PostgreSQL plans an append's statement once per connection rather than at every call (see
/// `statement::conditions`). On one connection, twelve lone appends and twelve groups of two to
/// four, each command under a recalled session still to check: past the first five calls of a
/// statement, which PostgreSQL always plans for their values, every call ran on the generic plan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_appends_statement_is_planned_once_per_connection() {
    let (_db, database) = TestPostgres::migrated().await;
    let Database::Postgres(shared) = database else {
        unreachable!("a PostgreSQL test database")
    };
    let one_connection = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with((*shared.connect_options()).clone())
        .await
        .unwrap();
    let account = AccountId::new();
    sqlx::query(
        "INSERT INTO sessions (token_digest, account_id, expires_at)
         VALUES ($1, $2, now() + interval '1 hour')",
    )
    .bind(&[1u8; 32][..])
    .bind(account.into_uuid())
    .execute(&one_connection)
    .await
    .unwrap();
    // Not parked: the connection goes back to the pool after each statement, to be asked below.
    let parked = Parked::default();
    for (round, commands) in (0..12)
        .map(|n| (n, 1))
        .chain((0..12).map(|n| (n, 2 + n % 3)))
    {
        let streams: Vec<_> = (0..commands)
            .map(|c| events(&format!("s{commands}-{round}-{c}"), 1, 1, "x"))
            .collect();
        let hashes = hashes_of(&streams);
        let rows: Vec<Rows> = stream_appends(&streams, &hashes)
            .iter()
            .map(|stream| Rows::from(std::slice::from_ref(stream)))
            .collect();
        // A guard of its own each, since a verified guard is not checked again.
        let guards: Vec<_> = rows
            .iter()
            .map(|_| SessionGuard::new([1; 32], account, 0))
            .collect();
        let appends: Vec<_> = rows
            .iter()
            .zip(&guards)
            .map(|(rows, guard)| Append {
                rows,
                keyed: None,
                session: Some(guard),
            })
            .collect();
        let (answers, _) = write(&parked, &one_connection, &appends, false)
            .await
            .unwrap();
        assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    }
    let plans: Vec<(bool, i64, i64)> = sqlx::query_as(
        "SELECT statement LIKE '%unnest($10::int[]%', generic_plans, custom_plans
         FROM pg_prepared_statements
         WHERE statement LIKE '%INSERT INTO events%'
           AND statement NOT LIKE '%pg_prepared_statements%'
         ORDER BY 1",
    )
    .fetch_all(&one_connection)
    .await
    .unwrap();
    assert_eq!(
        plans,
        [(false, 7, 5), (true, 7, 5)],
        "(a group's statement, calls on the generic plan, calls planned for their values)"
    );
}
