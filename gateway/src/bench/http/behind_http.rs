//! The bare framework behind the same HTTP path as Articula: what any command served over HTTP
//! costs on this machine before it does anything of its own.
//!
//! The bare framework (`bare.rs`) is called in-process, with no HTTP at all, so its ratio to
//! Articula over HTTP mixes two costs: the HTTP round trip (this process's client, the loopback
//! socket, hyper and axum, reading a JSON body) and what Articula does beyond the bare
//! framework. Here the bare framework's command is served by Articula's own server loop
//! ([`crate::serve::serve`]) on a free loopback port, on a runtime like the server's, and driven
//! by the same client with the same body and bearer header as Articula's register. Its handler
//! reads the body as JSON and executes the bare command: the rate a server can reach on this
//! machine when its commands cost what the bare framework's do.
//!
//! It also answers GETs of Articula's read paths with the bytes Articula answered them with,
//! kept in memory ([`Stored`]): the rate of a read that costs nothing but its HTTP round trip.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use reqwest::Client;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::bare::Bare;
use super::target::{self, initiative, Operation};
use super::{on_own_runtime, Running};

/// Where the bare framework behind HTTP keeps its events.
pub(super) enum Storage {
    /// A PostgreSQL database (empty) at this URL.
    Postgres(String),
    /// A new SQLite file at this path.
    Sqlite(PathBuf),
}

/// A read's answer, served from memory at the path Articula serves it at.
pub(super) struct Stored {
    pub path: String,
    pub content_type: String,
    pub body: bytes::Bytes,
}

/// The bare framework served over HTTP, and a client for it.
pub(super) struct BehindHttp {
    shared: Arc<Shared>,
    running: Running,
}

struct Shared {
    client: Client,
    base: String,
    /// One of Articula's members' bearer tokens, sent so that both servers read the same bytes
    /// (the bare framework has no accounts, so nothing checks it).
    token: String,
}

impl BehindHttp {
    /// Starts the server on its own thread and runtime (two workers, as `Target`'s), answering
    /// `stored` from memory beside the bare framework's commands.
    pub async fn start(
        storage: Storage,
        token: String,
        stored: Vec<Stored>,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let (address, running) = on_own_runtime("the bare framework's server", |ready, stopped| {
            serve(storage, stored, ready, stopped)
        })
        .await?;
        Ok(Self {
            shared: Arc::new(Shared {
                client: Client::builder().pool_max_idle_per_host(256).build()?,
                base: format!("http://{address}"),
                token,
            }),
            running,
        })
    }

    pub async fn stop(self) {
        self.running.stop().await;
    }

    /// The URL of `path` on this server, for a client of another process (`wrk.rs`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.shared.base)
    }

    /// Writing on a fresh stream each time, as a register does.
    pub fn fresh(
        &self,
        clients: usize,
    ) -> impl Fn(usize, usize) -> Operation + Clone + Send + Sync + 'static {
        self.write(move |worker, n| format!("fresh-{clients}-{worker}-{n}"))
    }

    /// Writing on one growing stream per worker, as replies in one's own thread do.
    pub fn growing(
        &self,
        clients: usize,
    ) -> impl Fn(usize, usize) -> Operation + Clone + Send + Sync + 'static {
        self.write(move |worker, _| format!("growing-{clients}-{worker}"))
    }

    /// Reading `path`'s stored answer.
    pub fn read(
        &self,
        path: &str,
    ) -> impl Fn(usize, usize) -> Operation + Clone + Send + Sync + 'static {
        let url = format!("{}{path}", self.shared.base);
        target::reading(self.shared.client.clone(), url, None)
    }

    fn write(
        &self,
        stream: impl Fn(usize, usize) -> String + Clone + Send + Sync + 'static,
    ) -> impl Fn(usize, usize) -> Operation + Clone + Send + Sync + 'static {
        let shared = self.shared.clone();
        move |worker, n| {
            let shared = shared.clone();
            let url = format!("{}/notes/{}", shared.base, stream(worker, n));
            Box::pin(async move {
                let body = initiative(&format!("Clúster de prueba {worker}-{n}"));
                let response = shared
                    .client
                    .post(&url)
                    .bearer_auth(&shared.token)
                    .json(&body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = response.status();
                let text = response.text().await.map_err(|e| e.to_string())?;
                if status == reqwest::StatusCode::CREATED {
                    Ok(())
                } else {
                    Err(format!("POST {url}: {status} {text}"))
                }
            }) as Operation
        }
    }
}

async fn serve(
    storage: Storage,
    stored: Vec<Stored>,
    ready: oneshot::Sender<SocketAddr>,
    stopped: oneshot::Receiver<()>,
) -> Result<(), String> {
    let bare = match storage {
        Storage::Postgres(url) => Bare::on_postgres(&url).await,
        Storage::Sqlite(path) => Bare::on_sqlite(&path).await,
    }
    .map_err(|e| e.to_string())?;
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| e.to_string())?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let mut router = Router::new()
        .route("/notes/{stream}", post(write))
        .with_state(Arc::new(bare));
    for Stored {
        path,
        content_type,
        body,
    } in stored
    {
        let answer = move || async move { ([(CONTENT_TYPE, content_type)], body) };
        router = router.route(&path, get(answer));
    }
    let _ = ready.send(address);
    let shutdown = async {
        let _ = stopped.await;
    };
    crate::serve::serve(listener, router, shutdown, std::time::Duration::ZERO)
        .await
        .map_err(|error| error.to_string())
}

/// The whole of the bare framework's endpoint: the body read as JSON, one command executed.
async fn write(
    State(bare): State<Arc<Bare>>,
    Path(stream): Path<String>,
    Json(_body): Json<Value>,
) -> Result<(StatusCode, Json<Value>), (StatusCode, String)> {
    bare.write(&stream)
        .await
        .map_err(|error| (StatusCode::INTERNAL_SERVER_ERROR, error))?;
    Ok((StatusCode::CREATED, Json(json!({ "id": stream }))))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ceiling measures what it says: each operation is a real command of the bare framework
    /// (an event on the stream it names), and a read answers the stored bytes.
    #[tokio::test]
    async fn each_write_executes_the_bare_command_and_reads_answer_the_stored_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bare.db");
        let stored = Stored {
            path: "/v1/map".into(),
            content_type: "application/geo+json".into(),
            body: bytes::Bytes::from_static(b"{\"type\":\"FeatureCollection\",\"features\":[]}"),
        };
        let behind = BehindHttp::start(Storage::Sqlite(file.clone()), "token".into(), vec![stored])
            .await
            .unwrap();
        behind.fresh(1)(0, 0).await.unwrap();
        behind.fresh(1)(0, 1).await.unwrap();
        let growing = behind.growing(1);
        growing(0, 0).await.unwrap();
        growing(0, 1).await.unwrap();
        let url = format!("{}/v1/map", behind.shared.base);
        let (content_type, body) = target::get(&behind.shared.client, &url, None)
            .await
            .unwrap();
        behind.read("/v1/map")(0, 0).await.unwrap();
        behind.stop().await;

        assert_eq!(content_type, "application/geo+json");
        assert_eq!(
            &body[..],
            b"{\"type\":\"FeatureCollection\",\"features\":[]}"
        );
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        let streams: Vec<(String, i64)> = sqlx::query_as(
            "SELECT aggregate_id, max(sequence) FROM events GROUP BY aggregate_id ORDER BY 1",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(
            streams,
            vec![
                ("fresh-1-0-0".to_owned(), 1),
                ("fresh-1-0-1".to_owned(), 1),
                ("growing-1-0".to_owned(), 2),
            ]
        );
    }
}
