//! What changes about an account counts at once on every instance: each request checks the
//! session and the account's version in the database, and an instance uses its cached account
//! only when that cache is at the stored version.

use domain::account::Authority;
use domain::actor::Role;
use e2e::{spawn_app, spawn_on_postgres, test_settings};
use reqwest::Method;
use store::EventMetadata;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_changed_through_one_instance_counts_at_once_on_another() {
    let first = spawn_on_postgres().await;
    let second = spawn_app(test_settings(Some(first.db.url.clone()))).await;
    let person = first.app.sign_up("Rosa").await;
    let token = first.app.token_for(person.id).await;
    let audit = "/v1/audit/events?limit=1";
    let status_on_second = || async {
        second
            .request(Method::GET, audit, Some(&token), None)
            .await
            .status()
            .as_u16()
    };
    // The second instance reads (and caches) the account before each change.
    assert_eq!(status_on_second().await, 403);
    first.app.grant(person.id, Role::Auditor).await;
    assert_eq!(status_on_second().await, 200, "granted on the first");
    first
        .app
        .state
        .accounts
        .change_role(
            person.id,
            Role::Auditor,
            false,
            Authority::System("test".into()),
            &EventMetadata::system("test", "RevokeRole"),
        )
        .await
        .expect("role revoked");
    assert_eq!(status_on_second().await, 403, "revoked on the first");
}
