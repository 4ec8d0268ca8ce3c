use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use domain::community::{Community, CommunityEvent, CommunityRole, JoinPolicy, Theme};
use domain::initiative::{Initiative, InitiativeEvent, InitiativeStatus, ProfileChanges};
use domain::values::{AccountId, CommunityId, InitiativeId, Name, Sector};

use super::Memberships;
use crate::test_events::{minute, registered, TestFeed};
use crate::{Envelope, Projection};

/// Applies each event to the model, panicking on a refusal.
fn fold(model: &mut Memberships, events: &[Envelope]) {
    for event in events {
        model.apply(event).expect("applies");
    }
}

fn created(id: CommunityId, name: &str, join_policy: JoinPolicy) -> CommunityEvent {
    CommunityEvent::CommunityCreated {
        community_id: id,
        name: Name::new(name).unwrap(),
        theme: Theme::Sector(Sector::Lithium),
        join_policy,
        created_by: AccountId::new(),
        at: minute(0),
    }
}

/// A small world: an initiative with two managers and a pending request, a retired one, an
/// open community with a facilitator and a member, a moderated one with a pending request.
struct World {
    events: Vec<Envelope>,
    /// Every event, by stream, for folding the aggregates themselves.
    initiative_events: BTreeMap<InitiativeId, Vec<InitiativeEvent>>,
    community_events: BTreeMap<CommunityId, Vec<CommunityEvent>>,
    ana: AccountId,
    bruno: AccountId,
    carla: AccountId,
    litio: InitiativeId,
    retired: InitiativeId,
    open: CommunityId,
    moderated: CommunityId,
}

impl World {
    fn new() -> Self {
        let mut feed = TestFeed::new();
        let (ana, bruno, carla) = (AccountId::new(), AccountId::new(), AccountId::new());
        let moderator = AccountId::new();
        let (litio, retired) = (InitiativeId::new(), InitiativeId::new());
        let (open, moderated) = (CommunityId::new(), CommunityId::new());
        use CommunityEvent as C;
        use InitiativeEvent as I;
        let initiative_events = BTreeMap::from([
            (
                litio,
                vec![
                    registered(litio, "Clúster del Litio", ana, 1),
                    I::InitiativeApproved {
                        by: moderator,
                        at: minute(2),
                    },
                    I::ManagementRequested {
                        account: bruno,
                        at: minute(3),
                    },
                    I::ManagementRequestApproved {
                        account: bruno,
                        by: ana,
                        at: minute(4),
                    },
                    I::ManagementRequested {
                        account: carla,
                        at: minute(5),
                    },
                    I::ProfileChangeProposed {
                        changes: ProfileChanges {
                            name: Some(Name::new("Clúster del Litio y el Cobre").unwrap()),
                            ..ProfileChanges::default()
                        },
                        by: ana,
                        at: minute(6),
                    },
                    I::ProfileChangeApproved {
                        by: moderator,
                        at: minute(7),
                    },
                ],
            ),
            (
                retired,
                vec![
                    registered(retired, "Red Antigua", bruno, 1),
                    I::ManagementRequested {
                        account: carla,
                        at: minute(2),
                    },
                    I::InitiativeRetired {
                        reason: None,
                        by: bruno,
                        at: minute(3),
                    },
                ],
            ),
        ]);
        let community_events = BTreeMap::from([
            (
                open,
                vec![
                    created(open, "Cadena del litio", JoinPolicy::Open),
                    C::MemberJoined {
                        account: ana,
                        at: minute(10),
                    },
                    C::MemberJoined {
                        account: bruno,
                        at: minute(11),
                    },
                    C::MemberPromoted {
                        account: bruno,
                        promoted_by: moderator,
                        at: minute(12),
                    },
                    C::MemberJoined {
                        account: carla,
                        at: minute(13),
                    },
                    C::MemberLeft {
                        account: carla,
                        at: minute(14),
                    },
                ],
            ),
            (
                moderated,
                vec![
                    created(moderated, "Hidrógeno verde", JoinPolicy::Moderated),
                    C::JoinRequested {
                        account: carla,
                        at: minute(20),
                    },
                    C::JoinRequested {
                        account: ana,
                        at: minute(21),
                    },
                    C::JoinRequestAccepted {
                        account: ana,
                        decided_by: moderator,
                        at: minute(22),
                    },
                ],
            ),
        ]);
        let mut events = Vec::new();
        for (id, stream) in &initiative_events {
            for event in stream {
                events.push(feed.event::<Initiative>(id, event.clone()));
            }
        }
        for (id, stream) in &community_events {
            for event in stream {
                events.push(feed.event::<Community>(id, event.clone()));
            }
        }
        Self {
            events,
            initiative_events,
            community_events,
            ana,
            bruno,
            carla,
            litio,
            retired,
            open,
            moderated,
        }
    }

