"""The CLV pipeline of bench/clv.sh with lifetimes 0.11.3, the Python peer of rapport-clv.

Reads the same `customer_id,t,amount` log (t in weeks) that `clv_bench run` reads and runs, with
lifetimes' standard API:
  * plain: summary_data_from_transaction_data -> BetaGeoFitter.fit on every customer ->
    GammaGammaFitter.fit on repeat customers -> conditional_probability_alive,
    conditional_expected_number_of_purchases_up_to_time(39) and customer_lifetime_value
    (12 months, 1 %/month, freq="W") for every customer;
  * compressed: the same summary collapsed to unique (frequency, recency, T) patterns,
    BetaGeoFitter.fit(..., weights=counts), predictions once per pattern, CLV as discounted
    purchases per pattern times Gamma-Gamma's expected spend per customer (Rapport's method).
Then prints each pipeline's stage timings, the speed ratios against Rapport's report
(`clv_bench run --report`) and how far the parameters and mean predictions are apart.
"""

import argparse
import time
import warnings

from importlib.metadata import version

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import _customer_lifetime_value, summary_data_from_transaction_data

warnings.simplefilter("ignore")

# Any origin works: times are weeks since it. 39 weeks = 273 days of observation.
EPOCH = pd.Timestamp("1997-01-01")
END = EPOCH + pd.Timedelta(days=273)
HORIZON_WEEKS = 39


class Clock:
    def __init__(self):
        self.stages = []
        self.last = time.perf_counter()

    def lap(self, name):
        now = time.perf_counter()
        self.stages.append((name, now - self.last))
        self.last = now

    def total(self):
        return sum(s for _, s in self.stages)

    def show(self, title):
        print(title)
        for name, secs in self.stages:
            print(f"  {name:<44} {secs:>8.3f}s")
        print(f"  {'total':<44} {self.total():>8.3f}s")


