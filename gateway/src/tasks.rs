//! Background tasks under supervision: the projection engine, the chain sealer, the notifier and
//! the mail sender. Each runs in a loop that outlives its own failures: a panic is caught, logged
//! at ERROR, counted in `/metrics` (`articula_background_task_failures_total{task}`), shown in
//! `/ready` (`tasks`), and the task starts again after a back-off that doubles from 100 ms up to
//! 30 s (and starts over once a run has lasted a minute). A task whose future ends normally has
//! finished on purpose (its owner is gone) and is not restarted.
//!
//! Transient failures (the database away for a moment) are retried inside each task, where it
//! knows what to keep; supervision is the backstop for what nobody foresaw. The task reports
//! each such error with [`Tasks::trouble`], so it is counted and shown like a panic (in the same
//! counter and `/ready` entry) while the task goes on.

use std::collections::BTreeMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::FutureExt;
use serde::Serialize;

use crate::metrics::Metrics;

const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const LONGEST_BACKOFF: Duration = Duration::from_secs(30);
/// A run this long counts as healthy: the next failure backs off from the start again.
const HEALTHY_RUN: Duration = Duration::from_secs(60);

/// Where a supervised task stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskRun {
    Running,
    /// Failed, waiting out its back-off before starting again.
    Restarting,
    /// Not running here: finished, or (notifier, sender) another instance holds the work.
    Stopped,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskState {
    pub name: &'static str,
    pub run: TaskRun,
    /// Failures since this process started: panics, and errors the task retried itself.
    pub failures: u64,
    pub last_failure: Option<String>,
    pub last_failure_at: Option<DateTime<Utc>>,
}

/// The supervised tasks of this process and how each is doing.
#[derive(Clone)]
pub struct Tasks {
    states: Arc<RwLock<BTreeMap<&'static str, TaskState>>>,
    metrics: Arc<Metrics>,
}

impl Tasks {
    pub fn new(metrics: Arc<Metrics>) -> Self {
        Self {
            states: Arc::default(),
            metrics,
        }
    }

    /// Every task supervised so far, by name.
    pub fn states(&self) -> Vec<TaskState> {
        self.states
            .read()
            .map(|states| states.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Spawns `make()` on the runtime under supervision as `name`.
    pub fn spawn<F, Fut>(&self, name: &'static str, make: F) -> tokio::task::JoinHandle<()>
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        tokio::spawn(self.supervise(name, make))
    }

    /// Runs `make()` under supervision as `name`, in place: restarted after each panic, until
    /// one run ends normally. Dropping the returned future stops the task (the notifier does
    /// when this instance loses its election).
    pub fn supervise<F, Fut>(
        &self,
        name: &'static str,
        mut make: F,
    ) -> impl Future<Output = ()> + Send + 'static
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let tasks = self.clone();
        async move {
            let _stopped = StopGuard {
                tasks: tasks.clone(),
                name,
            };
            let mut backoff = FIRST_BACKOFF;
            loop {
                tasks.set_run(name, TaskRun::Running);
                let started = Instant::now();
                let outcome = AssertUnwindSafe(make()).catch_unwind().await;
                let Err(panic) = outcome else {
                    return;
                };
                if started.elapsed() >= HEALTHY_RUN {
                    backoff = FIRST_BACKOFF;
                }
                let why = panic_message(panic.as_ref());
                tracing::error!(task = name, reason = %why, retry_in_ms = backoff.as_millis() as u64,
                    "a background task failed; restarting it");
                tasks.failed(name, why);
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(LONGEST_BACKOFF);
            }
        }
    }

    /// Records an error task `name` met and is retrying itself (it keeps running): counted in
    /// `/metrics` and shown in `/ready` as its last failure.
    pub fn trouble(&self, name: &'static str, why: String) {
        self.metrics.count_task_failure(name);
        self.record_failure(name, why);
    }

    /// A reporter of task `name`'s errors, for code that does not know the supervisor.
    pub fn reporter(&self, name: &'static str) -> impl Fn(String) + Send + Sync + 'static {
        let tasks = self.clone();
        move |why| tasks.trouble(name, why)
    }

    fn set_run(&self, name: &'static str, run: TaskRun) {
        self.metrics.set_task_up(name, run == TaskRun::Running);
        if let Ok(mut states) = self.states.write() {
            states
                .entry(name)
                .or_insert_with(|| TaskState {
                    name,
                    run: TaskRun::Running,
                    failures: 0,
                    last_failure: None,
                    last_failure_at: None,
                })
                .run = run;
        }
    }

    fn failed(&self, name: &'static str, why: String) {
        self.metrics.count_task_failure(name);
        self.set_run(name, TaskRun::Restarting);
        self.record_failure(name, why);
    }

    fn record_failure(&self, name: &'static str, why: String) {
        if let Ok(mut states) = self.states.write() {
            if let Some(state) = states.get_mut(name) {
                state.failures += 1;
                state.last_failure = Some(why);
                state.last_failure_at = Some(Utc::now());
            }
        }
    }
}

/// Marks a task stopped when its supervising future ends or is dropped.
struct StopGuard {
    tasks: Tasks,
    name: &'static str,
}

impl Drop for StopGuard {
    fn drop(&mut self) {
        self.tasks.set_run(self.name, TaskRun::Stopped);
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        format!("panicked: {text}")
    } else if let Some(text) = payload.downcast_ref::<String>() {
        format!("panicked: {text}")
    } else {
        "panicked".to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_panicking_task_is_counted_and_started_again_until_it_ends() {
        let metrics = Arc::new(Metrics::default());
        let tasks = Tasks::new(metrics.clone());
        let runs = Arc::new(AtomicU32::new(0));
        let counter = runs.clone();
        tasks
            .spawn("flaky", move || {
                let run = counter.fetch_add(1, Ordering::SeqCst);
                async move {
                    if run < 2 {
                        panic!("run {run} broke");
                    }
                }
            })
            .await
            .unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        let state = &tasks.states()[0];
        assert_eq!((state.name, state.failures), ("flaky", 2));
        assert_eq!(state.run, TaskRun::Stopped);
        assert_eq!(state.last_failure.as_deref(), Some("panicked: run 1 broke"));
        let text = metrics.encode();
        assert!(
            text.contains("articula_background_task_failures_total{task=\"flaky\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("articula_background_task_up{task=\"flaky\"} 0"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn an_error_a_task_retries_itself_is_counted_and_shown_while_it_runs() {
        let metrics = Arc::new(Metrics::default());
        let tasks = Tasks::new(metrics.clone());
        let report = tasks.reporter("sealer");
        let handle = tasks.spawn("sealer", move || {
            report("the database is away".to_string());
            std::future::pending::<()>()
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        let state = &tasks.states()[0];
        assert_eq!((state.run.clone(), state.failures), (TaskRun::Running, 1));
        assert_eq!(state.last_failure.as_deref(), Some("the database is away"));
        let text = metrics.encode();
        assert!(
            text.contains("articula_background_task_failures_total{task=\"sealer\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("articula_background_task_up{task=\"sealer\"} 1"),
            "{text}"
        );
        handle.abort();
    }

    #[tokio::test]
    async fn a_dropped_task_is_stopped_and_not_restarted() {
        let tasks = Tasks::new(Arc::new(Metrics::default()));
        let running = tasks.supervise("forever", std::future::pending::<()>);
        let handle = tokio::spawn(running);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(tasks.states()[0].run, TaskRun::Running);
        handle.abort();
        let _ = handle.await;
        assert_eq!(tasks.states()[0].run, TaskRun::Stopped);
    }
}
