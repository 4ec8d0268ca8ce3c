//! The notifier's write: a batch's notifications and its checkpoint's move, all or nothing.
//!
//! On PostgreSQL it is one statement, so one round trip per batch of the feed (it was four with
//! a transaction: BEGIN, the checkpoint, one INSERT per notification, COMMIT), and it commits
//! without waiting for the disk ([`UNHURRIED_COMMIT`]). That is safe because every row it writes is derived from
//! committed events: a power cut may lose the last batches recorded, and the checkpoint with
//! them (one transaction), so the notifier records them again, under the same ids. A mail sent
//! from a row lost that way is sent once more with the same Message-ID, exactly as after a crash
//! between the mail server's acceptance and the row being marked sent (notifications.md); a
//! row marked sent is durable, since that commit waits for the disk and flushes the row's insert
//! before it.

use crate::database::UNHURRIED_COMMIT;
use crate::{FeedPosition, StoreError};

use super::{NewNotification, CHECKPOINT};

/// Where the checkpoint moves, and when.
#[derive(Clone, Copy)]
pub(super) struct Move {
    pub from: FeedPosition,
    pub to: FeedPosition,
    pub now_ms: i64,
}

pub(super) async fn on_postgres<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    moved: &Move,
    notifications: &[NewNotification],
) -> Result<bool, StoreError> {
    const RECORD: &str = "
        WITH moved AS (
            UPDATE notifier_checkpoint SET tx = $1, position = $2, updated_at = $3
            WHERE name = $4 AND tx = $5 AND position = $6
            RETURNING 1),
        recorded AS (
            INSERT INTO notifications (id, event_position, recipient, kind, language, subject,
                                       body_text, body_html, message_id, next_attempt_at,
                                       created_at)
            SELECT n.*, $3, $3
            FROM unnest($7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[],
                        $12::text[], $13::text[], $14::text[], $15::text[]) AS n
            WHERE EXISTS (SELECT 1 FROM moved)
            ON CONFLICT (id) DO NOTHING)
        SELECT count(*) FROM moved WHERE ";
    let column = |field: fn(&NewNotification) -> &String| -> Vec<&str> {
        notifications.iter().map(|n| field(n).as_str()).collect()
    };
    let positions: Vec<i64> = notifications.iter().map(|n| n.event_position).collect();
    let sql = format!("{RECORD}{UNHURRIED_COMMIT}");
    let count: i64 = sqlx::query_scalar(&sql)
        .bind(moved.to.tx)
        .bind(moved.to.position)
        .bind(moved.now_ms)
        .bind(CHECKPOINT)
        .bind(moved.from.tx)
        .bind(moved.from.position)
        .bind(column(|n| &n.id))
        .bind(&positions)
        .bind(column(|n| &n.recipient))
        .bind(column(|n| &n.kind))
        .bind(column(|n| &n.language))
        .bind(column(|n| &n.subject))
        .bind(column(|n| &n.body_text))
        .bind(column(|n| &n.body_html))
        .bind(column(|n| &n.message_id))
        .fetch_one(executor)
        .await?;
    Ok(count == 1)
}

/// On SQLite, one transaction of four statements however many notifications the batch makes
/// (one INSERT per notification held the file's turn, which appends wait for, about 1 ms for a
/// batch of eight registrations), unhurried as on PostgreSQL.
pub(super) async fn on_sqlite(
    pool: &sqlx::SqlitePool,
    moved: &Move,
    notifications: &[NewNotification],
) -> Result<bool, StoreError> {
    const ADVANCE: &str = "UPDATE notifier_checkpoint SET tx = $1, position = $2, updated_at = $3 \
                           WHERE name = $4 AND tx = $5 AND position = $6";
    let mut write = crate::writer::unhurried_sqlite(pool).await?;
    let mut tx = sqlx::Connection::begin(&mut *write).await?;
    let advanced = sqlx::query(ADVANCE)
        .bind(moved.to.tx)
        .bind(moved.to.position)
        .bind(moved.now_ms)
        .bind(CHECKPOINT)
        .bind(moved.from.tx)
        .bind(moved.from.position)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if advanced != 1 {
        tx.rollback().await?;
        write.finish();
        return Ok(false);
    }
    sqlx::query(INSERT_ALL)
        .bind(as_json(notifications))
        .bind(moved.now_ms)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    write.finish();
    Ok(true)
}

/// Every notification of a batch, passed as one JSON array of rows.
const INSERT_ALL: &str = "
    INSERT INTO notifications (id, event_position, recipient, kind, language, subject,
                               body_text, body_html, message_id, next_attempt_at, created_at)
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
           value ->> 6, value ->> 7, value ->> 8, ?2, ?2
    FROM json_each(?1)
    WHERE true -- SQLite reads `ON` after a bare `FROM` as a join's
    ON CONFLICT (id) DO NOTHING";

fn as_json(notifications: &[NewNotification]) -> String {
    let rows: Vec<_> = notifications
        .iter()
        .map(|n| {
            (
                &n.id,
                n.event_position,
                &n.recipient,
                &n.kind,
                &n.language,
                &n.subject,
                &n.body_text,
                &n.body_html,
                &n.message_id,
            )
        })
        .collect();
    serde_json::to_string(&rows).expect("strings and numbers are JSON")
}
