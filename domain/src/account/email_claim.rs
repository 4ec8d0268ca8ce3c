//! The EmailClaim aggregate: which account holds an email address. One stream per address, its
//! id the [`EmailDigest`](crate::values::EmailDigest) hex, so the log enforces "one account per
//! email" by optimistic concurrency without ever holding the address.

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::values::AccountId;

/// The claim on one address. Fields are private: it changes only through events.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailClaim {
    holder: Option<AccountId>,
}

impl EmailClaim {
    /// The account holding the address, if any.
    pub fn holder(&self) -> Option<AccountId> {
        self.holder
    }
    pub fn is_claimed(&self) -> bool {
        self.holder.is_some()
    }

    /// Decides a command without touching the state.
    pub fn decide(
        &self,
        command: EmailClaimCommand,
    ) -> Result<Vec<EmailClaimEvent>, EmailClaimError> {
        match command {
            EmailClaimCommand::Claim { account } => {
                if self.is_claimed() {
                    return Err(EmailClaimError::Taken);
                }
                Ok(vec![EmailClaimEvent::EmailClaimed { account }])
            }
            EmailClaimCommand::Release { account } => {
                if self.holder != Some(account) {
                    return Err(EmailClaimError::NotHolder);
                }
                Ok(vec![EmailClaimEvent::EmailReleased { account }])
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailClaimCommand {
    /// Take the address for an account being registered or invited.
    Claim { account: AccountId },
    /// Give the address up (when its account is erased), so that it can register again.
    Release { account: AccountId },
}

/// Past tense; stored forever (names and fields frozen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailClaimEvent {
    EmailClaimed { account: AccountId },
    EmailReleased { account: AccountId },
}

impl EmailClaimEvent {
    pub const TYPES: &'static [&'static str] = &["EmailClaimed", "EmailReleased"];
}

impl DomainEvent for EmailClaimEvent {
    fn event_type(&self) -> String {
        match self {
            Self::EmailClaimed { .. } => "EmailClaimed",
            Self::EmailReleased { .. } => "EmailReleased",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}

/// Why a claim was refused. `Taken` is a conflict with an existing account (HTTP 409);
/// `NotHolder` is a request that does not fit the claim (also 409: reload and rethink).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailClaimError {
    #[error("an account with this email already exists; sign in or use another address")]
    Taken,
    #[error("this email address is not held by this account, so it cannot be released")]
    NotHolder,
}

impl Aggregate for EmailClaim {
    const TYPE: &'static str = "email_claim";
    type Command = EmailClaimCommand;
    type Event = EmailClaimEvent;
    type Error = EmailClaimError;
    type Services = ();

    async fn handle(
        &mut self,
        command: EmailClaimCommand,
        _services: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), EmailClaimError> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: EmailClaimEvent) {
        match event {
            EmailClaimEvent::EmailClaimed { account } => self.holder = Some(account),
            EmailClaimEvent::EmailReleased { .. } => self.holder = None,
        }
    }
}
