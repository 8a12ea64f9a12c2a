//! The limits STS puts on its parameters (CREDENTIALS.md section 5), checked on both sides: the
//! client refuses to send what the service would refuse, the mock refuses with the service's code.

use crate::error_code::ErrorCode;
use crate::request::ParameterError;
use crate::task_id::quote;
use std::fmt;
use std::str::FromStr;

/// The shortest session STS grants, in seconds (15 minutes).
pub const MIN_DURATION_SECONDS: u32 = 900;
/// The longest session any role may allow, in seconds (12 hours).
pub const MAX_DURATION_SECONDS: u32 = 43_200;
/// The session length when none is asked for, in seconds.
pub const DEFAULT_DURATION_SECONDS: u32 = 3_600;
/// The longest `Policy`, in characters.
pub const MAX_POLICY_CHARS: usize = 2_048;
/// The shortest `OIDCToken`, in characters.
pub const MIN_OIDC_TOKEN_CHARS: usize = 4;
/// The longest `OIDCToken`, in characters.
pub const MAX_OIDC_TOKEN_CHARS: usize = 20_000;

/// A role ARN, `acs:ram::<account ID>:role/<role name>`: checked, so an invalid one cannot be
/// built.
///
/// ```
/// use cdn_task_core::sts::RoleArn;
/// let arn: RoleArn = "acs:ram::1234567890123456:role/deployer".parse()?;
/// assert_eq!((arn.account_id(), arn.role_name()), ("1234567890123456", "deployer"));
/// assert!("acs:ram::abc:role/x".parse::<RoleArn>().is_err());
/// # Ok::<(), cdn_task_core::ParameterError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoleArn {
    text: String,
    /// Where the role name starts.
    name_start: usize,
}

impl RoleArn {
    /// The account that owns the role.
    pub fn account_id(&self) -> &str {
        // `acs:ram::` is 9 bytes; the account ends at the next `:`.
        let rest = self.text.get(9..).unwrap_or_default();
        rest.split(':').next().unwrap_or_default()
    }

    /// The role's name.
    pub fn role_name(&self) -> &str {
        self.text.get(self.name_start..).unwrap_or_default()
    }

    /// The ARN as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for RoleArn {
    type Err = ParameterError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = |reason| invalid("RoleArn", text, reason, ErrorCode::InvalidParameterRoleArn);
        let rest = text
            .strip_prefix("acs:ram::")
            .ok_or_else(|| invalid("it must start with `acs:ram::`"))?;
        let (account, role) = rest
            .split_once(":role/")
            .ok_or_else(|| invalid("it must be `acs:ram::<account>:role/<name>`"))?;
        if account.is_empty() || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("the account ID must be digits"));
        }
        let name_ok = |b: u8| b.is_ascii_alphanumeric() || b"-_.@/".contains(&b);
        if role.is_empty() || role.len() > 64 || !role.bytes().all(name_ok) {
            return Err(invalid(
                "the role name must be 1 to 64 of letters, digits and `-_.@/`",
            ));
        }
        Ok(RoleArn {
            text: text.to_owned(),
            name_start: text.len() - role.len(),
        })
    }
}

impl fmt::Display for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn invalid(name: &'static str, value: &str, reason: &'static str, code: ErrorCode) -> ParameterError {
    ParameterError::Invalid {
        name,
        value: quote(value),
        reason,
        code,
    }
}

/// `RoleSessionName`: 2 to 64 of letters, digits and `.@-_`.
pub(crate) fn check_session_name(name: &str) -> Result<(), ParameterError> {
    let ok = |b: u8| b.is_ascii_alphanumeric() || b".@-_".contains(&b);
    if (2..=64).contains(&name.len()) && name.bytes().all(ok) {
        Ok(())
    } else {
        Err(invalid(
            "RoleSessionName",
            name,
            "it must be 2 to 64 of letters, digits and `.@-_`",
            ErrorCode::InvalidParameterRoleSessionName,
        ))
    }
}

/// `DurationSeconds`: 900 to 43,200 (the role's own maximum is the service's to check).
pub(crate) fn check_duration(seconds: u32) -> Result<(), ParameterError> {
    if (MIN_DURATION_SECONDS..=MAX_DURATION_SECONDS).contains(&seconds) {
        Ok(())
    } else {
        Err(invalid(
            "DurationSeconds",
            &seconds.to_string(),
            "it must be 900 to 43200",
            ErrorCode::InvalidParameterDurationSeconds,
        ))
    }
}

