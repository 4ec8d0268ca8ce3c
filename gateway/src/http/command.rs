//! Running a command from a request, and the versions that guard it: every read by id answers
//! with an `ETag` holding the stream's version, and a write may send it back in `If-Match` so
//! that it only applies to what the client has seen (412 otherwise).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::Extension;
use cqrs_es::Aggregate;
use domain::actor::Actor;
use std::sync::Arc;
use store::{CommandBus, Committed, EventMetadata, Stages};

use super::context::RequestContext;
use super::reading::WrittenAt;
use super::{ApiJson, Refusal, Written};
use crate::access::caller::Recalled;
use crate::access::{Caller, SignedIn};
use crate::app::{command_error, load_error, DomainRefusal};

/// The versions a client accepts, from `If-Match` (RFC 9110 §13.1.1): absent or `*` accepts
/// any version of an existing record; otherwise a list of entity tags, compared strongly: a
/// version matches only a strong tag `"<version>"`, so a weak tag (`W/"3"`) never matches, nor
/// does a strong tag that is not one of our versions. Several headers make one list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum IfMatch {
    #[default]
    Any,
    /// The versions named by strong tags; empty when the list names none (it matches nothing).
    Versions(Vec<usize>),
}

const IF_MATCH_HELP: &str = "If-Match must be `*` or a comma-separated list of ETags of earlier \
    reads, each in double quotes, such as \"3\" or \"3\", \"4\"";

impl IfMatch {
    /// Reads the `If-Match` headers; a malformed one is a 400.
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a HeaderValue>) -> Result<Self, Refusal> {
        let mut present = false;
        let mut any = false;
        let mut versions = Vec::new();
        for value in values {
            present = true;
            let text = value
                .to_str()
                .map_err(|_| Refusal::invalid_input(IF_MATCH_HELP))?;
            for member in split_list(text)? {
                match member {
                    Member::Any => any = true,
                    Member::Weak => {}
                    Member::Strong(tag) => versions.extend(version_of(tag)),
                }
            }
        }
        if !present || any {
            // `*` alongside tags is not a valid field; treating it as `*` alone would be lenient,
            // so refuse it.
            if any && !versions.is_empty() {
                return Err(Refusal::invalid_input(IF_MATCH_HELP));
            }
            return Ok(Self::Any);
        }
        Ok(Self::Versions(versions))
    }

    /// Whether a record at `version` satisfies the condition.
    pub fn admits(&self, version: usize) -> bool {
        match self {
            Self::Any => true,
            Self::Versions(versions) => versions.contains(&version),
        }
    }

    /// The version a write must find, knowing the record is at `current` now: `None` for any;
    /// `current` if the list names it; otherwise one it names (the write will find it has
    /// changed), or a refusal when it names no version at all.
    pub fn expected(&self, current: usize) -> Result<Option<usize>, Refusal> {
        match self {
            Self::Any => Ok(None),
            Self::Versions(versions) if versions.contains(&current) => Ok(Some(current)),
            Self::Versions(versions) => match versions.first() {
                Some(first) => Ok(Some(*first)),
                None => Err(Refusal::Changed(
                    "If-Match names no version this record had: only strong ETags such as \"3\" \
                     match (a weak W/\"3\" never does); read it again and send its ETag"
                        .into(),
                )),
            },
        }
    }
}

enum Member<'a> {
    Any,
    Weak,
    Strong(&'a str),
}

/// Splits an `If-Match` field value into its members: `*` or entity tags (`"…"` or `W/"…"`,
/// whose opaque part holds no `"`), separated by commas and optional whitespace.
fn split_list(text: &str) -> Result<Vec<Member<'_>>, Refusal> {
    let malformed = || Refusal::invalid_input(IF_MATCH_HELP);
    let mut members = Vec::new();
    let mut rest = text.trim_matches([' ', '\t']);
    if rest.is_empty() {
        return Err(malformed());
    }
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        let (member, after) = if let Some(after) = rest.strip_prefix('*') {
            (Member::Any, after)
        } else {
            let (weak, quoted) = match rest.strip_prefix("W/") {
                Some(quoted) => (true, quoted),
                None => (false, rest),
            };
            let body = quoted.strip_prefix('"').ok_or_else(malformed)?;
            let end = body.find('"').ok_or_else(malformed)?;
            let tag = &body[..end];
            // etagc: %x21 / %x23-7E / obs-text; no spaces or controls.
            if !tag
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80)
            {
                return Err(malformed());
            }
            let member = if weak {
                Member::Weak
            } else {
                Member::Strong(tag)
            };
            (member, &body[end + 1..])
        };
        members.push(member);
        let after = after.trim_start_matches([' ', '\t']);
        if after.is_empty() {
            return Ok(members);
        }
        rest = after.strip_prefix(',').ok_or_else(malformed)?;
        // Empty list elements (`"1", , "2"`) are allowed by RFC 9110's list syntax.
        while let Some(next) = rest.trim_start_matches([' ', '\t']).strip_prefix(',') {
            rest = next;
        }
        if rest.trim_matches([' ', '\t']).is_empty() {
            return Ok(members);
        }
    }
}

