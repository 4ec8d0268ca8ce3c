//! What the map shows of an initiative, read from its stored state without the rest.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Initiative, InitiativeEvent, InitiativeStatus};
use crate::values::{
    CountryCode, FirmCount, GeoPoint, InitiativeKind, MaturityStage, Name, Region, Sectors,
};

/// The part of an [`Initiative`] that says whether it is on the map, where, and as what: its
/// status, the profile's name, kind, place, sectors, size and maturity, and when it goes stale.
///
/// It reads the JSON of a whole [`Initiative`] state, skipping every other field without
/// building it (no descriptions, governance, managers or pending change), and is written under
/// the same names, so that a snapshot can keep it beside the state. A model restored to
/// answer one read, such as the map as of a past moment, makes its 100,000 entries from outlines
/// and parses a whole state only when a later event changes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitiativeOutline {
    status: InitiativeStatus,
    profile: Option<ProfileOutline>,
    #[serde(default, deserialize_with = "crate::values::time::optional")]
    approved_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::values::time::optional")]
    last_confirmed_at: Option<DateTime<Utc>>,
}

/// The fields of a [`super::Profile`] the map shows, under the same names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileOutline {
    pub name: Name,
    pub kind: InitiativeKind,
    pub country: CountryCode,
    pub region: Region,
    pub location: GeoPoint,
    pub sectors: Sectors,
    pub number_of_firms: FirmCount,
    pub maturity_stage: MaturityStage,
}

impl InitiativeOutline {
    pub fn status(&self) -> InitiativeStatus {
        self.status
    }

    pub fn profile(&self) -> Option<&ProfileOutline> {
        self.profile.as_ref()
    }

    /// The profile, taken out (its texts are moved, not copied).
    pub fn into_profile(self) -> Option<ProfileOutline> {
        self.profile
    }

    /// [`Initiative::confirmation_due`], by the same rule.
    pub fn confirmation_due(&self) -> Option<DateTime<Utc>> {
        super::state::confirmation_due(self.status, self.approved_at, self.last_confirmed_at)
    }

    /// Whether [`Self::apply`] folds `event`: a profile edit changes nothing of a state but its
    /// profile, so the outline can follow it without the rest of the state. Every other event
    /// needs the whole state.
    pub fn folds(event: &InitiativeEvent) -> bool {
        matches!(event, InitiativeEvent::ProfileUpdated { .. })
    }

    /// Folds `event` as [`Initiative`] folds it into its state, if [`Self::folds`] it: the
    /// outline is then the outline of the state the event leaves. `false`, and the outline
    /// unchanged, for any other event.
    pub fn apply(&mut self, event: &InitiativeEvent) -> bool {
        let InitiativeEvent::ProfileUpdated { changes, .. } = event else {
            return false;
        };
        if let Some(profile) = self.profile.as_mut() {
            changes.apply_to_outline(profile);
        }
        true
    }
}

impl Initiative {
    /// This initiative's [`InitiativeOutline`]: the same as reading its stored state as one.
    pub fn outline(&self) -> InitiativeOutline {
        InitiativeOutline {
            status: self.status,
            profile: self.profile.as_ref().map(|p| ProfileOutline {
                name: p.name.clone(),
                kind: p.kind,
                country: p.country,
                region: p.region.clone(),
                location: p.location,
                sectors: p.sectors.clone(),
                number_of_firms: p.number_of_firms,
                maturity_stage: p.maturity_stage,
            }),
            approved_at: self.approved_at,
            last_confirmed_at: self.last_confirmed_at,
        }
    }
}
