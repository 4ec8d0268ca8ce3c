//! Who is never a candidate, and how the answers follow the events.

use domain::initiative::{InitiativeEvent, ProfileChanges};
use domain::joint_project::JointProjectEvent;
use domain::values::{InitiativeId, JointProjectId, Sector::*, Sectors};

use super::fixture::world;
use super::{id, manager_of, History, Plan, Stage, Traits};

fn candidates(history: &History, project: JointProjectId) -> Vec<InitiativeId> {
    history
        .model
        .matches_for_project(project, 50)
        .iter()
        .map(|m| m.initiative.id)
        .collect()
}

#[test]
fn the_lead_invited_retired_unapproved_and_unrelated_initiatives_are_never_candidates() {
    let w = world();
    let found = candidates(&w.history, w.project);
    for excluded in [w.lead, w.g, w.retired, w.unapproved, w.f] {
        assert!(!found.contains(&excluded), "{excluded} is not a candidate");
    }
}

#[test]
fn an_invited_initiative_leaves_the_candidates_at_once_whatever_its_answer() {
    let mut w = world();
    let at = chrono::Utc::now();
    w.history.project_event(
        w.project,
        JointProjectEvent::PartnerInvited {
            initiative: w.a,
            invited_by: manager_of(w.lead),
            following_interest: false,
            at,
        },
    );
    assert_eq!(candidates(&w.history, w.project), [w.b, w.e, w.c, w.d]);
    w.history.project_event(
        w.project,
        JointProjectEvent::InvitationDeclined {
            initiative: w.a,
            declined_by: manager_of(w.a),
            reason: None,
            at,
        },
    );
    // An initiative is invited once: a declined one is not proposed again.
    assert_eq!(candidates(&w.history, w.project), [w.b, w.e, w.c, w.d]);
}

#[test]
fn retiring_a_candidate_removes_it_even_when_a_community_links_it() {
    let mut w = world();
    w.history.retire(w.b);
    assert_eq!(candidates(&w.history, w.project), [w.a, w.e, w.c, w.d]);
    assert!(w.history.model.projects_for_initiative(w.b, 10).is_empty());
}

#[test]
fn a_reviewed_profile_change_counts_only_once_approved() {
    let mut w = world();
    let tourism = ProfileChanges {
        sectors: Some(Sectors::new(vec![Tourism]).unwrap()),
        ..ProfileChanges::default()
    };
    w.history.update_profile(w.a, tourism, true);
    assert_eq!(candidates(&w.history, w.project), [w.b, w.a, w.e, w.c, w.d]);
    let at = chrono::Utc::now();
    w.history.initiative_event(
        w.a,
        InitiativeEvent::ProfileChangeApproved {
            by: id(0xfff_fff),
            at,
        },
    );
    // Tourism has nothing to do with lithium or electromobility, and no community or earlier
    // project links A to the lead: being in another country is not enough.
    assert_eq!(candidates(&w.history, w.project), [w.b, w.e, w.c, w.d]);
}

#[test]
fn a_manager_leaving_takes_the_community_link_with_them() {
    let mut w = world();
    let at = chrono::Utc::now();
    let newcomer = id(0x555);
    w.history.initiative_event(
        w.e,
        InitiativeEvent::ManagerAdded {
            account: newcomer,
            by: manager_of(w.e),
            at,
        },
    );
    w.history.initiative_event(
        w.e,
        InitiativeEvent::ManagerRemoved {
            account: manager_of(w.e),
            by: newcomer,
            at,
        },
    );
    let matches = w.history.model.matches_for_project(w.project, 50);
    let e = matches.iter().find(|m| m.initiative.id == w.e).unwrap();
    assert_eq!(e.score, 450, "500 less the 50 of one shared community");
}

#[test]
fn only_public_projects_count_as_earlier_collaboration() {
    let mut w = world();
    // D worked with the lead on a project that was withdrawn: that is no track record.
    w.history.project(
        0x300,
        w.lead,
        Plan {
            accepted: &[w.d],
            ..Plan::new(&[Energy], Stage::Withdrawn)
        },
    );
    let matches = w.history.model.matches_for_project(w.project, 50);
    let d = matches.iter().find(|m| m.initiative.id == w.d).unwrap();
    assert_eq!(d.score, 375);
    // An active one is.
    w.history.project(
        0x301,
        w.lead,
        Plan {
            accepted: &[w.d],
            ..Plan::new(&[Energy], Stage::Active)
        },
    );
    let matches = w.history.model.matches_for_project(w.project, 50);
    let d = matches.iter().find(|m| m.initiative.id == w.d).unwrap();
    assert_eq!(d.score, 525);
    assert_eq!(
        candidates(&w.history, w.project)[..2],
        [w.b, w.d],
        "525 ties with B, whose id is smaller"
    );
}

#[test]
fn a_project_that_is_over_has_no_candidates() {
    let mut w = world();
    assert!(w
        .history
        .model
        .matches_for_project(w.earlier, 10)
        .is_empty());
    w.history.project_event(
        w.project,
        JointProjectEvent::JointProjectWithdrawn {
            withdrawn_by: manager_of(w.lead),
            reason: None,
            at: chrono::Utc::now(),
        },
    );
    assert!(w
        .history
        .model
        .matches_for_project(w.project, 10)
        .is_empty());
    assert!(w
        .history
        .model
        .projects_for_initiative(w.a, 10)
        .iter()
        .all(|m| m.project.id != w.project));
}

#[test]
fn an_initiative_that_already_answered_a_call_is_not_offered_it_again() {
    let mut w = world();
    w.history.project_event(
        w.r,
        JointProjectEvent::InterestExpressed {
            initiative: w.a,
            expressed_by: manager_of(w.a),
            at: chrono::Utc::now(),
        },
    );
    let offered: Vec<JointProjectId> = w
        .history
        .model
        .projects_for_initiative(w.a, 10)
        .iter()
        .map(|m| m.project.id)
        .collect();
    assert_eq!(offered, [w.project]);
    // The lead still sees it among its candidates: it answered the call.
    assert!(candidates(&w.history, w.r).contains(&w.a));
}

#[test]
fn an_event_for_an_initiative_never_registered_stops_the_projection() {
    use crate::Projection;
    let mut history = History::new();
    history.initiative(
        0x1,
        Traits {
            name: "Uno",
            country: "CL",
            sectors: &[Lithium],
            focus: "",
            maturity: domain::values::MaturityStage::Launch,
        },
        true,
    );
    let mut model = super::super::ProjectMatching::default();
    // The approval (second event) without the registration before it.
    let error = model.apply(&history.events[1]).unwrap_err();
    assert!(error.0.contains("before it was registered"), "{error}");
}
