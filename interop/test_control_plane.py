"""The mock as a test service for Python: the installed `cdn_task_mock` package drives the binary only over
HTTP (its `/_mock/` control plane), and the official V3 SDK sees the effects.

Tasks take 48 hours on the mock's clock, so one stays `Pending` for 17 s of real time (its first
0.01%) and only moves when a test moves the clock.

Every test starts its own mock through `cdn_task_mock.MockServer` (which runs the binary the wheel
installed, or `$CDN_TASK_MOCK_BIN`), so no test depends on another's state.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alibabacloud_cdn20180510 import models as cdn_models
from alibabacloud_cdn20180510.client import Client as CdnClient
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from alibabacloud_tea_openapi.utils_models import Config

from cdn_task_mock import MockError, MockServer

KEY = ("testid", "testsecret")
DURATION = "48h"
OTHER = ("otherid", "othersecret")


def sdk(mock: MockServer, key: tuple[str, str] = KEY) -> CdnClient:
    """The official V3 SDK (ACS3 signatures, the real clock), changed in nothing but the endpoint."""
    return CdnClient(Config(access_key_id=key[0], access_key_secret=key[1], endpoint=mock.endpoint,
                            protocol="http", read_timeout=10_000, connect_timeout=10_000))


def refresh(client: CdnClient, path: str) -> str:
    request = cdn_models.RefreshObjectCachesRequest(object_path=path, object_type="File")
    return client.refresh_object_caches(request).body.refresh_task_id


def describe(client: CdnClient, task_ids: list[str]) -> dict[str, str]:
    """{TaskId: Status} as the SDK decoded them."""
    request = cdn_models.DescribeRefreshTaskByIdRequest(task_id=",".join(task_ids))
    return {task.task_id: task.status for task in client.describe_refresh_task_by_id(request).body.tasks}


def control(mock: MockServer, method: str, path: str, token: str | None = None) -> tuple[int, dict]:
    """A raw control request (no helper), for the status and body of refusals."""
    request = urllib.request.Request(f"{mock.base_url}{path}", method=method)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, {"raw": raw.decode(errors="replace")}


def parse_now(text: str) -> datetime:
    """The control plane's `Now` (RFC 3339, `Z`, up to nine fraction digits)."""
    return datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", text.replace("Z", "+00:00")))


