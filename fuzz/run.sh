#!/usr/bin/env bash
# Run the libFuzzer targets of a VS_FUZZ build for a fixed time each, on a
# scratch copy of their seed corpus (fuzz/corpus-NAME) and of their
# regression fixtures, with their dictionary (fuzz/NAME.dict). Fails on the first
# finding; the input that found it is kept as BUILD_DIR/fuzz-findings/NAME-*
# and the log as BUILD_DIR/fuzz-logs/NAME.log. See docs/FUZZING.md.
#
#   fuzz/run.sh BUILD_DIR SECONDS [NAME...]   (NAME: scenario schedule usage
#                                              forecast; default all four)
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 2 ] || { echo "usage: fuzz/run.sh BUILD_DIR SECONDS [NAME...]" >&2; exit 2; }
build=$(cd "$1" && pwd)
seconds=$2
shift 2
names=("$@")
((${#names[@]})) || names=(scenario schedule usage forecast)

# Inputs that once crashed a reader are replayed first, and mutated from.
fixtures() { # NAME
  case $1 in
  scenario) echo tests/bad tests/good ;;
  *) echo "tests/fuzz-crashes/$1" ;;
  esac
}

# XGBoost's threads (a model names up to 256) wait passively between
# predictions instead of spinning on the other core (tests/forecast.cmake).
export OMP_WAIT_POLICY=passive
scratch=$(mktemp -d /tmp/vdistorm-fuzz-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$build/fuzz-findings" "$build/fuzz-logs"

for name in "${names[@]}"; do
  bin=$build/fuzz/fuzz_$name
  log=$build/fuzz-logs/$name.log
  [ -x "$bin" ] || { echo "fuzz: $bin is not built (cmake --build $1 --target fuzzers)" >&2; exit 2; }
  # libFuzzer adds what it finds to its corpus folder: a scratch copy, so
  # that the repository is not changed.
  mkdir "$scratch/$name"
  for dir in "fuzz/corpus-$name" $(fixtures "$name"); do
    cp "$dir"/* "$scratch/$name/"
  done
  if ! "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -dict="fuzz/$name.dict" -artifact_prefix="$build/fuzz-findings/$name-" "$scratch/$name" >"$log" 2>&1; then
    echo "fuzz: fuzz_$name found a problem; the end of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "fuzz: fuzz_$name: ${seconds} s, ${runs:-?} runs, no finding" >&2
done
