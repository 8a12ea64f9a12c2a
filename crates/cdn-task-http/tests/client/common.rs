//! Helpers shared by the tests against the mock.

use cdn_task_core::signing::SignatureVersion;
use cdn_task_core::{Format, ObjectType, Process, Task, TaskId, TaskStatus};
use cdn_task_http::{Client, ClientBuilder, Credentials, RetryPolicy};
use cdn_task_mock::{MockClock, MockConfig, MockServer, ReceivedCall};
use chrono::{DateTime, Utc};
use std::time::{Duration, SystemTime};

/// The mock's default AccessKey.
pub const KEY_ID: &str = "testid";
pub const SECRET: &str = "testsecret";

/// Every (scheme, format) combination.
pub const COMBINATIONS: [(SignatureVersion, Format); 4] = [
    (SignatureVersion::Acs3, Format::Json),
    (SignatureVersion::Acs3, Format::Xml),
    (SignatureVersion::Rpc, Format::Json),
    (SignatureVersion::Rpc, Format::Xml),
];

/// The system time as chrono sees it (the client signs with it; a manual mock clock starts there
/// so the 15-minute skew check passes).
pub fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from(SystemTime::now())
}

pub async fn start(config: MockConfig) -> MockServer {
    MockServer::start(config).await.expect("the mock starts")
}

/// A mock whose clock stands still at the current time.
pub async fn start_manual(config: MockConfig) -> MockServer {
    start(config.with_clock(MockClock::manual(now()))).await
}

/// Fast retries, so fault tests stay short.
pub fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(max_attempts)
        .with_backoff(Duration::from_millis(5), Duration::from_millis(50))
        .with_max_total_time(Duration::from_secs(10))
}

/// A builder for the mock's endpoint with its default key.
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .endpoint(server.base_url())
        .credentials(Credentials::new(KEY_ID, SECRET))
        .retry_policy(fast_retries(5))
}

pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("client builds")
}

pub fn id(n: u64) -> TaskId {
    TaskId::try_from(n).expect("valid ID")
}

/// A task in the given status, created now.
pub fn task(n: u64, status: TaskStatus) -> Task {
    let process = if status == TaskStatus::Complete {
        Process::COMPLETE
    } else {
        Process::ZERO
    };
    Task::new(id(n), format!("http://example.com/{n}.js"), now())
        .with_object_type(ObjectType::File)
        .with_status(status)
        .with_process(process)
}

/// Calls of one action the mock received.
pub fn calls_of(server: &MockServer, action: &str) -> Vec<ReceivedCall> {
    server
        .received()
        .into_iter()
        .filter(|call| call.action.as_deref() == Some(action))
        .collect()
}
