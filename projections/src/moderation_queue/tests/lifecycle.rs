//! Items enter the queue when something starts waiting and leave when it is decided,
//! withdrawn or lapses; what comes back waits from its return.

use domain::community::CommunityEvent;
use domain::community::{JoinPolicy, Theme};
use domain::initiative::InitiativeEvent;
use domain::joint_project::{JointProjectEvent, Objective};
use domain::publication::{Kind, PublicationEvent};
use domain::values::{
    AccountId, CommunityId, Description, InitiativeId, JointProjectId, Name, PublicationId, Sector,
    Sectors, Title,
};

use super::{content, gathering, proposed, reason, renamed, Everything, Story};
use crate::moderation_queue::QueueKind;
use crate::test_events::{minute, registered};

#[test]
fn decisions_and_withdrawals_take_items_out() {
    let mut e = Everything::new();
    let m = e.story.moderator;
    use InitiativeEvent as I;
    let s = &mut e.story;
    s.publication(
        e.news,
        PublicationEvent::PublicationApproved {
            approved_by: m,
            at: minute(90),
        },
    );
    s.publication(
        e.report,
        PublicationEvent::PublicationRejected {
            rejected_by: m,
            reason: reason(),
            at: minute(90),
        },
    );
    s.publication(
        e.meeting,
        PublicationEvent::PublicationWithdrawn {
            withdrawn_by: e.bruno,
            at: minute(90),
        },
    );
    s.initiative(
        e.new_initiative,
        I::InitiativeRejected {
            reason: reason(),
            by: m,
            at: minute(90),
        },
    );
    s.initiative(
        e.approved,
        I::ProfileChangeApproved {
            by: m,
            at: minute(90),
        },
    );
    s.initiative(
        e.approved,
        I::ManagementRequestDeclined {
            account: e.bruno,
            reason: None,
            by: e.ana,
            at: minute(90),
        },
    );
    s.project(
        e.project,
        JointProjectEvent::JointProjectApproved {
            approved_by: m,
            at: minute(90),
        },
    );
    s.community(
        e.community,
        CommunityEvent::JoinRequestWithdrawn {
            account: e.ana,
            at: minute(90),
        },
    );
    assert_eq!(s.waiting(), []);
    assert!(s.queue.is_empty());

    // Later events about forgotten things change nothing (and do not fail).
    s.project(
        e.project,
        JointProjectEvent::JointProjectActivated {
            activated_by: e.ana,
            at: minute(91),
        },
    );
    s.publication(
        e.news,
        PublicationEvent::PublicationWithdrawn {
            withdrawn_by: e.bruno,
            at: minute(91),
        },
    );
    assert_eq!(s.queue.len(), 0);
}

#[test]
fn retiring_an_initiative_takes_its_change_and_requests_out() {
    let mut e = Everything::new();
    let before = e.story.queue.len();
    e.story.initiative(
        e.approved,
        InitiativeEvent::InitiativeRetired {
            reason: None,
            by: e.ana,
            at: minute(90),
        },
    );
    assert_eq!(
        e.story.queue.len(),
        before - 2,
        "the change and the request"
    );
    let kinds: Vec<_> = e.story.waiting().into_iter().map(|w| w.0).collect();
    assert!(
        !kinds.contains(&QueueKind::ProfileChange)
            && !kinds.contains(&QueueKind::ManagementRequest)
    );
}

