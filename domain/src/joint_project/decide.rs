//! The decision for each joint-project command: which events it produces, or why it is refused.

use super::{
    InvitationState, JointProject, JointProjectCommand, JointProjectError, JointProjectEvent,
    JointProjectRule, Objective, ProjectStatus, MAX_OBJECTIVES,
};
use crate::values::InitiativeId;

const LEAD_MANAGER: &str = "a manager of the lead initiative";
const INVITED_MANAGER: &str = "a manager of the invited initiative";
const INITIATIVE_MANAGER: &str = "a manager of that initiative";
const MODERATOR: &str = "a moderator";
const INDEPENDENT_MODERATOR: &str =
    "a moderator who neither proposed the project nor manages the lead or a partner initiative";

/// What ties the acting moderator to the project, as the gateway found it.
#[derive(Clone, Copy)]
struct Stake {
    manages_lead: bool,
    manages_partner: bool,
}

impl JointProject {
    /// Checks run in the order state → rights → rules.
    pub(super) fn decide(
        &self,
        command: JointProjectCommand,
    ) -> Result<Vec<JointProjectEvent>, JointProjectError> {
        use JointProjectCommand as C;
        use JointProjectEvent as E;
        use JointProjectRule as R;
        use ProjectStatus as S;

        let event = match command {
            C::Propose {
                project_id,
                lead,
                lead_standing,
                actor,
                actor_manages_lead,
                title,
                description,
                sectors,
                objectives,
                at,
            } => {
                self.require(&[S::NotProposed], "propose the joint project")?;
                lead_right(actor_manages_lead, "propose a joint project")?;
                if !lead_standing.is_eligible() {
                    return Err(rule(R::LeadNotEligible));
                }
                check_objectives(&objectives)?;
                E::JointProjectProposed {
                    project_id,
                    lead,
                    title,
                    description,
                    sectors,
                    objectives,
                    proposed_by: actor.account,
                    at,
                }
            }
            C::Revise {
                actor,
                actor_manages_lead,
                title,
                description,
                sectors,
                objectives,
                at,
            } => {
                self.require(&[S::Proposed, S::Rejected], "revise the joint project")?;
                lead_right(actor_manages_lead, "revise a joint project")?;
                check_objectives(&objectives)?;
                E::JointProjectRevised {
                    title,
                    description,
                    sectors,
                    objectives,
                    revised_by: actor.account,
                    at,
                }
            }
            C::InvitePartner {
                actor,
                actor_manages_lead,
                initiative,
                initiative_standing,
                at,
            } => {
                self.require_ongoing("invite a partner")?;
                lead_right(actor_manages_lead, "invite a partner")?;
                self.check_newcomer(initiative)?;
                if !initiative_standing.is_eligible() {
                    return Err(rule(R::InitiativeNotEligible));
                }
                E::PartnerInvited {
                    initiative,
                    invited_by: actor.account,
                    following_interest: self.interested.contains(&initiative),
                    at,
                }
            }
            C::AcceptInvitation {
                actor,
                initiative,
                actor_manages_initiative,
                at,
            } => {
                self.require_ongoing("accept an invitation")?;
                if !actor_manages_initiative {
                    return Err(not_allowed("accept an invitation", INVITED_MANAGER));
                }
                self.require_invited(initiative, "accept the invitation")?;
                E::InvitationAccepted {
                    initiative,
                    accepted_by: actor.account,
                    at,
                }
            }
            C::DeclineInvitation {
                actor,
                initiative,
                actor_manages_initiative,
                reason,
                at,
            } => {
                self.require_ongoing("decline an invitation")?;
                if !actor_manages_initiative {
                    return Err(not_allowed("decline an invitation", INVITED_MANAGER));
                }
                self.require_invited(initiative, "decline the invitation")?;
                E::InvitationDeclined {
                    initiative,
                    declined_by: actor.account,
                    reason,
                    at,
                }
            }
            C::OpenCallForPartners {
                actor,
                actor_manages_lead,
                at,
            } => {
                self.require_ongoing("open a call for partners")?;
                lead_right(actor_manages_lead, "open a call for partners")?;
                if self.call_open {
                    return Ok(vec![]);
                }
                E::CallForPartnersOpened {
                    opened_by: actor.account,
                    at,
                }
            }
            C::CloseCallForPartners {
                actor,
                actor_manages_lead,
                at,
            } => {
                self.require_ongoing("close the call for partners")?;
                lead_right(actor_manages_lead, "close the call for partners")?;
                if !self.call_open {
                    return Ok(vec![]);
                }
                E::CallForPartnersClosed {
                    closed_by: actor.account,
                    at,
                }
            }
            C::ExpressInterest {
                actor,
                initiative,
                actor_manages_initiative,
                initiative_standing,
                at,
            } => {
                self.require_ongoing("express interest")?;
                if !actor_manages_initiative {
                    return Err(not_allowed("express interest", INITIATIVE_MANAGER));
                }
                if !self.call_open {
                    return Err(rule(R::CallNotOpen));
                }
                self.check_newcomer(initiative)?;
                if self.interested.contains(&initiative) {
                    return Err(rule(R::AlreadyInterested));
                }
                if !initiative_standing.is_eligible() {
                    return Err(rule(R::InitiativeNotEligible));
                }
                E::InterestExpressed {
                    initiative,
                    expressed_by: actor.account,
                    at,
                }
            }
            C::SubmitForReview {
                actor,
                actor_manages_lead,
                at,
            } => {
                self.require(&[S::Proposed], "submit the joint project for review")?;
                lead_right(actor_manages_lead, "submit a joint project for review")?;
                E::SubmittedForReview {
                    submitted_by: actor.account,
                    at,
                }
            }
            C::Approve {
                actor,
                actor_manages_lead,
                actor_manages_partner,
                at,
            } => {
                self.require(&[S::UnderReview], "approve the joint project")?;
                let stake = Stake {
                    manages_lead: actor_manages_lead,
                    manages_partner: actor_manages_partner,
                };
                self.require_independent_moderator(&actor, stake, "approve a joint project")?;
                E::JointProjectApproved {
                    approved_by: actor.account,
                    at,
                }
            }
            C::Reject {
                actor,
                actor_manages_lead,
                actor_manages_partner,
                reason,
                at,
            } => {
                self.require(&[S::UnderReview], "reject the joint project")?;
                let stake = Stake {
                    manages_lead: actor_manages_lead,
                    manages_partner: actor_manages_partner,
                };
                self.require_independent_moderator(&actor, stake, "reject a joint project")?;
                E::JointProjectRejected {
                    rejected_by: actor.account,
                    reason,
                    at,
                }
            }
            C::Activate {
                actor,
                actor_manages_lead,
                at,
            } => {
                self.require(&[S::Approved], "activate the joint project")?;
                lead_right(actor_manages_lead, "activate a joint project")?;
                if self.accepted_initiatives() < 2 {
                    return Err(rule(R::NotEnoughPartners));
                }
                E::JointProjectActivated {
                    activated_by: actor.account,
                    at,
                }
            }
            C::Complete {
                actor,
                actor_manages_lead,
                at,
            } => {
                self.require(&[S::Active], "complete the joint project")?;
                lead_right(actor_manages_lead, "complete a joint project")?;
                E::JointProjectCompleted {
                    completed_by: actor.account,
                    at,
                }
            }
            C::Withdraw {
                actor,
                actor_manages_lead,
                reason,
                at,
            } => {
                self.require_ongoing("withdraw the joint project")?;
                lead_right(actor_manages_lead, "withdraw a joint project")?;
                E::JointProjectWithdrawn {
                    withdrawn_by: actor.account,
                    reason,
                    at,
                }
            }
        };
        Ok(vec![event])
    }

