//! What is on the map as initiatives go through their lifecycle, and how it is written.

use serde_json::json;

use super::super::fixtures::*;
use super::*;
use domain::initiative::ProfileChanges;
use domain::values::{GeoPoint, Name, Region};

#[test]
fn only_approved_initiatives_that_are_not_retired_are_on_the_map() {
    let mut history = History::default();
    let when = at(2024, 3, 1);
    history
        .approve(initiative(1), profile("Aprobada"), when)
        .record(
            initiative(2),
            registered(initiative(2), profile("En revisión"), when),
        )
        .approve(initiative(3), profile("Retirada"), when)
        .record(initiative(3), retired(at(2024, 4, 1)))
        .record(
            initiative(4),
            registered(initiative(4), profile("Rechazada"), when),
        )
        .record(
            initiative(4),
            InitiativeEvent::InitiativeRejected {
                reason: domain::values::Reason::new("Faltan datos").unwrap(),
                by: initiative_actor(),
                at: when,
            },
        );
    let map: InitiativeMap = history.fold();
    assert_eq!(ids(&map, &MapFilter::default(), when), [initiative(1)]);
    assert_eq!(map.len(), 1);
    // Retirement is final: nothing of it is kept.
    assert!(!map.initiatives.contains_key(&initiative(3)));
}

fn initiative_actor() -> domain::values::AccountId {
    "00000000-0000-7000-8000-0000000000aa".parse().unwrap()
}

#[test]
fn a_feature_is_rfc_7946_geojson_with_longitude_first() {
    let mut history = History::default();
    let id = initiative(7);
    let mut p = profile("Clúster \"Minero\" de Antofagasta");
    p.region = Region::new("Región de Antofagasta").unwrap();
    history.approve(id, p, at(2024, 3, 1));
    let map: InitiativeMap = history.fold();
    let collection = geojson(&map, &MapFilter::default(), at(2024, 5, 1));
    assert_eq!(
        collection,
        json!({
            "type": "FeatureCollection",
            "features": [{
                "type": "Feature",
                "id": id.to_string(),
                "geometry": {"type": "Point", "coordinates": [-70.3975, -23.6509]},
                "properties": {
                    "id": id.to_string(),
                    "name": "Clúster \"Minero\" de Antofagasta",
                    "kind": "cluster_initiative",
                    "country": "CL",
                    "region": "Región de Antofagasta",
                    "sectors": ["lithium", "mining"],
                    "number_of_firms": 85,
                    "maturity": "construction",
                    "stale": false,
                }
            }]
        })
    );
    let empty = geojson(
        &InitiativeMap::default(),
        &MapFilter::default(),
        at(2024, 5, 1),
    );
    assert_eq!(empty, json!({"type": "FeatureCollection", "features": []}));
}

#[test]
fn features_come_in_id_order_whatever_the_order_of_approval() {
    let mut history = History::default();
    for n in [5, 2, 9, 1, 7] {
        history.approve(
            initiative(n),
            profile(&format!("Iniciativa {n}")),
            at(2024, 1, n),
        );
    }
    let map: InitiativeMap = history.fold();
    let expected: Vec<_> = [1, 2, 5, 7, 9].into_iter().map(initiative).collect();
    assert_eq!(ids(&map, &MapFilter::default(), at(2024, 2, 1)), expected);
}

