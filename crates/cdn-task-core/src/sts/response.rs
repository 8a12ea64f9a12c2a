//! What `AssumeRole` and `AssumeRoleWithOIDC` answer: the STS credentials and the assumed role.
//!
//! ```json
//! {"RequestId":"…","AssumedRoleUser":{"Arn":"acs:ram::1:role/r/s","AssumedRoleId":"34…:s"},
//!  "Credentials":{"AccessKeyId":"STS.…","AccessKeySecret":"…","SecurityToken":"…","Expiration":"2015-04-09T11:52:19Z"}}
//! ```
//! XML has the same fields under `<AssumeRoleResponse>` or `<AssumeRoleWithOIDCResponse>`.

use crate::codec::xml::{Child, XmlReader, XmlWriter, required, set_once, text_fields};
use crate::codec::{DecodeError, WireBody, json};
use crate::signing::{Credentials, REDACTED};
use crate::time::{WireTime, format_utc_timestamp};
use chrono::{DateTime, Utc};
use std::fmt;

/// STS credentials: an `STS.` AccessKey pair, its security token, and when they expire.
/// `Debug` never shows the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct StsCredentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    expiration: DateTime<Utc>,
}

impl StsCredentials {
    /// STS credentials as issued.
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
        security_token: impl Into<String>,
        expiration: DateTime<Utc>,
    ) -> StsCredentials {
        StsCredentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: security_token.into(),
            expiration,
        }
    }

    /// The AccessKeyId (`STS.…`).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The AccessKey secret. Never log it.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The security token. Never log it.
    pub fn security_token(&self) -> &str {
        &self.security_token
    }

    /// When they expire (UTC).
    pub fn expiration(&self) -> DateTime<Utc> {
        self.expiration
    }

    /// The signing credentials (the expiry is left behind: keep it from [`expiration`](Self::expiration)).
    pub fn to_credentials(&self) -> Credentials {
        Credentials::new(&self.access_key_id, &self.access_key_secret)
            .with_security_token(&self.security_token)
    }
}

impl fmt::Debug for StsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &REDACTED)
            .field("security_token", &REDACTED)
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// The identity of an assumed role's session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumedRoleUser {
    /// `acs:ram::<account>:role/<role>/<session>`.
    pub arn: String,
    /// `<role ID>:<session>`.
    pub assumed_role_id: String,
}

impl AssumedRoleUser {
    /// The identity.
    pub fn new(arn: impl Into<String>, assumed_role_id: impl Into<String>) -> AssumedRoleUser {
        AssumedRoleUser {
            arn: arn.into(),
            assumed_role_id: assumed_role_id.into(),
        }
    }
}

/// The JSON shape, field names as the service writes them.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Wire {
    request_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    assumed_role_user: Option<WireUser>,
    credentials: WireCredentials,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireUser {
    arn: String,
    assumed_role_id: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireCredentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    #[serde(with = "crate::task::creation_time")]
    expiration: DateTime<Utc>,
}

/// The body both actions answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Body {
    request_id: String,
    credentials: StsCredentials,
    assumed_role_user: Option<AssumedRoleUser>,
}

impl Body {
    fn decode_json(body: &[u8]) -> Result<Body, DecodeError> {
        let wire: Wire = json::decode(body)?;
        let c = wire.credentials;
        Ok(Body {
            request_id: wire.request_id,
            credentials: StsCredentials::new(
                c.access_key_id,
                c.access_key_secret,
                c.security_token,
                c.expiration,
            ),
            assumed_role_user: wire
                .assumed_role_user
                .map(|user| AssumedRoleUser::new(user.arn, user.assumed_role_id)),
        })
    }

    fn encode_json(&self) -> String {
        let c = &self.credentials;
        json::encode(&Wire {
            request_id: self.request_id.clone(),
            assumed_role_user: self.assumed_role_user.as_ref().map(|user| WireUser {
                arn: user.arn.clone(),
                assumed_role_id: user.assumed_role_id.clone(),
            }),
            credentials: WireCredentials {
                access_key_id: c.access_key_id.clone(),
                access_key_secret: c.access_key_secret.clone(),
                security_token: c.security_token.clone(),
                expiration: c.expiration,
            },
        })
    }

