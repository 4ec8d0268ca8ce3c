//! The moderation queue (`GET /v1/moderation/queue`): everything waiting for a moderator, of
//! every kind, oldest first, with how long each has waited and who is reviewing it — from the
//! `moderation_queue` read model and the claims (`app::moderation`, shared with the console's
//! `/moderation`). A moderator claims an item (`POST /v1/moderation/claims/{kind}/{id}`) so that
//! others see they are on it, and releases it (`DELETE` the same); a claim lapses after 30
//! minutes, and deciding the item ends it.
//!
//! It is a work list about now: it answers live (after `min_position`, if given) and refuses
//! `as_of` and `at_position` with 400 (an age measured from today of an item as it stood then
//! would mislead; auditors read past states through the audit log and the other read models).

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::{Path, RawQuery, State};
use chrono::{DateTime, Utc};
use domain::values::{AccountId, CountryCode};
use projections::{QueueKind, QueueSubject};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::reading::{parse_limit, ReadAt, READ_AT_PARAMETERS};
use super::{ApiJson, ErrorBody, Refusal};
use crate::access::{Access, ApiRoutes, SignedIn};
use crate::app::moderation::{self, ClaimOutcome, Entry, ItemRef, QueueQuery};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Access::MODERATORS, routes!(moderation_queue))
        .route(Access::MODERATORS, routes!(claim, release))
}

/// Items per answer unless `limit` says otherwise, and the most it may say.
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1_000;

/// Everything waiting for a moderator, oldest first: submitted initiatives, profile changes under
/// review, joint projects under review, submitted publications, news and gatherings, requests to
/// manage an initiative and to join a moderated community; each with its live claim. Moderators
/// only.
#[utoipa::path(get, path = "/v1/moderation/queue", tag = "moderation",
    security(("bearer" = [])),
    params(
        ("kind" = Option<Vec<String>>, Query, explode = true, description = "Only items of these kinds (repeat for several): initiative, profile_change, joint_project, publication, news, gathering, management_request, join_request"),
        ("country" = Option<String>, Query, description = "Only items of this country (ISO 3166-1 alpha-2): an initiative's, or a joint project's lead's; publications and join requests have none and are left out"),
        ("limit" = Option<usize>, Query, description = "At most this many items, 1 to 1000 (default 100); `total` says how many match"),
        ("min_position" = Option<i64>, Query, description = "Wait until the queue has reached this position (503 with Retry-After if it does not in time)")),
    responses(
        (status = 200, description = "The queue, oldest first", body = QueueView),
        (status = 400, description = "An unknown kind, country or parameter, a bad limit, or as_of / at_position", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator", body = ErrorBody),
        (status = 503, description = "The queue has not reached min_position in time", body = ErrorBody)))]
async fn moderation_queue(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    RawQuery(query): RawQuery,
) -> Result<ApiJson<QueueView>, Refusal> {
    let query = query.unwrap_or_default();
    let wanted = parse_query(&query)?;
    // Parsed here rather than taken as an extractor, so that a historical read is refused as the
    // bad request it is here, for every caller alike.
    let read_at = ReadAt::parse_live(&query, "the moderation queue is about what waits now")?;
    let queue = moderation::queue(&state, &actor, &wanted, &read_at).await?;
    Ok(ApiJson(QueueView {
        total: queue.total,
        counts: queue
            .counts
            .into_iter()
            .map(|(kind, count)| (kind.as_str(), count))
            .collect(),
        items: queue
            .entries
            .iter()
            .map(|entry| QueueItemView::new(entry, queue.now))
            .collect(),
    }))
}

