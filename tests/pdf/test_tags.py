"""The structure tree and marked content of tagged leaflets (PDF/UA-1).

Checked three ways: poppler's `pdfinfo -struct-text` (an independent reader of
the tree), a snapshot of the whole tag tree kept in tests/pdf/snapshots/ (so a
change to the structure shows as a diff; LEAFLET_UPDATE_SNAPSHOTS=1 rewrites
it on purpose), and invariants walked over every page's content stream.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
from pathlib import Path

import pdfua
import pytest
from pypdf import PdfReader

from leaflet.build import build_leaflet
from leaflet.content.loader import load_leaflet
from leaflet.content.model import Callout, ListBlock, Paragraph, plain_text
from tests.conftest import CONTENT, BuiltPdf, metadata_block, needs
from tests.pdf.reader import Element, PageMarks, dump, parent_tree, read_tree, walk_page

HERE = Path(__file__).resolve().parent
HARD = HERE.parent / "data" / "hard.yaml"
SNAPSHOTS = HERE / "snapshots"


@pytest.fixture(scope="session")
def hard_pdf(tmp_path_factory: pytest.TempPathFactory) -> BuiltPdf:
    out = tmp_path_factory.mktemp("hard") / "hard.pdf"
    build_leaflet(HARD, "default", out)
    return BuiltPdf(out, PdfReader(out))


@pytest.fixture(params=["ccsvi", "hard"])
def tagged(request: pytest.FixtureRequest, ccsvi_pdf: BuiltPdf) -> tuple[str, BuiltPdf]:
    if request.param == "ccsvi":
        return "ccsvi", ccsvi_pdf
    return "hard", request.getfixturevalue("hard_pdf")


def marks_of(pdf: BuiltPdf) -> dict[int, PageMarks]:
    return {n: walk_page(pdf.reader, n) for n in range(1, len(pdf.reader.pages) + 1)}


# ---------------------------------------------------------------- the tree, read by poppler


def struct_lines(path: Path) -> list[tuple[int, str]]:
    out = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines():
        stripped = line.lstrip(" ")
        depth = (len(line) - len(stripped)) // 2
        rows.append((depth, stripped))
    return rows


def roles(rows: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return [(d, s.split(" ")[0]) for d, s in rows if not s.startswith('"') and not s.startswith("Object ")]


@needs("pdfinfo")
def test_poppler_reads_the_roles_in_the_page_order(ccsvi_pdf: BuiltPdf) -> None:
    rows = struct_lines(ccsvi_pdf.path)
    assert rows[0] == (0, "Document")
    heading_texts = []
    for i, (_, text) in enumerate(rows):
        if text.split(" ")[0] in ("H1", "H2", "H3"):
            heading_texts.append((text.split(" ")[0], rows[i + 1][1].strip('" ')))
    leaflet = load_leaflet(CONTENT)
    assert leaflet.next_steps is not None
    assert heading_texts == [
        ("H1", leaflet.metadata.title),
        ("H2", "Key points"),
        ("H2", "In this leaflet"),
        *[("H2", s.heading) for s in leaflet.sections],
        ("H2", "References"),
        ("H2", "Further reading"),
        ("H2", "About this leaflet"),
        ("H2", leaflet.next_steps.heading),  # the leaflet ends with who can help
    ]


@needs("pdfinfo")
def test_poppler_sees_quotes_in_callouts_lists_and_links_with_objects(ccsvi_pdf: BuiltPdf) -> None:
    rows = roles(struct_lines(ccsvi_pdf.path))
    seq = [r for _, r in rows]
    # Each callout: Div > P (label), BlockQuote > P (words), P (attribution > Link).
    for i, (depth, role) in enumerate(rows):
        if role == "BlockQuote":
            assert rows[i - 2] == (depth - 1, "Div") and rows[i - 1] == (depth, "P")
            assert rows[i + 1] == (depth + 1, "P") and rows[i + 2] == (depth + 1, "P")
            assert rows[i + 3] == (depth + 2, "Link")
    assert seq.count("BlockQuote") == 2
    assert seq.count("TOC") == 1 and seq.count("TOCI") == 12
    # Lists: every LI holds a Lbl then an LBody.
    for i, (depth, role) in enumerate(rows):
        if role == "LI":
            assert rows[i + 1] == (depth + 1, "Lbl") and rows[i + 2] == (depth + 1, "LBody")
    # Every Link holds its annotation (an OBJR, which poppler prints as "Object N 0").
    lines = struct_lines(ccsvi_pdf.path)
    for i, (depth, text) in enumerate(lines):
        if text.startswith("Link"):
            kids = []
            for d, t in lines[i + 1 :]:
                if d <= depth:
                    break
                kids.append(t)
            assert any(k.startswith("Object ") for k in kids), f"Link without an OBJR at line {i}"
            assert any(k.startswith('"') for k in kids), f"Link without words at line {i}"


# ---------------------------------------------------------------- the tree, as a snapshot


def test_tag_tree_matches_its_snapshot(tagged: tuple[str, BuiltPdf]) -> None:
    name, pdf = tagged
    picture = dump(read_tree(pdf.reader), marks_of(pdf))
    snapshot = SNAPSHOTS / f"{name}.tags.txt"
    if os.environ.get("LEAFLET_UPDATE_SNAPSHOTS") == "1":
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(picture, "utf-8")
    assert snapshot.exists(), (
        f"no snapshot {snapshot}: write it with LEAFLET_UPDATE_SNAPSHOTS=1 and review it"
    )
    assert picture == snapshot.read_text("utf-8"), (
        f"the tag tree changed; if on purpose, rerun with LEAFLET_UPDATE_SNAPSHOTS=1 and review {snapshot}"
    )


# ---------------------------------------------------------------- content-stream invariants


def test_marked_content_nests_and_covers_every_painting(tagged: tuple[str, BuiltPdf]) -> None:
    _, pdf = tagged
    for number, marks in marks_of(pdf).items():
        assert marks.problems == [], f"page {number}: {marks.problems[:5]}"
        mcids = [r.mcid for r in marks.runs if r.mcid is not None]
        assert mcids == list(range(len(mcids))), f"page {number}: MCIDs not unique and in order"
        for run in marks.runs:
            if run.mcid is not None:
                assert run.painted and run.text.strip(), f"page {number}: empty MCID {run.mcid}"


def test_parent_tree_round_trip(tagged: tuple[str, BuiltPdf]) -> None:
    _, pdf = tagged
    reader = pdf.reader
    tree = read_tree(reader)
    owners: dict[tuple[int, int], Element] = {}
    objr: dict[int, Element] = {}
    for _, elem in tree.walk():
        for kid in elem.kids:
            if isinstance(kid, tuple) and kid[0] == "MCR":
                assert (kid[1], kid[2]) not in owners, "an MCID claimed twice"
                owners[(kid[1], kid[2])] = elem
            elif isinstance(kid, tuple) and kid[0] == "OBJR":
                assert elem.role == "Link"
                objr[kid[2].idnum] = elem
    ptree = parent_tree(reader)
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    assert int(root["/ParentTreeNextKey"]) == max(ptree) + 1
    marks = marks_of(pdf)
    for number, page in enumerate(reader.pages, start=1):
        assert page["/Tabs"] == "/S"
        entry = ptree[int(page["/StructParents"])]
        mcids = sorted(marks[number].by_mcid())
        assert len(entry) == len(mcids)
        for mcid in mcids:
            assert entry[mcid].idnum == owners[(number, mcid)].ref.idnum, (number, mcid)
        for annot_ref in page.get("/Annots", []):
            annot = annot_ref.get_object()
            assert annot["/F"] == 4 and str(annot["/Contents"]).strip()
            link = ptree[int(annot["/StructParent"])]
            assert link.idnum == objr[annot_ref.idnum].ref.idnum
    assert set(owners) == {(n, m) for n, pm in marks.items() for m in pm.by_mcid()}


def test_document_level_entries(tagged: tuple[str, BuiltPdf]) -> None:
    _, pdf = tagged
    root = pdf.reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert root["/Lang"]
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    title = pdf.reader.metadata.title
    assert f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in xmp.replace("&amp;", "&")
    assert f"<rdf:li>{root['/Lang']}</rdf:li>" in xmp
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    labels = [pdf.reader.page_labels[i] for i in range(len(pdf.reader.pages))]
    assert labels == [str(n) for n in range(1, len(labels) + 1)]
    assert pdf.reader.pdf_header == "%PDF-1.7"


def test_headings_start_at_h1_and_skip_no_level(tagged: tuple[str, BuiltPdf]) -> None:
    _, pdf = tagged
    levels = [int(e.role[1]) for _, e in read_tree(pdf.reader).walk() if re.fullmatch(r"H[1-6]", e.role)]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1


def test_structure_text_equals_the_source_words(ccsvi_pdf: BuiltPdf) -> None:
    leaflet = load_leaflet(CONTENT)
    marks = marks_of(ccsvi_pdf)
    texts = [" ".join(e.text(marks).split()) for _, e in read_tree(ccsvi_pdf.reader).walk() if e.role == "P"]
    expected = [plain_text(b.inlines) for b in leaflet.introduction if isinstance(b, Paragraph)]
    for section in leaflet.sections:
        for block in section.blocks:
            if isinstance(block, Paragraph):
                expected.append(plain_text(block.inlines))
            elif isinstance(block, Callout):
                expected += [plain_text(q.inlines) for q in block.quotes]
    pos = 0
    for sentence in expected:
        assert sentence in texts[pos:], f"not found in structure order, words intact: {sentence[:60]!r}"
        pos = texts.index(sentence, pos) + 1


# ---------------------------------------------------------------- the harder leaflet


def _elements(pdf: BuiltPdf, role: str) -> list[Element]:
    return [e for _, e in read_tree(pdf.reader).walk() if e.role == role]


def test_a_paragraph_split_across_pages_stays_one_element(hard_pdf: BuiltPdf) -> None:
    marks = marks_of(hard_pdf)
    long = [
        e for e in _elements(hard_pdf, "P") if e.text(marks).startswith("This paragraph is long on purpose")
    ]
    assert len(long) == 1
    pages = {kid[1] for kid in long[0].kids if isinstance(kid, tuple)}
    assert len(pages) == 2
    words = " ".join(long[0].text(marks).split())
    assert "is here to add length. So is this one" in words  # no glued words at the page break


def test_welsh_passages_carry_their_language(hard_pdf: BuiltPdf) -> None:
    marks = marks_of(hard_pdf)
    tree = read_tree(hard_pdf.reader)
    welsh = [e for _, e in tree.walk() if e.attrs.get("Lang") == "cy"]
    assert {e.role for e in welsh} == {"P", "BlockQuote"}
    assert any("gan gynnwys ŵyr a ŷd" in e.text(marks) for e in welsh)
    assert tree.attrs["Lang"] == "en-GB"


def test_nested_lists_nest_in_the_tree(hard_pdf: BuiltPdf) -> None:
    leaflet = load_leaflet(HARD)
    assert any(isinstance(b, ListBlock) for b in leaflet.sections[0].blocks)
    depths = []
    for depth, elem in read_tree(hard_pdf.reader).walk():
        if elem.role == "L":
            depths.append(depth)
    # The outer list, the numbered list in its LBody, the bullets inside that, and so on.
    assert max(depths) - min(depths) >= 6  # L > LI > LBody > L > LI > LBody > L


def test_the_untagged_switch_builds_the_same_words_without_a_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ccsvi_pdf: BuiltPdf
) -> None:
    monkeypatch.setenv("LEAFLET_UNTAGGED", "1")
    out = tmp_path / "untagged.pdf"
    build_leaflet(CONTENT, "default", out)
    plain = PdfReader(out)
    assert "/StructTreeRoot" not in plain.trailer["/Root"]
    assert len(plain.pages) == len(ccsvi_pdf.reader.pages)
    for a, b in zip(plain.pages, ccsvi_pdf.reader.pages, strict=True):
        assert a.extract_text().split() == b.extract_text().split()


def pdfua_errors(path: Path) -> list[object]:
    """The findings of the independent PDF/UA checker at error severity (Severity is an IntEnum)."""
    report = pdfua.validate(str(path))
    return [f for f in report.findings if f.severity >= pdfua.Severity.ERROR]


def test_pdfua_checker_finds_nothing(tagged: tuple[str, BuiltPdf]) -> None:
    _, pdf = tagged
    assert pdfua_errors(pdf.path) == []


def test_pdfua_checker_fails_an_untagged_leaflet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The check above must be able to fail: the same leaflet built untagged has errors.
    monkeypatch.setenv("LEAFLET_UNTAGGED", "1")
    out = tmp_path / "untagged.pdf"
    build_leaflet(CONTENT, "default", out)
    rules = {f.rule_id for f in pdfua_errors(out)}
    assert {"UA-01-005", "UA-01-002"} <= rules, rules


def test_every_font_is_embedded_with_a_unicode_map(tagged: tuple[str, BuiltPdf]) -> None:
    _, pdf = tagged
    for page in pdf.reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
            assert "/ToUnicode" in font, font["/BaseFont"]


TALL_CALLOUT = (
    metadata_block("A callout taller than a page", "tall")
    + """\