/// The version a strong tag names, if it is one of ours (a decimal number without sign or
/// leading zeros, as `etag` writes them).
fn version_of(tag: &str) -> Option<usize> {
    let canonical = tag == "0" || !tag.starts_with('0');
    if canonical && !tag.is_empty() && tag.bytes().all(|b| b.is_ascii_digit()) {
        tag.parse().ok()
    } else {
        None
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Refusal> {
        Self::parse(parts.headers.get_all(header::IF_MATCH))
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

    /// A write under a recalled session runs as the account recalled, unread: its appends carry
    /// the session's guard (in the context's metadata), and the first of them checks it.
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        let recalled = match parts.extensions.get::<Caller>() {
            None => parts.extensions.get::<Recalled>().map(|r| r.actor.clone()),
            Some(_) => None,
        };
        let actor = match recalled {
            Some(actor) => actor,
            None => SignedIn::from_request_parts(parts, state).await?.0,
        };
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
    if_match: &IfMatch,
) -> Result<Committed<A>, Refusal>
where
    A: Aggregate + Clone,
    A::Command: Clone,
    A::Error: DomainRefusal,
{
    let expected = expected_version(bus, id, if_match).await?;
    bus.execute_expecting(id, command, metadata, expected)
        .await
        .map_err(command_error)
}

/// The version to hand the command bus for `if_match`: one strong tag is the version itself;
/// for a list, the stream's current version is read first to pick the tag that names it (the
/// bus checks it again when it appends, so a write landing in between still answers 412).
pub async fn expected_version<A>(
    bus: &CommandBus<A>,
    id: &str,
    if_match: &IfMatch,
) -> Result<Option<usize>, Refusal>
where
    A: Aggregate + Clone,
    A::Command: Clone,
{
    match if_match {
        IfMatch::Any => Ok(None),
        IfMatch::Versions(versions) if versions.len() == 1 => Ok(Some(versions[0])),
        IfMatch::Versions(_) => {
            let current = load(bus, id).await?.map_or(0, |(_, version)| version);
            if_match.expected(current)
        }
    }
}

/// Loads stream `id` as stored, with its version; `None` if it has no events.
pub async fn load<A>(bus: &CommandBus<A>, id: &str) -> Result<Option<(Arc<A>, usize)>, Refusal>
where
    A: Aggregate + Clone,
    A::Command: Clone,
{
    let loaded = bus.load_fresh(id).await.map_err(load_error)?;
    Ok((loaded.version > 0).then_some((loaded.aggregate, loaded.version)))
}

/// What every command route answers: its status, the `ETag` of the stream's version after it
/// and the `Written` body.
/// `WrittenAt` makes the answer wait until this instance's read models show the write;
/// `Stages` are the command's step timings, which `/metrics` reports.
pub type WriteAnswer = (
    StatusCode,
    [(HeaderName, HeaderValue); 1],
    Option<Extension<WrittenAt>>,
    Extension<Stages>,
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
        Extension(committed.stages),
        ApiJson(written),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(values: &[&str]) -> Result<IfMatch, Refusal> {
        let values: Vec<HeaderValue> = values
            .iter()
            .map(|v| HeaderValue::from_str(v).unwrap())
            .collect();
        IfMatch::parse(values.iter())
    }

    fn versions(value: &str) -> Vec<usize> {
        match parsed(&[value]) {
            Ok(IfMatch::Versions(v)) => v,
            other => panic!("{value}: {other:?}"),
        }
    }

    #[test]
    fn strong_tags_lists_and_star_follow_rfc_9110() {
        assert_eq!(parsed(&[]).unwrap(), IfMatch::Any);
        assert_eq!(parsed(&["*"]).unwrap(), IfMatch::Any);
        assert_eq!(versions("\"16\""), vec![16]);
        assert_eq!(versions("\"999\", \"16\""), vec![999, 16]);
        assert_eq!(versions("\"1\",\"2\" ,\t\"3\""), vec![1, 2, 3]);
        assert!(parsed(&["\"4\"", "\"5\""]).unwrap().admits(5));
        // Weak tags never match, and a strong tag that is not one of our versions matches
        // nothing either: both are well-formed.
        assert_eq!(versions("W/\"16\""), Vec::<usize>::new());
        assert_eq!(versions("W/\"16\", \"17\""), vec![17]);
        assert_eq!(versions("\"abc\", \"016\", \"\""), Vec::<usize>::new());
        let list = parsed(&["\"999\", \"16\""]).unwrap();
        assert!(list.admits(16) && !list.admits(17));
        assert_eq!(list.expected(16).unwrap(), Some(16));
        assert_eq!(list.expected(17).unwrap(), Some(999));
        assert!(matches!(
            parsed(&["W/\"16\""]).unwrap().expected(16),
            Err(Refusal::Changed(_))
        ));
    }

    #[test]
    fn malformed_if_match_is_refused() {
        for bad in [
            "16",
            "\"16",
            "16\"",
            "",
            " ",
            "\"1\" \"2\"",
            "W/16",
            "w/\"1\"",
            "\"a b\"",
            "*, \"1\"",
            "\"1\";",
        ] {
            assert!(
                matches!(parsed(&[bad]), Err(Refusal::Invalid { .. })),
                "{bad:?} should be refused"
            );
        }
    }
}
