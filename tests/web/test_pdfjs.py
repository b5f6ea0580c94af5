"""Every script's PDF read back by pdf.js, the reader inside Firefox and many web viewers.

pdf.js is Debian's `libjs-pdf` (`.ci/run` installs it), loaded into the Chromium the web
tests drive; a missing pdf.js fails these tests, it never skips them. Each language test
leaflet's standard PDF is opened and the text of each page taken with `getTextContent()`,
then compared with the source words as the poppler read-back in tests/test_languages.py
compares them: pdf.js, like pdftotext, decides for itself where words break by the gaps
between glyphs (a conjunct's parts can look apart, right-to-left words can look joined),
so Latin-script text is compared word for word, Bengali character for character without
spaces, and Arabic and Urdu letter for letter in their logical order.
"""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from leaflet.build import build_editions
from tests.test_languages import BIDI_MARKS, LANGS, assert_in_order, letters, source_strings
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

PDFJS = Path("/usr/share/javascript/pdf/build")
LANGUAGES = ("en", "cy", "pl", "ar", "ur", "bn")
RTL = ("ar", "ur")
SPACED = ("en", "cy", "pl")


@pytest.fixture(scope="module")
def reader() -> Iterator[Page]:
    """A blank page in Chromium with pdf.js loaded (its worker run in the page itself)."""
    for name in ("pdf.js", "pdf.worker.js"):
        assert (PDFJS / name).is_file(), (
            f"{PDFJS / name} is missing: apt-get install libjs-pdf (.ci/run does)"
        )
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
    with sync_playwright() as playwright:
        browser: Browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        # The worker's code on the page: pdf.js finds it there and needs no worker file.
        page.add_script_tag(path=str(PDFJS / "pdf.worker.js"))
        page.add_script_tag(path=str(PDFJS / "pdf.js"))
        assert page.evaluate("typeof pdfjsLib.getDocument") == "function"
        yield page
        browser.close()


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdfjs")
    return {
        lang: build_editions(LANGS / f"{lang}.yaml", ["standard"], output=out / f"{lang}.pdf")[0].path
        for lang in LANGUAGES
    }


def pdfjs_pages(reader: Page, pdf: Path) -> list[str]:
    """The text of each page as pdf.js gives it: its items in order, a line break after each line."""
    return reader.evaluate(
        """async (data) => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const doc = await pdfjsLib.getDocument({data: bytes}).promise;
            const pages = [];
            for (let n = 1; n <= doc.numPages; n++) {
                const content = await (await doc.getPage(n)).getTextContent();
                pages.push(content.items.map(item => item.str + (item.hasEOL ? '\\n' : '')).join(''));
            }
            return pages;
        }""",
        base64.b64encode(pdf.read_bytes()).decode("ascii"),
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdfjs_reads_the_source_words_in_order(reader: Page, pdfs: dict[str, Path], lang: str) -> None:
    pages = pdfjs_pages(reader, pdfs[lang])
    assert len(pages) >= 2
    text = unicodedata.normalize("NFC", "\n".join(pages).translate(BIDI_MARKS))
    # No glyph reads as a stray code: pdf.js reads a glyph with an empty ToUnicode entry as
    # its code in the font (a control character inside a word).
    strays = sorted(
        {f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch != "\n"}
    )
    assert strays == [], f"{lang}: pdf.js reads characters the leaflet does not have: {strays}"
    expected = source_strings(lang)
    if lang in SPACED:
        assert_in_order(" ".join(text.split()), expected, f"{lang} pdf.js")
    elif lang in RTL:
        assert_in_order(letters(text), [letters(s) for s in expected], f"{lang} pdf.js")
    else:
        assert_in_order("".join(text.split()), ["".join(s.split()) for s in expected], f"{lang} pdf.js")
