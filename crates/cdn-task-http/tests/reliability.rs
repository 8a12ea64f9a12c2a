//! Reliability of the client against an in-process mock: load, faults, and secrets under both.
//!
//! - Load: many keys, each with its own client and several concurrent callers, for a bounded
//!   time. Polite keys keep the client's default limit (30/s) and must see no error at all;
//!   greedy keys offer twice the service's limit with no retries and must see only throttling,
//!   with their successes held to the mock's 30/s per key. Prints requests/s and peak RSS.
//!   `load_long` is the same for longer with more keys (`RELIABILITY_SECONDS`,
//!   `RELIABILITY_KEYS`; see RELIABILITY.md).
//! - Faults: `describe_all` of 1,000 seeded and 50 unknown IDs while the mock injects 20% faults
//!   of every kind: every ID accounted for exactly once, attempts bounded by the retry policy.
//! - Secrets: every kind of error the faults produce, with a known secret and STS token in both
//!   schemes, never shows either, in Display, Debug or TRACE-level tracing output.
//!   (`client/secrets.rs` covers Debug of the client and a refused signature.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/capture.rs"]
mod capture;

use capture::capture;
use cdn_task_core::signing::SignatureVersion;
use cdn_task_core::{
    ErrorCode, Format, ObjectType, Process, RateLimit, Task, TaskId, TaskIdList, TaskStatus,
};
use cdn_task_http::{Client, Credentials, DescribeReport, RetryPolicy, WaitOptions};
use cdn_task_mock::{Fault, FaultConfig, MAX_RECORDED_CALLS, MockConfig, MockServer, ReceivedCall};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// The tests of this file run one at a time. Two of them install a thread-local tracing
/// subscriber, and tracing-core rebuilds its global callsite interest and max-level hint whenever
/// a subscriber is created: two tests doing so at once can leave a span disabled for the other
/// (seen: the attempt counter below counted 0 spans while running beside the secrets test). And
/// the load figures are cleaner without the fault tests' traffic beside them.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn id(n: u64) -> TaskId {
    TaskId::try_from(n).unwrap()
}

fn task(n: u64) -> Task {
    Task::new(
        id(n),
        format!("http://example.com/{n}.js"),
        DateTime::<Utc>::from(SystemTime::now()),
    )
    .with_object_type(ObjectType::File)
    .with_status(TaskStatus::Complete)
    .with_process(Process::COMPLETE)
}

fn describe_calls(server: &MockServer) -> Vec<ReceivedCall> {
    server
        .received()
        .into_iter()
        .filter(|call| call.action.as_deref() == Some("DescribeRefreshTaskById"))
        .collect()
}

/// A `/proc/self/status` field in kB (`VmHWM`: peak resident set; `VmRSS`: current).
fn proc_status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Reads a positive number from the environment, or `default`.
fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .filter(|value| *value > 0)
        .unwrap_or(default)
}

// ---------------------------------------------------------------------------------------------
// Load

/// The service's limit, which the mock enforces per key.
const LIMIT: u32 = 30;
/// What a greedy key offers: twice the limit (its own client-side limiter), so the request count
/// stays bounded while the mock has to throttle half of it.
const GREEDY_RATE: u32 = 2 * LIMIT;
/// Concurrent callers per key.
const CALLERS_PER_KEY: usize = 3;

/// The mock's burst: governor's GCRA with a period of 1/30 s admits up to 30 calls at once after a
/// second of idleness.
const BURST: u32 = LIMIT;

/// The most successes governor's GCRA (period 1/`LIMIT` s, burst `BURST`) can admit in any `k`
/// seconds: the burst saved before the window, one per period inside it, and one at the boundary.
/// This is the "never more" the mock promises: sustained, 30 a second; in any one second, at most
/// twice that, and only right after a second of idleness.
fn gcra_most(k: u64) -> u64 {
    u64::from(LIMIT) * k + u64::from(BURST) + 1
}

/// Requests after which the mock's memory has settled. It remembers the nonces of the last
/// 100,000 requests (its README: "at most 100,000 remembered"), so it grows until then; measured,
/// its nonce table and the allocator settle within another 50,000 requests (RELIABILITY.md).
const SETTLED_AFTER_REQUESTS: u64 = 150_000;

