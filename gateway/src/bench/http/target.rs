//! The server `articula bench http` measures: built as `articula serve` builds it, on a free
//! loopback port, with the curated seed, write limits raised so that they never answer 429, and
//! signed-in members and a moderator made directly (no mail round trip: arranging, not measuring).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::account::Authority;
use domain::actor::Role;
use domain::values::{AccountId, DisplayName, EmailAddress, Language, Password};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use store::notifications::Notifications;
use store::{Database, EventLog, EventMetadata, Feed};
use tokio::sync::oneshot;

use super::{on_own_runtime, Running};

use crate::access::accounts::SignUp;
use crate::state::AppState;
use crate::{Application, Settings};

/// A running server and the people who act on it.
pub(super) struct Target {
    shared: Arc<Shared>,
    background: Background,
    running: Running,
}

/// What the server's background work reads and writes, seen from the benchmark: whether it has
/// caught up with the commands (see [`Target::settle`]).
struct Background {
    database: Database,
    feed: Feed,
    notifications: Notifications,
}

/// The longest the background may take to catch up before the benchmark gives up on the run.
const SETTLE_AT_MOST: Duration = Duration::from_secs(300);

/// Builds the server, loads the seed, makes the people, says so on `ready`, and serves until
/// `stopped`.
async fn serve(
    settings: Settings,
    ready: oneshot::Sender<(u16, People)>,
    stopped: oneshot::Receiver<()>,
) -> Result<(), String> {
    let app = Application::build(&settings)
        .await
        .map_err(|e| e.to_string())?;
    crate::seed::load(&app.state().log, &settings, &|_| {}).await?;
    let people = People::make(app.state()).await?;
    let _ = ready.send((app.port(), people));
    app.run_until(async {
        let _ = stopped.await;
    })
    .await
    .map_err(|e| e.to_string())
}

impl Background {
    async fn caught_up(&self) -> Result<bool, store::StoreError> {
        let last = self.feed.last_committed().await?;
        if self.notifications.checkpoint().await? < last {
            return Ok(false);
        }
        let (pending, _) = self.notifications.pending_and_failed().await?;
        Ok(pending == 0 && store::chain::unsealed_count(&self.database).await? == 0)
    }
}

/// The bearer tokens of the people who act: members (worker `w` acts as member `w % len`) and
/// a moderator (who opens the community of the reply workload).
struct People {
    members: Vec<String>,
    moderator: String,
}

impl People {
    async fn make(state: &AppState) -> Result<Self, String> {
        let mut members = Vec::new();
        for n in 0..MEMBERS {
            let account = person(state, &format!("member{n}")).await?;
            members.push(token(state, account).await?);
        }
        let moderator = person(state, "moderator").await?;
        state
            .accounts
            .change_role(
                moderator,
                Role::Moderator,
                true,
                Authority::System("articula bench http".into()),
                &EventMetadata::system("articula bench http", "GrantRole"),
            )
            .await
            .map_err(|e| format!("{e:?}"))?;
        Ok(Self {
            members,
            moderator: token(state, moderator).await?,
        })
    }
}

/// What the load's workers share.
struct Shared {
    client: Client,
    base: String,
    /// One bearer token per member: worker `w` acts as member `w % len`.
    members: Vec<String>,
    moderator: String,
}

/// Members made for the workers (the per-account write limit is raised, so sharing is fine).
const MEMBERS: usize = 16;

pub(super) type Operation =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>>;

impl Target {
    pub async fn on_postgres(
        settings: &Settings,
        url: &str,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let data = tempfile::tempdir()?;
        Self::start(Settings {
            database_url: Some(url.to_owned()),
            data_dir: data.keep(),
            ..settings.clone()
        })
        .await
    }

    pub async fn on_sqlite(
        settings: &Settings,
        dir: &Path,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        Self::start(Settings {
            database_url: None,
            data_dir: dir.join("server"),
            ..settings.clone()
        })
        .await
    }

