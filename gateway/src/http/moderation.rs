//! The moderation queue (`GET /v1/moderation/queue`): everything waiting for a moderator, of
//! every kind, oldest first, with how long each has waited — from the `moderation_queue` read
//! model.
//!
//! It is a work list about now: it answers live (after `min_position`, if given) and refuses
//! `as_of` and `at_position` with 400 (an age measured from today of an item as it stood then
//! would mislead; auditors read past states through the audit log and the other read models).

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::{RawQuery, State};
use chrono::{DateTime, Utc};
use domain::values::AccountId;
use projections::{QueueItem, QueueKind, QueueSubject};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

use super::reading::{parse_limit, ReadAt, READ_AT_PARAMETERS};
use super::{ApiJson, ErrorBody, Refusal};
use crate::access::{Access, ApiRoutes};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(Access::MODERATORS, routes!(moderation_queue))
}

/// Items per answer unless `limit` says otherwise, and the most it may say.
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1_000;

/// Everything waiting for a moderator, oldest first: submitted initiatives, profile changes under
/// review, joint projects under review, submitted publications, news and gatherings, requests to
/// manage an initiative and to join a moderated community. Moderators only.
#[utoipa::path(get, path = "/v1/moderation/queue", tag = "moderation",
    security(("bearer" = [])),
    params(
        ("kind" = Option<Vec<String>>, Query, explode = true, description = "Only items of these kinds (repeat for several): initiative, profile_change, joint_project, publication, news, gathering, management_request, join_request"),
        ("limit" = Option<usize>, Query, description = "At most this many items, 1 to 1000 (default 100); `total` says how many match"),
        ("min_position" = Option<i64>, Query, description = "Wait until the queue has reached this position (503 with Retry-After if it does not in time)")),
    responses(
        (status = 200, description = "The queue, oldest first", body = QueueView),
        (status = 400, description = "An unknown kind or parameter, a bad limit, or as_of / at_position", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a moderator", body = ErrorBody),
        (status = 503, description = "The queue has not reached min_position in time", body = ErrorBody)))]
async fn moderation_queue(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<ApiJson<QueueView>, Refusal> {
    let query = query.unwrap_or_default();
    let wanted = QueueQuery::parse(&query)?;
    // Parsed here rather than taken as an extractor, so that a historical read is refused as the
    // bad request it is here, for every caller alike.
    let read_at = ReadAt::parse_live(&query, "the moderation queue is about what waits now")?;
    let page = read_at
        .read(&state, &state.read.moderation, |queue| {
            queue.pending(&wanted.kinds, wanted.limit)
        })
        .await?;
    let now = Utc::now();
    Ok(ApiJson(QueueView {
        total: page.total,
        counts: page
            .counts
            .into_iter()
            .map(|(kind, count)| (kind.as_str(), count))
            .collect(),
        items: page
            .items
            .iter()
            .map(|item| QueueItemView::new(item, now))
            .collect(),
    }))
}

/// What was asked for.
#[derive(Debug, PartialEq, Eq)]
struct QueueQuery {
    /// Empty: every kind.
    kinds: BTreeSet<QueueKind>,
    limit: usize,
}

impl QueueQuery {
    fn parse(query: &str) -> Result<Self, Refusal> {
        let mut kinds = BTreeSet::new();
        let mut limit = None;
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "kind" => {
                    let kind = value.parse::<QueueKind>().map_err(|e| {
                        let known: Vec<&str> = QueueKind::ALL.iter().map(|k| k.as_str()).collect();
                        Refusal::invalid_input(format!(
                            "kind: {e}; use one of {}",
                            known.join(", ")
                        ))
                    })?;
                    kinds.insert(kind);
                }
                "limit" => limit = Some(parse_limit(&value, MAX_LIMIT)?),
                key if READ_AT_PARAMETERS.contains(&key) => {}
                other => {
                    return Err(Refusal::invalid_input(format!(
                        "unknown query parameter `{other}`: the queue takes kind, limit and \
                         min_position"
                    )))
                }
            }
        }
        Ok(Self {
            kinds,
            limit: limit.unwrap_or(DEFAULT_LIMIT),
        })
    }
}

/// The queue, or the part of it asked for.
#[derive(Serialize, ToSchema)]
struct QueueView {
    /// How many items match the kinds asked for (`items` holds at most `limit` of them).
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
    /// The initiative's or community's name, the project's or publication's title.
    title: String,
    /// Who submitted it, proposed the change, or asked.
    #[schema(value_type = String, format = Uuid)]
    submitted_by: AccountId,
    /// When it started waiting.
    submitted_at: DateTime<Utc>,
    /// How long it has waited, in seconds, at the time of this answer.
    age_seconds: i64,
}

impl QueueItemView {
    fn new(item: &QueueItem, now: DateTime<Utc>) -> Self {
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
            title: item.title.clone(),
            submitted_by: item.submitted_by,
            submitted_at: item.submitted_at,
            age_seconds: item.age_seconds(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(query: &str) -> String {
        match QueueQuery::parse(query) {
            Err(Refusal::Invalid { message, .. }) => message,
            other => panic!("expected a 400 for `{query}`, got {other:?}"),
        }
    }

    #[test]
    fn kinds_repeat_and_limit_defaults() {
        let parsed = QueueQuery::parse("kind=news&kind=gathering&min_position=3").unwrap();
        assert_eq!(
            parsed,
            QueueQuery {
                kinds: BTreeSet::from([QueueKind::News, QueueKind::Gathering]),
                limit: DEFAULT_LIMIT,
            }
        );
        assert_eq!(QueueQuery::parse("limit=1000").unwrap().limit, 1000);
        assert!(QueueQuery::parse("").unwrap().kinds.is_empty());
    }

    #[test]
    fn bad_values_are_named() {
        assert!(message("kind=initiatives").contains("`initiatives`"));
        assert!(message("kind=").contains("join_request"));
        assert!(message("limit=0").contains("limit"));
        assert!(message("limit=1001").contains("1001"));
        assert!(message("limit=ten").contains("`ten`"));
        assert!(message("sort=age").contains("`sort`"));
    }
}
