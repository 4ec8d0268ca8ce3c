//! The characterisation of an initiative, and changes to it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeSet;

use super::outline::ProfileOutline;
use crate::values::{
    CountryCode, Description, FirmCount, FoundingYear, FundingSource, GeoPoint, Governance,
    InitiativeKind, MaturityStage, Name, Region, Sectors, StrategicFocus, ValueChainFocus, Website,
};

/// Every field of an initiative's public profile (DESIGN §2). Each field is a validated value
/// type, so a `Profile` that exists is well-formed; rules that need outside facts (the founding
/// year is not in the future) are checked by the aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: Name,
    #[serde(default = "empty_description")]
    pub description: Description,
    pub kind: InitiativeKind,
    pub country: CountryCode,
    pub region: Region,
    pub location: GeoPoint,
    pub sectors: Sectors,
    #[serde(default = "empty_focus")]
    pub value_chain_focus: ValueChainFocus,
    #[serde(default)]
    pub strategic_focus: BTreeSet<StrategicFocus>,
    pub number_of_firms: FirmCount,
    pub governance: Governance,
    #[serde(default)]
    pub funding_sources: BTreeSet<FundingSource>,
    pub maturity_stage: MaturityStage,
    pub founding_year: FoundingYear,
    #[serde(default)]
    pub website: Option<Website>,
}

fn empty_description() -> Description {
    Description::new("").unwrap_or_else(|_| unreachable!("an empty description is valid"))
}

fn empty_focus() -> ValueChainFocus {
    ValueChainFocus::new("").unwrap_or_else(|_| unreachable!("an empty focus is valid"))
}

/// A partial update: each field that is present replaces the current one. `website` can be set
/// (`"website": "https://..."`) or removed (`"website": null`); absent means unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<InitiativeKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<GeoPoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sectors: Option<Sectors>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_chain_focus: Option<ValueChainFocus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategic_focus: Option<BTreeSet<StrategicFocus>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_firms: Option<FirmCount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub governance: Option<Governance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding_sources: Option<BTreeSet<FundingSource>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maturity_stage: Option<MaturityStage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founding_year: Option<FoundingYear>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "double_option"
    )]
    pub website: Option<Option<Website>>,
}

impl ProfileChanges {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The same changes without the fields that already hold the proposed value, so that
    /// re-sending an unchanged form neither records an event nor triggers a review.
    pub fn without_no_ops(mut self, current: &Profile) -> Self {
        fn keep<T: PartialEq>(field: &mut Option<T>, current: &T) {
            if field.as_ref() == Some(current) {
                *field = None;
            }
        }
        keep(&mut self.name, &current.name);
        keep(&mut self.description, &current.description);
        keep(&mut self.kind, &current.kind);
        keep(&mut self.country, &current.country);
        keep(&mut self.region, &current.region);
        keep(&mut self.location, &current.location);
        keep(&mut self.sectors, &current.sectors);
        keep(&mut self.value_chain_focus, &current.value_chain_focus);
        keep(&mut self.strategic_focus, &current.strategic_focus);
        keep(&mut self.number_of_firms, &current.number_of_firms);
        keep(&mut self.governance, &current.governance);
        keep(&mut self.funding_sources, &current.funding_sources);
        keep(&mut self.maturity_stage, &current.maturity_stage);
        keep(&mut self.founding_year, &current.founding_year);
        keep(&mut self.website, &current.website);
        self
    }

    /// Splits into (changes a moderator must review, changes that apply at once).
    ///
    /// Name, kind, country, region and location are what the map shows and what visitors trust
    /// an initiative by, so changing them on an approved initiative could turn a vetted entry into
    /// a different one; everything else describes the same initiative in more or newer detail.
    pub fn split_for_review(self) -> (ProfileChanges, ProfileChanges) {
        let review = ProfileChanges {
            name: self.name,
            kind: self.kind,
            country: self.country,
            region: self.region,
            location: self.location,
            ..Default::default()
        };
        let immediate = ProfileChanges {
            name: None,
            kind: None,
            country: None,
            region: None,
            location: None,
            ..self
        };
        (review, immediate)
    }

    /// Writes the present fields into `profile`.
    pub fn apply_to(self, profile: &mut Profile) {
        fn set<T>(field: Option<T>, target: &mut T) {
            if let Some(v) = field {
                *target = v;
            }
        }
        set(self.name, &mut profile.name);
        set(self.description, &mut profile.description);
        set(self.kind, &mut profile.kind);
        set(self.country, &mut profile.country);
        set(self.region, &mut profile.region);
        set(self.location, &mut profile.location);
        set(self.sectors, &mut profile.sectors);
        set(self.value_chain_focus, &mut profile.value_chain_focus);
        set(self.strategic_focus, &mut profile.strategic_focus);
        set(self.number_of_firms, &mut profile.number_of_firms);
        set(self.governance, &mut profile.governance);
        set(self.funding_sources, &mut profile.funding_sources);
        set(self.maturity_stage, &mut profile.maturity_stage);
        set(self.founding_year, &mut profile.founding_year);
        set(self.website, &mut profile.website);
    }

    /// Writes the present fields an outline holds into `outline`: [`Self::apply_to`] as a
    /// [`ProfileOutline`] sees it (test `an_outline_folds_a_profile_edit_as_the_state_does`).
    pub fn apply_to_outline(&self, outline: &mut ProfileOutline) {
        fn set<T: Clone>(field: &Option<T>, target: &mut T) {
            if let Some(v) = field {
                *target = v.clone();
            }
        }
        set(&self.name, &mut outline.name);
        set(&self.kind, &mut outline.kind);
        set(&self.country, &mut outline.country);
        set(&self.region, &mut outline.region);
        set(&self.location, &mut outline.location);
        set(&self.sectors, &mut outline.sectors);
        set(&self.number_of_firms, &mut outline.number_of_firms);
        set(&self.maturity_stage, &mut outline.maturity_stage);
    }
}

/// Serde for `Option<Option<T>>` that tells "absent" (outer `None`, skipped when writing) from
/// "null" (`Some(None)`); plain serde reads both as `None`, which would make "remove the
/// website" impossible to say and would not survive a round trip through the event log.
mod double_option {
    use super::*;

    pub fn serialize<S: Serializer, T: Serialize>(
        value: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}
