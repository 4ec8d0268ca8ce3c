//! What the operations tests share: the repository's files, the real `articula` binary run as a
//! service manager would run it, and the tools of Debian's packages that ops/test.sh installs
//! (a missing one fails the test with how to get it: nothing is skipped).

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A file or directory of the repository.
pub fn repo(path: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace");
    root.join(path)
}

pub fn read_repo(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub const ARTICULA: &str = env!("CARGO_BIN_EXE_articula");

/// A tool the test needs, by the Debian package that ops/test.sh installs it from.
pub fn tool(name: &str, package: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/usr/local/bin", "/sbin", "/bin"] {
        let path = Path::new(dir).join(name);
        if path.exists() {
            return path;
        }
    }
    panic!("`{name}` is needed by this test: run `bash ops/test.sh` as root, or `apt-get install {package}`")
}

/// The binary with a clean environment for the settings: only what `envs` says applies.
pub fn articula(dir: &Path) -> Command {
    let mut command = Command::new(ARTICULA);
    command.current_dir(dir).env("RUST_LOG", "warn");
    for (key, _) in std::env::vars() {
        if key.starts_with("ARTICULA_") || key == "DATABASE_URL" {
            command.env_remove(key);
        }
    }
    command
}

/// Runs `command`, which must succeed; its stdout.
pub fn run_ok(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert_success(command, &output);
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn assert_success(command: &Command, output: &Output) {
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

pub use crate::ports::free_port;

pub fn wait_for_port(port: u16, what: &str) {
    let started = Instant::now();
    while TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what} did not listen on port {port}"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// A child process that is killed when dropped (a failing test leaves nothing running).
pub struct Process {
    pub child: Option<Child>,
    pub name: String,
}

impl Process {
    pub fn spawn(name: &str, command: &mut Command) -> Self {
        let child = command
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Self {
            child: Some(child),
            name: name.to_string(),
        }
    }

    /// Sends `signal` (`TERM`, `KILL`) and waits for the exit; the output (when piped).
    pub fn stop(&mut self, signal: &str) -> Output {
        let child = self.child.take().expect("running");
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{signal} {}", self.name);
        child.wait_with_output().unwrap()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `articula serve` on `port`, with `envs`, in `dir`; returns once it listens.
pub fn serve(dir: &Path, port: u16, envs: &[(&str, &str)]) -> Process {
    let mut command = articula(dir);
    command
        .args(["serve", "--port", &port.to_string()])
        .envs(envs.iter().copied());
    let process = Process::spawn(&format!("articula on port {port}"), &mut command);
    wait_for_port(port, "articula");
    process
}

/// An HTTP client, bound to `source` when given, so that a test can be several clients on the
/// loopback network.
pub fn client(source: Option<&str>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder().timeout(Duration::from_secs(20));
    if let Some(source) = source {
        builder = builder.local_address(source.parse::<std::net::IpAddr>().unwrap());
    }
    builder.build().unwrap()
}

/// Waits until `base/ready` answers 200.
pub async fn wait_ready(base: &str) {
    let http = client(None);
    let started = Instant::now();
    loop {
        if let Ok(response) = http.get(format!("{base}/ready")).send().await {
            if response.status() == 200 {
                return;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{base} never became ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Replaces `from` by `to` in `text`, which must contain it: the shipped file is used as it is
/// except for what a test machine must change, and a change to its shape fails here loudly.
pub fn substitute(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "expected `{from}` in the shipped file");
    text.replace(from, to)
}

/// nginx with the shipped site (ops/proxy/nginx.conf) in front of Articula instances, on
/// loopback ports with a throwaway certificate for articula.example.org.
pub struct Nginx {
    /// Runs as long as this value lives.
    _process: Process,
    pub https: u16,
    pub http: u16,
    pub dir: tempfile::TempDir,
}

pub const SITE: &str = "articula.example.org";

impl Nginx {
    pub fn start(upstreams: &[u16]) -> Self {
        let nginx = tool("nginx", "nginx");
        let openssl = tool("openssl", "openssl");
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name).display().to_string();
        run_ok(Command::new(openssl).args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            &format!("/CN={SITE}"),
            "-addext",
            &format!("subjectAltName=DNS:{SITE}"),
            "-keyout",
            &path("key.pem"),
            "-out",
            &path("cert.pem"),
        ]));
        let (https, http) = (free_port(), free_port());
        let servers: String = upstreams
            .iter()
            .map(|port| format!("server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n    "))
            .collect();
        let mut site = read_repo("ops/proxy/nginx.conf");
        for (from, to) in [
            ("listen 80;", format!("listen 127.0.0.1:{http};")),
            ("listen [::]:80;", String::new()),
            (
                "listen 443 ssl http2;",
                format!("listen 127.0.0.1:{https} ssl http2;"),
            ),
            ("listen [::]:443 ssl http2;", String::new()),
            (
                "/etc/letsencrypt/live/articula.example.org/fullchain.pem",
                path("cert.pem"),
            ),
            (
                "/etc/letsencrypt/live/articula.example.org/privkey.pem",
                path("key.pem"),
            ),
            (
                "server 127.0.0.1:8080 max_fails=1 fail_timeout=10s;",
                servers,
            ),
        ] {
            site = substitute(&site, from, &to);
        }
        std::fs::write(dir.path().join("site.conf"), site).unwrap();
        // What Debian's /etc/nginx/nginx.conf provides around a site, kept inside the directory.
        let main = format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid {pid};\nerror_log {log};\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log {access};\n  client_body_temp_path {tmp}/body;\n  \
             proxy_temp_path {tmp}/proxy;\n  fastcgi_temp_path {tmp}/fastcgi;\n  \
             uwsgi_temp_path {tmp}/uwsgi;\n  scgi_temp_path {tmp}/scgi;\n  include {site};\n}}\n",
            pid = path("nginx.pid"),
            log = path("error.log"),
            access = path("access.log"),
            tmp = dir.path().display(),
            site = path("site.conf"),
        );
        std::fs::write(dir.path().join("nginx.conf"), main).unwrap();
        let conf = path("nginx.conf");
        run_ok(Command::new(&nginx).args(["-t", "-q", "-p", &path(""), "-c", &conf]));
        let process = Process::spawn(
            "nginx",
            Command::new(&nginx).args(["-p", &path(""), "-c", &conf]),
        );
        wait_for_port(https, "nginx");
        Self {
            _process: process,
            https,
            http,
            dir,
        }
    }

    /// What nginx logged as errors (failed connections to instances among them).
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }

    /// A request through the proxy over HTTPS with curl, from loopback address `source`
    /// (127.0.0.2, 127.0.0.3…: distinct clients). Returns the status and the body.
    pub fn request(&self, source: &str, method: &str, path: &str, extra: &[&str]) -> (u16, String) {
        let curl = tool("curl", "curl");
        let resolve = format!("{SITE}:{}:127.0.0.1", self.https);
        let cacert = self.dir.path().join("cert.pem");
        let output = Command::new(curl)
            .args([
                "-sS",
                "--interface",
                source,
                "--resolve",
                &resolve,
                "--cacert",
            ])
            .arg(&cacert)
            .args(["-X", method, "-w", "\n%{http_code}"])
            .args(extra)
            .arg(format!("https://{SITE}:{}{path}", self.https))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "curl {method} {path}: {output:?}");
        let (body, status) = text.rsplit_once('\n').expect("curl wrote the status");
        (status.trim().parse().unwrap(), body.to_string())
    }

    /// A JSON request through the proxy (see `request`).
    pub fn json(
        &self,
        source: &str,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
        token: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let mut extra: Vec<String> = Vec::new();
        if let Some(body) = body {
            extra.extend(["-H".into(), "content-type: application/json".into()]);
            extra.extend(["--data-raw".into(), body.to_string()]);
        }
        if let Some(token) = token {
            extra.extend(["-H".into(), format!("authorization: Bearer {token}")]);
        }
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let (status, text) = self.request(source, method, path, &extra);
        let value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        (status, value)
    }
}

