use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use cqrs_es::persist::{PersistedEventRepository, PersistenceError, SerializedEvent};
use cqrs_es::{Aggregate, AggregateContext, AggregateError, EventEnvelope, EventStore};
use lru::LruCache;

use crate::chain::EventHash;
use crate::coalesce::{BatchError, Coalesced};
use crate::group_commit::postgres::PgAppends;
use crate::quick_read::{stream_version, QuickReads};
use crate::repository::stream_hashes;
use crate::repository::Conditions;
use crate::{Database, EventRepository, FeedPosition};

/// A cqrs-es `EventStore` that keeps recently used aggregates in memory.
///
/// Why not cqrs-es's own stores: the plain event store reloads a stream's whole history for
/// every command (a stream of 2,000 events costs 2,000 rows per command), and the snapshot and
/// aggregate stores of 0.5.0 apply newly committed events a second time when they save state.
///
/// Correctness does not rest on the cache. The state handed to a command comes with the stream
/// version it was built from, and the append inserts the next sequence numbers under the event
/// table's primary key: if another writer (another request, another instance) got there first,
/// the append fails as a conflict and the entry is dropped, so the next load reads the database.
/// The state cached after a commit is the one the command's `EventSink` already applied the new
/// events to; nothing is applied twice.
///
/// States are shared, not copied: a load hands out the cached [`Arc`], a read uses it as it is,
/// and a command copies it once, when it first changes it ([`Arc::make_mut`]), and caches its
/// copy after the commit. A thread of a thousand posts is one state that every read of it and
/// every reply would otherwise have copied whole, a command twice (out of the cache and back in).
pub struct AggregateStore<A: Aggregate> {
    repository: EventRepository,
    cache: Mutex<LruCache<String, Cached<A>>>,
    /// The versions that reads as stored ask for at the same time, read by one query
    /// (`crate::coalesce`).
    versions: Coalesced<String, usize>,
    /// On SQLite, versions first asked on the calling thread (`crate::quick_read`).
    quick: Option<QuickReads>,
}

struct Cached<A> {
    aggregate: Arc<A>,
    version: usize,
    last_hash: EventHash,
}

/// The most stream versions one query reads (a read waits for the next query beyond them).
const VERSIONS_PER_QUERY: usize = 256;

/// A failed read of versions, as cqrs-es's callers tell them apart: away, or anything else.
fn persistence_error(error: BatchError) -> PersistenceError {
    let unavailable = error.unavailable;
    let error = std::io::Error::other(error.message).into();
    if unavailable {
        PersistenceError::ConnectionError(error)
    } else {
        PersistenceError::UnknownError(error)
    }
}

/// The state a command runs against: the aggregate, the stream version it reflects, and whether
/// it came from the cache (a conflict on cached state may only mean the cache was behind).
pub struct LoadedAggregate<A: Aggregate> {
    pub aggregate_id: String,
    /// Shared with the cache until a command changes it (then copied: [`Arc::make_mut`]).
    pub aggregate: Arc<A>,
    pub version: usize,
    /// The stream hash of event `version`, which the next event's hash covers.
    pub last_hash: EventHash,
    pub from_cache: bool,
}

impl<A: Aggregate> LoadedAggregate<A> {
    /// A stream with no events, taken as such without reading it; `from_cache`, since a conflict
    /// on it means only that the assumption was wrong.
    pub fn empty(aggregate_id: &str) -> Self {
        Self {
            aggregate_id: aggregate_id.to_string(),
            aggregate: Arc::new(A::default()),
            version: 0,
            last_hash: EventHash::GENESIS,
            from_cache: true,
        }
    }
}

impl<A: Aggregate + Clone> LoadedAggregate<A> {
    /// The state for a command to decide on and change: copied first if the cache (or a read)
    /// still shares it, so that a command refused part-way, after its sink applied some events,
    /// changes no state anyone else holds.
    pub fn to_change(&mut self) -> &mut A {
        Arc::make_mut(&mut self.aggregate)
    }
}

impl<A: Aggregate + Clone> AggregateContext<A> for LoadedAggregate<A> {
    fn aggregate(&mut self) -> &mut A {
        self.to_change()
    }
}

