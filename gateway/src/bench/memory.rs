//! `articula bench memory`: the resident memory of a real server (this binary's `serve`, as a
//! process of its own, so that nothing of the benchmark counts) when ready and after a round of
//! reads, from its `/proc/<pid>/status`.
//!
//! Without a database URL it serves a new data directory, so that its first start loads the
//! curated seed into the embedded SQLite store, then starts again on the same directory. With
//! one (a store `bench projections --keep` left, say) it serves that store once.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::Client;

/// Reads made between the two measurements: the console's home, the map plain and in gzip.
const PATHS: [(&str, Option<&str>); 3] = [
    ("/", None),
    ("/v1/map", None),
    ("/v1/map", Some("gzip, deflate, br, zstd")),
];

pub async fn memory(
    database_url: Option<&str>,
    rounds: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    println!("# articula bench memory: {rounds} rounds of `/`, `/v1/map`, `/v1/map` in gzip\n");
    println!("| server | moment | resident | peak |");
    println!("|---|---|---:|---:|");
    let starts: &[&str] = match database_url {
        Some(_) => &["the given store"],
        None => &[
            "first start (loads the seed)",
            "restart (the seed is there)",
        ],
    };
    for start in starts {
        let mut server = Server::start(dir.path(), database_url)?;
        let measured = server.measure(start, rounds).await;
        server.stop();
        measured?;
    }
    Ok(())
}

/// `articula serve` as a child process on a free loopback port.
struct Server {
    child: Child,
    base: String,
    client: Client,
}

impl Server {
    fn start(dir: &Path, database_url: Option<&str>) -> Result<Self, Box<dyn std::error::Error>> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut command = Command::new(std::env::current_exe()?);
        command
            .args(["serve", "--port", &port.to_string()])
            .current_dir(dir)
            .env("ARTICULA_DATA_DIR", dir.join("data"))
            .env("RUST_LOG", "warn")
            .env_remove("DATABASE_URL")
            .env_remove("ARTICULA_DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(url) = database_url {
            command.env("DATABASE_URL", url);
        }
        Ok(Self {
            child: command.spawn()?,
            base: format!("http://127.0.0.1:{port}"),
            client: Client::new(),
        })
    }

    async fn measure(&mut self, start: &str, rounds: usize) -> Result<(), String> {
        let started = Instant::now();
        while !self.get("/ready", None).await {
            if started.elapsed() > Duration::from_secs(600) {
                return Err("the server was not ready within 10 minutes".into());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("the server ended: {status}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let ready = format!("ready after {:.1} s", started.elapsed().as_secs_f64());
        self.row(start, &ready);
        for _ in 0..rounds {
            for (path, accept) in PATHS {
                if !self.get(path, accept).await {
                    return Err(format!("GET {path} failed"));
                }
            }
        }
        self.row(start, &format!("after {} requests", rounds * PATHS.len()));
        Ok(())
    }

    async fn get(&self, path: &str, accept: Option<&str>) -> bool {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(accept) = accept {
            request = request.header(reqwest::header::ACCEPT_ENCODING, accept);
        }
        match request.send().await {
            Ok(response) if response.status().is_success() => response.bytes().await.is_ok(),
            _ => false,
        }
    }

    fn row(&self, start: &str, moment: &str) {
        let (resident, peak) = super::http::memory_of(&self.child.id().to_string());
        println!("| {start} | {moment} | {resident} | {peak} |");
    }

    fn stop(mut self) {
        // A measurement's server: nothing of it is kept.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
