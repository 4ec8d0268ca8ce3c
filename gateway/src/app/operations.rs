//! How the service is doing, for administrators: each projection's position, lag and failure,
//! the feed's head, the sealer (events not yet in the global chain), the notifier (its
//! checkpoint, mail pending and failed with the reasons, and trying a failed one again), the mail
//! transport, the supervised tasks. What `/ready` and `/metrics` report, read for a person.

use projections::ProjectionStatus;
use store::notifications::{Notification, NotificationStatus, Notifications};

use super::Refusal;
use crate::access::{Access, Caller};
use crate::state::AppState;
use crate::tasks::TaskState;

/// How many failed notifications are listed.
pub const FAILURES_SHOWN: i64 = 50;

#[derive(Debug)]
pub struct Operations {
    pub projections: Vec<ProjectionStatus>,
    /// The newest event's global position.
    pub head: i64,
    /// Events committed but not sealed into the global chain yet.
    pub unsealed: i64,
    /// The last event the notifier has turned into mail.
    pub notifier_position: i64,
    pub mail_pending: i64,
    pub mail_failed: i64,
    /// The newest failed notifications, with their reasons.
    pub failures: Vec<Notification>,
    /// `ok`, or what is wrong with sending mail.
    pub mail: String,
    pub tasks: Vec<TaskState>,
}

pub async fn read(state: &AppState, caller: &Caller) -> Result<Operations, Refusal> {
    Access::ADMINS.admits(caller)?;
    let db = state.log.database();
    let outbox = Notifications::new(db);
    let (mail_pending, mail_failed) = outbox.pending_and_failed().await?;
    Ok(Operations {
        projections: state.projection_statuses(),
        head: state.log.feed().head_position().await?,
        unsealed: store::chain::unsealed_count(db).await?,
        notifier_position: outbox.checkpoint().await?.position,
        mail_pending,
        mail_failed,
        failures: outbox
            .list(NotificationStatus::Failed, FAILURES_SHOWN)
            .await?,
        mail: state.mail.describe(),
        tasks: state.tasks.states(),
    })
}

/// Tries a failed notification again (it goes back to the notifier's queue, due now); not found
/// if no failed notification has this id.
pub async fn retry(state: &AppState, caller: &Caller, id: &str) -> Result<(), Refusal> {
    Access::ADMINS.admits(caller)?;
    let outbox = Notifications::new(state.log.database());
    let now = chrono::Utc::now().timestamp_millis();
    if outbox.retry_failed(id, now).await? {
        Ok(())
    } else {
        Err(Refusal::NotFound(
            "there is no failed notification with this id".into(),
        ))
    }
}
