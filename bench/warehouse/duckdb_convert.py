"""DuckDB's side of bench/warehouse.sh: the same CSV -> month-partitioned Parquet conversion.

    duckdb_convert.py convert <csv> <out-dir> [--no-hash]   prints: seconds <s>
    duckdb_convert.py verify <rapport-root> <duckdb-out>     prints per-table counts and checks them

Computes the columns Rapport writes (account key by SHA-256 of a salt and the account number,
booked_on and month in Asia/Shanghai, signed amount) with zstd level 1 and 1Mi-row row groups,
on 2 threads.
"""
import sys
import time

import duckdb

COLUMNS = (
    "{'id': 'VARCHAR', 'account_number': 'VARCHAR', 'booked_at': 'TIMESTAMPTZ', "
    "'direction': 'VARCHAR', 'amount': 'DECIMAL(18,2)', 'currency': 'VARCHAR', "
    "'channel': 'VARCHAR', 'description': 'VARCHAR'}"
)


def connect():
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET TimeZone = 'UTC'")
    return con


def convert(csv, out, hash_accounts):
    key = "left(sha256('rapport-bench-salt:' || account_number), 32)" if hash_accounts else "account_number"
    sql = f"""
    COPY (
      SELECT id AS transaction_id,
             {key} AS account_key,
             booked_at,
             CAST(timezone('Asia/Shanghai', booked_at) AS DATE) AS booked_on,
             direction,
             amount,
             CASE WHEN direction = 'credit' THEN amount ELSE -amount END AS signed_amount,
             currency, channel, description,
             'core_banking' AS source_system,
             'duckdb-bench' AS load_id,
             strftime(timezone('Asia/Shanghai', booked_at), '%Y-%m') AS month
      FROM read_csv('{csv}', header = true, columns = {COLUMNS})
    ) TO '{out}' (FORMAT parquet, PARTITION_BY (month), COMPRESSION zstd,
                  COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 1048576, OVERWRITE_OR_IGNORE)
    """
    con = connect()
    started = time.perf_counter()
    con.execute(sql)
    print(f"seconds {time.perf_counter() - started:.3f}")


def verify(rapport_root, duck_out):
    con = connect()
    q = """SELECT month, count(*) AS n, sum(signed_amount) AS net
           FROM read_parquet('{}/*/*.parquet', hive_partitioning = true)
           GROUP BY month ORDER BY month"""
    ours = con.sql(q.format(f"{rapport_root}/transactions")).fetchall()
    theirs = con.sql(q.format(duck_out)).fetchall()
    rows_ours = sum(r[1] for r in ours)
    rows_theirs = sum(r[1] for r in theirs)
    print(f"rows_rapport {rows_ours}")
    print(f"rows_duckdb {rows_theirs}")
    print(f"months {len(ours)} / {len(theirs)}")
    same = ours == theirs
    print(f"same_counts_and_sums_per_month {same}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1] == "convert":
        convert(sys.argv[2], sys.argv[3], "--no-hash" not in sys.argv)
    elif sys.argv[1] == "verify":
        verify(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
