"""Fixtures for the interop suite: the `cdn-task-mock` binary as a child process.

The binary is `$CDN_TASK_MOCK_BIN` (run.sh points it at the one the wheel installed), else the workspace's
debug build. Every instance is started by `cdn_task_mock.MockServer` (the wheel's helper, or the source
tree's): it listens on 127.0.0.1 with an ephemeral port and announces its URL on the first stdout line.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cdn_task_mock import MockServer
from sdk_clients import FLAVORS

REPO_ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0

# The keys every instance is configured with. `OWNER` creates the tasks; `STRANGER` must not see them.
OWNER = ("testid", "testsecret")
STRANGER = ("otherid", "othersecret")
# One more owner per SDK flavor for the shared instance, so that the suite's creations spread over
# several keys and stay well under the mock's fixed 50 calls/s per key for RefreshObjectCaches and
# PushObjectCache (a real user's budget, not something these tests are about).
FLAVOR_OWNERS = {
    name: (f"owner-{name}", f"secret-{name}") for name in FLAVORS
}

# Short so that polling to Complete stays well inside the per-test bound.
TASK_DURATION = "300ms"


def mock_binary() -> Path:
    """Path of the mock binary: `$CDN_TASK_MOCK_BIN`, else the workspace's debug build."""
    env = os.environ.get("CDN_TASK_MOCK_BIN")
    if env:
        return Path(env)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    if not target.is_absolute():
        target = REPO_ROOT / target
    return target / "debug" / "cdn-task-mock"


def start_mock(tmp_dir: Path, *extra_args: str) -> MockServer:
    """Start the binary with both test keys and the short task duration, plus `extra_args`, through the
    package's own `MockServer` (which reads the `listening on` line and keeps the pipes drained)."""
    binary = mock_binary()
    if not binary.exists():
        raise AssertionError(
            f"mock binary not found at {binary}: run `cargo build -p cdn-task-mock` "
            "or set CDN_TASK_MOCK_BIN"
        )
    keys = [OWNER, STRANGER, *FLAVOR_OWNERS.values()]
    server = MockServer(access_keys=keys, task_duration=TASK_DURATION, extra_args=extra_args,
                        binary=binary, startup_timeout=STARTUP_TIMEOUT_S)
    return server.start()


def api_time(t: datetime) -> str:
    """The API's CreationTime form, `2020-08-03T08:54:23Z`."""
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Seeded:
    """Task IDs the seed file holds, by what the mock must do with them."""

    complete: str = "900000001"
    failed: str = "900000002"
    near_edge: str = "900000003"  # 3 days minus 10 minutes old: inside the window
    expired: str = "900000004"  # 4 days old: outside the window, never returned


SEEDED = Seeded()


def write_seed(path: Path) -> None:
    """Seed file (a JSON array of tasks in the API's field names) with times relative to now."""
    now = datetime.now(timezone.utc)
    tasks = [
        {
            "TaskId": SEEDED.complete,
            "ObjectPath": "http://seed.example.com/done.jpg",
            "ObjectType": "file",
            "Status": "Complete",
            "Process": "100%",
            "CreationTime": api_time(now - timedelta(days=1)),
            "Description": "",
        },
        {
            "TaskId": SEEDED.failed,
            "ObjectPath": "http://seed.example.com/dir/",
            "ObjectType": "directory",
            "Status": "Failed",
            "Process": "0%",
            "CreationTime": api_time(now - timedelta(hours=2)),
            "Description": "Origin Timeout",
        },
        {
            "TaskId": SEEDED.near_edge,
            "ObjectPath": "http://seed.example.com/edge.jpg",
            "ObjectType": "preload",
            "Status": "Complete",
            "Process": "100%",
            "CreationTime": api_time(now - timedelta(days=3) + timedelta(minutes=10)),
            "Description": "",
        },
        {
            "TaskId": SEEDED.expired,
            "ObjectPath": "http://seed.example.com/old.jpg",
            "ObjectType": "file",
            "Status": "Complete",
            "Process": "100%",
            "CreationTime": api_time(now - timedelta(days=4)),
            "Description": "",
        },
    ]
    path.write_text(json.dumps(tasks, indent=2))


@pytest.fixture(scope="session")
def mock(tmp_path_factory: pytest.TempPathFactory):
    """One shared, seeded instance for the functional tests."""
    tmp = tmp_path_factory.mktemp("mock")
    seed = tmp / "seed.json"
    write_seed(seed)
    # The suite describes faster than the service's 30 calls/s per key; throttling has its own test on
    # a private instance, so this one turns DescribeRefreshTaskById's limit off (`--rate-limit none`).
    instance = start_mock(tmp, "--tasks", str(seed), "--rate-limit", "none")
    yield instance
    assert instance.stop(timeout=STOP_TIMEOUT_S) == 0, instance.stderr_tail()


@pytest.fixture
def fresh_mock(tmp_path: Path):
    """Factory for a private instance (throttling, shutdown); each is stopped after the test."""
    started: list[MockServer] = []

    def make(*extra_args: str) -> MockServer:
        instance = start_mock(tmp_path, *extra_args)
        started.append(instance)
        return instance

    yield make
    for instance in started:
        instance.stop(timeout=STOP_TIMEOUT_S)
