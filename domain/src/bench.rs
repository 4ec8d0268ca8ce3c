//! `Tally`: the smallest useful aggregate, used by the store's benchmark and regression tests;
//! `Note`: a minimal aggregate whose events carry a text, for the HTTP benchmark's bare side.
//!
//! It counts increments. Because its state is a number, a store that applies an event twice (the
//! cqrs-es 0.5.0 snapshot-store defect) shows up as a wrong count rather than as a subtle drift.

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TallyCommand {
    Increment {
        by: u64,
    },
    /// One increment per step, each decided on the count the ones before it left; refused at
    /// the first step that is zero or would overflow, after the earlier steps were applied to the
    /// state being decided on (what a store must never keep of a refused command).
    IncrementEach {
        steps: Vec<u64>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TallyEvent {
    Incremented { by: u64 },
}

impl DomainEvent for TallyEvent {
    fn event_type(&self) -> String {
        match self {
            Self::Incremented { .. } => "Incremented".into(),
        }
    }
    fn event_version(&self) -> String {
        "1".into()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TallyError {
    #[error("an increment must be at least 1")]
    ZeroIncrement,
    #[error("the tally would overflow")]
    Overflow,
}

impl Aggregate for Tally {
    const TYPE: &'static str = "tally";
    type Command = TallyCommand;
    type Event = TallyEvent;
    type Error = TallyError;
    type Services = ();

    async fn handle(
        &mut self,
        command: TallyCommand,
        _services: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), TallyError> {
        match command {
            TallyCommand::Increment { by: 0 } => Err(TallyError::ZeroIncrement),
            TallyCommand::Increment { by } => {
                self.count.checked_add(by).ok_or(TallyError::Overflow)?;
                sink.write(TallyEvent::Incremented { by }, self).await;
                Ok(())
            }
            TallyCommand::IncrementEach { steps } => {
                for by in steps {
                    if by == 0 {
                        return Err(TallyError::ZeroIncrement);
                    }
                    self.count.checked_add(by).ok_or(TallyError::Overflow)?;
                    sink.write(TallyEvent::Incremented { by }, self).await;
                }
                Ok(())
            }
        }
    }

    fn apply(&mut self, event: TallyEvent) {
        match event {
            TallyEvent::Incremented { by } => self.count += by,
        }
    }
}

/// `Note`: the bare framework's side of `articula bench http`: a command carries a text that
/// becomes one event, on a fresh stream (as registering an initiative starts one) or on a growing
/// one (as a reply joins a thread). It keeps no state beyond a count, as a minimal aggregate.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub written: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoteCommand {
    Write { text: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoteEvent {
    Written { text: String },
}

impl DomainEvent for NoteEvent {
    fn event_type(&self) -> String {
        "Written".into()
    }
    fn event_version(&self) -> String {
        "1".into()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NoteError {
    #[error("a note needs some text")]
    Empty,
}

impl Aggregate for Note {
    const TYPE: &'static str = "note";
    type Command = NoteCommand;
    type Event = NoteEvent;
    type Error = NoteError;
    type Services = ();

    async fn handle(
        &mut self,
        command: NoteCommand,
        _services: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), NoteError> {
        let NoteCommand::Write { text } = command;
        if text.is_empty() {
            return Err(NoteError::Empty);
        }
        sink.write(NoteEvent::Written { text }, self).await;
        Ok(())
    }

    fn apply(&mut self, event: NoteEvent) {
        match event {
            NoteEvent::Written { .. } => self.written += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cqrs_es::test::TestFramework;

    #[test]
    fn increments_are_recorded() {
        TestFramework::<Tally>::with(())
            .given(vec![TallyEvent::Incremented { by: 2 }])
            .when(TallyCommand::Increment { by: 3 })
            .then_expect_events(vec![TallyEvent::Incremented { by: 3 }]);
    }

    #[test]
    fn a_note_is_written_and_an_empty_one_refused() {
        let text = "x".repeat(300);
        TestFramework::<Note>::with(())
            .given(vec![NoteEvent::Written { text: "a".into() }])
            .when(NoteCommand::Write { text: text.clone() })
            .then_expect_events(vec![NoteEvent::Written { text }]);
        TestFramework::<Note>::with(())
            .given_no_previous_events()
            .when(NoteCommand::Write {
                text: String::new(),
            })
            .then_expect_error(NoteError::Empty);
    }

    #[test]
    fn a_zero_increment_is_refused() {
        TestFramework::<Tally>::with(())
            .given_no_previous_events()
            .when(TallyCommand::Increment { by: 0 })
            .then_expect_error(TallyError::ZeroIncrement);
    }

    #[test]
    fn increments_each_on_the_count_before_and_refuse_at_the_first_bad_step() {
        TestFramework::<Tally>::with(())
            .given(vec![TallyEvent::Incremented { by: 1 }])
            .when(TallyCommand::IncrementEach { steps: vec![2, 3] })
            .then_expect_events(vec![
                TallyEvent::Incremented { by: 2 },
                TallyEvent::Incremented { by: 3 },
            ]);
        TestFramework::<Tally>::with(())
            .given_no_previous_events()
            .when(TallyCommand::IncrementEach { steps: vec![5, 0] })
            .then_expect_error(TallyError::ZeroIncrement);
        TestFramework::<Tally>::with(())
            .given(vec![TallyEvent::Incremented { by: u64::MAX - 3 }])
            .when(TallyCommand::IncrementEach { steps: vec![2, 2] })
            .then_expect_error(TallyError::Overflow);
    }

    #[test]
    fn an_overflowing_increment_is_refused() {
        TestFramework::<Tally>::with(())
            .given(vec![TallyEvent::Incremented { by: u64::MAX }])
            .when(TallyCommand::Increment { by: 1 })
            .then_expect_error(TallyError::Overflow);
    }
}
