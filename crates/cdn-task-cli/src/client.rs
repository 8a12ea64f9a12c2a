//! The client the commands use, built from the global flags.

use crate::cli::GlobalArgs;
use cdn_task_http::credentials::{Environment, ProfileFile};
use cdn_task_http::{Client, ClientBuilder, Error};

/// The `User-Agent` the command sends.
const USER_AGENT: &str = concat!("cdn-task/", env!("CARGO_PKG_VERSION"));

/// The builder with the flags that shape requests (signature, format, per-request timeout), but
/// no endpoint or credentials yet: `demo` adds its own.
pub fn settings(global: &GlobalArgs) -> ClientBuilder {
    let builder = Client::builder()
        .signature_version(global.signature_version.into())
        .format(global.response_format.into())
        .user_agent(USER_AGENT);
    match global.timeout {
        Some(timeout) => builder.timeout(timeout),
        None => builder,
    }
}

/// The client for `--endpoint`, with credentials from cdn-task-http's default chain (the
/// environment, then the aliyun CLI profile file) or, with `--profile NAME`, from that profile of
/// the profile file.
///
/// Choice: an explicit `--profile` wins over credentials in the environment (as the aws and
/// aliyun CLIs do), so the chain is replaced by the profile file alone rather than consulted
/// environment first.
pub fn connect(global: &GlobalArgs) -> Result<Client, Error> {
    let builder = settings(global).endpoint(&global.endpoint);
    let builder = match &global.profile {
        Some(profile) => {
            builder.credentials_provider(ProfileFile::new(Environment::from_process()).with_profile(profile))
        }
        None => builder,
    };
    builder.build()
}
