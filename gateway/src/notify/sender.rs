//! Sends pending notifications. A row is marked sent only after the server accepted the message;
//! a temporary failure is retried with exponential back-off (the base doubling per attempt, up to
//! an hour); a permanent refusal (5xx) or an erased recipient marks the row failed for good,
//! and the others go on.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use domain::values::AccountId;
use store::notifications::{Commit, Notification};
use store::vault::{open_json, PersonKey};
use store::{Vault, BACKGROUND_PACE};

use super::mailer::{Mailer, Outgoing};
use super::{now_ms, Context};
use crate::access::accounts::{Personal, PERSONAL};

const BATCH: i64 = 50;
/// How many mails are sent at once. One after another, a mail cost the sender a key read, the
/// delivery and a mark, each waiting for the one before: measured with `articula bench http`
/// registering at 16 clients (two mails each), the sender took 5.6 to 6.8 seconds after a
/// three-second run to catch up; sending 16 together, 2.4 to 2.5. Together, the keys are one
/// read and mails delivered at the same moment are marked in one statement. A crash between a
/// delivery and its mark sends that mail again (with the same Message-ID): now any of the mails
/// delivered while a mark was being made, not just one (see `send_together`).
const AT_ONCE: usize = 16;
const IDLE: Duration = Duration::from_millis(200);
const LONGEST_WAIT_MS: i64 = 60 * 60 * 1000;

pub(super) async fn run(context: Context, mailer: Option<Arc<Mailer>>) {
    let Some(mailer) = mailer else {
        // Misconfigured: rows stay pending until a corrected configuration starts.
        return;
    };
    // The keys of the mails sent together in one read, on a connection of its own.
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
        // A batch shorter than `BATCH` holds everything due: the next one is read a pace later,
        // so that mails are read in batches of the pace's commits, with one durable mark each,
        // not a read of due rows and a sync of the disk for each command's mails.
        let caught_up = due.len() < usize::try_from(BATCH).unwrap_or(usize::MAX);
        // Whether a recipient still has an address is read from the account directory: it must
        // have seen at least every event the notifier has (after a restart it is still catching
        // up, and would take an active account for an erased one).
        if !read_models_reached_notifier(&context).await {
            continue;
        }
        let chunks = due.len().div_ceil(AT_ONCE);
        for (index, chunk) in due.chunks(AT_ONCE).enumerate() {
            // One durable commit per batch, its last mark (see `Commit`).
            let commit = if index + 1 == chunks {
                Commit::Durable
            } else {
                Commit::Unhurried
            };
            if let Err(error) = send_together(&context, &vault, &mailer, chunk, commit).await {
                super::retrying(
                    &context,
                    "mail sender",
                    "cannot update a notification",
                    &error,
                );
            }
        }
        if caught_up {
            tokio::time::sleep(BACKGROUND_PACE).await;
        }
    }
}

/// Why a mail was not sent.
enum Unsent {
    /// Never to be tried again: an erased recipient, a refused address.
    Failed(String),
    /// Tried again after a back-off.
    Retry(String),
}

/// Sends `chunk`'s mails at once, each marked in the first statement after its delivery
/// returned: mails delivered together are marked together, and a crash can send again only the
/// mails delivered while a mark was being made, not the whole chunk. The last mark carries
/// `commit`. The recipients' keys are read together just before (an erased person has no key,
/// and is not mailed). Deliveries are tasks of their own, so that they go on while a mark is
/// made.
async fn send_together(
    context: &Context,
    vault: &Vault,
    mailer: &Arc<Mailer>,
    chunk: &[Notification],
    commit: Commit,
) -> Result<(), store::StoreError> {
    let recipients: Vec<AccountId> = chunk
        .iter()
        .filter_map(|notification| notification.recipient.parse().ok())
        .collect();
    let keys = Arc::new(vault.keys(&recipients).await?);
    let mut deliveries = tokio::task::JoinSet::new();
    for notification in chunk {
        let (context, keys, mailer) = (context.clone(), keys.clone(), mailer.clone());
        let notification = notification.clone();
        deliveries.spawn(async move {
            let outcome = send_one(&context, &keys, &mailer, &notification).await;
            (notification, outcome)
        });
    }
    while let Some(first) = deliveries.join_next().await {
        let mut delivered = vec![first];
        while let Some(more) = deliveries.try_join_next() {
            delivered.push(more);
        }
        // A delivery that panicked leaves its row pending: it is tried again.
        let delivered: Vec<_> = delivered.into_iter().filter_map(Result::ok).collect();
        let last = deliveries.is_empty();
        mark(
            context,
            delivered,
            if last { commit } else { Commit::Unhurried },
        )
        .await?;
    }
    Ok(())
}

/// Marks mails as their deliveries went, in one statement for the sent ones, made last so that
/// it carries `commit`.
async fn mark(
    context: &Context,
    delivered: Vec<(Notification, Result<(), Unsent>)>,
    commit: Commit,
) -> Result<(), store::StoreError> {
    let notifications = &context.notifications;
    let mut sent = Vec::new();
    let mut unsent = Vec::new();
    for (notification, outcome) in delivered {
        match outcome {
            Ok(()) => sent.push(notification.id),
            Err(why) => unsent.push((notification, why)),
        }
    }
    let count = unsent.len();
    for (index, (notification, why)) in unsent.into_iter().enumerate() {
        let commit = if index + 1 == count && sent.is_empty() {
            commit
        } else {
            Commit::Unhurried
        };
        match why {
            Unsent::Failed(reason) => {
                notifications
                    .mark_failed(&notification.id, now_ms(), &reason, commit)
                    .await?;
            }
            Unsent::Retry(reason) => {
                let wait = backoff_ms(context.retry_base, notification.attempts);
                notifications
                    .mark_retry(&notification.id, now_ms() + wait, &reason, commit)
                    .await?;
            }
        }
    }
    if !sent.is_empty() {
        notifications.mark_sent(&sent, now_ms(), commit).await?;
    }
    Ok(())
}

async fn send_one(
    context: &Context,
    keys: &HashMap<AccountId, PersonKey>,
    mailer: &Mailer,
    notification: &Notification,
) -> Result<(), Unsent> {
    let Some(email) = email_of(context, keys, &notification.recipient) else {
        return Err(Unsent::Failed("the recipient's account was erased".into()));
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
            Ok(())
        }
        Err(error) if error.permanent => {
            tracing::warn!(id = %notification.id, error = %error.message, "mail refused for good");
            Err(Unsent::Failed(error.message))
        }
        Err(error) => {
            context
                .state
                .mail
                .set_degraded(format!("delivery failing ({})", error.message));
            Err(Unsent::Retry(error.message))
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
fn email_of(
    context: &Context,
    keys: &HashMap<AccountId, PersonKey>,
    recipient: &str,
) -> Option<String> {
    let account = recipient.parse::<AccountId>().ok()?;
    let sealed = context.state.read.directory.read(|directory| {
        directory
            .get(account)
            .and_then(|state| state.personal().cloned())
    })?;
    let key = keys.get(&account)?;
    open_json::<Personal>(key, account, PERSONAL, &sealed)
        .ok()
        .map(|personal| personal.email)
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
