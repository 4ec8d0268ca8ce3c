//! The forms of a joint project's page (`/joint-projects/{id}/manage`), each one step of
//! `app::joint_projects::act` (the same use case as the API's), posted with the version the
//! page was read at: submitting, inviting, answering an invitation (declining with an optional
//! reason), the call for partners, expressing interest, starting, completing and withdrawing
//! (with an optional reason). A reason that is too long comes back beside its field.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use domain::values::{InitiativeId, JointProjectId};

use super::super::account::see_other;
use super::super::form::Errors;
use super::super::page::{render, Problem, Reader};
use super::super::session::Fields;
use super::super::Web;
use super::projects::{self, decline_field, WITHDRAW_FIELD};
use super::{metadata, settled, version};
use crate::app::joint_projects::{self, optional_reason, ProjectAction};
use crate::app::Refusal;
use crate::http::context::RequestContext;

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/joint-projects/{id}/manage", get(projects::manage_page))
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
        .route("/joint-projects/{id}/activation", post(activate))
        .route("/joint-projects/{id}/completion", post(complete))
        .route("/joint-projects/{id}/withdrawal", post(withdraw))
}

/// Runs `action` on project `raw_id` from a form of its page, then shows the page again with
/// the notice `done`. An invalid field (a reason too long) comes back beside `field`.
async fn act(
    web: &Web,
    reader: &Reader,
    context: &RequestContext,
    (fields, field): (&Fields, &str),
    raw_id: &str,
    action: impl FnOnce(JointProjectId) -> Result<ProjectAction, Refusal>,
    done: &str,
) -> Result<Response, Problem> {
    let refused = |r| reader.refused(r);
    let actor = reader.actor().map_err(refused)?;
    let id = joint_projects::parse_id(raw_id).map_err(refused)?;
    let result = match action(id) {
        Ok(action) => {
            let metadata = metadata(context, actor, action.name());
            joint_projects::act(&web.app, actor, id, action, metadata, version(fields)).await
        }
        Err(refusal) => Err(refusal),
    };
    match result {
        Ok(committed) => {
            settled(web, &committed).await;
            Ok(see_other(
                reader,
                &format!("/joint-projects/{id}/manage?done={done}"),
            ))
        }
        Err(Refusal::Invalid { .. }) if !field.is_empty() => {
            let errors = Errors::reason(&reader.t, field);
            let page = projects::page(web, reader, raw_id, fields, errors).await?;
            Ok(render(StatusCode::BAD_REQUEST, &page))
        }
        Err(refusal) => Err(refused(refusal)),
    }
}

/// A form with no field of its own to report on.
const NO_FIELD: &str = "";

fn initiative(raw: &str) -> Result<InitiativeId, Refusal> {
    raw.trim()
        .parse::<InitiativeId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("initiative")]))
}

/// The optional reason typed in `field` (left empty: none).
fn reason_in(fields: &Fields, field: &str) -> Result<Option<domain::values::Reason>, Refusal> {
    optional_reason(fields.optional(field))
}

/// A handler for a step that needs nothing but the page's version.
macro_rules! plain_step {
    ($name:ident, $action:expr, $done:literal) => {
        async fn $name(
            State(web): State<Web>,
            reader: Reader,
            context: RequestContext,
            Path(id): Path<String>,
            fields: Fields,
        ) -> Result<Response, Problem> {
            let action = |_| Ok($action);
            let form = (&fields, NO_FIELD);
            act(&web, &reader, &context, form, &id, action, $done).await
        }
    };
}

plain_step!(submit, ProjectAction::Submit, "submitted");
plain_step!(activate, ProjectAction::Activate, "activated");
plain_step!(complete, ProjectAction::Complete, "completed");

async fn withdraw(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(id): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    let action = |_| Ok(ProjectAction::Withdraw(reason_in(&fields, WITHDRAW_FIELD)?));
    let form = (&fields, WITHDRAW_FIELD);
    act(&web, &reader, &context, form, &id, action, "withdrawn").await
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
    let form = (&fields, NO_FIELD);
    act(&web, &reader, &context, form, &id, action, "invited").await
}

async fn accept(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path((id, invited)): Path<(String, String)>,
    fields: Fields,
) -> Result<Response, Problem> {
    let action = |_| Ok(ProjectAction::Accept(initiative(&invited)?));
    let form = (&fields, NO_FIELD);
    act(&web, &reader, &context, form, &id, action, "accepted").await
}

/// Declines the invitation of `invited`, with the reason typed beside it (the dashboard's
/// button sends none).
async fn decline(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path((id, invited)): Path<(String, String)>,
    fields: Fields,
) -> Result<Response, Problem> {
    let field = decline_field(&invited);
    let action = |_| {
        let reason = reason_in(&fields, &field)?;
        Ok(ProjectAction::Decline(initiative(&invited)?, reason))
    };
    let form = (&fields, field.as_str());
    act(&web, &reader, &context, form, &id, action, "declined").await
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
    let form = (&fields, NO_FIELD);
    act(&web, &reader, &context, form, &id, action, "call").await
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
    let form = (&fields, NO_FIELD);
    act(&web, &reader, &context, form, &id, action, "interest").await
}
