//! Who may use the control plane: everyone, the holders of a bearer token, or no one.

use axum::http::HeaderValue;
use std::fmt;
use std::str::FromStr;
use subtle::ConstantTimeEq;

/// Whether the HTTP control plane (`/_mock/…`) is served, and to whom.
///
/// ```
/// use cdn_task_mock::{AdminToken, ControlPlane};
/// let token: AdminToken = "s3cret-token".parse().unwrap();
/// let guarded = ControlPlane::Token(token);
/// assert!(!format!("{guarded:?}").contains("s3cret"));
/// assert!(matches!(ControlPlane::default(), ControlPlane::Open));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ControlPlane {
    /// Served to anyone who can reach the port (the default: the mock listens on loopback).
    #[default]
    Open,
    /// Served only to requests with `Authorization: Bearer <token>`.
    Token(AdminToken),
    /// Not served: `/_mock/…` is an unknown path of the API, like any other.
    Disabled,
}

/// The control plane's bearer token: 1 to 256 visible ASCII characters. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminToken(String);

/// The most characters a token may have.
const MAX_TOKEN_LENGTH: usize = 256;

/// An admin token that is empty, too long, or has characters other than visible ASCII.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an admin token must be 1 to {MAX_TOKEN_LENGTH} visible ASCII characters (no spaces)")]
#[non_exhaustive]
pub struct InvalidAdminToken;

impl FromStr for AdminToken {
    type Err = InvalidAdminToken;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() || text.len() > MAX_TOKEN_LENGTH || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidAdminToken);
        }
        Ok(AdminToken(text.to_owned()))
    }
}

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

/// Why a control request is refused before anything else is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Denied {
    /// No `Authorization: Bearer …` header.
    Missing,
    /// A token, not the right one.
    Wrong,
}

impl ControlPlane {
    /// Whether `/_mock/…` is served at all.
    pub(crate) fn is_served(&self) -> bool {
        !matches!(self, ControlPlane::Disabled)
    }

    /// Checks the `Authorization` header against the token, if one is required. The comparison
    /// takes the same time wherever the tokens differ.
    pub(crate) fn authorize(&self, authorization: Option<&HeaderValue>) -> Result<(), Denied> {
        let ControlPlane::Token(AdminToken(expected)) = self else {
            return Ok(());
        };
        let presented = authorization
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
            .map(|(_, token)| token.trim())
            .ok_or(Denied::Missing)?;
        if bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
            Ok(())
        } else {
            Err(Denied::Wrong)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> HeaderValue {
        HeaderValue::from_str(text).unwrap()
    }

    #[test]
    fn tokens_are_checked_and_never_shown() {
        let plane = ControlPlane::Token("t0ken".parse().unwrap());
        assert_eq!(plane.authorize(Some(&header("Bearer t0ken"))), Ok(()));
        assert_eq!(plane.authorize(Some(&header("bearer t0ken"))), Ok(()));
        assert_eq!(
            plane.authorize(Some(&header("Bearer t0ken2"))),
            Err(Denied::Wrong)
        );
        assert_eq!(plane.authorize(Some(&header("Bearer "))), Err(Denied::Wrong));
        assert_eq!(
            plane.authorize(Some(&header("Basic t0ken"))),
            Err(Denied::Missing)
        );
        assert_eq!(plane.authorize(Some(&header("t0ken"))), Err(Denied::Missing));
        assert_eq!(plane.authorize(None), Err(Denied::Missing));
        assert_eq!(ControlPlane::Open.authorize(None), Ok(()));
        assert!(!format!("{plane:?}").contains("t0ken"));
        for bad in ["", "has space", "tab\t", "é", &"x".repeat(257)] {
            assert!(bad.parse::<AdminToken>().is_err(), "{bad:?}");
        }
        assert!(!ControlPlane::Disabled.is_served());
    }
}