/// What a caller saw.
#[derive(Debug, Default)]
struct KeyStats {
    successes: u64,
    /// Successes of calls sent after the first second (past the mock's initial burst).
    steady_successes: u64,
    throttled: u64,
    unexpected: Vec<String>,
    /// Successes whose round trip started and ended in window `i` (one second from the start).
    window_successes: Vec<u32>,
    first_sent: Option<Instant>,
    last_done: Option<Instant>,
}

impl KeyStats {
    fn merge(&mut self, other: KeyStats) {
        self.successes += other.successes;
        self.steady_successes += other.steady_successes;
        self.throttled += other.throttled;
        self.unexpected.extend(other.unexpected);
        if self.window_successes.len() < other.window_successes.len() {
            self.window_successes.resize(other.window_successes.len(), 0);
        }
        for (mine, theirs) in self.window_successes.iter_mut().zip(other.window_successes) {
            *mine += theirs;
        }
        self.first_sent = match (self.first_sent, other.first_sent) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_done = self.last_done.max(other.last_done);
    }

    fn elapsed(&self) -> Duration {
        match (self.first_sent, self.last_done) {
            (Some(first), Some(last)) => last - first,
            _ => Duration::ZERO,
        }
    }
}

/// One caller: describes in a loop until `until`.
async fn caller(client: Client, start: Instant, until: Instant, sent_total: Arc<AtomicU64>) -> KeyStats {
    let ids: TaskIdList = "1".parse().unwrap();
    let mut stats = KeyStats::default();
    while Instant::now() < until {
        let sent = Instant::now();
        let result = client.describe(&ids).await;
        let done = Instant::now();
        sent_total.fetch_add(1, Ordering::Relaxed);
        stats.first_sent.get_or_insert(sent);
        stats.last_done = Some(done);
        match result {
            Ok(response) if response.tasks.len() == 1 => {
                stats.successes += 1;
                if sent >= start + Duration::from_secs(1) {
                    stats.steady_successes += 1;
                }
                let window = |at: Instant| (at - start).as_secs() as usize;
                if window(sent) == window(done) {
                    let i = window(sent);
                    if stats.window_successes.len() <= i {
                        stats.window_successes.resize(i + 1, 0);
                    }
                    stats.window_successes[i] += 1;
                }
            }
            Ok(response) => stats.unexpected.push(format!("{} tasks", response.tasks.len())),
            Err(error) if error.is_throttling() => stats.throttled += 1,
            Err(error) => stats.unexpected.push(error.to_string()),
        }
    }
    stats
}

struct LoadReport {
    start: Instant,
    keys: usize,
    seconds: u64,
    polite: Vec<KeyStats>,
    greedy: Vec<KeyStats>,
    wall: Duration,
    served: usize,
    /// (requests sent so far, VmRSS in kB), every 250 ms.
    rss_samples_kb: Vec<(u64, u64)>,
    peak_rss_kb: u64,
}

