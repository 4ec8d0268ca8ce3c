//! A real SMTP server for the tests: Debian's aiosmtpd (installed by ops/test.sh) on a free
//! loopback port, with the `recorder.py` handler beside this file saving each accepted message
//! as JSON. It can be stopped and started again on the same port.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// One message the server accepted, decoded by the handler.
#[derive(Debug, Clone)]
pub struct Received {
    pub rcpt: Vec<String>,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
}

pub struct SmtpServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

/// Debian's interpreter, which sees the `python3-aiosmtpd` package (another `python3` earlier on
/// PATH may not).
fn python() -> PathBuf {
    let debian = PathBuf::from("/usr/bin/python3");
    if debian.exists() {
        debian
    } else {
        PathBuf::from("python3")
    }
}

impl SmtpServer {
    pub fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut server = Self {
            port,
            dir: tempfile::tempdir().expect("a mail directory"),
            child: None,
        };
        server.resume();
        server
    }

    /// Starts the server (again) on its port and waits until it accepts connections.
    pub fn resume(&mut self) {
        let handler_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/notifications");
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "recorder.Recorder"])
            .arg(self.dir.path())
            .env("PYTHONPATH", handler_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts (ops/test.sh installs python3-aiosmtpd)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server; connections are refused until [`Self::resume`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every message accepted so far.
    /// The notices received about the platform. The confirmation mail each sign-up of the test's
    /// own people sends (its body holds `secret: `) is left out: the tests count notices.
    pub fn received(&self) -> Vec<Received> {
        self.everything()
            .into_iter()
            .filter(|m| !m.text.contains("\nsecret: "))
            .collect()
    }

    /// Every message received.
    pub fn everything(&self) -> Vec<Received> {
        let mut out = Vec::new();
        let entries = std::fs::read_dir(self.dir.path()).expect("the mail directory");
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a saved message");
            let json: Value = serde_json::from_str(&text).expect("JSON");
            let field = |name: &str| json[name].as_str().unwrap_or_default().to_string();
            out.push(Received {
                rcpt: json["rcpt"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                subject: field("subject"),
                message_id: field("message_id"),
                text: field("text"),
                html: field("html"),
            });
        }
        out
    }

    /// Waits until at least `count` messages have arrived, then a moment more (to see any
    /// extra one), and returns them all.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let received = self.received();
            if received.len() >= count {
                tokio::time::sleep(Duration::from_millis(700)).await;
                return self.received();
            }
            if Instant::now() > deadline {
                panic!(
                    "expected {count} messages, got {}: {received:#?}",
                    received.len()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Messages to `address`.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|m| m.rcpt.iter().any(|r| r == address))
            .collect()
    }

    /// What `address` was told to review, in English: each title as often as it was told,
    /// whether alone or in a digest of several (one per line), sorted.
    pub fn told_to_review(&self, address: &str) -> Vec<String> {
        let mut titles: Vec<String> = self
            .to(address)
            .into_iter()
            .filter(|m| m.subject.starts_with("To review: "))
            .flat_map(|m| {
                m.text
                    .lines()
                    .filter_map(|line| {
                        let (_, rest) = line.split_once('“')?;
                        let (title, _) = rest.split_once('”')?;
                        Some(title.to_string())
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        titles.sort();
        titles
    }

    /// Waits until every one of `addresses` has been told to review each of `titles`, then a
    /// moment more (to see any extra message).
    pub async fn wait_until_told(&self, addresses: &[&str], titles: &[String], timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let told = addresses.iter().all(|address| {
                let told = self.told_to_review(address);
                titles.iter().all(|title| told.contains(title))
            });
            if told {
                tokio::time::sleep(Duration::from_millis(700)).await;
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{addresses:?} were not all told of {titles:?}: {:#?}",
                self.received()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}
