//! Flag values the mock reads: durations (also in the control plane's JSON), AccessKeys, rates.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Parses `ARN,ISSUER,AUDIENCE`.
#[cfg(feature = "cli")]
pub(crate) fn parse_oidc_provider(text: &str) -> Result<crate::sts::OidcProvider, FlagError> {
    let mut parts = text.splitn(3, ',');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(arn), Some(issuer), Some(audience))
            if !arn.is_empty() && !issuer.is_empty() && !audience.is_empty() =>
        {
            Ok(crate::sts::OidcProvider::new(arn, issuer, audience))
        }
        _ => Err(FlagError::OidcProvider(text.to_owned())),
    }
}

/// One `--access-key ID:SECRET` value. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccessKey {
    /// The AccessKeyId.
    pub id: String,
    /// The secret.
    pub secret: String,
}

impl AccessKey {
    /// The AccessKey `id` with `secret` (parse `ID:SECRET` with [`str::parse`] to have both
    /// checked non-empty).
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> AccessKey {
        AccessKey {
            id: id.into(),
            secret: secret.into(),
        }
    }
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A flag value the mock's flags refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FlagError {
    /// `--access-key` is not `ID:SECRET` with both parts non-empty.
    #[error("expected ID:SECRET with a non-empty ID and secret")]
    AccessKey,
    /// A duration is not a number followed by `ms`, `s`, `m`, `h` or `d`.
    #[error("duration `{0}` is not a number followed by ms, s, m, h or d (e.g. 500ms, 2s, 1m, 3d)")]
    Duration(String),
    /// `--fail-rate` is not a number from 0 to 1.
    #[error("fail rate `{0}` is not a number from 0 to 1")]
    FailRate(String),
    /// `--rate-limit` is neither a positive whole number nor `none`.
    #[error(
        "rate limit `{0}` is not a positive whole number of calls per second, nor `none` (no throttling)"
    )]
    RateLimit(String),
    /// `--oidc-provider` is not `ARN,ISSUER,AUDIENCE`.
    #[error("OIDC provider `{0}` is not ARN,ISSUER,AUDIENCE")]
    OidcProvider(String),
}

impl FromStr for AccessKey {
    type Err = FlagError;
    /// Parses `ID:SECRET`; the ID ends at the first `:`, so a secret may contain `:`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.split_once(':') {
            Some((id, secret)) if !id.is_empty() && !secret.is_empty() => Ok(AccessKey {
                id: id.to_owned(),
                secret: secret.to_owned(),
            }),
            _ => Err(FlagError::AccessKey),
        }
    }
}

/// Parses a duration: a non-negative number (decimals allowed) and a unit, `ms`, `s`, `m`, `h` or
/// `d` (days of 24 hours).
///
/// ```
/// use cdn_task_mock::parse_duration;
/// use std::time::Duration;
/// assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
/// assert_eq!(parse_duration("1.5m").unwrap(), Duration::from_secs(90));
/// assert!(parse_duration("2").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, FlagError> {
    let bad = || FlagError::Duration(text.to_owned());
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let seconds_per_unit = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        _ => return Err(bad()),
    };
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return Err(bad());
    }
    let value: f64 = number.parse().map_err(|_| bad())?;
    Duration::try_from_secs_f64(value * seconds_per_unit).map_err(|_| bad())
}

#[cfg(feature = "cli")]
pub(crate) fn parse_fail_rate(text: &str) -> Result<f64, FlagError> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(FlagError::FailRate(text.to_owned())),
    }
}

/// Parses `--rate-limit`: calls per second (1 or more), or `none` for no throttling.
#[cfg(feature = "cli")]
pub(crate) fn parse_rate_limit(text: &str) -> Result<Option<std::num::NonZeroU32>, FlagError> {
    if text == "none" {
        return Ok(None);
    }
    match text.parse::<std::num::NonZeroU32>() {
        Ok(limit) => Ok(Some(limit)),
        Err(_) => Err(FlagError::RateLimit(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for (text, millis) in [
            ("500ms", 500),
            ("2s", 2000),
            ("1m", 60_000),
            ("0.25s", 250),
            ("1h", 3_600_000),
            ("3d", 259_200_000),
        ] {
            assert_eq!(
                parse_duration(text).unwrap(),
                Duration::from_millis(millis),
                "{text}"
            );
        }
        for bad in ["", "s", "1", "1.s", ".5s", "1x", "1 s", "-1s", "1e3s", "1.2.3s"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} accepted");
        }
    }
}
