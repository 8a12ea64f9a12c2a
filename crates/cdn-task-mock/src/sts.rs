//! STS on the mock's listener: `AssumeRole` (signed) and `AssumeRoleWithOIDC` (anonymous), the
//! credentials they and the metadata service issue, and the check the CDN API then makes of
//! every STS key's security token.

use crate::intake::{Intake, Prelude};
use crate::jwt;
use crate::reply::{Failure, Reply};
use crate::state::Shared;
use cdn_task_core::signing::{ReceivedRequest, VerifiedRequest, borrow_pairs, unsigned_parameters};
use cdn_task_core::sts::{
    AssumeRole, AssumeRoleResponse, AssumeRoleWithOidc, AssumeRoleWithOidcResponse, AssumedRoleUser, RoleArn,
    STS_API_VERSION, StsCredentials,
};
use cdn_task_core::{ErrorCode, Format, Operation};
use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use rand::distr::Alphanumeric;
use std::collections::HashMap;
use std::time::Duration;

/// The mock's account, owner of the roles it lets callers assume.
pub const DEFAULT_ACCOUNT_ID: &str = "1234567890123456";
/// The RAM role the metadata service reports by default.
pub const DEFAULT_METADATA_ROLE: &str = "cdn-task-mock-role";
/// How long the credentials of the metadata service and the credentials URI last by default.
pub const DEFAULT_DOCUMENT_LIFETIME: Duration = Duration::from_secs(3600);
/// The path of the mock's credentials URI.
pub const CREDENTIALS_URI_PATH: &str = "/credentials";

/// What the mock's STS, metadata service and credentials URI do.
///
/// ```
/// use cdn_task_mock::{CredentialsConfig, OidcProvider};
/// use std::time::Duration;
/// let config = CredentialsConfig::default()
///     .with_oidc_provider(OidcProvider::new("acs:ram::1234567890123456:oidc-provider/ci", "https://token.actions.githubusercontent.com", "sts.aliyuncs.com"))
///     .with_document_lifetime(Duration::from_secs(60));
/// assert_eq!(config.metadata_role.as_deref(), Some("cdn-task-mock-role"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CredentialsConfig {
    /// The account whose roles (`acs:ram::<account>:role/<name>`) may be assumed. Default
    /// [`DEFAULT_ACCOUNT_ID`].
    pub account_id: String,
    /// The OIDC identity providers `AssumeRoleWithOIDC` trusts. Default: none.
    pub oidc_providers: Vec<OidcProvider>,
    /// The instance's RAM role on the metadata service; `None`: no role attached (404). Default
    /// [`DEFAULT_METADATA_ROLE`].
    pub metadata_role: Option<String>,
    /// Lifetime of the metadata service's and the credentials URI's credentials (STS's come from
    /// `DurationSeconds`). Default one hour.
    pub document_lifetime: Duration,
    /// What the metadata service does with session tokens. Default: issues them and accepts
    /// requests with or without one, as ECS instances do by default.
    pub metadata_tokens: MetadataTokens,
}

/// How the mock's metadata service treats session tokens (hardened mode, "IMDSv2").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum MetadataTokens {
    /// Issues tokens; answers requests with a valid token or none.
    #[default]
    Optional,
    /// Issues tokens; refuses requests without one (401): hardened mode only.
    Required,
    /// Refuses to issue tokens (403), as behind a proxy that blocks `PUT`: only tokenless
    /// requests work.
    Unsupported,
}

impl Default for CredentialsConfig {
    fn default() -> Self {
        CredentialsConfig {
            account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            oidc_providers: Vec::new(),
            metadata_role: Some(DEFAULT_METADATA_ROLE.to_owned()),
            document_lifetime: DEFAULT_DOCUMENT_LIFETIME,
            metadata_tokens: MetadataTokens::Optional,
        }
    }
}

impl CredentialsConfig {
    /// Trusts one more OIDC provider.
    pub fn with_oidc_provider(mut self, provider: OidcProvider) -> Self {
        self.oidc_providers.push(provider);
        self
    }

    /// Sets the lifetime of the metadata service's and the credentials URI's credentials.
    pub fn with_document_lifetime(mut self, lifetime: Duration) -> Self {
        self.document_lifetime = lifetime;
        self
    }

    /// Sets the metadata service's role (`None`: no role attached).
    pub fn with_metadata_role(mut self, role: Option<String>) -> Self {
        self.metadata_role = role;
        self
    }

    /// Sets how the metadata service treats session tokens.
    pub fn with_metadata_tokens(mut self, tokens: MetadataTokens) -> Self {
        self.metadata_tokens = tokens;
        self
    }
}

/// An OIDC identity provider `AssumeRoleWithOIDC` trusts: its ARN, and the `iss` and `aud` its
/// tokens must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OidcProvider {
    /// `acs:ram::<account>:oidc-provider/<name>`.
    pub arn: String,
    /// The issuer URL (`iss`).
    pub issuer: String,
    /// The client ID (`aud`), `sts.aliyuncs.com` for ACK's RRSA.
    pub audience: String,
}

