//! The API against its own OpenAPI document: schemathesis (pinned, installed by `ops/test.sh`)
//! generates requests from `/openapi.json` (the documented examples, then property-based
//! fuzzing, valid and invalid) and sends them to the real server on PostgreSQL, as a visitor, as
//! a member and as an administrator. Every answer must be documented: its status code, its
//! content type, its headers and its body's schema, and no answer may be a 5xx.
//!
//! Deliberate exclusions (each run):
//! - `DELETE /v1/sessions/current`: it signs the run's own token out, after which every other
//!   request of that run would only test the 401 (tested in tests/accounts.rs).
//! - `POST /v1/accounts/{id}/erasure`, `PUT /v1/accounts/{id}/roles/{role}`,
//!   `DELETE /v1/accounts/{id}/roles/{role}`, `DELETE /v1/accounts/{id}/sessions` and
//!   `PUT /v1/me/password` for the administrator: the examples name the administrator's own
//!   account, and erasing it or revoking its role would end the run's rights midway (these
//!   routes are fuzzed as visitor and member, and tested in tests/administration.rs).

use std::process::Command;

use e2e::spawn_on_postgres;

/// Routes the administrator's run leaves out (see the module documentation).
const OWN_ACCOUNT: &[&str] = &[
    "/v1/accounts/{id}/erasure",
    "/v1/accounts/{id}/roles/{role}",
    "/v1/accounts/{id}/sessions",
    "/v1/me/password",
];

const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
                      response_headers_conformance,response_schema_conformance";

/// Where `ops/test.sh` put schemathesis.
fn schemathesis() -> String {
    std::env::var("ARTICULA_TEST_SCHEMATHESIS").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_default();
        format!("{home}/.cache/articula/schemathesis-4.32.5/bin/schemathesis")
    })
}

fn run(address: &str, caller: &str, token: Option<&str>, excluded: &[&str]) -> String {
    let binary = schemathesis();
    assert!(
        std::path::Path::new(&binary).exists(),
        "schemathesis is not installed at {binary}: run `bash ops/test.sh`, which installs it"
    );
    // schemathesis keeps a cache of crashes in its working directory: not in the source tree.
    let scratch = tempfile::tempdir().expect("a scratch directory");
    let mut command = Command::new(&binary);
    command
        .current_dir(scratch.path())
        .arg("run")
        .arg(format!("{address}/openapi.json"))
        .args(["--checks", CHECKS])
        .args(["--phases", "examples,fuzzing"])
        .args(["--max-examples", "6"])
        .args(["--seed", "15"])
        .args(["--workers", "2"])
        .args(["--generation-database", "none"])
        .args(["--request-timeout", "30"])
        .args(["--suppress-health-check", "all"])
        // The run's own token, never one generated from the security scheme.
        .args(["--generation-with-security-parameters", "false"])
        .arg("--no-color");
    if let Some(token) = token {
        command.args(["--header", &format!("Authorization: Bearer {token}")]);
    }
    for path in excluded {
        command.args(["--exclude-path", path]);
    }
    command.args(["--exclude-path", "/v1/sessions/current"]);
    let output = command.output().expect("schemathesis runs");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "schemathesis found failures as {caller}:\n{text}"
    );
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_is_documented_for_visitors_members_and_administrators() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let member = app.sign_up("Contract").await;
    let member_token = app.sign_in(&member).await;
    let admin = app.admin().await;
    let admin_token = app.sign_in(&admin).await;
    let address = app.address.clone();
    let runs: [(&str, Option<String>, &'static [&'static str]); 3] = [
        ("a visitor", None, &[]),
        ("a member", Some(member_token), &[]),
        ("an administrator", Some(admin_token), OWN_ACCOUNT),
    ];
    for (caller, token, excluded) in runs {
        let address = address.clone();
        let output =
            tokio::task::spawn_blocking(move || run(&address, caller, token.as_deref(), excluded))
                .await
                .unwrap();
        let summary: Vec<&str> = output.lines().rev().take(12).collect();
        eprintln!("schemathesis as {caller}:");
        for line in summary.into_iter().rev() {
            eprintln!("  {line}");
        }
        assert!(output.contains("passed"), "{caller}: {output}");
    }
}
