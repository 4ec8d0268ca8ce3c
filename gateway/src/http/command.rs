//! Running a command from a request, and the versions that guard it: every read by id answers
//! with an `ETag` holding the stream's version, and a write may send it back in `If-Match` so
//! that it only applies to what the client has seen (412 otherwise).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::Extension;
use cqrs_es::Aggregate;
use domain::actor::Actor;
use store::{CommandBus, Committed, EventMetadata};

use super::context::RequestContext;
use super::reading::WrittenAt;
use super::{ApiJson, Refusal, Written};
use crate::access::{Caller, SignedIn};
use crate::app::{command_error, DomainRefusal};

/// The stream version a client last read, from `If-Match: "<version>"`; `None` when the header
/// is absent or `*`.
#[derive(Debug, Clone, Copy, Default)]
pub struct IfMatch(pub Option<usize>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Refusal> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(Self(None));
        };
        let text = value.to_str().unwrap_or_default().trim();
        if text == "*" {
            return Ok(Self(None));
        }
        let version = text
            .trim_start_matches("W/")
            .trim_matches('"')
            .parse::<usize>()
            .map_err(|_| {
                Refusal::invalid_input(
                    "If-Match must be the ETag of an earlier read, such as \"3\"",
                )
            })?;
        Ok(Self(Some(version)))
    }
}

/// Who acts, for the audit trail, and the version they saw: what every command route needs.
/// Extracting it from a visitor's request answers 401 before anything else is looked at.
#[derive(Debug, Clone)]
pub struct Acting {
    pub actor: Actor,
    pub context: RequestContext,
    pub if_match: IfMatch,
}

impl Acting {
    /// The metadata of `command` run by this actor in this request, answered with
    /// [`answer`] (200, with the stream's version).
    pub fn metadata(&self, command: &str) -> EventMetadata {
        let mut metadata = self
            .context
            .metadata(&Caller::Account(self.actor.clone()), command);
        if let Some(keyed) = &mut metadata.idempotency {
            keyed.answer.with_version = true;
        }
        metadata
    }

    /// The metadata of `command`, which creates `created` and is answered with [`answer`] (201,
    /// its id and the stream's version): what a keyed request's append records of its answer.
    pub fn metadata_creating(&self, command: &str, created: &str) -> EventMetadata {
        let mut metadata = self.metadata(command);
        if let Some(keyed) = &mut metadata.idempotency {
            keyed.answer.status = StatusCode::CREATED.as_u16();
            keyed.answer.created = Some(created.to_string());
        }
        metadata
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Acting {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        let SignedIn(actor) = SignedIn::from_request_parts(parts, state).await?;
        let context = match RequestContext::from_request_parts(parts, state).await {
            Ok(context) => context,
            Err(never) => match never {},
        };
        let if_match = IfMatch::from_request_parts(parts, state).await?;
        Ok(Self {
            actor,
            context,
            if_match,
        })
    }
}

/// The `ETag` header for a stream at `version`.
pub fn etag(version: usize) -> [(HeaderName, HeaderValue); 1] {
    let value = HeaderValue::from_str(&format!("\"{version}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    [(header::ETAG, value)]
}

/// Runs `command` on stream `id`, honouring `If-Match`, and maps every refusal to the API's
/// error model.
pub async fn execute<A>(
    bus: &CommandBus<A>,
    id: &str,
    command: A::Command,
    metadata: EventMetadata,
    if_match: IfMatch,
) -> Result<Committed<A>, Refusal>
where
    A: Aggregate + Clone,
    A::Command: Clone,
    A::Error: DomainRefusal,
{
    bus.execute_expecting(id, command, metadata, if_match.0)
        .await
        .map_err(command_error)
}

/// Loads stream `id` as stored, with its version; `None` if it has no events.
pub async fn load<A>(bus: &CommandBus<A>, id: &str) -> Result<Option<(A, usize)>, Refusal>
where
    A: Aggregate + Clone,
    A::Command: Clone,
{
    let loaded = bus
        .store()
        .load_fresh(id)
        .await
        .map_err(|e| Refusal::internal(e.to_string()))?;
    Ok((loaded.version > 0).then_some((loaded.aggregate, loaded.version)))
}

/// What every command route answers: its status, the `ETag` of the stream's version after it
/// and the `Written` body.
/// `WrittenAt` makes the answer wait until this instance's read models show the write.
pub type WriteAnswer = (
    StatusCode,
    [(HeaderName, HeaderValue); 1],
    Option<Extension<WrittenAt>>,
    ApiJson<Written>,
);

/// The answer to a command: 201 when it created `created` (a stream, or an item inside one),
/// 200 otherwise. A command that changed nothing (a resent form) answers the current version and
/// a null position.
pub fn answer<A: Aggregate>(committed: &Committed<A>, created: Option<String>) -> WriteAnswer {
    let status = if created.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let written = Written {
        id: created,
        position: committed.last_position(),
        version: Some(committed.version),
    };
    let written_at = committed.last.map(|at| Extension(WrittenAt(at)));
    (
        status,
        etag(committed.version),
        written_at,
        ApiJson(written),
    )
}
