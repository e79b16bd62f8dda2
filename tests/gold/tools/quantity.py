"""Quantity-string parser used by build.py to fill the numeric attributes of
`fact` annotations (value, unit, normalized, base_unit, dimension, qualifier).
Every result is printed by build.py for human review; odd cases are overridden
explicitly in the annotation source."""
import re
from decimal import Decimal, getcontext

getcontext().prec = 50

CN_DIG = {'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5,
          '六': 6, '七': 7, '八': 8, '九': 9}
CN_UNIT = {'十': 10, '百': 100, '千': 1000}
FW = str.maketrans('０１２３４５６７８９．％', '0123456789.%')

# unit -> (base_unit, factor, dimension); longest match first
UNITS = {}
def _u(names, base, factor, dim):
    for n in names.split():
        UNITS[n] = (base, Decimal(factor), dim)
_u('元 元人民币', '元', 1, 'money')
_u('万元', '元', 10**4, 'money')
_u('亿元 亿元人民币', '元', 10**8, 'money')
_u('万亿元', '元', 10**12, 'money')
_u('万亿美元', '美元', 10**12, 'money'); _u('美元', '美元', 1, 'money'); _u('万美元', '美元', 10**4, 'money'); _u('亿美元', '美元', 10**8, 'money')
_u('欧元', '欧元', 1, 'money'); _u('万欧元', '欧元', 10**4, 'money'); _u('亿欧元', '欧元', 10**8, 'money')
_u('亿', '元', 10**8, 'money')          # "投资970亿" (currency elided) -- only used via override
_u('% ％', '%', 1, 'ratio'); _u('成', '%', 10, 'ratio')
_u('个百分点 百分点', '个百分点', 1, 'percentage_point')
_u('倍', '倍', 1, 'multiple')
_u('平方米', '平方米', 1, 'area'); _u('万平方米', '平方米', 10**4, 'area')
_u('平方公里', '平方米', 10**6, 'area'); _u('万平方公里', '平方米', 10**10, 'area')
_u('公顷', '平方米', 10**4, 'area')
_u('亩', '亩', 1, 'area'); _u('万亩', '亩', 10**4, 'area'); _u('亿亩', '亩', 10**8, 'area')
_u('吨', '吨', 1, 'mass'); _u('万吨', '吨', 10**4, 'mass'); _u('亿吨', '吨', 10**8, 'mass')
_u('斤', '吨', '0.0005', 'mass'); _u('亿斤', '吨', 50000, 'mass'); _u('万亿斤', '吨', 500000000, 'mass')
_u('千瓦', '千瓦', 1, 'power'); _u('万千瓦', '千瓦', 10**4, 'power'); _u('亿千瓦', '千瓦', 10**8, 'power')
_u('吉瓦', '千瓦', 10**6, 'power'); _u('兆瓦', '千瓦', 1000, 'power')
_u('千瓦时', '千瓦时', 1, 'energy'); _u('万千瓦时', '千瓦时', 10**4, 'energy'); _u('亿千瓦时', '千瓦时', 10**8, 'energy')
_u('米', '米', 1, 'length'); _u('公里', '米', 1000, 'length'); _u('毫米', '米', '0.001', 'length')
_u('立方米', '立方米', 1, 'volume'); _u('万立方米', '立方米', 10**4, 'volume'); _u('亿立方米', '立方米', 10**8, 'volume')
_u('年', '年', 1, 'duration'); _u('个月', '个月', 1, 'duration'); _u('天', '天', 1, 'duration')
_u('小时', '小时', 1, 'duration'); _u('个小时', '小时', 1, 'duration')
_u('周年', '周年', 1, 'duration')
COUNT_WORDS = ('个 家 户 项 轮 班 口 省区 州市 地 市 县区 用户 人 人次 辆 台 支 条 列 枚 只 名 座 类 种 尾 株 批 件 所 部 艘 处 级 套 场 期 标箱 万标箱 亿人次 万人次 '
               '宗 片 块 位 篇 次').split()
for w in COUNT_WORDS:
    if w not in UNITS:
        UNITS[w] = (w, Decimal(1), 'count')
UNITS['万标箱'] = ('标箱', Decimal(10**4), 'count')
UNITS['万人次'] = ('人次', Decimal(10**4), 'count')
UNITS['亿人次'] = ('人次', Decimal(10**8), 'count')
UNIT_RE = '|'.join(sorted(map(re.escape, UNITS), key=len, reverse=True))

PRE_Q = ['超过', '接近', '将近', '不到', '不足', '不低于', '不少于', '近', '约', '超', '逾', '过', '上']
POST_Q = ['以上', '左右', '以下', '以内', '多']
NUM = r'(?:-?[0-9０-９]+(?:[.．][0-9０-９]+)?(?:万亿|万|亿|千)?(?:[0-9]+)?|[零〇一二两三四五六七八九十百千万亿几]+)'


def cn2num(s):
    """Chinese numeral (possibly with 万/亿) -> Decimal."""
    total, section, num = Decimal(0), Decimal(0), Decimal(0)
    for ch in s:
        if ch in CN_DIG:
            num = Decimal(CN_DIG[ch])
        elif ch in CN_UNIT:
            section += (num if num else 1) * CN_UNIT[ch]
            num = 0
        elif ch == '万':
            total += (section + num) * 10**4; section = num = Decimal(0)
        elif ch == '亿':
            total = (total + section + num) * 10**8; section = num = Decimal(0)
        else:
            raise ValueError(s)
    return total + section + num


