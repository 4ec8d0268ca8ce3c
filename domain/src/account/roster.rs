//! The AdminRoster aggregate: the set of administrators, in one stream ([`ADMIN_ROSTER_ID`]).
//!
//! It holds no rights of its own (the gateway only sends it commands that the account's
//! `GrantRole`/`RevokeRole`/`Erase` allowed, in the same transaction); it exists so that two
//! administrators removing each other at the same time conflict on this one stream instead of
//! both succeeding and leaving the platform with none.

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use crate::values::AccountId;

/// The id of the one roster stream.
pub const ADMIN_ROSTER_ID: &str = "admins";

/// The administrators. Fields are private: it changes only through events.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminRoster {
    admins: BTreeSet<AccountId>,
}

impl AdminRoster {
    pub fn admins(&self) -> &BTreeSet<AccountId> {
        &self.admins
    }
    pub fn is_admin(&self, account: AccountId) -> bool {
        self.admins.contains(&account)
    }

    /// Decides a command without touching the state.
    pub fn decide(
        &self,
        command: AdminRosterCommand,
    ) -> Result<Vec<AdminRosterEvent>, AdminRosterError> {
        match command {
            AdminRosterCommand::Add { account } => {
                if self.is_admin(account) {
                    return Err(AdminRosterError::AlreadyAdmin);
                }
                Ok(vec![AdminRosterEvent::AdminAdded { account }])
            }
            AdminRosterCommand::Remove { account } => {
                if !self.is_admin(account) {
                    return Err(AdminRosterError::NotAdmin);
                }
                if self.admins.len() == 1 {
                    return Err(AdminRosterError::LastAdmin);
                }
                Ok(vec![AdminRosterEvent::AdminRemoved { account }])
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdminRosterCommand {
    Add { account: AccountId },
    Remove { account: AccountId },
}

/// Past tense; stored forever (names and fields frozen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdminRosterEvent {
    AdminAdded { account: AccountId },
    AdminRemoved { account: AccountId },
}

impl AdminRosterEvent {
    pub const TYPES: &'static [&'static str] = &["AdminAdded", "AdminRemoved"];
}

impl DomainEvent for AdminRosterEvent {
    fn event_type(&self) -> String {
        match self {
            Self::AdminAdded { .. } => "AdminAdded",
            Self::AdminRemoved { .. } => "AdminRemoved",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}

/// Why the roster refused. All three are business-rule refusals (HTTP 422); `LastAdmin` is the
/// one a person is likely to meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AdminRosterError {
    #[error("this account is already an administrator")]
    AlreadyAdmin,
    #[error("this account is not an administrator")]
    NotAdmin,
    #[error(
        "the last administrator cannot be removed; grant the admin role to someone else first"
    )]
    LastAdmin,
}

impl Aggregate for AdminRoster {
    const TYPE: &'static str = "admin_roster";
    type Command = AdminRosterCommand;
    type Event = AdminRosterEvent;
    type Error = AdminRosterError;
    type Services = ();

    async fn handle(
        &mut self,
        command: AdminRosterCommand,
        _services: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), AdminRosterError> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: AdminRosterEvent) {
        match event {
            AdminRosterEvent::AdminAdded { account } => {
                self.admins.insert(account);
            }
            AdminRosterEvent::AdminRemoved { account } => {
                self.admins.remove(&account);
            }
        }
    }
}
