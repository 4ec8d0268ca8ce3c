//! Four eyes: a moderator never reviews a project they have a stake in — one they proposed, or
//! one whose lead or partner initiative they manage (the gateway finds who manages what).

use super::*;

const BY_INDEPENDENT: &str =
    "a moderator who neither proposed the project nor manages the lead or a partner initiative";

fn review(actor: Actor, manages_lead: bool, manages_partner: bool, approve: bool) -> Cmd {
    if approve {
        Cmd::Approve {
            actor,
            actor_manages_lead: manages_lead,
            actor_manages_partner: manages_partner,
            at: at(),
        }
    } else {
        Cmd::Reject {
            actor,
            actor_manages_lead: manages_lead,
            actor_manages_partner: manages_partner,
            reason: reason("Faltan objetivos medibles"),
            at: at(),
        }
    }
}

fn under_review() -> Vec<Ev> {
    then(proposed(), [invited(PARTNER), submitted()])
}

#[test]
fn a_moderator_who_manages_the_lead_or_a_partner_reviews_nothing() {
    for approve in [true, false] {
        let action = if approve {
            "approve a joint project"
        } else {
            "reject a joint project"
        };
        for (lead, partner) in [(true, false), (false, true), (true, true)] {
            framework()
                .given(under_review())
                .when(review(moderator(), lead, partner, approve))
                .then_expect_error(not_allowed(action, BY_INDEPENDENT));
        }
    }
}

#[test]
fn the_moderator_who_proposed_a_project_never_reviews_it() {
    // The lead's manager is also a moderator, and no longer manages the lead.
    let proposer = Actor::moderator(account(LEAD_MANAGER));
    for approve in [true, false] {
        let action = if approve {
            "approve a joint project"
        } else {
            "reject a joint project"
        };
        framework()
            .given(under_review())
            .when(review(proposer.clone(), false, false, approve))
            .then_expect_error(not_allowed(action, BY_INDEPENDENT));
    }
}

#[test]
fn an_independent_moderator_reviews() {
    framework()
        .given(under_review())
        .when(review(moderator(), false, false, true))
        .then_expect_events(vec![approved()]);
}
