//! Which kinds of condition an append's statement carries, and its SQL text for them (see the
//! module above): the commands' columns, the session's check, the key's mark, and which
//! commands may write.
//!
//! How PostgreSQL plans the statement matters as much as what it does. It plans a prepared
//! statement once (a generic plan) unless planning it for each call's values looks cheaper, and
//! it takes an array's `unnest` for ten rows when planning generically, so a statement whose
//! cost grows with its commands looks dearer generically than for one command. A lone command's
//! conditions are therefore bound as single values, not arrays of one: its generic plan costs
//! what a plan for its values would, and it is planned once per connection
//! (`postgres::tests::an_appends_statement_is_planned_once_per_connection`). Measured with the
//! session's version asked in a correlated subquery, arrays of one were planned at every call,
//! 0.29–0.35 ms each (`EXPLAIN (ANALYZE, SUMMARY)` of the prepared statement).

use std::sync::LazyLock;

/// Which kinds of condition a statement's commands have.
#[derive(Clone, Copy)]
pub(super) struct Conditions {
    /// Some command marks an idempotency key.
    pub(super) keys: bool,
    /// Some command's recalled session is still to be checked.
    pub(super) sessions: bool,
    /// The statement has one command, whose conditions are bound as single values.
    pub(super) one: bool,
}

impl Conditions {
    pub(super) fn any(self) -> bool {
        self.keys || self.sessions
    }

    /// The statement for these conditions, built once.
    pub(super) fn statement(self) -> &'static str {
        static STATEMENTS: LazyLock<[String; 8]> =
            LazyLock::new(|| std::array::from_fn(|n| Conditions::numbered(n).build()));
        &STATEMENTS[self.number()]
    }

    /// Each kind of statement's place among them.
    fn number(self) -> usize {
        usize::from(self.keys) | usize::from(self.sessions) << 1 | usize::from(self.one) << 2
    }

    fn numbered(n: usize) -> Self {
        Self {
            keys: n & 1 != 0,
            sessions: n & 2 != 0,
            one: n & 4 != 0,
        }
    }

    /// The events of the rows bound as `$1`–`$8` ([`bind_rows`](super::bind_rows)). With
    /// conditions, `$9` names each row's command, and the commands' columns follow
    /// ([`Commands`](super::Commands)): their numbers (`$10`), then the key's nine columns if
    /// any command marks a key, then the session's two if any has a session to check. A row is
    /// written only if its command is `allowed`.
    fn build(self) -> String {
        const INSERT: &str = "
            INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, hash)
            SELECT e.aggregate_type, e.aggregate_id, e.sequence, e.event_type, e.event_version,
                   e.payload::json, e.metadata::json, e.hash
            FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[]";
        const ROWS: &str =
            "e(aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, hash";
        // Not the payload: it is the text bound, as `json` keeps its input, and the events told
        // to the watchers take it from there.
        const RETURNING: &str = " ORDER BY e.n RETURNING aggregate_type, aggregate_id, sequence, \
                                 tx_id, position, recorded_at";
        if !self.any() {
            return format!(
                "WITH written AS ({INSERT}) WITH ORDINALITY AS {ROWS}, n){RETURNING}),\n\
                 {PLACE_BEFORE} {SELECT_WRITTEN}"
            );
        }
        let mut columns = vec![("int[]", "n")];
        if self.keys {
            columns.extend(KEY_COLUMNS);
        }
        if self.sessions {
            columns.extend(SESSION_COLUMNS);
        }
        let commands = if self.one {
            let values = (10..).zip(&columns).map(|(number, (kind, name))| {
                let kind = kind.trim_end_matches("[]");
                format!("${number}::{kind} AS {name}")
            });
            format!("c AS (SELECT {})", values.collect::<Vec<_>>().join(", "))
        } else {
            let arrays = (10..)
                .zip(&columns)
                .map(|(number, (kind, _))| format!("${number}::{kind}"));
            let names = columns.iter().map(|(_, name)| *name);
            format!(
                "c AS (SELECT * FROM unnest({}) AS c({}))",
                arrays.collect::<Vec<_>>().join(", "),
                names.collect::<Vec<_>>().join(", ")
            )
        };
        let mut ctes = vec![commands];
        let mut allowed = Vec::new();
        if self.sessions {
            ctes.push(LIVE.to_owned());
            allowed.push(LIVE_ONLY);
        }
        if self.keys {
            // A keyed command under a session to check marks its key only if it is live.
            let when_live = if self.sessions {
                format!(" AND {LIVE_ONLY}")
            } else {
                String::new()
            };
            ctes.push(CLAIMED.replace("$WHEN_LIVE", &when_live));
            allowed.push("(c.key IS NULL OR c.n IN (SELECT n FROM claimed))");
        }
        ctes.push(format!(
            "allowed AS (SELECT c.n FROM c WHERE {})",
            allowed.join(" AND ")
        ));
        ctes.push(format!(
            "written AS ({INSERT}, $9::int[]) WITH ORDINALITY AS {ROWS}, command, n) \
             WHERE e.command IN (SELECT n FROM allowed){RETURNING})"
        ));
        ctes.push(PLACE_BEFORE.to_owned());
        format!("WITH {} {SELECT_WRITTEN}", ctes.join(",\n"))
    }
}

