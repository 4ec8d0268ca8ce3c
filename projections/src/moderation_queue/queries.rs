//! What can be asked of the [`ModerationQueue`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use domain::values::AccountId;

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
        let mut page = QueuePage::default();
        for key in &self.queue {
            *page.counts.entry(key.kind).or_default() += 1;
            if !kinds.is_empty() && !kinds.contains(&key.kind) {
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
        }
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
