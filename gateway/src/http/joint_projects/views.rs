//! Reading one joint project. Approved, active and completed projects are public; the others
//! (proposed, under review, rejected, withdrawn) are shown only to the managers of the lead and
//! of the invited initiatives and to moderators, and are "not found" for anyone else, so that
//! their existence is not revealed.

use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue};
use chrono::{DateTime, Utc};
use domain::joint_project::JointProject;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::super::command::etag;
use super::super::{ApiJson, ErrorBody, Refusal};
use crate::access::Caller;
use crate::app::joint_projects;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub(super) struct JointProjectView {
    id: Uuid,
    /// `proposed`, `under_review`, `approved`, `rejected`, `active`, `completed` or
    /// `withdrawn`.
    #[schema(example = "approved")]
    status: String,
    lead_initiative_id: Uuid,
    title: String,
    description: String,
    /// Sector codes, the main one first.
    #[schema(example = json!(["lithium", "electromobility"]))]
    sectors: Vec<String>,
    objectives: Vec<String>,
    /// Invited initiatives (never the lead) and where each invitation stands.
    partners: Vec<PartnerView>,
    /// Whether other initiatives may express interest.
    call_for_partners_open: bool,
    /// Initiatives that answered the call and have not been invited yet.
    interested_initiative_ids: Vec<Uuid>,
    /// The moderator's reason, while the project stands rejected.
    rejection_reason: Option<String>,
    proposed_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct PartnerView {
    initiative_id: Uuid,
    /// `invited`, `accepted` or `declined`.
    #[schema(example = "accepted")]
    invitation: String,
}

impl JointProjectView {
    fn of(project: &JointProject) -> Option<Self> {
        let details = project.details()?;
        Some(Self {
            id: details.id.into_uuid(),
            status: project.status().as_str().to_string(),
            lead_initiative_id: details.lead.into_uuid(),
            title: details.title.to_string(),
            description: details.description.to_string(),
            sectors: details
                .sectors
                .iter()
                .map(|s| s.code().to_string())
                .collect(),
            objectives: details.objectives.iter().map(|o| o.to_string()).collect(),
            partners: project
                .partners()
                .iter()
                .map(|(initiative, invitation)| PartnerView {
                    initiative_id: initiative.into_uuid(),
                    invitation: invitation.as_str().to_string(),
                })
                .collect(),
            call_for_partners_open: project.is_call_open(),
            interested_initiative_ids: project
                .interested()
                .iter()
                .map(|initiative| initiative.into_uuid())
                .collect(),
            rejection_reason: project.rejection_reason().map(|r| r.to_string()),
            proposed_at: details.proposed_at,
        })
    }
}

/// One joint project, with its version in `ETag` (send it back in `If-Match` to act on what you
/// read).
#[utoipa::path(get, path = "/v1/joint-projects/{id}", tag = "joint-projects",
    params(("id" = String, Path, format = Uuid, description = "Joint project id")),
    responses(
        (status = 200, description = "The project", body = JointProjectView,
            headers(("ETag" = String, description = "The project's version"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "The bearer token is not valid", body = ErrorBody),
        (status = 404, description = "No such project, or one the caller may not see",
            body = ErrorBody)))]
pub(super) async fn joint_project(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<([(HeaderName, HeaderValue); 1], ApiJson<JointProjectView>), Refusal> {
    let id = joint_projects::parse_id(&id)?;
    let seen = joint_projects::read(&state, &caller, id).await?;
    let view = JointProjectView::of(&seen.loaded.project).ok_or_else(joint_projects::not_found)?;
    Ok((etag(seen.loaded.version), ApiJson(view)))
}
