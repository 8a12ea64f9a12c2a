//! The test binary's one tracing subscriber, installed once as the global default, with captures
//! scoped to a thread.
//!
//! A scoped subscriber (`tracing::subscriber::set_default`) leaves tracing's per-callsite
//! interest cache racing with other threads that register the same callsites: now and then a
//! capture saw none of the client's events (the secrets suite, about one run in a dozen) or an
//! attempt count came up short (the reliability suite's accounting). With one global subscriber
//! every callsite is always of interest, and each event and span goes to the capture of the thread
//! it happens on, if that thread has one.

use std::cell::RefCell;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use tracing_subscriber::filter::{LevelFilter, filter_fn};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{Layer, fmt};

thread_local! {
    static CAPTURE: RefCell<Option<Captured>> = const { RefCell::new(None) };
}

/// What one thread traced while its capture was on: the formatted output at every level, and
/// how many client calls (`cdn_task_call` spans, one per attempt) it made.
#[derive(Clone, Default)]
pub struct Captured {
    output: Arc<Mutex<Vec<u8>>>,
    calls: Arc<AtomicUsize>,
}

impl Captured {
    /// The formatted output so far.
    pub fn text(&self) -> String {
        let output = self
            .output
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        String::from_utf8_lossy(&output).into_owned()
    }

    /// The client's attempts so far.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::Relaxed)
    }
}

/// Ends this thread's capture when dropped.
pub struct CaptureGuard;

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURE.with(|slot| slot.borrow_mut().take());
    }
}

/// Captures everything traced on this thread until the guard drops.
pub fn capture() -> (Captured, CaptureGuard) {
    install();
    let captured = Captured::default();
    CAPTURE.with(|slot| *slot.borrow_mut() = Some(captured.clone()));
    (captured, CaptureGuard)
}

fn this_thread() -> Option<Captured> {
    CAPTURE.with(|slot| slot.borrow().clone())
}

fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let output = fmt::layer()
            .with_ansi(false)
            .with_writer(|| ThreadWriter)
            .with_filter(filter_fn(|_| this_thread().is_some()));
        let subscriber = tracing_subscriber::registry()
            .with(CallCounter)
            .with(output)
            .with(LevelFilter::TRACE);
        // Fails only if another subscriber was installed first: then nothing is captured and the
        // tests that need a capture fail, saying so.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

/// Writes to the current thread's capture, or nowhere.
struct ThreadWriter;

impl Write for ThreadWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Some(captured) = this_thread() {
            let mut output = captured
                .output
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            output.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Counts `cdn_task_call` spans into the current thread's capture.
struct CallCounter;

impl<S: tracing::Subscriber> Layer<S> for CallCounter {
    fn on_new_span(
        &self,
        attributes: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: Context<'_, S>,
    ) {
        if attributes.metadata().name() == "cdn_task_call" {
            if let Some(captured) = this_thread() {
                captured.calls.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}
