//! Running the mock as a program: the `cdn-task-mock` binary and `cdn-task mock` share this.

use crate::args::MockArgs;
use crate::seed::SeedError;
use crate::server::MockServer;
use std::io::Write;

/// Why the mock could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The seed file could not be loaded.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The `listening on` line could not be written.
    #[error("cannot write to standard output: {0}")]
    Output(std::io::Error),
    /// The signal handlers could not be installed.
    #[error("cannot listen for signals: {0}")]
    Signal(std::io::Error),
}

/// Starts the mock with `args`, writes `listening on http://HOST:PORT` as the first line of `out`
/// (flushed), serves until SIGINT or SIGTERM (Ctrl-C elsewhere), then stops gracefully.
pub async fn run(args: MockArgs, mut out: impl Write) -> Result<(), RunError> {
    let addr = args.listen;
    let config = args.into_config()?;
    let server = MockServer::bind(addr, config)
        .await
        .map_err(|source| RunError::Bind { addr, source })?;
    writeln!(out, "listening on {}", server.base_url())
        .and_then(|()| out.flush())
        .map_err(RunError::Output)?;
    let signalled = shutdown_signal().await;
    server.shutdown().await;
    signalled.map_err(RunError::Signal)
}

/// Waits for SIGINT or SIGTERM.
#[cfg(unix)]
async fn shutdown_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
    Ok(())
}

/// Waits for Ctrl-C.
#[cfg(not(unix))]
async fn shutdown_signal() -> std::io::Result<()> {
    tokio::signal::ctrl_c().await
}