impl OidcProvider {
    /// A trusted provider.
    pub fn new(
        arn: impl Into<String>,
        issuer: impl Into<String>,
        audience: impl Into<String>,
    ) -> OidcProvider {
        OidcProvider {
            arn: arn.into(),
            issuer: issuer.into(),
            audience: audience.into(),
        }
    }
}

/// STS credentials the mock issued, by AccessKeyId.
#[derive(Debug, Default)]
pub(crate) struct IssuedKeys {
    keys: HashMap<String, Issued>,
}

#[derive(Debug)]
struct Issued {
    secret: String,
    token: String,
    expiration: DateTime<Utc>,
    /// Whose tasks these credentials see: the signer's owner for `AssumeRole`, the role for the
    /// others.
    owner: String,
}

/// The prefix of the mock's security tokens (the service's start `CAIS` too).
const TOKEN_PREFIX: &str = "CAIS";

fn random_text(length: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(length)
        .map(char::from)
        .collect()
}

impl IssuedKeys {
    /// Issues credentials for `owner`, valid from `now` for `lifetime`. Expired ones are
    /// forgotten an hour after their expiry, so the map stays bounded by the issue rate.
    pub(crate) fn issue(&mut self, owner: &str, now: DateTime<Utc>, lifetime: TimeDelta) -> StsCredentials {
        let forget_before = now.checked_sub_signed(TimeDelta::hours(1)).unwrap_or(now);
        self.keys.retain(|_, issued| issued.expiration > forget_before);
        let id = format!("STS.{}", random_text(24));
        let secret = random_text(40);
        let token = format!("{TOKEN_PREFIX}{}", random_text(120));
        // A lifetime past the calendar's end lasts until its end (no overflow on huge values).
        let expiration = now
            .checked_add_signed(lifetime)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        self.keys.insert(
            id.clone(),
            Issued {
                secret: secret.clone(),
                token: token.clone(),
                expiration,
                owner: owner.to_owned(),
            },
        );
        StsCredentials::new(id, secret, token, expiration)
    }

    /// The secret of an issued key.
    pub(crate) fn secret(&self, id: &str) -> Option<String> {
        self.keys.get(id).map(|issued| issued.secret.clone())
    }

    /// For a key the mock issued: its owner when `token` is its token and it has not expired, the
    /// gateway's code otherwise. `Ok(None)` for any other key (the configured long-term keys: a
    /// token sent with them is accepted unchecked, as before, so signing tests with made-up
    /// tokens keep working).
    pub(crate) fn check(
        &self,
        id: &str,
        token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, ErrorCode> {
        let Some(issued) = self.keys.get(id) else {
            return Ok(None);
        };
        let token = token.unwrap_or_default();
        if !token.starts_with(TOKEN_PREFIX) || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ErrorCode::InvalidSecurityTokenMalformed);
        }
        if token != issued.token {
            return Err(ErrorCode::InvalidSecurityTokenMismatchWithAccessKey);
        }
        if now >= issued.expiration {
            return Err(ErrorCode::InvalidSecurityTokenExpired);
        }
        Ok(Some(issued.owner.clone()))
    }
}

/// A role session to grant.
struct Session<'a> {
    owner: &'a str,
    role: &'a RoleArn,
    name: &'a str,
    seconds: u32,
}

impl Session<'_> {
    /// Issues the session's credentials, and its identity.
    fn grant(&self, shared: &Shared, now: DateTime<Utc>) -> (StsCredentials, AssumedRoleUser) {
        let lifetime = TimeDelta::seconds(i64::from(self.seconds));
        let credentials = shared.state().issued.issue(self.owner, now, lifetime);
        let role_id: u64 = rand::random::<u64>() % 10_u64.pow(17);
        let (role, name) = (self.role, self.name);
        let user = AssumedRoleUser::new(format!("{role}/{name}"), format!("3{role_id:017}:{name}"));
        (credentials, user)
    }
}

/// Checks that `role` belongs to the mock's account.
fn check_role(shared: &Shared, role: &RoleArn) -> Result<(), Failure> {
    if role.account_id() == shared.credentials.account_id {
        Ok(())
    } else {
        Err(Failure::detailed(
            ErrorCode::EntityNotExistRole,
            format!("({role})"),
        ))
    }
}

/// `AssumeRoleWithOIDC`, before any signature check (it is anonymous). `None` when the request
/// is not one.
pub(crate) fn anonymous(
    shared: &Shared,
    intake: &Intake,
    prelude: &Prelude,
    request_id: &str,
) -> Option<Result<Reply, Failure>> {
    if prelude.action.as_deref() != Some(AssumeRoleWithOidc::ACTION) || prelude.malformed.is_some() {
        return None;
    }
    Some(assume_role_with_oidc(shared, intake, prelude.format, request_id))
}

