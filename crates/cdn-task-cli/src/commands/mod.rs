//! The commands, each thin over the client or the mock.

mod create;
mod credentials;
mod demo;
mod describe;
mod list;
mod quota;
mod wait;

use crate::cli::{Cli, Command};
use crate::error::CliError;
use crate::exit::Outcome;
use clap::CommandFactory;
use std::io::Write;

/// Runs the command line's command.
pub async fn run(cli: Cli) -> Result<Outcome, CliError> {
    let Cli { global, command } = cli;
    match command {
        Command::Describe(args) => describe::run(&global, &args).await,
        Command::Wait(args) => wait::run(&global, &args).await,
        Command::Refresh(args) => create::refresh(&global, &args).await,
        Command::Preload(args) => create::preload(&global, &args).await,
        Command::List(args) => list::run(&global, &args).await,
        Command::Quota(args) => quota::run(&global, &args).await,
        Command::Credentials(args) => credentials::run(&global, &args).await,
        Command::Mock(args) => {
            cdn_task_mock::run(args, std::io::stdout()).await?;
            Ok(Outcome::Success)
        }
        Command::Demo => demo::run(&global).await,
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "cdn-task", &mut script);
            print(&String::from_utf8_lossy(&script))?;
            Ok(Outcome::Success)
        }
    }
}

/// Writes `text` to stdout, flushed; a closed stdout is an error rather than a panic.
fn print(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(CliError::Output)
}