    fn model(&self) -> Memberships {
        let mut model = Memberships::default();
        fold(&mut model, &self.events);
        model
    }
}

#[test]
fn an_account_sees_what_it_manages_belongs_to_and_asked_for() {
    let w = World::new();
    let model = w.model();

    let ana = model.of_account(w.ana);
    let names: Vec<_> = ana.initiatives.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        ["Clúster del Litio y el Cobre"],
        "the approved new name"
    );
    assert_eq!(ana.initiatives[0].status, InitiativeStatus::Approved);
    assert_eq!(ana.initiatives[0].since, minute(1));
    let communities: Vec<_> = ana
        .communities
        .iter()
        .map(|c| (c.name.as_str(), c.role, c.since))
        .collect();
    assert_eq!(
        communities,
        [
            ("Cadena del litio", CommunityRole::Member, minute(10)),
            ("Hidrógeno verde", CommunityRole::Member, minute(22)),
        ]
    );
    assert!(ana.management_requests.is_empty() && ana.join_requests.is_empty());

    let bruno = model.of_account(w.bruno);
    let managed: Vec<_> = bruno.initiatives.iter().map(|i| (i.id, i.status)).collect();
    // By name: "Clúster…" before "Red…"; a retired initiative is still listed, as retired.
    assert_eq!(
        managed,
        [
            (w.litio, InitiativeStatus::Approved),
            (w.retired, InitiativeStatus::Retired),
        ]
    );
    assert_eq!(bruno.communities[0].role, CommunityRole::Facilitator);
    assert_eq!(
        bruno.communities[0].since,
        minute(11),
        "promotion keeps the date"
    );

    let carla = model.of_account(w.carla);
    assert!(carla.initiatives.is_empty());
    assert!(carla.communities.is_empty(), "she left");
    let asked: Vec<_> = carla.management_requests.iter().map(|r| r.id).collect();
    assert_eq!(
        asked,
        [w.litio],
        "the request to the retired initiative lapsed"
    );
    assert_eq!(carla.join_requests.len(), 1);
    assert_eq!(carla.join_requests[0].id, w.moderated);
    assert_eq!(carla.join_requests[0].requested_at, minute(20));

    assert_eq!(
        model.of_account(AccountId::new()),
        Default::default(),
        "a stranger belongs nowhere"
    );
}

#[test]
fn lists_are_ordered_facilitators_first_and_requests_oldest_first() {
    let w = World::new();
    let model = w.model();
    let open = model.community(w.open).unwrap();
    let members: Vec<_> = open
        .members_in_order()
        .iter()
        .map(|m| (m.account, m.role))
        .collect();
    assert_eq!(
        members,
        [
            (w.bruno, Some(CommunityRole::Facilitator)),
            (w.ana, Some(CommunityRole::Member)),
        ]
    );
    assert_eq!(open.facilitator_count(), 1);
    assert_eq!(model.role_in(w.open, w.carla), None);
    assert_eq!(
        model.role_in(w.open, w.bruno),
        Some(CommunityRole::Facilitator)
    );

    let litio = model.initiative(w.litio).unwrap();
    let managers: Vec<_> = litio
        .managers_in_order()
        .iter()
        .map(|m| m.account)
        .collect();
    assert_eq!(managers, [w.ana, w.bruno]);
    assert_eq!(litio.requests_oldest_first(), [(w.carla, minute(5))]);
    assert!(litio.is_public());
    let retired = model.initiative(w.retired).unwrap();
    assert!(!retired.is_public(), "retired before it was ever approved");
    assert!(retired.is_manager(w.bruno));
}

