//! The Initiative aggregate: a cluster initiative, business network, local productive project,
//! supplier development programme or productive chain programme, as shown on the map.
//!
//! Lifecycle: registered (submitted) → approved | rejected(reason); rejected → resubmitted.
//! While approved, changes to name, kind, country, region or location wait for a moderator (one
//! pending change at a time) and other fields apply at once. Managers come and go (at least one
//! always remains; members may ask to become one). A manager re-confirms the data; 18 months
//! without confirmation make it stale. Retirement is final.
//!
//! Rules live in `decide.rs`, state changes in `state.rs`; `handle` only connects them to
//! cqrs-es, so the rules can also be called directly (e.g. by a dry-run endpoint).

mod commands;
mod decide;
mod error;
mod events;
mod outline;
mod profile;
#[cfg(test)]
mod profile_serde_tests;
mod state;
#[cfg(test)]
mod tests;

pub use commands::InitiativeCommand;
pub use error::InitiativeError;
pub use events::InitiativeEvent;
pub use outline::{InitiativeOutline, ProfileOutline};
pub use profile::{Profile, ProfileChanges};
pub use state::{Initiative, InitiativeStatus, PendingChange, STALE_AFTER_MONTHS};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;

impl Aggregate for Initiative {
    const TYPE: &'static str = "initiative";
    type Command = InitiativeCommand;
    type Event = InitiativeEvent;
    type Error = InitiativeError;
    type Services = ();

    async fn handle(
        &mut self,
        command: InitiativeCommand,
        _services: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), InitiativeError> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: InitiativeEvent) {
        self.apply_event(event);
    }
}
