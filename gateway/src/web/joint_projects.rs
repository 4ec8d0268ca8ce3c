//! Joint projects between initiatives, as a visitor sees them: `/joint-projects` (filtered by
//! state, sector, country, open call and words, paged by cursor) and
//! `/joint-projects/{id}/{slug}`: the lead, the partners and where each stands, sectors,
//! objectives, state and the open call. The reads are `app::joint_projects::{list, project}`,
//! with the visibility rule of `GET /v1/joint-projects/{id}`: approved, active and completed
//! projects for everyone; the others only for the managers involved and moderators.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::joint_project::{InvitationState, ProjectStatus};
use domain::values::{CountryCode, Sector};
use projections::{InitiativeRef, ListedProject};

use super::form::Input;
use super::i18n::Tr;
use super::initiative::{initiative_path, slug};
use super::lists::{self, Filters, Pager};
use super::page::{render, with_lang, Chrome, Problem, Reader, Section};
use super::Web;
use crate::app::joint_projects::{self, ProjectQuery, FILTERS};
use crate::app::ReadAt;

const ROWS: usize = 20;

/// The states a visitor sees (and may filter on).
const PUBLIC_STATES: [ProjectStatus; 3] = [
    ProjectStatus::Approved,
    ProjectStatus::Active,
    ProjectStatus::Completed,
];

/// The page of a project (without language).
pub fn project_path(id: &str, title: &str) -> String {
    format!("/joint-projects/{id}/{}", slug(title))
}

/// An initiative a project names: a link to its page when its name is known.
pub struct InitiativeLink {
    pub name: String,
    pub href: Option<String>,
    pub country: String,
}

impl InitiativeLink {
    fn of(t: &Tr, initiative: &InitiativeRef) -> Self {
        let id = initiative.id.to_string();
        Self {
            href: initiative
                .name
                .as_ref()
                .map(|name| initiative_path(&id, name)),
            name: initiative
                .name
                .clone()
                .unwrap_or_else(|| t.get("project-unknown-initiative")),
            country: initiative
                .country
                .map(|c| t.label("country", c.as_str()))
                .unwrap_or_default(),
        }
    }
}

/// A project as a list shows it.
pub struct ProjectRow {
    pub href: String,
    pub title: String,
    pub state: String,
    pub lead: InitiativeLink,
    /// Accepted partners (the ones a visitor sees).
    pub partners: Vec<InitiativeLink>,
    pub sectors: Vec<String>,
    pub call_open: bool,
}

impl ProjectRow {
    pub fn of(t: &Tr, p: &ListedProject) -> Self {
        Self {
            href: project_path(&p.id, &p.title),
            title: p.title.clone(),
            state: t.label("project-state", p.status.as_str()),
            lead: InitiativeLink::of(t, &p.lead),
            partners: p
                .partners
                .iter()
                .filter(|partner| partner.invitation == InvitationState::Accepted)
                .map(|partner| InitiativeLink::of(t, &partner.initiative))
                .collect(),
            sectors: p
                .sectors
                .iter()
                .map(|s| t.label("sector", s.code()))
                .collect(),
            call_open: p.call_open,
        }
    }
}

#[derive(Template)]
#[template(path = "joint_projects.html")]
struct ProjectsPage {
    t: Tr,
    chrome: Chrome,
    action: String,
    filters: Filters,
    count: String,
    rows: Vec<ProjectRow>,
    pager: Pager,
}

