#!/usr/bin/env bash
# Interop suite: the official Alibaba Cloud Python SDKs against cdn-task-mock, and the cdn-task-mock
# wheel (maturin, `bindings = "bin"`) built from the workspace, installed into a fresh venv and driven
# over its HTTP control plane by its own Python helper and pytest fixture.
# Needs python3 (with venv and pip) and stable Rust. Called by .ci/run as `bash interop/run.sh`.
# Env: PYTHON (default python3), CDN_TASK_MOCK_BIN (skip the build and the wheel, use this binary),
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

# No proxy may sit between the SDKs and 127.0.0.1; no bytecode or cache files in the tree.
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy
export PYTHONDONTWRITEBYTECODE=1

run_python="$venv/bin/python"
if [[ -z "${CDN_TASK_MOCK_BIN:-}" ]]; then
    echo "interop: cargo build -p cdn-task-mock --features cli"
    cargo build --quiet -p cdn-task-mock --features cli --bin cdn-task-mock
    # The wheel: maturin reuses the dev build just made (same profile, same target dir), so this costs
    # seconds. It is installed, alone and from the file (no index), into a venv made fresh for this run,
    # and everything below runs against the binary that wheel installed.
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    echo "interop: maturin build (wheel of crates/cdn-task-mock)"
    "$venv/bin/maturin" build --quiet --profile dev --locked \
        -m "$root/crates/cdn-task-mock/Cargo.toml" -o "$scratch/dist"
    wheel="$(ls "$scratch"/dist/cdn_task_mock-*.whl)"
    echo "interop: installing $(basename "$wheel") into a fresh venv"
    # (pip from the interop venv installs into it: a venv without its own pip is made in a second.)
    "$python" -m venv --without-pip "$scratch/venv"
    "$venv/bin/python" -m pip --python "$scratch/venv/bin/python" install --quiet \
        --disable-pip-version-check --no-index --no-deps "$wheel"
    # The SDKs and pytest come from the interop venv, appended to the fresh venv's path (after its own
    # site-packages, so cdn_task_mock can only come from the wheel).
    purelib() { "$1" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'; }
    purelib "$venv/bin/python" > "$(purelib "$scratch/venv/bin/python")/interop-venv.pth"
    export CDN_TASK_MOCK_BIN="$scratch/venv/bin/cdn-task-mock"
    run_python="$scratch/venv/bin/python"
else
    # A given binary: the helper package from the source tree, its pytest plugin named explicitly.
    export PYTHONPATH="$root/crates/cdn-task-mock/python${PYTHONPATH:+:$PYTHONPATH}"
    export PYTEST_PLUGINS="cdn_task_mock.pytest_plugin"
fi
echo "interop: mock binary $CDN_TASK_MOCK_BIN"

cd "$here"
"$run_python" -m pytest -c "$here/pytest.ini" "$@"
