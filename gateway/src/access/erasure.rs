//! What erasing a person removes beyond their key: their place on every list (managers of
//! initiatives and requests to manage them; members, facilitators and requests to join of
//! communities), and the mail files the embedded default wrote to their address.

use chrono::Utc;
use domain::community::{Community, CommunityCommand};
use domain::initiative::{Initiative, InitiativeCommand};
use domain::values::AccountId;
use store::notifications::Notifications;
use store::{CommandError, EventMetadata};

use super::AccountService;
use crate::app::{command_error, DomainRefusal, Refusal};

impl AccountService {
    /// Takes the erased `account` off every list it is on. Each stream that names the account is
    /// asked to remove it, and decides whether it is there (a stream where it is not records
    /// nothing), so running this again finishes what a crash left undone.
    pub(super) async fn remove_from_every_list(
        &self,
        account: AccountId,
        metadata: &EventMetadata,
    ) -> Result<(), Refusal> {
        let db = self.log.database();
        let needle = account.to_string();
        let initiatives = self.log.commands::<Initiative>(());
        for id in store::mentions::streams_mentioning(db, "initiative", &needle).await? {
            let command = || InitiativeCommand::RemoveErasedAccount {
                account,
                account_erased: true,
                at: Utc::now(),
            };
            retried(|| initiatives.execute(&id, command(), metadata.clone())).await?;
        }
        let communities = self.log.commands::<Community>(());
        for id in store::mentions::streams_mentioning(db, "community", &needle).await? {
            let command = || CommunityCommand::RemoveErasedAccount {
                account,
                account_erased: true,
                at: Utc::now(),
            };
            retried(|| communities.execute(&id, command(), metadata.clone())).await?;
        }
        Ok(())
    }

    /// Deletes the `.eml` files written to `account`'s address (the embedded default writes mail
    /// to files when no SMTP server is configured). Mail handed to an SMTP server has left.
    pub(super) async fn forget_mail(&self, account: AccountId) -> Result<(), Refusal> {
        let Some(dir) = self.mail_dir() else {
            return Ok(());
        };
        let ids = Notifications::new(self.log.database())
            .ids_for(&account.to_string())
            .await?;
        for id in ids {
            for name in [format!("{id}.eml"), format!(".{id}.eml.partial")] {
                match tokio::fs::remove_file(dir.join(&name)).await {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(Refusal::internal(format!(
                            "cannot delete the mail file {name}: {e}"
                        )))
                    }
                }
            }
        }
        Ok(())
    }
}

/// Runs `attempt` again once if another writer changed the stream at the same moment.
async fn retried<T, E, F, Fut>(attempt: F) -> Result<T, Refusal>
where
    E: DomainRefusal,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, CommandError<E>>>,
{
    match attempt().await {
        Err(CommandError::Conflict) => attempt().await.map_err(command_error),
        other => other.map_err(command_error),
    }
}
