#!/usr/bin/env bash
# Import crash benchmark (R2.1), the long version of `cargo test -p rapport --test it import`:
# a customer extract of N synthetic rows (default 1,000,000; source_key, name, mobile — no real
# data) is imported with `rapport import --batch-rows BATCH` and killed with SIGKILL KILLS times
# (default 50), each after a random delay (seeded) between 50 ms and the time a whole load takes
# (measured on a tenth of the file; a re-run first walks past the rows already loaded, so after
# a kill that loaded nothing new the window widens by a quarter, up to 4x). After every kill the database is opened read-only and
# checked: whole batches only (rows a multiple of BATCH, or N), no duplicate (source_system,
# source_key), the runs' inserted counters add up to the rows present, every run counted whole
# batches, and on SQLite `PRAGMA integrity_check` is ok. Whenever a load is complete (and at the
# end) a re-run must report as inserted exactly the rows that were missing (none) and leave
# exactly N rows; the next kills then go to a fresh, empty store (a new round), so that they keep
# landing on loads rather than on re-runs of a full table.
# Prints one line per kill and PASS/FAIL per store; exits non-zero on any FAIL.
#
#   bench/import-crash.sh                              # SQLite only
#   RAPPORT_BENCH_DATABASE_URL=postgres://user:pw@127.0.0.1:5432/postgres bench/import-crash.sh
#       (a role that may CREATE DATABASE; the script creates and drops `rapport_crash_probe` and
#        one `rapport_crash_<round>` per round)
# Knobs: N, KILLS, BATCH, SEED, WORK (scratch dir), STORES (default "sqlite postgres"; e.g. run
# STORES=sqlite and STORES=postgres side by side with different WORK dirs).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
KILLS=${KILLS:-50}
BATCH=${BATCH:-5000}
SEED=${SEED:-2026}
STORES=${STORES:-sqlite postgres}
WORK=${WORK:-/var/tmp/rapport-import-crash}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

echo "== building rapport (release)"
cargo build --release --locked -p rapport -q
BIN="$CARGO_TARGET_DIR/release/rapport"

rm -rf "$WORK"
mkdir -p "$WORK"

echo "== writing $N synthetic customer rows (and a tenth of them for the timing probe)"
python3 - "$WORK" "$N" <<'PY'
import os, sys
work, n = sys.argv[1], int(sys.argv[2])
surnames, given = "赵钱孙李周吴郑王", "一二三四五六七八"
mapping = ('source_system = "core_banking"\nkind = "customers"\nformat = "csv"\n\n'
           '[columns]\nsource_key = "source_key"\nname = "name"\nmobile = "mobile"\n')
