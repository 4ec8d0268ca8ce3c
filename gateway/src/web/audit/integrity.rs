//! `/audit/integrity`: verifying the log from the browser. `?verify=chain` recomputes both hash
//! chains over the whole log (`ok` with the count and the head hash, or the first break and
//! why); `?projection=<name>` rebuilds one projection beside the live one and lists where they
//! differ. Both are reads, so the forms are GET forms; the page answers once the work is done
//! (the browser shows it loading meanwhile). A link downloads the log as NDJSON.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::super::form::{Errors, Input};
use super::super::i18n::{Arg, Tr};
use super::super::page::{render, with_lang, Chrome, Problem, Reader, Section};
use super::super::Web;
use super::{asked, gate, query_string};
use crate::access::Access;
use crate::app::audit::integrity::{self, PROJECTIONS};

/// What the chain's verification found.
struct ChainResult {
    ok: bool,
    summary: String,
    head_hash: String,
    /// The event where it breaks: its record's page.
    record_href: String,
    reason: String,
}

struct ProjectionResult {
    summary: String,
    equal: bool,
    differences: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "audit/integrity.html")]
struct IntegrityPage {
    t: Tr,
    chrome: Chrome,
    projection: Input,
    errors: Errors,
    chain: Option<ChainResult>,
    compared: Option<ProjectionResult>,
    export: String,
}

pub async fn page(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    if let Some(answer) = gate(&reader, Access::AUDITORS) {
        return answer;
    }
    let t = reader.t.clone();
    let recorded = query_string(&reader, &["verify", "projection"]);
    let mut errors = Errors::default();
    let mut status = StatusCode::OK;
    let chain = if reader.param("verify") == Some("chain") {
        let report = integrity::verify_chain(&web.app, &reader.caller, asked(&reader, &recorded))
            .await
            .map_err(|r| reader.refused(r))?;
        Some(match report.first_break {
            None => ChainResult {
                ok: true,
                summary: t.with(
                    "audit-chain-ok",
                    &[
                        ("events", Arg::Number(report.events as f64)),
                        ("streams", Arg::Number(report.streams as f64)),
                    ],
                ),
                head_hash: report.head_hash.map(|h| h.to_hex()).unwrap_or_default(),
                record_href: String::new(),
                reason: String::new(),
            },
            Some(broken) => ChainResult {
                ok: false,
                summary: t.with(
                    "audit-chain-broken",
                    &[
                        ("position", Arg::Number(broken.position as f64)),
                        ("kind", Arg::Text(broken.aggregate_type.clone())),
                        ("id", Arg::Text(broken.aggregate_id.clone())),
                        ("sequence", Arg::Number(broken.sequence as f64)),
                        ("checked", Arg::Number(report.events as f64)),
                    ],
                ),
                head_hash: String::new(),
                record_href: if broken.aggregate_type.is_empty() {
                    String::new()
                } else {
                    with_lang(
                        &format!(
                            "/audit/records/{}/{}",
                            broken.aggregate_type, broken.aggregate_id
                        ),
                        &[],
                        t.language,
                    )
                },
                reason: broken.reason,
            },
        })
    } else {
        None
    };
    let asked_projection = reader.param("projection").map(str::to_owned);
    let compared = match &asked_projection {
        Some(name) if integrity::projection_name(name).is_err() => {
            errors = Errors {
                summary: t.get("form-has-errors"),
                fields: vec![("projection".into(), t.get("audit-error-projection"))],
            };
            status = StatusCode::BAD_REQUEST;
            None
        }
        Some(name) => {
            let check = integrity::verify_projection(
                &web.app,
                &reader.caller,
                name,
                asked(&reader, &recorded),
            )
            .await
            .map_err(|r| reader.refused(r))?;
            let summary = if let Some(why) = &check.rebuild_failed {
                t.with(
                    "audit-projection-rebuild-failed",
                    &[("reason", Arg::Text(why.clone()))],
                )
            } else if check.equal {
                t.with(
                    "audit-projection-equal",
                    &[
                        ("name", Arg::Text(check.projection.clone())),
                        ("position", Arg::Number(check.position as f64)),
                    ],
                )
            } else {
                t.with(
                    "audit-projection-differs",
                    &[
                        ("name", Arg::Text(check.projection.clone())),
                        ("position", Arg::Number(check.position as f64)),
                    ],
                )
            };
            Some(ProjectionResult {
                summary,
                equal: check.equal,
                differences: check
                    .differences
                    .into_iter()
                    .map(|d| {
                        (
                            d.path,
                            d.live.map(|v| v.to_string()).unwrap_or_default(),
                            d.rebuilt.map(|v| v.to_string()).unwrap_or_default(),
                        )
                    })
                    .collect(),
            })
        }
        None => None,
    };
    let mut projection = Input::new("projection", t.get("audit-field-projection"), "select")
        .options(
            PROJECTIONS
                .iter()
                .map(|p| (p.to_string(), p.to_string()))
                .collect(),
        )
        .value(asked_projection.unwrap_or_else(|| "map".into()));
    errors.place(std::slice::from_mut(&mut projection));
    let chrome = Chrome::new(
        &reader,
        &web.site,
        t.get("audit-integrity-title"),
        "/audit/integrity",
    )
    .private()
    .in_section(Section::Audit);
    let page = IntegrityPage {
        t,
        chrome,
        projection,
        errors,
        chain,
        compared,
        export: "/audit/export.ndjson".into(),
    };
    Ok(render(status, &page))
}
