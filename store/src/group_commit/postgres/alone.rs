//! One append's statement on PostgreSQL, and what every append's statement shares.

use cqrs_es::persist::PersistenceError;
use sqlx::PgPool;

use super::{append_error, Answer};
use crate::idempotency::{ClaimLost, IdempotentWrite};
use crate::parked::Parked;
use crate::repository::Rows;
use crate::sessions::SessionRefused;
use crate::{FeedPosition, SessionGuard};

/// The start of every append's statement: the events of `rows` ([`bind_rows`]) into `events`;
/// each statement closes the `unnest(…)` its own way, and inserts the rows in their order.
pub(super) const INSERT: &str = "
    INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, hash)
    SELECT e.aggregate_type, e.aggregate_id, e.sequence, e.event_type, e.event_version,
           e.payload::json, e.metadata::json, e.hash
    FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[]";

/// One append's statement: its events, its key marked in the same statement, and the check of
/// its recalled session; it writes nothing unless every condition holds.
pub(super) async fn alone(
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
    let mut query = bind_rows(sqlx::query_as(&sql), rows);
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

pub(super) type PgQueryAs<'q, O> =
    sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>;

/// `query` with the columns of `rows` as its parameters `$1` to `$8`, in [`INSERT`]'s order.
pub(super) fn bind_rows<'q, O>(query: PgQueryAs<'q, O>, rows: &'q Rows) -> PgQueryAs<'q, O> {
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
pub(super) fn answer_of(
    last: Option<FeedPosition>,
    keyed: bool,
    checked: Option<&SessionGuard>,
) -> Answer {
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
pub(super) struct Mark<'a> {
    pub(super) account: uuid::Uuid,
    pub(super) key: &'a str,
    pub(super) status: i32,
    pub(super) answer_id: Option<&'a str>,
    pub(super) answer_version: Option<i64>,
    pub(super) last_type: &'a str,
    pub(super) last_id: &'a str,
    pub(super) last_sequence: i64,
    pub(super) claim: i64,
}

impl<'a> Mark<'a> {
    pub(super) fn of(keyed: &'a IdempotentWrite, rows: &'a Rows) -> Self {
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

pub(super) fn as_bigint(version: usize) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}
