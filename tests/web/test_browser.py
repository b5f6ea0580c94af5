"""The web edition in a real browser: Debian's Chromium, driven by Playwright, checked by axe-core.

Chromium is started once for the module. It must be installed (`.ci/run` installs the
`chromium` package); a missing browser fails these tests, it never skips them. axe-core is
the copy shipped inside the `axe-playwright-python` package: nothing is fetched.
"""

from __future__ import annotations

import importlib.resources
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from leaflet.build import build_editions
from leaflet.content.loader import load_leaflet
from leaflet.style import load_theme
from leaflet.web.write import render_web, write_web
from tests.conftest import CONTENT, ROOT, metadata_block
from tests.web.test_page import media_leaflet

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DATA = ROOT / "tests" / "data"
LEAFLETS = [CONTENT, *sorted(DATA.glob("*.yaml")), *sorted((DATA / "langs").glob("*.yaml"))]
#: Pages made in the tests themselves: pictures and a table; a leaflet in Urdu, right to left.
MADE = ["media", "urdu"]
URDU = """metadata:
  title: ایم ایس کے بارے میں معلومات
  slug: urdu
  language: ur
  organisation: ایم ایس سوسائٹی
  version: "1"
  published: 2026-01-01
  next_review: 2027-01-01
introduction:
  - یہ کتابچہ اردو میں ہے۔
  - paragraph: This sentence is in English.
    lang: en-GB
sections:
  - heading: آپ کی صحت
    content:
      - اپنے ڈاکٹر یا نرس سے بات کریں۔
      - bullets:
          - پہلی بات۔
          - دوسری بات۔
references: []
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every test leaflet's web page, built into one folder (CCSVI with its standard PDF)."""
    out = tmp_path_factory.mktemp("browser")
    built: dict[str, Path] = {}
    for content in LEAFLETS:
        editions = ["standard", "web"] if content == CONTENT else ["web"]
        page = build_editions(content, editions, None, out)[-1].path
        built[content.stem] = page
    source = tmp_path_factory.mktemp("media-source")
    built["media"] = build_editions(media_leaflet(source), ["web"], None, out)[-1].path
    # The text fonts draw no Arabic script yet, so the build refuses an Urdu leaflet; its page
    # is made here from the model directly, to check the right-to-left page itself.
    urdu = tmp_path_factory.mktemp("urdu-source") / "urdu.yaml"
    urdu.write_text(URDU, "utf-8")
    write_web(render_web(load_leaflet(urdu), load_theme("default")), out / "urdu.html")
    built["urdu"] = out / "urdu.html"
    return built


def _axe_source() -> str:
    return importlib.resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


def _open(browser: Browser, path: Path, width: int, height: int = 800) -> tuple[Page, list[str]]:
    """The page at a width, with every request that is not a local file refused and noted."""
    page = browser.new_page(viewport={"width": width, "height": height})
    outside: list[str] = []

    def route(r: object) -> None:
        request = r.request  # type: ignore[attr-defined]
        if request.url.startswith("file://"):
            r.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(request.url)
            r.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)
    page.goto(path.resolve().as_uri())
    # Fonts are fetched as the text that needs them is laid out: wait for a frame, then for them.
    page.evaluate(
        "async () => { await new Promise(r => requestAnimationFrame(r)); await document.fonts.ready; }"
    )
    return page, outside


def _ids() -> list[str]:
    return [c.stem for c in LEAFLETS] + MADE


@pytest.mark.parametrize("name", _ids())
def test_axe_finds_no_violation_at_wcag_22_aa(browser: Browser, pages: dict[str, Path], name: str) -> None:
    page, outside = _open(browser, pages[name], 1280)
    page.add_script_tag(content=_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_22_AA,
    )
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"][:120] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, indent=1)
    assert len(result["passes"]) >= 10, "axe ran its rules"
    assert outside == [], "the page asked for something from outside its folder"
    page.close()


@pytest.mark.parametrize("name", _ids())
def test_reflows_at_320_px_without_sideways_scrolling(
    browser: Browser, pages: dict[str, Path], name: str
) -> None:
    page, _ = _open(browser, pages[name], 320, 640)
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1] == 320
    assert _clipped(page) == []
    page.close()


@pytest.mark.parametrize("name", _ids())
def test_text_at_200_percent_loses_nothing(browser: Browser, pages: dict[str, Path], name: str) -> None:
    page, _ = _open(browser, pages[name], 1280)
    body_before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    # The reader's own text size doubled, as a browser's text-size setting does (rem-based CSS follows it).
    page.add_style_tag(content="html { font-size: 200% !important; }")
    body_after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_after == pytest.approx(2 * body_before)
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1]
    assert _clipped(page) == []
    page.close()


