//! Tests of the map: what is on it, its GeoJSON, filters, search, staleness, snapshots, and a
//! comparison of the indexed queries with a plain scan over many generated initiatives.

mod consistency;
mod filters;
mod lifecycle;
mod put_off;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::*;

/// The ids of what `filter` keeps at `now`, in the order given.
fn ids(map: &InitiativeMap, filter: &MapFilter, now: DateTime<Utc>) -> Vec<InitiativeId> {
    map.features(filter, now)
        .iter()
        .map(|f| f.entry.id)
        .collect()
}

fn geojson(map: &InitiativeMap, filter: &MapFilter, now: DateTime<Utc>) -> Value {
    serde_json::from_slice(&map.geojson(filter, now)).expect("the map is JSON")
}
