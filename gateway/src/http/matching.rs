//! Project matching (`GET /v1/joint-projects/{id}/matches`, `GET /v1/initiatives/{id}/matches`):
//! the candidate partner initiatives of a joint project and the open projects an initiative
//! could join, each with its score and the reasons for it, from the `matching` read model. How
//! the score is made is in docs/matching.md.
//!
//! Matching is about who could work together now: it answers live (after `min_position`, if
//! given) and refuses `as_of` and `at_position` with 400.

use axum::extract::{Path, RawQuery, State};
use domain::values::{InitiativeId, JointProjectId, Sector};
use projections::{fraction, InitiativeSummary, Match, ProjectMatch, Reason};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;
use uuid::Uuid;

use super::reading::{parse_limit, ReadAt, READ_AT_PARAMETERS};
use super::{ApiJson, ErrorBody, Refusal};
use crate::access::{Access, ApiRoutes, Caller};
use crate::app::joint_projects;
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    // Visibility follows the project (or initiative) itself, decided by the handler: the route
    // is open to everyone.
    ApiRoutes::new()
        .route(Access::Public, routes!(joint_project_matches))
        .route(Access::Public, routes!(initiative_matches))
}

/// Results per answer unless `limit` says otherwise, and the most it may say.
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 50;

/// The candidate partners of a joint project, best first (ties by initiative id): approved
/// initiatives other than the lead that were never invited to it, each with its score (0 to 1)
/// and the factors behind it. Shown to whoever may see the project: everyone once it is
/// approved; before that, and after a withdrawal, moderators and the managers of the lead and
/// of the invited initiatives. A project that is over has no candidates.
#[utoipa::path(get, path = "/v1/joint-projects/{id}/matches", tag = "matching",
    params(
        ("id" = String, Path, format = Uuid, description = "Joint project id"),
        ("limit" = Option<usize>, Query, description = "At most this many results, 1 to 50 (default 10)"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read model has reached this position (503 with Retry-After if it does not in time)")),
    responses(
        (status = 200, description = "The best candidates, best first", body = ProjectMatchesView),
        (status = 400, description = "The id is not a UUID; a bad limit, an unknown parameter, or as_of / at_position", body = ErrorBody),
        (status = 401, description = "The bearer token is not valid", body = ErrorBody),
        (status = 404, description = "No such project, or one the caller may not see", body = ErrorBody),
        (status = 503, description = "The read model has not reached min_position in time", body = ErrorBody)))]
async fn joint_project_matches(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<ApiJson<ProjectMatchesView>, Refusal> {
    let id: JointProjectId = id
        .parse()
        .map_err(|e: domain::values::ValueError| Refusal::invalid(vec![e.in_field("id")]))?;
    let (limit, read_at) = parse_query(query.as_deref().unwrap_or_default())?;
    let matches = joint_projects::candidates(&state, &caller, id, limit, &read_at).await?;
    Ok(ApiJson(ProjectMatchesView {
        project_id: id.into_uuid(),
        matches: matches.iter().map(InitiativeMatchView::of).collect(),
    }))
}

/// The open joint projects an initiative could join, best first (ties by project id): approved
/// or active projects with an open call for partners that it does not lead, was not invited to
/// and has not answered yet, each with its score (0 to 1) and the factors behind it — the same
/// score the project gives this initiative among its candidates. Public while the initiative is
/// approved; otherwise (it can join nothing) its managers and moderators get an empty list.
#[utoipa::path(get, path = "/v1/initiatives/{id}/matches", tag = "matching",
    params(
        ("id" = String, Path, format = Uuid, description = "Initiative id"),
        ("limit" = Option<usize>, Query, description = "At most this many results, 1 to 50 (default 10)"),
        ("min_position" = Option<i64>, Query, description = "Wait until the read model has reached this position (503 with Retry-After if it does not in time)")),
    responses(
        (status = 200, description = "The best open projects, best first", body = InitiativeMatchesView),
        (status = 400, description = "The id is not a UUID; a bad limit, an unknown parameter, or as_of / at_position", body = ErrorBody),
        (status = 401, description = "The bearer token is not valid", body = ErrorBody),
        (status = 404, description = "No such initiative, or one the caller may not see", body = ErrorBody),
        (status = 503, description = "The read model has not reached min_position in time", body = ErrorBody)))]
async fn initiative_matches(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<ApiJson<InitiativeMatchesView>, Refusal> {
    let id: InitiativeId = id
        .parse()
        .map_err(|e: domain::values::ValueError| Refusal::invalid(vec![e.in_field("id")]))?;
    let (limit, read_at) = parse_query(query.as_deref().unwrap_or_default())?;
    let matches = joint_projects::openings(&state, &caller, id, limit, &read_at).await?;
    Ok(ApiJson(InitiativeMatchesView {
        initiative_id: id.into_uuid(),
        matches: matches.iter().map(ProjectMatchView::of).collect(),
    }))
}

/// `limit` and the read point. Every other parameter is refused by name, and so is a read of
/// the past: matching answers only from the live model.
fn parse_query(query: &str) -> Result<(usize, ReadAt), Refusal> {
    let mut limit = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "limit" if limit.is_some() => {
                return Err(Refusal::invalid_input("send limit once"));
            }
            "limit" => limit = Some(parse_limit(&value, MAX_LIMIT)?),
            key if READ_AT_PARAMETERS.contains(&key) => {}
            other => {
                return Err(Refusal::invalid_input(format!(
                    "unknown query parameter `{other}`: matches take limit and min_position"
                )));
            }
        }
    }
    // Parsed here rather than taken as an extractor, so that a historical read is refused as
    // the bad request it is here, for every caller alike.
    let read_at = ReadAt::parse_live(query, "matching is about who could work together now")?;
    Ok((limit.unwrap_or(DEFAULT_LIMIT), read_at))
}

