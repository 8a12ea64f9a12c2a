//! The mock's STS, metadata service and credentials URI, over HTTP, with plain reqwest: every
//! refusal with its code and status.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cdn_task_core::signing::{Credentials, SignatureVersion};
use cdn_task_core::sts::{AssumeRole, AssumeRoleWithOidc, anonymous_form_body};
use cdn_task_core::{ApiRequest, Format, ServiceErrorBody, WireBody};
use cdn_task_mock::{
    CredentialsConfig, DEFAULT_ACCOUNT_ID, MetadataTokens, MockConfig, MockServer, OidcProvider, unsigned_jwt,
};

const ISSUER: &str = "https://issuer.example";

async fn server(tokens: MetadataTokens) -> MockServer {
    let provider = format!("acs:ram::{DEFAULT_ACCOUNT_ID}:oidc-provider/p");
    MockServer::start(
        MockConfig::default().with_credentials(
            CredentialsConfig::default()
                .with_oidc_provider(OidcProvider::new(provider, ISSUER, "sts.aliyuncs.com"))
                .with_metadata_tokens(tokens),
        ),
    )
    .await
    .unwrap()
}

/// Posts an anonymous form and returns (status, error code or "").
async fn post_form(server: &MockServer, body: String) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("{}/", server.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let code = ServiceErrorBody::decode_json(&bytes)
        .map(|body| body.code.to_string())
        .unwrap_or_default();
    (status, code)
}

fn oidc_body(provider: &str, role: &str, token: &str) -> String {
    let operation = AssumeRoleWithOidc::new(role, provider, token, "session").unwrap();
    anonymous_form_body(
        &ApiRequest::new(&operation, Format::Json),
        "2026-01-01T00:00:00Z",
        "n",
    )
}

