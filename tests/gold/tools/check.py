#!/usr/bin/env python3.11
"""Validate the tiqu gold standard (tests/gold/*.jsonl) and print counts.

Checks: JSON schema of every document and annotation; offsets
(text[start:end] == annotation text); labels and attribute values; fact
arithmetic (normalized == value x unit factor); flat entity layer (no
overlapping place/zone/org/person/title/period spans); nothing annotated
inside a 《title》; one canonical form per policy span; document text equal
to the source corpus (when /work/shared/corpus-ext is present).

Usage: python3.11 tests/gold/tools/check.py   (exit status 1 on any error)
"""
import json, os, re, sys
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD = os.path.dirname(HERE)
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import quantity  # unit table (same one build.py uses)

CORPUS = os.environ.get('TIQU_CORPUS_EXT', '/work/shared/corpus-ext/gov')
FILES = ['xwlb_econ.jsonl', 'gov_report.jsonl']
LABELS = ['policy', 'fact', 'place', 'zone', 'org', 'person', 'title', 'period']
ENTITY_LAYER = {'place', 'zone', 'org', 'person', 'title', 'period'}
POLICY_KINDS = {'package', 'numbered', 'mechanism', 'programme'}
PERIOD_KINDS = {'day', 'month', 'months', 'quarter', 'half_year', 'year', 'years', 'to_date', 'plan', 'point',
                'comparison', 'other'}
DIMENSIONS = {'money', 'ratio', 'percentage_point', 'count', 'area', 'mass', 'power', 'energy', 'length', 'volume',
              'duration', 'multiple', 'other'}
STATUS = {'actual', 'target', 'forecast', 'unknown'}
CHANGE = {'increase', 'decrease', None}
SCOPE = {None, 'threshold'}
FACT_KEYS = ['quantity', 'indicator', 'value', 'unit', 'normalized', 'normalized_max', 'base_unit', 'dimension',
             'qualifier', 'change', 'subject', 'period', 'status', 'scope']
DOC_KEYS = {'doc', 'date', 'title', 'source', 'url', 'text', 'annotations'}
DOC_OPT = {'year', 'source_start', 'source_end'}

errors = []


def err(where, msg):
    errors.append('%s: %s' % (where, msg))


def is_dec(s):
    if not isinstance(s, str) or not re.fullmatch(r'-?\d+(\.\d+)?', s):
        return False
    try:
        Decimal(s); return True
    except InvalidOperation:
        return False


def load_sources():
    src = {}
    for fn in ('xwlb_econ_heldout.jsonl', 'government_work_reports.jsonl'):
        p = os.path.join(CORPUS, fn)
        if not os.path.exists(p):
            return None
        for l in open(p, encoding='utf-8'):
            d = json.loads(l); src[fn + '#' + d['id']] = d['text']
    return src


def check_fact(w, a, text):
    at = a['attrs']
    if list(at.keys()) != FACT_KEYS:
        err(w, 'fact attrs keys %r' % list(at.keys())); return
    if not at['quantity'] or at['quantity'] not in a['text']:
        err(w, 'quantity %r not inside span' % at['quantity'])
    if not a['text'].endswith(at['quantity']):
        err(w, 'span must end with the quantity (%r)' % at['quantity'])
    for k in ('value', 'normalized'):
        if not is_dec(at[k]):
            err(w, '%s %r is not a decimal string' % (k, at[k]))
    if at['normalized_max'] is not None and not is_dec(at['normalized_max']):
        err(w, 'normalized_max %r' % at['normalized_max'])
    if at['dimension'] not in DIMENSIONS: err(w, 'dimension %r' % at['dimension'])
    if at['status'] not in STATUS: err(w, 'status %r' % at['status'])
    if at['change'] not in CHANGE: err(w, 'change %r' % at['change'])
    if at['scope'] not in SCOPE: err(w, 'scope %r' % at['scope'])
    for k in ('indicator', 'unit', 'base_unit', 'qualifier', 'subject', 'period'):
        if at[k] is not None and (not isinstance(at[k], str) or not at[k]):
            err(w, '%s must be null or a non-empty string' % k)
    if at['subject'] is not None and at['subject'] != '全国' and at['subject'] not in text:
        err(w, 'subject %r not found in the document text' % at['subject'])
    if at['period'] is not None and at['period'] not in text:
        err(w, 'period %r not found in the document text' % at['period'])
    if at['unit'] in quantity.UNITS and is_dec(at['value']) and is_dec(at['normalized']):
        base, factor, dim = quantity.UNITS[at['unit']]
        if base != at['base_unit'] or dim != at['dimension']:
            err(w, 'unit %s: base/dimension %s/%s expected %s/%s' % (at['unit'], at['base_unit'], at['dimension'], base, dim))
        if Decimal(at['value']) * factor != Decimal(at['normalized']):
            err(w, 'normalized %s != %s x %s' % (at['normalized'], at['value'], factor))
    if at['dimension'] == 'ratio' and at['base_unit'] != '%':
        err(w, 'ratio facts use base_unit %')


