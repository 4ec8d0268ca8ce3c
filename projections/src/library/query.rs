//! What a reader may ask of the library, and who sees which item.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use domain::publication::{GatheringFormat, Kind, Language, Publication, PublicationStatus, Topic};
use domain::values::AccountId;

use super::{ends, Library};
use crate::listing::{Found, Ordering, Page, SortKey};
use crate::TextQuery;

/// Who is reading: what decides which items they see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Viewer {
    pub account: Option<AccountId>,
    pub moderator: bool,
}

impl Viewer {
    pub const VISITOR: Self = Self {
        account: None,
        moderator: false,
    };

    /// Whether this reader sees `item`: approved items are public; submitted and rejected ones
    /// are shown to their author and to moderators only (as `GET /v1/publications/{id}` does).
    pub fn sees(&self, item: &Publication) -> bool {
        match item.status() {
            PublicationStatus::Approved => true,
            PublicationStatus::Submitted | PublicationStatus::Rejected => self.is_privileged(item),
            PublicationStatus::NotSubmitted | PublicationStatus::Withdrawn => false,
        }
    }

    /// Its author or a moderator.
    pub fn is_privileged(&self, item: &Publication) -> bool {
        self.moderator || (self.account.is_some() && item.author() == self.account)
    }
}

/// Which items to list. Each set left empty means "any"; several values in one set mean "any of
/// them"; the criteria together mean "all of them".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LibraryFilter {
    /// `publication`, `news`, `gathering`.
    pub kinds: BTreeSet<String>,
    pub languages: BTreeSet<Language>,
    pub topics: BTreeSet<Topic>,
    pub formats: BTreeSet<GatheringFormat>,
    /// Words to find in title, summary or place (ignoring case and accents).
    pub text: Option<TextQuery>,
}

/// Gatherings that have not ended yet, that have, or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum When {
    #[default]
    Upcoming,
    Past,
    Any,
}

/// The dates of the gatherings to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GatheringFilter {
    pub when: When,
    /// Starting at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Starting before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// One listed item: its id, the item as the aggregate folds it, and whether the reader is its
/// author or a moderator (who see who wrote it and why it was rejected).
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryItem {
    pub id: String,
    pub item: Publication,
    pub privileged: bool,
}

impl LibraryFilter {
    fn keeps(&self, item: &Publication, folded: &str) -> bool {
        let Some(content) = item.content() else {
            return false;
        };
        let any = |set_is_empty: bool, holds: bool| set_is_empty || holds;
        any(
            self.kinds.is_empty(),
            self.kinds.contains(content.kind.as_str()),
        ) && any(
            self.languages.is_empty(),
            content
                .language
                .is_some_and(|l| self.languages.contains(&l)),
        ) && any(
            self.topics.is_empty(),
            content.topic.is_some_and(|t| self.topics.contains(&t)),
        ) && any(
            self.formats.is_empty(),
            content.format.is_some_and(|f| self.formats.contains(&f)),
        ) && self.text.as_ref().is_none_or(|q| q.matches(folded))
    }
}

impl GatheringFilter {
    fn keeps(&self, item: &Publication, now: DateTime<Utc>) -> bool {
        let Some(Kind::Gathering(gathering)) = item.content().map(|c| &c.kind) else {
            return false;
        };
        let (Some(start), Some(end)) = (gathering.start_instant(), ends(item)) else {
            return false;
        };
        let when = match self.when {
            When::Upcoming => end > now,
            When::Past => end <= now,
            When::Any => true,
        };
        when && self.from.is_none_or(|from| start >= from) && self.to.is_none_or(|to| start < to)
    }
}

impl Library {
    /// Items `filter` keeps that `viewer` sees, newest submitted first.
    pub fn list(
        &self,
        filter: &LibraryFilter,
        viewer: Viewer,
        after: Option<&SortKey>,
        limit: usize,
    ) -> Page<LibraryItem> {
        self.page(
            &self.derived.newest,
            viewer,
            after,
            limit,
            |item, folded| filter.keeps(item, folded),
        )
    }

    /// Gatherings `filter` and `dates` keep that `viewer` sees, judged at `now`: upcoming (and
    /// all) soonest first, past ones latest first.
    pub fn gatherings(
        &self,
        filter: &LibraryFilter,
        dates: &GatheringFilter,
        viewer: Viewer,
        now: DateTime<Utc>,
        after: Option<&SortKey>,
        limit: usize,
    ) -> Page<LibraryItem> {
        let order = match dates.when {
            When::Past => &self.derived.latest,
            When::Upcoming | When::Any => &self.derived.soonest,
        };
        self.page(order, viewer, after, limit, |item, folded| {
            dates.keeps(item, now) && filter.keeps(item, folded)
        })
    }

    /// Up to `limit` items `author` submitted, in every state but withdrawn, newest submitted
    /// first: what a member's dashboard lists as their submissions.
    pub fn by_author(&self, author: AccountId, limit: usize) -> Vec<LibraryItem> {
        let viewer = Viewer {
            account: Some(author),
            moderator: false,
        };
        self.page(&self.derived.newest, viewer, None, limit, |item, _| {
            item.author() == Some(author)
        })
        .items
    }

    /// Every item `viewer` sees whose texts hold all of `query`'s words, with how many of them
    /// its title holds (what search ranks by).
    pub fn search<'a>(
        &'a self,
        query: &'a TextQuery,
        viewer: Viewer,
    ) -> impl Iterator<Item = Found<'a, Publication>> + 'a {
        self.items
            .iter()
            .filter(move |(_, item)| viewer.sees(item))
            .filter_map(move |(id, item)| {
                let (folded, title) = self.texts(id)?;
                query.matches(folded).then(|| Found {
                    id,
                    record: item,
                    score: query.hits(title),
                    folded_title: title.into(),
                })
            })
    }

    fn page(
        &self,
        order: &Ordering,
        viewer: Viewer,
        after: Option<&SortKey>,
        limit: usize,
        keeps: impl Fn(&Publication, &str) -> bool,
    ) -> Page<LibraryItem> {
        let keep = |id: &str| {
            let (Some(item), Some((folded, _))) = (self.item(id), self.texts(id)) else {
                return false;
            };
            viewer.sees(item) && keeps(item, folded)
        };
        order.page(after, limit, keep, |id| {
            let item = self.item(id)?;
            Some(LibraryItem {
                id: id.to_owned(),
                item: item.clone(),
                privileged: viewer.is_privileged(item),
            })
        })
    }
}
