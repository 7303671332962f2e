"""The churn model beside LightGBM, its logistic baseline and the oracle, out of time.

Reads the rows `rapport score --export-churn FILE` writes — exactly the rows the out-of-time
evaluation trained and tested on: `party_id, snapshot, set (train|test), label`, the model's
inputs, then `model` (rapport's probability), `baseline` (its logistic baseline's) and `oracle`
(the generator's true probability; empty when unknown). LightGBM and a scikit-learn logistic
regression on the baseline's inputs learn from the `train` rows only; every scorer is measured
on the `test` rows: ROC AUC with a 95% bootstrap interval over customers (1,000 resamples, one
fixed seed, the same resamples for every scorer, so the differences are paired), PR AUC
(average precision) and the lift of the top 10%. The oracle is measured over the test rows it
places, and compared with rapport's model on those rows.

LightGBM learns from every training row; rapport's model fits its trees on three quarters of
the training customers and calibrates its probabilities on the rest (and samples whole
customers when there are more than `churn_model.max_rows` rows), as `rapport score` trains it.

    python lightgbm_compare.py churn.csv
"""
import sys
import time
import warnings

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

OURS = "rapport (perpetual)"
ROUNDS = 1_000
SEED = 20_240_601
# rapport_scoring::churn::out_of_time::BASELINE_INPUTS
BASELINE_INPUTS = ["aum_change_3m", "tx_change_3m", "tenure_months"]
LIGHTGBM = {
    "defaults": {},
    "regularised": dict(
        n_estimators=600,
        learning_rate=0.03,
        num_leaves=15,
        min_child_samples=100,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        reg_lambda=1.0,
    ),
}
# The regularised setting again, its trees stopped by the log loss on a fifth of the training
# customers (as rapport holds a quarter out to calibrate): the test rows are never looked at.
EARLY_STOPPED = "regularised, early-stopped"


class Ranked:
    """One scorer's test scores sorted once, for AUCs under resampling weights in O(n)."""

    def __init__(self, scores, labels):
        self.order = np.argsort(scores, kind="stable")
        s = scores[self.order]
        self.group = np.concatenate([[0], np.cumsum(s[1:] != s[:-1])])
        self.groups = int(self.group[-1]) + 1
        self.positive = labels[self.order].astype(float)

    def auc(self, weights):
        """The weighted Mann–Whitney AUC: ties count one half."""
        w = weights[self.order]
        pos = np.bincount(self.group, w * self.positive, self.groups)
        neg = np.bincount(self.group, w * (1.0 - self.positive), self.groups)
        below = np.cumsum(neg) - neg
        return (pos @ below + 0.5 * pos @ neg) / (pos.sum() * neg.sum())


def top_lift(scores, labels, share=0.10):
    """Positive rate of the top `share` by score (ties by row order) over the overall rate."""
    top = max(1, int(np.ceil(len(scores) * share)))
    order = np.argsort(-scores, kind="stable")[:top]
    return labels[order].mean() / labels.mean()


def customer_weights(parties, rounds, seed):
    """Per resample, each row's weight: how often its customer was drawn (with replacement)."""
    codes, uniques = pd.factorize(parties)
    rng = np.random.default_rng(seed)
    for _ in range(rounds):
        drawn = np.bincount(rng.integers(0, len(uniques), len(uniques)), minlength=len(uniques))
        yield drawn[codes].astype(float)


def counts(rows, name):
    return (
        f"{name} {len(rows):,} rows of {rows.party_id.nunique():,} customers "
        f"({int(rows.label.sum()):,} churned, {rows.label.mean():.2%})"
    )


