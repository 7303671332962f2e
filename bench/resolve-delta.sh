#!/usr/bin/env bash
# Delta resolution benchmark (issue 4, R2.6): on a bank of N customers built by the real path
# (`rapport demo`: extracts → import → full resolve), a delta load that changes the mobile of
# SHARE of the core system's customers and adds as many new core records for existing
# customers; then `rapport resolve` (delta: only what the load touched and the customers it
# meets) against `rapport resolve --full` on the same store. Prints both times, their ratio,
# how many records each matched, and what the full run found left to change after the delta
# (0 new / 0 updated / 0 merged means the delta placed every record as a full run does).
#
#   bench/resolve-delta.sh                  # N=100000, SHARE=0.01
#   N=20000 bench/resolve-delta.sh          # quicker
# Knobs: N, SHARE, WORK (scratch dir; the bank is rebuilt each run). Loopback only, no server.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
SHARE=${SHARE:-0.01}
WORK=${WORK:-/var/tmp/rapport-resolve-delta}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

echo "== building rapport (release)"
cargo build --release --locked -q -p rapport --bin rapport
BIN="$CARGO_TARGET_DIR/release/rapport"

DATA="$WORK/bank-$N"
rm -rf "$DATA" "$WORK/delta"
mkdir -p "$WORK/delta"
echo "== building a bank of $N customers by the real path (generate, import, full resolve)"
start=$(date +%s)
"$BIN" demo --customers "$N" --data-dir "$DATA" --no-serve --no-transactions 2>&1 | grep -E "^resolved" || true
echo "bank built in $(( $(date +%s) - start )) s"

echo "== a delta of ${SHARE} of the core system's customers: new mobiles, and as many new records"
python3 - "$DATA/extracts/core_banking.csv" "$WORK/delta/core_banking.csv" "$SHARE" <<'PY'
import csv, sys
src, dst, share = sys.argv[1], sys.argv[2], float(sys.argv[3])
with open(src, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
mobile = header.index("mobile")
step = max(1, int(1 / share))
out = []
for n, row in enumerate(body[::step]):
    changed = list(row)
    changed[mobile] = f"139{n:08d}"
    out.append(changed)
    added = list(row)
    added[0] = f"{row[0]}D"
    out.append(added)
with open(dst, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    w.writerows(out)
print(f"{len(out)} delta rows ({len(out) // 2} changed, {len(out) // 2} new) of {len(body)}")
PY
cp "$DATA/extracts/core_banking.mapping.toml" "$WORK/delta/"
"$BIN" import "$WORK/delta/core_banking.csv" --data-dir "$DATA" --mode delta 2>&1 | tail -1

# Runs `rapport resolve` with the given flags; prints its summary line, leaves seconds in $SECS.
resolve_timed() {
  local t0 t1
  t0=$(date +%s.%N)
  "$BIN" resolve --data-dir "$DATA" "$@" > "$WORK/resolve.log" 2>&1
  t1=$(date +%s.%N)
  SECS=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
  grep -E "^resolved" "$WORK/resolve.log" || tail -3 "$WORK/resolve.log"
}
echo "== delta resolve"
resolve_timed
delta_s=$SECS
echo "delta resolve: $delta_s s"
echo "== full resolve of the same store (trains the model again)"
resolve_timed --full
full_s=$SECS
echo "full resolve: $full_s s"
echo "ratio full / delta: $(python3 -c "print(f'{$full_s / $delta_s:.1f}')")x"
