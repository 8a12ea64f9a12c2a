"""`python -m cdn_task_mock ARGS` runs the installed binary with ARGS."""

import os
import sys

from ._binary import find_binary

if __name__ == "__main__":
    binary = str(find_binary())
    if sys.platform == "win32":
        import subprocess

        sys.exit(subprocess.call([binary, *sys.argv[1:]]))
    os.execv(binary, [binary, *sys.argv[1:]])