#[test]
fn agrees_with_the_aggregates_on_who_belongs() {
    let w = World::new();
    let model = w.model();
    for (id, stream) in &w.initiative_events {
        let mut state = Initiative::default();
        for event in stream {
            state.apply(event.clone());
        }
        let team = model.initiative(*id).unwrap();
        assert_eq!(
            team.managers.keys().copied().collect::<Vec<_>>(),
            state.managers().iter().copied().collect::<Vec<_>>()
        );
        assert_eq!(
            team.management_requests.keys().copied().collect::<Vec<_>>(),
            state
                .management_requests()
                .iter()
                .copied()
                .collect::<Vec<_>>()
        );
        assert_eq!(team.status, state.status());
        assert_eq!(team.name, state.profile().unwrap().name.to_string());
    }
    for (id, stream) in &w.community_events {
        let mut state = Community::default();
        for event in stream {
            state.apply(event.clone());
        }
        let roster = model.community(*id).unwrap();
        let roles: BTreeMap<_, _> = roster.members.iter().map(|(a, m)| (*a, m.role)).collect();
        assert_eq!(&roles, state.members());
        assert_eq!(&roster.join_requests, state.join_requests());
    }
}

#[test]
fn a_snapshot_restores_the_same_model_and_answers() {
    let w = World::new();
    let live = w.model();
    let json = serde_json::to_value(&live).unwrap();
    let mut restored: Memberships = serde_json::from_value(json.clone()).unwrap();
    assert!(
        restored.of_account(w.ana).communities.is_empty(),
        "the index is not in the snapshot, so this test means something"
    );
    restored.restored(crate::Restoring::ToServe).unwrap();
    assert_eq!(serde_json::to_value(&restored).unwrap(), json);
    for account in [w.ana, w.bruno, w.carla, AccountId::new()] {
        assert_eq!(restored.of_account(account), live.of_account(account));
    }
    assert_eq!(restored.community(w.open), live.community(w.open));
    assert_eq!(restored.initiative(w.litio), live.initiative(w.litio));
    assert_eq!(restored.by_account, live.by_account);
}

#[test]
fn leaving_everything_leaves_no_trace_in_the_index() {
    let mut feed = TestFeed::new();
    let (someone, community) = (AccountId::new(), CommunityId::new());
    let mut model = Memberships::default();
    fold(
        &mut model,
        &[
            feed.event::<Community>(community, created(community, "Turismo", JoinPolicy::Open)),
            feed.event::<Community>(
                community,
                CommunityEvent::MemberJoined {
                    account: someone,
                    at: minute(1),
                },
            ),
            feed.event::<Community>(
                community,
                CommunityEvent::MemberLeft {
                    account: someone,
                    at: minute(2),
                },
            ),
        ],
    );
    assert!(model.by_account.is_empty());
}

#[test]
fn an_event_for_an_initiative_never_registered_stops_the_projection() {
    let mut feed = TestFeed::new();
    let id = InitiativeId::new();
    let event = feed.event::<Initiative>(
        id,
        InitiativeEvent::ManagerAdded {
            account: AccountId::new(),
            by: AccountId::new(),
            at: minute(1),
        },
    );
    let error = Memberships::default().apply(&event).unwrap_err();
    assert!(error.0.contains("ManagerAdded"), "{error}");
    assert!(error.0.contains(&id.to_string()), "{error}");
}
