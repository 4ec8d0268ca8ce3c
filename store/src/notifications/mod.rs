//! Email notifications as the notifier records them and the sender works through them
//! (tables of migration 0007). The SQL is the same on both backends (`$n` parameters, times as
//! Unix milliseconds), so each statement is written once and run on whichever pool is open; the
//! notifier's record is the exception (one statement on PostgreSQL, `record.rs`).
//!
//! A notification's id is derived from (event position, recipient, kind), so recording the same
//! event twice writes nothing new; and the notifier's checkpoint moves in the same transaction
//! as the rows it recorded (`record.rs`), so a crash between the two cannot lose or repeat them.

use std::sync::Arc;

use serde::Serialize;
use sqlx::Row;

use crate::database::{on_pool, UNHURRIED_COMMIT};
use crate::held::{on_kept_or_pool, HeldConnection};
use crate::writer::Durability;
use crate::{Database, EventLog, FeedPosition, StoreError, WriteTurn};

/// Inserts one notification (`$n: &NewNotification`) through `$executor`, skipping it if its id
/// is recorded already. The same statement on both backends.
macro_rules! insert_notification {
    ($executor:expr, $n:expr, $now_ms:expr) => {{
        let n: &NewNotification = $n;
        sqlx::query(
            "INSERT INTO notifications (id, event_position, recipient, kind, language, subject, \
             body_text, body_html, message_id, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&n.id)
        .bind(n.event_position)
        .bind(&n.recipient)
        .bind(&n.kind)
        .bind(&n.language)
        .bind(&n.subject)
        .bind(&n.body_text)
        .bind(&n.body_html)
        .bind(&n.message_id)
        .bind($now_ms)
        .execute($executor)
        .await
    }};
}

mod record;
use record::Move;

const CHECKPOINT: &str = "notifier";

/// Whether a mark waits for the disk. The sender marks a batch's rows [`Commit::Unhurried`] and
/// its last one [`Commit::Durable`], which makes the marks before it durable too (a durable
/// commit flushes everything logged before it, on both backends). A process crash loses no mark
/// either way; a power cut may lose the marks of the batch being sent, whose mails then go
/// once more with the same Message-ID, as after a crash between a mail server's acceptance
/// and the mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    Durable,
    Unhurried,
}

/// Where a notification is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationStatus {
    Pending,
    Sent,
    Failed,
}

impl NotificationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "sent" => Some(Self::Sent),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// A notification as the notifier records it (already rendered in the recipient's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub id: String,
    pub event_position: i64,
    pub recipient: String,
    pub kind: String,
    pub language: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub message_id: String,
}

/// A stored notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub id: String,
    pub event_position: i64,
    pub recipient: String,
    pub kind: String,
    pub language: String,
    #[serde(skip)]
    pub subject: String,
    #[serde(skip)]
    pub body_text: String,
    #[serde(skip)]
    pub body_html: String,
    pub status: NotificationStatus,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub message_id: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

const COLUMNS: &str = "id, event_position, recipient, kind, language, subject, body_text, \
    body_html, status, attempts, next_attempt_at, last_error, message_id, created_at, sent_at";

macro_rules! notification_from_row {
    ($row:expr) => {{
        let row = $row;
        let status: String = row.try_get("status")?;
        Notification {
            id: row.try_get("id")?,
            event_position: row.try_get("event_position")?,
            recipient: row.try_get("recipient")?,
            kind: row.try_get("kind")?,
            language: row.try_get("language")?,
            subject: row.try_get("subject")?,
            body_text: row.try_get("body_text")?,
            body_html: row.try_get("body_html")?,
            status: NotificationStatus::parse(&status).unwrap_or(NotificationStatus::Failed),
            attempts: i64::from(row.try_get::<i32, _>("attempts")?),
            next_attempt_at: row.try_get("next_attempt_at")?,
            last_error: row.try_get("last_error")?,
            message_id: row.try_get("message_id")?,
            created_at: row.try_get("created_at")?,
            sent_at: row.try_get("sent_at")?,
        }
    }};
}

/// The notifications tables.
#[derive(Clone)]
pub struct Notifications {
    db: Database,
    /// On PostgreSQL, the connection the notifier or the sender keeps ([`Self::on_own_connection`]).
    kept: Option<Arc<HeldConnection>>,
    /// The turn the worker's writes wait for: its log's appends' ([`WriteTurn`]), or none.
    turn: WriteTurn,
}

impl Notifications {
    pub fn new(db: &Database) -> Self {
        Self {
            db: db.clone(),
            kept: None,
            turn: WriteTurn::default(),
        }
    }

