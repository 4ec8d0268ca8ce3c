use std::sync::Arc;
use std::time::Duration;

use projections::{Engine, EngineBuilder, HistoryKeeper, ProjectionStatus, ReadModels};
use store::{EventLog, ProjectionHistory, Snapshots};

use domain::community::Community;
use domain::initiative::Initiative;
use domain::joint_project::JointProject;
use domain::publication::Publication;
use domain::thread::Thread;
use store::CommandBus;

use crate::access::{AccountService, Limits};
use crate::metrics::Metrics;
use crate::tasks::Tasks;
use crate::Settings;

/// What every handler can reach: the event log, accounts and limits, the read models and the
/// engine that keeps them current, and the metrics ([`Shared`], behind one reference count).
///
/// Every extractor and layer of every request clones the state. Cloning the fields one by one
/// moved some thirty reference counts, on cache lines every core shares: at 64 connections
/// reading the map, a third of this process's CPU went to cloning and dropping the state. A
/// clone of this handle moves one.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The state itself (see [`AppState`]).
pub struct Shared {
    pub log: EventLog,
    pub accounts: Arc<AccountService>,
    pub initiatives: Arc<CommandBus<Initiative>>,
    pub communities: Arc<CommandBus<Community>>,
    pub threads: Arc<CommandBus<Thread>>,
    pub joint_projects: Arc<CommandBus<JointProject>>,
    pub publications: Arc<CommandBus<Publication>>,
    pub limits: Arc<Limits>,
    pub read: ReadModels,
    pub engine: Arc<Engine>,
    /// Every read model's state at places along the feed, where as-of reads start folding.
    pub history: ProjectionHistory,
    /// What keeps that history (a background task), asked by `/metrics` how far behind it is.
    pub keeper: HistoryKeeper,
    /// How long commands and `min_position` reads wait for the read models.
    pub read_wait: Duration,
    pub metrics: Arc<Metrics>,
    /// Whether notification mail is going out (`/ready` reports it).
    pub mail: Arc<crate::notify::MailHealth>,
    /// The supervised background tasks (`/ready` and `/metrics` report them).
    pub tasks: Tasks,
    /// How long a pending `Idempotency-Key` holds before its request may run again.
    pub idempotency_takeover: chrono::Duration,
    /// The public answers of `GET /v1/initiatives/{id}`, kept by version.
    pub initiative_answers: crate::http::initiatives::PublicAnswers,
}

impl AppState {
    /// Builds the state and starts the projection engine (restoring snapshots, then catching up
    /// with the feed in the background).
    pub fn new(log: EventLog, settings: &Settings) -> Self {
        let history = ProjectionHistory::new(log.database().clone());
        let mut builder = EngineBuilder::new(log.feed())
            .with_snapshots(Snapshots::new(log.database().clone()))
            .with_history(history.clone());
        let read = ReadModels::register(&mut builder);
        let engine = Arc::new(builder.build());
        // This process's commits reach the read models as they are made, when the store is sure
        // where they fall in the feed, without waiting to be read back from it
        // (`projections::engine::committed`).
        let watcher: std::sync::Weak<dyn store::CommitWatcher> = Arc::<Engine>::downgrade(&engine);
        log.tell_commits_to(watcher);
        let metrics = Arc::new(Metrics::default());
        let tasks = Tasks::new(metrics.clone());
        // Snapshots are restored on the first run only; a restart resumes from the checkpoints.
        // The task holds the engine weakly, so that dropping the state ends it.
        let mut first_run = true;
        let projections = Arc::downgrade(&engine);
        tasks.spawn("projections", move || {
            let restore = std::mem::take(&mut first_run);
            let run = projections.upgrade().map(|engine| engine.run(restore));
            async move {
                if let Some(run) = run {
                    run.await;
                }
            }
        });
        // The global hash chain is sealed a moment after each commit (store::chain).
        let sealed = log.clone();
        let report = Arc::new(tasks.reporter("sealer"));
        tasks.spawn("sealer", move || {
            let report = report.clone();
            store::chain::run_sealer(&sealed, move |why| report(why))
        });
        let keeper = history_keeper(&log, &history, settings);
        let check = Duration::from_secs(settings.history_check_secs.max(1));
        spawn_history_keeper(&tasks, keeper.clone(), check, &engine);
        Self(Arc::new(Shared {
            read,
            engine,
            history,
            keeper,
            read_wait: Duration::from_millis(settings.read_wait_ms),
            accounts: AccountService::new(&log, settings),
            initiatives: Arc::new(log.commands(())),
            communities: Arc::new(log.commands(())),
            threads: Arc::new(log.commands(())),
            joint_projects: Arc::new(log.commands(())),
            publications: Arc::new(log.commands(())),
            limits: Arc::new(Limits::new(settings)),
            log,
            metrics,
            mail: Arc::default(),
            tasks,
            idempotency_takeover: i64::try_from(settings.idempotency_takeover_secs)
                .ok()
                .and_then(chrono::Duration::try_seconds)
                .unwrap_or(chrono::Duration::MAX),
            initiative_answers: Default::default(),
        }))
    }

    /// The status of every projection this instance runs.
    pub fn projection_statuses(&self) -> Vec<ProjectionStatus> {
        self.engine.statuses()
    }
}

/// The keeper of every read model's history, as this instance runs it.
pub fn history_keeper(
    log: &EventLog,
    history: &ProjectionHistory,
    settings: &Settings,
) -> HistoryKeeper {
    let register: projections::Register = |builder| {
        ReadModels::register(builder);
    };
    HistoryKeeper::new(
        log.feed(),
        history.clone(),
        register,
        settings.history_every_events,
    )
}

/// Keeps the projection history (see [`HistoryKeeper`]) once this instance's read models have
/// caught up with the feed, so that a start does not fold the log twice at once.
fn spawn_history_keeper(
    tasks: &Tasks,
    keeper: HistoryKeeper,
    check: Duration,
    engine: &Arc<Engine>,
) {
    let live = Arc::downgrade(engine);
    let report = Arc::new(tasks.reporter("history"));
    tasks.spawn("history", move || {
        let keeper = keeper.clone();
        let live = live.clone();
        let report = report.clone();
        async move {
            loop {
                let Some(engine) = live.upgrade() else {
                    return;
                };
                if engine
                    .statuses()
                    .iter()
                    .all(|s| s.caught_up || s.failed.is_some())
                {
                    break;
                }
                drop(engine);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            keeper.run(check, move |why| report(why)).await;
        }
    });
}