def api_time(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def mock():
    with MockServer(access_keys=[KEY, OTHER], task_duration=DURATION) as server:
        yield server


def test_health_and_added_tasks_reach_the_sdk_with_their_owner(mock):
    health = mock.health()
    assert health["Status"] == "ok" and health["Version"]
    now = datetime.now(timezone.utc)
    stored = mock.add_tasks([
        {"TaskId": "700000001", "ObjectPath": "http://seed.example.com/a.js", "ObjectType": "file",
         "Status": "Refreshing", "Process": "40%", "CreationTime": api_time(now), "Description": ""},
    ], owner=KEY[0])
    mock.add_tasks([
        {"TaskId": "700000002", "ObjectPath": "http://seed.example.com/b/", "ObjectType": "directory",
         "Status": "Failed", "Process": "100%", "CreationTime": api_time(now), "Description": "Origin Timeout"},
    ])
    assert stored[0]["Owner"] == KEY[0]
    assert describe(sdk(mock), ["700000001", "700000002"]) == {"700000001": "Refreshing", "700000002": "Failed"}
    assert describe(sdk(mock, OTHER), ["700000001", "700000002"]) == {"700000002": "Failed"}
    listed = {task["TaskId"]: task["Owner"] for task in mock.tasks()}
    assert listed == {"700000001": KEY[0], "700000002": None}


def test_advancing_the_clock_completes_a_task_then_ages_it_out_while_real_time_signatures_pass(mock):
    client = sdk(mock)
    task_id = refresh(client, "http://example.com/app.js")
    assert describe(client, [task_id]) == {task_id: "Pending"}
    before = mock.now()
    moved = mock.advance("24h")
    assert timedelta(hours=24) <= moved - before < timedelta(hours=24, minutes=5)
    assert describe(client, [task_id]) == {task_id: "Refreshing"}
    mock.advance(timedelta(hours=24))
    assert describe(client, [task_id]) == {task_id: "Complete"}
    # Past the three-day window the service no longer reports it; the SDK still signs with real time.
    mock.advance("25h")
    assert describe(client, [task_id]) == {}
    assert mock.set_time(datetime.now(timezone.utc)).year == datetime.now(timezone.utc).year


def test_an_injected_503_reaches_the_sdk_and_the_calls_are_recorded(mock):
    client = sdk(mock)
    task_id = refresh(client, "http://example.com/purge-me.css")
    rules = mock.set_faults([{"Action": "DescribeRefreshTaskById", "Fault": "ServiceUnavailable"}])
    assert rules == [{"Action": "DescribeRefreshTaskById", "Fault": "ServiceUnavailable", "Rate": 1.0}]
    with pytest.raises(AlibabaCloudException) as raised:
        describe(client, [task_id])
    assert raised.value.status_code == 503
    assert raised.value.code == "ServiceUnavailable"
    # Other actions are not affected; clearing the rules ends it.
    refresh(client, "http://example.com/other.css")
    mock.clear_faults()
    assert describe(client, [task_id]) == {task_id: "Pending"}
    # An Error fault with a catalogue code and a count.
    mock.set_faults([{"Action": "*", "Fault": "Error", "Code": "Throttling", "Count": 1}])
    with pytest.raises(AlibabaCloudException) as raised:
        describe(client, [task_id])
    assert raised.value.code == "Throttling"
    assert mock.faults()[0]["Count"] == 0
    assert describe(client, [task_id]) == {task_id: "Pending"}

    calls = mock.calls()
    assert [call["Action"] for call in calls] == [
        "RefreshObjectCaches", "DescribeRefreshTaskById", "RefreshObjectCaches",
        "DescribeRefreshTaskById", "DescribeRefreshTaskById", "DescribeRefreshTaskById",
    ]
    assert [call["Status"] for call in calls] == [200, 503, 200, 200, 400, 200]
    assert calls[1]["Fault"] == "ServiceUnavailable" and calls[1]["ErrorCode"] == "ServiceUnavailable"
    refreshes = mock.calls(action="RefreshObjectCaches")
    assert len(refreshes) == 2
    first = refreshes[0]
    assert first["AccessKeyId"] == KEY[0]
    assert first["Parameters"]["ObjectPath"] == "http://example.com/purge-me.css"
    assert first["Scheme"] == "ACS3" and len(first["RequestId"]) == 36
    assert "Signature" not in first["Parameters"] and KEY[1] not in json.dumps(calls)
    mock.clear_calls()
    assert mock.calls() == []


def test_reset_goes_back_to_the_start(tmp_path: Path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps([
        {"TaskId": "800000001", "ObjectPath": "http://seed.example.com/", "ObjectType": "file",
         "Status": "Complete", "Process": "100%", "CreationTime": api_time(datetime.now(timezone.utc)),
         "Description": ""},
    ]))
    with MockServer(tasks_file=seed, task_duration=DURATION) as mock:
        client = sdk(mock)
        created = refresh(client, "http://example.com/x")
        mock.advance("1h")
        assert describe(client, [created]) == {created: "Refreshing"}
        mock.set_faults([{"Fault": "InternalError", "Rate": 0}])
        mock.reset()
        assert [task["TaskId"] for task in mock.tasks()] == ["800000001"]
        assert describe(client, [created, "800000001"]) == {"800000001": "Complete"}
        assert mock.faults() == []
        assert [call["Action"] for call in mock.calls()] == ["DescribeRefreshTaskById"]
        assert describe(client, ["800000001"]) == {"800000001": "Complete"}
        assert abs(mock.now() - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_state_is_saved_and_restored_across_a_restart_with_nothing_lost(tmp_path: Path):
    state_file = tmp_path / "state.json"
    with MockServer(access_keys=[KEY, OTHER], task_duration=DURATION, state_file=state_file) as first:
        client = sdk(first)
        done = refresh(client, "http://example.com/done.js")
        first.advance(DURATION)
        running = refresh(client, "http://example.com/running.js")
        theirs = refresh(sdk(first, OTHER), "http://example.com/theirs.js")
        first.set_faults([{"Action": "PushObjectCache", "Fault": "DropConnection", "Count": 2}])
        quota_before = client.describe_refresh_quota(cdn_models.DescribeRefreshQuotaRequest()).body.url_remain
        before = first.state()
        saved = first.save_state()
        assert saved["Status"] == "ok" and Path(saved["File"]) == state_file
        assert json.loads(state_file.read_text())["Tasks"] == before["Tasks"]
    # Stopped (SIGTERM saves again); a new process with the same file resumes.
    with MockServer(access_keys=[KEY, OTHER], task_duration=DURATION, state_file=state_file) as second:
        client = sdk(second)
        assert describe(client, [done, running, theirs]) == {done: "Complete", running: "Pending"}
        assert describe(sdk(second, OTHER), [theirs]) == {theirs: "Pending"}
        assert second.faults() == before["Faults"]
        quota = client.describe_refresh_quota(cdn_models.DescribeRefreshQuotaRequest()).body.url_remain
        assert quota == quota_before
        assert abs(second.now() - parse_now(before["Now"])) < timedelta(minutes=1)
        # New tasks continue the numbering instead of reusing IDs.
        assert int(refresh(client, "http://example.com/next.js")) > int(theirs)
        second.advance(DURATION)
        assert describe(client, [running]) == {running: "Complete"}
        # The whole state can also be put back over HTTP.
        second.restore_state(before)
        assert describe(client, [running]) == {running: "Pending"}


def test_admin_token_on_and_off(tmp_path: Path):
    with MockServer(admin_token="s3cret-admin") as guarded:
        assert guarded.health()["Status"] == "ok"  # the helper sends the token
        assert control(guarded, "GET", "/_mock/health")[0] == 401
        status, body = control(guarded, "POST", "/_mock/reset", token="wrong")
        assert status == 403 and "wrong" in body["Error"]
        intruder = MockServer(admin_token="wrong")
        intruder.base_url = guarded.base_url
        with pytest.raises(MockError) as refused:
            intruder.tasks()
        assert refused.value.status == 403
        # The API itself needs no admin token.
        assert describe(sdk(guarded), ["1"]) == {}
    with MockServer(extra_args=["--no-admin"]) as closed:
        status, body = control(closed, "GET", "/_mock/health")
        assert status == 404 and "InvalidAction.NotFound" in body.get("raw", "")
        with pytest.raises(MockError):
            closed.reset()
        assert describe(sdk(closed), ["1"]) == {}


def test_control_refusals_are_clear_4xx_and_change_nothing(mock):
    client = sdk(mock)
    task_id = refresh(client, "http://example.com/keep.js")
    before = mock.state()
    for call, status, words in [
        (lambda: mock.advance("soon"), 400, "Advance"),
        (lambda: mock.set_time("yesterday"), 400, "RFC 3339"),
        (lambda: mock.set_faults([{"Fault": "Meteor"}]), 400, "unknown Fault"),
        (lambda: mock.set_faults([{"Fault": "InternalError", "Rate": 2}]), 400, "Rate"),
        (lambda: mock.add_tasks([{"TaskId": "1", "Colour": "red"}]), 400, "task 1"),
        (lambda: mock.restore_state({"StateFormat": 1}), 400, "missing field"),
        (lambda: mock._control("GET", "nowhere"), 404, "no control endpoint"),
        (lambda: mock._control("DELETE", "health"), 405, "answers GET"),
        (lambda: mock.save_state(), 409, "--state"),
    ]:
        with pytest.raises(MockError) as refused:
            call()
        assert refused.value.status == status and words in refused.value.message, refused.value
    def timeless(state: dict) -> dict:  # the system clock runs on between the two reads
        return {name: value for name, value in state.items() if name not in ("Now", "SavedAt")}

    assert timeless(mock.state()) == timeless(before)
    assert abs(mock.now() - parse_now(before["Now"])) < timedelta(minutes=1)
    assert describe(client, [task_id]) == {task_id: "Pending"}


def test_python_dash_m_runs_the_installed_binary():
    result = subprocess.run([sys.executable, "-m", "cdn_task_mock", "--version"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("cdn-task-mock "), result.stdout
