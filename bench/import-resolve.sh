#!/usr/bin/env bash
# Import and identity resolution of the demo bank by two builds of `rapport`, in one run on the
# same machine (a regression check of a store change, e.g. issue 21's one store): each round
# makes the same demo bank (seed 7) with BEFORE, then with AFTER, into a fresh data directory
# (and, with PG=1, a fresh PostgreSQL database), and reads the phases' own timings from the
# demo's output: the source imports (customers and accounts), the warehouse load of balances and
# transactions, and resolution (read + match + write + reviews). Prints each run and the
# after/before ratios of the medians over the rounds.
#
#   BIN_BEFORE=… BIN_AFTER=… bench/import-resolve.sh
# Knobs: N (customers, 10000 — the demo bank), ROUNDS (3), PG (1: PostgreSQL as root's local
# `postgres` superuser makes a database per run, owned by PG_ROLE with PG_PASSWORD), WORK,
# DEMO_FLAGS (more `rapport demo` flags: `--no-transactions` leaves out the warehouse's
# transactions and the scoring that learns from them, for quicker and quieter rounds).
set -euo pipefail
: "${BIN_BEFORE:?path to the before binary}"
: "${BIN_AFTER:?path to the after binary}"
N=${N:-10000}
ROUNDS=${ROUNDS:-3}
PG=${PG:-}
PG_ROLE=${PG_ROLE:-rapport_main}
PG_PASSWORD=${PG_PASSWORD:-rapport_main}
WORK=${WORK:-/var/tmp/rapport-import-resolve}
DEMO_FLAGS=${DEMO_FLAGS:-}
databases=()
cleanup() {
  for db in "${databases[@]}"; do su postgres -c "dropdb --if-exists $db" || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
rm -rf "$WORK"; mkdir -p "$WORK"

: > "$WORK/results.tsv"
for round in $(seq 1 "$ROUNDS"); do
  for which in before after; do
    bin=$BIN_BEFORE; [ "$which" = after ] && bin=$BIN_AFTER
    dir="$WORK/$which-$round"
    url_flags=()
    if [ -n "$PG" ]; then
      db="rapport_bench_${which}_$round"
      su postgres -c "dropdb --if-exists $db && createdb -O $PG_ROLE $db"
      databases+=("$db")
      url_flags=(--database-url "postgres://$PG_ROLE:$PG_PASSWORD@127.0.0.1/$db")
    fi
    start=$(date +%s.%N)
    "$bin" demo --customers "$N" --seed 7 --data-dir "$dir" --no-serve "${url_flags[@]}" $DEMO_FLAGS \
      > "$WORK/$which-$round.log" 2>&1
    end=$(date +%s.%N)
    python3 - "$WORK/$which-$round.log" "$round" "$which" "$start" "$end" >> "$WORK/results.tsv" <<'PY'
import re, sys
log, rnd, which, start, end = sys.argv[1:]
text = open(log, encoding="utf-8", errors="replace").read()
imports = sum(float(s) for s in re.findall(r"inserted, .*? rejected in ([0-9.]+) s", text))
warehouse = sum(float(s) for s in re.findall(r"warehouse load .*? rejected in ([0-9.]+) s", text))
m = re.search(r"\(read ([0-9.]+) s, match ([0-9.]+) s, write ([0-9.]+) s, reviews ([0-9.]+) s\)", text)
if not m:
    sys.exit(f"no resolution timing in {log}")
resolve = sum(float(x) for x in m.groups())
print(f"{rnd}\t{which}\t{imports:.1f}\t{warehouse:.1f}\t{resolve:.1f}\t{float(end) - float(start):.1f}")
PY
    rm -rf "$dir"
  done
done

python3 - "$WORK/results.tsv" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
print("round  build   imports_s  warehouse_s  resolve_s  demo_total_s")
for r in rows:
    print(f"{r[0]:>5}  {r[1]:<6}  {r[2]:>9}  {r[3]:>11}  {r[4]:>9}  {r[5]:>12}")
for i, name in ((2, "imports"), (3, "warehouse load"), (4, "resolution"), (5, "whole demo")):
    med = {w: statistics.median(float(r[i]) for r in rows if r[1] == w) for w in ("before", "after")}
    by_round = {(r[0], r[1]): float(r[i]) for r in rows}
    paired = statistics.median(by_round[(n, "after")] / by_round[(n, "before")]
                               for n in sorted({r[0] for r in rows}))
    print(f"{name}: before {med['before']:.1f} s, after {med['after']:.1f} s, "
          f"after/before {med['after'] / med['before']:.2f} (medians over rounds), "
          f"{paired:.2f} (median of each round's ratio: robust to a machine that drifts)")
PY
