//! The server: bind, serve, inspect, stop.

use crate::behaviour::{ClockOverflow, StoredTask};
use crate::clock::MockClock;
use crate::config::MockConfig;
use crate::control::route;
use crate::fault::{FaultConfig, FaultRule};
use crate::log::ReceivedCall;
use crate::saved::{MockState, StateError};
use crate::serve::{ConnectionLimits, serve};
use crate::state::Shared;
use axum::Router;
use cdn_task_core::Task;
use chrono::{DateTime, Utc};
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
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
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use cdn_task_mock::{MockConfig, MockServer};
    /// use std::time::Duration;
    ///
    /// let config = MockConfig::default()
    ///     .with_key("alice", "s3cret")
    ///     .with_task_duration(Duration::from_millis(200))
    ///     .with_rate_limit(None); // no throttling
    /// let server = MockServer::start(config).await?;
    /// assert_ne!(server.addr().port(), 0);
    /// server.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start(config: MockConfig) -> io::Result<MockServer> {
        MockServer::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
    }

    /// Starts a server on `addr` (port 0 picks a free port).
    pub async fn bind(addr: SocketAddr, config: MockConfig) -> io::Result<MockServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let limits = ConnectionLimits {
            header_read_timeout: config.header_read_timeout,
            max_connections: config.max_connections,
        };
        let shared = Arc::new(Shared::new(config));
        let app = Router::new().fallback(route).with_state(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            serve(listener, app, limits, async {
                // A dropped sender stops the server too.
                let _ = stopped.await;
            })
            .await;
            Ok(())
        });
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

    /// Back to the start state: the configured initial tasks, no quota used, no calls received,
    /// no nonces, the configured fault rules and random number generator, and the clock as it was
    /// at start
    /// (`POST /_mock/reset`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use cdn_task_mock::{Fault, FaultRule, MockConfig, MockServer};
    /// use std::time::Duration;
    ///
    /// let server = MockServer::start(MockConfig::default()).await?;
    /// // The next DescribeRefreshTaskById call gets a 503; tasks move 90 s on.
    /// server.set_fault_rules(vec![
    ///     FaultRule::new(Fault::ServiceUnavailable).for_action("DescribeRefreshTaskById").with_count(1),
    /// ]);
    /// let later = server.advance_clock(Duration::from_secs(90))?;
    /// let saved = server.state();
    /// server.reset();
    /// assert!(server.fault_rules().is_empty());
    /// server.restore_state(&saved);
    /// assert_eq!(server.fault_rules()[0].remaining(), Some(1));
    /// assert!(server.clock().now() >= later);
    /// server.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Every task the mock holds, by ID, with its owner, as it stands now on the mock's clock
    /// (`GET /_mock/tasks`).
    pub fn tasks(&self) -> Vec<StoredTask> {
        self.shared.tasks()
    }

    /// Adds tasks as given (they do not progress). `owner` is the AccessKeyId that may see them;
    /// `None` makes them visible to every key. A task with an existing ID replaces it. Answers
    /// them as stored (`POST /_mock/tasks`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use cdn_task_core::TaskStatus;
    /// use cdn_task_mock::{MockConfig, MockServer, parse_tasks};
    ///
    /// let server = MockServer::start(MockConfig::default()).await?;
    /// let tasks = parse_tasks(r#"[{"TaskId":"700000001","ObjectPath":"http://example.com/a.js",
    ///   "ObjectType":"file","Status":"Refreshing","Process":"50%",
    ///   "CreationTime":"2099-01-01T00:00:00Z","Description":""}]"#)?;
    /// let stored = server.add_tasks(Some("testid"), tasks); // only testid sees it
    /// assert_eq!(stored[0].owner.as_deref(), Some("testid"));
    /// assert_eq!(server.tasks()[0].task.status, TaskStatus::Refreshing);
    /// server.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn add_tasks(&self, owner: Option<&str>, tasks: Vec<Task>) -> Vec<StoredTask> {
        let owned = tasks
            .into_iter()
            .map(|task| (owner.map(str::to_owned), task))
            .collect();
        self.shared.add_tasks(owned)
    }

    /// Moves the mock's clock forward by `by` and answers the new time; refuses, moving
    /// nothing, if that passes the end of representable time (`POST /_mock/clock`
    /// `{"Advance": …}`). Requests stay judged by [`MockClock::request_time`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use cdn_task_mock::{MockClock, MockConfig, MockServer};
    /// use chrono::{TimeZone, Utc};
    /// use std::time::Duration;
    ///
    /// let start = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    /// let server = MockServer::start(MockConfig::default().with_clock(MockClock::manual(start))).await?;
    /// // Tasks created now finish (default: 2 s) and age out of the three-day window as it moves.
    /// assert_eq!(server.advance_clock(Duration::from_secs(90))?, start + chrono::TimeDelta::seconds(90));
    /// assert_eq!(server.set_clock(start), start);
    /// assert!(server.advance_clock(Duration::MAX).is_err()); // nothing moved
    /// assert_eq!(server.clock().now(), start);
    /// server.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn advance_clock(&self, by: Duration) -> Result<DateTime<Utc>, ClockOverflow> {
        self.shared.advance_clock(by)
    }

    /// Sets the mock's clock to `time` and answers the new time (`POST /_mock/clock`
    /// `{"Set": …}`).
    pub fn set_clock(&self, time: DateTime<Utc>) -> DateTime<Utc> {
        self.shared.set_clock(time)
    }

    /// Replaces the fault injection settings with one blanket rule per kind, from the next
    /// request on (see [`FaultConfig::into_rules`]).
    pub fn set_faults(&self, faults: FaultConfig) {
        self.shared.set_fault_rules(faults.into_rules());
    }

    /// Replaces the fault rules, from the next request on (`PUT /_mock/faults`; an empty list
    /// is `DELETE /_mock/faults`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use cdn_task_core::ErrorCode;
    /// use cdn_task_mock::{Fault, FaultRule, MockConfig, MockServer};
    /// use std::time::Duration;
    ///
    /// let server = MockServer::start(MockConfig::default()).await?;
    /// server.set_fault_rules(vec![
    ///     // The first two DescribeRefreshTaskById calls get a 503 …
    ///     FaultRule::new(Fault::ServiceUnavailable).for_action("DescribeRefreshTaskById").with_count(2),
    ///     // … the next RefreshObjectCaches is refused as over the flow control …
    ///     FaultRule::new(Fault::Error(ErrorCode::ThrottlingUser)).for_action("RefreshObjectCaches").with_count(1),
    ///     // … and a tenth of all calls is answered 2 s late.
    ///     FaultRule::new(Fault::Delay(Duration::from_secs(2))).with_rate(0.1)?,
    /// ]);
    /// assert_eq!(server.fault_rules()[0].remaining(), Some(2));
    /// server.set_fault_rules(Vec::new()); // no more faults
    /// server.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_fault_rules(&self, rules: Vec<FaultRule>) {
        self.shared.set_fault_rules(rules);
    }

    /// The fault rules, with what is left of their counts (`GET /_mock/faults`).
    pub fn fault_rules(&self) -> Vec<FaultRule> {
        self.shared.fault_rules()
    }

    /// The requests received so far (the most recent
    /// [`MAX_RECORDED_CALLS`](crate::MAX_RECORDED_CALLS)), oldest first (`GET /_mock/calls`).
    pub fn received(&self) -> Vec<ReceivedCall> {
        self.shared.calls(None)
    }

    /// The requests received so far that named `action`, oldest first
    /// (`GET /_mock/calls?action=…`).
    pub fn received_for(&self, action: &str) -> Vec<ReceivedCall> {
        self.shared.calls(Some(action))
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

    /// Forgets the requests received so far (`DELETE /_mock/calls`).
    pub fn clear_received(&self) {
        self.shared.clear_calls();
    }

    /// The whole state (`GET /_mock/state`).
    pub fn state(&self) -> MockState {
        self.shared.save()
    }

    /// Replaces the whole state: tasks, quotas, faults and clock; the call log and nonces stay
    /// (`POST /_mock/state`).
    pub fn restore_state(&self, state: &MockState) {
        self.shared.restore(state);
    }

    /// Writes the state to [`MockConfig::state_file`] atomically and answers the file
    /// (`POST /_mock/state/save`).
    pub fn save_state(&self) -> Result<PathBuf, StateError> {
        self.shared.save_to_file()
    }

    /// What the handlers share (for `run`, to save the state after the server stopped).
    #[cfg(feature = "cli")]
    pub(crate) fn shared(&self) -> Arc<Shared> {
        Arc::clone(&self.shared)
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
