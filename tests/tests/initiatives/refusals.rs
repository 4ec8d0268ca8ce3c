//! Invalid fields and every kind of refusal; none of them writes anything.

use domain::actor::Role;
use domain::values::{AccountId, InitiativeId};
use e2e::spawn_on_postgres;
use reqwest::Method;
use serde_json::{json, Value};

use super::{approved, path, people, profile, register, req};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_invalid_profile_field_is_a_400_naming_it() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let p = people(app).await;
    let id = approved(app, &p).await;
    let long = "x".repeat(201);
    let cases: Vec<(&str, Value, &str)> = vec![
        ("/name", json!(""), "name"),
        ("/name", json!(long), "name"),
        ("/name", json!("two\nlines"), "name"),
        ("/kind", json!("cartel"), "kind"),
        ("/country", json!("XX"), "country"),
        ("/country", json!("Chile"), "country"),
        ("/region", json!(" "), "region"),
        ("/location/lat", json!(91.0), "location.lat"),
        ("/location/lon", json!(-180.5), "location.lon"),
        ("/sectors", json!([]), "sectors"),
        ("/sectors", json!(["mining", "space_mining"]), "sectors[1]"),
        ("/sectors", json!(["mining", "mining"]), "sectors"),
        (
            "/strategic_focus",
            json!(["innovation", "magic"]),
            "strategic_focus[1]",
        ),
        ("/funding_sources", json!(["lottery"]), "funding_sources[0]"),
        ("/number_of_firms", json!(0), "number_of_firms"),
        ("/number_of_firms", json!(-3), "number_of_firms"),
        ("/governance/private", json!(-1), "governance.private"),
        ("/governance/public", json!(40), "governance"),
        (
            "/governance/facilitating_organization",
            json!(""),
            "governance.facilitating_organization",
        ),
        ("/maturity_stage", json!("adult"), "maturity_stage"),
        ("/founding_year", json!(1850), "founding_year"),
        ("/website", json!("ftp://example.org"), "website"),
        ("/website", json!("https://localhost"), "website"),
        (
            "/value_chain_focus",
            json!("y".repeat(1001)),
            "value_chain_focus",
        ),
        ("/description", json!("z".repeat(5001)), "description"),
    ];
    for (pointer, value, field) in cases {
        let mut body = profile();
        *body.pointer_mut(pointer).unwrap() = value.clone();
        let error = req(Method::POST, "/v1/initiatives")
            .by(&p.member)
            .json(body)
            .refused(app, 400)
            .await;
        assert_eq!(
            error["fields"][0]["field"], field,
            "{pointer} = {value}: {error}"
        );
        // The same field in a profile change.
        let mut change = json!({});
        let top = pointer.split('/').nth(1).unwrap();
        change[top] = profile()[top].clone();
        *change.pointer_mut(pointer).unwrap() = value;
        let error = req(Method::PATCH, path(&id, "/profile"))
            .by(&p.manager)
            .json(change)
            .refused(app, 400)
            .await;
        assert_eq!(
            error["fields"][0]["field"], field,
            "PATCH {pointer}: {error}"
        );
    }

    // Every problem at once, missing fields by name.
    let error = req(Method::POST, "/v1/initiatives")
        .by(&p.member)
        .json(json!({ "name": "", "country": "ZZ", "location": { "lat": 100.0, "lon": 200.0 } }))
        .refused(app, 400)
        .await;
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for field in [
        "name",
        "country",
        "location.lat",
        "location.lon",
        "kind",
        "region",
        "sectors",
        "number_of_firms",
        "governance",
        "maturity_stage",
        "founding_year",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
    // Unknown fields, and a reason that is empty, are refused too.
    let mut body = profile();
    body["approved"] = json!(true);
    req(Method::POST, "/v1/initiatives")
        .by(&p.member)
        .json(body)
        .refused(app, 400)
        .await;
    let error = req(Method::POST, path(&id, "/rejection"))
        .by(&p.moderator)
        .json(json!({ "reason": "  " }))
        .refused(app, 400)
        .await;
    assert_eq!(error["fields"][0]["field"], "reason");
    let error = req(Method::GET, "/v1/initiatives/not-a-uuid")
        .refused(app, 400)
        .await;
    assert_eq!(error["fields"][0]["field"], "id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_say_why_and_write_nothing() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let p = people(app).await;
    let id = approved(app, &p).await;
    let submitted = register(app, &p.manager).await;

    // 401: not signed in.
    req(Method::POST, "/v1/initiatives")
        .json(profile())
        .refused(app, 401)
        .await;
    req(Method::POST, path(&submitted, "/approval"))
        .refused(app, 401)
        .await;

    // 403: not a moderator; not a manager; a moderator reviewing their own initiative.
    req(Method::POST, path(&submitted, "/approval"))
        .by(&p.member)
        .refused(app, 403)
        .await;
    req(Method::PATCH, path(&id, "/profile"))
        .by(&p.member)
        .json(json!({ "number_of_firms": 3 }))
        .refused(app, 403)
        .await;
    req(Method::POST, path(&id, "/confirmation"))
        .by(&p.moderator)
        .refused(app, 403)
        .await;
    let both = app.person_with("ModeratingManager", Role::Moderator).await;
    let both = app.token_for(both.id).await;
    let own = register(app, &both).await;
    req(Method::POST, path(&own, "/approval"))
        .by(&both)
        .refused(app, 403)
        .await;

    // 404: no such initiative; one not yet public, to a stranger.
    let nowhere = InitiativeId::new().to_string();
    req(Method::GET, path(&nowhere, ""))
        .by(&p.moderator)
        .refused(app, 404)
        .await;
    req(Method::POST, path(&nowhere, "/approval"))
        .by(&p.moderator)
        .refused(app, 404)
        .await;
    req(Method::POST, path(&submitted, "/management-requests"))
        .by(&p.member)
        .refused(app, 404)
        .await;

    // 409 with the current state: approving what is already approved.
    let error = req(Method::POST, path(&id, "/approval"))
        .by(&p.moderator)
        .refused(app, 409)
        .await;
    assert_eq!(error["current"], json!({ "status": "approved" }));
    let error = req(Method::POST, path(&id, "/profile-change/approval"))
        .by(&p.moderator)
        .refused(app, 409)
        .await;
    assert_eq!(error["current"], json!({ "status": "approved" }));
    req(Method::PATCH, path(&id, "/profile"))
        .by(&p.manager)
        .json(json!({ "name": "First rename" }))
        .ok(app, 200)
        .await;
    let error = req(Method::PATCH, path(&id, "/profile"))
        .by(&p.manager)
        .json(json!({ "name": "Second rename" }))
        .refused(app, 409)
        .await;
    assert_eq!(error["current"]["status"], "approved");

    // 412: the moderator read the change, the manager replaced it, the approval is stale.
    let read = req(Method::GET, path(&id, ""))
        .by(&p.moderator)
        .ok(app, 200)
        .await;
    let seen = read.etag.unwrap();
    req(Method::DELETE, path(&id, "/profile-change"))
        .by(&p.manager)
        .ok(app, 200)
        .await;
    req(Method::PATCH, path(&id, "/profile"))
        .by(&p.manager)
        .json(json!({ "location": { "lat": 0.0, "lon": 0.0 } }))
        .ok(app, 200)
        .await;
    let error = req(Method::POST, path(&id, "/profile-change/approval"))
        .by(&p.moderator)
        .if_match(&seen)
        .refused(app, 412)
        .await;
    assert!(
        error["message"].as_str().unwrap().contains("read it again"),
        "{error}"
    );
    let fresh = req(Method::GET, path(&id, ""))
        .by(&p.moderator)
        .ok(app, 200)
        .await;
    assert_ne!(fresh.etag.as_deref(), Some(seen.as_str()));
    req(Method::POST, path(&id, "/profile-change/rejection"))
        .by(&p.moderator)
        .if_match(&fresh.etag.unwrap())
        .json(json!({ "reason": "That is in the Gulf of Guinea." }))
        .ok(app, 200)
        .await;

    // 422: rules of the domain.
    let mut future = profile();
    future["founding_year"] = json!(2999);
    req(Method::POST, "/v1/initiatives")
        .by(&p.member)
        .json(future)
        .refused(app, 422)
        .await;
    req(
        Method::DELETE,
        path(&id, &format!("/managers/{}", p.manager_id)),
    )
    .by(&p.manager)
    .refused(app, 422)
    .await;
    req(Method::POST, path(&id, "/managers"))
        .by(&p.manager)
        .json(json!({ "account_id": p.manager_id }))
        .refused(app, 422)
        .await;
    req(Method::POST, path(&id, "/managers"))
        .by(&p.manager)
        .json(json!({ "account_id": AccountId::new() }))
        .refused(app, 422)
        .await;
    req(Method::POST, path(&id, "/management-requests"))
        .by(&p.manager)
        .refused(app, 422)
        .await;
    req(Method::DELETE, path(&id, "/management-requests/mine"))
        .by(&p.member)
        .refused(app, 422)
        .await;
    // A stranger is refused before anything about the account is looked up.
    req(Method::POST, path(&id, "/managers"))
        .by(&p.member)
        .json(json!({ "account_id": AccountId::new() }))
        .refused(app, 403)
        .await;
}
