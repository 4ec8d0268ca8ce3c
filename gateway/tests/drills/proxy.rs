//! A TCP proxy in front of PostgreSQL that the test can cut: the database "goes away" for the
//! server under test while the shared PostgreSQL server keeps running for everyone else.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinHandle;

pub struct Proxy {
    pub port: u16,
    target: String,
    pipes: Arc<Mutex<Vec<JoinHandle<()>>>>,
    acceptor: Mutex<Option<JoinHandle<()>>>,
}

fn listen(port: u16) -> TcpListener {
    let socket = TcpSocket::new_v4().unwrap();
    // The port is bound again when the "database" comes back.
    socket.set_reuseaddr(true).unwrap();
    socket
        .bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .unwrap();
    socket.listen(128).unwrap()
}

impl Proxy {
    /// Listens on a free loopback port and forwards every connection to `target`.
    pub async fn start(target: String) -> Self {
        let listener = listen(0);
        let port = listener.local_addr().unwrap().port();
        let proxy = Self {
            port,
            target,
            pipes: Arc::default(),
            acceptor: Mutex::new(None),
        };
        proxy.accept_on(listener);
        proxy
    }

    fn accept_on(&self, listener: TcpListener) {
        let (pipes, target) = (self.pipes.clone(), self.target.clone());
        let acceptor = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let target = target.clone();
                let pipe = tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(target).await {
                        let (mut client, mut server) = (client, server);
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                pipes.lock().unwrap().push(pipe);
            }
        });
        *self.acceptor.lock().unwrap() = Some(acceptor);
    }

    /// As if the database server stopped: every open connection is cut and new ones are
    /// refused, until [`Self::restore`].
    pub fn cut(&self) {
        if let Some(acceptor) = self.acceptor.lock().unwrap().take() {
            // Aborting the task drops the listener: the port refuses connections.
            acceptor.abort();
        }
        for pipe in self.pipes.lock().unwrap().drain(..) {
            pipe.abort();
        }
    }

    pub async fn restore(&self) {
        // The aborted acceptor may take a moment to drop its listener.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        self.accept_on(listen(self.port));
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
    }
}
