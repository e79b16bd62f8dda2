"""Development check of `policy`: 25 further documents of xwlb_econ_heldout.jsonl,
in neither the gold set nor the held-out set, in which every policy phrase was
labelled from the text alone (tests/gold/dev_policy/policy.tsv, exhaustive, so
this measures precision and recall). Unlike heldout_policy.py, this set is meant
to be looked at: rules may be tuned on its misses.

    python3 tests/gold/tools/dev_policy.py            # from the repository root
    python3 tests/gold/tools/dev_policy.py --show     # plus misses and false alarms in context

Extracts the documents from ../shared, runs
`target/release/tiqu tag <file> -o <out> -q --labels policy` and compares
(overlap matching, strict matching, kind accuracy; see policy_check.py, which
holds the code shared with heldout_policy.py).
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import policy_check  # noqa: E402

policy_check.run("tests/gold/dev_policy")
