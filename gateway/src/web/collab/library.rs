//! Submitting to the knowledge library in the browser (`/library/new`): a publication, a news
//! item or a gathering, with its language, a publication's topic and a gathering's format
//! offered labelled in the reader's language. The form goes through the same parsing and the
//! same command as `POST /v1/publications` (`app::publishing`); a refused form comes back with
//! what was typed and each error beside its field.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use domain::publication::{GatheringFormat, Language, Topic};
use domain::values::PublicationId;

use super::super::account::see_other;
use super::super::form::{Errors, Input};
use super::super::i18n::{code_of, Tr};
use super::super::page::{render, Chrome, Problem, Reader, Section};
use super::super::session::Fields;
use super::super::Web;
use super::{chrome, metadata, settled, sign_in_first};
use crate::app::publishing::{self, ContentFields, GatheringFields};
use crate::app::Refusal;
use crate::http::context::RequestContext;

pub fn routes() -> Router<Web> {
    Router::new().route("/library/new", get(page).post(submit))
}

/// The kinds of item, by their codes.
pub const KINDS: [&str; 3] = ["publication", "news", "gathering"];

/// Where each field the use case names is shown on the form.
const PLACES: [(&str, &str); 13] = [
    ("kind", "item_kind"),
    ("title", "item_title"),
    ("summary", "item_summary"),
    ("link", "item_link"),
    ("language", "item_language"),
    ("topic", "item_topic"),
    ("format", "item_format"),
    ("gathering", "item_starts"),
    ("gathering.starts_at", "item_starts"),
    ("gathering.ends_at", "item_ends"),
    ("gathering.time_zone", "item_time_zone"),
    ("gathering.place", "item_place"),
    ("gathering.online_link", "item_online_link"),
];

#[derive(Template)]
#[template(path = "collab/library.html")]
struct LibraryPage {
    t: Tr,
    chrome: Chrome,
    notice: String,
    errors: Errors,
    about: Vec<Input>,
    gathering: Vec<Input>,
}

fn choices<T: serde::Serialize>(t: &Tr, prefix: &str, all: &[T]) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), t.get("register-choose"))];
    options.extend(all.iter().map(|v| {
        let code = code_of(v);
        let label = t.get(&format!("{prefix}-{}", code.replace('_', "-")));
        (code, label)
    }));
    options
}

fn form(reader: &Reader, web: &Web, typed: &Fields, errors: Errors) -> LibraryPage {
    let t = &reader.t;
    let text = |name: &'static str, key: &str, kind: &'static str| {
        Input::new(name, t.get(key), kind).value(typed.text(name))
    };
    let kinds = {
        let mut options = vec![(String::new(), t.get("register-choose"))];
        options.extend(
            KINDS
                .iter()
                .map(|k| (k.to_string(), t.get(&format!("collab-kind-{k}")))),
        );
        options
    };
    let languages = {
        let mut options = vec![(String::new(), t.get("register-choose"))];
        options.extend(
            Language::ALL
                .iter()
                .map(|l| (code_of(l), t.get(&format!("language-{}", code_of(l))))),
        );
        options
    };
    let mut about = vec![
        text("item_kind", "collab-item-kind", "select")
            .options(kinds)
            .required(),
        text("item_title", "collab-item-title", "text").required(),
        text("item_summary", "collab-item-summary", "textarea"),
        text("item_link", "collab-item-link", "url").hint(t.get("collab-item-link-hint")),
        text("item_language", "collab-item-language", "select")
            .options(languages)
            .hint(t.get("collab-item-language-hint")),
        text("item_topic", "collab-item-topic", "select")
            .options(choices(t, "collab-topic", Topic::ALL))
            .hint(t.get("collab-item-topic-hint")),
    ];
    let mut gathering = vec![
        text("item_format", "collab-item-format", "select").options(choices(
            t,
            "collab-format",
            GatheringFormat::ALL,
        )),
        text("item_starts", "collab-item-starts", "text").hint(t.get("collab-item-when-hint")),
        text("item_ends", "collab-item-ends", "text").hint(t.get("collab-item-when-hint")),
        text("item_time_zone", "collab-item-time-zone", "text")
            .hint(t.get("collab-item-time-zone-hint")),
        text("item_place", "collab-item-place", "text"),
        text("item_online_link", "collab-item-online-link", "url"),
    ];
    errors.place(&mut about);
    errors.place(&mut gathering);
    LibraryPage {
        t: t.clone(),
        chrome: chrome(
            reader,
            &web.site,
            t.get("collab-library-title"),
            "/library/new",
        ),
        notice: if reader.param("done") == Some("submitted") {
            t.get("collab-library-done")
        } else {
            String::new()
        },
        errors,
        about,
        gathering,
    }
}

async fn page(State(web): State<Web>, reader: Reader) -> Response {
    if reader.actor().is_err() {
        return sign_in_first(&reader, "/library/new");
    }
    render(
        StatusCode::OK,
        &form(&reader, &web, &Fields::default(), Errors::default()),
    )
}

/// The form's fields as the use case takes them: a gathering's dates and place only for a
/// gathering, a topic only for a publication, a format only for a gathering (the form offers
/// them all; what does not apply to the kind chosen is left out).
fn content_fields(fields: &Fields) -> ContentFields {
    let kind = fields.text("item_kind");
    let gathering = kind == "gathering";
    ContentFields {
        title: fields.text("item_title"),
        summary: fields.optional("item_summary"),
        link: fields.optional("item_link"),
        gathering: gathering.then(|| GatheringFields {
            starts_at: fields.text("item_starts"),
            ends_at: fields.text("item_ends"),
            time_zone: fields.text("item_time_zone"),
            place: fields.optional("item_place"),
            online_link: fields.optional("item_online_link"),
        }),
        language: fields.optional("item_language"),
        topic: fields
            .optional("item_topic")
            .filter(|_| kind == "publication"),
        format: fields.optional("item_format").filter(|_| gathering),
        kind,
    }
}

async fn submit(
    State(web): State<Web>,
    reader: Reader,
    context: RequestContext,
    fields: Fields,
) -> Result<Response, Problem> {
    let actor = reader.actor().map_err(|r| reader.refused(r))?.clone();
    let t = &reader.t;
    let id = PublicationId::new();
    let result = match content_fields(&fields).into_content() {
        Ok(content) => {
            let metadata = metadata(&context, &actor, "SubmitPublication");
            publishing::submit(&web.app, &actor, id, content, metadata, Some(0)).await
        }
        Err(refusal) => Err(refusal),
    };
    let errors = match result {
        Ok(committed) => {
            settled(&web, &committed).await;
            return Ok(see_other(&reader, "/library/new?done=submitted"));
        }
        Err(refusal @ Refusal::Invalid { .. }) => {
            Errors::of_invalid(t, &refusal, &PLACES).unwrap_or_default()
        }
        // Rules on the fields together: the end after the start, a place or a link.
        Err(Refusal::RuleBroken(_)) => Errors::whole(t.get("collab-library-rule-broken")),
        Err(refusal) => return Err(reader.refused(refusal)),
    };
    Ok(render(
        StatusCode::BAD_REQUEST,
        &form(&reader, &web, &fields, errors),
    ))
}
