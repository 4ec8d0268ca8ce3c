//! Proposal, revision, review, activation, completion and withdrawal.

use cqrs_es::DomainEvent;

use super::*;

fn propose(
    actor_manages_lead: bool,
    lead_standing: InitiativeStanding,
    objective_count: usize,
) -> Cmd {
    Cmd::Propose {
        project_id: project_id(),
        lead: initiative(LEAD),
        lead_standing,
        actor: lead_manager(),
        actor_manages_lead,
        title: title(),
        description: description(),
        sectors: sectors(),
        objectives: objectives(objective_count),
        at: at(),
    }
}

#[test]
fn a_manager_of_an_approved_initiative_proposes_a_project() {
    framework()
        .given_no_previous_events()
        .when(propose(true, APPROVED, 2))
        .then_expect_events(proposed());
}

#[test]
fn only_a_manager_of_the_lead_proposes() {
    framework()
        .given_no_previous_events()
        .when(propose(false, APPROVED, 2))
        .then_expect_error(not_allowed("propose a joint project", BY_LEAD));
}

#[test]
fn a_lead_that_is_not_approved_or_is_retired_cannot_propose() {
    for standing in [
        InitiativeStanding::Submitted,
        InitiativeStanding::Rejected,
        RETIRED,
    ] {
        framework()
            .given_no_previous_events()
            .when(propose(true, standing, 2))
            .then_expect_error(rule(JointProjectRule::LeadNotEligible));
    }
}

#[test]
fn a_project_needs_between_one_and_ten_objectives() {
    framework()
        .given_no_previous_events()
        .when(propose(true, APPROVED, 0))
        .then_expect_error(rule(JointProjectRule::NoObjectives));
    framework()
        .given_no_previous_events()
        .when(propose(true, APPROVED, MAX_OBJECTIVES + 1))
        .then_expect_error(rule(JointProjectRule::TooManyObjectives));
}

#[test]
fn a_project_cannot_be_proposed_twice() {
    framework()
        .given(proposed())
        .when(propose(true, APPROVED, 2))
        .then_expect_error(conflict(
            "propose the joint project",
            ProjectStatus::Proposed,
        ));
}

fn revise(actor_manages_lead: bool, objective_count: usize) -> Cmd {
    Cmd::Revise {
        actor: lead_manager(),
        actor_manages_lead,
        title: title(),
        description: Description::new("Ahora con metas medibles.").unwrap(),
        sectors: sectors(),
        objectives: objectives(objective_count),
        at: at(),
    }
}

fn revised() -> Ev {
    Ev::JointProjectRevised {
        title: title(),
        description: Description::new("Ahora con metas medibles.").unwrap(),
        sectors: sectors(),
        objectives: objectives(3),
        revised_by: account(LEAD_MANAGER),
        at: at(),
    }
}

#[test]
fn the_lead_revises_a_proposed_project() {
    framework()
        .given(proposed())
        .when(revise(true, 3))
        .then_expect_events(vec![revised()]);
}

#[test]
fn revising_a_rejected_project_starts_it_over() {
    let given = then(proposed(), [submitted(), rejected()]);
    framework()
        .given(given.clone())
        .when(revise(true, 3))
        .then_expect_events(vec![revised()]);
    let project = replay(then(given, [revised()]));
    assert_eq!(project.status(), ProjectStatus::Proposed);
    assert_eq!(project.rejection_reason(), None);
    assert_eq!(project.details().unwrap().objectives.len(), 3);
}

#[test]
fn only_the_lead_revises() {
    framework()
        .given(proposed())
        .when(revise(false, 3))
        .then_expect_error(not_allowed("revise a joint project", BY_LEAD));
}

#[test]
fn a_project_under_review_cannot_be_revised() {
    framework()
        .given(then(proposed(), [submitted()]))
        .when(revise(true, 3))
        .then_expect_error(conflict(
            "revise the joint project",
            ProjectStatus::UnderReview,
        ));
}

