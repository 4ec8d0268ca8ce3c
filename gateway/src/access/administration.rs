//! Administering accounts: the first admin, activation, roles and erasure.
//!
//! Whatever spans streams is written together: an admin role and the roster that guards "at
//! least one admin"; an erasure and the release of the email it claimed.

use domain::account::{
    AccountCommand, AccountStatus, AdminRosterCommand, Authority, EmailClaimCommand,
    ADMIN_ROSTER_ID,
};
use domain::actor::{Actor, Role};
use domain::values::{AccountId, DisplayName, EmailAddress, Language, Password};
use store::vault::seal_json;
use store::{CommandError, EventMetadata, FeedPosition, PendingAppend, SetupCheck, Token};

use super::accounts::{account_error, claim_error, email_taken, Personal, CREDENTIAL, PERSONAL};
use super::{passwords, AccountService};
use crate::app::command_error;
use crate::app::Refusal;

/// What `articula admin create` hands the operator: the account and its one-time secret.
pub struct Invitation {
    pub account: AccountId,
    pub secret: Token,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// The outcome of an erasure.
#[derive(Debug, PartialEq, Eq)]
pub enum Erasure {
    /// The account was erased now.
    Erased(Option<FeedPosition>),
    /// It had been erased before; any key or session left behind has now been removed too.
    AlreadyErased,
}

impl AccountService {
    /// Creates an account holding the admin role, waiting for its holder to set a password with
    /// the one-time secret returned (never a fixed password).
    pub async fn invite_admin(
        &self,
        email: &EmailAddress,
        display_name: &DisplayName,
        by: &str,
    ) -> Result<Invitation, Refusal> {
        let digest = self.vault.email_digest(email.as_str()).await?;
        let account = AccountId::new();
        let key = self.vault.create_key(account).await?;
        let personal = Personal {
            display_name: display_name.as_str().to_string(),
            email: email.as_str().to_string(),
            phone: None,
        };
        let personal = seal_json(&key, account, PERSONAL, &personal).map_err(Refusal::internal)?;
        let authority = Authority::System(by.to_string());
        let metadata = EventMetadata::system(by, "InviteAdmin");
        let written = async {
            let claim = self
                .claims
                .decide(
                    email_digest_id(&digest),
                    EmailClaimCommand::Claim { account },
                )
                .await
                .map_err(claim_error)?;
            let invited = self
                .accounts
                .decide(
                    &account.to_string(),
                    AccountCommand::Invite {
                        account,
                        email_digest: digest.clone(),
                        personal,
                        language: Language::default(),
                        by: authority.clone(),
                    },
                )
                .await
                .map_err(account_error)?
                .then(AccountCommand::GrantRole {
                    role: Role::Admin,
                    by: authority,
                })
                .await
                .map_err(account_error)?;
            let roster = self
                .roster_change(AdminRosterCommand::Add { account })
                .await?;
            self.commit(vec![
                claim.into_pending(&metadata)?,
                invited.into_pending(&metadata)?,
                roster.into_pending(&metadata)?,
            ])
            .await
            .map_err(|e| match e {
                Refusal::Conflict { .. } => email_taken(),
                other => other,
            })
        }
        .await;
        if let Err(error) = written {
            if let Err(cleanup) = self.vault.erase(account).await {
                tracing::warn!(error = %cleanup, "could not remove an unused person key");
            }
            return Err(error);
        }
        let expires_at = chrono::Utc::now() + self.setup_ttl;
        let secret = self.sessions.issue_setup(account, self.setup_ttl).await?;
        Ok(Invitation {
            account,
            secret,
            expires_at,
        })
    }

    /// Sets the first password of an invited account, spending its one-time secret.
    pub async fn activate(
        &self,
        account: AccountId,
        secret: &str,
        password: Password,
        metadata: &EventMetadata,
    ) -> Result<Option<FeedPosition>, Refusal> {
        let state = self.load(account).await?;
        let email_check = match (self.vault.key(account).await?, state.personal()) {
            (Some(key), Some(sealed)) => {
                store::vault::open_json::<Personal>(&key, account, PERSONAL, sealed)
                    .ok()
                    .and_then(|p| EmailAddress::new(p.email).ok())
            }
            _ => None,
        };
        if let Some(email) = email_check {
            password
                .check_against_email(&email)
                .map_err(|e| Refusal::invalid(vec![e]))?;
        }
        if state.status() != AccountStatus::PendingActivation {
            return Err(Refusal::conflict(
                "this account is not waiting for activation; sign in instead",
            ));
        }
        match self.sessions.consume_setup(account, secret).await? {
            SetupCheck::Accepted => {}
            SetupCheck::Invalid => {
                return Err(Refusal::NotSignedIn(
                    "the one-time secret is not right for this account".into(),
                ))
            }
            SetupCheck::Expired => {
                return Err(Refusal::NotSignedIn(
                    "the one-time secret has expired; ask an administrator for a new one".into(),
                ))
            }
        }
        let key = self
            .vault
            .key(account)
            .await?
            .ok_or_else(|| Refusal::conflict("this account's personal data has been erased"))?;
        let phc = passwords::hash(password.expose().to_string()).await?;
        let credential = seal_json(&key, account, CREDENTIAL, &phc).map_err(Refusal::internal)?;
        let committed = self
            .accounts
            .execute(
                &account.to_string(),
                AccountCommand::Activate { credential },
                metadata.clone(),
            )
            .await
            .map_err(account_error)?;
        Ok(committed.last)
    }

