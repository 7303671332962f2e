#!/usr/bin/env bash
# Ingestion benchmark (R2.1): the synthetic generator's four customer extracts (core banking,
# card, internet banking, call center; about 2.07 records per customer, so the default
# N=483,000 customers gives about 1,000,000 records) imported with `rapport import --mode full`
# (batches of BATCH rows, one transaction each: validation, sealing of identifiers, idempotent
# upsert by content hash) into PostgreSQL and into SQLite, timing the customer-record import.
# The peer is PostgreSQL's own bulk path: the rows Rapport stored (their stored form, sealed
# identifiers included) are exported with COPY TO, and COPY FROM loads them into the same table
# of a fresh database with the same schema and indexes; only that COPY FROM is timed.
# Prints rows, seconds and rows/s for each, and COPY-time / Rapport-PG-time.
#
#   RAPPORT_BENCH_DATABASE_URL=postgres://user:pw@127.0.0.1:5432/postgres bench/ingest.sh
#       (a role that may CREATE DATABASE; the script creates and drops `rapport_ingest` and
#        `rapport_ingest_copy`). Without it only SQLite runs.
# Knobs: N (customers), BATCH (rows per batch), WORK (scratch dir).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-483000}
BATCH=${BATCH:-5000}
WORK=${WORK:-/var/tmp/rapport-ingest}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
PG_ADMIN=${RAPPORT_BENCH_DATABASE_URL:-}
unset RAPPORT_DATABASE_URL RAPPORT_CONFIG RAPPORT_KEYS
export RAPPORT_LOG=warn

echo "== building rapport (release)"
cargo build --release --locked -p rapport -q
BIN="$CARGO_TARGET_DIR/release/rapport"

rm -rf "$WORK"
mkdir -p "$WORK"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"
EXTRACTS="$WORK/extracts"
FILES=(core_banking card internet_banking call_center)

dbs=()
cleanup() {
  for db in "${dbs[@]}"; do
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

echo "== generating the extracts of $N customers"
"$BIN" synth --customers "$N" --out "$EXTRACTS" --no-transactions
records=0
for f in "${FILES[@]}"; do
  records=$(( records + $(wc -l < "$EXTRACTS/$f.csv") - 1 ))
done
echo "== $records customer records in ${FILES[*]}"

now() { date +%s.%N; }

# Imports the four customer files into one store; records "label rows seconds".
rapport_import() {
  local label=$1; shift
  local dir="$WORK/$label"
  "$BIN" user list --data-dir "$dir" "$@" > /dev/null   # key file and schema, outside the timing
  local t0 t1
  t0=$(now)
  for f in "${FILES[@]}"; do
    "$BIN" import --data-dir "$dir" "$@" --mode full --batch-rows "$BATCH" "$EXTRACTS/$f.csv" \
      2> >(tee -a "$WORK/$label.log" >&2)
  done
  t1=$(now)
  local loaded
  loaded=$(grep -Eo '[0-9]+ inserted' "$WORK/$label.log" | awk '{s+=$1} END {print s}')
  printf '%s\t%s\t%s\n' "$label" "$loaded" "$(python3 -c "print($t1-$t0)")" >> "$RESULTS"
}

if [ -n "$PG_ADMIN" ]; then
  base=${PG_ADMIN%/*}
  for db in rapport_ingest rapport_ingest_copy; do
    dbs+=("$db")
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  done
  echo "== Rapport on PostgreSQL"
  rapport_import rapport-pg --database-url "$base/rapport_ingest"

  echo "== PostgreSQL COPY of the same rows into the same table of a fresh database"
  psql -X -q "$base/rapport_ingest" -c "\\copy import_runs TO '$WORK/import_runs.csv' CSV" \
    -c "\\copy source_records TO '$WORK/source_records.csv' CSV"
  # The same schema (Rapport's migrations), then the runs the rows refer to (last_run_id).
  "$BIN" user list --data-dir "$WORK/copy" --database-url "$base/rapport_ingest_copy" > /dev/null
  psql -X -q "$base/rapport_ingest_copy" -c "\\copy import_runs FROM '$WORK/import_runs.csv' CSV" \
    -c "ANALYZE import_runs"
  t0=$(now)
  psql -X -q -v ON_ERROR_STOP=1 "$base/rapport_ingest_copy" \
    -c "\\copy source_records FROM '$WORK/source_records.csv' CSV"
  t1=$(now)
  copied=$(psql -X -At "$base/rapport_ingest_copy" -c "SELECT count(*) FROM source_records")
  printf '%s\t%s\t%s\n' "copy-pg" "$copied" "$(python3 -c "print($t1-$t0)")" >> "$RESULTS"
  cleanup
  dbs=()
else
  echo "== PostgreSQL skipped: set RAPPORT_BENCH_DATABASE_URL (a role that may CREATE DATABASE) to include it"
fi

echo "== Rapport on SQLite"
rapport_import rapport-sqlite

echo
echo "Ingestion benchmark: $N customers, $records customer records, batches of $BATCH, $(nproc) cores"
python3 - "$RESULTS" <<'PY'
import sys
rows = {l.split("\t")[0]: l.rstrip("\n").split("\t")[1:] for l in open(sys.argv[1]) if l.strip()}
names = {"rapport-pg": "Rapport import, PostgreSQL", "rapport-sqlite": "Rapport import, SQLite",
         "copy-pg": "PostgreSQL COPY FROM (peer)"}
print(f'{"":<30} {"rows":>10} {"seconds":>9} {"rows/s":>10}')
for key in ("rapport-pg", "rapport-sqlite", "copy-pg"):
    if key in rows:
        n, s = int(rows[key][0]), float(rows[key][1])
        print(f'{names[key]:<30} {n:>10} {s:>9.1f} {n / s:>10.0f}')
if "rapport-pg" in rows and "copy-pg" in rows:
    ratio = float(rows["copy-pg"][1]) / float(rows["rapport-pg"][1])
    print(f'COPY time / Rapport-PG time: {ratio:.2f} (Rapport at {ratio * 100:.0f}% of COPY\'s speed)')
PY
