//! The ranking of the search, a page at a time: [`Best`] counts every match and keeps only the
//! best `limit + 1` after the cursor (one more than the page, to know whether another follows),
//! in a max-heap whose top is the first to go, so that a query matching most of the platform
//! costs a pass over its matches, not a sort of them.

use std::borrow::Cow;
use std::collections::BinaryHeap;

use projections::SortKey;

use super::{hit, Hit, HitKind};
use crate::app::listing::{self, Listed, PageRequest};

/// Where a hit stands in the ranking: best score first, then kind, then title, then id. The
/// text starts with the kind's digit, so `(rank, first character)` orders by score and kind
/// before any title is compared (what [`Best::offer`] uses to skip a match cheaply).
fn key(kind: HitKind, score: usize, folded_title: &str, id: &str) -> SortKey {
    let rank = -(score as i64);
    let text = format!("{} {folded_title}", kind as u8);
    SortKey::new(rank, text, format!("{}:{id}", kind.as_str()))
}

/// The part of a key that score and kind alone decide.
fn score_and_kind(key: &SortKey) -> (i64, Option<char>) {
    (key.rank, key.text.chars().next())
}

/// A kept hit, ordered by its key alone.
struct Ranked {
    key: SortKey,
    hit: Hit,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

/// The best hits after the page's cursor, one more than the page holds (to know whether
/// another page follows), and how many matches there were in all.
pub struct Best {
    after: Option<SortKey>,
    limit: usize,
    /// A max-heap on the key: its top is the worst hit kept, the first to go.
    kept: BinaryHeap<Ranked>,
    total: usize,
}

impl Best {
    pub fn new(page: &PageRequest) -> Self {
        Self {
            after: page.after.clone(),
            limit: page.limit.max(1),
            kept: BinaryHeap::with_capacity(page.limit + 2),
            total: 0,
        }
    }

    fn is_full(&self) -> bool {
        self.kept.len() > self.limit
    }

    /// Counts a match; keeps it if it is among the best after the cursor so far.
    /// `id_and_title` is not called for a match whose score and kind already rule it out.
    pub fn offer(
        &mut self,
        kind: HitKind,
        score: usize,
        folded_title: Cow<'_, str>,
        id_and_title: impl FnOnce() -> (String, String),
    ) {
        self.total += 1;
        let rough = (-(score as i64), char::from_digit(kind as u32, 10));
        let before_cursor = self
            .after
            .as_ref()
            .is_some_and(|after| rough < score_and_kind(after));
        let worse_than_kept = self.is_full()
            && self
                .kept
                .peek()
                .is_some_and(|worst| rough > score_and_kind(&worst.key));
        if before_cursor || worse_than_kept {
            return;
        }
        let (id, title) = id_and_title();
        let key = key(kind, score, &folded_title, &id);
        if self.after.as_ref().is_some_and(|after| &key <= after) {
            return;
        }
        if self.is_full() {
            match self.kept.peek() {
                Some(worst) if key < worst.key => {
                    self.kept.pop();
                }
                _ => return,
            }
        }
        let hit = hit(kind, id, title, score);
        self.kept.push(Ranked { key, hit });
    }

    /// The page: the kept hits best first, and the cursor of the next page if more were kept
    /// than it holds.
    pub fn into_page(self) -> Listed<Hit> {
        let mut ranked = self.kept.into_sorted_vec();
        let more = ranked.len() > self.limit;
        ranked.truncate(self.limit);
        let next_cursor = more
            .then(|| ranked.last().map(|r| listing::encode(&r.key)))
            .flatten();
        Listed {
            items: ranked.into_iter().map(|r| r.hit).collect(),
            next_cursor,
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    const KINDS: [HitKind; 6] = [
        HitKind::Initiative,
        HitKind::Publication,
        HitKind::News,
        HitKind::Gathering,
        HitKind::Community,
        HitKind::JointProject,
    ];

    /// The ranking as it was first written: every match keyed, sorted, and the page cut out.
    fn sorted_page(
        matches: &[(HitKind, usize, String, String)],
        page: &PageRequest,
    ) -> Listed<Hit> {
        let mut ranked: Vec<(SortKey, Hit)> = matches
            .iter()
            .map(|(kind, score, id, title)| {
                let folded = projections::fold_text(title);
                let key = key(*kind, *score, &folded, id);
                (key, hit(*kind, id.clone(), title.clone(), *score))
            })
            .collect();
        ranked.sort_by(|a, b| a.0.cmp(&b.0));
        let start = page
            .after
            .as_ref()
            .map_or(0, |after| ranked.partition_point(|(k, _)| k <= after));
        let rest = &ranked[start..];
        Listed {
            items: rest
                .iter()
                .take(page.limit)
                .map(|(_, h)| h.clone())
                .collect(),
            next_cursor: (rest.len() > page.limit)
                .then(|| listing::encode(&rest[page.limit - 1].0)),
            total: ranked.len(),
        }
    }

    fn best_page(matches: &[(HitKind, usize, String, String)], page: &PageRequest) -> Listed<Hit> {
        let mut best = Best::new(page);
        for (kind, score, id, title) in matches {
            let folded = projections::fold_text(title);
            best.offer(*kind, *score, folded.into(), || (id.clone(), title.clone()));
        }
        best.into_page()
    }

    #[test]
    fn the_bounded_heap_pages_exactly_as_sorting_every_match_does() {
        let mut rng = StdRng::seed_from_u64(16);
        let titles = [
            "Clúster",
            "cluster",
            "Ñuñoa",
            "São Paulo",
            "Red",
            "red",
            "Zona",
        ];
        for round in 0..300 {
            let matches: Vec<(HitKind, usize, String, String)> = (0..rng.gen_range(0..60))
                .map(|i| {
                    let kind = KINDS[rng.gen_range(0..KINDS.len())];
                    let title = titles[rng.gen_range(0..titles.len())].to_owned();
                    (kind, rng.gen_range(0..4), format!("id-{i:03}"), title)
                })
                .collect();
            let mut page = PageRequest {
                after: None,
                limit: rng.gen_range(1..8),
            };
            // Follow the cursors to the end; each page must match the sorted one.
            for _ in 0..100 {
                let expected = sorted_page(&matches, &page);
                assert_eq!(best_page(&matches, &page), expected, "round {round}");
                let Some(cursor) = expected.next_cursor else {
                    break;
                };
                let bytes = base64::Engine::decode(
                    &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                    cursor,
                )
                .unwrap();
                page.after = Some(serde_json::from_slice(&bytes).unwrap());
            }
            // A forged cursor only chooses where the read starts, the same way in both.
            let texts = ["", "3", "3 red", "0 zona", "9", "a"];
            let forged = PageRequest {
                after: Some(SortKey::new(
                    -rng.gen_range(0..4),
                    texts[rng.gen_range(0..texts.len())],
                    format!("news:id-{:03}", rng.gen_range(0..60)),
                )),
                limit: rng.gen_range(1..8),
            };
            assert_eq!(
                best_page(&matches, &forged),
                sorted_page(&matches, &forged),
                "round {round}, {forged:?}"
            );
        }
    }
}
