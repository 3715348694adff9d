#!/usr/bin/env bash
# Sweeps and --set: one row per grid point, in grid order; the same rows
# under mpirun -n 2 as locally; --resume after a killed sweep runs only the
# points it had not finished; bad --vary and --set values are one line,
# exit 2 and no output.
#
#   tests/sweep.sh VDISTORM SOURCE_DIR HAVE_MPI(0|1|asan)
# (asan: the ranks run with LeakSanitizer off: Open MPI holds memory at exit)
set -uo pipefail
bin=$1
src=$2
have_mpi=$3
. "$(dirname "$0")/lib.sh"
case=$src/scenarios/braids-case-study.yaml

# -- --set on a simulating command: the value is used, and a bad one is the
#    loader's message naming the override.
th=$("$bin" threshold "$case" --set storage.hdds=4 --json --no-save -q | sed -n 's/^[[:space:]]*"threshold":[[:space:]]*\([0-9]*\),/\1/p')
check "--set storage.hdds=4: threshold 4 (got '$th')" test "$th" = 4
th=$("$bin" threshold "$case" --set storage.hdds+=2 --json --no-save -q | sed -n 's/^[[:space:]]*"threshold":[[:space:]]*\([0-9]*\),/\1/p')
check "--set storage.hdds+=2: threshold above 10 (got '$th')" test "$th" -gt 10
"$bin" run "$case" --set storage.hdds=abc -o setbad >set.out 2>set.err
check "--set bad value: exit 2" test $? -eq 2
check "--set bad value: one line" test "$(wc -l <set.err)" -eq 1
check "--set bad value: names the override and the key" \
  grep -q "^vdistorm: --set storage.hdds=abc: storage.hdds: 'abc' is not an integer" set.err
check "--set bad value: no folder" test ! -e setbad
# Items of sequences, by .N or [N]; keys the file lacks are added, mappings too.
check "--set into a sequence item" grep -q "^vdistorm: --set hdd.concurrency.1.factor=abc: hdd.concurrency\[1\].factor: 'abc' is not a number" \
  <("$bin" threshold "$case" --set hdd.concurrency.1.factor=abc --no-save 2>&1)
check "--set past a sequence's end" grep -q "hdd.concurrency\[20\]: no such item (the sequence has 10)" \
  <("$bin" threshold "$case" --set "hdd.concurrency[20].factor=1" --no-save 2>&1)
check "--set of a key the loader does not know" grep -q "^vdistorm: --set hosts.cpus=4: hosts.cpus: unknown key" \
  <("$bin" threshold "$case" --set hosts.cpus=4 --no-save 2>&1)
check "--set adds a missing section (storage.cache)" grep -q '"host_memory_bytes"' \
  <("$bin" boot "$case" --vms 2 --set storage.cache.at=host --set storage.cache.size=1GB --json --no-save -q)

# -- A local sweep: 3 x 2 points, one row each, in grid order.
"$bin" sweep "$case" --vary storage.hdds=4..8:2 --vary storage.link_bw=1Gbps,10Gbps -o local -q >local.out 2>local.err
check "local sweep: exit 0 ($(cat local.err))" test $? -eq 0
check "local sweep: header" test "$(head -1 local/sweep.csv | cut -d, -f1-5)" = \
  "storage.hdds,storage.link_bw,threshold,limit,jit.on_time"
check "local sweep: 6 rows" test "$(tail -n +2 local/sweep.csv | wc -l)" -eq 6
check "local sweep: grid order" test "$(tail -n +2 local/sweep.csv | cut -d, -f1,2 | tr '\n' ' ')" = \
  "4,1Gbps 4,10Gbps 6,1Gbps 6,10Gbps 8,1Gbps 8,10Gbps "
check "local sweep: the threshold follows the HDDs" test "$(tail -n +2 local/sweep.csv | cut -d, -f3 | tr '\n' ' ')" = \
  "4 4 6 6 8 8 "
check "local sweep: a result folder per point" test "$(ls local/points | wc -l)" -eq 6
check "local sweep: point folders are results" test -s local/points/p0003-6-10Gbps/summary.json
check "local sweep: -q prints nothing on stderr" test ! -s local.err

