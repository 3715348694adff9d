#!/usr/bin/env bash
# The fault suite of the simulator's side: signals, kills while saving, bad
# output targets, runs too big for the machine, bounded memory on extreme
# input, schedules that forget desktops, JSON errors. (The live backend's
# faults are in test_real.c.)
#
#   tests/faults.sh VDISTORM SOURCE_DIR [--small]
#
# --small (sanitizer builds): a smaller storm for the signals, and no kill
# series of 5,120-desktop runs.
set -uo pipefail
bin=$1
src=$2
small=${3:-}
. "$(dirname "$0")/lib.sh"
rack=$src/scenarios/rack-future.yaml
case=$src/scenarios/braids-case-study.yaml

# -- SIGINT, SIGTERM, SIGHUP during a simulation: one line, 128 + signal,
#    nothing written.
storm=("$rack" 5120)
[ "$small" = --small ] && storm=("$src/scenarios/morning-1000.yaml" 1000)
for sig in INT TERM HUP; do
  "$bin" boot "${storm[0]}" --vms "${storm[1]}" -o "sig-$sig" -q 2>"sig-$sig.err" &
  pid=$!
  sleep 1
  kill -"$sig" $pid
  wait $pid
  code=$?
  want=$((128 + $(kill -l "$sig")))
  check "SIG$sig: exit $code, expected $want" test $code -eq $want
  check "SIG$sig: one line on stderr" test "$(grep -c . "sig-$sig.err")" -eq 1
  check "SIG$sig: says so" grep -q "interrupted by SIG$sig at simulated t=" "sig-$sig.err"
  check "SIG$sig: no result folder" test ! -e "sig-$sig"
  check "SIG$sig: no partial folder" test -z "$(ls -d sig-"$sig".partial-* 2>/dev/null)"
done

# -- SIGKILL at several points of a run that replaces a previous result:
#    the previous result stays whole until the new one is complete, and the
#    next run removes what the killed one left.
if [ "$small" != --small ]; then
"$bin" boot "$rack" --vms 192 -o kept -q >/dev/null
check "first result written" test -s kept/summary.json
# How long a whole run of 5,120 takes here, so that the kills below land
# across it, the last ones while it writes its folder.
t0=$(date +%s.%N)
"$bin" boot "$rack" --vms 5120 -o whole -q >/dev/null
total=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
for frac in 0.2 0.5 0.8 0.9 0.95 0.98 1.0 1.02; do
  delay=$(awk -v t="$total" -v f="$frac" 'BEGIN { print t * f }')
  "$bin" boot "$rack" --vms 5120 -o kept -q >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -KILL $pid 2>/dev/null
  wait $pid 2>/dev/null
  lines=$(wc -l <kept/vms.csv)
  # Either the old result (192 VMs) or the whole new one, never a mix.
  check "SIGKILL at ${frac} of a run: kept/ is one whole result ($lines lines)" \
    test "$lines" -eq 193 -o "$lines" -eq 5121
  check "SIGKILL at ${frac} of a run: its summary is whole" grep -q '^}' kept/summary.json
  [ "$lines" -eq 193 ] || "$bin" boot "$rack" --vms 192 -o kept -q >/dev/null
done
"$bin" boot "$rack" --vms 192 -o kept -q >/dev/null
check "a run after the kills succeeds" test "$(wc -l <kept/vms.csv)" -eq 193
check "no partial folder of a killed run is left" test -z "$(ls -d kept.partial-* 2>/dev/null)"
fi
check "no platform file left in /tmp" test -z "$(ls /tmp/vdistorm-platform-* 2>/dev/null)"

