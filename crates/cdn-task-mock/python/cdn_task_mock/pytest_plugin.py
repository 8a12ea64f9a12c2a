"""pytest fixtures for `cdn-task-mock` (registered through the `pytest11` entry point).

- `cdn_task_mock`: a running `MockServer`, reset before each test (tasks, quotas, calls, nonces,
  faults and clock back to the start). One process serves the whole session.
- `cdn_task_mock_session`: the same server without the reset, for tests that share state.

Override `cdn_task_mock_options` (a dict of `MockServer` keyword arguments, session-scoped) in a
`conftest.py` to change how it starts, e.g. `{"task_duration": "10s", "access_keys": [...]}`.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from ._server import MockServer


@pytest.fixture(scope="session")
def cdn_task_mock_options() -> dict:
    """Keyword arguments for the session's `MockServer` (override in a conftest.py)."""
    return {}


@pytest.fixture(scope="session")
def cdn_task_mock_session(cdn_task_mock_options: dict) -> Iterator[MockServer]:
    """One `cdn-task-mock` process for the session, stopped at its end."""
    with MockServer(**cdn_task_mock_options) as server:
        yield server


@pytest.fixture
def cdn_task_mock(cdn_task_mock_session: MockServer) -> MockServer:
    """The session's mock, reset to its start state before the test."""
    cdn_task_mock_session.reset()
    return cdn_task_mock_session
