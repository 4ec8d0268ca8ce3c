use std::sync::{Arc, Weak};
use std::time::Duration;

use cqrs_es::Aggregate;
use sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::command_bus::{from_aggregate_error, PendingAppend};
use crate::database::UNHURRIED_COMMIT;
use crate::feed::Commits;
use crate::group_commit::postgres::{PgAppends, WriteTurn};
use crate::held::HeldConnection;
use crate::repository::StreamAppend;
use crate::{
    CommandBus, CommandError, CommitWatcher, Database, EventRepository, Feed, FeedPosition,
};

/// The handle to the event log that the rest of the system holds: command buses to write, the
/// feed to read, and the wake-up signal that connects them.
#[derive(Clone)]
pub struct EventLog {
    db: Database,
    signals: CommitSignals,
    /// What its appends share on PostgreSQL (kept connections, groups), shared by every
    /// stream's bus.
    appends: PgAppends,
}

/// The channel on which every process announces its commits to the others.
const CHANNEL: &str = "articula_events";

/// The most often one process sends NOTIFY. NOTIFY inside every append transaction would take
/// PostgreSQL's notification-queue lock at each commit: measured here, that halves the rate of
/// single-event appends at 16 writers (5,038 → 2,469 transactions/s with pgbench). Announcing
/// after the commit, at most once per interval, costs a few hundred NOTIFYs a second at most.
const NOTIFY_INTERVAL: Duration = Duration::from_millis(2);

