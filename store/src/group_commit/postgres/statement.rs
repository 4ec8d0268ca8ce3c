//! The statement that writes the appends of one command, or of several together, on PostgreSQL:
//! every row of every command in one `INSERT … SELECT FROM unnest(…)`, each command's rows
//! written only if its own conditions hold (see the module above).
//!
//! The statement carries only the conditions its commands have: one without a key to mark or a
//! session to check is a plain insert, and the key's marking or the session's check is there
//! only when some command has one. Each condition left out is work PostgreSQL does not do; a
//! lone append under a recalled session, the commonest (the first write of a request), checks
//! just that. The text for each kind is built in [`conditions`].

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use cqrs_es::persist::PersistenceError;
use sqlx::PgPool;

use self::conditions::Conditions;
use super::Answer;
use crate::group_commit::watchers::Told;
use crate::group_commit::{Mark, Queued};
use crate::idempotency::{ClaimLost, IdempotentWrite};
use crate::parked::Parked;
use crate::repository::Rows;
use crate::sessions::SessionRefused;
use crate::{FeedPosition, RawFeedEvent, SessionGuard};

/// One command's append: its rows, the idempotency key it marks, the recalled session it runs
/// under.
pub(super) struct Append<'a> {
    pub(super) rows: &'a Rows,
    pub(super) keyed: Option<&'a IdempotentWrite>,
    pub(super) session: Option<&'a SessionGuard>,
}

impl<'a> Append<'a> {
    pub(super) fn of(queued: &'a Queued) -> Self {
        Self {
            rows: &queued.rows,
            keyed: queued.keyed.as_ref(),
            session: queued.session.as_ref(),
        }
    }
}

