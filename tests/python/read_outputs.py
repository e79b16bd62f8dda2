"""Reads tiqu's Parquet and CSV output with pandas and DuckDB and checks them
against the JSON Lines output of the same run. Run by .ci/run:

    python tests/python/read_outputs.py OUT.jsonl OUT.csv OUT.parquet
"""
import json
import sys

import duckdb
import pandas as pd

jsonl, csv_path, parquet_path = sys.argv[1:4]
records = [json.loads(line) for line in open(jsonl, encoding="utf-8")]

pq = pd.read_parquet(parquet_path)
assert len(pq) == len(records), (len(pq), len(records))
assert list(pq["text"]) == [r["text"] for r in records]
assert list(pq["start"]) == [r["start"] for r in records]
facts = pq[pq["label"] == "fact"]
assert facts["normalized"].notna().all()

csv = pd.read_csv(csv_path, dtype={"code": str, "place_code": str, "subject_code": str, "parent": str}, keep_default_na=False)
assert len(csv) == len(records), (len(csv), len(records))
assert list(csv["text"]) == [r["text"] for r in records]

counts = dict(duckdb.sql(f"select label, count(*) from '{parquet_path}' group by label").fetchall())
expected = {}
for r in records:
    expected[r["label"]] = expected.get(r["label"], 0) + 1
assert counts == expected, (counts, expected)

# Python's text[start:end] gives the record's text.
for r in records[:200]:
    doc = open(f"corpus/{r['doc']}", encoding="utf-8").read()
    assert doc[r["start"]:r["end"]] == r["text"]

print(f"pandas/DuckDB read {len(records)} records from Parquet and CSV: ok")
