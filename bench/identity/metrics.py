"""Clustering quality against ground truth: one function for every tool, from the same files."""
import pandas as pd


def _pairs(sizes: pd.Series) -> int:
    s = sizes.astype("int64")
    return int((s * (s - 1) // 2).sum())


def score(truth: pd.DataFrame, clusters: pd.DataFrame) -> dict:
    """truth: record_id, truth; clusters: record_id, cluster_id (every record once).

    Pairwise precision/recall/F1 over the pairs put together; B-cubed F1 over records; the
    share of true persons whose records form exactly one predicted cluster and nothing else.
    """
    df = truth[["record_id", "truth"]].merge(
        clusters[["record_id", "cluster_id"]], on="record_id", how="left", validate="one_to_one"
    )
    # A record a tool left out of its output is a cluster of its own.
    missing = df["cluster_id"].isna()
    df.loc[missing, "cluster_id"] = "__single__" + df.loc[missing, "record_id"].astype(str)
    df["cluster_id"] = df["cluster_id"].astype(str)
    df["truth"] = df["truth"].astype(str)

    both = df.groupby(["cluster_id", "truth"]).size()
    c_size = df.groupby("cluster_id").size()
    t_size = df.groupby("truth").size()
    tp = _pairs(both)
    found, real = _pairs(c_size), _pairs(t_size)
    precision = tp / found if found else 1.0
    recall = tp / real if real else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    inter = both.rename("n").reset_index()
    inter["c"] = inter["cluster_id"].map(c_size)
    inter["t"] = inter["truth"].map(t_size)
    # Each of the n records in (cluster, truth) has n same-person records in its cluster.
    n = len(df)
    bp = float((inter["n"] * inter["n"] / inter["c"]).sum()) / n
    br = float((inter["n"] * inter["n"] / inter["t"]).sum()) / n
    b3 = 2 * bp * br / (bp + br)
    exact = int(((inter["n"] == inter["c"]) & (inter["n"] == inter["t"])).sum()) / len(t_size)
    return {
        "records": n,
        "persons": len(t_size),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "b3_f1": b3,
        "exact": exact,
    }


if __name__ == "__main__":
    # Self-check on a hand-worked case: truth {1,2,3},{4,5}; prediction {1,2},{3,4,5}.
    t = pd.DataFrame({"record_id": [1, 2, 3, 4, 5], "truth": [1, 1, 1, 2, 2]})
    c = pd.DataFrame({"record_id": [1, 2, 3, 4, 5], "cluster_id": ["a", "a", "b", "b", "b"]})
    m = score(t, c)
    # Pairs: found {12, 34, 35, 45}, real {12, 13, 23, 45}: tp 2 → P 0.5, R 0.5.
    assert abs(m["precision"] - 0.5) < 1e-9 and abs(m["recall"] - 0.5) < 1e-9, m
    # B-cubed precision: (1+1+1/3+2/3+2/3)/5; recall: (2/3+2/3+1/3+1+1)/5.
    assert abs(m["b3_f1"] - 2 * (11 / 15) * (11 / 15) / (22 / 15)) < 1e-9, m
    assert m["exact"] == 0.0, m
    print("metrics self-check passed")