async fn run_load(keys: usize, seconds: u64) -> (LoadReport, MockServer) {
    let key = |n: usize| (format!("key-{n}"), format!("secret-{n}"));
    let server = MockServer::start(
        MockConfig::default()
            .with_keys((0..keys).map(key))
            .with_rate_limit(std::num::NonZeroU32::new(LIMIT)),
    )
    .await
    .unwrap();
    server.add_tasks(None, vec![task(1)]);

    let start = Instant::now();
    let until = start + Duration::from_secs(seconds);
    let mut callers = tokio::task::JoinSet::new();
    let sent_total = Arc::new(AtomicU64::new(0));
    for n in 0..keys {
        let (id, secret) = key(n);
        let greedy = n % 2 == 1;
        let builder = Client::builder()
            .endpoint(server.base_url())
            .credentials(Credentials::new(id, secret))
            .timeout(Duration::from_secs(5));
        let builder = if greedy {
            builder
                .rate_limit(Some(RateLimit::per_second(GREEDY_RATE).unwrap()))
                .retry_policy(RetryPolicy::NONE)
        } else {
            // The defaults: 30/s, retries on throttling (there must be none to retry).
            builder
        };
        let client = builder.build().unwrap();
        for _ in 0..CALLERS_PER_KEY {
            let (client, sent_total) = (client.clone(), Arc::clone(&sent_total));
            callers.spawn(async move { (n, caller(client, start, until, sent_total).await) });
        }
    }
    // RSS every 250 ms while the load runs.
    let sampler = tokio::spawn(async move {
        let mut samples = Vec::new();
        while Instant::now() < until {
            let sent = sent_total.load(Ordering::Relaxed);
            samples.extend(proc_status_kb("VmRSS").map(|rss| (sent, rss)));
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        samples
    });
    let mut per_key: Vec<KeyStats> = (0..keys).map(|_| KeyStats::default()).collect();
    for (n, stats) in callers.join_all().await {
        per_key[n].merge(stats);
    }
    let wall = start.elapsed();
    let rss_samples_kb = sampler.await.unwrap();
    let served = describe_calls(&server).len();
    let (mut polite, mut greedy) = (Vec::new(), Vec::new());
    for (n, stats) in per_key.into_iter().enumerate() {
        if n % 2 == 1 {
            greedy.push(stats);
        } else {
            polite.push(stats);
        }
    }
    let report = LoadReport {
        start,
        keys,
        seconds,
        polite,
        greedy,
        wall,
        served,
        rss_samples_kb,
        peak_rss_kb: proc_status_kb("VmHWM").unwrap_or(0),
    };
    (report, server)
}

/// Successes per second over the whole run (the first second includes the mock's burst of 30).
fn rate(stats: &KeyStats) -> f64 {
    stats.successes as f64 / stats.elapsed().as_secs_f64()
}

/// Successes per second after the first second: the sustained rate.
fn steady_rate(stats: &KeyStats, start: Instant) -> f64 {
    let steady_start = start + Duration::from_secs(1);
    let span = stats.last_done.map_or(Duration::ZERO, |last| {
        last.saturating_duration_since(steady_start)
    });
    stats.steady_successes as f64 / span.as_secs_f64()
}

/// Checks everything the load must hold to, and prints the figures.
fn check_load(report: &LoadReport, server: &MockServer) {
    let requests: u64 = report
        .polite
        .iter()
        .chain(&report.greedy)
        .map(|s| s.successes + s.throttled + s.unexpected.len() as u64)
        .sum();
    let max_window = |stats: &KeyStats| stats.window_successes.iter().skip(1).copied().max().unwrap_or(0);
    let steady =
        |stats: &[KeyStats]| -> Vec<f64> { stats.iter().map(|s| steady_rate(s, report.start)).collect() };
    let (polite_rates, greedy_rates) = (steady(&report.polite), steady(&report.greedy));
    let min = |rates: &[f64]| rates.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |rates: &[f64]| rates.iter().copied().fold(0.0, f64::max);
    let greedy_whole: Vec<f64> = report.greedy.iter().map(rate).collect();
    eprintln!(
        "load: {} keys ({} polite at 30/s, {} greedy at 60/s) x {} callers for {} s: {requests} requests in {:.2} s \
         = {:.0} requests/s ({} in the mock's log, which keeps 10,000); successes/s per key after the first second: \
         polite {:.1}..{:.1}, greedy {:.1}..{:.1} (greedy over the whole run, burst included: {:.1}..{:.1}); \
         greedy throttled {}; most successes in one 1-s window after the first: polite {}, greedy {}; \
         RSS {}..{} kB under load, peak (VmHWM) {} kB",
        report.keys,
        report.polite.len(),
        report.greedy.len(),
        CALLERS_PER_KEY,
        report.seconds,
        report.wall.as_secs_f64(),
        requests as f64 / report.wall.as_secs_f64(),
        report.served,
        min(&polite_rates),
        max(&polite_rates),
        min(&greedy_rates),
        max(&greedy_rates),
        min(&greedy_whole),
        max(&greedy_whole),
        report.greedy.iter().map(|s| s.throttled).sum::<u64>(),
        report.polite.iter().map(max_window).max().unwrap_or(0),
        report.greedy.iter().map(max_window).max().unwrap_or(0),
        report.rss_samples_kb.iter().map(|s| s.1).min().unwrap_or(0),
        report.rss_samples_kb.iter().map(|s| s.1).max().unwrap_or(0),
        report.peak_rss_kb,
    );

    // Bounded: no key offered more than its client-side limit allows.
    let bound = |rate: u32| u64::from(rate) * (report.seconds + 1);
    for (n, stats) in report.polite.iter().enumerate() {
        let offered = stats.successes + stats.throttled + stats.unexpected.len() as u64;
        assert!(offered <= bound(LIMIT), "polite key {n} sent {offered}");
        // Zero errors of any kind.
        assert!(
            stats.unexpected.is_empty() && stats.throttled == 0,
            "polite key {n}: {:?}",
            stats.unexpected
        );
        // ~30/s: never more than the client's evenly spaced limit, and not far below it.
        let elapsed = stats.elapsed().as_secs_f64();
        assert!(
            stats.successes as f64 <= f64::from(LIMIT) * elapsed + 1.0,
            "polite key {n}: {} in {elapsed:.2} s",
            stats.successes
        );
        assert!(
            polite_rates[n] >= f64::from(LIMIT) * 0.75,
            "polite key {n}: {:.1}/s",
            polite_rates[n]
        );
    }
    for (n, stats) in report.greedy.iter().enumerate() {
        let offered = stats.successes + stats.throttled + stats.unexpected.len() as u64;
        assert!(offered <= bound(GREEDY_RATE), "greedy key {n} sent {offered}");
        // Only throttling, and throttling did happen.
        assert!(
            stats.unexpected.is_empty(),
            "greedy key {n}: {:?}",
            stats.unexpected
        );
        assert!(
            stats.throttled > 0,
            "greedy key {n} was never throttled: the test proves nothing"
        );
        // GCRA over the whole run: at most the burst plus one per period since the first call.
        let elapsed = stats.elapsed().as_secs_f64();
        let most = f64::from(LIMIT) * elapsed + f64::from(LIMIT) + 1.0;
        assert!(
            stats.successes as f64 <= most,
            "greedy key {n}: {} successes in {elapsed:.2} s",
            stats.successes
        );
        // Any k consecutive seconds: within what GCRA allows (see gcra_most).
        let windows = &stats.window_successes;
        for k in 1..=windows.len() {
            for run in windows.windows(k) {
                let admitted: u64 = run.iter().map(|&w| u64::from(w)).sum();
                assert!(
                    admitted <= gcra_most(k as u64),
                    "greedy key {n}: {admitted} successes in {k} s: {windows:?}"
                );
            }
        }
        // A floor: the mock admits ~30/s, sustained.
        assert!(
            greedy_rates[n] >= f64::from(LIMIT) * 0.75,
            "greedy key {n}: {:.1}/s",
            greedy_rates[n]
        );
    }
    // Nothing lost: the mock answered every request sent (its log holds the last 10,000).
    if usize::try_from(requests).unwrap() <= MAX_RECORDED_CALLS {
        assert_eq!(report.served as u64, requests);
        let calls = describe_calls(server);
        let polite_ids: Vec<String> = (0..report.keys).step_by(2).map(|n| format!("key-{n}")).collect();
        for call in &calls {
            let code = call.error_code.as_ref();
            let polite = call
                .access_key_id
                .as_ref()
                .is_some_and(|id| polite_ids.contains(id));
            match code {
                None => assert_eq!(call.status, Some(200)),
                Some(ErrorCode::ThrottlingUser) => assert!(!polite, "a polite key was throttled"),
                Some(other) => panic!("unexpected answer {other:?}"),
            }
        }
    }
    assert!(
        report.peak_rss_kb < 1024 * 1024,
        "peak RSS {} kB",
        report.peak_rss_kb
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_eight_keys_for_three_seconds_is_throttled_per_key_and_loses_nothing() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let (report, server) = run_load(8, 3).await;
    check_load(&report, &server);
    server.shutdown().await;
}

/// The long version: `RELIABILITY_SECONDS` (default 300) and `RELIABILITY_KEYS` (default 32).
///
/// Memory must also be stable: once it has settled (see `SETTLED_AFTER_REQUESTS`), RSS may not
/// grow by more than 10% + 8 MiB for the rest of the run. A run too short to get there says so,
/// and asserts only the peak.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long: run with --ignored (see RELIABILITY.md)"]
async fn load_long() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let seconds = env_or("RELIABILITY_SECONDS", 300);
    let keys = usize::try_from(env_or("RELIABILITY_KEYS", 32)).unwrap();
    let (report, server) = run_load(keys, seconds).await;
    check_load(&report, &server);
    let plateau: Vec<u64> = report
        .rss_samples_kb
        .iter()
        .filter(|(sent, _)| *sent >= SETTLED_AFTER_REQUESTS)
        .map(|(_, rss)| *rss)
        .collect();
    match (plateau.first(), plateau.iter().max()) {
        (Some(&first), Some(&most)) if plateau.len() >= 8 => {
            let quarters: Vec<u64> = (1..=4).map(|q| plateau[(plateau.len() - 1) * q / 4]).collect();
            eprintln!(
                "memory: RSS {first} kB once {SETTLED_AFTER_REQUESTS} requests were sent, then {quarters:?} kB \
                 at each quarter of the rest of the run, at most {most} kB"
            );
            assert!(
                most <= first + first / 10 + 8 * 1024,
                "RSS grew from {first} kB to {most} kB"
            );
        }
        _ => eprintln!("memory: the run ended within 2 s of settling (or before); stability not judged"),
    }
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Faults

/// Every kind of fault the mock injects; the delay is past the client's per-attempt timeout.
fn every_fault(timeout: Duration) -> Vec<Fault> {
    vec![
        Fault::InternalError,
        Fault::ServiceUnavailable,
        Fault::DropConnection,
        Fault::TruncatedBody,
        Fault::Delay(timeout * 3),
    ]
}

struct FaultRun {
    /// Attempts the client made (counted from its tracing spans).
    client_attempts: usize,
    seeded: Vec<TaskId>,
    unknown: Vec<TaskId>,
    report: DescribeReport,
    batches: usize,
    calls: Vec<ReceivedCall>,
}

/// `describe_all` of 1,000 seeded IDs, 50 unknown ones and 20 repeats, with 20% faults.
async fn describe_all_under_faults(max_attempts: u32) -> FaultRun {
    let timeout = Duration::from_millis(400);
    let server = MockServer::start(
        MockConfig::default()
            .with_rate_limit(None)
            .with_faults(FaultConfig::new(0.2, every_fault(timeout))),
    )
    .await
    .unwrap();
    let seeded: Vec<TaskId> = (0..1_000).map(|n| id(500_000 + n)).collect();
    server.add_tasks(
        None,
        seeded
            .iter()
            .map(|id| task(id.as_str().parse().unwrap()))
            .collect(),
    );
    // Unknown IDs every 20th place, and the first 20 seeded IDs again at the end.
    let unknown: Vec<TaskId> = (0..50).map(|n| id(900_000 + n)).collect();
    let mut asked: Vec<TaskId> = Vec::new();
    for (n, chunk) in seeded.chunks(20).enumerate() {
        asked.extend_from_slice(chunk);
        asked.push(unknown[n]);
    }
    asked.extend_from_slice(&seeded[..20]);
    let client = Client::builder()
        .endpoint(server.base_url())
        .credentials(Credentials::new("testid", "testsecret"))
        .rate_limit(None)
        .timeout(timeout)
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(max_attempts)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(50))
                .with_max_total_time(Duration::from_secs(10)),
        )
        .build()
        .unwrap();
    let (captured, report) = {
        // The batches run on this thread (describe_all polls them itself), so this thread's
        // capture sees every attempt.
        let (captured, _guard) = capture();
        let report = client.describe_all(asked.clone()).await;
        (captured, report)
    };
    // A delayed request is answered (and recorded) after the client gave up on it.
    tokio::time::sleep(timeout * 3 + Duration::from_millis(300)).await;
    let calls = describe_calls(&server);
    server.shutdown().await;
    FaultRun {
        client_attempts: captured.calls(),
        batches: TaskIdList::batches(asked).len(),
        seeded,
        unknown,
        report,
        calls,
    }
}

