//! The page of one publication, news item or gathering (`/publications/{id}/{slug}`,
//! `/news/{id}/{slug}`, `/gatherings/{id}/{slug}`): every public field, labelled in the reader's
//! language; a gathering's times in its own zone (named) and, by a small script, the visitor's;
//! its `.ics` (`/gatherings/{id}/calendar.ics`) and the calendar of upcoming gatherings.
//!
//! The read is `app::library::read`, the use case (and visibility rule) of
//! `GET /v1/publications/{id}`: approved items for everyone, the others for their author and
//! moderators only. The slug and the shelf only make the URL readable: an item asked for under
//! another shelf, without its slug or with an old one is redirected to its page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::publication::{Kind, PublicationStatus};

use super::assets;
use super::i18n::Tr;
use super::initiative::slug;
use super::library::{ics, item_path, status_label, Shelf};
use super::lists;
use super::page::{render, with_lang, Chrome, Problem, Reader, Section};
use super::times::Schedule;
use super::Web;
use crate::app::library::{self, SeenItem};
use crate::app::{calendar, Refusal};

/// A labelled value.
struct Fact {
    label: String,
    value: String,
}

/// A gathering's own part of the page.
struct GatheringPart {
    schedule: Schedule,
    place: Option<String>,
    online_link: Option<String>,
    /// Its `.ics`, once approved (a calendar holds approved gatherings only).
    ics: Option<String>,
}

#[derive(Template)]
#[template(path = "library_item.html")]
struct ItemPage {
    t: Tr,
    chrome: Chrome,
    kind: String,
    title: String,
    summary: String,
    status: Option<String>,
    rejection_reason: Option<String>,
    facts: Vec<Fact>,
    link: Option<String>,
    gathering: Option<GatheringPart>,
    back: String,
    back_label: String,
    calendar: String,
}

async fn seen(web: &Web, reader: &Reader, id: &str) -> Result<SeenItem, Problem> {
    library::read(&web.app, &reader.caller, id)
        .await
        .map_err(|refusal| reader.refused(refusal))
}

/// The item's page path and its shelf.
fn place_of(seen: &SeenItem) -> Option<(Shelf, String)> {
    let content = seen.item.content()?;
    let shelf = Shelf::of(&content.kind);
    Some((
        shelf,
        item_path(shelf, &seen.id.to_string(), content.title.as_str()),
    ))
}

/// `/<shelf>/{id}`: to the item's page, keeping the language asked for.
pub async fn without_slug(
    State(web): State<Web>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let seen = seen(&web, &reader, &id).await?;
    let (_, path) = place_of(&seen).ok_or_else(|| reader.refused(no_item()))?;
    Ok(Redirect::permanent(&with_lang(&path, &[], reader.t.language)).into_response())
}

fn no_item() -> Refusal {
    Refusal::NotFound("no such item".into())
}

pub async fn page(
    State(web): State<Web>,
    reader: Reader,
    Path((id, given_slug)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let seen = seen(&web, &reader, &id).await?;
    let t = reader.t.clone();
    let (shelf, path) = place_of(&seen).ok_or_else(|| reader.refused(no_item()))?;
    let Some(content) = seen.item.content() else {
        return Err(reader.refused(no_item()));
    };
    let asked = format!("{}/{id}/{given_slug}", shelf.path());
    if reader.path != asked || given_slug != slug(content.title.as_str()) {
        return Ok(
            Redirect::permanent(&with_lang(&path, &reader.query, t.language)).into_response(),
        );
    }
    let item = &seen.item;
    let mut facts = vec![Fact {
        label: t.get("library-field-kind"),
        value: t.get(&format!("library-kind-{}", shelf.key())),
    }];
    if let Some(language) = content.language {
        facts.push(Fact {
            label: t.get("library-field-language"),
            value: t.label("item-language", language.as_str()),
        });
    }
    if let Some(topic) = content.topic {
        facts.push(Fact {
            label: t.get("library-field-topic"),
            value: t.label("topic", topic.as_str()),
        });
    }
    if let Some(format) = content.format {
        facts.push(Fact {
            label: t.get("library-field-format"),
            value: t.label("format", format.as_str()),
        });
    }
    if let Some(at) = item.submitted_at() {
        facts.push(Fact {
            label: t.get("library-field-submitted"),
            value: t.date(at),
        });
    }
    let approved = item.status() == PublicationStatus::Approved;
    let gathering = match &content.kind {
        Kind::Gathering(gathering) => Some(GatheringPart {
            schedule: Schedule::of(&t, gathering),
            place: gathering.place.as_ref().map(ToString::to_string),
            online_link: gathering.online_link.as_ref().map(ToString::to_string),
            ics: approved.then(|| format!("/gatherings/{}/calendar.ics", seen.id)),
        }),
        Kind::Publication | Kind::News => None,
    };
    let summary = content.summary.to_string();
    let mut chrome = lists::chrome(&reader, &web, content.title.to_string(), &path)
        .in_section(shelf.section())
        .described(summary.chars().take(200).collect::<String>())
        .shared_as("article", &t);
    if gathering.is_some() {
        chrome.scripts.push(assets::url("js/local-time.js"));
    }
    if !approved {
        // What is not public is not for search engines either.
        chrome = chrome.private();
    }
    let page = ItemPage {
        kind: t.get(&format!("library-kind-{}", shelf.key())),
        title: content.title.to_string(),
        summary,
        status: status_label(&t, item.status()),
        rejection_reason: item
            .rejection_reason()
            .filter(|_| seen.privileged && item.status() == PublicationStatus::Rejected)
            .map(ToString::to_string),
        facts,
        link: content.link.as_ref().map(ToString::to_string),
        gathering,
        back: chrome.link(shelf.path()),
        back_label: t.get(&format!("library-{}-back", shelf.key())),
        calendar: "/gatherings.ics".to_owned(),
        chrome,
        t,
    };
    Ok(render(StatusCode::OK, &page))
}

/// `/gatherings/{id}/calendar.ics`: one approved gathering, for a calendar application.
pub async fn gathering_ics(
    State(web): State<Web>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let entry = calendar::gathering(&web.app, &id)
        .await
        .map_err(|refusal| reader.refused(refusal))?;
    Ok(ics(calendar::render(&[entry])))
}
