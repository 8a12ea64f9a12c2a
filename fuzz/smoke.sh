#!/usr/bin/env bash
# Smoke-fuzzes every target: a short run each, any crash, panic, hang or leak fails.
#
# Works on a fresh machine with only stable Rust: installs cargo-fuzz when missing and builds with
# `-s none` (no sanitizer), which needs no nightly flag. Each target starts from its committed
# seeds (seeds/<target>/) plus whatever corpus/<target>/ (gitignored) has grown to.
#
#   FUZZ_SECONDS  seconds per target (default 20)
#   FUZZ_JOBS     targets run at once (default: the number of cores)
#   FUZZ_TARGETS  space-separated subset to run (default: all, from `cargo fuzz list`)
set -euo pipefail
cd "$(dirname "$0")"

seconds="${FUZZ_SECONDS:-20}"
jobs="${FUZZ_JOBS:-$(nproc)}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

echo "== building every target (-s none)"
cargo fuzz build -s none
read -r -a targets <<<"${FUZZ_TARGETS:-$(cargo fuzz list | tr '\n' ' ')}"

# The dictionary that suits a target's input, if any.
mkdir -p target
cat dicts/json.dict dicts/xml.dict >target/bodies.dict
dictionary() {
  case "$1" in
    *_xml) echo dicts/xml.dict ;;
    *_json) echo dicts/json.dict ;;
    create_tasks | refresh_quota | sts_response | list_page) echo target/bodies.dict ;;
    credential_document | cli_config) echo dicts/json.dict ;;
    rpc_parameters | acs3_authorization) echo dicts/signing.dict ;;
  esac
}

logs=target/smoke-logs
rm -rf "$logs"
mkdir -p "$logs"

run_one() {
  local target=$1 dict
  local -a dirs=("corpus/$target") flags=("-max_total_time=$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
  mkdir -p "corpus/$target"
  [[ -d "seeds/$target" ]] && dirs+=("seeds/$target")
  dict=$(dictionary "$target")
  [[ -n "$dict" ]] && flags+=("-dict=$dict")
  local status=0
  cargo fuzz run -s none "$target" "${dirs[@]}" -- "${flags[@]}" >"$logs/$target.log" 2>&1 || status=$?
  echo "$status" >"$logs/$target.status"
}

echo "== running ${#targets[@]} targets, ${seconds}s each, $jobs at a time"
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  run_one "$target" &
done
wait

failed=()
for target in "${targets[@]}"; do
  if [[ "$(cat "$logs/$target.status" 2>/dev/null)" == 0 ]]; then
    status=ok
  else
    status=FAILED
    failed+=("$target")
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$target.log" | tail -n 1)
  printf '%-24s %-7s %12s execs\n' "$target" "$status" "${execs:-?}"
done

if ((${#failed[@]} > 0)); then
  for target in "${failed[@]}"; do
    printf '\n== %s failed; the end of its log (%s):\n' "$target" "$logs/$target.log"
    grep -v '^#[0-9]' "$logs/$target.log" | tail -n 40
  done
  echo "fuzz smoke: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]} (inputs under fuzz/artifacts/)"
  exit 1
fi
echo "fuzz smoke: all ${#targets[@]} targets ran ${seconds}s without a crash"
