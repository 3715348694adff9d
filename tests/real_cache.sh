#!/usr/bin/env bash
# Live host cache (issue 12): linked clones booted with real.cache: host,
# after a warm-up, make their QEMU processes read fewer bytes from storage
# than with cache: none (O_DIRECT), and the simulator with a warm host cache
# predicts the cached live run's all-ready time within 20 %.
#   tests/real_cache.sh VDISTORM SRCDIR
# Exit 77 (skipped) when libvirtd cannot be reached or the guest is not built.
set -euo pipefail
vd=$1 src=$2 k=3
virsh -q -c qemu:///system list >/dev/null 2>&1 || { echo "skip: libvirtd not reachable"; exit 77; }
[ -f "$src/real/guest/base.qcow2" ] || { echo "skip: no guest image (vdistorm real image -o real/guest)"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$src"
base=scenarios/local-calibrated.yaml
# The same calibrated scenario, with the host cache live and simulated.
sed 's/^  disk: linked-clone$/  disk: linked-clone\n  cache: host/' $base >"$dir/live-host.yaml"
sed 's/^storage: {type: local, hdds: 1}$/storage: {type: local, hdds: 1, cache: {at: host, size: 64MB, warm: true}}/' \
  "$dir/live-host.yaml" >"$dir/sim-host.yaml"
grep -q 'cache: host' "$dir/live-host.yaml" && grep -q 'warm: true' "$dir/sim-host.yaml" ||
  { echo "FAIL: could not derive the cached scenarios from $base"; exit 1; }

field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
live() { # live SCENARIO OUT
  "$vd" real boot "$1" --vms $k --json -q --no-save >"$2"
}
# Warm-up (fills the page cache with the base image), then the measured runs.
live "$dir/live-host.yaml" "$dir/warm.json"
live "$base" "$dir/none.json"
live "$dir/live-host.yaml" "$dir/host.json"
none_B=$(field "$dir/none.json" storage_read_MB)
host_B=$(field "$dir/host.json" storage_read_MB)
echo "live k=$k: storage reads ${none_B} MB with cache none, ${host_B} MB with a warm host cache"
python3 -c "import sys; sys.exit(0 if float('$host_B') < float('$none_B') else 1)" ||
  { echo "FAIL: a warm host cache did not read less from storage"; exit 1; }

"$vd" boot "$dir/sim-host.yaml" --vms $k --json -q --no-save >"$dir/sim-host.json"
"$vd" boot "$base" --vms $k --json -q --no-save >"$dir/sim-none.json"
python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
j = lambda n: json.load(open(f"{d}/{n}.json"))
live_none, live_host = j("none")["all_ready_s"], j("host")["all_ready_s"]
sim_none, sim_host = j("sim-none")["all_ready_s"], j("sim-host")["all_ready_s"]
cache = j("sim-host").get("cache")
assert cache and cache["hit_ratio"] > 0.9, f"simulated warm cache hit ratio {cache}"
e_none = (sim_none - live_none) / live_none
e_host = (sim_host - live_host) / live_host
print(f"all ready: live {live_none:.1f} s / {live_host:.1f} s (none / host cache), "
      f"simulated {sim_none:.1f} s / {sim_host:.1f} s: {100*e_none:+.1f} % / {100*e_host:+.1f} %")
# As calibrate does: a run far from its own calibrated prediction without
# the cache means the machine was disturbed (other jobs), not that the
# cache model is wrong; say so instead of judging the cache on it.
if abs(e_none) > 0.2:
    print(f"host disturbed (uncached run {100*e_none:+.1f} % off its calibration): prediction not judged")
    sys.exit(0)
if abs(e_host) > 0.2:
    print("FAIL: the simulated host cache is more than 20 % off the cached live run")
    sys.exit(1)
PY
