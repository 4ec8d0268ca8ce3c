//! What can be asked of an initiative. Every command carries the actor and the time, so the
//! aggregate never reads a clock or a session.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Profile, ProfileChanges};
use crate::actor::Actor;
use crate::values::{AccountId, InitiativeId, Reason};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InitiativeCommand {
    /// Submit a new initiative for review; the actor becomes its first manager. `at` also fixes
    /// the current year for the founding-year rule.
    Register {
        id: InitiativeId,
        profile: Profile,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// Moderator: publish a submitted initiative.
    Approve { actor: Actor, at: DateTime<Utc> },
    /// Moderator: refuse a submitted initiative, saying why.
    Reject {
        reason: Reason,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// Manager: send a rejected initiative back for review.
    Resubmit { actor: Actor, at: DateTime<Utc> },
    /// Manager: change the profile. On an approved initiative, changes to name, kind, country,
    /// region or location wait for review; the rest apply at once.
    UpdateProfile {
        changes: ProfileChanges,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// Moderator: apply the pending profile change.
    ApproveProfileChange { actor: Actor, at: DateTime<Utc> },
    /// Moderator: discard the pending profile change, saying why.
    RejectProfileChange {
        reason: Reason,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// Manager: take back the pending profile change (e.g. to send a corrected one).
    WithdrawProfileChange { actor: Actor, at: DateTime<Utc> },
    /// Manager or moderator: make another account a manager. `account_active` is the gateway's
    /// finding that the account exists and is active (not erased, not awaiting activation).
    AddManager {
        account: AccountId,
        account_active: bool,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// Manager or moderator: remove a manager (a manager may remove themself), never the last.
    RemoveManager {
        account: AccountId,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// Member: ask to become a manager.
    RequestManagement { actor: Actor, at: DateTime<Utc> },
    /// Manager or moderator: grant a pending request.
    ApproveManagementRequest {
        account: AccountId,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// Manager or moderator: refuse a pending request, optionally saying why.
    DeclineManagementRequest {
        account: AccountId,
        reason: Option<Reason>,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// The requester: take back their own request.
    WithdrawManagementRequest { actor: Actor, at: DateTime<Utc> },
    /// Manager: confirm the profile is still accurate (resets the staleness clock).
    Confirm { actor: Actor, at: DateTime<Utc> },
    /// Manager or moderator: take the initiative off the platform for good.
    Retire {
        reason: Option<Reason>,
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// Erasure of a person: take `account` off the managers and the pending requests.
    /// `account_erased` is the gateway's finding that the account has been erased; nothing else
    /// may remove a person this way.
    RemoveErasedAccount {
        account: AccountId,
        account_erased: bool,
        at: DateTime<Utc>,
    },
}
