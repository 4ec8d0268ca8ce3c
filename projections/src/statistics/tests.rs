//! Counting, and counting again after changes and retirement.

use domain::initiative::ProfileChanges;
use domain::values::{CountryCode, FirmCount, InitiativeKind, Sector, Sectors};

use super::*;
use crate::map::fixtures::*;

fn count(initiatives: u64, firms: u64) -> Count {
    Count { initiatives, firms }
}

fn counts(entries: &[(&str, Count)]) -> BTreeMap<String, Count> {
    entries.iter().map(|(k, c)| (k.to_string(), *c)).collect()
}

/// Two Chilean initiatives approved, an Argentine one only submitted.
fn history() -> History {
    let mut history = History::default();
    let mut network = profile("Red de Electromovilidad");
    network.kind = InitiativeKind::BusinessNetwork;
    network.sectors = Sectors::new(vec![Sector::Electromobility, Sector::Lithium]).unwrap();
    network.number_of_firms = FirmCount::new(15).unwrap();
    let mut argentine = profile("Polo Tecnológico de Córdoba");
    argentine.country = CountryCode::new("AR").unwrap();
    history
        .approve(initiative(1), profile("Clúster del Litio"), at(2024, 1, 1))
        .approve(initiative(2), network, at(2024, 1, 2))
        .record(
            initiative(3),
            registered(initiative(3), argentine, at(2024, 1, 3)),
        );
    history
}

#[test]
fn approved_initiatives_are_counted_per_country_sector_and_kind() {
    let statistics: Statistics = history().fold();
    assert_eq!(
        statistics.tallies(),
        &Tallies {
            total: count(2, 100),
            by_country: counts(&[("CL", count(2, 100))]),
            by_sector: counts(&[
                ("electromobility", count(1, 15)),
                ("lithium", count(2, 100)),
                ("mining", count(1, 85)),
            ]),
            by_kind: counts(&[
                ("business_network", count(1, 15)),
                ("cluster_initiative", count(1, 85)),
            ]),
            by_maturity: counts(&[("construction", count(2, 100))]),
            approved_by_month: counts(&[("2024-01", count(2, 100))]),
        }
    );
}

#[test]
fn approvals_per_month_are_history_that_retirement_does_not_undo() {
    let mut history = history();
    history
        .record(initiative(3), approved(at(2024, 3, 5)))
        .record(initiative(1), retired(at(2024, 4, 1)));
    let statistics: Statistics = history.fold();
    assert_eq!(
        statistics.tallies().approved_by_month,
        counts(&[("2024-01", count(2, 100)), ("2024-03", count(1, 85))])
    );
    assert_eq!(statistics.tallies().total, count(2, 100));
}

#[test]
fn an_approved_change_of_country_moves_the_initiative_and_a_pending_one_does_not() {
    let mut history = history();
    let to_peru = ProfileChanges {
        country: Some(CountryCode::new("PE").unwrap()),
        ..Default::default()
    };
    history.record(initiative(2), change_proposed(to_peru, at(2024, 2, 1)));
    let pending: Statistics = history.fold();
    assert_eq!(
        pending.tallies().by_country,
        counts(&[("CL", count(2, 100))])
    );
    history.record(initiative(2), change_approved(at(2024, 2, 2)));
    let moved: Statistics = history.fold();
    assert_eq!(
        moved.tallies().by_country,
        counts(&[("CL", count(1, 85)), ("PE", count(1, 15))])
    );
    assert_eq!(moved.tallies().total, count(2, 100));
}

#[test]
fn changes_of_sectors_and_firms_apply_at_once() {
    let mut history = history();
    let changes = ProfileChanges {
        sectors: Some(Sectors::new(vec![Sector::GreenHydrogen]).unwrap()),
        number_of_firms: Some(FirmCount::new(40).unwrap()),
        ..Default::default()
    };
    history.record(initiative(1), updated(changes, at(2024, 2, 1)));
    let statistics: Statistics = history.fold();
    assert_eq!(
        statistics.tallies().by_sector,
        counts(&[
            ("electromobility", count(1, 15)),
            ("green_hydrogen", count(1, 40)),
            ("lithium", count(1, 15)),
        ]),
        "mining is gone with its last initiative"
    );
    assert_eq!(statistics.tallies().total, count(2, 55));
}

#[test]
fn retired_initiatives_no_longer_count() {
    let mut history = history();
    history.record(initiative(1), retired(at(2024, 3, 1)));
    let one_left: Statistics = history.fold();
    assert_eq!(one_left.tallies().total, count(1, 15));
    assert_eq!(one_left.tallies().by_kind.len(), 1);
    history.record(initiative(2), retired(at(2024, 3, 2)));
    let none_left: Statistics = history.fold();
    assert_eq!(
        none_left.tallies(),
        &Tallies {
            approved_by_month: counts(&[("2024-01", count(2, 100))]),
            ..Tallies::default()
        },
        "nothing counts now; the approvals stay in the history of growth"
    );
    // The submitted one is still kept, as it may be approved later.
    assert_eq!(none_left.initiatives.len(), 1);
}

#[test]
fn rows_list_the_total_then_each_dimension_by_key() {
    let statistics: Statistics = history().fold();
    let rows: Vec<(&str, &str, u64, u64)> = statistics
        .tallies()
        .rows()
        .iter()
        .map(|r| (r.dimension, r.key, r.count.initiatives, r.count.firms))
        .collect();
    assert_eq!(
        rows,
        [
            ("total", "all", 2, 100),
            ("country", "CL", 2, 100),
            ("sector", "electromobility", 1, 15),
            ("sector", "lithium", 2, 100),
            ("sector", "mining", 1, 85),
            ("kind", "business_network", 1, 15),
            ("kind", "cluster_initiative", 1, 85),
            ("maturity", "construction", 2, 100),
            ("approved_in_month", "2024-01", 2, 100),
        ]
    );
}

#[test]
fn a_snapshot_round_trip_and_a_resumed_fold_equal_a_single_fold() {
    let mut history = history();
    history
        .record(initiative(3), approved(at(2024, 2, 1)))
        .record(initiative(1), retired(at(2024, 3, 1)));
    let live: Statistics = history.fold();
    let restored = round_trip(&live);
    assert_eq!(
        serde_json::to_value(&restored).unwrap(),
        serde_json::to_value(&live).unwrap()
    );
    for split in 0..history.len() {
        let mut resumed = round_trip(&history.fold_first::<Statistics>(split));
        history.feed_from(split, &mut resumed);
        assert_eq!(
            serde_json::to_value(&resumed).unwrap(),
            serde_json::to_value(&live).unwrap(),
            "resumed after {split} events"
        );
    }
    assert_eq!(
        live.tallies().by_country,
        counts(&[("AR", count(1, 85)), ("CL", count(1, 15))])
    );
}
