//! Stable orders for paged lists.
//!
//! Every list (publications, gatherings, communities, threads, joint projects, search hits) is
//! kept in one total order of [`SortKey`]s: a rank (a time, negated for newest first, or a
//! score), a text (a folded name, or empty), and the item's id, which makes every key unique.
//! A page ends at the key of its last item, and the next page starts strictly after it, so a
//! client paging through a list while others write never sees an item twice nor misses one
//! that was there all along: an item added meanwhile appears on a later page if its key comes
//! after the cursor, or not at all in this pass if it comes before (it did not exist when that
//! part was read). Only an item whose key changes (a renamed community) can move across the
//! cursor; the keys are chosen so that this is rare.

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

use serde::{Deserialize, Serialize};

/// Where an item stands in a list's order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SortKey {
    pub rank: i64,
    pub text: String,
    pub id: String,
}

impl SortKey {
    pub fn new(rank: i64, text: impl Into<String>, id: impl Into<String>) -> Self {
        Self {
            rank,
            text: text.into(),
            id: id.into(),
        }
    }
}

/// One page of a list: its items, the key to continue after (none on the last page), and how
/// many items the whole selection holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<SortKey>,
    pub total: usize,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
            total: self.total,
        }
    }
}

/// A record a search found, borrowed from its read model: the search ranks every match but
/// shows only a page of them, so nothing is cloned or built for a match before it makes the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'a, T> {
    pub id: &'a str,
    pub record: &'a T,
    /// How many of the query's words its title (or name) holds.
    pub score: usize,
    /// Its title (or name), folded as the query is: what ties of score are ordered by.
    pub folded_title: std::borrow::Cow<'a, str>,
}

/// The most a page may hold, and what it holds when the caller does not say.
pub const MAX_PAGE: usize = 100;
pub const DEFAULT_PAGE: usize = 20;

/// Ids in one order, each at most once. Derived state: rebuilt from the folded items after a
/// snapshot is restored, never serialised.
#[derive(Debug, Default, Clone)]
pub struct Ordering {
    keys: BTreeSet<SortKey>,
    by_id: HashMap<String, SortKey>,
}

impl Ordering {
    /// Places `key.id` at `key`, moving it if it was elsewhere.
    pub fn set(&mut self, key: SortKey) {
        if let Some(old) = self.by_id.insert(key.id.clone(), key.clone()) {
            self.keys.remove(&old);
        }
        self.keys.insert(key);
    }

    pub fn remove(&mut self, id: &str) {
        if let Some(old) = self.by_id.remove(id) {
            self.keys.remove(&old);
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Up to `limit` items that `keep` keeps, starting after `after`, each as `show` makes it,
    /// with the total number `keep` keeps over the whole list (counting costs no `show`).
    pub fn page<T>(
        &self,
        after: Option<&SortKey>,
        limit: usize,
        mut keep: impl FnMut(&str) -> bool,
        mut show: impl FnMut(&str) -> Option<T>,
    ) -> Page<T> {
        let limit = limit.clamp(1, MAX_PAGE);
        if self.is_empty() {
            return Page {
                items: Vec::new(),
                next: None,
                total: 0,
            };
        }
        // Items up to the cursor count towards the total, not the page.
        let mut total = after.map_or(0, |after| {
            self.keys
                .range(..=after)
                .filter(|key| keep(&key.id))
                .count()
        });
        let start = after.map_or(Bound::Unbounded, Bound::Excluded);
        let mut items = Vec::new();
        let mut last = None;
        let mut more = false;
        for key in self.keys.range((start, Bound::Unbounded)) {
            if !keep(&key.id) {
                continue;
            }
            total += 1;
            if items.len() < limit {
                if let Some(item) = show(&key.id) {
                    items.push(item);
                    last = Some(key);
                }
            } else {
                more = true;
            }
        }
        Page {
            items,
            next: if more { last.cloned() } else { None },
            total,
        }
    }
}

/// Newest first: a time as a rank that sorts later times earlier.
pub fn newest_first(at: chrono::DateTime<chrono::Utc>) -> i64 {
    -at.timestamp_micros()
}

/// Oldest (soonest) first.
pub fn oldest_first(at: chrono::DateTime<chrono::Utc>) -> i64 {
    at.timestamp_micros()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(_: &str) -> bool {
        true
    }

    fn show(id: &str) -> Option<String> {
        Some(id.to_owned())
    }

    fn ordering(ids: &[(i64, &str)]) -> Ordering {
        let mut order = Ordering::default();
        for (rank, id) in ids {
            order.set(SortKey::new(*rank, "", *id));
        }
        order
    }

    #[test]
    fn pages_follow_each_other_without_gaps_or_repeats() {
        let order = ordering(&[(3, "c"), (1, "a"), (2, "b"), (2, "a2"), (5, "e")]);
        let first = order.page(None, 2, all, show);
        assert_eq!(first.items, ["a", "a2"]);
        assert_eq!(first.total, 5);
        let second = order.page(first.next.as_ref(), 2, all, show);
        assert_eq!(second.items, ["b", "c"]);
        assert_eq!(second.total, 5);
        let third = order.page(second.next.as_ref(), 2, all, show);
        assert_eq!(third.items, ["e"]);
        assert_eq!(third.next, None);
    }

    #[test]
    fn an_item_added_before_the_cursor_is_not_repeated_and_one_after_it_shows() {
        let mut order = ordering(&[(1, "a"), (2, "b"), (3, "c")]);
        let first = order.page(None, 2, all, show);
        order.set(SortKey::new(0, "", "early"));
        order.set(SortKey::new(9, "", "late"));
        let second = order.page(first.next.as_ref(), 2, all, show);
        assert_eq!(second.items, ["c", "late"]);
    }

    #[test]
    fn moving_an_item_keeps_one_key_for_it() {
        let mut order = ordering(&[(1, "a"), (2, "b")]);
        order.set(SortKey::new(3, "", "a"));
        assert_eq!(order.len(), 2);
        let page = order.page(None, 10, all, show);
        assert_eq!(page.items, ["b", "a"]);
        order.remove("a");
        assert_eq!(order.len(), 1);
    }

    #[test]
    fn filtered_items_count_neither_on_the_page_nor_in_the_total() {
        let order = ordering(&[(1, "a"), (2, "b"), (3, "c")]);
        let not_b = |id: &str| id != "b";
        let page = order.page(None, 1, not_b, show);
        assert_eq!(page.items, ["a"]);
        assert_eq!(page.total, 2);
        let next = order.page(page.next.as_ref(), 1, not_b, show);
        assert_eq!(next.items, ["c"]);
        assert_eq!(next.total, 2);
    }
}