impl<A: Aggregate + Clone> AggregateStore<A> {
    pub fn new(db: &Database, capacity: usize) -> Self {
        Self::appending(db, capacity, PgAppends::default())
    }

    /// A store whose appends on PostgreSQL share `appends` ([`PgAppends`]).
    pub(crate) fn appending(db: &Database, capacity: usize, appends: PgAppends) -> Self {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        // One query for the versions read at the same moment, on either backend; on SQLite a
        // version is first read on the calling thread (no round trip to save there).
        let (versions, quick) = match db {
            Database::Postgres(pool) => (
                Coalesced::on_postgres(VERSIONS_PER_QUERY, pool, |connection, ids: Vec<String>| {
                    Box::pin(async move {
                        EventRepository::stream_versions_postgres(connection, A::TYPE, &ids).await
                    })
                }),
                None,
            ),
            Database::Sqlite(pool) => {
                let quick = QuickReads::beside(pool);
                let pool = pool.clone();
                let versions = Coalesced::new(VERSIONS_PER_QUERY, move |ids: Vec<String>| {
                    let pool = pool.clone();
                    async move {
                        EventRepository::stream_versions_sqlite(&pool, A::TYPE, &ids)
                            .await
                            .map_err(BatchError::from)
                    }
                });
                (versions, Some(quick))
            }
        };
        Self {
            repository: EventRepository::appending(db, appends),
            cache: Mutex::new(LruCache::new(capacity)),
            versions,
            quick,
        }
    }

    /// The cached state of a stream if it is at exactly `version` (the caller has just read the
    /// stream's version from the database, so this state is the stored one); `None` otherwise.
    pub fn cached_at(&self, aggregate_id: &str, version: usize) -> Option<Arc<A>> {
        self.lock()
            .get(aggregate_id)
            .filter(|cached| cached.version == version)
            .map(|cached| Arc::clone(&cached.aggregate))
    }

    /// Forgets a stream's cached state, so the next load reads the database.
    pub fn evict(&self, aggregate_id: &str) {
        self.lock().pop(aggregate_id);
    }

    /// The stream as stored now: the cached state when the cache holds exactly the stored
    /// version (which one query reads, or on SQLite one read on this thread), else the stream
    /// read from the database. As exact as [`Self::load_fresh`] (events are immutable, so a
    /// state at the stored version is the stored state) and cheaper when the cache is current.
    pub async fn load_current(
        &self,
        aggregate_id: &str,
    ) -> Result<LoadedAggregate<A>, AggregateError<A::Error>> {
        let version = match self.quick_version(aggregate_id) {
            Some(version) => version,
            None => self
                .versions
                .get(aggregate_id.to_owned())
                .await
                .map_err(persistence_error)?,
        };
        let cached = self
            .lock()
            .get(aggregate_id)
            .filter(|cached| cached.version == version)
            .map(|cached| LoadedAggregate {
                aggregate_id: aggregate_id.to_string(),
                aggregate: Arc::clone(&cached.aggregate),
                version: cached.version,
                last_hash: cached.last_hash,
                from_cache: true,
            });
        match cached {
            Some(loaded) => Ok(loaded),
            None => self.load_fresh(aggregate_id).await,
        }
    }

    /// The stream's stored version if it can be read on this thread at once (SQLite only).
    fn quick_version(&self, aggregate_id: &str) -> Option<usize> {
        self.quick
            .as_ref()?
            .read(|connection| stream_version(connection, A::TYPE, aggregate_id))
    }

    /// Loads a stream from the database, bypassing (and refreshing) the cache.
    pub async fn load_fresh(
        &self,
        aggregate_id: &str,
    ) -> Result<LoadedAggregate<A>, AggregateError<A::Error>> {
        let mut aggregate = A::default();
        let mut version = 0;
        for envelope in self.load_events(aggregate_id).await? {
            version = envelope.sequence;
            aggregate.apply(envelope.payload);
        }
        let last_hash = self
            .repository
            .stream_hash_at(A::TYPE, aggregate_id, version)
            .await?;
        let aggregate = Arc::new(aggregate);
        self.remember(aggregate_id, &aggregate, version, last_hash);
        Ok(LoadedAggregate {
            aggregate_id: aggregate_id.to_string(),
            aggregate,
            version,
            last_hash,
            from_cache: false,
        })
    }

