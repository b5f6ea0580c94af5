"""One test for each hook into ReportLab's internals (leaflet/pdf/canvas.py).

ReportLab is pinned to 5.1.x because of these hooks; if an upgrade changes
what they rely on, the test for that hook says which.
"""

from __future__ import annotations

import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from leaflet.build import render_pdf
from leaflet.content.loader import load_leaflet
from leaflet.style import load_theme

LEAFLET = """\
metadata:
  title: Hooks
  slug: hooks
  language: en-GB
  organisation: Org
  version: "1"
  published: 2026-01-01
  next_review: 2027-01-01
sections:
  - heading: One
    content:
      - Words before [a link](https://example.org/) and words after it, in a paragraph long enough to run over two lines of the page.
      - Averyveryverylongwordwithnospacesthatmustbecutbecauseitiswiderthanthecolumnofthepageitself and more.
references: []
"""


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    path = tmp_path_factory.mktemp("hooks") / "hooks.yaml"
    path.write_text(LEAFLET, "utf-8")
    return PdfReader(BytesIO(render_pdf(load_leaflet(path), load_theme("default"))))


def stream(pdf: PdfReader) -> str:
    return pdf.pages[0].get_contents().get_data().decode("latin-1")


def test_begin_and_draw_text_put_marked_content_inside_the_text_object(pdf: PdfReader) -> None:
    # LeafletCanvas.beginText / drawText: every paragraph's BDC comes after BT and its EMC before ET.
    objects = re.findall(r"BT(.*?)ET", stream(pdf), re.S)
    assert objects
    tagged = [o for o in objects if "BDC" in o]
    assert tagged, "no marked content inside text objects"
    for body in tagged:
        assert body.strip().startswith("/") and body.rstrip().endswith("EMC")
    assert not re.search(r"BDC\s*BT", stream(pdf))


def test_link_record_gives_a_link_its_own_marked_content(pdf: PdfReader) -> None:
    # LeafletTextObject._linkRecord: P words, then the Link's words, then P words again.
    text = stream(pdf)
    body = next(o for o in re.findall(r"BT(.*?)ET", text, re.S) if "/Link" in o and "/P " in o)
    roles = re.findall(r"/(P|Link) <</MCID \d+>> BDC", body)
    assert roles[:3] == ["P", "Link", "P"]


def test_text_out_ends_each_line_with_a_space_but_never_inside_a_cut_word(pdf: PdfReader) -> None:
    # LeafletTextObject._textOut: the line ends of a paragraph carry a space ...
    text = stream(pdf)
    assert re.search(r"two \) Tj T\*|\S \) Tj T\*", text)
    # ... except where a word too long for the column was cut.
    words = pdf.pages[0].extract_text()
    joined = "".join(words.split())
    assert (
        "Averyveryverylongwordwithnospacesthatmustbecutbecauseitiswiderthanthecolumnofthepageitself" in joined
    )
    assert re.search(r"\(Averyvery\w+\) Tj T\*", text), (
        "the first piece of the cut word has no space after it"
    )


def test_link_url_and_link_rect_make_described_printable_annotations(pdf: PdfReader) -> None:
    annots = [a.get_object() for p in pdf.pages for a in p.get("/Annots", [])]
    uri = [a for a in annots if "/A" in a]
    internal = [a for a in annots if "/Dest" in a]
    assert uri and internal
    for annot in annots:
        assert annot["/F"] == 4
        assert [int(v) for v in annot["/Border"]] == [0, 0, 0]
        assert str(annot["/Contents"]).strip()
        assert "/StructParent" in annot
    assert str(uri[0]["/Contents"]) == "Open https://example.org/ in a web browser"


def test_show_page_adds_struct_parents_and_tab_order(pdf: PdfReader) -> None:
    for page in pdf.pages:
        assert "/StructParents" in page
        assert page["/Tabs"] == "/S"


def test_line_draws_underlines_as_artifacts(pdf: PdfReader) -> None:
    # LeafletCanvas.line: the link's underline is a stroke inside an Artifact sequence.
    text = stream(pdf)
    strokes = list(re.finditer(r" l S", text))
    assert strokes
    for match in strokes:
        before = text[: match.start()]
        assert before.rfind("/Artifact") > before.rfind("EMC")


def test_a_draft_canvas_writes_nothing(tmp_path: Path) -> None:
    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.pdf.tags import Tagging

    out = BytesIO()
    canvas = LeafletCanvas(out, tagging=Tagging(), place_names={}, draft=True)
    canvas.drawString(10, 10, "x")
    canvas.showPage()
    canvas.save()
    assert out.getvalue() == b""


def test_pil_and_pyphen_load_only_when_used(tmp_path: Path) -> None:
    # leaflet/deferred.py: ReportLab imports PIL.Image and pyphen at start-up and only tests them for
    # truth until a bitmap or hyphenation is used; a build leaves both unloaded, a bitmap still reads.
    image = tmp_path / "dot.png"
    image.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d6a4ca0000000049454e44ae426082"
        )
    )
    code = f"""
import sys
from pathlib import Path
from leaflet.build import build_leaflet
from leaflet.deferred import loaded
build_leaflet(Path({str(Path(__file__).resolve().parents[2] / "content.yaml")!r}), "default", Path({str(tmp_path / "o.pdf")!r}))
lazy = [not loaded(n) for n in ("PIL.Image", "pyphen")]
import reportlab.platypus.paragraph as paragraph, reportlab.lib.utils as utils
same = paragraph.pyphen is sys.modules["pyphen"] and utils.Image is sys.modules["PIL.Image"]
size = utils.ImageReader({str(image)!r}).getSize()
print(lazy, same, size, loaded("PIL.Image"))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[True, True] True (1, 1) True"