#[test]
fn a_pending_change_is_not_shown_until_a_moderator_approves_it() {
    let mut history = History::default();
    let id = initiative(1);
    history.approve(id, profile("Nombre aprobado"), at(2024, 1, 1));
    let moved = ProfileChanges {
        name: Some(Name::new("Nombre propuesto").unwrap()),
        location: Some(GeoPoint::new(-33.45, -70.66).unwrap()),
        ..Default::default()
    };
    history.record(id, change_proposed(moved, at(2024, 2, 1)));
    let now = at(2024, 3, 1);
    let pending: InitiativeMap = history.fold();
    let shown = &geojson(&pending, &MapFilter::default(), now)["features"][0];
    assert_eq!(shown["properties"]["name"], "Nombre aprobado");
    assert_eq!(
        shown["geometry"]["coordinates"],
        json!([-70.3975, -23.6509])
    );

    history.record(id, change_approved(at(2024, 2, 2)));
    let approved: InitiativeMap = history.fold();
    let shown = &geojson(&approved, &MapFilter::default(), now)["features"][0];
    assert_eq!(shown["properties"]["name"], "Nombre propuesto");
    assert_eq!(shown["geometry"]["coordinates"], json!([-70.66, -33.45]));
    let santiago = MapFilter {
        bbox: Some(BoundingBox::new(-71.0, -34.0, -70.0, -33.0).unwrap()),
        ..Default::default()
    };
    assert_eq!(ids(&approved, &santiago, now), [id]);
    let old_name = MapFilter {
        text: Some(TextQuery::new("aprobado").unwrap()),
        ..Default::default()
    };
    assert!(ids(&approved, &old_name, now).is_empty());
}

#[test]
fn a_record_goes_stale_18_months_after_approval_or_the_last_confirmation() {
    let mut history = History::default();
    let old = initiative(1);
    let confirmed_since = initiative(2);
    history
        .approve(old, profile("Antigua"), at(2022, 1, 1))
        .approve(confirmed_since, profile("Confirmada"), at(2022, 1, 1))
        .record(confirmed_since, confirmed(at(2023, 6, 1)));
    let map: InitiativeMap = history.fold();
    let due = at(2023, 7, 1);
    let stale_only = MapFilter {
        stale: Some(true),
        ..Default::default()
    };
    let fresh_only = MapFilter {
        stale: Some(false),
        ..Default::default()
    };
    let just_before = due - chrono::Duration::seconds(1);
    assert!(ids(&map, &stale_only, just_before).is_empty());
    assert_eq!(
        ids(&map, &stale_only, due),
        [old],
        "due is the first stale moment"
    );
    assert_eq!(ids(&map, &fresh_only, due), [confirmed_since]);
    let features = map.features(&MapFilter::default(), due);
    assert!(features[0].stale && !features[1].stale);
    assert_eq!(
        geojson(&map, &MapFilter::default(), due)["features"][0]["properties"]["stale"],
        true
    );
    // The same rule as the aggregate's.
    let state = map.initiatives[&old].get().unwrap();
    for now in [just_before, due, at(2030, 1, 1)] {
        assert_eq!(features[0].entry.is_stale(now), state.is_stale(now));
    }
}

