//! Accounts: sign-up, sign-in, who an account is and what it may do.
//!
//! Personal data (name, email, phone) and the password hash are sealed with the person's own
//! key before they reach a command, so the log holds only ciphertext; the email's keyed digest
//! is what makes it unique (an `EmailClaim` stream per digest, written together with the
//! account). Tokens live in the session table as digests, never in the log.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::account::{
    Account, AccountCommand, AccountError, AccountStatus, AdminRoster, EmailClaim,
    EmailClaimCommand, EmailClaimError,
};
use domain::actor::{Actor, Role};
use domain::values::{
    AccountId, DisplayName, EmailAddress, EmailDigest, Language, Password, Phone, ValueError,
};
use serde::{Deserialize, Serialize};
use store::vault::{open_json, seal_json};
use store::{
    CommandBus, CommandError, EventLog, EventMetadata, FeedPosition, Sessions, Token, Vault,
};

use super::passwords;
use crate::app::Refusal;
use crate::app::{command_error, load_error};
use crate::Settings;

/// The personal data of an account, as sealed in its events under the field `personal`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Personal {
    pub display_name: String,
    pub email: String,
    pub phone: Option<String>,
}

pub(crate) const PERSONAL: &str = "personal";
pub(crate) const CREDENTIAL: &str = "credential";

/// Sign-up input, already parsed.
pub struct SignUp {
    pub email: EmailAddress,
    pub display_name: DisplayName,
    pub password: Password,
    pub phone: Option<Phone>,
    pub language: Language,
}

/// How a new account starts: active at once, or waiting for its address to be confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    Confirmed,
    AwaitingConfirmation,
}

/// A new session.
pub struct SignedInSession {
    pub account: AccountId,
    pub token: Token,
    pub expires_at: DateTime<Utc>,
}

/// What an account's holder (or an admin) sees of it. Personal fields are `None` and `erased`
/// is true once the person's key is gone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    #[schema(value_type = String, format = Uuid)]
    pub id: AccountId,
    #[schema(value_type = String, example = "active")]
    pub status: AccountStatus,
    #[schema(value_type = Vec<String>, example = json!(["member"]))]
    pub roles: Vec<Role>,
    #[schema(value_type = String, example = "es")]
    pub language: Language,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// True when the person's data has been erased (crypto-shredded).
    pub erased: bool,
}

pub struct AccountService {
    pub(super) log: EventLog,
    pub(super) accounts: CommandBus<Account>,
    pub(super) roster: CommandBus<AdminRoster>,
    pub(super) claims: CommandBus<EmailClaim>,
    pub(super) vault: Vault,
    pub(super) sessions: Sessions,
    session_ttl: chrono::Duration,
    pub(super) setup_ttl: chrono::Duration,
    confirmation_ttl_hours: u32,
    public_base_url: String,
    /// Where the embedded default writes mail as `.eml` files (no SMTP host configured).
    mail_dir: Option<std::path::PathBuf>,
}

impl AccountService {
    pub fn new(log: &EventLog, settings: &Settings) -> Arc<Self> {
        let db = log.database();
        Arc::new(Self {
            log: log.clone(),
            accounts: log.commands(()),
            roster: log.commands(()),
            claims: log.commands(()),
            vault: Vault::new(db),
            sessions: Sessions::new(db),
            session_ttl: chrono::Duration::hours(i64::from(settings.session_ttl_hours)),
            setup_ttl: chrono::Duration::hours(i64::from(settings.setup_secret_ttl_hours)),
            confirmation_ttl_hours: settings.confirmation_ttl_hours.max(1),
            public_base_url: settings.public_base_url.trim_end_matches('/').to_string(),
            mail_dir: settings
                .smtp_host
                .as_deref()
                .is_none_or(|host| host.trim().is_empty())
                .then(|| settings.data_dir.join("mail")),
        })
    }

    /// How long the link that confirms a new account's address stays usable, in hours.
    pub fn confirmation_ttl_hours(&self) -> u32 {
        self.confirmation_ttl_hours
    }

    /// Where people open Articula (links in mail start with it), without a trailing `/`.
    pub fn public_base_url(&self) -> &str {
        &self.public_base_url
    }

    /// The folder of `.eml` files, when mail is written to files rather than sent.
    pub fn mail_dir(&self) -> Option<&std::path::Path> {
        self.mail_dir.as_deref()
    }

    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The command bus of the account streams.
    pub(crate) fn accounts_bus(&self) -> &CommandBus<Account> {
        &self.accounts
    }

    /// Creates an account that is active at once, its address vouched for by whoever runs this
    /// (the seed, with the operator's own addresses). The email must not belong to another
    /// account; if it does, nothing is written.
    pub async fn register_confirmed(
        &self,
        input: SignUp,
        metadata: &EventMetadata,
    ) -> Result<(AccountId, Option<FeedPosition>), Refusal> {
        let phc = passwords::hash(input.password.expose().to_string()).await?;
        self.create(&input, phc, Start::Confirmed, metadata).await
    }

