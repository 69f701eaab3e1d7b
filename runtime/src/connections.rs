//! Graceful shutdown of connections that may be upgraded (to a WebSocket): hyper-util's
//! `GracefulShutdown` watches only connections that cannot be, so the server keeps its own
//! count.

use std::pin::pin;

use hyper::body::Incoming;
use hyper::rt::{Read, Write};
use hyper::server::conn::http1::UpgradeableConnection;
use hyper::service::HttpService;
use tokio::sync::watch;

/// The connections being served: each watches for the signal to finish its request in
/// flight and close, and [`Connections::shutdown`] waits for the last one.
pub(crate) struct Connections {
    signal: watch::Sender<()>,
}

impl Connections {
    /// No connection yet.
    pub(crate) fn new() -> Self {
        Self {
            signal: watch::Sender::new(()),
        }
    }

    /// How many connections are open.
    pub(crate) fn count(&self) -> usize {
        self.signal.receiver_count()
    }

    /// A watcher for one connection, counted from now: shutdown waits for it until the
    /// connection it watches ends (or, unused, until it is dropped).
    pub(crate) fn watcher(&self) -> Watcher {
        Watcher {
            signal: self.signal.subscribe(),
        }
    }

    /// Tells every connection to finish and close, and completes once all have.
    pub(crate) async fn shutdown(self) {
        let _ = self.signal.send(());
        self.signal.closed().await;
    }
}

/// One connection's part in [`Connections`].
pub(crate) struct Watcher {
    signal: watch::Receiver<()>,
}

impl Watcher {
    /// Serves `connection` until it ends, or until shutdown begins and its request in
    /// flight (if any) is answered. An upgraded connection has left hyper by then: it
    /// belongs to its handler's task, which shutdown does not wait for.
    pub(crate) async fn watch<I, S, B>(
        self,
        connection: UpgradeableConnection<I, S>,
    ) -> hyper::Result<()>
    where
        I: Read + Write + Unpin + Send + 'static,
        S: HttpService<Incoming, ResBody = B>,
        S::Future: Send + 'static,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        B: hyper::body::Body + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let Watcher { mut signal } = self;
        let mut connection = pin!(connection);
        tokio::select! {
            result = connection.as_mut() => return result,
            // An error means the server is gone: shut down as well.
            _ = signal.changed() => connection.as_mut().graceful_shutdown(),
        }
        // The receiver is held until the connection ends: that is what `shutdown` counts.
        let result = connection.await;
        drop(signal);
        result
    }
}
