"""Held-out check of fact `status`: 20 documents of xwlb_econ_heldout.jsonl that
are not in the gold set, whose 368 facts (as tiqu found them on 2026-11-22) were
labelled blind (the annotator never saw tiqu's status).

    python3 tests/gold/tools/heldout_status.py            # from the repository root

Extracts the documents from ../shared, runs `target/release/tiqu tag` on them and
compares status on the facts of tests/gold/heldout_status/status.tsv, each paired
with the predicted fact whose number overlaps the labelled one most
(`tagged.paired_fact`: a predicted span may start earlier or later, where the
indicator is). `unknown` rows are numbers the annotator judged not to be a
statement of a quantity (dates, names, 长三角 …): they count against precision,
not status.
"""
import collections
import os

import tagged

here = os.path.join(tagged.root, "tests/gold/heldout_status")
_, records = tagged.tag(tagged.read_ids(here), "fact")
pred = tagged.by_doc(records)

gold = []
with open(os.path.join(here, "status.tsv"), encoding="utf-8") as f:
    next(f)
    for line in f:
        p = line.rstrip("\n").split("\t")
        gold.append(((p[1], int(p[2]), int(p[3])), p[-1]))


def paired_status(key):
    doc, gs, ge = key
    best = tagged.paired_fact(pred.get(doc, []), gs, ge)
    return None if best is None else best["attrs"].get("status", "")


status = {k: paired_status(k) for k, _ in gold}
known = [(k, g) for k, g in gold if g != "unknown"]
found = [(k, g) for k, g in known if status[k] is not None]
right = sum(status[k] == g for k, g in found)
print(f"facts labelled: {len(gold)} ({len(gold) - len(known)} judged not a quantity statement)")
print(f"status accuracy on the {len(found)} of {len(known)} labelled facts still found: {right / max(1, len(found)):.3f}")
print("confusions (gold, predicted):", dict(collections.Counter((g, status[k]) for k, g in found if status[k] != g)))
