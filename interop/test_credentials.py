"""Interop: the official Python credentials library (`alibabacloud-credentials`) obtains credentials from
the mock's STS (`AssumeRole`, `AssumeRoleWithOIDC`), its credentials URI and its metadata service, and the
official CDN SDK then describes tasks with them.

The library is pointed at the mock the only ways it allows (CREDENTIALS.md section 8): `sts_endpoint=` for
STS (a full `http://127.0.0.1:PORT` URL), `uri=` for the credentials URI, and an HTTP proxy for the
metadata service, whose address (100.100.100.200) it hard-codes: the mock answers the proxied
absolute-form requests by their path.
"""

from __future__ import annotations

import base64
import json
import time

import pytest
from alibabacloud_cdn20180510 import models as cdn_models
from alibabacloud_cdn20180510.client import Client as CdnClient
from alibabacloud_credentials.http import HttpOptions
from alibabacloud_credentials.provider import (
    EcsRamRoleCredentialsProvider,
    OIDCRoleArnCredentialsProvider,
    RamRoleArnCredentialsProvider,
    StaticAKCredentialsProvider,
    URLCredentialsProvider,
)
from alibabacloud_tea_openapi.models import Config
from Tea.exceptions import TeaException

from conftest import OWNER, SEEDED, write_seed

ACCOUNT = "1234567890123456"  # the mock's default --sts-account-id
ROLE = f"acs:ram::{ACCOUNT}:role/deployer"
OIDC_PROVIDER = f"acs:ram::{ACCOUNT}:oidc-provider/ack-rrsa-c1"
ISSUER = "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c1"
AUDIENCE = "sts.aliyuncs.com"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(issuer: str, audience: str, expires: int) -> str:
    """An unsigned JWT (the mock reads the claims; it checks no signature)."""
    header = b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps({"iss": issuer, "aud": audience, "sub": "system:serviceaccount:ci:deploy",
                                 "exp": expires}).encode())
    return f"{header}.{payload}.c2lnbmF0dXJl"


@pytest.fixture
def sts_mock(fresh_mock, tmp_path):
    seed = tmp_path / "seed.json"
    write_seed(seed)
    return fresh_mock("--tasks", str(seed), "--oidc-provider", f"{OIDC_PROVIDER},{ISSUER},{AUDIENCE}")


def describe_with(mock, credentials) -> list[str]:
    """The official CDN SDK (V3, ACS3 signature) describes the seeded complete task with `credentials`."""
    client = CdnClient(Config(
        access_key_id=credentials.get_access_key_id(),
        access_key_secret=credentials.get_access_key_secret(),
        security_token=credentials.get_security_token(),
        endpoint=mock.hostport,
        protocol="http",
    ))
    request = cdn_models.DescribeRefreshTaskByIdRequest(task_id=SEEDED.complete)
    response = client.describe_refresh_task_by_id(request)
    assert response.status_code == 200
    return [task.task_id for task in response.body.tasks]


def assert_sts(credentials, provider_name: str) -> None:
    assert credentials.get_access_key_id().startswith("STS."), credentials.get_access_key_id()
    assert credentials.get_security_token().startswith("CAIS")
    assert credentials.get_provider_name() == provider_name


def test_assume_role_at_the_mock_sts(sts_mock):
    provider = RamRoleArnCredentialsProvider(
        credentials_provider=StaticAKCredentialsProvider(access_key_id=OWNER[0], access_key_secret=OWNER[1]),
        role_arn=ROLE, role_session_name="interop", duration_seconds=900, sts_endpoint=sts_mock.url,
    )
    credentials = provider.get_credentials()
    assert_sts(credentials, "ram_role_arn/static_ak")
    assert describe_with(sts_mock, credentials) == [SEEDED.complete]


def test_assume_role_with_oidc_at_the_mock_sts(sts_mock, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(jwt(ISSUER, AUDIENCE, int(time.time()) + 600))
    provider = OIDCRoleArnCredentialsProvider(
        role_arn=ROLE, oidc_provider_arn=OIDC_PROVIDER, oidc_token_file_path=str(token_file),
        role_session_name="interop", sts_endpoint=sts_mock.url,
    )
    credentials = provider.get_credentials()
    assert_sts(credentials, "oidc_role_arn")
    assert describe_with(sts_mock, credentials) == [SEEDED.complete]


def test_oidc_refusals_reach_the_library(sts_mock, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(jwt(ISSUER, "someone-else", int(time.time()) + 600))
    provider = OIDCRoleArnCredentialsProvider(
        role_arn=ROLE, oidc_provider_arn=OIDC_PROVIDER, oidc_token_file_path=str(token_file),
        role_session_name="interop", sts_endpoint=sts_mock.url,
    )
    with pytest.raises(Exception, match="AuthenticationFail.OIDCToken.AudienceNotMatch"):
        provider.get_credentials()


def test_credentials_uri(sts_mock):
    credentials = URLCredentialsProvider(uri=f"{sts_mock.url}/credentials").get_credentials()
    assert_sts(credentials, "credential_uri")
    assert describe_with(sts_mock, credentials) == [SEEDED.complete]


def test_metadata_service_through_a_proxy(sts_mock):
    provider = EcsRamRoleCredentialsProvider(http_options=HttpOptions(proxy=sts_mock.url),
                                             async_update_enabled=False)
    credentials = provider.get_credentials()
    assert_sts(credentials, "ecs_ram_role")
    assert describe_with(sts_mock, credentials) == [SEEDED.complete]


def test_the_cdn_api_refuses_a_token_that_is_not_the_key_s(sts_mock):
    one = URLCredentialsProvider(uri=f"{sts_mock.url}/credentials").get_credentials()
    other = URLCredentialsProvider(uri=f"{sts_mock.url}/credentials").get_credentials()

    class Swapped:
        def get_access_key_id(self):
            return one.get_access_key_id()

        def get_access_key_secret(self):
            return one.get_access_key_secret()

        def get_security_token(self):
            return other.get_security_token()

    with pytest.raises(TeaException) as raised:
        describe_with(sts_mock, Swapped())
    assert raised.value.code == "InvalidSecurityToken.MismatchWithAccessKey"
    assert raised.value.statusCode == 400
