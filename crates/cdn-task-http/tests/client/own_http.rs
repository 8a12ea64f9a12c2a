//! A caller's own HTTP client (`ClientBuilder::http_client`): it carries the calls, the builder's
//! per-attempt timeout still holds, and an answer from elsewhere (a redirect the client followed)
//! is refused.

use crate::common::{builder, fast_retries, start, task};
use cdn_task_core::{TaskIdList, TaskStatus};
use cdn_task_http::Error;
use cdn_task_mock::{Fault, FaultConfig, MockConfig};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn ids() -> TaskIdList {
    "7".parse().unwrap()
}

#[tokio::test]
async fn a_given_client_carries_the_calls_with_the_builder_s_timeout() {
    let server = start(MockConfig::default()).await;
    server.add_tasks(None, vec![task(7, TaskStatus::Complete)]);
    // No timeout of its own.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = builder(&server).http_client(http.clone()).build().unwrap();
    let response = client.describe(&ids()).await.unwrap();
    assert_eq!(response.tasks.len(), 1);

    server.set_faults(FaultConfig::always(Fault::Delay(Duration::from_secs(2))));
    let timeout = Duration::from_millis(200);
    let client = builder(&server)
        .http_client(http)
        .timeout(timeout)
        .retry_policy(fast_retries(1))
        .build()
        .unwrap();
    let error = client.describe(&ids()).await.unwrap_err();
    assert!(
        matches!(error, Error::Timeout { after, .. } if after == timeout),
        "{error:?}"
    );
    server.shutdown().await;
}

/// Answers every request with a 307 to `to`, keeping the path and query.
async fn redirector(to: SocketAddr) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&request);
                let target = text.split(' ').nth(1).unwrap_or("/").to_owned();
                let answer = format!(
                    "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://{to}{target}\r\n\
                     Content-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn an_answer_from_elsewhere_is_refused_even_when_the_client_follows_redirects() {
    let server = start(MockConfig::default()).await;
    let upstream: SocketAddr = server
        .base_url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let redirecting = redirector(upstream).await;
    // reqwest's default policy follows up to ten redirects.
    let following = reqwest::Client::new();
    let client = builder(&server)
        .endpoint(format!("http://{redirecting}"))
        .http_client(following)
        .build()
        .unwrap();
    let error = client.describe(&ids()).await.unwrap_err();
    let Error::Redirect {
        followed, location, ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert!(*followed);
    let location = location.as_deref().unwrap();
    assert!(
        location.contains(&upstream.to_string()) && !location.contains('?'),
        "{location}"
    );
    assert!(!error.is_retryable());

    // The builder's own client does not follow.
    let client = builder(&server)
        .endpoint(format!("http://{redirecting}"))
        .build()
        .unwrap();
    let error = client.describe(&ids()).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Redirect {
                followed: false,
                http_status: 307,
                ..
            }
        ),
        "{error:?}"
    );
    server.shutdown().await;
}