    /// Writes a new account for `input`, whose password hashes to `phc`, and its claim on the
    /// email, together. If the email belongs to another account nothing is written (and the key
    /// made for the newcomer is thrown away): a conflict.
    pub(crate) async fn create(
        &self,
        input: &SignUp,
        phc: String,
        start: Start,
        metadata: &EventMetadata,
    ) -> Result<(AccountId, Option<FeedPosition>), Refusal> {
        let digest = self.vault.email_digest(input.email.as_str()).await?;
        let account = AccountId::new();
        let key = self.vault.create_key(account).await?;
        let personal = Personal {
            display_name: input.display_name.as_str().to_string(),
            email: input.email.as_str().to_string(),
            phone: input.phone.as_ref().map(|p| p.as_str().to_string()),
        };
        let sealed = seal_json(&key, account, PERSONAL, &personal)
            .and_then(|p| Ok((p, seal_json(&key, account, CREDENTIAL, &phc)?)))
            .map_err(Refusal::internal)?;
        let (personal, credential) = sealed;
        let command = match start {
            Start::Confirmed => AccountCommand::Register {
                account,
                email_digest: digest.clone(),
                personal,
                credential,
                language: input.language,
            },
            Start::AwaitingConfirmation => AccountCommand::SignUp {
                account,
                email_digest: digest.clone(),
                personal,
                credential,
                language: input.language,
            },
        };
        let written = async {
            let claim = self
                .claims
                .decide(digest.as_str(), EmailClaimCommand::Claim { account })
                .await
                .map_err(claim_error)?;
            let registered = self
                .accounts
                .decide(&account.to_string(), command)
                .await
                .map_err(account_error)?;
            self.log
                .commit_together(vec![
                    claim.into_pending(metadata)?,
                    registered.into_pending(metadata)?,
                ])
                .await
                .map_err(|e| match e {
                    CommandError::Conflict => email_taken(),
                    other => Refusal::internal(other),
                })
        }
        .await;
        match written {
            Ok(position) => Ok((account, position)),
            Err(error) => {
                // The key belongs to an account that was never written; it protects nothing.
                if let Err(cleanup) = self.vault.erase(account).await {
                    tracing::warn!(error = %cleanup, "could not remove an unused person key");
                }
                Err(error)
            }
        }
    }

    /// Whether `password` is the one sealed in `state`, the account `account`'s own.
    pub(crate) async fn password_matches(
        &self,
        account: AccountId,
        state: &Account,
        password: String,
    ) -> Result<bool, Refusal> {
        let (Some(key), Some(credential)) = (self.vault.key(account).await?, state.credential())
        else {
            passwords::verify_decoy(password).await;
            return Ok(false);
        };
        let phc: String =
            open_json(&key, account, CREDENTIAL, credential).map_err(Refusal::internal)?;
        passwords::verify(password, phc).await
    }

    /// Checks an email and password and opens a session. Every failure reads the same, and an
    /// unknown email costs as much time as a wrong password, so neither is revealed.
    pub async fn sign_in(
        &self,
        email: &EmailAddress,
        password: String,
    ) -> Result<SignedInSession, Refusal> {
        let wrong = || Refusal::NotSignedIn("the email or the password is not right".into());
        let Some(account) = self.find_by_email(email).await? else {
            passwords::verify_decoy(password).await;
            return Err(wrong());
        };
        let state = self.load(account).await?;
        let key = self.vault.key(account).await?;
        let phc = match (state.status(), state.credential(), key) {
            (AccountStatus::Active, Some(credential), Some(key)) => {
                open_json::<String>(&key, account, CREDENTIAL, credential)
                    .map_err(Refusal::internal)?
            }
            (AccountStatus::PendingActivation, ..) => {
                passwords::verify_decoy(password).await;
                return Err(Refusal::NotSignedIn(
                    "this account is not activated yet: set a password with the one-time secret \
                     you were given (POST /v1/accounts/activation)"
                        .into(),
                ));
            }
            (AccountStatus::PendingConfirmation, ..) => {
                // Only whoever knows the password learns that the account waits for its link.
                if self.password_matches(account, &state, password).await? {
                    return Err(Refusal::NotSignedIn(
                        "confirm your email address first: open the link we mailed to it".into(),
                    ));
                }
                return Err(wrong());
            }
            _ => {
                passwords::verify_decoy(password).await;
                return Err(wrong());
            }
        };
        if !passwords::verify(password, phc).await? {
            return Err(wrong());
        }
        let (token, expires_at) = self.sessions.issue(account, self.session_ttl).await?;
        tracing::info!(%account, "signed in");
        Ok(SignedInSession {
            account,
            token,
            expires_at,
        })
    }

