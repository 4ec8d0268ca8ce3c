//! What members do together, in the browser: communities of practice (joining, threads, posts,
//! facilitators' decisions), joint projects (proposing one, the partners the matching read
//! model suggests with their reasons, invitations and their answers, the open call, submitting
//! for review) and submissions to the knowledge library. Every page is a thin adapter over the
//! use cases in `app::communities`, `app::joint_projects` and `app::publishing`, shared with the
//! JSON API.
//!
//! Paths (stable: the public pages link to them):
//!
//! | path | what |
//! |---|---|
//! | `/joint-projects/new` | proposing a project led by an initiative one manages |
//! | `/joint-projects/{id}/manage` | a project's state, partners, suggestions, history (by name), and its actions (`project_actions`) |
//! | `/joint-projects/{id}/revision` | revising a proposed or rejected project, from the version read |
//! | `/communities/{id}/threads` | a community's threads; joining, leaving; starting a thread; requests to decide |
//! | `/communities/{id}/threads/{thread}` | a thread's posts; replying, editing, deleting, hiding, restoring |
//! | `/library/new` | submitting a publication, news item or gathering |

mod communities;
mod library;
mod project_actions;
mod projects;
mod proposal;
mod suggestions;
mod threads;

#[cfg(test)]
mod tests;

use std::time::Duration;

use axum::response::Response;
use axum::Router;
use cqrs_es::Aggregate;
use domain::actor::Actor;
use store::{Committed, EventMetadata};

use super::account::see_other;
use super::assets;
use super::page::{Chrome, Reader, Section};
use super::session::Fields;
use super::{Site, Web};
use crate::access::Caller;
use crate::http::context::RequestContext;

pub fn routes() -> Router<Web> {
    Router::new()
        .merge(proposal::routes())
        .merge(project_actions::routes())
        .merge(communities::routes())
        .merge(threads::routes())
        .merge(library::routes())
}

/// How long an answer waits for the read models to show a write before redirecting.
const READ_WAIT: Duration = Duration::from_secs(5);

/// Waits until this instance's read models hold `committed`, so the next page shows it.
async fn settled<A: Aggregate>(web: &Web, committed: &Committed<A>) {
    if let Some(at) = committed.last {
        web.app.engine.wait_for(at, READ_WAIT).await;
    }
}

/// The version of the record the form was read at (its hidden `version` field), so that a
/// change made meanwhile is refused rather than overwritten.
fn version(fields: &Fields) -> Option<usize> {
    fields.text("version").parse().ok()
}

/// The events' metadata of command `name` run by `actor` from this request.
fn metadata(context: &RequestContext, actor: &Actor, name: &str) -> EventMetadata {
    context.metadata(&Caller::Account(actor.clone()), name)
}

/// The sign-in page, coming back to `path` afterwards.
fn sign_in_first(reader: &Reader, path: &str) -> Response {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    serializer.append_pair("next", path);
    see_other(reader, &format!("/sign-in?{}", serializer.finish()))
}

/// The frame of a member's page: not indexed, under the dashboard, with this area's styles.
fn chrome(reader: &Reader, site: &Site, title: String, path: &str) -> Chrome {
    let mut chrome = Chrome::new(reader, site, title, path)
        .private()
        .in_section(Section::Dashboard);
    chrome.styles.push(assets::url("css/collab.css"));
    chrome
}
