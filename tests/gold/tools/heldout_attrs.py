"""Held-out check of the fact attributes `indicator`, `subject` and `period`: the
same 20 documents of xwlb_econ_heldout.jsonl as heldout_status.py, whose facts
were labelled blind in tests/gold/heldout_status/attrs.tsv (the annotator read
only the texts, never tiqu's attributes; see tests/gold/heldout_status/README.md).

    python3 tests/gold/tools/heldout_attrs.py            # from the repository root
    python3 tests/gold/tools/heldout_attrs.py --show     # also print the mismatches

Extracts the documents from ../shared, runs `target/release/tiqu tag` on them and
pairs each labelled fact with a predicted fact of the same document. Spans may
differ (a predicted span may start earlier or later, since the indicator can be
part of it), so pairing is by character overlap of the quantities: the gold
quantity is approximated by the last 4 characters of the gold span, the
predicted one by the last len(quantity) characters of the predicted span (the
span always ends with its quantity). Among the predicted facts whose quantity
overlaps the gold quantity, the one with the largest such overlap wins; ties go
to the larger overlap of the whole spans, then to the closer end offset.

Scores, per attribute, over the paired facts:
  * lenient: equal after removing whitespace and the quotes “”"‘’, or one
    contains the other (both non-empty); null == null counts as right;
  * exact: identical strings (or both null).
Rows labelled `-` (the status annotator judged them not a quantity statement)
are skipped. Status is checked by heldout_status.py, not here.
"""
import argparse
import os
import re

import tagged

ATTRS = ("indicator", "subject", "period")
QUOTES = re.compile(r"[\s“”\"‘’]")

here = os.path.join(tagged.root, "tests/gold/heldout_status")


def norm(v):
    """None for null; the string otherwise."""
    if v is None:
        return None
    v = str(v)
    if v == "" or v == "null":
        return None
    return v


def lenient(g, p):
    if g is None or p is None:
        return g is None and p is None
    a, b = QUOTES.sub("", g), QUOTES.sub("", p)
    if not a or not b:
        return a == b
    return a == b or a in b or b in a


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--show", action="store_true", help="print the mismatches (lenient) and the facts not found")
    args = ap.parse_args()

    texts, records = tagged.tag(tagged.read_ids(here), "fact")
    pred = tagged.by_doc(records)

    gold = []
    with open(os.path.join(here, "attrs.tsv"), encoding="utf-8") as f:
        header = next(f).rstrip("\n").split("\t")
        for line in f:
            p = dict(zip(header, line.rstrip("\n").split("\t")))
            if p["indicator"] == "-":
                continue
            gold.append(p)

    found, not_found = [], []
    for g in gold:
        best = tagged.paired_fact(pred.get(g["doc"], []), int(g["start"]), int(g["end"]))
        if best is None:
            not_found.append(g)
        else:
            found.append((g, best))

    print(f"facts labelled: {len(gold)} (rows judged not a quantity statement skipped)")
    print(f"found by tiqu (quantity overlap): {len(found)}; not found: {len(not_found)}")
    print(f"{'attribute':<10} {'n':>4} {'lenient':>8} {'exact':>8}")
    mism = {a: [] for a in ATTRS}
    for a in ATTRS:
        ok = ex = 0
        for g, r in found:
            gv = norm(g[a])
            pv = norm((r.get("attrs") or {}).get(a))
            ok += lenient(gv, pv)
            ex += gv == pv
            if not lenient(gv, pv):
                mism[a].append((g, r, gv, pv))
        n = len(found)
        print(f"{a:<10} {n:>4} {ok / max(1, n):>8.3f} {ex / max(1, n):>8.3f}   ({ok} / {ex} of {n})")

    if args.show:
        for a in ATTRS:
            print(f"\n== {a}: {len(mism[a])} mismatches (gold -> tiqu)")
            for g, r, gv, pv in mism[a]:
                print(f"  {g['item']:>4} {g['doc'].split('#')[1]} [{g['fact']}] pred [{texts[g['doc']][r['start']:r['end']]}]: "
                      f"{gv if gv is not None else 'null'} -> {pv if pv is not None else 'null'}")
        print(f"\n== not found: {len(not_found)}")
        for g in not_found:
            t = texts[g["doc"]]
            gs, ge = int(g["start"]), int(g["end"])
            print(f"  {g['item']:>4} {g['doc'].split('#')[1]} {t[max(0, gs - 12):gs]}[{g['fact']}]{t[ge:ge + 6]}"
                  .replace("\n", " "))


if __name__ == "__main__":
    main()
