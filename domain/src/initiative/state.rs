//! The state of one initiative, rebuilt from its events, and what can be asked of it.

use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

use super::{InitiativeEvent, Profile, ProfileChanges};
use crate::values::{AccountId, InitiativeId, Reason};

/// Where an initiative is in its lifecycle:
/// `not registered → submitted → approved | rejected`, `rejected → submitted` (resubmission),
/// and any registered state `→ retired` (final).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitiativeStatus {
    #[default]
    NotRegistered,
    Submitted,
    Approved,
    Rejected,
    Retired,
}

impl fmt::Display for InitiativeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotRegistered => "not registered",
            Self::Submitted => "submitted and awaiting review",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Retired => "retired",
        })
    }
}

/// A change to reviewed fields, waiting for a moderator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingChange {
    pub changes: ProfileChanges,
    pub by: AccountId,
    #[serde(deserialize_with = "crate::values::time::deserialize")]
    pub at: DateTime<Utc>,
}

/// The Initiative aggregate's state. Fields are private: it changes only through events.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Initiative {
    pub(super) id: Option<InitiativeId>,
    pub(super) status: InitiativeStatus,
    pub(super) profile: Option<Profile>,
    pub(super) managers: BTreeSet<AccountId>,
    /// Who registered it: they may never review it, whoever manages it later.
    #[serde(default)]
    pub(super) registered_by: Option<AccountId>,
    pub(super) management_requests: BTreeSet<AccountId>,
    pub(super) pending_change: Option<PendingChange>,
    pub(super) rejection_reason: Option<Reason>,
    /// Why a moderator discarded the last profile change, until the managers propose another:
    /// what they need to know to send a better one.
    #[serde(default)]
    pub(super) change_rejection_reason: Option<Reason>,
    #[serde(default, deserialize_with = "crate::values::time::optional")]
    pub(super) registered_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::values::time::optional")]
    pub(super) approved_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::values::time::optional")]
    pub(super) last_confirmed_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::values::time::optional")]
    pub(super) retired_at: Option<DateTime<Utc>>,
}

/// How long an approved initiative's data is trusted without a manager confirming it.
pub const STALE_AFTER_MONTHS: u32 = 18;

/// 18 months after the later of approval and the last confirmation, for an approved initiative.
pub(super) fn confirmation_due(
    status: InitiativeStatus,
    approved_at: Option<DateTime<Utc>>,
    last_confirmed_at: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    if status != InitiativeStatus::Approved {
        return None;
    }
    let since = last_confirmed_at.max(approved_at)?;
    since.checked_add_months(Months::new(STALE_AFTER_MONTHS))
}

impl Initiative {
    pub fn id(&self) -> Option<InitiativeId> {
        self.id
    }
    pub fn status(&self) -> InitiativeStatus {
        self.status
    }
    /// The current (approved, or under first review) profile; a pending change is not in it.
    pub fn profile(&self) -> Option<&Profile> {
        self.profile.as_ref()
    }
    pub fn managers(&self) -> &BTreeSet<AccountId> {
        &self.managers
    }
    pub fn is_manager(&self, account: AccountId) -> bool {
        self.managers.contains(&account)
    }
    /// The member who registered it.
    pub fn registered_by(&self) -> Option<AccountId> {
        self.registered_by
    }
    /// Accounts that asked to become managers and await a decision.
    pub fn management_requests(&self) -> &BTreeSet<AccountId> {
        &self.management_requests
    }
    pub fn pending_change(&self) -> Option<&PendingChange> {
        self.pending_change.as_ref()
    }
    /// Why it was last rejected, while it stays rejected.
    pub fn rejection_reason(&self) -> Option<&Reason> {
        self.rejection_reason.as_ref()
    }
    /// Why the last profile change was rejected, until another one is proposed.
    pub fn change_rejection_reason(&self) -> Option<&Reason> {
        self.change_rejection_reason.as_ref()
    }
    pub fn registered_at(&self) -> Option<DateTime<Utc>> {
        self.registered_at
    }
    pub fn approved_at(&self) -> Option<DateTime<Utc>> {
        self.approved_at
    }
    pub fn last_confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.last_confirmed_at
    }
    pub fn retired_at(&self) -> Option<DateTime<Utc>> {
        self.retired_at
    }

    /// When the data stops being trusted: 18 months after the later of approval and the last
    /// confirmation. `None` unless the initiative is approved.
    pub fn confirmation_due(&self) -> Option<DateTime<Utc>> {
        confirmation_due(self.status, self.approved_at, self.last_confirmed_at)
    }

    /// Whether the initiative is approved and has gone 18 months without confirmation at `now`.
    /// A pure function of the state and the given time, so projections and the gateway can ask
    /// it as of any moment.
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        self.confirmation_due().is_some_and(|due| now >= due)
    }

    pub(super) fn apply_event(&mut self, event: InitiativeEvent) {
        use InitiativeEvent::*;
        match event {
            InitiativeRegistered {
                id,
                profile,
                by,
                at,
            } => {
                self.id = Some(id);
                self.status = InitiativeStatus::Submitted;
                self.profile = Some(profile);
                self.managers.insert(by);
                self.registered_by = Some(by);
                self.registered_at = Some(at);
            }
            InitiativeApproved { at, .. } => {
                self.status = InitiativeStatus::Approved;
                self.rejection_reason = None;
                self.approved_at = Some(at);
            }
            InitiativeRejected { reason, .. } => {
                self.status = InitiativeStatus::Rejected;
                self.rejection_reason = Some(reason);
            }
            InitiativeResubmitted { .. } => {
                self.status = InitiativeStatus::Submitted;
                self.rejection_reason = None;
            }
            ProfileUpdated { changes, .. } => self.apply_changes(changes),
            ProfileChangeProposed { changes, by, at } => {
                self.change_rejection_reason = None;
                self.pending_change = Some(PendingChange { changes, by, at });
            }
            ProfileChangeApproved { .. } => {
                if let Some(pending) = self.pending_change.take() {
                    self.apply_changes(pending.changes);
                }
            }
            ProfileChangeRejected { reason, .. } => {
                self.pending_change = None;
                self.change_rejection_reason = Some(reason);
            }
            ProfileChangeWithdrawn { .. } => {
                self.pending_change = None;
            }
            ManagerAdded { account, .. } | ManagementRequestApproved { account, .. } => {
                self.management_requests.remove(&account);
                self.managers.insert(account);
            }
            ManagerRemoved { account, .. } => {
                self.managers.remove(&account);
            }
            ManagementRequested { account, .. } => {
                self.management_requests.insert(account);
            }
            ManagementRequestDeclined { account, .. }
            | ManagementRequestWithdrawn { account, .. } => {
                self.management_requests.remove(&account);
            }
            InitiativeConfirmed { at, .. } => {
                // Confirmations may be recorded out of business-time order (e.g. imported);
                // the latest one is what counts.
                self.last_confirmed_at = self.last_confirmed_at.max(Some(at));
            }
            ErasedAccountRemoved { account, .. } => {
                self.managers.remove(&account);
                self.management_requests.remove(&account);
            }
            InitiativeRetired { at, .. } => {
                self.status = InitiativeStatus::Retired;
                self.pending_change = None;
                self.management_requests.clear();
                self.retired_at = Some(at);
            }
        }
    }

    fn apply_changes(&mut self, changes: ProfileChanges) {
        if let Some(profile) = self.profile.as_mut() {
            changes.apply_to(profile);
        }
    }
}
