//! Reading an OIDC token (a JWT) far enough to check who issued it, for whom, and until when.
//!
//! The signature is **not** verified: the mock has no keys of the identity providers it trusts
//! (no JWKS). A token must still be a JWT: three base64url parts, a JSON header with `alg`, and a
//! JSON payload with `iss`, `aud` (a string or an array) and a numeric `exp`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// The claims the mock checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claims {
    pub(crate) issuer: String,
    pub(crate) audiences: Vec<String>,
    /// Expiry, in seconds since the Unix epoch.
    pub(crate) expires: i64,
    pub(crate) subject: Option<String>,
}

/// The claims of `token`, or `None` when it is not a JWT carrying them.
pub(crate) fn claims(token: &str) -> Option<Claims> {
    let mut parts = token.split('.');
    let (header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let json = |part: &str| -> Option<Value> {
        let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
        serde_json::from_slice(&bytes).ok()
    };
    json(header)?.get("alg")?.as_str()?;
    let payload = json(payload)?;
    let audiences = match payload.get("aud")? {
        Value::String(audience) => vec![audience.clone()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => return None,
    };
    Some(Claims {
        issuer: payload.get("iss")?.as_str()?.to_owned(),
        audiences,
        expires: payload.get("exp")?.as_i64()?,
        subject: payload.get("sub").and_then(Value::as_str).map(str::to_owned),
    })
}

/// An unsigned JWT with these claims (for tests and examples; `alg` is `none`).
pub fn unsigned_jwt(issuer: &str, audience: &str, subject: &str, expires: i64) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = serde_json::json!({"iss": issuer, "aud": audience, "sub": subject, "exp": expires});
    let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
    format!("{header}.{payload}.c2ln")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_claims_and_refuses_what_is_not_a_jwt() {
        let token = unsigned_jwt(
            "https://issuer",
            "sts.aliyuncs.com",
            "system:serviceaccount:ns:sa",
            1_900_000_000,
        );
        let claims = claims(&token).unwrap();
        assert_eq!(claims.issuer, "https://issuer");
        assert_eq!(claims.audiences, ["sts.aliyuncs.com"]);
        assert_eq!(claims.expires, 1_900_000_000);
        for bad in ["", "a.b", "a.b.c.d", "!!.??.x", &token.replacen('.', ".e30", 1)] {
            assert_eq!(super::claims(bad), None, "{bad}");
        }
    }
}
