//! Activation, completion and withdrawal.

use super::*;

fn activate(actor_manages_lead: bool) -> Cmd {
    Cmd::Activate {
        actor: lead_manager(),
        actor_manages_lead,
        at: at(),
    }
}

#[test]
fn an_approved_project_with_an_accepted_partner_becomes_active() {
    framework()
        .given(approved_with_partner())
        .when(activate(true))
        .then_expect_events(vec![activated()]);
}

#[test]
fn the_lead_alone_is_not_enough_to_become_active() {
    // Invited and declined partners do not count: only acceptances do.
    let given = then(
        proposed(),
        [
            invited(PARTNER),
            invited(OTHER),
            declined(OTHER),
            submitted(),
            approved(),
        ],
    );
    let error = framework()
        .given(given)
        .when(activate(true))
        .inspect_result()
        .unwrap_err();
    assert_eq!(error, rule(JointProjectRule::NotEnoughPartners));
    assert!(error
        .to_string()
        .contains("at least two accepted initiatives"));
}

#[test]
fn only_the_lead_activates() {
    framework()
        .given(approved_with_partner())
        .when(activate(false))
        .then_expect_error(not_allowed("activate a joint project", BY_LEAD));
}

#[test]
fn a_project_must_be_approved_to_become_active() {
    framework()
        .given(then(
            proposed(),
            [invited(PARTNER), accepted(PARTNER), submitted()],
        ))
        .when(activate(true))
        .then_expect_error(conflict(
            "activate the joint project",
            ProjectStatus::UnderReview,
        ));
}

fn complete(actor_manages_lead: bool) -> Cmd {
    Cmd::Complete {
        actor: lead_manager(),
        actor_manages_lead,
        at: at(),
    }
}

#[test]
fn the_lead_completes_an_active_project() {
    framework()
        .given(active())
        .when(complete(true))
        .then_expect_events(vec![completed()]);
}

#[test]
fn only_the_lead_completes() {
    framework()
        .given(active())
        .when(complete(false))
        .then_expect_error(not_allowed("complete a joint project", BY_LEAD));
}

#[test]
fn a_project_that_never_started_cannot_be_completed() {
    framework()
        .given(approved_with_partner())
        .when(complete(true))
        .then_expect_error(conflict(
            "complete the joint project",
            ProjectStatus::Approved,
        ));
}

fn withdraw(actor_manages_lead: bool) -> Cmd {
    Cmd::Withdraw {
        actor: lead_manager(),
        actor_manages_lead,
        reason: None,
        at: at(),
    }
}

#[test]
fn the_lead_withdraws_at_any_stage_before_the_end() {
    for given in [
        proposed(),
        then(proposed(), [submitted()]),
        approved_with_partner(),
        then(proposed(), [submitted(), rejected()]),
        active(),
    ] {
        framework()
            .given(given)
            .when(withdraw(true))
            .then_expect_events(vec![withdrawn()]);
    }
}

#[test]
fn only_the_lead_withdraws() {
    framework()
        .given(active())
        .when(withdraw(false))
        .then_expect_error(not_allowed("withdraw a joint project", BY_LEAD));
}

#[test]
fn a_finished_project_cannot_be_withdrawn() {
    framework()
        .given(then(active(), [completed()]))
        .when(withdraw(true))
        .then_expect_error(conflict(
            "withdraw the joint project",
            ProjectStatus::Completed,
        ));
    framework()
        .given(then(proposed(), [withdrawn()]))
        .when(withdraw(true))
        .then_expect_error(conflict(
            "withdraw the joint project",
            ProjectStatus::Withdrawn,
        ));
}
