//! Invitations, answers to them, the open call and expressions of interest.

use super::*;

fn invite(actor_manages_lead: bool, n: u128, standing: InitiativeStanding) -> Cmd {
    Cmd::InvitePartner {
        actor: lead_manager(),
        actor_manages_lead,
        initiative: initiative(n),
        initiative_standing: standing,
        at: at(),
    }
}

#[test]
fn the_lead_invites_an_approved_initiative() {
    framework()
        .given(proposed())
        .when(invite(true, PARTNER, APPROVED))
        .then_expect_events(vec![invited(PARTNER)]);
}

#[test]
fn the_lead_turns_interest_into_an_invitation() {
    let given = then(proposed(), [call_opened(), interest(PARTNER)]);
    let invitation = Ev::PartnerInvited {
        initiative: initiative(PARTNER),
        invited_by: account(LEAD_MANAGER),
        following_interest: true,
        at: at(),
    };
    framework()
        .given(given.clone())
        .when(invite(true, PARTNER, APPROVED))
        .then_expect_events(vec![invitation.clone()]);
    let project = replay(then(given, [invitation]));
    assert!(project.interested().is_empty());
    assert_eq!(
        project.partners().get(&initiative(PARTNER)),
        Some(&InvitationState::Invited)
    );
}

#[test]
fn only_the_lead_invites() {
    framework()
        .given(proposed())
        .when(invite(false, PARTNER, APPROVED))
        .then_expect_error(not_allowed("invite a partner", BY_LEAD));
}

#[test]
fn the_lead_cannot_invite_itself() {
    framework()
        .given(proposed())
        .when(invite(true, LEAD, APPROVED))
        .then_expect_error(rule(JointProjectRule::SelfInvitation));
}

#[test]
fn an_initiative_is_invited_once_whatever_its_answer() {
    for answer in [vec![], vec![accepted(PARTNER)], vec![declined(PARTNER)]] {
        framework()
            .given(then(then(proposed(), [invited(PARTNER)]), answer))
            .when(invite(true, PARTNER, APPROVED))
            .then_expect_error(rule(JointProjectRule::AlreadyInvited));
    }
}

#[test]
fn only_approved_initiatives_that_are_not_retired_are_invited() {
    for standing in [
        InitiativeStanding::Submitted,
        InitiativeStanding::Rejected,
        RETIRED,
    ] {
        framework()
            .given(proposed())
            .when(invite(true, PARTNER, standing))
            .then_expect_error(rule(JointProjectRule::InitiativeNotEligible));
    }
}

#[test]
fn nobody_is_invited_to_a_finished_or_missing_project() {
    framework()
        .given(then(proposed(), [withdrawn()]))
        .when(invite(true, PARTNER, APPROVED))
        .then_expect_error(conflict("invite a partner", ProjectStatus::Withdrawn));
    framework()
        .given_no_previous_events()
        .when(invite(true, PARTNER, APPROVED))
        .then_expect_error(conflict("invite a partner", ProjectStatus::NotProposed));
}

fn accept(actor_manages_initiative: bool, n: u128) -> Cmd {
    Cmd::AcceptInvitation {
        actor: partner_manager(),
        initiative: initiative(n),
        actor_manages_initiative,
        at: at(),
    }
}

fn decline(actor_manages_initiative: bool, n: u128) -> Cmd {
    Cmd::DeclineInvitation {
        actor: partner_manager(),
        initiative: initiative(n),
        actor_manages_initiative,
        reason: None,
        at: at(),
    }
}

#[test]
fn a_manager_of_the_invited_initiative_accepts() {
    framework()
        .given(then(proposed(), [invited(PARTNER)]))
        .when(accept(true, PARTNER))
        .then_expect_events(vec![accepted(PARTNER)]);
}

#[test]
fn a_manager_of_the_invited_initiative_declines_with_a_reason() {
    framework()
        .given(then(proposed(), [invited(PARTNER)]))
        .when(Cmd::DeclineInvitation {
            actor: partner_manager(),
            initiative: initiative(PARTNER),
            actor_manages_initiative: true,
            reason: Some(reason("Sin capacidad este año")),
            at: at(),
        })
        .then_expect_events(vec![Ev::InvitationDeclined {
            initiative: initiative(PARTNER),
            declined_by: account(PARTNER_MANAGER),
            reason: Some(reason("Sin capacidad este año")),
            at: at(),
        }]);
}

#[test]
fn only_a_manager_of_the_invited_initiative_answers() {
    let given = then(proposed(), [invited(PARTNER)]);
    framework()
        .given(given.clone())
        .when(accept(false, PARTNER))
        .then_expect_error(not_allowed(
            "accept an invitation",
            "a manager of the invited initiative",
        ));
    framework()
        .given(given)
        .when(decline(false, PARTNER))
        .then_expect_error(not_allowed(
            "decline an invitation",
            "a manager of the invited initiative",
        ));
}

#[test]
fn an_initiative_that_was_not_invited_cannot_answer() {
    framework()
        .given(proposed())
        .when(accept(true, PARTNER))
        .then_expect_error(rule(JointProjectRule::NotInvited));
    framework()
        .given(proposed())
        .when(decline(true, PARTNER))
        .then_expect_error(rule(JointProjectRule::NotInvited));
}

