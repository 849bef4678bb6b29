# photo3d models: list/path/verify/fetch against a local HTTP server
# (tests/http_range_server.py) serving small stand-in files whose sizes and
# sums the test passes in with --manifest. Every photo3d call is bounded by
# `timeout`, the server exits by itself after two minutes.
. "$(dirname "$0")/testlib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "SKIPPED: $PY not found"; exit 77; }
SRC=$(cd "$(dirname "$0")" && pwd)

SRV=$T/srv
mkdir -p "$SRV/files" "$SRV/wrong" "$SRV/long" "$SRV/short"
head -c 3000 /dev/urandom >"$SRV/files/edge-model.pth"
head -c 5000 /dev/urandom >"$SRV/files/depth-model.pth"
head -c 7001 /dev/urandom >"$SRV/files/color-model.pth"
head -c 300000 /dev/urandom >"$SRV/files/model.pt"
for f in "$SRV"/files/*; do
  n=$(basename "$f")
  echo "$n $(stat -c %s "$f") $(sha256sum "$f" | cut -d' ' -f1)" >>"$T/manifest"
  head -c "$(stat -c %s "$f")" /dev/urandom >"$SRV/wrong/$n"   # right size, wrong sum
  cat "$f" "$f" >"$SRV/long/$n"                               # too long
  head -c 1000 "$f" >"$SRV/short/$n"                          # complete response, too short
done

"$PY" "$SRC/http_range_server.py" --root "$SRV" --port-file "$T/port" --log "$T/log" \
  --cut-once files/model.pt:65536 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
[ -s "$T/port" ] || { echo "FAIL: test server did not start"; exit 1; }
URL=http://127.0.0.1:$(cat "$T/port")

export PHOTO3D_MODELS=$T/models
P() { timeout 60 "$P3D_BIN" models "$@" --manifest "$T/manifest" --quiet; }
F() { P fetch --timeout 5 "$@"; }
same() { if cmp -s "$1" "$2"; then ok; else bad "$1 differs from $2"; fi; }
absent() { for f in "$@"; do if [ -e "$f" ]; then bad "$f should not exist"; else ok; fi; done; }
D=$PHOTO3D_MODELS

# Nothing installed yet.
expect_exit 0 P list
expect_out "^model.pt +missing"
expect_exit 0 P verify
expect_out "^model.pt +not installed"
expect_exit 1 P verify model.pt
expect_err "model.pt: missing; run 'photo3d models fetch model.pt'"
expect_exit 2 P verify nosuch.pth
expect_err "unknown model file 'nosuch.pth'"
expect_exit 2 P list --from "$SRV/files"

# Directory selection: PHOTO3D_MODELS, else XDG_CACHE_HOME, else HOME.
expect_exit 0 P path
expect_out "^$D\$"
expect_exit 0 P path model.pt
expect_out "^$D/model.pt\$"
expect_exit 0 env -u PHOTO3D_MODELS XDG_CACHE_HOME=/x "$P3D_BIN" models path
expect_out "^/x/photo3d/models\$"
expect_exit 0 env -u PHOTO3D_MODELS -u XDG_CACHE_HOME HOME=/h "$P3D_BIN" models path
expect_out "^/h/.cache/photo3d/models\$"

# A wrong checksum is rejected; nothing installed, nothing left behind.
expect_exit 1 F --base-url "$URL/wrong" edge-model.pth
expect_err "edge-model.pth not installed: .*SHA-256 [0-9a-f]{64}, expected"
absent "$D/edge-model.pth" "$D/edge-model.pth.part"

# A server sending more than the file's size is cut off; nothing left behind.
expect_exit 1 F --base-url "$URL/long" edge-model.pth
expect_err "more bytes than the file should have"
absent "$D/edge-model.pth" "$D/edge-model.pth.part"

# A complete response that is too short is a wrong file, not a prefix: removed.
expect_exit 1 F --base-url "$URL/short" edge-model.pth
expect_err "the server's file has 1000 bytes, expected 3000"
absent "$D/edge-model.pth" "$D/edge-model.pth.part"

# An interrupted download keeps its .part (65536 bytes) ...
expect_exit 1 F --base-url "$URL/files" model.pt
expect_err "model.pt not installed \(65536 bytes kept in .*model.pt.part; run the fetch again to resume\)"
absent "$D/model.pt"
if [ "$(stat -c %s "$D/model.pt.part" 2>/dev/null)" = 65536 ]; then ok; else bad "no 65536-byte .part"; fi
expect_exit 0 P list
expect_out "^model.pt +partial \(21%\)"
# ... and the next fetch resumes it with a Range request.
expect_exit 0 F --base-url "$URL/files" model.pt
expect_out "^model.pt +installed: $D/model.pt"
same "$D/model.pt" "$SRV/files/model.pt"
absent "$D/model.pt.part"
if grep -q "GET /files/model.pt range=bytes=65536- status=206" "$T/log"; then ok; else bad "no resumed request: $(cat "$T/log")"; fi

# The first location fails (404): the second one is used.
expect_exit 0 F --base-url "$URL/missing" --base-url "$URL/files" depth-model.pth
same "$D/depth-model.pth" "$SRV/files/depth-model.pth"
if grep -q "GET /missing/depth-model.pth range=- status=404" "$T/log"; then ok; else bad "404 location not tried"; fi

# A server that ignores Range restarts the file from zero (the junk prefix goes).
head -c 100 /dev/urandom >"$D/color-model.pth.part"
expect_exit 0 F --base-url "$URL/norange" color-model.pth
same "$D/color-model.pth" "$SRV/files/color-model.pth"

# A full-size .part from an earlier run is verified and installed without a download.
cp "$SRV/files/edge-model.pth" "$D/edge-model.pth.part"
expect_exit 0 F --base-url "http://127.0.0.1:9/none" edge-model.pth
same "$D/edge-model.pth" "$SRV/files/edge-model.pth"

# Everything is there now: fetch with no names does nothing, verify passes.
expect_exit 0 F --base-url "$URL/wrong"
expect_out "^model.pt +already installed"
same "$D/model.pt" "$SRV/files/model.pt"
expect_exit 0 P verify
expect_out "^edge-model.pth +ok"
expect_exit 0 P list
expect_out "^model.pt +installed"

# verify finds a changed byte and a truncated file.
printf 'X' | dd of="$D/depth-model.pth" bs=1 seek=10 conv=notrunc status=none
truncate -s 2999 "$D/edge-model.pth"
expect_exit 1 P verify
if grep -q "depth-model.pth: SHA-256 [0-9a-f]*, expected" "$T/err" &&
   grep -q "edge-model.pth: 2999 bytes, expected 3000" "$T/err"; then ok; else bad "verify: $(cat "$T/err")"; fi
expect_exit 1 P verify depth-model.pth
expect_exit 0 P verify model.pt
# fetch repairs them.
expect_exit 0 F --base-url "$URL/files"
expect_exit 0 P verify

# A stalled server is given up after --timeout; what arrived is kept for resuming.
rm "$D/model.pt"
start=$(date +%s)
expect_exit 1 P fetch --timeout 1 --base-url "$URL/stall" model.pt
expect_err "model.pt not installed \(150000 bytes kept"
if [ $(($(date +%s) - start)) -lt 15 ]; then ok; else bad "stalled fetch took too long"; fi

# A second fetch into the same .part (locked by the first) is refused; the file is kept.
"$PY" -c 'import fcntl, sys, time
f = open(sys.argv[1], "ab"); fcntl.lockf(f, fcntl.LOCK_EX); open(sys.argv[2], "w").close(); time.sleep(20)' \
  "$D/model.pt.part" "$T/locked" &
LOCKER=$!
for _ in $(seq 100); do [ -e "$T/locked" ] && break; sleep 0.1; done
expect_exit 1 F --base-url "$URL/files" model.pt
expect_err "model.pt.part: another fetch is writing this file"
kill $LOCKER 2>/dev/null; wait $LOCKER 2>/dev/null
if [ "$(stat -c %s "$D/model.pt.part")" = 150000 ]; then ok; else bad "locked .part changed"; fi

# --from DIR: copies verified files; a wrong one is refused with nothing installed.
export PHOTO3D_MODELS=$T/models2
expect_exit 1 F --from "$SRV/wrong" model.pt
expect_err "$SRV/wrong/model.pt: SHA-256"
if [ -z "$(ls -A "$T/models2")" ]; then ok; else bad "left behind: $(ls "$T/models2")"; fi
expect_exit 1 F --from "$T/nowhere" model.pt
expect_err "$T/nowhere/model.pt: missing"
expect_exit 0 F --from "$SRV/files"
for n in edge-model.pth depth-model.pth color-model.pth model.pt; do same "$T/models2/$n" "$SRV/files/$n"; done
expect_exit 0 P verify

# Commands that need a missing file name it and the command that fetches it.
export PHOTO3D_MODELS=$T/empty
expect_exit 1 timeout 60 "$P3D_BIN" depth "$SRV/files/model.pt" --out "$T/d.npy" --quiet
expect_err "^photo3d depth: $T/empty/model.pt: the MiDaS v1 monocular depth network is not installed; run 'photo3d models fetch model.pt'\$"
absent "$T/d.npy"
expect_exit 2 timeout 60 "$P3D_BIN" depth "$SRV/files/model.pt"
expect_exit 2 timeout 60 "$P3D_BIN" depth "$SRV/files/model.pt" --out "$T/d.jpg"

# A bad manifest is a one-line error naming the file and line.
echo "model.pt 12 xyz" >"$T/badmanifest"
expect_exit 1 timeout 10 "$P3D_BIN" models list --manifest "$T/badmanifest"
expect_err "badmanifest:1: expected 'NAME SIZE SHA256'"
finish
