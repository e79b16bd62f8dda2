"""Load `tiqu report` pages in a real headless Chromium and check them.

Usage (from .ci/run, after a tag run and a report):

    python tests/python/report_browser.py --tiqu target/debug/tiqu target/ci-report.html

For each page given, and for a page it builds itself from a crafted archive
whose text, title and document id carry markup (when --tiqu is given):

- the page loads from file:// with no console error and no resource request
  (the page is self-contained: no network, no CDN, no font);
- it has the four sections and no script, img or iframe element (corpus text
  is escaped: the crafted markup shows as text, nothing runs, no alert);
- every chart is an inline SVG with at least one bar (`rect.bar`) of
  non-zero rendered size, and the screenshot is not blank;
- every in-page link has its target, and following a fact's link lands on
  its context.

Needs Debian's `chromium` and `chromium-driver` (installed by .ci/run) and
the `selenium` package; Selenium is pointed at both, so it downloads nothing.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

os.environ.setdefault("SE_OFFLINE", "true")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

CRAFTED = [
    '{"id":"a1","date":"2024-03-05","title":"<script>alert(\'t\')</script>临汾",'
    '"text":"临汾市推行“承诺制+标准地+全代办”改革<script>alert(1)</script>。\\n'
    '今年以来，临汾市签约项目 52 个，签约额 221.23 亿元。"}',
    '{"id":"<img src=x onerror=alert(2)>","date":"2024-05-20",'
    '"text":"运城市深化“三化三制”改革，加快培育新质生产力。运城市签约额 100 亿元。"}',
    '{"id":"a3","text":"太原市推进“承诺制+标准地+全代办”。太原市签约额 12 亿元。"}',
    '{"id":"bad"',
]


def find(*names: str) -> str:
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    for n in names:
        p = pathlib.Path("/usr/lib/chromium") / n
        if p.exists():
            return str(p)
    sys.exit(f"report_browser: none of {', '.join(names)} found (apt-get install chromium chromium-driver)")


def browser(profile: str) -> webdriver.Chrome:
    opts = webdriver.ChromeOptions()
    opts.binary_location = find("chromium", "chromium-browser", "google-chrome")
    for a in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,2000",
        "--no-first-run",
        "--no-default-browser-check",
        f"--user-data-dir={profile}",
    ):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=find("chromedriver"))
    return webdriver.Chrome(options=opts, service=service)


def png_is_blank(png: bytes) -> bool:
    """True when the screenshot has (nearly) one colour: decodes the PNG's
    image data with zlib and counts distinct byte values."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    return len(set(raw[:: max(1, len(raw) // 200_000)])) < 8


CHART_CHECK = """
const charts = [...document.querySelectorAll('svg.chart')];
return charts.map(svg => {
  const box = svg.getBoundingClientRect();
  const bars = [...svg.querySelectorAll('rect.bar')].filter(r => {
    const b = r.getBoundingClientRect();
    return b.width > 0 && b.height > 0;
  });
  return {label: svg.getAttribute('aria-label'), w: box.width, h: box.height, bars: bars.length};
});
"""

LINK_CHECK = """
return [...document.querySelectorAll('a[href^="#"]')]
  .map(a => a.getAttribute('href').slice(1))
  .filter(id => !document.getElementById(id));
"""


def check(driver: webdriver.Chrome, page: pathlib.Path, expect_text: str | None) -> list[str]:
    problems: list[str] = []
    started = time.monotonic()
    driver.get(page.resolve().as_uri())
    for _ in range(100):
        if driver.execute_script("return document.readyState") == "complete":
            break
        time.sleep(0.1)
    try:
        alert = driver.switch_to.alert
        problems.append(f"an alert opened: {alert.text!r}")
        alert.dismiss()
    except NoAlertPresentException:
        pass

    if not driver.title.startswith("tiqu report"):
        problems.append(f"title {driver.title!r}")
    for section in ("summary", "policies", "indicators", "contexts"):
        if not driver.find_elements(By.ID, section):
            problems.append(f"no #{section} section")
    active = driver.execute_script(
        "return document.querySelectorAll('script, img, iframe, object, embed, link').length"
    )
    if active:
        problems.append(f"{active} script/img/iframe/object/embed/link element(s)")
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    if resources:
        problems.append(f"resources requested: {resources[:5]}")

    charts = driver.execute_script(CHART_CHECK)
    if len(charts) < 3:
        problems.append(f"only {len(charts)} chart(s)")
    for c in charts:
        if c["w"] <= 0 or c["h"] <= 0 or c["bars"] == 0:
            problems.append(f"chart {c['label']!r} does not render ({c})")
    bars = sum(c["bars"] for c in charts)

    missing = driver.execute_script(LINK_CHECK)
    if missing:
        problems.append(f"links without a target: {missing[:5]}")
    fact_links = driver.find_elements(By.CSS_SELECTOR, '#indicators a[href^="#c"]')
    if fact_links:
        link = fact_links[0]
        want = link.get_attribute("href").split("#", 1)[1]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
        link.click()
        landed = driver.execute_script("const t = document.querySelector(':target'); return t && t.id")
        if landed != want:
            problems.append(f"following a fact link landed on {landed!r}, not {want!r}")
    else:
        problems.append("no fact links to contexts")

    if expect_text is not None:
        text = driver.execute_script("return document.body.innerText")
        if expect_text not in text:
            problems.append(f"the page does not show {expect_text!r} as text")

    if png_is_blank(driver.get_screenshot_as_png()):
        problems.append("the screenshot is blank")

    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    for e in severe:
        problems.append(f"console error: {e.get('message')}")

    size = page.stat().st_size
    status = "ok" if not problems else "FAILED"
    print(
        f"report_browser: {page} ({size / 1024:.0f} KB): {len(charts)} charts, {bars} bars rendered, "
        f"{len(fact_links)} fact links; {time.monotonic() - started:.1f} s: {status}"
    )
    return problems


def crafted_report(tiqu: str, work: pathlib.Path) -> pathlib.Path:
    src = work / "in"
    src.mkdir()
    (src / "news.jsonl").write_text("\n".join(CRAFTED) + "\n", encoding="utf-8")
    (src / "z.bin").write_bytes(b"ab\0cd")
    out = work / "t.jsonl"
    subprocess.run([tiqu, "tag", str(src), "-o", str(out), "--quiet"], check=True)
    page = work / "crafted.html"
    subprocess.run(
        [tiqu, "report", str(out), "-o", str(page), "--source", str(src), "--quiet"],
        check=True,
    )
    return page


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="*", type=pathlib.Path, help="report pages to check")
    ap.add_argument("--tiqu", help="the tiqu binary: also build and check a page from a crafted archive")
    ap.add_argument("--screenshot", type=pathlib.Path, help="save a screenshot of the first page here")
    args = ap.parse_args()
    if not args.pages and not args.tiqu:
        ap.error("give report pages and/or --tiqu")

    failed = False
    with tempfile.TemporaryDirectory(prefix="tiqu-browser-") as tmp:
        work = pathlib.Path(tmp)
        todo: list[tuple[pathlib.Path, str | None]] = [(p, None) for p in args.pages]
        if args.tiqu:
            todo.append((crafted_report(args.tiqu, work), "<script>alert(1)</script>"))
        profile = work / "profile"
        driver = browser(str(profile))
        try:
            for i, (page, expect) in enumerate(todo):
                problems = check(driver, page, expect)
                if i == 0 and args.screenshot:
                    driver.save_screenshot(str(args.screenshot))
                for p in problems:
                    print(f"  {page}: {p}", file=sys.stderr)
                failed |= bool(problems)
        finally:
            driver.quit()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
