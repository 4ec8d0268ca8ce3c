//! Liveness, readiness and metrics.

use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use store::SchemaStatus;
use utoipa::ToSchema;
use utoipa_axum::routes;

use crate::access::{Access, ApiRoutes};
use crate::metrics::{ProjectionLabels, StatusLabels};
use crate::state::AppState;
use crate::tasks::TaskState;

/// Health, readiness and metrics are open to anyone: load balancers and Prometheus scrape them
/// without credentials, and they carry no personal or business data.
pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Access::Public, routes!(health))
        .route(Access::Public, routes!(ready))
        .route(Access::Public, routes!(metrics))
}

#[derive(Serialize, ToSchema)]
struct Health {
    status: &'static str,
}

/// The process is up and serving HTTP. Nothing else is checked: a load balancer should not
/// restart an instance because its database is briefly away.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "The process is serving", body = Health)))]
async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[derive(Serialize, ToSchema)]
struct Readiness {
    ready: bool,
    store: String,
    migrations: String,
    projections: Vec<ProjectionReadiness>,
    /// `ok`, or `degraded: …` when notification mail cannot go out (it waits; readiness is
    /// not affected, since the API works without it).
    mail: String,
    /// The supervised background tasks, with their failures (readiness is affected only
    /// through the projections they keep current).
    tasks: Vec<TaskState>,
}

#[derive(Serialize, ToSchema)]
struct ProjectionReadiness {
    name: &'static str,
    caught_up: bool,
    position: i64,
    events_applied: u64,
    failed: Option<String>,
}

/// How long `/ready` waits for the database: it answers within about a second whatever the
/// database does, so that a load balancer's check never hangs.
const STORE_CHECK: Duration = Duration::from_millis(800);

/// Ready to take traffic: the store answers, its schema is this binary's, and every projection
/// has caught up with the feed and has not stopped on an event. Answers within a second.
#[utoipa::path(get, path = "/ready", tag = "operations", responses(
    (status = 200, description = "Ready to take traffic", body = Readiness),
    (status = 503, description = "Not ready: the body says what is missing", body = Readiness)))]
async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    let readiness = readiness(&state).await;
    let status = if readiness.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(readiness))
}

async fn readiness(state: &AppState) -> Readiness {
    let db = state.log.database();
    let checked = tokio::time::timeout(STORE_CHECK, async {
        let store = match db.ping().await {
            Ok(()) => "ok".to_string(),
            Err(error) => {
                tracing::warn!(%error, "readiness: store unreachable");
                "unreachable".to_string()
            }
        };
        let migrations = match db.schema_status().await {
            Ok(SchemaStatus::Current) => "current".to_string(),
            Ok(SchemaStatus::Behind) => "pending (run `articula migrate`)".to_string(),
            Err(error) if error.is_unavailable() => "unknown (store unreachable)".to_string(),
            Err(error) => error.to_string(),
        };
        (store, migrations)
    })
    .await;
    let (store, migrations) = checked.unwrap_or_else(|_| {
        tracing::warn!("readiness: the store did not answer in time");
        (
            format!(
                "unreachable (no answer within {} ms)",
                STORE_CHECK.as_millis()
            ),
            "unknown (store unreachable)".to_string(),
        )
    });
    let projections: Vec<_> = state
        .projection_statuses()
        .into_iter()
        .map(|s| ProjectionReadiness {
            name: s.name,
            caught_up: s.caught_up,
            position: s.position.position,
            events_applied: s.events_applied,
            failed: s.failed,
        })
        .collect();
    let ready = store == "ok"
        && migrations == "current"
        && projections
            .iter()
            .all(|p| p.caught_up && p.failed.is_none());
    Readiness {
        ready,
        store,
        migrations,
        projections,
        mail: state.mail.describe(),
        tasks: state.tasks.states(),
    }
}

/// Prometheus/OpenMetrics text: requests, latencies, commands, feed head, projection lag.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text")))]
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let metrics = &state.metrics;
    // Gauges read from the database when scraped, each bounded like `/ready`'s checks.
    let ready = readiness(&state).await;
    metrics.ready.set(i64::from(ready.ready));
    metrics
        .mail_degraded
        .set(i64::from(ready.mail.starts_with("degraded")));
    let db = state.log.database();
    if let Ok(Ok(unsealed)) =
        tokio::time::timeout(STORE_CHECK, store::chain::unsealed_count(db)).await
    {
        metrics.chain_unsealed.set(unsealed);
    }
    let notifications = store::notifications::Notifications::new(db);
    if let Ok(Ok((pending, failed))) =
        tokio::time::timeout(STORE_CHECK, notifications.pending_and_failed()).await
    {
        for (status, count) in [("pending", pending), ("failed", failed)] {
            metrics
                .notifications
                .get_or_create(&StatusLabels {
                    status: status.to_string(),
                })
                .set(count);
        }
    }
    let applied_as_committed = state.engine.applied_as_committed();
    metrics
        .applied_as_committed
        .set(i64::try_from(applied_as_committed).unwrap_or(i64::MAX));
    // The feed gauges are read when scraped, so they are never stale.
    if let Ok(Ok(head)) = tokio::time::timeout(STORE_CHECK, state.log.feed().head_position()).await
    {
        metrics.feed_head.set(head);
        // The keeper runs in the idle scheduling class: on an instance whose cores are busy for
        // long it falls behind, and this shows how far.
        if let Ok(Ok(kept)) =
            tokio::time::timeout(STORE_CHECK, state.keeper.newest_complete()).await
        {
            let kept = kept.map_or(0, |at| at.position);
            metrics.history_lag.set((head - kept).max(0));
        }
        for status in state.projection_statuses() {
            let labels = ProjectionLabels {
                projection: status.name.to_string(),
            };
            let position = status.position.position;
            metrics
                .projection_position
                .get_or_create(&labels)
                .set(position);
            let lag = if status.caught_up {
                0
            } else {
                (head - position).max(0)
            };
            metrics.projection_lag.get_or_create(&labels).set(lag);
            metrics
                .projection_failed
                .get_or_create(&labels)
                .set(i64::from(status.failed.is_some()));
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.encode(),
    )
}
