//! Signing up without telling who has an account, and confirming the address by mail.
//!
//! [`sign_up`] answers the same for every well-formed request, whether the address is new or
//! already has an account: the same checks, the same argon2 hash of the password, then the same
//! answer, while the rest goes on after the answer has left. For a new address the account is
//! written waiting for confirmation (it cannot sign in), and the address receives a link
//! holding a one-time secret, which is stored only as a digest (`setup_tokens`) and travels in
//! the notifications table, never in the event log. For an address that has an account its
//! holder receives a warning instead, and nothing is written. [`confirm_address`] activates the
//! account with the secret and the password chosen at sign-up, so that whoever clicks a link
//! they did not ask for does not activate an account whose password someone else knows.

use std::net::IpAddr;
use std::time::Duration;

use chrono::Utc;
use domain::account::{AccountCommand, AccountStatus, Authority};
use domain::values::{AccountId, Language};
use store::notifications::{NewNotification, Notifications};
use store::{EventMetadata, FeedPosition, SetupCheck};

use super::Refusal;
use crate::access::accounts::{account_error, SignUp, Start};
use crate::access::passwords;
use crate::notify::account_mail::{self, ADDRESS_IN_USE, CONFIRM_ADDRESS};
use crate::state::AppState;

/// The system actor that expires unconfirmed sign-ups, in the events it writes.
const SIGN_UP: &str = "articula sign-up";

/// The longest a new account's confirmation mail waits for this instance's read models (the
/// sender finds the recipient's address there).
const MAIL_WAIT: Duration = Duration::from_secs(30);

/// Receives a sign-up. The caller learns only that it was received: whether the address was
/// new is told by mail to the address itself.
pub async fn sign_up(
    state: &AppState,
    input: SignUp,
    address: IpAddr,
    metadata: EventMetadata,
) -> Result<(), Refusal> {
    let digest = state.accounts.email_digest(&input.email).await?;
    state.limits.check_sign_up(address, &digest)?;
    // The same work whatever the address: an unknown one cannot be told from a known one by the
    // time the answer takes.
    let phc = passwords::hash(input.password.expose().to_string()).await?;
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(error) = settle(&state, input, phc, &metadata).await {
            match error {
                Refusal::Internal(cause) => {
                    tracing::error!(error = %cause, "a sign-up could not be completed")
                }
                other => tracing::warn!(error = %other, "a sign-up could not be completed"),
            }
        }
    });
    Ok(())
}

/// What happens after the answer: a new account and its confirmation mail, or a warning to the
/// holder of the address.
async fn settle(
    state: &AppState,
    input: SignUp,
    phc: String,
    metadata: &EventMetadata,
) -> Result<(), Refusal> {
    let accounts = &state.accounts;
    if let Some(holder) = accounts.find_by_email(&input.email).await? {
        let held = accounts.load(holder).await?;
        let lapsed = held.status() == AccountStatus::PendingConfirmation
            && !accounts
                .sessions()
                .setup_pending_at(holder, Utc::now())
                .await?;
        if !lapsed {
            return mail_address_in_use(state, holder, held.language()).await;
        }
        // A sign-up nobody confirmed in time gives the address back to whoever owns it.
        accounts
            .erase(
                holder,
                Authority::System(SIGN_UP.into()),
                &EventMetadata::system(SIGN_UP, "ExpireSignUp"),
            )
            .await?;
    }
    let language = input.language;
    match accounts
        .create(&input, phc, Start::AwaitingConfirmation, metadata)
        .await
    {
        Ok((account, position)) => {
            let ttl = chrono::Duration::hours(i64::from(accounts.confirmation_ttl_hours()));
            let secret = accounts.sessions().issue_setup(account, ttl).await?;
            if let Some(at) = position {
                state.engine.wait_for(at, MAIL_WAIT).await;
            }
            let link = account_mail::confirmation_link(
                accounts.public_base_url(),
                &account.to_string(),
                secret.expose(),
            );
            let mail = account_mail::confirm_address(
                language,
                &link,
                &account.to_string(),
                secret.expose(),
                accounts.confirmation_ttl_hours(),
            );
            enqueue(state, account, language, CONFIRM_ADDRESS, position, mail).await
        }
        // Someone took the address in the meantime: they are its holder now.
        Err(Refusal::Conflict { .. }) => match accounts.find_by_email(&input.email).await? {
            Some(holder) => {
                let language = accounts.load(holder).await?.language();
                mail_address_in_use(state, holder, language).await
            }
            None => Ok(()),
        },
        Err(other) => Err(other),
    }
}

async fn mail_address_in_use(
    state: &AppState,
    holder: AccountId,
    language: Language,
) -> Result<(), Refusal> {
    let link = format!("{}/sign-in", state.accounts.public_base_url());
    let mail = account_mail::address_in_use(language, &link);
    enqueue(state, holder, language, ADDRESS_IN_USE, None, mail).await
}

async fn enqueue(
    state: &AppState,
    recipient: AccountId,
    language: Language,
    kind: &str,
    position: Option<FeedPosition>,
    mail: crate::notify::templates::Rendered,
) -> Result<(), Refusal> {
    let id = uuid::Uuid::new_v4().to_string();
    let host = crate::notify::host_of(state.accounts.public_base_url());
    let notification = NewNotification {
        message_id: format!("{id}@{host}"),
        id,
        event_position: position.map_or(0, |p| p.position),
        recipient: recipient.to_string(),
        kind: kind.to_string(),
        language: language.code().to_string(),
        subject: mail.subject,
        body_text: mail.text,
        body_html: mail.html,
    };
    Notifications::new(state.log.database())
        .enqueue(&notification, Utc::now().timestamp_millis())
        .await?;
    Ok(())
}

/// Activates a signed-up account: `secret` from the mailed link, and the password chosen at
/// sign-up. Attempts count against the sign-in limit of `address`.
pub async fn confirm_address(
    state: &AppState,
    account: AccountId,
    secret: &str,
    password: String,
    address: IpAddr,
    metadata: &EventMetadata,
) -> Result<Option<FeedPosition>, Refusal> {
    let accounts = &state.accounts;
    let wrong_link = || {
        Refusal::NotSignedIn(
            "this confirmation link is not right or has expired; sign up again to get a new one"
                .into(),
        )
    };
    let held = accounts.load(account).await?;
    match held.status() {
        AccountStatus::PendingConfirmation => {}
        AccountStatus::Active => {
            return Err(Refusal::conflict(
                "this address is already confirmed; sign in",
            ))
        }
        _ => return Err(wrong_link()),
    }
    state.limits.check_confirmation(address)?;
    if !accounts.password_matches(account, &held, password).await? {
        return Err(Refusal::NotSignedIn(
            "the password is not the one chosen when signing up".into(),
        ));
    }
    match accounts.sessions().consume_setup(account, secret).await? {
        SetupCheck::Accepted => {}
        SetupCheck::Invalid | SetupCheck::Expired => return Err(wrong_link()),
    }
    let committed = state
        .accounts
        .accounts_bus()
        .execute(
            &account.to_string(),
            AccountCommand::ConfirmAddress,
            metadata.clone(),
        )
        .await
        .map_err(account_error)?;
    tracing::info!(%account, "address confirmed");
    Ok(committed.last)
}
