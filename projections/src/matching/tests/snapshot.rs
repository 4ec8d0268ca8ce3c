//! The model's serialised form is its snapshot: restoring it must give the same model and the
//! same answers, and folding the same events again must give the same serialised form.

use super::fixture::world;
use super::random::random_history;
use super::History;
use crate::matching::ProjectMatching;
use crate::Projection;

/// Every answer the model can give about the initiatives and projects it knows.
fn answers(model: &ProjectMatching) -> Vec<String> {
    let mut all = Vec::new();
    for id in model.projects.keys() {
        all.push(format!("{id}: {:?}", model.matches_for_project(*id, 50)));
    }
    for id in model.initiatives.keys() {
        all.push(format!(
            "{id}: {:?}",
            model.projects_for_initiative(*id, 50)
        ));
    }
    all
}

fn assert_round_trip(history: &History) {
    let live = &history.model;
    let json = serde_json::to_value(live).unwrap();
    let mut restored: ProjectMatching = serde_json::from_value(json.clone()).unwrap();
    restored.restored(crate::Restoring::ToServe).unwrap();
    assert_eq!(serde_json::to_value(&restored).unwrap(), json);
    assert_eq!(answers(&restored), answers(live));

    let mut rebuilt = ProjectMatching::default();
    for event in &history.events {
        rebuilt.apply(event).unwrap();
    }
    assert_eq!(serde_json::to_value(&rebuilt).unwrap(), json);
}

#[test]
fn the_worked_example_survives_a_snapshot() {
    let w = world();
    assert!(!w
        .history
        .model
        .matches_for_project(w.project, 10)
        .is_empty());
    assert_round_trip(&w.history);
}

#[test]
fn a_random_history_survives_a_snapshot() {
    for seed in 1..=3 {
        assert_round_trip(&random_history(seed, 150));
    }
}
