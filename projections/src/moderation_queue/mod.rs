//! Everything waiting for a moderator, of every kind, oldest first: submitted initiatives,
//! profile changes under review, joint projects under review, submitted publications, news and
//! gatherings, and the requests that a moderator may decide when no one closer does (to manage
//! an initiative, to join a moderated community).
//!
//! The serialised state (the snapshot) keeps, per initiative, community, joint project and
//! publication, only what an entry shows (its name or title) and what waits. A thing is
//! forgotten once nothing about it can wait for a moderator again (a retired initiative, an
//! approved or ended joint project, a decided or withdrawn publication); later events about it
//! change nothing here. The queue order itself is an index derived from that state, rebuilt
//! after a snapshot is restored.

mod fold;
mod queries;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use domain::values::{
    AccountId, CommunityId, CountryCode, InitiativeId, JointProjectId, PublicationId,
};
use serde::{Deserialize, Serialize};

use crate::{DomainEvent, Envelope, Projection, ProjectionError};

pub use queries::{QueueItem, QueuePage};

/// What kind of thing waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    /// A new (or resubmitted) initiative.
    Initiative,
    /// A change to reviewed fields of an approved initiative.
    ProfileChange,
    JointProject,
    Publication,
    News,
    Gathering,
    /// A request to become a manager of an initiative (its managers or a moderator decide).
    ManagementRequest,
    /// A request to join a moderated community (its facilitators or a moderator decide).
    JoinRequest,
}

impl QueueKind {
    pub const ALL: [Self; 8] = [
        Self::Initiative,
        Self::ProfileChange,
        Self::JointProject,
        Self::Publication,
        Self::News,
        Self::Gathering,
        Self::ManagementRequest,
        Self::JoinRequest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initiative => "initiative",
            Self::ProfileChange => "profile_change",
            Self::JointProject => "joint_project",
            Self::Publication => "publication",
            Self::News => "news",
            Self::Gathering => "gathering",
            Self::ManagementRequest => "management_request",
            Self::JoinRequest => "join_request",
        }
    }
}

impl fmt::Display for QueueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name of a kind that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a kind of queue item")]
pub struct UnknownKind(pub String);

impl FromStr for QueueKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, UnknownKind> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

/// What an item is about: the thing a moderator opens to decide it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QueueSubject {
    Initiative(InitiativeId),
    Community(CommunityId),
    JointProject(JointProjectId),
    Publication(PublicationId),
}

impl fmt::Display for QueueSubject {
    /// The subject's id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Initiative(id) => id.fmt(f),
            Self::Community(id) => id.fmt(f),
            Self::JointProject(id) => id.fmt(f),
            Self::Publication(id) => id.fmt(f),
        }
    }
}

/// Who asked, and since when it waits (business time of the asking event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    pub by: AccountId,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct InitiativeCase {
    name: String,
    /// A new name under review; the name once approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pending_name: Option<String>,
    /// Where it is (the approved country; a change of country under review counts once
    /// approved), for the queue's country filter.
    #[serde(default)]
    country: Option<CountryCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pending_country: Option<CountryCode>,
    submission: Option<Waiting>,
    profile_change: Option<Waiting>,
    management_requests: BTreeMap<AccountId, DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct CommunityCase {
    name: String,
    join_requests: BTreeMap<AccountId, DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ProjectCase {
    title: String,
    /// The lead initiative: a project is filtered by its lead's country.
    #[serde(default)]
    lead: Option<InitiativeId>,
    review: Option<Waiting>,
}

/// Kept only while the item waits: publications never come back once decided, except a
/// rejected one edited by its author, whose edit carries everything an entry needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PublicationCase {
    title: String,
    kind: QueueKind,
    waiting: Waiting,
}

/// One waiting item's place in the queue: oldest first, ties in a fixed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct QueueKey {
    since: DateTime<Utc>,
    kind: QueueKind,
    subject: QueueSubject,
    by: AccountId,
}

