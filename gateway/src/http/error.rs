//! How the API answers a failure: a use case's [`Refusal`] or one of HTTP's own ([`HttpError`]),
//! each as one status code and the one error body, `{"error": {"code", "message", …}}`. Internal
//! failures are logged with their cause and answered with a generic message: no SQL, stack
//! traces or stored data reach a client.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::values::ValueError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::Refusal;

/// Failures that belong to HTTP itself rather than to a use case.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// 408: the request was not answered in time.
    #[error("{0}")]
    RequestTimeout(String),
    /// 413: the body is larger than the server accepts.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: the body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 405: the route exists but does not answer this method; these are the ones it answers.
    #[error("this route does not answer this method")]
    MethodNotAllowed(Vec<axum::http::Method>),
    /// Any refusal, where a rejection must be one type.
    #[error(transparent)]
    Refused(#[from] Refusal),
}

/// The body of every error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable, machine-readable code: `bad_request`, `unauthorized`, `forbidden`,
    /// `not_found`, `method_not_allowed`, `request_timeout`, `conflict`, `precondition_failed`,
    /// `payload_too_large`, `unsupported_media_type`, `unprocessable`, `too_many_requests`,
    /// `unavailable`, `internal`.
    pub code: String,
    /// What went wrong and what to do about it, for a person.
    pub message: String,
    /// For `bad_request`: each invalid field and what to change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// For `conflict`: the current state, so the client can decide what to do next.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The status and the stable code of a refusal.
pub fn status_of(refusal: &Refusal) -> (StatusCode, &'static str) {
    match refusal {
        Refusal::Invalid { .. } => (StatusCode::BAD_REQUEST, "bad_request"),
        Refusal::NotSignedIn(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
        Refusal::NotAllowed(_) => (StatusCode::FORBIDDEN, "forbidden"),
        Refusal::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
        Refusal::Conflict { .. } => (StatusCode::CONFLICT, "conflict"),
        Refusal::Changed(_) => (StatusCode::PRECONDITION_FAILED, "precondition_failed"),
        Refusal::RuleBroken(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
        Refusal::TooMany { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
        Refusal::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        Refusal::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let (status, code) = status_of(&self);
        let message = match &self {
            Self::Internal(cause) => {
                tracing::error!(error = %cause, "request failed");
                "something went wrong on our side; the request id in the response headers \
                 helps us find it"
                    .to_string()
            }
            other => other.to_string(),
        };
        let (fields, current, retry_after) = match self {
            Self::Invalid { fields, .. } => (fields, None, None),
            Self::Conflict { current, .. } => (Vec::new(), current, None),
            Self::TooMany { retry_after, .. } => (Vec::new(), None, Some(retry_after)),
            // Not ready or not caught up yet: worth asking again shortly.
            Self::Unavailable(_) => (Vec::new(), None, Some(Duration::from_secs(1))),
            _ => (Vec::new(), None, None),
        };
        error_response(status, code, message, fields, current, retry_after)
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            Self::Refused(refusal) => return refusal.into_response(),
            Self::RequestTimeout(message) => {
                (StatusCode::REQUEST_TIMEOUT, "request_timeout", message)
            }
            Self::PayloadTooLarge(message) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
            }
            Self::UnsupportedMediaType(message) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                message,
            ),
            Self::MethodNotAllowed(allowed) => {
                let names: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
                let list = names.join(", ");
                let mut response = error_response(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    format!("this route answers {list} only"),
                    Vec::new(),
                    None,
                    None,
                );
                if let Ok(value) = HeaderValue::from_str(&list) {
                    response.headers_mut().insert(header::ALLOW, value);
                }
                return response;
            }
        };
        error_response(status, code, message, Vec::new(), None, None)
    }
}

fn error_response(
    status: StatusCode,
    code: &str,
    message: String,
    fields: Vec<ValueError>,
    current: Option<serde_json::Value>,
    retry_after: Option<Duration>,
) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_string(),
            message,
            fields: fields
                .into_iter()
                .map(|f| FieldError {
                    field: f.field,
                    message: f.message,
                })
                .collect(),
            current,
        },
    };
    let mut response = (status, Json(body)).into_response();
    if let Some(wait) = retry_after {
        // Whole seconds, rounded up: a client that waits exactly this long gets through.
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    }
    response
}
