//! The server: bind, serve, inspect, stop.

use crate::clock::MockClock;
use crate::config::{FaultConfig, MockConfig};
use crate::connection::{ConnectionHandle, MockListener};
use crate::log::ReceivedCall;
use crate::service::handle;
use crate::state::Shared;
use axum::Router;
use cdn_task_core::Task;
use std::future::IntoFuture;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running mock of the service. Dropping it stops it (without waiting); [`shutdown`] stops it
/// gracefully.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use cdn_task_mock::{MockConfig, MockServer};
///
/// let server = MockServer::start(MockConfig::default()).await?;
/// assert!(server.base_url().starts_with("http://127.0.0.1:"));
/// // … point a client at server.base_url() with AccessKey testid / testsecret …
/// assert!(server.received().is_empty());
/// server.shutdown().await;
/// # Ok(())
/// # }
/// ```
///
/// [`shutdown`]: MockServer::shutdown
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl MockServer {
    /// Starts a server on `127.0.0.1` on a free port.
    pub async fn start(config: MockConfig) -> io::Result<MockServer> {
        MockServer::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
    }

    /// Starts a server on `addr` (port 0 picks a free port).
    pub async fn bind(addr: SocketAddr, config: MockConfig) -> io::Result<MockServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config));
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared))
            .into_make_service_with_connect_info::<ConnectionHandle>();
        let (stop, stopped) = oneshot::channel::<()>();
        let serve = axum::serve(MockListener::new(listener), app).with_graceful_shutdown(async {
            // A dropped sender stops the server too.
            let _ = stopped.await;
        });
        let task = tokio::spawn(serve.into_future());
        Ok(MockServer {
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The base URL, `http://HOST:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's clock: advance it to move tasks along and age them out of the window.
    pub fn clock(&self) -> &MockClock {
        &self.shared.clock
    }

    /// Adds tasks as given (they do not progress). `owner` is the AccessKeyId that may see them;
    /// `None` makes them visible to every key. A task with an existing ID replaces it.
    pub fn seed_tasks(&self, owner: Option<&str>, tasks: Vec<Task>) {
        self.shared.state().tasks.seed(owner, tasks);
    }

    /// Replaces the fault injection settings, from the next request on.
    pub fn set_faults(&self, faults: FaultConfig) {
        self.shared.state().faults = faults;
    }

    /// The requests received so far (the most recent
    /// [`MAX_RECORDED_CALLS`](crate::MAX_RECORDED_CALLS)), oldest first.
    pub fn received(&self) -> Vec<ReceivedCall> {
        self.shared.log().snapshot()
    }

    /// Issues STS credentials as the mock's STS does, valid for `lifetime` from the mock's now,
    /// seeing the tasks of `owner` (an AccessKeyId, or any name). The CDN API then accepts them
    /// with their security token until they expire.
    pub fn issue_credentials(
        &self,
        owner: &str,
        lifetime: std::time::Duration,
    ) -> cdn_task_core::sts::StsCredentials {
        let now = self.shared.clock.now();
        let lifetime = chrono::TimeDelta::from_std(lifetime).unwrap_or(chrono::TimeDelta::MAX);
        self.shared.state().issued.issue(owner, now, lifetime)
    }

    /// The requests to the metadata service and the credentials URI so far (the most recent
    /// thousand), oldest first.
    pub fn metadata_calls(&self) -> Vec<crate::MetadataCall> {
        self.shared.state().metadata.calls.iter().cloned().collect()
    }

    /// Forgets the requests received so far.
    pub fn clear_received(&self) {
        self.shared.log().clear();
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for the server to
    /// stop.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "mock server stopped with an error"),
                Err(error) => tracing::warn!(%error, "mock server task failed"),
            }
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
