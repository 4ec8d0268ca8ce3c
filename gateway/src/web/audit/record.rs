//! `/audit/records/{kind}/{id}`: every version of a record (each event of its stream, with who
//! wrote it, through which command and why) and, chosen in a form, the differences between the
//! states after two versions (`?a=&b=`). Whether the stream's hash chain holds is said on top.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::super::form::{Errors, Input};
use super::super::i18n::{Arg, Tr};
use super::super::page::{render, Chrome, Problem, Reader, Section};
use super::super::Web;
use super::events::{rows, EventRow};
use super::{asked, gate, query_string};
use crate::access::Access;
use crate::app::audit::history::{self, Stream};

struct Difference {
    path: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "audit/record.html")]
struct RecordPage {
    t: Tr,
    chrome: Chrome,
    heading: String,
    id: String,
    chain: String,
    chain_ok: bool,
    inputs: Vec<Input>,
    errors: Errors,
    compared: String,
    differences: Vec<Difference>,
    events: Vec<EventRow>,
}

pub async fn page(
    State(web): State<Web>,
    reader: Reader,
    Path((kind, raw_id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    if let Some(answer) = gate(&reader, Access::AUDITORS) {
        return answer;
    }
    let t = reader.t.clone();
    let (aggregate, id) = history::stream_id(&kind, &raw_id).map_err(|r| reader.refused(r))?;
    let recorded = query_string(&reader, &["a", "b"]);
    let found = history::read(
        &web.app,
        &reader.caller,
        Stream {
            kind: aggregate,
            id: &id,
        },
        asked(&reader, &recorded),
    )
    .await
    .map_err(|r| reader.refused(r))?;
    let last = found.events.last().map_or(0, |(e, _)| e.sequence);
    let version = |name: &str| -> Result<Option<i64>, ()> {
        match reader.param(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=last).contains(n))
                .map(Some)
                .ok_or(()),
        }
    };
    let mut errors = Errors::default();
    let mut status = StatusCode::OK;
    let (a, b) = (version("a"), version("b"));
    for (name, parsed) in [("a", &a), ("b", &b)] {
        if parsed.is_err() {
            errors
                .fields
                .push((name.to_owned(), t.get("audit-error-version")));
        }
    }
    let mut differences = Vec::new();
    let mut compared = String::new();
    if !errors.fields.is_empty() {
        errors.summary = t.get("form-has-errors");
        status = StatusCode::BAD_REQUEST;
    } else if let (Ok(Some(a)), Ok(Some(b))) = (&a, &b) {
        compared = t.with(
            "audit-record-compared",
            &[("a", Arg::Number(*a as f64)), ("b", Arg::Number(*b as f64))],
        );
        match found.differences(*a, *b) {
            Some(found) => {
                differences = found
                    .into_iter()
                    .map(|d| Difference {
                        path: if d.path.is_empty() {
                            "/".into()
                        } else {
                            d.path
                        },
                        before: d.live.map(|v| v.to_string()).unwrap_or_default(),
                        after: d.rebuilt.map(|v| v.to_string()).unwrap_or_default(),
                    })
                    .collect();
            }
            None => compared = t.get("audit-record-not-folded"),
        }
    }
    let options: Vec<(String, String)> = found
        .events
        .iter()
        .map(|(e, _)| {
            (
                e.sequence.to_string(),
                format!("{} · {}", e.sequence, e.event_type),
            )
        })
        .collect();
    let chosen = |name: &str, default: i64| {
        reader
            .param(name)
            .map(str::to_owned)
            .unwrap_or_else(|| default.to_string())
    };
    let mut inputs = vec![
        Input::new("a", t.get("audit-record-version-a"), "select")
            .options(options.clone())
            .value(chosen("a", (last - 1).max(1))),
        Input::new("b", t.get("audit-record-version-b"), "select")
            .options(options)
            .value(chosen("b", last)),
    ];
    errors.place(&mut inputs);
    let (chain_ok, chain) = match &found.chain_break {
        None => (true, t.get("audit-record-chain-ok")),
        Some(broken) => (
            false,
            t.with(
                "audit-record-chain-broken",
                &[
                    ("sequence", Arg::Number(broken.sequence as f64)),
                    ("reason", Arg::Text(broken.reason.clone())),
                ],
            ),
        ),
    };
    let events: Vec<_> = found.events.iter().map(|(e, _)| e.clone()).collect();
    let events = rows(&web.app, &t, &events)
        .await
        .map_err(|r| reader.refused(r))?;
    let kind_label = t.get(&format!("audit-kind-{}", aggregate.name.replace('_', "-")));
    let heading = t.with("audit-record-heading", &[("kind", Arg::Text(kind_label))]);
    let path = format!("/audit/records/{}/{id}", aggregate.name);
    let chrome = Chrome::new(&reader, &web.site, heading.clone(), &path)
        .private()
        .in_section(Section::Audit);
    let page = RecordPage {
        t,
        chrome,
        heading,
        id,
        chain,
        chain_ok,
        inputs,
        errors,
        compared,
        differences,
        events,
    };
    Ok(render(status, &page))
}