/// Every ID exactly once, in the right place; attempts bounded; returns (attempts, faults).
fn check_accounting(run: &FaultRun, max_attempts: u32) -> (usize, usize) {
    let report = &run.report;
    let mut seen: HashMap<TaskId, Vec<&str>> = HashMap::new();
    for task in &report.tasks {
        seen.entry(task.task_id).or_default().push("returned");
    }
    for id in &report.not_found {
        seen.entry(*id).or_default().push("not found");
    }
    for id in report.failed_ids() {
        seen.entry(id).or_default().push("failed");
    }
    let asked: Vec<&TaskId> = run.seeded.iter().chain(&run.unknown).collect();
    assert_eq!(
        seen.len(),
        asked.len(),
        "IDs reported that were never asked for, or missing"
    );
    for id in asked {
        let places = seen.get(id).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(places.len(), 1, "{id} is {places:?}");
        // And in the right place: a seeded ID is never "not found", an unknown one never returned.
        let place = places[0];
        if run.unknown.contains(id) {
            assert_ne!(place, "returned", "{id}");
        } else {
            assert_ne!(place, "not found", "{id}");
        }
    }
    for failure in &report.failed_batches {
        assert!(
            failure.error.is_retryable(),
            "a failed batch's error: {}",
            failure.error
        );
    }
    assert_eq!(
        report.request_ids.len() + report.failed_batches.len(),
        run.batches
    );

    // The mock records every attempt it received, including one the client abandoned during an
    // injected delay (recorded when hyper drops the handler).
    let recorded = run.calls.len();
    let faults = run.calls.iter().filter(|call| call.fault.is_some()).count();
    assert!(faults > 0, "no fault was injected: the test proves nothing");
    let bound = max_attempts as usize * run.batches;
    assert!(
        recorded <= bound,
        "{recorded} attempts recorded for {} batches of at most {max_attempts}",
        run.batches
    );
    assert!(
        (recorded..=bound).contains(&run.client_attempts),
        "the client made {} attempts; {recorded} recorded, at most {bound} allowed",
        run.client_attempts
    );
    // Each recorded attempt either is its batch's success or failed because of its fault, so:
    assert_eq!(
        recorded,
        faults + run.batches - report.failed_batches.len(),
        "an attempt failed without a fault, or a fault went unnoticed"
    );
    (recorded, faults)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_all_of_a_thousand_ids_under_20_percent_faults_accounts_for_every_id() {
    let _alone = ONE_AT_A_TIME.lock().await;
    for max_attempts in [4, 1] {
        let started = Instant::now();
        let run = describe_all_under_faults(max_attempts).await;
        let (recorded, faults) = check_accounting(&run, max_attempts);
        let report = &run.report;
        eprintln!(
            "faults (max_attempts {max_attempts}): {} IDs ({} seeded, {} unknown) in {} batches; {} attempts ({recorded} answered \
             by the mock, {faults} of them faults); {} returned, {} not found, {} failed batches ({} IDs); {:.1} s",
            run.seeded.len() + run.unknown.len(),
            run.seeded.len(),
            run.unknown.len(),
            run.batches,
            run.client_attempts,
            report.tasks.len(),
            report.not_found.len(),
            report.failed_batches.len(),
            report.failed_ids().len(),
            started.elapsed().as_secs_f64(),
        );
        if max_attempts == 1 {
            // Without retries a fifth of the batches fail: the failure path is exercised.
            assert!(!report.failed_batches.is_empty());
        }
    }
}

/// Regression: the mock's log once missed a request whose injected delay outlived the client
/// (hyper drops the handler when the client hangs up, and the call was recorded only after the
/// delay). The mock now records a call however its handler ends.
#[tokio::test]
async fn a_request_abandoned_during_an_injected_delay_is_in_the_mock_s_log() {
    let server = MockServer::start(
        MockConfig::default().with_faults(FaultConfig::always(Fault::Delay(Duration::from_millis(500)))),
    )
    .await
    .unwrap();
    let client = Client::builder()
        .endpoint(server.base_url())
        .credentials(Credentials::new("testid", "testsecret"))
        .timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::NONE)
        .build()
        .unwrap();
    let error = client.describe(&"1".parse().unwrap()).await.unwrap_err();
    assert!(matches!(error, cdn_task_http::Error::Timeout { .. }), "{error}");
    // Long past the delay: the mock has had every chance to record it.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        server.received().len(),
        1,
        "the request the mock received is not in its log"
    );
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Secrets under faults