    fn decode_xml(body: &[u8], root: &'static str) -> Result<Body, DecodeError> {
        let mut xml = XmlReader::open(body, root)?;
        let container = || format!("<{root}>");
        let (mut request_id, mut credentials, mut user) = (None, None, None);
        while let Some(child) = xml.next_child()? {
            let offset = child.offset;
            match child.name() {
                b"RequestId" => {
                    let text = xml.text(&child)?.into_owned();
                    set_once(&mut request_id, text, "RequestId", container, offset)?;
                }
                b"Credentials" => {
                    let value = decode_xml_credentials(&mut xml, &child)?;
                    set_once(&mut credentials, value, "Credentials", container, offset)?;
                }
                b"AssumedRoleUser" => {
                    let [arn, id] = decode_xml_fields(&mut xml, &child, ["Arn", "AssumedRoleId"])?;
                    let container = || "<AssumedRoleUser>".to_owned();
                    let value = AssumedRoleUser::new(
                        required(arn, "Arn", container)?,
                        required(id, "AssumedRoleId", container)?,
                    );
                    set_once(&mut user, value, "AssumedRoleUser", container, offset)?;
                }
                _ => xml.skip(&child)?,
            }
        }
        xml.finish()?;
        Ok(Body {
            request_id: required(request_id, "RequestId", container)?,
            credentials: required(credentials, "Credentials", container)?,
            assumed_role_user: user,
        })
    }

    fn encode_xml(&self, root: &'static str) -> String {
        let mut xml = XmlWriter::new(root);
        xml.text_element("RequestId", &self.request_id);
        if let Some(user) = &self.assumed_role_user {
            xml.open("AssumedRoleUser");
            xml.text_element("Arn", &user.arn);
            xml.text_element("AssumedRoleId", &user.assumed_role_id);
            xml.close("AssumedRoleUser");
        }
        let c = &self.credentials;
        xml.open("Credentials");
        xml.text_element("AccessKeyId", &c.access_key_id);
        xml.text_element("AccessKeySecret", &c.access_key_secret);
        xml.text_element("SecurityToken", &c.security_token);
        xml.display_element("Expiration", format_utc_timestamp(c.expiration));
        xml.close("Credentials");
        xml.finish(root)
    }
}

/// The text of each of `fields` among the children of `element` (unknown ones skipped).
fn decode_xml_fields<'a, const N: usize>(
    xml: &mut XmlReader<'a>,
    element: &Child<'a>,
    fields: [&'static str; N],
) -> Result<[Option<String>; N], DecodeError> {
    if element.is_empty() {
        return Ok(std::array::from_fn(|_| None));
    }
    text_fields(xml, fields, &element.display_name())
}

fn decode_xml_credentials<'a>(
    xml: &mut XmlReader<'a>,
    element: &Child<'a>,
) -> Result<StsCredentials, DecodeError> {
    let offset = element.offset;
    let [id, secret, token, expiration] = decode_xml_fields(
        xml,
        element,
        ["AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"],
    )?;
    let container = || "<Credentials>".to_owned();
    let expiration = required(expiration, "Expiration", container)?;
    let expiration = expiration
        .parse::<WireTime>()
        .map_err(|error| DecodeError::InvalidField {
            field: "Expiration",
            offset,
            detail: error.to_string(),
        })?
        .0;
    Ok(StsCredentials::new(
        required(id, "AccessKeyId", container)?,
        required(secret, "AccessKeySecret", container)?,
        required(token, "SecurityToken", container)?,
        expiration,
    ))
}

