//! Typed configuration, layered: built-in defaults, then a TOML file, then the environment
//! (`ARTICULA_*`, and `DATABASE_URL` as most tools spell it), then command-line flags.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use store::DatabaseUrl;

use crate::proxy::{ProxyHeader, TrustedProxies};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain SMTP (a relay on the same host or network only).
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587).
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The address to listen on.
    pub address: IpAddr,
    /// The port to listen on; 0 picks a free one (tests do).
    pub port: u16,
    /// `postgres://…` or `sqlite://…`; unset means a SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// Where the embedded database (and later mail files) live.
    pub data_dir: PathBuf,
    pub log_format: LogFormat,
    /// Longest time a request may take before it is answered with 408.
    pub request_timeout_secs: u64,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// How long a sign-in token lives.
    pub session_ttl_hours: u32,
    /// How long the one-time secret of `articula admin create` stays usable.
    pub setup_secret_ttl_hours: u32,
    /// Sign-in attempts allowed per client address per minute (burst), before 429.
    pub sign_in_per_address_per_minute: u32,
    /// Sign-in attempts allowed per account (email) from one client address per hour, before
    /// 429: whoever guesses from one address is slowed without locking the holder out.
    pub sign_in_per_account_and_address_per_hour: u32,
    /// Sign-in attempts allowed per account from all addresses together per hour: the slower
    /// cap on guessing spread over many addresses.
    pub sign_in_per_account_per_hour: u32,
    /// Sign-ups allowed per client address per hour, before 429.
    pub sign_ups_per_address_per_hour: u32,
    /// Sign-ups allowed per email address per hour (each one mails it), before 429.
    pub sign_ups_per_email_per_hour: u32,
    /// How long the link that confirms a new account's address stays usable.
    pub confirmation_ttl_hours: u32,
    /// Writes (non-GET requests) allowed per signed-in account per minute, before 429.
    pub writes_per_account_per_minute: u32,
    /// How long a command waits for this instance's read models to reach its write before it
    /// answers (read-your-writes), and a read with `min_position` waits before answering 503.
    pub read_wait_ms: u64,
    /// The projection history keeps every read model's state after each this many events of
    /// the feed: an as-of read folds at most this many events after restoring the nearest one.
    pub history_every_events: u64,
    /// How often the history keeper looks whether the feed has grown by a whole interval.
    pub history_check_secs: u64,
    /// How long a request waits for a database connection before it is answered with 503 and
    /// `Retry-After` (the database down or out of connections); also bounds reconnecting.
    pub database_acquire_timeout_ms: u64,
    /// At a stop (SIGTERM), how long connections already open may still deliver requests, which
    /// are answered, before idle connections are closed; new connections are refused at once.
    pub shutdown_grace_ms: u64,
    /// How long a request's `Idempotency-Key` stays "in progress" after its process died before
    /// committing; then the request may run again (it never runs twice: see docs/reliability.md).
    pub idempotency_takeover_secs: u64,
    /// Whether the embedded default (no `database_url`) loads the illustrative seed data set
    /// into an empty store on its first start. A configured database is never seeded implicitly.
    pub seed_on_first_start: bool,
    /// The SMTP server notifications go through; unset writes `.eml` files under
    /// `data_dir/mail` instead.
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    /// How long one SMTP exchange may take.
    pub smtp_timeout_secs: u64,
    /// The sender of notifications (`Name <address>` or an address).
    pub mail_from: String,
    /// The address people open Articula at; links in mail are built from it.
    pub public_base_url: String,
    /// The first retry of a failed delivery waits this long; each next one twice as long, up to
    /// an hour.
    pub mail_retry_base_ms: u64,
    /// Reverse proxies (addresses or CIDR ranges) whose forwarding header names the client; from
    /// any other peer the header is ignored. Empty: the peer is the client.
    pub trusted_proxies: TrustedProxies,
    /// The header those proxies name the client in: `x-forwarded-for` or `forwarded` (RFC 7239).
    pub trusted_proxy_header: ProxyHeader,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            address: IpAddr::from([127, 0, 0, 1]),
            port: 8080,
            database_url: None,
            data_dir: PathBuf::from("data"),
            log_format: LogFormat::Text,
            request_timeout_secs: 30,
            body_limit_bytes: 1024 * 1024,
            session_ttl_hours: 12,
            setup_secret_ttl_hours: 24,
            sign_in_per_address_per_minute: 30,
            sign_in_per_account_and_address_per_hour: 20,
            sign_in_per_account_per_hour: 100,
            sign_ups_per_address_per_hour: 10,
            sign_ups_per_email_per_hour: 3,
            confirmation_ttl_hours: 24,
            writes_per_account_per_minute: 120,
            read_wait_ms: 5_000,
            history_every_events: 50_000,
            history_check_secs: 10,
            database_acquire_timeout_ms: 2_000,
            shutdown_grace_ms: 500,
            idempotency_takeover_secs: 60,
            seed_on_first_start: true,
            smtp_host: None,
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_username: None,
            smtp_password: None,
            smtp_timeout_secs: 30,
            mail_from: "Articula <articula@localhost>".to_string(),
            public_base_url: "http://localhost:8080".to_string(),
            mail_retry_base_ms: 2_000,
            trusted_proxies: TrustedProxies::default(),
            trusted_proxy_header: ProxyHeader::XForwardedFor,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("configuration is invalid: {0}")]
    Invalid(String),
}

