//! Prometheus metrics: HTTP requests by route and status (count and latency), commands by
//! aggregate and outcome, and the feed's head against each projection's position.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use store::Stages;

use crate::http::layers::Rest;

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

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StageLabels {
    pub stage: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TaskLabels {
    pub task: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabels {
    pub status: String,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RouteLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    commands: Family<CommandLabels, Counter>,
    stages: Family<StageLabels, Histogram>,
    pub feed_head: Gauge,
    pub projection_position: Family<ProjectionLabels, Gauge>,
    pub projection_lag: Family<ProjectionLabels, Gauge>,
    pub projection_failed: Family<ProjectionLabels, Gauge>,
    task_failures: Family<TaskLabels, Counter>,
    recalled: Family<OutcomeLabels, Counter>,
    task_up: Family<TaskLabels, Gauge>,
    /// Events not yet linked into the global chain (read when scraped).
    pub chain_unsealed: Gauge,
    /// Notifications by delivery status, `pending` and `failed` (read when scraped).
    pub notifications: Family<StatusLabels, Gauge>,
    /// 1 while notification mail cannot go out.
    pub mail_degraded: Gauge,
    /// 1 when `/ready` would answer 200 (read when scraped).
    pub ready: Gauge,
    /// Events after the newest place of the projection history (read when scraped).
    pub history_lag: Gauge,
    /// Events the read models applied as this instance's commits were made (read when scraped).
    pub applied_as_committed: Gauge,
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
        let stages = Family::<StageLabels, Histogram>::new_with_constructor(|| {
            // 10 µs … ~1.3 s: a decision takes microseconds, a wait for the read models more.
            Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
                0.00001, 2.0, 18,
            ))
        });
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
        let task_failures = Family::<TaskLabels, Counter>::default();
        let recalled = Family::<OutcomeLabels, Counter>::default();
        let task_up = Family::<TaskLabels, Gauge>::default();
        let chain_unsealed = Gauge::default();
        let notifications = Family::<StatusLabels, Gauge>::default();
        let mail_degraded = Gauge::default();
        let ready = Gauge::default();
        let history_lag = Gauge::default();
        let applied_as_committed = Gauge::default();
        registry.register(
            "background_task_failures",
            "Failures (panics) of supervised background tasks, each followed by a restart",
            task_failures.clone(),
        );
        registry.register(
            "recalled_writes",
            "Writes run under a session read lately (`access::recalled`), by how its check \
             ended: verified by the append, checked after (unchanged), ran_again (the account \
             changed) or refused (the session ended)",
            recalled.clone(),
        );
        registry.register(
            "background_task_up",
            "1 while the background task runs, 0 while it waits to restart or runs elsewhere",
            task_up.clone(),
        );
        registry.register(
            "chain_unsealed_events",
            "Events committed but not yet linked into the global hash chain",
            chain_unsealed.clone(),
        );
        registry.register(
            "notifications",
            "Notifications waiting to be sent (pending) or given up on (failed)",
            notifications.clone(),
        );
        registry.register(
            "mail_degraded",
            "1 while notification mail cannot go out",
            mail_degraded.clone(),
        );
        registry.register(
            "ready",
            "1 when the instance is ready to take traffic",
            ready.clone(),
        );
        registry.register(
            "history_lag_events",
            "Head position minus the newest place at which every projection's history is kept: \
             as-of reads after it fold up to this many events",
            history_lag.clone(),
        );
        registry.register(
            "projection_events_applied_as_committed",
            "Events this instance's read models applied as its own commits were made, since it \
             started, rather than as read back from the feed (docs/read-models.md)",
            applied_as_committed.clone(),
        );
        registry.register(
            "command_stage_seconds",
            "Where a command request's time goes: authenticate (session and account), load, \
             decide, append, read_your_writes (waiting for this instance's read models) and \
             other (parsing, routing, answering)",
            stages.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            commands,
            stages,
            feed_head,
            projection_position,
            projection_lag,
            projection_failed,
            task_failures,
            recalled,
            task_up,
            chain_unsealed,
            notifications,
            mail_degraded,
            ready,
            history_lag,
            applied_as_committed,
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

    /// A write run under a recalled session, and how its check ended.
    pub fn count_recalled(&self, outcome: &'static str) {
        self.recalled
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    pub fn count_task_failure(&self, task: &str) {
        self.task_failures
            .get_or_create(&TaskLabels {
                task: task.to_string(),
            })
            .inc();
    }

    pub fn set_task_up(&self, task: &str, up: bool) {
        self.task_up
            .get_or_create(&TaskLabels {
                task: task.to_string(),
            })
            .set(i64::from(up));
    }

    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// Counts and times every request by its route template (not its raw path, which would make a
/// label per id) and status: the web console's middleware.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    timed(&metrics, request, next).await
}

/// Counts and times `request`, run by `rest`, as [`track`] does: the outermost of the API's
/// layers ([`crate::http::layers`]).
pub async fn timed(metrics: &Metrics, request: Request, rest: impl Rest) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = rest.run(request).await;
    let labels = RouteLabels {
        method,
        route,
        status: response.status().as_u16(),
    };
    let elapsed = started.elapsed();
    metrics.requests.get_or_create(&labels).inc();
    metrics
        .latency
        .get_or_create(&labels)
        .observe(elapsed.as_secs_f64());
    if let Some(command) = response.extensions().get::<Stages>() {
        metrics.record_stages(&StageTimes::of(&response, command, elapsed));
    }
    response
}

/// How long the access check took to know the caller (its session and account); set on the
/// response by `access::rules::authorize`.
#[derive(Debug, Clone, Copy)]
pub struct Authenticated(pub Duration);

/// How long a write's answer waited for this instance's read models; set on the response by
/// `http::reading::read_your_writes`.
#[derive(Debug, Clone, Copy)]
pub struct ReadYourWritesWait(pub Duration);

/// One command request's time, by stage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StageTimes {
    pub authenticate: Duration,
    pub command: Stages,
    pub read_your_writes: Duration,
    /// The rest of the request: parsing, routing, the other layers, answering.
    pub other: Duration,
}

impl StageTimes {
    fn of(response: &Response, command: &Stages, total: Duration) -> Self {
        let authenticate = response
            .extensions()
            .get::<Authenticated>()
            .map_or(Duration::ZERO, |a| a.0);
        let read_your_writes = response
            .extensions()
            .get::<ReadYourWritesWait>()
            .map_or(Duration::ZERO, |w| w.0);
        let counted =
            authenticate + command.load + command.decide + command.append + read_your_writes;
        Self {
            authenticate,
            command: *command,
            read_your_writes,
            other: total.saturating_sub(counted),
        }
    }
}

impl Metrics {
    fn record_stages(&self, times: &StageTimes) {
        for (stage, time) in [
            ("authenticate", times.authenticate),
            ("load", times.command.load),
            ("decide", times.command.decide),
            ("append", times.command.append),
            ("read_your_writes", times.read_your_writes),
            ("other", times.other),
        ] {
            self.stages
                .get_or_create(&StageLabels { stage })
                .observe(time.as_secs_f64());
        }
    }
}
