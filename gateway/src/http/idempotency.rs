//! `Idempotency-Key` for writes: a write that repeats an earlier one from the same account with
//! the same key is answered with the first answer and writes nothing; the same key with a
//! different request is a 422.
//!
//! What counts:
//!
//! * Only writes (every method but GET, HEAD and OPTIONS) by a signed-in account. Keys belong to
//!   an account, so a visitor's key is ignored (the request runs as if it had none); so is a key
//!   on a read.
//! * The key is 1 to 255 visible ASCII characters, sent once; anything else is a 400.
//! * "The same request" is the same method, path and query, and body, byte for byte (a SHA-256
//!   of them is kept, see [`store::request_digest`]); headers do not count.
//! * Answers below 500 are kept and replayed (status, body, and the `Content-Type`, `ETag` and
//!   `Location` headers), with `Idempotent-Replayed: true`. A 4xx is an answer too: to try again
//!   after one, use a new key. A 5xx is not kept: the key is released and the request may be
//!   retried with it. Refusals of the access check (401, 403, 429) come before this and are never
//!   kept; a replay still counts against the per-account write limit.
//! * The key is ignored on the routes whose request or answer carries a credential (sign-up,
//!   sign-in, activation, password change: [`CREDENTIAL_ROUTES`]), so that no password digest or
//!   bearer token is kept in the table.
//! * Keys are kept for [`RETENTION`]; this middleware prunes older ones at most once per
//!   [`PRUNE_EVERY`] in each process. A key that has been pruned runs its request again.
//!
//! The body is read with axum's `Bytes` extractor, so it has the same limits as a handler's JSON
//! body: the server's `body_limit_bytes` (its layer wraps the router, so the body reaching this
//! middleware is already limited) and 413 beyond it.
//!
//! The request runs on its own task, so a client that goes away or the request timeout (408)
//! does not stop it between the command and recording the answer: a retry then gets the replay.
//!
//! Exactly once, whatever fails: the command's append marks the key `committed` in the same
//! statement as its events, with what its answer is made of (status, created id, version, the
//! position of its last event), so no crash and no outage can separate the write from its key.
//! A retry of a write whose full answer was never recorded (the process died after the commit,
//! or the database went away before `finish`) is answered from that record, and never runs
//! again. A process that stops *before* its commit leaves the key pending, with nothing written:
//! it answers 409 for `idempotency_takeover_secs` (60 s by default), after which the request may
//! run under a new claim; should the first attempt still be alive, its append then writes nothing
//! (see [`store::Idempotency`]).

use std::sync::atomic::{AtomicI64, Ordering};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, MatchedPath, OriginalUri, Request};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::values::AccountId;
use store::{Begin, CommittedAnswer, Idempotency, KeyClaim, StoredResponse};
use tracing::Instrument;

use super::layers::Rest;
use super::{HttpError, Refusal, Written};
use crate::access::Caller;
use crate::state::AppState;

/// The request header naming the key.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Added (`true`) to an answer that is a replay.
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The headers of an answer that a replay repeats.
const REPLAYED_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::ETAG, header::LOCATION];

/// (method, route template) where the key is ignored: the request or the answer carries a
/// password, secret or token.
pub const CREDENTIAL_ROUTES: [(Method, &str); 4] = [
    (Method::POST, "/v1/accounts"),
    (Method::POST, "/v1/accounts/activation"),
    (Method::POST, "/v1/sessions"),
    (Method::PUT, "/v1/me/password"),
];

const MAX_KEY_LEN: usize = 255;

/// How long keys are kept.
pub const RETENTION: chrono::Duration = chrono::Duration::hours(24);
/// How often (at most) a process prunes keys older than [`RETENTION`].
pub const PRUNE_EVERY: chrono::Duration = chrono::Duration::hours(1);

/// When this process last pruned (Unix seconds; 0: not yet).
static LAST_PRUNE: AtomicI64 = AtomicI64::new(0);

/// One of the API's layers ([`super::layers`]): runs inside the access check, which has put the
/// [`Caller`] in the request.
pub async fn idempotent(state: &AppState, request: Request, next: impl Rest) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let Some(Caller::Account(actor)) = request.extensions().get::<Caller>() else {
        return next.run(request).await;
    };
    let account = actor.account;
    if on_credential_route(&request) {
        return next.run(request).await;
    }
    let key = match key_of(&request) {
        Ok(Some(key)) => key,
        Ok(None) => return next.run(request).await,
        Err(error) => return error.into_response(),
    };
    // Boxed: a keyed write's states (the body read, the key's claim, its task) are large, and
    // unboxed every request through the API's layers would carry room for them (`layers`).
    Box::pin(keyed(state, account, key, request, next)).await
}

