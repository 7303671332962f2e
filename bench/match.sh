#!/usr/bin/env bash
# Real-time matching benchmark (issue 4, R2.6): `POST /api/v1/identity/match` on a bank of
# N customers (default 1,000,000) built by the real path (`rapport demo`: extracts → import →
# resolve), under CALLERS concurrent callers (default 16, closed loop) for DURATION seconds.
# Every answer is scoped and audited (fail closed), as in production.
#
#   bench/match.sh                       # SQLite
#   N=100000 DURATION=20 bench/match.sh   # quicker
# Knobs: N, CALLERS, DURATION (seconds), WORK (scratch dir, kept between runs: the bank is built once per N).
# Loopback only; the server it starts is stopped at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
CALLERS=${CALLERS:-16}
SECONDS_RUN=${DURATION:-30}
WORK=${WORK:-/var/tmp/rapport-match-bench}
PORT=${PORT:-18191}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

echo "== building rapport and the load generator (release)"
cargo build --release --locked -q -p rapport --bin rapport
# The load generator builds on its own: as part of the same build its dependencies would change
# the features of the server's dependencies and rebuild them.
CARGO_TARGET_DIR="${LOADGEN_TARGET_DIR:-$CARGO_TARGET_DIR/loadgen}" \
  cargo build --release --locked -q -p rapport-loadgen --bin match_load
BIN="$CARGO_TARGET_DIR/release/rapport"
LOAD="${LOADGEN_TARGET_DIR:-$CARGO_TARGET_DIR/loadgen}/release/match_load"

DATA="$WORK/bank-$N"
if [ ! -f "$DATA/.built" ]; then
  rm -rf "$DATA"
  echo "== building a bank of $N customers by the real path (generate, import, resolve)"
  start=$(date +%s)
  "$BIN" demo --customers "$N" --data-dir "$DATA" --no-serve --no-transactions
  echo "bank built in $(( $(date +%s) - start )) s"
  touch "$DATA/.built"
fi

server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

TOKEN=$("$BIN" token create --data-dir "$DATA" --name "bench$(date +%s)" --role service_agent --days 1 | sed -n 2p)
"$BIN" serve --data-dir "$DATA" --listen "127.0.0.1:$PORT" > "$WORK/server.log" 2>&1 &
server_pid=$!
URL="http://127.0.0.1:$PORT/api/v1/identity/match"
echo "== waiting for the matching index"
start=$(date +%s)
for _ in $(seq 1 1800); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{"name":"张伟"}' "$URL" || true)
  [ "$code" = 200 ] && break
  sleep 1
done
echo "index ready after $(( $(date +%s) - start )) s (HTTP $code)"
parties=$(grep -o 'records=[0-9]*' "$WORK/server.log" | tail -1 || true)
echo "server: $parties"
rss=$(ps -o rss= -p "$server_pid" | tr -d ' ')
echo "server memory with the index: $(( rss / 1024 )) MiB"

"$LOAD" "$URL" "$TOKEN" "$DATA/extracts" --callers "$CALLERS" --seconds "$SECONDS_RUN"
