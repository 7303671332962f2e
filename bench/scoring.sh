#!/usr/bin/env bash
# Feature benchmark: Rapport's `party_features` (DataFusion SQL over the warehouse's Parquet
# files, crates/warehouse example `features_bench`) against DuckDB running the same statement
# (bench/scoring/features_duckdb.sql) over the same files, 2 threads and a 2 GiB memory limit
# each. Checks both give the same rows and sums, prints times, ratio and peak memory.
#
#   bench/scoring.sh                 # 1,000,000 customers, ~100M transactions
#   QUICK=1 bench/scoring.sh         # 1,000,000 customers, ~10M transactions
#
# Then runs the whole scoring pipeline (`features_bench pipeline`, the code `rapport score`
# runs between reading the store and writing it back) and prints each stage's time, the
# total and peak memory; SKIP_PIPELINE=1 leaves it out.
#
# Knobs: CUSTOMERS (default 1000000), TRANSACTIONS (default 100000000, 10000000 with QUICK=1),
# SEED (42), WORK (scratch dir, default /var/tmp/rapport-bench-scoring; each size's data is
# generated once and reused), RUNS (timed runs of each, default 1; the best is reported).
# Needs python3 with venv; installs duckdb from PyPI into bench/.venv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

CUSTOMERS=${CUSTOMERS:-1000000}
if [ -n "${QUICK:-}" ]; then DEFAULT_TX=10000000; else DEFAULT_TX=100000000; fi
TRANSACTIONS=${TRANSACTIONS:-$DEFAULT_TX}
SEED=${SEED:-42}
WORK=${WORK:-/var/tmp/rapport-bench-scoring}
RUNS=${RUNS:-1}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

if [ ! -x bench/.venv/bin/python ]; then
  echo "== creating bench/.venv with duckdb"
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q duckdb
fi
PY=bench/.venv/bin/python

# FEATURES_BENCH: a features_bench binary built already (e.g. together with the server, so that
# the two share one build of DataFusion: `cargo build --release -p rapport --bin rapport
# -p rapport-warehouse --example features_bench`).
if [ -n "${FEATURES_BENCH:-}" ]; then
  EX="$FEATURES_BENCH"
else
  echo "== building the features_bench example (release; the first build of DataFusion takes ~20 min)"
  cargo build --release --locked -p rapport-warehouse --example features_bench -q
  EX="$CARGO_TARGET_DIR/release/examples/features_bench"
fi

DATA="$WORK/c$CUSTOMERS-t$TRANSACTIONS-s$SEED"
if [ ! -s "$DATA/.done" ]; then
  echo "== generating $CUSTOMERS customers, ~$TRANSACTIONS transactions into $DATA"
  rm -rf "$DATA"; mkdir -p "$DATA"
  "$EX" generate "$DATA" "$CUSTOMERS" "$TRANSACTIONS" "$SEED" | tee "$DATA.gen"
  mv "$DATA.gen" "$DATA/.done"
fi
cat "$DATA/.done"
echo "== $(du -sh "$DATA/transactions" | cut -f1) transactions, $(du -sh "$DATA/balances" | cut -f1) balances, $(du -sh "$DATA/dim" | cut -f1) dimensions"
find "$DATA/transactions" "$DATA/balances" "$DATA/dim" -name '*.parquet' -exec cat {} + > /dev/null

# The statement DuckDB runs is the committed one; make sure it is what Rapport runs.
"$EX" sql "$WORK/features_duckdb.sql"
if ! cmp -s "$WORK/features_duckdb.sql" bench/scoring/features_duckdb.sql; then
  echo "bench/scoring/features_duckdb.sql is stale: run \`$EX sql bench/scoring/features_duckdb.sql\`" >&2
  exit 1
fi

best() { sort -g | head -1; }
value() { awk -v k="$1" '$1 == k {print $2}' "$2"; }

r_times=(); d_times=()
for i in $(seq "$RUNS"); do
  "$EX" run "$DATA" > "$WORK/rapport.out"
  r_times+=("$(value rapport_features_seconds "$WORK/rapport.out")")
  "$PY" bench/scoring/duckdb_run.py "$DATA" bench/scoring/features_duckdb.sql 2 2GiB > "$WORK/duckdb.out"
  d_times+=("$(value duckdb_features_seconds "$WORK/duckdb.out")")
done
cat "$WORK/rapport.out" "$WORK/duckdb.out"

echo "== checking: same rows and sums"
ok=1
for k in rows sum_aum_m0 sum_aum_m11 sum_tx_total sum_credit_m0 sum_debit_m11 sum_loans \
         sum_maturing_90d sum_payroll_months sum_missed_repayments sum_open_accounts; do
  r=$(value "rapport_$k" "$WORK/rapport.out"); d=$(value "duckdb_$k" "$WORK/duckdb.out")
  if [ "$r" != "$d" ]; then echo "MISMATCH $k: rapport $r, duckdb $d"; ok=0; fi
done
[ "$ok" = 1 ] && echo "all equal"

R=$(printf '%s\n' "${r_times[@]}" | best); D=$(printf '%s\n' "${d_times[@]}" | best)
echo
echo "== results ($(nproc) cores, $RUNS run(s), best shown; $(value rapport_rows "$WORK/rapport.out") parties, $(value rapport_sum_tx_total "$WORK/rapport.out") transactions in the window)"
printf '%-10s %10s %14s\n' tool seconds "peak RSS MiB"
printf '%-10s %10.2f %14s\n' rapport "$R" "$(value rapport_peak_rss_mib "$WORK/rapport.out")"
printf '%-10s %10.2f %14s\n' duckdb "$D" "$(value duckdb_peak_rss_mib "$WORK/duckdb.out")"
printf 'time ratio rapport/duckdb: %.2f (goal: <= 1)\n' "$(echo "$R / $D" | bc -l)"
echo "rapport write_features: $(value rapport_write_features_seconds "$WORK/rapport.out") s"
[ "$ok" = 1 ]

# The whole pipeline `rapport score` runs on the warehouse (features at the as-of date and at
# 3 earlier snapshots for the churn model's history, CLV, both models, every score), in a
# fresh process so its peak memory is its own.
if [ -z "${SKIP_PIPELINE:-}" ]; then
  echo
  echo "== the whole scoring pipeline"
  "$EX" pipeline "$DATA" | tee "$WORK/pipeline.out"
  echo
  printf '%-12s %10s\n' stage seconds
  awk '$1 == "pipeline_stage" {printf "%-12s %10.2f\n", $2, $3}' "$WORK/pipeline.out"
  printf '%-12s %10.2f\n' total "$(value pipeline_total_seconds "$WORK/pipeline.out")"
  echo "peak RSS: $(value pipeline_peak_rss_mib "$WORK/pipeline.out") MiB"
fi
