#!/usr/bin/env bash
# Load-independent measurements of the decoders, on the `instructions` example's loops:
#
#   ./measure.sh callgrind     instructions per call under callgrind: each mode run ITERATIONS
#                              times and 0 times, the difference divided by ITERATIONS (start-up
#                              and fixture building cancel out). Repeatable to the instruction.
#   ./measure.sh interleaved   nanoseconds per call: every mode once per round, ROUNDS (5) rounds,
#                              the best (least) user time of each kept, so a busy moment of a
#                              shared machine hits every contender alike rather than one of them.
#                              Each run makes CALLS / tasks calls (CALLS = 1,000,000).
#
# Modes: the decode modes on 1 and 10 tasks, the page modes on the 100-task page, the plan modes
# (`plan`, `plan-chunks`) on the 10,000-URL deploy list, unless MODES, TASKS, PAGE_MODES,
# PAGE_TASKS, PLAN_MODES, PLAN_URLS say otherwise (`MODES="xml xml-walk" TASKS=10 PAGE_MODES=
# PLAN_MODES= ./measure.sh callgrind`; `MODES= PAGE_MODES= ./measure.sh callgrind` for the plan
# alone). A plan is run PLAN_ITERATIONS (20) times under callgrind, PLAN_CALLS (1,000) in each
# interleaved round. BIN=/path/to/instructions measures another build (e.g. of the code before a change).
set -euo pipefail
cd "$(dirname "$0")"
what="${1:-}"
if [[ "$what" != callgrind && "$what" != interleaved ]]; then
  echo "usage: measure.sh callgrind|interleaved" >&2
  exit 2
fi
if [[ -z "${BIN:-}" ]]; then
  cargo build --release -p cdn-task-benches --example instructions >&2
  BIN="${CARGO_TARGET_DIR:-../target}/release/examples/instructions"
fi
runs=()
for count in ${TASKS-1 10}; do
  for mode in ${MODES-json json-general json-string json-str json-value xml xml-general xml-serde xml-walk}; do
    runs+=("$mode:$count")
  done
done
for count in ${PAGE_TASKS-100}; do
  for mode in ${PAGE_MODES-page page-general page-serde page-string page-str}; do runs+=("$mode:$count"); done
done
for count in ${PLAN_URLS-10000}; do
  for mode in ${PLAN_MODES-plan plan-chunks}; do runs+=("$mode:$count"); done
done

# Instructions one call of `mode` on `count` tasks costs.
instructions() {
  local mode=$1 count=$2 iterations=${ITERATIONS:-1000} full empty
  if [[ "$mode" == plan* ]]; then iterations=${PLAN_ITERATIONS:-20}; fi
  collected() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" "$mode" "$count" "$1" 2>&1 |
      sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
  }
  full=$(collected "$iterations")
  empty=$(collected 0)
  echo $(((full - empty) / iterations))
}

# Nanoseconds one call of `mode` on `count` tasks took, from the user time (getrusage, microseconds)
# of CALLS / count calls: about the same work whatever the body's size.
nanoseconds() {
  local mode=$1 count=$2 calls
  calls=$((${CALLS:-1000000} / count))
  if [[ "$mode" == plan* ]]; then calls=${PLAN_CALLS:-1000}; fi
  python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, check=True)
print(round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime * 1e9 / int(sys.argv[1])))
' "$calls" "$BIN" "$mode" "$count" "$calls"
}

declare -A result
if [[ "$what" == callgrind ]]; then
  header="instructions per call"
  for run in "${runs[@]}"; do result[$run]=$(instructions "${run%%:*}" "${run##*:}"); done
else
  rounds="${ROUNDS:-5}"
  header="ns per call, best of $rounds rounds"
  for ((round = 1; round <= rounds; round++)); do
    for run in "${runs[@]}"; do
      ns=$(nanoseconds "${run%%:*}" "${run##*:}")
      if [[ -z "${result[$run]:-}" ]] || ((ns < result[$run])); then result[$run]=$ns; fi
    done
  done
fi
printf '| mode | tasks | %s |\n|---|---:|---:|\n' "$header"
for run in "${runs[@]}"; do printf '| %s | %s | %s |\n' "${run%%:*}" "${run##*:}" "${result[$run]}"; done
