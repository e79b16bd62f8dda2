"""Held-out check of fact `status`: 20 documents of xwlb_econ_heldout.jsonl that
are not in the gold set, whose 368 facts (as tiqu found them on 2026-11-22) were
labelled blind (the annotator never saw tiqu's status).

    python3 tests/gold/tools/heldout_status.py            # from the repository root

Extracts the documents from ../shared, runs `target/release/tiqu tag` on them and
compares status on the facts of tests/gold/heldout_status/status.tsv, each paired
with the predicted fact whose span overlaps the end of the gold span (the number)
most: a predicted span may start earlier or later, where the indicator is.
`unknown` rows are numbers the annotator judged not to be a statement of a
quantity (dates, names, 长三角 …): they count against precision, not status.
"""
import collections
import json
import os
import subprocess
import tempfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
here = os.path.join(root, "tests/gold/heldout_status")
ids = [l.strip() for l in open(os.path.join(here, "doc_ids.txt"), encoding="utf-8") if l.strip()]
src = os.path.join(root, "../shared/corpus-ext/gov/xwlb_econ_heldout.jsonl")
docs = {}
for line in open(src, encoding="utf-8"):
    d = json.loads(line)
    if d["id"] in ids:
        docs[d["id"]] = line
with tempfile.TemporaryDirectory() as tmp:
    inp = os.path.join(tmp, "xwlb_econ_heldout.jsonl")
    with open(inp, "w", encoding="utf-8") as f:
        for i in ids:
            f.write(docs[i])
    out = os.path.join(tmp, "out.jsonl")
    subprocess.run([os.path.join(root, "target/release/tiqu"), "tag", inp, "-o", out, "-q", "--labels", "fact"], check=True)
    pred = collections.defaultdict(list)
    for line in open(out, encoding="utf-8"):
        r = json.loads(line)
        pred[r["doc"]].append(r)

gold = []
with open(os.path.join(here, "status.tsv"), encoding="utf-8") as f:
    next(f)
    for line in f:
        p = line.rstrip("\n").split("\t")
        gold.append(((p[1], int(p[2]), int(p[3])), p[-1]))

def overlap(a0, a1, b0, b1):
    return max(0, min(a1, b1) - max(a0, b0))


def paired_status(key):
    """The status of the predicted fact whose quantity overlaps the end of the
    gold span most (spans can differ at the start, where the indicator is)."""
    doc, gs, ge = key
    best, best_key = None, None
    for r in pred.get(doc, []):
        ps, pe = r["start"], r["end"]
        qo = overlap(ps, pe, max(gs, ge - 4), ge)
        if qo == 0:
            continue
        k = (qo, overlap(ps, pe, gs, ge), -abs(pe - ge))
        if best_key is None or k > best_key:
            best, best_key = r, k
    return None if best is None else best["attrs"].get("status", "")


status = {k: paired_status(k) for k, _ in gold}
known = [(k, g) for k, g in gold if g != "unknown"]
found = [(k, g) for k, g in known if status[k] is not None]
right = sum(status[k] == g for k, g in found)
print(f"facts labelled: {len(gold)} ({len(gold) - len(known)} judged not a quantity statement)")
print(f"status accuracy on the {len(found)} of {len(known)} labelled facts still found: {right / max(1, len(found)):.3f}")
print("confusions (gold, predicted):", dict(collections.Counter((g, status[k]) for k, g in found if status[k] != g)))