    /// Records the state a joint append has just written.
    pub(crate) fn remember_committed(
        &self,
        aggregate_id: &str,
        aggregate: &Arc<A>,
        version: usize,
        last_hash: EventHash,
    ) {
        self.remember(aggregate_id, aggregate, version, last_hash);
    }

    fn remember(
        &self,
        aggregate_id: &str,
        aggregate: &Arc<A>,
        version: usize,
        last_hash: EventHash,
    ) {
        let mut cache = self.lock();
        // Never replace newer state with older: two commits on one stream may finish in either
        // order, and only the higher version is current.
        if cache
            .peek(aggregate_id)
            .is_some_and(|cached| cached.version >= version)
        {
            return;
        }
        cache.put(
            aggregate_id.to_string(),
            Cached {
                aggregate: Arc::clone(aggregate),
                version,
                last_hash,
            },
        );
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, Cached<A>>> {
        // A panic while holding the lock cannot leave the cache inconsistent (each operation is
        // a single insert or removal), so a poisoned lock is safe to keep using.
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<A: Aggregate + Clone> EventStore<A> for AggregateStore<A> {
    type AC = LoadedAggregate<A>;

    async fn load_events(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        let serialized = self.repository.get_events::<A>(aggregate_id).await?;
        serialized
            .into_iter()
            .map(|event| EventEnvelope::<A>::try_from(event).map_err(AggregateError::from))
            .collect()
    }

    async fn load_aggregate(
        &self,
        aggregate_id: &str,
    ) -> Result<LoadedAggregate<A>, AggregateError<A::Error>> {
        let cached = self.lock().get(aggregate_id).map(|cached| LoadedAggregate {
            aggregate_id: aggregate_id.to_string(),
            aggregate: Arc::clone(&cached.aggregate),
            version: cached.version,
            last_hash: cached.last_hash,
            from_cache: true,
        });
        match cached {
            Some(loaded) => Ok(loaded),
            None => self.load_fresh(aggregate_id).await,
        }
    }

    async fn commit(
        &self,
        events: Vec<A::Event>,
        context: LoadedAggregate<A>,
        metadata: HashMap<String, String>,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        self.append(events, context, metadata, Conditions::default())
            .await
            .map(|(envelopes, _)| envelopes)
    }
}

impl<A: Aggregate + Clone> AggregateStore<A> {
    /// `commit`, also answering where the last event sits in the feed; nothing is written unless
    /// the [`Conditions`] hold (a keyed write marks its idempotency key in the same statement,
    /// see [`crate::Idempotency`]).
    pub async fn append(
        &self,
        events: Vec<A::Event>,
        context: LoadedAggregate<A>,
        metadata: HashMap<String, String>,
        conditions: Conditions<'_>,
    ) -> Result<(Vec<EventEnvelope<A>>, Option<FeedPosition>), AggregateError<A::Error>> {
        if events.is_empty() {
            return Ok((Vec::new(), None));
        }
        let envelopes: Vec<EventEnvelope<A>> = events
            .into_iter()
            .enumerate()
            .map(|(offset, payload)| EventEnvelope {
                aggregate_id: context.aggregate_id.clone(),
                sequence: context.version + offset + 1,
                payload,
                metadata: metadata.clone(),
            })
            .collect();
        let serialized = envelopes
            .iter()
            .map(SerializedEvent::try_from)
            .collect::<Result<Vec<_>, PersistenceError>>()?;
        let hashes = stream_hashes(A::TYPE, &serialized, context.last_hash);
        match self
            .repository
            .append::<A>(&serialized, &hashes, conditions)
            .await
        {
            Ok(last) => {
                let version = context.version + envelopes.len();
                let head = hashes.last().copied().unwrap_or(context.last_hash);
                self.remember(&context.aggregate_id, &context.aggregate, version, head);
                Ok((envelopes, last))
            }
            Err(error) => {
                self.evict(&context.aggregate_id);
                Err(error.into())
            }
        }
    }
}