const SECRET: &str = "R3liab1lity-S3cret-value";
const TOKEN: &str = "R3liab1lity-T0ken-value";

/// Fails if `text` holds the secret or the token (without printing them).
fn assert_clean(what: &str, text: &str) {
    for (name, value) in [("secret", SECRET), ("token", TOKEN)] {
        let at = text.find(value);
        assert!(at.is_none(), "{what} shows the {name} at byte {at:?}");
    }
}

/// Starts a mock, and returns everything a client with the known secret and token shows when
/// calling it, for both schemes (RPC puts the token in the URL), both formats and every call
/// shape (describe, describe_all, wait).
async fn errors_from(config: MockConfig, timeout: Duration) -> Vec<String> {
    let throttled = config.rate_limit.map(std::num::NonZeroU32::get) == Some(1);
    let server = MockServer::start(config).await.unwrap();
    let mut shown = Vec::new();
    for (scheme, format) in [
        (SignatureVersion::Rpc, Format::Xml),
        (SignatureVersion::Acs3, Format::Json),
    ] {
        let client = Client::builder()
            .endpoint(server.base_url())
            .credentials(Credentials::new("testid", SECRET).with_security_token(TOKEN))
            .signature_version(scheme)
            .format(format)
            .timeout(timeout)
            .retry_policy(
                RetryPolicy::default()
                    .with_max_attempts(2)
                    .with_backoff(Duration::from_millis(1), Duration::from_millis(2))
                    .with_max_total_time(if throttled {
                        // Under the retry-after of a throttled answer (up to 1 s at 1 call a second),
                        // so the throttling error is returned rather than waited out.
                        Duration::from_millis(500)
                    } else {
                        Duration::from_secs(5)
                    }),
            )
            .build()
            .unwrap();
        shown.push(format!("{client:?}"));
        let ids: TaskIdList = "1,2".parse().unwrap();
        // (On the throttled mock the first call of each client passes.)
        match client.describe(&ids).await {
            Ok(response) => shown.push(format!("{response:?}")),
            Err(error) => shown.push(format!(
                "{error} {error:?} {:?}",
                std::error::Error::source(&error)
            )),
        }
        let report = client.describe_all([id(1), id(2)]).await;
        shown.push(format!("{report:?}"));
        let options = WaitOptions::with_deadline(Duration::from_millis(200))
            .with_intervals(Duration::from_millis(100), Duration::from_millis(100));
        let mut polls = Vec::new();
        let waited = client
            .wait([id(1)], options, |progress| {
                polls.push(format!("{:?}", progress.poll_error))
            })
            .await;
        shown.extend(polls);
        match waited {
            Ok(report) => shown.push(format!("{report:?}")),
            Err(error) => shown.push(format!("{error} {error:?}")),
        }
    }
    server.shutdown().await;
    shown
}

