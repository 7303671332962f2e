"""Splink (DuckDB backend) on one benchmark dataset: read CSV → clusters written, timed.

    python splink_run.py febrl|synth IN.csv OUT.csv

Prints `seconds=…` (wall-clock from reading the input to writing the clusters, the same span
Rapport's side measures). The settings below are the benchmark's committed Splink
configuration: blocking rules, Jaro-Winkler/Levenshtein/exact comparisons, the prior from a
deterministic rule, u by random sampling, m by expectation-maximisation, then predict and
connected-components clustering at THRESHOLD.
"""
import logging
import re
import sys
import time
import unicodedata

import pandas as pd

import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

# A pair is the same person at match probability ≥ 0.9 (as for Rapport's default
# match threshold); pairs below 0.5 are not kept from predict at all.
THRESHOLD = 0.9
PREDICT_FLOOR = 0.5
U_PAIRS = 1e7
SEED = 7

FEBRL = dict(
    blocking=[
        block_on("soc_sec_id"),
        block_on("date_of_birth"),
        block_on("postcode"),
        block_on("surname", "substr(given_name, 1, 1)"),
        block_on("given_name", "substr(surname, 1, 1)"),
    ],
    comparisons=[
        cl.JaroWinklerAtThresholds("given_name", [0.9, 0.7]),
        cl.JaroWinklerAtThresholds("surname", [0.9, 0.7]),
        cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
        cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number"),
        cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
        cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
        cl.LevenshteinAtThresholds("postcode", [1]),
        cl.ExactMatch("state"),
    ],
    prior_rule=block_on("soc_sec_id"),
    em_rules=[block_on("date_of_birth"), block_on("soc_sec_id")],
)

SYNTH = dict(
    blocking=[
        block_on("resident_id"),
        block_on("mobile"),
        block_on("email"),
        block_on("name_pinyin", "birth_year"),
        block_on("surname_pinyin", "birth_date"),
    ],
    comparisons=[
        cl.JaroWinklerAtThresholds("name_pinyin", [0.92, 0.8]),
        cl.LevenshteinAtThresholds("resident_id", [1, 2]),
        cl.ExactMatch("mobile"),
        cl.LevenshteinAtThresholds("birth_date", [1]),
        cl.JaroWinklerAtThresholds("address", [0.9]),
        cl.ExactMatch("gender"),
        cl.ExactMatch("email"),
    ],
    prior_rule=block_on("resident_id"),
    em_rules=[block_on("resident_id"), block_on("name_pinyin", "birth_date")],
)


def febrl_frame(path: str) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    cols = ["given_name", "surname", "street_number", "address_1", "address_2", "suburb",
            "postcode", "state", "date_of_birth", "soc_sec_id"]
    out = df[["record_id"] + cols].copy()
    for c in cols:
        out[c] = out[c].str.strip().replace("", None)
    return out


# --- Standardisation for the synthetic bank, as a Splink user would write it -----------------

def _pinyin_of(hanzi: str) -> str:
    from pypinyin import lazy_pinyin
    return "".join(lazy_pinyin(hanzi))


def _name(raw: str):
    s = unicodedata.normalize("NFKC", raw or "")
    han = "".join(ch for ch in s if "\u4e00" <= ch <= "\u9fff")
    if han:
        from pypinyin import lazy_pinyin
        syl = lazy_pinyin(han)
        return "".join(syl), syl[0]
    words = re.findall(r"[a-z]+", s.lower())
    if not words:
        return None, None
    return "".join(words), words[0]


_DATE = [r"^(\d{4})-(\d{1,2})-(\d{1,2})$", r"^(\d{4})(\d{2})(\d{2})$",
         r"^(\d{4})/(\d{1,2})/(\d{1,2})$", r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"]


def _date(raw: str):
    s = unicodedata.normalize("NFKC", raw or "").strip()
    for p in _DATE:
        m = re.match(p, s)
        if m:
            return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
    return None


_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _resident_id(raw: str):
    s = unicodedata.normalize("NFKC", raw or "").strip().upper()
    if len(s) == 15 and s.isdigit():
        body = s[:6] + "19" + s[6:]
        check = "10X98765432"[sum(int(c) * w for c, w in zip(body, _W)) % 11]
        return body + check
    return s or None


def _address(raw: str):
    s = unicodedata.normalize("NFKC", raw or "")
    s = re.sub(r"\s+", "", s).replace("#", "号").replace("省", "").replace("市", "")
    return s or None


def _mobile(raw: str):
    d = re.sub(r"\D", "", unicodedata.normalize("NFKC", raw or ""))
    if d.startswith("86") and len(d) == 13:
        d = d[2:]
    return d if len(d) == 11 else None


def _gender(raw: str):
    return {"m": "m", "1": "m", "男": "m", "male": "m",
            "f": "f", "2": "f", "女": "f", "female": "f"}.get((raw or "").strip().lower())


def synth_frame(path: str) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    names = df["name"].map(_name)
    out = pd.DataFrame({"record_id": df["record_id"]})
    out["name_pinyin"] = names.map(lambda t: t[0])
    out["surname_pinyin"] = names.map(lambda t: t[1])
    out["birth_date"] = df["birth_date"].map(_date)
    out["birth_year"] = out["birth_date"].str[:4]
    out["resident_id"] = df["resident_id"].map(_resident_id)
    out["mobile"] = df["mobile"].map(_mobile)
    out["address"] = df["address"].map(_address)
    out["gender"] = df["gender"].map(_gender)
    out["email"] = df["email"].str.strip().str.lower().replace("", None)
    return out


def main() -> None:
    kind, src, dst = sys.argv[1:4]
    logging.getLogger("splink").setLevel(logging.WARNING)
    start = time.perf_counter()
    conf = FEBRL if kind == "febrl" else SYNTH
    df = febrl_frame(src) if kind == "febrl" else synth_frame(src)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        blocking_rules_to_generate_predictions=conf["blocking"],
        comparisons=conf["comparisons"],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker(df, settings, db_api=DuckDBAPI())
    linker.training.estimate_probability_two_random_records_match([conf["prior_rule"]], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=SEED)
    for rule in conf["em_rules"]:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    pairs = linker.inference.predict(threshold_match_probability=PREDICT_FLOOR)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pairs, threshold_match_probability=THRESHOLD
    ).as_pandas_dataframe()
    clusters[["record_id", "cluster_id"]].to_csv(dst, index=False)
    print(f"seconds={time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main()
