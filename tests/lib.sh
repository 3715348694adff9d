# Sourced by the shell test suites (faults, sweep, plan, report): a scratch
# folder to work in, removed on exit, and check(), which counts and names
# failures without stopping the suite; check_done ends it.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
checks=0 failed=0
check() { # MESSAGE CONDITION...
  local msg=$1
  shift
  checks=$((checks + 1))
  if ! "$@"; then
    failed=$((failed + 1))
    echo "FAIL: $msg"
  fi
}
check_done() {
  echo "$((checks - failed))/$checks checks passed"
  [ $failed -eq 0 ]
}