impl EventLog {
    /// Opens the log over a migrated database. On PostgreSQL it also announces this process's
    /// commits to the others and listens for theirs (LISTEN/NOTIFY); readers poll as well, so a
    /// writer that does not announce (a script, psql) is still read, only later.
    pub fn open(db: Database) -> Self {
        let (wake, _) = watch::channel(Commits::default());
        let wake = Arc::new(wake);
        let (local_commits, commits) = watch::channel(0u64);
        let local_commits = Arc::new(local_commits);
        let mut appends = PgAppends::default();
        if let Database::Postgres(pool) = &db {
            appends = PgAppends::on(pool);
            // Each log signs its announcements, so that it can tell its own when they come back.
            let origin = uuid::Uuid::new_v4().simple().to_string();
            tokio::spawn(listen_for_commits(
                pool.clone(),
                Arc::downgrade(&wake),
                origin.clone(),
            ));
            tokio::spawn(announce_commits(
                pool.clone(),
                commits,
                origin,
                appends.turn(),
            ));
        }
        Self {
            db,
            signals: CommitSignals {
                wake,
                local_commits,
            },
            appends,
        }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// The turn this log's appends take for their statements, for a worker of this process
    /// that writes beside them to take for its own ([`WriteTurn`]).
    pub fn write_turn(&self) -> WriteTurn {
        self.appends.turn()
    }

    /// Has `watcher` told of the events this log's appends commit, as they commit, with the
    /// place in the feed right before them, so that it need not wait to read them back from the
    /// feed (`group_commit::watchers`).
    pub fn tell_commits_to(&self, watcher: Weak<dyn CommitWatcher>) {
        match &self.db {
            Database::Sqlite(pool) => crate::group_commit::sqlite::watch(pool, watcher),
            Database::Postgres(_) => self.appends.watch(watcher),
        }
    }

    pub fn feed(&self) -> Feed {
        Feed::new(self.db.clone(), self.signals.wake.subscribe())
    }

    /// A command bus for aggregate type `A`. Each bus has its own cache; build one per type and
    /// keep it for the life of the process.
    pub fn commands<A>(&self, services: A::Services) -> CommandBus<A>
    where
        A: Aggregate + Clone,
        A::Command: Clone,
    {
        CommandBus::new(
            self.db.clone(),
            self.signals.clone(),
            self.appends.clone(),
            services,
        )
    }
}

impl EventLog {
    /// Writes several decided commands (see [`CommandBus::decide`]) all or nothing, and returns
    /// where the last event sits in the feed. If any stream was written by someone else since it
    /// was read, nothing is written and the answer is a conflict.
    pub async fn commit_together(
        &self,
        pending: Vec<PendingAppend<'_>>,
    ) -> Result<Option<FeedPosition>, CommandError<std::convert::Infallible>> {
        let repository = EventRepository::appending(&self.db, self.appends.clone());
        let streams: Vec<StreamAppend<'_>> = pending
            .iter()
            .map(|p| StreamAppend {
                aggregate_type: p.aggregate_type,
                events: &p.events,
                hashes: &p.hashes,
            })
            .collect();
        // The requests that decide together share their metadata, and so their key and session.
        let conditions = crate::repository::Conditions {
            keyed: pending.iter().find_map(|p| p.keyed.as_ref()),
            session: pending.iter().find_map(|p| p.session.as_ref()),
        };
        let result = repository.append_streams(&streams, conditions).await;
        drop(streams);
        let written = result.is_ok();
        for p in pending {
            (p.committed)(written);
        }
        let last = result.map_err(|e| from_aggregate_error(cqrs_es::AggregateError::from(e)))?;
        if let Some(last) = last {
            self.signals.committed_here(last);
        }
        Ok(last)
    }
}

/// What a commit of this process sets off: the wake-up of its feed's readers, and the
/// announcement to the other processes (on PostgreSQL, [`announce_commits`]).
#[derive(Clone)]
pub(crate) struct CommitSignals {
    wake: Arc<watch::Sender<Commits>>,
    local_commits: Arc<watch::Sender<u64>>,
}

impl CommitSignals {
    /// Signals a commit of this process whose last event is at `last`.
    pub(crate) fn committed_here(&self, last: FeedPosition) {
        self.wake
            .send_modify(|commits| commits.committed_here(last));
        self.local_commits.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// Forwards other processes' NOTIFYs to the in-process signal until the log is dropped. A lost
/// connection is retried; meanwhile readers fall back on polling, so nothing is missed, only
/// later. This log's own announcements (payload `origin`) are skipped: its commits woke the
/// readers already, and a second wake-up cost every follower of the feed a read that found
/// nothing (measured in PostgreSQL's statement log: two feed reads per follower per commit).
async fn listen_for_commits(
    pool: sqlx::PgPool,
    wake: Weak<watch::Sender<Commits>>,
    origin: String,
) {
    let mut backoff = Duration::from_millis(100);
    loop {
        if wake.strong_count() == 0 {
            return;
        }
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for new events; polling meanwhile");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
                continue;
            }
        };
        if let Err(error) = listener.listen(CHANNEL).await {
            tracing::warn!(%error, "cannot listen for new events; polling meanwhile");
            tokio::time::sleep(backoff).await;
            continue;
        }
        backoff = Duration::from_millis(100);
        // `try_recv` is awaited to completion, never cancelled: dropping it mid-message could
        // lose a notification. The task ends at the first message after the log is dropped.
        loop {
            let received = listener.try_recv().await;
            let Some(wake) = wake.upgrade() else {
                return;
            };
            match received {
                // `None` means the connection dropped and sqlx reconnects; a commit may have
                // been announced meanwhile, so readers look once more either way.
                Ok(Some(notice)) if notice.payload() == origin => {}
                Ok(_) => wake.send_modify(Commits::committed_elsewhere),
                Err(error) => {
                    tracing::warn!(%error, "lost the event notification channel; reconnecting");
                    break;
                }
            }
        }
    }
}

/// Sends one NOTIFY after local commits, coalescing bursts, until the log is dropped.
///
/// NOTIFY gives its transaction an id, so its commit is logged and, by default, waits for the
/// disk like an append's: one more sync of the log for each announcement, which the next
/// append's commit then waited behind (measured with `articula bench http` at 1 client: the
/// append took 0.73 ms in the server against 0.22 ms for the same statement alone under
/// pgbench). The announcement writes nothing that a crash could lose (the events it announces
/// were committed, durably, before it was sent, and a listener learns of commits by reading the
/// feed), so its transaction commits without waiting ([`UNHURRIED_COMMIT`]); PostgreSQL delivers
/// a notification when its transaction commits, not when the commit reaches the disk.
///
/// Each announcement waits for the appends' [`WriteTurn`]: a NOTIFY's transaction running while
/// an append's statement begins leaves the statement unsure of its place in the feed.
async fn announce_commits(
    pool: sqlx::PgPool,
    mut commits: watch::Receiver<u64>,
    origin: String,
    turn: WriteTurn,
) {
    let announce = format!("SELECT pg_notify($1, $2) WHERE {UNHURRIED_COMMIT}");
    // One statement after another for the life of the process: a kept connection spares each
    // the pool's test on its return ([`HeldConnection`]).
    let held = HeldConnection::of(&pool);
    while commits.changed().await.is_ok() {
        let (announce, origin, turn) = (announce.clone(), origin.clone(), turn.clone());
        let sent = held.run(move |connection| {
            Box::pin(async move {
                let notify = sqlx::query(&announce).bind(CHANNEL).bind(&origin);
                turn.during(notify.execute(connection)).await
            })
        });
        if let Err(error) = sent.await {
            // Other processes still poll; a failed announcement only delays them.
            tracing::debug!(%error, "could not announce new events");
        }
        tokio::time::sleep(NOTIFY_INTERVAL).await;
    }
}
