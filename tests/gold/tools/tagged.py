"""Shared by the checks of the sets cut from xwlb_econ_heldout.jsonl
(heldout_status.py, heldout_attrs.py, policy_check.py): extract the listed
documents from ../shared, run `target/release/tiqu tag` on them, and pair a
labelled fact with the predicted fact whose number overlaps it most."""
import json
import os
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
src = os.path.join(root, "../shared/corpus-ext/gov/xwlb_econ_heldout.jsonl")
PREFIX = "xwlb_econ_heldout.jsonl#"


def read_ids(set_dir):
    """The document ids listed in `set_dir`/doc_ids.txt."""
    path = os.path.join(set_dir, "doc_ids.txt")
    return [l.strip() for l in open(path, encoding="utf-8") if l.strip()]


def tag(ids, label):
    """Run tiqu on the documents `ids` (in that order) for one label.

    Returns (texts, records): the text of each document by its `doc` name
    (`xwlb_econ_heldout.jsonl#<id>`, the name tiqu gives it), and the records
    of `label` in output order."""
    lines, texts = {}, {}
    for line in open(src, encoding="utf-8"):
        d = json.loads(line)
        if d["id"] in ids:
            lines[d["id"]] = line if line.endswith("\n") else line + "\n"
            texts[PREFIX + d["id"]] = d["text"]
    missing = [i for i in ids if i not in lines]
    if missing:
        sys.exit(f"documents not found in {src}: {missing}")
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "xwlb_econ_heldout.jsonl")  # the name gives the `doc` prefix
        with open(inp, "w", encoding="utf-8") as f:
            for i in ids:
                f.write(lines[i])
        out = os.path.join(tmp, "out.jsonl")
        subprocess.run([os.path.join(root, "target/release/tiqu"), "tag", inp, "-o", out, "-q", "--labels", label],
                       check=True)
        records = [r for r in map(json.loads, open(out, encoding="utf-8")) if r.get("label") == label]
    return texts, records


def by_doc(records):
    """Records grouped by their `doc`."""
    out = {}
    for r in records:
        out.setdefault(r["doc"], []).append(r)
    return out


def overlap(a0, a1, b0, b1):
    return max(0, min(a1, b1) - max(a0, b0))


def paired_fact(preds, gs, ge):
    """The predicted fact (from `preds`, one document's facts) paired with the
    labelled span [gs, ge). Spans may differ (a predicted span may start
    earlier or later, since the indicator can be part of it), so pairing is by
    the overlap of the quantities: the gold quantity is approximated by the
    last 4 characters of the gold span, the predicted one by the last
    len(quantity) characters of the predicted span (a span ends with its
    quantity). The largest such overlap wins; ties go to the larger overlap of
    the whole spans, then to the closer end. None when nothing overlaps."""
    qs = max(gs, ge - 4)
    best, best_key = None, None
    for r in preds:
        ps, pe = r["start"], r["end"]
        q = (r.get("attrs") or {}).get("quantity")
        pqs = max(ps, pe - (len(q) if q else 4))
        qo = overlap(pqs, pe, qs, ge)
        if qo == 0:
            continue
        key = (qo, overlap(ps, pe, gs, ge), -abs(pe - ge))
        if best_key is None or key > best_key:
            best, best_key = r, key
    return best
