//! Property tests of a project's objectives: each `Objective` gets the shared text properties,
//! a list holding one invalid objective is not read, and proposing or revising takes 1 to
//! `MAX_OBJECTIVES` of them, whatever they say.

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::actor::Actor;
use crate::values::text_tests::{garbage, json_garbage, text_properties, valid_text};
use crate::values::{Sector, Sectors};

text_properties!(objective, crate::joint_project::ObjectiveRules);

fn objective() -> impl Strategy<Value = Objective> {
    valid_text::<ObjectiveRules>().prop_map(|t| Objective::new(t.input).expect("valid"))
}

fn objectives(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<Objective>> {
    proptest::collection::vec(objective(), len)
}

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).expect("in range")
}

fn lead_manager() -> Actor {
    Actor::member(AccountId::from_uuid(Uuid::from_u128(1)))
}

fn propose(objectives: Vec<Objective>) -> JointProjectCommand {
    JointProjectCommand::Propose {
        project_id: JointProjectId::from_uuid(Uuid::from_u128(400)),
        lead: InitiativeId::from_uuid(Uuid::from_u128(10)),
        lead_standing: InitiativeStanding::Approved,
        actor: lead_manager(),
        actor_manages_lead: true,
        title: Title::new("Corredor del litio").expect("valid"),
        description: Description::new("").expect("valid"),
        sectors: Sectors::new(vec![Sector::Lithium]).expect("valid"),
        objectives,
        at: at(),
    }
}

fn revise(objectives: Vec<Objective>) -> JointProjectCommand {
    JointProjectCommand::Revise {
        actor: lead_manager(),
        actor_manages_lead: true,
        title: Title::new("Corredor del litio y el cobre").expect("valid"),
        description: Description::new("").expect("valid"),
        sectors: Sectors::new(vec![Sector::Lithium, Sector::Mining]).expect("valid"),
        objectives,
        at: at(),
    }
}

/// A freshly proposed project, built by applying the events `decide` produced.
fn proposed() -> JointProject {
    let mut project = JointProject::default();
    let one = vec![Objective::new("Proveedores locales").expect("valid")];
    for event in project.decide(propose(one)).expect("proposed") {
        project.apply(event);
    }
    project
}

/// What `decide` must answer for a list of `n` objectives.
fn expected(n: usize) -> Result<(), JointProjectError> {
    match n {
        0 => Err(JointProjectError::RuleViolated(
            JointProjectRule::NoObjectives,
        )),
        n if n > MAX_OBJECTIVES => Err(JointProjectError::RuleViolated(
            JointProjectRule::TooManyObjectives,
        )),
        _ => Ok(()),
    }
}

proptest! {
    #[test]
    fn proposing_takes_one_to_max_objectives(list in objectives(0..MAX_OBJECTIVES + 6)) {
        let n = list.len();
        let decided = JointProject::default().decide(propose(list.clone()));
        prop_assert_eq!(decided.as_ref().map(|_| ()).map_err(Clone::clone), expected(n));
        if let Ok(events) = decided {
            let mut project = JointProject::default();
            for event in events {
                project.apply(event);
            }
            let details = project.details().expect("proposed");
            prop_assert_eq!(&details.objectives, &list, "kept as given, in order");
        }
    }

    #[test]
    fn revising_takes_one_to_max_objectives(list in objectives(0..MAX_OBJECTIVES + 6)) {
        let n = list.len();
        let decided = proposed().decide(revise(list));
        prop_assert_eq!(decided.map(|_| ()), expected(n));
    }

    #[test]
    fn lists_round_trip_in_commands_and_events(list in objectives(1..MAX_OBJECTIVES + 1)) {
        let command = propose(list.clone());
        let json = serde_json::to_string(&command).expect("serialises");
        prop_assert_eq!(serde_json::from_str::<JointProjectCommand>(&json).expect("reads back"), command.clone());
        for event in JointProject::default().decide(command).expect("accepted") {
            let json = serde_json::to_string(&event).expect("serialises");
            prop_assert_eq!(serde_json::from_str::<JointProjectEvent>(&json).expect("reads back"), event);
        }
    }

    #[test]
    fn a_list_with_one_invalid_objective_is_not_read(list in objectives(1..MAX_OBJECTIVES + 1), raw in garbage(), at in any::<proptest::sample::Index>()) {
        prop_assume!(Objective::stored(&raw).is_err());
        let mut strings: Vec<String> = list.iter().map(|o| o.as_str().to_owned()).collect();
        strings.insert(at.index(strings.len() + 1), raw);
        let json = serde_json::to_string(&strings).expect("serialises");
        prop_assert!(serde_json::from_str::<Vec<Objective>>(&json).is_err());
        let mut command = serde_json::to_value(propose(list)).expect("serialises");
        command["Propose"]["objectives"] = serde_json::from_str(&json).expect("json");
        prop_assert!(serde_json::from_value::<JointProjectCommand>(command).is_err());
    }

    #[test]
    fn garbage_json_never_panics(json in json_garbage()) {
        let _ = serde_json::from_str::<Vec<Objective>>(&json);
        let _ = serde_json::from_str::<JointProjectCommand>(&json);
        let _ = serde_json::from_str::<JointProjectEvent>(&json);
        let _ = serde_json::from_str::<JointProject>(&json);
    }
}
