//! Building and running the server: connect, migrate, start projections, bind, serve until
//! SIGTERM or ctrl-c, then let in-flight requests finish.

use std::net::SocketAddr;

use store::{Database, EventLog, StoreError};
use tokio::net::TcpListener;

use crate::state::AppState;
use crate::Settings;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot seed the new embedded store: {0}")]
    Seed(String),
    #[error("cannot listen on {address}: {reason}")]
    Bind { address: SocketAddr, reason: String },
}

pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    state: AppState,
    shutdown_grace: std::time::Duration,
}

impl Application {
    /// Connects to the configured store, applies pending migrations, starts the projections and
    /// binds the listening socket (port 0 picks a free port).
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        let url = settings.database()?;
        let acquire = std::time::Duration::from_millis(settings.database_acquire_timeout_ms.max(1));
        let db = Database::connect_with(&url, acquire).await?;
        let applied = db.migrate().await?;
        tracing::info!(
            backend = db.backend().name(),
            migrations_applied = applied,
            "event store ready"
        );
        let log = EventLog::open(db);
        let empty = log.feed().head_position().await? == 0;
        // The embedded default's first start loads the illustrative data set (seeds/).
        crate::seed::on_first_start(&log, settings)
            .await
            .map_err(StartupError::Seed)?;
        if empty && log.feed().head_position().await? > 0 {
            // Seed data is not news: nobody is mailed about it.
            store::notifications::Notifications::new(log.database())
                .skip_history(chrono::Utc::now().timestamp_millis())
                .await?;
        }
        let state = AppState::new(log, settings);
        crate::notify::spawn(&state, settings);
        let address = SocketAddr::new(settings.address, settings.port);
        let listener = TcpListener::bind(address)
            .await
            .map_err(|e| StartupError::Bind {
                address,
                reason: e.to_string(),
            })?;
        let router = crate::router::router(state.clone(), settings);
        Ok(Self {
            listener,
            router,
            state,
            shutdown_grace: std::time::Duration::from_millis(settings.shutdown_grace_ms),
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then refuses new connections, answers every request it
    /// accepted and waits for those in flight (see [`crate::serve`]). Commands are single
    /// database transactions, so stopping never leaves one half-written.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let address = self.listener.local_addr()?;
        tracing::info!(%address, "articula is listening");
        crate::serve::serve(self.listener, self.router, shutdown, self.shutdown_grace).await?;
        // Each step of the stop is logged, so that a stop that does not end says where it is.
        tracing::info!("requests finished; saving the projection snapshots");
        if let Err(error) = self.state.engine.save_snapshots().await {
            tracing::warn!(%error, "cannot save projection snapshots at shutdown");
        }
        tracing::info!("closing the database");
        self.state.log.database().close().await;
        tracing::info!("articula stopped");
        Ok(())
    }
}

/// Completes on SIGTERM (how service managers stop us) or ctrl-c. The handlers are installed
/// when this is called, not when it is first awaited: call it before building the application,
/// so that a stop asked for during start-up (migrations, seeding, catching up) is not lost to
/// the default action of the signal, which kills the process.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let handlers = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (mut terminate, mut interrupt) = handlers;
            let terminated = async {
                match terminate.as_mut() {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let interrupted = async {
                match interrupt.as_mut() {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = terminated => {}
                () = interrupted => {}
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}
