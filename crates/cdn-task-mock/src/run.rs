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
///
/// The signal handlers are installed before the line is written, so a signal sent as soon as
/// the line is read stops the mock cleanly instead of killing it.
pub async fn run(args: MockArgs, mut out: impl Write) -> Result<(), RunError> {
    let signals = ShutdownSignals::install().map_err(RunError::Signal)?;
    let addr = args.listen;
    let config = args.into_config()?;
    let server = MockServer::bind(addr, config)
        .await
        .map_err(|source| RunError::Bind { addr, source })?;
    writeln!(out, "listening on {}", server.base_url())
        .and_then(|()| out.flush())
        .map_err(RunError::Output)?;
    signals.received().await;
    server.shutdown().await;
    Ok(())
}

/// SIGINT and SIGTERM, listened for from installation on.
#[cfg(unix)]
struct ShutdownSignals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl ShutdownSignals {
    fn install() -> std::io::Result<ShutdownSignals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(ShutdownSignals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    async fn received(mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

/// Ctrl-C, where there are no Unix signals.
#[cfg(not(unix))]
struct ShutdownSignals;

#[cfg(not(unix))]
impl ShutdownSignals {
    fn install() -> std::io::Result<ShutdownSignals> {
        Ok(ShutdownSignals)
    }

    async fn received(self) {
        // An error here means Ctrl-C cannot be listened for: stop rather than run unstoppable.
        let _ = tokio::signal::ctrl_c().await;
    }
}
