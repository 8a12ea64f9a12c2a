#!/usr/bin/env bash
# Interop suite: the official Alibaba Cloud Python SDKs against cdn-task-mock.
# Needs python3 (with venv and pip) and stable Rust. Called by .ci/run as `bash interop/run.sh`.
# Env: PYTHON (default python3), CDN_TASK_MOCK_BIN (skip the build and use this binary),
#      CARGO_TARGET_DIR (honoured for the build and for finding the binary). Extra args go to pytest.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

venv="$here/.venv"
python="${PYTHON:-python3}"
if [[ ! -x "$venv/bin/python" ]]; then
    echo "interop: creating $venv"
    "$python" -m venv "$venv"
fi
# Reinstall only when requirements.txt changed since the last successful install.
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "interop: installing $here/requirements.txt"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    echo "$want" > "$stamp"
fi

if [[ -z "${CDN_TASK_MOCK_BIN:-}" ]]; then
    echo "interop: cargo build -p cdn-task-mock"
    cargo build --quiet -p cdn-task-mock --bin cdn-task-mock
    target="${CARGO_TARGET_DIR:-$root/target}"
    [[ "$target" = /* ]] || target="$root/$target"
    export CDN_TASK_MOCK_BIN="$target/debug/cdn-task-mock"
fi
echo "interop: mock binary $CDN_TASK_MOCK_BIN"

# No proxy may sit between the SDKs and 127.0.0.1; no bytecode or cache files in the tree.
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy
export PYTHONDONTWRITEBYTECODE=1
cd "$here"
exec "$venv/bin/python" -m pytest -c "$here/pytest.ini" "$@"
