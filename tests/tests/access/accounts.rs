//! Accounts, sessions and administration routes.

use e2e::PASSWORD;
use serde_json::json;

use super::{Caller, Fixture, Request, Who};

pub fn expectation(method: &str, template: &str) -> Option<Who> {
    use Who::*;
    Some(match (method, template) {
        ("GET", "/health" | "/ready" | "/metrics") => Everyone,
        ("POST", "/v1/sessions") => Everyone,
        ("DELETE", "/v1/sessions/current") => SignedIn,
        ("POST", "/v1/accounts" | "/v1/accounts/activation" | "/v1/accounts/confirmation") => {
            Everyone
        }
        ("GET", "/v1/accounts") => Admins,
        ("GET" | "PATCH", "/v1/me") => SignedIn,
        ("PUT", "/v1/me/password") => SignedIn,
        // Another person's account: only administrators (the holder's own access is tested in
        // tests/accounts.rs).
        ("GET", "/v1/accounts/{id}") => Admins,
        ("DELETE", "/v1/accounts/{id}/sessions") => Admins,
        ("PUT" | "DELETE", "/v1/accounts/{id}/roles/{role}") => Admins,
        ("POST", "/v1/accounts/{id}/erasure") => Admins,
        ("GET" | "PUT", "/v1/me/notification-preferences") => SignedIn,
        ("GET", "/v1/admin/notifications") => Admins,
        _ => return None,
    })
}

pub async fn request(f: &Fixture, method: &str, template: &str, caller: Caller) -> Option<Request> {
    expectation(method, template)?;
    let app = &f.app;
    let body = match (method, template) {
        ("POST", "/v1/sessions") => {
            let subject = app.sign_up("Subject").await;
            Some(json!({ "email": subject.email, "password": subject.password }))
        }
        ("POST", "/v1/accounts") => Some(json!({
            "email": format!("new.{}@example.org", uuid::Uuid::new_v4().simple()),
            "display_name": "Newcomer",
            "password": PASSWORD,
        })),
        ("POST", "/v1/accounts/confirmation") => {
            let email = format!("unconfirmed.{}@example.org", uuid::Uuid::new_v4().simple());
            let body = json!({ "email": email, "display_name": "Pending", "password": PASSWORD });
            let response = app
                .request(reqwest::Method::POST, "/v1/accounts", None, Some(body))
                .await;
            assert_eq!(response.status(), 202);
            let (id, secret) = app.confirmation_mail(&email).await;
            Some(json!({ "account_id": id, "secret": secret, "password": PASSWORD }))
        }
        ("POST", "/v1/accounts/activation") => {
            let email = format!("invited.{}@example.org", uuid::Uuid::new_v4().simple());
            let invitation = app
                .state
                .accounts
                .invite_admin(
                    &domain::values::EmailAddress::new(&email).unwrap(),
                    &domain::values::DisplayName::new("Invited").unwrap(),
                    "test",
                )
                .await
                .unwrap();
            Some(json!({
                "account_id": invitation.account,
                "secret": invitation.secret.expose(),
                "password": PASSWORD,
            }))
        }
        ("PATCH", "/v1/me") => Some(json!({ "language": "en" })),
        ("PUT", "/v1/me/notification-preferences") => Some(json!({ "muted": ["decision"] })),
        ("PUT", "/v1/me/password") => {
            let current = f
                .person(caller)
                .map_or(PASSWORD.to_string(), |p| p.password.clone());
            Some(json!({ "current_password": current, "new_password": "another long passphrase" }))
        }
        _ => None,
    };
    let path = if template.contains("{id}") {
        let subject = app.sign_up("Subject").await;
        template
            .replace("{id}", &subject.id.to_string())
            .replace("{role}", "moderator")
    } else if (method, template) == ("GET", "/v1/accounts") {
        let subject = app.sign_up("Subject").await;
        format!("{template}?email={}", subject.email)
    } else {
        template.to_string()
    };
    Some((path, body))
}
