"""One thin adapter per way of calling the service with an official SDK, all with the same surface.

Each adapter uses its SDK exactly as a user would, changing only the endpoint (and plain http, since the
mock serves no TLS): it builds the SDK's own request objects, calls the SDK's own client, and reads the
SDK's own result types. The adapters translate those results into plain dicts in the API's field names
so that one set of scenarios can check every SDK; the translation reads the typed attributes
(`task.task_id`, ...) and never the raw body, so a field the SDK cannot model shows up as `None`.

Flavors:
- `v3-acs3`: alibabacloud-cdn20180510 (tea-openapi), default ACS3-HMAC-SHA256 signature, JSON.
- `v3-rpc`: the same SDK with `Config(signature_algorithm='v2')`, which routes through
  `do_rpcrequest` (RPC HMAC-SHA1 signature, `Format=json` in lower case).
- `core-json`: aliyun-python-sdk-cdn + aliyun-python-sdk-core, RPC HMAC-SHA1, JSON through
  `do_action_with_exception` (which forces `Format=JSON` and raises `ServerException`).
- `core-xml`: the same SDK with `set_accept_format('XML')` through `get_response`, which returns status,
  headers and body unparsed (the SDK has no XML decoder of its own, and its error path only parses JSON,
  client.py `_get_server_exception`), so this adapter parses the XML with the standard library.
"""

from __future__ import annotations

import abc
import json
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable

from alibabacloud_cdn20180510 import models as cdn_models
from alibabacloud_cdn20180510.client import Client as CdnClient
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from alibabacloud_tea_openapi.utils_models import Config, OpenApiRequest, Params
from aliyunsdkcdn.request.v20180510.DescribeRefreshQuotaRequest import DescribeRefreshQuotaRequest
from aliyunsdkcdn.request.v20180510.DescribeRefreshTaskByIdRequest import (
    DescribeRefreshTaskByIdRequest,
)
from aliyunsdkcdn.request.v20180510.DescribeRefreshTasksRequest import DescribeRefreshTasksRequest
from aliyunsdkcdn.request.v20180510.PushObjectCacheRequest import PushObjectCacheRequest
from aliyunsdkcdn.request.v20180510.RefreshObjectCachesRequest import RefreshObjectCachesRequest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest
from darabonba.runtime import RuntimeOptions

TASK_FIELDS = ("TaskId", "ObjectPath", "ObjectType", "Status", "Process", "CreationTime", "Description")
QUOTA_FIELDS = ("UrlQuota", "UrlRemain", "DirQuota", "DirRemain", "PreloadQuota", "PreloadRemain",
                "RegexQuota", "RegexRemain")
XML_CONTENT_TYPE = "text/xml;charset=utf-8"  # exact value tea-openapi compares against (do_request)
VERSION = "2018-05-10"
TIMEOUT_S = 10


@dataclass
class Described:
    """A DescribeRefreshTaskById result: what the SDK decoded."""

    request_id: str | None
    total_count: int | None
    tasks: list[dict]


@dataclass
class Listed:
    """A DescribeRefreshTasks page: what the SDK decoded."""

    request_id: str | None
    total_count: int | None
    page_number: int | None
    page_size: int | None
    tasks: list[dict]


# DescribeRefreshTasks filters, by their API names (the adapters map them to each SDK's setters).
LIST_FILTERS = ("TaskId", "ObjectPath", "DomainName", "ObjectType", "Status", "StartTime", "EndTime",
                "PageNumber", "PageSize")


@dataclass
class SdkError:
    """An error as the SDK surfaced it: code, HTTP status, message, request ID."""

    code: str | None
    status: int | None
    message: str
    request_id: str | None


