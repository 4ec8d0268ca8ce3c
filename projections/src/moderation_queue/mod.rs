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

use std::collections::btree_map::Entry;
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
        let queue = &mut self.queue;
        match event.event()? {
            DomainEvent::Initiative(id, event) => refold(
                &mut self.initiatives,
                queue,
                (*id, QueueSubject::Initiative(*id)),
                |case| fold::initiative(case, event),
            ),
            DomainEvent::Community(id, event) => refold(
                &mut self.communities,
                queue,
                (*id, QueueSubject::Community(*id)),
                |case| fold::community(case, event),
            ),
            DomainEvent::JointProject(id, event) => refold(
                &mut self.joint_projects,
                queue,
                (*id, QueueSubject::JointProject(*id)),
                |case| fold::project(case, event),
            ),
            DomainEvent::Publication(id, event) => refold(
                &mut self.publications,
                queue,
                (*id, QueueSubject::Publication(*id)),
                |case| fold::publication(case, event),
            ),
            _ => {}
        }
        Ok(())
    }

    fn restored(&mut self, _restoring: crate::Restoring) -> Result<(), crate::ProjectionError> {
        self.queue = self.derived_queue();
        Ok(())
    }
}

impl ModerationQueue {
    /// The queue as the cases say it is: what a restored model starts from.
    fn derived_queue(&self) -> BTreeSet<QueueKey> {
        fn places<'a, K: Copy, C: Case>(
            cases: &'a BTreeMap<K, C>,
            subject: impl Fn(K) -> QueueSubject + 'a,
        ) -> impl Iterator<Item = QueueKey> + 'a {
            cases
                .iter()
                .flat_map(move |(id, case)| case.keys(subject(*id)))
        }
        places(&self.initiatives, QueueSubject::Initiative)
            .chain(places(&self.communities, QueueSubject::Community))
            .chain(places(&self.joint_projects, QueueSubject::JointProject))
            .chain(places(&self.publications, QueueSubject::Publication))
            .collect()
    }

    /// The queue places of everything `subject` has waiting.
    fn keys_of(&self, subject: QueueSubject) -> Vec<QueueKey> {
        let keys = match subject {
            QueueSubject::Initiative(id) => self.initiatives.get(&id).map(|c| c.keys(subject)),
            QueueSubject::Community(id) => self.communities.get(&id).map(|c| c.keys(subject)),
            QueueSubject::JointProject(id) => self.joint_projects.get(&id).map(|c| c.keys(subject)),
            QueueSubject::Publication(id) => self.publications.get(&id).map(|c| c.keys(subject)),
        };
        keys.unwrap_or_default()
    }
}

/// What an event leaves of the case it is about (`fold`).
enum Fold<C> {
    /// The case as it was, changed in place; or still none.
    Kept,
    /// A new case in its place: the thing entered, or started over.
    New(C),
    /// Nothing about the thing can wait again: it is forgotten.
    Forgotten,
}

/// A kept case: what it has waiting.
trait Case {
    /// The queue places of everything the case of `subject` has waiting.
    fn keys(&self, subject: QueueSubject) -> Vec<QueueKey>;
}

/// Folds an event into the case of `id` with `fold` and moves the case's places in `queue`.
///
/// The case is found once per event, and the queue is changed only when what waits did. This is
/// the moderation queue's share of a rebuild: every initiative event used to search the
/// 100,000 initiatives three times (the places before, the change, the places after), and to
/// take its places out of the queue and put them back unchanged.
fn refold<K: Ord, C: Case>(
    cases: &mut BTreeMap<K, C>,
    queue: &mut BTreeSet<QueueKey>,
    (id, subject): (K, QueueSubject),
    fold: impl FnOnce(Option<&mut C>) -> Fold<C>,
) {
    let (before, after) = match cases.entry(id) {
        Entry::Vacant(slot) => match fold(None) {
            Fold::New(case) => (Vec::new(), slot.insert(case).keys(subject)),
            Fold::Kept | Fold::Forgotten => return,
        },
        Entry::Occupied(mut slot) => {
            let before = slot.get().keys(subject);
            match fold(Some(slot.get_mut())) {
                Fold::Kept => (before, slot.get().keys(subject)),
                Fold::New(case) => {
                    *slot.get_mut() = case;
                    (before, slot.get().keys(subject))
                }
                Fold::Forgotten => {
                    slot.remove();
                    (before, Vec::new())
                }
            }
        }
    };
    if before != after {
        for key in &before {
            queue.remove(key);
        }
        queue.extend(after);
    }
}

/// The place of what waits on `subject`.
fn key(subject: QueueSubject, kind: QueueKind, waiting: &Waiting) -> QueueKey {
    QueueKey {
        since: waiting.since,
        kind,
        subject,
        by: waiting.by,
    }
}

/// The places of requests waiting on `subject` (to manage it, to join it).
fn requests(
    subject: QueueSubject,
    kind: QueueKind,
    requests: &BTreeMap<AccountId, DateTime<Utc>>,
) -> impl Iterator<Item = QueueKey> + '_ {
    requests.iter().map(move |(by, since)| QueueKey {
        since: *since,
        kind,
        subject,
        by: *by,
    })
}

impl Case for InitiativeCase {
    fn keys(&self, subject: QueueSubject) -> Vec<QueueKey> {
        let mut keys: Vec<QueueKey> = requests(
            subject,
            QueueKind::ManagementRequest,
            &self.management_requests,
        )
        .collect();
        keys.extend(
            self.submission
                .map(|w| key(subject, QueueKind::Initiative, &w)),
        );
        keys.extend(
            self.profile_change
                .map(|w| key(subject, QueueKind::ProfileChange, &w)),
        );
        keys
    }
}

impl Case for CommunityCase {
    fn keys(&self, subject: QueueSubject) -> Vec<QueueKey> {
        requests(subject, QueueKind::JoinRequest, &self.join_requests).collect()
    }
}

impl Case for ProjectCase {
    fn keys(&self, subject: QueueSubject) -> Vec<QueueKey> {
        self.review
            .map(|w| key(subject, QueueKind::JointProject, &w))
            .into_iter()
            .collect()
    }
}

impl Case for PublicationCase {
    fn keys(&self, subject: QueueSubject) -> Vec<QueueKey> {
        vec![key(subject, self.kind, &self.waiting)]
    }
}
