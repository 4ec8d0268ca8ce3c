//! Tests of the map read model over HTTP (`GET /v1/map`) on PostgreSQL: what is on it and how it
//! is written, every filter, bad input, and reading as of the past.
//!
//! Initiatives are written through the command bus (to choose their places and times freely);
//! each read sends `min_position` with the head of the log, so it sees every write before it.

use chrono::{DateTime, Months, SecondsFormat, Utc};
use domain::actor::{Actor, Role};
use domain::initiative::{Initiative, InitiativeCommand, Profile, ProfileChanges};
use domain::values::*;
use e2e::{sample_profile, spawn_on_postgres, TestApp};
use reqwest::header::CONTENT_TYPE;
use serde_json::{json, Value};
use store::EventMetadata;

/// The manager of every initiative written here, and a moderator.
fn manager() -> AccountId {
    "00000000-0000-7000-8000-0000000000a1".parse().unwrap()
}
fn moderator() -> Actor {
    Actor::moderator("00000000-0000-7000-8000-0000000000b2".parse().unwrap())
}

/// Runs `command` on initiative `id` through the command bus.
pub async fn run(app: &TestApp, id: InitiativeId, command: InitiativeCommand) {
    app.state
        .log
        .commands::<Initiative>(())
        .execute(
            &id.to_string(),
            command,
            EventMetadata::system("test", "Initiative"),
        )
        .await
        .expect("the command is accepted");
}

/// Registers an initiative with `profile` at `at`; returns its id.
pub async fn submitted(app: &TestApp, profile: Profile, at: DateTime<Utc>) -> InitiativeId {
    let id = InitiativeId::new();
    let actor = Actor::member(manager());
    run(
        app,
        id,
        InitiativeCommand::Register {
            id,
            profile,
            actor,
            at,
        },
    )
    .await;
    id
}

/// Registers and approves an initiative with `profile`, approved at `at`.
pub async fn approved_at(app: &TestApp, profile: Profile, at: DateTime<Utc>) -> InitiativeId {
    let id = submitted(app, profile, at).await;
    let actor = moderator();
    run(app, id, InitiativeCommand::Approve { actor, at }).await;
    id
}

pub async fn approved(app: &TestApp, profile: Profile) -> InitiativeId {
    approved_at(app, profile, Utc::now()).await
}

pub async fn retire(app: &TestApp, id: InitiativeId) {
    let actor = Actor::member(manager());
    let command = InitiativeCommand::Retire {
        reason: None,
        actor,
        at: Utc::now(),
    };
    run(app, id, command).await;
}

/// A change a manager makes and a moderator approves.
pub async fn change(app: &TestApp, id: InitiativeId, changes: ProfileChanges) {
    let actor = Actor::member(manager());
    run(
        app,
        id,
        InitiativeCommand::UpdateProfile {
            changes,
            actor,
            at: Utc::now(),
        },
    )
    .await;
    let actor = moderator();
    run(
        app,
        id,
        InitiativeCommand::ApproveProfileChange {
            actor,
            at: Utc::now(),
        },
    )
    .await;
}

/// A profile at a place, with the sample's other fields.
pub fn place(name: &str, country: &str, region: &str, lat: f64, lon: f64) -> Profile {
    let mut profile = sample_profile();
    profile.name = Name::new(name).unwrap();
    profile.country = CountryCode::new(country).unwrap();
    profile.region = Region::new(region).unwrap();
    profile.location = GeoPoint::new(lat, lon).unwrap();
    profile
}

/// `path` with the log's head as `min_position` appended.
pub async fn fresh(app: &TestApp, path: &str) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}min_position={}", app.head().await)
}

/// Answers `GET path` with `token`: status and body text.
pub async fn get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, String, String) {
    let mut request = app.client.get(format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        content_type,
        response.text().await.unwrap_or_default(),
    )
}

/// The map for `query` (after every write so far), as JSON.
async fn map(app: &TestApp, query: &str) -> Value {
    let (status, content_type, body) =
        get(app, &fresh(app, &format!("/v1/map{query}")).await, None).await;
    assert_eq!(status, 200, "{query}: {body}");
    assert_eq!(content_type, "application/geo+json");
    // Read as a GIS tool reads it: an RFC 7946 FeatureCollection of Points.
    match body.parse::<geojson::GeoJson>() {
        Ok(geojson::GeoJson::FeatureCollection(collection)) => {
            for feature in &collection.features {
                let geometry = feature
                    .geometry
                    .as_ref()
                    .expect("every feature has a geometry");
                assert!(
                    matches!(geometry.value, geojson::Value::Point(ref at) if at.len() == 2),
                    "{query}: a [lon, lat] Point"
                );
            }
        }
        other => panic!("{query}: not an RFC 7946 FeatureCollection: {other:?}"),
    }
    serde_json::from_str(&body).expect("GeoJSON is JSON")
}

