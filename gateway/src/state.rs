use std::sync::Arc;

use projections::{
    AccountDirectory, EventCounts, GatheringCalendar, ProjectionHandle, ProjectionStatus,
};
use store::EventLog;

use domain::community::Community;
use domain::initiative::Initiative;
use domain::joint_project::JointProject;
use domain::publication::Publication;
use domain::thread::Thread;
use store::CommandBus;

use crate::access::{AccountService, Limits};
use crate::metrics::Metrics;
use crate::Settings;

/// What every handler can reach: the event log, accounts and limits, the running projections
/// and the metrics.
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
    pub event_counts: ProjectionHandle<EventCounts>,
    pub directory: ProjectionHandle<AccountDirectory>,
    pub calendar: ProjectionHandle<GatheringCalendar>,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(log: EventLog, settings: &Settings) -> Self {
        let event_counts = ProjectionHandle::spawn(&log.feed(), EventCounts::default());
        let directory = ProjectionHandle::spawn(&log.feed(), AccountDirectory::default());
        let calendar = ProjectionHandle::spawn(&log.feed(), GatheringCalendar::default());
        Self {
            directory,
            calendar,
            accounts: AccountService::new(&log, settings),
            initiatives: Arc::new(log.commands(())),
            communities: Arc::new(log.commands(())),
            threads: Arc::new(log.commands(())),
            joint_projects: Arc::new(log.commands(())),
            publications: Arc::new(log.commands(())),
            limits: Arc::new(Limits::new(settings)),
            log,
            event_counts,
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// The status of every projection this instance runs.
    pub fn projection_statuses(&self) -> Vec<ProjectionStatus> {
        vec![
            self.event_counts.status(),
            self.directory.status(),
            self.calendar.status(),
        ]
    }
}