class Flavor(abc.ABC):
    """Common surface of the adapters; each is built with an endpoint and an (AccessKeyId, secret)."""

    name = ""

    @abc.abstractmethod
    def refresh(self, paths: list[str], object_type: str = "File") -> list[str]:
        """RefreshObjectCaches; returns the task IDs."""

    @abc.abstractmethod
    def push(self, paths: list[str]) -> list[str]:
        """PushObjectCache; returns the task IDs."""

    @abc.abstractmethod
    def describe(self, task_ids: list[str] | None) -> Described:
        """DescribeRefreshTaskById; `None` leaves TaskId out of the request."""

    @abc.abstractmethod
    def quota(self) -> dict:
        """DescribeRefreshQuota, as {field: value}."""

    @abc.abstractmethod
    def list_tasks(self, **filters) -> Listed:
        """DescribeRefreshTasks with `filters` in the API's names (see LIST_FILTERS)."""

    @abc.abstractmethod
    def call_action(self, action: str, version: str = VERSION) -> None:
        """Calls an arbitrary action with the SDK's generic entry point (no parameters)."""

    @abc.abstractmethod
    def outcome(self, call: Callable[[], object]) -> SdkError | None:
        """Runs `call`; the service error as the SDK surfaced it, or None when the call succeeded."""

    def error_of(self, call: Callable[[], object]) -> SdkError:
        """Runs `call`, which must fail with a service error, and returns that error."""
        error = self.outcome(call)
        assert error is not None, f"{self.name}: expected a service error, the call succeeded"
        return error


def _split_ids(joined: str | None) -> list[str]:
    assert isinstance(joined, str) and joined, f"task ID field should be a non-empty string: {joined!r}"
    return joined.split(",")


# ---------------------------------------------------------------------------------------------------
# alibabacloud-cdn20180510 (tea-openapi / darabonba)


class V3Flavor(Flavor):
    def __init__(self, hostport: str, key: tuple[str, str], signature_algorithm: str | None = None):
        self.name = "v3-rpc" if signature_algorithm == "v2" else "v3-acs3"
        config = Config(
            access_key_id=key[0],
            access_key_secret=key[1],
            endpoint=hostport,
            protocol="http",
            read_timeout=TIMEOUT_S * 1000,
            connect_timeout=TIMEOUT_S * 1000,
            signature_algorithm=signature_algorithm,
        )
        self.client = CdnClient(config)

    @staticmethod
    def _ok(response, body_type):
        assert response.status_code == 200, response.status_code
        assert isinstance(response.body, body_type), type(response.body)
        assert response.body.request_id, "RequestId missing from a successful response"
        return response.body

    def refresh(self, paths, object_type="File"):
        request = cdn_models.RefreshObjectCachesRequest(
            object_path="\n".join(paths), object_type=object_type
        )
        body = self._ok(self.client.refresh_object_caches(request),
                        cdn_models.RefreshObjectCachesResponseBody)
        return _split_ids(body.refresh_task_id)

    def push(self, paths):
        request = cdn_models.PushObjectCacheRequest(object_path="\n".join(paths), area="domestic")
        body = self._ok(self.client.push_object_cache(request), cdn_models.PushObjectCacheResponseBody)
        return _split_ids(body.push_task_id)

    def describe(self, task_ids):
        request = cdn_models.DescribeRefreshTaskByIdRequest(
            task_id=None if task_ids is None else ",".join(task_ids)
        )
        body = self._ok(self.client.describe_refresh_task_by_id(request),
                        cdn_models.DescribeRefreshTaskByIdResponseBody)
        tasks = []
        for task in body.tasks:
            assert isinstance(task, cdn_models.DescribeRefreshTaskByIdResponseBodyTasks)
            tasks.append(_v3_task(task))
        return Described(body.request_id, body.total_count, tasks)

    def quota(self):
        body = self._ok(self.client.describe_refresh_quota(cdn_models.DescribeRefreshQuotaRequest()),
                        cdn_models.DescribeRefreshQuotaResponseBody)
        return {
            "UrlQuota": body.url_quota, "UrlRemain": body.url_remain,
            "DirQuota": body.dir_quota, "DirRemain": body.dir_remain,
            "PreloadQuota": body.preload_quota, "PreloadRemain": body.preload_remain,
            "RegexQuota": body.regex_quota, "RegexRemain": body.regex_remain,
        }

    def list_tasks(self, **filters):
        snake = {"TaskId": "task_id", "ObjectPath": "object_path", "DomainName": "domain_name",
                 "ObjectType": "object_type", "Status": "status", "StartTime": "start_time",
                 "EndTime": "end_time", "PageNumber": "page_number", "PageSize": "page_size"}
        request = cdn_models.DescribeRefreshTasksRequest(**{snake[k]: v for k, v in filters.items()})
        body = self._ok(self.client.describe_refresh_tasks(request),
                        cdn_models.DescribeRefreshTasksResponseBody)
        tasks = []
        for task in (body.tasks.cdntask if body.tasks and body.tasks.cdntask else []):
            assert isinstance(task, cdn_models.DescribeRefreshTasksResponseBodyTasksCDNTask)
            tasks.append(_v3_task(task))
        return Listed(body.request_id, body.total_count, body.page_number, body.page_size, tasks)

    def call_action(self, action, version=VERSION):
        # The SDK's generic entry point (OpenApiClient.call_api), with the same Params the generated
        # methods pass.
        params = Params(action=action, version=version, protocol="HTTPS", pathname="/", method="POST",
                        auth_type="AK", style="RPC", req_body_type="formData", body_type="json")
        self.client.call_api(params, OpenApiRequest(query={}), RuntimeOptions())

    def outcome(self, call):
        try:
            call()
        except AlibabaCloudException as error:
            return SdkError(error.code, error.status_code, str(error.message), error.request_id)
        return None