def _clipped(page: Page) -> list[str]:
    """Elements whose words are cut off: hidden overflow, or text running past the window's edge."""
    return page.evaluate(
        """() => {
        const out = [];
        const width = document.documentElement.clientWidth;
        for (const e of document.body.querySelectorAll('*')) {
            // A wide table scrolls inside its own box (WCAG 1.4.10 allows it for tables).
            if (e.closest('.visually-hidden, .skip-link, .table-wrap table')) continue;
            const style = getComputedStyle(e);
            const hides = ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflowY);
            if (hides && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1))
                out.push('overflow: ' + e.outerHTML.slice(0, 80));
            const box = e.getBoundingClientRect();
            if (box.width > 0 && (box.right > width + 1 || box.left < -1))
                out.push('outside: ' + e.outerHTML.slice(0, 80));
        }
        return out;
    }"""
    )


def test_fonts_are_the_pages_own_and_load_offline(browser: Browser, pages: dict[str, Path]) -> None:
    page, outside = _open(browser, pages["content"], 1280)
    assert outside == []
    assert "Atkinson Hyperlegible" in _loaded_families(page)
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert family.startswith('"Atkinson Hyperlegible"')
    page.close()


def _loaded_families(page: Page) -> list[str]:
    return page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/\"/g, ''))"
    )


def test_the_fallback_font_is_fetched_only_for_letters_the_text_font_lacks(
    browser: Browser, pages: dict[str, Path], tmp_path: Path
) -> None:
    """Atkinson Hyperlegible has no ŋ (U+014B): Noto Sans draws it, fetched for that page alone."""
    content = tmp_path / "eng.yaml"
    content.write_text(
        metadata_block("A test", "eng")
        + "sections:\n  - heading: Words\n    content:\n      - The letter ŋ is an eng.\nreferences: []\n",
        "utf-8",
    )
    built = build_editions(content, ["web"], None, pages["content"].parent)[0].path
    page, outside = _open(browser, built, 1280)
    assert "Noto Sans" in _loaded_families(page)
    assert outside == []
    page.close()
    page, _ = _open(browser, pages["content"], 1280)
    assert "Noto Sans" not in _loaded_families(page), "a page without such letters does not fetch it"
    page.close()


def test_welsh_w_and_y_with_a_circumflex_are_whole_letters(browser: Browser, pages: dict[str, Path]) -> None:
    """Atkinson Hyperlegible has w, y and the combining circumflex but no ŵ or ŷ. Chromium used to
    draw ŵ from the first two, the accent beside the letter ("dwr̂"); each is now one glyph of
    Noto Sans, as in the PDF, and every other letter stays the text font's."""
    page, outside = _open(browser, pages["cy"], 1280)
    assert outside == []
    words = page.evaluate(
        """() => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const text = walker.currentNode;
                if (/[ŵŷ]/.test(text.data) && !text.parentElement.children.length) {
                    text.parentElement.setAttribute('data-probe', '');
                    return text.data;
                }
            }
            return null;
        }"""
    )
    assert words, "the Welsh page has a ŵ or ŷ to look at"
    used = {f["familyName"]: f["glyphCount"] for f in _drawn_with(page, "[data-probe]")}
    accented = sum(words.count(ch) for ch in "ŵŷ")
    assert used.get("Noto Sans") == accented, used
    # One glyph for each character (spaces too): the rest, all of them, in the text font.
    (text_font,) = set(used) - {"Noto Sans"}
    assert text_font.startswith("Atkinson Hyperlegible"), used
    assert used[text_font] == len(words) - accented, (used, words)
    page.close()