/// Claims an item: the other moderators see who reviews it. Claiming one's own claim again
/// renews it; a claim lapses after 30 minutes. Of two moderators claiming at once (on any
/// instance), one wins and the other gets 409 with the winner's claim.
#[utoipa::path(post, path = "/v1/moderation/claims/{kind}/{id}", tag = "moderation",
    security(("bearer" = [])),
    params(("kind" = String, Path, description = "The item's kind, as in the queue"),
        ("id" = String, Path, format = Uuid, description = "The item's id, as in the queue")),
    responses(
        (status = 200, description = "Claimed (or renewed) by the caller", body = ClaimView),
        (status = 400, description = "An unknown kind or a malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator", body = ErrorBody),
        (status = 404, description = "Nothing of this kind waits on this id", body = ErrorBody),
        (status = 409, description = "Another moderator holds it; `current` is their claim", body = ErrorBody)))]
async fn claim(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    Path((kind, id)): Path<(String, String)>,
) -> Result<ApiJson<ClaimView>, Refusal> {
    let item = ItemRef::parse(&kind, &id)?;
    match moderation::claim(&state, &actor, &item).await? {
        ClaimOutcome::Mine(claim) => Ok(ApiJson(ClaimView::of(&claim))),
        ClaimOutcome::Theirs(claim) => Err(Refusal::Conflict {
            message: "another moderator is reviewing this item; see `current`".into(),
            current: serde_json::to_value(ClaimView::of(&claim)).ok(),
        }),
    }
}

/// Releases the caller's claim on an item (others' claims are left alone).
#[utoipa::path(delete, path = "/v1/moderation/claims/{kind}/{id}", tag = "moderation",
    security(("bearer" = [])),
    params(("kind" = String, Path, description = "The item's kind, as in the queue"),
        ("id" = String, Path, format = Uuid, description = "The item's id, as in the queue")),
    responses(
        (status = 200, description = "`released` says whether the caller held a claim", body = ReleaseView),
        (status = 400, description = "An unknown kind or a malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator", body = ErrorBody)))]
async fn release(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    Path((kind, id)): Path<(String, String)>,
) -> Result<ApiJson<ReleaseView>, Refusal> {
    let item = ItemRef::parse(&kind, &id)?;
    let released = moderation::release(&state, &actor, &item).await?;
    Ok(ApiJson(ReleaseView { released }))
}

/// Reads the queue's own parameters (the read-at ones are read apart).
fn parse_query(query: &str) -> Result<QueueQuery, Refusal> {
    let mut kinds = BTreeSet::new();
    let mut country = None;
    let mut limit = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "kind" => {
                let kind = value.parse::<QueueKind>().map_err(|e| {
                    let known: Vec<&str> = QueueKind::ALL.iter().map(|k| k.as_str()).collect();
                    Refusal::invalid_input(format!("kind: {e}; use one of {}", known.join(", ")))
                })?;
                kinds.insert(kind);
            }
            "country" if value.is_empty() => {}
            "country" => {
                let code = value
                    .parse::<CountryCode>()
                    .map_err(|e| Refusal::invalid(vec![e.in_field("country")]))?;
                country = Some(code);
            }
            "limit" => limit = Some(parse_limit(&value, MAX_LIMIT)?),
            key if READ_AT_PARAMETERS.contains(&key) => {}
            other => {
                return Err(Refusal::invalid_input(format!(
                    "unknown query parameter `{other}`: the queue takes kind, country, limit and \
                     min_position"
                )))
            }
        }
    }
    Ok(QueueQuery {
        kinds,
        country,
        limit: limit.unwrap_or(DEFAULT_LIMIT),
    })
}

/// The queue, or the part of it asked for.
#[derive(Serialize, ToSchema)]
struct QueueView {
    /// How many items match the kinds (and country) asked for (`items` holds at most `limit`).
    total: usize,
    /// How many items of each kind wait, whatever was asked for; kinds with none are absent.
    #[schema(value_type = BTreeMap<String, usize>)]
    counts: BTreeMap<&'static str, usize>,
    /// Oldest first.
    items: Vec<QueueItemView>,
}