# -- The same sweep over two MPI ranks: the same rows.
if [ "$have_mpi" != 0 ]; then
  root=()
  [ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
  [ "$have_mpi" = asan ] && export ASAN_OPTIONS=detect_leaks=0 && root+=(-x ASAN_OPTIONS)
  timeout 300 mpirun "${root[@]}" --oversubscribe -n 2 "$bin" sweep "$case" --vary storage.hdds=4..8:2 \
    --vary storage.link_bw=1Gbps,10Gbps -o mpi --json >mpi.out 2>mpi.err
  check "mpi sweep: exit 0 ($(tail -3 mpi.err))" test $? -eq 0
  check "mpi sweep: two ranks" grep -q '"ranks":[[:space:]]*2' mpi.out
  check "mpi sweep: 6 children" grep -q '"run":[[:space:]]*6' mpi.out
  check "mpi sweep: the local sweep's rows" cmp -s <(sort local/sweep.csv) <(sort mpi/sweep.csv)
  unset ASAN_OPTIONS
else
  echo "SKIP: mpi sweep (vdistorm was built without MPI: install libopenmpi-dev and rebuild)"
fi

# -- Interrupted, then resumed: no finished point is run again.
grid=(--vary storage.hdds=2..9)
"$bin" sweep "$case" "${grid[@]}" -j 1 -o full -q >/dev/null 2>&1
check "reference sweep: 8 rows" test "$(tail -n +2 full/sweep.csv | wc -l)" -eq 8
"$bin" sweep "$case" "${grid[@]}" -j 1 -o cut -q >/dev/null 2>cut.err &
pid=$!
for _ in $(seq 1 600); do # until two rows are on disk
  [ "$(tail -n +2 cut/sweep.csv 2>/dev/null | wc -l)" -ge 2 ] && break
  sleep 0.05
done
kill -INT $pid
wait $pid
code=$?
rows=$(tail -n +2 cut/sweep.csv | wc -l)
check "interrupted sweep: exit 130 (got $code)" test $code -eq 130
check "interrupted sweep: one line" test "$(wc -l <cut.err)" -eq 1
check "interrupted sweep: says how far it got" grep -q "interrupted by SIGINT; $rows of 8 points done" cut.err
check "interrupted sweep: some but not all rows kept ($rows)" test "$rows" -ge 2 -a "$rows" -lt 8
check "interrupted sweep: a folder per finished point only" test "$(ls cut/points | wc -l)" -eq "$rows"
check "interrupted sweep: no partial folder" test -z "$(ls -d cut/points/*.partial-* cut/*.tmp* 2>/dev/null)"
sleep 1.1 # a rerun point would get a newer mtime
stamp=$(stat -c '%n %Y' cut/points/* | sort)
"$bin" sweep "$case" "${grid[@]}" -o cut --resume --json -q >resume.out 2>resume.err
check "resumed sweep: exit 0 ($(cat resume.err))" test $? -eq 0
check "resumed sweep: ran only the $((8 - rows)) missing points" grep -q "\"run\":[[:space:]]*$((8 - rows))," resume.out
check "resumed sweep: $rows rows kept" grep -q "\"resumed\":[[:space:]]*$rows," resume.out
check "resumed sweep: finished points untouched" test "$(stat -c '%n %Y' $(echo "$stamp" | cut -d' ' -f1) | sort)" = "$stamp"
check "resumed sweep: the uninterrupted sweep's rows" cmp -s full/sweep.csv cut/sweep.csv

# -- Bad --vary: one line naming the argument, exit 2, no output folder.
for bad in "storage.hdds=4,abc" "storage.hdz=4" "storage.hdds=4..x" "storage.link_bw=1Gbps,10Gbs" "storage.hdds"; do
  rm -rf badout
  "$bin" sweep "$case" --vary "$bad" -o badout >bad.out 2>bad.err
  code=$?
  check "--vary $bad: exit 2 (got $code)" test $code -eq 2
  check "--vary $bad: one line" test "$(wc -l <bad.err)" -eq 1
  check "--vary $bad: names the argument" grep -qF -- "--vary $bad" bad.err
  check "--vary $bad: nothing on stdout" test ! -s bad.out
  check "--vary $bad: no output folder" test ! -e badout
done
check "--vary with a bad value: the loader's message" \
  grep -q "storage.hdds: 'abc' is not an integer" <("$bin" sweep "$case" --vary storage.hdds=4,abc -o badout 2>&1)

check_done
