#!/usr/bin/env bash
# Forecaster benchmark: wall time of the default pipeline on the paper's data,
#   dataset (2013-2023) -> train (2013-2022, default model) -> evaluate (2023),
# each step and in all, against the issue's 5 s budget for training +
# evaluation. Works in a temporary folder; the machine is noisy, so it runs
# the pipeline RUNS times (default 3) and reports the median.
#
#   bench/forecast.sh [BUILD_DIR] [RUNS]      (default: build, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-build}/vdistorm")
runs=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

now() { date +%s.%N; }
ds=() tr=() ev=()
for ((i = 0; i < runs; i++)); do
  t0=$(now)
  "$bin" dataset -o data/usage.csv >/dev/null
  t1=$(now)
  "$bin" forecast train --data data/usage.csv --until 2022-12-31 -o data/usage-model.json -q >/dev/null
  t2=$(now)
  "$bin" forecast evaluate --data data/usage.csv --model data/usage-model.json --from 2023-01-01 --json >eval.json
  t3=$(now)
  ds+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  tr+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')")
  ev+=("$(awk -v a="$t2" -v b="$t3" 'BEGIN { print b - a }')")
done
median() { printf "%s\n" "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
d=$(median "${ds[@]}") t=$(median "${tr[@]}") e=$(median "${ev[@]}")
printf "%-36s %8s\n" "step (median of $runs)" "wall s"
printf "%-36s %8.3f\n" "dataset 2013-2023 (16,068 rows)" "$d"
printf "%-36s %8.3f\n" "train 2013-2022 (default model)" "$t"
printf "%-36s %8.3f\n" "evaluate 2023" "$e"
awk -v t="$t" -v e="$e" -v d="$d" 'BEGIN {
  printf "%-36s %8.3f  = %.3f of the 5 s budget\n", "train + evaluate", t + e, (t + e) / 5
  printf "%-36s %8.3f\n", "dataset + train + evaluate", d + t + e }'
grep -o '"r2":[^,]*\|"mse":[^,]*\|"rmse":[^,]*' eval.json | tr -d '\t' | paste -sd' '
