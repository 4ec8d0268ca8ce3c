//! A joint project's own page for those involved (`/joint-projects/{id}/manage`): its state,
//! partners and history (who took each step, by name); for the lead's managers the partners
//! the matching read model suggests, with the reasons for each, to invite, and the project's
//! lifecycle as its state allows (revising it, submitting, the call for partners, starting,
//! completing, withdrawing with an optional reason); for an invited initiative's managers,
//! accepting or declining (with an optional reason); for other members, expressing interest
//! while the call for partners is open. The forms post to `project_actions`.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use domain::initiative::InitiativeStatus;
use domain::joint_project::{InvitationState, ProjectStatus};

use super::super::form::{Errors, Input};
use super::super::i18n::Tr;
use super::super::page::{render, Chrome, Problem, Reader, Section};
use super::super::people::Names;
use super::super::session::Fields;
use super::super::Web;
use super::suggestions::{self, Suggestion};
use super::{chrome, sign_in_first};
use crate::app::dashboard;
use crate::app::joint_projects::{self, SeenProject};
use crate::app::{ReadAt, Refusal};

/// A partner as the page lists it.
struct PartnerRow {
    name: String,
    invitation: String,
    /// `invited`, `accepted`, `declined`: the badge's style.
    code: &'static str,
    /// The reader manages this initiative and its invitation waits for an answer.
    answerable: Option<String>,
    /// The optional reason typed for declining, and its error.
    reason_value: String,
    reason_error: String,
}

struct Step {
    what: String,
    by: String,
    at: String,
}

/// What the lead's managers may do now, as the project's state allows.
struct Lifecycle {
    revise: bool,
    submit: bool,
    activate: bool,
    complete: bool,
    withdraw: bool,
}

#[derive(Template)]
#[template(path = "collab/project.html")]
pub(super) struct ProjectPage {
    t: Tr,
    chrome: Chrome,
    notice: String,
    errors: Errors,
    id: String,
    version: usize,
    title: String,
    description: String,
    status: String,
    status_code: &'static str,
    lead: String,
    sectors: Vec<String>,
    objectives: Vec<String>,
    rejection_reason: String,
    call_open: bool,
    partners: Vec<PartnerRow>,
    manages_lead: bool,
    lifecycle: Lifecycle,
    can_invite: bool,
    /// The optional reason for withdrawing, with what was typed and its error.
    withdraw: Input,
    suggestions: Vec<Suggestion>,
    /// Initiatives the reader manages that may answer the open call: `(id, name)`.
    may_express_interest: Vec<(String, String)>,
    history: Vec<Step>,
}

/// Notices a redirect after an action asks for (`?done=`).
pub(super) const DONE: [&str; 11] = [
    "proposed",
    "revised",
    "submitted",
    "invited",
    "accepted",
    "declined",
    "interest",
    "call",
    "activated",
    "completed",
    "withdrawn",
];

/// The form field of the reason for declining `initiative`'s invitation.
pub(super) fn decline_field(initiative: &str) -> String {
    format!("decline-reason-{initiative}")
}

/// The form field of the reason for withdrawing the project.
pub(super) const WITHDRAW_FIELD: &str = "withdraw_reason";

pub(super) async fn manage_page(
    axum::extract::State(web): axum::extract::State<Web>,
    reader: Reader,
    axum::extract::Path(raw_id): axum::extract::Path<String>,
) -> Result<Response, Problem> {
    if reader.actor().is_err() {
        let path = format!("/joint-projects/{raw_id}/manage");
        return Ok(sign_in_first(&reader, &path));
    }
    let page = page(
        &web,
        &reader,
        &raw_id,
        &Fields::default(),
        Errors::default(),
    )
    .await?;
    Ok(render(StatusCode::OK, &page))
}

