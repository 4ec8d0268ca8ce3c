//! What a list of joint projects shows of an initiative: its current, approved name and
//! country. A change of either that waits for review is held apart until a moderator approves
//! it, as the aggregate does (and as the membership model does for names).

use std::collections::BTreeMap;

use domain::initiative::InitiativeEvent;
use domain::values::{CountryCode, InitiativeId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub name: String,
    pub country: CountryCode,
    /// A proposed new name and country, waiting for review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pending: Option<(Option<String>, Option<CountryCode>)>,
}

impl Label {
    fn change(&mut self, name: Option<String>, country: Option<CountryCode>) {
        if let Some(name) = name {
            self.name = name;
        }
        if let Some(country) = country {
            self.country = country;
        }
    }
}

pub fn apply(
    labels: &mut BTreeMap<InitiativeId, Label>,
    id: InitiativeId,
    event: &InitiativeEvent,
) {
    use InitiativeEvent as E;
    if let E::InitiativeRegistered { profile, .. } = event {
        labels.insert(
            id,
            Label {
                name: profile.name.to_string(),
                country: profile.country,
                pending: None,
            },
        );
        return;
    }
    let Some(label) = labels.get_mut(&id) else {
        return;
    };
    match event {
        E::ProfileUpdated { changes, .. } => label.change(
            changes.name.as_ref().map(ToString::to_string),
            changes.country,
        ),
        E::ProfileChangeProposed { changes, .. } => {
            label.pending = Some((
                changes.name.as_ref().map(ToString::to_string),
                changes.country,
            ));
        }
        E::ProfileChangeApproved { .. } => {
            if let Some((name, country)) = label.pending.take() {
                label.change(name, country);
            }
        }
        E::ProfileChangeRejected { .. }
        | E::ProfileChangeWithdrawn { .. }
        | E::InitiativeRetired { .. } => {
            label.pending = None;
        }
        _ => {}
    }
}
