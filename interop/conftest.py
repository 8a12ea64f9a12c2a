"""Fixtures for the interop suite: the `cdn-task-mock` binary as a child process.

The binary is the one `cargo build -p cdn-task-mock` produces; `CDN_TASK_MOCK_BIN` overrides the path.
Every instance listens on 127.0.0.1 with an ephemeral port (`--listen 127.0.0.1:0`) and announces its
URL on the first stdout line (`listening on http://HOST:PORT`).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sdk_clients import FLAVORS

REPO_ROOT = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"^listening on (http://(127\.0\.0\.1:(\d+)))\s*$")
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


@dataclass
class MockProcess:
    """A running `cdn-task-mock` and where it listens."""

    proc: subprocess.Popen
    url: str  # http://127.0.0.1:PORT
    hostport: str  # 127.0.0.1:PORT, the form both SDKs take as an endpoint
    output: list[str] = field(default_factory=list)  # later stdout lines, for diagnostics
    stderr_path: Path | None = None

    def stderr_tail(self, lines: int = 30) -> str:
        if self.stderr_path is None or not self.stderr_path.exists():
            return ""
        return "\n".join(self.stderr_path.read_text(errors="replace").splitlines()[-lines:])

    def terminate(self) -> int:
        """SIGTERM, then wait; returns the exit status (killed with SIGKILL if it does not stop)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT_S)
                raise AssertionError(
                    f"cdn-task-mock did not stop within {STOP_TIMEOUT_S}s of SIGTERM"
                )
        return self.proc.returncode


def start_mock(tmp_dir: Path, *extra_args: str) -> MockProcess:
    """Start the binary with both test keys and the short task duration, plus `extra_args`."""
    binary = mock_binary()
    if not binary.exists():
        raise AssertionError(
            f"mock binary not found at {binary}: run `cargo build -p cdn-task-mock` "
            "or set CDN_TASK_MOCK_BIN"
        )
    args = [
        str(binary),
        "--listen", "127.0.0.1:0",
        "--access-key", f"{OWNER[0]}:{OWNER[1]}",
        "--access-key", f"{STRANGER[0]}:{STRANGER[1]}",
        *(arg for key in FLAVOR_OWNERS.values() for arg in ("--access-key", f"{key[0]}:{key[1]}")),
        "--task-duration", TASK_DURATION,
        *extra_args,
    ]
    stderr_path = tmp_dir / f"mock-stderr-{len(list(tmp_dir.glob('mock-stderr-*')))}.log"
    stderr_file = open(stderr_path, "wb")  # noqa: SIM115 - owned by the child for its lifetime
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=stderr_file, stdin=subprocess.DEVNULL, text=True
    )
    stderr_file.close()

    first: list[str] = []
    rest: list[str] = []
    got_first = threading.Event()

    def drain() -> None:
        # Reads the first line for the URL, then keeps the pipe empty so the child never blocks on it.
        assert proc.stdout is not None
        for line in proc.stdout:
            if not got_first.is_set():
                first.append(line)
                got_first.set()
            else:
                rest.append(line)
        got_first.set()

    threading.Thread(target=drain, daemon=True).start()
    if not got_first.wait(STARTUP_TIMEOUT_S) or not first:
        proc.kill()
        proc.wait()
        stderr = stderr_path.read_text(errors="replace")
        raise AssertionError(
            f"cdn-task-mock printed no first line within {STARTUP_TIMEOUT_S}s "
            f"(exit {proc.returncode}); args {args[1:]}; stderr:\n{stderr}"
        )
    match = LISTENING.match(first[0])
    if not match:
        proc.kill()
        proc.wait()
        raise AssertionError(f"unexpected first stdout line from cdn-task-mock: {first[0]!r}")
    return MockProcess(
        proc=proc, url=match.group(1), hostport=match.group(2), output=rest, stderr_path=stderr_path
    )


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
    # a private instance, so this one turns DescribeRefreshTaskById's limit off (`--rate-limit 0`).
    instance = start_mock(tmp, "--seed", str(seed), "--rate-limit", "0")
    yield instance
    instance.terminate()


@pytest.fixture
def fresh_mock(tmp_path: Path):
    """Factory for a private instance (throttling, shutdown); each is stopped after the test."""
    started: list[MockProcess] = []

    def make(*extra_args: str) -> MockProcess:
        instance = start_mock(tmp_path, *extra_args)
        started.append(instance)
        return instance

    yield make
    for instance in started:
        if instance.proc.poll() is None:
            instance.proc.kill()
            instance.proc.wait()
