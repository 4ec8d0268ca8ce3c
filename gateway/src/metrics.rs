//! Prometheus metrics: HTTP requests by route and status (count and latency), commands by
//! aggregate and outcome, and the feed's head against each projection's position.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CommandLabels {
    pub aggregate: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ProjectionLabels {
    pub projection: String,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RouteLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    commands: Family<CommandLabels, Counter>,
    pub feed_head: Gauge,
    pub projection_position: Family<ProjectionLabels, Gauge>,
    pub projection_lag: Family<ProjectionLabels, Gauge>,
    pub projection_failed: Family<ProjectionLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("articula");
        let requests = Family::<RouteLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            // 0.5 ms … ~4 s: the read models answer in well under a millisecond, writes in a few.
            Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
                0.0005, 2.0, 14,
            ))
        });
        let commands = Family::<CommandLabels, Counter>::default();
        let feed_head = Gauge::default();
        let projection_position = Family::<ProjectionLabels, Gauge>::default();
        let projection_lag = Family::<ProjectionLabels, Gauge>::default();
        let projection_failed = Family::<ProjectionLabels, Gauge>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests",
            latency.clone(),
        );
        registry.register(
            "commands",
            "Commands executed, by outcome",
            commands.clone(),
        );
        registry.register(
            "feed_head_position",
            "Highest global position in the event log",
            feed_head.clone(),
        );
        registry.register(
            "projection_position",
            "Global position of the last event each projection applied",
            projection_position.clone(),
        );
        registry.register(
            "projection_lag_events",
            "Head position minus the projection's position (approximate on PostgreSQL, where \
             positions are not in commit order)",
            projection_lag.clone(),
        );
        registry.register(
            "projection_failed",
            "1 if the projection stopped at an event it cannot apply",
            projection_failed.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            commands,
            feed_head,
            projection_position,
            projection_lag,
            projection_failed,
        }
    }
}

impl Metrics {
    pub fn record_command(&self, aggregate: &str, outcome: &str) {
        self.commands
            .get_or_create(&CommandLabels {
                aggregate: aggregate.to_string(),
                outcome: outcome.to_string(),
            })
            .inc();
    }

    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// Counts and times every request by its route template (not its raw path, which would make a
/// label per id) and status.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    let labels = RouteLabels {
        method,
        route,
        status: response.status().as_u16(),
    };
    metrics.requests.get_or_create(&labels).inc();
    metrics
        .latency
        .get_or_create(&labels)
        .observe(started.elapsed().as_secs_f64());
    response
}
