//! `/audit/trace/{correlation}`: everything that shares a correlation id, as a tree of nested
//! lists: each request with its events, under the request that caused it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::super::i18n::{Arg, Tr};
use super::super::page::{render, Chrome, Problem, Reader, Section};
use super::super::Web;
use super::events::{rows, EventRow};
use super::{asked, gate, query_string};
use crate::access::Access;
use crate::app::audit::trace::{self, TraceNode};
use crate::app::Refusal;

/// The tree flattened into what the template writes in order: nested `<ul>`s of requests.
enum Step {
    OpenList,
    OpenRequest {
        request_id: String,
        events: Vec<EventRow>,
    },
    CloseRequest,
    CloseList,
}

#[derive(Template)]
#[template(path = "audit/trace.html")]
struct TracePage {
    t: Tr,
    chrome: Chrome,
    heading: String,
    steps: Vec<Step>,
}

fn flatten(
    nodes: Vec<TraceNode>,
    rows_of: &mut dyn FnMut(&TraceNode) -> Vec<EventRow>,
    steps: &mut Vec<Step>,
) {
    if nodes.is_empty() {
        return;
    }
    steps.push(Step::OpenList);
    for node in nodes {
        steps.push(Step::OpenRequest {
            request_id: node.request_id.clone(),
            events: rows_of(&node),
        });
        flatten(node.children, rows_of, steps);
        steps.push(Step::CloseRequest);
    }
    steps.push(Step::CloseList);
}

pub async fn page(
    State(web): State<Web>,
    reader: Reader,
    Path(correlation): Path<String>,
) -> Result<Response, Problem> {
    if let Some(answer) = gate(&reader, Access::AUDITORS) {
        return answer;
    }
    let t = reader.t.clone();
    let recorded = query_string(&reader, &[]);
    let roots = trace::trace(
        &web.app,
        &reader.caller,
        &correlation,
        asked(&reader, &recorded),
    )
    .await
    .map_err(|r| reader.refused(r))?;
    if roots.is_empty() {
        return Err(reader.refused(Refusal::NotFound(
            "no event carries this correlation id".into(),
        )));
    }
    // Every event of the tree, to look up the people's keys once.
    let mut all = Vec::new();
    let mut stack: Vec<&TraceNode> = roots.iter().collect();
    while let Some(node) = stack.pop() {
        all.extend(node.events.iter().cloned());
        stack.extend(node.children.iter());
    }
    let shown = rows(&web.app, &t, &all)
        .await
        .map_err(|r| reader.refused(r))?;
    let mut by_position: std::collections::HashMap<i64, EventRow> =
        shown.into_iter().map(|r| (r.position, r)).collect();
    let mut rows_of = |node: &TraceNode| {
        node.events
            .iter()
            .filter_map(|e| by_position.remove(&e.position))
            .collect()
    };
    let mut steps = Vec::new();
    flatten(roots, &mut rows_of, &mut steps);
    let heading = t.with(
        "audit-trace-heading",
        &[("correlation", Arg::Text(correlation.clone()))],
    );
    let chrome = Chrome::new(
        &reader,
        &web.site,
        t.get("audit-trace-title"),
        &format!("/audit/trace/{correlation}"),
    )
    .private()
    .in_section(Section::Audit);
    let page = TracePage {
        t,
        chrome,
        heading,
        steps,
    };
    Ok(render(StatusCode::OK, &page))
}
