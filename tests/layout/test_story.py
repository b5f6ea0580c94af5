"""What the layout makes of small leaflets: panels, anchors, references, lists."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from leaflet.build import render_pdf
from leaflet.content.loader import load_leaflet
from leaflet.style import load_theme
from tests.conftest import metadata_block

MINIMAL = (
    metadata_block("Small leaflet", "small", organisation="Test Org")
    + """\
sections:
{sections}
references:
{references}
"""
)


def build(tmp_path: Path, sections: str, references: str = "  []") -> tuple[str, PdfReader]:
    path = tmp_path / "small.yaml"
    path.write_text(MINIMAL.format(sections=sections, references=references), "utf-8")
    reader = PdfReader(BytesIO(render_pdf(load_leaflet(path), load_theme("default"))))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    return text, reader


def test_no_references_means_no_references_panel(tmp_path: Path) -> None:
    text, reader = build(tmp_path, "  - heading: Only\n    content: [Words here.]")
    assert "Words here." in text
    assert "References" not in text
    assert [o.title for o in reader.outline[1]] == ["Only", "About this leaflet"]


def test_a_section_called_references_keeps_its_own_anchor(tmp_path: Path) -> None:
    refs = "  - id: one\n    title: A source\n    publisher: A publisher\n    journal: A journal"
    text, reader = build(tmp_path, "  - heading: References\n    content:\n      - See below [@one].", refs)
    targets = {
        (annot["/Dest"][0].idnum, float(annot["/Dest"][3]))
        for page in reader.pages
        for annot in (a.get_object() for a in page.get("/Annots", []))
        if annot.get("/Contents") == "Go to References"
    }
    assert len(targets) == 2  # the section and the panel are two places, not one
    assert "A source. A journal. A publisher." in text


def test_lists_number_and_nest(tmp_path: Path) -> None:
    sections = """\
  - heading: Steps
    content:
      - numbered:
          - Wash.
          - text: Dry.
            bullets: [Towel., Air.]
          - Fold."""
    text, _ = build(tmp_path, sections)
    assert "1. Wash. 2. Dry. – Towel. – Air. 3. Fold." in text  # a dash marks the second level


def test_a_phone_number_or_email_address_in_its_link_is_printed_once(tmp_path: Path) -> None:
    sections = """\
  - heading: Contact
    content:
      - "Call [0808 800 8000](tel:08088008000), ring [our line](tel:+448088008000) or write to
        [help@example.org](mailto:help@example.org)."
"""
    text, reader = build(tmp_path, sections)
    text = text.replace("\u00a0", " ")
    assert "Call 0808 800 8000, ring" in text  # given by the link's words: not printed again
    assert "08088008000" not in text and "+448088008000" not in text
    # Words that do not give the number are followed by it, as it is dialled from the UK.
    assert "our line (0808 800 8000)" in text
    assert text.count("0808 800 8000") == 2
    assert text.count("help@example.org") == 1
    uris = {
        str(a.get_object()["/A"]["/URI"])
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object()
    }
    assert {"tel:08088008000", "tel:+448088008000", "mailto:help@example.org"} <= uris
