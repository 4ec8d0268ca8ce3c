use std::time::{Duration, Instant};

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, AggregateError, EventEnvelope, EventStore};

use crate::event_log::CommitSignals;
use crate::group_commit::postgres::PgAppends;
use crate::{AggregateStore, Database, EventMetadata, FeedPosition, StoreError};

/// How many aggregates of one type each instance keeps in memory.
const DEFAULT_CACHE_CAPACITY: usize = 10_000;

/// Executes commands for one aggregate type: load, decide, append, and report where the new
/// events landed in the global feed.
///
/// It does what cqrs-es's `CqrsFramework::execute_with_metadata` does, minus the in-process
/// query dispatch (projections read the feed instead, so a crash between commit and dispatch
/// cannot lose an update), plus the answer a client needs for read-your-writes: the position of
/// the last event written.
pub struct CommandBus<A: Aggregate> {
    store: AggregateStore<A>,
    services: A::Services,
    signals: CommitSignals,
}

/// What a successful command wrote.
#[derive(Debug)]
pub struct Committed<A: Aggregate> {
    pub events: Vec<EventEnvelope<A>>,
    /// Where the last event sits in the feed; `None` if the command wrote nothing.
    pub last: Option<FeedPosition>,
    /// The stream's version after the command (unchanged if it wrote nothing).
    pub version: usize,
    /// How long its steps took (the server reports them per stage in `/metrics`).
    pub stages: Stages,
}

/// How long each step of a command took; a command decided twice (after a conflict on cached
/// state) adds both tries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stages {
    /// Loading the stream's state (from the cache or the database).
    pub load: Duration,
    /// The aggregate's decision.
    pub decide: Duration,
    /// Writing the events (with the chain's hashes and any idempotency record).
    pub append: Duration,
}

