#!/usr/bin/env bash
# Interleaved timing: the `instructions` example's loops, every mode once per round, ROUNDS rounds,
# the best (least) user time of each mode kept, so a busy moment of a shared machine hits every
# contender alike rather than one of them. Prints nanoseconds per call.
#
#   ./interleaved.sh                                  # the decode modes on 1 and 10 tasks, the page
#   MODES="xml xml-walk xml-serde" TASKS=10 ./interleaved.sh
set -euo pipefail
cd "$(dirname "$0")"
target="${CARGO_TARGET_DIR:-../target}"
if [[ -z "${BIN:-}" ]]; then
  cargo build --release -p cdn-task-benches --example instructions >&2
  BIN="$target/release/examples/instructions"
fi
rounds="${ROUNDS:-5}"
calls="${CALLS:-100000}"
modes="${MODES:-json json-string json-str xml xml-serde xml-walk}"
tasks="${TASKS:-1 10}"
page_modes="${PAGE_MODES:-page page-string page-str}"
page_tasks="${PAGE_TASKS:-100}"

declare -A best
runs=()
for count in $tasks; do for mode in $modes; do runs+=("$mode:$count"); done; done
for count in $page_tasks; do for mode in $page_modes; do runs+=("$mode:$count"); done; done

for ((round = 1; round <= rounds; round++)); do
  for run in "${runs[@]}"; do
    mode=${run%%:*} count=${run##*:}
    # A page of 100 costs ten times a 10-task body: run a tenth as many.
    n=$calls
    ((count >= 100)) && n=$((calls / 10))
    seconds=$({ /usr/bin/time -f '%U' "$BIN" "$mode" "$count" "$n" >/dev/null; } 2>&1 | tail -n 1)
    ns=$(awk -v s="$seconds" -v n="$n" 'BEGIN { printf "%.0f", s * 1e9 / n }')
    if [[ -z "${best[$run]:-}" ]] || ((ns < best[$run])); then best[$run]=$ns; fi
  done
done

printf '| mode | tasks | ns per call (best of %s rounds) |\n|---|---:|---:|\n' "$rounds"
for run in "${runs[@]}"; do
  printf '| %s | %s | %s |\n' "${run%%:*}" "${run##*:}" "${best[$run]}"
done
