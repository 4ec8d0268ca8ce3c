//! The indexes against a plain scan: many generated initiatives, changed and retired at random,
//! asked many generated queries; the indexed answer must equal filtering every profile by hand.

use std::collections::BTreeMap;

use domain::initiative::{Initiative, InitiativeStatus, ProfileChanges};
use domain::values::{
    CountryCode, Description, GeoPoint, InitiativeKind, MaturityStage, Name, Region, Sector,
    Sectors,
};

use super::super::fixtures::*;
use super::super::text;
use super::*;
use crate::stored::Stored;

/// A small deterministic generator (64-bit LCG), so failures repeat.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * (self.next() % 1_000_000) as f64 / 1_000_000.0
    }
}

const COUNTRIES: &[&str] = &["AR", "BR", "CL", "CO", "MX", "PE"];
const WORDS: &[&str] = &[
    "Clúster",
    "São",
    "Paulo",
    "Açaí",
    "Maçã",
    "Ñandú",
    "Limões",
    "litio",
    "cobre",
    "Región",
    "agroindústria",
    "Electromovilidad",
    "turismo",
    "Pará",
    "Bío-Bío",
    "hidrógeno",
];

fn words(dice: &mut Dice, count: usize) -> String {
    (0..count)
        .map(|_| dice.pick(WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

fn random_profile(dice: &mut Dice, n: usize) -> domain::initiative::Profile {
    let mut p = profile(&format!("{} {n}", words(dice, 2)));
    p.description = Description::new(words(dice, 4)).unwrap();
    p.region = Region::new(words(dice, 1)).unwrap();
    p.country = CountryCode::new(dice.pick(COUNTRIES)).unwrap();
    p.location = GeoPoint::new(dice.between(-56.0, 33.0), dice.between(-118.0, -34.0)).unwrap();
    let first = dice.pick(Sector::ALL);
    let second = dice.pick(Sector::ALL);
    let sectors = if first == second {
        vec![first]
    } else {
        vec![first, second]
    };
    p.sectors = Sectors::new(sectors).unwrap();
    p.kind = dice.pick(InitiativeKind::ALL);
    p.maturity_stage = dice.pick(MaturityStage::ALL);
    p
}

fn random_filter(dice: &mut Dice) -> MapFilter {
    let mut filter = MapFilter::default();
    let chance = |dice: &mut Dice| dice.below(3) == 0;
    if chance(dice) {
        for _ in 0..=dice.below(2) {
            filter
                .countries
                .insert(CountryCode::new(dice.pick(COUNTRIES)).unwrap());
        }
    }
    if chance(dice) {
        for _ in 0..=dice.below(3) {
            filter.sectors.insert(dice.pick(Sector::ALL));
        }
    }
    if chance(dice) {
        filter.kinds.insert(dice.pick(InitiativeKind::ALL));
    }
    if chance(dice) {
        filter.maturities.insert(dice.pick(MaturityStage::ALL));
    }
    if chance(dice) {
        filter.stale = Some(dice.below(2) == 0);
    }
    if chance(dice) {
        // Small boxes use the grid; the whole region does not.
        let (width, height) = if dice.below(2) == 0 {
            (8.0, 8.0)
        } else {
            (90.0, 90.0)
        };
        let west = dice.between(-120.0, -40.0);
        let south = dice.between(-60.0, 20.0);
        filter.bbox = Some(
            BoundingBox::new(
                west,
                south,
                (west + width).min(180.0),
                (south + height).min(90.0),
            )
            .unwrap(),
        );
    }
    if chance(dice) {
        let word = text::fold(dice.pick(WORDS));
        let cut = dice.below(word.len().min(4));
        filter.text = Some(TextQuery::new(&word[cut..]).unwrap());
    }
    filter
}

/// What the filter keeps, by reading every folded initiative.
fn by_hand(
    initiatives: &BTreeMap<InitiativeId, Stored<Initiative>>,
    filter: &MapFilter,
    now: DateTime<Utc>,
) -> Vec<InitiativeId> {
    initiatives
        .iter()
        .map(|(id, stored)| (id, stored.get().unwrap()))
        .filter(|(_, i)| i.status() == InitiativeStatus::Approved)
        .filter(|(_, i)| {
            // Approval of a stream that was never registered shows nothing.
            let Some(p) = i.profile() else {
                return false;
            };
            let texts = text::fold(&format!("{} {} {}", p.name, p.description, p.region));
            let words: Vec<&str> = text::words(&texts).collect();
            (filter.countries.is_empty() || filter.countries.contains(&p.country))
                && (filter.sectors.is_empty()
                    || p.sectors.iter().any(|s| filter.sectors.contains(&s)))
                && (filter.kinds.is_empty() || filter.kinds.contains(&p.kind))
                && (filter.maturities.is_empty() || filter.maturities.contains(&p.maturity_stage))
                && filter.stale.is_none_or(|stale| stale == i.is_stale(now))
                && filter
                    .bbox
                    .is_none_or(|b| b.contains(p.location.lon(), p.location.lat()))
                && filter.text.as_ref().is_none_or(|q| {
                    q.words()
                        .iter()
                        .all(|w| words.iter().any(|t| t.contains(w.as_str())))
                })
        })
        .map(|(id, _)| *id)
        .collect()
}

#[test]
fn indexed_queries_answer_as_a_plain_scan_does() {
    let mut dice = Dice(20_240_601);
    let mut history = History::default();
    let count = 600;
    for n in 0..count {
        // Registration order differs from id order, so slots are not in id order.
        let id = initiative((n * 7919 % count) as u32 + 1);
        let when = at(2021 + dice.below(4) as i32, 1 + dice.below(12) as u32, 1);
        history.record(id, registered(id, random_profile(&mut dice, n), when));
        if dice.below(5) > 0 {
            history.record(id, approved(when));
        }
    }
    // Changes of every kind after approval, and retirements that free slots for reuse.
    for _ in 0..400 {
        let id = initiative(dice.below(count) as u32 + 1);
        let when = at(2024, 1 + dice.below(12) as u32, 1);
        let fresh = random_profile(&mut dice, 0);
        let event = match dice.below(6) {
            0 => updated(
                ProfileChanges {
                    description: Some(fresh.description),
                    sectors: Some(fresh.sectors),
                    ..Default::default()
                },
                when,
            ),
            1 => updated(
                ProfileChanges {
                    name: Some(Name::new(words(&mut dice, 2)).unwrap()),
                    country: Some(fresh.country),
                    location: Some(fresh.location),
                    region: Some(fresh.region),
                    ..Default::default()
                },
                when,
            ),
            2 => confirmed(when),
            3 => retired(when),
            4 => approved(when),
            _ => registered(id, fresh, when),
        };
        history.record(id, event);
    }
    let map: InitiativeMap = history.fold();
    let restored = round_trip(&map);
    // Its search index is built by the first random filter with text.
    let restored_for_one_read = round_trip_for(&map, Restoring::ForOneRead);
    let mut asked_something_found = 0;
    for _ in 0..500 {
        let filter = random_filter(&mut dice);
        let now = at(2024 + dice.below(3) as i32, 1 + dice.below(12) as u32, 1);
        let expected = by_hand(&map.initiatives, &filter, now);
        assert_eq!(ids(&map, &filter, now), expected, "{filter:?} at {now}");
        assert_eq!(
            ids(&restored, &filter, now),
            expected,
            "{filter:?} after restore"
        );
        assert_eq!(
            ids(&restored_for_one_read, &filter, now),
            expected,
            "{filter:?} after restore for one read"
        );
        asked_something_found += usize::from(!expected.is_empty());
    }
    assert!(
        asked_something_found > 100,
        "the queries must find things to be a test"
    );
}
