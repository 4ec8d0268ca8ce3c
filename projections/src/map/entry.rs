//! One initiative as the map shows it, with its GeoJSON Feature written once, when a query first
//! shows it after it changed.

use std::sync::OnceLock;

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
    /// the query; serialised by the first query that shows this entry, so that later ones only
    /// copy bytes. Not at every change: a rebuild changes an approved initiative's entry several
    /// times before any query reads it, and a model restored for one read writes only the
    /// entries its answer holds.
    feature_head: WrittenOnce,
}

/// Text written from an entry's other fields when first asked for. Whether it was written yet
/// does not make two entries differ.
#[derive(Debug, Clone, Default)]
struct WrittenOnce(OnceLock<Box<str>>);

impl PartialEq for WrittenOnce {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Above this many features a collection's GeoJSON not written yet is written on every core.
const WRITE_ON_EVERY_CORE_FROM: usize = 2_048;

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
        Some(Self {
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
            feature_head: WrittenOnce::default(),
        })
    }

    /// Whether the record is stale at `now`: the same rule as [`Initiative::is_stale`], from the
    /// due date kept here.
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        self.confirmation_due.is_some_and(|due| now >= due)
    }

    /// Whether the Feature's JSON is written.
    #[cfg(test)]
    pub(super) fn is_written(&self) -> bool {
        self.feature_head.0.get().is_some()
    }

    /// The Feature's JSON up to its `stale` value, written now if no query has yet.
    pub(super) fn feature_head(&self) -> &str {
        self.feature_head
            .0
            .get_or_init(|| self.write_feature_head())
    }

    fn write_feature_head(&self) -> Box<str> {
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
        // One buffer written in place: a whole map's answer writes 100,000 of them. Serialising
        // these value types into memory cannot fail: they are strings, numbers and enums.
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
        String::from_utf8(head).unwrap_or_default().into_boxed_str()
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
        out.push_str(self.entry.feature_head());
        out.push_str(if self.stale { "true}}" } else { "false}}" });
    }
}

/// A GeoJSON FeatureCollection (RFC 7946) of `features`, in the order given: only `type` and
/// `features` at the top (no `crs`, no foreign members), so Leaflet, MapLibre and QGIS read it
/// as it is.
pub fn to_geojson(features: &[MapFeature<'_>]) -> String {
    // Many entries not written yet (a model just restored or rebuilt) are written on every core
    // first, and the collection then only copies them.
    let head = |f: &MapFeature<'_>| f.entry.feature_head().len();
    let heads: usize = if features.len() >= WRITE_ON_EVERY_CORE_FROM {
        crate::parts::on_every_core(features, head)
            .into_iter()
            .sum()
    } else {
        features.iter().map(head).sum()
    };
    let size = heads + features.len() * 8;
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
