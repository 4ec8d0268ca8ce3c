//! `/admin/operations`: how the service is doing (`app::operations`) — each projection's
//! position, lag behind the feed's head and why it stopped if it did; the sealer; the notifier
//! and the mail it failed to send, with the reasons and a button to try again; the supervised tasks; a link to
//! `/metrics` — and the platform's vocabulary as it stands (sectors, kinds, maturity stages).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::values::{InitiativeKind, MaturityStage, Sector};

use super::super::account::see_other;
use super::super::i18n::{code_of, Tr};
use super::super::page::{render, Chrome, Problem, Reader, Section};
use super::super::Web;
use super::gate;
use crate::access::Access;
use crate::app::operations;

struct ProjectionRow {
    name: String,
    position: i64,
    lag: i64,
    applied: u64,
    state: String,
    failed: String,
}

struct FailureRow {
    id: String,
    event: i64,
    recipient: String,
    kind: String,
    attempts: i64,
    reason: String,
}

struct TaskRow {
    name: String,
    failures: u64,
    last_failure: String,
}

#[derive(Template)]
#[template(path = "admin/operations.html")]
struct OperationsPage {
    t: Tr,
    chrome: Chrome,
    notice: String,
    head: i64,
    unsealed: i64,
    notifier_position: i64,
    mail_pending: i64,
    mail_failed: i64,
    mail: String,
    projections: Vec<ProjectionRow>,
    failures: Vec<FailureRow>,
    tasks: Vec<TaskRow>,
    /// `(code, label)` of each vocabulary.
    sectors: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    maturities: Vec<(String, String)>,
}

fn vocabulary<T: serde::Serialize>(t: &Tr, name: &str, all: &[T]) -> Vec<(String, String)> {
    all.iter()
        .map(|v| {
            let code = code_of(v);
            (code.clone(), t.label(name, &code))
        })
        .collect()
}

pub async fn page(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    if let Some(answer) = gate(&reader, Access::ADMINS) {
        return answer;
    }
    let t = reader.t.clone();
    let now = operations::read(&web.app, &reader.caller)
        .await
        .map_err(|r| reader.refused(r))?;
    let projections = now
        .projections
        .iter()
        .map(|p| ProjectionRow {
            name: p.name.to_owned(),
            position: p.position.position,
            lag: (now.head - p.position.position).max(0),
            applied: p.events_applied,
            state: t.get(match (&p.failed, p.caught_up) {
                (Some(_), _) => "admin-projection-failed",
                (None, true) => "admin-projection-caught-up",
                (None, false) => "admin-projection-catching-up",
            }),
            failed: p.failed.clone().unwrap_or_default(),
        })
        .collect();
    let failures = now
        .failures
        .iter()
        .map(|n| FailureRow {
            id: n.id.clone(),
            event: n.event_position,
            recipient: n.recipient.clone(),
            kind: n.kind.clone(),
            attempts: n.attempts,
            reason: n.last_error.clone().unwrap_or_default(),
        })
        .collect();
    let tasks = now
        .tasks
        .iter()
        .map(|task| TaskRow {
            name: task.name.to_owned(),
            failures: task.failures,
            last_failure: task.last_failure.clone().unwrap_or_default(),
        })
        .collect();
    let chrome = Chrome::new(
        &reader,
        &web.site,
        t.get("admin-operations-title"),
        "/admin/operations",
    )
    .private()
    .in_section(Section::Admin);
    let notice = if reader.param("done") == Some("retried") {
        t.get("admin-done-retried")
    } else {
        String::new()
    };
    let page = OperationsPage {
        notice,
        head: now.head,
        unsealed: now.unsealed,
        notifier_position: now.notifier_position,
        mail_pending: now.mail_pending,
        mail_failed: now.mail_failed,
        mail: now.mail,
        projections,
        failures,
        tasks,
        sectors: vocabulary(&t, "sector", Sector::ALL),
        kinds: vocabulary(&t, "kind", InitiativeKind::ALL),
        maturities: vocabulary(&t, "maturity", MaturityStage::ALL),
        t,
        chrome,
    };
    Ok(render(StatusCode::OK, &page))
}

/// Puts a failed notification back in the notifier's queue.
pub async fn retry(
    State(web): State<Web>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    if let Some(answer) = gate(&reader, Access::ADMINS) {
        return answer;
    }
    operations::retry(&web.app, &reader.caller, &id)
        .await
        .map_err(|r| reader.refused(r))?;
    Ok(see_other(&reader, "/admin/operations?done=retried"))
}