#[tokio::test]
async fn no_error_of_any_kind_shows_the_secret_or_token_even_at_trace_level() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let (captured, _guard) = capture();

    let timeout = Duration::from_millis(150);
    let key = |secret: &str| vec![("testid".to_owned(), secret.to_owned())];
    let mut configs: Vec<MockConfig> = every_fault(timeout)
        .into_iter()
        .map(|fault| {
            // The known secret is the key's, so the faults are reached.
            MockConfig::default()
                .with_keys(key(SECRET))
                .with_rate_limit(None)
                .with_faults(FaultConfig::always(fault))
        })
        .collect();
    configs.extend([
        // Another secret: a refused signature.
        MockConfig::default().with_keys(key("another-secret")),
        // Throttled: a limit of 1 per second, no client-side limit.
        MockConfig::default()
            .with_keys(key(SECRET))
            .with_rate_limit(std::num::NonZeroU32::new(1)),
    ]);
    // All at once, on this thread (the capture is this thread's).
    let shown: Vec<String> =
        futures_util::future::join_all(configs.into_iter().map(|config| errors_from(config, timeout)))
            .await
            .concat();
    let shown = shown.join("\n");
    for kind in [
        "Transport",
        "Timeout",
        "Service",
        "Throttling.User",
        "SignatureDoesNotMatch",
        "InternalError",
    ] {
        assert!(
            shown.contains(kind),
            "no {kind} error was produced: the test proves less than it says"
        );
    }
    assert_clean("errors, reports and Debug output", &shown);
    let output = captured.text();
    assert!(
        output.contains("retrying") && output.contains("cdn_task_call"),
        "the client traced nothing"
    );
    assert_clean("tracing output", &output);
}
