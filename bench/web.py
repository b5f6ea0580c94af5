#!/usr/bin/env python3
"""The web edition of CCSVI and of each language's test leaflet, beside the standard PDF, in one run.

Run from the repository root:

    python bench/web.py [--n 10]

Each leaflet's standard PDF and web page are built in this process, alternately, after
one untimed build of each (fonts read, templates compiled, the web fonts made or taken
from the cache): the PDF with ``render_edition``, the page with ``render_web`` (HTML and
CSS, offering the PDF with its size; the fonts are files already made). Then the bytes a
reader's browser fetches: the page, its stylesheet, and, separately, the fonts it needs
(the family of its script and the text family, two weights each; the fallback only on
a page with a letter the families before it lack).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leaflet.build import render_edition  # noqa: E402
from leaflet.content.loader import load_leaflet  # noqa: E402
from leaflet.editions import EDITIONS  # noqa: E402
from leaflet.style import load_theme  # noqa: E402
from leaflet.web.page import Download  # noqa: E402
from leaflet.web.write import WebPage, render_web  # noqa: E402

LEAFLETS = [
    ROOT / "content.yaml",
    *(ROOT / "tests" / "data" / "langs" / f"{lang}.yaml" for lang in ("en", "cy", "pl", "ar", "ur", "bn")),
]


def needed_fonts(page: WebPage, text: str) -> dict[str, int]:
    """The fonts a browser fetches for the page: every whole face, a cut one only for its letters."""
    from leaflet.web.fonts import _wanted

    used = set(map(ord, text))
    return {
        f"{face.family} {face.weight}": len(face.data())
        for face in page.stylesheet.faces
        if not face.fallback or used & set(_wanted(face.source, face.earlier))
    }


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def measure(content: Path, n: int) -> dict[str, object]:
    leaflet = load_leaflet(content)
    theme = load_theme("default")
    pdf = render_edition(leaflet, EDITIONS["standard"], theme)
    offered = (Download(EDITIONS["standard"].label, f"{leaflet.metadata.slug}.pdf", len(pdf.data)),)
    page = render_web(leaflet, theme, offered)
    pdf_times: list[float] = []
    web_times: list[float] = []
    for _ in range(n):
        start = time.perf_counter()
        render_edition(leaflet, EDITIONS["standard"], theme)
        pdf_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        render_web(leaflet, theme, offered)
        web_times.append(time.perf_counter() - start)
    text = "".join(t.text for t in leaflet.texts)
    return {
        "name": content.stem if content.stem != "content" else "ccsvi",
        "pdf_ms": median_ms(pdf_times),
        "web_ms": median_ms(web_times),
        "pdf_bytes": len(pdf.data),
        "html": len(page.html),
        "css": len(page.stylesheet.css.encode()),
        "fonts": needed_fonts(page, text),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10)
    n = parser.parse_args(argv).n
    rows = [measure(content, n) for content in LEAFLETS]
    print(f"median of {n} builds each, warm, in one process; bytes as written")
    print(
        f"{'leaflet':8} {'PDF ms':>7} {'web ms':>7} {'web/PDF':>7} {'PDF B':>7} "
        f"{'HTML B':>7} {'CSS B':>7} {'HTML+CSS':>8} {'fonts B':>8}  fonts fetched"
    )
    for r in rows:
        fonts: dict[str, int] = r["fonts"]  # type: ignore[assignment]
        print(
            f"{r['name']:8} {r['pdf_ms']:7.1f} {r['web_ms']:7.1f} {r['web_ms'] / r['pdf_ms']:7.2f} "
            f"{r['pdf_bytes']:7} {r['html']:7} {r['css']:7} {r['html'] + r['css']:8} "
            f"{sum(fonts.values()):8}  {', '.join(f'{k} ({v})' for k, v in fonts.items())}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
