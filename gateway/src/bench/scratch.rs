//! Scratch databases for benchmarks: created on the given server, dropped at the end.

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

/// A database that exists for one benchmark run.
pub(super) struct Scratch {
    server: PgConnectOptions,
    name: String,
    pub(super) url: String,
}

impl Scratch {
    pub(super) async fn create(server: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let options = PgConnectOptions::from_str(server)?;
        let name = format!("articula_bench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = options.connect().await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        let url = options.clone().database(&name).to_url_lossy().to_string();
        Ok(Self {
            server: options,
            name,
            url,
        })
    }

    pub(super) async fn drop_database(self) -> Result<(), Box<dyn std::error::Error>> {
        let mut conn = self.server.connect().await?;
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut conn)
        .await?;
        Ok(())
    }
}
