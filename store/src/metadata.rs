use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who caused an event. Stored as a string in event metadata: an account id, `anonymous`, or
/// `system:<what>` for work the platform does itself (seeding, imports, scheduled flags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum ActorRef {
    Account(Uuid),
    Anonymous,
    System(String),
}

impl fmt::Display for ActorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Account(id) => write!(f, "{id}"),
            Self::Anonymous => f.write_str("anonymous"),
            Self::System(what) => write!(f, "system:{what}"),
        }
    }
}

impl From<ActorRef> for String {
    fn from(actor: ActorRef) -> Self {
        actor.to_string()
    }
}

impl TryFrom<String> for ActorRef {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        if text == "anonymous" {
            return Ok(Self::Anonymous);
        }
        if let Some(what) = text.strip_prefix("system:") {
            if what.is_empty() {
                return Err("a system actor needs a name after `system:`".into());
            }
            return Ok(Self::System(what.to_string()));
        }
        Uuid::parse_str(&text)
            .map(Self::Account)
            .map_err(|_| format!("`{text}` is not an account id, `anonymous` or `system:<what>`"))
    }
}

/// The metadata every event carries: who, through which request, as part of what, by which
/// command and from which client. The time is the `recorded_at` column, set by the database.
/// Nothing here is personal data: actors are account ids, never names or emails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    pub actor: ActorRef,
    pub request_id: String,
    pub correlation_id: String,
    pub causation_id: String,
    pub command: String,
    pub client: String,
    /// The request's idempotency key, marked committed by the append in the same statement as
    /// the events (see [`crate::Idempotency`]). Not stored in the events.
    #[serde(skip)]
    pub idempotency: Option<crate::IdempotentWrite>,
    /// The recalled session the request runs under, which its first append checks in the same
    /// statement as the events (see [`crate::SessionGuard`]). Not stored in the events.
    #[serde(skip)]
    pub session: Option<crate::SessionGuard>,
}

impl EventMetadata {
    /// Metadata for work the platform starts itself (no request): the ids are fresh and the
    /// correlation and causation both point at the new request id.
    pub fn system(what: &str, command: &str) -> Self {
        let id = Uuid::now_v7().to_string();
        Self {
            actor: ActorRef::System(what.to_string()),
            request_id: id.clone(),
            correlation_id: id.clone(),
            causation_id: id,
            command: command.to_string(),
            client: format!("articula/{}", env!("CARGO_PKG_VERSION")),
            idempotency: None,
            session: None,
        }
    }

    pub fn into_map(self) -> HashMap<String, String> {
        HashMap::from([
            ("actor".to_string(), self.actor.to_string()),
            ("request_id".to_string(), self.request_id),
            ("correlation_id".to_string(), self.correlation_id),
            ("causation_id".to_string(), self.causation_id),
            ("command".to_string(), self.command),
            ("client".to_string(), self.client),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_round_trip_through_text() {
        for actor in [
            ActorRef::Account(Uuid::now_v7()),
            ActorRef::Anonymous,
            ActorRef::System("seed".into()),
        ] {
            assert_eq!(ActorRef::try_from(actor.to_string()), Ok(actor));
        }
        assert!(ActorRef::try_from("system:".to_string()).is_err());
        assert!(ActorRef::try_from("alice".to_string()).is_err());
    }

    #[test]
    fn metadata_names_every_field() {
        let map = EventMetadata::system("seed", "SubmitInitiative").into_map();
        for key in [
            "actor",
            "request_id",
            "correlation_id",
            "causation_id",
            "command",
            "client",
        ] {
            assert!(map.contains_key(key), "missing {key}");
        }
        assert_eq!(map["actor"], "system:seed");
    }
}
