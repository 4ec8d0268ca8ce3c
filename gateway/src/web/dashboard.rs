//! The member's dashboard: the initiatives they manage with their review state (and the reason
//! of a rejection), their communities, their requests still waiting; and where to register an
//! initiative.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::account::see_other;
use super::i18n::{code_of, Tr};
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
            name: c.name,
            role: t.get(&format!("community-role-{}", code_of(&c.role))),
        })
        .collect();
    let requests = mine
        .management_requests
        .into_iter()
        .map(|r| r.name)
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
    };
    Ok(render(StatusCode::OK, &page))
}
