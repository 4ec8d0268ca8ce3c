//! What a reader may ask of the communities and their threads.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use domain::community::{Community, JoinPolicy, Theme};
use domain::thread::Thread;
use domain::values::{AccountId, Sector};

use super::{visible_replies, CommunityDirectory};
use crate::listing::{Found, Page, SortKey};
use crate::TextQuery;

/// Which communities to list; empty sets mean any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommunityFilter {
    /// Communities whose theme is one of these sectors.
    pub sectors: BTreeSet<Sector>,
    pub policy: Option<JoinPolicy>,
    /// Words to find in the name or theme (ignoring case and accents).
    pub text: Option<TextQuery>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommunitySummary {
    pub id: String,
    pub name: String,
    pub theme: Theme,
    pub join_policy: JoinPolicy,
    pub members: usize,
    pub threads: usize,
    pub created_at: DateTime<Utc>,
    pub latest_activity: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThreadSummary {
    pub id: String,
    pub community_id: String,
    pub title: String,
    pub started_by: AccountId,
    pub started_at: DateTime<Utc>,
    /// Visible replies (the opening post, hidden and deleted posts are not counted).
    pub replies: usize,
    /// When the newest visible post was written.
    pub last_activity: DateTime<Utc>,
}

impl CommunityFilter {
    fn keeps(&self, community: &Community, folded: &str) -> bool {
        let Some(profile) = community.profile() else {
            return false;
        };
        let sector = match &profile.theme {
            Theme::Sector(sector) => Some(sector),
            Theme::Topic(_) => None,
        };
        (self.sectors.is_empty() || sector.is_some_and(|s| self.sectors.contains(s)))
            && self.policy.is_none_or(|p| p == profile.join_policy)
            && self.text.as_ref().is_none_or(|q| q.matches(folded))
    }
}

impl CommunityDirectory {
    /// Communities `filter` keeps, in name order.
    pub fn list(
        &self,
        filter: &CommunityFilter,
        after: Option<&SortKey>,
        limit: usize,
    ) -> Page<CommunitySummary> {
        let keep = |id: &str| {
            let (Some((community, _)), Some(folded)) =
                (self.communities.get(id), self.derived.texts.get(id))
            else {
                return false;
            };
            filter.keeps(community, folded)
        };
        self.derived
            .by_name
            .page(after, limit, keep, |id| self.summary(id))
    }

    /// One community's summary, if it exists.
    pub fn summary(&self, id: &str) -> Option<CommunitySummary> {
        let (community, activity) = self.communities.get(id)?;
        let profile = community.profile()?;
        Some(CommunitySummary {
            id: id.to_owned(),
            name: profile.name.to_string(),
            theme: profile.theme.clone(),
            join_policy: profile.join_policy,
            members: community.members().len(),
            threads: self.derived.threads.get(id).map_or(0, |t| t.len()),
            created_at: profile.created_at,
            latest_activity: *activity,
        })
    }

    /// The threads of community `id`, newest first; `None` if there is no such community.
    pub fn threads(
        &self,
        id: &str,
        after: Option<&SortKey>,
        limit: usize,
    ) -> Option<Page<ThreadSummary>> {
        self.communities.get(id)?.0.profile()?;
        let Some(order) = self.derived.threads.get(id) else {
            return Some(Page {
                items: Vec::new(),
                next: None,
                total: 0,
            });
        };
        let show = |thread_id: &str| thread_summary(thread_id, self.threads.get(thread_id)?);
        Some(order.page(after, limit, |_| true, show))
    }

    /// Communities whose name or theme holds all of `query`'s words, with how many of them the
    /// name holds.
    pub fn search<'a>(
        &'a self,
        query: &'a TextQuery,
    ) -> impl Iterator<Item = Found<'a, Community>> + 'a {
        self.derived
            .texts
            .iter()
            .filter(move |(_, folded)| query.matches(folded))
            .filter_map(move |(id, _)| {
                let (community, _) = self.communities.get(id)?;
                let name = crate::map::text::fold(community.profile()?.name.as_str());
                Some(Found {
                    id,
                    record: community,
                    score: query.hits(&name),
                    folded_title: name.into(),
                })
            })
    }

    pub fn len(&self) -> usize {
        self.communities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.communities.is_empty()
    }
}

fn thread_summary(id: &str, thread: &Thread) -> Option<ThreadSummary> {
    let header = thread.header()?;
    let (replies, last) = visible_replies(thread);
    Some(ThreadSummary {
        id: id.to_owned(),
        community_id: header.community_id.to_string(),
        title: header.title.to_string(),
        started_by: header.started_by,
        started_at: header.started_at,
        replies,
        last_activity: last.unwrap_or(header.started_at),
    })
}