/// The page of project `raw_id`, with what was typed in its forms and their errors.
pub(super) async fn page(
    web: &Web,
    reader: &Reader,
    raw_id: &str,
    typed: &Fields,
    errors: Errors,
) -> Result<ProjectPage, Problem> {
    let refused = |r| reader.refused(r);
    let t = &reader.t;
    let actor = reader.actor().map_err(refused)?;
    let path = format!("/joint-projects/{raw_id}/manage");
    let id = joint_projects::parse_id(raw_id).map_err(refused)?;
    let seen = joint_projects::read(&web.app, &reader.caller, id)
        .await
        .map_err(refused)?;
    let project = &seen.loaded.project;
    let details = project
        .details()
        .ok_or_else(|| refused(joint_projects::not_found()))?;
    let status = project.status();
    let mut partners = Vec::new();
    for (initiative, invitation) in project.partners() {
        let answerable = (*invitation == InvitationState::Invited
            && seen.manages_partners.contains(initiative))
        .then(|| initiative.to_string());
        let field = decline_field(&initiative.to_string());
        partners.push(PartnerRow {
            name: joint_projects::initiative_name(&web.app, *initiative)
                .await
                .map_err(refused)?,
            invitation: t.get(&format!("collab-invitation-{}", invitation.as_str())),
            code: invitation.as_str(),
            answerable,
            reason_value: typed.text(&field),
            reason_error: errors.of_field(&field),
        });
    }
    let lead = seen.manages_lead;
    let can_invite = lead && status.is_ongoing();
    let suggestions = if can_invite {
        let found = joint_projects::candidates(&web.app, &reader.caller, id, 10, &ReadAt::LIVE)
            .await
            .map_err(refused)?;
        found.iter().map(|m| suggestions::of(t, m)).collect()
    } else {
        Vec::new()
    };
    let may_express_interest = interest_choices(web, actor, &seen).await.map_err(refused)?;
    let steps = joint_projects::history(&web.app, &seen)
        .await
        .map_err(refused)?;
    let names = Names::of(web, reader, steps.iter().filter_map(|s| s.by)).await?;
    let history = steps
        .into_iter()
        .map(|step| Step {
            what: t
                .try_get(&format!("collab-history-{}", step.event_type))
                .unwrap_or(step.event_type),
            by: step.by.map(|a| names.of_account(a)).unwrap_or_default(),
            at: t.date(step.at),
        })
        .collect();
    let notice = reader
        .param("done")
        .filter(|d| DONE.contains(d))
        .map(|d| t.get(&format!("collab-project-done-{d}")))
        .unwrap_or_default();
    Ok(ProjectPage {
        t: t.clone(),
        chrome: chrome(reader, &web.site, details.title.to_string(), &path),
        notice,
        withdraw: {
            let mut input = Input::new(
                WITHDRAW_FIELD,
                t.get("collab-project-withdraw-reason"),
                "text",
            )
            .value(typed.text(WITHDRAW_FIELD))
            .hint(t.get("collab-reason-optional"));
            input.error = errors.of_field(WITHDRAW_FIELD);
            input
        },
        errors,
        id: id.to_string(),
        version: seen.loaded.version,
        title: details.title.to_string(),
        description: details.description.to_string(),
        status: t.get(&format!("collab-project-state-{}", status.as_str())),
        status_code: status.as_str(),
        lead: joint_projects::initiative_name(&web.app, details.lead)
            .await
            .map_err(refused)?,
        sectors: details
            .sectors
            .iter()
            .map(|s| t.label("sector", s.code()))
            .collect(),
        objectives: details.objectives.iter().map(|o| o.to_string()).collect(),
        rejection_reason: project
            .rejection_reason()
            .map(|r| r.to_string())
            .unwrap_or_default(),
        call_open: project.is_call_open(),
        partners,
        manages_lead: lead,
        lifecycle: Lifecycle {
            revise: lead && matches!(status, ProjectStatus::Proposed | ProjectStatus::Rejected),
            submit: lead && status == ProjectStatus::Proposed,
            activate: lead && status == ProjectStatus::Approved,
            complete: lead && status == ProjectStatus::Active,
            withdraw: lead && status.is_ongoing(),
        },
        can_invite,
        suggestions,
        may_express_interest,
        history,
    })
}

/// The approved initiatives `actor` manages that may answer the project's open call: not its
/// lead, not invited, not interested already.
async fn interest_choices(
    web: &Web,
    actor: &domain::actor::Actor,
    seen: &SeenProject,
) -> Result<Vec<(String, String)>, Refusal> {
    let project = &seen.loaded.project;
    if !project.is_call_open() || seen.manages_lead {
        return Ok(Vec::new());
    }
    Ok(dashboard::managed(&web.app, actor)
        .await?
        .into_iter()
        .filter(|i| i.status == InitiativeStatus::Approved)
        .filter(|i| i.id != seen.loaded.lead)
        .filter(|i| !project.partners().contains_key(&i.id))
        .filter(|i| !project.interested().contains(&i.id))
        .map(|i| (i.id.to_string(), i.name))
        .collect())
}
