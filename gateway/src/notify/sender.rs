//! Sends pending notifications. A row is marked sent only after the server accepted the message;
//! a temporary failure is retried with exponential back-off (the base doubling per attempt, up to
//! an hour); a permanent refusal (5xx) or an erased recipient marks the row failed for good,
//! and the others go on.

use std::sync::Arc;
use std::time::Duration;

use domain::values::AccountId;
use store::notifications::{Commit, Notification};
use store::vault::open_json;
use store::Vault;

use super::mailer::{Mailer, Outgoing};
use super::{now_ms, Context};
use crate::access::accounts::{Personal, PERSONAL};

const BATCH: i64 = 50;
const IDLE: Duration = Duration::from_millis(200);
const LONGEST_WAIT_MS: i64 = 60 * 60 * 1000;

pub(super) async fn run(context: Context, mailer: Option<Arc<Mailer>>) {
    let Some(mailer) = mailer else {
        // Misconfigured: rows stay pending until a corrected configuration starts.
        return;
    };
    // A key read for every mail, on a connection of its own (one round trip each).
    let vault = context.state.accounts.vault().on_own_connection();
    loop {
        let due = match context.notifications.due(now_ms(), BATCH).await {
            Ok(due) => due,
            Err(error) => {
                super::retrying(
                    &context,
                    "mail sender",
                    "cannot read pending notifications",
                    &error,
                );
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if due.is_empty() {
            tokio::time::sleep(IDLE).await;
            continue;
        }
        // Whether a recipient still has an address is read from the account directory: it must
        // have seen at least every event the notifier has (after a restart it is still catching
        // up, and would take an active account for an erased one).
        if !read_models_reached_notifier(&context).await {
            continue;
        }
        for (index, notification) in due.iter().enumerate() {
            // One durable commit per batch, its last mark (see `Commit`).
            let commit = if index + 1 == due.len() {
                Commit::Durable
            } else {
                Commit::Unhurried
            };
            if let Err(error) = send_one(&context, &vault, &mailer, notification, commit).await {
                super::retrying(
                    &context,
                    "mail sender",
                    "cannot update a notification",
                    &error,
                );
            }
        }
    }
}

async fn send_one(
    context: &Context,
    vault: &Vault,
    mailer: &Mailer,
    notification: &Notification,
    commit: Commit,
) -> Result<(), store::StoreError> {
    let notifications = &context.notifications;
    let Some(email) = email_of(context, vault, &notification.recipient).await? else {
        return notifications
            .mark_failed(
                &notification.id,
                now_ms(),
                "the recipient's account was erased",
                commit,
            )
            .await;
    };
    let outgoing = Outgoing {
        to: &email,
        subject: &notification.subject,
        text: &notification.body_text,
        html: &notification.body_html,
        message_id: &notification.message_id,
        file_stem: &notification.id,
    };
    match mailer.deliver(&outgoing).await {
        Ok(()) => {
            context.state.mail.set_ok();
            notifications
                .mark_sent(&notification.id, now_ms(), commit)
                .await
        }
        Err(error) if error.permanent => {
            tracing::warn!(id = %notification.id, error = %error.message, "mail refused for good");
            notifications
                .mark_failed(&notification.id, now_ms(), &error.message, commit)
                .await
        }
        Err(error) => {
            context
                .state
                .mail
                .set_degraded(format!("delivery failing ({})", error.message));
            let wait = backoff_ms(context.retry_base, notification.attempts);
            notifications
                .mark_retry(&notification.id, now_ms() + wait, &error.message, commit)
                .await
        }
    }
}

/// Waits (a few seconds at most) until the read models have applied everything the notifier
/// has; false if they have not yet.
async fn read_models_reached_notifier(context: &Context) -> bool {
    let checkpoint = match context.notifications.checkpoint().await {
        Ok(at) => at,
        Err(error) => {
            super::retrying(
                context,
                "mail sender",
                "cannot read the notifier checkpoint",
                &error,
            );
            tokio::time::sleep(Duration::from_secs(1)).await;
            return false;
        }
    };
    let reached = context
        .state
        .engine
        .wait_for(checkpoint, Duration::from_secs(5))
        .await;
    if !reached {
        tracing::info!(at = %checkpoint, "mail waits for the read models to catch up");
    }
    reached
}

/// How long to wait before the next try after `attempts` failed ones: base × 2^attempts.
pub(super) fn backoff_ms(base: Duration, attempts: i64) -> i64 {
    let base = i64::try_from(base.as_millis()).unwrap_or(LONGEST_WAIT_MS);
    let exponent = u32::try_from(attempts.clamp(0, 30)).unwrap_or(30);
    base.saturating_mul(1_i64 << exponent).min(LONGEST_WAIT_MS)
}

/// The recipient's email, opened with their key; `None` once they are erased.
async fn email_of(
    context: &Context,
    vault: &Vault,
    recipient: &str,
) -> Result<Option<String>, store::StoreError> {
    let Ok(account) = recipient.parse::<AccountId>() else {
        return Ok(None);
    };
    let sealed = context.state.read.directory.read(|directory| {
        directory
            .get(account)
            .and_then(|state| state.personal().cloned())
    });
    let Some(sealed) = sealed else {
        return Ok(None);
    };
    let Some(key) = vault.key(account).await? else {
        return Ok(None);
    };
    Ok(open_json::<Personal>(&key, account, PERSONAL, &sealed)
        .ok()
        .map(|personal| personal.email))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_and_stops_at_an_hour() {
        let base = Duration::from_secs(2);
        assert_eq!(backoff_ms(base, 0), 2_000);
        assert_eq!(backoff_ms(base, 1), 4_000);
        assert_eq!(backoff_ms(base, 3), 16_000);
        assert_eq!(backoff_ms(base, 40), LONGEST_WAIT_MS);
    }
}
