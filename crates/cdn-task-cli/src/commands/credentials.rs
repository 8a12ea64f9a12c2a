//! `cdn-task credentials`: which provider answers, with what AccessKeyId, until when.

use super::print;
use crate::cli::{CredentialsArgs, GlobalArgs};
use crate::error::{CliError, one_line};
use crate::exit::Outcome;
use crate::output::OutputFormat;
use cdn_task_core::format_utc_timestamp;
use cdn_task_http::credentials::ProvidedCredentials;
use cdn_task_http::{CredentialsError, Error};

/// Resolves credentials as every other command does (the chain, or `--profile`) and prints what
/// answered. No credentials: the places looked at, one per line on stderr, and exit 3.
pub async fn run(global: &GlobalArgs, args: &CredentialsArgs) -> Result<Outcome, CliError> {
    let client = crate::client::connect(global)?;
    match client.credentials().await {
        Ok(provided) => {
            print(&render(&provided, args.output.output))?;
            Ok(Outcome::Success)
        }
        Err(Error::Credentials {
            error: CredentialsError::NotFound { looked_at },
            ..
        }) => {
            eprintln!("cdn-task: error: no Alibaba Cloud credentials found; looked at:");
            for place in &looked_at {
                eprintln!("  - {}", one_line(place));
            }
            Ok(Outcome::ServiceError)
        }
        Err(error) => Err(error.into()),
    }
}

/// The AccessKeyId with its middle hidden: the first and last four characters of a long one
/// (`LTAI****wxyz`), the first two of a short one. Choice: the issue asks for the middle to be
/// redacted; an ID is not a secret, but CI logs are public more often than intended.
pub fn redact_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() >= 12 {
        let head: String = chars[..4].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}****{tail}")
    } else {
        let head: String = chars.iter().take(2).collect();
        format!("{head}****")
    }
}

/// The text printed.
pub fn render(provided: &ProvidedCredentials, format: OutputFormat) -> String {
    let id = redact_id(provided.credentials().access_key_id());
    let expiration = provided
        .expiration()
        .map(|time| format_utc_timestamp(time).to_string());
    match format {
        OutputFormat::Json => {
            let text = |value: &str| serde_json::Value::String(value.to_owned()).to_string();
            let expiration = expiration.as_deref().map_or_else(|| "null".to_owned(), text);
            format!(
                "{{\"Provider\": {}, \"AccessKeyId\": {}, \"Expiration\": {expiration}}}\n",
                text(provided.provider()),
                text(&id)
            )
        }
        OutputFormat::Table => {
            let sts = if provided.credentials().security_token().is_some() {
                "yes"
            } else {
                "no"
            };
            format!(
                "Provider     {}\nAccessKeyId  {id}\nSTS          {sts}\nExpiration   {}\n",
                provided.provider(),
                expiration.as_deref().unwrap_or("never (long-term credentials)")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdn_task_http::Credentials;

    #[test]
    fn json_is_exactly_the_three_fields_and_the_id_is_redacted() {
        let long_term =
            ProvidedCredentials::new(Credentials::new("LTAI5tExampleKeyId", "secret"), "environment");
        assert_eq!(
            render(&long_term, OutputFormat::Json),
            "{\"Provider\": \"environment\", \"AccessKeyId\": \"LTAI****eyId\", \"Expiration\": null}\n"
        );
        let expiration = cdn_task_core::parse_utc_timestamp("2026-11-30T18:00:00Z").unwrap();
        let sts = ProvidedCredentials::new(
            Credentials::new("STS.NUgYrLnoC37mZZCNnAbez2MzV", "secret").with_security_token("token"),
            "oidc_role_arn",
        )
        .expiring(expiration);
        assert_eq!(
            render(&sts, OutputFormat::Json),
            "{\"Provider\": \"oidc_role_arn\", \"AccessKeyId\": \"STS.****2MzV\", \"Expiration\": \"2026-11-30T18:00:00Z\"}\n"
        );
        let table = render(&sts, OutputFormat::Table);
        assert!(
            table.contains("STS          yes") && table.contains("2026-11-30T18:00:00Z"),
            "{table}"
        );
        assert!(!table.contains("secret") && !table.contains("token"));
        assert_eq!(redact_id("testid"), "te****");
    }
}
