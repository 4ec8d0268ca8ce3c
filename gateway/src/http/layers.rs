//! What every API route runs around its handler, in one middleware: metrics, then the access
//! check, then `Idempotency-Key`, then read-your-writes.
//!
//! Each of the four was an axum `from_fn` route layer of its own. A route's stack of layers is
//! cloned and dropped on every request, each layer boxes its future and hands the request on
//! through a boxed service, and a profile of `GET /health` under `wrk` put about 3.5% of the
//! server's samples in each level of that nesting (docs/benchmarks.md, twenty-eighth session).
//! Here they run as plain async functions, one inside the other, under a single `from_fn`: one
//! clone, one box; measured, about 1 µs less of the server's user CPU per request to `/health`
//! (docs/benchmarks.md, thirtieth session). Each still lives in its own module
//! ([`crate::metrics::timed`], [`crate::access::authorize`], [`super::idempotency::idempotent`],
//! [`super::reading::read_your_writes`]), and hands the request on to a [`Rest`].

use std::future::Future;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::access::AccessRules;
use crate::state::AppState;

/// The rest of a request's way to its handler: the layers inside the one running, and then the
/// handler. As axum's [`Next`] is, without a box for each layer. Cloned when a request may run
/// twice (a write under a recalled session whose check fails), and `'static` because a keyed
/// write runs on a task of its own.
pub trait Rest: Clone + Send + 'static {
    fn run(self, request: Request) -> impl Future<Output = Response> + Send + 'static;
}

impl Rest for Next {
    fn run(self, request: Request) -> impl Future<Output = Response> + Send + 'static {
        Next::run(self, request)
    }
}

/// The state the API's layers read, given to their middleware.
#[derive(Clone)]
pub struct ApiLayers {
    state: AppState,
    rules: Arc<AccessRules>,
}

impl ApiLayers {
    pub fn new(state: AppState, rules: AccessRules) -> Self {
        Self {
            state,
            rules: Arc::new(rules),
        }
    }
}

/// The middleware: the four layers, outermost first, then the route's handler.
pub async fn around_route(
    State(layers): State<ApiLayers>,
    request: Request,
    next: Next,
) -> Response {
    let metrics = layers.state.metrics.clone();
    crate::metrics::timed(&metrics, request, Authorized { layers, next }).await
}

/// The access check, and what comes after it.
#[derive(Clone)]
struct Authorized {
    layers: ApiLayers,
    next: Next,
}

impl Rest for Authorized {
    async fn run(self, request: Request) -> Response {
        let Authorized { layers, next } = self;
        let state = layers.state.clone();
        let rest = Keyed {
            state: state.clone(),
            rest: WaitingForReads { state, next },
        };
        crate::access::authorize(&layers.state, &layers.rules, request, rest).await
    }
}

/// `Idempotency-Key`, and what comes after it.
#[derive(Clone)]
struct Keyed<R> {
    state: AppState,
    rest: R,
}

impl<R: Rest> Rest for Keyed<R> {
    async fn run(self, request: Request) -> Response {
        super::idempotency::idempotent(&self.state, request, self.rest).await
    }
}

/// The handler, whose answer to a write then waits for this instance's read models.
#[derive(Clone)]
struct WaitingForReads {
    state: AppState,
    next: Next,
}

impl Rest for WaitingForReads {
    async fn run(self, request: Request) -> Response {
        let response = self.next.run(request).await;
        super::reading::read_your_writes(&self.state, response).await
    }
}