/// The ids of the features of the map for `query`, in the order given.
async fn ids(app: &TestApp, query: &str) -> Vec<String> {
    map(app, query).await["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

fn sorted(ids: &[InitiativeId]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approved_initiatives_are_on_the_map_longitude_first() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let shown = approved(
        app,
        place("Clúster Minero", "CL", "Antofagasta", -23.6509, -70.3975),
    )
    .await;
    submitted(
        app,
        place("En revisión", "CL", "Antofagasta", -23.0, -70.0),
        Utc::now(),
    )
    .await;
    let gone = approved(app, place("Retirada", "AR", "Mendoza", -32.89, -68.83)).await;
    retire(app, gone).await;

    let collection = map(app, "").await;
    assert_eq!(
        collection,
        json!({
            "type": "FeatureCollection",
            "features": [{
                "type": "Feature",
                "id": shown.to_string(),
                "geometry": {"type": "Point", "coordinates": [-70.3975, -23.6509]},
                "properties": {
                    "id": shown.to_string(),
                    "name": "Clúster Minero",
                    "kind": "cluster_initiative",
                    "country": "CL",
                    "region": "Antofagasta",
                    "sectors": ["lithium", "mining"],
                    "number_of_firms": 85,
                    "maturity": "construction",
                    "stale": false,
                }
            }]
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_filter_narrows_the_map() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let antofagasta = approved(
        app,
        place("Clúster Minero", "CL", "Antofagasta", -23.65, -70.4),
    )
    .await;
    let mut network = place("Rede de Tecnologia", "BR", "São Paulo", -23.55, -46.63);
    network.kind = InitiativeKind::BusinessNetwork;
    network.sectors = Sectors::new(vec![Sector::Ict]).unwrap();
    network.maturity_stage = MaturityStage::Launch;
    network.description = Description::new("Serviços de informação e inovação").unwrap();
    let sao_paulo = approved(app, network).await;
    let long_ago = Utc::now().checked_sub_months(Months::new(19)).unwrap();
    let stale = approved_at(
        app,
        place("Polo de Yerba Mate", "AR", "Misiones", -27.36, -55.9),
        long_ago,
    )
    .await;

    assert_eq!(ids(app, "").await, sorted(&[antofagasta, sao_paulo, stale]));
    assert_eq!(ids(app, "?country=CL").await, sorted(&[antofagasta]));
    assert_eq!(
        ids(app, "?country=CL&country=br").await,
        sorted(&[antofagasta, sao_paulo])
    );
    assert_eq!(
        ids(app, "?country=AR,BR").await,
        sorted(&[sao_paulo, stale])
    );
    assert_eq!(ids(app, "?sector=ict").await, sorted(&[sao_paulo]));
    assert_eq!(
        ids(app, "?sector=ict&sector=mining").await,
        sorted(&[antofagasta, sao_paulo, stale])
    );
    assert_eq!(
        ids(app, "?kind=business_network").await,
        sorted(&[sao_paulo])
    );
    assert_eq!(
        ids(app, "?maturity=construction").await,
        sorted(&[antofagasta, stale])
    );
    assert_eq!(ids(app, "?stale=true").await, sorted(&[stale]));
    assert_eq!(
        ids(app, "?stale=false").await,
        sorted(&[antofagasta, sao_paulo])
    );
    assert_eq!(
        ids(app, "?bbox=-75,-30,-60,-20").await,
        sorted(&[antofagasta])
    );
    assert_eq!(
        ids(app, "?bbox=-60,-30,-40,-20&country=AR").await,
        sorted(&[stale])
    );
    assert_eq!(ids(app, "?q=cl%C3%BAster").await, sorted(&[antofagasta]));
    assert_eq!(ids(app, "?q=CLUSTER").await, sorted(&[antofagasta]));
    assert_eq!(ids(app, "?q=Sao+Paulo").await, sorted(&[sao_paulo]));
    assert_eq!(
        ids(app, "?q=servicos+informacao").await,
        sorted(&[sao_paulo])
    );
    assert!(ids(app, "?q=servicos&country=CL").await.is_empty());
    let stale_feature = &map(app, "?stale=true").await["features"][0];
    assert_eq!(stale_feature["properties"]["stale"], true);
}

/// `GET path` asking for gzip as browsers do: status, `Content-Encoding`, `Vary`, the body as
/// sent.
async fn get_accepting_gzip(app: &TestApp, path: &str) -> (u16, String, String, Vec<u8>) {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .header("accept-encoding", "gzip, deflate, br")
        .send()
        .await
        .expect("request sent");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (encoding, vary) = (header("content-encoding"), header("vary"));
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap_or_default().to_vec();
    (status, encoding, vary, body)
}

fn gunzip(body: &[u8]) -> String {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(body)
        .read_to_string(&mut text)
        .expect("a gzip stream of UTF-8");
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_map_comes_in_gzip_to_clients_that_take_it_and_follows_every_change() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let first = approved(app, place("Primera", "CL", "Antofagasta", -23.65, -70.4)).await;
    let plain = map(app, "").await;
    let (status, encoding, vary, body) =
        get_accepting_gzip(app, &fresh(app, "/v1/map").await).await;
    assert_eq!((status, encoding.as_str()), (200, "gzip"));
    assert_eq!(vary, "accept-encoding");
    let unpacked: Value = serde_json::from_str(&gunzip(&body)).unwrap();
    assert_eq!(unpacked, plain, "the same map, compressed");
    assert_eq!(ids(app, "").await, [first.to_string()]);

    // A new initiative on the map and a change of the first: the next answers, plain and in
    // gzip, hold both, not the map kept from before.
    let second = approved(app, place("Segunda", "AR", "Mendoza", -32.89, -68.83)).await;
    let renamed = ProfileChanges {
        name: Some(Name::new("Primera renombrada").unwrap()),
        ..Default::default()
    };
    change(app, first, renamed).await;
    let (_, encoding, _, body) = get_accepting_gzip(app, &fresh(app, "/v1/map").await).await;
    assert_eq!(encoding, "gzip");
    let unpacked: Value = serde_json::from_str(&gunzip(&body)).unwrap();
    assert_eq!(unpacked, map(app, "").await);
    assert_eq!(unpacked["features"].as_array().unwrap().len(), 2);
    let names: Vec<&str> = unpacked["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Primera renombrada") && names.contains(&"Segunda"),
        "{names:?}"
    );

    // A filtered selection is written for its request, and sent plain.
    let (status, encoding, _, body) =
        get_accepting_gzip(app, &fresh(app, "/v1/map?country=AR").await).await;
    assert_eq!((status, encoding.as_str()), (200, ""));
    let filtered: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(filtered["features"][0]["id"], second.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_change_moves_the_initiative() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let id = approved(
        app,
        place("Clúster Minero", "CL", "Antofagasta", -23.65, -70.4),
    )
    .await;
    let moved = ProfileChanges {
        name: Some(Name::new("Clúster Minero del Perú").unwrap()),
        country: Some(CountryCode::new("PE").unwrap()),
        location: Some(GeoPoint::new(-12.05, -77.04).unwrap()),
        ..Default::default()
    };
    change(app, id, moved).await;
    let feature = &map(app, "?country=PE").await["features"][0];
    assert_eq!(feature["geometry"]["coordinates"], json!([-77.04, -12.05]));
    assert_eq!(feature["properties"]["name"], "Clúster Minero del Perú");
    assert!(ids(app, "?country=CL").await.is_empty());
    assert!(ids(app, "?bbox=-75,-30,-60,-20").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_a_400_that_says_why() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let head = app.head().await;
    let cases = [
        ("colour=red", "unknown query parameter `colour`"),
        ("country=XX", "'XX' is not an assigned"),
        ("country=Chile", "two-letter"),
        ("country=", "empty value"),
        ("sector=litium", "`litium` is not a sector"),
        ("kind=cluster", "is not a kind of initiative"),
        ("maturity=old", "is not a maturity stage"),
        ("stale=maybe", "`true` or `false`"),
        ("bbox=1,2,3", "four numbers"),
        ("bbox=a,2,3,4", "`a` is not a number"),
        ("bbox=-70,-20,-60,-30", "south before north"),
        ("bbox=-200,-20,-60,-10", "between -180 and 180"),
        ("bbox=-70,-95,-60,-10", "between -90 and 90"),
        ("bbox=170,-20,-170,-10", "antimeridian"),
        ("bbox=1,2,3,4&bbox=1,2,3,4", "send bbox once"),
        ("q=%2C%2C", "at least one word"),
        ("as_of=yesterday", "RFC 3339"),
        ("as_of=2999-01-01T00:00:00Z", "in the future"),
        ("min_position=-1", "0 or more"),
    ];
    for (query, expected) in cases {
        let (status, _, body) = get(app, &format!("/v1/map?{query}"), None).await;
        assert_eq!(status, 400, "{query}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{query}: {message}");
    }
    let beyond = format!("/v1/map?min_position={}", head + 1000);
    let (status, _, body) = get(app, &beyond, None).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("beyond the newest event"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auditors_read_the_map_as_of_the_past() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let auditor = app.person_with("Auditora", Role::Auditor).await;
    let auditor = app.token_for(auditor.id).await;
    let member = app.sign_up("Miembro").await;
    let member = app.token_for(member.id).await;
    let before = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    approved(
        app,
        place("Clúster Minero", "CL", "Antofagasta", -23.65, -70.4),
    )
    .await;
    let live = map(app, "").await;
    assert_eq!(live["features"].as_array().unwrap().len(), 1);

    let read = |path: String, token: Option<String>| async move {
        let (status, content_type, body) = get(app, &path, token.as_deref()).await;
        (
            status,
            content_type,
            serde_json::from_str::<Value>(&body).unwrap(),
        )
    };
    let (status, content_type, past) =
        read(format!("/v1/map?as_of={before}"), Some(auditor.clone())).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/geo+json")
    );
    assert_eq!(past, json!({"type": "FeatureCollection", "features": []}));
    let head = app.head().await;
    let (status, _, at_head) =
        read(format!("/v1/map?at_position={head}"), Some(auditor.clone())).await;
    assert_eq!(status, 200);
    assert_eq!(at_head, live);
    let (status, _, filtered) = read(
        format!("/v1/map?at_position={head}&country=AR"),
        Some(auditor),
    )
    .await;
    assert_eq!(
        (status, filtered["features"].as_array().unwrap().len()),
        (200, 0)
    );
    let (status, _, _) = read(format!("/v1/map?as_of={before}"), Some(member)).await;
    assert_eq!(status, 403);
    let (status, _, _) = read(format!("/v1/map?at_position={head}"), None).await;
    assert_eq!(status, 401);
}

/// With the projection history kept every four events, an as-of read starts from the newest
/// place before the moment (tests/tests/read_models/correctness proves it equal to a fold from the
/// start on random histories); here the server keeps it in the background and the reads say
/// what the map held at each moment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn as_of_reads_start_from_the_projection_history_the_server_keeps() {
    let db = store::testing::TestPostgres::create().await;
    let app = &e2e::spawn_app(gateway::Settings {
        history_every_events: 4,
        history_check_secs: 1,
        ..e2e::test_settings(Some(db.url.clone()))
    })
    .await;
    let auditor = app.person_with("Auditora", Role::Auditor).await;
    let auditor = app.token_for(auditor.id).await;
    let mut heads = Vec::new();
    for (n, name) in ["Uno", "Dos", "Tres", "Cuatro", "Cinco"].iter().enumerate() {
        let latitude = -20.0 - n as f64;
        approved(
            app,
            place(
                &format!("Clúster {name}"),
                "CL",
                "Antofagasta",
                latitude,
                -70.0,
            ),
        )
        .await;
        heads.push(app.head().await);
    }
    // The keeper writes places once the feed has grown by whole intervals.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let places = app.state.history.places().await.unwrap();
        if places.iter().any(|p| p.position.position > heads[1]) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the history keeper wrote no place past position {}: {places:?}",
            heads[1]
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // `/metrics` tells how far the kept history is behind the head: the events after the newest
    // place every projection has, once the keeper has saved one past the second initiative.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (status, _, metrics) = get(app, "/metrics", None).await;
        assert_eq!(status, 200);
        let lag = e2e::metric_sample(&metrics, "articula_history_lag_events");
        let kept = app.state.keeper.newest_complete().await.unwrap();
        let kept = kept.map_or(0, |at| at.position);
        if kept > heads[1] && lag == (app.head().await - kept) as f64 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the history lag is {lag}, with the newest complete place at {kept}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // A start restores from the newest place (no snapshot is further on). The keeper may still
    // be saving later places of its round: the start takes one at least as new as the newest
    // before it, and a place it is.
    let newest = app
        .state
        .history
        .newest(
            "map",
            <projections::InitiativeMap as projections::Projection>::SNAPSHOT_VERSION,
        )
        .await
        .unwrap()
        .expect("the map has a place");
    let mut builder = projections::EngineBuilder::new(app.state.log.feed())
        .with_snapshots(store::Snapshots::new(app.state.log.database().clone()))
        .with_history(app.state.history.clone());
    let models = projections::ReadModels::register(&mut builder);
    let restored = builder.build().restore().await.unwrap();
    assert!(restored.restored.contains(&"map"), "{restored:?}");
    let started_at = models.map.status().position;
    assert!(started_at >= newest, "{started_at} is before {newest}");
    let places = app.state.history.places().await.unwrap();
    assert!(
        places
            .iter()
            .any(|p| p.name == "map" && p.position == started_at),
        "{started_at} is a place of the map: {places:?}"
    );
    for (n, head) in heads.iter().enumerate() {
        let path = format!("/v1/map?at_position={head}");
        let (status, _, body) = get(app, &path, Some(&auditor)).await;
        assert_eq!(status, 200, "{body}");
        let past: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            past["features"].as_array().unwrap().len(),
            n + 1,
            "{path}: the initiatives approved by then"
        );
    }
}
