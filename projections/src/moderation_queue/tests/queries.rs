//! The queue's order, filters, counts and snapshot.

use std::collections::BTreeSet;

use chrono::Duration;

use super::Everything;
use crate::moderation_queue::{ModerationQueue, QueueKind, QueueSubject};
use crate::test_events::minute;
use crate::Projection;

#[test]
fn every_kind_waits_oldest_first() {
    let e = Everything::new();
    let (ana, bruno) = (e.ana, e.bruno);
    let expected = [
        (QueueKind::News, "Convocatoria", bruno, 10),
        (QueueKind::Publication, "Informe", ana, 20),
        (QueueKind::ProfileChange, "Clúster Minero", ana, 30),
        (QueueKind::Gathering, "Encuentro", bruno, 40),
        (QueueKind::Initiative, "Red de Turismo", bruno, 50),
        (QueueKind::ManagementRequest, "Clúster Minero", bruno, 60),
        (QueueKind::JointProject, "Corredor del litio", ana, 70),
        (QueueKind::JoinRequest, "Hidrógeno verde", ana, 80),
    ];
    let expected: Vec<_> = expected
        .into_iter()
        .map(|(kind, title, by, at)| (kind, title.to_string(), by, at))
        .collect();
    assert_eq!(e.story.waiting(), expected);
    let subjects: Vec<_> = e
        .story
        .queue
        .pending(&BTreeSet::new(), usize::MAX)
        .items
        .iter()
        .map(|item| item.subject)
        .collect();
    assert_eq!(
        subjects,
        [
            QueueSubject::Publication(e.news),
            QueueSubject::Publication(e.report),
            QueueSubject::Initiative(e.approved),
            QueueSubject::Publication(e.meeting),
            QueueSubject::Initiative(e.new_initiative),
            QueueSubject::Initiative(e.approved),
            QueueSubject::JointProject(e.project),
            QueueSubject::Community(e.community),
        ]
    );
}

#[test]
fn kinds_filter_limit_cuts_and_counts_cover_everything() {
    let e = Everything::new();
    let queue = &e.story.queue;
    let publications = BTreeSet::from([
        QueueKind::News,
        QueueKind::Publication,
        QueueKind::Gathering,
    ]);
    let page = queue.pending(&publications, 2);
    assert_eq!(page.total, 3);
    let kinds: Vec<_> = page.items.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, [QueueKind::News, QueueKind::Publication]);
    assert_eq!(page.counts.values().sum::<usize>(), 8);
    assert_eq!(page.counts.get(&QueueKind::JoinRequest), Some(&1));
    assert_eq!(queue.pending(&BTreeSet::new(), 0).items, []);

    let first = &page.items[0];
    assert_eq!(first.age_seconds(minute(10) + Duration::seconds(90)), 90);
    assert_eq!(first.age_seconds(minute(0)), 0, "never negative");
}

#[test]
fn kind_names_round_trip_and_unknown_ones_are_refused() {
    for kind in QueueKind::ALL {
        assert_eq!(kind.as_str().parse::<QueueKind>(), Ok(kind));
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
    }
    let error = "initiatives".parse::<QueueKind>().unwrap_err();
    assert!(error.to_string().contains("initiatives"));
}

#[test]
fn a_snapshot_restores_the_same_queue() {
    let e = Everything::new();
    let live = &e.story.queue;
    let json = serde_json::to_value(live).unwrap();
    let mut restored: ModerationQueue = serde_json::from_value(json.clone()).unwrap();
    assert!(
        restored.is_empty(),
        "the order is not in the snapshot, so this test means something"
    );
    restored.restored(crate::Restoring::ToServe).unwrap();
    assert_eq!(serde_json::to_value(&restored).unwrap(), json);
    let all = BTreeSet::new();
    assert_eq!(
        restored.pending(&all, usize::MAX),
        live.pending(&all, usize::MAX)
    );
    let some = BTreeSet::from([QueueKind::Initiative, QueueKind::JoinRequest]);
    assert_eq!(restored.pending(&some, 1), live.pending(&some, 1));
}

#[test]
fn a_country_keeps_the_items_of_its_initiatives_and_survives_a_snapshot() {
    use domain::values::CountryCode;

    let e = Everything::new();
    let chile = Some(CountryCode::new("CL").unwrap());
    let kinds = |queue: &ModerationQueue, country| {
        queue
            .pending_in(&BTreeSet::new(), country, usize::MAX)
            .items
            .iter()
            .map(|item| (item.kind, item.country))
            .collect::<Vec<_>>()
    };
    // The initiatives are Chilean; publications, the community and the project (whose lead is
    // not a known initiative) have no country and are left out.
    let expected = vec![
        (QueueKind::ProfileChange, chile),
        (QueueKind::Initiative, chile),
        (QueueKind::ManagementRequest, chile),
    ];
    assert_eq!(kinds(&e.story.queue, chile), expected);
    let argentina = Some(CountryCode::new("AR").unwrap());
    assert!(kinds(&e.story.queue, argentina).is_empty());
    let page = e.story.queue.pending_in(&BTreeSet::new(), chile, 1);
    assert_eq!((page.total, page.items.len()), (3, 1));

    let json = serde_json::to_string(&e.story.queue).unwrap();
    let mut restored: ModerationQueue = serde_json::from_str(&json).unwrap();
    restored.restored(crate::Restoring::ToServe).unwrap();
    assert_eq!(kinds(&restored, chile), expected);
}