fn assume_role_with_oidc(
    shared: &Shared,
    intake: &Intake,
    format: Format,
    request_id: &str,
) -> Result<Reply, Failure> {
    let headers = borrow_pairs(&intake.headers);
    let parameters = unsigned_parameters(&ReceivedRequest {
        method: &intake.method,
        path: &intake.path,
        query: &intake.query,
        headers: &headers,
        body: &intake.body,
    })?;
    let get = |name: &str| {
        parameters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    if get("Version") != Some(STS_API_VERSION) {
        return Err(Failure::code(ErrorCode::InvalidVersion));
    }
    let operation = AssumeRoleWithOidc::from_parameters(get)?;
    let now = shared.clock.now();
    let provider = shared
        .credentials
        .oidc_providers
        .iter()
        .find(|provider| provider.arn == operation.provider_arn())
        .ok_or_else(|| Failure::code(ErrorCode::AuthenticationFailNoPermission))?;
    let claims = jwt::claims(operation.token())
        .ok_or_else(|| Failure::code(ErrorCode::AuthenticationFailOidcTokenInvalid))?;
    if claims.issuer != provider.issuer {
        return Err(Failure::code(
            ErrorCode::AuthenticationFailOidcTokenIssuerNotMatch,
        ));
    }
    if !claims.audiences.contains(&provider.audience) {
        return Err(Failure::code(
            ErrorCode::AuthenticationFailOidcTokenAudienceNotMatch,
        ));
    }
    if claims.expires <= now.timestamp() {
        return Err(Failure::code(ErrorCode::AuthenticationFailOidcTokenExpired));
    }
    check_role(shared, operation.role_arn())?;
    let owner = operation.role_arn().to_string();
    let session = Session {
        owner: &owner,
        role: operation.role_arn(),
        name: operation.session_name(),
        seconds: operation.duration_seconds(),
    };
    let (credentials, user) = session.grant(shared, now);
    tracing::info!(role = %owner, subject = ?claims.subject, "issued STS credentials for an OIDC token");
    let body = AssumeRoleWithOidcResponse::new(request_id, credentials, Some(user));
    Ok(Reply::success(&body, format, request_id))
}

/// `AssumeRole`, after the signature checks. `None` when the request is not an STS call.
pub(crate) fn signed(
    shared: &Shared,
    request: &VerifiedRequest,
    owner: &str,
    now: DateTime<Utc>,
    format: Format,
    request_id: &str,
) -> Option<Result<Reply, Failure>> {
    if request.parameter("Version") != Some(STS_API_VERSION) {
        return None;
    }
    if request.parameter("Action") != Some(AssumeRole::ACTION) {
        return Some(Err(Failure::code(ErrorCode::InvalidActionNotFound)));
    }
    let assume = || -> Result<Reply, Failure> {
        let operation = AssumeRole::from_parameters(|name| request.parameter(name))?;
        check_role(shared, operation.role_arn())?;
        let session = Session {
            owner,
            role: operation.role_arn(),
            name: operation.session_name(),
            seconds: operation.duration_seconds(),
        };
        let (credentials, user) = session.grant(shared, now);
        let body = AssumeRoleResponse::new(request_id, credentials, Some(user));
        Ok(Reply::success(&body, format, request_id))
    };
    Some(assume())
}

/// Whose tasks a verified caller sees: for credentials the mock issued, their owner, once their
/// security token is checked (the gateway's `InvalidSecurityToken.*` codes); the AccessKeyId
/// itself for the configured keys.
pub(crate) fn owner(
    shared: &Shared,
    request: &VerifiedRequest,
    now: DateTime<Utc>,
) -> Result<String, Failure> {
    let checked = shared
        .state()
        .issued
        .check(&request.access_key_id, request.security_token.as_deref(), now);
    match checked {
        Ok(Some(owner)) => Ok(owner),
        Ok(None) => Ok(request.access_key_id.clone()),
        Err(code) => Err(Failure::code(code)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_against_their_key_and_expiry() {
        let mut keys = IssuedKeys::default();
        let now = DateTime::UNIX_EPOCH + TimeDelta::days(20_000);
        let a = keys.issue("owner-a", now, TimeDelta::seconds(60));
        let b = keys.issue("owner-b", now, TimeDelta::seconds(60));
        let check = |id: &str, token: Option<&str>, at: DateTime<Utc>| keys.check(id, token, at);
        assert_eq!(
            check(a.access_key_id(), Some(a.security_token()), now),
            Ok(Some("owner-a".into()))
        );
        assert_eq!(check("testid", None, now), Ok(None));
        let later = now + TimeDelta::seconds(60);
        for (token, at, code) in [
            (None, now, ErrorCode::InvalidSecurityTokenMalformed),
            (Some("not a token"), now, ErrorCode::InvalidSecurityTokenMalformed),
            (
                Some(b.security_token()),
                now,
                ErrorCode::InvalidSecurityTokenMismatchWithAccessKey,
            ),
            (
                Some(a.security_token()),
                later,
                ErrorCode::InvalidSecurityTokenExpired,
            ),
        ] {
            assert_eq!(check(a.access_key_id(), token, at), Err(code));
        }
        assert_eq!(
            keys.secret(b.access_key_id()).as_deref(),
            Some(b.access_key_secret())
        );
        // Long expired keys are forgotten at the next issue.
        keys.issue("owner-c", now + TimeDelta::hours(2), TimeDelta::seconds(60));
        assert_eq!(keys.secret(a.access_key_id()), None);
    }
}
