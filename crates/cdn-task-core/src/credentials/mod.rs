//! Credential documents and files, parsed without I/O, and the rule of when to refresh.
//!
//! One file per format: [`CredentialDocument`] (what the ECS metadata service and a credentials
//! URI answer), [`ProcessOutput`] (what an `External` credential process prints),
//! [`CliConfig`] (the aliyun CLI's `~/.aliyun/config.json`, every mode the libraries use plus
//! `CredentialsURI`), [`IniFile`] (`~/.alibabacloud/credentials`), and [`refresh`](self) (the
//! refresh rule as pure functions of issue time, expiry and now). The adapters read the files
//! and fetch the documents; every rule about their contents lives here.
//!
//! Errors say where (line, profile, section, field) and never quote a secret or a token.
//!
//! ```
//! use cdn_task_core::credentials::{CliConfig, CliProfile};
//! let config = CliConfig::parse(r#"{"current":"ci","profiles":[
//!     {"name":"ci","mode":"AK","access_key_id":"LTAI-ci","access_key_secret":"s"}]}"#)?;
//! let CliProfile::AccessKey(credentials) = config.profile("ci")? else { unreachable!() };
//! assert_eq!(credentials.access_key_id(), "LTAI-ci");
//! # Ok::<(), cdn_task_core::credentials::ProfileError>(())
//! ```

mod config_file;
mod document;
mod error;
mod fields;
mod ini;
mod process_output;
mod refresh;
mod role;

pub use config_file::{CliConfig, CliProfile};
pub use document::CredentialDocument;
pub use error::{DocumentError, FieldProblem, IniError, ProfileError};
pub use ini::{IniFile, IniProfile};
pub use process_output::ProcessOutput;
pub use refresh::{Freshness, MAX_REFRESH_LEAD, MIN_REMAINING_VALIDITY, freshness, refresh_at, retry_delay};
pub use role::RoleSettings;
