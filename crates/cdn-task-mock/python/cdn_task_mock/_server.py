"""`MockServer`: the `cdn-task-mock` binary as a child process, driven over its HTTP control plane."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
import weakref
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Sequence

from ._binary import find_binary

_LISTENING = re.compile(r"^listening on (http://([^/\s]+))\s*$")
DEFAULT_KEY = ("testid", "testsecret")


class MockError(Exception):
    """The control plane refused a request: `status` is the HTTP status, `message` its `Error`."""

    def __init__(self, status: int, message: str):
        super().__init__(f"cdn-task-mock answered {status}: {message}")
        self.status = status
        self.message = message


def _duration(value: str | float | int | timedelta) -> str:
    """A duration as the mock reads it: `"90s"`, `"500ms"`, `"73h"`; numbers are seconds."""
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"a duration cannot be negative: {value}")
        return f"{int(value * 1000)}ms" if value != int(value) else f"{int(value)}s"
    return value


def _time(value: str | datetime) -> str:
    """A time as RFC 3339; a naive datetime is taken as UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat()
    return value


class MockServer:
    """A `cdn-task-mock` process on 127.0.0.1 on a free port, and its control plane.

    Keyword arguments map to the binary's flags: `access_keys` (pairs of ID and secret; the first is
    `access_key_id`/`access_key_secret`), `task_duration` ("2s"), `fail_rate` (0 to 1), `rate_limit`
    (DescribeRefreshTaskById calls per second per key, 1 or more, or "none": no throttling),
    `tasks_file` (`--tasks`: tasks present from the start; `seed_file` is its old name),
    `state_file` (`--state`: loaded at start, saved at stop), `admin_token` (`--admin-token`; this
    object then sends it), `rng_seed`; `extra_args` are passed as they are. `binary` defaults to the
    one the wheel installed (see `find_binary`).
    """

    def __init__(
        self,
        *,
        access_keys: Sequence[tuple[str, str]] = (DEFAULT_KEY,),
        task_duration: str | float | timedelta | None = None,
        fail_rate: float | None = None,
        rate_limit: int | str | None = None,
        tasks_file: str | Path | None = None,
        seed_file: str | Path | None = None,
        state_file: str | Path | None = None,
        admin_token: str | None = None,
        rng_seed: int | None = None,
        extra_args: Iterable[str] = (),
        binary: str | Path | None = None,
        startup_timeout: float = 20.0,
        request_timeout: float = 10.0,
    ):
        if not access_keys:
            raise ValueError("at least one access key is needed")
        self.access_keys = [tuple(key) for key in access_keys]
        self.admin_token = admin_token
        self.state_file = Path(state_file) if state_file is not None else None
        self._binary = Path(binary) if binary is not None else None
        self._startup_timeout = startup_timeout
        self._request_timeout = request_timeout
        args = ["--listen", "127.0.0.1:0"]
        for key_id, secret in self.access_keys:
            args += ["--access-key", f"{key_id}:{secret}"]
        if task_duration is not None:
            args += ["--task-duration", _duration(task_duration)]
        if fail_rate is not None:
            args += ["--fail-rate", str(fail_rate)]
        if rate_limit is not None:
            args += ["--rate-limit", str(rate_limit)]
        if tasks_file is None:
            tasks_file = seed_file
        if tasks_file is not None:
            args += ["--tasks", str(tasks_file)]
        if self.state_file is not None:
            args += ["--state", str(self.state_file)]
        if rng_seed is not None:
            args += ["--rng-seed", str(rng_seed)]
        args += list(extra_args)
        self._args = args
        self._process: subprocess.Popen | None = None
        self._stderr: list[str] = []
        self._finalizer: weakref.finalize | None = None
        self.base_url = ""

    # -- process -------------------------------------------------------------------------------

    def start(self) -> "MockServer":
        """Starts the binary and waits for its `listening on` line. Returns self."""
        if self._process is not None:
            raise RuntimeError("this MockServer is already started")
        binary = self._binary or find_binary()
        # The token goes through the environment, so it does not show in the process list; without
        # one, an inherited variable must not guard a mock this object cannot then drive.
        env = {name: value for name, value in os.environ.items() if name != "CDN_TASK_MOCK_ADMIN_TOKEN"}
        if self.admin_token is not None:
            env["CDN_TASK_MOCK_ADMIN_TOKEN"] = self.admin_token
        process = subprocess.Popen(
            [str(binary), *self._args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        first: list[str] = []
        got_first = threading.Event()

        def drain_stdout() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                if not got_first.is_set():
                    first.append(line)
                    got_first.set()
            got_first.set()

        def drain_stderr() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                self._stderr.append(line)
                del self._stderr[:-200]

        threading.Thread(target=drain_stdout, daemon=True).start()
        threading.Thread(target=drain_stderr, daemon=True).start()
        if not got_first.wait(self._startup_timeout) or not first:
            process.kill()
            process.wait()
            raise RuntimeError(
                f"cdn-task-mock did not start (exit {process.returncode}):\n{self.stderr_tail()}"
            )
        match = _LISTENING.match(first[0])
        if not match:
            process.kill()
            process.wait()
            raise RuntimeError(f"unexpected first line from cdn-task-mock: {first[0]!r}")
        self._process = process
        self.base_url = match.group(1)
        # A server never stopped must not outlive the interpreter as an orphan.
        self._finalizer = weakref.finalize(self, _kill, process)
        return self

    def stop(self, timeout: float = 10.0) -> int:
        """Stops the mock with SIGTERM (it saves `state_file` first) and returns its exit status."""
        process = self._process
        if process is None:
            return 0
        self._process = None
        if self._finalizer is not None:
            self._finalizer.detach()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise RuntimeError(f"cdn-task-mock did not stop within {timeout}s of SIGTERM")
        return process.returncode

    def __enter__(self) -> "MockServer":
        return self.start()

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        status = self.stop()
        if status != 0 and exc_type is None:
            # The mock exits 0 when it stops cleanly; anything else (a state it could not save)
            # must not pass unnoticed.
            raise RuntimeError(f"cdn-task-mock exited with {status}:\n{self.stderr_tail()}")

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def endpoint(self) -> str:
        """`127.0.0.1:PORT`: what the official SDKs take as an endpoint (with protocol http)."""
        return self.base_url.removeprefix("http://")

    @property
    def access_key_id(self) -> str:
        return self.access_keys[0][0]

    @property
    def access_key_secret(self) -> str:
        return self.access_keys[0][1]

    def stderr_tail(self, lines: int = 30) -> str:
        """The last lines the mock logged, for diagnostics."""
        return "".join(self._stderr[-lines:])

    # -- the control plane ---------------------------------------------------------------------

    def _control(self, method: str, path: str, body: Any = None, query: dict | None = None) -> Any:
        if not self.base_url:
            raise RuntimeError("start the MockServer first")
        url = f"{self.base_url}/_mock/{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.admin_token is not None:
            request.add_header("Authorization", f"Bearer {self.admin_token}")
        # No proxy may sit between the tests and 127.0.0.1.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=self._request_timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                message = json.loads(raw).get("Error", raw.decode(errors="replace"))
            except (ValueError, AttributeError):
                message = raw.decode(errors="replace")
            raise MockError(error.code, message) from None

    def health(self) -> dict:
        """`{"Status": "ok", "Version": "..."}`."""
        return self._control("GET", "health")

    def reset(self) -> None:
        """Back to the start state: the tasks file's tasks as loaded at start, no quota used, no calls,
        no nonces, the faults and clock as started."""
        self._control("POST", "reset")

    def tasks(self) -> list[dict]:
        """Every task the mock holds, in the API's field names, each with its `Owner`."""
        return self._control("GET", "tasks")

    def add_tasks(self, tasks: Iterable[dict], owner: str | None = None) -> list[dict]:
        """Adds tasks in the API's field names (`TaskId`, `ObjectPath`, `ObjectType`, `Status`,
        `Process`, `CreationTime`, `Description`), as given: they do not progress. `owner` (an
        AccessKeyId) is the only key that sees them; `None`, or a per-task `Owner`, decides."""
        payload = []
        for task in tasks:
            task = dict(task)
            if owner is not None:
                task.setdefault("Owner", owner)
            payload.append(task)
        return self._control("POST", "tasks", payload)

    def now(self) -> datetime:
        """The mock's time (tasks progress and age on it)."""
        return _parse_time(self._control("GET", "clock")["Now"])

    def advance(self, duration: str | float | timedelta) -> datetime:
        """Moves the mock's clock forward (`"90s"`, `"73h"`, seconds, or a timedelta). Signatures
        stay checked against real time, so SDK clients keep working."""
        return _parse_time(self._control("POST", "clock", {"Advance": _duration(duration)})["Now"])

    def set_time(self, when: str | datetime) -> datetime:
        """Sets the mock's clock (an RFC 3339 string or a datetime); it keeps running from there."""
        return _parse_time(self._control("POST", "clock", {"Set": _time(when)})["Now"])

    def faults(self) -> list[dict]:
        """The fault rules, with what is left of their `Count`."""
        return self._control("GET", "faults")

    def set_faults(self, rules: Iterable[dict]) -> list[dict]:
        """Replaces the fault rules: each `{"Action": "*" or an action, "Fault": "ServiceUnavailable" |
        "InternalError" | "Delay" | "DropConnection" | "TruncateBody" | "Error", "Code": (for Error),
        "Rate": 0..1, "Count": n, "Delay": "2s" (for Delay)}`; the first that fires wins."""
        return self._control("PUT", "faults", list(rules))

    def clear_faults(self) -> None:
        self._control("DELETE", "faults")

    def calls(self, action: str | None = None) -> list[dict]:
        """The API calls received, oldest first (time, action, AccessKeyId, parameters without secrets,
        status, error code, request ID); `action` keeps only those naming it."""
        return self._control("GET", "calls", query={"action": action} if action else None)

    def clear_calls(self) -> None:
        self._control("DELETE", "calls")

    def state(self) -> dict:
        """The whole state as one JSON document."""
        return self._control("GET", "state")

    def restore_state(self, state: dict) -> dict:
        """Replaces the whole state with `state` (from `state()`)."""
        return self._control("POST", "state", state)

    def save_state(self) -> dict:
        """Writes the state to `state_file` now, atomically."""
        return self._control("POST", "state/save")


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def _parse_time(text: str) -> datetime:
    # Python before 3.11 reads neither `Z` nor nine-digit fractions.
    text = text.replace("Z", "+00:00")
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    return datetime.fromisoformat(text)