/// The read model. Query methods are in `queries.rs`.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ModerationQueue {
    initiatives: BTreeMap<InitiativeId, InitiativeCase>,
    communities: BTreeMap<CommunityId, CommunityCase>,
    joint_projects: BTreeMap<JointProjectId, ProjectCase>,
    publications: BTreeMap<PublicationId, PublicationCase>,
    /// Every waiting item in queue order; derived from the maps above.
    #[serde(skip)]
    queue: BTreeSet<QueueKey>,
}

impl Projection for ModerationQueue {
    const NAME: &'static str = "moderation_queue";
    /// 2: initiatives keep their country and projects their lead (the country filter).
    const SNAPSHOT_VERSION: i32 = 2;

    fn apply(&mut self, event: &Envelope) -> Result<(), ProjectionError> {
        let subject = match event.event()? {
            DomainEvent::Initiative(id, _) => QueueSubject::Initiative(*id),
            DomainEvent::Community(id, _) => QueueSubject::Community(*id),
            DomainEvent::JointProject(id, _) => QueueSubject::JointProject(*id),
            DomainEvent::Publication(id, _) => QueueSubject::Publication(*id),
            _ => return Ok(()),
        };
        // What the subject had waiting leaves the queue, and what it has now enters it.
        for key in self.keys_of(subject) {
            self.queue.remove(&key);
        }
        match event.event()? {
            DomainEvent::Initiative(id, payload) => self.fold_initiative(*id, payload),
            DomainEvent::Community(id, payload) => self.fold_community(*id, payload),
            DomainEvent::JointProject(id, payload) => self.fold_project(*id, payload),
            DomainEvent::Publication(id, payload) => self.fold_publication(*id, payload),
            _ => {}
        }
        self.queue.extend(self.keys_of(subject));
        Ok(())
    }

    fn restored(&mut self, _restoring: crate::Restoring) -> Result<(), crate::ProjectionError> {
        let subjects: Vec<QueueSubject> = (self
            .initiatives
            .keys()
            .copied()
            .map(QueueSubject::Initiative))
        .chain(
            self.communities
                .keys()
                .copied()
                .map(QueueSubject::Community),
        )
        .chain(
            self.joint_projects
                .keys()
                .copied()
                .map(QueueSubject::JointProject),
        )
        .chain(
            self.publications
                .keys()
                .copied()
                .map(QueueSubject::Publication),
        )
        .collect();
        self.queue = subjects
            .into_iter()
            .flat_map(|subject| self.keys_of(subject))
            .collect();
        Ok(())
    }
}

impl ModerationQueue {
    /// The queue places of everything `subject` has waiting.
    fn keys_of(&self, subject: QueueSubject) -> Vec<QueueKey> {
        let key = |kind, waiting: &Waiting| QueueKey {
            since: waiting.since,
            kind,
            subject,
            by: waiting.by,
        };
        let requests = |kind, requests: &BTreeMap<AccountId, DateTime<Utc>>| {
            requests
                .iter()
                .map(|(by, since)| QueueKey {
                    since: *since,
                    kind,
                    subject,
                    by: *by,
                })
                .collect::<Vec<_>>()
        };
        match subject {
            QueueSubject::Initiative(id) => {
                self.initiatives.get(&id).map_or_else(Vec::new, |case| {
                    let mut keys =
                        requests(QueueKind::ManagementRequest, &case.management_requests);
                    keys.extend(case.submission.map(|w| key(QueueKind::Initiative, &w)));
                    keys.extend(
                        case.profile_change
                            .map(|w| key(QueueKind::ProfileChange, &w)),
                    );
                    keys
                })
            }
            QueueSubject::Community(id) => {
                self.communities.get(&id).map_or_else(Vec::new, |case| {
                    requests(QueueKind::JoinRequest, &case.join_requests)
                })
            }
            QueueSubject::JointProject(id) => self
                .joint_projects
                .get(&id)
                .and_then(|case| case.review)
                .map(|w| key(QueueKind::JointProject, &w))
                .into_iter()
                .collect(),
            QueueSubject::Publication(id) => self
                .publications
                .get(&id)
                .map(|case| key(case.kind, &case.waiting))
                .into_iter()
                .collect(),
        }
    }
}
