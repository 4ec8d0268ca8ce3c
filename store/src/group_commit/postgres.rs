//! Appends on PostgreSQL: each command's events in one statement, and the appends of commands
//! made at the same moment in one statement together.
//!
//! Most of what PostgreSQL spends on an append is the statement and its commit, not the rows:
//! measured with `pgbench` inserting the register's row into `events` at 16 clients, the server
//! spent 161–163 µs of CPU per row committed one statement each, 76 µs per row in statements of
//! four rows and 50–53 µs in statements of eight (docs/benchmarks.md). So an append joins its
//! event log's queue ([`super::Queue`]); at most [`IN_FLIGHT_AT_MOST`] statements of one log run
//! at once, and whoever takes a free place takes every append queued, at most
//! [`GROUP_AT_MOST`](super::GROUP_AT_MOST), into one statement ([`together`]):
//!
//! * each command's conditions (its idempotency claim, its recalled session) are checked for it
//!   alone, in the statement; a command whose condition fails writes nothing and is answered so,
//!   and the others are written;
//! * a statement PostgreSQL refuses has written nothing (a conflict: another writer appended to
//!   one of the streams first, or two commands of the group to the same stream; or any other
//!   error of the server's), so each command of the group is then appended alone, in the order
//!   queued, and hears its own answer: a conflict goes only to the command that conflicts;
//! * a connection lost on the way answers every command of the group with that, as it would
//!   have answered one command alone (the statement may or may not have committed; the
//!   idempotency key of a retried request tells which);
//! * a command is answered only once the statement has returned, so an acknowledged append is
//!   as durable as one committed alone, and a command's rows are all written or none.
//!
//! A command that finds a free place and only its own append queued writes it itself, in the
//! statement of one append ([`alone`]): one client waits no longer than before. A group is
//! written by a task of its own, so that cancelling the command that took it does not cancel
//! the others' appends; a command cancelled while its append is still queued takes it out of
//! the queue, and it is never written.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use cqrs_es::persist::PersistenceError;
use sqlx::PgPool;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{Answer, Queue, Queued};
use crate::idempotency::{ClaimLost, IdempotentWrite};
use crate::parked::Parked;
use crate::repository::Rows;
use crate::sessions::SessionRefused;
use crate::{FeedPosition, SessionGuard};

/// The most statements of appends one event log has running at once. One: the appends that
/// come while a statement runs queue for the next, which is the larger for it. Measured with
/// `articula bench http --clients 16 --backends postgres`, two runs each (docs/benchmarks.md):
/// registrations sustained 5,061 and 5,216/s with one, 4,759 and 4,410/s with two, 4,771 and
/// 4,073/s with three; PostgreSQL's CPU per registration 119–122, 143–155 and 150–173 µs.
/// No statement of this log waits for a lock another of its statements holds: nothing in
/// Articula keeps a transaction open across an append.
const IN_FLIGHT_AT_MOST: usize = 1;

/// What the appends of one event log on PostgreSQL share: the connections they keep between
/// them ([`Parked`]), and their queue for groups. A repository made on its own has neither, and
/// writes each append alone on a connection of the pool.
#[derive(Clone, Default)]
pub struct PgAppends {
    parked: Parked,
    groups: Option<Arc<Groups>>,
}

struct Groups {
    queue: Arc<Queue>,
    /// One permit per statement that may run at once.
    places: Arc<Semaphore>,
}

impl PgAppends {
    /// The appends of an event log on `pool`: parked connections and groups.
    pub(crate) fn on(pool: &PgPool) -> Self {
        Self {
            parked: Parked::on(pool),
            groups: Some(Arc::new(Groups {
                queue: Arc::default(),
                places: Arc::new(Semaphore::new(IN_FLIGHT_AT_MOST)),
            })),
        }
    }
}

/// Appends `rows` (and marks `keyed`'s key) if `session`, when there is one to check, still
/// holds: alone or with the appends queued beside it (see the module's documentation).
pub(crate) async fn append(
    appends: &PgAppends,
    pool: &PgPool,
    rows: Rows,
    keyed: Option<&IdempotentWrite>,
    session: Option<&SessionGuard>,
) -> Answer {
    let Some(groups) = &appends.groups else {
        return alone(&appends.parked, pool, &rows, keyed, session).await;
    };
    let queue = &groups.queue;
    let mut place = queue.join(rows, keyed.cloned(), session.cloned());
    loop {
        tokio::select! {
            biased;
            answer = &mut place.answered => return answer.unwrap_or_else(|_| no_answer()),
            permit = groups.places.clone().acquire_owned() => {
                let Ok(permit) = permit else {
                    unreachable!("the places of a log's appends are never closed")
                };
                let mut group = queue.next_group();
                match group.as_slice() {
                    // An earlier group took this append: its answer comes from there.
                    [] => return (&mut place.answered).await.unwrap_or_else(|_| no_answer()),
                    [only] if only.number == place.number => {
                        let only = group.pop().unwrap_or_else(|| unreachable!("one queued"));
                        let answer = alone(
                            &appends.parked, pool, &only.rows, only.keyed.as_ref(),
                            only.session.as_ref(),
                        ).await;
                        drop(permit);
                        return answer;
                    }
                    _ => {
                        tokio::spawn(commit(
                            appends.clone(), queue.clone(), pool.clone(), group, permit,
                        ));
                    }
                }
            }
        }
    }
}

