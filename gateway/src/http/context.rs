//! What the gateway records about a request in the metadata of the events it causes.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use store::{ActorRef, AnswerShape, EventMetadata, IdempotentWrite, KeyClaim, SessionGuard};

use crate::access::Caller;

/// The request's identity for the audit trail: its id (set by the request-id layer), the
/// correlation id a client may send to tie several requests together, and the client software.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub correlation_id: String,
    pub client: String,
    /// The claim on the request's `Idempotency-Key`, if it has one (set by the idempotency
    /// middleware): its append records the key with the events.
    pub idempotency: Option<KeyClaim>,
    /// The recalled session a write runs under, if it runs under one (set by the access check,
    /// `access::recalled`): its first append checks it.
    pub session: Option<SessionGuard>,
}

impl RequestContext {
    /// The metadata for events that `command`, issued by `caller`, writes.
    pub fn metadata(&self, caller: &Caller, command: &str) -> EventMetadata {
        let actor = match caller {
            Caller::Visitor => ActorRef::Anonymous,
            Caller::Account(actor) => ActorRef::Account(actor.account.into()),
        };
        EventMetadata {
            actor,
            request_id: self.request_id.clone(),
            correlation_id: self.correlation_id.clone(),
            causation_id: self.request_id.clone(),
            command: command.to_string(),
            client: self.client.clone(),
            idempotency: self.idempotency.clone().map(|claim| IdempotentWrite {
                claim,
                answer: AnswerShape::default(),
            }),
            session: self.session.clone(),
        }
    }
}

pub use crate::app::audit::{is_acceptable_trace_id, MAX_TRACE_ID};

/// Drops a client's `x-request-id` or `x-correlation-id` that is not acceptable (see
/// [`is_acceptable_trace_id`]); the request-id layer then gives the request one of its own.
pub async fn bounded_trace_ids(mut request: axum::extract::Request) -> axum::extract::Request {
    for name in ["x-request-id", "x-correlation-id"] {
        let acceptable = request
            .headers()
            .get_all(name)
            .iter()
            .map(|v| is_acceptable_trace_id(v.as_bytes()))
            .collect::<Vec<_>>();
        if acceptable.len() > 1 || acceptable.iter().any(|ok| !ok) {
            request.headers_mut().remove(name);
        }
    }
    request
}

fn header_text(parts: &Parts, name: &str, max: usize) -> Option<String> {
    parts
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(max).collect::<String>())
        .filter(|v| !v.trim().is_empty())
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let request_id = header_text(parts, "x-request-id", MAX_TRACE_ID).unwrap_or_default();
        let correlation_id = header_text(parts, "x-correlation-id", MAX_TRACE_ID)
            .unwrap_or_else(|| request_id.clone());
        let client = header_text(parts, header::USER_AGENT.as_str(), 200).unwrap_or_default();
        Ok(Self {
            request_id,
            correlation_id,
            client,
            idempotency: parts.extensions.get::<KeyClaim>().cloned(),
            session: parts
                .extensions
                .get::<crate::access::caller::Recalled>()
                .map(|recalled| recalled.guard.clone()),
        })
    }
}

/// The address of the client that sent the request: the peer's, or behind trusted proxies the
/// one they forward (resolved once per request by `crate::proxy::resolve_client`); unspecified
/// when served without connection info, as in-process tests are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(resolved) = parts.extensions.get::<ClientAddress>() {
            return Ok(*resolved);
        }
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(address)| address.ip())
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_ids_are_bounded_in_length_and_characters() {
        for good in [
            "0190f5c2-8a3e-7c1d-9b2a-4f6e8d0c1a2b",
            "01ARZ3NDEKTSV4RRFFQ69G5FAV",
            "a",
            "trace:00-4bf92f3577b34da6-01",
            "YWJj+/=",
        ] {
            assert!(is_acceptable_trace_id(good.as_bytes()), "{good}");
        }
        let long = "a".repeat(MAX_TRACE_ID + 1);
        for bad in [
            "",
            "a b",
            "a\nb",
            "<script>",
            "ä",
            "a\"b",
            "ana.secret@example.org",
            long.as_str(),
        ] {
            assert!(!is_acceptable_trace_id(bad.as_bytes()), "{bad:?}");
        }
        assert!(is_acceptable_trace_id("a".repeat(MAX_TRACE_ID).as_bytes()));
    }
}
