//! The access regression suite: the four-eyes rule, the abuse limits, sign-up without
//! enumeration, erasure from every list, and the HTTP contract's sharp edges (405, If-Match,
//! query errors, request ids, invisible characters), each as a person or an attacker meets it.
//! docs/security.md states these rules; this file keeps them true.

use std::time::{Duration, Instant};

use domain::actor::Role;
use e2e::{spawn_app, spawn_on_postgres, test_settings, PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};
use store::testing::TestPostgres;

async fn status_and_body(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

fn news(title: &str) -> Value {
    json!({ "kind": "news", "title": title, "summary": "Resumen.", "link": "https://www.cepal.org/es" })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_eyes_hold_for_every_moderated_kind() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let moderator = app.person_with("Moderadora", Role::Moderator).await;
    let token = app.token_for(moderator.id).await;
    let other_moderator = app.person_with("Otra", Role::Moderator).await;
    let other = app.token_for(other_moderator.id).await;

    // A moderator cannot make themselves a manager of someone else's initiative.
    let owner = app.sign_up("Duena").await;
    let theirs = app.initiative_managed_by(owner.id, "Ajena").await;
    let (status, body) = status_and_body(
        app.request(
            Method::POST,
            &format!("/v1/initiatives/{theirs}/managers"),
            Some(&token),
            Some(json!({ "account_id": moderator.id })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 403, "{body}");

    // Nor approve their own publication; another moderator may.
    let created = app
        .request(
            Method::POST,
            "/v1/publications",
            Some(&token),
            Some(news("Propia")),
        )
        .await;
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let approve = |token: String| {
        let path = format!("/v1/publications/{id}/approval");
        async move { app.request(Method::POST, &path, Some(&token), None).await }
    };
    let (status, body) = status_and_body(approve(token.clone()).await).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(approve(other.clone()).await.status(), 200);

    // Nor approve a joint project led by an initiative they manage.
    let lead = app.initiative_managed_by(moderator.id, "Propia").await;
    let proposed = app
        .request(
            Method::POST,
            "/v1/joint-projects",
            Some(&token),
            Some(json!({
                "lead_initiative_id": lead, "title": "Proyecto propio",
                "description": "", "sectors": ["lithium"], "objectives": ["Uno"]
            })),
        )
        .await;
    assert_eq!(proposed.status(), 201);
    let project = proposed.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let submitted = app
        .request(
            Method::POST,
            &format!("/v1/joint-projects/{project}/submission"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(submitted.status(), 200);
    let path = format!("/v1/joint-projects/{project}/approval");
    let (status, body) =
        status_and_body(app.request(Method::POST, &path, Some(&token), None).await).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("manages"),
        "{body}"
    );
    assert_eq!(
        app.request(Method::POST, &path, Some(&other), None)
            .await
            .status(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_sign_ups_from_one_address_is_429() {
    let db = TestPostgres::create().await;
    let app = spawn_app(gateway::Settings {
        sign_ups_per_address_per_hour: 5,
        ..test_settings(Some(db.url.clone()))
    })
    .await;
    let sign_up = |n: usize| {
        app.request(
            Method::POST,
            "/v1/accounts",
            None,
            Some(json!({
                "email": format!("burst{n}.{}@example.org", uuid::Uuid::new_v4().simple()),
                "display_name": "Burst", "password": PASSWORD
            })),
        )
    };
    for n in 0..5 {
        assert_eq!(sign_up(n).await.status(), 202);
    }
    let refused = sign_up(5).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_answers_alike_for_known_and_unknown_addresses() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let holder = app.sign_up("Titular").await;
    let attempt = |email: String| async move {
        let started = Instant::now();
        let response = app
            .request(
                Method::POST,
                "/v1/accounts",
                None,
                Some(json!({ "email": email, "display_name": "Otra", "password": PASSWORD })),
            )
            .await;
        let took = started.elapsed();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        (status, body, took)
    };
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    let mut answers = std::collections::BTreeSet::new();
    // Interleaved, so that both kinds meet the same load.
    for n in 0..8 {
        let (status, body, took) = attempt(holder.email.to_uppercase()).await;
        answers.insert((status, body));
        known.push(took);
        let fresh = format!("nueva{n}.{}@example.org", uuid::Uuid::new_v4().simple());
        let (status, body, took) = attempt(fresh).await;
        answers.insert((status, body));
        unknown.push(took);
    }
    assert_eq!(answers.len(), 1, "one answer for both: {answers:?}");
    assert_eq!(answers.first().unwrap().0, 202);
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (known, unknown) = (median(known), median(unknown));
    let gap = known.abs_diff(unknown);
    let larger = known.max(unknown);
    assert!(
        gap <= larger / 3 + Duration::from_millis(15),
        "medians {known:?} (known) and {unknown:?} (unknown) differ beyond noise"
    );
    // The holder hears that someone tried; their account is unchanged.
    let outbox = store::notifications::Notifications::new(app.state.log.database());
    let mut warned = None;
    for _ in 0..250 {
        warned = outbox
            .latest_for(&holder.id.to_string(), "address_in_use")
            .await
            .unwrap();
        if warned.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let warned = warned.expect("the holder is warned");
    assert!(!warned.body_text.contains("secret"), "{}", warned.body_text);
    app.sign_in(&holder).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_removes_the_person_from_every_list_and_their_mail_files() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let admin = app.admin().await;
    let admin_token = app.sign_in(&admin).await;
    let moderator = app.person_with("Mod", Role::Moderator).await;
    let mod_token = app.token_for(moderator.id).await;
    let person = app.sign_up("Borrada").await;
    let token = app.token_for(person.id).await;
    let colleague = app.sign_up("Colega").await;

    let created = app
        .request(
            Method::POST,
            "/v1/communities",
            Some(&mod_token),
            Some(
                json!({ "name": "Litio", "theme": { "sector": "lithium" }, "join_policy": "open" }),
            ),
        )
        .await;
    assert_eq!(created.status(), 201);
    let community = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let join = app
        .request(
            Method::POST,
            &format!("/v1/communities/{community}/membership"),
            Some(&token),
            None,
        )
        .await;
    assert!(join.status().is_success(), "{}", join.status());
    let promote = app
        .request(
            Method::POST,
            &format!("/v1/communities/{community}/facilitators"),
            Some(&mod_token),
            Some(json!({ "account_id": person.id })),
        )
        .await;
    assert_eq!(promote.status(), 200);
    let initiative = app.initiative_managed_by(colleague.id, "Compartida").await;
    let colleague_token = app.token_for(colleague.id).await;
    let added = app
        .request(
            Method::POST,
            &format!("/v1/initiatives/{initiative}/managers"),
            Some(&colleague_token),
            Some(json!({ "account_id": person.id })),
        )
        .await;
    assert_eq!(added.status(), 201);

    // A mail file written to the person's address, as the embedded default writes them.
    let mail_dir = app
        .state
        .accounts
        .mail_dir()
        .expect("mail goes to files")
        .to_path_buf();
    let notification = store::notifications::NewNotification {
        id: uuid::Uuid::new_v4().to_string(),
        event_position: 0,
        recipient: person.id.to_string(),
        kind: "decision".into(),
        language: "es".into(),
        subject: "s".into(),
        body_text: "t".into(),
        body_html: "h".into(),
        message_id: "m@localhost".into(),
    };
    store::notifications::Notifications::new(app.state.log.database())
        .enqueue(&notification, 0)
        .await
        .unwrap();
    let file = mail_dir.join(format!("{}.eml", notification.id));
    for _ in 0..250 {
        if file.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let written = std::fs::read_to_string(&file).expect("the sender wrote the file");
    assert!(
        written.contains(&person.email),
        "the file holds the address"
    );

    let erased = app
        .request(
            Method::POST,
            &format!("/v1/accounts/{}/erasure", person.id),
            Some(&admin_token),
            None,
        )
        .await;
    assert_eq!(erased.status(), 200);
    assert!(
        !file.exists(),
        "the mail file to the erased address is gone"
    );

    let view: Value = app
        .request(
            Method::GET,
            &format!("/v1/communities/{community}"),
            Some(&mod_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let text = view.to_string();
    assert!(
        !text.contains(&person.id.to_string()),
        "still listed: {view}"
    );
    let initiative_view: Value = app
        .request(
            Method::GET,
            &format!("/v1/initiatives/{initiative}"),
            Some(&mod_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !initiative_view.to_string().contains(&person.id.to_string()),
        "still a manager: {initiative_view}"
    );
    // And the erased account can be made neither a facilitator nor a manager again.
    let (status, body) = status_and_body(
        app.request(
            Method::POST,
            &format!("/v1/communities/{community}/facilitators"),
            Some(&mod_token),
            Some(json!({ "account_id": person.id })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = status_and_body(
        app.request(
            Method::POST,
            &format!("/v1/initiatives/{initiative}/managers"),
            Some(&colleague_token),
            Some(json!({ "account_id": person.id })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_http_contract_holds_at_its_edges() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let admin = app.admin().await;
    let admin_token = app.sign_in(&admin).await;

    // A method a route lacks: 405 with Allow, for OPTIONS too.
    for method in [Method::PUT, Method::OPTIONS, Method::DELETE] {
        let response = app.request(method.clone(), "/v1/map", None, None).await;
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(response.headers()["allow"], "GET, HEAD", "{method}");
        let (_, body) = status_and_body(response).await;
        assert_eq!(body["error"]["code"], "method_not_allowed");
    }

    // Query-string errors are the JSON error body.
    for query in ["limit=abc", "limit=-1", "limit=0", "sort=desc"] {
        let response = app
            .request(
                Method::GET,
                &format!("/v1/accounts?{query}"),
                Some(&admin_token),
                None,
            )
            .await;
        assert_eq!(response.status(), 400, "{query}");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let (_, body) = status_and_body(response).await;
        assert_eq!(body["error"]["code"], "bad_request", "{query}");
        assert!(!body.to_string().contains("ListAccounts"), "{body}");
    }

    // If-Match: strong comparison, lists, weak tags never match, unquoted is malformed.
    let owner = app.sign_up("Gestora").await;
    let owner_token = app.token_for(owner.id).await;
    let initiative = app.initiative_managed_by(owner.id, "Versionada").await;
    let confirm = |if_match: &'static str| {
        let path = format!("/v1/initiatives/{initiative}/confirmation");
        let token = owner_token.clone();
        async move {
            app.client
                .post(format!("{}{path}", app.address))
                .bearer_auth(token)
                .header("if-match", if_match)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(confirm("2").await, 400, "unquoted");
    assert_eq!(confirm("W/\"2\"").await, 412, "weak");
    assert_eq!(
        confirm("\"999\", \"2\"").await,
        200,
        "a list naming the version"
    );

    // A caller's request id is kept only if short and plain.
    let long = "a".repeat(60_000);
    let response = app
        .client
        .get(format!("{}/health", app.address))
        .header("x-request-id", &long)
        .send()
        .await
        .unwrap();
    let echoed = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(echoed.len() <= 128 && echoed != long, "{}", echoed.len());
    let response = app
        .client
        .get(format!("{}/health", app.address))
        .header("x-request-id", "trace-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-123");

    // No personal data reaches audit_reads through a filter.
    let auditor = app.person_with("Auditora", Role::Auditor).await;
    let auditor_token = app.token_for(auditor.id).await;
    let response = app
        .request(
            Method::GET,
            "/v1/audit/events?actor=system:ana.secret@example.org",
            Some(&auditor_token),
            None,
        )
        .await;
    assert_eq!(response.status(), 400);
    let response = app
        .request(
            Method::GET,
            "/v1/audit/events?correlation_id=ana.secret@example.org",
            Some(&auditor_token),
            None,
        )
        .await;
    assert_eq!(response.status(), 400);
    // Nor through the auditors' pages: an unknown parameter, a correlation id in a path.
    for path in [
        "/audit/log?x=ana.secret@example.org&lang=en",
        "/audit/log?actor=system:ana.secret@example.org&lang=en",
        "/audit/trace/ana.secret@example.org?lang=en",
        "/audit/integrity?projection=ana.secret@example.org&lang=en",
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .header("cookie", format!("articula-session={auditor_token}"))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success() || response.status().is_client_error(),
            "{path}: {}",
            response.status()
        );
    }
    let reads = store::audit::recent_reads(app.state.log.database(), 100)
        .await
        .unwrap();
    assert!(
        reads
            .iter()
            .any(|read| read.resource.contains("/audit/log")),
        "the console's reads are recorded: {reads:?}"
    );
    assert!(!format!("{reads:?}").contains("ana.secret"), "{reads:?}");

    // Invisible characters and malformed links are refused.
    let member_token = app.token_for(owner.id).await;
    for (body, field) in [
        (news("Convocatoria\u{200B}2025"), "title"),
        (news("Con\u{2028}vocatoria"), "title"),
        (
            json!({ "kind": "news", "title": "T", "summary": "", "link": "https://example.org/\"><script>x</script>" }),
            "link",
        ),
    ] {
        let (status, error) = status_and_body(
            app.request(
                Method::POST,
                "/v1/publications",
                Some(&member_token),
                Some(body),
            )
            .await,
        )
        .await;
        assert_eq!(status, 400, "{error}");
        assert!(
            error.to_string().contains(field) || error.to_string().contains("website"),
            "{error}"
        );
    }

    // A role for an unknown account is 404, as reading it is.
    let path = format!("/v1/accounts/{}/roles/moderator", uuid::Uuid::new_v4());
    assert_eq!(
        app.request(Method::PUT, &path, Some(&admin_token), None)
            .await
            .status(),
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_states_the_cross_cutting_answers() {
    let env = spawn_on_postgres().await;
    let openapi: Value = env.app.get("/openapi.json").await.json().await.unwrap();
    let mut checked = 0;
    for (path, item) in openapi["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            assert!(responses.contains_key("401"), "{method} {path} lacks 401");
            if operation.get("requestBody").is_some() {
                for status in ["400", "413", "415"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} lacks {status}"
                    );
                }
            }
            let if_match = operation["parameters"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["name"] == "If-Match"));
            if if_match {
                assert!(responses.contains_key("400"), "{method} {path} lacks 400");
                assert!(responses.contains_key("412"), "{method} {path} lacks 412");
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
    let role = &openapi["paths"]["/v1/accounts/{id}/roles/{role}"]["put"]["parameters"][1];
    assert_eq!(
        role["schema"]["enum"],
        json!(["moderator", "auditor", "admin"]),
        "{role}"
    );
}