fn no_answer() -> Answer {
    Err(PersistenceError::UnknownError(
        "the append's group ended without an answer".into(),
    ))
}

/// Writes `group`, holding one of the log's places, and answers each append.
async fn commit(
    appends: PgAppends,
    queue: Arc<Queue>,
    pool: PgPool,
    group: Vec<Queued>,
    _place: OwnedSemaphorePermit,
) {
    let parked = &appends.parked;
    if group.len() > 1 {
        match together(parked, &pool, &group).await {
            Ok(answers) => {
                queue.committed.fetch_add(1, Ordering::Relaxed);
                for (queued, answer) in group.into_iter().zip(answers) {
                    let _ = queued.answer.send(answer);
                }
                return;
            }
            // Refused by the server, so nothing of it was written: each goes alone below.
            Err(error) if refused(&error) => {}
            Err(error) => {
                let unavailable = crate::error::is_unavailable(&error);
                let message = format!("the append's group was not answered: {error}");
                for queued in group {
                    let error = message.clone().into();
                    let _ = queued.answer.send(Err(if unavailable {
                        PersistenceError::ConnectionError(error)
                    } else {
                        PersistenceError::UnknownError(error)
                    }));
                }
                return;
            }
        }
    }
    for queued in group {
        let (keyed, session) = (queued.keyed.as_ref(), queued.session.as_ref());
        let answer = alone(parked, &pool, &queued.rows, keyed, session).await;
        let _ = queued.answer.send(answer);
    }
}

/// Whether the server refused a statement: it wrote nothing, and each of the group's appends
/// can be tried alone.
fn refused(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(_)) && !crate::error::is_unavailable(error)
}

/// An append's failure as cqrs-es reports it. A clash on the primary key (aggregate type, id,
/// sequence) is another writer having appended to the stream first: a conflict.
pub(crate) fn append_error(error: sqlx::Error) -> PersistenceError {
    let conflict =
        matches!(&error, sqlx::Error::Database(db) if db.constraint() == Some("events_pkey"));
    if conflict {
        PersistenceError::OptimisticLockError
    } else if crate::error::is_unavailable(&error) {
        PersistenceError::ConnectionError(Box::new(error))
    } else {
        PersistenceError::UnknownError(Box::new(error))
    }
}

/// Inserts the events of `rows`, in order, into `events`; a statement's `{FILTER}` is replaced
/// by the condition rows must meet, if any.
const INSERT: &str = "
    INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, hash)
    SELECT e.aggregate_type, e.aggregate_id, e.sequence, e.event_type, e.event_version,
           e.payload::json, e.metadata::json, e.hash
    FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[]";

