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
        JsonRejection::JsonSyntaxError(e) => Refusal::invalid_input(format!(
            "the body is not valid JSON: {}",
            in_plain_words(&e.body_text())
        ))
        .into(),
        JsonRejection::JsonDataError(e) => Refusal::invalid_input(format!(
            "the body does not have the expected fields: {}",
            in_plain_words(&e.body_text())
        ))
        .into(),
        JsonRejection::BytesRejection(e)
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE =>
        {
            HttpError::PayloadTooLarge("the body is larger than this server accepts".into())
        }
        other => Refusal::invalid_input(format!(
            "the body cannot be read: {}",
            in_plain_words(&other.body_text())
        ))
        .into(),
    }
}

/// A deserialiser's message without the names of the server's own types (`expected struct
/// SignUpRequest` reads `expected a JSON object`) and without axum's preamble: what a client
/// can act on, nothing about how the server is written.
pub(crate) fn in_plain_words(message: &str) -> String {
    let message = message
        .split_once(": ")
        .filter(|(preamble, _)| preamble.starts_with("Failed to "))
        .map_or(message, |(_, rest)| rest);
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("struct ").or_else(|| rest.find("enum ")) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let (word, plain) = if from.starts_with("struct ") {
            ("struct ", "a JSON object")
        } else {
            ("enum ", "one of the documented values")
        };
        let after_word = &from[word.len()..];
        let name_end = after_word
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after_word.len());
        // Type names start with a capital; `a struct of` is plain English.
        let is_type_name = after_word.starts_with(|c: char| c.is_ascii_uppercase());
        if name_end == 0 || !is_type_name {
            out.push_str(word);
            out.push_str(&after_word[..name_end]);
        } else {
            out.push_str(plain);
        }
        rest = &after_word[name_end..];
    }
    out.push_str(rest);
    out
}

/// Query parameters read into `T`, with every failure (an unknown parameter, a value of the
/// wrong type, a number out of range) answered as the API's 400 error body, never as axum's
/// plain text.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Refusal;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Refusal> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(Refusal::invalid_input(format!(
                "the query string is not right: {}",
                in_plain_words(&rejection.body_text())
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::in_plain_words;

    #[test]
    fn messages_name_no_type_of_the_server() {
        assert_eq!(
            in_plain_words("invalid type: null, expected struct OptionalReasonRequest at line 1"),
            "invalid type: null, expected a JSON object at line 1"
        );
        assert_eq!(
            in_plain_words("unknown variant `x`, expected enum Role"),
            "unknown variant `x`, expected one of the documented values"
        );
        assert_eq!(
            in_plain_words("Failed to deserialize query string: limit: invalid digit found"),
            "limit: invalid digit found"
        );
        assert_eq!(in_plain_words("a struct of"), "a struct of");
    }
}
