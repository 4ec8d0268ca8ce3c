//! The real binary as a child process, its first administrator, and the figures a drill prints.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Where a drill's server keeps its data: a PostgreSQL URL, or the embedded SQLite file.
#[derive(Clone)]
pub enum Store {
    Postgres(String),
    Sqlite,
}

/// One `articula serve` process.
pub struct Server {
    child: Option<Child>,
    pub base: String,
    pub port: u16,
    dir: PathBuf,
    store: Store,
    env: Vec<(String, String)>,
}

pub use crate::ports::free_port;

fn articula(dir: &Path, store: &Store, env: &[(String, String)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_articula"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("ARTICULA_PORT")
        .env("RUST_LOG", "warn")
        .env("ARTICULA_DATA_DIR", dir.join("data"))
        .env("ARTICULA_SEED_ON_FIRST_START", "false")
        // Limits high enough for a burst from one account and one address.
        .env("ARTICULA_WRITES_PER_ACCOUNT_PER_MINUTE", "1000000")
        .env("ARTICULA_SIGN_IN_PER_ADDRESS_PER_MINUTE", "10000")
        .env("ARTICULA_SIGN_IN_PER_ACCOUNT_AND_ADDRESS_PER_HOUR", "10000")
        .env("ARTICULA_SIGN_IN_PER_ACCOUNT_PER_HOUR", "10000")
        // A key left pending by a crash may run again after 2 s instead of a minute.
        .env("ARTICULA_IDEMPOTENCY_TAKEOVER_SECS", "2");
    if let Store::Postgres(url) = store {
        command.env("DATABASE_URL", url);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

impl Server {
    /// Starts `articula serve` on a free port and waits until `/ready` answers 200.
    pub async fn start(dir: &Path, store: Store, env: &[(&str, &str)]) -> Self {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let port = free_port();
        let mut server = Self {
            child: None,
            base: format!("http://127.0.0.1:{port}"),
            port,
            dir: dir.to_path_buf(),
            store,
            env,
        };
        server.spawn();
        server.wait_ready().await;
        server
    }

    fn spawn(&mut self) {
        // Each start logs (as JSON lines) to a file of its own in the drill's directory.
        let log = std::fs::File::create(self.log_path()).expect("a log file");
        let child = articula(&self.dir, &self.store, &self.env)
            .args([
                "serve",
                "--port",
                &self.port.to_string(),
                "--log-format",
                "json",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("articula starts");
        self.child = Some(child);
    }

    fn log_path(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// The lines the current (or last) process logged at ERROR.
    pub fn errors(&self) -> Vec<String> {
        std::fs::read_to_string(self.log_path())
            .unwrap_or_default()
            .lines()
            .filter(|line| {
                serde_json::from_str::<Value>(line).map_or(true, |entry| entry["level"] == "ERROR")
            })
            .map(String::from)
            .collect()
    }

    /// Changes a setting for the next start.
    pub fn set_env(&mut self, name: &str, value: &str) {
        self.env.retain(|(n, _)| n != name);
        self.env.push((name.to_string(), value.to_string()));
    }

    /// Starts the same server again (same port, store and settings) after it stopped.
    pub async fn restart(&mut self) {
        self.spawn();
        self.wait_ready().await;
    }

    pub async fn wait_ready(&self) {
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(response) = client.get(format!("{}/ready", self.base)).send().await {
                if response.status() == 200 {
                    return;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no shutdown of any kind.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("kill -9");
            child.wait().expect("reaped");
        }
    }

    /// The process id of the running server.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Waits for the process to exit (after a signal sent elsewhere).
    pub fn wait_exit(&mut self) -> ExitStatus {
        self.child.take().expect("running").wait().expect("exits")
    }

    /// Runs another `articula` command against the same store and settings; its stdout.
    pub fn command(&self, args: &[&str]) -> String {
        let output = articula(&self.dir, &self.store, &self.env)
            .args(args)
            .output()
            .expect("articula runs");
        assert!(
            output.status.success(),
            "articula {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).to_string()
    }

    /// The first administrator, made with `articula admin create` and activated over HTTP; a
    /// bearer token. Administrators are members too: they may register initiatives.
    pub async fn admin_token(&self) -> String {
        let created = self.command(&["admin", "create", "--email", "operator@example.org"]);
        let account = created
            .lines()
            .find_map(|l| l.strip_prefix("administrator account created: "))
            .expect("the account id is printed")
            .trim()
            .to_string();
        let secret = created
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("art_"))
            .expect("a one-time secret is printed")
            .to_string();
        let client = reqwest::Client::new();
        let password = "a long passphrase kept for the tests";
        let activated = client
            .post(format!("{}/v1/accounts/activation", self.base))
            .json(&json!({ "account_id": account, "secret": secret, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            activated.status(),
            200,
            "{}",
            activated.text().await.unwrap()
        );
        let session: Value = client
            .post(format!("{}/v1/sessions", self.base))
            .json(&json!({ "email": "operator@example.org", "password": password }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        session["token"].as_str().expect("a token").to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// The body of `POST /v1/initiatives` for an initiative called `name`.
pub fn initiative(name: &str) -> Value {
    json!({
        "name": name,
        "description": "Proveedores de la minería del cobre y del litio.",
        "kind": "cluster_initiative",
        "country": "CL",
        "region": "Antofagasta",
        "location": { "lat": -23.6509, "lon": -70.3975 },
        "sectors": ["mining", "lithium"],
        "value_chain_focus": "Servicios a la minería",
        "strategic_focus": ["innovation"],
        "number_of_firms": 120,
        "governance": {
            "facilitating_organization": "Asociación de Industriales",
            "private": 50, "public": 30, "academia": 15, "civil_society": 5
        },
        "funding_sources": ["member_fees"],
        "maturity_stage": "consolidation",
        "founding_year": 2005
    })
}

/// How many `InitiativeRegistered` events the store holds per initiative name.
pub async fn registered_names(store: &Store, dir: &Path) -> BTreeMap<String, usize> {
    const SQL_PG: &str =
        "SELECT payload::text FROM events WHERE event_type = 'InitiativeRegistered'";
    const SQL_SQLITE: &str = "SELECT payload FROM events WHERE event_type = 'InitiativeRegistered'";
    let payloads: Vec<String> = match store {
        Store::Postgres(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let rows = sqlx::query_scalar(SQL_PG).fetch_all(&pool).await.unwrap();
            pool.close().await;
            rows
        }
        Store::Sqlite => {
            let url = format!("sqlite://{}", dir.join("data/articula.db").display());
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            let rows = sqlx::query_scalar(SQL_SQLITE)
                .fetch_all(&pool)
                .await
                .unwrap();
            pool.close().await;
            rows
        }
    };
    let mut names = BTreeMap::new();
    for payload in payloads {
        let payload: Value = serde_json::from_str(&payload).unwrap();
        let name = payload["InitiativeRegistered"]["profile"]["name"]
            .as_str()
            .expect("a registered initiative has a name")
            .to_string();
        *names.entry(name).or_insert(0) += 1;
    }
    names
}

/// Every projection of a running server (as `/ready` lists them) against a rebuild from the
/// log, through the audit API.
pub async fn projections_equal_rebuilds(base: &str, token: &str) {
    let client = reqwest::Client::new();
    let ready: Value = client
        .get(format!("{base}/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<String> = ready["projections"]
        .as_array()
        .expect("a list of projections")
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!names.is_empty());
    for name in names {
        let verified: Value = client
            .get(format!("{base}/v1/audit/projections/{name}/verify"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(verified["equal"], true, "{name}: {verified}");
    }
}

/// `articula verify --json` on the server's store: the chains hold.
pub fn verify_ok(server: &Server) -> Value {
    let report: Value = serde_json::from_str(server.command(&["verify", "--json"]).trim()).unwrap();
    assert!(report["first_break"].is_null(), "{report}");
    report
}

/// A drill's figures, printed at its end.
#[derive(Default)]
pub struct Figures {
    pub sent: usize,
    pub acknowledged: usize,
    pub present: usize,
    pub duplicated: usize,
    pub statuses: BTreeMap<String, usize>,
}

impl Figures {
    pub fn count(&mut self, outcome: &str) {
        *self.statuses.entry(outcome.to_string()).or_insert(0) += 1;
    }

    pub fn print(&self, drill: &str) {
        println!(
            "drill {drill}: sent {}, acknowledged {}, present {}, duplicated {}, statuses {:?}",
            self.sent, self.acknowledged, self.present, self.duplicated, self.statuses
        );
    }
}
