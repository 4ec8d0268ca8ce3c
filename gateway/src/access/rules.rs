//! Who may call which route: every route is registered together with its [`Access`] rule, and
//! the [`authorize`] layer (one of the API's, `crate::http::layers`) refuses any route that has
//! none (deny by default).

use std::collections::{HashMap, HashSet};

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use domain::actor::Role;
use utoipa::openapi::path::PathItem;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

use super::caller::{resolve_caller, Caller};
use super::recalled::Recalled;
use crate::app::Refusal;
use crate::http::layers::Rest;
use crate::http::HttpError;
use crate::state::AppState;

/// The route-level rule. Finer rights — a manager acting for *their* initiative, an account
/// changing *its own* settings — are decided after this, by the aggregate or the handler, and
/// answered with 403 as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// A signed-in account that holds at least one of these roles.
    AnyRole(&'static [Role]),
}

impl Access {
    /// Moderation is the moderators' own: an administrator who moderates holds both roles.
    pub const MODERATORS: Self = Self::AnyRole(&[Role::Moderator]);
    pub const AUDITORS: Self = Self::AnyRole(&[Role::Auditor, Role::Admin]);
    pub const ADMINS: Self = Self::AnyRole(&[Role::Admin]);

    /// Whether `caller` passes this rule: `Ok`, or the 401/403 to answer.
    pub fn admits(self, caller: &Caller) -> Result<(), Refusal> {
        match (self, caller) {
            (Self::Public, _) => Ok(()),
            (_, Caller::Visitor) => Err(Refusal::NotSignedIn(
                "sign in first: send `Authorization: Bearer <token>` (POST /v1/sessions gives one)"
                    .into(),
            )),
            (Self::SignedIn, Caller::Account(_)) => Ok(()),
            (Self::AnyRole(roles), Caller::Account(actor)) => {
                if roles.iter().any(|role| actor.has_role(*role)) {
                    Ok(())
                } else {
                    let names: Vec<String> = roles
                        .iter()
                        .map(|r| format!("{r:?}").to_lowercase())
                        .collect();
                    Err(Refusal::NotAllowed(format!(
                        "this needs the {} role",
                        names.join(" or ")
                    )))
                }
            }
        }
    }
}

/// The rule of every (method, route template) the API has, and which of them are commands.
#[derive(Debug, Default, Clone)]
pub struct AccessRules {
    rules: HashMap<(Method, String), Access>,
    /// The writes whose handlers only append as the caller ([`ApiRoutes::command`]): they may
    /// run under a recalled session ([`super::recalled`]).
    commands: HashSet<(Method, String)>,
}

impl AccessRules {
    pub fn get(&self, method: &Method, template: &str) -> Option<Access> {
        self.rules
            .get(&(method.clone(), template.to_string()))
            .copied()
    }

    /// Whether (`method`, `template`) is a command route ([`ApiRoutes::command`]).
    pub fn is_command(&self, method: &Method, template: &str) -> bool {
        self.commands
            .contains(&(method.clone(), template.to_string()))
    }

    /// The methods route `template` answers, sorted (`HEAD` wherever `GET` is, as axum answers
    /// it with the GET handler).
    pub fn methods_of(&self, template: &str) -> Vec<Method> {
        let mut methods: Vec<Method> = self
            .rules
            .keys()
            .filter(|(_, t)| t == template)
            .map(|(m, _)| m.clone())
            .collect();
        if methods.contains(&Method::GET) {
            methods.push(Method::HEAD);
        }
        methods.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        methods
    }

    /// Every (method, route template) with its rule, sorted.
    pub fn all(&self) -> Vec<(Method, String, Access)> {
        let mut all: Vec<_> = self
            .rules
            .iter()
            .map(|((m, p), a)| (m.clone(), p.clone(), *a))
            .collect();
        all.sort_by(|a, b| (&a.1, a.0.as_str()).cmp(&(&b.1, b.0.as_str())));
        all
    }
}

/// An OpenAPI router that records each route's access rule as the route is added, so that a
/// route cannot be documented and served without one.
pub struct ApiRoutes {
    router: OpenApiRouter<AppState>,
    rules: AccessRules,
}

impl Default for ApiRoutes {
    fn default() -> Self {
        Self::new()
    }
}

