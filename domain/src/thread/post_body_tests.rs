//! Property tests of `PostBody`: the shared text properties (1 to 10 000 characters, line
//! breaks kept), and that a body travels unchanged from command to event to thread state, and
//! an invalid one is not read in a command or an event.

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::actor::Actor;
use crate::values::text_tests::{garbage, json_garbage, text_properties, valid_text};

text_properties!(post_body, crate::thread::PostBodyRules);

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).expect("in range")
}

fn author() -> Actor {
    Actor::member(AccountId::from_uuid(Uuid::from_u128(1)))
}

fn start(body: PostBody) -> ThreadCommand {
    ThreadCommand::StartThread {
        thread_id: ThreadId::from_uuid(Uuid::from_u128(300)),
        community_id: CommunityId::from_uuid(Uuid::from_u128(100)),
        opening_post_id: PostId::from_uuid(Uuid::from_u128(301)),
        actor: author(),
        actor_role: Some(crate::community::CommunityRole::Member),
        title: Title::new("Proveedores de litio").expect("valid"),
        body,
        at: at(),
    }
}

fn reply(body: PostBody) -> ThreadCommand {
    ThreadCommand::Reply {
        post_id: PostId::from_uuid(Uuid::from_u128(302)),
        actor: author(),
        actor_role: Some(crate::community::CommunityRole::Member),
        body,
        at: at(),
    }
}

/// Decides `command` on `thread`, applies the events, and returns them.
fn run(thread: &mut Thread, command: ThreadCommand) -> Vec<ThreadEvent> {
    let events = thread.decide(command).expect("accepted");
    for event in events.clone() {
        thread.apply(event);
    }
    events
}

proptest! {
    #[test]
    fn bodies_travel_unchanged_from_command_to_state(first in valid_text::<PostBodyRules>(), second in valid_text::<PostBodyRules>()) {
        let first = PostBody::new(&first.input).expect("valid");
        let second = PostBody::new(&second.input).expect("valid");
        let mut thread = Thread::default();
        let mut events = run(&mut thread, start(first.clone()));
        events.extend(run(&mut thread, reply(second.clone())));
        let bodies: Vec<Option<&PostBody>> = thread.posts().iter().map(|p| p.body.as_ref()).collect();
        prop_assert_eq!(bodies, vec![Some(&first), Some(&second)]);
        for event in events {
            let json = serde_json::to_string(&event).expect("serialises");
            prop_assert_eq!(serde_json::from_str::<ThreadEvent>(&json).expect("reads back"), event);
        }
        let json = serde_json::to_string(&thread).expect("serialises");
        prop_assert_eq!(serde_json::from_str::<Thread>(&json).expect("reads back"), thread);
    }

    #[test]
    fn invalid_bodies_are_not_read_in_commands_or_events(raw in prop_oneof![garbage(), Just(String::new()), Just("x".repeat(10_001))]) {
        prop_assume!(PostBody::stored(&raw).is_err());
        let valid = PostBody::new("Hola").expect("valid");
        let command = start(valid.clone());
        let event = Thread::default().decide(command.clone()).expect("accepted").remove(0);
        let mut command = serde_json::to_value(command).expect("serialises");
        command["StartThread"]["body"] = serde_json::Value::String(raw.clone());
        prop_assert!(serde_json::from_value::<ThreadCommand>(command).is_err());
        let mut event = serde_json::to_value(event).expect("serialises");
        event["ThreadStarted"]["body"] = serde_json::Value::String(raw);
        prop_assert!(serde_json::from_value::<ThreadEvent>(event).is_err());
    }

    #[test]
    fn garbage_json_never_panics(json in json_garbage()) {
        let _ = serde_json::from_str::<ThreadCommand>(&json);
        let _ = serde_json::from_str::<ThreadEvent>(&json);
        let _ = serde_json::from_str::<Thread>(&json);
    }
}
