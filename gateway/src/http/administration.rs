//! Administering accounts: listing them, granting and revoking roles, erasing a person.

use axum::extract::{Path, State};
use domain::values::AccountId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

use super::accounts::parse_account_id;
use super::context::RequestContext;
use super::json::ApiQuery;
use super::{ApiJson, ErrorBody, Refusal, Written, WrittenAnswer};
use crate::access::accounts::AccountView;
use crate::access::administration::Erasure;
use crate::access::{Access, ApiRoutes, Caller};
use crate::app::administration::{self, AccountSearch};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Access::ADMINS, routes!(list_accounts))
        .route(Access::ADMINS, routes!(grant_role, revoke_role))
        .route(Access::ADMINS, routes!(erase))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
struct ListAccounts {
    /// Only the account holding this email.
    #[param(format = Email, max_length = 254)]
    email: Option<String>,
    /// Continue after this account id (the `next_after` of the previous page).
    #[param(value_type = Option<String>, format = Uuid)]
    after: Option<String>,
    /// At most this many (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
struct AccountList {
    accounts: Vec<AccountView>,
    /// Pass as `after` for the next page; absent on the last page.
    #[schema(value_type = Option<String>, format = Uuid)]
    next_after: Option<AccountId>,
}

/// Lists accounts, oldest first, from the account directory (administrators); erased people
/// show as erased. With `email`, only the account holding it.
#[utoipa::path(get, path = "/v1/accounts", tag = "administration", security(("bearer" = [])),
    params(ListAccounts),
    responses(
        (status = 200, description = "A page of accounts", body = AccountList),
        (status = 400, description = "A malformed email, id or limit", body = ErrorBody),
        (status = 403, description = "Not an administrator", body = ErrorBody)))]
async fn list_accounts(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListAccounts>,
) -> Result<ApiJson<AccountList>, Refusal> {
    let search = AccountSearch {
        email: query.email,
        after: query.after.as_deref().map(parse_account_id).transpose()?,
        limit: query.limit.unwrap_or(50),
    };
    let page = administration::list(&state, &caller, &search).await?;
    Ok(ApiJson(AccountList {
        accounts: page.accounts,
        next_after: page.next_after,
    }))
}

/// Grants a platform role: `moderator`, `auditor` or `admin` (administrators).
#[utoipa::path(put, path = "/v1/accounts/{id}/roles/{role}", tag = "administration",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid), ("role" = inline(GrantableRole), Path)),
    responses(
        (status = 200, description = "Granted", body = Written),
        (status = 400, description = "The id is not a UUID, or no such role", body = ErrorBody),
        (status = 403, description = "Not an administrator", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 409, description = "The account cannot hold roles in its state", body = ErrorBody),
        (status = 422, description = "Already held, or `member` (implicit)", body = ErrorBody)))]
async fn grant_role(
    state: State<AppState>,
    caller: Caller,
    context: RequestContext,
    Path((id, role)): Path<(String, String)>,
) -> Result<WrittenAnswer, Refusal> {
    change_role(state, caller, context, &id, &role, true).await
}

/// Revokes a platform role (administrators). The last administrator cannot lose the role.
#[utoipa::path(delete, path = "/v1/accounts/{id}/roles/{role}", tag = "administration",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid), ("role" = inline(GrantableRole), Path)),
    responses(
        (status = 200, description = "Revoked", body = Written),
        (status = 400, description = "The id is not a UUID, or no such role", body = ErrorBody),
        (status = 403, description = "Not an administrator", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 409, description = "The account cannot hold roles in its state", body = ErrorBody),
        (status = 422, description = "Not held, or the last administrator", body = ErrorBody)))]
async fn revoke_role(
    state: State<AppState>,
    caller: Caller,
    context: RequestContext,
    Path((id, role)): Path<(String, String)>,
) -> Result<WrittenAnswer, Refusal> {
    change_role(state, caller, context, &id, &role, false).await
}

async fn change_role(
    State(state): State<AppState>,
    caller: Caller,
    context: RequestContext,
    id: &str,
    role: &str,
    grant: bool,
) -> Result<WrittenAnswer, Refusal> {
    let id = parse_account_id(id)?;
    let role = administration::parse_role(role)?;
    let command = if grant { "GrantRole" } else { "RevokeRole" };
    let metadata = context.metadata(&caller, command);
    let position = administration::change_role(&state, &caller, id, role, grant, &metadata).await?;
    Ok(Written::at(position))
}

#[derive(Serialize, ToSchema)]
struct Erased {
    /// False if the account had been erased before.
    erased_now: bool,
    position: Option<i64>,
}

/// Erases a person (administrators): their key is deleted, so their name, email and phone are
/// unreadable everywhere in history; the account can no longer sign in.
#[utoipa::path(post, path = "/v1/accounts/{id}/erasure", tag = "administration",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses(
        (status = 200, description = "Erased", body = Erased),
        (status = 403, description = "Not an administrator", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 422, description = "The last administrator", body = ErrorBody)))]
async fn erase(
    State(state): State<AppState>,
    caller: Caller,
    context: RequestContext,
    Path(id): Path<String>,
) -> Result<ApiJson<Erased>, Refusal> {
    let id = parse_account_id(&id)?;
    let metadata = context.metadata(&caller, "ErasePerson");
    let outcome = administration::erase(&state, &caller, id, &metadata).await?;
    Ok(ApiJson(match outcome {
        Erasure::Erased(position) => Erased {
            erased_now: true,
            position: position.map(|p| p.position),
        },
        Erasure::AlreadyErased => Erased {
            erased_now: false,
            position: None,
        },
    }))
}

/// A platform role an administrator grants or revokes (`member` is every account's, implicitly).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Only documents the values the `role` path segment takes.
#[schema(rename_all = "lowercase")]
enum GrantableRole {
    Moderator,
    Auditor,
    Admin,
}