/// Declares a response type of one STS action over [`Body`], with its XML root.
macro_rules! sts_response {
    ($(#[$doc:meta])* $name:ident, $root:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(Body);

        impl $name {
            /// The response.
            pub fn new(
                request_id: impl Into<String>,
                credentials: StsCredentials,
                assumed_role_user: Option<AssumedRoleUser>,
            ) -> $name {
                $name(Body { request_id: request_id.into(), credentials, assumed_role_user })
            }

            /// The service's ID for the call.
            pub fn request_id(&self) -> &str {
                &self.0.request_id
            }

            /// The credentials issued.
            pub fn credentials(&self) -> &StsCredentials {
                &self.0.credentials
            }

            /// The session's identity, when the service sent it.
            pub fn assumed_role_user(&self) -> Option<&AssumedRoleUser> {
                self.0.assumed_role_user.as_ref()
            }
        }

        impl crate::sealed::Sealed for $name {}

        impl WireBody for $name {
            fn decode_json(body: &[u8]) -> Result<Self, DecodeError> {
                Body::decode_json(body).map($name)
            }
            fn decode_xml(body: &[u8]) -> Result<Self, DecodeError> {
                Body::decode_xml(body, $root).map($name)
            }
            fn encode_json(&self) -> String {
                self.0.encode_json()
            }
            fn encode_xml(&self) -> String {
                self.0.encode_xml($root)
            }
        }
    };
}

sts_response!(
    /// What `AssumeRole` answers (XML root `<AssumeRoleResponse>`).
    AssumeRoleResponse,
    "AssumeRoleResponse"
);
sts_response!(
    /// What `AssumeRoleWithOIDC` answers (XML root `<AssumeRoleWithOIDCResponse>`; the
    /// `OIDCTokenInfo` it adds is skipped).
    AssumeRoleWithOidcResponse,
    "AssumeRoleWithOIDCResponse"
);

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample() -> AssumeRoleResponse {
        AssumeRoleResponse::new(
            "R-1",
            StsCredentials::new(
                "STS.id",
                "s3cr3t&<",
                "t0k3n",
                Utc.with_ymd_and_hms(2015, 4, 9, 11, 52, 19).unwrap(),
            ),
            Some(AssumedRoleUser::new("acs:ram::1:role/r/s", "3444:s")),
        )
    }

    #[test]
    fn round_trips_in_both_formats_and_debug_hides_secrets() {
        let response = sample();
        for format in [crate::Format::Json, crate::Format::Xml] {
            let text = response.encode(format);
            assert_eq!(
                AssumeRoleResponse::decode(format, text.as_bytes()).unwrap(),
                response,
                "{text}"
            );
        }
        let debug = format!("{response:?}");
        assert!(!debug.contains("s3cr3t") && !debug.contains("t0k3n"), "{debug}");
        let credentials = format!("{:?}", response.credentials());
        assert!(
            credentials.starts_with("StsCredentials { access_key_id: ")
                && credentials.contains(response.credentials().access_key_id())
                && credentials.contains("<redacted>"),
            "{credentials}"
        );
        let oidc = AssumeRoleWithOidcResponse::new("R", response.credentials().clone(), None);
        assert!(oidc.encode_xml().contains("<AssumeRoleWithOIDCResponse>"));
        assert_eq!(
            AssumeRoleWithOidcResponse::decode_xml(oidc.encode_xml().as_bytes()).unwrap(),
            oidc
        );
    }

    #[test]
    fn decodes_the_documented_example_and_names_missing_fields() {
        let body = br#"{"RequestId":"6894B13B","AssumedRoleUser":{"Arn":"acs:ram::123:role/r/s","AssumedRoleId":"34458:s"},
            "Credentials":{"AccessKeyId":"STS.L4aBSCSJVMuKg5U1vFDw","AccessKeySecret":"wyLTSmsyPGP1ohvvw8xYgB29dlGI8KMiH2pK",
            "SecurityToken":"CAES+wMIARKAAZhjH0EUOIhJMQBMjRywXq7M","Expiration":"2015-04-09T11:52:19Z"},"SourceIdentity":"x"}"#;
        let response = AssumeRoleResponse::decode_json(body).unwrap();
        assert_eq!(response.credentials().access_key_id(), "STS.L4aBSCSJVMuKg5U1vFDw");
        let missing = br#"{"RequestId":"R","Credentials":{"AccessKeyId":"a","AccessKeySecret":"b","Expiration":"2015-04-09T11:52:19Z"}}"#;
        let error = AssumeRoleResponse::decode_json(missing).unwrap_err();
        assert!(error.to_string().contains("Credentials"), "{error}");
        let xml = b"<AssumeRoleResponse><RequestId>R</RequestId><Credentials><AccessKeyId>a</AccessKeyId></Credentials></AssumeRoleResponse>";
        let error = AssumeRoleResponse::decode_xml(xml).unwrap_err();
        assert!(
            matches!(
                error,
                DecodeError::MissingField {
                    field: "Expiration",
                    ..
                }
            ),
            "{error}"
        );
        let bad_time = b"<AssumeRoleResponse><RequestId>R</RequestId><Credentials><AccessKeyId>a</AccessKeyId><AccessKeySecret>b</AccessKeySecret><SecurityToken>c</SecurityToken><Expiration>soon</Expiration></Credentials></AssumeRoleResponse>";
        assert!(matches!(
            AssumeRoleResponse::decode_xml(bad_time).unwrap_err(),
            DecodeError::InvalidField {
                field: "Expiration",
                ..
            }
        ));
    }
}
