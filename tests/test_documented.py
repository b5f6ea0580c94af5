"""Behaviours the docs promise, each guarded: a one-line change to any of them fails a test here.

(ParentTree order, editions written only once all are made, the third layout pass,
the style-sheet cache, the footer's Artifact type, problems in file order, the
review-date boundary, and cleaning only abandoned temporary files.)
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

import leaflet.build as build
from leaflet.checks import run_checks
from leaflet.content.loader import load_leaflet
from leaflet.errors import ContentError
from leaflet.layout import cache
from leaflet.layout.story import Pagination
from leaflet.pdf.write import write_atomically
from leaflet.style import STYLES_DIR, load_theme
from tests.conftest import BuiltPdf, metadata_block
from tests.pdf.reader import _unicode_map

SHORT = (
    "sections:\n  - heading: First\n    content:\n      - Words on the first page.\n"
    "  - heading: Second\n    content:\n      - More words.\nreferences: []\n"
)


def leaflet_file(tmp_path: Path, slug: str, body: str = SHORT, **meta: str) -> Path:
    path = tmp_path / f"{slug}.yaml"
    path.write_text(metadata_block("Documented", slug, **meta) + body, "utf-8")
    return path


def test_the_parent_tree_lists_its_keys_in_ascending_order(ccsvi_pdf: BuiltPdf) -> None:
    root = ccsvi_pdf.reader.trailer["/Root"]["/StructTreeRoot"]
    nums = root["/ParentTree"].get_object()["/Nums"]
    keys = [int(k) for k in nums[0::2]]
    # Pages and link annotations take keys in turn; the number tree must list them sorted.
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert keys == list(range(int(root["/ParentTreeNextKey"])))


def test_no_edition_is_written_until_every_edition_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = leaflet_file(tmp_path, "all-or-none", "editions: [standard, large-print, booklet]\n" + SHORT)
    out = tmp_path / "out" / "all-or-none.pdf"
    out.parent.mkdir()
    out.write_bytes(b"%PDF-earlier")
    real = build.render_edition

    def failing(leaflet: object, edition: build.Edition, theme: object) -> build.Rendered:
        if edition.name == "booklet":
            raise ContentError([])
        return real(leaflet, edition, theme)

    monkeypatch.setattr(build, "render_edition", failing)
    with pytest.raises(ContentError):
        build.build_editions(path, output=out)
    assert sorted(p.name for p in out.parent.iterdir()) == ["all-or-none.pdf"]
    assert out.read_bytes() == b"%PDF-earlier"


def footer_texts(pdf: Path) -> list[str]:
    """The words inside each page's /Artifact <</Type /Pagination>> sequences."""
    reader = PdfReader(pdf)
    out = []
    for page in reader.pages:
        fonts = {n: _unicode_map(f.get_object()) for n, f in page["/Resources"]["/Font"].items()}
        current: dict[int, str] = {}
        depth, words = 0, ""
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            pagination = op == b"BDC" and str(operands[0]) == "/Artifact"
            if pagination and depth == 0 and str(operands[1].get("/Type")) == "/Pagination":
                depth = 1
                continue
            if depth:
                if op in (b"BDC", b"BMC"):
                    depth += 1
                elif op == b"EMC":
                    depth -= 1
                elif op == b"Tf":
                    current = fonts[str(operands[0])]
                elif op in (b"Tj", b"TJ"):
                    strings = operands[0] if op == b"TJ" else [operands[0]]
                    words += "".join(
                        current.get(b, "")
                        for s in strings
                        if not isinstance(s, int | float)
                        for b in s.original_bytes
                    )
        out.append(" ".join(words.split()))
    return out


def test_the_footer_is_a_pagination_artifact(ccsvi_pdf: BuiltPdf) -> None:
    texts = footer_texts(ccsvi_pdf.path)
    total = len(texts)
    assert total > 1
    for number, words in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in words, words


