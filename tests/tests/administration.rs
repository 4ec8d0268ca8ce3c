//! Roles, the last administrator, sign-in limits and erasure (crypto-shredding), over HTTP on
//! PostgreSQL.

use domain::actor::Role;
use e2e::{spawn_app, spawn_on_postgres, test_settings, PASSWORD};
use projections::{fold, AccountDirectory, EventCounts, Until};
use reqwest::Method;
use serde_json::{json, Value};
use store::testing::TestPostgres;
use store::FeedPosition;

async fn status_and_error(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body["error"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_admins_change_roles_and_the_last_admin_stays() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let admin = app.admin().await;
    let admin_token = app.sign_in(&admin).await;
    let member = app.sign_up("Dora").await;
    let member_token = app.sign_in(&member).await;
    let moderator_path = format!("/v1/accounts/{}/roles/moderator", member.id);

    let before = app.head().await;
    let (status, error) = status_and_error(
        app.request(Method::PUT, &moderator_path, Some(&member_token), None)
            .await,
    )
    .await;
    assert_eq!(status, 403, "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("admin"),
        "{error}"
    );
    let (status, _) =
        status_and_error(app.request(Method::PUT, &moderator_path, None, None).await).await;
    assert_eq!(status, 401);
    let bad_role = format!("/v1/accounts/{}/roles/emperor", member.id);
    let (status, error) = status_and_error(
        app.request(Method::PUT, &bad_role, Some(&admin_token), None)
            .await,
    )
    .await;
    assert_eq!(
        (status, error["fields"][0]["field"].as_str()),
        (400, Some("role"))
    );
    let member_role = format!("/v1/accounts/{}/roles/member", member.id);
    let (status, _) = status_and_error(
        app.request(Method::PUT, &member_role, Some(&admin_token), None)
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(app.head().await, before, "refusals wrote nothing");

    // The grant is an event whose metadata names the admin.
    let granted = app
        .request(Method::PUT, &moderator_path, Some(&admin_token), None)
        .await;
    assert_eq!(granted.status(), 200);
    let position = granted.json::<Value>().await.unwrap()["position"]
        .as_i64()
        .unwrap();
    let feed = app.state.log.feed();
    let at = feed
        .locate(position)
        .await
        .unwrap()
        .expect("the event is in the feed");
    let event = feed
        .reader(
            FeedPosition {
                tx: at.tx,
                position: at.position - 1,
            },
            1,
        )
        .next_batch()
        .await
        .unwrap()
        .remove(0);
    assert_eq!(event.event_type, "RoleGranted");
    assert_eq!(event.metadata["actor"], admin.id.to_string());
    assert_eq!(event.metadata["command"], "GrantRole");
    let again = app
        .request(Method::PUT, &moderator_path, Some(&admin_token), None)
        .await;
    assert_eq!(again.status(), 422, "already held");
    let view: Value = app
        .request(
            Method::GET,
            &format!("/v1/accounts/{}", member.id),
            Some(&admin_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["roles"], json!(["member", "moderator"]));

    // The only admin cannot drop the role, nor be erased.
    let before = app.head().await;
    let own_admin = format!("/v1/accounts/{}/roles/admin", admin.id);
    let (status, error) = status_and_error(
        app.request(Method::DELETE, &own_admin, Some(&admin_token), None)
            .await,
    )
    .await;
    assert_eq!(status, 422, "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("last administrator"),
        "{error}"
    );
    let erase_self = format!("/v1/accounts/{}/erasure", admin.id);
    let (status, _) = status_and_error(
        app.request(Method::POST, &erase_self, Some(&admin_token), None)
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(app.head().await, before);

    // With a second admin, the first may step down.
    let second = format!("/v1/accounts/{}/roles/admin", member.id);
    assert_eq!(
        app.request(Method::PUT, &second, Some(&admin_token), None)
            .await
            .status(),
        200
    );
    assert_eq!(
        app.request(Method::DELETE, &own_admin, Some(&admin_token), None)
            .await
            .status(),
        200
    );
    // Its token now carries no admin rights.
    let (status, _) = status_and_error(
        app.request(Method::PUT, &own_admin, Some(&admin_token), None)
            .await,
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_attempts_are_limited_per_account_and_per_address() {
    let db = TestPostgres::create().await;
    let app = spawn_app(gateway::Settings {
        sign_in_per_account_and_address_per_hour: 3,
        sign_in_per_address_per_minute: 6,
        ..test_settings(Some(db.url.clone()))
    })
    .await;
    let person = app.sign_up("Eva").await;
    let attempt = |email: String| {
        app.request(
            Method::POST,
            "/v1/sessions",
            None,
            Some(json!({ "email": email, "password": "not the right one" })),
        )
    };
    for _ in 0..3 {
        assert_eq!(attempt(person.email.clone()).await.status(), 401);
    }
    let limited = attempt(person.email.clone()).await;
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=1200).contains(&retry_after), "{retry_after}");
    let (_, error) = status_and_error(limited).await;
    assert!(
        error["message"].as_str().unwrap().contains("this account"),
        "{error}"
    );
    // The holder, from an address of their own, is not locked out by the guesses.
    let elsewhere = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let holder = elsewhere
        .post(format!("{}/v1/sessions", app.address))
        .json(&json!({ "email": person.email, "password": person.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        holder.status(),
        201,
        "the right password from another address"
    );
    // Other accounts from the guessing address still get through, until the address's own limit
    // (the confirmation of the sign-up counted as one attempt from it).
    assert_eq!(attempt("other1@example.org".into()).await.status(), 401);
    assert_eq!(attempt("other2@example.org".into()).await.status(), 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasing_a_person_shreds_their_data_and_history_still_replays() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let admin = app.admin().await;
    let admin_token = app.sign_in(&admin).await;
    let email = format!("fatima.{}@example.org", uuid::Uuid::new_v4().simple());
    let person = app
        .sign_up_with(json!({
            "email": email, "display_name": "Fátima Quispe",
            "password": PASSWORD, "phone": "+51 987 654 321"
        }))
        .await;
    let id = person.id;
    let token = app.sign_in(&person).await;
    app.grant(id, Role::Moderator).await;
    let bystander = app.sign_up("Gael").await;
    let bystander_token = app.sign_in(&bystander).await;

    // Personal data never lies in the log in plaintext, before or after erasure.
    let raw_log = || async {
        let store::Database::Postgres(pool) = app.state.log.database() else {
            unreachable!()
        };
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT payload::text, metadata::text FROM events")
                .fetch_all(pool)
                .await
                .unwrap();
        rows.into_iter().map(|(p, m)| p + &m).collect::<String>()
    };
    let log = raw_log().await;
    for secret in [email.as_str(), "Fátima", "Quispe", "987654321", "argon2"] {
        assert!(!log.contains(secret), "{secret} is in the log");
    }

    let erased = app
        .request(
            Method::POST,
            &format!("/v1/accounts/{id}/erasure"),
            Some(&admin_token),
            None,
        )
        .await;
    assert_eq!(erased.status(), 200);
    let erased: Value = erased.json().await.unwrap();
    assert_eq!(erased["erased_now"], true);
    let erased_at = erased["position"].as_i64().unwrap();

    // The person's token and password no longer work.
    let (status, error) =
        status_and_error(app.request(Method::GET, "/v1/me", Some(&token), None).await).await;
    assert_eq!(status, 401, "{error}");
    let sign_in = app
        .request(
            Method::POST,
            "/v1/sessions",
            None,
            Some(json!({"email": email, "password": PASSWORD})),
        )
        .await;
    assert_eq!(sign_in.status(), 401);
    // The API shows the fields as erased; roles are gone.
    let view: Value = app
        .request(
            Method::GET,
            &format!("/v1/accounts/{id}"),
            Some(&admin_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "erased");
    assert_eq!(view["erased"], true);
    assert!(view["display_name"].is_null() && view["email"].is_null() && view["phone"].is_null());
    assert_eq!(view["roles"], json!([]));
    // The key is gone, so the ciphertext still in the log opens for no one.
    assert!(app.state.accounts.vault().key(id).await.unwrap().is_none());
    // Everyone else is untouched.
    let other: Value = app
        .request(Method::GET, "/v1/me", Some(&bystander_token), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other["display_name"], "Gael");
    // The email is free again.
    let again = app
        .sign_up_with(json!({"email": email, "display_name": "Fátima", "password": PASSWORD}))
        .await;
    assert_ne!(again.id, id);
    // Erasing again is harmless and says so.
    let twice: Value = app
        .request(
            Method::POST,
            &format!("/v1/accounts/{id}/erasure"),
            Some(&admin_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(twice["erased_now"], false);

    // Crypto-shredding deletes a key, never an event: both hash chains still hold over the
    // whole log, the person's sealed events included.
    // Another test's open transaction on the server can keep the newest events from being final
    // (and so from being sealed) for a moment: seal until all are.
    let db = app.state.log.database();
    let mut verified = store::chain::verify(db, &|_| {}).await.unwrap();
    for _ in 0..400 {
        if verified.unsealed == 0 && verified.head_position == Some(app.head().await) {
            break;
        }
        store::chain::seal_pending(db).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        verified = store::chain::verify(db, &|_| {}).await.unwrap();
    }
    assert!(verified.ok, "{verified:?}");
    assert_eq!(verified.unsealed, 0);

    // The account directory (a projection) shows the person as erased, the others as they are.
    let feed = app.state.log.feed();
    let at = feed.locate(erased_at).await.unwrap().unwrap();
    assert!(
        app.state
            .read
            .directory
            .wait_for(at, std::time::Duration::from_secs(10))
            .await
    );
    let listed: Value = app
        .request(
            Method::GET,
            "/v1/accounts?limit=200",
            Some(&admin_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let entry = |who: domain::values::AccountId| {
        listed["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == who.to_string())
            .cloned()
            .expect("listed")
    };
    assert_eq!(entry(id)["erased"], true);
    assert!(entry(id)["display_name"].is_null());
    assert_eq!(entry(bystander.id)["display_name"], "Gael");

    // History replays from the start: every event still reads, and the account rebuilds as
    // erased, in the directory and in its own stream.
    let head = app.head().await;
    let target = app.state.log.feed().locate(head).await.unwrap().unwrap();
    let (rebuilt, _) = fold::<EventCounts>(&app.state.log.feed(), None, Until::Position(target))
        .await
        .unwrap();
    assert!(rebuilt.status().failed.is_none());
    assert_eq!(
        rebuilt.status().events_applied,
        u64::try_from(head).unwrap()
    );
    let state = app.state.accounts.load(id).await.unwrap();
    assert_eq!(state.status(), domain::account::AccountStatus::Erased);
    let (directory, _) =
        fold::<AccountDirectory>(&app.state.log.feed(), None, Until::Position(target))
            .await
            .unwrap();
    let rebuilt_entry = directory.read(|d| d.get(id).cloned()).unwrap();
    let view = app
        .state
        .accounts
        .view_of(id, &rebuilt_entry)
        .await
        .unwrap();
    assert!(view.erased && view.display_name.is_none());
    let other = directory.read(|d| d.get(bystander.id).cloned()).unwrap();
    let other = app
        .state
        .accounts
        .view_of(bystander.id, &other)
        .await
        .unwrap();
    assert_eq!(other.display_name.as_deref(), Some("Gael"));
}
