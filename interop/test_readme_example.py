"""The Python package's README example, run as its users would: the fixture comes from the installed
wheel's pytest plugin (no conftest import), and the test file is the README's first Python block."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "crates" / "cdn-task-mock" / "python" / "README.md"


def test_the_readme_pytest_example_passes(tmp_path: Path):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    example = next(block for block in blocks if block.startswith("# test_purge.py"))
    (tmp_path / "test_purge.py").write_text(example)
    env = dict(os.environ)
    if (Path(sysconfig.get_path("scripts")) / "cdn-task-mock").is_file():
        # Installed from the wheel: the helper must find its binary by itself.
        env.pop("CDN_TASK_MOCK_BIN", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
         str(tmp_path / "test_purge.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout, result.stdout
