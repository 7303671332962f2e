#!/usr/bin/env bash
# Warehouse ingestion benchmark (issue 4): transactions CSV -> month-partitioned Parquet,
# Rapport (crates/warehouse, example `import_transactions`) against DuckDB's COPY … PARTITION_BY,
# on the same file, same columns, zstd level 1, 1Mi-row row groups, 2 threads each.
#
#   bench/warehouse.sh                      # ~10M rows (91,000 synthetic customers)
#   CUSTOMERS=9100 bench/warehouse.sh       # ~1M rows, a quick run
#
# Knobs: CUSTOMERS (default 91000, about 110 transactions each), WORK (scratch dir, default
# /var/tmp/rapport-bench-warehouse; the CSV is kept there and reused by later runs of the same
# size), RUNS (timed runs of each tool, default 1; the best is reported).
# Needs python3 with venv; installs duckdb from PyPI into bench/.venv on first use.
# Rapport's account key is a salted SHA-256 computed once per distinct account (the cache the
# warehouse keeps in front of the HMAC); DuckDB computes sha256() per row. So DuckDB is also run
# with the account number passed through unhashed: its best case.
set -euo pipefail
cd "$(dirname "$0")/.."

CUSTOMERS=${CUSTOMERS:-91000}
WORK=${WORK:-/var/tmp/rapport-bench-warehouse}
RUNS=${RUNS:-1}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

if [ ! -x bench/.venv/bin/python ]; then
  echo "== creating bench/.venv with duckdb"
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q duckdb
fi
PY=bench/.venv/bin/python

echo "== building the warehouse examples (release; the first build of DataFusion takes ~20 min)"
cargo build --release --locked -p rapport-warehouse --examples -q
EX="$CARGO_TARGET_DIR/release/examples"

DATA="$WORK/synth-$CUSTOMERS"
CSV="$DATA/transactions.csv"
if [ ! -s "$DATA/.done" ]; then
  echo "== generating $CUSTOMERS synthetic customers into $DATA"
  rm -rf "$DATA"; mkdir -p "$WORK"
  "$EX/synth_transactions" "$CUSTOMERS" "$DATA" > "$DATA.summary"
  mv "$DATA.summary" "$DATA/.done"
fi
ROWS=$(awk '{print $2}' "$DATA/.done")
BYTES=$(stat -c %s "$CSV")
echo "== $CSV: $ROWS rows, $((BYTES / 1024 / 1024)) MiB"
cat "$CSV" > /dev/null   # both tools read from the page cache

now() { date +%s.%N; }
best() { sort -g | head -1; }

rapport_times=()
for i in $(seq "$RUNS"); do
  rm -rf "$WORK/rapport"
  t0=$(now)
  "$EX/import_transactions" "$CSV" "$WORK/rapport" > "$WORK/rapport.out"
  t1=$(now)
  rapport_times+=("$(echo "$t1 - $t0" | bc -l)")
done
cat "$WORK/rapport.out"
R_SEC=$(printf '%s\n' "${rapport_times[@]}" | best)

duck() { # $1 = out dir, $2 = extra flag
  local times=()
  for i in $(seq "$RUNS"); do
    rm -rf "$1"
    times+=("$("$PY" bench/warehouse/duckdb_convert.py convert "$CSV" "$1" $2 | awk '/^seconds/ {print $2}')")
  done
  printf '%s\n' "${times[@]}" | best
}
D_SEC=$(duck "$WORK/duckdb" "")
D0_SEC=$(duck "$WORK/duckdb-nohash" "--no-hash")

echo "== verifying: both outputs hold the same rows"
"$PY" bench/warehouse/duckdb_convert.py verify "$WORK/rapport" "$WORK/duckdb" | tee "$WORK/verify.out"

size() { du -sb "$1" | awk '{printf "%.1f MiB", $1 / 1048576}'; }
row() { printf '%-28s %12s %9.2f %12.0f %12s\n' "$1" "$ROWS" "$2" "$(echo "$ROWS / $2" | bc -l)" "$3"; }
echo
echo "== results ($(nproc) cores, $RUNS run(s) each, best shown)"
printf '%-28s %12s %9s %12s %12s\n' tool rows seconds rows/s output
row "rapport" "$R_SEC" "$(size "$WORK/rapport/transactions")"
row "duckdb (sha256 per row)" "$D_SEC" "$(size "$WORK/duckdb")"
row "duckdb (no hashing)" "$D0_SEC" "$(size "$WORK/duckdb-nohash")"
printf 'ratio duckdb/rapport: %.2f (sha256 per row), %.2f (no hashing)\n' \
  "$(echo "$D_SEC / $R_SEC" | bc -l)" "$(echo "$D0_SEC / $R_SEC" | bc -l)"
