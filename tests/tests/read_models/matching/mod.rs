//! Tests of project matching over HTTP (`GET /v1/joint-projects/{id}/matches`,
//! `GET /v1/initiatives/{id}/matches`) on PostgreSQL: ranked results with their reasons, an
//! invited initiative leaving the candidates as soon as the invitation is answered, who may see
//! what, and bad input.
//!
//! Every write goes over HTTP, so every read right after it must already show it.
//!
//! * [`ranking`]: the order, the reasons, and how writes change the answers at once.
//! * [`refusals`]: who may see what, and bad input.

mod ranking;
mod refusals;

use domain::actor::Role;
use e2e::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

/// Sends a request; returns status and body.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let response = app.request(method, path, token, body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A write that must succeed; returns its answer.
async fn write(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Value {
    let what = format!("{method} {path}");
    let (status, answer) = call(app, method, path, Some(token), body).await;
    assert!(status == 200 || status == 201, "{what}: {status} {answer}");
    answer
}

/// A read that must answer `status`; returns the body.
async fn read(app: &TestApp, path: &str, token: Option<&str>, status: u16) -> Value {
    let (found, body) = call(app, Method::GET, path, token, None).await;
    assert_eq!(found, status, "GET {path}: {body}");
    body
}

/// A new account's token (with `role`, if any).
async fn token(app: &TestApp, name: &str, role: Option<Role>) -> String {
    let person = app.sign_up(name).await;
    if let Some(role) = role {
        app.grant(person.id, role).await;
    }
    app.token_for(person.id).await
}

/// What makes an initiative a candidate.
struct Traits<'a> {
    name: &'a str,
    country: &'a str,
    sectors: &'a [&'a str],
    focus: &'a str,
    maturity: &'a str,
}

/// Registers an initiative over HTTP (approved by `moderator`, when given); returns its id.
async fn initiative(
    app: &TestApp,
    manager: &str,
    moderator: Option<&str>,
    t: Traits<'_>,
) -> String {
    let profile = json!({
        "name": t.name,
        "kind": "cluster_initiative",
        "country": t.country,
        "region": "Región",
        "location": { "lat": -23.65, "lon": -70.4 },
        "sectors": t.sectors,
        "value_chain_focus": t.focus,
        "number_of_firms": 40,
        "governance": {
            "facilitating_organization": "Agencia",
            "private": 40, "public": 30, "academia": 20, "civil_society": 10
        },
        "maturity_stage": t.maturity,
        "founding_year": 2015,
    });
    let answer = write(app, Method::POST, "/v1/initiatives", manager, Some(profile)).await;
    let id = answer["id"].as_str().unwrap().to_string();
    if let Some(moderator) = moderator {
        let approval = format!("/v1/initiatives/{id}/approval");
        write(app, Method::POST, &approval, moderator, None).await;
    }
    id
}

/// The world of docs/matching.md, reduced: a Chilean lithium cluster leads a lithium and
/// electromobility project; an Argentinian electromobility network (A, 0.5) and a Bolivian
/// lithium chain (C, 0.4) are candidates; a Colombian coffee route is not.
struct World {
    moderator: String,
    lead_manager: String,
    a_manager: String,
    lead: String,
    a: String,
    c: String,
    coffee: String,
    project: String,
}

async fn world(app: &TestApp) -> World {
    let moderator = token(app, "Moderadora", Some(Role::Moderator)).await;
    let lead_manager = token(app, "Lucia", None).await;
    let a_manager = token(app, "Ana", None).await;
    let c_manager = token(app, "Carla", None).await;
    let coffee_manager = token(app, "Felipe", None).await;
    let m = Some(moderator.as_str());
    let lead = initiative(
        app,
        &lead_manager,
        m,
        Traits {
            name: "Clúster del Litio de Antofagasta",
            country: "CL",
            sectors: &["lithium", "mining"],
            focus: "Extracción y refinación de litio",
            maturity: "consolidation",
        },
    )
    .await;
    let a = initiative(
        app,
        &a_manager,
        m,
        Traits {
            name: "Red de Electromovilidad de Córdoba",
            country: "AR",
            sectors: &["electromobility", "advanced_manufacturing"],
            focus: "Ensamblaje de vehículos eléctricos y venta de flotas",
            maturity: "construction",
        },
    )
    .await;
    let c = initiative(
        app,
        &c_manager,
        m,
        Traits {
            name: "Cadena del Litio de Potosí",
            country: "BO",
            sectors: &["lithium", "electromobility"],
            focus: "",
            maturity: "launch",
        },
    )
    .await;
    let coffee = initiative(
        app,
        &coffee_manager,
        m,
        Traits {
            name: "Ruta del Café del Huila",
            country: "CO",
            sectors: &["tourism"],
            focus: "",
            maturity: "consolidation",
        },
    )
    .await;
    let proposal = json!({
        "lead_initiative_id": lead,
        "title": "Corredor del litio y la electromovilidad",
        "description": "Baterías con proveedores de la región.",
        "sectors": ["lithium", "electromobility"],
        "objectives": ["Homologar proveedores de celdas"],
    });
    let answer = write(
        app,
        Method::POST,
        "/v1/joint-projects",
        &lead_manager,
        Some(proposal),
    )
    .await;
    World {
        moderator,
        lead_manager,
        a_manager,
        lead,
        a,
        c,
        coffee,
        project: answer["id"].as_str().unwrap().to_string(),
    }
}

/// (initiative id, score) of each candidate, in order.
fn candidates(answer: &Value) -> Vec<(String, f64)> {
    answer["matches"]
        .as_array()
        .unwrap_or_else(|| panic!("matches: {answer}"))
        .iter()
        .map(|m| {
            let id = m["initiative"]["id"].as_str().unwrap().to_string();
            (id, m["score"].as_f64().unwrap())
        })
        .collect()
}
