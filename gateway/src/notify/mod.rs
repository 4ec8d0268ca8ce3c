//! Email notifications (DESIGN §3, side effects): nothing is sent inside a command. A notifier
//! reads the global feed with its own durable checkpoint and records who hears what (one row per
//! event, recipient and kind, with an id derived from those three) in the same transaction that
//! moves its checkpoint; a sender sends what is pending and marks each row sent only once the
//! mail server has accepted it, retrying with exponential back-off.
//!
//! On PostgreSQL several `articula serve` may share one database: only the instance holding a
//! session advisory lock runs the notifier and the sender; the others try again every few
//! seconds, so one takes over soon after the holder dies (its session, and so the lock, ends).

pub mod account_mail;
pub mod decide;
mod digest;
pub mod mailer;
mod sender;
pub mod templates;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use sha2::{Digest, Sha256};
use sqlx::Connection;
use store::notifications::{NewNotification, Notifications};
use store::{Database, BACKGROUND_PACE};

use crate::state::AppState;
use crate::Settings;
use digest::Told;
use mailer::Mailer;

/// The advisory lock key that elects the active notifier ("articula notifier" in ASCII, cut to
/// 63 bits so that it is a positive bigint).
const LEADER_LOCK: i64 = 0x6172_7469_6375_6c61;
const ELECTION_RETRY: Duration = Duration::from_secs(2);

/// Whether mail is going out, for `/ready`.
#[derive(Debug, Default)]
pub struct MailHealth {
    problem: RwLock<Option<String>>,
}

impl MailHealth {
    /// `"ok"` or `"degraded: <why>"`.
    pub fn describe(&self) -> String {
        match self.problem.read().map(|p| p.clone()) {
            Ok(None) => "ok".to_string(),
            Ok(Some(problem)) => format!("degraded: {problem}"),
            Err(_) => "degraded".to_string(),
        }
    }

    pub fn set_ok(&self) {
        if let Ok(mut problem) = self.problem.write() {
            *problem = None;
        }
    }

    pub fn set_degraded(&self, why: impl Into<String>) {
        if let Ok(mut problem) = self.problem.write() {
            *problem = Some(why.into());
        }
    }
}

/// What the notifier and sender need beyond the application state.
#[derive(Clone)]
struct Context {
    state: AppState,
    notifications: Notifications,
    base_url: String,
    mail_domain: String,
    retry_base: Duration,
}

/// Starts notifications in the background: checks the mail server once (a failure only marks
/// mail degraded; the server starts and mail waits), then runs the notifier and the sender
/// whenever this instance is the elected one.
pub fn spawn(state: &AppState, settings: &Settings) {
    let mailer = match Mailer::from_settings(settings) {
        Ok(mailer) => Some(Arc::new(mailer)),
        Err(problem) => {
            tracing::error!(%problem, "mail is misconfigured: notifications are recorded, not sent");
            state.mail.set_degraded(problem);
            None
        }
    };
    if let Some(mailer) = &mailer {
        tracing::info!(to = %mailer.describe(), "notifications are delivered to {}", mailer.describe());
        let mailer = mailer.clone();
        let health = state.mail.clone();
        tokio::spawn(async move {
            match mailer.reachable().await {
                Ok(()) => health.set_ok(),
                Err(problem) => {
                    tracing::warn!(%problem, "the mail server is unreachable; mail waits");
                    health.set_degraded(format!("the mail server is unreachable ({problem})"));
                }
            }
        });
    }
    let base_url = settings.public_base_url.trim_end_matches('/').to_string();
    let context = Context {
        notifications: Notifications::new(state.log.database()),
        mail_domain: host_of(&base_url),
        base_url,
        retry_base: Duration::from_millis(settings.mail_retry_base_ms.max(1)),
        state: state.clone(),
    };
    let tasks = state.tasks.clone();
    tasks.spawn("notifications", move || {
        lead(context.clone(), mailer.clone())
    });
}

/// Logs an error that `task` retries itself and reports it to the supervisor, which counts it
/// in `/metrics` and shows it in `/ready`.
fn retrying(context: &Context, task: &'static str, what: &str, error: &dyn std::fmt::Display) {
    tracing::warn!(task, %error, "{what}; retrying");
    context
        .state
        .tasks
        .trouble(task, format!("{what}: {error}"));
}

/// Runs the work while this instance is elected (always on SQLite, which has one server).
async fn lead(context: Context, mailer: Option<Arc<Mailer>>) {
    let tasks = context.state.tasks.clone();
    let work = || {
        // Each worker writes on a connection of its own (`Notifications::on_own_connection`).
        let own = || Context {
            notifications: Notifications::on_own_connection(&context.state.log),
            ..context.clone()
        };
        let for_notifier = own();
        let notifier = tasks.supervise("notifier", move || notifier(for_notifier.clone()));
        let (for_sender, mailer) = (own(), mailer.clone());
        let sender = tasks.supervise("mail sender", move || {
            sender::run(for_sender.clone(), mailer.clone())
        });
        async move {
            tokio::join!(notifier, sender);
        }
    };
    let pool = match context.state.log.database() {
        Database::Postgres(pool) => pool.clone(),
        Database::Sqlite(_) => return work().await,
    };
    loop {
        // A connection of its own, out of the pool: the lock lives exactly as long as it.
        let connection = match pool.acquire().await {
            Ok(connection) => Some(connection.detach()),
            Err(error) => {
                tracing::warn!(%error, "notifier election: no connection");
                None
            }
        };
        if let Some(mut connection) = connection {
            let elected: Result<bool, _> = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                .bind(LEADER_LOCK)
                .fetch_one(&mut connection)
                .await;
            if let Ok(true) = elected {
                tracing::info!("this instance sends the notifications");
                tokio::select! {
                    () = work() => {}
                    () = hold(&mut connection) => {
                        tracing::warn!("lost the notifier lock's connection; standing down");
                    }
                }
            }
            let _ = connection.close().await;
        }
        tokio::time::sleep(ELECTION_RETRY).await;
    }
}