@pytest.mark.parametrize("name", ["ar", "ur", "bn"])
def test_each_script_is_drawn_in_the_pages_own_font_offline(
    browser: Browser, pages: dict[str, Path], name: str
) -> None:
    """Arabic, Urdu and Bengali pages carry the font the PDF draws them with, as WOFF2 beside
    the page, and Chromium draws their words with it, asking nothing of the network."""
    theme = load_theme("default")
    family = theme.text_font_for(load_leaflet(DATA / "langs" / f"{name}.yaml").metadata.language)
    assert family != theme.text_font, "the sheet names a family of the script's own"
    html = pages[name]
    (link,) = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html.read_text("utf-8"))
    css = html.parent / link
    faces = [f for f in re.findall(r"@font-face\s*{([^}]*)}", css.read_text("utf-8")) if f'"{family}"' in f]
    assert sorted(re.search(r"font-weight: (\d+)", f)[1] for f in faces) == ["400", "700"]
    for face in faces:
        (url,) = re.findall(r'url\("([^"]+)"\)', face)
        assert not re.match(r"(https?:)?//", url), "a file of the page's own"
        font = css.parent / url
        assert font.is_file() and font.read_bytes()[:4] == b"wOF2", url

    page, outside = _open(browser, html, 1280)
    assert outside == []
    assert family in _loaded_families(page)
    # Lines as far apart as in the PDF (Nastaliq's further than the sheet's styles say).
    body = theme.style("body")
    factor = theme.language_leading.get(name, 1.0)
    height = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).lineHeight)")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert height / size == pytest.approx(body.leading / body.size * factor, abs=0.01)
    for selector in ("h1", "main p"):
        sample = page.locator(selector).first.inner_text()
        assert page.evaluate('([f, t]) => document.fonts.check(`16px "${f}"`, t)', [family, sample])
        # What Chromium drew the words with: the page's own font, for nearly every glyph.
        used = _drawn_with(page, selector)
        assert max(used, key=lambda f: f["glyphCount"])["familyName"] == family, (selector, used)
        assert all(f["isCustomFont"] for f in used if f["familyName"] == family)
    page.close()


def _drawn_with(page: Page, selector: str) -> list[dict]:
    """The fonts Chromium drew an element's text with (DevTools' "Rendered fonts")."""
    client = page.context.new_cdp_session(page)
    client.send("DOM.enable")
    client.send("CSS.enable")
    root = client.send("DOM.getDocument")["root"]["nodeId"]
    node = client.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = client.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    client.detach()
    return fonts


def test_the_skip_link_and_focus_are_visible(browser: Browser, pages: dict[str, Path]) -> None:
    page, _ = _open(browser, pages["content"], 1280)
    skip = page.locator("a.skip-link")
    assert skip.bounding_box()["y"] < 0, "hidden until reached"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 10
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    link = page.locator("nav a").first
    before = link.evaluate("e => getComputedStyle(e).backgroundColor")
    link.focus()
    after = link.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).boxShadow]")
    assert after[0] != before and after[0] == "rgb(255, 221, 0)"
    assert "rgb(27, 28, 32)" in after[1]
    page.close()


def test_the_print_stylesheet_drops_the_band_and_the_downloads(
    browser: Browser, pages: dict[str, Path]
) -> None:
    page, _ = _open(browser, pages["content"], 1280)
    page.emulate_media(media="print")
    band = page.evaluate("getComputedStyle(document.querySelector('.title-band')).backgroundColor")
    assert band in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.evaluate("getComputedStyle(document.querySelector('.downloads')).display") == "none"
    page.close()


def test_a_right_to_left_page_runs_from_the_right(browser: Browser, pages: dict[str, Path]) -> None:
    page, _ = _open(browser, pages["urdu"], 800)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    heading = page.locator("h2").nth(1).bounding_box()
    column = page.locator("main").bounding_box()
    assert heading["x"] + heading["width"] == pytest.approx(column["x"] + column["width"] - 16, abs=2)
    english = page.locator("p[lang=en-GB]")
    assert english.evaluate("e => getComputedStyle(e).direction") == "ltr"
    page.close()


GROUPED_FIGURES_JS = r"""
() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    // Its groups joined by spaces that do not break (a number never cut across lines).
    const at = node.textContent.replace(/\u00a0/g, ' ').indexOf('0808 800 8000');
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at); range.setEnd(node, at + 4);
    const first = range.getBoundingClientRect().left;
    range.setStart(node, at + 9); range.setEnd(node, at + 13);
    found.push([first, range.getBoundingClientRect().left]);
  }
  return found;
}
"""


@pytest.mark.parametrize("name", ["ar", "ur", "en"])
def test_a_phone_number_reads_left_to_right_in_every_script(
    browser: Browser, pages: dict[str, Path], name: str
) -> None:
    """Inside Arabic or Urdu text a browser would set "0808 800 8000" as "8000 800 0808": a wrong
    number to dial. On the screen, its first group stands left of its last, as in the PDF."""
    page, _ = _open(browser, pages[name], 1280)
    found = page.evaluate(GROUPED_FIGURES_JS)
    page.close()
    assert len(found) >= 2, "the helpline number is on the page"
    assert all(first < last for first, last in found), found