    /// Grants or revokes a platform role. Admin changes go through the roster, written with the
    /// account's event, so two admins revoking each other at once cannot leave none.
    pub async fn change_role(
        &self,
        account: AccountId,
        role: Role,
        grant: bool,
        by: Authority,
        metadata: &EventMetadata,
    ) -> Result<Option<FeedPosition>, Refusal> {
        if matches!(&by, Authority::Actor(actor) if !actor.is_admin()) {
            return Err(Refusal::NotAllowed(
                "only an administrator changes roles".into(),
            ));
        }
        // An unknown account is not found, as when it is read (`GET /v1/accounts/{id}`).
        if self.load(account).await?.status() == AccountStatus::Unregistered {
            return Err(Refusal::NotFound("there is no account with this id".into()));
        }
        let command = if grant {
            AccountCommand::GrantRole { role, by }
        } else {
            AccountCommand::RevokeRole { role, by }
        };
        let changed = self
            .accounts
            .decide(&account.to_string(), command)
            .await
            .map_err(account_error)?;
        let mut pending = vec![changed.into_pending(metadata)?];
        if role == Role::Admin {
            let roster = if grant {
                AdminRosterCommand::Add { account }
            } else {
                AdminRosterCommand::Remove { account }
            };
            pending.push(self.roster_change(roster).await?.into_pending(metadata)?);
        }
        self.commit(pending).await
    }

    /// Erases a person: the account is closed, its email released and its admin role (if any)
    /// taken off the roster — all written together — then the person's key is deleted, which
    /// makes every sealed field in history unreadable, every session is revoked, the person is
    /// taken off every list (managers, members, facilitators, requests) and the mail files
    /// written to their address are deleted. Running it again on an erased account finishes
    /// whatever a crash left undone.
    pub async fn erase(
        &self,
        account: AccountId,
        by: Authority,
        metadata: &EventMetadata,
    ) -> Result<Erasure, Refusal> {
        let state = self.load(account).await?;
        let outcome = match state.status() {
            AccountStatus::Unregistered => {
                return Err(Refusal::NotFound("there is no account with this id".into()))
            }
            AccountStatus::Erased => Erasure::AlreadyErased,
            _ => {
                let erased = self
                    .accounts
                    .decide(&account.to_string(), AccountCommand::Erase { by })
                    .await
                    .map_err(account_error)?;
                let mut pending = vec![erased.into_pending(metadata)?];
                if let Some(digest) = state.email_digest() {
                    let release = self
                        .claims
                        .decide(
                            email_digest_id(digest),
                            EmailClaimCommand::Release { account },
                        )
                        .await
                        .map_err(claim_error)?;
                    pending.push(release.into_pending(metadata)?);
                }
                if state.has_role(Role::Admin) {
                    let roster = self
                        .roster_change(AdminRosterCommand::Remove { account })
                        .await?;
                    pending.push(roster.into_pending(metadata)?);
                }
                Erasure::Erased(self.commit(pending).await?)
            }
        };
        self.vault.erase(account).await?;
        self.sessions.revoke_all(account).await?;
        self.sessions.revoke_setup(account).await?;
        self.remove_from_every_list(account, metadata).await?;
        self.forget_mail(account).await?;
        // Replayable answers to the person's own requests go too.
        store::Idempotency::new(self.log.database())
            .forget_account(account)
            .await?;
        tracing::info!(%account, "person erased");
        Ok(outcome)
    }

    /// Signs out every session of `account`: its holder or an admin may.
    pub async fn revoke_all_sessions(
        &self,
        actor: &Actor,
        account: AccountId,
    ) -> Result<u64, Refusal> {
        if actor.account != account && !actor.is_admin() {
            return Err(Refusal::NotAllowed(
                "only the account's holder or an administrator can sign it out everywhere".into(),
            ));
        }
        Ok(self.sessions.revoke_all(account).await?)
    }

    async fn roster_change(
        &self,
        command: AdminRosterCommand,
    ) -> Result<store::Decided<'_, domain::account::AdminRoster>, Refusal> {
        self.roster
            .decide(ADMIN_ROSTER_ID, command)
            .await
            .map_err(command_error)
    }

    async fn commit(
        &self,
        pending: Vec<PendingAppend<'_>>,
    ) -> Result<Option<FeedPosition>, Refusal> {
        self.log
            .commit_together(pending)
            .await
            .map_err(|e| match e {
                CommandError::Conflict => Refusal::conflict(
                    "someone else changed this at the same time; read it again and retry",
                ),
                other => Refusal::internal(other),
            })
    }
}

fn email_digest_id(digest: &domain::values::EmailDigest) -> &str {
    digest.as_str()
}
