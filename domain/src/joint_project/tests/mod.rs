//! Given/when/then tests for every joint-project command path, with shared fixtures here.

mod closing;
mod four_eyes;
mod lifecycle;
mod partners;

use chrono::{DateTime, TimeZone, Utc};
use cqrs_es::test::TestFramework;
use cqrs_es::Aggregate;
use uuid::Uuid;

use super::*;
use crate::actor::Actor;
use crate::values::{Sector, Sectors};

pub(super) type Cmd = JointProjectCommand;
pub(super) type Ev = JointProjectEvent;
pub(super) type Error = JointProjectError;
pub(super) const APPROVED: InitiativeStanding = InitiativeStanding::Approved;
pub(super) const RETIRED: InitiativeStanding = InitiativeStanding::Retired;

pub(super) const LEAD_MANAGER: u128 = 1;
pub(super) const PARTNER_MANAGER: u128 = 2;
pub(super) const MODERATOR: u128 = 3;
pub(super) const LEAD: u128 = 10;
pub(super) const PARTNER: u128 = 11;
pub(super) const OTHER: u128 = 12;

pub(super) fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap()
}
pub(super) fn account(n: u128) -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(n))
}
pub(super) fn initiative(n: u128) -> InitiativeId {
    InitiativeId::from_uuid(Uuid::from_u128(n))
}
pub(super) fn project_id() -> JointProjectId {
    JointProjectId::from_uuid(Uuid::from_u128(400))
}
pub(super) fn lead_manager() -> Actor {
    Actor::member(account(LEAD_MANAGER))
}
pub(super) fn partner_manager() -> Actor {
    Actor::member(account(PARTNER_MANAGER))
}
pub(super) fn moderator() -> Actor {
    Actor::moderator(account(MODERATOR))
}
pub(super) fn reason(s: &str) -> Reason {
    Reason::new(s).unwrap()
}
pub(super) fn title() -> Title {
    Title::new("Corredor del litio y la electromovilidad").unwrap()
}
pub(super) fn description() -> Description {
    Description::new("Baterías con proveedores locales.").unwrap()
}
pub(super) fn sectors() -> Sectors {
    Sectors::new(vec![Sector::Lithium, Sector::Electromobility]).unwrap()
}
pub(super) fn objectives(n: usize) -> Vec<Objective> {
    (1..=n)
        .map(|i| Objective::new(format!("Objetivo {i}")).unwrap())
        .collect()
}

pub(super) fn framework() -> TestFramework<JointProject> {
    TestFramework::with(())
}

pub(super) fn proposed() -> Vec<Ev> {
    vec![Ev::JointProjectProposed {
        project_id: project_id(),
        lead: initiative(LEAD),
        title: title(),
        description: description(),
        sectors: sectors(),
        objectives: objectives(2),
        proposed_by: account(LEAD_MANAGER),
        at: at(),
    }]
}

/// `events` followed by `more`.
pub(super) fn then(mut events: Vec<Ev>, more: impl IntoIterator<Item = Ev>) -> Vec<Ev> {
    events.extend(more);
    events
}

pub(super) fn invited(n: u128) -> Ev {
    Ev::PartnerInvited {
        initiative: initiative(n),
        invited_by: account(LEAD_MANAGER),
        following_interest: false,
        at: at(),
    }
}
pub(super) fn accepted(n: u128) -> Ev {
    Ev::InvitationAccepted {
        initiative: initiative(n),
        accepted_by: account(PARTNER_MANAGER),
        at: at(),
    }
}
pub(super) fn declined(n: u128) -> Ev {
    Ev::InvitationDeclined {
        initiative: initiative(n),
        declined_by: account(PARTNER_MANAGER),
        reason: None,
        at: at(),
    }
}
pub(super) fn call_opened() -> Ev {
    Ev::CallForPartnersOpened {
        opened_by: account(LEAD_MANAGER),
        at: at(),
    }
}
pub(super) fn interest(n: u128) -> Ev {
    Ev::InterestExpressed {
        initiative: initiative(n),
        expressed_by: account(PARTNER_MANAGER),
        at: at(),
    }
}
pub(super) fn submitted() -> Ev {
    Ev::SubmittedForReview {
        submitted_by: account(LEAD_MANAGER),
        at: at(),
    }
}
pub(super) fn approved() -> Ev {
    Ev::JointProjectApproved {
        approved_by: account(MODERATOR),
        at: at(),
    }
}
pub(super) fn rejected() -> Ev {
    Ev::JointProjectRejected {
        rejected_by: account(MODERATOR),
        reason: reason("Faltan objetivos medibles"),
        at: at(),
    }
}
pub(super) fn activated() -> Ev {
    Ev::JointProjectActivated {
        activated_by: account(LEAD_MANAGER),
        at: at(),
    }
}
pub(super) fn completed() -> Ev {
    Ev::JointProjectCompleted {
        completed_by: account(LEAD_MANAGER),
        at: at(),
    }
}
pub(super) fn withdrawn() -> Ev {
    Ev::JointProjectWithdrawn {
        withdrawn_by: account(LEAD_MANAGER),
        reason: None,
        at: at(),
    }
}

/// Approved, with one partner that accepted: ready to become active.
pub(super) fn approved_with_partner() -> Vec<Ev> {
    then(
        proposed(),
        [invited(PARTNER), accepted(PARTNER), submitted(), approved()],
    )
}

pub(super) fn active() -> Vec<Ev> {
    then(approved_with_partner(), [activated()])
}

pub(super) fn replay(events: Vec<Ev>) -> JointProject {
    let mut project = JointProject::default();
    for event in events {
        project.apply(event);
    }
    project
}

pub(super) fn not_allowed(action: &'static str, who: &'static str) -> Error {
    Error::NotAllowed { action, who }
}
pub(super) fn conflict(action: &'static str, current: ProjectStatus) -> Error {
    Error::InvalidTransition { action, current }
}
pub(super) fn rule(rule: JointProjectRule) -> Error {
    Error::RuleViolated(rule)
}

pub(super) const BY_LEAD: &str = "a manager of the lead initiative";
