#!/usr/bin/env bash
# Customer lifetime value benchmark: rapport-clv against lifetimes 0.11.3 (Python), end to end on
# the same synthetic transaction log of CUSTOMERS customers (default 1,000,000) drawn from the
# CDNOW BG/NBD and Gamma-Gamma estimates over a 39-week window with births in its first 12 weeks.
#
#   bench/clv.sh                      # 1,000,000 customers
#   CUSTOMERS=100000 bench/clv.sh
#   SEED=7 bench/clv.sh
#
# Both sides read the CSV, summarise at day resolution, fit BG/NBD and Gamma-Gamma and predict
# P(alive), expected purchases over 39 weeks and 12-month CLV at 1 %/month for every customer.
# lifetimes runs twice: plainly (fit on every customer) and on weighted unique patterns. Prints
# per-stage timings, the speed ratios (goal: Rapport >= 20x the plain pipeline) and parameter
# agreement. Data goes to target/clv-bench/ (never committed).
set -euo pipefail
cd "$(dirname "$0")/.."

CUSTOMERS=${CUSTOMERS:-1000000}
SEED=${SEED:-1997}
OUT=${CLV_BENCH_DIR:-target/clv-bench}
mkdir -p "$OUT"

VENV=bench/.venv
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
# lifetimes 0.11.3 is the last release; known to work on Python 3.11 with numpy 1.26.4 +
# pandas 1.5.3 + scipy 1.11.4 + autograd 1.6.2 and with numpy 2.4.6 + pandas 2.3.3 +
# scipy 1.17.1 + autograd 1.9.1. Ranges rather than pins keep the shared venv usable by the
# other benchmarks.
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
    'lifetimes==0.11.3' 'numpy>=1.26,<3' 'pandas>=1.5.3,<3' 'scipy>=1.11,<2' 'autograd>=1.6.2'

cargo build --release -p rapport-clv --example clv_bench
BIN="${CARGO_TARGET_DIR:-target}/release/examples/clv_bench"

LOG="$OUT/transactions-$CUSTOMERS-$SEED.csv"
if [ ! -s "$LOG" ]; then
    "$BIN" generate --customers "$CUSTOMERS" --seed "$SEED" --out "$LOG"
fi
echo
"$BIN" run "$LOG" --report "$OUT/rapport-$CUSTOMERS-$SEED.txt"
echo
exec "$VENV/bin/python" bench/clv/lifetimes_run.py "$LOG" \
    --rapport-report "$OUT/rapport-$CUSTOMERS-$SEED.txt"