    /// The tables as a worker that writes statement after statement uses them (the notifier's
    /// records, one per batch of the feed; the sender's marks, one per mail): on PostgreSQL those
    /// writes run on a connection it keeps ([`HeldConnection`]), one round trip each, not two,
    /// each in the turn of `log`'s appends ([`WriteTurn`]).
    pub fn on_own_connection(log: &EventLog) -> Self {
        Self {
            db: log.database().clone(),
            kept: HeldConnection::for_worker(log.database()),
            turn: log.write_turn(),
        }
    }

    /// How many notifications wait to be sent and how many were given up on.
    pub async fn pending_and_failed(&self) -> Result<(i64, i64), StoreError> {
        let sql = "SELECT
                       (SELECT count(*) FROM notifications WHERE status = 'pending'),
                       (SELECT count(*) FROM notifications WHERE status = 'failed')";
        on_pool!(&self.db, |pool| {
            let counts: (i64, i64) = sqlx::query_as(sql).fetch_one(pool).await?;
            Ok(counts)
        })
    }

    /// The notifier's checkpoint: the last event it has decided about.
    pub async fn checkpoint(&self) -> Result<FeedPosition, StoreError> {
        let sql = "SELECT tx, position FROM notifier_checkpoint WHERE name = $1";
        on_pool!(&self.db, |pool| {
            let row = sqlx::query(sql)
                .bind(CHECKPOINT)
                .fetch_optional(pool)
                .await?;
            match row {
                Some(row) => Ok(FeedPosition {
                    tx: row.try_get("tx")?,
                    position: row.try_get("position")?,
                }),
                None => Ok(FeedPosition::START),
            }
        })
    }

    /// Records `notifications` (skipping any already recorded) and moves the checkpoint from
    /// `from` to `to`, all or nothing. Returns false, writing nothing, when the checkpoint is
    /// no longer at `from` (another notifier moved it): the caller re-reads it.
    pub async fn record(
        &self,
        from: FeedPosition,
        to: FeedPosition,
        notifications: &[NewNotification],
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let moved = Move { from, to, now_ms };
        match &self.db {
            Database::Postgres(pool) => {
                // Owned: the statement runs in a future of its connection's own.
                let (notifications, turn) = (notifications.to_vec(), self.turn.clone());
                on_kept_or_pool(self.kept.as_deref(), pool, |connection| {
                    Box::pin(async move {
                        let record = record::on_postgres(connection, &moved, &notifications);
                        turn.during(record).await
                    })
                })
                .await
            }
            Database::Sqlite(pool) => record::on_sqlite(pool, &moved, notifications).await,
        }
    }

    /// Records one notification that no event of the log causes (a mail about an account, whose
    /// link holds a secret the log must never see), ready to be sent at once.
    pub async fn enqueue(&self, n: &NewNotification, now_ms: i64) -> Result<(), StoreError> {
        on_pool!(&self.db, |pool| {
            insert_notification!(pool, n, now_ms)?;
            Ok(())
        })
    }

    /// The ids of every notification addressed to `recipient` (which name its `.eml` files).
    pub async fn ids_for(&self, recipient: &str) -> Result<Vec<String>, StoreError> {
        let sql = "SELECT id FROM notifications WHERE recipient = $1 ORDER BY id";
        on_pool!(&self.db, |pool| {
            Ok(sqlx::query_scalar::<_, String>(sql)
                .bind(recipient)
                .fetch_all(pool)
                .await?)
        })
    }

