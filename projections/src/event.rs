//! A feed event as projections see it: the stored row and its payload decoded once into the
//! domain's own event type, shared by every projection that reads it.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use domain::account::{Account, AccountEvent};
use domain::community::{Community, CommunityEvent};
use domain::initiative::{Initiative, InitiativeEvent};
use domain::joint_project::{JointProject, JointProjectEvent};
use domain::publication::{Publication, PublicationEvent};
use domain::thread::{Thread, ThreadEvent};
use domain::values::{
    AccountId, CommunityId, InitiativeId, JointProjectId, PublicationId, ThreadId,
};
use serde::de::DeserializeOwned;
use store::{FeedPosition, RawFeedEvent};

use crate::ProjectionError;

/// The domain events projections read, with the id of the stream they belong to.
#[derive(Debug, Clone, PartialEq)]
pub enum DomainEvent {
    Account(AccountId, AccountEvent),
    Initiative(InitiativeId, InitiativeEvent),
    Community(CommunityId, CommunityEvent),
    Thread(ThreadId, ThreadEvent),
    JointProject(JointProjectId, JointProjectEvent),
    Publication(PublicationId, PublicationEvent),
    /// Streams no read model folds (the admin roster, e-mail claims, benchmarks).
    Other,
}

/// One feed event. Decoding happens on first use and at most once, however many projections
/// read it; an event that cannot be decoded fails each projection that needs it, by name.
#[derive(Debug)]
pub struct Envelope {
    /// The stored row; its payload is parsed by [`Envelope::event`].
    pub feed: RawFeedEvent,
    decoded: OnceLock<Result<DomainEvent, String>>,
}

impl Envelope {
    pub fn new(feed: impl Into<RawFeedEvent>) -> Self {
        Self {
            feed: feed.into(),
            decoded: OnceLock::new(),
        }
    }

    pub fn position(&self) -> FeedPosition {
        self.feed.feed_position()
    }

    /// When the store recorded it.
    pub fn recorded_at(&self) -> DateTime<Utc> {
        self.feed.recorded_at
    }

    /// The initiative this event is about, if it is an initiative's event that decodes.
    pub fn initiative(&self) -> Option<InitiativeId> {
        match self.event() {
            Ok(DomainEvent::Initiative(id, _)) => Some(*id),
            _ => None,
        }
    }

    /// Whether [`Self::event`] has decoded it already.
    pub fn is_decoded(&self) -> bool {
        self.decoded.get().is_some()
    }

    /// The decoded event, or why it could not be decoded.
    pub fn event(&self) -> Result<&DomainEvent, ProjectionError> {
        self.decoded
            .get_or_init(|| decode(&self.feed))
            .as_ref()
            .map_err(|reason| ProjectionError(reason.clone()))
    }
}

fn decode(feed: &RawFeedEvent) -> Result<DomainEvent, String> {
    let event = match feed.aggregate_type.as_str() {
        Account::TYPE => DomainEvent::Account(id(feed)?, payload(feed)?),
        Initiative::TYPE => DomainEvent::Initiative(id(feed)?, payload(feed)?),
        Community::TYPE => DomainEvent::Community(id(feed)?, payload(feed)?),
        Thread::TYPE => DomainEvent::Thread(id(feed)?, payload(feed)?),
        JointProject::TYPE => DomainEvent::JointProject(id(feed)?, payload(feed)?),
        Publication::TYPE => DomainEvent::Publication(id(feed)?, payload(feed)?),
        _ => DomainEvent::Other,
    };
    Ok(event)
}

fn id<T: std::str::FromStr>(feed: &RawFeedEvent) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    feed.aggregate_id.parse().map_err(|e| {
        format!(
            "{} stream id `{}` is not an id: {e}",
            feed.aggregate_type, feed.aggregate_id
        )
    })
}

fn payload<T: DeserializeOwned>(feed: &RawFeedEvent) -> Result<T, String> {
    // Straight from the stored text into the domain type: one parse, no intermediate `Value`.
    serde_json::from_str(&feed.payload).map_err(|e| {
        format!(
            "unreadable {} {} v{} payload: {e}",
            feed.aggregate_type, feed.event_type, feed.event_version
        )
    })
}
