#!/usr/bin/env python3.11
"""Build tests/gold/*.jsonl from the annotation sources in tests/gold/tools/ann/.

The sources name every annotation by its span text (plus occurrence number
when needed); this script finds the character offsets, fills the numeric
attributes of facts from quantity.py, and writes the JSONL files.  Run
`python3.11 tests/gold/tools/build.py --review` to print every annotation in
context plus candidate numbers/entities that are not annotated (recall aid).

Source format (one block per document):
  === <source id>[#<section name>]
  @ key=value ...           sticky fact defaults: st= subj= per= (use - for null)
  place: A | B@2 | C@1,3    entity terms; default = every occurrence that does
  zone: / org: / person: / title: / period: (period terms may carry /kind)
  policy: span = canonical ; kind ; comp1,comp2   (canonical/kind/comps optional)
  F: span[@n] | ind=.. | subj=.. | per=.. | st=.. | ch=inc|dec|- | scope=.. | q=..
     | v=.. | u=.. | n=.. | nmax=.. | bu=.. | dim=.. | qual=..
  # comment
"""
import json, re, sys, os
from collections import defaultdict, OrderedDict
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(__file__))
import quantity

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD = os.path.dirname(HERE)
CORPUS = '/work/shared/corpus-ext/gov'
ENT_LABELS = ['place', 'zone', 'org', 'person', 'title', 'period']
FACT_KEYS = ['quantity', 'indicator', 'value', 'unit', 'normalized', 'normalized_max', 'base_unit', 'dimension',
             'qualifier', 'change', 'subject', 'period', 'status', 'scope']
SOURCES = {
    'xwlb': 'china-data/xwlb @710ba229 (CCTV 新闻联播 transcript; internal test use only, do not redistribute)',
    'gwr': 'aldohemsn/chinese-political-corpora @2e56948f via zh.wikisource (public-domain government text)',
}
CH = {'inc': 'increase', 'dec': 'decrease', '-': None, 'increase': 'increase', 'decrease': 'decrease'}

DEC_WORDS = ['下降', '减少', '回落', '降低', '收窄', '下调', '降幅', '压缩', '减', '降', '少']
INC_WORDS = ['增长', '提高', '上升', '增加', '加快', '高出', '高于', '快于', '多增', '提升', '扩大', '回升', '上涨', '增幅',
             '增速', '增', '涨', '提']
LEVEL_WORDS = ['提高到', '提高至', '增至', '提升至', '提升到', '上升至', '上升到', '降至', '降到', '下降到', '下降至', '扩大至',
               '扩大到', '达到', '达', '为', '增加到']


def period_kind(t):
    t2 = t.strip('“”')
    if re.search(r'(十[一二三四五六]五|五年规划)', t2): return 'plan'
    if re.search(r'以来$', t2): return 'to_date'
    if re.search(r'(日|今天|昨天|明天|当天)$', t2) or re.search(r'\d+日', t2): return 'day'
    if re.search(r'(底|末|初|前|后)$', t2): return 'point'
    if re.search(r'(上半年|下半年)$', t2): return 'half_year'
    if re.search(r'季度$', t2): return 'quarter'
    if re.search(r'(\d+[-—至到]\d+月|前\w+个月|前两个月|[-—至到]\d+月份?)$', t2): return 'months'
    if re.search(r'月份?$', t2): return 'month'
    if re.search(r'(同期)$', t2): return 'comparison'
    if re.search(r'(过去|近|未来|今后|这)\w*年', t2): return 'years'
    if re.search(r'年度?$', t2): return 'year'
    return 'other'


def load_sources():
    docs = {}
    for l in open(os.path.join(CORPUS, 'xwlb_econ_heldout.jsonl'), encoding='utf-8'):
        d = json.loads(l); docs[d['id']] = d
    for l in open(os.path.join(CORPUS, 'government_work_reports.jsonl'), encoding='utf-8'):
        d = json.loads(l); docs[d['id']] = d
    return docs


def parse_ann(path):
    blocks = []
    cur = None
    for ln, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        if line.startswith('==='):
            cur = {'id': line[3:].strip(), 'lines': []}; blocks.append(cur); continue
        cur['lines'].append((ln, line))
    return blocks