/// One append's statement: its events, its key marked in the same statement, and the check of
/// its recalled session; it writes nothing unless every condition holds.
async fn alone(
    parked: &Parked,
    pool: &PgPool,
    rows: &Rows,
    keyed: Option<&IdempotentWrite>,
    session: Option<&SessionGuard>,
) -> Answer {
    const ROWS: &str = ") WITH ORDINALITY AS e(aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, hash, n)";
    const RETURNING: &str = " ORDER BY e.n RETURNING tx_id, position";
    // A keyed append marks its key in the same statement, and inserts only if the claim holds:
    // the key and the events are written together or not at all.
    const MARK: &str = "
        WITH claimed AS (
            UPDATE idempotency_keys
            SET state = 'committed', status = $11, answer_id = $12, answer_version = $13,
                last_aggregate_type = $14, last_aggregate_id = $15, last_sequence = $16
            WHERE account_id = $9 AND key = $10 AND claim = $17
              AND state IN ('pending', 'committed')
            RETURNING 1)";
    // A write under a recalled session inserts only if the session is still live and its
    // account still at the version the request ran as (its parameters follow the key's).
    const LIVE: &str = "
        live AS (
            SELECT 1 FROM sessions s
            WHERE s.token_digest = $SESSION AND s.revoked_at IS NULL AND s.expires_at > now()
              AND (SELECT COALESCE(MAX(a.sequence), 0) FROM events a
                   WHERE a.aggregate_type = 'account' AND a.aggregate_id = s.account_id::text)
                  = $VERSION)";
    let checked = session.and_then(SessionGuard::to_check);
    let sql = match (keyed, checked) {
        (None, None) => format!("{INSERT}{ROWS}{RETURNING}"),
        (Some(_), None) => {
            format!("{MARK}{INSERT}{ROWS} WHERE EXISTS (SELECT 1 FROM claimed){RETURNING}")
        }
        (None, Some(_)) => format!(
            "WITH {}{INSERT}{ROWS} WHERE EXISTS (SELECT 1 FROM live){RETURNING}",
            LIVE.replace("$SESSION", "$9").replace("$VERSION", "$10")
        ),
        (Some(_), Some(_)) => format!(
            "{MARK},{}{INSERT}{ROWS} WHERE EXISTS (SELECT 1 FROM claimed) \
             AND EXISTS (SELECT 1 FROM live){RETURNING}",
            LIVE.replace("$SESSION", "$18").replace("$VERSION", "$19")
        ),
    };
    let mut query = sqlx::query_as(&sql)
        .bind(&rows.types)
        .bind(&rows.ids)
        .bind(&rows.sequences)
        .bind(&rows.event_types)
        .bind(&rows.versions)
        .bind(&rows.payloads)
        .bind(&rows.metadata)
        .bind(&rows.hashes);
    if let Some(keyed) = keyed {
        let mark = Mark::of(keyed, rows);
        query = query
            .bind(mark.account)
            .bind(mark.key)
            .bind(mark.status)
            .bind(mark.answer_id)
            .bind(mark.answer_version)
            .bind(mark.last_type)
            .bind(mark.last_id)
            .bind(mark.last_sequence)
            .bind(mark.claim);
    }
    if let Some((digest, version)) = checked {
        query = query.bind(&digest[..]).bind(as_bigint(version));
    }
    let mut connection = parked.lend(pool).await.map_err(append_error)?;
    let written: Vec<(i64, i64)> = query
        .fetch_all(&mut *connection)
        .await
        .map_err(append_error)?;
    // Back whole: the connection is fit for the next append (a failed one goes to the pool).
    connection.park();
    let last = written
        .into_iter()
        .max_by_key(|(_, position)| *position)
        .map(|(tx, position)| FeedPosition { tx, position });
    answer_of(last, keyed.is_some(), session.filter(|_| checked.is_some()))
}

/// A command's answer from the last of its rows that the statement wrote (`None`: it wrote
/// none), settling its recalled session if the statement checked it.
fn answer_of(last: Option<FeedPosition>, keyed: bool, checked: Option<&SessionGuard>) -> Answer {
    if let Some(guard) = checked {
        // Nothing written under both a key and a session is told as the session's: the
        // gateway never runs a keyed request under a recalled session (`access::recalled`).
        guard.settle(last.is_some());
        if last.is_none() {
            return Err(PersistenceError::UnknownError(Box::new(SessionRefused)));
        }
    }
    if last.is_none() && keyed {
        return Err(PersistenceError::UnknownError(Box::new(ClaimLost)));
    }
    last.ok_or_else(|| PersistenceError::UnknownError("the append returned no rows".into()))
}

/// What a keyed append writes on its key: the answer's essentials, under its claim.
struct Mark<'a> {
    account: uuid::Uuid,
    key: &'a str,
    status: i32,
    answer_id: Option<&'a str>,
    answer_version: Option<i64>,
    last_type: &'a str,
    last_id: &'a str,
    last_sequence: i64,
    claim: i64,
}

impl<'a> Mark<'a> {
    fn of(keyed: &'a IdempotentWrite, rows: &'a Rows) -> Self {
        let last = rows.last();
        Self {
            account: keyed.claim.account.into_uuid(),
            key: &keyed.claim.key,
            status: i32::from(keyed.answer.status),
            answer_id: keyed.answer.created.as_deref(),
            answer_version: keyed.answer.with_version.then_some(last.sequence),
            last_type: last.aggregate_type,
            last_id: last.aggregate_id,
            last_sequence: last.sequence,
            claim: keyed.claim.number,
        }
    }
}

fn as_bigint(version: usize) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

