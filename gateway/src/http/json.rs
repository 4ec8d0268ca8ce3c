//! The JSON body extractor of the API: axum's `Json`, with its rejections turned into the API's
//! error model (400 naming the problem, 413, 415) instead of axum's plain-text answers.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{HttpError, Refusal};

/// A JSON request or response body. Request types deny unknown fields, and serde refuses
/// duplicate keys and nesting deeper than 128 levels, so each of those is a 400 too.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejection_to_error(rejection)),
        }
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

fn rejection_to_error(rejection: JsonRejection) -> HttpError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => HttpError::UnsupportedMediaType(
            "the body must be JSON, sent with `Content-Type: application/json`".into(),
        ),
        JsonRejection::JsonSyntaxError(e) => {
            Refusal::invalid_input(format!("the body is not valid JSON: {}", e.body_text())).into()
        }
        JsonRejection::JsonDataError(e) => Refusal::invalid_input(format!(
            "the body does not have the expected fields: {}",
            e.body_text()
        ))
        .into(),
        JsonRejection::BytesRejection(e)
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE =>
        {
            HttpError::PayloadTooLarge("the body is larger than this server accepts".into())
        }
        other => {
            Refusal::invalid_input(format!("the body cannot be read: {}", other.body_text())).into()
        }
    }
}
