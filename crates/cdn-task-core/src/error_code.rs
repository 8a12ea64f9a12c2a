//! The service's error codes: one catalogue, shared by the mock (what to answer) and the client
//! (what it means, whether to retry).

use std::fmt;

macro_rules! error_catalogue {
    ( $( $(#[$doc:meta])* $variant:ident => $code:literal, $status:literal, $retry:literal, $message:literal; )+ ) => {
        /// A service error code (`Code` in an error body). Codes this version does not know are kept
        /// in [`ErrorCode::Unknown`], made only by parsing.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )+
            /// A code this version does not know, kept as sent (made only by parsing).
            Unknown($crate::UnknownValue<ErrorCode>),
        }

        impl ErrorCode {
            /// Every known code, in catalogue order.
            pub const KNOWN: &'static [ErrorCode] = &[ $( ErrorCode::$variant, )+ ];

            /// The code as the service writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( ErrorCode::$variant => $code, )+
                    ErrorCode::Unknown(code) => code.as_str(),
                }
            }

            /// The HTTP status the service answers this code with; `None` for an unknown code.
            pub fn http_status(&self) -> Option<u16> {
                match self {
                    $( ErrorCode::$variant => Some($status), )+
                    ErrorCode::Unknown(_) => None,
                }
            }

            /// The message the service sends with this code; `None` for an unknown code.
            pub fn message(&self) -> Option<&'static str> {
                match self {
                    $( ErrorCode::$variant => Some($message), )+
                    ErrorCode::Unknown(_) => None,
                }
            }

            fn known_retryable(&self) -> Option<bool> {
                match self {
                    $( ErrorCode::$variant => Some($retry), )+
                    ErrorCode::Unknown(_) => None,
                }
            }
        }

        impl std::str::FromStr for ErrorCode {
            type Err = std::convert::Infallible;
            fn from_str(code: &str) -> Result<Self, Self::Err> {
                Ok(match code {
                    $( $code => ErrorCode::$variant, )+
                    other => ErrorCode::Unknown($crate::UnknownValue::new(other)),
                })
            }
        }
    };
}

