//! Accounts: sign-up, activation, one's own account, signing an account out everywhere.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::values::AccountId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::context::{ClientAddress, RequestContext};
use super::{ApiJson, ErrorBody, Refusal, Written, WrittenAnswer};
use crate::access::accounts::AccountView;
use crate::access::{Access, ApiRoutes, Caller, SignedIn};
use crate::app::accounts::{self, ProfileFields, SignUpFields};
use crate::app::sign_up;
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Access::Public, routes!(sign_up))
        .route(Access::Public, routes!(confirm))
        .route(Access::Public, routes!(activate))
        .route(Access::SignedIn, routes!(me, update_me))
        .route(Access::SignedIn, routes!(change_password))
        .route(Access::SignedIn, routes!(account))
        .route(Access::SignedIn, routes!(revoke_sessions))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SignUpRequest {
    #[schema(example = "ana@example.org", format = Email, max_length = 254)]
    email: String,
    /// 1 to 100 characters on one line.
    #[schema(example = "Ana Souza", min_length = 1, max_length = 100)]
    display_name: String,
    /// 12 to 128 characters, not a common password, not containing the email's name.
    #[schema(min_length = 12, max_length = 128)]
    password: String,
    /// 7 to 15 digits, with an optional leading `+`; spaces, dashes, dots and parentheses are
    /// ignored.
    #[schema(example = "+5511912345678", pattern = r"^\s*\+?[0-9 ().-]{7,40}\s*$")]
    phone: Option<String>,
    /// `es` (default), `pt` or `en`.
    #[schema(example = "pt", inline, value_type = Option<LanguageCode>)]
    language: Option<String>,
}

/// A language the platform speaks.
#[derive(ToSchema)]
#[allow(dead_code)] // Only documents the values `language` takes.
#[schema(rename_all = "lowercase")]
enum LanguageCode {
    Es,
    Pt,
    En,
}

/// The answer to every well-formed sign-up, whether or not the address already has an account.
#[derive(Serialize, ToSchema)]
struct SignUpReceived {
    /// Always `received`.
    #[schema(example = "received")]
    status: &'static str,
    /// What happens next, for a person.
    message: &'static str,
}

const SIGN_UP_RECEIVED: SignUpReceived = SignUpReceived {
    status: "received",
    message: "check your mail: a new account is activated with the link we send to its \
              address (with the password chosen here); an address that already has an \
              account is told so instead",
};

/// Signs up. The answer is the same whether or not the address already has an account, so it
/// reveals nobody's: the address receives either a link that activates the new account
/// (`POST /v1/accounts/confirmation`, with the password chosen here) or, if it already has an
/// account, a warning. Personal data is stored encrypted with a key of the person's own. Limited
/// per client address and per email (429 with `Retry-After`).
#[utoipa::path(post, path = "/v1/accounts", tag = "accounts", request_body = SignUpRequest,
    responses(
        (status = 202, description = "Received; see the mail sent to the address", body = SignUpReceived),
        (status = 400, description = "A field is invalid (each is named)", body = ErrorBody),
        (status = 429, description = "Too many sign-ups from this address or for this email", body = ErrorBody)))]
async fn sign_up(
    State(state): State<AppState>,
    context: RequestContext,
    ClientAddress(address): ClientAddress,
    ApiJson(body): ApiJson<SignUpRequest>,
) -> Result<(StatusCode, ApiJson<SignUpReceived>), Refusal> {
    let input = accounts::parse_sign_up(SignUpFields {
        email: body.email,
        display_name: body.display_name,
        password: body.password,
        phone: body.phone,
        language: body.language,
    })?;
    let metadata = context.metadata(&Caller::Visitor, "SignUp");
    sign_up::sign_up(&state, input, address, metadata).await?;
    Ok((StatusCode::ACCEPTED, ApiJson(SIGN_UP_RECEIVED)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ConfirmationRequest {
    #[schema(value_type = String, format = Uuid)]
    account_id: AccountId,
    /// The secret of the link mailed to the address.
    #[schema(min_length = 1, max_length = 200)]
    secret: String,
    /// The password chosen at sign-up.
    #[schema(min_length = 1, max_length = 1024)]
    password: String,
}

/// Confirms the address of a new account with the mailed secret and the password chosen at
/// sign-up: the account becomes active and can sign in.
#[utoipa::path(post, path = "/v1/accounts/confirmation", tag = "accounts",
    request_body = ConfirmationRequest,
    responses(
        (status = 200, description = "Confirmed; sign in", body = Written),
        (status = 401, description = "Wrong or expired secret, or not the password chosen", body = ErrorBody),
        (status = 409, description = "Already confirmed", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody)))]
async fn confirm(
    State(state): State<AppState>,
    context: RequestContext,
    ClientAddress(address): ClientAddress,
    ApiJson(body): ApiJson<ConfirmationRequest>,
) -> Result<WrittenAnswer, Refusal> {
    let metadata = context.metadata(&Caller::Visitor, "ConfirmAddress");
    let position = sign_up::confirm_address(
        &state,
        body.account_id,
        &body.secret,
        body.password,
        address,
        &metadata,
    )
    .await?;
    Ok(Written::at(position))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ActivationRequest {
    #[schema(value_type = String, format = Uuid)]
    account_id: AccountId,
    /// The one-time secret printed by `articula admin create`.
    secret: String,
    password: String,
}

/// Sets the first password of an account created by `articula admin create`, spending its
/// one-time secret.
#[utoipa::path(post, path = "/v1/accounts/activation", tag = "accounts",
    request_body = ActivationRequest,
    responses(
        (status = 200, description = "Activated; sign in with the new password", body = Written),
        (status = 400, description = "Weak password", body = ErrorBody),
        (status = 401, description = "Wrong or expired secret", body = ErrorBody),
        (status = 409, description = "Not waiting for activation", body = ErrorBody)))]