def main(path):
    data = pd.read_csv(path)
    inputs = list(data.columns[data.columns.get_loc("label") + 1 : data.columns.get_loc("model")])
    train = data[data.set == "train"].reset_index(drop=True)
    test = data[data.set == "test"].reset_index(drop=True)
    snapshots = ", ".join(sorted(train.snapshot.unique()))
    print(counts(train, "train:") + f" at {snapshots}")
    print(counts(test, "test: ") + f" at {', '.join(sorted(test.snapshot.unique()))}")
    shared = set(train.party_id) & set(test.party_id)
    print(f"customers both trained and tested: {len(shared)}")
    y_train, y_test = train.label.to_numpy(bool), test.label.to_numpy(bool)

    scorers = {OURS: test.model.to_numpy(float)}
    scorers["rapport logistic baseline"] = test.baseline.to_numpy(float)
    logistic = make_pipeline(StandardScaler(), LogisticRegression(C=1e4, max_iter=1_000))
    logistic.fit(train[BASELINE_INPUTS], y_train)
    sk_logistic = logistic.predict_proba(test[BASELINE_INPUTS])[:, 1]
    scorers["sklearn logistic (baseline inputs)"] = sk_logistic
    fit_seconds = {}
    for name, params in LIGHTGBM.items():
        start = time.perf_counter()
        model = lgb.LGBMClassifier(verbose=-1, random_state=1, n_jobs=2, **params)
        model.fit(train[inputs], y_train)
        fit_seconds[f"LightGBM {name}"] = time.perf_counter() - start
        scorers[f"LightGBM {name}"] = model.predict_proba(test[inputs])[:, 1]
    start = time.perf_counter()
    stopped, trees = early_stopped(train, inputs, y_train)
    fit_seconds[f"LightGBM {EARLY_STOPPED}"] = time.perf_counter() - start
    scorers[f"LightGBM {EARLY_STOPPED}"] = stopped.predict_proba(test[inputs])[:, 1]

    everyone = np.ones(len(test), dtype=bool)
    scored = {name: (s, everyone) for name, s in scorers.items()}
    placed = test.oracle.notna().to_numpy()
    if placed.any():
        # Over the test rows it places, as rapport reports it; compared on those rows.
        scored["oracle (true hazard)"] = (test.oracle.to_numpy(float), placed)
        if not placed.all():
            print(f"the oracle places {placed.sum():,} of {len(test):,} test rows: its figures are over those")
    else:
        print("no oracle: the bank's truth was not given (--truth)")
    report(scored, y_test, test.party_id.to_numpy(), fit_seconds)

    gap = np.abs(sk_logistic - scorers["rapport logistic baseline"])
    print(
        f"\nlogistic cross-check: |rapport baseline − sklearn| on the test rows: max {gap.max():.2e}, "
        f"mean {gap.mean():.2e}"
    )
    print(f"LightGBM {lgb.__version__}; the {EARLY_STOPPED} setting kept {trees} trees")


def early_stopped(train, inputs, y_train):
    """LightGBM's regularised setting with its trees stopped on a fifth of the training
    customers (never on test rows)."""
    parties = train.party_id.unique()
    rng = np.random.default_rng(SEED)
    stop_on = set(rng.choice(parties, size=max(1, len(parties) // 5), replace=False))
    hold = train.party_id.isin(stop_on).to_numpy()
    params = dict(LIGHTGBM["regularised"], n_estimators=3_000)
    model = lgb.LGBMClassifier(verbose=-1, random_state=1, n_jobs=2, **params)
    # LightGBM 4.7 renamed eval_set (eval_X, eval_y); 4.5 and 4.6 know only eval_set.
    warnings.filterwarnings("ignore", message="The argument 'eval_set' is deprecated")
    model.fit(
        train[inputs][~hold],
        y_train[~hold],
        eval_set=[(train[inputs][hold], y_train[hold])],
        eval_metric="binary_logloss",
        callbacks=[lgb.early_stopping(100, verbose=False)],
    )
    return model, model.best_iteration_


def report(scored, labels, parties, fit_seconds):
    """Each scorer's figures on the test rows (those of its mask), and against rapport's model
    on the same rows: paired, the same customer resamples for both."""
    ours = scored[OURS][0]
    ranked = {
        name: (Ranked(s[mask], labels[mask]), Ranked(ours[mask], labels[mask]), mask)
        for name, (s, mask) in scored.items()
    }
    boot = {name: [] for name in scored}
    for weights in customer_weights(parties, ROUNDS, SEED):
        for name, (theirs, mine, mask) in ranked.items():
            w = weights[mask]
            boot[name].append((theirs.auc(w), mine.auc(w)))
    print(
        f"\n{'scorer (test rows)':<38} {'ROC AUC (95% CI)':<25} {'PR AUC':>7} {'lift@10%':>8}"
        f"   {'ΔAUC vs rapport (95% CI)':<27} {'AUC/ours':>8} {'lift/ours':>9} {'fit s':>6}"
    )
    for name, (s, mask) in scored.items():
        y, s, mine = labels[mask], s[mask], ours[mask]
        auc, ours_auc = roc_auc_score(y, s), roc_auc_score(y, mine)
        pairs = np.array(boot[name])
        lo, hi = np.percentile(pairs[:, 0], [2.5, 97.5])
        lift = top_lift(s, y)
        if name == OURS:
            versus = f"{'—':<27} {'':>8} {'':>9}"
        else:
            d_lo, d_hi = np.percentile(pairs[:, 0] - pairs[:, 1], [2.5, 97.5])
            versus = (
                f"{auc - ours_auc:+.4f} ({d_lo:+.4f} – {d_hi:+.4f})   "
                f"{auc / ours_auc:>8.3f} {lift / top_lift(mine, y):>9.2f}"
            )
        secs = f"{fit_seconds[name]:>6.1f}" if name in fit_seconds else f"{'':>6}"
        print(
            f"{name:<38} {auc:.4f} ({lo:.4f} – {hi:.4f})  {average_precision_score(y, s):>7.4f}"
            f" {lift:>8.2f}   {versus} {secs}"
        )


if __name__ == "__main__":
    main(sys.argv[1])
