#!/usr/bin/env bash
# Engine results stay put: every per-VM boot of the bundled scenarios, as
# simulated by this build, within 0.5 % of the reference recorded in
# tests/reference/ (the engine as it was before the scale work, see
# bench/README.md). A faster engine must give the same answers.
#
#   tests/reference.sh VDISTORM ROOT [--small] [--update]
#
# --small skips the 5,120-desktop rack cases (sanitizer builds are slow);
# --update rewrites the references from this build (only on purpose: say in
# the commit why the model's answers moved).
#
# Each line of tests/reference/cases.txt is `NAME ARGS...`: `vdistorm ARGS -o
# DIR -q` is run and DIR/vms.csv (vm,host,disk,start_s,ready_s,boot_s) is
# compared with tests/reference/NAME.csv. Schedules the cases validate live
# in tests/reference/ too, so that a change to how jit plans does not move
# the engine's reference.
set -euo pipefail
bin=$1
root=$2
shift 2
small=0 update=0
for a in "$@"; do
  case $a in
  --small) small=1 ;;
  --update) update=1 ;;
  *) echo "reference.sh: unknown option $a" >&2 && exit 2 ;;
  esac
done
ref=$root/tests/reference
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"

# The tolerance is on the boot time (ready - start), which is stricter than
# on the ready time of a VM started late in a schedule.
compare() { # NAME GOT.csv
  awk -F, -v name="$1" -v tol=0.005 '
    FNR == 1 { next }
    NR == FNR { want[$1] = $6; n++; next }
    { got++
      if (!($1 in want)) { printf "%s: vm %s not in the reference\n", name, $1; bad++; next }
      d = $6 - want[$1]; if (d < 0) d = -d
      if (d > tol * want[$1] + 0.0005) {
        if (bad < 5) printf "%s: vm %s boots in %s s, reference %s s (%.2f %%)\n", name, $1, $6, want[$1], 100 * d / want[$1]
        bad++
      }
      if (d / want[$1] > worst) worst = d / want[$1]
    }
    END {
      if (got != n) { printf "%s: %d VMs, reference %d\n", name, got, n; bad++ }
      printf "%-28s %5d VMs  worst %.4f %%%s\n", name, got, 100 * worst, bad ? "  FAIL" : ""
      exit bad ? 1 : 0
    }' "$ref/$1.csv" "$2"
}

fail=0
while read -r name args; do
  case $name in '' | '#'*) continue ;; esac
  if [ $small = 1 ] && [[ $name == rack-* ]]; then
    echo "$name: skipped (--small)"
    continue
  fi
  # shellcheck disable=SC2086 # ARGS are words
  if ! "$bin" $args -o "$tmp/$name" -q >"$tmp/$name.log" 2>&1; then
    echo "$name: vdistorm $args failed:" && cat "$tmp/$name.log"
    fail=1
    continue
  fi
  if [ $update = 1 ]; then
    cp "$tmp/$name/vms.csv" "$ref/$name.csv"
    echo "$name: reference updated"
  else
    compare "$name" "$tmp/$name/vms.csv" || fail=1
  fi
done <"$ref/cases.txt"
exit $fail
