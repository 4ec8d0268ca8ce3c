//! The one error type of the HTTP API.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::values::ValueError;
use serde::Serialize;
use utoipa::ToSchema;

/// Every failure a handler can answer with. Each variant maps to one status code; the body is
/// always `{"error": {"code", "message", …}}`. Internal failures are logged with their cause and
/// answered with a generic message: no SQL, stack traces or stored data reach a client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed or a field is invalid; `fields` names each one.
    #[error("{message}")]
    BadRequest {
        message: String,
        fields: Vec<ValueError>,
    },
    /// 401: no valid credentials (missing, unknown, expired or revoked token, wrong password).
    #[error("{0}")]
    Unauthorized(String),
    /// 403: signed in, but this caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// 408: the request was not answered in time.
    #[error("{0}")]
    RequestTimeout(String),
    /// 409: the current state does not allow this (or someone else changed it meanwhile).
    #[error("{message}")]
    Conflict {
        message: String,
        current: Option<serde_json::Value>,
    },
    /// 412: `If-Match` names a version that is no longer current.
    #[error("{0}")]
    PreconditionFailed(String),
    /// 413: the body is larger than the server accepts.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: the body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed and allowed, but a business rule says no.
    #[error("{0}")]
    Unprocessable(String),
    /// 429: too many attempts; try again after `retry_after`.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after: Duration,
    },
    /// 503: not ready, or the read models have not reached what was asked for; `Retry-After`.
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The body of every error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable, machine-readable code: `bad_request`, `unauthorized`, `forbidden`,
    /// `not_found`, `request_timeout`, `conflict`, `precondition_failed`, `payload_too_large`, `unsupported_media_type`, `unprocessable`,
    /// `too_many_requests`, `unavailable`, `internal`.
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

impl ApiError {
    /// A 400 for one or more invalid fields.
    pub fn invalid(fields: Vec<ValueError>) -> Self {
        let message = match fields.as_slice() {
            [one] => one.to_string(),
            _ => "some fields are invalid; see `fields`".to_string(),
        };
        Self::BadRequest { message, fields }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest {
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
            current: None,
        }
    }

    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(error.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { .. } => "bad_request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::RequestTimeout(_) => "request_timeout",
            Self::Conflict { .. } => "conflict",
            Self::PreconditionFailed(_) => "precondition_failed",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Unprocessable(_) => "unprocessable",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }
}

impl From<store::StoreError> for ApiError {
    fn from(error: store::StoreError) -> Self {
        Self::Internal(Box::new(error))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let code = self.code().to_string();
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
            Self::BadRequest { fields, .. } => (fields, None, None),
            Self::Conflict { current, .. } => (Vec::new(), current, None),
            Self::TooManyRequests { retry_after, .. } => (Vec::new(), None, Some(retry_after)),
            // Not ready or not caught up yet: worth asking again shortly.
            Self::Unavailable(_) => (Vec::new(), None, Some(Duration::from_secs(1))),
            _ => (Vec::new(), None, None),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
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
}
