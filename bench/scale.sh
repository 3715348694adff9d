#!/usr/bin/env bash
# Simulator scale benchmark: wall time and peak memory of `vdistorm boot` with
# k desktops powered on at once on a 10-rack, 50,000-desktop site
# (bench/site-10-racks.yaml), plus the threshold search and main job on the
# 5,120-desktop rack. The machine is noisy: compare the ratios within one run,
# not absolute times across runs.
#
#   bench/scale.sh [BUILD_DIR] [K ...]     (default: build, k = 1000 5000 20000 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/vdistorm
shift || true
ks=("$@")
[ ${#ks[@]} -gt 0 ] || ks=(1000 5000 20000 50000)

printf "%-34s %10s %10s %12s\n" "case" "wall s" "peak MB" "us per VM"
measure() { # label k command...
  local label=$1 k=$2
  shift 2
  local t0 t1 rss mem
  mem=$(mktemp)
  t0=$(date +%s.%N)
  /usr/bin/time -o "$mem" -f "%M" "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  rss=$(tail -1 "$mem")
  rm -f "$mem"
  awk -v l="$label" -v a="$t0" -v b="$t1" -v m="$rss" -v k="$k" \
    'BEGIN { printf "%-34s %10.2f %10.0f %12.0f\n", l, b - a, m / 1024, (b - a) * 1e6 / k }'
}
for k in "${ks[@]}"; do
  measure "site: $k booted at once" "$k" "$bin" boot bench/site-10-racks.yaml --vms "$k" --no-save -q
done
measure "rack: threshold search" 1 "$bin" threshold scenarios/rack-future.yaml --no-save -q
measure "rack: run (threshold + 3 policies)" 5120 "$bin" run scenarios/rack-future.yaml --no-save -q