#[test]
fn the_whole_map_kept_between_reads_follows_events_and_the_clock() {
    let mut history = History::default();
    let old = initiative(1);
    let fresh = initiative(2);
    history
        .approve(old, profile("Antigua"), at(2022, 1, 1))
        .approve(fresh, profile("Reciente"), at(2023, 1, 1));
    let mut map: InitiativeMap = history.fold();
    let whole = MapFilter::default();
    let stale = |map: &InitiativeMap, now| -> Vec<bool> {
        geojson(map, &whole, now)["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["stale"].as_bool().unwrap())
            .collect()
    };
    // Kept: a second read is the same bytes, not a copy.
    let first = map.geojson(&whole, at(2023, 2, 1));
    let again = map.geojson(&whole, at(2023, 2, 2));
    assert_eq!(first.as_ptr(), again.as_ptr());
    // The clock passes the first record's confirmation date (18 months after approval), then
    // the second's, then goes back before both: each read says what holds at its moment.
    let due_old = at(2023, 7, 1);
    let due_fresh = at(2024, 7, 1);
    assert_eq!(
        stale(&map, due_old - chrono::Duration::seconds(1)),
        [false, false]
    );
    assert_eq!(stale(&map, due_old), [true, false]);
    assert_eq!(stale(&map, due_fresh), [true, true]);
    assert_eq!(stale(&map, at(2023, 2, 1)), [false, false]);
    // An event that changes an entry is in the next read; one that cannot change it keeps it.
    let before = map.geojson(&whole, at(2023, 2, 1));
    let renamed = ProfileChanges {
        name: Some(Name::new("Antigua renombrada").unwrap()),
        ..Default::default()
    };
    // Applied one by one, as the live engine does, with reads before any settling.
    let apply_new = |history: &History, from: usize, map: &mut InitiativeMap| {
        for event in history.events_from(from) {
            map.apply(event).unwrap();
        }
    };
    let from = history.len();
    history.record(old, updated(renamed, at(2023, 2, 3)));
    apply_new(&history, from, &mut map);
    let after = geojson(&map, &whole, at(2023, 2, 4));
    assert_eq!(
        after["features"][0]["properties"]["name"],
        "Antigua renombrada"
    );
    assert_ne!(before, map.geojson(&whole, at(2023, 2, 4)));
    let from = history.len();
    history.record(old, retired(at(2023, 2, 5)));
    apply_new(&history, from, &mut map);
    assert_eq!(
        geojson(&map, &whole, at(2023, 2, 6))["features"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // What the whole map kept is what writing it afresh gives.
    assert_eq!(
        map.geojson(&whole, at(2023, 2, 6)),
        to_geojson(&map.features(&whole, at(2023, 2, 6)))
    );
}

#[test]
fn a_large_map_is_compressed_on_a_thread_while_requests_get_it_plain() {
    let mut history = History::default();
    history.approve(initiative(1), profile("Primera"), at(2023, 1, 1));
    let mut map: InitiativeMap = history.fold();
    // Every map counts as large here.
    map.whole = WholeMap::with_inline_limit(0);
    let now = at(2023, 2, 1);
    let whole = MapFilter::default();
    let compressed = |map: &InitiativeMap| {
        (0..500)
            .find_map(|_| {
                std::thread::sleep(std::time::Duration::from_millis(10));
                map.geojson_gzip(&whole, now)
            })
            .expect("the compression ends")
    };
    let unpacked = |gzip: &[u8]| {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gzip), &mut text).unwrap();
        text
    };
    assert_eq!(
        map.geojson_gzip(&whole, now),
        None,
        "the first ask starts the compression"
    );
    let gzip = compressed(&map);
    assert_eq!(unpacked(&gzip), map.geojson(&whole, now));
    // A change: the compressed form of the old map is never answered for the new one.
    let from = history.len();
    history.approve(initiative(2), profile("Segunda"), at(2023, 1, 2));
    for event in history.events_from(from) {
        map.apply(event).unwrap();
    }
    assert_eq!(
        map.geojson_gzip(&whole, now),
        None,
        "a new compression, for the new map"
    );
    let fresh = unpacked(&compressed(&map));
    assert_eq!(fresh, map.geojson(&whole, now));
    assert_eq!(ids(&map, &whole, now).len(), 2);
}

#[test]
fn a_snapshot_restores_the_same_state_and_answers() {
    let mut history = History::default();
    for n in 1..=30 {
        let mut p = profile(&format!("Clúster número {n} de São Paulo"));
        p.location = GeoPoint::new(-23.0 - f64::from(n) / 10.0, -46.0 - f64::from(n)).unwrap();
        history.approve(initiative(n), p, at(2024, 1, 1));
    }
    history.record(initiative(3), retired(at(2024, 2, 1)));
    let changes = ProfileChanges {
        description: Some(domain::values::Description::new("Açaí e maçã").unwrap()),
        ..Default::default()
    };
    history.record(initiative(4), updated(changes, at(2024, 2, 1)));
    let halfway = history.len() / 2;
    let live: InitiativeMap = history.fold();
    let restored = round_trip(&live);
    assert_eq!(
        serde_json::to_value(&restored).unwrap(),
        serde_json::to_value(&live).unwrap()
    );
    // Resuming from a snapshot taken halfway ends where a single fold does.
    let mut resumed = round_trip(&history.fold_first::<InitiativeMap>(halfway));
    history.feed_from(halfway, &mut resumed);
    let now = at(2024, 3, 1);
    let filters = [
        MapFilter::default(),
        MapFilter {
            text: Some(TextQuery::new("sao acai").unwrap()),
            ..Default::default()
        },
        MapFilter {
            bbox: Some(BoundingBox::new(-60.0, -30.0, -50.0, -20.0).unwrap()),
            ..Default::default()
        },
    ];
    for filter in &filters {
        let expected = live.geojson(filter, now);
        assert_eq!(restored.geojson(filter, now), expected, "{filter:?}");
        assert_eq!(resumed.geojson(filter, now), expected, "{filter:?}");
    }
    assert_eq!(ids(&live, &filters[1], now), [initiative(4)]);
    assert_eq!(live.index.vocabulary_len(), restored.index.vocabulary_len());

    // Restored for one read, the search index waits for the first query with text, whether the
    // events after the snapshot come before that query or after it.
    let halfway_state = history.fold_first::<InitiativeMap>(halfway);
    let mut searched_last = round_trip_for(&halfway_state, Restoring::ForOneRead);
    history.feed_from(halfway, &mut searched_last);
    let mut searched_first = round_trip_for(&halfway_state, Restoring::ForOneRead);
    assert_eq!(searched_first.index.vocabulary_len(), None);
    assert_eq!(
        searched_first.geojson(&filters[1], now),
        halfway_state.geojson(&filters[1], now)
    );
    assert!(searched_first.index.vocabulary_len().is_some());
    history.feed_from(halfway, &mut searched_first);
    assert_eq!(searched_last.index.vocabulary_len(), None);
    for filter in &filters {
        let expected = live.geojson(filter, now);
        assert_eq!(searched_last.geojson(filter, now), expected, "{filter:?}");
        assert_eq!(searched_first.geojson(filter, now), expected, "{filter:?}");
    }
    assert_eq!(
        searched_first.index.vocabulary_len(),
        live.index.vocabulary_len()
    );
    assert_eq!(
        searched_last.index.vocabulary_len(),
        live.index.vocabulary_len()
    );
}

#[test]
fn a_model_restored_for_one_read_parses_only_the_states_later_events_change() {
    let mut history = networks_approved(12);
    let placed = history.len();
    history.record(initiative(5), confirmed(at(2024, 4, 1)));
    history.record(initiative(7), retired(at(2024, 4, 2)));
    let mut for_one_read = round_trip_for(
        &history.fold_first::<InitiativeMap>(placed),
        Restoring::ForOneRead,
    );
    assert!(for_one_read
        .initiatives
        .values()
        .all(|s| s.json().is_some()));
    history.feed_from(placed, &mut for_one_read);

    let parsed: Vec<InitiativeId> = for_one_read
        .initiatives
        .iter()
        .filter(|(_, stored)| stored.json().is_none())
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(parsed, [initiative(5)]);
    let live: InitiativeMap = history.fold();
    let now = at(2026, 1, 1);
    assert_eq!(
        for_one_read.geojson(&MapFilter::default(), now),
        live.geojson(&MapFilter::default(), now)
    );
    // Written again, the unparsed states are the JSON read: the same snapshot as the live one.
    assert_eq!(
        for_one_read.write_state().unwrap(),
        live.write_state().unwrap()
    );
}

#[test]
fn a_damaged_state_is_refused_by_a_model_that_serves_and_shown_by_its_outline_for_one_read() {
    let history = networks_approved(2);
    let map: InitiativeMap = history.fold();
    // Managers are not part of the outline: the damage (a manager's id that is not an id, of
    // the same length) is seen only by a whole parse.
    let state = String::from_utf8(map.write_state().unwrap()).unwrap();
    let id_at = state.find(r#""managers":[""#).unwrap() + r#""managers":[""#.len();
    let mut damaged = state.clone();
    damaged.replace_range(id_at..id_at + 1, "z");

    let mut to_serve = InitiativeMap::read_state(damaged.clone().into_bytes()).unwrap();
    let error = to_serve.restored(Restoring::ToServe).unwrap_err().0;
    assert!(error.contains(&initiative(1).to_string()), "{error}");

    let mut for_one_read = InitiativeMap::read_state(damaged.into_bytes()).unwrap();
    for_one_read.restored(Restoring::ForOneRead).unwrap();
    let now = at(2024, 2, 1);
    assert_eq!(
        for_one_read.geojson(&MapFilter::default(), now),
        map.geojson(&MapFilter::default(), now)
    );
}

#[test]
fn the_states_a_batch_changes_are_parsed_ahead_and_only_those() {
    let mut history = networks_approved(100);
    let placed = history.len();
    for n in 1..=80 {
        history.record(initiative(n), confirmed(at(2024, 4, 1)));
        history.record(initiative(n), confirmed(at(2024, 5, 1)));
    }
    let placed_map = history.fold_first::<InitiativeMap>(placed);
    let parsed = |map: &InitiativeMap| map.initiatives.values().filter(|s| s.is_parsed()).count();

    let mut for_one_read = round_trip_for(&placed_map, Restoring::ForOneRead);
    for_one_read.prepare(&history.events_from(placed)[..20]);
    assert_eq!(parsed(&for_one_read), 0, "too few to be worth threads");
    for_one_read.prepare(history.events_from(placed));
    assert_eq!(parsed(&for_one_read), 80);
    assert!(!for_one_read.initiatives[&initiative(81)].is_parsed());
    history.feed_from(placed, &mut for_one_read);
    let now = at(2026, 1, 1);
    let live: InitiativeMap = history.fold();
    assert_eq!(
        for_one_read.geojson(&MapFilter::default(), now),
        live.geojson(&MapFilter::default(), now)
    );
}

#[test]
fn a_large_collection_written_on_every_core_is_the_one_written_feature_by_feature() {
    // Above the size from which the features' GeoJSON, not written by any query yet, is written
    // on every core before the collection is put together.
    let history = networks_approved(2_100);
    let now = at(2024, 2, 1);
    let whole = MapFilter::default();
    let on_every_core = to_geojson(&history.fold::<InitiativeMap>().features(&whole, now));
    let fresh: InitiativeMap = history.fold();
    let mut one_by_one = String::from(r#"{"type":"FeatureCollection","features":["#);
    for (n, feature) in fresh.features(&whole, now).iter().enumerate() {
        if n > 0 {
            one_by_one.push(',');
        }
        feature.write_json(&mut one_by_one);
    }
    one_by_one.push_str("]}");
    assert_eq!(on_every_core, one_by_one);
    let parsed: serde_json::Value = serde_json::from_str(&on_every_core).unwrap();
    assert_eq!(parsed["features"].as_array().unwrap().len(), 2_100);
    assert_eq!(parsed["features"][2_099]["properties"]["name"], "Red 2100");
}

#[test]
fn a_model_restored_to_serve_has_every_feature_written_and_one_for_one_read_none() {
    let map: InitiativeMap = networks_approved(3).fold();
    let now = at(2024, 2, 1);
    let whole = MapFilter::default();
    let written = |map: &InitiativeMap| {
        map.features(&whole, now)
            .iter()
            .map(|f| f.entry.is_written())
            .collect::<Vec<_>>()
    };
    // A fold writes none until a query asks for them.
    assert_eq!(written(&map), [false; 3]);
    assert_eq!(written(&round_trip(&map)), [true; 3]);
    let for_one_read = round_trip_for(&map, crate::Restoring::ForOneRead);
    assert_eq!(written(&for_one_read), [false; 3]);
    // Writing the collection writes them.
    to_geojson(&for_one_read.features(&whole, now));
    assert_eq!(written(&for_one_read), [true; 3]);
}