impl ApiRoutes {
    pub fn new() -> Self {
        Self {
            router: OpenApiRouter::new(),
            rules: AccessRules::default(),
        }
    }

    /// Adds the handlers of one `utoipa_axum::routes!(…)` under `access`.
    pub fn route(self, access: Access, routes: UtoipaMethodRouter<AppState>) -> Self {
        self.add(access, routes, false)
    }

    /// [`Self::route`] for commands: handlers that take [`crate::http::command::Acting`], decide
    /// and append as the caller, and write nothing before their first append (a moderator's
    /// decision ends the claim on the item after it). Only these may run under a recalled
    /// session, whose check is their first append ([`super::recalled`]).
    pub fn command(self, access: Access, routes: UtoipaMethodRouter<AppState>) -> Self {
        self.add(access, routes, true)
    }

    fn add(mut self, access: Access, routes: UtoipaMethodRouter<AppState>, command: bool) -> Self {
        for (path, item) in routes.1.paths.iter() {
            for method in methods_of(item) {
                if command {
                    self.rules.commands.insert((method.clone(), path.clone()));
                }
                self.rules.rules.insert((method, path.clone()), access);
            }
        }
        self.router = self.router.routes(routes);
        self
    }

    pub fn merge(mut self, other: ApiRoutes) -> Self {
        self.rules.rules.extend(other.rules.rules);
        self.rules.commands.extend(other.rules.commands);
        self.router = self.router.merge(other.router);
        self
    }

    pub fn into_parts(self) -> (OpenApiRouter<AppState>, AccessRules) {
        (self.router, self.rules)
    }
}

fn methods_of(item: &PathItem) -> Vec<Method> {
    [
        (item.get.is_some(), Method::GET),
        (item.post.is_some(), Method::POST),
        (item.put.is_some(), Method::PUT),
        (item.patch.is_some(), Method::PATCH),
        (item.delete.is_some(), Method::DELETE),
        (item.head.is_some(), Method::HEAD),
        (item.options.is_some(), Method::OPTIONS),
        (item.trace.is_some(), Method::TRACE),
    ]
    .into_iter()
    .filter_map(|(present, method)| present.then_some(method))
    .collect()
}

/// Resolves the caller from the bearer token, applies the route's rule (refusing routes without
/// one), limits writes per account, and hands the [`Caller`] to the handler. A write whose
/// session was read lately runs under it unread, checked by its append
/// ([`super::recalled`]).
pub async fn authorize(
    state: &AppState,
    rules: &AccessRules,
    mut request: Request,
    next: impl Rest,
) -> Response {
    let Some(template) = request.extensions().get::<MatchedPath>().cloned() else {
        // Unrouted requests reach the fallback (404), which reveals nothing.
        return next.run(request).await;
    };
    let method = request.method().clone();
    // axum answers HEAD with the GET handler, so it is governed by the GET rule.
    let rule_method = if method == Method::HEAD {
        Method::GET
    } else {
        method.clone()
    };
    let Some(access) = rules.get(&rule_method, template.as_str()) else {
        let allowed = rules.methods_of(template.as_str());
        if !allowed.is_empty() {
            // A method the route lacks (OPTIONS included): the client's mistake, not ours.
            return HttpError::MethodNotAllowed(allowed).into_response();
        }
        tracing::error!(%method, route = template.as_str(), "route has no access rule; refused");
        return Refusal::NotAllowed("this route is not open to anyone yet".into()).into_response();
    };
    let authenticating = std::time::Instant::now();
    if rules.is_command(&method, template.as_str()) {
        if let Some(recalled) = Recalled::of(state, &method, request.headers()) {
            // Boxed, as a keyed write is (`http::idempotency`): only writes carry its states.
            let run = super::recalled::run(access, recalled, request, next, authenticating);
            return Box::pin(run).await;
        }
    }
    let caller = match resolve_caller(state, request.headers()).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let authenticated = crate::metrics::Authenticated(authenticating.elapsed());
    if let Err(error) = access.admits(&caller) {
        return error.into_response();
    }
    if let Caller::Account(actor) = &caller {
        let writes = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
        if writes {
            if let Err(error) = state.limits.check_write(actor.account) {
                return error.into_response();
            }
        }
    }
    request.extensions_mut().insert(caller);
    let mut response = next.run(request).await;
    response.extensions_mut().insert(authenticated);
    response
}