# -- Output targets.
"$bin" boot "$case" --vms 2 -o slash/ -q >/dev/null
check "-o DIR/ writes DIR" test -s slash/summary.json
check "-o DIR/ leaves no partial" test -z "$(ls -d slash*.partial-* 2>/dev/null)"
mkdir foreign && echo mine >foreign/notes.txt
"$bin" boot "$case" --vms 2 -o foreign -q 2>foreign.err >/dev/null
check "a folder vdistorm did not write is refused (exit 2)" test $? -eq 2
check "the refusal says why" grep -q "foreign exists and was not written by vdistorm" foreign.err
check "the foreign folder is untouched" test "$(cat foreign/notes.txt)" = mine
"$bin" boot "$case" --vms 2 -o foreign --force -q >/dev/null
check "--force replaces it whole" test -s foreign/summary.json -a ! -e foreign/notes.txt
"$bin" boot "$case" --vms 3 -o slash -q >/dev/null
check "our own folder is replaced whole" test "$(wc -l <slash/vms.csv)" -eq 4
ln -s slash link
"$bin" boot "$case" --vms 2 -o link -q 2>/dev/null >/dev/null
check "a symlink target is refused (exit 2)" test $? -eq 2
check "the symlink stays a symlink" test -L link
"$bin" boot "$case" --vms 2 -o /dev/null -q 2>/dev/null >/dev/null
check "a device is refused (exit 2)" test $? -eq 2
check "the device is still a device" test -c /dev/null
sed 's/^name: .*/name: "..\/..\/evil\\nname"/' "$case" >evil.yaml
mkdir -p results/runs
"$bin" boot evil.yaml --vms 1 -q >/dev/null
check "a scenario name becomes a safe folder name" \
  test "$(find results/runs -mindepth 1 -maxdepth 1 -type d -name '_._.._evil_name-*' | wc -l)" -eq 1
check "nothing written outside results/runs" test ! -e ../evil -a ! -e ../../evil

# -- Inputs that are not regular files are refused at once, not waited on.
mkfifo fifo.yaml
timeout 10 "$bin" boot fifo.yaml --no-save -q 2>fifo.err >/dev/null
check "a FIFO as the scenario: exit 2 at once" test $? -eq 2
check "it says why" grep -q "fifo.yaml: not a regular file" fifo.err
timeout 10 "$bin" validate "$case" --schedule fifo.yaml --no-save -q 2>/dev/null >/dev/null
check "a FIFO as the schedule: exit 2 at once" test $? -eq 2

# -- A run too big for this machine is refused before it starts.
"$bin" boot "$case" --vms 1000000 --no-save -q 2>big.err >/dev/null
check "1,000,000 VMs at once: exit 2" test $? -eq 2
check "the refusal gives the estimate and what is available" grep -q "need about .* GiB; this machine has .* GiB available" big.err

# -- Extreme accepted input stays in bounded memory: boots lasting years.
cat >long.yaml <<'EOF'
name: long
hosts: {count: 1, cores: 1, core_speed: 1GHz}
storage: {type: local, hdds: 1}
hdd: {read_bw: 1kB/s}
boot: {read: 100TB, chunks: 4}
EOF
timeout 120 "$bin" boot long.yaml --vms 2 -o long -q >/dev/null
check "a boot of 10^11 s finishes" test $? -eq 0
check "its series were coarsened, not grown" test "$(wc -l <long/timeseries.csv)" -le 131073

# -- A schedule that forgets desktops is not a success.
head -84 "$src/tests/reference/morning-1000-jit.schedule.csv" >part.csv
"$bin" validate "$src/scenarios/morning-1000.yaml" --schedule part.csv --json --no-save -q >part.json 2>/dev/null
check "validate of 83 of 900 VMs exits 1" test $? -eq 1
check "it reports the 817 missing" grep -q '"missing_vms":[[:space:]]*817' part.json

# -- --json failures are JSON on stdout too.
"$bin" boot "$src/tests/bad/range_latency.yaml" --json --no-save 2>/dev/null >err.json
check "a bad scenario with --json exits 2" test $? -eq 2
check "its JSON names file, line, col and key" grep -q \
  '"error":{"file":"[^"]*range_latency.yaml","line":7,"col":16,"key":"hosts.nic_latency","message":' err.json

check_done
