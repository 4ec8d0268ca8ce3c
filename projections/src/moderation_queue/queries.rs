//! What can be asked of the [`ModerationQueue`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use domain::values::{AccountId, CountryCode};

use super::{ModerationQueue, QueueKey, QueueKind, QueueSubject};

/// One thing waiting for a moderator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub kind: QueueKind,
    pub subject: QueueSubject,
    /// The initiative's or community's name, the project's or publication's title.
    pub title: String,
    /// Who submitted it, proposed the change, or asked.
    pub submitted_by: AccountId,
    /// When it started waiting (business time of that event).
    pub submitted_at: DateTime<Utc>,
    /// The initiative's country (for a joint project, its lead's); none for publications and
    /// communities, which belong to no country.
    pub country: Option<CountryCode>,
}

impl QueueItem {
    /// How long it has waited at `now`, in whole seconds (never negative, even if clocks
    /// disagree).
    pub fn age_seconds(&self, now: DateTime<Utc>) -> i64 {
        (now - self.submitted_at).num_seconds().max(0)
    }
}

/// A slice of the queue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueuePage {
    /// How many items match the kinds asked for (the page may hold fewer).
    pub total: usize,
    /// How many items of each kind wait, whatever was asked for; kinds with none are absent.
    pub counts: BTreeMap<QueueKind, usize>,
    /// The oldest matching items, oldest first.
    pub items: Vec<QueueItem>,
}

impl ModerationQueue {
    /// The oldest `limit` waiting items of `kinds` (every kind when empty), oldest first.
    pub fn pending(&self, kinds: &BTreeSet<QueueKind>, limit: usize) -> QueuePage {
        self.pending_in(kinds, None, limit)
    }

    /// The same, only of `country` when given (items of no country are then left out).
    pub fn pending_in(
        &self,
        kinds: &BTreeSet<QueueKind>,
        country: Option<CountryCode>,
        limit: usize,
    ) -> QueuePage {
        let mut page = QueuePage::default();
        for key in &self.queue {
            *page.counts.entry(key.kind).or_default() += 1;
            if !kinds.is_empty() && !kinds.contains(&key.kind) {
                continue;
            }
            if country.is_some() && self.country_of(key.subject) != country {
                continue;
            }
            page.total += 1;
            if page.items.len() < limit {
                page.items.push(self.item(key));
            }
        }
        page
    }

    /// How many items wait.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    fn item(&self, key: &QueueKey) -> QueueItem {
        QueueItem {
            kind: key.kind,
            subject: key.subject,
            title: self.title_of(key.subject),
            submitted_by: key.by,
            submitted_at: key.since,
            country: self.country_of(key.subject),
        }
    }

    /// Where the subject is: an initiative's country, a project's lead's.
    fn country_of(&self, subject: QueueSubject) -> Option<CountryCode> {
        let initiative = match subject {
            QueueSubject::Initiative(id) => Some(id),
            QueueSubject::JointProject(id) => self.joint_projects.get(&id).and_then(|c| c.lead),
            QueueSubject::Community(_) | QueueSubject::Publication(_) => None,
        };
        initiative
            .and_then(|id| self.initiatives.get(&id))
            .and_then(|case| case.country)
    }

    /// Whether `kind` waits on `subject` now (the item a moderator opened is still there).
    pub fn is_waiting(&self, kind: QueueKind, subject: QueueSubject) -> bool {
        self.keys_of(subject).iter().any(|key| key.kind == kind)
    }

    /// The subject's name or title. Every key comes from a case that exists (the index is
    /// derived from the cases), so the fallback is never shown.
    fn title_of(&self, subject: QueueSubject) -> String {
        let title = match subject {
            QueueSubject::Initiative(id) => self.initiatives.get(&id).map(|c| &c.name),
            QueueSubject::Community(id) => self.communities.get(&id).map(|c| &c.name),
            QueueSubject::JointProject(id) => self.joint_projects.get(&id).map(|c| &c.title),
            QueueSubject::Publication(id) => self.publications.get(&id).map(|c| &c.title),
        };
        title.cloned().unwrap_or_default()
    }
}
