//! `/audit/log`: the event log as a timeline, filtered by kind of record, record id, event type,
//! actor, correlation id and time range, a page at a time (the cursor of `app::audit::log`);
//! and `/audit/export.ndjson`, the same selection (or the whole log) as an NDJSON download.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use super::super::form::{Errors, Input};
use super::super::i18n::Tr;
use super::super::page::{render, with_lang, Chrome, Problem, Reader, Section};
use super::super::Web;
use super::events::{rows, EventRow};
use super::{asked, form_time, gate};
use crate::access::Access;
use crate::app::audit::known::AGGREGATES;
use crate::app::audit::{log, EventsQuery};
use crate::app::Refusal;
use crate::http::audit::view::EventView;

/// The filters the form offers, in its order (`from` and `to` are times).
const FILTERS: [&str; 7] = [
    "aggregate_type",
    "aggregate_id",
    "event_type",
    "actor",
    "correlation_id",
    "from",
    "to",
];

/// Events per page of the timeline.
const PER_PAGE: usize = 50;

#[derive(Template)]
#[template(path = "audit/log.html")]
struct LogPage {
    t: Tr,
    chrome: Chrome,
    inputs: Vec<Input>,
    errors: Errors,
    events: Vec<EventRow>,
    next: String,
    first: String,
    export: String,
    filtered: bool,
}

/// Query parameters, in order.
type Pairs = Vec<(String, String)>;

/// The filters given, as the use case reads them (form times made RFC 3339), and each field
/// the use case refuses.
fn filters(reader: &Reader) -> (Pairs, Pairs) {
    let mut given = Vec::new();
    for name in FILTERS {
        if let Some(value) = reader.param(name) {
            let value = match name {
                "from" | "to" => form_time(value).unwrap_or_else(|| value.to_owned()),
                _ => value.trim().to_owned(),
            };
            given.push((name.to_owned(), value));
        }
    }
    let wrong = given
        .iter()
        .filter(|(k, v)| {
            let one = form_urlencoded::Serializer::new(String::new())
                .append_pair(k, v)
                .finish();
            EventsQuery::parse(&one).is_err()
        })
        .map(|(k, _)| (k.clone(), String::new()))
        .collect();
    (given, wrong)
}

fn encode(pairs: &[(String, String)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        serializer.append_pair(k, v);
    }
    serializer.finish()
}

pub async fn page(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    if let Some(answer) = gate(&reader, Access::AUDITORS) {
        return answer;
    }
    let t = reader.t.clone();
    let (given, wrong) = filters(&reader);
    let mut errors = Errors::default();
    let mut status = StatusCode::OK;
    let mut events = Vec::new();
    let mut next = String::new();
    if wrong.is_empty() {
        let mut with_paging = given.clone();
        with_paging.push(("limit".into(), PER_PAGE.to_string()));
        if let Some(cursor) = reader.param("cursor") {
            with_paging.push(("cursor".into(), cursor.to_owned()));
        }
        let query_text = encode(&with_paging);
        match EventsQuery::parse(&query_text) {
            Ok(query) => {
                // The filters as parsed (an email address as an actor is refused by then).
                let recorded = query_text.as_str();
                let page = log::page(&web.app, &reader.caller, &query, asked(&reader, recorded))
                    .await
                    .map_err(|r| reader.refused(r))?;
                events = rows(&web.app, &t, &page.events)
                    .await
                    .map_err(|r| reader.refused(r))?;
                if let Some(cursor) = page.next_cursor {
                    let mut following = given.clone();
                    following.push(("cursor".into(), cursor));
                    next = with_lang("/audit/log", &following, t.language);
                }
            }
            Err(Refusal::Invalid { .. }) => {
                errors = Errors::whole(t.get("audit-log-error-query"));
                status = StatusCode::BAD_REQUEST;
            }
            Err(other) => return Err(reader.refused(other)),
        }
    } else {
        errors = Errors {
            summary: t.get("form-has-errors"),
            fields: wrong
                .iter()
                .map(|(k, _)| {
                    (
                        k.clone(),
                        t.get(&format!("audit-error-{}", k.replace('_', "-"))),
                    )
                })
                .collect(),
        };
        status = StatusCode::BAD_REQUEST;
    }
    let value = |name: &str| reader.param(name).unwrap_or_default().to_owned();
    let mut types = vec![(String::new(), t.get("audit-any"))];
    types.extend(AGGREGATES.iter().map(|k| {
        (
            k.name.to_owned(),
            t.get(&format!("audit-kind-{}", k.name.replace('_', "-"))),
        )
    }));
    let mut inputs = vec![
        Input::new(
            "aggregate_type",
            t.get("audit-field-aggregate-type"),
            "select",
        )
        .options(types)
        .value(value("aggregate_type")),
        Input::new("aggregate_id", t.get("audit-field-aggregate-id"), "text")
            .value(value("aggregate_id")),
        Input::new("event_type", t.get("audit-field-event-type"), "text")
            .value(value("event_type"))
            .hint(t.get("audit-field-event-type-hint")),
        Input::new("actor", t.get("audit-field-actor"), "text")
            .value(value("actor"))
            .hint(t.get("audit-field-actor-hint")),
        Input::new("correlation_id", t.get("audit-field-correlation"), "text")
            .value(value("correlation_id")),
        Input::new("from", t.get("audit-field-from"), "datetime-local")
            .value(value("from"))
            .hint(t.get("audit-field-time-hint")),
        Input::new("to", t.get("audit-field-to"), "datetime-local")
            .value(value("to"))
            .hint(t.get("audit-field-time-hint")),
    ];
    errors.place(&mut inputs);
    let export = if given.is_empty() {
        "/audit/export.ndjson".to_owned()
    } else {
        format!("/audit/export.ndjson?{}", encode(&given))
    };
    let chrome = Chrome::new(&reader, &web.site, t.get("audit-log-title"), "/audit/log")
        .private()
        .in_section(Section::Audit);
    let page = LogPage {
        first: with_lang("/audit/log", &given, t.language),
        filtered: !given.is_empty(),
        t,
        chrome,
        inputs,
        errors,
        events,
        next,
        export,
    };
    Ok(render(status, &page))
}

/// The selection as NDJSON, one event per line as the API's export writes it.
pub async fn export(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    if let Some(answer) = gate(&reader, Access::AUDITORS) {
        return answer;
    }
    let (given, wrong) = filters(&reader);
    if !wrong.is_empty() {
        return Err(reader.refused(Refusal::invalid_input("a filter is not valid")));
    }
    let recorded = encode(&given);
    let query = EventsQuery::parse(&recorded).map_err(|r| reader.refused(r))?;
    let lines = log::export(
        &web.app,
        &reader.caller,
        query,
        asked(&reader, &recorded),
        |e| EventView::from(e),
    )
    .await
    .map_err(|r| reader.refused(r))?;
    let mut response = crate::http::audit::events::ndjson(lines);
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"articula-log.ndjson\""),
    );
    Ok(response)
}
