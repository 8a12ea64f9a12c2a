//! An external credential process: the `External` mode of config.json.

use super::{CredentialsError, ProvideCredentials, ProvideFuture, ProvidedCredentials};
use cdn_task_core::credentials::ProcessOutput;
use std::fmt;
use std::time::Duration;

const PROVIDER: &str = "external";

/// How long the process may run (the official libraries' 60 s).
const TIMEOUT: Duration = Duration::from_secs(60);

/// Credentials printed by a command (provider name `external`): its stdout is
/// `{"mode":"AK"|"StsToken","access_key_id":…,"access_key_secret":…,"sts_token":…,"expiration":…}`.
///
/// The command line is split on blanks, with single and double quotes and backslashes as a POSIX
/// shell reads them, and run without a shell, for at most 60 s. Its stderr passes through to
/// ours; neither stream is quoted in errors (they may hold secrets). Unlike the official
/// libraries, nothing is written back into config.json: the cache keeps the result until
/// `expiration`.
///
/// ```no_run
/// use cdn_task_http::Client;
/// use cdn_task_http::credentials::ExternalProcess;
/// # fn run() -> Result<(), cdn_task_http::Error> {
/// let client = Client::builder()
///     .credentials_provider(ExternalProcess::new("vault-aliyun-creds --role 'cdn purge'"))
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
pub struct ExternalProcess {
    command: String,
}

impl ExternalProcess {
    /// The provider running `command`.
    pub fn new(command: impl Into<String>) -> ExternalProcess {
        ExternalProcess {
            command: command.into(),
        }
    }

    fn fail(&self, reason: String) -> CredentialsError {
        CredentialsError::provider(PROVIDER, reason)
    }

    fn program(&self) -> String {
        split_command(&self.command)
            .ok()
            .and_then(|words| words.into_iter().next())
            .unwrap_or_default()
    }
}

impl ProvideCredentials for ExternalProcess {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let words = split_command(&self.command)
                .map_err(|reason| self.fail(format!("the command line cannot be read: {reason}")))?;
            let (program, args) = words
                .split_first()
                .ok_or_else(|| self.fail("the command line is empty".to_owned()))?;
            let child = tokio::process::Command::new(program)
                .args(args)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::inherit())
                .kill_on_drop(true)
                .spawn()
                .map_err(|error| self.fail(format!("cannot run `{program}`: {error}")))?;
            let output = tokio::time::timeout(TIMEOUT, child.wait_with_output())
                .await
                .map_err(|_| self.fail(format!("`{program}` did not finish within {TIMEOUT:?}")))?
                .map_err(|error| self.fail(format!("`{program}` failed: {error}")))?;
            if !output.status.success() {
                return Err(self.fail(format!("`{program}` exited with {}", output.status)));
            }
            let printed = ProcessOutput::decode_json(&output.stdout)
                .map_err(|error| self.fail(format!("the output of `{program}`: {error}")))?;
            let provided = ProvidedCredentials::new(printed.credentials().clone(), PROVIDER);
            Ok(match printed.expiration() {
                Some(expiration) => provided.expiring(expiration),
                None => provided,
            })
        })
    }

    fn describe(&self) -> String {
        format!("external process `{}`", self.program())
    }
}

impl fmt::Debug for ExternalProcess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The arguments may carry a secret: the program only.
        f.write_str(&self.describe())
    }
}

/// Splits a command line into words: blanks separate, `'…'` is literal, `"…"` keeps blanks and
/// honours `\"` and `\\`, a backslash outside quotes escapes the next character.
fn split_command(line: &str) -> Result<Vec<String>, &'static str> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("a single quote is not closed"),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("a double quote is not closed"),
                        },
                        Some(c) => word.push(c),
                        None => return Err("a double quote is not closed"),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next().ok_or("the line ends with a backslash")?);
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting() {
        assert_eq!(
            split_command(r#"get-creds --profile "my prod" 'a b' c\ d "q\"x""#).unwrap(),
            ["get-creds", "--profile", "my prod", "a b", "c d", "q\"x"]
        );
        assert_eq!(split_command("  ").unwrap(), Vec::<String>::new());
        assert_eq!(split_command("''").unwrap(), [""]);
        assert!(
            split_command("'open").is_err()
                && split_command("\"open").is_err()
                && split_command("x\\").is_err()
        );
    }

    #[tokio::test]
    async fn runs_a_command_and_reads_its_output() {
        let json = r#"{"mode":"StsToken","access_key_id":"STS.p","access_key_secret":"s","sts_token":"t","expiration":"2099-01-01T00:00:00Z"}"#;
        let provided = ExternalProcess::new(format!("echo '{json}'"))
            .provide()
            .await
            .unwrap();
        assert_eq!(provided.credentials().access_key_id(), "STS.p");
        assert_eq!(provided.provider(), "external");
        assert!(provided.expiration().is_some());
        let error = ExternalProcess::new("false").provide().await.unwrap_err();
        assert!(
            error.to_string().starts_with("external: `false` exited with"),
            "{error}"
        );
        let error = ExternalProcess::new("echo SECRET-ish not json")
            .provide()
            .await
            .unwrap_err();
        assert!(!error.to_string().contains("SECRET"), "{error}");
        let error = ExternalProcess::new("/nonexistent/cmd --key SECRET")
            .provide()
            .await
            .unwrap_err();
        assert!(
            !error.to_string().contains("SECRET")
                && !format!("{:?}", ExternalProcess::new("x SECRET")).contains("SECRET")
        );
    }

    #[test]
    fn describe_and_debug_name_the_program_only() {
        for (command, expected) in [
            ("get-creds --key SECRET", "external process `get-creds`"),
            (
                "'/opt/my tools/creds' --token SECRET",
                "external process `/opt/my tools/creds`",
            ),
            ("  ", "external process ``"),
            ("'unclosed SECRET", "external process ``"),
        ] {
            let provider = ExternalProcess::new(command);
            assert_eq!(provider.describe(), expected, "{command}");
            assert_eq!(format!("{provider:?}"), expected, "{command}");
        }
    }
}
