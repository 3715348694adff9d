#!/usr/bin/env bash
# vdistorm quick start, for a fresh Debian 12 machine (run as root so that
# missing Debian packages can be installed):
#
#   ./quickstart.sh run [ARGS]   install what is missing, build, and run the main
#                                job (vdistorm run) on the bundled default scenario
#   ./quickstart.sh test         install what is missing, build, and run the whole
#                                test suite, then again under ASan + UBSan, then
#                                each libFuzzer target for 30 s (docs/FUZZING.md)
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake pkg-config libsimgrid-dev libyaml-dev libcjson-dev libxgboost-dev libicu-dev
  libvirt-dev libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils busybox-static
  linux-image-cloud-amd64 cpio kmod procps gnuplot-nox time clang libclang-rt-14-dev chromium openmpi-bin libopenmpi-dev)

install_missing() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  if [ "$(id -u)" != 0 ]; then
    echo "quickstart: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "quickstart: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confnew "${missing[@]}" >/dev/null
}

build() { # build DIR [cmake args]
  local dir=$1
  shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
run)
  install_missing
  build build >/dev/null
  exec ./build/vdistorm run "$@"
  ;;
test)
  install_missing
  build build
  # The live backend's tests need libvirt (no systemd here: start the daemons
  # ourselves, quietly, only if they are not running) and the guest image.
  pgrep -x virtlogd >/dev/null || virtlogd -d >/dev/null 2>&1 || true
  pgrep -x libvirtd >/dev/null || libvirtd -d >/dev/null 2>&1 || true
  [ -f real/guest/base.qcow2 ] || ./build/vdistorm real image -o real/guest
  (cd build && ctest --output-on-failure -j"$(nproc)")
  echo "quickstart: the same tests under AddressSanitizer + UndefinedBehaviorSanitizer" >&2
  build build-asan -DVS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j"$(nproc)")
  # The fuzzers stay in CI: each reader gets a short, fixed run on a scratch
  # copy of its seed corpus and fixtures. Only the fuzz targets are built with
  # clang (libclang-rt-14-dev has libFuzzer; clang-14 only recommends it).
  echo "quickstart: the fuzz targets, 30 s each (libFuzzer + ASan + UBSan)" >&2
  cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DVS_FUZZ=ON >/dev/null
  cmake --build build-fuzz -j"$(nproc)" --target fuzzers
  fuzz/run.sh build-fuzz 30
  ;;
*)
  echo "usage: ./quickstart.sh run [ARGS] | test" >&2
  exit 2
  ;;
esac
