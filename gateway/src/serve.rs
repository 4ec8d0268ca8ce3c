//! The HTTP server loop: the router on hyper, one task per connection, and a stop that answers
//! every request it accepted.
//!
//! axum's own `serve` stops by closing its listener and, at once, every connection that has no
//! request in progress. A connection the kernel had already accepted, or one whose request bytes
//! had arrived but not yet been read, is then cut without an answer. Here a stop goes:
//!
//! 1. Stop accepting, after taking in the connections already waiting in the listen queue (their
//!    clients have connected and may have sent a request); then close the listener, so that new
//!    connections are refused, not accepted and cut.
//! 2. For `grace`, open connections keep being served: requests already on their way are read and
//!    answered, with `Connection: close` so that clients stop reusing the connection.
//! 3. Then idle connections are closed and those with a request in progress finish it.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderValue};
use axum::Router;
use futures::FutureExt;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// Serves `router` on `listener` until `shutdown` completes, then stops as the module describes.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> io::Result<()> {
    let graceful = GracefulShutdown::new();
    let stopping = Arc::new(AtomicBool::new(false));
    let server = Server {
        router,
        builder: http1::Builder::new(),
        stopping: stopping.clone(),
    };
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => server.connection(stream, peer, &graceful),
                Err(error) => backoff_after_accept_error(error).await,
            },
            () = &mut shutdown => break,
        }
    }
    stopping.store(true, Ordering::SeqCst);
    // Connections completed by the kernel before the stop: their clients are waiting.
    while let Some(Ok((stream, peer))) = listener.accept().now_or_never() {
        server.connection(stream, peer, &graceful);
    }
    drop(listener);
    tokio::time::sleep(grace).await;
    graceful.shutdown().await;
    Ok(())
}

struct Server {
    router: Router,
    builder: http1::Builder,
    stopping: Arc<AtomicBool>,
}

impl Server {
    /// Serves one connection on its own task, watched by `graceful`.
    fn connection(&self, stream: TcpStream, peer: SocketAddr, graceful: &GracefulShutdown) {
        // Small answers go out at once rather than waiting for more to send.
        let _ = stream.set_nodelay(true);
        let stopping = self.stopping.clone();
        let router = self.router.clone();
        let service = tower::service_fn(move |mut request: Request<hyper::body::Incoming>| {
            // The peer address is what sign-in attempts are limited by.
            request.extensions_mut().insert(ConnectInfo(peer));
            let stopping = stopping.clone();
            router
                .clone()
                .oneshot(request.map(axum::body::Body::new))
                .map(move |answered| {
                    answered.map(|mut response| {
                        if stopping.load(Ordering::SeqCst) {
                            response
                                .headers_mut()
                                .insert(header::CONNECTION, HeaderValue::from_static("close"));
                        }
                        response
                    })
                })
        });
        let connection = self
            .builder
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = watched.await {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
        });
    }
}

/// Accepting fails when a client gave up during the handshake (nothing to do) or when the
/// process is out of file descriptors (wait a moment for some to be released, as axum does).
async fn backoff_after_accept_error(error: io::Error) {
    if !matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    ) {
        tracing::warn!(%error, "cannot accept a connection");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