def num2dec(s):
    s = s.translate(FW)
    m = re.fullmatch(r'(-?[0-9]+(?:\.[0-9]+)?)(万亿|万|亿|千)?([0-9]+)?', s)
    if m:
        v = Decimal(m.group(1))
        mag = {'万亿': 10**12, '万': 10**4, '亿': 10**8, '千': 1000, None: 1}[m.group(2)]
        if m.group(3):  # 24万8009 -> 248009 ; 1万5 -> 15000
            tail = m.group(3)
            if m.group(2) == '万' and len(tail) < 4:  # colloquial 1万5 = 1.5万
                return v * mag + Decimal(tail) * mag / 10**len(tail)
            return v * mag + Decimal(tail)
        return v * mag
    return cn2num(s)


def fmt(d):
    d = d.normalize() if isinstance(d, Decimal) else d
    s = format(d, 'f')
    if '.' in s:
        s = s.rstrip('0').rstrip('.')
    return s


def parse(q):
    """Parse a quantity string such as '221.23亿元', '80余家', '近17平方公里'.
    Returns dict(value, unit, normalized, base_unit, dimension, qualifier, normalized_max)."""
    s = q
    qual = []
    for p in PRE_Q:
        if s.startswith(p):
            qual.append(p); s = s[len(p):]; break
    post = None
    for p in ('以上', '左右', '以下', '以内'):
        if s.endswith(p):
            post = p; s = s[:-len(p)]
    # range: a-b unit, a、b unit, a%到b%
    m = re.fullmatch(r'(' + NUM + r')(%|％)?(?:-|—|–|~|、|到|至)(' + NUM + r')(' + UNIT_RE + r')?', s)
    rng = None
    if m and (m.group(4) or m.group(2)):
        unit = m.group(4) or m.group(2)
        lo, hi = m.group(1), m.group(3)
        rng = (lo, hi); s_num = lo
    else:
        m = re.fullmatch(r'(' + NUM + r')(余|多)?(' + UNIT_RE + r')?(余|多)?(' + UNIT_RE + r')?', s)
        if not m:
            raise ValueError('cannot parse quantity %r' % q)
        s_num = m.group(1)
        if m.group(2): qual.append(m.group(2))
        unit = m.group(3)
        if m.group(4):
            qual.append(m.group(4))
        if m.group(5):  # 2个多小时 -> unit 小时 ; 1000多万元
            unit = (unit if unit in ('个',) else (unit or '')) 
            unit = m.group(5) if m.group(3) == '个' else (m.group(3) or '') + m.group(5)
    # a magnitude (万/亿/万亿) at the end of the numeral moves into the unit when
    # "magnitude+unit" is itself a unit (亿元, 万吨, 万亩 ...); otherwise (counts:
    # 1.5万人) it stays in the value.
    sn = s_num.translate(FW)
    mm = re.fullmatch(r'(.*?[0-9一二两三四五六七八九十百千])(万亿|万|亿)', sn)
    if mm and unit and (mm.group(2) + unit) in UNITS and UNITS[mm.group(2) + unit][2] != 'count':
        s_num = mm.group(1); unit = mm.group(2) + unit
    if unit is None:
        raise ValueError('no unit in %r' % q)
    base, factor, dim = UNITS[unit]
    v = num2dec(s_num)
    if post: qual.append(post)
    res = dict(value=fmt(v), unit=unit, normalized=fmt(v * factor), base_unit=base, dimension=dim,
               qualifier=('…'.join(qual) if qual else None), normalized_max=None)
    if rng:
        res['normalized_max'] = fmt(num2dec(rng[1]) * factor)
    return res


QTY_FIND = re.compile(r'(?:' + '|'.join(PRE_Q) + r')?' + NUM + r'(?:(?:-|—|、|到|至)' + NUM + r')?(?:余|多)?(?:' + UNIT_RE + r')(?:多)?(?:' + UNIT_RE + r')?(?:以上|左右|以下|以内)?')


def find_last(span):
    """The last quantity-looking substring of a fact span."""
    ms = [m for m in QTY_FIND.finditer(span) if re.search(r'[0-9０-９一二两三四五六七八九十百千]', m.group(0))]
    return ms[-1].group(0) if ms else None


if __name__ == '__main__':
    for t in ['221.23亿元', '5.2%', '0.8个百分点', '80余家', '1.5万人', '24万8009亿元', '一千亿元', '15.42万户',
              '近17平方公里', '1000多万元', '2个多小时', '6、7倍', '4.5%到5%', '6.7%-6.9%', '10-20个', '9成',
              '1.4万亿斤', '56吉瓦', '-6.6%', '十倍左右', '20%左右', '三万多支', '5万余枚', '1万5元', '两倍以上',
              '134.9万亿元', '1256万人', '3.2万亿美元', '10.1斤', '1.1亿条', '超1420多亿元', '61亿千瓦时', '5.14亿']:
        try:
            print(t, parse(t))
        except Exception as e:
            print(t, 'ERR', e)
