//! The alert rules and the dashboard (ops/monitoring/): promtool checks the rules and runs their
//! unit tests; every metric they and the dashboard use is one the binary exports; every runbook
//! they point to exists.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

use crate::support::*;

/// Every series name the binary's /metrics can show.
fn exported() -> BTreeSet<String> {
    let text = gateway::metrics::Metrics::default().encode();
    let mut names = BTreeSet::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("# TYPE ") else {
            continue;
        };
        let (name, kind) = rest.split_once(' ').unwrap();
        match kind {
            "counter" => {
                names.insert(format!("{name}_total"));
            }
            "histogram" => {
                for suffix in ["_bucket", "_sum", "_count"] {
                    names.insert(format!("{name}{suffix}"));
                }
            }
            _ => {
                names.insert(name.to_string());
            }
        }
    }
    names
}

/// The `articula_…` names in `text`.
fn used(text: &str) -> BTreeSet<String> {
    text.match_indices("articula_")
        .map(|(at, _)| {
            text[at..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect()
        })
        .collect()
}

fn check_names(what: &str, names: &BTreeSet<String>) {
    let exported = exported();
    assert!(
        exported.contains("articula_http_requests_total"),
        "{exported:?}"
    );
    for name in names {
        assert!(
            exported.contains(name),
            "{what} uses {name}, which the binary does not export"
        );
    }
}

#[test]
fn promtool_checks_and_tests_the_rules() {
    let promtool = tool("promtool", "prometheus");
    let dir = repo("ops/monitoring");
    for args in [
        &["check", "rules", "alerts.yml"][..],
        &["check", "config", "prometheus.yml"],
        &["test", "rules", "alerts.test.yml"],
    ] {
        let mut command = Command::new(&promtool);
        command.current_dir(&dir).args(args);
        let output = command.output().unwrap();
        assert_success(&command, &output);
    }
    let rules = read_repo("ops/monitoring/alerts.yml");
    check_names("alerts.yml", &used(&rules));
    for line in rules.lines() {
        if let Some(path) = line.trim().strip_prefix("runbook: ") {
            assert!(repo(path).exists(), "the runbook {path} does not exist");
        }
    }
}

#[test]
fn the_dashboard_uses_exported_metrics() {
    let text = read_repo("ops/monitoring/grafana-dashboard.json");
    let dashboard: Value = serde_json::from_str(&text).expect("the dashboard is JSON");
    let panels = dashboard["panels"].as_array().unwrap();
    let mut ids = BTreeSet::new();
    let mut expressions = String::new();
    for panel in panels {
        assert!(
            ids.insert(panel["id"].as_u64().unwrap()),
            "panel ids are unique"
        );
        for target in panel["targets"].as_array().into_iter().flatten() {
            expressions.push_str(target["expr"].as_str().unwrap());
            expressions.push('\n');
        }
    }
    let names = used(&expressions);
    assert!(names.len() >= 10, "{names:?}");
    check_names("the dashboard", &names);
}
