//! Three instances on one PostgreSQL database behind the shipped nginx site (docs/scaling.md):
//! writes are taken by any instance; every instance reads them, waiting for them with the
//! `min_position` a write answered (read-your-writes across instances); one instance killed
//! outright, the proxy sends to the others and the platform goes on.

use serde_json::{json, Value};
use store::testing::TestPostgres;

use crate::support::*;

/// The body of `POST /v1/initiatives` the scaling benchmark also sends, named `name`.
fn initiative(name: &str) -> Value {
    let mut body: Value = serde_json::from_str(&read_repo("ops/bench/initiative.json")).unwrap();
    body["name"] = json!(name);
    body
}

/// The initiatives `token`'s holder manages, read from the instance at `port` once its read
/// models have reached `position`.
async fn managed_at(port: u16, token: &str, position: i64) -> Vec<String> {
    let response = client(None)
        .get(format!(
            "http://127.0.0.1:{port}/v1/me/memberships?min_position={position}"
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "instance {port}");
    let body: Value = response.json().await.unwrap();
    body["initiatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

/// Registers an initiative through the proxy: its id and the position of the write.
fn register_through(nginx: &Nginx, token: &str, name: &str) -> (String, i64) {
    let body = initiative(name);
    let (status, answer) = nginx.json(
        "127.0.0.2",
        "POST",
        "/v1/initiatives",
        Some(&body),
        Some(token),
    );
    written(status, &answer)
}

fn written(status: u16, body: &Value) -> (String, i64) {
    assert_eq!(status, 201, "{body}");
    (
        body["id"].as_str().unwrap().to_string(),
        body["position"].as_i64().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_behind_the_proxy() {
    let pg = TestPostgres::create().await;
    let dir = tempfile::tempdir().unwrap();
    run_ok(
        articula(dir.path())
            .arg("migrate")
            .env("DATABASE_URL", &pg.url),
    );
    let ports = [free_port(), free_port(), free_port()];
    let settings = [
        ("DATABASE_URL", pg.url.as_str()),
        ("ARTICULA_TRUSTED_PROXIES", "127.0.0.1"),
        ("ARTICULA_WRITES_PER_ACCOUNT_PER_MINUTE", "10000"),
    ];
    let mut instances: Vec<Process> = ports
        .iter()
        .map(|port| serve(dir.path(), *port, &settings))
        .collect();
    for port in ports {
        wait_ready(&format!("http://127.0.0.1:{port}")).await;
    }
    let nginx = Nginx::start(&ports);

    let person = json!({
        "email": "ana@example.org", "display_name": "Ana",
        "password": "correct horse battery staple"
    });
    sign_up_through(&nginx, "127.0.0.2", &pg.url, &person).await;
    let credentials = json!({ "email": person["email"], "password": person["password"] });
    let (status, session) = nginx.json(
        "127.0.0.2",
        "POST",
        "/v1/sessions",
        Some(&credentials),
        None,
    );
    assert_eq!(status, 201, "{session}");
    let token = session["token"].as_str().unwrap().to_string();

    // Writes anywhere: directly to each instance, then read on every instance.
    let mut mine = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let response = client(None)
            .post(format!("http://127.0.0.1:{port}/v1/initiatives"))
            .bearer_auth(&token)
            .json(&initiative(&format!("Clúster {i}")))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let (id, position) = written(status, &response.json().await.unwrap());
        mine.push(id);
        for other in ports {
            let seen = managed_at(other, &token, position).await;
            assert!(
                seen.contains(mine.last().unwrap()),
                "instance {other} at {position}"
            );
        }
    }
    // And through the proxy, which spreads them over the instances.
    for i in 0..6 {
        let (id, position) = register_through(&nginx, &token, &format!("Red {i}"));
        mine.push(id);
        for port in ports {
            let seen = managed_at(port, &token, position).await;
            assert!(
                seen.contains(mine.last().unwrap()),
                "instance {port} at {position}"
            );
        }
    }

    // One instance killed outright: the proxy leaves it out and the others take everything.
    instances.remove(0).stop("KILL");
    let mut last = 0;
    for i in 0..6 {
        let (id, position) = register_through(&nginx, &token, &format!("Después {i}"));
        mine.push(id);
        last = position;
        let (status, memberships) = nginx.json(
            "127.0.0.2",
            "GET",
            &format!("/v1/me/memberships?min_position={position}"),
            None,
            Some(&token),
        );
        assert_eq!(status, 200, "{memberships}");
    }
    let refused = "connect() failed (111: Connection refused) while connecting to upstream";
    let killed = format!("upstream: \"http://127.0.0.1:{}/", ports[0]);
    assert!(
        nginx
            .error_log()
            .lines()
            .any(|l| l.contains(refused) && l.contains(&killed)),
        "the proxy tried the killed instance and went on: {}",
        nginx.error_log()
    );
    for port in &ports[1..] {
        let mut seen = managed_at(*port, &token, last).await;
        seen.sort();
        let mut expected = mine.clone();
        expected.sort();
        assert_eq!(seen, expected, "instance {port} has every write");
    }
    for mut instance in instances {
        assert!(instance.stop("TERM").status.success());
    }
}