/// Whether this statement's events come in the feed right after the last event of the
/// transactions before its own, and that event (`group_commit::watchers`). The statement's
/// snapshot is taken before its transaction has an id; if no transaction was running then
/// (`xmin = xmax`) and this one took the next id (`xmax`), every transaction with a lower id had
/// ended, and their events are all in this snapshot: the last of them in feed order is the
/// event before this statement's. Materialised, so that it is asked once.
const PLACE_BEFORE: &str = "
    place_before AS MATERIALIZED (
        SELECT pg_snapshot_xmin(x.s) = pg_snapshot_xmax(x.s) AND x.id = pg_snapshot_xmax(x.s)
                   AS alone,
               b.tx_id AS before_tx, b.position AS before_position
        FROM (SELECT pg_current_xact_id() AS id, pg_current_snapshot() AS s OFFSET 0) x
        LEFT JOIN LATERAL (
            SELECT e.tx_id, e.position FROM events e
            WHERE e.tx_id < x.id::text::bigint
            ORDER BY e.tx_id DESC, e.position DESC LIMIT 1) b ON true)";
/// The rows written, each with the place before the statement's events.
const SELECT_WRITTEN: &str =
    "SELECT w.*, p.alone, p.before_tx, p.before_position FROM written w CROSS JOIN place_before p";

/// A command's idempotency key and what its mark writes on it ([`Mark`](super::Mark)).
const KEY_COLUMNS: [(&str, &str); 9] = [
    ("uuid[]", "account_id"),
    ("text[]", "key"),
    ("int[]", "status"),
    ("text[]", "answer_id"),
    ("bigint[]", "answer_version"),
    ("text[]", "last_type"),
    ("text[]", "last_id"),
    ("bigint[]", "last_sequence"),
    ("bigint[]", "claim"),
];
/// A command's recalled session and the version of its account the request ran as.
const SESSION_COLUMNS: [(&str, &str); 2] =
    [("bytea[]", "session"), ("bigint[]", "account_version")];

/// The commands whose recalled session is live, at its account's version. The account's version
/// is asked only of the sessions found (`OFFSET 0` keeps the join apart). Joined in one, the
/// planner hashed the sessions it scanned by that version, asking it of every session: with 51
/// sessions, 51 index probes of `events` per statement.
const LIVE: &str = "
    live AS (
        SELECT found.n FROM (
            SELECT c.n, c.account_version, s.account_id
            FROM c JOIN sessions s ON s.token_digest = c.session
            WHERE s.revoked_at IS NULL AND s.expires_at > now()
            OFFSET 0) found
        WHERE (SELECT COALESCE(MAX(a.sequence), 0) FROM events a
               WHERE a.aggregate_type = 'account' AND a.aggregate_id = found.account_id::text)
              = found.account_version)";
const LIVE_ONLY: &str = "(c.session IS NULL OR c.n IN (SELECT n FROM live))";
/// The commands whose key is still claimed by them, with their mark written.
const CLAIMED: &str = "
    claimed AS (
        UPDATE idempotency_keys k
        SET state = 'committed', status = c.status, answer_id = c.answer_id,
            answer_version = c.answer_version, last_aggregate_type = c.last_type,
            last_aggregate_id = c.last_id, last_sequence = c.last_sequence
        FROM c
        WHERE k.account_id = c.account_id AND k.key = c.key AND k.claim = c.claim
          AND k.state IN ('pending', 'committed')$WHEN_LIVE
        RETURNING c.n)";

#[cfg(test)]
mod tests {
    use super::Conditions;

    /// A statement does the work of only the kinds of condition its commands have, and names
    /// exactly the parameters bound for them. (What each writes is tested against PostgreSQL
    /// in `postgres::tests`.)
    #[test]
    fn a_statement_carries_only_the_conditions_its_commands_have() {
        for n in 0..8 {
            let conditions = Conditions::numbered(n);
            let (keys, sessions, one) = (conditions.keys, conditions.sessions, conditions.one);
            let sql = conditions.statement();
            assert_eq!(sql.contains("idempotency_keys"), keys, "{sql}");
            assert_eq!(sql.contains("JOIN sessions"), sessions, "{sql}");
            let last_parameter = match (keys, sessions) {
                (false, false) => 8,
                _ => 10 + 9 * usize::from(keys) + 2 * usize::from(sessions),
            };
            assert!(sql.contains(&format!("${last_parameter}::")), "{sql}");
            assert!(
                !sql.contains(&format!("${}::", last_parameter + 1)),
                "{sql}"
            );
            // A lone command's conditions are single values (see the module).
            let arrays_of_commands = sql.contains("$10::int[]");
            assert_eq!(arrays_of_commands, (keys || sessions) && !one, "{sql}");
            assert_eq!(conditions.number(), n);
        }
    }
}
