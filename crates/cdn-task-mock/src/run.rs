//! Running the mock as a program: the `cdn-task-mock` binary and `cdn-task mock` share this.

use crate::args::MockArgs;
use crate::saved::{MockState, StateError};
use crate::server::MockServer;
use crate::tasks_file::TasksFileError;
use std::io::Write;

/// Why the mock could not run. Each message describes this layer only; the cause, when there is
/// one, is [`source`](std::error::Error::source) (print the chain, as `{:#}` does with anyhow).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The tasks file (`--tasks FILE`) could not be loaded.
    #[error(transparent)]
    TasksFile(#[from] TasksFileError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The `listening on` line could not be written.
    #[error("cannot write to standard output")]
    Output(#[source] std::io::Error),
    /// The state file could not be loaded at start or saved at shutdown.
    #[error(transparent)]
    State(#[from] StateError),
    /// The signal handlers could not be installed.
    #[error("cannot listen for signals")]
    Signal(#[source] std::io::Error),
}

/// Starts the mock with `args`, writes `listening on http://HOST:PORT` as the first line of `out`
/// (flushed), serves until SIGINT or SIGTERM (Ctrl-C elsewhere), then stops gracefully.
///
/// With `--state FILE`, the state in FILE (if it exists) is restored before the first line is
/// written, and saved to FILE after the requests in flight have finished. A FILE that exists but
/// cannot be used stops the mock before it starts, so it is never overwritten.
///
/// The signal handlers are installed before the line is written, so a signal sent as soon as
/// the line is read stops the mock cleanly instead of killing it.
pub async fn run(args: MockArgs, mut out: impl Write) -> Result<(), RunError> {
    let signals = ShutdownSignals::install().map_err(RunError::Signal)?;
    let addr = args.listen;
    let config = args.into_config()?;
    let saved = match &config.state_file {
        Some(path) => {
            check_directory(path)?;
            MockState::load(path)?
        }
        None => None,
    };
    let saves = config.state_file.is_some();
    let server = MockServer::bind(addr, config)
        .await
        .map_err(|source| RunError::Bind { addr, source })?;
    if let Some(saved) = &saved {
        server.restore_state(saved);
    }
    writeln!(out, "listening on {}", server.base_url())
        .and_then(|()| out.flush())
        .map_err(RunError::Output)?;
    signals.received().await;
    let shared = server.shared();
    server.shutdown().await;
    if saves {
        let path = shared.save_to_file()?;
        tracing::info!(path = %path.display(), "state saved");
    }
    Ok(())
}

/// Fails now, rather than at shutdown with the state lost, when the state file's directory does
/// not exist.
fn check_directory(path: &std::path::Path) -> Result<(), StateError> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() && !parent.is_dir() => Err(StateError::Write {
            path: path.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "its directory does not exist"),
        }),
        _ => Ok(()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error;

    #[test]
    fn messages_describe_their_own_layer_and_the_cause_is_the_source() {
        let io = || std::io::Error::new(std::io::ErrorKind::AddrInUse, "address in use");
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 8080));
        let errors = [
            RunError::Bind { addr, source: io() },
            RunError::Output(io()),
            RunError::Signal(io()),
            RunError::TasksFile(crate::load_tasks_file("/nonexistent/tasks.json").unwrap_err()),
            RunError::State(StateError::Read {
                path: "/nonexistent/state.json".into(),
                source: io(),
            }),
        ];
        for error in errors {
            let top: &(dyn Error + 'static) = &error;
            let chain: Vec<String> = std::iter::successors(Some(top), |error| (*error).source())
                .map(ToString::to_string)
                .collect();
            assert!(chain.len() >= 2, "{chain:?}");
            for (index, message) in chain.iter().enumerate() {
                for cause in &chain[index + 1..] {
                    assert!(!message.contains(cause.as_str()), "{message:?} repeats {cause:?}");
                }
            }
        }
    }
}
