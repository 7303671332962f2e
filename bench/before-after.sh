#!/usr/bin/env bash
# Customer-360 and search latency of two builds of `rapport`, in one run on identical data (a
# regression check of a change, e.g. issue 20's access-control work): one demo bank is generated
# with the BEFORE binary and copied byte for byte; BEFORE serves one copy, AFTER the other (its
# migrations upgrade its copy on open — a database AFTER has migrated is refused by BEFORE).
# Servers alternate (before, after, before, after…); each run logs in as the call centre's
# agent01 (whole-bank scope in every version), warms up, then times REQUESTS 360 views of random
# customers and REQUESTS/2 searches (bench/foundation.sh's term mix) from CONCURRENCY clients
# in a closed loop. Prints p50/p99 per run and the after/before ratios of the medians.
# Loopback only; every server it starts is stopped by its pid.
#
#   BIN_BEFORE=… BIN_AFTER=… bench/before-after.sh
# Knobs: N (customers, 20000), REQUESTS (2000), CONCURRENCY (4), ROUNDS (2), PORT, WORK,
# DEMO_FLAGS (more `rapport demo` flags, e.g. `--no-transactions` for a 1M bank on a small disk),
# BANK (a data directory the before binary already made, e.g. by an earlier run of
# `rapport demo --no-serve`: BEFORE serves it in place, AFTER a copy; nothing is generated —
# a 1M bank takes about an hour to make on 2 cores), PG (1: the bank in PostgreSQL — root's local
# `postgres` superuser makes the before database, owned by PG_ROLE with PG_PASSWORD, and copies
# it for AFTER with `createdb -T`; with BANK, the database rapport_ba_before must already hold
# that bank — e.g. `rapport demo --no-serve --data-dir BANK --database-url …/rapport_ba_before` —
# and is kept afterwards).
set -euo pipefail
: "${BIN_BEFORE:?path to the before binary}"
: "${BIN_AFTER:?path to the after binary}"
N=${N:-20000}
REQUESTS=${REQUESTS:-2000}
CONCURRENCY=${CONCURRENCY:-4}
ROUNDS=${ROUNDS:-2}
PORT=${PORT:-18191}
WORK=${WORK:-/var/tmp/rapport-before-after}
DEMO_FLAGS=${DEMO_FLAGS:-}
PG=${PG:-}
PG_ROLE=${PG_ROLE:-rapport_main}
PG_PASSWORD=${PG_PASSWORD:-rapport_main}
pg_url() { echo "postgres://$PG_ROLE:$PG_PASSWORD@127.0.0.1/rapport_ba_$1"; }
server=""
stop() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; fi; }
BANK=${BANK:-}
drop_databases() {
  if [ -n "$PG" ]; then
    for which in before after; do
      if [ "$which" = before ] && [ -n "$BANK" ]; then continue; fi  # a prepared bank is kept
      su postgres -c "dropdb --if-exists rapport_ba_$which"
    done
  fi
}
trap 'stop; rm -rf "$WORK"; drop_databases' EXIT
rm -rf "$WORK"; mkdir -p "$WORK"

if [ -n "$BANK" ]; then
  echo "== the bank in $BANK (made by the before binary), $N customers"
  before_dir=$BANK
else
  echo "== a bank of $N customers, made by the before binary"
  before_dir=$WORK/before
  url_flags=()
  if [ -n "$PG" ]; then
    drop_databases
    su postgres -c "createdb -O $PG_ROLE rapport_ba_before"
    url_flags=(--database-url "$(pg_url before)")
  fi
  "$BIN_BEFORE" demo --customers "$N" --seed 7 --data-dir "$before_dir" --no-serve --skip-extracts \
    "${url_flags[@]}" $DEMO_FLAGS > "$WORK/demo.log" 2>&1
