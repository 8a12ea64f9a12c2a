//! The accept loop: HTTP/1.1 connections with a header-read timeout, at most a fixed number at
//! once, each able to be cut by its handler, all drained on shutdown.
//!
//! axum's own `serve` sets no timer, so a client that sends half a request and stops holds its
//! connection forever, and nothing bounds how many it opens. Here a connection that does not
//! deliver a request's headers within the header-read timeout (the first request's, or the next
//! one's on a kept-alive connection) is closed, and past `max_connections` new connections wait
//! in the listen backlog until one closes.

use crate::connection::CuttableStream;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt as _;

/// Bounds on the connections one server keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionLimits {
    /// Longest a client may take to send a request's headers.
    pub(crate) header_read_timeout: Duration,
    /// Most connections served at once (at least one).
    pub(crate) max_connections: usize,
}

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting, lets every
/// open connection finish its request in flight, and returns once all are closed.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let max = u32::try_from(limits.max_connections).unwrap_or(u32::MAX).max(1);
    let slots = Arc::new(Semaphore::new(usize::try_from(max).unwrap_or(1)));
    let (stopping, stop_signal) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = Arc::clone(&slots).acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors and the like: back off briefly, as axum does.
                tracing::debug!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let router = router.clone();
        let mut stop_signal = stop_signal.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let (stream, handle) = CuttableStream::new(stream);
            let service = service_fn(move |mut request: hyper::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(handle.clone()));
                router.clone().oneshot(request.map(Body::new))
            });
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => log_end(result),
                () = stopping_requested(&mut stop_signal) => {
                    connection.as_mut().graceful_shutdown();
                    log_end(connection.await);
                }
            }
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    // Every connection holds a slot until it closes: having them all back means all are done.
    let _ = slots.acquire_many(max).await;
}

/// Resolves once shutdown is asked for (or the server is gone).
async fn stopping_requested(signal: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`: drop it here, inside.
    let _ = signal.wait_for(|stop| *stop).await.map(|_| ());
}

fn log_end(result: Result<(), hyper::Error>) {
    if let Err(error) = result {
        tracing::debug!(%error, "connection ended");
    }
}
