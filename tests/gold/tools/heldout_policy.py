"""Held-out check of `policy`: 20 documents of xwlb_econ_heldout.jsonl that are
not in the gold set, in which every policy phrase was labelled blind from the
text alone (tests/gold/heldout_status/policy.tsv, exhaustive, so this measures
precision and recall).

    python3 tests/gold/tools/heldout_policy.py            # from the repository root
    python3 tests/gold/tools/heldout_policy.py --show     # plus misses and false alarms in context

Extracts the documents from ../shared, runs
`target/release/tiqu tag <file> -o <out> -q --labels policy` and compares
(overlap matching, strict matching, kind accuracy; see policy_check.py, which
holds the code shared with dev_policy.py).
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import policy_check  # noqa: E402

policy_check.run("tests/gold/heldout_status")
