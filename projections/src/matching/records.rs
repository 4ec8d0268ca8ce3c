//! What matching keeps of each initiative: the fields scoring and the answers use, folded from
//! the initiative's events exactly as the aggregate folds them (a held profile change applies
//! only when a moderator approves it).
//!
//! Keeping these few fields instead of the whole aggregate keeps the model and its snapshot
//! small at 100,000 initiatives; the aggregate's state machine is mirrored for them only.

use std::collections::BTreeSet;

use domain::initiative::{InitiativeEvent, InitiativeStatus, Profile, ProfileChanges};
use domain::values::{AccountId, CountryCode, MaturityStage, Name, Sectors, ValueChainFocus};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct InitiativeRecord {
    pub status: InitiativeStatus,
    pub name: Name,
    pub country: CountryCode,
    pub sectors: Sectors,
    pub value_chain_focus: ValueChainFocus,
    pub maturity_stage: MaturityStage,
    pub managers: BTreeSet<AccountId>,
    /// A change to reviewed fields awaiting a moderator, reduced to the fields kept here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<ProfileChanges>,
}

/// What an event changed, for the indexes to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Effect {
    /// Nothing matching reads.
    Nothing,
    /// Standing or a scored field.
    Entry,
    ManagerAdded(AccountId),
    ManagerRemoved(AccountId),
}

impl InitiativeRecord {
    pub fn registered(profile: &Profile, by: AccountId) -> Self {
        Self {
            status: InitiativeStatus::Submitted,
            name: profile.name.clone(),
            country: profile.country,
            sectors: profile.sectors.clone(),
            value_chain_focus: profile.value_chain_focus.clone(),
            maturity_stage: profile.maturity_stage,
            managers: BTreeSet::from([by]),
            pending: None,
        }
    }

    /// Whether it may take part in joint projects (the rule of `InitiativeStanding`).
    pub fn is_eligible(&self) -> bool {
        self.status == InitiativeStatus::Approved
    }

    /// Folds one event of an initiative already registered.
    pub fn apply(&mut self, event: &InitiativeEvent) -> Effect {
        use InitiativeEvent as E;
        match event {
            E::InitiativeRegistered { profile, by, .. } => {
                *self = Self::registered(profile, *by);
                Effect::Entry
            }
            E::InitiativeApproved { .. } => self.set_status(InitiativeStatus::Approved),
            E::InitiativeRejected { .. } => self.set_status(InitiativeStatus::Rejected),
            E::InitiativeResubmitted { .. } => self.set_status(InitiativeStatus::Submitted),
            E::InitiativeRetired { .. } => {
                self.pending = None;
                self.set_status(InitiativeStatus::Retired)
            }
            E::ProfileUpdated { changes, .. } => self.change(kept(changes)),
            E::ProfileChangeProposed { changes, .. } => {
                self.pending = Some(kept(changes));
                Effect::Nothing
            }
            E::ProfileChangeApproved { .. } => match self.pending.take() {
                Some(changes) => self.change(changes),
                None => Effect::Nothing,
            },
            E::ProfileChangeRejected { .. } | E::ProfileChangeWithdrawn { .. } => {
                self.pending = None;
                Effect::Nothing
            }
            E::ManagerAdded { account, .. } | E::ManagementRequestApproved { account, .. } => {
                if self.managers.insert(*account) {
                    Effect::ManagerAdded(*account)
                } else {
                    Effect::Nothing
                }
            }
            E::ManagerRemoved { account, .. } | E::ErasedAccountRemoved { account, .. } => {
                if self.managers.remove(account) {
                    Effect::ManagerRemoved(*account)
                } else {
                    Effect::Nothing
                }
            }
            E::ManagementRequested { .. }
            | E::ManagementRequestDeclined { .. }
            | E::ManagementRequestWithdrawn { .. }
            | E::InitiativeConfirmed { .. } => Effect::Nothing,
        }
    }

    fn set_status(&mut self, status: InitiativeStatus) -> Effect {
        self.status = status;
        Effect::Entry
    }

    fn change(&mut self, changes: ProfileChanges) -> Effect {
        if changes.is_empty() {
            // Most profile edits (number of firms, website, governance) touch nothing scored.
            return Effect::Nothing;
        }
        let ProfileChanges {
            name,
            country,
            sectors,
            value_chain_focus,
            maturity_stage,
            ..
        } = changes;
        if let Some(name) = name {
            self.name = name;
        }
        if let Some(country) = country {
            self.country = country;
        }
        if let Some(sectors) = sectors {
            self.sectors = sectors;
        }
        if let Some(focus) = value_chain_focus {
            self.value_chain_focus = focus;
        }
        if let Some(stage) = maturity_stage {
            self.maturity_stage = stage;
        }
        Effect::Entry
    }
}

/// The part of `changes` this model keeps.
fn kept(changes: &ProfileChanges) -> ProfileChanges {
    ProfileChanges {
        name: changes.name.clone(),
        country: changes.country,
        sectors: changes.sectors.clone(),
        value_chain_focus: changes.value_chain_focus.clone(),
        maturity_stage: changes.maturity_stage,
        ..ProfileChanges::default()
    }
}