#[test]
fn what_comes_back_waits_from_its_return_and_titles_follow_renames() {
    let mut s = Story::new();
    let m = s.moderator;
    let (ana, bruno) = (AccountId::new(), AccountId::new());
    let (initiative, publication, project) = (
        InitiativeId::new(),
        PublicationId::new(),
        JointProjectId::new(),
    );
    let community = CommunityId::new();
    use InitiativeEvent as I;
    s.initiative(initiative, registered(initiative, "Red Textil", ana, 0));
    s.initiative(
        initiative,
        I::ProfileUpdated {
            changes: renamed("Red Textil Andina"),
            by: ana,
            at: minute(1),
        },
    );
    s.initiative(
        initiative,
        I::InitiativeRejected {
            reason: reason(),
            by: m,
            at: minute(2),
        },
    );
    s.initiative(
        initiative,
        I::InitiativeResubmitted {
            by: bruno,
            at: minute(3),
        },
    );
    s.publication(
        publication,
        PublicationEvent::PublicationSubmitted {
            publication_id: publication,
            author: ana,
            content: content("Borrador", Kind::News),
            at: minute(4),
        },
    );
    // An edit while waiting keeps the item's place; the title follows.
    s.publication(
        publication,
        PublicationEvent::PublicationEdited {
            content: content("Noticia", Kind::News),
            edited_by: ana,
            at: minute(5),
        },
    );
    s.project(project, proposed(project, "Corredor", ana));
    s.project(
        project,
        JointProjectEvent::SubmittedForReview {
            submitted_by: ana,
            at: minute(6),
        },
    );
    s.project(
        project,
        JointProjectEvent::JointProjectRejected {
            rejected_by: m,
            reason: reason(),
            at: minute(7),
        },
    );
    s.project(
        project,
        JointProjectEvent::JointProjectRevised {
            title: Title::new("Corredor bioceánico").unwrap(),
            description: Description::new("Revisado").unwrap(),
            sectors: Sectors::new(vec![Sector::Logistics]).unwrap(),
            objectives: vec![Objective::new("Un objetivo").unwrap()],
            revised_by: bruno,
            at: minute(8),
        },
    );
    s.project(
        project,
        JointProjectEvent::SubmittedForReview {
            submitted_by: bruno,
            at: minute(9),
        },
    );
    s.community(
        community,
        CommunityEvent::CommunityCreated {
            community_id: community,
            name: Name::new("Textiles").unwrap(),
            theme: Theme::Sector(Sector::Manufacturing),
            join_policy: JoinPolicy::Moderated,
            created_by: m,
            at: minute(0),
        },
    );
    s.community(
        community,
        CommunityEvent::JoinRequested {
            account: bruno,
            at: minute(10),
        },
    );
    s.community(
        community,
        CommunityEvent::CommunityRenamed {
            name: Name::new("Textiles andinos").unwrap(),
            renamed_by: m,
            at: minute(11),
        },
    );
    assert_eq!(
        s.waiting(),
        [
            (
                QueueKind::Initiative,
                "Red Textil Andina".to_string(),
                bruno,
                3
            ),
            (QueueKind::News, "Noticia".to_string(), ana, 4),
            (
                QueueKind::JointProject,
                "Corredor bioceánico".to_string(),
                bruno,
                9
            ),
            (
                QueueKind::JoinRequest,
                "Textiles andinos".to_string(),
                bruno,
                10
            ),
        ]
    );

    // A rejected publication edited by its author is a new submission, waiting from the edit;
    // an approved profile change renames what the queue shows.
    s.publication(
        publication,
        PublicationEvent::PublicationRejected {
            rejected_by: m,
            reason: reason(),
            at: minute(12),
        },
    );
    s.publication(
        publication,
        PublicationEvent::PublicationEdited {
            content: content("Encuentro", gathering()),
            edited_by: ana,
            at: minute(13),
        },
    );
    s.initiative(
        initiative,
        I::InitiativeApproved {
            by: m,
            at: minute(14),
        },
    );
    s.initiative(
        initiative,
        I::ProfileChangeProposed {
            changes: renamed("Red Textil del Sur"),
            by: ana,
            at: minute(15),
        },
    );
    s.initiative(
        initiative,
        I::ProfileChangeApproved {
            by: m,
            at: minute(16),
        },
    );
    s.initiative(
        initiative,
        I::ManagementRequested {
            account: bruno,
            at: minute(17),
        },
    );
    let tail: Vec<_> = s.waiting().into_iter().skip(2).collect();
    assert_eq!(
        tail,
        [
            (QueueKind::Gathering, "Encuentro".to_string(), ana, 13),
            (
                QueueKind::ManagementRequest,
                "Red Textil del Sur".to_string(),
                bruno,
                17
            ),
        ]
    );
}

#[test]
fn a_new_proposal_or_kind_takes_the_place_of_what_waited() {
    let mut s = Story::new();
    let m = s.moderator;
    let (ana, bruno) = (AccountId::new(), AccountId::new());
    let (initiative, publication) = (InitiativeId::new(), PublicationId::new());
    use InitiativeEvent as I;
    s.initiative(initiative, registered(initiative, "Red Textil", ana, 0));
    s.initiative(
        initiative,
        I::InitiativeApproved {
            by: m,
            at: minute(1),
        },
    );
    for (by, at, name) in [
        (ana, 2, "Red Textil Andina"),
        (bruno, 3, "Red Textil del Sur"),
    ] {
        s.initiative(
            initiative,
            I::ProfileChangeProposed {
                changes: renamed(name),
                by,
                at: minute(at),
            },
        );
    }
    s.publication(
        publication,
        PublicationEvent::PublicationSubmitted {
            publication_id: publication,
            author: ana,
            content: content("Encuentro", Kind::News),
            at: minute(4),
        },
    );
    s.publication(
        publication,
        PublicationEvent::PublicationEdited {
            content: content("Encuentro", gathering()),
            edited_by: ana,
            at: minute(5),
        },
    );
    assert_eq!(
        s.waiting(),
        vec![
            (QueueKind::ProfileChange, "Red Textil".into(), bruno, 3),
            (QueueKind::Gathering, "Encuentro".into(), ana, 4),
        ],
        "one change, the latest, and the item as the kind it is now, in its first place"
    );
}
