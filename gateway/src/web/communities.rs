//! Communities of practice, as a visitor sees them: `/communities` (filtered by sector, way of
//! joining and words, paged by cursor) and `/communities/{id}/{slug}`, a community with its
//! threads. The reads are `app::communities::{list, summary, threads}`, the use cases of
//! `GET /v1/communities` and `GET /v1/communities/{id}/threads` (public, like the API's).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::community::{JoinPolicy, Theme};
use domain::values::Sector;
use projections::{CommunitySummary, ThreadSummary};

use super::form::Input;
use super::i18n::Tr;
use super::initiative::slug;
use super::lists::{self, Filters, Pager};
use super::page::{render, with_lang, Chrome, Problem, Reader, Section};
use super::Web;
use crate::app::communities::{self, CommunityQuery, FILTERS};
use crate::app::ReadAt;

const ROWS: usize = 20;

/// The page of a community (without language).
pub fn community_path(id: &str, name: &str) -> String {
    format!("/communities/{id}/{}", slug(name))
}

/// A community as a list shows it.
pub struct CommunityRow {
    pub href: String,
    pub name: String,
    pub theme: String,
    pub policy: String,
    pub members: String,
    pub threads: String,
    pub latest: String,
    pub latest_iso: String,
}

impl CommunityRow {
    pub fn of(t: &Tr, c: &CommunitySummary) -> Self {
        Self {
            href: community_path(&c.id, &c.name),
            name: c.name.clone(),
            theme: theme(t, &c.theme),
            policy: t.get(policy_key(c.join_policy)),
            members: t.count("community-members", c.members as u64),
            threads: t.count("community-threads", c.threads as u64),
            latest: t.date(c.latest_activity),
            latest_iso: c.latest_activity.format("%Y-%m-%d").to_string(),
        }
    }
}

fn theme(t: &Tr, theme: &Theme) -> String {
    match theme {
        Theme::Sector(sector) => t.label("sector", sector.code()),
        Theme::Topic(topic) => topic.to_string(),
    }
}

fn policy_key(policy: JoinPolicy) -> &'static str {
    match policy {
        JoinPolicy::Open => "community-policy-open",
        JoinPolicy::Moderated => "community-policy-moderated",
    }
}

#[derive(Template)]
#[template(path = "communities.html")]
struct CommunitiesPage {
    t: Tr,
    chrome: Chrome,
    action: String,
    filters: Filters,
    count: String,
    rows: Vec<CommunityRow>,
    pager: Pager,
}

pub async fn list(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    let t = reader.t.clone();
    let given = lists::given(&reader, &FILTERS);
    let result = async {
        let query = CommunityQuery {
            filter: communities::parse_filter(lists::parameters(&given))?,
            page: lists::page_request(&given, ROWS)?,
            read_at: ReadAt::LIVE,
        };
        communities::list(&web.app, &reader.caller, &query).await
    }
    .await;
    let (listed, refused) =
        lists::listed_or_refused(result).map_err(|refusal| reader.refused(refusal))?;
    let policies = ["", "open", "moderated"]
        .iter()
        .map(|code| {
            let key = match *code {
                "" => "communities-filter-any-policy",
                "open" => "community-policy-open",
                _ => "community-policy-moderated",
            };
            (code.to_string(), t.get(key))
        })
        .collect();
    let inputs = vec![
        lists::text_input(&t, &given),
        lists::select(
            &t,
            "sector",
            "filter-sector",
            "filter-any-sector",
            "sector",
            Sector::ALL,
            &given,
        ),
        Input::new("policy", t.get("communities-filter-policy"), "select")
            .options(policies)
            .value(lists::value(&given, "policy")),
    ];
    let filters = Filters::new(&t, "/communities", inputs, &given, refused.as_ref());
    let chrome = lists::chrome(&reader, &web, t.get("communities-title"), "/communities")
        .in_section(Section::Communities)
        .described(t.get("communities-intro"));
    let page = CommunitiesPage {
        action: "/communities".into(),
        count: t.count("communities-count", listed.total as u64),
        rows: listed
            .items
            .iter()
            .map(|c| CommunityRow::of(&t, c))
            .collect(),
        pager: Pager::of("/communities", &given, &listed, &t),
        filters,
        chrome,
        t,
    };
    Ok(lists::answer(&page.filters, &page))
}

/// A thread in the community's list.
struct ThreadRow {
    title: String,
    started: String,
    started_iso: String,
    replies: String,
    last: String,
    last_iso: String,
}

impl ThreadRow {
    fn of(t: &Tr, thread: &ThreadSummary) -> Self {
        Self {
            title: thread.title.clone(),
            started: t.date(thread.started_at),
            started_iso: thread.started_at.format("%Y-%m-%d").to_string(),
            replies: t.count("community-replies", thread.replies as u64),
            last: t.date(thread.last_activity),
            last_iso: thread.last_activity.format("%Y-%m-%d").to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "community.html")]
struct CommunityPage {
    t: Tr,
    chrome: Chrome,
    community: CommunityRow,
    created: String,
    created_iso: String,
    threads: Vec<ThreadRow>,
    threads_count: String,
    pager: Pager,
    back: String,
    sign_in: Option<String>,
}

/// `/communities/{id}`: to the community's page.
pub async fn without_slug(
    State(web): State<Web>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let community = communities::summary(&web.app, &reader.caller, &id, &ReadAt::LIVE)
        .await
        .map_err(|refusal| reader.refused(refusal))?;
    let path = community_path(&community.id, &community.name);
    Ok(Redirect::permanent(&with_lang(&path, &[], reader.t.language)).into_response())
}

pub async fn page(
    State(web): State<Web>,
    reader: Reader,
    Path((id, given_slug)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let t = reader.t.clone();
    let community = communities::summary(&web.app, &reader.caller, &id, &ReadAt::LIVE)
        .await
        .map_err(|refusal| reader.refused(refusal))?;
    let path = community_path(&community.id, &community.name);
    if given_slug != slug(&community.name) || id != community.id {
        return Ok(
            Redirect::permanent(&with_lang(&path, &reader.query, t.language)).into_response(),
        );
    }
    let given = lists::given(&reader, &[]);
    let page = lists::page_request(&given, ROWS).map_err(|refusal| reader.refused(refusal))?;
    let id = communities::parse_id(&id).map_err(|refusal| reader.refused(refusal))?;
    let threads = communities::threads(&web.app, &reader.caller, id, &page, &ReadAt::LIVE)
        .await
        .map_err(|refusal| reader.refused(refusal))?;
    let chrome = lists::chrome(&reader, &web, community.name.clone(), &path)
        .in_section(Section::Communities)
        .described(t.with(
            "community-description",
            &[
                ("name", super::i18n::Arg::Text(community.name.clone())),
                ("theme", super::i18n::Arg::Text(theme(&t, &community.theme))),
            ],
        ))
        .shared_as("website", &t);
    let page = CommunityPage {
        created: t.date(community.created_at),
        created_iso: community.created_at.format("%Y-%m-%d").to_string(),
        threads: threads
            .items
            .iter()
            .map(|th| ThreadRow::of(&t, th))
            .collect(),
        threads_count: t.count("community-threads", threads.total as u64),
        pager: Pager::of(&path, &given, &threads, &t),
        back: chrome.link("/communities"),
        sign_in: reader
            .caller
            .actor()
            .is_none()
            .then(|| with_lang("/sign-in", &[("next".into(), path.clone())], t.language)),
        community: CommunityRow::of(&t, &community),
        chrome,
        t,
    };
    Ok(render(StatusCode::OK, &page))
}