/// The events of every command of `appends` in one statement, each command's written only if
/// its own conditions hold; the answers in their order, and, when `watched`, what to tell the
/// watchers of commits when nothing can come in the feed between the events before it and its
/// own (`group_commit::watchers`). An error means nothing was written if it is the server's
/// refusal (`sqlx::Error::Database`).
pub(super) async fn write(
    parked: &Parked,
    pool: &PgPool,
    appends: &[Append<'_>],
    watched: bool,
) -> Result<(Vec<Answer>, Option<Told>), sqlx::Error> {
    let gathered;
    let rows = match appends {
        [one] => one.rows,
        _ => {
            gathered = Rows::gather(appends.iter().map(|append| append.rows));
            &gathered
        }
    };
    let checked: Vec<_> = appends
        .iter()
        .map(|append| append.session.and_then(SessionGuard::to_check))
        .collect();
    let conditions = Conditions {
        keys: appends.iter().any(|append| append.keyed.is_some()),
        sessions: checked.iter().any(Option::is_some),
        one: appends.len() == 1,
    };
    // Only a statement with conditions binds the commands' columns.
    let commands = conditions.any().then(|| Commands::of(appends, &checked));
    let mut query = bind_rows(sqlx::query_as(conditions.statement()), rows);
    if let Some(commands) = &commands {
        query = query.bind(&commands.of_rows);
        // Each of the commands' columns: an array, or a lone command's single value.
        macro_rules! bind_columns {
            ($($column:ident),+) => {
                $(query = if conditions.one {
                    query.bind(commands.$column[0])
                } else {
                    query.bind(&commands.$column)
                };)+
            };
        }
        bind_columns!(numbers);
        if conditions.keys {
            bind_columns!(
                accounts,
                keys,
                statuses,
                answer_ids,
                answer_versions,
                last_types,
                last_ids,
                last_sequences,
                claims
            );
        }
        if conditions.sessions {
            bind_columns!(sessions, account_versions);
        }
    }
    let mut connection = parked.lend(pool).await?;
    let written: Vec<Written> = query.fetch_all(&mut *connection).await?;
    // Back whole: the connection is fit for the next append (a failed one goes to the pool).
    connection.park();
    let (last, told) = last_of_each(appends, written, watched);
    let answers = appends
        .iter()
        .zip(last)
        .zip(&checked)
        .map(|((append, last), checked)| {
            let guard = append.session.filter(|_| checked.is_some());
            answer_of(last, append.keyed.is_some(), guard)
        })
        .collect();
    Ok((answers, told))
}

/// A row the statement wrote, as it returns it, with what it found of the place before its
/// events (the same on every row; see `conditions::PLACE_BEFORE`).
#[derive(sqlx::FromRow)]
struct Written {
    aggregate_type: String,
    aggregate_id: String,
    sequence: i64,
    tx_id: i64,
    position: i64,
    recorded_at: DateTime<Utc>,
    alone: bool,
    before_tx: Option<i64>,
    before_position: Option<i64>,
}

/// Where each command's last written row sits in the feed (`None`: none of its rows written),
/// and, when `watched`, the rows written as the feed reads them, to be told when nothing can
/// come before them.
fn last_of_each(
    appends: &[Append<'_>],
    written: Vec<Written>,
    watched: bool,
) -> (Vec<Option<FeedPosition>>, Option<Told>) {
    // Each (type, id, sequence) is one command's: two commands of one statement writing the
    // same one would have made it fail on the primary key.
    let mut of_row = HashMap::with_capacity(written.len());
    for (n, append) in appends.iter().enumerate() {
        let rows = append.rows;
        for i in 0..rows.sequences.len() {
            of_row.insert((&*rows.types[i], &*rows.ids[i], rows.sequences[i]), (n, i));
        }
    }
    let mut last: Vec<Option<FeedPosition>> = vec![None; appends.len()];
    let after = written
        .first()
        .filter(|row| watched && row.alone)
        .map(|row| FeedPosition {
            tx: row.before_tx.unwrap_or(0),
            position: row.before_position.unwrap_or(0),
        });
    let mut events = Vec::with_capacity(if after.is_some() { written.len() } else { 0 });
    for row in written {
        let key = (
            row.aggregate_type.as_str(),
            row.aggregate_id.as_str(),
            row.sequence,
        );
        let Some(&(n, i)) = of_row.get(&key) else {
            continue;
        };
        let at = FeedPosition {
            tx: row.tx_id,
            position: row.position,
        };
        last[n] = Some(last[n].map_or(at, |before| before.max(at)));
        if after.is_some() {
            let rows = appends[n].rows;
            events.push(RawFeedEvent {
                position: row.position,
                tx: row.tx_id,
                event_type: rows.event_types[i].clone(),
                event_version: rows.versions[i].clone(),
                sequence: row.sequence,
                aggregate_type: row.aggregate_type,
                aggregate_id: row.aggregate_id,
                payload: rows.payloads[i].clone(),
                recorded_at: row.recorded_at,
            });
        }
    }
    events.sort_by_key(RawFeedEvent::feed_position);
    (last, after.map(|after| Told::new(after, events)))
}

type PgQueryAs<'q, O> = sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>;

/// `query` with the columns of `rows` as its parameters `$1` to `$8`.
fn bind_rows<'q, O>(query: PgQueryAs<'q, O>, rows: &'q Rows) -> PgQueryAs<'q, O> {
    query
        .bind(&rows.types)
        .bind(&rows.ids)
        .bind(&rows.sequences)
        .bind(&rows.event_types)
        .bind(&rows.versions)
        .bind(&rows.payloads)
        .bind(&rows.metadata)
        .bind(&rows.hashes)
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

/// The commands' conditions as the statement's columns, and each row's command (`None` where a
/// command has no key, or no session to check).
#[derive(Default)]
struct Commands<'a> {
    of_rows: Vec<i32>,
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
    fn of(appends: &[Append<'a>], checked: &[Option<(&'a [u8; 32], usize)>]) -> Self {
        let mut commands = Self::default();
        for (n, (append, checked)) in appends.iter().zip(checked).enumerate() {
            let number = i32::try_from(n).unwrap_or(i32::MAX);
            let mark = append.keyed.map(|keyed| Mark::of(keyed, append.rows));
            commands
                .of_rows
                .extend(std::iter::repeat_n(number, append.rows.sequences.len()));
            commands.numbers.push(number);
            commands
                .accounts
                .push(mark.as_ref().map(|m| m.account.into_uuid()));
            commands.keys.push(mark.as_ref().map(|m| m.key));
            commands
                .statuses
                .push(mark.as_ref().map(|m| i32::from(m.status)));
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

fn as_bigint(version: usize) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

mod conditions;
