"""The CCSVI leaflet, read back from the PDF: words in order, fonts, pages, links, metadata."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import IndirectObject

from leaflet.build import build_leaflet
from leaflet.content.loader import load_leaflet
from tests.conftest import CONTENT, BuiltPdf, needs

LEAFLET = load_leaflet(CONTENT)
HEADINGS = [s.heading for s in LEAFLET.sections]
A4 = (595.28, 841.89)


def words(text: str) -> str:
    return " ".join(text.split())


def page_texts(pdf: BuiltPdf) -> list[str]:
    return [words(page.extract_text()) for page in pdf.reader.pages]


def whole_text(pdf: BuiltPdf) -> str:
    return " ".join(page_texts(pdf))


def assert_in_order(text: str, needles: list[str]) -> None:
    pos = 0
    for needle in needles:
        found = text.find(needle, pos)
        assert found >= 0, f"{needle!r} missing or out of order after position {pos}"
        pos = found + len(needle)


def test_every_heading_and_key_sentence_reads_back_in_order(ccsvi_pdf: BuiltPdf) -> None:
    expected = [
        "MS Society",
        "Chronic cerebrospinal venous insufficiency (CCSVI)",
        "In this leaflet",  # straight after the key points, before the introduction
        "There's been a lot of interest in CCSVI from people affected by MS",
        *HEADINGS[:1],
        "found that CCSVI was present in 90 per cent of people with MS [3]",
        "Does CCSVI cause MS?",
        "it’s difficult to draw firm conclusions from them",
        "Is there a treatment for CCSVI?",
        "we do not recommend that people undergo this procedure outside of a properly-regulated clinical trial",
        "What do people with MS say?",
        "What does NICE say?",
        "What NICE says",
        "Current evidence on the efficacy of percutaneous venoplasty [the surgical procedure to improve "
        "blood drainage] for CCSVI for MS is inadequate in quality and quantity.",
        "— NICE, 28 March 2012 [1]",
        "This is in line with our position on CCSVI.",
        "What the FDA says",
        "Be aware that there is lack of clear evidence of the existence of CCSVI.",
        "— FDA, 10 May 2012 [2]",
        "What happens next?",
        "costing more than $2.4 million",
        "Why isn’t the MS Society UK currently funding CCSVI research?",
        "References",
        "Percutaneous venoplasty for chronic cerebrospinal venous insufficiency for multiple sclerosis",
        "https://www.nice.org.uk/guidance/ipg420",
        "https://doi.org/10.1136/jnnp.2008.157164",
        "Further reading",
        "Read about why clinical trials take a long time.",
        "About this leaflet",
        "Next review: 26 November 2028",
    ]
    assert_in_order(whole_text(ccsvi_pdf), expected)


def test_every_section_heading_in_the_page_order(ccsvi_pdf: BuiltPdf) -> None:
    text = whole_text(ccsvi_pdf)
    body = text[text.find("About this leaflet") :]  # past the contents list
    assert_in_order(text[text.find("In this leaflet") + 200 :], HEADINGS)
    assert body


def test_web_only_lines_are_dropped(ccsvi_pdf: BuiltPdf) -> None:
    text = whole_text(ccsvi_pdf)
    for line in ("Back to top", "Page tagged with", "What's new?", "Find out more on this page:"):
        assert line not in text


def test_pages_are_a4_and_footer_counts_them(ccsvi_pdf: BuiltPdf) -> None:
    pages = ccsvi_pdf.reader.pages
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(w, 2), round(h, 2)) == A4
        text = words(page.extract_text())
        assert f"Page {n} of {len(pages)}" in text
        assert "Published 26 November 2026 · Next review 26 November 2028" in text
        assert "MS Society · CCSVI · Version 1.0" in text


def _fonts(reader: PdfReader) -> dict[str, dict]:
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def test_every_font_is_embedded_and_none_is_helvetica(ccsvi_pdf: BuiltPdf) -> None:
    fonts = _fonts(ccsvi_pdf.reader)
    assert fonts, "no fonts at all"
    for name, font in fonts.items():
        assert "Helvetica" not in name
        assert "AtkinsonHyperlegible" in name
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is not embedded"
        assert "/ToUnicode" in font, f"{name} has no ToUnicode map"
    assert b"Helvetica" not in ccsvi_pdf.data


@needs("pdffonts")
def test_pdffonts_lists_only_embedded_fonts(ccsvi_pdf: BuiltPdf) -> None:
    out = subprocess.run(["pdffonts", str(ccsvi_pdf.path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert len(rows) == 2
    for row in rows:
        assert re.search(r"\byes\s+yes\s+yes\b", row), row


def test_metadata_language_and_title_display(ccsvi_pdf: BuiltPdf) -> None:
    meta = ccsvi_pdf.reader.metadata
    assert meta.title == LEAFLET.metadata.title
    assert meta.author == "MS Society"
    assert meta.subject == LEAFLET.metadata.summary
    assert "venoplasty" in meta["/Keywords"]
    root = ccsvi_pdf.reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def _annotations(reader: PdfReader) -> list[tuple[int, dict]]:
    out = []
    for n, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots", []):
            out.append((n, annot.get_object()))
    return out


def _page_number(reader: PdfReader, ref: IndirectObject) -> int:
    return [p.indirect_reference.idnum for p in reader.pages].index(ref.idnum) + 1


def test_links_describe_where_they_go_and_print(ccsvi_pdf: BuiltPdf) -> None:
    annots = _annotations(ccsvi_pdf.reader)
    assert annots
    for _, annot in annots:
        assert annot["/Subtype"] == "/Link"
        assert str(annot["/Contents"]).strip()
        assert annot["/F"] == 4
    uris = {str(a["/A"]["/URI"]) for _, a in annots if "/A" in a}
    assert uris == {
        "https://www.nice.org.uk/guidance/ipg420",
        # The Who can help panel: the helpline and the website (SOURCES.md).
        "tel:08088008000",
        "https://www.mssociety.org.uk",
        "http://www.fda.gov/MedicalDevices/Safety/AlertsandNotices/ucm303318.htm",
        "https://doi.org/10.1136/jnnp.2008.157164",
    }


def test_contents_links_and_page_numbers_point_at_the_headings(ccsvi_pdf: BuiltPdf) -> None:
    reader = ccsvi_pdf.reader
    texts = page_texts(ccsvi_pdf)
    # The contents follow the key points: on the first page that has them.
    page = next(t for t in texts if "In this leaflet" in t)
    contents = page[page.find("In this leaflet") :]
    annots = _annotations(reader)
    for heading in HEADINGS:
        links = [a for _, a in annots if str(a.get("/Contents")) == f"Go to {heading}"]
        # The entry's words (one annotation a line) and its page number.
        assert len(links) >= 2, heading
        target = _page_number(reader, links[0]["/Dest"][0])
        assert heading in texts[target - 1], heading
        assert re.search(re.escape(heading) + rf" {target}\b", contents), (heading, target)


def test_citations_link_to_their_reference(ccsvi_pdf: BuiltPdf) -> None:
    reader = ccsvi_pdf.reader
    texts = page_texts(ccsvi_pdf)
    cites = [a for _, a in _annotations(reader) if str(a.get("/Contents", "")).startswith("Go to reference")]
    assert {str(a["/Contents"]) for a in cites} == {
        "Go to reference 1",
        "Go to reference 2",
        "Go to reference 3",
    }
    for annot in cites:
        number = str(annot["/Contents"]).rsplit(" ", 1)[1]
        page = _page_number(reader, annot["/Dest"][0])
        entry = {"1": "Percutaneous venoplasty", "2": "FDA Safety Communication", "3": "Zamboni P"}[number]
        assert entry in texts[page - 1]


def test_bookmarks_follow_the_headings(ccsvi_pdf: BuiltPdf) -> None:
    outline = ccsvi_pdf.reader.outline
    assert outline[0].title == LEAFLET.metadata.title
    assert LEAFLET.next_steps is not None
    assert [o.title for o in outline[1]] == [
        "Key points",
        *HEADINGS,
        "References",
        "Further reading",
        "About this leaflet",
        LEAFLET.next_steps.heading,  # the leaflet ends with who can help
    ]


def test_long_address_breaks_only_after_a_slash(ccsvi_pdf: BuiltPdf) -> None:
    texts = "\n".join(page.extract_text() for page in ccsvi_pdf.reader.pages)
    lines = [ln for ln in texts.splitlines() if "fda.gov" in ln or "ucm303318" in ln]
    assert lines, "the FDA address is missing"
    joined = "".join(ln.strip() for ln in lines)
    assert joined.endswith("http://www.fda.gov/MedicalDevices/Safety/AlertsandNotices/ucm303318.htm")
    for ln in lines[:-1]:
        assert ln.rstrip().endswith("/"), ln


def test_same_input_gives_the_same_bytes(ccsvi_pdf: BuiltPdf, tmp_path: Path) -> None:
    again = tmp_path / "again.pdf"
    build_leaflet(CONTENT, "default", again)
    assert again.read_bytes() == ccsvi_pdf.data