impl<A: Aggregate> Committed<A> {
    /// The global position of the last event written (what a client waits for).
    pub fn last_position(&self) -> Option<i64> {
        self.last.map(|at| at.position)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError<E: std::error::Error> {
    /// The aggregate refused the command: a rule of the domain.
    #[error(transparent)]
    Rejected(E),
    /// Another writer appended to the same stream first; nothing was written.
    #[error("the record was changed by someone else at the same time; read it again and retry")]
    Conflict,
    /// The caller expected the stream at another version (an HTTP `If-Match`); nothing was
    /// decided or written.
    #[error("the record is at version {current}, not {expected}; read it again")]
    VersionMismatch { expected: usize, current: usize },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<A> CommandBus<A>
where
    A: Aggregate + Clone,
    A::Command: Clone,
{
    pub(crate) fn new(
        db: Database,
        signals: CommitSignals,
        appends: PgAppends,
        services: A::Services,
    ) -> Self {
        Self {
            store: AggregateStore::appending(&db, DEFAULT_CACHE_CAPACITY, appends),
            services,
            signals,
        }
    }

    /// The underlying cqrs-es event store (for loading state, e.g. to show it).
    pub fn store(&self) -> &AggregateStore<A> {
        &self.store
    }

    /// Loads the stream `aggregate_id` as stored now (the cached state if it is at the stored
    /// version, else read from the database: [`AggregateStore::load_current`]), with its errors
    /// read as a command's are: the database being away is `Unavailable`, as for a write.
    pub async fn load_fresh(
        &self,
        aggregate_id: &str,
    ) -> Result<crate::LoadedAggregate<A>, CommandError<A::Error>> {
        self.store
            .load_current(aggregate_id)
            .await
            .map_err(from_aggregate_error)
    }

    /// The stream `aggregate_id` as this instance knows it: its cached state when that has
    /// events, else as stored. Exact only for what an aggregate never changes once written (the
    /// community a thread is in); anything else is read with [`Self::load_fresh`].
    pub async fn load_known(
        &self,
        aggregate_id: &str,
    ) -> Result<crate::LoadedAggregate<A>, CommandError<A::Error>> {
        let loaded = self.load_cached(aggregate_id).await?;
        if loaded.from_cache && loaded.version == 0 {
            // "No such stream" may have changed since: only a stream with events is known.
            return self.load_fresh(aggregate_id).await;
        }
        Ok(loaded)
    }

    /// Runs `command` against the stream `aggregate_id` and appends what it decided.
    ///
    /// If the state came from the cache and the append conflicts, the cache may simply have been
    /// behind another instance's write: the command is decided once more against the stream as
    /// stored. A second conflict is a real one and is reported.
    pub async fn execute(
        &self,
        aggregate_id: &str,
        command: A::Command,
        metadata: EventMetadata,
    ) -> Result<Committed<A>, CommandError<A::Error>> {
        self.execute_expecting(aggregate_id, command, metadata, None)
            .await
    }

    /// [`Self::execute`], but only if the stream is at version `expected` (when given): a
    /// client that read version 7 and sends `If-Match: "7"` must not change what it has not
    /// seen. The version is checked against the stream as stored, and the append itself is
    /// conditional on it; a write landing in between makes this a [`CommandError::VersionMismatch`]
    /// (never a second decision on state the caller has not read).
    pub async fn execute_expecting(
        &self,
        aggregate_id: &str,
        command: A::Command,
        metadata: EventMetadata,
        expected: Option<usize>,
    ) -> Result<Committed<A>, CommandError<A::Error>> {
        let started = Instant::now();
        let loaded = self.load_cached(aggregate_id).await?;
        self.run(loaded, started, command, metadata, expected).await
    }

    /// The stream's cached state, or as stored when it is not cached.
    async fn load_cached(
        &self,
        aggregate_id: &str,
    ) -> Result<crate::LoadedAggregate<A>, CommandError<A::Error>> {
        self.store
            .load_aggregate(aggregate_id)
            .await
            .map_err(from_aggregate_error)
    }

    /// [`Self::execute_expecting`] on a stream whose id this instance has just made (a new
    /// initiative's): it cannot have events yet, so the command is decided on the empty stream
    /// without a read. Were it to exist after all, the append would conflict and the command be
    /// decided again on the stream as stored, as after a stale cache entry.
    pub async fn execute_new(
        &self,
        aggregate_id: &str,
        command: A::Command,
        metadata: EventMetadata,
        expected: Option<usize>,
    ) -> Result<Committed<A>, CommandError<A::Error>> {
        let started = Instant::now();
        let empty = crate::LoadedAggregate::empty(aggregate_id);
        self.run(empty, started, command, metadata, expected).await
    }

    /// A command's decision and append on `loaded` (from the cache, the database or assumed
    /// empty), checked against `expected`, decided once more on a conflict that stale state
    /// may explain.
    async fn run(
        &self,
        mut loaded: crate::LoadedAggregate<A>,
        started: Instant,
        command: A::Command,
        metadata: EventMetadata,
        expected: Option<usize>,
    ) -> Result<Committed<A>, CommandError<A::Error>> {
        let aggregate_id = loaded.aggregate_id.clone();
        let aggregate_id = aggregate_id.as_str();
        if let Some(expected) = expected {
            if loaded.from_cache && loaded.version != expected {
                loaded = self
                    .store
                    .load_fresh(aggregate_id)
                    .await
                    .map_err(from_aggregate_error)?;
            }
            if loaded.version != expected {
                return Err(CommandError::VersionMismatch {
                    expected,
                    current: loaded.version,
                });
            }
        }
        let from_cache = loaded.from_cache;
        let mut stages = Stages {
            load: started.elapsed(),
            ..Stages::default()
        };
        match self
            .decide_and_append(loaded, command.clone(), &metadata, &mut stages)
            .await
        {
            Err(CommandError::Conflict) if from_cache || expected.is_some() => {
                let reloading = Instant::now();
                let fresh = self
                    .store
                    .load_fresh(aggregate_id)
                    .await
                    .map_err(from_aggregate_error)?;
                // The version the caller read was current when checked, and a write landed
                // since: deciding again on the newer state would change what they have not seen,
                // and the caller is told the stream moved on (412), whether the state checked
                // came from the cache or from the database.
                if let Some(expected) = expected {
                    if fresh.version != expected {
                        return Err(CommandError::VersionMismatch {
                            expected,
                            current: fresh.version,
                        });
                    }
                }
                if !from_cache {
                    return Err(CommandError::Conflict);
                }
                stages.load += reloading.elapsed();
                self.decide_and_append(fresh, command, &metadata, &mut stages)
                    .await
            }
            other => other,
        }
    }

    async fn decide_and_append(
        &self,
        mut loaded: crate::LoadedAggregate<A>,
        command: A::Command,
        metadata: &EventMetadata,
        stages: &mut Stages,
    ) -> Result<Committed<A>, CommandError<A::Error>> {
        let deciding = Instant::now();
        let sink = EventSink::<A>::default();
        loaded
            .to_change()
            .handle(command, &self.services, &sink)
            .await
            .map_err(CommandError::Rejected)?;
        let events = sink.collect().await;
        let version = loaded.version + events.len();
        stages.decide += deciding.elapsed();
        let appending = Instant::now();
        let (events, last) = self
            .store
            .append(
                events,
                loaded,
                metadata.clone().into_map(),
                crate::repository::Conditions::of(metadata),
            )
            .await
            .map_err(from_aggregate_error)?;
        stages.append += appending.elapsed();
        if let Some(last) = last {
            // Wakes this process's feed readers at once, and has the other processes told.
            self.signals.committed_here(last);
        }
        Ok(Committed {
            events,
            last,
            version,
            stages: *stages,
        })
    }
}

/// A command decided against the stream as stored, its events not yet written. Several of these,
/// from different streams and aggregate types, are written all or nothing with
/// [`crate::EventLog::commit_together`].
pub struct Decided<'b, A: Aggregate> {
    bus: &'b CommandBus<A>,
    loaded: crate::LoadedAggregate<A>,
    events: Vec<A::Event>,
}

/// A decided command's events, serialised, waiting for the joint append; it remembers how to
/// update its bus's cache once the append is through.
pub struct PendingAppend<'b> {
    pub(crate) aggregate_type: &'static str,
    pub(crate) events: Vec<cqrs_es::persist::SerializedEvent>,
    pub(crate) hashes: Vec<crate::chain::EventHash>,
    pub(crate) keyed: Option<crate::IdempotentWrite>,
    pub(crate) session: Option<crate::SessionGuard>,
    pub(crate) committed: Box<dyn FnOnce(bool) + Send + 'b>,
}

impl<A> CommandBus<A>
where
    A: Aggregate + Clone,
    A::Command: Clone,
{
    /// Decides `command` against the stream as stored (never the cache: a joint append is worth
    /// a fresh read), without writing anything yet.
    pub async fn decide(
        &self,
        aggregate_id: &str,
        command: A::Command,
    ) -> Result<Decided<'_, A>, CommandError<A::Error>> {
        let mut loaded = self
            .store
            .load_fresh(aggregate_id)
            .await
            .map_err(from_aggregate_error)?;
        let sink = EventSink::<A>::default();
        loaded
            .to_change()
            .handle(command, &self.services, &sink)
            .await
            .map_err(CommandError::Rejected)?;
        Ok(Decided {
            bus: self,
            loaded,
            events: sink.collect().await,
        })
    }
}

