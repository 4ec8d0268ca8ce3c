//! Given/when/then tests for every publication command path, with shared fixtures here.

mod gatherings;
mod lifecycle;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::actor::Actor;

pub(super) type Cmd = PublicationCommand;
pub(super) type Ev = PublicationEvent;
pub(super) type Error = PublicationError;

pub(super) const AUTHOR: u128 = 1;
pub(super) const MODERATOR: u128 = 2;
pub(super) const OTHER: u128 = 3;

pub(super) fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap()
}
pub(super) fn account(n: u128) -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(n))
}
pub(super) fn publication_id() -> PublicationId {
    PublicationId::from_uuid(Uuid::from_u128(500))
}
pub(super) fn author() -> Actor {
    Actor::member(account(AUTHOR))
}
pub(super) fn moderator() -> Actor {
    Actor::moderator(account(MODERATOR))
}
pub(super) fn reason(s: &str) -> Reason {
    Reason::new(s).unwrap()
}
pub(super) fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
}

pub(super) fn news(title: &str) -> PublicationContent {
    PublicationContent {
        title: Title::new(title).unwrap(),
        summary: Description::new("Nueva convocatoria regional.").unwrap(),
        link: Some(Website::new("https://www.cepal.org/es").unwrap()),
        kind: Kind::News,
        language: None,
        topic: None,
        format: None,
    }
}

pub(super) fn gathering(g: Gathering) -> PublicationContent {
    PublicationContent {
        title: Title::new("Encuentro de clusters").unwrap(),
        summary: Description::new("").unwrap(),
        link: None,
        kind: Kind::Gathering(g),
        language: None,
        topic: None,
        format: None,
    }
}

/// Two days in Santiago, in person.
pub(super) fn santiago() -> Gathering {
    Gathering {
        starts_at: local(2024, 10, 1, 9, 0),
        ends_at: local(2024, 10, 2, 18, 0),
        time_zone: IanaTimeZone::new("America/Santiago").unwrap(),
        place: Some(Place::new("Edificio CEPAL, Vitacura").unwrap()),
        online_link: None,
    }
}

pub(super) fn framework() -> TestFramework<Publication> {
    TestFramework::with(())
}

pub(super) fn submitted(content: PublicationContent) -> Ev {
    Ev::PublicationSubmitted {
        publication_id: publication_id(),
        author: account(AUTHOR),
        content,
        at: at(),
    }
}
pub(super) fn approved() -> Ev {
    Ev::PublicationApproved {
        approved_by: account(MODERATOR),
        at: at(),
    }
}
pub(super) fn rejected() -> Ev {
    Ev::PublicationRejected {
        rejected_by: account(MODERATOR),
        reason: reason("Fuera de tema"),
        at: at(),
    }
}
pub(super) fn withdrawn() -> Ev {
    Ev::PublicationWithdrawn {
        withdrawn_by: account(AUTHOR),
        at: at(),
    }
}

pub(super) fn not_allowed(action: &'static str, who: &'static str) -> Error {
    Error::NotAllowed { action, who }
}
pub(super) fn conflict(action: &'static str, current: PublicationStatus) -> Error {
    Error::InvalidTransition { action, current }
}
