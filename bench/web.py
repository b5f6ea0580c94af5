#!/usr/bin/env python3
"""The web edition of CCSVI beside its standard PDF, measured in one run.

Run from the repository root:

    python bench/web.py [--n 10]

Both are built in this process, alternately, after one untimed build of each (fonts
read, templates compiled, the web fonts made or taken from the cache): the standard
PDF with ``render_edition``, the web page with ``render_web`` (HTML and CSS; the
fonts are files already made). Then the bytes a reader's browser fetches: the page,
the stylesheet, and the fonts it needs (the text family's two weights; the fallback
only on a page with a letter the text family lacks).
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
from leaflet.web.write import render_web  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10)
    n = parser.parse_args(argv).n
    leaflet = load_leaflet(ROOT / "content.yaml")
    theme = load_theme("default")
    pdf = render_edition(leaflet, EDITIONS["standard"], theme)
    page = render_web(leaflet, theme)
    faces = {f.family + " " + f.weight: len(f.data()) for f in page.stylesheet.faces}
    times: dict[str, list[float]] = {"standard PDF": [], "web page": []}
    for _ in range(n):
        start = time.perf_counter()
        render_edition(leaflet, EDITIONS["standard"], theme)
        times["standard PDF"].append(time.perf_counter() - start)
        start = time.perf_counter()
        render_web(leaflet, theme)
        times["web page"].append(time.perf_counter() - start)
    for name, values in times.items():
        print(
            f"{name:13} median {statistics.median(values) * 1000:7.1f} ms "
            f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}, n={n})"
        )
    css = len(page.stylesheet.css.encode())
    text_faces = sum(size for name, size in faces.items() if name.startswith(theme.text_font))
    print(f"standard PDF  {len(pdf.data):7} bytes")
    print(f"HTML          {len(page.html):7} bytes")
    print(f"CSS           {css:7} bytes")
    for name, size in faces.items():
        print(f"font {name:24} {size:7} bytes")
    print(
        f"HTML + CSS    {len(page.html) + css:7} bytes; with the text family's fonts {len(page.html) + css + text_faces}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
