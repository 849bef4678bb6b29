# Shell test helpers: source from tests/test_*.sh. P3D_BIN is the photo3d binary.
set -u
PASS=0
FAIL=0
: "${P3D_BIN:?P3D_BIN not set (run through ctest)}"
T=$(mktemp -d /tmp/p3dsh.XXXXXX)
trap 'rm -rf "$T"' EXIT
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }
# expect_exit CODE CMD... : runs CMD, checks its exit status, keeps stderr in $T/err
expect_exit() {
  local want=$1; shift
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "exit $got, expected $want: $* ($(head -c 300 "$T/err"))"; fi
}
# expect_err PATTERN : the last command's stderr matches PATTERN (grep -E) and is one line
expect_err() {
  if grep -Eq -- "$1" "$T/err" && [ "$(wc -l <"$T/err")" -le 1 ]; then ok; else bad "stderr '$(cat "$T/err")' does not match '$1' on one line"; fi
}
expect_out() {
  if grep -Eq -- "$1" "$T/out"; then ok; else bad "stdout does not match '$1': $(head -c 500 "$T/out")"; fi
}
need_data() {
  [ -d "${P3D_SHARED_DATA:-/nonexistent}" ] || { echo "SKIPPED: shared data not found at ${P3D_SHARED_DATA:-unset}"; exit 77; }
}
finish() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]
}
