//! The moderators' queue (`/moderation`): every waiting item of every kind, oldest first, with
//! its age and who is reviewing it; filters by kind and country in the URL (a GET form); a
//! button to claim an item or release one's claim. The read and the claims are
//! `app::moderation`'s, the same as `GET /v1/moderation/queue` and its claim routes.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Utc};
use domain::values::CountryCode;
use projections::QueueKind;

use super::account::see_other;
use super::i18n::{Arg, Tr};
use super::page::{render, with_lang, Chrome, Problem, Reader, Section};
use super::people::Names;
use super::review;
use super::session::Fields;
use super::Web;
use crate::app::moderation::{self, ClaimOutcome, ItemRef, QueueQuery};
use crate::app::{ReadAt, Refusal};

pub fn routes() -> Router<Web> {
    Router::new()
        .route("/moderation", get(page))
        .route(
            "/moderation/{kind}/{id}",
            get(review::page).post(review::decide),
        )
        .route("/moderation/{kind}/{id}/claim", post(claim))
        .route("/moderation/{kind}/{id}/release", post(release))
}

/// The most items one page lists.
const LIMIT: usize = 200;

/// One row of the queue.
struct Row {
    kind: String,
    kind_code: &'static str,
    title: String,
    href: String,
    country: String,
    age: String,
    since_iso: String,
    /// Who reviews it ("you" for the reader), and since when; empty when nobody does.
    claim: String,
    mine: bool,
    /// The form's action to claim or release.
    claim_action: String,
    release_action: String,
}

#[derive(Template)]
#[template(path = "moderation.html")]
struct QueuePage {
    t: Tr,
    chrome: Chrome,
    rows: Vec<Row>,
    total: String,
    kinds: Vec<(String, String, bool)>,
    countries: Vec<(String, String, bool)>,
    notice: String,
}

/// How long ago `since` was, as a short phrase in the reader's language.
pub fn age(t: &Tr, since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - since).num_minutes().max(0) as u64;
    if minutes < 60 {
        t.count("moderation-age-minutes", minutes)
    } else if minutes < 60 * 48 {
        t.count("moderation-age-hours", minutes / 60)
    } else {
        t.count("moderation-age-days", minutes / (60 * 24))
    }
}

/// Who holds a claim (by name), as the reader reads it.
pub fn claim_text(t: &Tr, claim: &store::Claim, names: &Names, now: DateTime<Utc>) -> String {
    let who = if names.is_reader(claim.account) {
        t.get("moderation-claim-you")
    } else {
        let name = names.name(claim.account);
        t.with("moderation-claim-other", &[("account", Arg::Text(name))])
    };
    t.with(
        "moderation-claimed",
        &[
            ("who", Arg::Text(who)),
            ("age", Arg::Text(age(t, claim.claimed_at, now))),
        ],
    )
}

fn query_of(reader: &Reader) -> Result<QueueQuery, Refusal> {
    let mut kinds = std::collections::BTreeSet::new();
    if let Some(kind) = reader.param("kind") {
        kinds.insert(
            kind.parse::<QueueKind>()
                .map_err(|e| Refusal::invalid_input(e.to_string()))?,
        );
    }
    let country = reader
        .param("country")
        .map(|c| {
            c.parse::<CountryCode>()
                .map_err(|e| Refusal::invalid(vec![e.in_field("country")]))
        })
        .transpose()?;
    Ok(QueueQuery {
        kinds,
        country,
        limit: LIMIT,
    })
}

