//! Routes of the audit API (`gateway/src/http/audit/`): auditors and administrators only. The
//! requests are valid (an existing stream, a projection that exists), so that an admitted caller
//! is answered 200 and everyone else is refused by the route's rule, not by the handler.

use super::{Caller, Fixture, Request, Who};

pub fn expectation(method: &str, template: &str) -> Option<Who> {
    match (method, template) {
        (
            "GET",
            "/v1/audit/events"
            | "/v1/audit/streams/{type}/{id}"
            | "/v1/audit/projections/{name}/verify"
            | "/v1/audit/verify",
        ) => Some(Who::Auditors),
        _ => None,
    }
}

pub async fn request(f: &Fixture, method: &str, template: &str, _: Caller) -> Option<Request> {
    let path = match (method, template) {
        ("GET", "/v1/audit/events" | "/v1/audit/verify") => template.to_string(),
        ("GET", "/v1/audit/streams/{type}/{id}") => {
            format!("/v1/audit/streams/initiative/{}", f.this_initiative)
        }
        ("GET", "/v1/audit/projections/{name}/verify") => {
            "/v1/audit/projections/event_counts/verify".to_string()
        }
        _ => return None,
    };
    Some((path, None))
}