#[test]
fn an_invitation_is_answered_once() {
    framework()
        .given(then(proposed(), [invited(PARTNER), accepted(PARTNER)]))
        .when(decline(true, PARTNER))
        .then_expect_error(Error::InvitationInvalidTransition {
            initiative: initiative(PARTNER),
            action: "decline the invitation",
            current: InvitationState::Accepted,
        });
    framework()
        .given(then(proposed(), [invited(PARTNER), declined(PARTNER)]))
        .when(accept(true, PARTNER))
        .then_expect_error(Error::InvitationInvalidTransition {
            initiative: initiative(PARTNER),
            action: "accept the invitation",
            current: InvitationState::Declined,
        });
}

#[test]
fn invitations_to_a_finished_project_cannot_be_answered() {
    let given = then(proposed(), [invited(PARTNER), withdrawn()]);
    framework()
        .given(given.clone())
        .when(accept(true, PARTNER))
        .then_expect_error(conflict("accept an invitation", ProjectStatus::Withdrawn));
    framework()
        .given(given)
        .when(decline(true, PARTNER))
        .then_expect_error(conflict("decline an invitation", ProjectStatus::Withdrawn));
}

fn open_call(actor_manages_lead: bool) -> Cmd {
    Cmd::OpenCallForPartners {
        actor: lead_manager(),
        actor_manages_lead,
        at: at(),
    }
}

fn close_call(actor_manages_lead: bool) -> Cmd {
    Cmd::CloseCallForPartners {
        actor: lead_manager(),
        actor_manages_lead,
        at: at(),
    }
}

#[test]
fn the_lead_opens_and_closes_a_call_for_partners() {
    framework()
        .given(proposed())
        .when(open_call(true))
        .then_expect_events(vec![call_opened()]);
    framework()
        .given(then(proposed(), [call_opened()]))
        .when(close_call(true))
        .then_expect_events(vec![Ev::CallForPartnersClosed {
            closed_by: account(LEAD_MANAGER),
            at: at(),
        }]);
}

#[test]
fn opening_an_open_call_or_closing_a_closed_one_records_nothing() {
    framework()
        .given(then(proposed(), [call_opened()]))
        .when(open_call(true))
        .then_expect_events(vec![]);
    framework()
        .given(proposed())
        .when(close_call(true))
        .then_expect_events(vec![]);
}

#[test]
fn only_the_lead_opens_or_closes_the_call() {
    framework()
        .given(proposed())
        .when(open_call(false))
        .then_expect_error(not_allowed("open a call for partners", BY_LEAD));
    framework()
        .given(then(proposed(), [call_opened()]))
        .when(close_call(false))
        .then_expect_error(not_allowed("close the call for partners", BY_LEAD));
}

#[test]
fn a_finished_project_has_no_call() {
    let given = then(active(), [completed()]);
    framework()
        .given(given.clone())
        .when(open_call(true))
        .then_expect_error(conflict(
            "open a call for partners",
            ProjectStatus::Completed,
        ));
    framework()
        .given(given)
        .when(close_call(true))
        .then_expect_error(conflict(
            "close the call for partners",
            ProjectStatus::Completed,
        ));
}

fn express(actor_manages_initiative: bool, n: u128, standing: InitiativeStanding) -> Cmd {
    Cmd::ExpressInterest {
        actor: partner_manager(),
        initiative: initiative(n),
        actor_manages_initiative,
        initiative_standing: standing,
        at: at(),
    }
}

fn with_call() -> Vec<Ev> {
    then(proposed(), [call_opened()])
}

#[test]
fn an_approved_initiative_answers_an_open_call() {
    framework()
        .given(with_call())
        .when(express(true, PARTNER, APPROVED))
        .then_expect_events(vec![interest(PARTNER)]);
}

#[test]
fn only_a_manager_of_the_initiative_expresses_interest() {
    framework()
        .given(with_call())
        .when(express(false, PARTNER, APPROVED))
        .then_expect_error(not_allowed(
            "express interest",
            "a manager of that initiative",
        ));
}

#[test]
fn interest_needs_an_open_call() {
    framework()
        .given(proposed())
        .when(express(true, PARTNER, APPROVED))
        .then_expect_error(rule(JointProjectRule::CallNotOpen));
}

#[test]
fn the_lead_and_invited_initiatives_do_not_express_interest() {
    framework()
        .given(with_call())
        .when(express(true, LEAD, APPROVED))
        .then_expect_error(rule(JointProjectRule::SelfInvitation));
    framework()
        .given(then(with_call(), [invited(PARTNER)]))
        .when(express(true, PARTNER, APPROVED))
        .then_expect_error(rule(JointProjectRule::AlreadyInvited));
}

#[test]
fn interest_is_expressed_once() {
    framework()
        .given(then(with_call(), [interest(PARTNER)]))
        .when(express(true, PARTNER, APPROVED))
        .then_expect_error(rule(JointProjectRule::AlreadyInterested));
}

#[test]
fn a_retired_initiative_cannot_express_interest() {
    framework()
        .given(with_call())
        .when(express(true, PARTNER, RETIRED))
        .then_expect_error(rule(JointProjectRule::InitiativeNotEligible));
}

#[test]
fn a_withdrawn_project_takes_no_interest() {
    framework()
        .given(then(with_call(), [withdrawn()]))
        .when(express(true, PARTNER, APPROVED))
        .then_expect_error(conflict("express interest", ProjectStatus::Withdrawn));
}
