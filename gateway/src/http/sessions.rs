//! Signing in and out: `/v1/sessions`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::context::ClientAddress;
use super::{ApiJson, ErrorBody, Refusal};
use crate::access::caller::bearer_token;
use crate::access::{Access, ApiRoutes};
use crate::app::accounts;
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Access::Public, routes!(sign_in))
        .route(Access::SignedIn, routes!(sign_out))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SignInRequest {
    #[schema(example = "ana@example.org", format = Email, max_length = 254)]
    email: String,
    #[schema(max_length = 1024)]
    password: String,
}

#[derive(Serialize, ToSchema)]
struct SessionResponse {
    /// Send it as `Authorization: Bearer <token>`. It is shown once; the server keeps only a
    /// digest of it.
    token: String,
    expires_at: DateTime<Utc>,
    #[schema(value_type = String, format = Uuid)]
    account_id: domain::values::AccountId,
}

/// Signs in with email and password and returns a bearer token. Attempts are limited per client
/// address, per account from one address and, more slowly, per account (429 with
/// `Retry-After`).
#[utoipa::path(post, path = "/v1/sessions", tag = "accounts",
    request_body = SignInRequest,
    responses(
        (status = 201, description = "Signed in", body = SessionResponse),
        (status = 400, description = "Malformed email or body", body = ErrorBody),
        (status = 401, description = "Wrong email or password, or account not activated", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody)))]
async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(body): ApiJson<SignInRequest>,
) -> Result<(StatusCode, ApiJson<SessionResponse>), Refusal> {
    let session = accounts::sign_in(&state, &body.email, body.password, address).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(SessionResponse {
            token: session.token.expose().to_string(),
            expires_at: session.expires_at,
            account_id: session.account,
        }),
    ))
}

/// Signs out: the token of this request stops working.
#[utoipa::path(delete, path = "/v1/sessions/current", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "No valid token", body = ErrorBody)))]
async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<StatusCode, Refusal> {
    if let Some(token) = bearer_token(&headers)? {
        accounts::sign_out(&state, token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