error_catalogue! {
    /// A required parameter is absent.
    MissingParameter => "MissingParameter", 400, false,
        "The input parameter \"TaskId\" that is mandatory for processing this request is not supplied.";
    /// A task ID is not a task ID.
    InvalidTaskIdMalformed => "InvalidTaskId.Malformed", 400, false, "The specified TaskId is invalid.";
    /// More than ten task IDs.
    InvalidTaskIdTooMany => "InvalidTaskId", 400, false, "The maximum number of taskIds is 10.";
    /// A time filter outside the three-day window.
    InvalidTime => "InvalidTime", 400, false, "The query time cannot exceed the last 3 days.";
    /// Over 30 calls a second for this user.
    ThrottlingUser => "Throttling.User", 400, true, "Request was denied due to user flow control.";
    /// Throttled (generic).
    Throttling => "Throttling", 400, true, "Request was denied due to request throttling.";
    /// Throttled by the API's own limit.
    ThrottlingApi => "Throttling.Api", 400, true, "Request was denied due to api flow control.";
    /// Throttled at the gateway.
    TooManyRequests => "TooManyRequests", 429, true, "Too many requests.";
    /// Unknown AccessKeyId.
    InvalidAccessKeyIdNotFound => "InvalidAccessKeyId.NotFound", 404, false, "Specified access key is not found.";
    /// Wrong signature.
    SignatureDoesNotMatch => "SignatureDoesNotMatch", 400, false,
        "Specified signature is not matched with our calculation.";
    /// Malformed Authorization or signature fields.
    IncompleteSignature => "IncompleteSignature", 400, false,
        "The request signature does not conform to Aliyun standards.";
    /// Malformed Timestamp or x-acs-date.
    InvalidTimeStampFormat => "InvalidTimeStamp.Format", 400, false,
        "Specified time stamp or date value is not well formatted.";
    /// Timestamp or x-acs-date too far from the service's clock.
    InvalidTimeStampExpired => "InvalidTimeStamp.Expired", 400, false, "Specified time stamp or date value is expired.";
    /// A replayed SignatureNonce / x-acs-signature-nonce.
    SignatureNonceUsed => "SignatureNonceUsed", 400, false, "Specified signature nonce was used already.";
    /// Unknown Action.
    InvalidActionNotFound => "InvalidAction.NotFound", 404, false,
        "Specified api is not found, please check your url and method.";
    /// A Version other than 2018-05-10. API.md leaves the exact code open; this project uses
    /// `InvalidVersion`, 400.
    InvalidVersion => "InvalidVersion", 400, false, "Specified parameter Version is not valid.";
    /// Not permitted.
    ForbiddenRam => "Forbidden.RAM", 403, false, "User not authorized to operate on the specified resource.";
    /// A parameter is malformed in a way no more specific code covers (bad encoding, oversized body).
    /// Not in API.md; the mock's choice for hostile input.
    InvalidParameter => "InvalidParameter", 400, false, "The specified parameter is invalid.";
    /// The refresh or prefetch quota of the day is used up.
    QuotaExceededRefresh => "QuotaExceeded.Refresh", 400, false, "Your refresh quota is exceeded.";
    /// `ObjectType` of a refresh request is not one the service knows.
    InvalidObjectTypeMalformed => "InvalidObjectType.Malformed", 400, false, "The specified ObjectType is invalid.";
    /// `ObjectPath` of a refresh or prefetch request is malformed.
    InvalidObjectPathMalformed => "InvalidObjectPath.Malformed", 400, false, "The specified ObjectPath is invalid.";
    /// `DomainName` or `Status` given to `DescribeRefreshTasks` without `ObjectType`.
    MissingParameterObjectType => "MissingParameter.ObjectType", 400, false,
        "If DomainName or Status is provided, ObjectType can not be empty.";
    /// `StartTime` is not a UTC time.
    InvalidStartTimeMalformed => "InvalidStartTime.Malformed", 400, false, "Specified StartTime is malformed.";
    /// `EndTime` is not a UTC time.
    InvalidEndTimeMalformed => "InvalidEndTime.Malformed", 400, false, "Specified EndTime is malformed.";
    /// `EndTime` is not later than `StartTime` (the service's message has "math", sic).
    InvalidEndTimeMismatch => "InvalidEndTime.Mismatch", 400, false,
        "Specified end time does not math the specified start time.";
    /// `StartTime` lies before the three-day window.
    InvalidStartTimeValueNotSupported => "InvalidStartTime.ValueNotSupported", 400, false,
        "The specified value of parameter StartTime is not supported.";
    /// `Status` is not a status `DescribeRefreshTasks` filters by.
    InvalidStatusValueNotSupported => "InvalidStatus.ValueNotSupported", 400, false,
        "The specified value of parameter Status is not supported.";
    /// `ObjectType` is not a kind `DescribeRefreshTasks` filters by.
    InvalidObjectTypeValueNotSupported => "InvalidObjectType.ValueNotSupported", 400, false,
        "The specified value of parameter ObjectType is not supported.";
    /// More paths in one create call than its kind allows.
    SingleRequestOverLimit => "SingleRequest.OverLimit", 400, false,
        "The number of ObjectPath entries exceeds the limit of one request.";
    /// An object path is longer than the service takes.
    InvalidObjectPathSizeMalformed => "InvalidObjectPath.Size.Malformed", 400, false,
        "The size of ObjectPath is bigger than 1000.";
    /// The account's prefetch queue is full: new prefetch tasks are refused.
    PreloadQueueFull => "PreloadQueueFull", 403, false, "Preload queue is full, please try again later!";
    /// Server failure.
    InternalError => "InternalError", 500, true,
        "The request processing has failed due to some unknown error, exception or failure.";
    /// Temporary server unavailability.
    ServiceUnavailable => "ServiceUnavailable", 503, true,
        "The request has failed due to a temporary failure of the server.";
    // The gateway's STS-token checks on any API. CREDENTIALS.md and API.md give no statuses;
    // the gateway answers its other authentication codes with 400, so these use 400 too.
    /// The SecurityToken sent with STS credentials has expired.
    InvalidSecurityTokenExpired => "InvalidSecurityToken.Expired", 400, false, "Specified SecurityToken is expired.";
    /// The SecurityToken was issued with another AccessKeyId.
    InvalidSecurityTokenMismatchWithAccessKey => "InvalidSecurityToken.MismatchWithAccessKey", 400, false,
        "Specified SecurityToken mismatch with the AccessKey.";
    /// The SecurityToken is absent where STS credentials need one, or is not a token.
    InvalidSecurityTokenMalformed => "InvalidSecurityToken.Malformed", 400, false, "Specified SecurityToken is malformed.";
    // STS (API version 2015-04-01), see CREDENTIALS.md section 5. The OIDC codes are documented
    // with HTTP 401; the AssumeRole codes' statuses are not confirmed: 400 for malformed
    // parameters, 403 for permissions and 404 for a missing role, as the CDN API does.
    /// `RoleSessionName` is not 2 to 64 of letters, digits and `.@-_`.
    InvalidParameterRoleSessionName => "InvalidParameter.RoleSessionName", 400, false,
        "The parameter RoleSessionName is wrongly formed.";
    /// `DurationSeconds` is below 900 or above the role's maximum session duration.
    InvalidParameterDurationSeconds => "InvalidParameter.DurationSeconds", 400, false,
        "The Min/Max value of DurationSeconds is 15min/12hr.";
    /// `Policy` is empty, longer than 2,048 characters or not a policy.
    InvalidParameterPolicyGrammar => "InvalidParameter.PolicyGrammar", 400, false,
        "The parameter Policy has not passed grammar check.";
    /// `RoleArn` is not `acs:ram::<account>:role/<name>`.
    InvalidParameterRoleArn => "InvalidParameter.RoleArn", 400, false, "The parameter RoleArn is wrongly formed.";
    /// `ExternalId` is not 2 to 1,224 of letters, digits and `_+=,.@:/-`.
    InvalidParameterExternalId => "InvalidParameter.ExternalId", 400, false,
        "The parameter ExternalId is wrongly formed.";
    /// The role does not exist.
    EntityNotExistRole => "EntityNotExist.Role", 404, false, "The role not exists.";
    /// The caller may not assume the role.
    NoPermission => "NoPermission", 403, false, "No permission perform sts:AssumeRole on this Role.";
    /// AssumeRoleWithOIDC: no such OIDC provider, or no permission.
    AuthenticationFailNoPermission => "AuthenticationFail.NoPermission", 401, false,
        "No such OIDC Provider registered.";
    /// AssumeRoleWithOIDC: the token's `aud` is not a client ID of the provider.
    AuthenticationFailOidcTokenAudienceNotMatch => "AuthenticationFail.OIDCToken.AudienceNotMatch", 401, false,
        "The audience of the OIDCToken does not match the client ID of the OIDC provider.";
    /// AssumeRoleWithOIDC: the token's `exp` has passed.
    AuthenticationFailOidcTokenExpired => "AuthenticationFail.OIDCToken.Expired", 401, false,
        "This JsonWebToken is expired.";
    /// AssumeRoleWithOIDC: the token is not a JWT.
    AuthenticationFailOidcTokenInvalid => "AuthenticationFail.OIDCToken.Invalid", 401, false,
        "The OIDCToken is invalid.";
    /// AssumeRoleWithOIDC: the token's `iss` is not the provider's issuer.
    AuthenticationFailOidcTokenIssuerNotMatch => "AuthenticationFail.OIDCToken.IssuerNotMatch", 401, false,
        "The issuer of the OIDCToken does not match the issuer URL of the OIDC provider.";
    /// AssumeRoleWithOIDC: the token's signature does not verify.
    AuthenticationFailOidcTokenInvalidSignature => "AuthenticationFail.OIDCToken.InvalidSignature", 401, false,
        "The signature of the OIDCToken is invalid.";
}

