//! The happy path of every command, and who sees what.

use chrono::{Months, Utc};
use domain::actor::Actor;
use domain::initiative::InitiativeCommand;
use domain::values::{AccountId, InitiativeId};
use e2e::spawn_on_postgres;
use reqwest::Method;
use serde_json::{json, Value};
use store::EventMetadata;

use super::{approved, path, people, profile, register, req};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registered_initiative_is_reviewed_and_then_public() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let p = people(app).await;

    let created = req(Method::POST, "/v1/initiatives")
        .by(&p.manager)
        .json(profile())
        .ok(app, 201)
        .await;
    assert_eq!(created.etag.as_deref(), Some("\"1\""));
    assert_eq!(created.body["version"], 1);
    assert!(created.body["position"].as_i64().unwrap() > 0);
    let id = created.body["id"].as_str().unwrap().to_string();

    // Submitted: its manager and moderators see it; to anyone else it does not exist.
    let mine = req(Method::GET, path(&id, ""))
        .by(&p.manager)
        .ok(app, 200)
        .await;
    let view = &mine.body;
    assert_eq!(view["status"], "submitted");
    assert_eq!(view["managers"], json!([p.manager_id]));
    assert_eq!(view["profile"]["country"], "CL");
    assert_eq!(
        view["profile"]["website"],
        "https://clusterminero.cl/inicio"
    );
    assert_eq!(view["profile"]["sectors"], json!(["mining", "lithium"]));
    assert_eq!(
        view["profile"]["location"],
        json!({"lat": -23.6509, "lon": -70.3975})
    );
    assert_eq!(view["profile"]["governance"]["private"], 50);
    assert_eq!(view["management_requests"], json!([]));
    assert_eq!(view["stale"], false);
    req(Method::GET, path(&id, "")).refused(app, 404).await;
    req(Method::GET, path(&id, ""))
        .by(&p.member)
        .refused(app, 404)
        .await;
    let read = req(Method::GET, path(&id, ""))
        .by(&p.moderator)
        .ok(app, 200)
        .await;
    let etag = read.etag.unwrap();
    assert_eq!(etag, "\"1\"");

    let approval = req(Method::POST, path(&id, "/approval"))
        .by(&p.moderator)
        .if_match(&etag)
        .ok(app, 200)
        .await;
    assert_eq!(approval.etag.as_deref(), Some("\"2\""));
    assert_eq!(approval.body["version"], 2);

    // Approved: public, without what only managers and moderators see.
    let public = req(Method::GET, path(&id, "")).ok(app, 200).await;
    assert_eq!(public.etag.as_deref(), Some("\"2\""));
    assert_eq!(public.body["status"], "approved");
    assert!(public.body["confirmation_due"].is_string());
    assert_eq!(public.body["stale"], false);
    assert!(public.body.get("management_requests").is_none());
    assert!(public.body.get("pending_change").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_initiative_is_corrected_and_resubmitted() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let p = people(app).await;
    let id = register(app, &p.manager).await;

    req(Method::POST, path(&id, "/rejection"))
        .by(&p.moderator)
        .json(json!({ "reason": "The location is in the sea." }))
        .ok(app, 200)
        .await;
    let view = req(Method::GET, path(&id, ""))
        .by(&p.manager)
        .ok(app, 200)
        .await;
    assert_eq!(view.body["status"], "rejected");
    assert_eq!(view.body["rejection_reason"], "The location is in the sea.");
    req(Method::GET, path(&id, ""))
        .by(&p.member)
        .refused(app, 404)
        .await;

    // Before approval every field applies at once; nothing waits for review.
    req(Method::PATCH, path(&id, "/profile"))
        .by(&p.manager)
        .json(json!({ "location": { "lat": -23.65, "lon": -70.4 }, "name": "Clúster Minero" }))
        .ok(app, 200)
        .await;
    req(Method::POST, path(&id, "/resubmission"))
        .by(&p.manager)
        .ok(app, 200)
        .await;
    let view = req(Method::GET, path(&id, ""))
        .by(&p.manager)
        .ok(app, 200)
        .await;
    assert_eq!(view.body["status"], "submitted");
    assert_eq!(view.body["profile"]["name"], "Clúster Minero");
    assert!(view.body.get("rejection_reason").is_none());
    assert!(view.body.get("pending_change").is_none());
    req(Method::POST, path(&id, "/approval"))
        .by(&p.moderator)
        .ok(app, 200)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_to_reviewed_fields_wait_for_a_moderator_and_the_rest_apply_at_once() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let p = people(app).await;
    let id = approved(app, &p).await;
    let change = |body: Value| {
        req(Method::PATCH, path(&id, "/profile"))
            .by(&p.manager)
            .json(body)
    };

    change(json!({ "name": "Clúster Minero del Norte", "country": "PE",
                   "number_of_firms": 140, "website": null }))
    .ok(app, 200)
    .await;
    let public = req(Method::GET, path(&id, "")).ok(app, 200).await.body;
    assert_eq!(public["profile"]["name"], "Clúster Minero de Antofagasta");
    assert_eq!(public["profile"]["country"], "CL");
    assert_eq!(public["profile"]["number_of_firms"], 140);
    assert!(public["profile"]["website"].is_null());
    assert!(public.get("pending_change").is_none());
    let inside = req(Method::GET, path(&id, ""))
        .by(&p.moderator)
        .ok(app, 200)
        .await;
    let pending = &inside.body["pending_change"];
    assert_eq!(
        pending["changes"],
        json!({ "name": "Clúster Minero del Norte", "country": "PE" })
    );
    assert_eq!(pending["proposed_by"], json!(p.manager_id));

    req(Method::POST, path(&id, "/profile-change/approval"))
        .by(&p.moderator)
        .if_match(&inside.etag.unwrap())
        .ok(app, 200)
        .await;
    let public = req(Method::GET, path(&id, "")).ok(app, 200).await.body;
    assert_eq!(public["profile"]["name"], "Clúster Minero del Norte");
    assert_eq!(public["profile"]["country"], "PE");

    // Rejected by a moderator, or withdrawn by a manager: the profile stays as it was.
    change(json!({ "region": "Tarapacá" })).ok(app, 200).await;
    req(Method::POST, path(&id, "/profile-change/rejection"))
        .by(&p.moderator)
        .json(json!({ "reason": "The initiative works in Antofagasta." }))
        .ok(app, 200)
        .await;
    change(json!({ "kind": "business_network" }))
        .ok(app, 200)
        .await;
    req(Method::DELETE, path(&id, "/profile-change"))
        .by(&p.manager)
        .ok(app, 200)
        .await;
    let inside = req(Method::GET, path(&id, ""))
        .by(&p.manager)
        .ok(app, 200)
        .await;
    assert_eq!(inside.body["profile"]["region"], "Antofagasta");
    assert_eq!(inside.body["profile"]["kind"], "cluster_initiative");
    assert!(inside.body.get("pending_change").is_none());

    // Resending what is already there writes nothing and still answers the version.
    let before = app.head().await;
    let same = change(json!({ "number_of_firms": 140 })).ok(app, 200).await;
    assert!(same.body["position"].is_null());
    assert_eq!(same.etag, inside.etag);
    assert_eq!(app.head().await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managers_are_added_removed_and_asked_for() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let p = people(app).await;
    let id = approved(app, &p).await;
    let colleague = app.sign_up("Colleague").await;
    let colleague_token = app.token_for(colleague.id).await;

    let added = req(Method::POST, path(&id, "/managers"))
        .by(&p.manager)
        .json(json!({ "account_id": colleague.id }))
        .ok(app, 201)
        .await;
    assert_eq!(added.body["id"], json!(colleague.id));
    // The colleague, now a manager, removes themself.
    req(
        Method::DELETE,
        path(&id, &format!("/managers/{}", colleague.id)),
    )
    .by(&colleague_token)
    .ok(app, 200)
    .await;

    // A member asks; only managers and moderators see the request.
    let asked = req(Method::POST, path(&id, "/management-requests"))
        .by(&p.member)
        .ok(app, 201)
        .await;
    assert_eq!(asked.body["id"], json!(p.member_id));
    let inside = req(Method::GET, path(&id, ""))
        .by(&p.manager)
        .ok(app, 200)
        .await;
    assert_eq!(inside.body["management_requests"], json!([p.member_id]));
    let outside = req(Method::GET, path(&id, ""))
        .by(&p.member)
        .ok(app, 200)
        .await;
    assert!(outside.body.get("management_requests").is_none());
    req(
        Method::POST,
        path(
            &id,
            &format!("/management-requests/{}/approval", p.member_id),
        ),
    )
    .by(&p.moderator)
    .ok(app, 200)
    .await;
    let view = req(Method::GET, path(&id, ""))
        .by(&p.member)
        .ok(app, 200)
        .await;
    let managers = view.body["managers"].as_array().unwrap().clone();
    assert!(managers.contains(&json!(p.member_id)), "{managers:?}");
    assert_eq!(view.body["management_requests"], json!([]));

    // The colleague asks and is declined; then asks again and withdraws.
    let request = req(Method::POST, path(&id, "/management-requests")).by(&colleague_token);
    request.ok(app, 201).await;
    req(
        Method::POST,
        path(
            &id,
            &format!("/management-requests/{}/decline", colleague.id),
        ),
    )
    .by(&p.manager)
    .json(json!({ "reason": "We do not know you yet." }))
    .ok(app, 200)
    .await;
    req(Method::POST, path(&id, "/management-requests"))
        .by(&colleague_token)
        .ok(app, 201)
        .await;
    req(Method::DELETE, path(&id, "/management-requests/mine"))
        .by(&colleague_token)
        .ok(app, 200)
        .await;
    let view = req(Method::GET, path(&id, ""))
        .by(&p.manager)
        .ok(app, 200)
        .await;
    assert_eq!(view.body["management_requests"], json!([]));
    assert_eq!(view.body["managers"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_data_is_flagged_until_a_manager_confirms_it_and_retirement_is_final() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let p = people(app).await;
    // Registered and approved 19 months ago, never confirmed since.
    let long_ago = Utc::now().checked_sub_months(Months::new(19)).unwrap();
    let initiative = InitiativeId::new();
    let meta = EventMetadata::system("test", "Arrange");
    let commands = [
        InitiativeCommand::Register {
            id: initiative,
            profile: e2e::sample_profile(),
            actor: Actor::member(p.manager_id),
            at: long_ago,
        },
        InitiativeCommand::Approve {
            actor: Actor::moderator(AccountId::new()),
            at: long_ago,
        },
    ];
    for command in commands {
        let stream = initiative.to_string();
        let bus = &app.state.initiatives;
        bus.execute(&stream, command, meta.clone()).await.unwrap();
    }
    let id = initiative.to_string();
    let view = req(Method::GET, path(&id, "")).ok(app, 200).await.body;
    assert_eq!(view["stale"], true);

    req(Method::POST, path(&id, "/confirmation"))
        .by(&p.manager)
        .ok(app, 200)
        .await;
    let view = req(Method::GET, path(&id, "")).ok(app, 200).await.body;
    assert_eq!(view["stale"], false);
    assert!(view["last_confirmed_at"].is_string());

    req(Method::POST, path(&id, "/retirement"))
        .by(&p.manager)
        .json(json!({ "reason": "The association closed." }))
        .ok(app, 200)
        .await;
    // Still public (it was approved), marked retired; nothing changes any more.
    let view = req(Method::GET, path(&id, ""))
        .by(&p.member)
        .ok(app, 200)
        .await
        .body;
    assert_eq!(view["status"], "retired");
    assert!(view["retired_at"].is_string());
    assert_eq!(view["stale"], false);
    let error = req(Method::POST, path(&id, "/confirmation"))
        .by(&p.manager)
        .refused(app, 409)
        .await;
    assert_eq!(error["current"], json!({ "status": "retired" }));
    req(Method::POST, path(&id, "/management-requests"))
        .by(&p.member)
        .refused(app, 409)
        .await;

    // Retired before approval: never public.
    let unreviewed = register(app, &p.manager).await;
    req(Method::POST, path(&unreviewed, "/retirement"))
        .by(&p.manager)
        .json(json!({}))
        .ok(app, 200)
        .await;
    req(Method::GET, path(&unreviewed, ""))
        .refused(app, 404)
        .await;
}