# ---------------------------------------------------------------------------------------------------
# aliyun-python-sdk-cdn + aliyun-python-sdk-core


class CoreFlavor(Flavor):
    def __init__(self, hostport: str, key: tuple[str, str], accept_format: str = "JSON"):
        self.name = "core-json" if accept_format.upper() == "JSON" else "core-xml"
        self.hostport = hostport
        self.accept_format = accept_format
        self.client = AcsClient(key[0], key[1], "cn-hangzhou", timeout=TIMEOUT_S,
                                connect_timeout=TIMEOUT_S)

    def prepare(self, request):
        """Points a request at the mock over http, in this adapter's format."""
        request.set_endpoint(self.hostport)
        request.set_protocol_type("http")
        request.set_accept_format(self.accept_format)
        return request

    def _xml(self) -> bool:
        return self.accept_format.upper() == "XML"

    def _send(self, request, action: str) -> dict | ET.Element:
        """JSON: the SDK's `do_action_with_exception`. XML: `get_response`, checked and parsed here."""
        self.prepare(request)
        if not self._xml():
            return json.loads(self.client.do_action_with_exception(request))
        status, headers, body = self.raw(request)
        if status != 200:
            raise XmlServiceError(status, headers, body)
        root = ET.fromstring(body)
        assert root.tag == f"{action}Response", f"XML root {root.tag!r}, want {action}Response"
        return root

    def raw(self, request):
        """The SDK's `get_response`: (status, headers, body) without any parsing."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # get_response is deprecated, not gone
            return self.client.get_response(request)

    def _field(self, doc, name):
        if isinstance(doc, dict):
            return doc.get(name)
        found = doc.find(name)
        return None if found is None else (found.text or "")

    def refresh(self, paths, object_type="File"):
        request = RefreshObjectCachesRequest()
        request.set_ObjectPath("\n".join(paths))
        request.set_ObjectType(object_type)
        doc = self._send(request, "RefreshObjectCaches")
        assert self._field(doc, "RequestId")
        return _split_ids(self._field(doc, "RefreshTaskId"))

    def push(self, paths):
        request = PushObjectCacheRequest()
        request.set_ObjectPath("\n".join(paths))
        request.set_Area("domestic")
        doc = self._send(request, "PushObjectCache")
        assert self._field(doc, "RequestId")
        return _split_ids(self._field(doc, "PushTaskId"))

    def describe(self, task_ids):
        request = DescribeRefreshTaskByIdRequest()
        if task_ids is not None:
            request.set_TaskId(",".join(task_ids))
        doc = self._send(request, "DescribeRefreshTaskById")
        if isinstance(doc, dict):
            tasks = doc.get("Tasks")
            assert isinstance(tasks, list), f"JSON Tasks must be a bare array, got {tasks!r}"
            total = doc.get("TotalCount")
            return Described(doc.get("RequestId"), total, [_json_task(t) for t in tasks])
        total_text = self._field(doc, "TotalCount")
        tasks = [{name: self._field(el, name) for name in TASK_FIELDS} for el in doc.findall("Tasks")]
        return Described(self._field(doc, "RequestId"),
                         None if total_text is None else int(total_text), tasks)

    def quota(self):
        doc = self._send(DescribeRefreshQuotaRequest(), "DescribeRefreshQuota")
        assert self._field(doc, "RequestId")
        return {name: self._field(doc, name) for name in QUOTA_FIELDS}

    def list_tasks(self, **filters):
        request = DescribeRefreshTasksRequest()
        for name, value in filters.items():
            assert name in LIST_FILTERS, name
            getattr(request, f"set_{name}")(value)
        doc = self._send(request, "DescribeRefreshTasks")
        number = lambda text: None if text is None else int(text)  # noqa: E731
        if isinstance(doc, dict):
            wrapper = doc.get("Tasks")
            assert isinstance(wrapper, dict), f"JSON Tasks must wrap CDNTask, got {wrapper!r}"
            tasks = wrapper.get("CDNTask")
            assert isinstance(tasks, list), f"JSON Tasks.CDNTask must be an array, got {tasks!r}"
            return Listed(doc.get("RequestId"), doc.get("TotalCount"), doc.get("PageNumber"),
                          doc.get("PageSize"), [_json_task(t) for t in tasks])
        wrapper = doc.find("Tasks")
        elements = [] if wrapper is None else wrapper.findall("CDNTask")
        tasks = [{name: self._field(el, name) for name in TASK_FIELDS} for el in elements]
        return Listed(self._field(doc, "RequestId"), number(self._field(doc, "TotalCount")),
                      number(self._field(doc, "PageNumber")), number(self._field(doc, "PageSize")), tasks)

    def call_action(self, action, version=VERSION):
        # The SDK's generic entry point; CommonRequest sends GET, as the product docs show.
        request = CommonRequest(domain=self.hostport, version=version, action_name=action)
        request.set_protocol_type("http")
        request.set_accept_format(self.accept_format)
        if not self._xml():
            self.client.do_action_with_exception(request)
            return
        status, headers, body = self.raw(request)
        if status != 200:
            raise XmlServiceError(status, headers, body)

    def outcome(self, call):
        try:
            call()
        except ServerException as error:
            return SdkError(error.get_error_code(), error.get_http_status(), error.get_error_msg(),
                            error.get_request_id())
        except XmlServiceError as error:
            return error.as_sdk_error()
        except IndexError as crash:
            # aliyunsdkcore/client.py `_get_server_exception`: on HTTP 400 + SignatureDoesNotMatch it runs
            # `server_error_message.split(':')[1]` to compare the server's string to sign with its own, so
            # the message must end in "server string to sign is:<StringToSign>" as the real service's does.
            raise AssertionError(
                "aliyunsdkcore crashed reading the error (IndexError in _get_server_exception): a "
                "SignatureDoesNotMatch message must carry 'server string to sign is:<StringToSign>'"
            ) from crash
        return None


def _v3_task(task) -> dict:
    """A task of the V3 SDK's typed models (either operation's), in the API's field names."""
    return {
        "TaskId": task.task_id,
        "ObjectPath": task.object_path,
        "ObjectType": task.object_type,
        "Status": task.status,
        "Process": task.process,
        "CreationTime": task.creation_time,
        "Description": task.description,
    }


