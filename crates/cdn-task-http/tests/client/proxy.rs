//! A TCP proxy on 127.0.0.1 in front of the mock, for answers lost after the service acted: it
//! forwards every request, and for a create call (`RefreshObjectCaches`, `PushObjectCache`) it
//! either lets the mock act and cuts the connection as the answer starts ([`Mode::CutAnswer`]),
//! or drops the request before the mock sees it ([`Mode::DropRequest`]), as many times as asked.
//! Every other call passes through untouched.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does to a create call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Forward it, let the mock answer, and close the connection before any byte of the answer.
    CutAnswer,
    /// Close the connection without forwarding it.
    DropRequest,
}

pub struct Proxy {
    addr: SocketAddr,
    remaining: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// A proxy to `upstream` that treats the next `times` create calls by `mode`.
    pub async fn start(upstream: SocketAddr, mode: Mode, times: usize) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let remaining = Arc::new(AtomicUsize::new(times));
        let shared = Arc::clone(&remaining);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let remaining = Arc::clone(&shared);
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        relay(client, server, mode, &remaining).await;
                    }
                });
            }
        });
        Proxy {
            addr,
            remaining,
            task,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many create calls are still to be treated.
    pub fn remaining(&self) -> usize {
        self.remaining.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn is_create(bytes: &[u8]) -> bool {
    [&b"RefreshObjectCaches"[..], b"PushObjectCache"]
        .iter()
        .any(|name| bytes.windows(name.len()).any(|window| window == *name))
}

/// Takes one of the remaining treatments, if any is left.
fn take(remaining: &AtomicUsize) -> bool {
    remaining
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

async fn relay(client: TcpStream, server: TcpStream, mode: Mode, remaining: &AtomicUsize) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let cut = AtomicBool::new(false);
    let up = async {
        let mut buffer = vec![0; 64 * 1024];
        loop {
            let read = match client_read.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(read) => read,
            };
            let chunk = &buffer[..read];
            // The action is in the request line's query (RPC) or in the headers (ACS3), so in
            // the first chunk of the request: set before the mock can answer.
            if is_create(chunk) && take(remaining) {
                match mode {
                    Mode::DropRequest => return,
                    Mode::CutAnswer => cut.store(true, Ordering::SeqCst),
                }
            }
            if server_write.write_all(chunk).await.is_err() {
                return;
            }
        }
    };
    let down = async {
        let mut buffer = vec![0; 64 * 1024];
        loop {
            let read = match server_read.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(read) => read,
            };
            if cut.load(Ordering::SeqCst) {
                // The mock has acted and answered: the answer is lost on the way.
                return;
            }
            if client_write.write_all(&buffer[..read]).await.is_err() {
                return;
            }
        }
    };
    tokio::select! {
        () = up => {}
        () = down => {}
    }
}