def occurrences(text, s):
    out, i = [], text.find(s)
    while i >= 0:
        out.append(i); i = text.find(s, i + 1)
    return out


def split_occ(term):
    m = re.fullmatch(r'(.+?)@([-0-9,]+)', term)
    if m:
        return m.group(1), [int(x) for x in m.group(2).split(',')]
    return term, None


class Err(Exception):
    pass


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


def build_doc(block, src_docs):
    did = block['id']
    sid, _, section = did.partition('#')
    src = src_docs[sid]
    full = src['text']
    if section:
        # section boundaries are given in the block header line: "=== gwr-2025#name" + "@@ start_marker || end_marker"
        pass
    meta = {}
    text = full
    ent_terms, pol_terms, facts = [], [], []
    sticky = {'st': None, 'subj': None, 'per': None}
    for ln, line in block['lines']:
        if line.startswith('@@'):
            a, b = [x.strip() for x in line[2:].split('||')]
            s = full.index(a); e = full.index(b, s) + len(b)
            text = full[s:e]; meta['source_start'] = s; meta['source_end'] = e
            continue
        if line.startswith('@'):
            for kv in line[1:].split():
                k, v = kv.split('=', 1); sticky[k] = None if v == '-' else v
            continue
        lab, _, rest = line.partition(':')
        lab = lab.strip()
        if lab in ENT_LABELS:
            for t in rest.split('|'):
                t = t.strip()
                if not t: continue
                kind = None
                if lab == 'period' and re.search(r'/[a-z_]+$', t):
                    t, kind = t.rsplit('/', 1)
                t, occ = split_occ(t)
                ent_terms.append((lab, t, occ, kind, ln))
        elif lab == 'policy':
            for t in rest.split('|'):
                t = t.strip()
                if not t: continue
                parts = [p.strip() for p in t.split(';')]
                head = parts[0]
                span, _, canon = head.partition('=')
                span, canon = span.strip(), canon.strip()
                span, occ = split_occ(span)
                kind = parts[1] if len(parts) > 1 and parts[1] else None
                comps = [c.strip() for c in parts[2].split(',')] if len(parts) > 2 and parts[2] else None
                pol_terms.append((span, occ, canon or span.strip('“”'), kind, comps, ln))
        elif lab == 'F':
            fields = [f.strip() for f in rest.split('|')]
            span, occ = split_occ(fields[0])
            kv = {}
            for f in fields[1:]:
                if not f: continue
                k, _, v = f.partition('=')
                kv[k.strip()] = None if v.strip() == '-' else v.strip()
            for k in ('st', 'subj', 'per'):
                if k in kv:
                    if k != 'subj' or True:
                        pass
                if k not in kv:
                    kv[k] = sticky[k]
                else:
                    sticky[k] = kv[k]
            facts.append((span, occ, kv, ln))
        else:
            raise Err('%s line %d: bad line %r' % (did, ln, line))
    anns = []
    # entity layer: longest first, flat
    claimed = []
    for lab, t, occ, kind, ln in sorted(ent_terms, key=lambda x: -len(x[1])):
        occs = occurrences(text, t)
        if not occs:
            raise Err('%s line %d: %s %r not found' % (did, ln, lab, t))
        if occ:
            if any(o < 0 for o in occ):
                excl = {-o for o in occ}
                pick = [o for i, o in enumerate(occs, 1) if i not in excl]
            else:
                pick = [occs[i - 1] for i in occ]
        else:
            pick = occs
        for s in pick:
            e = s + len(t)
            if any(overlaps((s, e), c) for c in claimed):
                if occ and all(o > 0 for o in occ):
                    raise Err('%s line %d: %s %r@%d overlaps' % (did, ln, lab, t, s))
                continue
            claimed.append((s, e))
            attrs = {}
            if lab == 'period':
                attrs = {'kind': kind or period_kind(t)}
            anns.append({'label': lab, 'start': s, 'end': e, 'text': t, 'attrs': attrs})
    pclaimed = [(a['start'], a['end']) for a in anns if a['label'] == 'title']
    for span, occ, canon, kind, comps, ln in sorted(pol_terms, key=lambda x: -len(x[0])):
        occs = occurrences(text, span)
        if not occs:
            raise Err('%s line %d: policy %r not found' % (did, ln, span))
        pick = [occs[i - 1] for i in occ] if occ else occs
        if kind is None:
            kind = 'package' if '+' in canon else ('numbered' if re.search('[一二两三四五六七八九十百千双0-9]', canon) else 'mechanism')
        if kind == 'package' and comps is None:
            comps = canon.split('+')
        for s in pick:
            e = s + len(span)
            if any(overlaps((s, e), c) for c in pclaimed):
                continue
            pclaimed.append((s, e))
            anns.append({'label': 'policy', 'start': s, 'end': e, 'text': span,
                         'attrs': {'canonical': canon, 'kind': kind, 'components': comps}})
    used = set()
    cursor = 0
    for span, occ, kv, ln in facts:
        occs = occurrences(text, span)
        if not occs:
            raise Err('%s line %d: fact %r not found' % (did, ln, span))
        if occ:
            s = occs[occ[0] - 1]
        else:
            cand = [o for o in occs if o >= cursor and (o, o + len(span)) not in used]
            if not cand:
                raise Err('%s line %d: fact %r: no occurrence after cursor' % (did, ln, span))
            s = cand[0]
        e = s + len(span)
        used.add((s, e)); cursor = s
        q = kv.get('q') or quantity.find_last(span)
        if not q or q not in span:
            raise Err('%s line %d: no quantity in fact %r (q=%r)' % (did, ln, span, q))
        try:
            p = quantity.parse(q) if 'u' not in kv else {}
        except ValueError as ex:
            if 'u' not in kv:
                raise Err('%s line %d: %s' % (did, ln, ex))
            p = {}
        over = {'v': 'value', 'u': 'unit', 'n': 'normalized', 'nmax': 'normalized_max', 'bu': 'base_unit',
                'dim': 'dimension', 'qual': 'qualifier'}
        for k, a in over.items():
            if k in kv:
                p[a] = kv[k]
        p.setdefault('normalized_max', None); p.setdefault('qualifier', None)
        if 'ch' in kv:
            ch = CH[kv['ch']] if kv['ch'] is not None else None
        else:
            ch = guess_change(span, q)
        st = kv.get('st') or 'unknown'
        subj = kv.get('subj')
        attrs = OrderedDict()
        attrs['quantity'] = q
        attrs['indicator'] = kv.get('ind')
        for a in ['value', 'unit', 'normalized', 'normalized_max', 'base_unit', 'dimension', 'qualifier']:
            attrs[a] = p.get(a)
        attrs['change'] = ch
        attrs['subject'] = subj
        attrs['period'] = kv.get('per')
        attrs['status'] = {'a': 'actual', 't': 'target', 'f': 'forecast', 'u': 'unknown'}.get(st, st)
        attrs['scope'] = kv.get('scope')
        anns.append({'label': 'fact', 'start': s, 'end': e, 'text': span, 'attrs': dict(attrs)})
    anns.sort(key=lambda a: (a['start'], -a['end'], a['label']))
    for a in anns:
        assert text[a['start']:a['end']] == a['text']
    fname = 'gov_report.jsonl' if sid.startswith('gwr') else 'xwlb_econ.jsonl'
    srcfile = 'government_work_reports.jsonl' if sid.startswith('gwr') else 'xwlb_econ_heldout.jsonl'
    rec = OrderedDict()
    rec['doc'] = srcfile + '#' + did
    if 'date' in src:
        rec['date'] = src['date']
    else:
        rec['date'] = None; rec['year'] = src.get('year')
    rec['title'] = src.get('title')
    rec['source'] = SOURCES['gwr' if sid.startswith('gwr') else 'xwlb']
    rec['url'] = src.get('url')
    for k, v in meta.items():
        rec[k] = v
    rec['text'] = text
    rec['annotations'] = anns
    return fname, rec