def _json_task(task) -> dict:
    assert isinstance(task, dict), f"each JSON task must be an object, got {task!r}"
    return {name: task.get(name) for name in TASK_FIELDS}


class XmlServiceError(Exception):
    """A non-200 answer to an XML request, checked for the shape the SDKs rely on."""

    def __init__(self, status, headers, body: bytes):
        super().__init__(f"HTTP {status}: {body[:300]!r}")
        self.status = status
        self.headers = headers
        self.body = body

    def as_sdk_error(self) -> SdkError:
        content_type = self.headers.get("Content-Type")
        assert content_type == XML_CONTENT_TYPE, (
            f"XML error Content-Type {content_type!r}, want exactly {XML_CONTENT_TYPE!r}"
        )
        root = ET.fromstring(self.body)
        assert root.tag == "Error", f"XML error root {root.tag!r}, want Error"

        def text(name):
            found = root.find(name)
            return None if found is None else found.text

        assert text("HostId"), "XML error without HostId"
        return SdkError(text("Code"), self.status, text("Message") or "", text("RequestId"))


def make_flavor(name: str, hostport: str, key: tuple[str, str]) -> Flavor:
    if name == "v3-acs3":
        return V3Flavor(hostport, key)
    if name == "v3-rpc":
        return V3Flavor(hostport, key, signature_algorithm="v2")
    if name == "core-json":
        return CoreFlavor(hostport, key, "JSON")
    if name == "core-xml":
        return CoreFlavor(hostport, key, "XML")
    raise ValueError(name)


FLAVORS = ("v3-acs3", "v3-rpc", "core-json", "core-xml")