#[tokio::test]
async fn assume_role_with_oidc_refusals() {
    let server = server(MetadataTokens::Optional).await;
    let now = server.clock().now().timestamp();
    let provider = format!("acs:ram::{DEFAULT_ACCOUNT_ID}:oidc-provider/p");
    let role = format!("acs:ram::{DEFAULT_ACCOUNT_ID}:role/r");
    let good = unsigned_jwt(ISSUER, "sts.aliyuncs.com", "s", now + 600);
    let cases = [
        (oidc_body(&provider, &role, &good), 200, ""),
        (
            oidc_body("acs:ram::1:oidc-provider/other", &role, &good),
            401,
            "AuthenticationFail.NoPermission",
        ),
        (
            oidc_body(&provider, &role, "not.a.jwt"),
            401,
            "AuthenticationFail.OIDCToken.Invalid",
        ),
        (
            oidc_body(
                &provider,
                &role,
                &unsigned_jwt("https://evil", "sts.aliyuncs.com", "s", now + 600),
            ),
            401,
            "AuthenticationFail.OIDCToken.IssuerNotMatch",
        ),
        (
            oidc_body(
                &provider,
                &role,
                &unsigned_jwt(ISSUER, "sts.aliyuncs.com", "s", now - 1),
            ),
            401,
            "AuthenticationFail.OIDCToken.Expired",
        ),
        (
            oidc_body(&provider, "acs:ram::42:role/r", &good),
            404,
            "EntityNotExist.Role",
        ),
        (
            oidc_body(&provider, &role, &good).replace("RoleSessionName=session", "RoleSessionName=s"),
            400,
            "InvalidParameter.RoleSessionName",
        ),
        (
            oidc_body(&provider, &role, &good).replace("Version=2015-04-01", "Version=2018-05-10"),
            400,
            "InvalidVersion",
        ),
    ];
    for (body, status, code) in cases {
        assert_eq!(
            post_form(&server, body.clone()).await,
            (status, code.to_owned()),
            "{body}"
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn assume_role_needs_a_signature_and_chains() {
    let server = server(MetadataTokens::Optional).await;
    let role = format!("acs:ram::{DEFAULT_ACCOUNT_ID}:role/r");
    let operation = AssumeRole::new(&role, "session").unwrap();
    let request = ApiRequest::new(&operation, Format::Json);
    let call = |credentials: Credentials| {
        let signed = request.sign(
            SignatureVersion::Rpc,
            &server.addr().to_string(),
            &credentials,
            server.clock().now(),
            &format!("{:x}", rand_nonce()),
        );
        let url = format!("{}{}", server.base_url(), signed.path_and_query());
        async move { reqwest::Client::new().post(url).send().await.unwrap() }
    };
    let response = call(Credentials::new("testid", "testsecret")).await;
    assert_eq!(response.status(), 200);
    let body = cdn_task_core::sts::AssumeRoleResponse::decode_json(&response.bytes().await.unwrap()).unwrap();
    // Role chaining: the STS credentials assume a role again.
    let chained = call(body.credentials().to_credentials()).await;
    assert_eq!(chained.status(), 200);
    let wrong = call(Credentials::new("testid", "wrong")).await;
    assert_eq!(wrong.status(), 400);
    // Without its token, an issued key is refused before anything else.
    let bare = Credentials::new(
        body.credentials().access_key_id(),
        body.credentials().access_key_secret(),
    );
    let refused = call(bare).await;
    let error = ServiceErrorBody::decode_json(&refused.bytes().await.unwrap()).unwrap();
    assert_eq!(error.code.as_str(), "InvalidSecurityToken.Malformed");
    server.shutdown().await;
}

fn rand_nonce() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

#[tokio::test]
async fn metadata_paths_tokens_and_the_credentials_uri() {
    let server = server(MetadataTokens::Required).await;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", server.base_url());
    let status = |response: reqwest::Response| response.status().as_u16();
    // The token's TTL must be 1 to 21600 seconds.
    for ttl in ["0", "21601", "x"] {
        let response = http
            .put(url("/latest/api/token"))
            .header("x-aliyun-ecs-metadata-token-ttl-seconds", ttl)
            .send()
            .await
            .unwrap();
        assert_eq!(status(response), 400, "{ttl}");
    }
    let token = http
        .put(url("/latest/api/token"))
        .header("x-aliyun-ecs-metadata-token-ttl-seconds", "60")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let roles = "/latest/meta-data/ram/security-credentials/";
    // Required mode: no token, or a wrong or expired one, is 401.
    assert_eq!(status(http.get(url(roles)).send().await.unwrap()), 401);
    let with = |token: &str| {
        http.get(url(roles))
            .header("x-aliyun-ecs-metadata-token", token.to_owned())
    };
    assert_eq!(status(with("AQAEwrong").send().await.unwrap()), 401);
    let role = with(&token).send().await.unwrap().text().await.unwrap();
    assert_eq!(role, "cdn-task-mock-role");
    let document = http
        .get(url(&format!("{roles}{role}")))
        .header("x-aliyun-ecs-metadata-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(document.headers()["content-type"], "application/json");
    let document =
        cdn_task_core::credentials::CredentialDocument::decode_json(&document.bytes().await.unwrap())
            .unwrap();
    assert!(document.credentials().access_key_id().starts_with("STS."));
    let unknown = http
        .get(url(&format!("{roles}other")))
        .header("x-aliyun-ecs-metadata-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(status(unknown), 404);
    server.clock().advance(std::time::Duration::from_secs(60));
    assert_eq!(
        status(with(&token).send().await.unwrap()),
        401,
        "an expired token is refused"
    );
    // The credentials URI: GET only.
    assert_eq!(status(http.get(url("/credentials")).send().await.unwrap()), 200);
    assert_eq!(status(http.post(url("/credentials")).send().await.unwrap()), 405);
    let calls = server.metadata_calls();
    assert_eq!(calls.len(), 12);
    assert_eq!(calls.iter().filter(|call| call.with_token).count(), 5);
    server.shutdown().await;
}