/// Parses `DurationSeconds` as received.
pub(crate) fn parse_duration(text: &str) -> Result<u32, ParameterError> {
    let seconds = text.trim().parse::<u32>().map_err(|_| {
        invalid(
            "DurationSeconds",
            text,
            "it must be a whole number of seconds",
            ErrorCode::InvalidParameterDurationSeconds,
        )
    })?;
    check_duration(seconds)?;
    Ok(seconds)
}

/// `Policy`: 1 to 2,048 characters. (Its grammar is the service's to check.)
pub(crate) fn check_policy(policy: &str) -> Result<(), ParameterError> {
    let chars = policy.chars().count();
    if (1..=MAX_POLICY_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(invalid(
            "Policy",
            policy,
            "it must be 1 to 2048 characters",
            ErrorCode::InvalidParameterPolicyGrammar,
        ))
    }
}

/// `ExternalId`: 2 to 1,224 of letters, digits and `_+=,.@:/-`.
pub(crate) fn check_external_id(id: &str) -> Result<(), ParameterError> {
    let ok = |b: u8| b.is_ascii_alphanumeric() || b"_+=,.@:/-".contains(&b);
    if (2..=1224).contains(&id.len()) && id.bytes().all(ok) {
        Ok(())
    } else {
        Err(invalid(
            "ExternalId",
            id,
            "it must be 2 to 1224 of letters, digits and `_+=,.@:/-`",
            ErrorCode::InvalidParameterExternalId,
        ))
    }
}

/// `OIDCToken`: 4 to 20,000 characters. The error never quotes the token.
pub(crate) fn check_oidc_token(token: &str) -> Result<(), ParameterError> {
    let chars = token.chars().count();
    if (MIN_OIDC_TOKEN_CHARS..=MAX_OIDC_TOKEN_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(ParameterError::Invalid {
            name: "OIDCToken",
            value: format!("<{chars} characters>"),
            reason: "it must be 4 to 20000 characters",
            code: ErrorCode::AuthenticationFailOidcTokenInvalid,
        })
    }
}

/// `OIDCProviderArn`: `acs:ram::<account>:oidc-provider/<name>`.
pub(crate) fn check_oidc_provider_arn(arn: &str) -> Result<(), ParameterError> {
    let well_formed = arn
        .strip_prefix("acs:ram::")
        .and_then(|rest| rest.split_once(":oidc-provider/"))
        .is_some_and(|(account, name)| {
            !account.is_empty() && account.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty()
        });
    if well_formed {
        Ok(())
    } else {
        Err(invalid(
            "OIDCProviderArn",
            arn,
            "it must be `acs:ram::<account>:oidc-provider/<name>`",
            ErrorCode::AuthenticationFailNoPermission,
        ))
    }
}

