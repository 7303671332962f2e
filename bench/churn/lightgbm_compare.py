"""Held-out AUC of LightGBM on the matrix bench/churn.sh writes, next to rapport-scoring's."""
import sys

import lightgbm as lgb
import pandas as pd
from sklearn.metrics import roc_auc_score

SETTINGS = {
    "defaults": {},
    "small leaves, slow": dict(n_estimators=300, learning_rate=0.03, num_leaves=15),
    "bagged": dict(
        n_estimators=500,
        learning_rate=0.02,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
    ),
}

data = pd.read_csv(sys.argv[1])
x = data.drop(columns=["party_id", "is_test", "label", "perpetual"])
train, test = data.is_test == 0, data.is_test == 1
print(
    f"{len(data)} rows, {int(data.label.sum())} churn; "
    f"held out {int(test.sum())} rows of {data.party_id[test].nunique()} parties"
)
ours = roc_auc_score(data.label[test], data.perpetual[test])
print(f"rapport-scoring (perpetual)   held-out AUC {ours:.4f}")
for name, params in SETTINGS.items():
    model = lgb.LGBMClassifier(verbose=-1, random_state=1, **params)
    model.fit(x[train], data.label[train])
    auc = roc_auc_score(data.label[test], model.predict_proba(x[test])[:, 1])
    print(f"LightGBM {lgb.__version__} {name:<18} held-out AUC {auc:.4f} ({auc - ours:+.4f})")