async fn activate(
    State(state): State<AppState>,
    context: RequestContext,
    ApiJson(body): ApiJson<ActivationRequest>,
) -> Result<WrittenAnswer, Refusal> {
    let metadata = context.metadata(&Caller::Visitor, "Activate");
    let position = accounts::activate(
        &state,
        body.account_id,
        &body.secret,
        body.password,
        &metadata,
    )
    .await?;
    Ok(Written::at(position))
}

/// The signed-in account, with its personal data.
#[utoipa::path(get, path = "/v1/me", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = AccountView),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn me(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
) -> Result<ApiJson<AccountView>, Refusal> {
    Ok(ApiJson(state.accounts.view(actor.account).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct UpdateMeRequest {
    language: Option<String>,
    display_name: Option<String>,
    /// A new phone, or `null` to remove it; leave out to keep it.
    #[serde(default, deserialize_with = "super::present")]
    #[schema(value_type = Option<String>)]
    phone: Option<Option<String>>,
}

/// Changes one's own language, name or phone.
#[utoipa::path(patch, path = "/v1/me", tag = "accounts", security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "Changed", body = Written),
        (status = 400, description = "A field is invalid", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn update_me(
    State(state): State<AppState>,
    caller: Caller,
    context: RequestContext,
    SignedIn(actor): SignedIn,
    ApiJson(body): ApiJson<UpdateMeRequest>,
) -> Result<WrittenAnswer, Refusal> {
    let metadata = context.metadata(&caller, "UpdateOwnAccount");
    let fields = ProfileFields {
        language: body.language,
        display_name: body.display_name,
        phone: body.phone,
    };
    let position = accounts::update_profile(&state, &actor, fields, &metadata).await?;
    Ok(Written::at(position))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Replaces one's password; every session is signed out, so sign in again.
#[utoipa::path(put, path = "/v1/me/password", tag = "accounts", security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed; all sessions signed out", body = Written),
        (status = 400, description = "Weak new password", body = ErrorBody),
        (status = 403, description = "The current password is not right", body = ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    context: RequestContext,
    SignedIn(actor): SignedIn,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<WrittenAnswer, Refusal> {
    let metadata = context.metadata(&caller, "ChangePassword");
    let position = accounts::change_password(
        &state,
        &actor,
        body.current_password,
        body.new_password,
        &metadata,
    )
    .await?;
    Ok(Written::at(position))
}

/// One account: its holder and administrators may read it.
#[utoipa::path(get, path = "/v1/accounts/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Account id")),
    responses(
        (status = 200, description = "The account", body = AccountView),
        (status = 403, description = "Neither the holder nor an administrator", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody)))]
async fn account(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    Path(id): Path<String>,
) -> Result<ApiJson<AccountView>, Refusal> {
    let id = parse_account_id(&id)?;
    if actor.account != id && !actor.is_admin() {
        return Err(Refusal::NotAllowed(
            "only the account's holder or an administrator can read it".into(),
        ));
    }
    Ok(ApiJson(state.accounts.view(id).await?))
}

#[derive(Serialize, ToSchema)]
struct SessionsRevoked {
    revoked: u64,
}

/// Signs an account out everywhere (its holder, or an administrator).
#[utoipa::path(delete, path = "/v1/accounts/{id}/sessions", tag = "accounts",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "Account id")),
    responses(
        (status = 200, description = "How many sessions were revoked", body = SessionsRevoked),
        (status = 403, description = "Neither the holder nor an administrator", body = ErrorBody)))]
async fn revoke_sessions(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    Path(id): Path<String>,
) -> Result<ApiJson<SessionsRevoked>, Refusal> {
    let id = parse_account_id(&id)?;
    let revoked = accounts::sign_out_everywhere(&state, &actor, id).await?;
    Ok(ApiJson(SessionsRevoked { revoked }))
}

pub(super) fn parse_account_id(raw: &str) -> Result<AccountId, Refusal> {
    raw.parse::<AccountId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("id")]))
}
