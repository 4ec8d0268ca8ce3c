//! Proposing a joint project in the browser (`/joint-projects/new`): led by an approved
//! initiative the member manages, with its title, description, sectors (labelled in the
//! reader's language) and objectives (one a line). The form goes through the same parsing and
//! the same use case as `POST /v1/joint-projects` (`app::joint_projects`); a refused form comes
//! back with what was typed and each error beside its field.
//!
//! Revising one (`/joint-projects/{id}/revision`, for the lead's managers while it is proposed
//! or rejected) is the same form without the lead, filled with the stored content and posted
//! with the version it was read at (`ProjectAction::Revise`, the API's `PUT` with `If-Match`):
//! a change made meanwhile is refused, never overwritten.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use domain::initiative::InitiativeStatus;
use domain::joint_project::MAX_OBJECTIVES;
use domain::values::{JointProjectId, Sector, ValueError};

use super::super::account::see_other;
use super::super::form::{Errors, Input};
use super::super::i18n::Tr;
use super::super::page::{render, Chrome, Problem, Reader, Section};
use super::super::register::Checks;
use super::super::session::Fields;
use super::super::Web;
use super::{chrome, metadata, settled, sign_in_first, version};
use crate::app::dashboard;
use crate::app::joint_projects::{self, ProjectAction, ProjectFields};
use crate::app::Refusal;
use crate::http::context::RequestContext;

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/joint-projects/new", get(new_page).post(propose))
        .route(
            "/joint-projects/{id}/revision",
            get(revision_page).post(revise),
        )
}

/// Where each field the use case names is shown on the proposal form.
const PLACES: [(&str, &str); 5] = [
    ("lead_initiative_id", "jp_lead"),
    ("title", "jp_title"),
    ("description", "jp_description"),
    ("sectors", "jp_sectors"),
    ("objectives", "jp_objectives"),
];

#[derive(Template)]
#[template(path = "collab/project_new.html")]
struct NewProjectPage {
    t: Tr,
    chrome: Chrome,
    errors: Errors,
    inputs: Vec<Input>,
    sectors: Checks,
    objectives: Input,
    /// No approved initiative to lead a project with.
    no_lead: bool,
    /// Revising project `id` read at `version` (else proposing a new one).
    revising: Option<(String, usize)>,
}

/// Proposing a new project, or revising project `id` read at `version`.
#[derive(Clone)]
enum Mode {
    New,
    Revise { id: String, version: usize },
}

async fn new_form(
    reader: &Reader,
    web: &Web,
    typed: &Fields,
    errors: Errors,
    mode: Mode,
) -> Result<NewProjectPage, Problem> {
    let t = &reader.t;
    let actor = reader.actor().map_err(|r| reader.refused(r))?;
    let mut inputs = Vec::new();
    let mut no_lead = false;
    if let Mode::New = mode {
        let leads: Vec<(String, String)> = dashboard::managed(&web.app, actor)
            .await
            .map_err(|r| reader.refused(r))?
            .into_iter()
            .filter(|i| i.status == InitiativeStatus::Approved)
            .map(|i| (i.id.to_string(), i.name))
            .collect();
        no_lead = leads.is_empty();
        let mut options = vec![(String::new(), t.get("register-choose"))];
        options.extend(leads);
        inputs.push(
            Input::new("jp_lead", t.get("collab-project-lead"), "select")
                .options(options)
                .value(typed.text("jp_lead"))
                .hint(t.get("collab-project-lead-hint"))
                .required(),
        );
    }
    inputs.extend([
        Input::new("jp_title", t.get("collab-project-title"), "text")
            .value(typed.text("jp_title"))
            .required(),
        Input::new(
            "jp_description",
            t.get("collab-project-description"),
            "textarea",
        )
        .value(typed.text("jp_description")),
    ]);
    let mut objectives = [Input::new(
        "jp_objectives",
        t.get("collab-project-objectives"),
        "textarea",
    )
    .value(typed.raw("jp_objectives"))
    .hint(t.get("collab-project-objectives-hint"))
    .required()];
    errors.place(&mut inputs);
    errors.place(&mut objectives);
    let chosen = typed.all("jp_sectors");
    let (broad, driving): (Vec<Sector>, Vec<Sector>) =
        Sector::ALL.iter().partition(|s| !s.is_driving_sector());
    let group = |list: &[Sector]| {
        list.iter()
            .map(|s| {
                let code = s.code().to_owned();
                let on = chosen.contains(&code);
                (code, t.label("sector", s.code()), on)
            })
            .collect()
    };
    let [objectives] = objectives;
    let (title, path, revising) = match mode {
        Mode::New => (
            t.get("collab-project-new-title"),
            "/joint-projects/new".to_owned(),
            None,
        ),
        Mode::Revise { id, version } => (
            t.get("collab-project-revise-title"),
            format!("/joint-projects/{id}/revision"),
            Some((id, version)),
        ),
    };
    Ok(NewProjectPage {
        t: t.clone(),
        chrome: chrome(reader, &web.site, title, &path),
        revising,
        sectors: Checks {
            name: "jp_sectors",
            legend: t.get("collab-project-sectors"),
            hint: t.get("collab-project-sectors-hint"),
            error: errors
                .fields
                .iter()
                .find(|(n, _)| n == "jp_sectors")
                .map(|(_, e)| e.clone())
                .unwrap_or_default(),
            groups: vec![
                (t.get("sectors-broad"), group(&broad)),
                (t.get("sectors-driving"), group(&driving)),
            ],
        },
        errors,
        inputs,
        objectives,
        no_lead,
    })
}

