//! The rules: given the state and a command, which events happen (or why not).
//!
//! Order of checks, the same for every command: does the initiative exist, may this actor do
//! this, does the command fit the current state, does it keep the business rules. So a stranger
//! learns nothing about the state from the error they get.

use chrono::{DateTime, Datelike, Utc};

use super::{
    Initiative, InitiativeCommand, InitiativeError, InitiativeEvent, InitiativeStatus, Profile,
    ProfileChanges,
};
use crate::actor::Actor;
use crate::values::{AccountId, FoundingYear};

use InitiativeEvent as E;
use InitiativeStatus as S;

type Decision = Result<Vec<InitiativeEvent>, InitiativeError>;

impl Initiative {
    /// Decides a command without touching the state.
    pub fn decide(&self, command: InitiativeCommand) -> Decision {
        use InitiativeCommand as C;
        match command {
            C::Register {
                id,
                profile,
                actor,
                at,
            } => self.register(id, profile, &actor, at),
            C::Approve { actor, at } => {
                self.review(&actor, "approve the initiative")?;
                Ok(vec![E::InitiativeApproved {
                    by: actor.account,
                    at,
                }])
            }
            C::Reject { reason, actor, at } => {
                self.review(&actor, "reject the initiative")?;
                Ok(vec![E::InitiativeRejected {
                    reason,
                    by: actor.account,
                    at,
                }])
            }
            C::Resubmit { actor, at } => {
                self.existing("resubmit the initiative")?;
                self.require_manager(&actor, "resubmit it")?;
                if self.status != S::Rejected {
                    return Err(InitiativeError::transition(
                        "resubmit the initiative",
                        self.status,
                        "only a rejected initiative can be sent back for review",
                    ));
                }
                Ok(vec![E::InitiativeResubmitted {
                    by: actor.account,
                    at,
                }])
            }
            C::UpdateProfile { changes, actor, at } => self.update_profile(changes, &actor, at),
            C::ApproveProfileChange { actor, at } => {
                self.review_change(&actor, "approve the profile change")?;
                Ok(vec![E::ProfileChangeApproved {
                    by: actor.account,
                    at,
                }])
            }
            C::RejectProfileChange { reason, actor, at } => {
                self.review_change(&actor, "reject the profile change")?;
                Ok(vec![E::ProfileChangeRejected {
                    reason,
                    by: actor.account,
                    at,
                }])
            }
            C::WithdrawProfileChange { actor, at } => {
                self.existing("withdraw the profile change")?;
                self.require_manager(&actor, "withdraw its profile change")?;
                self.require_pending_change("withdraw the profile change")?;
                Ok(vec![E::ProfileChangeWithdrawn {
                    by: actor.account,
                    at,
                }])
            }
            C::AddManager {
                account,
                account_active,
                actor,
                at,
            } => {
                self.managing(&actor, "add a manager")?;
                if account == actor.account && !self.is_manager(account) {
                    // A moderator who made themselves a manager could then review alone what
                    // they propose in the initiative's name.
                    return Err(InitiativeError::not_allowed(
                        "nobody makes themselves a manager: ask to manage the initiative, and \
                         a manager or another moderator decides",
                    ));
                }
                if self.is_manager(account) {
                    return Err(InitiativeError::rule(format!(
                        "account {account} is already a manager of this initiative"
                    )));
                }
                if !account_active {
                    return Err(InitiativeError::rule(format!(
                        "account {account} is not an active account (erased, or not yet \
                         activated or confirmed): only active accounts manage initiatives"
                    )));
                }
                Ok(vec![E::ManagerAdded {
                    account,
                    by: actor.account,
                    at,
                }])
            }
            C::RemoveManager { account, actor, at } => {
                self.managing(&actor, "remove a manager")?;
                if !self.is_manager(account) {
                    return Err(InitiativeError::rule(format!(
                        "account {account} is not a manager of this initiative"
                    )));
                }
                if self.managers.len() == 1 {
                    return Err(InitiativeError::rule(
                        "an initiative must keep at least one manager: add another manager first",
                    ));
                }
                Ok(vec![E::ManagerRemoved {
                    account,
                    by: actor.account,
                    at,
                }])
            }
            C::RequestManagement { actor, at } => {
                self.active("ask to manage the initiative")?;
                let account = actor.account;
                if self.is_manager(account) {
                    return Err(InitiativeError::rule("you already manage this initiative"));
                }
                if self.management_requests.contains(&account) {
                    return Err(InitiativeError::rule(
                        "you have already asked to manage this initiative; wait for a manager or moderator to decide",
                    ));
                }
                Ok(vec![E::ManagementRequested { account, at }])
            }
            C::ApproveManagementRequest { account, actor, at } => {
                self.managing(&actor, "approve a management request")?;
                if account == actor.account {
                    return Err(InitiativeError::not_allowed(
                        "nobody approves their own request to manage: a manager or another \
                         moderator decides",
                    ));
                }
                self.require_request(account)?;
                Ok(vec![E::ManagementRequestApproved {
                    account,
                    by: actor.account,
                    at,
                }])
            }
            C::DeclineManagementRequest {
                account,
                reason,
                actor,
                at,
            } => {
                self.managing(&actor, "decline a management request")?;
                self.require_request(account)?;
                Ok(vec![E::ManagementRequestDeclined {
                    account,
                    reason,
                    by: actor.account,
                    at,
                }])
            }
            C::WithdrawManagementRequest { actor, at } => {
                self.active("withdraw a management request")?;
                self.require_request(actor.account)?;
                Ok(vec![E::ManagementRequestWithdrawn {
                    account: actor.account,
                    at,
                }])
            }
            C::Confirm { actor, at } => {
                self.existing("confirm the initiative")?;
                self.require_manager(&actor, "confirm its data")?;
                if self.status != S::Approved {
                    return Err(InitiativeError::transition(
                        "confirm the initiative",
                        self.status,
                        "only an approved initiative's data can be confirmed",
                    ));
                }
                Ok(vec![E::InitiativeConfirmed {
                    by: actor.account,
                    at,
                }])
            }
            C::Retire { reason, actor, at } => {
                self.existing("retire the initiative")?;
                if !self.is_manager(actor.account) && !actor.is_moderator() {
                    return Err(InitiativeError::not_allowed(
                        "only a manager of the initiative or a moderator can retire it",
                    ));
                }
                self.active("retire the initiative")?;
                Ok(vec![E::InitiativeRetired {
                    reason,
                    by: actor.account,
                    at,
                }])
            }
            C::RemoveErasedAccount {
                account,
                account_erased,
                at,
            } => {
                self.existing("remove an erased account")?;
                if !account_erased {
                    return Err(InitiativeError::not_allowed(
                        "only the erasure of a person removes them this way",
                    ));
                }
                let listed =
                    self.is_manager(account) || self.management_requests.contains(&account);
                Ok(if listed {
                    vec![E::ErasedAccountRemoved { account, at }]
                } else {
                    vec![]
                })
            }
        }
    }

