"""Shared code of the exhaustive `policy` checks (heldout_policy.py, dev_policy.py).

A set directory holds `doc_ids.txt` (one xwlb id a line) and `policy.tsv`
(columns item, doc, start, end, text, kind, canonical; every policy phrase
occurrence in those documents). `run(set_dir)` extracts the documents from
../shared, runs `target/release/tiqu tag <file> -o <out> -q --labels policy`
and compares:

* overlap matching: each gold span is paired with at most one predicted span of
  the same document that overlaps it, and vice versa, greatest overlap first
  (ties: the smaller distance between the starts, then document order);
* strict matching: identical start and end;
* kind accuracy over the overlap-matched pairs.

With `--show` on the command line it also prints misses, false alarms and span
differences in context.
"""
import os
import sys

import tagged

root = tagged.root


def locate(text, r):
    """(start, end) of a predicted record as code-point offsets into the document
    text. tiqu's start/end are used when they reproduce the record's text; else
    its byte offsets; else the occurrence of the text nearest to `start`."""
    s, e, t = r["start"], r["end"], r["text"]
    if text[s:e] == t:
        return s, e
    b = text.encode("utf-8")
    bs, be = r.get("byte_start"), r.get("byte_end")
    if bs is not None and b[bs:be].decode("utf-8", "replace") == t:
        s = len(b[:bs].decode("utf-8"))
        return s, s + len(t)
    hits, k = [], text.find(t)
    while k >= 0:
        hits.append(k)
        k = text.find(t, k + 1)
    if not hits:
        return None
    k = min(hits, key=lambda h: abs(h - s))
    return k, k + len(t)


def prf(tp, ng, np_):
    pr, rc = tp / max(1, np_), tp / max(1, ng)
    f1 = 2 * pr * rc / max(1e-9, pr + rc)
    return f"precision {pr:.3f} ({tp}/{np_})  recall {rc:.3f} ({tp}/{ng})  F1 {f1:.3f}"


def run(set_dir, argv=None):
    """Check the set in `set_dir` (relative to the repository root) and print the figures."""
    argv = sys.argv[1:] if argv is None else argv
    here = os.path.join(root, set_dir)
    show = "--show" in argv

    ids = tagged.read_ids(here)
    texts, records = tagged.tag(ids, "policy")
    pred, remapped, lost = [], 0, []
    for r in records:
        loc = locate(texts[r["doc"]], r)
        if loc is None:
            lost.append(r)
            continue
        remapped += loc != (r["start"], r["end"])
        pred.append({"doc": r["doc"], "start": loc[0], "end": loc[1], "text": r["text"],
                     "kind": r.get("attrs", {}).get("kind"), "canonical": r.get("attrs", {}).get("canonical")})

    gold = []
    with open(os.path.join(here, "policy.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            p = line.rstrip("\n").split("\t")
            g = {"item": int(p[0]), "doc": p[1], "start": int(p[2]), "end": int(p[3]), "text": p[4], "kind": p[5], "canonical": p[6]}
            assert texts[g["doc"]][g["start"]:g["end"]] == g["text"], g
            gold.append(g)

    # overlap matching, greatest overlap first
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if p["doc"] == g["doc"]:
                ov = min(g["end"], p["end"]) - max(g["start"], p["start"])
                if ov > 0:
                    cands.append((-ov, abs(g["start"] - p["start"]), gi, pi))
    cands.sort()
    pair, gdone, pdone = {}, set(), set()
    for _, _, gi, pi in cands:
        if gi not in gdone and pi not in pdone:
            pair[gi] = pi
            gdone.add(gi)
            pdone.add(pi)
    strict = {(g["doc"], g["start"], g["end"]) for g in gold} & {(p["doc"], p["start"], p["end"]) for p in pred}

    print(f"policy spans labelled: {len(gold)} in {len({g['doc'] for g in gold})} of {len(ids)} documents; predicted: {len(pred)}")
    if remapped or lost:
        print(f"  ({remapped} predicted offsets remapped to the document text, {len(lost)} could not be located)")
    print("overlap:", prf(len(pair), len(gold), len(pred)))
    print("strict: ", prf(len(strict), len(gold), len(pred)))
    kright = sum(gold[gi]["kind"] == pred[pi]["kind"] for gi, pi in pair.items())
    print(f"kind accuracy on the {len(pair)} overlap pairs: {kright / max(1, len(pair)):.3f} ({kright}/{len(pair)})")
    bad = [(gold[gi], pred[pi]) for gi, pi in pair.items() if gold[gi]["kind"] != pred[pi]["kind"]]
    if bad:
        print("kind confusions (gold -> predicted):", ", ".join(f"{g['text']} {g['kind']}->{p['kind']}" for g, p in bad))

    def ctx(doc, s, e, w=15):
        t = texts[doc]
        return (t[max(0, s - w):s] + "[" + t[s:e] + "]" + t[e:e + w]).replace("\n", " ")

    if show:
        print("\nmisses (gold not overlapped by any prediction):")
        for gi, g in enumerate(gold):
            if gi not in pair:
                print(f"  {g['item']:>3} {g['doc'][len(tagged.PREFIX):]} {g['kind']:<9} {ctx(g['doc'], g['start'], g['end'])}")
        print("\nfalse alarms (predictions not paired with gold):")
        for pi, p in enumerate(pred):
            if pi not in pdone:
                print(f"      {p['doc'][len(tagged.PREFIX):]} {str(p['kind']):<9} {ctx(p['doc'], p['start'], p['end'])}")
        print("\npaired, span differs:")
        for gi, pi in sorted(pair.items()):
            g, p = gold[gi], pred[pi]
            if (g["start"], g["end"]) != (p["start"], p["end"]):
                print(f"  {g['item']:>3} gold [{g['text']}] pred [{p['text']}]  {ctx(p['doc'], p['start'], p['end'])}")
        for r in lost:
            print("  not located:", r["doc"], r["start"], r["end"], r["text"])
