#!/usr/bin/env bash
# Churn model on the synthetic bank itself (issue 5): `rapport demo` builds a bank by the real
# path (extracts → import → resolve → warehouse), `rapport score --export-churn` trains the
# churn model on the bank's own history and writes its training matrix with the split it
# used; LightGBM (PyPI) trains on the same training rows and is scored on the same held-out
# customers. Prints both held-out AUCs.
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
CSV="$WORK/churn-$CUSTOMERS-s$SEED.csv"
echo "== training the churn model on the bank's history and exporting its matrix"
RAPPORT_LOG=warn "$BIN" score --data-dir "$DATA" --export-churn "$CSV" 2>&1 | grep -E "churn model|scored"
exec "$VENV/bin/python" bench/churn/lightgbm_compare.py "$CSV"