def test_bars_and_labels_stand_where_their_words_start(
    browser: Browser, tmp_path: Path, pages: dict[str, Path]
) -> None:
    """A callout's or a quotation's bar, a list's bullets and a table's first column stand where
    the words start: at the left in English, at the right in Urdu (a whole page, or a section of
    an English page), as in the PDF. (The bars were always at the left.)"""
    urdu = "ایم ایس کی تھکاوٹ صرف نیند آنے سے بڑھ کر ہے۔"
    content = tmp_path / "bars.yaml"
    content.write_text(
        metadata_block("Bars", "bars")
        + f"""sections:
  - heading: In English
    content:
      - quote:
          text: Words quoted in English.
          who: Someone
  - heading: اردو میں
    lang: ur
    content:
      - quote:
          text: {urdu}
          who: ایم ایس
      - bullets:
          - {urdu}
      - table:
          header: ["ایک", "دو"]
          rows: [["تین", "چار"]]
references: []
""",
        "utf-8",
    )
    made = build_editions(content, ["web"], None, tmp_path / "out")[-1].path
    page, _ = _open(browser, made, 800)
    sides = page.evaluate(
        """() => [...document.querySelectorAll('main section')].filter(s => s.querySelector('.block-quote')).map(s => {
            const q = s.querySelector('.block-quote');
            const cs = getComputedStyle(q);
            const cells = [...s.querySelectorAll('th')].map(c => c.getBoundingClientRect().left);
            return {lang: s.lang, left: parseFloat(cs.borderLeftWidth), right: parseFloat(cs.borderRightWidth),
                    cells, align: s.querySelector('th') ? getComputedStyle(s.querySelector('th')).textAlign : null};
        })"""
    )
    english, own = sides[0], sides[1]
    assert english["left"] > 0 and english["right"] == 0, english
    assert own["lang"] == "ur" and own["right"] > 0 and own["left"] == 0, own
    assert own["cells"][0] > own["cells"][1], own  # the first column at the right
    assert own["align"] in ("start", "right"), own
    bullet = page.evaluate(
        """() => { const li = document.querySelector('section[lang=ur] li');
            return [getComputedStyle(li.parentElement).paddingRight, getComputedStyle(li.parentElement).paddingLeft]; }"""
    )
    assert float(bullet[0].rstrip("px")) > 0 and float(bullet[1].rstrip("px")) == 0, bullet
    page.close()
    # A whole page in Urdu: its bars at the right too.
    page, _ = _open(browser, pages["urdu"], 800)
    padding = page.evaluate(
        "() => { const cs = getComputedStyle(document.querySelector('main ul')); return [cs.paddingLeft, cs.paddingRight]; }"
    )
    assert padding[0] == "0px" and padding[1] != "0px", padding
    page.close()


def test_an_item_written_the_other_way_keeps_its_marker_inside_its_list(
    browser: Browser, tmp_path: Path
) -> None:
    """An Arabic leaflet with an English section and an English item (holding an Arabic sub-item):
    at 320 px nothing scrolls sideways, each item's marker has room on its own side inside the
    list, and the sub-item stands one step in from the English item. (The English item's bullet
    hung at the screen's edge, and the contents' English entry outside its panel.)"""
    content = tmp_path / "turned.yaml"
    content.write_text(
        """metadata:
  title: التعب والتصلب المتعدد
  slug: turned
  language: ar
  organisation: MS Society
  version: "1"
  published: 2026-01-01
  next_review: 2027-01-01
sections:
  - heading: الراحة في المنزل
    content:
      - bullets:
          - خذ فترات راحة قصيرة مرات كثيرة.
          - text: Drink enough water every day.
            lang: en-GB
            bullets:
              - text: اشرب ما يكفي من الماء.
                lang: ar
  - heading: In English
    lang: en-GB
    content:
      - Some words in English.
references: []
""",
        "utf-8",
    )
    made = build_editions(content, ["web"], None, tmp_path / "out")[-1].path
    page, _ = _open(browser, made, 320)
    found = page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth,
            items: [...document.querySelectorAll('main li')].map(li => {
                const list = li.parentElement.getBoundingClientRect(), r = li.getBoundingClientRect();
                return {words: li.firstChild.textContent.trim(), dir: getComputedStyle(li).direction,
                        left: r.left - list.left, right: list.right - r.right, x: [r.left, r.right]}; })})"""
    )
    assert found["scroll"] == 320, found
    for item in found["items"]:
        # The room for its marker, on the side its lines start.
        room = item["left"] if item["dir"] == "ltr" else item["right"]
        assert room >= 20, item
    by_words = {item["words"][:8]: item for item in found["items"]}
    outer, sub = by_words["خذ فترات"], by_words["اشرب ما "]
    # The sub-item's marker stands a step further in than the outer Arabic items'.
    assert outer["x"][1] - sub["x"][1] > 20, (outer, sub)
    page.close()
