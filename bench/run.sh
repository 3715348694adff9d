#!/usr/bin/env bash
# The benchmark suite, in one command:
#
#   bench/run.sh [--runs N] [--full] [--smoke] [--out FILE] [BUILD_DIR]
#
# Runs each case N times (default 3) and prints one row per case: the exact
# command, the median, min and max wall time, the peak RSS, and simulated
# boots per wall second; writes the same as CSV to FILE (default
# bench/results.csv). Cases:
#   - rack-future morning (jit, validated) and the rack's main job;
#   - a 51,200-desktop site morning (bench/site-10-racks.yaml);
#   - the scaling series: 1k, 2k, 5k, 10k, 20k, 50k desktops on
#     proportionally sized hardware (bench/scale/), whose growth exponent
#     (least squares of log wall time on log desktops) is printed;
#   - k desktops booted at once on the site, and side by side the naive
#     SimGrid model (bench/naive.c: one actor per VM reading its whole image
#     from one shared disk) at the same k, with the ratio of their times;
#   - the threshold search on both paper scenarios;
#   - forecast train + evaluate on the paper's data.
# --full adds 20,000 and 50,000 at once (minutes, GBs); --smoke runs small
# sizes once (CI: checks that the suite runs, times are not judged).
#
# The machine is noisy: compare ratios measured in one run, not absolute
# times from different runs.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3 full=0 smoke=0 out=bench/results.csv build=build
while [ $# -gt 0 ]; do
  case $1 in
  --runs) runs=$2 && shift ;;
  --full) full=1 ;;
  --smoke) smoke=1 runs=1 ;;
  --out) out=$2 && shift ;;
  -h | --help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
  -*) echo "bench/run.sh: unknown option $1" >&2 && exit 2 ;;
  *) build=$1 ;;
  esac
  shift
done
case $runs in '' | *[!0-9]* | 0) echo "bench/run.sh: --runs needs a whole number >= 1" >&2 && exit 2 ;; esac
bin=$build/vdistorm
naive=$build/vdistorm-naive
for b in "$bin" "$naive"; do
  [ -x "$b" ] || { echo "bench/run.sh: $b is missing (build first: cmake --build $build)" >&2 && exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench/run.sh: needs GNU time (apt-get install time)" >&2 && exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
csv=$work/results.csv
echo "case,command,runs,median_s,min_s,max_s,peak_rss_MB,boots_per_s" >"$csv"
printf "%-40s %8s %8s %8s %8s %10s\n" "case (median of $runs)" "wall s" "min" "max" "RSS MB" "boots/s"

# measure CASE BOOTS COMMAND...: runs it `runs` times; BOOTS is how many
# boots it simulates (for boots per second; 0: not meaningful).
measure() {
  local label=$1 boots=$2
  shift 2
  local times=() rss=0 i m
  for ((i = 0; i < runs; i++)); do
    if ! /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err"; then
      # vdistorm exits 1 on a late VM or a storm: a verdict, not a failure.
      if ! grep -q "^Command exited with non-zero status 1$" "$work/time"; then
        echo "bench/run.sh: failed: $*" >&2 && cat "$work/err" >&2 && exit 1
      fi
    fi
    read -r t m < <(tail -1 "$work/time")
    times+=("$t")
    ((m > rss)) && rss=$m
  done
  printf "%s\n" "${times[@]}" | sort -g >"$work/sorted"
  local med min max
  med=$(awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }' "$work/sorted")
  min=$(head -1 "$work/sorted")
  max=$(tail -1 "$work/sorted")
  local per
  per=$(awk -v b="$boots" -v t="$med" 'BEGIN { if (b > 0 && t > 0) printf "%.0f", b / t; else print "" }')
  printf "%-40s %8.2f %8.2f %8.2f %8.0f %10s\n" "$label" "$med" "$min" "$max" "$((rss / 1024))" "$per"
  local shown="$*"
  printf "%s,\"%s\",%d,%s,%s,%s,%d,%s\n" "$label" "${shown//$work/\$TMP}" "$runs" "$med" "$min" "$max" "$((rss / 1024))" "$per" >>"$csv"
  last_median=$med
}

if [ $smoke = 1 ]; then
  series=(1000 2000) at_once=(1000)
else
  series=(1000 2000 5000 10000 20000 50000) at_once=(1000 2000 5000 10000)
  [ $full = 1 ] && at_once+=(20000 50000)
fi

if [ $smoke = 0 ]; then
  measure "rack-future morning (jit, validated)" 5120 \
    "$bin" schedule scenarios/rack-future.yaml --policy jit --validate --json --no-save -q
  measure "rack-future main job (run)" 0 "$bin" run scenarios/rack-future.yaml --no-save -q
  measure "site 51,200 morning (jit, validated)" 51200 \
    "$bin" schedule bench/site-10-racks.yaml --policy jit --validate --json --no-save -q
fi

# The scaling series and its growth exponent.
: >"$work/fit"
for k in "${series[@]}"; do
  measure "scaling: $k desktops morning" "$k" \
    "$bin" schedule "bench/scale/desktops-$k.yaml" --policy jit --validate --json --no-save -q
  echo "$k $last_median" >>"$work/fit"
done
exponent=$(awk '$2 > 0 { x = log($1); y = log($2); n++; sx += x; sy += y; sxx += x * x; sxy += x * y }
  END { if (n > 1) printf "%.2f", (n * sxy - sx * sy) / (n * sxx - sx * sx) }' "$work/fit")
echo "growth exponent of wall time over ${series[0]}..${series[-1]} desktops: $exponent"
echo "scaling exponent,\"least squares of log wall on log desktops over ${series[*]}\",$runs,$exponent,,,," >>"$csv"

# k booted at once: ours on the site, the naive model, and their ratio.
for k in "${at_once[@]}"; do
  measure "site: $k booted at once" "$k" "$bin" boot bench/site-10-racks.yaml --vms "$k" --no-save -q
  ours=$last_median
  measure "naive SimGrid model: $k at once" "$k" "$naive" "$k"
  awk -v k="$k" -v a="$ours" -v b="$last_median" \
    'BEGIN { if (b > 0) printf "  ratio ours / naive at %d: %.2f\n", k, a / b }'
done

for s in braids-single-hdd braids-case-study; do
  measure "threshold search: $s" 0 "$bin" threshold "scenarios/$s.yaml" --no-save -q
done

# Forecast: train on 2013-2022 and evaluate on 2023, on the paper's data.
"$bin" dataset -o "$work/usage.csv" >/dev/null
measure "forecast train (2013-2022)" 0 \
  "$bin" forecast train --data "$work/usage.csv" --until 2022-12-31 -o "$work/model.json" -q
measure "forecast evaluate (2023)" 0 \
  "$bin" forecast evaluate --data "$work/usage.csv" --model "$work/model.json" --from 2023-01-01 --json

# Written whole or not at all.
mkdir -p "$(dirname "$out")"
cp "$csv" "$out.tmp.$$" && mv "$out.tmp.$$" "$out"
echo "results: $out"
