"""Interop: the official Python SDKs, unchanged except for the endpoint, against `cdn-task-mock`.

Every scenario runs once per flavor (see sdk_clients.py): the V3 SDK signing with ACS3 and with the RPC
scheme, and the classic SDK asking for JSON and for XML. What is asserted is what each SDK hands its user:
typed fields, error codes, HTTP statuses.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from alibabacloud_cdn20180510 import models as cdn_models
from aliyunsdkcdn.request.v20180510.DescribeRefreshTaskByIdRequest import (
    DescribeRefreshTaskByIdRequest,
)
from aliyunsdkcore.request import CommonRequest

from conftest import FLAVOR_OWNERS, OWNER, SEEDED, STRANGER
from sdk_clients import FLAVORS, QUOTA_FIELDS, CoreFlavor, Flavor, SdkError, V3Flavor, make_flavor

# --- what the API documents (shared/API.md) --------------------------------------------------------

STATUS_RANK = {"Pending": 0, "Refreshing": 1, "Complete": 2, "Failed": 2}
TASK_ID = re.compile(r"^[0-9]+$")
PROCESS = re.compile(r"^(100|[0-9]{1,2})(\.[0-9]{1,2})?%$")
CREATION_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?Z$")
FAILURE_DESCRIPTIONS = {"Internal Error", "Origin Timeout", "Origin Return StatusCode 5XX"}

MALFORMED = ("InvalidTaskId.Malformed", 400, "The specified TaskId is invalid.")
TOO_MANY = ("InvalidTaskId", 400, "The maximum number of taskIds is 10.")
MISSING = ("MissingParameter", 400,
           'The input parameter "TaskId" that is mandatory for processing this request is not supplied.')
UNKNOWN_KEY = ("InvalidAccessKeyId.NotFound", 404, "Specified access key is not found.")
BAD_SIGNATURE = ("SignatureDoesNotMatch", 400, "Specified signature is not matched with our calculation.")
UNKNOWN_ACTION = ("InvalidAction.NotFound", 404,
                  "Specified api is not found, please check your url and method.")

WAIT_DEADLINE_S = 15.0
POLL_INTERVAL_S = 0.1


# --- helpers ----------------------------------------------------------------------------------------

def unique_url(suffix: str = "file.jpg") -> str:
    return f"http://interop.example.com/{uuid.uuid4().hex}/{suffix}"


def parse_creation_time(text: str) -> datetime:
    fmt = "%Y-%m-%dT%H:%M:%SZ" if text.count(":") == 2 else "%Y-%m-%dT%H:%MZ"
    return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)


def process_value(text: str) -> Decimal:
    return Decimal(text.rstrip("%"))


def check_task(task: dict, *, task_id: str, object_type: str, object_path: str | None = None,
               created_after: datetime | None = None) -> None:
    """Every field present, typed as the API documents, and consistent with the others."""
    for name, value in task.items():
        assert isinstance(value, str), f"{name} must be a string, got {value!r} in {task}"
    assert task["TaskId"] == task_id
    assert TASK_ID.match(task["TaskId"])
    assert task["ObjectType"] == object_type, task
    if object_path is not None:
        assert task["ObjectPath"] == object_path, task
    assert task["Status"] in STATUS_RANK, task
    assert PROCESS.match(task["Process"]), task
    assert CREATION_TIME.match(task["CreationTime"]), task
    if task["Status"] == "Complete":
        assert task["Process"] == "100%", task
    if task["Status"] == "Failed":
        assert task["Description"] in FAILURE_DESCRIPTIONS, task
    else:
        assert task["Description"] == "", task
    if created_after is not None:
        created = parse_creation_time(task["CreationTime"])
        # The minute-only form drops up to 59 s; the upper bound allows for a slow machine.
        assert created_after - timedelta(seconds=60) <= created, task
        assert created <= datetime.now(timezone.utc) + timedelta(seconds=5), task


def check_error(error: SdkError, expected: tuple[str, int, str]) -> None:
    code, status, message = expected
    assert error.code == code, error
    assert error.status == status, error
    assert message in error.message, error
    assert error.request_id and error.request_id != "None", error


def wait_until_finished(client: Flavor, ids: list[str]) -> tuple[list[dict], dict[str, list]]:
    """Polls until every task is Complete or Failed; returns the last tasks and, per task, the
    (Status, Process) seen at each poll, checking that neither ever goes backwards."""
    seen: dict[str, list[tuple[str, Decimal]]] = {task_id: [] for task_id in ids}
    deadline = time.monotonic() + WAIT_DEADLINE_S
    while True:
        described = client.describe(ids)
        assert [t["TaskId"] for t in described.tasks] == ids, described
        for task in described.tasks:
            history = seen[task["TaskId"]]
            history.append((task["Status"], process_value(task["Process"])))
            ranks = [STATUS_RANK[status] for status, _ in history]
            assert ranks == sorted(ranks), f"Status went backwards: {history}"
            if task["Status"] != "Failed":
                progress = [value for _, value in history]
                assert progress == sorted(progress), f"Process went backwards: {history}"
        if all(task["Status"] in ("Complete", "Failed") for task in described.tasks):
            return described.tasks, seen
        assert time.monotonic() < deadline, f"not finished after {WAIT_DEADLINE_S}s: {seen}"
        time.sleep(POLL_INTERVAL_S)


# --- fixtures ----------------------------------------------------------------------------------------

@pytest.fixture(params=FLAVORS)
def flavor(request) -> str:
    return request.param


@pytest.fixture
def client(flavor, mock) -> Flavor:
    return make_flavor(flavor, mock.endpoint, FLAVOR_OWNERS[flavor])


# --- creating and describing --------------------------------------------------------------------------

def test_refresh_files_then_describe(client):
    # `~ * ? & = %` take part in both signatures' percent-encoding; the third path is UTF-8 text.
    paths = [unique_url("a~b*c.jpg?v=1&w=%E4%B8%AD"), unique_url("plain.css"), unique_url("图片/中文.jpg")]
    start = datetime.now(timezone.utc)
    ids = client.refresh(paths, "File")
    assert len(ids) == 3 and len(set(ids)) == 3, ids

    described = client.describe(ids)
    assert described.request_id
    assert described.total_count == 3
    assert [t["TaskId"] for t in described.tasks] == ids
    for task_id, path, task in zip(ids, paths, described.tasks):
        check_task(task, task_id=task_id, object_type="file", object_path=path, created_after=start)


@pytest.mark.parametrize(
    ("object_type", "path", "reported"),
    [("Directory", "static/", "directory"), ("Regex", r"img/.*\.png$", "regex")],
    ids=["Directory", "Regex"],
)
def test_refresh_other_object_types(client, object_type, path, reported):
    path = unique_url(path)
    [task_id] = client.refresh([path], object_type)
    described = client.describe([task_id])
    assert described.total_count == 1
    check_task(described.tasks[0], task_id=task_id, object_type=reported, object_path=path)


def test_push_then_wait_until_complete(client):
    path = unique_url("prefetch.mp4")
    [task_id] = client.push([path])
    [final], seen = wait_until_finished(client, [task_id])
    check_task(final, task_id=task_id, object_type="preload", object_path=path)
    assert (final["Status"], final["Process"]) == ("Complete", "100%"), seen


def test_refresh_then_wait_until_complete(client):
    ids = client.refresh([unique_url("one.js"), unique_url("two.js")], "File")
    final, seen = wait_until_finished(client, ids)
    for task in final:
        assert (task["Status"], task["Process"], task["Description"]) == ("Complete", "100%", ""), seen


def test_tasks_fail_with_a_documented_description(flavor, fresh_mock):
    instance = fresh_mock("--fail-rate", "1")
    client = make_flavor(flavor, instance.endpoint, OWNER)
    ids = client.push([unique_url("a.jpg")]) + client.refresh([unique_url("b.jpg")], "File")
    final, seen = wait_until_finished(client, ids)
    for task in final:
        assert task["Status"] == "Failed", seen
        check_task(task, task_id=task["TaskId"], object_type=task["ObjectType"])


def test_describe_keeps_the_order_asked_and_skips_unknown_ids(client):
    first, second = client.refresh([unique_url("1.png"), unique_url("2.png")], "File")
    unknown = "987654321098"
    described = client.describe([second, unknown, first])
    assert described.total_count == 2
    assert [t["TaskId"] for t in described.tasks] == [second, first]


def test_ten_unknown_ids_are_accepted_and_absent(client):
    described = client.describe([str(1_000_001 + i) for i in range(10)])
    assert described.total_count == 0
    assert described.tasks == []


def test_seeded_tasks_within_three_days_only(client):
    asked = [SEEDED.complete, SEEDED.failed, SEEDED.near_edge, SEEDED.expired]
    described = client.describe(asked)
    assert described.total_count == 3
    by_id = {t["TaskId"]: t for t in described.tasks}
    assert list(by_id) == [SEEDED.complete, SEEDED.failed, SEEDED.near_edge]
    check_task(by_id[SEEDED.complete], task_id=SEEDED.complete, object_type="file",
               object_path="http://seed.example.com/done.jpg")
    failed = by_id[SEEDED.failed]
    check_task(failed, task_id=SEEDED.failed, object_type="directory")
    assert (failed["Status"], failed["Description"]) == ("Failed", "Origin Timeout")
    check_task(by_id[SEEDED.near_edge], task_id=SEEDED.near_edge, object_type="preload")


def test_tasks_are_visible_only_to_their_access_key(flavor, mock, client):
    ids = client.refresh([unique_url("mine.html")], "File")
    stranger = make_flavor(flavor, mock.endpoint, STRANGER)
    assert stranger.describe(ids).total_count == 0
    # Seeded tasks are visible to every key.
    assert [t["TaskId"] for t in stranger.describe([SEEDED.complete]).tasks] == [SEEDED.complete]


def test_refresh_quota(client):
    quota = client.quota()
    for name in QUOTA_FIELDS:
        value = quota[name]
        assert isinstance(value, str) and value.isdigit(), f"{name}={value!r} in {quota}"
    for kind in ("Url", "Dir", "Preload", "Regex"):
        assert int(quota[f"{kind}Remain"]) <= int(quota[f"{kind}Quota"]), quota
    assert int(quota["UrlQuota"]) > 0 and int(quota["DirQuota"]) > 0, quota


def test_refresh_quota_counts_what_was_submitted(client):
    before = client.quota()
    client.refresh([unique_url("q1.jpg"), unique_url("q2.jpg")], "File")
    client.refresh([unique_url("qdir/")], "Directory")
    client.push([unique_url("q3.jpg")])
    after = client.quota()
    spent = {kind: int(before[f"{kind}Remain"]) - int(after[f"{kind}Remain"])
             for kind in ("Url", "Dir", "Preload", "Regex")}
    assert spent == {"Url": 2, "Dir": 1, "Preload": 1, "Regex": 0}, (before, after)


# --- listing ----------------------------------------------------------------------------------------

def test_list_tasks_pages_and_filters(client):
    # Four files and a directory of one run (a fresh path prefix), then pages of two by path.
    files = [unique_url(f"list/{n}.js") for n in range(4)]
    directory = unique_url("list-dir/")
    start = datetime.now(timezone.utc)
    file_ids = client.refresh(files, "File")
    [dir_id] = client.refresh([directory], "Directory")

    by_path = client.list_tasks(ObjectPath=files[2])
    assert by_path.request_id and by_path.total_count == 1, by_path
    check_task(by_path.tasks[0], task_id=file_ids[2], object_type="file", object_path=files[2],
               created_after=start)

    by_id = client.list_tasks(TaskId=dir_id)
    assert [t["TaskId"] for t in by_id.tasks] == [dir_id], by_id
    assert by_id.tasks[0]["ObjectType"] == "directory"

    # Newest first, in pages; the total counts every match.
    window = {"StartTime": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
              "EndTime": (datetime.now(timezone.utc) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    seen = []
    for page_number in (1, 2, 3):
        page = client.list_tasks(ObjectType="file", PageSize=2, PageNumber=page_number, **window)
        assert (page.page_number, page.page_size) == (page_number, 2), page
        seen += [t["TaskId"] for t in page.tasks if t["TaskId"] in file_ids]
    assert sorted(seen) == sorted(file_ids), (seen, file_ids)


def test_list_tasks_refuses_what_the_service_refuses(client):
    error = client.error_of(lambda: client.list_tasks(DomainName="interop.example.com"))
    assert (error.code, error.status) == ("MissingParameter.ObjectType", 400), error
    error = client.error_of(lambda: client.list_tasks(StartTime="2026-01-01T00:00:00Z"))
    assert (error.code, error.status) == ("MissingParameter", 400), error


# --- errors the SDKs surface -------------------------------------------------------------------------

# "中文" is signed as UTF-8 by both schemes; "12 34" travels as `+` in the V3 SDK's query and `%20` in
# the classic one's: either must verify and then fail validation, not the signature.
@pytest.mark.parametrize("task_ids", [["abc"], ["12345678", "12a"], ["-1"], ["中文"], ["12 34"]], ids=str)
def test_malformed_task_id(client, task_ids):
    check_error(client.error_of(lambda: client.describe(task_ids)), MALFORMED)


def test_more_than_ten_task_ids(client):
    ids = [str(1_000_001 + i) for i in range(11)]
    check_error(client.error_of(lambda: client.describe(ids)), TOO_MANY)


def test_missing_task_id(client):
    # Both SDKs let a caller leave TaskId unset (the V3 model's validate() requires nothing) and then
    # send the request without it.
    check_error(client.error_of(lambda: client.describe(None)), MISSING)


@pytest.mark.parametrize(
    ("path", "object_type", "code"),
    [("not-a-url", "File", "InvalidObjectPath.Malformed"),
     ("http://example.com/a.jpg", "Sideways", "InvalidObjectType.Malformed")],
    ids=["path", "type"],
)
def test_refresh_rejects_malformed_input(client, path, object_type, code):
    error = client.error_of(lambda: client.refresh([path], object_type))
    assert (error.code, error.status) == (code, 400), error
    assert error.request_id and error.request_id != "None", error


def test_wrong_secret(flavor, mock):
    client = make_flavor(flavor, mock.endpoint, (OWNER[0], "not-the-secret"))
    error = client.error_of(lambda: client.describe(["12345678"]))
    if flavor == "core-json":
        # aliyunsdkcore (client.py `_get_server_exception`) turns a 400 SignatureDoesNotMatch whose message
        # carries the server's string to sign equal to its own into InvalidAccessKeySecret: the secret, not
        # the canonicalization, is wrong. That is the outcome with a faithful service.
        assert (error.code, error.status) == ("InvalidAccessKeySecret", 400), error
        assert error.message.startswith("The AccessKeySecret is incorrect"), error
    else:
        check_error(error, BAD_SIGNATURE)


def test_unknown_access_key(flavor, mock):
    client = make_flavor(flavor, mock.endpoint, ("no-such-key", OWNER[1]))
    check_error(client.error_of(lambda: client.describe(["12345678"])), UNKNOWN_KEY)


def test_unknown_action(client):
    check_error(client.error_of(lambda: client.call_action("DescribeNoSuchThing")), UNKNOWN_ACTION)


def test_wrong_version(client):
    error = client.error_of(lambda: client.call_action("DescribeRefreshTaskById", "2014-11-11"))
    # The exact code is open (API.md); it must be a 400 that names the version.
    assert error.status == 400, error
    assert error.code and "Version" in error.code, error


# --- the classic SDK only --------------------------------------------------------------------------------

@pytest.mark.parametrize("accept_format", ["json", "xml"])
def test_classic_sdk_lower_case_format(mock, accept_format):
    # The V3 SDK's RPC path sends `Format=json`; the service treats the value without regard to case.
    client = CoreFlavor(mock.endpoint, OWNER, accept_format)
    request = DescribeRefreshTaskByIdRequest()
    request.set_TaskId(SEEDED.complete)
    status, headers, body = client.raw(client.prepare(request))
    assert status == 200, body
    want = "application/json" if accept_format == "json" else "text/xml"
    assert headers.get("Content-Type", "").startswith(want), headers
    assert SEEDED.complete.encode() in body


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_classic_sdk_common_request(mock, method):
    # CommonRequest, the classic SDK's generic call: GET with every parameter in the query, as the
    # product docs show, or POST with the API parameters in a form body (signed along with the query).
    client = CoreFlavor(mock.endpoint, OWNER, "JSON")

    def call(action, **params):
        request = CommonRequest(domain=mock.endpoint, version="2018-05-10", action_name=action)
        request.set_protocol_type("http")
        request.set_method(method)
        for name, value in params.items():
            if method == "GET":
                request.add_query_param(name, value)
            else:
                request.add_body_params(name, value)
        return json.loads(client.client.do_action_with_exception(request))

    path = unique_url("common.jpg")
    task_id = call("RefreshObjectCaches", ObjectPath=path, ObjectType="File")["RefreshTaskId"]
    body = call("DescribeRefreshTaskById", TaskId=f"{SEEDED.complete},{task_id}")
    assert [(t["TaskId"], t["ObjectPath"]) for t in body["Tasks"]] == [
        (SEEDED.complete, "http://seed.example.com/done.jpg"), (task_id, path)]


# --- the V3 SDK only -------------------------------------------------------------------------------------

def test_v3_sdk_optional_flags(mock):
    # The V3 SDK sends booleans as Python renders them (`True`), RefreshObjectCaches' parameters in a
    # form body covered by x-acs-content-sha256, and PushObjectCache's in the query.
    client = V3Flavor(mock.endpoint, OWNER)
    paths = [unique_url("crlf-1.jpg"), unique_url("crlf-2.jpg")]
    refreshed = client.client.refresh_object_caches(cdn_models.RefreshObjectCachesRequest(
        object_path="\r\n".join(paths), object_type="File", force=True))
    pushed = client.client.push_object_cache(cdn_models.PushObjectCacheRequest(
        object_path=unique_url("l2.jpg"), area="overseas", l_2preload=True,
        with_header='{"Accept-Encoding":"gzip"}'))
    ids = refreshed.body.refresh_task_id.split(",") + [pushed.body.push_task_id]
    described = client.describe(ids)
    assert [(t["TaskId"], t["ObjectType"]) for t in described.tasks] == list(
        zip(ids, ["file", "file", "preload"]))
    assert [t["ObjectPath"] for t in described.tasks[:2]] == paths


# The V3 SDK's `*_async` methods send through aiohttp (darabonba/core.py `async_do_action`:
# `s.request(method, url, data=body, headers=...)` with `body = b''`), and aiohttp adds
# `Content-Type: application/octet-stream` to every POST after the SDK has signed its headers, so that
# header is sent but not in SignedHeaders. The mock refuses it (IncompleteSignature, "header
# `content-type` is sent but not signed": cdn-task-core signing/acs3.rs `verify_acs3`). Strict: when the
# verifier accepts these requests this test passes, and the marker must go.
def test_v3_sdk_async_methods(mock):
    client = V3Flavor(mock.endpoint, OWNER).client
    path = unique_url("async.jpg")

    async def scenario():
        refreshed = await client.refresh_object_caches_async(
            cdn_models.RefreshObjectCachesRequest(object_path=path, object_type="File"))
        pushed = await client.push_object_cache_async(
            cdn_models.PushObjectCacheRequest(object_path=unique_url("async-push.jpg")))
        ids = [refreshed.body.refresh_task_id, pushed.body.push_task_id]
        described = await client.describe_refresh_task_by_id_async(
            cdn_models.DescribeRefreshTaskByIdRequest(task_id=",".join(ids)))
        quota = await client.describe_refresh_quota_async(cdn_models.DescribeRefreshQuotaRequest())
        return ids, described.body, quota.body

    ids, described, quota = asyncio.run(scenario())
    assert [(t.task_id, t.object_type) for t in described.tasks] == list(zip(ids, ["file", "preload"]))
    assert described.tasks[0].object_path == path
    assert quota.url_quota.isdigit()


# --- throttling and shutdown, on private instances ------------------------------------------------------

@pytest.mark.parametrize("flavor_name", ["v3-acs3", "core-json"])
def test_throttling(fresh_mock, flavor_name):
    instance = fresh_mock("--rate-limit", "2")
    client = make_flavor(flavor_name, instance.endpoint, OWNER)
    error = None
    for _ in range(30):
        error = client.outcome(lambda: client.describe(["12345678"]))
        if error is not None:
            break
    assert error is not None, "30 back-to-back calls at --rate-limit 2 were never throttled"
    assert (error.code, error.status) == ("Throttling.User", 400), error
    # Another key has its own budget.
    other = make_flavor(flavor_name, instance.endpoint, STRANGER)
    assert other.describe(["12345678"]).total_count == 0


def test_stops_cleanly_on_sigterm(fresh_mock):
    instance = fresh_mock()
    client = make_flavor("v3-acs3", instance.endpoint, OWNER)
    assert client.describe(["12345678"]).total_count == 0
    assert instance.stop(timeout=10) == 0, instance.stderr_tail()  # SIGTERM, then wait
