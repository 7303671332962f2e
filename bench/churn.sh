#!/usr/bin/env bash
# Churn model benchmark: rapport-scoring's boosted trees (perpetual, pure Rust) against
# LightGBM 4.x (Python) out of time, on the same rows.
#
#   bench/churn.sh                    # 6,000 synthetic customers
#   CUSTOMERS=2000 bench/churn.sh
#
# The integration tests' synthetic bank (crates/scoring/tests/it/synth.rs) is evaluated out of
# time as `rapport score` evaluates a bank (`evaluate_out_of_time`: trained on snapshots whose
# 3-month outcome windows end by the test snapshot, tested at it on customers it never saw) and
# its rows are written as `rapport score --export-churn` writes them; bench/churn/
# lightgbm_compare.py sets LightGBM and a logistic regression beside the model and its
# baseline on the same test rows. No oracle here: see bench/churn-bank.sh for a bank with one.
set -euo pipefail
cd "$(dirname "$0")/.."

CUSTOMERS=${CUSTOMERS:-6000}
OUT=${CHURN_BENCH_DIR:-target/churn-bench}
mkdir -p "$OUT"

VENV=bench/.venv
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
# Ranges rather than pins keep the shared venv usable by the other benchmarks.
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
    'lightgbm>=4.5,<5' 'scikit-learn>=1.4,<2' 'numpy>=1.26,<3' 'pandas>=1.5.3,<3'

# Absolute: cargo runs the test in the crate's directory.
CSV="$(pwd)/$OUT/churn-$CUSTOMERS.csv"
RAPPORT_CHURN_CSV="$CSV" RAPPORT_CHURN_CUSTOMERS="$CUSTOMERS" \
    cargo test --release -p rapport-scoring --test it -- --ignored export_churn_matrix --nocapture
exec "$VENV/bin/python" bench/churn/lightgbm_compare.py "$CSV"
