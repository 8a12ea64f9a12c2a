//! The AccessKey pair and optional STS token.

use std::fmt;

/// What `Debug` shows in place of a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// An AccessKey pair, with an optional STS security token. `Debug` never shows the secret or the
/// token.
///
/// ```
/// use cdn_task_core::signing::Credentials;
/// let credentials = Credentials::new("testid", "testsecret").with_security_token("sts-token");
/// assert_eq!(
///     format!("{credentials:?}"),
///     r#"Credentials { access_key_id: "testid", access_key_secret: "<redacted>", security_token: Some("<redacted>") }"#
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
}

impl Credentials {
    /// An AccessKey pair.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
    }
    /// Adds an STS security token.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }
    /// The AccessKeyId (not secret).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }
    /// The AccessKey secret. Never log it.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }
    /// The STS security token, if any. Never log it.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &REDACTED)
            .field("security_token", &self.security_token.as_ref().map(|_| REDACTED))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_id_but_never_the_secret_or_the_token() {
        let plain = Credentials::new("testid", "testsecret");
        assert_eq!(
            format!("{plain:?}"),
            r#"Credentials { access_key_id: "testid", access_key_secret: "<redacted>", security_token: None }"#
        );
        let sts = plain.with_security_token("tokenvalue");
        let shown = format!("{sts:?} {sts:#?}");
        assert!(shown.contains("testid"));
        assert!(!shown.contains("testsecret"), "{shown}");
        assert!(!shown.contains("tokenvalue"), "{shown}");
        assert!(shown.contains(r#"security_token: Some("<redacted>")"#));
    }
}
