#!/usr/bin/env bash
# Churn model on the synthetic bank itself, out of time (issues 5 and 23): `rapport demo` builds
# a bank by the real path (extracts → import → resolve → warehouse); `rapport score --truth
# --export-churn` evaluates the churn model out of time — trained on snapshots up to S − horizon,
# tested at S = as-of − horizon on customers it never learned from — and writes exactly those
# rows with the model's, the logistic baseline's and the oracle's (the generator's true hazard)
# probabilities. LightGBM (PyPI) and a scikit-learn logistic regression learn from the same
# training rows; every scorer is measured on the same test customers (ROC AUC with a bootstrap
# interval over customers, PR AUC, top-decile lift).
#
#   bench/churn-bank.sh                  # 20,000 customers
#   CUSTOMERS=5000 bench/churn-bank.sh
#
# Knobs: CUSTOMERS, SEED (bank seed, 42), WORK (scratch dir; the bank is built once per size).
set -euo pipefail
cd "$(dirname "$0")/.."

CUSTOMERS=${CUSTOMERS:-20000}
SEED=${SEED:-42}
WORK=${WORK:-/var/tmp/rapport-churn-bank}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

VENV=bench/.venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
    'lightgbm>=4.5,<5' 'scikit-learn>=1.4,<2' 'numpy>=1.26,<3' 'pandas>=1.5.3,<3'

echo "== building rapport (release)"
cargo build --release --locked -q -p rapport --bin rapport
BIN="$CARGO_TARGET_DIR/release/rapport"

DATA="$WORK/bank-$CUSTOMERS-s$SEED"
if [ ! -f "$DATA/.built" ]; then
  rm -rf "$DATA"
  echo "== building a bank of $CUSTOMERS customers (generate, import, resolve, score)"
  RAPPORT_LOG=warn "$BIN" demo --customers "$CUSTOMERS" --seed "$SEED" --data-dir "$DATA" --no-serve
  touch "$DATA/.built"
fi
CSV="$WORK/churn-oot-$CUSTOMERS-s$SEED.csv"
echo "== evaluating the churn model out of time and exporting its rows"
# The demo writes the generator's extracts, ground truth included, under its data dir.
RAPPORT_LOG=warn "$BIN" score --data-dir "$DATA" --truth "$DATA/extracts" --export-churn "$CSV" 2>&1 |
  grep -E "churn|ROC AUC|warning|scored|wrote"
exec "$VENV/bin/python" bench/churn/lightgbm_compare.py "$CSV"