/// The events of every command of `group` in one statement, each command's written only if its
/// own conditions hold; the answers in the group's order. An error means nothing was written
/// if it is the server's refusal (`sqlx::Error::Database`).
async fn together(
    parked: &Parked,
    pool: &PgPool,
    group: &[Queued],
) -> Result<Vec<Answer>, sqlx::Error> {
    let count = group.iter().map(|q| q.rows.sequences.len()).sum();
    let mut columns = Columns::with_capacity(count);
    for (n, queued) in group.iter().enumerate() {
        columns.push(&queued.rows, as_int(n));
    }
    let checked: Vec<_> = group
        .iter()
        .map(|q| q.session.as_ref().and_then(SessionGuard::to_check))
        .collect();
    let conditional =
        checked.iter().any(Option::is_some) || group.iter().any(|q| q.keyed.is_some());
    let sql = if conditional {
        format!("{CONDITIONS}{INSERT}, $9::int[]) WITH ORDINALITY AS {ROWS_OF_COMMANDS} WHERE e.command IN (SELECT n FROM allowed){RETURNING_ROWS}")
    } else {
        format!("{INSERT}) WITH ORDINALITY AS {ROWS_OF_COMMANDS_PLAIN}{RETURNING_ROWS}")
    };
    let mut query = sqlx::query_as(&sql)
        .bind(&columns.types)
        .bind(&columns.ids)
        .bind(&columns.sequences)
        .bind(&columns.event_types)
        .bind(&columns.versions)
        .bind(&columns.payloads)
        .bind(&columns.metadata)
        .bind(&columns.hashes);
    if conditional {
        let commands = Commands::of(group, &checked);
        query = query
            .bind(columns.commands)
            .bind(commands.numbers)
            .bind(commands.accounts)
            .bind(commands.keys)
            .bind(commands.statuses)
            .bind(commands.answer_ids)
            .bind(commands.answer_versions)
            .bind(commands.last_types)
            .bind(commands.last_ids)
            .bind(commands.last_sequences)
            .bind(commands.claims)
            .bind(commands.sessions)
            .bind(commands.account_versions);
    }
    let mut connection = parked.lend(pool).await?;
    let written: Vec<(String, String, i64, i64, i64)> = query.fetch_all(&mut *connection).await?;
    connection.park();
    // Each (type, id, sequence) is one command's: two commands of one group writing the same
    // one would have made the statement fail on the primary key.
    let mut of_row = HashMap::with_capacity(count);
    for (n, queued) in group.iter().enumerate() {
        let rows = &queued.rows;
        for i in 0..rows.sequences.len() {
            of_row.insert((&*rows.types[i], &*rows.ids[i], rows.sequences[i]), n);
        }
    }
    let mut last: Vec<Option<FeedPosition>> = vec![None; group.len()];
    for (aggregate_type, aggregate_id, sequence, tx, position) in &written {
        let key = (aggregate_type.as_str(), aggregate_id.as_str(), *sequence);
        if let Some(&n) = of_row.get(&key) {
            let at = FeedPosition {
                tx: *tx,
                position: *position,
            };
            last[n] = Some(last[n].map_or(at, |before| before.max(at)));
        }
    }
    Ok(group
        .iter()
        .zip(last)
        .zip(&checked)
        .map(|((queued, last), checked)| {
            let guard = queued.session.as_ref().filter(|_| checked.is_some());
            answer_of(last, queued.keyed.is_some(), guard)
        })
        .collect())
}

/// The group's commands, one row each, and which of them may write: a command's key must still
/// be claimed by it (its mark is then written, only for a command whose session, if any, is
/// live) and its recalled session, if any, still live at its account's version.
const CONDITIONS: &str = "
    WITH c AS (
        SELECT * FROM unnest($10::int[], $11::uuid[], $12::text[], $13::int[], $14::text[],
                             $15::bigint[], $16::text[], $17::text[], $18::bigint[], $19::bigint[],
                             $20::bytea[], $21::bigint[])
            AS c(n, account_id, key, status, answer_id, answer_version, last_type, last_id,
                 last_sequence, claim, session, account_version)),
    live AS (
        SELECT c.n FROM c JOIN sessions s ON s.token_digest = c.session
        WHERE s.revoked_at IS NULL AND s.expires_at > now()
          AND (SELECT COALESCE(MAX(a.sequence), 0) FROM events a
               WHERE a.aggregate_type = 'account' AND a.aggregate_id = s.account_id::text)
              = c.account_version),
    claimed AS (
        UPDATE idempotency_keys k
        SET state = 'committed', status = c.status, answer_id = c.answer_id,
            answer_version = c.answer_version, last_aggregate_type = c.last_type,
            last_aggregate_id = c.last_id, last_sequence = c.last_sequence
        FROM c
        WHERE k.account_id = c.account_id AND k.key = c.key AND k.claim = c.claim
          AND k.state IN ('pending', 'committed')
          AND (c.session IS NULL OR c.n IN (SELECT n FROM live))
        RETURNING c.n),
    allowed AS (
        SELECT c.n FROM c
        WHERE (c.key IS NULL OR c.n IN (SELECT n FROM claimed))
          AND (c.session IS NULL OR c.n IN (SELECT n FROM live)))";
