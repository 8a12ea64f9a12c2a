//! A scripted HTTP server for the credential providers' unit tests: it answers each request with
//! the next of its replies (the last one repeats) and records what it was asked. It runs on a
//! thread of its own, so it works whatever the test's runtime (paused time included).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// What the server does with one request.
#[derive(Debug, Clone)]
pub(crate) enum Reply {
    /// Answers this status with this body.
    Status(u16, String),
    /// Answers this status with this body, having stopped listening first: every later
    /// connection is refused.
    Last(u16, String),
    /// Closes the connection without an answer.
    Drop,
}

/// The server; it stops listening when dropped.
pub(crate) struct ScriptedServer {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl ScriptedServer {
    /// Starts a server on a free port of 127.0.0.1.
    pub(crate) fn start(replies: Vec<Reply>) -> ScriptedServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::downgrade(&requests);
        std::thread::spawn(move || {
            let mut next = 0;
            loop {
                let Ok((mut stream, _)) = listener.accept() else {
                    return;
                };
                let Some(recorded) = recorded.upgrade() else {
                    return;
                };
                let Some(request) = read_request(&stream) else {
                    continue;
                };
                recorded.lock().unwrap().push(request);
                let reply = replies[next.min(replies.len() - 1)].clone();
                next += 1;
                match reply {
                    Reply::Status(status, body) => answer(&mut stream, status, &body),
                    Reply::Last(status, body) => {
                        drop(listener);
                        answer(&mut stream, status, &body);
                        return;
                    }
                    Reply::Drop => {}
                }
            }
        });
        ScriptedServer { url, requests }
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// `METHOD /path` of each request so far.
    pub(crate) fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        // Wakes the thread, which then finds the server gone and stops listening.
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

fn read_request(stream: &TcpStream) -> Option<String> {
    let mut reader = BufReader::new(stream);
    let mut first = String::new();
    reader.read_line(&mut first).ok()?;
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut words = first.split_whitespace();
    Some(format!("{} {}", words.next()?, words.next()?))
}

fn answer(stream: &mut TcpStream, status: u16, body: &str) {
    let head = format!(
        "HTTP/1.1 {status} Scripted\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
}