/// Signs `person` (`email`, `display_name`, `password`) up through the proxy from `source` and
/// confirms the address as the person would: with the account and secret of the confirmation
/// mail, read from the outbox of the store at `database_url` (the test stands in for the inbox).
pub async fn sign_up_through(
    nginx: &Nginx,
    source: &str,
    database_url: &str,
    person: &serde_json::Value,
) {
    let before = confirmation_mails(database_url).await.len();
    let (status, body) = nginx.json(source, "POST", "/v1/accounts", Some(person), None);
    assert_eq!(status, 202, "sign-up of {}: {body}", person["email"]);
    let started = std::time::Instant::now();
    let mail = loop {
        let mails = confirmation_mails(database_url).await;
        if mails.len() > before {
            break mails.last().cloned().expect("a mail");
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "no confirmation mail for {}",
            person["email"]
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let field = |name: &str| {
        mail.lines()
            .find_map(|line| line.strip_prefix(name))
            .unwrap_or_else(|| panic!("`{name}` in the mail: {mail}"))
            .to_string()
    };
    let confirmation = serde_json::json!({
        "account_id": field("account_id: "),
        "secret": field("secret: "),
        "password": person["password"],
    });
    let (status, body) = nginx.json(
        source,
        "POST",
        "/v1/accounts/confirmation",
        Some(&confirmation),
        None,
    );
    assert_eq!(status, 200, "confirmation of {}: {body}", person["email"]);
}

/// The text of every address-confirmation mail in the outbox, oldest first.
async fn confirmation_mails(database_url: &str) -> Vec<String> {
    const QUERY: &str = "SELECT body_text FROM notifications WHERE kind = 'confirm_address' \
                         ORDER BY created_at, id";
    if database_url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(database_url)
            .await
            .expect("PostgreSQL");
        let rows: Vec<(String,)> = sqlx::query_as(QUERY).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows.into_iter().map(|(text,)| text).collect()
    } else {
        let pool = sqlx::SqlitePool::connect(database_url)
            .await
            .expect("SQLite");
        let rows: Vec<(String,)> = sqlx::query_as(QUERY).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows.into_iter().map(|(text,)| text).collect()
    }
}
