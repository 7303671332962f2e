#!/usr/bin/env bash
# RM workbench benchmark (issue 6): `GET /api/v1/workbench` and the `/workbench` page at a fixed
# arrival rate (open loop, RATE requests/s, default 200) for DURATION seconds, each request as one
# of the demo bank's RMs in turn, on a bank of N customers built by the real path (`rapport
# demo`: extracts → import → resolve → score → alerts). Also prints how long the alert job took
# for the whole bank (`rapport alerts`, inside the demo, and once more on its own).
#
#   bench/workbench.sh                                # SQLite, N=100000
#   DATABASE_URL=postgres://… bench/workbench.sh      # PostgreSQL (an empty database)
# BANK=direct builds the bank faster, without import and resolution (`rapport demo
# --ground-truth --scored`: the generator's true bank loaded, its balances and transactions
# loaded into the warehouse, scored, the alert job run) — the workbench reads the same tables.
# Knobs: N, BANK (real | direct), AS_OF (the bank's date, default 2026-06-30), RATE, DURATION
# (seconds), RMS (how many of the bank's RMs the load logs in as, in turn; default 50), WORK
# (scratch dir; a bank is built once per N, backend and path), PORT.
# Loopback only; the server it starts is stopped at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
RATE=${RATE:-200}
SECONDS_RUN=${DURATION:-60}
RMS=${RMS:-50}
AS_OF=${AS_OF:-2026-06-30}
WORK=${WORK:-/var/tmp/rapport-workbench-bench}
PORT=${PORT:-18291}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

echo "== building rapport and the load generator (release)"
cargo build --release --locked -q -p rapport --bin rapport
CARGO_TARGET_DIR="${LOADGEN_TARGET_DIR:-$CARGO_TARGET_DIR/loadgen}" \
  cargo build --release --locked -q -p rapport-loadgen --bin workbench_load
BIN="$CARGO_TARGET_DIR/release/rapport"
LOAD="${LOADGEN_TARGET_DIR:-$CARGO_TARGET_DIR/loadgen}/release/workbench_load"

if [ -n "${DATABASE_URL:-}" ]; then BACKEND=postgres; DB=(--database-url "$DATABASE_URL"); else BACKEND=sqlite; DB=(); fi
mkdir -p "$WORK"
BANK=${BANK:-real}
case "$BANK" in
  real) BUILD=(); DATA="$WORK/bank-$N-$BACKEND" ;;
  direct) BUILD=(--ground-truth --scored); DATA="$WORK/bank-$N-$BACKEND-direct" ;;
  *) echo "BANK must be real or direct, not $BANK" >&2; exit 2 ;;
esac
if [ ! -f "$DATA/.built" ]; then
  rm -rf "$DATA"
  echo "== building a bank of $N customers on $BACKEND ($BANK path) and scoring it"
  start=$(date +%s)
  "$BIN" demo --customers "$N" --as-of "$AS_OF" "${BUILD[@]}" --demo-rms "$RMS" --data-dir "$DATA" "${DB[@]}" --no-serve > "$WORK/demo-$N-$BACKEND-$BANK.log" 2>&1
  echo "bank built and scored in $(( $(date +%s) - start )) s"
  touch "$DATA/.built"
fi
grep -E "new alerts|new tasks" "$WORK/demo-$N-$BACKEND-$BANK.log" | tail -2 || true
echo "== the alert job over the whole bank once more, for the same day (everything raised already: reads and plans)"
start=$(date +%s.%N)
"$BIN" alerts --today "$AS_OF" --data-dir "$DATA" "${DB[@]}" 2>&1 | tail -1
echo "alert job: $(python3 -c "import time; print(f'{time.time() - $start:.1f}')") s"

# Logins for RMS of the bank's RMs: the demo makes them while it builds the bank (random
# passwords in demo-logins.txt, 0600) — an administrator alone cannot set passwords afterwards.
LOGINS="$DATA/bench-logins.txt"
umask 077
awk '$3 == "rm"' "$DATA/demo-logins.txt" > "$LOGINS"
if [ "$(wc -l < "$LOGINS")" -lt "$RMS" ]; then
  echo "the bank in $DATA has demo logins for fewer than $RMS RMs: remove $DATA/.built to rebuild it" >&2
  exit 2
fi

server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT
"$BIN" serve --data-dir "$DATA" "${DB[@]}" --listen "127.0.0.1:$PORT" > "$WORK/server-$N-$BACKEND-$BANK.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 1
done
for path in /api/v1/workbench /workbench; do
  echo "== $path at $RATE/s for $SECONDS_RUN s ($BACKEND, $N customers)"
  "$LOAD" "http://127.0.0.1:$PORT" "$LOGINS" --rate "$RATE" --seconds "$SECONDS_RUN" --path "$path"
done
