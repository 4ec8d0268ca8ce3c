//! The order and the reasons, and how a write changes the answers at once.

use reqwest::Method;
use serde_json::json;

use super::{candidates, read, world, write};
use e2e::spawn_on_postgres;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn candidates_come_ranked_with_their_reasons_and_an_invited_one_leaves_at_once() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let w = world(app).await;
    let path = format!("/v1/joint-projects/{}/matches", w.project);
    let lead = Some(w.lead_manager.as_str());

    let answer = read(app, &path, lead, 200).await;
    assert_eq!(answer["project_id"], json!(w.project));
    assert_eq!(
        candidates(&answer),
        [(w.a.clone(), 0.5), (w.c.clone(), 0.4)]
    );
    let a = &answer["matches"][0];
    assert_eq!(
        a["initiative"],
        json!({
            "id": w.a,
            "name": "Red de Electromovilidad de Córdoba",
            "country": "AR",
            "sectors": ["electromobility", "advanced_manufacturing"],
        })
    );
    assert_eq!(
        a["reasons"],
        json!([
            { "kind": "shared_sectors", "weight": 0.25, "points": 0.125,
              "detail": "electromobility" },
            { "kind": "complementary_sectors", "weight": 0.15, "points": 0.075,
              "detail": "advanced_manufacturing complements electromobility" },
            { "kind": "complementary_value_chain", "weight": 0.1, "points": 0.1,
              "detail": "adds markets to the lead's primary_production, processing" },
            { "kind": "cross_border", "weight": 0.15, "points": 0.15,
              "detail": "AR, lead in CL" },
            { "kind": "maturity", "weight": 0.1, "points": 0.05,
              "detail": "construction, lead at consolidation" },
        ])
    );
    let one = read(app, &format!("{path}?limit=1"), lead, 200).await;
    assert_eq!(candidates(&one), [(w.a.clone(), 0.5)]);

    // Inviting A: the very next read no longer offers it.
    let invitation = format!("/v1/joint-projects/{}/invitations", w.project);
    let answer = write(
        app,
        Method::POST,
        &invitation,
        &w.lead_manager,
        Some(json!({ "initiative_id": w.a })),
    )
    .await;
    let position = answer["position"].as_i64().unwrap();
    assert_eq!(
        candidates(&read(app, &path, lead, 200).await),
        [(w.c.clone(), 0.4)]
    );
    let waited = format!("{path}?min_position={position}");
    assert_eq!(
        candidates(&read(app, &waited, lead, 200).await),
        [(w.c.clone(), 0.4)]
    );
    let _ = (&w.lead, &w.coffee);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_initiative_sees_the_open_projects_it_could_join_until_it_answers() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let w = world(app).await;
    let project = |action: &str| format!("/v1/joint-projects/{}/{action}", w.project);
    let path = format!("/v1/initiatives/{}/matches", w.a);

    // Not yet approved, and no call open: nothing to join.
    assert_eq!(
        read(app, &path, None, 200).await,
        json!({ "initiative_id": w.a, "matches": [] })
    );
    write(
        app,
        Method::PUT,
        &project("call-for-partners"),
        &w.lead_manager,
        None,
    )
    .await;
    write(
        app,
        Method::POST,
        &project("submission"),
        &w.lead_manager,
        None,
    )
    .await;
    write(app, Method::POST, &project("approval"), &w.moderator, None).await;

    let answer = read(app, &path, None, 200).await;
    let offered = &answer["matches"][0];
    assert_eq!(answer["matches"].as_array().unwrap().len(), 1, "{answer}");
    assert_eq!(offered["project"]["id"], json!(w.project));
    assert_eq!(
        offered["project"]["title"],
        "Corredor del litio y la electromovilidad"
    );
    assert_eq!(offered["project"]["status"], "approved");
    assert_eq!(offered["project"]["lead"]["id"], json!(w.lead));
    assert_eq!(
        offered["project"]["sectors"],
        json!(["lithium", "electromobility"])
    );
    // The same score and reasons as A has among the project's candidates.
    let from_project = read(app, &project("matches"), None, 200).await;
    assert_eq!(offered["score"], from_project["matches"][0]["score"]);
    assert_eq!(offered["reasons"], from_project["matches"][0]["reasons"]);
    let coffee = format!("/v1/initiatives/{}/matches", w.coffee);
    assert_eq!(read(app, &coffee, None, 200).await["matches"], json!([]));

    // Once A has answered the call there is nothing more for it to do there.
    let interest = json!({ "initiative_id": w.a });
    write(
        app,
        Method::POST,
        &project("interests"),
        &w.a_manager,
        Some(interest),
    )
    .await;
    assert_eq!(read(app, &path, None, 200).await["matches"], json!([]));
    let c = format!("/v1/initiatives/{}/matches", w.c);
    assert_eq!(
        read(app, &c, None, 200).await["matches"][0]["score"],
        json!(0.4)
    );
}
