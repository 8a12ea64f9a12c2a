//! The truncated-body fault: a response body cut off halfway.

use axum::body::Bytes;
use http_body::{Frame, SizeHint};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A response body that declares its full length, sends the first half, and then fails, so the
/// connection closes before the body is complete.
pub(crate) struct TruncatedBody {
    state: TruncatedState,
    full_length: u64,
}

enum TruncatedState {
    /// The first half, not sent yet.
    Half(Bytes),
    /// Sent; yield once so the server flushes it before the failure.
    Flushing,
    /// Fail.
    Failing,
}

impl TruncatedBody {
    pub(crate) fn new(full: Vec<u8>) -> TruncatedBody {
        let full_length = full.len() as u64;
        let mut half = full;
        half.truncate(half.len() / 2);
        TruncatedBody {
            state: TruncatedState::Half(Bytes::from(half)),
            full_length,
        }
    }
}

impl http_body::Body for TruncatedBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match std::mem::replace(&mut self.state, TruncatedState::Failing) {
            TruncatedState::Half(half) => {
                self.state = TruncatedState::Flushing;
                Poll::Ready(Some(Ok(Frame::data(half))))
            }
            TruncatedState::Flushing => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            TruncatedState::Failing => Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "injected fault: truncated body",
            )))),
        }
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.full_length)
    }
}