def test_a_pass_that_moves_a_heading_is_followed_by_one_that_settles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.forget()
    path = leaflet_file(tmp_path, "settles")
    real = build._render_once
    given: list[tuple[bool, int]] = []

    def wrong_draft(*args: object, **kw: object) -> tuple[bytes, Pagination]:
        data, seen = real(*args, **kw)
        given.append((bool(kw["draft"]), args[2].total))  # type: ignore[union-attr]
        if kw["draft"]:
            # As if the draft had counted a page too many: printing the numbers changes them.
            return data, Pagination(dict(seen.pages), seen.total + 1)
        return data, seen

    monkeypatch.setattr(build, "_render_once", wrong_draft)
    out = tmp_path / "settles.pdf"
    build.build_editions(path, ["standard"], output=out)
    # Draft, a pass printing its wrong count, then one more printing what that pass saw.
    assert given == [(True, 0), (False, 2), (False, 1)]
    assert footer_texts(out) == [footer_texts(out)[0]]
    assert "Page 1 of 1" in footer_texts(out)[0]


def test_an_edited_style_sheet_is_read_again_and_an_unchanged_one_is_not(tmp_path: Path) -> None:
    sheet = tmp_path / "own.yaml"
    text = (STYLES_DIR / "default.yaml").read_text("utf-8")
    sheet.write_text(text, "utf-8")
    first = load_theme(str(sheet))
    assert load_theme(str(sheet)) is first
    # The same size, a different colour: seen by the bytes, not the size or the time.
    link = first.colours["link"].hex
    changed = text.replace(link, "#000000", 1) if link in text else None
    assert changed is not None and len(changed) == len(text)
    sheet.write_text(changed, "utf-8")
    again = load_theme(str(sheet))
    assert again is not first and again.colours["link"].hex == "#000000"


def test_problems_are_reported_in_file_order(tmp_path: Path) -> None:
    # The metadata comes last in this file, so its problem is found first but listed last.
    body = (
        "sections:\n  - heading: H\n    content:\n      - Words [@nowhere] here.\n"
        "      - More [@missing] words.\nreferences: []\n"
    )
    path = tmp_path / "order.yaml"
    path.write_text(body + metadata_block("Order", "order").replace("2026-01-01", "2026-02-30"), "utf-8")
    with pytest.raises(ContentError) as err:
        load_leaflet(path)
    lines = [(p.location.line, p.location.column) for p in err.value.problems]
    assert len(lines) == 3 and lines == sorted(lines)
    assert "not a real date" in err.value.problems[-1].message


@pytest.mark.parametrize(
    ("today", "rules"),
    [
        ("2026-10-09", set()),
        ("2026-10-10", {"trust/review-date-near"}),
        ("2027-01-09", {"trust/review-date-near"}),
        ("2027-01-10", {"trust/review-date-near"}),
        ("2027-01-11", {"trust/review-date-passed"}),
    ],
)
def test_the_review_date_boundaries_fall_on_the_exact_day(
    tmp_path: Path, today: str, rules: set[str]
) -> None:
    path = leaflet_file(tmp_path, "review", next_review="2027-01-10")
    found = run_checks(load_leaflet(path), today=date.fromisoformat(today), advice=False)
    assert {p.rule for p in found if p.rule and p.rule.startswith("trust/review-date")} == rules


def test_only_abandoned_temporary_files_are_cleaned(tmp_path: Path) -> None:
    out = tmp_path / "leaflet.pdf"
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f".leaflet.pdf.{alive.pid}.0badcafe.tmp"  # its writer is running (not yet locked)
        gone = tmp_path / ".leaflet.pdf.999999999.0badcafe.tmp"  # no such process, no lock
        other = tmp_path / ".other.pdf.999999999.0badcafe.tmp"  # another file's: not ours to judge
        mine = tmp_path / "notes.tmp"
        for f in (live, gone, other, mine):
            f.write_bytes(b"%PDF-part")
        write_atomically(out, b"%PDF-whole")
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            ["leaflet.pdf", live.name, other.name, mine.name]
        )
    finally:
        alive.kill()
        alive.wait()
