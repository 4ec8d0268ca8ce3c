//! Behind a real proxy: the shipped nginx site in front of the real binary, clients on distinct
//! loopback addresses. The per-address sign-in limit sees each client, not the proxy; a client
//! cannot pick its own address with a forged header, through the proxy or around it; TLS,
//! compression and the redirect to HTTPS work; the request logs carry the client's address. The
//! Caddy example is validated by Caddy itself.

use std::process::Command;

use serde_json::{json, Value};

use crate::support::*;

const PASSWORD: &str = "correct horse battery staple";

async fn sign_up(nginx: &Nginx, database_url: &str, name: &str) -> String {
    let email = format!("{name}@example.org");
    let person = json!({ "email": email, "display_name": name, "password": PASSWORD });
    sign_up_through(nginx, "127.0.0.9", database_url, &person).await;
    email
}

fn sign_in_through(
    nginx: &Nginx,
    source: &str,
    email: &str,
    password: &str,
    forged: Option<&str>,
) -> u16 {
    let body = json!({ "email": email, "password": password }).to_string();
    let mut extra = vec!["-H", "content-type: application/json", "--data-raw", &body];
    let header;
    if let Some(forged) = forged {
        header = format!("x-forwarded-for: {forged}");
        extra.extend(["-H", &header]);
    }
    nginx.request(source, "POST", "/v1/sessions", &extra).0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_client_limits_through_nginx() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = {
        let mut command = articula(dir.path());
        command
            .args(["serve", "--port", &port.to_string(), "--log-format", "json"])
            .env("RUST_LOG", "info")
            .env("ARTICULA_SEED_ON_FIRST_START", "false")
            .env("ARTICULA_TRUSTED_PROXIES", "127.0.0.1")
            .env("ARTICULA_SIGN_IN_PER_ADDRESS_PER_MINUTE", "3")
            .env("ARTICULA_PUBLIC_BASE_URL", "https://elsewhere.example.org")
            .stderr(std::process::Stdio::piped());
        let process = Process::spawn("articula", &mut command);
        wait_for_port(port, "articula");
        process
    };
    wait_ready(&format!("http://127.0.0.1:{port}")).await;
    let nginx = Nginx::start(&[port]);

    let database = format!("sqlite://{}", dir.path().join("data/articula.db").display());
    let alice = sign_up(&nginx, &database, "alice").await;
    let bruno = sign_up(&nginx, &database, "bruno").await;
    let carla = sign_up(&nginx, &database, "carla").await;

    // Client A (127.0.0.2) uses up its three attempts, and stays limited even when it forges
    // the header the proxy appends to.
    for _ in 0..3 {
        assert_eq!(
            sign_in_through(&nginx, "127.0.0.2", &alice, "wrong guess one", None),
            401
        );
    }
    assert_eq!(
        sign_in_through(&nginx, "127.0.0.2", &alice, PASSWORD, None),
        429
    );
    assert_eq!(
        sign_in_through(&nginx, "127.0.0.2", &alice, PASSWORD, Some("198.51.100.1")),
        429,
        "a forged X-Forwarded-For does not give a new address"
    );
    // Client B (127.0.0.3), behind the same proxy, is not limited by A's attempts.
    assert_eq!(
        sign_in_through(&nginx, "127.0.0.3", &bruno, PASSWORD, None),
        201
    );

    // Around the proxy, the header is not believed: naming the limited A changes nothing.
    let direct = client(Some("127.0.0.4"))
        .post(format!("http://127.0.0.1:{port}/v1/sessions"))
        .header("x-forwarded-for", "127.0.0.2")
        .json(&json!({ "email": carla, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), 201, "an untrusted peer is its own client");

    // TLS and compression as configured; HTTP is redirected; /metrics is not published.
    let (status, headers) = nginx.request(
        "127.0.0.5",
        "GET",
        "/openapi.json",
        &["--compressed", "-o", "/dev/null", "-D", "-"],
    );
    assert_eq!(status, 200);
    assert!(
        headers
            .to_ascii_lowercase()
            .contains("content-encoding: gzip"),
        "{headers}"
    );
    assert!(
        headers
            .to_ascii_lowercase()
            .contains("strict-transport-security"),
        "{headers}"
    );
    let (status, _) = nginx.request("127.0.0.5", "GET", "/metrics", &[]);
    assert_eq!(status, 404);
    let redirect = Command::new(tool("curl", "curl"))
        .args([
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{redirect_url}",
        ])
        .arg(format!("http://127.0.0.1:{}/v1/map", nginx.http))
        .args(["-H", &format!("host: {SITE}")])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&redirect.stdout),
        format!("301 https://{SITE}/v1/map")
    );

    // The request log names each client, and the origin the proxy forwards is compared with
    // public_base_url (set wrong here on purpose): one warning.
    let output = server.stop("TERM");
    assert!(output.status.success(), "{output:?}");
    let logs = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let signed_in_from: Vec<String> = lines
        .iter()
        .filter(|l| l["message"] == "signed in")
        .map(|l| l["span"]["client"].as_str().unwrap_or("none").to_string())
        .collect();
    assert_eq!(signed_in_from, ["127.0.0.3", "127.0.0.4"], "{logs}");
    let warnings = lines
        .iter()
        .filter(|l| l["level"] == "WARN" && l["forwarded"] == format!("https://{SITE}"))
        .count();
    assert_eq!(warnings, 1, "{logs}");
}

#[test]
fn the_caddy_example_is_valid_and_formatted() {
    let caddy = tool("caddy", "caddy");
    let home = tempfile::tempdir().unwrap();
    let file = repo("ops/proxy/Caddyfile");
    let caddy = |args: &[&str]| {
        let mut command = Command::new(&caddy);
        command
            .args(args)
            .arg(&file)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path());
        command
    };
    let mut validate = caddy(&["validate", "--adapter", "caddyfile", "--config"]);
    let output = validate.output().unwrap();
    assert_success(&validate, &output);
    assert!(String::from_utf8_lossy(&output.stdout).contains("Valid configuration"));
    let formatted = run_ok(&mut caddy(&["fmt"]));
    assert_eq!(
        formatted,
        read_repo("ops/proxy/Caddyfile"),
        "`caddy fmt` would change it"
    );
}