def guess_change(span, q):
    pre = span[:span.rfind(q)]
    for w in ('增加值', '增速', '增幅', '新增', '增长率', '增量'):
        pre = pre.replace(w, '〇' * len(w))
    tail = pre[-6:]
    for w in LEVEL_WORDS:
        if tail.endswith(w) or tail.endswith(w + '了'):
            # "达到" etc. only after checking for a change verb right before
            break
    for w in ['提高到', '提高至', '增至', '提升至', '提升到', '上升至', '上升到', '降至', '降到', '下降到', '下降至', '扩大至',
              '扩大到', '增加到', '增长到', '减少到', '减少至', '回落到', '回落至']:
        if w in tail:
            return None
    for w in DEC_WORDS:
        if w in tail:
            return 'decrease'
    for w in INC_WORDS:
        if w in tail:
            return 'increase'
    return None


NUM_CAND = re.compile(r'[0-9０-９][0-9０-９.．]*|[一二两三四五六七八九十百千万亿]{1,6}(?=[个家项户人亿万元倍吨名座台辆条批%])')


def review(rec):
    t = rec['text']
    out = ['', '#' * 100, rec['doc'], '#' * 100]
    anns = rec['annotations']
    for a in anns:
        ctx = t[max(0, a['start'] - 8):a['start']] + '[' + a['text'] + ']' + t[a['end']:a['end'] + 6]
        ctx = ctx.replace('\n', '⏎')
        if a['label'] == 'fact':
            A = a['attrs']
            out.append('  F %-34s q=%s ind=%s v=%s u=%s n=%s%s bu=%s dim=%s ql=%s ch=%s subj=%s per=%s st=%s%s' % (
                ctx, A['quantity'], A['indicator'], A['value'], A['unit'], A['normalized'],
                ('..' + A['normalized_max']) if A['normalized_max'] else '', A['base_unit'], A['dimension'],
                A['qualifier'], A['change'], A['subject'], A['period'], A['status'],
                (' scope=' + A['scope']) if A['scope'] else ''))
        elif a['label'] == 'policy':
            out.append('  P %-34s %s' % (ctx, json.dumps(a['attrs'], ensure_ascii=False)))
        else:
            out.append('  %s %-34s %s' % (a['label'][:3], ctx, a['attrs'].get('kind', '')))
    # numbers not covered by a fact or a period/title/policy
    cov = [(a['start'], a['end']) for a in anns]
    for m in NUM_CAND.finditer(t):
        if not any(s <= m.start() < e for s, e in cov):
            out.append('  ?num %s' % t[max(0, m.start() - 10):m.end() + 8].replace('\n', '⏎'))
    return '\n'.join(out)


