#!/usr/bin/env bash
# The cheapest plan against brute force: every combination of
# tests/plan/plan-small.yaml's options simulated (a sweep over the same
# overrides: one `vdistorm run --set ...` per combination), the cheapest
# that meets the goal picked here, and compared with `vdistorm plan`.
#
#   tests/plan.sh VDISTORM SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
. "$(dirname "$0")/lib.sh"
small=$src/tests/plan/plan-small.yaml
# A number after "KEY": in pretty-printed JSON (the first one from line $3 on).
json_num() { awk -v k="\"$2\":" -v from="${3:-1}" 'NR >= from && index($0, k) { gsub(/[^0-9.eE+-]/, "", $2); print $2; exit }' FS=':' "$1"; }

# -- The search.
"$bin" plan "$small" --json -o out -q >plan.json 2>plan.err
check "plan: exit 0 ($(cat plan.err))" test $? -eq 0
check "plan: writes plan.json" cmp -s plan.json out/plan.json
check "plan: writes plan.csv" test -s out/plan.csv
check "plan: 28 combinations" test "$(json_num plan.json combinations)" = 28
sim=$(json_num plan.json simulated)
pruned=$(json_num plan.json pruned)
check "plan: simulated + pruned = 28 ($sim + $pruned)" test $((sim + pruned)) -eq 28
check "plan: pruning saved simulations ($sim)" test "$sim" -lt 28
check "plan: something meets the goal" grep -q '"closest":[[:space:]]*null' plan.json
for key in goal cheapest frontier threshold limit makespan_s latest_ready_s margin_s on_time storm meets; do
  check "plan --json has \"$key\"" grep -q "\"$key\":" plan.json
done
line=$(grep -n '"cheapest"' plan.json | cut -d: -f1)
plan_cost=$(json_num plan.json cost "$line")

# -- Brute force: every combination, the cheapest that meets the goal.
# Units of "+1 HDD" (700 each, 4 HDDs in the file), "faster HDDs" (2500,
# hdd.read_bw 20MB/s), "+1 host" (9000, 4 hosts in the file).
"$bin" sweep "$small" --vary storage.hdds=4..10 --vary hdd.read_bw=10.9MB/s,20MB/s --vary hosts.count=4,5 \
  -o brute -q >/dev/null 2>brute.err
check "brute force: exit 0 ($(cat brute.err))" test $? -eq 0
check "brute force: 28 combinations" test "$(tail -n +2 brute/sweep.csv | wc -l)" -eq 28
best=$(awk -F, 'NR > 1 {
    cost = ($1 - 4) * 700 + ($2 == "20MB/s") * 2500 + ($3 - 4) * 9000
    # jit is the first policy: columns 6 (on_time) and 9 (storm)
    if ($6 >= 1 && $9 == "false" && (best == "" || cost < best)) best = cost
  } END { print best }' brute/sweep.csv)
check "plan: the cheapest ($plan_cost) is brute force's ($best)" test -n "$best" -a "$plan_cost" = "$best"
top3=$(awk -F, 'NR > 1 {
    cost = ($1 - 4) * 700 + ($2 == "20MB/s") * 2500 + ($3 - 4) * 9000
    if ($6 >= 1 && $9 == "false") print cost
  }' brute/sweep.csv | sort -n | head -3 | tr '\n' ' ')
listed=$(awk '/"cheapest"/ { on = 1 } /"frontier"/ { on = 0 } on && /"cost":/ { gsub(/[^0-9.]/, "", $0); printf "%s ", $0 }' plan.json)
check "plan: the 3 cheapest that meet ($listed) are brute force's ($top3)" test "$listed" = "$top3"
# Its figures are the simulation's: the row of that combination (3 HDDs more).
row=$(awk -F, '$1 == 7 && $2 == "10.9MB/s" && $3 == 4' brute/sweep.csv)
check "plan: the cheapest buys 3 HDDs (row $row)" test "$best" = 2100
ms=$(json_num plan.json makespan_s "$line")
check "plan: its makespan is the run's ($ms vs $(echo "$row" | cut -d, -f7))" \
  awk -v a="$ms" -v b="$(echo "$row" | cut -d, -f7)" 'BEGIN { exit !(a - b < 1 && b - a < 1) }'
check "plan.csv: the frontier, cheapest first" test "$(cut -d, -f1 out/plan.csv | tail -n +2 | tr '\n' ' ')" = \
  "0 700 1400 2100 "

# -- Nothing meets the goal: the closest miss, exit 1.
"$bin" plan "$small" --set workload.earliest_start=07:58 -j 1 --json --no-save -q >miss.json 2>miss.err
check "unreachable goal: exit 1 (got $?)" test $? -eq 1
check "unreachable goal: a closest miss" grep -q '"miss_s":' miss.json
check "unreachable goal: decided by the largest purchase alone" test "$(json_num miss.json simulated)" = 1
"$bin" plan "$small" --set workload.earliest_start=07:58 --no-save -q >miss.txt
check "unreachable goal: says so" grep -q "NO combination meets the goal" miss.txt

# -- Interrupted: children killed, one line, exit 130, no folder.
"$bin" plan "$small" -j 1 -o cut -q >/dev/null 2>cut.err &
pid=$!
sleep 1
kill -INT $pid
wait $pid
code=$?
check "interrupted plan: exit 130 (got $code)" test $code -eq 130
check "interrupted plan: one line" test "$(wc -l <cut.err)" -eq 1
check "interrupted plan: says so" grep -q "interrupted by SIGINT" cut.err
check "interrupted plan: no folder" test -z "$(ls -d cut cut.partial-* 2>/dev/null)"
sleep 0.5
check "interrupted plan: no child left" test -z "$(pgrep -f -- "run $small" 2>/dev/null)"

# -- An option value out of range: one line naming the option, exit 2, no folder.
"$bin" plan "$src/tests/plan/plan-bad-value.yaml" -o badout >bad.out 2>bad.err
check "bad option value: exit 2 (got $?)" test $? -eq 2
check "bad option value: one line" test "$(wc -l <bad.err)" -eq 1
check "bad option value: names the option and the key" \
  grep -q "plan-bad-value.yaml:[0-9]*:[0-9]*: plan.options\[0\] ('+1 HDD' x 6): storage.hdds: '30004' is too large" bad.err
check "bad option value: no folder" test ! -e badout
"$bin" plan "$src/scenarios/braids-case-study.yaml" --no-save >none.out 2>none.err
check "no plan section: exit 2 (got $?)" test $? -eq 2

check_done
