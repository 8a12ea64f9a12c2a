//! Which STS endpoint to call.

use super::{ENV_STS_ENDPOINT, ENV_STS_REGION, ENV_VPC_ENDPOINT_ENABLED, Environment};
use cdn_task_core::credentials::RoleSettings;
use cdn_task_core::sts::sts_host;
use std::fmt;

/// An STS endpoint: a base URL, `https://sts.aliyuncs.com` by default.
///
/// Resolution ([`StsEndpoint::resolve`]): `ALIBABA_CLOUD_STS_ENDPOINT` (a host, or a full URL
/// such as `http://127.0.0.1:PORT` for an emulator), else the profile's `sts_endpoint`, else
/// `sts.<region>.aliyuncs.com` for the profile's `sts_region` or `ALIBABA_CLOUD_STS_REGION`
/// (`sts-vpc.` with the profile's `enable_vpc` or `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`), else
/// `sts.aliyuncs.com`. A host alone means HTTPS.
///
/// The environment variable comes first because ACK's pod-identity webhook injects it, and it is
/// the one place an operator can redirect every profile at once (the official libraries ignore
/// both it and `sts_endpoint`).
///
/// ```
/// use cdn_task_http::credentials::{Environment, StsEndpoint};
/// let env = Environment::empty().with_var("ALIBABA_CLOUD_STS_REGION", "cn-hangzhou");
/// assert_eq!(StsEndpoint::resolve(&env, None).url(), "https://sts.cn-hangzhou.aliyuncs.com");
/// let env = env.with_var("ALIBABA_CLOUD_STS_ENDPOINT", "http://127.0.0.1:8080");
/// assert_eq!(StsEndpoint::resolve(&env, None).url(), "http://127.0.0.1:8080");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct StsEndpoint {
    url: String,
}

impl StsEndpoint {
    /// `endpoint`: a host (HTTPS) or an `http://` / `https://` URL.
    pub fn new(endpoint: &str) -> StsEndpoint {
        let endpoint = endpoint.trim().trim_end_matches('/');
        let url = if endpoint.starts_with("http://") || endpoint.starts_with("https://") {
            endpoint.to_owned()
        } else {
            format!("https://{endpoint}")
        };
        StsEndpoint { url }
    }

    /// The endpoint for `env` and, when there is one, a profile's role settings.
    pub fn resolve(env: &Environment, role: Option<&RoleSettings>) -> StsEndpoint {
        if let Some(endpoint) = env.var(ENV_STS_ENDPOINT) {
            return StsEndpoint::new(endpoint);
        }
        if let Some(endpoint) = role.and_then(|role| role.sts_endpoint.as_deref()) {
            return StsEndpoint::new(endpoint);
        }
        let region = role
            .and_then(|role| role.sts_region.as_deref())
            .or_else(|| env.var(ENV_STS_REGION));
        let vpc = role.is_some_and(|role| role.enable_vpc) || env.is_true(ENV_VPC_ENDPOINT_ENABLED);
        StsEndpoint::new(&sts_host(region, vpc))
    }

    /// The base URL, no trailing `/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `host[:port]`, what a signature names.
    pub(crate) fn host(&self) -> &str {
        let rest = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, rest)| rest);
        rest.split('/').next().unwrap_or(rest)
    }
}

impl fmt::Debug for StsEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_order() {
        let mut role = RoleSettings::new("acs:ram::1:role/r");
        role.sts_region = Some("cn-shanghai".into());
        let env = Environment::empty()
            .with_var(ENV_STS_REGION, "cn-hangzhou")
            .with_var(ENV_VPC_ENDPOINT_ENABLED, "TRUE");
        assert_eq!(
            StsEndpoint::resolve(&env, None).url(),
            "https://sts-vpc.cn-hangzhou.aliyuncs.com"
        );
        assert_eq!(
            StsEndpoint::resolve(&env, Some(&role)).url(),
            "https://sts-vpc.cn-shanghai.aliyuncs.com"
        );
        role.sts_endpoint = Some("sts.example.com".into());
        assert_eq!(
            StsEndpoint::resolve(&env, Some(&role)).url(),
            "https://sts.example.com"
        );
        let env = env.with_var(ENV_STS_ENDPOINT, "http://127.0.0.1:9/");
        let endpoint = StsEndpoint::resolve(&env, Some(&role));
        assert_eq!(
            (endpoint.url(), endpoint.host()),
            ("http://127.0.0.1:9", "127.0.0.1:9")
        );
        let plain = Environment::empty().with_var(ENV_VPC_ENDPOINT_ENABLED, "true");
        assert_eq!(
            StsEndpoint::resolve(&plain, None).url(),
            "https://sts.aliyuncs.com"
        );
    }
}

/// Calling STS: sign (or not), send, decode, and name failures after the provider.
pub(crate) mod call {
    use super::StsEndpoint;
    use crate::credentials::fetch::{FetchRequest, Fetcher};
    use crate::credentials::{CredentialsError, ProvidedCredentials};
    use crate::transport::interpret;
    use cdn_task_core::signing::{Credentials, SignatureVersion};
    use cdn_task_core::sts::{StsCredentials, anonymous_form_body};
    use cdn_task_core::{ApiRequest, Format, Operation, format_utc_timestamp};

    /// What to send: signed by `signer`, or anonymous with the parameters in a form body.
    pub(crate) enum Signing<'a> {
        Signed(&'a Credentials),
        Anonymous,
    }

    /// Calls `operation` at `endpoint` and returns the credentials it issues, named `provider`.
    pub(crate) async fn assume<O: Operation>(
        fetcher: &Fetcher,
        endpoint: &StsEndpoint,
        operation: &O,
        signing: Signing<'_>,
        credentials_of: impl Fn(&O::Response) -> &StsCredentials,
        provider: &str,
    ) -> Result<ProvidedCredentials, CredentialsError> {
        let request = ApiRequest::new(operation, Format::Json);
        let now = crate::credentials::system_now();
        let nonce = format!("{:032x}", rand::random::<u128>());
        let (url, form) = match signing {
            Signing::Signed(source) => {
                let signed = request.sign(SignatureVersion::Rpc, endpoint.host(), source, now, &nonce);
                (format!("{}{}", endpoint.url(), signed.path_and_query()), None)
            }
            Signing::Anonymous => {
                let timestamp = format_utc_timestamp(now).to_string();
                (
                    format!("{}/", endpoint.url()),
                    Some(anonymous_form_body(&request, &timestamp, &nonce)),
                )
            }
        };
        let fetch = FetchRequest {
            method: reqwest::Method::POST,
            url: &url,
            headers: Vec::new(),
            form,
        };
        let response = fetcher
            .send(O::ACTION, &fetch, |answer| {
                interpret::<O::Response>(&answer, Format::Json)
            })
            .await
            .map_err(|failure| {
                failure.into_credentials_error(provider, &format!("STS {} at {endpoint:?}", O::ACTION))
            })?;
        let issued = credentials_of(&response);
        Ok(ProvidedCredentials::new(issued.to_credentials(), provider).expiring(issued.expiration()))
    }
}
