//! # cdn-task
//!
//! The command for Alibaba Cloud CDN refresh and prefetch tasks, for people and CI pipelines:
//! `describe`, `wait` (progress bars on stderr), `refresh`, `preload` (any number of paths, from
//! arguments, a file or standard input), `list`, `quota`, `mock`, `demo`, `completions`. A table for people, JSON for scripts, and exit codes a CI job can branch on
//! (see [`exit`]).
//!
//! ```text
//! $ cdn-task demo
//! $ cdn-task refresh https://example.com/app.js --wait --timeout 5m
//! $ cdn-task describe 100000001,100000002 --output json
//! $ git diff --name-only HEAD~1 -- public | sed 's|^public|https://example.com|' | cdn-task refresh --from-file - --wait
//! ```
//!
//! Thin over `cdn-task-http` (the client) and `cdn-task-mock` (the emulator).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod cli;
mod client;
mod commands;
mod error;
mod exit;
mod ids;
mod output;
mod progress;
mod submit_output;

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    // Usage errors exit 2 (clap's default), --help and --version exit 0.
    let cli = cli::Cli::parse();
    // `cdn-task mock` logs its requests at info, as the cdn-task-mock program does.
    let serving = matches!(cli.command, cli::Command::Mock(_));
    init_tracing(if serving {
        cli.global.verbose.max(1)
    } else {
        cli.global.verbose
    });
    match commands::run(cli).await {
        Ok(outcome) => outcome.into(),
        Err(error) => {
            eprintln!(
                "cdn-task: error: {}",
                error::one_line(&error::with_causes(&error))
            );
            error.outcome().into()
        }
    }
}

/// Logs to stderr: nothing by default (errors are printed by the command), `-v` info, `-vv`
/// debug for cdn-task's crates, `-vvv` everything. `RUST_LOG`, when set, decides instead.
fn init_tracing(verbose: u8) {
    let directives = match verbose {
        0 => "off",
        1 => "warn,cdn_task=info,cdn_task_http=info,cdn_task_mock=info",
        2 => "warn,cdn_task=debug,cdn_task_http=debug,cdn_task_mock=debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(directives));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(filter)
        .init();
}