async fn new_page(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    if reader.actor().is_err() {
        return Ok(sign_in_first(&reader, "/joint-projects/new"));
    }
    let page = new_form(
        &reader,
        &web,
        &Fields::default(),
        Errors::default(),
        Mode::New,
    )
    .await?;
    Ok(render(StatusCode::OK, &page))
}

/// The project's fields as the form posts them.
fn typed_project(fields: &Fields) -> ProjectFields {
    ProjectFields {
        title: fields.text("jp_title"),
        description: fields.text("jp_description"),
        sectors: fields.all("jp_sectors"),
        // One objective a line; blank lines are not objectives.
        objectives: fields
            .raw("jp_objectives")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}

/// The aggregate judges the number of objectives (a broken rule for the API); the form names
/// it beside the field, with the other mistakes.
fn count_objectives<T>(count: usize, parsed: Result<T, Refusal>) -> Result<T, Refusal> {
    if (1..=MAX_OBJECTIVES).contains(&count) {
        return parsed;
    }
    let error = ValueError::new("objectives", "one to ten objectives");
    match parsed {
        Err(Refusal::Invalid { mut fields, .. }) => {
            fields.push(error);
            Err(Refusal::invalid(fields))
        }
        _ => Err(Refusal::invalid(vec![error])),
    }
}

/// The revision form of project `raw_id`, filled with its stored content (lead's managers
/// only, while it may be revised: the use case says so otherwise).
async fn revision_page(
    State(web): State<Web>,
    reader: Reader,
    Path(raw_id): Path<String>,
) -> Result<Response, Problem> {
    if reader.actor().is_err() {
        let path = format!("/joint-projects/{raw_id}/revision");
        return Ok(sign_in_first(&reader, &path));
    }
    let page = stored_form(&web, &reader, &raw_id, Errors::default()).await?;
    Ok(render(StatusCode::OK, &page))
}

/// The revision form of project `raw_id` filled with its content as stored now, at its
/// version now, with `errors`.
async fn stored_form(
    web: &Web,
    reader: &Reader,
    raw_id: &str,
    errors: Errors,
) -> Result<NewProjectPage, Problem> {
    let refused = |r| reader.refused(r);
    let id = joint_projects::parse_id(raw_id).map_err(refused)?;
    let seen = joint_projects::read(&web.app, &reader.caller, id)
        .await
        .map_err(refused)?;
    let details = seen
        .loaded
        .project
        .details()
        .ok_or_else(|| refused(joint_projects::not_found()))?;
    let mut pairs = vec![
        ("jp_title".to_owned(), details.title.to_string()),
        ("jp_description".to_owned(), details.description.to_string()),
    ];
    pairs.extend(
        details
            .sectors
            .iter()
            .map(|s| ("jp_sectors".to_owned(), s.code().to_owned())),
    );
    let objectives: Vec<String> = details.objectives.iter().map(|o| o.to_string()).collect();
    pairs.push(("jp_objectives".to_owned(), objectives.join("\n")));
    let mode = Mode::Revise {
        id: id.to_string(),
        version: seen.loaded.version,
    };
    new_form(reader, web, &Fields::of(pairs), errors, mode).await
}

/// Revises project `raw_id` from the version the form was read at.
async fn revise(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    Path(raw_id): Path<String>,
    fields: Fields,
) -> Result<Response, Problem> {
    let refused = |r| reader.refused(r);
    let actor = reader.actor().map_err(refused)?.clone();
    let id = joint_projects::parse_id(&raw_id).map_err(refused)?;
    let project = typed_project(&fields);
    let count = project.objectives.len();
    let result = match count_objectives(count, project.parse()) {
        Ok(content) => {
            let action = ProjectAction::Revise(content);
            let metadata = metadata(&context, &actor, action.name());
            joint_projects::act(&web.app, &actor, id, action, metadata, version(&fields)).await
        }
        Err(refusal) => Err(refusal),
    };
    match result {
        Ok(committed) => {
            settled(&web, &committed).await;
            Ok(see_other(
                &reader,
                &format!("/joint-projects/{id}/manage?done=revised"),
            ))
        }
        Err(refusal @ Refusal::Invalid { .. }) => {
            let errors = Errors::of_invalid(&reader.t, &refusal, &PLACES).unwrap_or_default();
            let mode = Mode::Revise {
                id: id.to_string(),
                version: version(&fields).unwrap_or_default(),
            };
            let page = new_form(&reader, &web, &fields, errors, mode).await?;
            Ok(render(StatusCode::BAD_REQUEST, &page))
        }
        // Changed since the form was read: the form again, as the project stands now.
        Err(Refusal::Changed(_)) => {
            let errors = Errors::whole(reader.t.get("collab-project-changed"));
            let page = stored_form(&web, &reader, &raw_id, errors).await?;
            Ok(render(StatusCode::PRECONDITION_FAILED, &page))
        }
        Err(refusal) => Err(refused(refusal)),
    }
}

async fn propose(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    fields: Fields,
) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?.clone();
    let t = &reader.t;
    let project = typed_project(&fields);
    let objectives = project.objectives.len();
    let parsed = count_objectives(
        objectives,
        project.parse_proposal(&fields.text("jp_lead"), "lead_initiative_id"),
    );
    let id = JointProjectId::new();
    let result = match parsed {
        Ok((lead, content)) => {
            let metadata = metadata(&context, &actor, joint_projects::PROPOSE);
            joint_projects::propose(&web.app, &actor, id, lead, content, metadata, Some(0)).await
        }
        Err(refusal) => Err(refusal),
    };
    match result {
        Ok(committed) => {
            settled(&web, &committed).await;
            Ok(see_other(
                &reader,
                &format!("/joint-projects/{id}/manage?done=proposed"),
            ))
        }
        Err(refusal) => {
            let errors = match &refusal {
                Refusal::Invalid { .. } => {
                    Errors::of_invalid(t, &refusal, &PLACES).unwrap_or_default()
                }
                // The lead is not approved, or not one the member manages.
                Refusal::RuleBroken(_) | Refusal::NotAllowed(_) => Errors {
                    summary: t.get("form-has-errors"),
                    fields: vec![("jp_lead".into(), t.get("error-jp-lead"))],
                },
                _ => return Err(reader.refused(refusal)),
            };
            let page = new_form(&reader, &web, &fields, errors, Mode::New).await?;
            Ok(render(StatusCode::BAD_REQUEST, &page))
        }
    }
}
