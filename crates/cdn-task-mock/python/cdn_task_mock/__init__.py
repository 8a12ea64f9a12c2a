"""Drive `cdn-task-mock`, an emulator of Alibaba Cloud CDN's refresh-task API, from Python tests.

The wheel installs the `cdn-task-mock` binary; `MockServer` starts it on a free port and talks to its
HTTP control plane (`/_mock/...`): add tasks, move the clock, inject faults, read the calls received,
reset, save and restore the whole state. Point any official SDK at `server.endpoint` with the
AccessKey `server.access_key_id` / `server.access_key_secret` and plain http.

    from cdn_task_mock import MockServer

    with MockServer(task_duration="2s") as mock:
        ...  # an SDK client on mock.endpoint creates a task
        mock.advance("5s")  # the task is Complete now

The pytest plugin (installed with the wheel) provides the `cdn_task_mock` fixture: a server shared by
the session, reset before each test.
"""

from ._binary import find_binary
from ._server import MockError, MockServer

__all__ = ["MockError", "MockServer", "find_binary"]
