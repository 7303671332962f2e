#!/usr/bin/env bash
# Foundation benchmark (issue 2): for each store (SQLite; PostgreSQL when a URL is given)
#   1. generation + load of N customers (default 1,000,000) with `rapport demo --no-serve`;
#   2. customer-360 and search latency, open loop at a fixed arrival rate (oha -q … --latency-correction);
#   3. the maximum requests/s of the 360 endpoint at 64 connections.
#   4. the audit trail's append throughput through the group-commit writer (64 concurrent writers).
# Every 360 view and search in 2. is itself audited (fail closed), so 2. includes that cost.
# Prints one table at the end. Loopback only; every process it starts is stopped.
#
#   bench/foundation.sh                              # SQLite only
#   RAPPORT_BENCH_PG_ADMIN_URL=postgres://user:pw@127.0.0.1:5432/postgres bench/foundation.sh
#       (a role that may CREATE DATABASE; the script creates and drops `rapport_bench`)
# Knobs: N (customers), DURATION (seconds per latency run), RATE_360, RATE_SEARCH, WORK (scratch dir).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
DURATION=${DURATION:-30}
RATE_360=${RATE_360:-500}
RATE_SEARCH=${RATE_SEARCH:-200}
WORK=${WORK:-/var/tmp/rapport-bench}
PORT=${PORT:-18181}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

echo "== building rapport (release)"
cargo build --release --locked -p rapport -q
BIN="$CARGO_TARGET_DIR/release/rapport"

OHA=$(command -v oha || true)
if [ -z "$OHA" ]; then
  OHA="$PWD/bench/.tools/bin/oha"
  if [ ! -x "$OHA" ]; then
    echo "== installing oha (load generator) into bench/.tools"
    cargo install oha --locked --root "$PWD/bench/.tools" -q
  fi
fi

mkdir -p "$WORK"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"
server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

# oha's JSON → "p50_ms p99_ms rps success_rate"
summarise() {
  python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["latencyPercentiles"]
s = d["summary"]
codes = d.get("statusCodeDistribution", {})
ok = sum(v for k, v in codes.items() if k.startswith("2"))
total = sum(codes.values()) or 1
print(f'{p["p50"]*1000:.2f} {p["p99"]*1000:.2f} {s["requestsPerSec"]:.0f} {ok/total:.4f}')
PY
}

# URL lists: 360 of customers drawn uniformly from the whole bank; a search mix of full names,
# a given name alone, pinyin (spaced, one typo), initials and last 4 digits of mobiles.
make_urls() {
  python3 - "$1" "$N" "$WORK" <<'PY'
import random, sys
from urllib.parse import quote
port, n, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(7)
base = f"http://127.0.0.1:{port}/api/v1/customers"
with open(f"{work}/urls-360.txt", "w") as f:
    for _ in range(100_000):
        f.write(f"{base}/{rng.randint(1, n)}\n")
terms = ["张伟", "王芳", "李娜", "刘洋", "陈静", "伟", "zhangwei", "wangfang", "liu yang", "zhangwie", "zw", "lj"]
with open(f"{work}/urls-search.txt", "w") as f:
    for _ in range(20_000):
        t = rng.choice(terms) if rng.random() < 0.6 else f"{rng.randint(0, 9999):04d}"
        f.write(f"{base}?q={quote(t)}\n")
PY
}

