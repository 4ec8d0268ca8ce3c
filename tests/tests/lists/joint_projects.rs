//! `GET /v1/joint-projects` and `GET /v1/initiatives/{id}/joint-projects`.

use domain::actor::{Actor, Role};
use domain::initiative::{Initiative, InitiativeCommand};
use domain::values::{AccountId, CountryCode, InitiativeId, Name};
use e2e::{sample_profile, spawn_on_postgres, TestApp};
use reqwest::Method;
use serde_json::json;
use store::EventMetadata;

use super::{field, get_ok, ids, with, write};

/// An approved initiative in `country`, managed by `manager`.
async fn initiative_in(
    app: &TestApp,
    manager: AccountId,
    name: &str,
    country: &str,
) -> InitiativeId {
    let bus = app.state.log.commands::<Initiative>(());
    let id = InitiativeId::new();
    let mut profile = sample_profile();
    profile.name = Name::new(name).unwrap();
    profile.country = CountryCode::new(country).unwrap();
    let at = chrono::Utc::now();
    let meta = EventMetadata::system("test", "Arrange");
    let register = InitiativeCommand::Register {
        id,
        profile,
        actor: Actor::member(manager),
        at,
    };
    let approve = InitiativeCommand::Approve {
        actor: Actor::moderator(AccountId::new()),
        at,
    };
    for command in [register, approve] {
        bus.execute(&id.to_string(), command, meta.clone())
            .await
            .expect("arranged");
    }
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_projects_for_everyone_pending_ones_for_the_managers_involved_and_moderators() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let ana = app.sign_up("Ana").await;
    let bruno = app.sign_up("Bruno").await;
    let carla = app.sign_up("Carla").await;
    let moderator = app.person_with("Moderadora", Role::Moderator).await;
    let chile = initiative_in(app, ana.id, "Clúster Minero de Antofagasta", "CL").await;
    let argentina = initiative_in(app, bruno.id, "Polo del Litio de Jujuy", "AR").await;
    let (ana, bruno, carla, moderator) = (
        app.token_for(ana.id).await,
        app.token_for(bruno.id).await,
        app.token_for(carla.id).await,
        app.token_for(moderator.id).await,
    );
    let propose = |token: String,
                   lead: InitiativeId,
                   title: &'static str,
                   sectors: serde_json::Value| async move {
        let body = json!({
            "lead_initiative_id": lead, "title": title,
            "description": "Proveedores locales para la cadena de valor.",
            "sectors": sectors, "objectives": ["Compartir un laboratorio"],
        });
        let body = write(app, Method::POST, "/v1/joint-projects", &token, Some(body)).await;
        body["id"].as_str().unwrap().to_string()
    };
    let act = |token: String, path: String, body: Option<serde_json::Value>| async move {
        write(app, Method::POST, &path, &token, body).await;
    };

    let pending = propose(
        ana.clone(),
        chile,
        "Baterías de Ñuble",
        json!(["electromobility"]),
    )
    .await;
    let shared = propose(
        ana.clone(),
        chile,
        "Corredor del litio",
        json!(["lithium", "mining"]),
    )
    .await;
    act(
        ana.clone(),
        format!("/v1/joint-projects/{shared}/invitations"),
        Some(json!({ "initiative_id": argentina })),
    )
    .await;
    act(
        bruno.clone(),
        format!("/v1/joint-projects/{shared}/invitations/{argentina}/acceptance"),
        None,
    )
    .await;
    write(
        app,
        Method::PUT,
        &format!("/v1/joint-projects/{shared}/call-for-partners"),
        &ana,
        None,
    )
    .await;
    act(
        ana.clone(),
        format!("/v1/joint-projects/{shared}/submission"),
        None,
    )
    .await;
    act(
        moderator.clone(),
        format!("/v1/joint-projects/{shared}/approval"),
        None,
    )
    .await;
    let running = propose(
        bruno.clone(),
        argentina,
        "Salares sostenibles",
        json!(["mining"]),
    )
    .await;
    act(
        bruno.clone(),
        format!("/v1/joint-projects/{running}/invitations"),
        Some(json!({ "initiative_id": chile })),
    )
    .await;
    act(
        ana.clone(),
        format!("/v1/joint-projects/{running}/invitations/{chile}/acceptance"),
        None,
    )
    .await;
    act(
        bruno.clone(),
        format!("/v1/joint-projects/{running}/submission"),
        None,
    )
    .await;
    act(
        moderator.clone(),
        format!("/v1/joint-projects/{running}/approval"),
        None,
    )
    .await;
    act(
        bruno.clone(),
        format!("/v1/joint-projects/{running}/activation"),
        None,
    )
    .await;

    let public = get_ok(app, "/v1/joint-projects", None).await;
    assert_eq!(
        field(&public, "id"),
        [&running, &shared].map(|s| s.to_string()),
        "newest first"
    );
    for token in [&carla, &bruno] {
        let seen = get_ok(app, "/v1/joint-projects", Some(token)).await;
        assert_eq!(ids(&seen), ids(&public), "not involved in the pending one");
    }
    for token in [&ana, &moderator] {
        let seen = get_ok(app, "/v1/joint-projects", Some(token)).await;
        assert!(ids(&seen).contains(&pending), "involved, or a moderator");
        assert_eq!(seen["total"], 3);
    }
    let item = &get_ok(app, "/v1/joint-projects?q=corredor", None).await["items"][0];
    assert_eq!(item["lead"]["name"], "Clúster Minero de Antofagasta");
    assert_eq!(item["partners"][0]["name"], "Polo del Litio de Jujuy");
    assert_eq!(item["partners"][0]["invitation"], "accepted");
    assert_eq!(item["countries"], json!(["AR", "CL"]));
    assert_eq!(item["open_call"], true);
    assert_eq!(item["state"], "approved");

    let only = |query: &'static str, token: Option<String>| async move {
        ids(&get_ok(app, &with("/v1/joint-projects", query), token.as_deref()).await)
    };
    assert_eq!(only("state=active", None).await, [running.clone()].into());
    assert_eq!(only("country=AR", None).await.len(), 2);
    assert_eq!(only("country=cl", None).await.len(), 2);
    assert_eq!(only("open_call=true", None).await, [shared.clone()].into());
    assert_eq!(only("sector=lithium", None).await, [shared.clone()].into());
    assert_eq!(
        only("q=nuble", Some(ana.clone())).await,
        [pending.clone()].into()
    );
    assert!(only("q=nuble", None).await.is_empty());

    let head = app.head().await;
    let path = format!("/v1/initiatives/{argentina}/joint-projects?min_position={head}");
    assert_eq!(
        ids(&get_ok(app, &path, None).await),
        [shared.clone(), running.clone()].into()
    );
    let path = format!("/v1/initiatives/{chile}/joint-projects");
    let public = [shared.clone(), running.clone()];
    assert_eq!(ids(&get_ok(app, &path, None).await), public.clone().into());
    assert_eq!(
        ids(&get_ok(app, &path, Some(&ana)).await),
        [shared, running, pending].into()
    );
}