/// One thing waiting for a moderator.
#[derive(Serialize, ToSchema)]
struct QueueItemView {
    /// initiative, profile_change, joint_project, publication, news, gathering,
    /// management_request or join_request.
    kind: &'static str,
    /// The id of what it is about: the initiative (also for a profile change or a management
    /// request), the community (for a join request), the joint project or the publication.
    #[schema(format = Uuid)]
    id: String,
    /// Where to read it (for a join request: the community's members and requests).
    href: String,
    /// Where to claim it (POST) or release it (DELETE).
    claim_href: String,
    /// The initiative's or community's name, the project's or publication's title.
    title: String,
    /// The initiative's country (a joint project's lead's); absent for publications and
    /// communities.
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<String>,
    /// Who submitted it, proposed the change, or asked.
    #[schema(value_type = String, format = Uuid)]
    submitted_by: AccountId,
    /// When it started waiting.
    submitted_at: DateTime<Utc>,
    /// How long it has waited, in seconds, at the time of this answer.
    age_seconds: i64,
    /// The moderator reviewing it, if one claimed it and the claim has not lapsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    claim: Option<ClaimView>,
}

/// A moderator's claim on an item.
#[derive(Serialize, ToSchema)]
struct ClaimView {
    #[schema(value_type = String, format = Uuid)]
    claimed_by: AccountId,
    claimed_at: DateTime<Utc>,
    /// When it lapses unless renewed.
    expires_at: DateTime<Utc>,
}

impl ClaimView {
    fn of(claim: &store::Claim) -> Self {
        Self {
            claimed_by: claim.account,
            claimed_at: claim.claimed_at,
            expires_at: claim.expires_at,
        }
    }
}

/// What releasing did.
#[derive(Serialize, ToSchema)]
struct ReleaseView {
    /// Whether the caller held a claim on the item.
    released: bool,
}

impl QueueItemView {
    fn new(entry: &Entry, now: DateTime<Utc>) -> Self {
        let item = &entry.item;
        let href = match (item.kind, item.subject) {
            (QueueKind::JoinRequest, QueueSubject::Community(id)) => {
                format!("/v1/communities/{id}/members")
            }
            (_, QueueSubject::Initiative(id)) => format!("/v1/initiatives/{id}"),
            (_, QueueSubject::Community(id)) => format!("/v1/communities/{id}"),
            (_, QueueSubject::JointProject(id)) => format!("/v1/joint-projects/{id}"),
            (_, QueueSubject::Publication(id)) => format!("/v1/publications/{id}"),
        };
        Self {
            kind: item.kind.as_str(),
            id: item.subject.to_string(),
            href,
            claim_href: format!("/v1/moderation/claims/{}/{}", item.kind, item.subject),
            title: item.title.clone(),
            country: item.country.map(|c| c.as_str().to_owned()),
            submitted_by: item.submitted_by,
            submitted_at: item.submitted_at,
            age_seconds: item.age_seconds(now),
            claim: entry.claim.as_ref().map(ClaimView::of),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(query: &str) -> String {
        match parse_query(query) {
            Err(Refusal::Invalid { message, .. }) => message,
            other => panic!("expected a 400 for `{query}`, got {other:?}"),
        }
    }

    #[test]
    fn kinds_repeat_and_limit_defaults() {
        let parsed = parse_query("kind=news&kind=gathering&min_position=3").unwrap();
        assert_eq!(
            parsed,
            QueueQuery {
                kinds: BTreeSet::from([QueueKind::News, QueueKind::Gathering]),
                country: None,
                limit: DEFAULT_LIMIT,
            }
        );
        assert_eq!(parse_query("limit=1000").unwrap().limit, 1000);
        assert!(parse_query("").unwrap().kinds.is_empty());
    }

    #[test]
    fn bad_values_are_named() {
        assert!(message("kind=initiatives").contains("`initiatives`"));
        assert!(message("kind=").contains("join_request"));
        assert!(message("limit=0").contains("limit"));
        assert!(message("limit=1001").contains("1001"));
        assert!(message("limit=ten").contains("`ten`"));
        assert!(message("sort=age").contains("`sort`"));
        assert!(message("country=XX").contains("country"));
    }
}
