//! What people ask a joint project to do; the decisions are in `decide.rs`.
//!
//! Facts from other streams arrive in the command, looked up by the gateway:
//! `actor_manages_lead` / `actor_manages_initiative` (whether the actor is a manager of that
//! initiative) and `*_standing` (where that initiative stands in its own lifecycle).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Objective;
use crate::actor::Actor;
use crate::values::{Description, InitiativeId, JointProjectId, Reason, Sectors, Title};

/// Where an initiative stands in its own lifecycle, as the gateway found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitiativeStanding {
    Submitted,
    Approved,
    Rejected,
    Retired,
}

impl InitiativeStanding {
    /// Only approved initiatives that are not retired may lead or join a project: the public
    /// listing must not point at initiatives nobody vouched for or that no longer exist.
    pub fn is_eligible(self) -> bool {
        self == Self::Approved
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JointProjectCommand {
    Propose {
        project_id: JointProjectId,
        lead: InitiativeId,
        lead_standing: InitiativeStanding,
        actor: Actor,
        actor_manages_lead: bool,
        title: Title,
        description: Description,
        sectors: Sectors,
        objectives: Vec<Objective>,
        at: DateTime<Utc>,
    },
    /// Change what the project is, while proposed or after a rejection.
    Revise {
        actor: Actor,
        actor_manages_lead: bool,
        title: Title,
        description: Description,
        sectors: Sectors,
        objectives: Vec<Objective>,
        at: DateTime<Utc>,
    },
    /// Invite an initiative, whether or not it answered the open call.
    InvitePartner {
        actor: Actor,
        actor_manages_lead: bool,
        initiative: InitiativeId,
        initiative_standing: InitiativeStanding,
        at: DateTime<Utc>,
    },
    AcceptInvitation {
        actor: Actor,
        initiative: InitiativeId,
        actor_manages_initiative: bool,
        at: DateTime<Utc>,
    },
    DeclineInvitation {
        actor: Actor,
        initiative: InitiativeId,
        actor_manages_initiative: bool,
        reason: Option<Reason>,
        at: DateTime<Utc>,
    },
    OpenCallForPartners {
        actor: Actor,
        actor_manages_lead: bool,
        at: DateTime<Utc>,
    },
    CloseCallForPartners {
        actor: Actor,
        actor_manages_lead: bool,
        at: DateTime<Utc>,
    },
    /// An initiative answers the open call; the lead may then invite it.
    ExpressInterest {
        actor: Actor,
        initiative: InitiativeId,
        actor_manages_initiative: bool,
        initiative_standing: InitiativeStanding,
        at: DateTime<Utc>,
    },
    SubmitForReview {
        actor: Actor,
        actor_manages_lead: bool,
        at: DateTime<Utc>,
    },
    /// A moderator approves. `actor_manages_lead` / `actor_manages_partner`: whether the
    /// moderator manages the lead or any invited or accepted partner initiative (four eyes: then
    /// they may not review it).
    Approve {
        actor: Actor,
        actor_manages_lead: bool,
        actor_manages_partner: bool,
        at: DateTime<Utc>,
    },
    /// A moderator rejects, saying why; the same four-eyes facts as [`Self::Approve`].
    Reject {
        actor: Actor,
        actor_manages_lead: bool,
        actor_manages_partner: bool,
        reason: Reason,
        at: DateTime<Utc>,
    },
    Activate {
        actor: Actor,
        actor_manages_lead: bool,
        at: DateTime<Utc>,
    },
    Complete {
        actor: Actor,
        actor_manages_lead: bool,
        at: DateTime<Utc>,
    },
    Withdraw {
        actor: Actor,
        actor_manages_lead: bool,
        reason: Option<Reason>,
        at: DateTime<Utc>,
    },
}