sections:
  - heading: The box
    content:
      - Before the box.
      - callout:
          label: Too much to keep on one page
          quotes:
{quotes}
      - After the box.
references:
  - id: src
    title: A source
"""
)


def test_a_callout_taller_than_a_page_splits_and_stays_one_element(tmp_path: Path) -> None:
    sentence = "This quotation goes on and on so that the box cannot fit on one page. "
    quotes = "".join(
        f"            - text: {sentence * 6}Quote {n} ends here.\n              who: Speaker {n}\n              source: src\n"
        for n in range(1, 7)
    )
    path = tmp_path / "tall.yaml"
    path.write_text(TALL_CALLOUT.format(quotes=quotes), "utf-8")
    out = tmp_path / "tall.pdf"
    build_leaflet(path, "default", out)
    pdf = BuiltPdf(out, PdfReader(out))
    marks = marks_of(pdf)
    for number, page_marks in marks.items():
        assert page_marks.problems == [], (number, page_marks.problems[:3])
    divs = _elements(pdf, "Div")
    assert len(divs) == 1
    pages = {kid[1] for _, e in divs[0].walk() for kid in e.kids if isinstance(kid, tuple)}
    assert len(pages) >= 2
    quotes_read = [" ".join(e.text(marks).split()) for _, e in divs[0].walk() if e.role == "BlockQuote"]
    assert len(quotes_read) == 6
    assert all(
        q.endswith(f"Quote {n} ends here. — Speaker {n} [1]") for n, q in enumerate(quotes_read, start=1)
    )


def test_two_links_to_one_place_in_a_paragraph_each_hold_their_own_annotation(tmp_path: Path) -> None:
    content = tmp_path / "repeat.yaml"
    content.write_text(
        metadata_block("Repeated links", "tall")
        + """sections:
  - heading: One
    content:
      - Studies disagree [@src]. A later review agrees [@src]. See [the NHS page](https://www.nhs.uk/)
        and again [NHS](https://www.nhs.uk/). And a very long line of text follows here so that we wrap
        onto further lines and then [a link that wraps across the line end of this paragraph, being longer than any line can hold](https://www.nhs.uk/) ends.
references:
  - id: src
    title: A source
""",
        "utf-8",
    )
    out = tmp_path / "repeat.pdf"
    build_leaflet(content, "default", out)
    pdf = BuiltPdf(out, PdfReader(out))
    marks = marks_of(pdf)
    links = [
        e
        for e in _elements(pdf, "Link")
        if e.text(marks) in ("[1]", "the NHS page", "NHS") or e.text(marks).startswith("a link that wraps")
    ]
    annotations = [sum(1 for k in e.kids if isinstance(k, tuple) and k[0] == "OBJR") for e in links]
    pages_lines = [" ".join(e.text(marks).split()) for e in links]
    assert pages_lines[:4] == ["[1]", "[1]", "the NHS page", "NHS"]
    assert annotations[:4] == [1, 1, 1, 1]
    assert annotations[4] == 2  # one annotation on each line the link runs over