    /// The newest `limit` notifications addressed to `recipient`, newest first: what a member
    /// was told, shown on their dashboard.
    pub async fn newest_for(
        &self,
        recipient: &str,
        limit: i64,
    ) -> Result<Vec<Notification>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notifications WHERE recipient = $1 \
             ORDER BY created_at DESC, id LIMIT $2"
        );
        on_pool!(&self.db, |pool| {
            let rows = sqlx::query(&sql)
                .bind(recipient)
                .bind(limit)
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                out.push(notification_from_row!(row));
            }
            Ok(out)
        })
    }

    /// The newest notification of `kind` addressed to `recipient`, if any.
    pub async fn latest_for(
        &self,
        recipient: &str,
        kind: &str,
    ) -> Result<Option<Notification>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notifications WHERE recipient = $1 AND kind = $2 \
             ORDER BY created_at DESC, id LIMIT 1"
        );
        on_pool!(&self.db, |pool| {
            let row = sqlx::query(&sql)
                .bind(recipient)
                .bind(kind)
                .fetch_optional(pool)
                .await?;
            Ok(match row {
                Some(row) => Some(notification_from_row!(row)),
                None => None,
            })
        })
    }

    /// Moves the checkpoint to the last event in the log, so that history written without the
    /// notifier (the embedded default's seed data) sends no mail.
    pub async fn skip_history(&self, now_ms: i64) -> Result<(), StoreError> {
        let last = crate::feed::last_committed_in(&self.db).await?;
        let sql = "UPDATE notifier_checkpoint SET tx = $1, position = $2, updated_at = $3 \
                   WHERE name = $4";
        on_pool!(&self.db, |pool| {
            sqlx::query(sql)
                .bind(last.tx)
                .bind(last.position)
                .bind(now_ms)
                .bind(CHECKPOINT)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Pending notifications due at `now_ms`, oldest due first.
    pub async fn due(&self, now_ms: i64, limit: i64) -> Result<Vec<Notification>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notifications WHERE status = 'pending' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id LIMIT $2"
        );
        on_pool!(&self.db, |pool| {
            let rows = sqlx::query(&sql)
                .bind(now_ms)
                .bind(limit)
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                out.push(notification_from_row!(row));
            }
            Ok(out)
        })
    }

    /// Notifications with `status`, newest first, after `before_created` when paging.
    pub async fn list(
        &self,
        status: NotificationStatus,
        limit: i64,
    ) -> Result<Vec<Notification>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notifications WHERE status = $1 \
             ORDER BY created_at DESC, id LIMIT $2"
        );
        on_pool!(&self.db, |pool| {
            let rows = sqlx::query(&sql)
                .bind(status.as_str())
                .bind(limit)
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                out.push(notification_from_row!(row));
            }
            Ok(out)
        })
    }

    /// The mail server accepted these messages (one statement for them all).
    pub async fn mark_sent(
        &self,
        ids: &[String],
        now_ms: i64,
        commit: Commit,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE notifications SET status = 'sent', attempts = attempts + 1, \
                   sent_at = $1, last_error = NULL WHERE id IN {IDS} AND status = 'pending'";
        self.update(sql, now_ms, ids, None, commit).await
    }

    /// A temporary failure: try again at `next_attempt_at`.
    pub async fn mark_retry(
        &self,
        id: &str,
        next_attempt_at: i64,
        error: &str,
        commit: Commit,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE notifications SET attempts = attempts + 1, next_attempt_at = $1, \
                   last_error = $3 WHERE id IN {IDS} AND status = 'pending'";
        self.update(sql, next_attempt_at, &[id.to_owned()], Some(error), commit)
            .await
    }

    /// A permanent failure (a refused address, an erased recipient): never tried again.
    pub async fn mark_failed(
        &self,
        id: &str,
        now_ms: i64,
        error: &str,
        commit: Commit,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE notifications SET status = 'failed', attempts = attempts + 1, \
                   next_attempt_at = $1, last_error = $3 WHERE id IN {IDS} AND status = 'pending'";
        self.update(sql, now_ms, &[id.to_owned()], Some(error), commit)
            .await
    }

    /// An administrator asks for a failed notification to be tried again, now: it is pending
    /// once more. `false` if there is no failed notification with this id.
    pub async fn retry_failed(&self, id: &str, now_ms: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE notifications SET status = 'pending', next_attempt_at = $1 \
                   WHERE id = $2 AND status = 'failed'";
        on_pool!(&self.db, |pool| {
            let done = sqlx::query(sql).bind(now_ms).bind(id).execute(pool).await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Runs a mark of the rows `ids` (`sql` ends in its `WHERE` clause, where `{IDS}` stands for
    /// the set of ids, bound as one JSON array) as the sender asked to commit it.
    async fn update(
        &self,
        sql: &str,
        time: i64,
        ids: &[String],
        error: Option<&str>,
        commit: Commit,
    ) -> Result<(), StoreError> {
        // Owned: on a kept connection the statement runs in a future of that connection's own.
        let ids = serde_json::Value::from(ids).to_string();
        let error = error.map(str::to_owned);
        let set_of_ids = match &self.db {
            Database::Postgres(_) => "(SELECT json_array_elements_text($2::json))",
            Database::Sqlite(_) => "(SELECT value FROM json_each($2))",
        };
        let sql = sql.replace("{IDS}", set_of_ids);
        let sql = sql.as_str();
        macro_rules! run {
            ($sql:expr, $executor:expr) => {{
                let mut query = sqlx::query($sql).bind(time).bind(ids);
                if let Some(error) = error {
                    query = query.bind(error);
                }
                query.execute($executor).await
            }};
        }
        let pool = match &self.db {
            Database::Postgres(pool) => pool,
            Database::Sqlite(pool) => {
                let durability = match commit {
                    Commit::Durable => Durability::Durable,
                    Commit::Unhurried => Durability::Unhurried,
                };
                let mut write = crate::writer::background_sqlite(pool, durability).await?;
                run!(sql, &mut *write)?;
                write.finish();
                return Ok(());
            }
        };
        let sql = match commit {
            Commit::Durable => sql.to_owned(),
            Commit::Unhurried => format!("{sql} AND {UNHURRIED_COMMIT}"),
        };
        let turn = self.turn.clone();
        on_kept_or_pool(self.kept.as_deref(), pool, |connection| {
            Box::pin(async move { turn.during(async { run!(&sql, connection) }).await })
        })
        .await?;
        Ok(())
    }
}