impl Settings {
    /// Loads settings from `file` (if given it must exist; otherwise `articula.toml` in the
    /// working directory is read when present) and the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match file {
            Some(path) if !path.exists() => return Err(ConfigError::MissingFile(path.into())),
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None if Path::new("articula.toml").exists() => {
                figment = figment.merge(Toml::file_exact("articula.toml"));
            }
            None => {}
        }
        figment = figment
            // `ARTICULA_TEST_*` belongs to the test suite (its database server, its tools), not
            // to the server, whose unknown settings are refused.
            .merge(Env::prefixed("ARTICULA_").filter(|key| !key.starts_with("test_")))
            .merge(Env::raw().only(&["DATABASE_URL"]));
        figment
            .extract()
            .map_err(|e| ConfigError::Invalid(e.to_string()))
    }

    /// Whether this start may seed an empty store: only the embedded default, and only when
    /// `seed_on_first_start` is on.
    pub fn seeds_on_first_start(&self) -> bool {
        let embedded = self
            .database_url
            .as_deref()
            .is_none_or(|url| url.trim().is_empty());
        embedded && self.seed_on_first_start
    }

    /// The database to use: `database_url` if set, else the embedded SQLite file.
    pub fn database(&self) -> Result<DatabaseUrl, store::StoreError> {
        match self.database_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => url.parse(),
            _ => Ok(DatabaseUrl::default_sqlite(&self.data_dir)),
        }
    }
}

#[cfg(test)]
// figment's `Jail` closures return its (large) error type; that is the crate's API, not ours.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn defaults_serve_on_8080_with_embedded_sqlite() {
        figment::Jail::expect_with(|_| {
            let settings = Settings::load(None).unwrap();
            assert_eq!(settings.port, 8080);
            assert_eq!(
                settings.database().unwrap(),
                DatabaseUrl::Sqlite(PathBuf::from("data/articula.db"))
            );
            Ok(())
        });
    }

    #[test]
    fn the_environment_overrides_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("custom.toml", "port = 9000\nlog_format = \"json\"")?;
            jail.set_env("ARTICULA_PORT", "9100");
            jail.set_env("DATABASE_URL", "postgres://localhost/articula");
            // The test suite's own variables are not settings, and not refused as unknown ones.
            jail.set_env("ARTICULA_TEST_SCHEMATHESIS", "/opt/schemathesis");
            let settings = Settings::load(Some(Path::new("custom.toml"))).unwrap();
            assert_eq!(settings.port, 9100);
            assert_eq!(settings.log_format, LogFormat::Json);
            assert_eq!(
                settings.database().unwrap().backend(),
                store::Backend::Postgres
            );
            Ok(())
        });
    }

    #[test]
    fn trusted_proxies_are_a_list_or_one_string() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "proxies.toml",
                "trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]\n\
                 trusted_proxy_header = \"forwarded\"",
            )?;
            let settings = Settings::load(Some(Path::new("proxies.toml"))).unwrap();
            assert_eq!(
                settings.trusted_proxies.to_string(),
                "127.0.0.1/32,10.0.0.0/8"
            );
            assert_eq!(settings.trusted_proxy_header, ProxyHeader::Forwarded);
            jail.set_env("ARTICULA_TRUSTED_PROXIES", "::1, 192.168.0.0/16");
            let settings = Settings::load(Some(Path::new("proxies.toml"))).unwrap();
            assert_eq!(
                settings.trusted_proxies.to_string(),
                "::1/128,192.168.0.0/16"
            );
            jail.set_env("ARTICULA_TRUSTED_PROXIES", "10.0.0.0/33");
            let error = Settings::load(None).unwrap_err();
            assert!(error.to_string().contains("`10.0.0.0/33`"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn malformed_configuration_is_named() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("bad.toml", "port = \"eighty\"")?;
            let error = Settings::load(Some(Path::new("bad.toml"))).unwrap_err();
            assert!(error.to_string().contains("port"), "{error}");
            jail.create_file("typo.toml", "prot = 80")?;
            let error = Settings::load(Some(Path::new("typo.toml"))).unwrap_err();
            assert!(error.to_string().contains("prot"), "{error}");
            let error = Settings::load(Some(Path::new("absent.toml"))).unwrap_err();
            assert!(matches!(error, ConfigError::MissingFile(_)));
            Ok(())
        });
    }
}