/// The candidate partners of one project.
#[derive(Serialize, ToSchema)]
struct ProjectMatchesView {
    project_id: Uuid,
    matches: Vec<InitiativeMatchView>,
}

/// The open projects one initiative could join.
#[derive(Serialize, ToSchema)]
struct InitiativeMatchesView {
    initiative_id: Uuid,
    matches: Vec<ProjectMatchView>,
}

#[derive(Serialize, ToSchema)]
struct InitiativeMatchView {
    initiative: InitiativeView,
    /// The sum of the reasons' points: 0 to 1.
    #[schema(example = 0.5)]
    score: f64,
    reasons: Vec<ReasonView>,
}

impl InitiativeMatchView {
    fn of(found: &Match) -> Self {
        Self {
            initiative: InitiativeView::of(&found.initiative),
            score: fraction(found.score),
            reasons: found.reasons.iter().map(ReasonView::of).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
struct ProjectMatchView {
    project: ProjectView,
    /// The sum of the reasons' points: 0 to 1.
    #[schema(example = 0.5)]
    score: f64,
    reasons: Vec<ReasonView>,
}

impl ProjectMatchView {
    fn of(found: &ProjectMatch) -> Self {
        let project = &found.project;
        Self {
            project: ProjectView {
                id: project.id.into_uuid(),
                title: project.title.clone(),
                status: project.status.as_str(),
                lead: InitiativeView::of(&project.lead),
                sectors: codes(&project.sectors),
            },
            score: fraction(found.score),
            reasons: found.reasons.iter().map(ReasonView::of).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
struct InitiativeView {
    id: Uuid,
    name: String,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "AR")]
    country: &'static str,
    /// Sector codes, the main one first.
    #[schema(example = json!(["electromobility", "advanced_manufacturing"]))]
    sectors: Vec<&'static str>,
}

impl InitiativeView {
    fn of(initiative: &InitiativeSummary) -> Self {
        Self {
            id: initiative.id.into_uuid(),
            name: initiative.name.clone(),
            country: initiative.country.as_str(),
            sectors: codes(&initiative.sectors),
        }
    }
}

#[derive(Serialize, ToSchema)]
struct ProjectView {
    id: Uuid,
    title: String,
    /// `approved` or `active`.
    #[schema(example = "approved")]
    status: &'static str,
    /// The lead initiative.
    lead: InitiativeView,
    /// Sector codes, the main one first.
    #[schema(example = json!(["lithium", "electromobility"]))]
    sectors: Vec<&'static str>,
}

/// One factor that gave points.
#[derive(Serialize, ToSchema)]
struct ReasonView {
    /// `shared_sectors`, `complementary_sectors`, `complementary_value_chain`, `cross_border`,
    /// `shared_communities`, `maturity` or `earlier_collaboration`.
    #[schema(example = "shared_sectors")]
    kind: &'static str,
    /// The most this factor can give (the weights add up to 1).
    #[schema(example = 0.25)]
    weight: f64,
    /// What it gave here, at most its weight.
    #[schema(example = 0.125)]
    points: f64,
    /// What was found, e.g. the shared sectors.
    #[schema(example = "electromobility")]
    detail: String,
}

impl ReasonView {
    fn of(reason: &Reason) -> Self {
        Self {
            kind: reason.kind.code(),
            weight: fraction(reason.weight),
            points: fraction(reason.points),
            detail: reason.detail.clone(),
        }
    }
}

fn codes(sectors: &[Sector]) -> Vec<&'static str> {
    sectors.iter().map(|s| s.code()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(query: &str) -> Result<usize, u16> {
        parse_query(query)
            .map(|(limit, _)| limit)
            .map_err(|e| crate::http::error::status_of(&e).0.as_u16())
    }

    #[test]
    fn limit_defaults_to_ten_and_takes_one_to_fifty() {
        assert_eq!(status(""), Ok(10));
        assert_eq!(status("limit=1"), Ok(1));
        assert_eq!(status("limit=50&min_position=3"), Ok(50));
        for bad in [
            "limit=0",
            "limit=51",
            "limit=-1",
            "limit=ten",
            "limit=",
            "limit=2&limit=3",
        ] {
            assert_eq!(status(bad), Err(400), "{bad}");
        }
    }

    #[test]
    fn unknown_parameters_and_reads_of_the_past_are_refused() {
        for bad in [
            "country=CL",
            "as_of=2024-06-30T00:00:00Z",
            "at_position=1",
            "min_position=x",
        ] {
            assert_eq!(status(bad), Err(400), "{bad}");
        }
        let message = parse_query("sort=score").unwrap_err().to_string();
        assert!(message.contains("`sort`"), "{message}");
    }
}
