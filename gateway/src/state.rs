use std::sync::Arc;
use std::time::Duration;

use projections::{Engine, EngineBuilder, ProjectionStatus, ReadModels};
use store::{EventLog, Snapshots};

use domain::community::Community;
use domain::initiative::Initiative;
use domain::joint_project::JointProject;
use domain::publication::Publication;
use domain::thread::Thread;
use store::CommandBus;

use crate::access::{AccountService, Limits};
use crate::metrics::Metrics;
use crate::Settings;

/// What every handler can reach: the event log, accounts and limits, the read models and the
/// engine that keeps them current, and the metrics.
#[derive(Clone)]
pub struct AppState {
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
    /// How long commands and `min_position` reads wait for the read models.
    pub read_wait: Duration,
    pub metrics: Arc<Metrics>,
    /// Whether notification mail is going out (`/ready` reports it).
    pub mail: Arc<crate::notify::MailHealth>,
}

impl AppState {
    /// Builds the state and starts the projection engine (restoring snapshots, then catching up
    /// with the feed in the background).
    pub fn new(log: EventLog, settings: &Settings) -> Self {
        let mut builder =
            EngineBuilder::new(log.feed()).with_snapshots(Snapshots::new(log.database().clone()));
        let read = ReadModels::register(&mut builder);
        let engine = Arc::new(builder.build());
        engine.spawn();
        // The global hash chain is sealed a moment after each commit (store::chain).
        store::chain::spawn_sealer(&log);
        Self {
            read,
            engine,
            read_wait: Duration::from_millis(settings.read_wait_ms),
            accounts: AccountService::new(&log, settings),
            initiatives: Arc::new(log.commands(())),
            communities: Arc::new(log.commands(())),
            threads: Arc::new(log.commands(())),
            joint_projects: Arc::new(log.commands(())),
            publications: Arc::new(log.commands(())),
            limits: Arc::new(Limits::new(settings)),
            log,
            metrics: Arc::new(Metrics::default()),
            mail: Arc::default(),
        }
    }

    /// The status of every projection this instance runs.
    pub fn projection_statuses(&self) -> Vec<ProjectionStatus> {
        self.engine.statuses()
    }
}
