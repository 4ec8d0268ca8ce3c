//! Writes under a recalled session: the session read travels with the first append.
//!
//! A signed-in request reads its session and its account's version before anything else
//! ([`super::caller::resolve_session`]), a round trip to the database on every write. A write
//! whose session this process read valid a moment ago, and whose account it holds at that
//! version, skips the read: it runs as that account, and its first append checks the session in
//! the same statement as its events (`store::SessionGuard`), writing nothing if it has ended or
//! the account has changed. Whatever the request did, its answer is kept only once the session
//! is known good:
//!
//! * an append found it live and the account unchanged: the answer stands;
//! * nothing checked it (the request was refused, or wrote nothing): it is read now, as for any
//!   request; ended, the answer is a 401; the account changed since, the request runs again as
//!   the account now is;
//! * the append found it ended or the account changed (nothing written): it is read now and the
//!   request refused or run again.
//!
//! Only command routes are run so ([`super::ApiRoutes::command`]: their handlers decide and append
//! as the caller, through [`crate::http::command::Acting`], and write nothing before their first
//! append), so that nothing is written before a checked append. Should such a handler also ask who calls
//! ([`Caller`], [`super::SignedIn`]), the session is read for it first. Requests with an
//! `Idempotency-Key` are never recalled: the key's record of an answer must be of an answer that
//! stands. Nor are reads.

use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use domain::actor::Actor;
use store::{GuardState, SessionGuard};

use super::caller::{bearer_token, resolve_session, Caller, Resolved};
use super::rules::Access;
use crate::app::Refusal;
use crate::http::idempotency::IDEMPOTENCY_KEY;
use crate::http::layers::Rest;
use crate::metrics::Authenticated;
use crate::state::AppState;

/// A write running as a recalled session's account, until its session is checked.
#[derive(Clone)]
pub struct Recalled {
    pub actor: Actor,
    pub guard: SessionGuard,
    state: AppState,
}

impl Recalled {
    /// A write's recalled session, when it may run under one (see the module above).
    pub fn of(state: &AppState, method: &Method, headers: &HeaderMap) -> Option<Self> {
        let reads = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
        if reads || headers.contains_key(IDEMPOTENCY_KEY) {
            return None;
        }
        let token = bearer_token(headers).ok()??;
        let guard = state.accounts.sessions().recall(token)?;
        let actor = state
            .accounts
            .cached_actor(guard.account(), guard.account_version())?;
        Some(Self {
            actor,
            guard,
            state: state.clone(),
        })
    }

    /// Reads the session now, and settles the guard: verified if the account is the one
    /// recalled at the same version, refused otherwise (the caller returned is then the
    /// account as it is now, and an append under the guard writes nothing).
    pub async fn check(&self, headers: &HeaderMap) -> Result<Caller, Refusal> {
        let resolved = match resolve_session(&self.state, headers).await {
            Ok(resolved) => resolved,
            Err(refusal) => {
                self.guard.settle(false);
                return Err(refusal);
            }
        };
        self.guard.settle(is_recalled(&self.guard, &resolved));
        Ok(resolved.caller)
    }
}

/// Whether the session as just read is the one recalled: the same account, at the same version.
fn is_recalled(guard: &SessionGuard, resolved: &Resolved) -> bool {
    matches!(&resolved.caller, Caller::Account(actor) if actor.account == guard.account())
        && resolved.account_version == Some(guard.account_version())
}

/// Runs `request` as `recalled`'s account under `access`, and keeps its answer only once the
/// session is known good (see the module above). Its body is read first, so that the request
/// can run again.
pub async fn run(
    access: Access,
    recalled: Recalled,
    request: Request,
    next: impl Rest,
    started: Instant,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = match Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    let guard = recalled.guard.clone();
    let state = recalled.state.clone();
    let caller = Caller::Account(recalled.actor.clone());
    let first = match admitted(access, &caller, &state, true) {
        Err(refusal) => refusal.into_response(),
        Ok(()) => {
            let request = (parts.clone(), body.clone());
            run_as(
                As::Recalled(recalled),
                request,
                next.clone(),
                started.elapsed(),
            )
            .await
        }
    };
    if guard.state() == GuardState::Verified {
        state.metrics.count_recalled("verified");
        return first;
    }
    let checking = Instant::now();
    let resolved = match resolve_session(&state, &parts.headers).await {
        Ok(resolved) => resolved,
        Err(refusal) => {
            state.metrics.count_recalled("refused");
            return refusal.into_response();
        }
    };
    let unchanged = guard.state() == GuardState::Unchecked && is_recalled(&guard, &resolved);
    if unchanged {
        state.metrics.count_recalled("checked");
        return first;
    }
    state.metrics.count_recalled("ran_again");
    // Nothing was written: the first append, which would have written, found the session
    // changed, or there was none. The write was counted against the account's limit once.
    match admitted(access, &resolved.caller, &state, false) {
        Err(refusal) => refusal.into_response(),
        Ok(()) => {
            let checked = As::Checked(resolved.caller);
            run_as(checked, (parts, body), next, checking.elapsed()).await
        }
    }
}

/// Whom a request runs as.
enum As {
    /// The recalled account: the handler finds [`Recalled`], not a [`Caller`].
    Recalled(Recalled),
    /// A caller whose session was read.
    Checked(Caller),
}

/// `access` applied to `caller`, and the write counted against the account's limit if `count`.
fn admitted(access: Access, caller: &Caller, state: &AppState, count: bool) -> Result<(), Refusal> {
    access.admits(caller)?;
    match caller {
        Caller::Account(actor) if count => state.limits.check_write(actor.account),
        _ => Ok(()),
    }
}

async fn run_as(
    who: As,
    (parts, body): (Parts, Bytes),
    next: impl Rest,
    took: Duration,
) -> Response {
    let mut request = Request::from_parts(parts, Body::from(body));
    match who {
        As::Recalled(recalled) => {
            request.extensions_mut().insert(recalled);
        }
        As::Checked(caller) => {
            request.extensions_mut().insert(caller);
        }
    }
    let mut response = next.run(request).await;
    response.extensions_mut().insert(Authenticated(took));
    response
}
