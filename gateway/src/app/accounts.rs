//! One's own account: signing in and out, activating an account made by `articula admin
//! create`, the profile, the password and the notification preferences. The JSON API
//! (`http::accounts`, `http::sessions`, `http::notifications`) and the web console
//! (`web::account`) both call these, so the checks (which fields are valid, which limits apply)
//! are written once.

use std::collections::BTreeSet;
use std::net::IpAddr;

use domain::account::NotificationKind;
use domain::actor::Actor;
use domain::values::{AccountId, DisplayName, EmailAddress, Language, Password, Phone};
use store::{EventMetadata, FeedPosition};

use super::Refusal;
use crate::access::accounts::{all_valid, SignUp, SignedInSession};
use crate::access::profile::ProfileChange;
use crate::state::AppState;

/// A sign-up as typed: every field still text.
#[derive(Debug, Clone, Default)]
pub struct SignUpFields {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub phone: Option<String>,
    pub language: Option<String>,
}

/// Checks every field of a sign-up at once, so that each wrong one is named.
pub fn parse_sign_up(fields: SignUpFields) -> Result<SignUp, Refusal> {
    let email = EmailAddress::new(&fields.email);
    let name = DisplayName::new(fields.display_name);
    let password = Password::new(fields.password);
    let phone = fields.phone.map(Phone::new).transpose();
    let language = fields
        .language
        .as_deref()
        .map(str::parse::<Language>)
        .transpose();
    let mut errors: Vec<_> = [
        email.as_ref().err(),
        name.as_ref().err(),
        password.as_ref().err(),
        phone.as_ref().err(),
        language.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    if let (Ok(email), Ok(password)) = (&email, &password) {
        errors.extend(password.check_against_email(email).err());
    }
    match (email, name, password, phone, language) {
        (Ok(email), Ok(display_name), Ok(password), Ok(phone), Ok(language))
            if errors.is_empty() =>
        {
            Ok(SignUp {
                email,
                display_name,
                password,
                phone,
                language: language.unwrap_or_default(),
            })
        }
        _ => Err(Refusal::invalid(errors)),
    }
}

/// Signs in with an email and a password, within the sign-in limits of the client `address`
/// and of the account.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: String,
    address: IpAddr,
) -> Result<SignedInSession, Refusal> {
    let email = EmailAddress::new(email).map_err(|e| Refusal::invalid(vec![e]))?;
    let digest = state.accounts.email_digest(&email).await?;
    state.limits.check_sign_in(address, &digest)?;
    state.accounts.sign_in(&email, password).await
}

/// Ends the session of `token`.
pub async fn sign_out(state: &AppState, token: &str) -> Result<(), Refusal> {
    state.accounts.sign_out(token).await
}

/// Ends every session of `account` (its holder, or an administrator); how many there were.
pub async fn sign_out_everywhere(
    state: &AppState,
    actor: &Actor,
    account: AccountId,
) -> Result<u64, Refusal> {
    state.accounts.revoke_all_sessions(actor, account).await
}

/// Sets the first password of an account made by `articula admin create`, spending the
/// one-time secret it printed.
pub async fn activate(
    state: &AppState,
    account: AccountId,
    secret: &str,
    password: String,
    metadata: &EventMetadata,
) -> Result<Option<FeedPosition>, Refusal> {
    let password = Password::new(password).map_err(|e| Refusal::invalid(vec![e]))?;
    state
        .accounts
        .activate(account, secret, password, metadata)
        .await
}

/// A change of one's own profile as typed: `None` keeps a field; `phone: Some(None)` removes
/// the phone.
#[derive(Debug, Clone, Default)]
pub struct ProfileFields {
    pub language: Option<String>,
    pub display_name: Option<String>,
    pub phone: Option<Option<String>>,
}

/// Changes one's own language, name or phone; every invalid field is named.
pub async fn update_profile(
    state: &AppState,
    actor: &Actor,
    fields: ProfileFields,
    metadata: &EventMetadata,
) -> Result<Option<FeedPosition>, Refusal> {
    let language = fields
        .language
        .as_deref()
        .map(str::parse::<Language>)
        .transpose();
    let name = fields.display_name.map(DisplayName::new).transpose();
    let phone = fields
        .phone
        .map(|p| p.map(Phone::new).transpose())
        .transpose();
    let errors: Vec<_> = [
        language.as_ref().err(),
        name.as_ref().err(),
        phone.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    if !errors.is_empty() {
        return Err(Refusal::invalid(errors));
    }
    let change = ProfileChange {
        language: language.ok().flatten(),
        display_name: name.ok().flatten(),
        phone: phone.ok().flatten(),
    };
    state.accounts.update_own(actor, change, metadata).await
}

/// Replaces one's password after checking the current one; every session of the account ends.
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    current: String,
    new: String,
    metadata: &EventMetadata,
) -> Result<Option<FeedPosition>, Refusal> {
    let new = all_valid(vec![Password::new(new)])?.remove(0);
    state
        .accounts
        .change_password(actor, current, new, metadata)
        .await
}

/// The kinds of notification one has turned off.
pub async fn muted_notifications(
    state: &AppState,
    actor: &Actor,
) -> Result<BTreeSet<NotificationKind>, Refusal> {
    let account = state.accounts.load(actor.account).await?;
    Ok(account.muted_notifications().iter().copied().collect())
}

/// Turns off the kinds named in `muted` (the whole set: the others are on).
pub async fn set_muted_notifications(
    state: &AppState,
    actor: &Actor,
    muted: &[String],
    metadata: &EventMetadata,
) -> Result<Option<FeedPosition>, Refusal> {
    let muted = muted
        .iter()
        .map(|kind| kind.parse::<NotificationKind>())
        .collect::<Result<BTreeSet<_>, _>>()
        .map_err(Refusal::invalid_input)?;
    state
        .accounts
        .set_notification_preferences(actor, muted, metadata)
        .await
}