/// A write under `account`'s Idempotency-Key `key`: claimed, run once, its answer recorded.
async fn keyed(
    state: &AppState,
    account: AccountId,
    key: String,
    request: Request,
    next: impl Rest,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = match Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return HttpError::PayloadTooLarge("the body is larger than this server accepts".into())
                .into_response()
        }
        Err(rejection) => {
            return Refusal::invalid_input(format!(
                "the body cannot be read: {}",
                rejection.body_text()
            ))
            .into_response()
        }
    };
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |original| &original.0);
    let target = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    let digest = store::request_digest(parts.method.as_str(), target, &body);
    let keys = Idempotency::new(state.log.database());
    let claim = match keys
        .begin(
            account,
            &key,
            &digest,
            state.idempotency_takeover,
            Utc::now(),
        )
        .await
    {
        Err(error) => return Refusal::from(error).into_response(),
        Ok(Begin::Replay(stored)) => return replay(stored),
        Ok(Begin::Committed(answer)) => return replay_committed(answer),
        Ok(Begin::Mismatch) => {
            return Refusal::RuleBroken(
                "this Idempotency-Key was already used for a different request; use a new key"
                    .into(),
            )
            .into_response()
        }
        Ok(Begin::InProgress) => return in_progress().into_response(),
        Ok(Begin::New(claim)) => claim,
    };
    let mut request = Request::from_parts(parts, Body::from(body));
    // The command's append records the key with its events (see `RequestContext`).
    request.extensions_mut().insert(claim.clone());

    // On its own task, so that neither a client going away nor the timeout stops it between the
    // command and `finish`.
    let task = tokio::spawn(run_once(keys.clone(), claim.clone(), request, next).in_current_span());
    match task.await {
        Ok(response) => response,
        Err(failure) => {
            // The handler panicked: nothing to replay, so the key is released like after a 5xx
            // (unless its write committed, which keeps it).
            release(&keys, &claim).await;
            Refusal::internal(format!("the request's task failed: {failure}")).into_response()
        }
    }
}

fn in_progress() -> Refusal {
    Refusal::conflict(
        "a request with this Idempotency-Key is still being processed; retry in a moment",
    )
}

/// Runs the request under `claim` and records its answer.
async fn run_once(
    keys: Idempotency,
    claim: KeyClaim,
    request: Request,
    next: impl Rest,
) -> Response {
    let response = next.run(request).await;
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => {
            release(&keys, &claim).await;
            return Refusal::internal(format!("the answer cannot be read: {error}"))
                .into_response();
        }
    };
    if parts.status.is_server_error() {
        // A write that committed before the failure keeps its key: a retry gets its answer.
        release(&keys, &claim).await;
    } else {
        let stored = StoredResponse {
            status: parts.status.as_u16(),
            headers: REPLAYED_HEADERS
                .iter()
                .flat_map(|name| {
                    parts.headers.get_all(name).iter().filter_map(|value| {
                        // Visible ASCII only; none of these headers is sent otherwise here.
                        let value = value.to_str().ok()?;
                        Some((name.as_str().to_string(), value.to_string()))
                    })
                })
                .collect(),
            body: body.to_vec(),
        };
        match keys.finish(&claim, &stored).await {
            Ok(true) => {}
            // Pruned or taken over meanwhile: the answer still goes to this client.
            Ok(false) => tracing::warn!("an idempotency key was no longer held at its finish"),
            // A write is recorded with its key already: a retry is answered from that record.
            Err(error) => tracing::warn!(%error, "cannot record an idempotent answer"),
        }
        prune_now_and_then(&keys);
    }
    Response::from_parts(parts, Body::from(body))
}

async fn release(keys: &Idempotency, claim: &KeyClaim) {
    if let Err(error) = keys.abandon(claim).await {
        tracing::error!(%error, "cannot release an idempotency key");
    }
}

/// The `Idempotency-Key` of a request: none, one valid key, or a 400.
fn key_of(request: &Request) -> Result<Option<String>, Refusal> {
    let mut values = request.headers().get_all(IDEMPOTENCY_KEY).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(Refusal::invalid_input(
            "send one Idempotency-Key header, not several",
        ));
    }
    let bytes = value.as_bytes();
    let valid = !bytes.is_empty()
        && bytes.len() <= MAX_KEY_LEN
        && bytes.iter().all(|b| b.is_ascii_graphic());
    match value.to_str() {
        Ok(key) if valid => Ok(Some(key.to_string())),
        _ => Err(Refusal::invalid_input(format!(
            "the Idempotency-Key header must be 1 to {MAX_KEY_LEN} visible ASCII characters \
             (no spaces), e.g. a UUID"
        ))),
    }
}

