//! Who is calling: a visitor, or a signed-in account with its current roles.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use domain::actor::Actor;
use store::SessionCheck;

pub use super::recalled::Recalled;
use crate::app::Refusal;
use crate::state::AppState;

/// The caller of a request, as resolved by the [`super::authorize`] layer.
#[derive(Debug, Clone)]
pub enum Caller {
    Visitor,
    Account(Actor),
}

impl Caller {
    pub fn actor(&self) -> Option<&Actor> {
        match self {
            Self::Visitor => None,
            Self::Account(actor) => Some(actor),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Refusal;

    /// The caller the access check resolved. A write running under a recalled session
    /// ([`Recalled`]) has its session read here first: a handler that asks who calls may do
    /// more than append, so it gets a caller as checked as any other request's.
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Refusal> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let Some(recalled) = parts.extensions.get::<Recalled>().cloned() else {
            return Err(Refusal::internal(
                "the route was reached without its access check",
            ));
        };
        let caller = recalled.check(&parts.headers).await?;
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

/// A signed-in caller; extracting it from a visitor's request answers 401.
#[derive(Debug, Clone)]
pub struct SignedIn(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        match Caller::from_request_parts(parts, state).await? {
            Caller::Account(actor) => Ok(Self(actor)),
            Caller::Visitor => Err(Refusal::NotSignedIn("sign in first".into())),
        }
    }
}

/// The bearer token of a request, if it sent one. A malformed `Authorization` header is an
/// error, not a visitor: the client meant to sign in and should hear why it did not work.
pub fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, Refusal> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed =
        || Refusal::NotSignedIn("the Authorization header must be `Bearer <token>`".into());
    let value = value.to_str().map_err(|_| malformed())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(malformed());
    }
    Ok(Some(token.trim()))
}

/// Resolves the caller: no token is a visitor; a token must be live and its account active.
pub async fn resolve_caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, Refusal> {
    Ok(resolve_session(state, headers).await?.caller)
}

/// A caller as resolved from its session, with the account stream's version read with it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub caller: Caller,
    /// `None` for a visitor.
    pub account_version: Option<usize>,
}

/// [`resolve_caller`], also telling the account's version.
pub async fn resolve_session(state: &AppState, headers: &HeaderMap) -> Result<Resolved, Refusal> {
    let Some(token) = bearer_token(headers)? else {
        return Ok(Resolved {
            caller: Caller::Visitor,
            account_version: None,
        });
    };
    // Boxed: the session's lookup is large, and a visitor's request would carry room for it.
    let checked = Box::pin(state.accounts.sessions().authenticate(token)).await?;
    let (account, version) = match checked {
        SessionCheck::Valid {
            account,
            account_version,
            ..
        } => (account, account_version),
        SessionCheck::Unknown => {
            return Err(Refusal::NotSignedIn(
                "this token is not recognised; sign in again".into(),
            ))
        }
        SessionCheck::Expired => {
            return Err(Refusal::NotSignedIn(
                "your session has expired; sign in again".into(),
            ))
        }
        SessionCheck::Revoked => {
            return Err(Refusal::NotSignedIn(
                "this token was signed out or revoked; sign in again".into(),
            ))
        }
    };
    let actor = state.accounts.actor(account, version).await?;
    Ok(Resolved {
        caller: Caller::Account(actor),
        account_version: Some(version),
    })
}
