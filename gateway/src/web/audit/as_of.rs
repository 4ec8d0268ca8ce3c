//! The platform as it stood at a past moment or position, for auditors and administrators.
//! The public pages (the map, the statistics) read `as_of` (a time; a form's local time is read
//! as UTC) or `at_position` into an `app::ReadAt` ([`past`]) and say so with a banner; this
//! page (`/audit/as-of`) is the picker: a date and time, a position, and a slider over the
//! log's positions to step the platform's growth, each showing the totals then and linking to
//! the map and the statistics as they were.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::super::form::{Errors, Input};
use super::super::i18n::{Arg, Tr};
use super::super::page::{render, with_lang, Chrome, Problem, Reader, Section};
use super::super::Web;
use super::{form_time, gate};
use crate::access::Access;
use crate::app::{statistics, ReadAt, Refusal};

/// The moment a page is read at: `ReadAt::LIVE` without `as_of` or `at_position`; otherwise the
/// past (refused to anyone but auditors and admins by the use case), the parameters to keep in
/// the page's links, the banner's text, and the moment alone (for a sentence about it).
pub struct Past {
    pub read_at: ReadAt,
    pub keep: Vec<(String, String)>,
    pub banner: String,
    pub moment: String,
}

pub fn past(reader: &Reader) -> Result<Past, Problem> {
    let t = &reader.t;
    let mut keep = Vec::new();
    let mut query = form_urlencoded::Serializer::new(String::new());
    let mut banner = String::new();
    let mut moment = String::new();
    if let Some(value) = reader.param("as_of") {
        let at = form_time(value).ok_or_else(|| {
            reader.refused(Refusal::invalid(vec![domain::values::ValueError::new(
                "as_of",
                "not a time",
            )]))
        })?;
        banner = t.with("past-banner-time", &[("time", Arg::Text(at.clone()))]);
        moment = t.with("past-moment-time", &[("time", Arg::Text(at.clone()))]);
        query.append_pair("as_of", &at);
        keep.push(("as_of".to_owned(), at));
    }
    if let Some(value) = reader.param("at_position") {
        let position = [("position", Arg::Text(value.to_owned()))];
        banner = t.with("past-banner-position", &position);
        moment = t.with("past-moment-position", &position);
        query.append_pair("at_position", value);
        keep.push(("at_position".to_owned(), value.to_owned()));
    }
    let read_at = ReadAt::parse(&query.finish()).map_err(|r| reader.refused(r))?;
    read_at
        .permit(&reader.caller)
        .map_err(|r| reader.refused(r))?;
    Ok(Past {
        read_at,
        keep,
        banner,
        moment,
    })
}

#[derive(Template)]
#[template(path = "audit/as_of.html")]
struct AsOfPage {
    t: Tr,
    chrome: Chrome,
    errors: Errors,
    moment: Input,
    position: Input,
    head: i64,
    slider: i64,
    step: i64,
    /// What the chosen moment shows.
    summary: String,
    map_href: String,
    statistics_href: String,
}

pub async fn page(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    if let Some(answer) = gate(&reader, Access::AUDITORS) {
        return answer;
    }
    let t = reader.t.clone();
    let head = web
        .app
        .log
        .feed()
        .head_position()
        .await
        .map_err(|e| reader.refused(e.into()))?;
    let mut errors = Errors::default();
    let mut status = StatusCode::OK;
    let mut summary = String::new();
    let (mut map_href, mut statistics_href) = (String::new(), String::new());
    match past(&reader) {
        Ok(chosen) if chosen.read_at.is_historical() => {
            match statistics::tallies(&web.app, &reader.caller, &chosen.read_at).await {
                Ok(tallies) => {
                    summary = t.with(
                        "audit-as-of-summary",
                        &[
                            ("moment", Arg::Text(chosen.moment.clone())),
                            ("initiatives", Arg::Number(tallies.total.initiatives as f64)),
                            ("firms", Arg::Number(tallies.total.firms as f64)),
                        ],
                    );
                    map_href = with_lang("/", &chosen.keep, t.language);
                    statistics_href = with_lang("/statistics", &chosen.keep, t.language);
                }
                Err(Refusal::Invalid { .. }) => {
                    errors = field_error(&t, &reader);
                    status = StatusCode::BAD_REQUEST;
                }
                Err(other) => return Err(reader.refused(other)),
            }
        }
        Ok(_) => {}
        Err(_) => {
            errors = field_error(&t, &reader);
            status = StatusCode::BAD_REQUEST;
        }
    }
    let value = |name: &str| reader.param(name).unwrap_or_default().to_owned();
    let mut moment = Input::new("as_of", t.get("audit-field-as-of"), "datetime-local")
        .value(value("as_of"))
        .hint(t.get("audit-field-time-hint"));
    let mut position = Input::new("at_position", t.get("audit-field-at-position"), "number")
        .value(value("at_position"))
        .hint(t.with(
            "audit-field-at-position-hint",
            &[("head", Arg::Number(head as f64))],
        ));
    errors.place(std::slice::from_mut(&mut moment));
    errors.place(std::slice::from_mut(&mut position));
    let slider = reader
        .param("at_position")
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| (0..=head).contains(p))
        .unwrap_or(head);
    let chrome = Chrome::new(
        &reader,
        &web.site,
        t.get("audit-as-of-title"),
        "/audit/as-of",
    )
    .private()
    .in_section(Section::Audit);
    let page = AsOfPage {
        t,
        chrome,
        errors,
        moment,
        position,
        head,
        slider,
        step: (head / 50).max(1),
        summary,
        map_href,
        statistics_href,
    };
    Ok(render(status, &page))
}

/// The error beside whichever of the two fields was given.
fn field_error(t: &Tr, reader: &Reader) -> Errors {
    let field = if reader.param("as_of").is_some() {
        "as_of"
    } else {
        "at_position"
    };
    Errors {
        summary: t.get("form-has-errors"),
        fields: vec![(
            field.to_owned(),
            t.get(&format!("audit-error-{}", field.replace('_', "-"))),
        )],
    }
}