def read_report(path):
    out = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            out[key] = float(value)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--rapport-report", required=True)
    args = ap.parse_args()
    rapport = read_report(args.rapport_report)

    shared = Clock()
    tx = pd.read_csv(args.file)
    shared.lap("read csv")
    # lifetimes needs datetimes; day periods with freq_multiplier=7 give T and recency in weeks.
    tx["date"] = EPOCH + pd.to_timedelta(tx["t"] * 7.0, unit="D")
    shared.lap("weeks -> datetimes")
    summary = summary_data_from_transaction_data(
        tx, "customer_id", "date", monetary_value_col="amount",
        observation_period_end=END, freq="D", freq_multiplier=7,
    )
    shared.lap("summary_data_from_transaction_data")
    f, r, T, m = summary["frequency"], summary["recency"], summary["T"], summary["monetary_value"]
    repeat = summary[f > 0]
    ggf = GammaGammaFitter()
    ggf.fit(repeat["frequency"], repeat["monetary_value"])
    shared.lap("GammaGammaFitter.fit")

    plain = Clock()
    bgf = BetaGeoFitter()
    bgf.fit(f, r, T)
    plain.lap("BetaGeoFitter.fit (every customer)")
    p_alive = bgf.conditional_probability_alive(f, r, T)
    expected = bgf.conditional_expected_number_of_purchases_up_to_time(HORIZON_WEEKS, f, r, T)
    clv = ggf.customer_lifetime_value(bgf, f, r, T, m, time=12, discount_rate=0.01, freq="W")
    plain.lap("P(alive), E[X(39)], customer_lifetime_value")

    packed = Clock()
    patterns = summary.groupby(["frequency", "recency", "T"]).size().rename("weight").reset_index()
    packed.lap(f"compress to {len(patterns)} patterns")
    bgc = BetaGeoFitter()
    bgc.fit(patterns["frequency"], patterns["recency"], patterns["T"], weights=patterns["weight"])
    packed.lap("BetaGeoFitter.fit(weights=...)")
    pf, pr, pT = patterns["frequency"], patterns["recency"], patterns["T"]
    patterns["p_alive"] = np.asarray(bgc.conditional_probability_alive(pf, pr, pT))
    patterns["expected"] = np.asarray(
        bgc.conditional_expected_number_of_purchases_up_to_time(HORIZON_WEEKS, pf, pr, pT))
    patterns["discounted"] = np.asarray(_customer_lifetime_value(
        bgc, pf, pr, pT, pd.Series(1.0, index=patterns.index), time=12, discount_rate=0.01,
        freq="W"))
    per_customer = summary.reset_index().merge(patterns, on=["frequency", "recency", "T"], how="left")
    spend = ggf.conditional_expected_average_profit(per_customer["frequency"],
                                                    per_customer["monetary_value"])
    packed_clv = per_customer["discounted"] * spend
    packed.lap("predict per pattern, CLV per customer")

    n = len(summary)
    versions = ", ".join(f"{p} {version(p)}" for p in ["numpy", "pandas", "scipy", "autograd"])
    print(f"lifetimes {version('lifetimes')} ({versions}): {len(tx)} transactions, {n} customers")
    shared.show("shared stages (both lifetimes pipelines)")
    plain.show("plain pipeline (fit on every customer)")
    packed.show("compressed pipeline (fit on weighted patterns)")
    plain_total = shared.total() + plain.total()
    packed_total = shared.total() + packed.total()
    print(f"end to end: rapport {rapport['total']:.3f}s, lifetimes plain {plain_total:.3f}s, "
          f"lifetimes compressed {packed_total:.3f}s")
    ratio = plain_total / rapport["total"]
    verdict = "met" if ratio >= 20 else "NOT met"
    print(f"rapport vs lifetimes plain pipeline:      {ratio:7.1f}x faster (goal >= 20x: {verdict})")
    print(f"rapport vs lifetimes compressed pipeline: {packed_total / rapport['total']:7.1f}x faster")
    print(f"BG/NBD fit alone: rapport {rapport['fit_bgnbd']:.3f}s, lifetimes plain "
          f"{plain.stages[0][1]:.3f}s ({plain.stages[0][1] / rapport['fit_bgnbd']:.1f}x), "
          f"compressed {packed.stages[1][1]:.3f}s "
          f"({packed.stages[1][1] / rapport['fit_bgnbd']:.1f}x)")

    print("parameters            rapport    lifetimes  |diff|     lifetimes-compressed |diff|")
    for name, plain_v, packed_v in [
        ("r", bgf.params_["r"], bgc.params_["r"]),
        ("alpha", bgf.params_["alpha"], bgc.params_["alpha"]),
        ("a", bgf.params_["a"], bgc.params_["a"]),
        ("b", bgf.params_["b"], bgc.params_["b"]),
        ("p", ggf.params_["p"], ggf.params_["p"]),
        ("q", ggf.params_["q"], ggf.params_["q"]),
        ("gamma", ggf.params_["v"], ggf.params_["v"]),
    ]:
        ours = rapport[name]
        print(f"  {name:<8} {ours:12.6f} {plain_v:12.6f} {abs(ours - plain_v):9.2e}"
              f" {packed_v:12.6f} {abs(ours - packed_v):9.2e}")
    print("means over customers  rapport    lifetimes  |diff|     lifetimes-compressed |diff|")
    for name, key, plain_v, packed_v in [
        ("P(alive)", "mean_p_alive", np.mean(p_alive), per_customer["p_alive"].mean()),
        ("E[X(39)]", "mean_expected_39", np.mean(expected), per_customer["expected"].mean()),
        ("CLV", "mean_clv", clv.mean(), packed_clv.mean()),
    ]:
        ours = rapport[key]
        print(f"  {name:<8} {ours:12.6f} {plain_v:12.6f} {abs(ours - plain_v):9.2e}"
              f" {packed_v:12.6f} {abs(ours - packed_v):9.2e}")
    print(f"customers: rapport {int(rapport['customers'])}, lifetimes {n}; "
          f"patterns: rapport {int(rapport['patterns'])}, lifetimes {len(patterns)}")


if __name__ == "__main__":
    main()