run_backend() {
  local backend=$1 url=$2
  local dir="$WORK/$backend"
  rm -rf "$dir"
  local args=(--data-dir "$dir")
  [ -n "$url" ] && args+=(--database-url "$url")

  echo "== $backend: generating and loading $N customers"
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$WORK/$backend.rss" "$BIN" demo --customers "$N" --seed 7 "${args[@]}" --no-serve --skip-extracts --ground-truth \
    2> >(tee "$WORK/$backend.load.log" >&2) > "$WORK/$backend.logins.out"
  t1=$(date +%s.%N)
  local load_s rss_mb
  load_s=$(python3 -c "print(f'{$t1-$t0:.1f}')")
  rss_mb=$(( $(tail -n 1 "$WORK/$backend.rss") / 1024 ))

  "$BIN" serve "${args[@]}" --listen "127.0.0.1:$PORT" 2> "$WORK/$backend.serve.log" &
  server_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  local agent_pw token
  agent_pw=$(awk '$3=="service_agent"{print $2; exit}' "$dir/demo-logins.txt")
  token=$(curl -sf -H 'content-type: application/json' \
    -d "{\"username\":\"agent01\",\"password\":\"$agent_pw\"}" "http://127.0.0.1:$PORT/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  local auth=(-H "Authorization: Bearer $token")
  # The call center's scope is the whole bank: any of the N customers may be asked for.
  make_urls "$PORT"
  local ids=(--urls-from-file "$WORK/urls-360.txt") searches=(--urls-from-file "$WORK/urls-search.txt")

  echo "== $backend: warm-up"
  "$OHA" --no-tui -z 5s -c 16 "${ids[@]}" "${auth[@]}" --output-format json > /dev/null
  "$OHA" --no-tui -z 5s -c 16 "${searches[@]}" "${auth[@]}" --output-format json > /dev/null

  echo "== $backend: customer 360 at $RATE_360 req/s for ${DURATION}s (open loop)"
  "$OHA" --no-tui -z "${DURATION}s" -c 64 -q "$RATE_360" --latency-correction "${ids[@]}" "${auth[@]}" \
    --output-format json > "$WORK/$backend.360.json"
  echo "== $backend: search at $RATE_SEARCH req/s for ${DURATION}s (open loop)"
  "$OHA" --no-tui -z "${DURATION}s" -c 64 -q "$RATE_SEARCH" --latency-correction "${searches[@]}" "${auth[@]}" \
    --output-format json > "$WORK/$backend.search.json"
  echo "== $backend: customer 360, maximum throughput at 64 connections"
  "$OHA" --no-tui -z 20s -c 64 "${ids[@]}" "${auth[@]}" --output-format json > "$WORK/$backend.max.json"

  cleanup
  server_pid=""

  echo "== $backend: audit append throughput (group commit, 64 concurrent writers)"
  local audit_rate
  audit_rate=$("$BIN" audit bench "${args[@]}" --entries 50000 --writers 64 | tee -a "$WORK/$backend.audit.log" | sed -E 's/.* = ([0-9]+) entries.*/\1/')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$backend" "$load_s" "$rss_mb" \
    "$(summarise "$WORK/$backend.360.json")" "$(summarise "$WORK/$backend.search.json")" \
    "$(summarise "$WORK/$backend.max.json")" "$audit_rate" >> "$RESULTS"
}

run_backend sqlite ""

if [ -n "${RAPPORT_BENCH_PG_ADMIN_URL:-}" ]; then
  base=${RAPPORT_BENCH_PG_ADMIN_URL%/*}
  psql -q "$RAPPORT_BENCH_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS rapport_bench WITH (FORCE)" -c "CREATE DATABASE rapport_bench"
  run_backend postgres "$base/rapport_bench"
  psql -q "$RAPPORT_BENCH_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS rapport_bench WITH (FORCE)"
else
  echo "== PostgreSQL skipped: set RAPPORT_BENCH_PG_ADMIN_URL to include it"
fi

echo
echo "Rapport foundation benchmark: $N customers, $(nproc) cores, targets: 360 p99 < 25 ms at $RATE_360/s, search p99 < 50 ms at $RATE_SEARCH/s"
python3 - "$RESULTS" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print(f'{"store":<9} {"gen+load s":>10} {"peak MB":>8} | {"360 p50":>8} {"360 p99":>8} {"ok":>6} | {"search p50":>10} {"search p99":>10} {"ok":>6} | {"360 max req/s":>13} | {"audit appends/s":>15}')
for b, load, rss, l360, lsearch, lmax, audit in rows:
    a = l360.split(); s = lsearch.split(); m = lmax.split()
    print(f'{b:<9} {load:>10} {rss:>8} | {a[0]:>6}ms {a[1]:>6}ms {a[3]:>6} | {s[0]:>8}ms {s[1]:>8}ms {s[3]:>6} | {m[2]:>13} | {audit:>15}')
PY
