//! One initiative as the map shows it, with its GeoJSON Feature written once, when it changes.

use chrono::{DateTime, Utc};
use domain::initiative::{InitiativeOutline, InitiativeStatus};
use domain::values::{CountryCode, GeoPoint, InitiativeId, InitiativeKind, MaturityStage, Sector};
use serde::Serialize;

/// What the map shows of an approved initiative: its current, approved profile (a change
/// waiting for review is not shown until a moderator approves it).
#[derive(Debug, Clone, PartialEq)]
pub struct MapEntry {
    pub id: InitiativeId,
    pub name: String,
    pub kind: InitiativeKind,
    pub country: CountryCode,
    pub region: String,
    pub location: GeoPoint,
    /// In the order given, the main one first.
    pub sectors: Vec<Sector>,
    pub number_of_firms: u32,
    pub maturity: MaturityStage,
    /// When the record goes stale unless a manager confirms it (see [`Initiative::is_stale`]).
    pub confirmation_due: Option<DateTime<Utc>>,
    /// The Feature's JSON up to the value of its `stale` property, which depends on the time of
    /// the query; serialised once per change so that a query only copies bytes.
    feature_head: String,
}

/// The properties of a Feature, in the order they are written; `stale` comes last and is
/// appended at query time.
#[derive(Serialize)]
struct Properties<'a> {
    id: &'a InitiativeId,
    name: &'a str,
    kind: &'a InitiativeKind,
    country: &'a CountryCode,
    region: &'a str,
    sectors: &'a [Sector],
    number_of_firms: u32,
    maturity: &'a MaturityStage,
}

impl MapEntry {
    /// The entry of an approved initiative, from its outline; `None` for any other.
    pub(super) fn of(id: InitiativeId, initiative: InitiativeOutline) -> Option<Self> {
        if initiative.status() != InitiativeStatus::Approved {
            return None;
        }
        let confirmation_due = initiative.confirmation_due();
        let profile = initiative.into_profile()?;
        let mut entry = Self {
            id,
            name: profile.name.into_string(),
            kind: profile.kind,
            country: profile.country,
            region: profile.region.into_string(),
            location: profile.location,
            sectors: profile.sectors.as_slice().to_vec(),
            number_of_firms: profile.number_of_firms.get(),
            maturity: profile.maturity_stage,
            confirmation_due,
            feature_head: String::new(),
        };
        entry.feature_head = entry.write_feature_head();
        Some(entry)
    }

    /// Whether the record is stale at `now`: the same rule as [`Initiative::is_stale`], from the
    /// due date kept here.
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        self.confirmation_due.is_some_and(|due| now >= due)
    }

    fn write_feature_head(&self) -> String {
        let properties = Properties {
            id: &self.id,
            name: &self.name,
            kind: &self.kind,
            country: &self.country,
            region: &self.region,
            sectors: &self.sectors,
            number_of_firms: self.number_of_firms,
            maturity: &self.maturity,
        };
        // One buffer written in place: a rebuild writes a head at every change of an approved
        // initiative. Serialising these value types into memory cannot fail: they are
        // strings, numbers and enums.
        let mut head = Vec::with_capacity(320);
        head.extend_from_slice(br#"{"type":"Feature","id":"#);
        let _ = serde_json::to_writer(&mut head, &self.id);
        // RFC 7946: a Point's coordinates are [longitude, latitude].
        head.extend_from_slice(br#","geometry":{"type":"Point","coordinates":["#);
        let _ = serde_json::to_writer(&mut head, &self.location.lon());
        head.push(b',');
        let _ = serde_json::to_writer(&mut head, &self.location.lat());
        head.extend_from_slice(br#"]},"properties":"#);
        let _ = serde_json::to_writer(&mut head, &properties);
        // The properties stay open: `stale` is their last, written at query time.
        if head.last() == Some(&b'}') {
            head.pop();
        }
        head.extend_from_slice(br#","stale":"#);
        String::from_utf8(head).unwrap_or_default()
    }
}

/// An entry as a query at a given time sees it.
#[derive(Debug, Clone, Copy)]
pub struct MapFeature<'a> {
    pub entry: &'a MapEntry,
    pub stale: bool,
}

impl MapFeature<'_> {
    /// Appends the GeoJSON Feature.
    pub fn write_json(&self, out: &mut String) {
        out.push_str(&self.entry.feature_head);
        out.push_str(if self.stale { "true}}" } else { "false}}" });
    }
}

/// A GeoJSON FeatureCollection (RFC 7946) of `features`, in the order given: only `type` and
/// `features` at the top (no `crs`, no foreign members), so Leaflet, MapLibre and QGIS read it
/// as it is.
pub fn to_geojson(features: &[MapFeature<'_>]) -> String {
    let size: usize = features
        .iter()
        .map(|f| f.entry.feature_head.len() + 8)
        .sum();
    let mut out = String::with_capacity(size + 48);
    out.push_str(r#"{"type":"FeatureCollection","features":["#);
    for (i, feature) in features.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        feature.write_json(&mut out);
    }
    out.push_str("]}");
    out
}
