//! A map restored for one read puts off profile edits of states it has not parsed: what it shows,
//! finds and writes is what the map folded from the start shows, finds and writes.

use super::super::fixtures::*;
use super::*;
use domain::initiative::ProfileChanges;
use domain::values::{Description, Name, Region};

fn renamed(name: &str) -> ProfileChanges {
    ProfileChanges {
        name: Some(Name::new(name).unwrap()),
        ..Default::default()
    }
}

/// Twelve networks approved, then the events that follow the place a read restores.
fn edited_after_a_place() -> (History, usize) {
    let mut history = networks_approved(12);
    let placed = history.len();
    // Two edits of one network, nothing else: put off. Its name stays, so its entry is made
    // from its own outline, not another network's.
    let moved = ProfileChanges {
        region: Some(Region::new("Tumbes").unwrap()),
        ..Default::default()
    };
    history.record(initiative(3), updated(moved, at(2024, 3, 1)));
    let described = ProfileChanges {
        description: Some(Description::new("Productores de cacao fino de aroma.").unwrap()),
        ..Default::default()
    };
    history.record(initiative(3), updated(described, at(2024, 3, 2)));
    // An edit, then an event that needs the whole state.
    history.record(
        initiative(4),
        updated(renamed("Red Andina"), at(2024, 3, 3)),
    );
    history.record(initiative(4), confirmed(at(2024, 4, 1)));
    // An edit, then retirement.
    history.record(initiative(5), updated(renamed("Red Cinco"), at(2024, 4, 2)));
    history.record(initiative(5), retired(at(2024, 4, 3)));
    (history, placed)
}

fn text(words: &str) -> MapFilter {
    MapFilter {
        text: Some(TextQuery::new(words).unwrap()),
        ..Default::default()
    }
}

#[test]
fn profile_edits_are_put_off_and_the_map_shows_and_finds_what_they_leave() {
    let (history, placed) = edited_after_a_place();
    let placed_map = history.fold_first::<InitiativeMap>(placed);
    let live: InitiativeMap = history.fold();
    let now = at(2026, 1, 1);
    let filters = [
        MapFilter::default(),
        text("cacao"),
        text("tumbes"),
        text("andina"),
        text("red"),
    ];

    // Searched after the fold, and before it (the search index built from the states as read).
    let mut searched_last = round_trip_for(&placed_map, Restoring::ForOneRead);
    history.feed_from(placed, &mut searched_last);
    let mut searched_first = round_trip_for(&placed_map, Restoring::ForOneRead);
    assert!(ids(&searched_first, &text("cacao"), now).is_empty());
    history.feed_from(placed, &mut searched_first);

    // A search parses every state it reads: after one, nothing is put off.
    assert_eq!(
        searched_last.put_off.keys().collect::<Vec<_>>(),
        [&initiative(3)]
    );
    assert!(searched_first.put_off.is_empty());
    for map in [&searched_last, &searched_first] {
        for filter in &filters {
            assert_eq!(
                map.geojson(filter, now),
                live.geojson(filter, now),
                "{filter:?}"
            );
        }
        // Written or compared, the edits are applied to the states: the live map's snapshot,
        // and its serialised form, which verification compares.
        assert_eq!(map.write_state().unwrap(), live.write_state().unwrap());
        assert_eq!(
            serde_json::to_value(map).unwrap(),
            serde_json::to_value(&live).unwrap()
        );
    }
    assert_eq!(ids(&live, &text("cacao"), now), [initiative(3)]);
    assert_eq!(ids(&live, &text("tumbes"), now), [initiative(3)]);
    // The state the confirmation needed was parsed, with its edit applied first; the edited
    // one was not.
    assert!(searched_last.initiatives[&initiative(4)].json().is_none());
    assert!(searched_last.initiatives[&initiative(3)].json().is_some());
    assert!(!searched_last.initiatives.contains_key(&initiative(5)));
}

#[test]
fn the_history_keeper_applies_every_edit_to_its_states() {
    let (history, placed) = edited_after_a_place();
    let mut kept = round_trip_for(
        &history.fold_first::<InitiativeMap>(placed),
        Restoring::ToKeepHistory,
    );
    history.feed_from(placed, &mut kept);
    assert!(kept.put_off.is_empty());
    assert!(kept.initiatives[&initiative(3)].json().is_none());
    let live: InitiativeMap = history.fold();
    assert_eq!(kept.write_state().unwrap(), live.write_state().unwrap());
}