/// A required parameter, present and not empty.
pub(crate) fn required<'a>(
    get: &impl Fn(&str) -> Option<&'a str>,
    name: &'static str,
) -> Result<&'a str, ParameterError> {
    get(name)
        .filter(|value| !value.is_empty())
        .ok_or(ParameterError::Missing { name })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names() {
        for good in ["ab", "ci.run@42-x_y", &"a".repeat(64)] {
            assert!(check_session_name(good).is_ok(), "{good}");
        }
        for bad in ["a", "", "has space", "ü-name", &"a".repeat(65)] {
            let error = check_session_name(bad).unwrap_err();
            assert_eq!(error.error_code(), ErrorCode::InvalidParameterRoleSessionName);
        }
    }

    #[test]
    fn durations_policies_external_ids_and_tokens() {
        assert!(check_duration(899).is_err());
        assert!(check_duration(900).is_ok() && check_duration(43_200).is_ok());
        assert!(check_duration(43_201).is_err());
        assert_eq!(parse_duration(" 3600 ").unwrap(), 3600);
        assert!(parse_duration("1h").is_err());
        assert!(check_policy("").is_err());
        assert!(check_policy(&"x".repeat(2048)).is_ok());
        assert!(check_policy(&"x".repeat(2049)).is_err());
        assert!(check_external_id("abc:def/1").is_ok());
        assert!(check_external_id("a").is_err() && check_external_id("a b").is_err());
        let secret_token = "eyJsecret-token-value";
        assert!(check_oidc_token(secret_token).is_ok());
        let error = check_oidc_token("abc").unwrap_err();
        assert!(!error.to_string().contains("abc"), "{error}");
        assert!(check_oidc_provider_arn("acs:ram::1:oidc-provider/ack-rrsa-c1").is_ok());
        assert!(check_oidc_provider_arn("acs:ram::1:role/x").is_err());
        // An account of digits, and a name: each part checked on its own.
        for bad in [
            "acs:ram:::oidc-provider/p",
            "acs:ram::1x:oidc-provider/p",
            "acs:ram::1:oidc-provider/",
        ] {
            assert!(check_oidc_provider_arn(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn role_arns() {
        let arn: RoleArn = "acs:ram::42:role/path/name".parse().unwrap();
        assert_eq!((arn.account_id(), arn.role_name()), ("42", "path/name"));
        assert_eq!(arn.to_string(), "acs:ram::42:role/path/name");
        assert_eq!(arn.as_str(), "acs:ram::42:role/path/name");
        // The role name: 1 to 64 characters.
        let longest = format!("acs:ram::42:role/{}", "r".repeat(64));
        assert_eq!(
            longest.parse::<RoleArn>().map(|arn| arn.role_name().len()),
            Ok(64)
        );
        let too_long = format!("acs:ram::42:role/{}", "r".repeat(65));
        for bad in [
            too_long.as_str(),
            "acs:ram::42:role/a b",
            "",
            "acs:ram::42:role/",
            "acs:ram:::role/x",
            "arn:aws:iam::1:role/x",
            "acs:ram::4x:role/y",
        ] {
            assert_eq!(
                bad.parse::<RoleArn>().unwrap_err().error_code(),
                ErrorCode::InvalidParameterRoleArn,
                "{bad}"
            );
        }
    }
}

/// What both role-assuming actions ask for: the role, the session's name, and optionally its
/// length and a policy that narrows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoleSession {
    pub(crate) role_arn: RoleArn,
    pub(crate) session_name: String,
    pub(crate) duration_seconds: Option<u32>,
    pub(crate) policy: Option<String>,
}

impl RoleSession {
    pub(crate) fn new(role_arn: &str, session_name: &str) -> Result<RoleSession, ParameterError> {
        check_session_name(session_name)?;
        Ok(RoleSession {
            role_arn: role_arn.parse()?,
            session_name: session_name.to_owned(),
            duration_seconds: None,
            policy: None,
        })
    }

    pub(crate) fn set_duration(&mut self, seconds: u32) -> Result<(), ParameterError> {
        check_duration(seconds)?;
        self.duration_seconds = Some(seconds);
        Ok(())
    }

    pub(crate) fn set_policy(&mut self, policy: &str) -> Result<(), ParameterError> {
        check_policy(policy)?;
        self.policy = Some(policy.to_owned());
        Ok(())
    }

    /// `RoleArn`, `RoleSessionName`, then `DurationSeconds` and `Policy` when set.
    pub(crate) fn parameters(&self) -> Vec<(&'static str, String)> {
        let mut parameters = vec![
            ("RoleArn", self.role_arn.to_string()),
            ("RoleSessionName", self.session_name.clone()),
        ];
        if let Some(seconds) = self.duration_seconds {
            parameters.push(("DurationSeconds", seconds.to_string()));
        }
        if let Some(policy) = &self.policy {
            parameters.push(("Policy", policy.clone()));
        }
        parameters
    }

    /// The session as received (the service side).
    pub(crate) fn from_parameters<'a>(
        get: &impl Fn(&str) -> Option<&'a str>,
    ) -> Result<RoleSession, ParameterError> {
        let mut session = RoleSession::new(required(get, "RoleArn")?, required(get, "RoleSessionName")?)?;
        if let Some(text) = get("DurationSeconds") {
            session.duration_seconds = Some(parse_duration(text)?);
        }
        if let Some(policy) = get("Policy") {
            session.set_policy(policy)?;
        }
        Ok(session)
    }

    /// The session's length: as asked, else [`DEFAULT_DURATION_SECONDS`].
    pub(crate) fn duration(&self) -> u32 {
        self.duration_seconds.unwrap_or(DEFAULT_DURATION_SECONDS)
    }
}