    /// The keyed digest of an email (what rate limits and uniqueness are keyed on).
    pub async fn email_digest(&self, email: &EmailAddress) -> Result<EmailDigest, Refusal> {
        Ok(self.vault.email_digest(email.as_str()).await?)
    }

    /// The account that holds `email`, if any.
    pub async fn find_by_email(&self, email: &EmailAddress) -> Result<Option<AccountId>, Refusal> {
        let digest = self.vault.email_digest(email.as_str()).await?;
        let claim = self
            .claims
            .load_fresh(digest.as_str())
            .await
            .map_err(load_error)?;
        Ok(claim.aggregate.holder())
    }

    /// The account's current state, read from its stream (never a cache: a role revoked or an
    /// account erased by another instance takes effect at once).
    pub async fn load(&self, account: AccountId) -> Result<Arc<Account>, Refusal> {
        let loaded = self
            .accounts
            .load_fresh(&account.to_string())
            .await
            .map_err(load_error)?;
        Ok(loaded.aggregate)
    }

    /// The actor behind a live session: the account must be active. `version` is the account
    /// stream's version read with the session (`store::SessionCheck::Valid`): the cached state at
    /// that version is used when there is one, else the stream is read.
    pub async fn actor(&self, account: AccountId, version: usize) -> Result<Actor, Refusal> {
        let cached = self
            .accounts
            .store()
            .cached_at(&account.to_string(), version);
        let state = match cached {
            Some(state) => state,
            None => self.load(account).await?,
        };
        Self::acting(&state)
    }

    /// The actor of `account` at exactly `version` if this process holds that state, without
    /// reading anything (a write under a recalled session, `access::recalled`).
    pub fn cached_actor(&self, account: AccountId, version: usize) -> Option<Actor> {
        let state = self
            .accounts
            .store()
            .cached_at(&account.to_string(), version)?;
        Self::acting(&state).ok()
    }

    /// Who `state`'s account acts as, if it may act at all.
    fn acting(state: &Account) -> Result<Actor, Refusal> {
        match (state.status(), state.actor()) {
            (AccountStatus::Active, Some(actor)) => Ok(actor),
            (AccountStatus::Erased, _) => Err(Refusal::NotSignedIn(
                "this account has been erased; its sessions are no longer valid".into(),
            )),
            _ => Err(Refusal::NotSignedIn(
                "this account cannot sign in; sign in again".into(),
            )),
        }
    }

    /// The account as its holder or an admin sees it, personal data decrypted if the key is
    /// still there.
    pub async fn view(&self, account: AccountId) -> Result<AccountView, Refusal> {
        let state = self.load(account).await?;
        if state.status() == AccountStatus::Unregistered {
            return Err(Refusal::NotFound("there is no account with this id".into()));
        }
        self.view_of(account, &state).await
    }

    /// How `state` (from the stream or a read model) is shown: personal fields opened with the
    /// person's key, or shown as erased when the key is gone.
    pub async fn view_of(
        &self,
        account: AccountId,
        state: &Account,
    ) -> Result<AccountView, Refusal> {
        let personal = match (self.vault.key(account).await?, state.personal()) {
            (Some(key), Some(sealed)) => Some(
                open_json::<Personal>(&key, account, PERSONAL, sealed)
                    .map_err(Refusal::internal)?,
            ),
            _ => None,
        };
        Ok(AccountView {
            id: account,
            status: state.status(),
            roles: state.roles().into_iter().collect(),
            language: state.language(),
            erased: personal.is_none(),
            display_name: personal.as_ref().map(|p| p.display_name.clone()),
            email: personal.as_ref().map(|p| p.email.clone()),
            phone: personal.and_then(|p| p.phone),
        })
    }

    /// Signs out the session of `token`.
    pub async fn sign_out(&self, token: &str) -> Result<(), Refusal> {
        self.sessions.revoke(token).await?;
        Ok(())
    }
}

pub(crate) fn email_taken() -> Refusal {
    Refusal::conflict("an account with this email already exists; sign in or use another address")
}

/// How an email claim's refusal reads over HTTP: a taken email, or a claim written by someone
/// else at the same moment, is the same conflict to the person signing up.
pub(crate) fn claim_error(error: CommandError<EmailClaimError>) -> Refusal {
    match error {
        CommandError::Rejected(EmailClaimError::Taken) | CommandError::Conflict => email_taken(),
        other => command_error(other),
    }
}

pub(crate) fn account_error(error: CommandError<AccountError>) -> Refusal {
    command_error(error)
}

/// Collects the value errors of several fields into one 400.
pub(crate) fn all_valid<T>(results: Vec<Result<T, ValueError>>) -> Result<Vec<T>, Refusal> {
    let mut values = Vec::new();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(value) => values.push(value),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(Refusal::invalid(errors))
    }
}
