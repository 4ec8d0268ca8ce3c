//! The appends of several commands in one statement on PostgreSQL, each command's written only
//! if its own conditions hold (see the module above).

use std::collections::HashMap;

use sqlx::PgPool;

use super::alone::{answer_of, as_bigint, bind_rows, Mark, INSERT};
use super::Answer;
use crate::group_commit::Queued;
use crate::parked::Parked;
use crate::repository::Rows;
use crate::{FeedPosition, SessionGuard};

/// The events of every command of `group` in one statement, each command's written only if its
/// own conditions hold; the answers in the group's order. An error means nothing was written
/// if it is the server's refusal (`sqlx::Error::Database`).
pub(super) async fn together(
    parked: &Parked,
    pool: &PgPool,
    group: &[Queued],
) -> Result<Vec<Answer>, sqlx::Error> {
    let count = group.iter().map(|q| q.rows.sequences.len()).sum();
    // Every row of the group, and the command each belongs to.
    let mut rows = Rows::with_capacity(count);
    let mut of_command = Vec::with_capacity(count);
    for (n, queued) in group.iter().enumerate() {
        rows.extend_from(&queued.rows);
        of_command.extend(std::iter::repeat_n(as_int(n), queued.rows.sequences.len()));
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
    let mut query = bind_rows(sqlx::query_as(&sql), &rows);
    if conditional {
        let commands = Commands::of(group, &checked);
        query = query
            .bind(of_command)
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
