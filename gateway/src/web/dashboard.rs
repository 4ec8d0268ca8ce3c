//! The member's dashboard: the initiatives they manage with their review state (and the reason
//! of a rejection), their communities, their requests still waiting, their joint projects, the
//! invitations waiting for an answer (accepted or declined right here), the notifications they
//! were sent, their submissions to the library with their review state (and a rejection's
//! reason); and where to register an initiative, propose a project or submit to the library.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::account::see_other;
use super::i18n::{code_of, Tr};
use super::library::{item_path, Shelf};
use super::page::{render, with_lang, Chrome, Problem, Reader, Section};
use super::Web;
use crate::app::dashboard;

pub fn routes() -> Router<Web> {
    Router::new().route("/dashboard", get(page))
}

struct Row {
    name: String,
    href: String,
    status: String,
    /// `submitted`, `approved`, … for the badge's style.
    status_code: String,
    reason: String,
    change_pending: bool,
    /// Why a moderator rejected the last profile change.
    change_reason: String,
    /// The manager's page of it.
    edit: String,
}

struct Community {
    name: String,
    role: String,
    href: String,
}

struct Project {
    title: String,
    href: String,
    status: String,
    status_code: &'static str,
}

struct Invitation {
    project: String,
    href: String,
    initiative: String,
    /// Where the answer is posted: `/joint-projects/{id}/invitations/{initiative}`.
    action: String,
}

struct Notice {
    subject: String,
    at: String,
}

/// One of the member's submissions to the library.
struct Submission {
    title: String,
    href: String,
    kind: String,
    status: String,
    /// `submitted`, `approved`, `rejected`: the badge's style.
    status_code: &'static str,
    reason: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    t: Tr,
    chrome: Chrome,
    notice: String,
    initiatives: Vec<Row>,
    communities: Vec<Community>,
    requests: Vec<String>,
    projects: Vec<Project>,
    invitations: Vec<Invitation>,
    submissions: Vec<Submission>,
    notifications: Vec<Notice>,
    /// For a moderator: the link to the queue, with how many items wait.
    moderation: Option<(String, String)>,
}

async fn page(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    let Ok(actor) = reader.actor() else {
        return Ok(see_other(&reader, "/sign-in?next=/dashboard"));
    };
    let t = &reader.t;
    let mine = dashboard::of(&web.app, actor)
        .await
        .map_err(|r| reader.refused(r))?;
    let initiatives = mine
        .initiatives
        .into_iter()
        .map(|i| {
            let status_code = code_of(&i.status);
            Row {
                href: with_lang(&format!("/initiatives/{}", i.id), &[], t.language),
                name: i.name,
                status: t.get(&format!("status-{status_code}")),
                status_code,
                reason: i.rejection_reason.unwrap_or_default(),
                change_reason: i.change_rejection_reason.unwrap_or_default(),
                edit: with_lang(&format!("/initiatives/{}/edit", i.id), &[], t.language),
                change_pending: i.change_pending,
            }
        })
        .collect();
    let communities = mine
        .communities
        .into_iter()
        .map(|c| Community {
            href: with_lang(&format!("/communities/{}/threads", c.id), &[], t.language),
            name: c.name,
            role: t.get(&format!("community-role-{}", code_of(&c.role))),
        })
        .collect();
    let requests = mine
        .management_requests
        .into_iter()
        .map(|r| r.name)
        .collect();
    let project_href =
        |id: &str| with_lang(&format!("/joint-projects/{id}/manage"), &[], t.language);
    let projects = mine
        .projects
        .iter()
        .map(|p| Project {
            title: p.title.clone(),
            href: project_href(&p.id),
            status: t.get(&format!("collab-project-state-{}", p.status.as_str())),
            status_code: p.status.as_str(),
        })
        .collect();
    let invitations = mine
        .invitations
        .iter()
        .map(|i| Invitation {
            project: i.project.title.clone(),
            href: project_href(&i.project.id),
            initiative: i.initiative_name.clone(),
            action: format!(
                "/joint-projects/{}/invitations/{}",
                i.project.id, i.initiative
            ),
        })
        .collect();
    let submissions = mine
        .submissions
        .iter()
        .filter_map(|listed| {
            let content = listed.item.content()?;
            let status = listed.item.status().as_str();
            Some(Submission {
                href: with_lang(
                    &item_path(Shelf::of(&content.kind), &listed.id, content.title.as_str()),
                    &[],
                    t.language,
                ),
                title: content.title.to_string(),
                kind: t.get(&format!("collab-kind-{}", content.kind.as_str())),
                status: t.get(&format!("status-{status}")),
                status_code: status,
                reason: listed
                    .item
                    .rejection_reason()
                    .map(|r| r.to_string())
                    .unwrap_or_default(),
            })
        })
        .collect();
    let notifications = mine
        .notifications
        .iter()
        .map(|n| Notice {
            subject: n.subject.clone(),
            at: t.date(n.at),
        })
        .collect();
    let moderation = crate::app::moderation::waiting(&web.app, actor)
        .await
        .map_err(|r| reader.refused(r))?
        .map(|count| {
            (
                with_lang("/moderation", &[], t.language),
                t.count("dashboard-moderation-link", count as u64),
            )
        });
    let chrome = Chrome::new(&reader, &web.site, t.get("dashboard-title"), "/dashboard")
        .private()
        .in_section(Section::Dashboard);
    let page = DashboardPage {
        t: t.clone(),
        notice: if reader.param("registered").is_some() {
            t.get("done-registered")
        } else if reader.param("requested").is_some() {
            t.get("manage-done-requested")
        } else {
            String::new()
        },
        moderation,
        chrome,
        initiatives,
        communities,
        requests,
        projects,
        invitations,
        submissions,
        notifications,
    };
    Ok(render(StatusCode::OK, &page))
}
