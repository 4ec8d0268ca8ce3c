//! What an account's holder changes about it: language, name and phone, password.

use domain::account::AccountCommand;
use domain::actor::Actor;
use domain::values::{DisplayName, EmailAddress, Language, Password, Phone};
use store::vault::{open_json, seal_json};
use store::{EventMetadata, FeedPosition};

use super::accounts::{account_error, Personal, CREDENTIAL, PERSONAL};
use super::{passwords, AccountService};
use crate::app::Refusal;

/// Changes to one's own account; `None` leaves a field as it is, `Some(None)` clears the phone.
#[derive(Default)]
pub struct ProfileChange {
    pub language: Option<Language>,
    pub display_name: Option<DisplayName>,
    pub phone: Option<Option<Phone>>,
}

impl AccountService {
    pub async fn update_own(
        &self,
        actor: &Actor,
        change: ProfileChange,
        metadata: &EventMetadata,
    ) -> Result<Option<FeedPosition>, Refusal> {
        let account = actor.account;
        let id = account.to_string();
        let mut last = None;
        if change.display_name.is_some() || change.phone.is_some() {
            let (key, mut personal) = self.own_personal(actor).await?;
            if let Some(name) = change.display_name {
                personal.display_name = name.as_str().to_string();
            }
            if let Some(phone) = change.phone {
                personal.phone = phone.map(|p| p.as_str().to_string());
            }
            let personal =
                seal_json(&key, account, PERSONAL, &personal).map_err(Refusal::internal)?;
            let command = AccountCommand::UpdatePersonal {
                personal,
                actor: actor.clone(),
            };
            last = self.execute_own(&id, command, metadata).await?.or(last);
        }
        if let Some(language) = change.language {
            let command = AccountCommand::ChangeLanguage {
                language,
                actor: actor.clone(),
            };
            last = self.execute_own(&id, command, metadata).await?.or(last);
        }
        Ok(last)
    }

    /// Replaces the password after checking the current one, then signs out every session
    /// (whoever knew the old password is out).
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: String,
        new: Password,
        metadata: &EventMetadata,
    ) -> Result<Option<FeedPosition>, Refusal> {
        let account = actor.account;
        let (key, personal) = self.own_personal(actor).await?;
        if let Ok(email) = EmailAddress::new(&personal.email) {
            new.check_against_email(&email)
                .map_err(|e| Refusal::invalid(vec![e]))?;
        }
        let state = self.load(account).await?;
        let stored = state
            .credential()
            .ok_or_else(|| Refusal::conflict("this account has no password yet; activate it"))?;
        let phc: String =
            open_json(&key, account, CREDENTIAL, stored).map_err(Refusal::internal)?;
        if !passwords::verify(current, phc).await? {
            return Err(Refusal::NotAllowed(
                "the current password is not right".into(),
            ));
        }
        let phc = passwords::hash(new.expose().to_string()).await?;
        let credential = seal_json(&key, account, CREDENTIAL, &phc).map_err(Refusal::internal)?;
        let committed = self
            .accounts
            .execute(
                &account.to_string(),
                AccountCommand::ChangePassword {
                    credential,
                    actor: actor.clone(),
                },
                metadata.clone(),
            )
            .await
            .map_err(account_error)?;
        self.sessions.revoke_all(account).await?;
        Ok(committed.last)
    }

    /// Sets the kinds of notification the holder does not want (the whole set).
    pub async fn set_notification_preferences(
        &self,
        actor: &Actor,
        muted: std::collections::BTreeSet<domain::account::NotificationKind>,
        metadata: &EventMetadata,
    ) -> Result<Option<FeedPosition>, Refusal> {
        let command = AccountCommand::SetNotificationPreferences {
            muted,
            actor: actor.clone(),
        };
        self.execute_own(&actor.account.to_string(), command, metadata)
            .await
    }

    async fn execute_own(
        &self,
        id: &str,
        command: AccountCommand,
        metadata: &EventMetadata,
    ) -> Result<Option<FeedPosition>, Refusal> {
        let committed = self
            .accounts
            .execute(id, command, metadata.clone())
            .await
            .map_err(account_error)?;
        Ok(committed.last)
    }

    async fn own_personal(&self, actor: &Actor) -> Result<(store::PersonKey, Personal), Refusal> {
        let account = actor.account;
        let state = self.load(account).await?;
        let key = self.vault.key(account).await?;
        match (key, state.personal()) {
            (Some(key), Some(sealed)) => {
                let personal =
                    open_json(&key, account, PERSONAL, sealed).map_err(Refusal::internal)?;
                Ok((key, personal))
            }
            _ => Err(Refusal::conflict(
                "this account's personal data has been erased",
            )),
        }
    }
}
