//! Accounts and the two small aggregates that guard platform-wide rules about them.
//!
//! - [`Account`] (`"account"`, one stream per [`AccountId`](crate::values::AccountId)): a person's
//!   sign-in, roles, language and sealed personal data. Lifecycle:
//!   `unregistered → active` (self sign-up) or `unregistered → pending activation → active`
//!   (invited by an administrator, who sets no password); any registered state `→ erased`
//!   (final: roles and sealed data are dropped, every later command is refused).
//! - [`AdminRoster`] (`"admin_roster"`, a single stream [`ADMIN_ROSTER_ID`]): who the
//!   administrators are. It exists so that "there is always at least one administrator" is
//!   guarded by optimistic concurrency on one stream: the gateway appends the roster event and
//!   the account's `RoleGranted`/`RoleRevoked` (or `AccountErased`) in one transaction.
//! - [`EmailClaim`] (`"email_claim"`, stream id = the [`EmailDigest`](crate::values::EmailDigest)
//!   hex): which account holds an email address, so that two accounts never share one. The
//!   gateway claims before registering or inviting, and releases after erasing.
//!
//! Personal data never appears in clear: commands carry it sealed by the store's vault, and the
//! password only as its sealed argon2 hash. The rules are in `decide.rs` (callable directly, as
//! for initiatives); `handle` only connects them to cqrs-es.
//!
//! Who may do what: an account acts as an [`Actor`](crate::actor::Actor); administrative
//! commands (`Invite`, `GrantRole`, `RevokeRole`, `Erase`) carry an [`Authority`], which is
//! either an actor (who must hold the admin role) or the system (the `articula admin` CLI,
//! always allowed). The events record the resulting [`Grantor`].

mod commands;
mod decide;
mod email_claim;
mod error;
mod events;
mod notifications;
mod roster;
mod state;
#[cfg(test)]
mod tests;

pub use commands::{AccountCommand, Authority};
pub use email_claim::{EmailClaim, EmailClaimCommand, EmailClaimError, EmailClaimEvent};
pub use error::AccountError;
pub use events::{AccountEvent, Grantor};
pub use notifications::NotificationKind;
pub use roster::{
    AdminRoster, AdminRosterCommand, AdminRosterError, AdminRosterEvent, ADMIN_ROSTER_ID,
};
pub use state::{Account, AccountStatus};

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;

impl Aggregate for Account {
    const TYPE: &'static str = "account";
    type Command = AccountCommand;
    type Event = AccountEvent;
    type Error = AccountError;
    type Services = ();

    async fn handle(
        &mut self,
        command: AccountCommand,
        _services: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), AccountError> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: AccountEvent) {
        self.apply_event(event);
    }
}
