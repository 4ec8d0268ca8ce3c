//! Communities of practice and their threads, listed: each community with its theme, joining
//! policy, member count and latest activity (its creation, or the newest post in it); each
//! community's threads with their reply count and last activity. Communities and threads are
//! public (as their own routes are), so every reader sees the same lists; hidden and deleted
//! posts are not counted as replies.
//!
//! Communities and threads are folded by their aggregates; derived and rebuilt on restore:
//! the communities in name order (folded, so "Ñandú" sorts with "nandu"), each community's
//! threads newest first, and the folded texts search reads.

mod query;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use domain::community::{Community, CommunityEvent, Theme};
use domain::thread::{PostState, Thread, ThreadEvent};
use serde::{Deserialize, Serialize};

use crate::listing::{newest_first, Ordering, SortKey};
use crate::map::text;
use crate::{DomainEvent, Envelope, Projection, ProjectionError};

pub use query::{CommunityFilter, CommunitySummary, ThreadSummary};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct CommunityDirectory {
    /// By community id: the community, and when anything last happened in it.
    communities: BTreeMap<String, (Community, DateTime<Utc>)>,
    /// By thread id.
    threads: BTreeMap<String, Thread>,
    #[serde(skip)]
    derived: Derived,
}

#[derive(Debug, Default, Clone)]
struct Derived {
    /// Name and theme, folded.
    texts: HashMap<String, String>,
    by_name: Ordering,
    /// Per community id, its threads.
    threads: HashMap<String, Ordering>,
}

impl Projection for CommunityDirectory {
    const NAME: &'static str = "communities";

    fn apply(&mut self, event: &Envelope) -> Result<(), ProjectionError> {
        match event.event()? {
            DomainEvent::Community(id, payload) => {
                let id = id.to_string();
                let created = match payload {
                    CommunityEvent::CommunityCreated { at, .. } => Some(*at),
                    _ => None,
                };
                let (community, _) = self
                    .communities
                    .entry(id.clone())
                    .or_insert_with(|| (Community::default(), created.unwrap_or_default()));
                community.apply(payload.clone());
                self.derived.community(&id, community);
            }
            DomainEvent::Thread(id, payload) => {
                let id = id.to_string();
                let thread = self.threads.entry(id.clone()).or_default();
                thread.apply(payload.clone());
                let Some(header) = thread.header() else {
                    return Ok(());
                };
                let community = header.community_id.to_string();
                self.derived.thread(&id, &community, thread);
                if let ThreadEvent::ThreadStarted { at, .. } | ThreadEvent::ReplyPosted { at, .. } =
                    payload
                {
                    if let Some((_, activity)) = self.communities.get_mut(&community) {
                        *activity = (*activity).max(*at);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn restored(&mut self, _restoring: crate::Restoring) -> Result<(), crate::ProjectionError> {
        let mut derived = Derived::default();
        for (id, (community, _)) in &self.communities {
            derived.community(id, community);
        }
        for (id, thread) in &self.threads {
            if let Some(header) = thread.header() {
                derived.thread(id, &header.community_id.to_string(), thread);
            }
        }
        self.derived = derived;
        Ok(())
    }
}

impl Derived {
    fn community(&mut self, id: &str, community: &Community) {
        let Some(profile) = community.profile() else {
            return;
        };
        let name = text::fold(profile.name.as_str());
        let theme = match &profile.theme {
            Theme::Sector(sector) => sector.code().replace('_', " "),
            Theme::Topic(topic) => text::fold(topic.as_str()),
        };
        self.by_name.set(SortKey::new(0, name.clone(), id));
        self.texts.insert(id.to_owned(), format!("{name} {theme}"));
    }

    fn thread(&mut self, id: &str, community: &str, thread: &Thread) {
        let Some(header) = thread.header() else {
            return;
        };
        self.threads
            .entry(community.to_owned())
            .or_default()
            .set(SortKey::new(newest_first(header.started_at), "", id));
    }
}

/// Replies anyone can read, and when the last visible post was written.
fn visible_replies(thread: &Thread) -> (usize, Option<DateTime<Utc>>) {
    let visible: Vec<_> = thread
        .posts()
        .iter()
        .filter(|post| post.state() == PostState::Visible)
        .collect();
    let opening = thread.posts().first().map(|p| p.id);
    let replies = visible.iter().filter(|p| Some(p.id) != opening).count();
    (replies, visible.iter().map(|p| p.posted_at).max())
}
