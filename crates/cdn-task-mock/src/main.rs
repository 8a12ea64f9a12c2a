//! `cdn-task-mock`: the service emulator as a program.

use clap::Parser;
use std::process::ExitCode;

/// A faithful emulator of Alibaba Cloud CDN's refresh-task API, for tests.
#[derive(Debug, Parser)]
#[command(name = "cdn-task-mock", version, about)]
struct Cli {
    #[command(flatten)]
    mock: cdn_task_mock::MockArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match cdn_task_mock::run(cli.mock, std::io::stdout()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cdn-task-mock: {}", cdn_task_core::DisplayChain(&error));
            ExitCode::FAILURE
        }
    }
}