def main():
    src_docs = load_sources()
    recs = defaultdict(list)
    errs = []
    for fn in sorted(os.listdir(os.path.join(HERE, 'ann'))):
        if not fn.endswith('.ann'): continue
        for b in parse_ann(os.path.join(HERE, 'ann', fn)):
            try:
                f, r = build_doc(b, src_docs)
                recs[f].append(r)
            except Err as ex:
                errs.append(str(ex))
    for e in errs:
        print('ERROR', e)
    # cross-document consistency: entity/policy strings annotated anywhere but missing here
    lex = defaultdict(set)
    for f in recs:
        for r in recs[f]:
            for a in r['annotations']:
                if a['label'] != 'fact' and len(a['text']) >= 2:
                    lex[a['text']].add(a['label'])
    if '--review' in sys.argv:
        only = [x for x in sys.argv[1:] if not x.startswith('--')]
        for f in recs:
            for r in recs[f]:
                if only and not any(o in r['doc'] for o in only): continue
                print(review(r))
                t = r['text']
                cov = [(a['start'], a['end'], a['label']) for a in r['annotations']]
                for term, labs in lex.items():
                    for o in occurrences(t, term):
                        e = o + len(term)
                        if not any(overlaps((o, e), (s, e2)) and (lab in labs or (lab in ENT_LABELS and labs & set(ENT_LABELS)))
                                   for s, e2, lab in cov):
                            print('  ?lex %s %s: %s' % ('/'.join(sorted(labs)), term, t[max(0, o - 6):e + 6].replace('\n', '⏎')))
    if errs and '--force' not in sys.argv:
        sys.exit(1)
    order = lambda r: r['doc']
    for f, rs in recs.items():
        with open(os.path.join(GOLD, f), 'w', encoding='utf-8') as fh:
            for r in sorted(rs, key=order):
                fh.write(json.dumps(r, ensure_ascii=False) + '\n')
        print('wrote', f, len(rs), 'docs', sum(len(r['annotations']) for r in rs), 'annotations', file=sys.stderr)


if __name__ == '__main__':
    main()