    async fn start(settings: Settings) -> Result<Self, Box<dyn std::error::Error>> {
        let database = Database::connect(&settings.database()?).await?;
        let settings = Settings {
            address: [127, 0, 0, 1].into(),
            port: 0,
            seed_on_first_start: false,
            writes_per_account_per_minute: u32::MAX,
            smtp_host: None,
            ..settings
        };
        let ((port, people), running) = on_own_runtime("the server", |ready, stopped| {
            serve(settings, ready, stopped)
        })
        .await?;
        let base = format!("http://127.0.0.1:{port}");
        let People { members, moderator } = people;
        let shared = Arc::new(Shared {
            client: Client::builder().pool_max_idle_per_host(256).build()?,
            base,
            members,
            moderator,
        });
        // Ready: the projections have caught up with the seed.
        for _ in 0..600 {
            if shared
                .client
                .get(format!("{}/ready", shared.base))
                .send()
                .await?
                .status()
                == StatusCode::OK
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let background = Background {
            feed: EventLog::open(database.clone()).feed(),
            notifications: Notifications::new(&database),
            database,
        };
        Ok(Self {
            shared,
            background,
            running,
        })
    }

    /// Waits until the server's background work has caught up with every command committed so
    /// far, and returns how long that took: the notifier has read the whole feed, every
    /// notification it recorded is sent, and every event is sealed into the global chain. A
    /// command's rate counts this time (`row`): the background does the command's work too, and
    /// a rate it cannot keep up with is not one the server sustains.
    pub async fn settle(&self) -> Result<Duration, String> {
        let started = Instant::now();
        while !self
            .background
            .caught_up()
            .await
            .map_err(|e| e.to_string())?
        {
            if started.elapsed() > SETTLE_AT_MOST {
                return Err(format!(
                    "the server's background work had not caught up after {} s",
                    SETTLE_AT_MOST.as_secs()
                ));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(started.elapsed())
    }

    /// Stops the server (it saves its snapshots as `articula serve` does) and its tasks.
    pub async fn stop(self) {
        self.running.stop().await;
    }

    /// Registering a new initiative, as worker `w`'s member, the `n`th time.
    pub fn register(&self) -> impl Fn(usize, usize) -> Operation + Clone + Send + Sync + 'static {
        let shared = self.shared.clone();
        move |worker, n| {
            let shared = shared.clone();
            Box::pin(async move {
                let body = initiative(&format!("Clúster de prueba {worker}-{n}"));
                shared
                    .post(
                        &shared.members[worker % shared.members.len()],
                        "/v1/initiatives",
                        &body,
                        StatusCode::CREATED,
                    )
                    .await
                    .map(|_| ())
            })
        }
    }

    /// Replying in a thread of one's own (one per worker, started here in an open community).
    pub async fn reply(
        &self,
        workers: usize,
    ) -> Result<impl Fn(usize, usize) -> Operation + Clone + Send + Sync + 'static, String> {
        let shared = self.shared.clone();
        let community = json!({
            "name": format!("Comunidad de prueba {workers}"),
            "theme": { "sector": "lithium", "topic": null },
            "join_policy": "open"
        });
        let community = shared
            .post(
                &shared.moderator,
                "/v1/communities",
                &community,
                StatusCode::CREATED,
            )
            .await?;
        let community = community["id"]
            .as_str()
            .ok_or("no community id")?
            .to_owned();
        let mut threads = Vec::new();
        for worker in 0..workers {
            let member = &shared.members[worker % shared.members.len()];
            if worker < shared.members.len() {
                shared
                    .post(
                        member,
                        &format!("/v1/communities/{community}/membership"),
                        &json!(null),
                        StatusCode::OK,
                    )
                    .await?;
            }
            let thread = json!({ "title": format!("Hilo {worker}"), "body": "Primer mensaje." });
            let thread = shared
                .post(
                    member,
                    &format!("/v1/communities/{community}/threads"),
                    &thread,
                    StatusCode::CREATED,
                )
                .await?;
            threads.push(thread["id"].as_str().ok_or("no thread id")?.to_owned());
        }
        let threads = Arc::new(threads);
        Ok(move |worker: usize, n: usize| {
            let shared = shared.clone();
            let threads = threads.clone();
            Box::pin(async move {
                let body = json!({ "body": format!("Respuesta {n}: {}", "texto de una respuesta ".repeat(10)) });
                let path = format!("/v1/threads/{}/posts", threads[worker]);
                shared
                    .post(
                        &shared.members[worker % shared.members.len()],
                        &path,
                        &body,
                        StatusCode::CREATED,
                    )
                    .await
                    .map(|_| ())
            }) as Operation
        })
    }

    /// Reading `path` anonymously; with `accept`, sending it as `Accept-Encoding` (as browsers
    /// do) and taking the body as sent.
    pub fn read(
        &self,
        path: String,
        accept: Option<&'static str>,
    ) -> impl Fn(usize, usize) -> Operation + Clone + Send + Sync + 'static {
        let url = format!("{}{path}", self.shared.base);
        reading(self.shared.client.clone(), url, accept)
    }

    /// What a GET of `path` answers, as stored: its content type and body.
    pub async fn answer(&self, path: &str) -> Result<(String, bytes::Bytes), String> {
        let url = format!("{}{path}", self.shared.base);
        get(&self.shared.client, &url, None).await
    }