impl<'b, A> Decided<'b, A>
where
    A: Aggregate + Clone,
    A::Command: Clone,
{
    /// Decides a further command on the same stream, after the ones before it; all their events
    /// are written together.
    pub async fn then(mut self, command: A::Command) -> Result<Self, CommandError<A::Error>> {
        let sink = EventSink::<A>::default();
        self.loaded
            .to_change()
            .handle(command, &self.bus.services, &sink)
            .await
            .map_err(CommandError::Rejected)?;
        self.events.extend(sink.collect().await);
        Ok(self)
    }

    /// The state the stream will have once the events are written.
    pub fn aggregate(&self) -> &A {
        &self.loaded.aggregate
    }

    /// Serialises the events with `metadata`, ready for [`crate::EventLog::commit_together`].
    pub fn into_pending(self, metadata: &EventMetadata) -> Result<PendingAppend<'b>, StoreError> {
        let keyed = metadata.idempotency.clone();
        let session = metadata.session.clone();
        let metadata = metadata.clone().into_map();
        let first = self.loaded.version + 1;
        let events = self
            .events
            .into_iter()
            .enumerate()
            .map(|(offset, payload)| {
                cqrs_es::persist::SerializedEvent::try_from(&EventEnvelope::<A> {
                    aggregate_id: self.loaded.aggregate_id.clone(),
                    sequence: first + offset,
                    payload,
                    metadata: metadata.clone(),
                })
                .map_err(|e| StoreError::Persistence(format!("an event cannot be stored: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let version = self.loaded.version + events.len();
        let hashes = crate::repository::stream_hashes(A::TYPE, &events, self.loaded.last_hash);
        let head = hashes.last().copied().unwrap_or(self.loaded.last_hash);
        let store = &self.bus.store;
        let loaded = self.loaded;
        Ok(PendingAppend {
            aggregate_type: A::TYPE,
            events,
            hashes,
            keyed,
            session,
            committed: Box::new(move |written| {
                if written {
                    store.remember_committed(
                        &loaded.aggregate_id,
                        &loaded.aggregate,
                        version,
                        head,
                    );
                } else {
                    store.evict(&loaded.aggregate_id);
                }
            }),
        })
    }
}

impl PendingAppend<'_> {
    /// How many events it will write.
    pub fn event_count(&self) -> usize {
        self.events.len()
    }
}

pub(crate) fn from_aggregate_error<E: std::error::Error>(
    error: AggregateError<E>,
) -> CommandError<E> {
    match error {
        AggregateError::UserError(e) => CommandError::Rejected(e),
        AggregateError::AggregateConflict => CommandError::Conflict,
        AggregateError::DatabaseConnectionError(e) => {
            CommandError::Store(StoreError::Unavailable(e.to_string()))
        }
        // postgres-es and sqlite-es call a pool timeout or a server shutting down "unknown".
        AggregateError::UnexpectedError(e)
            if e.downcast_ref::<sqlx::Error>()
                .is_some_and(crate::error::is_unavailable) =>
        {
            CommandError::Store(StoreError::Unavailable(e.to_string()))
        }
        AggregateError::DeserializationError(e) => CommandError::Store(StoreError::Persistence(
            format!("a stored event cannot be read: {e}"),
        )),
        AggregateError::UnexpectedError(e) if e.is::<crate::idempotency::ClaimLost>() => {
            CommandError::Store(StoreError::IdempotencyClaimLost)
        }
        AggregateError::UnexpectedError(e) if e.is::<crate::sessions::SessionRefused>() => {
            CommandError::Store(StoreError::SessionRefused)
        }
        AggregateError::UnexpectedError(e) => {
            CommandError::Store(StoreError::Persistence(e.to_string()))
        }
    }
}