    fn require(
        &self,
        allowed: &[ProjectStatus],
        action: &'static str,
    ) -> Result<(), JointProjectError> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(JointProjectError::InvalidTransition {
                action,
                current: self.status,
            })
        }
    }

    fn require_ongoing(&self, action: &'static str) -> Result<(), JointProjectError> {
        if self.status.is_ongoing() {
            Ok(())
        } else {
            Err(JointProjectError::InvalidTransition {
                action,
                current: self.status,
            })
        }
    }

    /// Four eyes: a moderator reviews only a project they have no stake in — they did not
    /// propose it and manage neither the lead nor any partner initiative.
    fn require_independent_moderator(
        &self,
        actor: &crate::actor::Actor,
        stake: Stake,
        action: &'static str,
    ) -> Result<(), JointProjectError> {
        if !actor.is_moderator() {
            return Err(not_allowed(action, MODERATOR));
        }
        let proposed = self
            .details
            .as_ref()
            .is_some_and(|details| details.proposed_by == actor.account);
        if proposed || stake.manages_lead || stake.manages_partner {
            return Err(not_allowed(action, INDEPENDENT_MODERATOR));
        }
        Ok(())
    }

    /// An initiative may be invited (or express interest) once: never the lead, never twice,
    /// whatever became of the first invitation, so that a declined initiative is not pestered.
    fn check_newcomer(&self, initiative: InitiativeId) -> Result<(), JointProjectError> {
        if self.lead() == Some(initiative) {
            return Err(rule(JointProjectRule::SelfInvitation));
        }
        if self.partners.contains_key(&initiative) {
            return Err(rule(JointProjectRule::AlreadyInvited));
        }
        Ok(())
    }

    fn require_invited(
        &self,
        initiative: InitiativeId,
        action: &'static str,
    ) -> Result<(), JointProjectError> {
        match self.partners.get(&initiative) {
            None => Err(rule(JointProjectRule::NotInvited)),
            Some(InvitationState::Invited) => Ok(()),
            Some(&current) => Err(JointProjectError::InvitationInvalidTransition {
                initiative,
                action,
                current,
            }),
        }
    }
}

fn check_objectives(objectives: &[Objective]) -> Result<(), JointProjectError> {
    if objectives.is_empty() {
        Err(rule(JointProjectRule::NoObjectives))
    } else if objectives.len() > MAX_OBJECTIVES {
        Err(rule(JointProjectRule::TooManyObjectives))
    } else {
        Ok(())
    }
}

fn lead_right(actor_manages_lead: bool, action: &'static str) -> Result<(), JointProjectError> {
    if actor_manages_lead {
        Ok(())
    } else {
        Err(not_allowed(action, LEAD_MANAGER))
    }
}

fn not_allowed(action: &'static str, who: &'static str) -> JointProjectError {
    JointProjectError::NotAllowed { action, who }
}

fn rule(rule: JointProjectRule) -> JointProjectError {
    JointProjectError::RuleViolated(rule)
}
