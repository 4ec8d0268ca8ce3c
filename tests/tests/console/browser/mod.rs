//! A real headless Chromium (Debian's `chromium` and `chromium-driver`), driven over WebDriver
//! with fantoccini, and what the tests read from it: every request the page made (Chromium's
//! performance log), its console messages, and axe-core's verdict.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

/// axe-core, vendored for the tests (tests/vendor/axe-core, see gateway/assets/vendor/README.md).
const AXE: &str = include_str!("../../../vendor/axe-core/axe.min.js");

/// The WCAG rules axe checks: 2.0, 2.1 and 2.2, levels A and AA.
const WCAG_TAGS: [&str; 6] = [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa",
];

/// chromedriver on a free port, stopped when dropped.
pub struct Driver {
    child: Child,
    pub url: String,
    _profiles: tempfile::TempDir,
    profiles: PathBuf,
}

impl Drop for Driver {
    /// Stops chromedriver and every Chromium it started (its process group), also when a test
    /// failed before closing its session.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// The ports the gateway's ops and drills tests take, for the same reason.
#[path = "../../../../gateway/tests/ops/ports.rs"]
mod ports;
use ports::free_port;

impl Driver {
    /// Starts chromedriver; fails loudly when Chromium or its driver is not installed
    /// (`ops/test.sh` installs them).
    pub async fn start() -> Self {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            // Its own process group, which Chromium joins: one signal stops them all.
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "chromedriver runs (Debian: apt-get install chromium chromium-driver; \
                 ops/test.sh installs them)",
            );
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start listening"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profiles = tempfile::tempdir().expect("a temporary folder");
        Self {
            child,
            url,
            profiles: profiles.path().to_owned(),
            _profiles: profiles,
        }
    }

    /// A new browser with an empty profile; `javascript: false` turns scripts off.
    pub async fn browser(&self, javascript: bool) -> Browser {
        let profile = self
            .profiles
            .join(format!("profile-{}", uuid::Uuid::new_v4()));
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            // Without these Chromium calls Google's servers, which the closed network refuses.
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1280,1000".into(),
            "--lang=es".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        if !javascript {
            args.push("--blink-settings=scriptEnabled=false".into());
        }
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": args,
            },
            "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"},
        });
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities.as_object().unwrap().clone())
            .connect(&self.url)
            .await
            .expect("chromedriver opens a Chromium session");
        let browser = Browser { client };
        // Chromium's own start page loads chrome:// resources: not the pages under test.
        browser
            .client
            .goto("about:blank")
            .await
            .expect("a blank page");
        browser.traffic().await;
        browser
    }
}

/// One browser session.
pub struct Browser {
    pub client: Client,
}

/// `POST /session/{id}/se/log`: chromedriver's log of a kind (`browser`, `performance`), drained.
#[derive(Debug)]
struct ReadLog(&'static str);

impl WebDriverCompatibleCommand for ReadLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": self.0 }).to_string()),
        )
    }
}

/// What a page asked the network for and what it said on its console.
#[derive(Debug, Default)]
pub struct Traffic {
    /// Every URL requested.
    pub requests: Vec<String>,
    /// `(url, status)` of every response.
    pub responses: Vec<(String, u64)>,
    /// Requests that failed (blocked, refused, cancelled), with why.
    pub failures: Vec<String>,
    /// Console messages at level SEVERE (errors, CSP violations).
    pub errors: Vec<String>,
}

impl Browser {
    async fn log(&self, kind: &'static str) -> Vec<Value> {
        let value = self
            .client
            .issue_cmd(ReadLog(kind))
            .await
            .unwrap_or_else(|e| panic!("chromedriver gives the {kind} log: {e}"));
        value.as_array().cloned().unwrap_or_default()
    }

    /// Everything since the last call: the logs are drained as they are read.
    pub async fn traffic(&self) -> Traffic {
        let mut traffic = Traffic::default();
        for entry in self.log("performance").await {
            let Some(message) = entry["message"].as_str() else {
                continue;
            };
            let message: Value = serde_json::from_str(message).unwrap_or_default();
            let params = &message["message"]["params"];
            match message["message"]["method"].as_str() {
                Some("Network.requestWillBeSent") => {
                    if let Some(url) = params["request"]["url"].as_str() {
                        traffic.requests.push(url.to_owned());
                    }
                }
                Some("Network.responseReceived") => {
                    let url = params["response"]["url"].as_str().unwrap_or_default();
                    let status = params["response"]["status"].as_u64().unwrap_or_default();
                    traffic.responses.push((url.to_owned(), status));
                }
                Some("Network.loadingFailed") => {
                    traffic.failures.push(format!(
                        "{} {} {}",
                        params["errorText"], params["blockedReason"], params["type"]
                    ));
                }
                _ => {}
            }
        }
        for entry in self.log("browser").await {
            if entry["level"] == "SEVERE" {
                traffic
                    .errors
                    .push(entry["message"].as_str().unwrap_or_default().to_owned());
            }
        }
        traffic
    }

    /// axe-core's violations of WCAG 2.x A and AA on the current page, one line each.
    ///
    /// One exemption, for one rule: the target size of the map's markers (WCAG 2.2 § 2.5.8).
    /// A point's place is its information and clusters sit where their points are, so they may
    /// lie close together; the criterion's "equivalent" exception applies, since every point is
    /// also a link of the same page's table (and "essential" too). Every other target on the page,
    /// and every other rule everywhere, is checked.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let injected = self
            .client
            .execute(&format!("{AXE}\nreturn typeof axe;"), vec![])
            .await
            .expect("axe-core is injected");
        assert_eq!(injected, "object", "axe-core loaded");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const lines = r => r.violations.map(v =>
                     v.id + ' (' + v.impact + '): ' + v.help + ' at ' +
                     v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '));
                 const tags = arguments[0];
                 (async () => {
                     const all = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               rules: {'target-size': {enabled: false}}});
                     const size = await axe.run({exclude: [['.leaflet-marker-pane']]},
                                                {runOnly: {type: 'rule', values: ['target-size']}});
                     return lines(all).concat(lines(size));
                 })().then(done).catch(e => done(['axe failed: ' + e]));",
                vec![json!(WCAG_TAGS)],
            )
            .await
            .expect("axe-core runs");
        result
            .as_array()
            .map(|v| {
                v.iter()
                    .map(|s| s.as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Runs `script` until it returns something truthy; panics with `what` after `timeout`.
    pub async fn wait_for(&self, script: &str, what: &str, timeout: Duration) -> Value {
        let started = Instant::now();
        loop {
            let value = self
                .client
                .execute(script, vec![])
                .await
                .unwrap_or(Value::Null);
            let truthy = match &value {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            };
            if truthy {
                return value;
            }
            if started.elapsed() >= timeout {
                let at = self.client.current_url().await.map(|u| u.to_string());
                self.screenshot("failed-wait").await;
                panic!("waited in vain for {what}, at {at:?} (target/screenshots/failed-wait.png)");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("`{script}` runs: {e}"))
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = screenshots();
        std::fs::create_dir_all(&dir).expect("the screenshot folder");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("the screenshot is saved");
    }
}

/// `target/screenshots/`, where the screenshots are kept for a reviewer.
pub fn screenshots() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("screenshots")
}
pub mod steps;

pub(crate) use steps::*;