fn on_credential_route(request: &Request) -> bool {
    let Some(template) = request.extensions().get::<MatchedPath>() else {
        return false;
    };
    CREDENTIAL_ROUTES
        .iter()
        .any(|(method, path)| method == request.method() && *path == template.as_str())
}

/// The kept answer, marked as a replay.
fn replay(stored: StoredResponse) -> Response {
    let Ok(status) = StatusCode::from_u16(stored.status) else {
        return Refusal::internal(format!("a kept answer has status {}", stored.status))
            .into_response();
    };
    let mut response = Response::new(Body::from(stored.body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    for (name, value) in &stored.headers {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => {
                headers.append(name, value);
            }
            _ => tracing::warn!(header = %name, "a kept header cannot be replayed"),
        }
    }
    headers.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    response
}

/// The answer of a write whose full answer was never recorded, made from what its append
/// recorded with its events: the same status, `Written` body and `ETag` the command gave.
fn replay_committed(answer: CommittedAnswer) -> Response {
    let written = Written {
        id: answer.created,
        position: Some(answer.position),
        version: answer.version,
    };
    let body = match serde_json::to_vec(&written) {
        Ok(body) => body,
        Err(error) => return Refusal::internal(error).into_response(),
    };
    let mut headers = vec![(
        header::CONTENT_TYPE.to_string(),
        "application/json".to_string(),
    )];
    if let Some(version) = answer.version {
        headers.push((header::ETAG.to_string(), format!("\"{version}\"")));
    }
    replay(StoredResponse {
        status: answer.status,
        headers,
        body,
    })
}

/// Prunes keys older than [`RETENTION`] in the background, at most once per [`PRUNE_EVERY`] in
/// this process (and once soon after it starts).
fn prune_now_and_then(keys: &Idempotency) {
    let now = Utc::now();
    let last = LAST_PRUNE.load(Ordering::Relaxed);
    if now.timestamp() - last < PRUNE_EVERY.num_seconds()
        || LAST_PRUNE
            .compare_exchange(last, now.timestamp(), Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    let keys = keys.clone();
    tokio::spawn(
        async move {
            match keys.prune(now - RETENTION).await {
                Ok(0) => {}
                Ok(pruned) => tracing::debug!(pruned, "pruned idempotency keys"),
                Err(error) => tracing::warn!(%error, "cannot prune idempotency keys"),
            }
        }
        .in_current_span(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_keys(values: &[&[u8]]) -> Request {
        let mut request = Request::new(Body::empty());
        for value in values {
            request.headers_mut().append(
                IDEMPOTENCY_KEY,
                HeaderValue::from_bytes(value).expect("a header value"),
            );
        }
        request
    }

    #[test]
    fn keys_are_one_to_255_visible_ascii_characters_sent_once() {
        assert_eq!(key_of(&with_keys(&[])).unwrap(), None);
        assert_eq!(
            key_of(&with_keys(&[b"a-UUID_or:anything~"])).unwrap(),
            Some("a-UUID_or:anything~".to_string())
        );
        let longest = "k".repeat(MAX_KEY_LEN);
        let too_long = "k".repeat(MAX_KEY_LEN + 1);
        assert!(key_of(&with_keys(&[longest.as_bytes()])).unwrap().is_some());
        let too_long = with_keys(&[too_long.as_bytes()]);
        for request in [
            too_long,
            with_keys(&[b""]),
            with_keys(&[b"a b"]),
            with_keys(&[b"a\tb"]),
            with_keys(&["clé".as_bytes()]),
            with_keys(&[b"one", b"two"]),
        ] {
            assert!(
                matches!(key_of(&request), Err(Refusal::Invalid { .. })),
                "{:?}",
                request.headers()
            );
        }
    }

    #[tokio::test]
    async fn a_replay_repeats_the_status_headers_and_body() {
        let response = replay(StoredResponse {
            status: 201,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("etag".into(), "\"4\"".into()),
                ("location".into(), "/v1/things/1".into()),
            ],
            body: br#"{"id":"1"}"#.to_vec(),
        });
        assert_eq!(response.status(), StatusCode::CREATED);
        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        assert_eq!(headers[header::ETAG], "\"4\"");
        assert_eq!(headers[header::LOCATION], "/v1/things/1");
        assert_eq!(headers[IDEMPOTENT_REPLAYED], "true");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(&body[..], br#"{"id":"1"}"#);
    }
}