    fn register(
        &self,
        id: crate::values::InitiativeId,
        profile: Profile,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Decision {
        if self.status != S::NotRegistered {
            return Err(InitiativeError::transition(
                "register the initiative",
                self.status,
                "it is already registered; update its profile instead",
            ));
        }
        check_founding_year(profile.founding_year, at)?;
        Ok(vec![E::InitiativeRegistered {
            id,
            profile,
            by: actor.account,
            at,
        }])
    }

    fn update_profile(
        &self,
        changes: ProfileChanges,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Decision {
        let profile = self.existing("change the profile")?;
        self.require_manager(actor, "change its profile")?;
        self.active("change the profile")?;
        if let Some(year) = changes.founding_year {
            check_founding_year(year, at)?;
        }
        let changes = changes.without_no_ops(profile);
        if changes.is_empty() {
            // Nothing differs: succeed without recording anything, so a resent form is harmless.
            return Ok(vec![]);
        }
        let by = actor.account;
        if self.status != S::Approved {
            // Not yet public: the moderator reviews whatever the profile is when they decide.
            return Ok(vec![E::ProfileUpdated { changes, by, at }]);
        }
        let (review, immediate) = changes.split_for_review();
        if !review.is_empty() && self.pending_change.is_some() {
            return Err(InitiativeError::transition(
                "propose a change to name, kind, country, region or location",
                self.status,
                "another profile change is awaiting review; wait for the decision or withdraw it first",
            ));
        }
        let mut events = Vec::new();
        if !immediate.is_empty() {
            events.push(E::ProfileUpdated {
                changes: immediate,
                by,
                at,
            });
        }
        if !review.is_empty() {
            events.push(E::ProfileChangeProposed {
                changes: review,
                by,
                at,
            });
        }
        Ok(events)
    }

    /// The profile, or a refusal if the initiative was never registered.
    fn existing(&self, attempted: &'static str) -> Result<&Profile, InitiativeError> {
        self.profile.as_ref().ok_or(InitiativeError::transition(
            attempted,
            S::NotRegistered,
            "register it first",
        ))
    }

    /// Registered and not retired.
    fn active(&self, attempted: &'static str) -> Result<(), InitiativeError> {
        self.existing(attempted)?;
        if self.status == S::Retired {
            return Err(InitiativeError::transition(
                attempted,
                self.status,
                "a retired initiative cannot change any more",
            ));
        }
        Ok(())
    }

    fn require_manager(&self, actor: &Actor, to: &str) -> Result<(), InitiativeError> {
        if self.is_manager(actor.account) {
            Ok(())
        } else {
            Err(InitiativeError::not_allowed(format!(
                "only a manager of the initiative can {to}"
            )))
        }
    }

    /// A manager or a moderator acting on an active initiative's managers.
    fn managing(&self, actor: &Actor, attempted: &'static str) -> Result<(), InitiativeError> {
        self.existing(attempted)?;
        if !self.is_manager(actor.account) && !actor.is_moderator() {
            return Err(InitiativeError::not_allowed(
                "only a manager of the initiative or a moderator can change who manages it",
            ));
        }
        self.active(attempted)
    }

    fn require_request(&self, account: AccountId) -> Result<(), InitiativeError> {
        if self.management_requests.contains(&account) {
            Ok(())
        } else {
            Err(InitiativeError::rule(format!(
                "account {account} has no pending request to manage this initiative"
            )))
        }
    }

    /// A moderator with no stake in this initiative (four eyes): neither a manager of it nor
    /// the member who registered it reviews it.
    fn require_independent_moderator(&self, actor: &Actor) -> Result<(), InitiativeError> {
        if !actor.is_moderator() {
            return Err(InitiativeError::not_allowed(
                "only a moderator can review initiatives",
            ));
        }
        if self.is_manager(actor.account) {
            return Err(InitiativeError::not_allowed(
                "you manage this initiative, so another moderator must review it",
            ));
        }
        if self.registered_by == Some(actor.account) {
            return Err(InitiativeError::not_allowed(
                "you registered this initiative, so another moderator must review it",
            ));
        }
        Ok(())
    }

    /// First review of a submitted initiative.
    fn review(&self, actor: &Actor, attempted: &'static str) -> Result<(), InitiativeError> {
        self.existing(attempted)?;
        self.require_independent_moderator(actor)?;
        if self.status != S::Submitted {
            return Err(InitiativeError::transition(
                attempted,
                self.status,
                "only a submitted initiative can be reviewed",
            ));
        }
        Ok(())
    }

    /// Review of the pending profile change.
    fn review_change(&self, actor: &Actor, attempted: &'static str) -> Result<(), InitiativeError> {
        self.existing(attempted)?;
        self.require_independent_moderator(actor)?;
        self.require_pending_change(attempted)?;
        if self
            .pending_change
            .as_ref()
            .is_some_and(|change| change.by == actor.account)
        {
            return Err(InitiativeError::not_allowed(
                "you proposed this change, so another moderator must review it",
            ));
        }
        Ok(())
    }

    fn require_pending_change(&self, attempted: &'static str) -> Result<(), InitiativeError> {
        if self.pending_change.is_none() {
            return Err(InitiativeError::transition(
                attempted,
                self.status,
                "there is no profile change awaiting review",
            ));
        }
        Ok(())
    }
}

/// The founding year may not lie after the year of the command's time.
fn check_founding_year(year: FoundingYear, at: DateTime<Utc>) -> Result<(), InitiativeError> {
    if year.get() > at.year() {
        return Err(InitiativeError::rule(format!(
            "founding_year {} is in the future; give the year the initiative actually started (at most {})",
            year.get(),
            at.year()
        )));
    }
    Ok(())
}
