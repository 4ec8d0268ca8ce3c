//! A joint project's own page for those involved (`/joint-projects/{id}/manage`): its state,
//! partners and history; for the lead's managers the partners the matching read model suggests,
//! with the reasons for each, to invite; for an invited initiative's managers, accepting or
//! declining; for other members, expressing interest while the call for partners is open.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use domain::initiative::InitiativeStatus;
use domain::joint_project::{InvitationState, ProjectStatus};
use domain::values::{InitiativeId, JointProjectId};

use super::super::account::see_other;
use super::super::i18n::Tr;
use super::super::page::{render, Chrome, Problem, Reader, Section};
use super::super::session::Fields;
use super::super::Web;
use super::suggestions::{self, Suggestion};
use super::{chrome, metadata, settled, sign_in_first, version};
use crate::app::dashboard;
use crate::app::joint_projects::{self, ProjectAction, SeenProject};
use crate::app::{ReadAt, Refusal};
use crate::http::context::RequestContext;

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/joint-projects/{id}/manage", get(manage_page))
        .route("/joint-projects/{id}/submission", post(submit))
        .route("/joint-projects/{id}/invitations", post(invite))
        .route(
            "/joint-projects/{id}/invitations/{initiative}/acceptance",
            post(accept),
        )
        .route(
            "/joint-projects/{id}/invitations/{initiative}/decline",
            post(decline),
        )
        .route("/joint-projects/{id}/call-for-partners", post(call))
        .route("/joint-projects/{id}/interests", post(express_interest))
}

/// A partner as the page lists it.
struct PartnerRow {
    name: String,
    invitation: String,
    /// `invited`, `accepted`, `declined`: the badge's style.
    code: &'static str,
    /// The reader manages this initiative and its invitation waits for an answer.
    answerable: Option<String>,
}

struct Step {
    what: String,
    at: String,
}

#[derive(Template)]
#[template(path = "collab/project.html")]
struct ProjectPage {
    t: Tr,
    chrome: Chrome,
    notice: String,
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
    can_submit: bool,
    can_invite: bool,
    suggestions: Vec<Suggestion>,
    /// Initiatives the reader manages that may answer the open call: `(id, name)`.
    may_express_interest: Vec<(String, String)>,
    history: Vec<Step>,
}

/// Notices a redirect after an action asks for (`?done=`).
pub(super) const DONE: [&str; 7] = [
    "proposed",
    "submitted",
    "invited",
    "accepted",
    "declined",
    "interest",
    "call",
];

async fn manage_page(
    State(web): State<Web>,
    reader: Reader,
    Path(raw_id): Path<String>,
) -> Result<Response, Problem> {
    let path = format!("/joint-projects/{raw_id}/manage");
    let Ok(actor) = reader.actor() else {
        return Ok(sign_in_first(&reader, &path));
    };
    let refused = |r| reader.refused(r);
    let t = &reader.t;
    let id = joint_projects::parse_id(&raw_id).map_err(refused)?;
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
        partners.push(PartnerRow {
            name: joint_projects::initiative_name(&web.app, *initiative)
                .await
                .map_err(refused)?,
            invitation: t.get(&format!("collab-invitation-{}", invitation.as_str())),
            code: invitation.as_str(),
            answerable,
        });
    }
    let can_invite = seen.manages_lead && status.is_ongoing();
    let suggestions = if can_invite {
        let found = joint_projects::candidates(&web.app, &reader.caller, id, 10, &ReadAt::LIVE)
            .await
            .map_err(refused)?;
        found.iter().map(|m| suggestions::of(t, m)).collect()
    } else {
        Vec::new()
    };
    let may_express_interest = interest_choices(&web, actor, &seen)
        .await
        .map_err(refused)?;
    let history = joint_projects::history(&web.app, &seen)
        .await
        .map_err(refused)?
        .into_iter()
        .map(|step| Step {
            what: t
                .try_get(&format!("collab-history-{}", step.event_type))
                .unwrap_or(step.event_type),
            at: t.date(step.at),
        })
        .collect();
    let notice = reader
        .param("done")
        .filter(|d| DONE.contains(d))
        .map(|d| t.get(&format!("collab-project-done-{d}")))
        .unwrap_or_default();
    let page = ProjectPage {
        t: t.clone(),
        chrome: chrome(&reader, &web.site, details.title.to_string(), &path),
        notice,
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
        manages_lead: seen.manages_lead,
        can_submit: seen.manages_lead && status == ProjectStatus::Proposed,
        can_invite,
        suggestions,
        may_express_interest,
        history,
    };
    Ok(render(StatusCode::OK, &page))
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

/// Runs `action` on project `raw_id` from a form of its page, then shows the page again with
/// the notice `done`.
async fn act(
    web: &Web,
    reader: &Reader,
    context: &RequestContext,
    fields: &Fields,
    raw_id: &str,
    action: impl FnOnce(JointProjectId) -> Result<ProjectAction, Refusal>,
    done: &str,
) -> Result<Response, Problem> {
    let refused = |r| reader.refused(r);
    let actor = reader.actor().map_err(refused)?;
    let id = joint_projects::parse_id(raw_id).map_err(refused)?;
    let action = action(id).map_err(refused)?;
    let metadata = metadata(context, actor, action.name());
    let committed = joint_projects::act(&web.app, actor, id, action, metadata, version(fields))
        .await
        .map_err(refused)?;
    settled(web, &committed).await;
    Ok(see_other(
        reader,
        &format!("/joint-projects/{id}/manage?done={done}"),
    ))
}

fn initiative(raw: &str) -> Result<InitiativeId, Refusal> {
    raw.trim()
        .parse::<InitiativeId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("initiative")]))
}

async fn submit(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(id): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    let action = |_| Ok(ProjectAction::Submit);
    act(&web, &reader, &context, &fields, &id, action, "submitted").await
}

async fn invite(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(id): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    let action = |_| {
        Ok(ProjectAction::Invite(initiative(
            &fields.text("initiative"),
        )?))
    };
    act(&web, &reader, &context, &fields, &id, action, "invited").await
}

async fn accept(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path((id, invited)): Path<(String, String)>,
    fields: Fields,
) -> Result<Response, Problem> {
    let action = |_| Ok(ProjectAction::Accept(initiative(&invited)?));
    act(&web, &reader, &context, &fields, &id, action, "accepted").await
}

async fn decline(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path((id, invited)): Path<(String, String)>,
    fields: Fields,
) -> Result<Response, Problem> {
    let action = |_| Ok(ProjectAction::Decline(initiative(&invited)?, None));
    act(&web, &reader, &context, &fields, &id, action, "declined").await
}

async fn call(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(id): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    let open = fields.text("open") == "true";
    let action = |_| {
        Ok(if open {
            ProjectAction::OpenCall
        } else {
            ProjectAction::CloseCall
        })
    };
    act(&web, &reader, &context, &fields, &id, action, "call").await
}

async fn express_interest(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(id): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    let action = |_| {
        Ok(ProjectAction::ExpressInterest(initiative(
            &fields.text("initiative"),
        )?))
    };
    act(&web, &reader, &context, &fields, &id, action, "interest").await
}