pub async fn list(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    let t = reader.t.clone();
    let given = lists::given(&reader, &FILTERS);
    let result = async {
        let query = ProjectQuery {
            filter: joint_projects::parse_filter(lists::parameters(&given))?,
            page: lists::page_request(&given, ROWS)?,
            read_at: ReadAt::LIVE,
        };
        joint_projects::list(&web.app, &reader.caller, &query).await
    }
    .await;
    let (listed, refused) =
        lists::listed_or_refused(result).map_err(|refusal| reader.refused(refusal))?;
    let mut countries: Vec<(String, String)> = CountryCode::all()
        .filter(|c| c.is_latin_america_and_caribbean())
        .map(|c| (c.as_str().to_owned(), t.label("country", c.as_str())))
        .collect();
    countries.sort_by_key(|(_, label)| projections::fold_text(label));
    countries.insert(0, (String::new(), t.get("filter-any-country")));
    let calls = vec![
        (String::new(), t.get("projects-filter-any-call")),
        ("true".to_owned(), t.get("projects-call-open")),
        ("false".to_owned(), t.get("projects-call-closed")),
    ];
    let inputs = vec![
        lists::text_input(&t, &given),
        lists::select(
            &t,
            "state",
            "projects-filter-state",
            "projects-filter-any-state",
            "project-state",
            &PUBLIC_STATES,
            &given,
        ),
        lists::select(
            &t,
            "sector",
            "filter-sector",
            "filter-any-sector",
            "sector",
            Sector::ALL,
            &given,
        ),
        Input::new("country", t.get("filter-country"), "select")
            .options(countries)
            .value(lists::value(&given, "country")),
        Input::new("open_call", t.get("projects-filter-call"), "select")
            .options(calls)
            .value(lists::value(&given, "open_call")),
    ];
    let filters = Filters::new(&t, "/joint-projects", inputs, &given, refused.as_ref());
    let chrome = lists::chrome(&reader, &web, t.get("projects-title"), "/joint-projects")
        .in_section(Section::JointProjects)
        .described(t.get("projects-intro"));
    let page = ProjectsPage {
        action: "/joint-projects".into(),
        count: t.count("projects-count", listed.total as u64),
        rows: listed.items.iter().map(|p| ProjectRow::of(&t, p)).collect(),
        pager: Pager::of("/joint-projects", &given, &listed, &t),
        filters,
        chrome,
        t,
    };
    Ok(lists::answer(&page.filters, &page))
}

/// A partner and where its invitation stands.
struct Partner {
    initiative: InitiativeLink,
    invitation: String,
}

#[derive(Template)]
#[template(path = "joint_project.html")]
struct ProjectPage {
    t: Tr,
    chrome: Chrome,
    project: ProjectRow,
    description: String,
    objectives: Vec<String>,
    /// Every partner the reader may see (the public: those that accepted).
    partners: Vec<Partner>,
    interested: Vec<InitiativeLink>,
    countries: Vec<String>,
    proposed: String,
    proposed_iso: String,
    back: String,
}

/// `/joint-projects/{id}`: to the project's page.
pub async fn without_slug(
    State(web): State<Web>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let project = joint_projects::project(&web.app, &reader.caller, &id)
        .await
        .map_err(|refusal| reader.refused(refusal))?;
    let path = project_path(&project.id, &project.title);
    Ok(Redirect::permanent(&with_lang(&path, &[], reader.t.language)).into_response())
}

pub async fn page(
    State(web): State<Web>,
    reader: Reader,
    Path((id, given_slug)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let t = reader.t.clone();
    let project = joint_projects::project(&web.app, &reader.caller, &id)
        .await
        .map_err(|refusal| reader.refused(refusal))?;
    let path = project_path(&project.id, &project.title);
    if given_slug != slug(&project.title) || id != project.id {
        return Ok(
            Redirect::permanent(&with_lang(&path, &reader.query, t.language)).into_response(),
        );
    }
    let mut chrome = lists::chrome(&reader, &web, project.title.clone(), &path)
        .in_section(Section::JointProjects)
        .described(project.description.chars().take(200).collect::<String>())
        .shared_as("article", &t);
    if !PUBLIC_STATES.contains(&project.status) {
        // Shown to the managers involved and moderators only: not for search engines.
        chrome = chrome.private();
    }
    let mut countries: Vec<String> = project
        .countries
        .iter()
        .map(|c| t.label("country", c.as_str()))
        .collect();
    countries.sort_by_key(|label| projections::fold_text(label));
    let page = ProjectPage {
        description: project.description.clone(),
        objectives: project.objectives.clone(),
        partners: project
            .partners
            .iter()
            .map(|partner| Partner {
                initiative: InitiativeLink::of(&t, &partner.initiative),
                invitation: t.label("invitation", partner.invitation.as_str()),
            })
            .collect(),
        interested: project
            .interested
            .iter()
            .map(|i| InitiativeLink::of(&t, i))
            .collect(),
        countries,
        proposed: t.date(project.proposed_at),
        proposed_iso: project.proposed_at.format("%Y-%m-%d").to_string(),
        back: chrome.link("/joint-projects"),
        project: ProjectRow::of(&t, &project),
        chrome,
        t,
    };
    Ok(render(StatusCode::OK, &page))
}
