//! Routes of `gateway/src/http/publications.rs`.

use super::{Caller, Fixture, Request, Who};

pub fn expectation(method: &str, template: &str) -> Option<Who> {
    let _ = (method, template);
    None
}

pub async fn request(f: &Fixture, method: &str, template: &str, caller: Caller) -> Option<Request> {
    let _ = (f, caller);
    expectation(method, template)?;
    None
}