impl ErrorCode {
    /// Whether a client should retry a request that got this code with this HTTP status:
    /// throttling and server-side failures yes, validation and signature errors never. For a code
    /// this version does not know, the status decides (429 or 5xx), and so does a `Throttling`
    /// prefix.
    ///
    /// ```
    /// use cdn_task_core::ErrorCode;
    /// assert!(ErrorCode::ThrottlingUser.is_retryable(400));
    /// assert!(!ErrorCode::SignatureDoesNotMatch.is_retryable(400));
    /// assert!("Busy".parse::<ErrorCode>()?.is_retryable(503));
    /// # Ok::<(), std::convert::Infallible>(())
    /// ```
    pub fn is_retryable(&self, http_status: u16) -> bool {
        self.known_retryable().unwrap_or_else(|| {
            http_status == 429 || http_status >= 500 || self.as_str().starts_with("Throttling")
        })
    }

    /// Whether this is a throttling code (the client backs off harder on these).
    pub fn is_throttling(&self) -> bool {
        matches!(
            self,
            ErrorCode::ThrottlingUser
                | ErrorCode::Throttling
                | ErrorCode::ThrottlingApi
                | ErrorCode::TooManyRequests
        ) || self.as_str().starts_with("Throttling")
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::wire_str::deserialize_parsed(deserializer, "an error code string")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_code_round_trips_and_has_status_and_message() {
        for code in ErrorCode::KNOWN {
            assert_eq!(&code.as_str().parse::<ErrorCode>().unwrap(), code);
            assert_eq!(code.to_string(), code.as_str(), "Display is the wire spelling");
            let status = code.http_status().unwrap();
            assert!((400..600).contains(&status), "{code}: {status}");
            assert!(!code.message().unwrap().is_empty());
        }
    }

    #[test]
    fn retry_rules() {
        let retryable: Vec<&str> = ErrorCode::KNOWN
            .iter()
            .filter(|c| c.is_retryable(c.http_status().unwrap()))
            .map(ErrorCode::as_str)
            .collect();
        assert_eq!(
            retryable,
            [
                "Throttling.User",
                "Throttling",
                "Throttling.Api",
                "TooManyRequests",
                "InternalError",
                "ServiceUnavailable"
            ]
        );
        let code = |text: &str| text.parse::<ErrorCode>().unwrap();
        assert!(code("Throttling.Burst").is_retryable(400));
        assert!(code("Throttling.Burst").is_throttling());
        assert!(!code("Nope").is_retryable(400));
        assert!(code("Nope").is_retryable(502));
    }
}