    /// The URL of `path` on the server, for a client of another process (`wrk.rs`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.shared.base)
    }

    /// The bearer tokens the load's workers act with, for a client of another process
    /// (`wrk.rs`).
    pub fn member_tokens(&self) -> &[String] {
        &self.shared.members
    }

    /// A member's bearer token (the same bytes for a server that checks none).
    pub fn a_member_token(&self) -> String {
        self.shared.members[0].clone()
    }

    /// The path of one approved initiative of the seed.
    pub async fn any_initiative_path(&self) -> Result<String, String> {
        let url = format!("{}/v1/map", self.shared.base);
        let map: Value = self
            .shared
            .client
            .get(url)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let id = map["features"][0]["id"]
            .as_str()
            .ok_or("the map is empty")?;
        Ok(format!("/v1/initiatives/{id}"))
    }

    /// The mean time per stage of the commands the server ran, from its `/metrics`.
    pub async fn stage_timings(&self) -> Result<Vec<String>, String> {
        let url = format!("{}/metrics", self.shared.base);
        let text = self
            .shared
            .client
            .get(url)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .text()
            .await
            .map_err(|e| e.to_string())?;
        let mut rows = stage_means(&text);
        let applied = text
            .lines()
            .find_map(|line| line.strip_prefix("articula_projection_events_applied_as_committed "));
        if let Some(applied) = applied {
            rows.push(format!(
                "\nEvents the read models applied as this server committed them, not read back \
                 from the feed: {applied}"
            ));
        }
        Ok(rows)
    }
}

impl Shared {
    /// POSTs `body` with `token`, expecting `status`; answers the JSON body.
    async fn post(
        &self,
        token: &str,
        path: &str,
        body: &Value,
        status: StatusCode,
    ) -> Result<Value, String> {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token);
        if !body.is_null() {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let got = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        if got != status {
            return Err(format!("POST {path}: {got} {text}"));
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// Reading `url` with `client` (see [`get`]), as an operation of the load.
pub(super) fn reading(
    client: Client,
    url: String,
    accept: Option<&'static str>,
) -> impl Fn(usize, usize) -> Operation + Clone + Send + Sync + 'static {
    move |_, _| {
        let (client, url) = (client.clone(), url.clone());
        Box::pin(async move { get(&client, &url, accept).await.map(|_| ()) })
    }
}

/// GETs `url` (with `accept` as `Accept-Encoding`, the body taken as sent), expecting 200;
/// answers the content type and the body.
pub(super) async fn get(
    client: &Client,
    url: &str,
    accept: Option<&str>,
) -> Result<(String, bytes::Bytes), String> {
    let mut request = client.get(url);
    if let Some(accept) = accept {
        request = request.header(reqwest::header::ACCEPT_ENCODING, accept);
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    if status == StatusCode::OK {
        Ok((content_type, body))
    } else {
        Err(format!("GET {url}: {status}"))
    }
}

/// `| stage | commands | mean |` rows from the `articula_command_stage_seconds` histogram.
fn stage_means(metrics: &str) -> Vec<String> {
    let mut rows = vec![
        "| stage | commands | mean |".to_owned(),
        "|---|---:|---:|".to_owned(),
    ];
    let value = |line: &str| line.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok());
    let stage = |line: &str| {
        line.split("stage=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned)
    };
    let mut sums = std::collections::BTreeMap::new();
    for line in metrics.lines() {
        if let (Some(name), Some(v)) = (stage(line), value(line)) {
            if line.starts_with("articula_command_stage_seconds_sum") {
                sums.entry(name).or_insert((0.0, 0.0)).0 = v;
            } else if line.starts_with("articula_command_stage_seconds_count") {
                sums.entry(name).or_insert((0.0, 0.0)).1 = v;
            }
        }
    }
    for (name, (sum, count)) in sums {
        rows.push(format!(
            "| {name} | {count:.0} | {:.2} ms |",
            1000.0 * sum / count.max(1.0)
        ));
    }
    rows
}

async fn person(state: &AppState, name: &str) -> Result<AccountId, String> {
    let input = SignUp {
        email: EmailAddress::new(format!(
            "{name}.{}@bench.example.org",
            uuid::Uuid::new_v4().simple()
        ))
        .map_err(|e| e.to_string())?,
        display_name: DisplayName::new(name).map_err(|e| e.to_string())?,
        password: Password::new(format!("bench-{}", uuid::Uuid::new_v4()))
            .map_err(|e| e.to_string())?,
        phone: None,
        language: Language::default(),
    };
    let (account, _) = state
        .accounts
        .register_confirmed(
            input,
            &EventMetadata::system("articula bench http", "SignUp"),
        )
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(account)
}

async fn token(state: &AppState, account: AccountId) -> Result<String, String> {
    let (token, _) = state
        .accounts
        .sessions()
        .issue(account, chrono::Duration::hours(2))
        .await
        .map_err(|e| e.to_string())?;
    Ok(token.expose().to_string())
}

/// A complete, valid profile (about 600 bytes as JSON).
pub(super) fn initiative(name: &str) -> Value {
    json!({
        "name": name,
        "description": "Proveedores de la minería del cobre y del litio, con servicios de ingeniería, mantenimiento y logística para las faenas de la región.",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_means_are_sum_over_count() {
        let metrics = "articula_command_stage_seconds_sum{stage=\"append\"} 0.5\n\
                       articula_command_stage_seconds_count{stage=\"append\"} 100\n\
                       articula_command_stage_seconds_bucket{stage=\"append\",le=\"0.001\"} 3\n";
        let rows = stage_means(metrics);
        assert_eq!(rows[2], "| append | 100 | 5.00 ms |");
    }
}