def main():
    src = load_sources()
    if src is None:
        print('note: corpus not found at %s; source-text comparison skipped' % CORPUS)
    counts = {f: Counter() for f in FILES}
    ndocs = Counter()
    canon = defaultdict(set)
    pkg_canon = defaultdict(set)
    extra = Counter()
    for fn in FILES:
        path = os.path.join(GOLD, fn)
        seen_docs = set()
        for ln, line in enumerate(open(path, encoding='utf-8'), 1):
            w0 = '%s:%d' % (fn, ln)
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                err(w0, 'bad JSON: %s' % e); continue
            keys = set(d)
            if not DOC_KEYS <= keys or keys - DOC_KEYS - DOC_OPT:
                err(w0, 'document keys %r' % sorted(keys))
                continue
            w0 = '%s:%d %s' % (fn, ln, d['doc'])
            if d['doc'] in seen_docs: err(w0, 'duplicate doc')
            seen_docs.add(d['doc'])
            ndocs[fn] += 1
            text = d['text']
            if src is not None:
                parts = d['doc'].split('#')
                key = parts[0] + '#' + parts[1]
                if key not in src:
                    err(w0, 'source document not found')
                elif len(parts) == 3:
                    s, e = d.get('source_start'), d.get('source_end')
                    if not isinstance(s, int) or not isinstance(e, int) or src[key][s:e] != text:
                        err(w0, 'text != report[source_start:source_end]')
                elif src[key] != text:
                    err(w0, 'text differs from the source JSONL text field')
            spans = set()
            ent = []
            titles = []
            for i, a in enumerate(d['annotations']):
                w = '%s ann#%d' % (w0, i)
                if set(a) != {'label', 'start', 'end', 'text', 'attrs'}:
                    err(w, 'annotation keys %r' % sorted(a)); continue
                if a['label'] not in LABELS:
                    err(w, 'label %r' % a['label']); continue
                s, e = a['start'], a['end']
                if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
                    err(w, 'bad offsets %r %r' % (s, e)); continue
                if text[s:e] != a['text']:
                    err(w, 'text[%d:%d]=%r != %r' % (s, e, text[s:e], a['text'])); continue
                if a['text'] != a['text'].strip() or a['text'][0] in '“”' or a['text'][-1] in '“”':
                    err(w, 'span has surrounding space or quotes: %r' % a['text'])
                k = (a['label'], s, e)
                if k in spans: err(w, 'duplicate annotation %r' % (k,))
                spans.add(k)
                counts[fn][a['label']] += 1
                lab, at = a['label'], a['attrs']
                if lab == 'fact':
                    check_fact(w, a, text)
                    extra['fact.status=' + str(at.get('status'))] += 1
                    extra['fact.dimension=' + str(at.get('dimension'))] += 1
                    if at.get('scope'): extra['fact.scope=' + at['scope']] += 1
                elif lab == 'policy':
                    if set(at) != {'canonical', 'kind', 'components'}:
                        err(w, 'policy attrs %r' % sorted(at)); continue
                    if at['kind'] not in POLICY_KINDS: err(w, 'policy kind %r' % at['kind'])
                    if not at['canonical'] or '“' in at['canonical'] or '”' in at['canonical']:
                        err(w, 'canonical %r' % at['canonical'])
                    if at['kind'] == 'package':
                        if not isinstance(at['components'], list) or '+'.join(at['components']) != at['canonical']:
                            err(w, 'package components %r vs canonical %r' % (at['components'], at['canonical']))
                        pkg_canon[frozenset(at['components'] or [])].add(at['canonical'])
                    elif at['components'] is not None:
                        err(w, 'components only for packages')
                    canon[a['text']].add((at['canonical'], at['kind']))
                    extra['policy.kind=' + at['kind']] += 1
                elif lab == 'period':
                    if set(at) != {'kind'} or at['kind'] not in PERIOD_KINDS:
                        err(w, 'period attrs %r' % at)
                    extra['period.kind=' + str(at.get('kind'))] += 1
                else:
                    if at != {}:
                        err(w, '%s attrs must be {}' % lab)
                if lab in ENTITY_LAYER:
                    ent.append((s, e, lab, a['text']))
                if lab == 'title':
                    titles.append((s, e))
                    if not (a['text'].startswith('《') and a['text'].endswith('》')):
                        err(w, 'title span must include 《》')
            ent.sort()
            for (s1, e1, l1, t1), (s2, e2, l2, t2) in zip(ent, ent[1:]):
                if s2 < e1:
                    err(w0, 'overlapping entity spans %s %r / %s %r' % (l1, t1, l2, t2))
            for a in d['annotations']:
                if a['label'] != 'title' and any(ts <= a['start'] and a['end'] <= te for ts, te in titles):
                    err(w0, '%s %r annotated inside a title' % (a['label'], a['text']))
            if [ (a['start'], -a['end']) for a in d['annotations']] != sorted((a['start'], -a['end']) for a in d['annotations']):
                err(w0, 'annotations not sorted by (start, -end)')
    for t, cs in canon.items():
        if len(cs) > 1: err('policy', 'span %r has several canonical/kind values %r' % (t, cs))
    for comps, cs in pkg_canon.items():
        if len(cs) > 1: err('policy', 'package %r has several canonical forms %r' % (set(comps), cs))

    total = Counter()
    print('%-18s %5s ' % ('file', 'docs') + ' '.join('%7s' % l for l in LABELS) + '   total')
    for fn in FILES:
        total.update(counts[fn])
        print('%-18s %5d ' % (fn, ndocs[fn]) + ' '.join('%7d' % counts[fn][l] for l in LABELS) +
              '  %6d' % sum(counts[fn].values()))
    print('%-18s %5d ' % ('all', sum(ndocs.values())) + ' '.join('%7d' % total[l] for l in LABELS) +
          '  %6d' % sum(total.values()))
    print()
    for k in sorted(extra):
        print('  %-28s %5d' % (k, extra[k]))
    if errors:
        print('\n%d ERROR(S)' % len(errors))
        for e in errors[:200]:
            print('  ' + e)
        sys.exit(1)
    print('\nOK: all checks passed')


if __name__ == '__main__':
    main()