#[test]
fn a_revision_keeps_the_objective_rules() {
    framework()
        .given(proposed())
        .when(revise(true, 0))
        .then_expect_error(rule(JointProjectRule::NoObjectives));
}

fn submit(actor_manages_lead: bool) -> Cmd {
    Cmd::SubmitForReview {
        actor: lead_manager(),
        actor_manages_lead,
        at: at(),
    }
}

#[test]
fn the_lead_submits_for_review() {
    framework()
        .given(proposed())
        .when(submit(true))
        .then_expect_events(vec![submitted()]);
}

#[test]
fn only_the_lead_submits() {
    framework()
        .given(proposed())
        .when(submit(false))
        .then_expect_error(not_allowed("submit a joint project for review", BY_LEAD));
}

#[test]
fn a_rejected_project_must_be_revised_before_it_is_submitted_again() {
    framework()
        .given(then(proposed(), [submitted(), rejected()]))
        .when(submit(true))
        .then_expect_error(conflict(
            "submit the joint project for review",
            ProjectStatus::Rejected,
        ));
}

#[test]
fn a_moderator_approves() {
    framework()
        .given(then(proposed(), [submitted()]))
        .when(Cmd::Approve {
            actor: moderator(),
            actor_manages_lead: false,
            actor_manages_partner: false,
            at: at(),
        })
        .then_expect_events(vec![approved()]);
}

#[test]
fn only_a_moderator_approves() {
    framework()
        .given(then(proposed(), [submitted()]))
        .when(Cmd::Approve {
            actor: lead_manager(),
            actor_manages_lead: false,
            actor_manages_partner: false,
            at: at(),
        })
        .then_expect_error(not_allowed("approve a joint project", "a moderator"));
}

#[test]
fn only_a_project_under_review_is_approved() {
    framework()
        .given(proposed())
        .when(Cmd::Approve {
            actor: moderator(),
            actor_manages_lead: false,
            actor_manages_partner: false,
            at: at(),
        })
        .then_expect_error(conflict(
            "approve the joint project",
            ProjectStatus::Proposed,
        ));
}

fn reject(actor: Actor) -> Cmd {
    Cmd::Reject {
        actor,
        actor_manages_lead: false,
        actor_manages_partner: false,
        reason: reason("Faltan objetivos medibles"),
        at: at(),
    }
}

#[test]
fn a_moderator_rejects_with_a_reason() {
    framework()
        .given(then(proposed(), [submitted()]))
        .when(reject(moderator()))
        .then_expect_events(vec![rejected()]);
    let project = replay(then(proposed(), [submitted(), rejected()]));
    assert_eq!(
        project.rejection_reason(),
        Some(&reason("Faltan objetivos medibles"))
    );
}

#[test]
fn only_a_moderator_rejects() {
    framework()
        .given(then(proposed(), [submitted()]))
        .when(reject(lead_manager()))
        .then_expect_error(not_allowed("reject a joint project", "a moderator"));
}

#[test]
fn an_approved_project_cannot_be_rejected() {
    framework()
        .given(approved_with_partner())
        .when(reject(moderator()))
        .then_expect_error(conflict(
            "reject the joint project",
            ProjectStatus::Approved,
        ));
}

#[test]
fn events_are_named_versioned_and_round_trip() {
    let events = then(active(), [call_opened(), interest(OTHER), completed()]);
    let project = replay(events.clone());
    assert_eq!(project.status(), ProjectStatus::Completed);
    assert!(!project.is_call_open());
    let json = serde_json::to_string(&project).unwrap();
    assert_eq!(
        serde_json::from_str::<JointProject>(&json).unwrap(),
        project
    );
    for event in events {
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(serde_json::from_str::<Ev>(&json).unwrap(), event);
        assert_eq!(event.event_version(), "1");
        assert!(event.event_type().starts_with("JointProject"));
    }
}
