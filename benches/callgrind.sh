#!/usr/bin/env bash
# Instruction counts per call under callgrind: each mode of the `instructions` example run
# ITERATIONS times and 0 times; the difference divided by ITERATIONS is the count per call
# (start-up and fixture building cancel out). Repeatable: no dependence on the machine's load.
#
#   ./callgrind.sh                          # every decode mode on 1 and 10 tasks, page modes on 100
#   MODES="xml xml-walk" TASKS="10" ./callgrind.sh
#   BIN=/path/to/instructions ./callgrind.sh   # another build (e.g. of the code before a change)
set -euo pipefail
cd "$(dirname "$0")"
target="${CARGO_TARGET_DIR:-../target}"
if [[ -z "${BIN:-}" ]]; then
  cargo build --release -p cdn-task-benches --example instructions >&2
  BIN="$target/release/examples/instructions"
fi
iterations="${ITERATIONS:-1000}"
modes="${MODES:-json json-general json-string json-str json-value xml xml-general xml-serde xml-walk}"
tasks="${TASKS:-1 10}"
page_modes="${PAGE_MODES:-page page-serde page-string page-str}"
page_tasks="${PAGE_TASKS:-100}"

collected() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" "$@" 2>&1 |
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}

per_call() {
  local mode=$1 count=$2 full empty
  full=$(collected "$mode" "$count" "$iterations")
  empty=$(collected "$mode" "$count" 0)
  echo $(((full - empty) / iterations))
}

printf '| mode | tasks | instructions per call |\n|---|---:|---:|\n'
for count in $tasks; do
  for mode in $modes; do
    printf '| %s | %s | %s |\n' "$mode" "$count" "$(per_call "$mode" "$count")"
  done
done
for count in $page_tasks; do
  for mode in $page_modes; do
    printf '| %s | %s | %s |\n' "$mode" "$count" "$(per_call "$mode" "$count")"
  done
done