fi
mkdir -p "$WORK/after"  # the data directory without its (large, unread) extracts
for entry in "$before_dir"/*; do
  if [ "$(basename "$entry")" != extracts ]; then cp -a "$entry" "$WORK/after/"; fi
done
if [ -n "$PG" ]; then
  su postgres -c "dropdb --if-exists rapport_ba_after; createdb -O $PG_ROLE -T rapport_ba_before rapport_ba_after"
fi

: > "$WORK/results.tsv"
for round in $(seq 1 "$ROUNDS"); do
  for which in before after; do
    bin=$BIN_BEFORE; dir=$before_dir
    if [ "$which" = after ]; then bin=$BIN_AFTER; dir=$WORK/after; fi
    url_flags=()
    if [ -n "$PG" ]; then url_flags=(--database-url "$(pg_url "$which")"); fi
    "$bin" serve --data-dir "$dir" --listen "127.0.0.1:$PORT" "${url_flags[@]}" 2> "$WORK/serve-$which.log" &
    server=$!
    for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null && break; sleep 0.2; done
    pw=$(awk '$1 == "agent01" {print $2}' "$dir/demo-logins.txt")
    python3 - "$PORT" "$pw" "$N" "$REQUESTS" "$CONCURRENCY" "$round" "$which" >> "$WORK/results.tsv" <<'PY'
import json, random, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote
port, pw, n, requests, conc, rnd, which = sys.argv[1:]
n, requests, conc = int(n), int(requests), int(conc)
base = f"http://127.0.0.1:{port}/api/v1"
login = urllib.request.Request(f"{base}/auth/login", method="POST",
    data=json.dumps({"username": "agent01", "password": pw}).encode(),
    headers={"content-type": "application/json"})
token = json.load(urllib.request.urlopen(login))["token"]
rng = random.Random(7)
terms = ["张伟", "王芳", "李娜", "刘洋", "陈静", "伟", "zhangwei", "wangfang", "liu yang", "zhangwie", "zw", "lj"]
views = [f"{base}/customers/{rng.randint(1, n)}" for _ in range(requests)]
searches = [f"{base}/customers?q=" + quote(rng.choice(terms) if rng.random() < 0.6 else f"{rng.randint(0, 9999):04d}")
            for _ in range(requests // 2)]
def get(url):
    req = urllib.request.Request(url, headers={"authorization": f"Bearer {token}"})
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req) as r:
            r.read(); ok = r.status == 200
    except urllib.error.HTTPError as e:
        ok = e.code == 404  # a merged-away customer id
    return time.perf_counter() - t, ok
def run(urls):
    with ThreadPoolExecutor(conc) as pool:
        list(pool.map(get, urls[: max(50, len(urls) // 10)]))  # warm-up
        t = time.perf_counter()
        out = list(pool.map(get, urls))
        wall = time.perf_counter() - t
    lat = sorted(d for d, _ in out)
    ok = sum(1 for _, o in out if o) / len(out)
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
    return pct(0.5), pct(0.99), len(out) / wall, ok
for kind, urls in (("360", views), ("search", searches)):
    p50, p99, rps, ok = run(urls)
    print(f"{rnd}\t{which}\t{kind}\t{p50:.2f}\t{p99:.2f}\t{rps:.0f}\t{ok:.3f}")
PY
    stop
  done
done

python3 - "$WORK/results.tsv" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
print("round  build   endpoint  p50_ms  p99_ms  req/s  ok")
for r in rows:
    print(f"{r[0]:>5}  {r[1]:<6}  {r[2]:<8}  {r[3]:>6}  {r[4]:>6}  {r[5]:>5}  {r[6]}")
for kind in ("360", "search"):
    med = {w: [statistics.median(float(r[i]) for r in rows if r[1] == w and r[2] == kind) for i in (3, 4)]
           for w in ("before", "after")}
    print(f"{kind}: after/before p50 {med['after'][0] / med['before'][0]:.2f}, "
          f"p99 {med['after'][1] / med['before'][1]:.2f} (medians over rounds)")
PY
