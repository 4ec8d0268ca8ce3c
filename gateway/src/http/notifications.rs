//! Notifications for administrators: which mails failed for good (a refused address, an erased
//! recipient), so that someone can act on them. No email address appears here: the recipient is
//! an account id, which the accounts listing resolves for those allowed to see it.

use axum::extract::{RawQuery, State};
use serde::{Deserialize, Serialize};
use store::notifications::{Notification, NotificationStatus, Notifications};
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::context::RequestContext;
use super::reading::parse_limit;
use super::{ApiJson, ErrorBody, Refusal, Written, WrittenAnswer};
use crate::access::{Access, ApiRoutes, Caller, SignedIn};
use crate::app::accounts;
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Access::ADMINS, routes!(list_notifications))
        .route(
            Access::SignedIn,
            routes!(my_preferences, set_my_preferences),
        )
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NotificationPreferences {
    /// The kinds of notification not to receive: `to_review`, `decision`, `invitation`,
    /// `partner_response`, `join_request`, `join_accepted`. Empty receives everything.
    muted: Vec<String>,
}

/// The kinds of notification one has turned off.
#[utoipa::path(get, path = "/v1/me/notification-preferences", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The muted kinds", body = NotificationPreferences),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn my_preferences(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
) -> Result<ApiJson<NotificationPreferences>, Refusal> {
    let muted = accounts::muted_notifications(&state, &actor).await?;
    Ok(ApiJson(NotificationPreferences {
        muted: muted.iter().map(|k| k.as_str().to_string()).collect(),
    }))
}

/// Chooses which kinds of notification one does not receive (the whole set; `[]` turns every
/// kind back on).
#[utoipa::path(put, path = "/v1/me/notification-preferences", tag = "accounts",
    security(("bearer" = [])),
    request_body = NotificationPreferences,
    responses(
        (status = 200, description = "Saved", body = Written),
        (status = 400, description = "An unknown kind", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
async fn set_my_preferences(
    State(state): State<AppState>,
    caller: Caller,
    context: RequestContext,
    SignedIn(actor): SignedIn,
    ApiJson(body): ApiJson<NotificationPreferences>,
) -> Result<WrittenAnswer, Refusal> {
    let metadata = context.metadata(&caller, "SetNotificationPreferences");
    let position =
        accounts::set_muted_notifications(&state, &actor, &body.muted, &metadata).await?;
    Ok(Written::at(position))
}

#[derive(Serialize, ToSchema)]
struct NotificationView {
    id: String,
    /// The global position of the event it is about.
    event_position: i64,
    #[schema(format = Uuid)]
    recipient: String,
    kind: String,
    language: String,
    #[schema(value_type = String)]
    status: NotificationStatus,
    attempts: i64,
    last_error: Option<String>,
    message_id: String,
    /// RFC 3339 times.
    created_at: Option<String>,
    sent_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct NotificationList {
    notifications: Vec<NotificationView>,
}

fn time(ms: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.to_rfc3339())
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> Self {
        Self {
            created_at: time(n.created_at),
            sent_at: n.sent_at.and_then(time),
            id: n.id,
            event_position: n.event_position,
            recipient: n.recipient,
            kind: n.kind,
            language: n.language,
            status: n.status,
            attempts: n.attempts,
            last_error: n.last_error,
            message_id: n.message_id,
        }
    }
}

/// Notifications with a status, newest first (administrators). `status` is `failed` (the
/// default), `pending` or `sent`; `limit` is 1–500 (default 100).
#[utoipa::path(get, path = "/v1/admin/notifications", tag = "administration",
    security(("bearer" = [])),
    params(
        ("status" = Option<String>, Query, description = "failed (default), pending or sent"),
        ("limit" = Option<usize>, Query, description = "1–500, default 100")),
    responses(
        (status = 200, description = "Notifications", body = NotificationList),
        (status = 400, description = "An unknown status or a bad limit", body = ErrorBody),
        (status = 403, description = "Not an administrator", body = ErrorBody)))]
async fn list_notifications(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<ApiJson<NotificationList>, Refusal> {
    let mut status = NotificationStatus::Failed;
    let mut limit = 100;
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "status" => {
                status = NotificationStatus::parse(&value).ok_or_else(|| {
                    Refusal::invalid_input(format!(
                        "status must be failed, pending or sent (got `{value}`)"
                    ))
                })?;
            }
            "limit" => limit = parse_limit(&value, 500)?,
            other => {
                return Err(Refusal::invalid_input(format!(
                    "unknown query parameter `{other}` (use status and limit)"
                )))
            }
        }
    }
    let limit = i64::try_from(limit).unwrap_or(100);
    let rows = Notifications::new(state.log.database())
        .list(status, limit)
        .await?;
    Ok(ApiJson(NotificationList {
        notifications: rows.into_iter().map(NotificationView::from).collect(),
    }))
}
