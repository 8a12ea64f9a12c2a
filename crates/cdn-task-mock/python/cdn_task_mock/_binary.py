"""Where the `cdn-task-mock` binary is: the one this wheel installed, unless told otherwise."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

BINARY = "cdn-task-mock" + (".exe" if sys.platform == "win32" else "")


def find_binary() -> Path:
    """`$CDN_TASK_MOCK_BIN`, else the scripts directory of this Python (where the wheel put it), else
    the user scripts directory, else `PATH`. Raises FileNotFoundError naming every place looked at."""
    env = os.environ.get("CDN_TASK_MOCK_BIN")
    if env:
        return Path(env)
    candidates = [Path(sysconfig.get_path("scripts")) / BINARY]
    user_scheme = {"nt": "nt_user", "posix": "posix_user"}.get(os.name)
    if user_scheme and user_scheme in sysconfig.get_scheme_names():
        candidates.append(Path(sysconfig.get_path("scripts", scheme=user_scheme)) / BINARY)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    on_path = shutil.which(BINARY)
    if on_path:
        return Path(on_path)
    looked = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"{BINARY} not found in {looked} or on PATH; set CDN_TASK_MOCK_BIN")
