//! Claims on the moderation queue over HTTP (`POST`/`DELETE /v1/moderation/claims/{kind}/{id}`,
//! and each item's `claim` in `GET /v1/moderation/queue`), and the queue's country filter.
//! Claims are rows beside the log, so two servers on one database agree on them.

use domain::actor::Role;
use e2e::{spawn_app, spawn_on_postgres, test_settings};
use reqwest::Method;
use serde_json::{json, Value};

use super::memberships::{get, register, signed_up, write};

const QUEUE: &str = "/v1/moderation/queue";

async fn call(app: &e2e::TestApp, method: Method, path: &str, token: &str) -> (u16, Value) {
    let response = app.request(method, path, Some(token), None).await;
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// The queue item about `id`.
fn item<'a>(queue: &'a Value, id: &str) -> &'a Value {
    queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {queue}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_moderators_claiming_at_once_on_two_servers_one_wins_and_both_servers_say_so() {
    let env = spawn_on_postgres().await;
    let first = &env.app;
    // A second server on the same database, as behind a load balancer.
    let second = spawn_app(test_settings(Some(env.db.url.clone()))).await;
    second.wait_ready().await;
    let (ana, ana_token) = signed_up(first, "Ana", None).await;
    let (one, one_token) = signed_up(first, "Uno", Some(Role::Moderator)).await;
    let (two, two_token) = signed_up(first, "Dos", Some(Role::Moderator)).await;
    let body = e2e::initiative_json("Red Textil Andina");
    let registered = write(
        first,
        Method::POST,
        "/v1/initiatives",
        &ana_token,
        Some(body),
    )
    .await;
    let initiative = registered["id"].as_str().unwrap().to_string();
    let claim = format!("/v1/moderation/claims/initiative/{initiative}");
    // The second server reads the registration from the feed a moment later; a moderator there
    // sees it once it has, as `min_position` says (the claims race each other, not the feed).
    let caught_up = format!("{QUEUE}?min_position={}", registered["position"]);
    get(&second, &caught_up, Some(&two_token), 200).await;

    // Nobody claimed it yet; the item says where to claim it.
    let queue = get(first, QUEUE, Some(&one_token), 200).await;
    assert!(item(&queue, &initiative).get("claim").is_none(), "{queue}");
    assert_eq!(item(&queue, &initiative)["claim_href"], claim);

    for round in 0..5 {
        let (a, b) = tokio::join!(
            call(first, Method::POST, &claim, &one_token),
            call(&second, Method::POST, &claim, &two_token),
        );
        let outcomes = [a.0, b.0];
        assert!(
            outcomes.contains(&200) && outcomes.contains(&409),
            "round {round}: exactly one wins: {a:?} {b:?}"
        );
        let (winner, winner_token, loser_answer) = if a.0 == 200 {
            (one.id, &one_token, &b.1)
        } else {
            (two.id, &two_token, &a.1)
        };
        // The loser is told who holds it.
        assert_eq!(
            loser_answer["error"]["current"]["claimed_by"],
            json!(winner),
            "{loser_answer}"
        );
        // Both servers show the same claim in the queue.
        for server in [first, &second] {
            let queue = get(server, QUEUE, Some(&one_token), 200).await;
            assert_eq!(
                item(&queue, &initiative)["claim"]["claimed_by"],
                json!(winner)
            );
        }
        // Claiming again renews one's own claim.
        let (status, renewed) = call(first, Method::POST, &claim, winner_token).await;
        assert_eq!(status, 200, "{renewed}");
        assert_eq!(renewed["claimed_by"], json!(winner));
        // Only the holder's release lets go of it.
        let other_token = if winner == one.id {
            &two_token
        } else {
            &one_token
        };
        let (status, kept) = call(&second, Method::DELETE, &claim, other_token).await;
        assert_eq!((status, &kept["released"]), (200, &json!(false)));
        let queue = get(first, QUEUE, Some(&one_token), 200).await;
        assert_eq!(
            item(&queue, &initiative)["claim"]["claimed_by"],
            json!(winner)
        );
        let (status, released) = call(&second, Method::DELETE, &claim, winner_token).await;
        assert_eq!((status, &released["released"]), (200, &json!(true)));
        let queue = get(
            second_or(first, &second, round),
            QUEUE,
            Some(&two_token),
            200,
        )
        .await;
        assert!(item(&queue, &initiative).get("claim").is_none(), "{queue}");
    }

    // Members may not claim; an unknown kind, a bad id, or nothing waiting are named.
    let (status, _) = call(first, Method::POST, &claim, &ana_token).await;
    assert_eq!(status, 403);
    let (status, _) = call(
        first,
        Method::POST,
        &format!("/v1/moderation/claims/initiatives/{initiative}"),
        &one_token,
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = call(
        first,
        Method::POST,
        "/v1/moderation/claims/initiative/not-an-id",
        &one_token,
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = call(
        first,
        Method::POST,
        &format!("/v1/moderation/claims/profile_change/{initiative}"),
        &one_token,
    )
    .await;
    assert_eq!(status, 404, "no profile change waits on a new initiative");

    // A decision ends the claim: a resubmitted initiative comes back unclaimed.
    let (status, _) = call(first, Method::POST, &claim, &one_token).await;
    assert_eq!(status, 200);
    let rejection = json!({ "reason": "Falta la región." });
    let answer = first
        .request(
            Method::POST,
            &format!("/v1/initiatives/{initiative}/rejection"),
            Some(&two_token),
            Some(rejection),
        )
        .await;
    assert_eq!(answer.status(), 200);
    write(
        first,
        Method::POST,
        &format!("/v1/initiatives/{initiative}/resubmission"),
        &ana_token,
        None,
    )
    .await;
    let queue = get(first, QUEUE, Some(&one_token), 200).await;
    assert!(item(&queue, &initiative).get("claim").is_none(), "{queue}");
    let _ = ana;
}

fn second_or<'a>(
    first: &'a e2e::TestApp,
    second: &'a e2e::TestApp,
    round: usize,
) -> &'a e2e::TestApp {
    if round.is_multiple_of(2) {
        first
    } else {
        second
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_filters_by_country_and_names_a_bad_one() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let (_, ana_token) = signed_up(app, "Ana", None).await;
    let (_, moderator) = signed_up(app, "Moderadora", Some(Role::Moderator)).await;
    // initiative_json is in Chile; one more in Argentina.
    let chilean = register(app, &ana_token, "Clúster del Cobre").await;
    let mut body = e2e::initiative_json("Polo Vitivinícola de Mendoza");
    body["country"] = json!("AR");
    body["region"] = json!("Mendoza");
    body["location"] = json!({ "lat": -32.89, "lon": -68.83 });
    let answer = write(app, Method::POST, "/v1/initiatives", &ana_token, Some(body)).await;
    let argentine = answer["id"].as_str().unwrap().to_string();
    let news = json!({ "kind": "news", "title": "Convocatoria", "summary": "Abierta." });
    write(
        app,
        Method::POST,
        "/v1/publications",
        &ana_token,
        Some(news),
    )
    .await;

    let everything = get(app, QUEUE, Some(&moderator), 200).await;
    assert_eq!(everything["total"], 3);
    assert_eq!(item(&everything, &chilean)["country"], "CL");
    let chile = get(app, &format!("{QUEUE}?country=CL"), Some(&moderator), 200).await;
    let ids: Vec<&Value> = chile["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert_eq!(ids, vec![&json!(chilean)], "{chile}");
    assert_eq!(chile["total"], 1);
    let argentina = get(
        app,
        &format!("{QUEUE}?country=AR&kind=initiative"),
        Some(&moderator),
        200,
    )
    .await;
    assert_eq!(argentina["items"][0]["id"], json!(argentine));
    let none = get(app, &format!("{QUEUE}?country=BR"), Some(&moderator), 200).await;
    assert_eq!(none["total"], 0);
    let bad = get(app, &format!("{QUEUE}?country=XX"), Some(&moderator), 400).await;
    assert!(bad.to_string().contains("country"), "{bad}");
}