for sub, rows in (("extract", n), ("probe", max(n // 10, 1))):
    d = os.path.join(work, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "crash.csv"), "w", encoding="utf-8") as f:
        f.write("source_key,name,mobile\n")
        for i in range(rows):
            f.write(f"CRASH-{i:07},{surnames[i % 8]}{given[i // 8 % 8]}{given[i // 64 % 8]},199{i:08}\n")
    with open(os.path.join(d, "crash.mapping.toml"), "w") as f:
        f.write(mapping)
PY

PG_ADMIN=${RAPPORT_BENCH_DATABASE_URL:-}
pg_base=""
dbs=()
cleanup() {
  if [ -n "$PG_ADMIN" ]; then
    dbs+=($(psql -X -At "$PG_ADMIN" -c "SELECT datname FROM pg_database WHERE datname ~ '^rapport_crash_[0-9]+$'" 2>/dev/null || true))
  fi
  for db in "${dbs[@]}"; do
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

verdicts=()
run_backend() {
  local backend=$1 url=$2 probe_url=$3
  echo "== $backend: $N rows, $KILLS kills, batches of $BATCH, seed $SEED"
  if python3 - "$BIN" "$WORK" "$backend" "$url" "$probe_url" "$PG_ADMIN" "$N" "$KILLS" "$BATCH" "$SEED" <<'PY'
import os, random, re, sqlite3, subprocess, sys, time
bin_, work, backend, url, probe_url, admin = sys.argv[1:7]
n, kills, batch, seed = map(int, sys.argv[7:11])

def args(data_dir, db_url):
    a = ["--data-dir", data_dir]
    if db_url:
        a += ["--database-url", db_url]
    return a

env = {k: v for k, v in os.environ.items()
       if k not in ("RAPPORT_DATABASE_URL", "RAPPORT_CONFIG", "RAPPORT_KEYS")}
env["RAPPORT_LOG"] = "warn"

def init(data_dir, db_url):
    # Key file and schema exist before anything is killed.
    subprocess.run([bin_, "user", "list", *args(data_dir, db_url)], env=env, check=True,
                   stdout=subprocess.DEVNULL)

def start(data_dir, db_url, csv):
    return subprocess.Popen([bin_, "import", "--batch-rows", str(batch), csv,
                             *args(data_dir, db_url)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

RUNS = "SELECT id, batches, inserted, updated, unchanged, status FROM import_runs ORDER BY id"
DUPS = ("SELECT count(*) FROM (SELECT source_system, source_key FROM source_records "
        "GROUP BY source_system, source_key HAVING count(*) > 1) d")

def inspect(data_dir, db_url):
    if not db_url:
        db = sqlite3.connect(f"file:{data_dir}/rapport.db?mode=ro", uri=True)
        rows = db.execute("SELECT count(*) FROM source_records").fetchone()[0]
        dups = db.execute(DUPS).fetchone()[0]
        runs = db.execute(RUNS).fetchall()
        integrity = "; ".join(r[0] for r in db.execute("PRAGMA integrity_check"))
        db.close()
        return rows, dups, runs, integrity
    pg_env = dict(env, PGOPTIONS="-c default_transaction_read_only=on")
    def q(sql):
        out = subprocess.run(["psql", "-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1",
                              db_url, "-c", sql],
                             env=pg_env, check=True, capture_output=True, text=True).stdout
        return [l.split("|") for l in out.splitlines() if l]
    rows = int(q("SELECT count(*) FROM source_records")[0][0])
    dups = int(q(DUPS)[0][0])
    runs = [(int(a), int(b), int(c), int(d), int(e), f) for a, b, c, d, e, f in q(RUNS)]
    return rows, dups, runs, "ok (PostgreSQL)"

def problems(state):
    rows, dups, runs, integrity = state
    p = []
    if not (rows % batch == 0 or rows == n) or rows > n:
        p.append(f"{rows} rows is not a whole number of batches")
    if dups:
        p.append(f"{dups} duplicate keys")
    if not integrity.startswith("ok"):
        p.append(f"integrity_check: {integrity}")
    if sum(r[2] for r in runs) != rows:
        p.append(f"runs' inserted counters add up to {sum(r[2] for r in runs)}, not {rows}")
    for rid, batches, ins, upd, unch, _ in runs:
        whole = ins + upd + unch
        if not (whole == batches * batch or (whole == n and batches == -(-n // batch))):
            p.append(f"run {rid}: {batches} batches but {whole} rows")
        if upd:
            p.append(f"run {rid} updated {upd} rows of an unchanged file")
    return p

probe_dir, data_dir = f"{work}/{backend}-probe", f"{work}/{backend}"
init(probe_dir, probe_url)
t0 = time.monotonic()
p = start(probe_dir, probe_url, f"{work}/probe/crash.csv")
_, err = p.communicate()
if p.returncode != 0:
    sys.exit(f"probe import failed: {err}")
full_ms = max(int((time.monotonic() - t0) * 1000 * n / max(n // 10, 1)), 200)
print(f"{backend}: a whole load takes about {full_ms / 1000:.1f} s", flush=True)

rng = random.Random(seed)
failed = []
landed = 0
t_all = time.monotonic()

def drop(db):
    # An autovacuum worker (a superuser's process) may hold the database for a while, and a
    # role without pg_signal_backend cannot end it: retry, and leave it to the cleanup if need be.
    for attempt in range(30):
        r = subprocess.run(["psql", "-X", "-q", admin, "-c",
                            f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"],
                           env=env, capture_output=True, text=True)
        if r.returncode == 0:
            return
        time.sleep(1)
    print(f"{backend}: {db} is still in use ({r.stderr.strip()}); dropped at the end", flush=True)

def fresh_store(round_):
    """A new, empty store: kills keep landing on loads rather than on re-runs of a full one."""
    global url
    d = f"{data_dir}-{round_}"
    subprocess.run(["rm", "-rf", f"{data_dir}-{round_ - 1}"], check=True)
    if url:
        if round_ > 1:
            drop(f"rapport_crash_{round_ - 1}")
        db = f"rapport_crash_{round_}"
        subprocess.run(["psql", "-X", "-q", admin, "-c", f"CREATE DATABASE {db}"], env=env,
                       check=True)
        url = f"{url.rsplit('/', 1)[0]}/{db}"
    init(d, url)
    return d

def complete(d, label):
    """Runs the file once more: it loads exactly the rows missing, and then all N are there."""
    before = inspect(d, url)[0]
    child = start(d, url, f"{work}/extract/crash.csv")
    _, err = child.communicate()
    summary = next((l for l in err.splitlines() if " inserted, " in l), "")
    print(f"{backend}: {label}: re-run: {summary.split(': ', 1)[-1] if summary else err.strip()}",
          flush=True)
    m = re.search(r"(\d+) inserted, (\d+) updated, (\d+) unchanged, (\d+) rejected", summary)
    bad = []
    if child.returncode != 0 or not m:
        bad.append(f"re-run failed: {err.strip()}")
    elif tuple(map(int, m.groups())) != (n - before, 0, before, 0):
        bad.append(f"re-run reported {m.group(0)}; expected {n - before} inserted, {before} unchanged")
    state = inspect(d, url)
    bad += problems(state)
    if state[0] != n:
        bad.append(f"{state[0]} rows, expected {n}")
    if state[2] and state[2][-1][5] != "finished":
        bad.append("the last run did not finish")
    return [f"{label}: {b}" for b in bad], state

round_ = 1
store = fresh_store(round_)
window, before_kill, rounds_done = full_ms, 0, 0
for k in range(1, kills + 1):
    delay = rng.randint(50, window)
    child = start(store, url, f"{work}/extract/crash.csv")
    try:
        child.wait(timeout=delay / 1000)
        finished = True
    except subprocess.TimeoutExpired:
        child.kill()  # SIGKILL
        child.wait()
        finished = False
    child.stderr.close()
    state = inspect(store, url)
    bad = problems(state)
    landed += not finished
    print(f"{backend}: round {round_} kill {k:>2} after {delay / 1000:6.2f} s (of {window / 1000:.1f}): "
          f"{state[0]:>8} rows ({state[0] // batch} batches), {len(state[2])} runs, "
          f"integrity {state[3]}{' (the run had already finished)' if finished else ''}"
          f"{'  FAIL: ' + '; '.join(bad) if bad else ''}", flush=True)
    failed += [f"kill {k}: {b}" for b in bad]
    if state[0] == n:
        # Loaded whole: check the re-run, then a fresh store for the next kills.
        more, _ = complete(store, f"round {round_}")
        failed += more
        rounds_done += 1
        round_ += 1
        store = fresh_store(round_)
        window, before_kill = full_ms, 0
        continue
    # A re-run first walks past the rows already loaded (unchanged, touched): when a kill came
    # before any new batch, widen the window so that later kills still reach new rows.
    if state[0] == before_kill:
        window = min(int(window * 1.25), 4 * full_ms)
    before_kill = state[0]

more, state = complete(store, f"round {round_} (last)")
failed += more
print(f"{backend}: {kills} kills ({landed} during a load) over {round_} stores, "
      f"{rounds_done + 1} loads completed by a re-run, {time.monotonic() - t_all:.0f} s")
for f in failed:
    print(f"{backend}: FAIL {f}")
print(f"{backend}: {'PASS' if not failed else 'FAIL'}")
sys.exit(1 if failed else 0)
PY
  then verdicts+=("$backend PASS"); else verdicts+=("$backend FAIL"); fi
}

if [[ " $STORES " == *" sqlite "* ]]; then
  run_backend sqlite "" ""
fi

if [[ " $STORES " != *" postgres "* ]]; then
  :
elif [ -n "$PG_ADMIN" ]; then
  pg_base=${PG_ADMIN%/*}
  for db in rapport_crash_probe; do
    dbs+=("$db")
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  done
  run_backend postgres "$pg_base/rapport_crash" "$pg_base/rapport_crash_probe"
else
  echo "== PostgreSQL skipped: set RAPPORT_BENCH_DATABASE_URL (a role that may CREATE DATABASE) to include it"
fi

echo
echo "Import crash benchmark: $N rows, $KILLS kills, batches of $BATCH, seed $SEED"
status=0
for v in "${verdicts[@]}"; do
  echo "  $v"
  [[ $v == *PASS ]] || status=1
done
[ "$status" = 0 ] && echo "verdict: PASS" || echo "verdict: FAIL"
exit "$status"