async fn page(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    let Ok(actor) = reader.actor() else {
        return Ok(see_other(&reader, "/sign-in?next=/moderation"));
    };
    let t = &reader.t;
    let query = query_of(&reader).map_err(|r| reader.refused(r))?;
    let queue = moderation::queue(&web.app, actor, &query, &ReadAt::LIVE)
        .await
        .map_err(|r| reader.refused(r))?;
    let claimants = queue.entries.iter().filter_map(|e| e.claim.as_ref());
    let names = Names::of(&web, &reader, claimants.map(|c| c.account)).await?;
    let rows = queue
        .entries
        .iter()
        .map(|entry| {
            let item = ItemRef::from(&entry.item);
            let path = format!("/moderation/{}/{}", item.kind, item.id());
            Row {
                kind: t.get(&format!(
                    "moderation-kind-{}",
                    item.kind.as_str().replace('_', "-")
                )),
                kind_code: item.kind.as_str(),
                title: entry.item.title.clone(),
                href: with_lang(&path, &[], t.language),
                country: entry
                    .item
                    .country
                    .map(|c| t.label("country", c.as_str()))
                    .unwrap_or_default(),
                age: age(t, entry.item.submitted_at, queue.now),
                since_iso: entry
                    .item
                    .submitted_at
                    .format("%Y-%m-%dT%H:%M:%SZ")
                    .to_string(),
                claim: entry
                    .claim
                    .as_ref()
                    .map(|c| claim_text(t, c, &names, queue.now))
                    .unwrap_or_default(),
                mine: moderation::held_by(entry.claim.as_ref(), actor.account),
                claim_action: with_lang(&format!("{path}/claim"), &[], t.language),
                release_action: with_lang(&format!("{path}/release"), &[], t.language),
            }
        })
        .collect();
    let mut kinds = vec![(String::new(), t.get("moderation-all-kinds"), false)];
    kinds.extend(QueueKind::ALL.iter().map(|kind| {
        let count = queue.counts.get(kind).copied().unwrap_or(0) as u64;
        let label = t.with(
            "moderation-kind-count",
            &[
                (
                    "kind",
                    Arg::Text(t.get(&format!(
                        "moderation-kind-{}",
                        kind.as_str().replace('_', "-")
                    ))),
                ),
                ("count", Arg::Text(t.number(count))),
            ],
        );
        (kind.as_str().to_owned(), label, query.kinds.contains(kind))
    }));
    let mut countries: Vec<(String, String, bool)> = CountryCode::all()
        .filter(|c| c.is_latin_america_and_caribbean())
        .map(|c| {
            (
                c.as_str().to_owned(),
                t.label("country", c.as_str()),
                query.country == Some(c),
            )
        })
        .collect();
    countries.sort_by(|a, b| a.1.cmp(&b.1));
    countries.insert(0, (String::new(), t.get("moderation-all-countries"), false));
    let mut chrome = Chrome::new(&reader, &web.site, t.get("moderation-title"), "/moderation")
        .private()
        .in_section(Section::Moderation);
    chrome.styles.push(super::assets::url("css/moderation.css"));
    let notice = match reader.param("done") {
        Some("approved") => t.get("moderation-done-approved"),
        Some("rejected") => t.get("moderation-done-rejected"),
        Some("released") => t.get("moderation-done-released"),
        _ => String::new(),
    };
    let page = QueuePage {
        total: t.count("moderation-total", queue.total as u64),
        t: t.clone(),
        chrome,
        rows,
        kinds,
        countries,
        notice,
    };
    Ok(render(StatusCode::OK, &page))
}

/// Claims the item and opens its review page (which shows the claim, or whose it is).
async fn claim(
    State(web): State<Web>,
    reader: Reader,
    Path((kind, id)): Path<(String, String)>,
    _fields: Fields,
) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?;
    let item = ItemRef::parse(&kind, &id).map_err(|r| reader.refused(r))?;
    let outcome = moderation::claim(&web.app, actor, &item)
        .await
        .map_err(|r| reader.refused(r))?;
    let flag = match outcome {
        ClaimOutcome::Mine(_) => "claimed",
        ClaimOutcome::Theirs(_) => "taken",
    };
    Ok(see_other(
        &reader,
        &format!("/moderation/{kind}/{}?claim={flag}", item.id()),
    ))
}

/// Releases the reader's claim and goes back to the queue.
async fn release(
    State(web): State<Web>,
    reader: Reader,
    Path((kind, id)): Path<(String, String)>,
    _fields: Fields,
) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?;
    let item = ItemRef::parse(&kind, &id).map_err(|r| reader.refused(r))?;
    moderation::release(&web.app, actor, &item)
        .await
        .map_err(|r| reader.refused(r))?;
    Ok(see_other(&reader, "/moderation?done=released"))
}