const ROWS_OF_COMMANDS: &str = "e(aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, hash, command, n)";
const ROWS_OF_COMMANDS_PLAIN: &str = "e(aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, hash, n)";
const RETURNING_ROWS: &str =
    " ORDER BY e.n RETURNING aggregate_type, aggregate_id, sequence, tx_id, position";

fn as_int(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The rows of a group's commands as the statement's columns, borrowed from them, with the
/// command each row belongs to.
struct Columns<'a> {
    types: Vec<&'a str>,
    ids: Vec<&'a str>,
    sequences: Vec<i64>,
    event_types: Vec<&'a str>,
    versions: Vec<&'a str>,
    payloads: Vec<&'a str>,
    metadata: Vec<&'a str>,
    hashes: Vec<&'a [u8]>,
    commands: Vec<i32>,
}

impl<'a> Columns<'a> {
    fn with_capacity(count: usize) -> Self {
        Self {
            types: Vec::with_capacity(count),
            ids: Vec::with_capacity(count),
            sequences: Vec::with_capacity(count),
            event_types: Vec::with_capacity(count),
            versions: Vec::with_capacity(count),
            payloads: Vec::with_capacity(count),
            metadata: Vec::with_capacity(count),
            hashes: Vec::with_capacity(count),
            commands: Vec::with_capacity(count),
        }
    }

    fn push(&mut self, rows: &'a Rows, command: i32) {
        self.types.extend(rows.types.iter().map(String::as_str));
        self.ids.extend(rows.ids.iter().map(String::as_str));
        self.sequences.extend_from_slice(&rows.sequences);
        self.event_types
            .extend(rows.event_types.iter().map(String::as_str));
        self.versions
            .extend(rows.versions.iter().map(String::as_str));
        self.payloads
            .extend(rows.payloads.iter().map(String::as_str));
        self.metadata
            .extend(rows.metadata.iter().map(String::as_str));
        self.hashes.extend(rows.hashes.iter().map(Vec::as_slice));
        self.commands
            .extend(std::iter::repeat_n(command, rows.sequences.len()));
    }
}

/// The conditions of a group's commands as the statement's columns (`None` where a command has
/// no key, or no session to check).
#[derive(Default)]
struct Commands<'a> {
    numbers: Vec<i32>,
    accounts: Vec<Option<uuid::Uuid>>,
    keys: Vec<Option<&'a str>>,
    statuses: Vec<Option<i32>>,
    answer_ids: Vec<Option<&'a str>>,
    answer_versions: Vec<Option<i64>>,
    last_types: Vec<Option<&'a str>>,
    last_ids: Vec<Option<&'a str>>,
    last_sequences: Vec<Option<i64>>,
    claims: Vec<Option<i64>>,
    sessions: Vec<Option<&'a [u8]>>,
    account_versions: Vec<Option<i64>>,
}

impl<'a> Commands<'a> {
    fn of(group: &'a [Queued], checked: &[Option<(&'a [u8; 32], usize)>]) -> Self {
        let mut commands = Self::default();
        for (n, (queued, checked)) in group.iter().zip(checked).enumerate() {
            let mark = queued
                .keyed
                .as_ref()
                .map(|keyed| Mark::of(keyed, &queued.rows));
            commands.numbers.push(as_int(n));
            commands.accounts.push(mark.as_ref().map(|m| m.account));
            commands.keys.push(mark.as_ref().map(|m| m.key));
            commands.statuses.push(mark.as_ref().map(|m| m.status));
            commands
                .answer_ids
                .push(mark.as_ref().and_then(|m| m.answer_id));
            commands
                .answer_versions
                .push(mark.as_ref().and_then(|m| m.answer_version));
            commands.last_types.push(mark.as_ref().map(|m| m.last_type));
            commands.last_ids.push(mark.as_ref().map(|m| m.last_id));
            commands
                .last_sequences
                .push(mark.as_ref().map(|m| m.last_sequence));
            commands.claims.push(mark.as_ref().map(|m| m.claim));
            commands
                .sessions
                .push(checked.map(|(digest, _)| &digest[..]));
            commands
                .account_versions
                .push(checked.map(|(_, version)| as_bigint(version)));
        }
        commands
    }
}

#[cfg(test)]
mod tests;
