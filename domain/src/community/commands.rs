//! What people ask a community to do, and the decision for each request.
//!
//! Every command carries the actor and the time, so that deciding is a pure function of the
//! community's past and the command.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    Community, CommunityError, CommunityEvent, CommunityRole, CommunityRule, CommunityState,
    JoinPolicy, Theme,
};
use crate::actor::Actor;
use crate::values::{AccountId, CommunityId, Name, Reason};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommunityCommand {
    /// A moderator opens a community around a theme.
    CreateCommunity {
        community_id: CommunityId,
        actor: Actor,
        name: Name,
        theme: Theme,
        join_policy: JoinPolicy,
        at: DateTime<Utc>,
    },
    /// Become a member (open) or ask to become one (moderated).
    Join {
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// Take back one's own pending request to join.
    WithdrawJoinRequest {
        actor: Actor,
        at: DateTime<Utc>,
    },
    AcceptJoinRequest {
        actor: Actor,
        account: AccountId,
        at: DateTime<Utc>,
    },
    DeclineJoinRequest {
        actor: Actor,
        account: AccountId,
        reason: Option<Reason>,
        at: DateTime<Utc>,
    },
    Leave {
        actor: Actor,
        at: DateTime<Utc>,
    },
    /// `account_active`: the gateway's finding that the account is active (not erased).
    PromoteToFacilitator {
        actor: Actor,
        account: AccountId,
        account_active: bool,
        at: DateTime<Utc>,
    },
    DemoteFacilitator {
        actor: Actor,
        account: AccountId,
        at: DateTime<Utc>,
    },
    Rename {
        actor: Actor,
        name: Name,
        at: DateTime<Utc>,
    },
    ChangeJoinPolicy {
        actor: Actor,
        join_policy: JoinPolicy,
        at: DateTime<Utc>,
    },
    /// Erasure of a person: take `account` off the members and the pending requests.
    /// `account_erased` is the gateway's finding that the account has been erased.
    RemoveErasedAccount {
        account: AccountId,
        account_erased: bool,
        at: DateTime<Utc>,
    },
}

const FACILITATOR_OR_MODERATOR: &str = "a facilitator of the community or a moderator";
const MODERATOR: &str = "a moderator";
const ERASURE: &str = "the erasure of that person";

impl Community {
    /// Decides which events a command produces, or why it is refused. Checks run in the order
    /// state → rights → rules, so that a stranger poking at a missing community learns nothing
    /// more than that it does not exist.
    pub(super) fn decide(
        &self,
        command: CommunityCommand,
    ) -> Result<Vec<CommunityEvent>, CommunityError> {
        use CommunityCommand as C;
        use CommunityEvent as E;
        use CommunityRule as R;

        let Some(profile) = self.profile.as_ref() else {
            return match command {
                C::CreateCommunity {
                    community_id,
                    actor,
                    name,
                    theme,
                    join_policy,
                    at,
                } => {
                    if !actor.is_moderator() {
                        return Err(not_allowed("create a community", MODERATOR));
                    }
                    Ok(vec![E::CommunityCreated {
                        community_id,
                        name,
                        theme,
                        join_policy,
                        created_by: actor.account,
                        at,
                    }])
                }
                other => Err(CommunityError::InvalidTransition {
                    action: action_of(&other),
                    current: CommunityState::NotCreated,
                }),
            };
        };

        let event = match command {
            C::CreateCommunity { .. } => {
                return Err(CommunityError::InvalidTransition {
                    action: "create the community",
                    current: CommunityState::Active,
                });
            }
            C::Join { actor, at } => {
                let account = actor.account;
                if self.members.contains_key(&account) {
                    return Err(rule(R::AlreadyMember));
                }
                match profile.join_policy {
                    // Also settles a request left over from when the community was moderated.
                    JoinPolicy::Open => E::MemberJoined { account, at },
                    JoinPolicy::Moderated if self.has_pending_request(&account) => {
                        return Err(rule(R::AlreadyRequested));
                    }
                    JoinPolicy::Moderated => E::JoinRequested { account, at },
                }
            }
            C::WithdrawJoinRequest { actor, at } => {
                if !self.has_pending_request(&actor.account) {
                    return Err(rule(R::NoPendingRequest));
                }
                E::JoinRequestWithdrawn {
                    account: actor.account,
                    at,
                }
            }
            C::AcceptJoinRequest { actor, account, at } => {
                self.require_facilitator_or_moderator(&actor, "accept a request to join")?;
                if !self.has_pending_request(&account) {
                    return Err(rule(R::NoPendingRequest));
                }
                E::JoinRequestAccepted {
                    account,
                    decided_by: actor.account,
                    at,
                }
            }
            C::DeclineJoinRequest {
                actor,
                account,
                reason,
                at,
            } => {
                self.require_facilitator_or_moderator(&actor, "decline a request to join")?;
                if !self.has_pending_request(&account) {
                    return Err(rule(R::NoPendingRequest));
                }
                E::JoinRequestDeclined {
                    account,
                    decided_by: actor.account,
                    reason,
                    at,
                }
            }
            C::Leave { actor, at } => {
                if !self.members.contains_key(&actor.account) {
                    return Err(rule(R::NotAMember));
                }
                E::MemberLeft {
                    account: actor.account,
                    at,
                }
            }
            C::PromoteToFacilitator {
                actor,
                account,
                account_active,
                at,
            } => {
                self.require_facilitator_or_moderator(&actor, "promote a member")?;
                if !account_active {
                    return Err(rule(R::AccountNotActive));
                }
                match self.role_of(&account) {
                    None => return Err(rule(R::NotAMember)),
                    Some(CommunityRole::Facilitator) => return Err(rule(R::AlreadyFacilitator)),
                    Some(CommunityRole::Member) => E::MemberPromoted {
                        account,
                        promoted_by: actor.account,
                        at,
                    },
                }
            }
            C::DemoteFacilitator { actor, account, at } => {
                self.require_facilitator_or_moderator(&actor, "demote a facilitator")?;
                match self.role_of(&account) {
                    None => return Err(rule(R::NotAMember)),
                    Some(CommunityRole::Member) => return Err(rule(R::NotAFacilitator)),
                    Some(CommunityRole::Facilitator) => E::FacilitatorDemoted {
                        account,
                        demoted_by: actor.account,
                        at,
                    },
                }
            }
            C::Rename { actor, name, at } => {
                if !actor.is_moderator() {
                    return Err(not_allowed("rename a community", MODERATOR));
                }
                // Saying the same thing twice is not a change: nothing to record.
                if profile.name == name {
                    return Ok(vec![]);
                }
                E::CommunityRenamed {
                    name,
                    renamed_by: actor.account,
                    at,
                }
            }
            C::ChangeJoinPolicy {
                actor,
                join_policy,
                at,
            } => {
                if !actor.is_moderator() {
                    return Err(not_allowed("change how people join a community", MODERATOR));
                }
                if profile.join_policy == join_policy {
                    return Ok(vec![]);
                }
                E::JoinPolicyChanged {
                    join_policy,
                    changed_by: actor.account,
                    at,
                }
            }
            C::RemoveErasedAccount {
                account,
                account_erased,
                at,
            } => {
                if !account_erased {
                    return Err(not_allowed("remove a person this way", ERASURE));
                }
                if !self.members.contains_key(&account) && !self.has_pending_request(&account) {
                    return Ok(vec![]);
                }
                E::ErasedAccountRemoved { account, at }
            }
        };
        Ok(vec![event])
    }

    fn require_facilitator_or_moderator(
        &self,
        actor: &Actor,
        action: &'static str,
    ) -> Result<(), CommunityError> {
        let facilitator = self.role_of(&actor.account) == Some(CommunityRole::Facilitator);
        if facilitator || actor.is_moderator() {
            Ok(())
        } else {
            Err(not_allowed(action, FACILITATOR_OR_MODERATOR))
        }
    }
}

fn action_of(command: &CommunityCommand) -> &'static str {
    use CommunityCommand as C;
    match command {
        C::CreateCommunity { .. } => "create the community",
        C::Join { .. } => "join",
        C::WithdrawJoinRequest { .. } => "withdraw a request to join",
        C::AcceptJoinRequest { .. } => "accept a request to join",
        C::DeclineJoinRequest { .. } => "decline a request to join",
        C::Leave { .. } => "leave",
        C::PromoteToFacilitator { .. } => "promote a member",
        C::DemoteFacilitator { .. } => "demote a facilitator",
        C::Rename { .. } => "rename",
        C::ChangeJoinPolicy { .. } => "change the joining policy",
        C::RemoveErasedAccount { .. } => "remove an erased account",
    }
}

fn not_allowed(action: &'static str, who: &'static str) -> CommunityError {
    CommunityError::NotAllowed { action, who }
}

fn rule(rule: CommunityRule) -> CommunityError {
    CommunityError::RuleViolated(rule)
}
