"""Runs the feature SQL (bench/scoring/features_duckdb.sql, the DuckDB dialect of
rapport_warehouse::features::features_sql) in DuckDB over a warehouse's Parquet files and
prints the same check sums as `features_bench run`.

    duckdb_run.py <warehouse-root> <sql-file> <threads> <memory-limit>

The result is materialised in a DuckDB table (not fetched into Python), as Rapport
materialises its rows as structs. Peak RSS is the process's ru_maxrss.
"""
import resource
import sys
import time

import duckdb

root, sql_file, threads, memory = sys.argv[1:5]
sql = open(sql_file, encoding="utf-8").read().strip().rstrip(";")

con = duckdb.connect()
con.execute(f"SET threads = {int(threads)}")
con.execute(f"SET memory_limit = '{memory}'")
con.execute(f"SET temp_directory = '{root}/tmp/duckdb'")
con.execute("SET preserve_insertion_order = false")
hive = "hive_partitioning = true, hive_types = {'month': VARCHAR}"
for table in ["transactions", "balances"]:
    con.execute(
        f"CREATE VIEW {table} AS SELECT * FROM "
        f"read_parquet('{root}/{table}/*/*.parquet', {hive})"
    )
for table in ["accounts", "parties"]:
    con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{root}/dim/{table}.parquet')")

start = time.perf_counter()
con.execute(f"CREATE TEMP TABLE result AS {sql}")
seconds = time.perf_counter() - start

sums = {
    "sum_aum_m0": "aum_m0",
    "sum_aum_m11": "aum_m11",
    "sum_tx_total": "tx_total",
    "sum_credit_m0": "credit_m0",
    "sum_debit_m11": "debit_m11",
    "sum_loans": "loans",
    "sum_maturing_90d": "maturing_90d",
    "sum_payroll_months": "payroll_months",
    "sum_missed_repayments": "missed_repayments",
    "sum_open_accounts": "open_accounts",
}
exprs = ", ".join(f"coalesce(sum({col}), 0)::HUGEINT" for col in sums.values())
row = con.execute(f"SELECT count(*), {exprs} FROM result").fetchone()
print(f"duckdb_rows {row[0]}")
for name, value in zip(sums, row[1:]):
    print(f"duckdb_{name} {value}")
print(f"duckdb_features_seconds {seconds:.2f}")
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"duckdb_peak_rss_mib {peak_kib / 1024:.0f}")