/// Returns when the lock's connection stops answering (the lock is then gone too).
async fn hold(connection: &mut sqlx::PgConnection) {
    loop {
        tokio::time::sleep(ELECTION_RETRY).await;
        if connection.ping().await.is_err() {
            return;
        }
    }
}

/// Reads the feed from the checkpoint and records notifications, batch by batch.
async fn notifier(context: Context) {
    let notifications = &context.notifications;
    let feed = context.state.log.feed();
    'restart: loop {
        let mut from = match notifications.checkpoint().await {
            Ok(at) => at,
            Err(error) => {
                retrying(
                    &context,
                    "notifier",
                    "cannot read the notifier checkpoint",
                    &error,
                );
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let mut reader = feed.reader(from, 200).unhurried(BACKGROUND_PACE);
        loop {
            let batch = match reader
                .next_raw_batch_within(Duration::from_millis(500))
                .await
            {
                Ok(batch) if batch.is_empty() => continue,
                Ok(batch) => batch,
                Err(error) => {
                    retrying(&context, "notifier", "cannot read the feed", &error);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue 'restart;
                }
            };
            let to = batch.last().map(|e| e.feed_position()).unwrap_or(from);
            // Recipients come from the read models: let them reach this batch first.
            while !context
                .state
                .engine
                .wait_for(to, Duration::from_secs(5))
                .await
            {
                tracing::warn!(at = %to, "notifier waits for the read models");
            }
            let mut intents = Vec::new();
            for raw in batch {
                let envelope = projections::Envelope::new(raw);
                let Ok(event) = envelope.event() else {
                    continue;
                };
                match decide::intents(&context.state, event).await {
                    Ok(found) => {
                        intents.extend(found.into_iter().map(|i| (envelope.position(), i)));
                    }
                    Err(error) => {
                        retrying(
                            &context,
                            "notifier",
                            "cannot tell who hears of an event",
                            &error,
                        );
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue 'restart;
                    }
                }
            }
            let rows: Vec<NewNotification> = digest::gather(&context.base_url, intents)
                .iter()
                .map(|told| record_of(&context, told))
                .collect();
            let now = now_ms();
            match notifications.record(from, to, &rows, now).await {
                Ok(true) => from = to,
                Ok(false) => continue 'restart,
                Err(error) => {
                    retrying(&context, "notifier", "cannot record notifications", &error);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue 'restart;
                }
            }
        }
    }
}

fn record_of(context: &Context, told: &Told) -> NewNotification {
    let (at, intent) = (told.at, &told.intent);
    let recipient = intent.recipient.to_string();
    let id = match told.through {
        None => notification_id(at.position, &recipient, intent.kind.as_str()),
        Some(last) => digest_id(at.position, last, &recipient, intent.kind.as_str()),
    };
    let link = format!("{}{}", context.base_url, intent.path);
    let rendered = templates::render(&intent.notice, intent.language, &link);
    NewNotification {
        message_id: format!("{id}@{}", context.mail_domain),
        id,
        event_position: at.position,
        recipient: intent.recipient.to_string(),
        kind: intent.kind.as_str().to_string(),
        language: intent.language.code().to_string(),
        subject: rendered.subject,
        body_text: rendered.text,
        body_html: rendered.html,
    }
}

/// The notification's identity: the same event, recipient and kind always give the same id.
pub fn notification_id(position: i64, recipient: &str, kind: &str) -> String {
    uuid_of(&format!("{position}\n{recipient}\n{kind}"))
}

/// A digest's identity: the same first and last submissions, recipient and kind always give the
/// same id, and no notice of one event has it (see `digest.rs`).
fn digest_id(first: i64, last: i64, recipient: &str, kind: &str) -> String {
    uuid_of(&format!("{first}..{last}\n{recipient}\n{kind}"))
}

/// The first 16 bytes of the SHA-256 of `text`, as a UUID.
fn uuid_of(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Uuid::from_bytes(bytes).to_string()
}

/// The host of the public base URL, for Message-IDs.
pub(crate) fn host_of(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let host = rest.split(['/', ':', '?']).next().unwrap_or_default();
    if host.is_empty() {
        "articula.invalid".to_string()
    } else {
        host.to_string()
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_depend_on_event_recipient_and_kind_only() {
        let id = notification_id(7, "a", "decision");
        assert_eq!(id, notification_id(7, "a", "decision"));
        assert_ne!(id, notification_id(8, "a", "decision"));
        assert_ne!(id, notification_id(7, "b", "decision"));
        assert_ne!(id, notification_id(7, "a", "to_review"));
        assert!(uuid::Uuid::parse_str(&id).is_ok());
    }

    #[test]
    fn a_digest_is_named_by_its_first_and_last_submissions() {
        let id = digest_id(7, 9, "a", "to_review");
        assert_eq!(id, digest_id(7, 9, "a", "to_review"));
        assert_ne!(
            id,
            digest_id(7, 12, "a", "to_review"),
            "another batch's end"
        );
        assert_ne!(id, digest_id(8, 9, "a", "to_review"));
        assert_ne!(id, digest_id(7, 9, "b", "to_review"));
        assert_ne!(
            id,
            notification_id(7, "a", "to_review"),
            "the first's own notice"
        );
    }

    #[test]
    fn message_ids_use_the_public_host() {
        assert_eq!(
            host_of("https://articula.example:8443/app"),
            "articula.example"
        );
        assert_eq!(host_of("http://localhost"), "localhost");
        assert_eq!(host_of(""), "articula.invalid");
    }
}
