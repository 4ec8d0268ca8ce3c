//! What every operation of the OpenAPI document answers besides its own outcomes, added from
//! the access rules and the operation's shape rather than written into each handler's
//! annotation (where one would be forgotten): 401 wherever a token may be sent (a public read
//! sent with a revoked token is refused too), 403 where a role is needed, 429 on signed-in
//! writes, 400/413/415 on a JSON body, 400 on query parameters, 400/412 with `If-Match`, 503
//! with `min_position`. Public operations take the bearer token as optional.

use axum::http::Method;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

use crate::access::{Access, AccessRules};

/// Adds the answers every operation may give to `openapi`, from each one's access rule.
pub fn complete(openapi: &mut OpenApi, rules: &AccessRules) {
    for (path, item) in openapi.paths.paths.iter_mut() {
        let operations = [
            (Method::GET, &mut item.get),
            (Method::POST, &mut item.post),
            (Method::PUT, &mut item.put),
            (Method::PATCH, &mut item.patch),
            (Method::DELETE, &mut item.delete),
        ];
        for (method, operation) in operations {
            if let Some(operation) = operation.as_mut() {
                let access = rules.get(&method, path).unwrap_or(Access::Public);
                complete_operation(operation, &method, access);
            }
        }
    }
}

fn complete_operation(operation: &mut Operation, method: &Method, access: Access) {
    let public = access == Access::Public;
    if public {
        // No token is needed, but one may be sent (and is then checked).
        operation.security = Some(vec![
            SecurityRequirement::default(),
            SecurityRequirement::new("bearer", Vec::<String>::new()),
        ]);
        add(
            operation,
            "401",
            "A token was sent, but it is malformed, unknown, expired or revoked",
        );
    } else {
        operation.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
        add(
            operation,
            "401",
            "Not signed in, or the token is malformed, unknown, expired or revoked",
        );
    }
    if let Access::AnyRole(_) = access {
        add(operation, "403", "Signed in without the role this needs");
    }
    let writes = !matches!(*method, Method::GET | Method::HEAD);
    if writes && !public {
        add(
            operation,
            "429",
            "Too many changes from this account in a short time; see Retry-After",
        );
    }
    if operation.request_body.is_some() {
        add(
            operation,
            "400",
            "The body is malformed or a field is invalid",
        );
        add(
            operation,
            "413",
            "The body is larger than the server accepts",
        );
        add(operation, "415", "The body is not sent as application/json");
    }
    let parameters = operation.parameters.clone().unwrap_or_default();
    if parameters
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Query)
    {
        add(
            operation,
            "400",
            "A query parameter is unknown, repeated or invalid",
        );
    }
    if parameters
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Path)
    {
        add(operation, "400", "A path parameter is not well-formed");
    }
    if parameters
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Header && p.name.eq_ignore_ascii_case("if-match"))
    {
        add(operation, "400", "If-Match is malformed");
        add(operation, "412", "If-Match names no current version");
    }
    if parameters.iter().any(|p| p.name == "min_position") {
        add(
            operation,
            "503",
            "The read model did not reach min_position in time; see Retry-After",
        );
    }
}

/// Adds the response `status` with the error body, unless the operation documents it already.
fn add(operation: &mut Operation, status: &str, description: &str) {
    let responses = &mut operation.responses.responses;
    if responses.contains_key(status) {
        return;
    }
    let response = ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build();
    responses.insert(status.to_string(), RefOr::T(response));
}
