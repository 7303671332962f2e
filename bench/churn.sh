#!/usr/bin/env bash
# Churn model benchmark: rapport-scoring's boosted trees (perpetual, pure Rust) against
# LightGBM 4.x (Python) on the same input matrix and the same held-out parties.
#
#   bench/churn.sh                    # 6,000 synthetic customers (~41,000 rows)
#   CUSTOMERS=2000 bench/churn.sh
#
# The integration tests' synthetic bank (crates/scoring/tests/it/synth.rs) is cut into rows
# at several as-of months, labelled "churns within 3 months", and written with
# `churn_inputs` (CHURN_INPUT_NAMES), the split `held_out` gives and this crate's
# probability. LightGBM trains on the same training rows with its defaults and with two
# common settings; the script prints each held-out AUC next to this crate's.
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
