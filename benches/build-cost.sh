#!/usr/bin/env bash
# What an embedder compiles: for the core, the client and the mock (as a dev-dependency), a scratch crate
# outside the workspace depends on the crate by path; prints the crates in its tree, the crates compiled and
# the wall time of a clean debug build (docs/BUILD-COST.md).
#
#   BASE     the checkout to measure (default: this one); e.g. a `git worktree add … <commit>` for "before"
#   SCRATCH  where the scratch crates and their target directories go (default: a temporary directory)
set -u
base=$(cd "${BASE:-$(dirname "$0")/..}" && pwd)
scratch=${SCRATCH:-$(mktemp -d)}
for row in core http mock; do
  dir=$scratch/embed-$row
  rm -rf "$dir" && mkdir -p "$dir/src" && touch "$dir/src/lib.rs"
  case $row in
    core) section="[dependencies]"; crate=cdn-task-core; build=(cargo build --offline) ;;
    http) section="[dependencies]"; crate=cdn-task-http; build=(cargo build --offline) ;;
    mock) section="[dev-dependencies]"; crate=cdn-task-mock; build=(cargo build --offline --tests) ;;
  esac
  printf '[package]\nname = "embed-%s"\nversion = "0.0.0"\nedition = "2024"\n[workspace]\n%s\n%s = { path = "%s/crates/%s" }\n' \
    "$row" "$section" "$crate" "$base" "$crate" >"$dir/Cargo.toml"
  cp "$base/Cargo.lock" "$dir/" # the workspace's versions
  cd "$dir" || exit 1
  tree=$(cargo tree --offline -e normal,dev --prefix none 2>/dev/null | sed 's/ (\*)//' | sort -u | grep -vc '^embed-')
  export CARGO_TARGET_DIR=$scratch/target-$row CARGO_INCREMENTAL=0
  rm -rf "$CARGO_TARGET_DIR"
  start=$(date +%s)
  "${build[@]}" 2>build.log || { echo "$row: build failed (see $dir/build.log)"; exit 1; }
  end=$(date +%s)
  echo "$row: $tree crates in tree, $(grep -c '^ *Compiling' build.log) compiled, $((end - start)) s, load $(cut -d' ' -f1 /proc/loadavg)"
  rm -rf "$CARGO_TARGET_DIR"
done
