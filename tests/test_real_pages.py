"""Real pages of many shapes (tests/data): built in every edition, read back, audited, measured.

Each corpus page is built once per run in every edition. Its tagged editions
are read back: the words of the structure tree, in order, against the words of
the content file; the roles of the new blocks; the invariants of
tests/pdf/reader.py; and pdfua's audit.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

import tests.pdf.test_tags as tag_tests
from leaflet.build import build_editions
from leaflet.content.loader import load_leaflet
from leaflet.content.model import (
    Block,
    BlockQuote,
    Callout,
    Inline,
    Leaflet,
    Link,
    ListBlock,
    Paragraph,
    QuestionList,
    Section,
    Strong,
    TermList,
    note_marker,
    plain_text,
)
from leaflet.i18n import furniture
from leaflet.layout.markup import printed_address, shows_address
from leaflet.layout.story import about_lines
from tests.conftest import BuiltPdf
from tests.pdf.reader import Element, read_tree, walk_page

DATA = Path(__file__).resolve().parent / "data"
CORPUS = ("mri-scan", "news-statement", "faq", "every-block", "one-page")
EDITIONS = ["standard", "large-print", "booklet", "press", "web"]
#: The tagged files of a build, by the edition they come from.
TAGGED = {"standard": "", "large-print": "-large-print", "a5": "-a5", "press": "-press"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Every corpus page in every edition: page → edition → file."""
    out: dict[str, dict[str, Path]] = {}
    for name in CORPUS:
        target = tmp_path_factory.mktemp(name) / f"{name}.pdf"
        files = {b.path.name: b.path for b in build_editions(DATA / f"{name}.yaml", EDITIONS, None, target)}
        out[name] = {edition: files[f"{name}{suffix}.pdf"] for edition, suffix in TAGGED.items()}
        out[name]["booklet"] = files[f"{name}-booklet.pdf"]
        out[name]["web"] = files[f"{name}.html"]
    return out


def pdf(built: dict[str, dict[str, Path]], name: str, edition: str = "standard") -> BuiltPdf:
    path = built[name][edition]
    return BuiltPdf(path, PdfReader(path))


def marks_of(p: BuiltPdf) -> dict:
    return {n: walk_page(p.reader, n) for n in range(1, len(p.reader.pages) + 1)}


def squash(text: str) -> str:
    """Words with single spaces; an address broken over lines is one address again."""
    return re.sub(r"/\s+", "/", " ".join(text.split()))


# ---------------------------------------------------------------- what the source says, in order


def printed(inlines: tuple[Inline, ...]) -> str:
    """The words as printed: a link's address after its words, unless they give it already."""
    out = []
    for node in inlines:
        if isinstance(node, Link):
            words = plain_text(node.children)
            out.append(words if shows_address(words, node.url) else f"{words} ({printed_address(node.url)})")
        elif isinstance(node, Strong):
            out.append(printed(node.children))
        else:
            out.append(plain_text((node,)))
    return "".join(out)


def block_words(blocks: tuple[Block, ...]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield printed(block.inlines)
            for link in block.related:
                yield "See also: " + printed(link.inlines)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield printed(item.inlines)
                if item.sublist:
                    yield from block_words((item.sublist,))
        elif isinstance(block, Callout):
            for quote in block.quotes:
                yield printed(quote.inlines)
        elif isinstance(block, BlockQuote):
            for i, words in enumerate(block.paragraphs):
                closing = "\u201d" if i == len(block.paragraphs) - 1 else ""
                yield "\u201c" + printed(words) + closing
            if block.who:
                yield "— " + ", ".join(p for p in (block.who, block.when) if p)
        elif isinstance(block, TermList):
            for term in block.items:
                yield term.term
                yield printed(term.inlines)
        elif isinstance(block, QuestionList):
            for q in block.questions:
                yield f"{q.number}. {q.question}"
                yield from block_words(q.blocks)


def section_words(section: Section) -> Iterator[str]:
    yield section.heading
    yield from block_words(section.blocks)
    for note in section.notes:
        yield f"{note_marker(note.number)} {printed(note.inlines)}"
    for sub in section.subsections:
        yield from section_words(sub)


def source_words(leaflet: Leaflet) -> list[str]:
    words = [leaflet.metadata.title]
    if leaflet.key_points:
        words += ["Key points", *(printed(p.inlines) for p in leaflet.key_points)]
    words += list(block_words(leaflet.introduction))
    for section in leaflet.sections:
        words += list(section_words(section))
    words += ["About this leaflet", *about_lines(leaflet.metadata, furniture(leaflet.metadata.language))]
    if leaflet.next_steps:  # the leaflet ends with who can help
        words += [leaflet.next_steps.heading, *block_words(leaflet.next_steps.blocks)]
    return [squash(w) for w in words]


def tree_text(p: BuiltPdf) -> str:
    """The words of the structure tree's leaves, in the tree's order."""
    marks = marks_of(p)
    parts = []
    for _, elem in read_tree(p.reader).walk():
        if any(isinstance(k, tuple) and k[0] == "MCR" for k in elem.kids):
            parts.append(elem.text(marks))
    return squash(" ".join(parts))


# ---------------------------------------------------------------- every page, every edition


@pytest.mark.parametrize("edition", list(TAGGED))
@pytest.mark.parametrize("name", CORPUS)
def test_the_structure_reads_the_source_words_in_order(
    built: dict[str, dict[str, Path]], name: str, edition: str
) -> None:
    text = tree_text(pdf(built, name, edition))
    pos = 0
    for words in source_words(load_leaflet(DATA / f"{name}.yaml")):
        found = text.find(words, pos)
        assert found >= 0, f"{name} ({edition}): not found in order, words intact: {words[:70]!r}"
        pos = found + len(words)


@pytest.mark.parametrize("edition", list(TAGGED))
@pytest.mark.parametrize("name", CORPUS)
def test_the_invariants_of_a_tagged_pdf_hold(
    built: dict[str, dict[str, Path]], name: str, edition: str
) -> None:
    tagged = (name, pdf(built, name, edition))
    for number, marks in marks_of(tagged[1]).items():
        assert marks.problems == [], f"page {number}: {marks.problems[:5]}"
        mcids = [r.mcid for r in marks.runs if r.mcid is not None]
        assert mcids == list(range(len(mcids))), f"page {number}: MCIDs not unique and in order"
        for run in marks.runs:
            if run.mcid is not None:
                # Every MCID paints something: words, or a picture (the QR code's Figure).
                assert run.painted and (run.text.strip() or run.role == "Figure"), (number, run)
    tag_tests.test_parent_tree_round_trip(tagged)
    tag_tests.test_document_level_entries(tagged)
    tag_tests.test_headings_start_at_h1_and_skip_no_level(tagged)
    tag_tests.test_every_font_is_embedded_with_a_unicode_map(tagged)


@pytest.mark.parametrize("edition", ["standard", "large-print", "a5"])
@pytest.mark.parametrize("name", CORPUS)
def test_pdfua_finds_nothing(built: dict[str, dict[str, Path]], name: str, edition: str) -> None:
    import pdfua

    report = pdfua.validate(str(built[name][edition]))
    findings = [f for f in report.findings if str(getattr(f, "severity", "")).lower().endswith("error")]
    assert findings == [], findings


@pytest.mark.parametrize("name", CORPUS)
def test_the_booklet_imposes_the_a5_pages(built: dict[str, dict[str, Path]], name: str) -> None:
    a5 = len(PdfReader(built[name]["a5"]).pages)
    sheets = len(PdfReader(built[name]["booklet"]).pages)
    # Two A5 pages a side; padding (notes pages) never more than a sheet's worth.
    assert a5 <= sheets * 2 < a5 + 8


def test_pages_per_edition(built: dict[str, dict[str, Path]]) -> None:
    """The figures of the closing note; a page that grows by half is a layout fault."""
    counts = {
        name: {edition: len(PdfReader(path).pages) for edition, path in files.items() if edition != "web"}
        for name, files in built.items()
    }
    assert counts["one-page"]["standard"] == 1
    for name, editions in counts.items():
        assert editions["standard"] <= editions["large-print"], name
    print(counts)


# ---------------------------------------------------------------- the new blocks, as tagged


def elements(p: BuiltPdf, role: str) -> list[Element]:
    return [e for _, e in read_tree(p.reader).walk() if e.role == role]


def test_key_points_are_a_div_with_a_heading_and_a_list_before_the_contents(
    built: dict[str, dict[str, Path]],
) -> None:
    p = pdf(built, "every-block")
    marks = marks_of(p)
    kids = read_tree(p.reader).kids
    roles = [k.role for k in kids]
    div = next(k for k in kids if k.role == "Div" and k.attrs.get("T") == "Key points")
    assert roles.index("Div") < roles.index("TOC")
    assert [k.role for k in div.kids] == ["H2", "L"]
    assert div.kids[0].text(marks).strip() == "Key points"
    items = [k for k in div.kids[1].kids if k.role == "LI"]
    assert [" ".join(li.kids[1].text(marks).split()) for li in items] == [
        "The first key point is short.",
        "The second key point has bold words in it.",
        "The third key point points at a note [note 1].",
    ]


def test_a_note_marker_links_to_its_note_which_has_an_id(built: dict[str, dict[str, Path]]) -> None:
    p = pdf(built, "every-block")
    marks = marks_of(p)
    notes = elements(p, "Note")
    ids = [str(n.ref.get_object()["/ID"]) for n in notes]
    assert ids == ["note-first", "note-second"]
    id_tree = p.reader.trailer["/Root"]["/StructTreeRoot"]["/IDTree"]["/Names"]
    assert [str(v) for v in id_tree[::2]] == ids
    assert [v.idnum for v in id_tree[1::2]] == [n.ref.idnum for n in notes]
    assert (
        " ".join(notes[0].text(marks).split()) == "[note 1] The first note, pointed at from the key points."
    )
    markers = [e for e in elements(p, "Link") if e.text(marks).strip() == "[note 1]"]
    assert len(markers) == 1
    annotation = next(k[2] for k in markers[0].kids if isinstance(k, tuple) and k[0] == "OBJR").get_object()
    page_of_note = next(k[1] for k in notes[0].kids if isinstance(k, tuple))
    target = annotation["/Dest"][0]
    assert target.idnum == p.reader.pages[page_of_note - 1].indirect_reference.idnum
    assert str(annotation["/Contents"]) == "Go to note 1"


def test_terms_are_list_items_with_the_term_as_label(built: dict[str, dict[str, Path]]) -> None:
    p = pdf(built, "every-block")
    marks = marks_of(p)
    terms = [
        li
        for li in elements(p, "LI")
        if li.kids and li.kids[0].role == "Lbl" and li.kids[0].text(marks).strip().startswith("Term")
    ]
    assert [(li.kids[0].text(marks).strip(), li.kids[1].role) for li in terms] == [
        ("Term one", "LBody"),
        ("Term two", "LBody"),
    ]
    assert " ".join(terms[1].kids[1].text(marks).split()) == (
        "what the second term means, with a link (https://example.org/term)."
    )


def test_questions_are_numbered_headings_one_level_below_their_section(
    built: dict[str, dict[str, Path]],
) -> None:
    p = pdf(built, "faq")
    marks = marks_of(p)
    headings = [
        (e.role, e.text(marks).strip()) for _, e in read_tree(p.reader).walk() if re.fullmatch(r"H\d", e.role)
    ]
    start = headings.index(("H2", "Before your appointment"))
    assert headings[start : start + 5] == [
        ("H2", "Before your appointment"),
        ("H3", "1. Can I change my appointment?"),
        ("H3", "2. What should I bring?"),
        ("H3", "3. Can someone come with me?"),
        ("H2", "On the day"),
    ]


def test_headings_go_to_level_four(built: dict[str, dict[str, Path]]) -> None:
    p = pdf(built, "mri-scan")
    marks = marks_of(p)
    h4 = [e.text(marks).strip() for e in elements(p, "H4")]
    assert h4 == ["Pacemakers and other devices", "Metal fragments"]


def test_a_running_quotation_is_one_blockquote_with_its_attribution_as_words(
    built: dict[str, dict[str, Path]],
) -> None:
    p = pdf(built, "news-statement")
    marks = marks_of(p)
    quotes = elements(p, "BlockQuote")
    assert len(quotes) == 3
    first = [" ".join(k.text(marks).split()) for k in quotes[0].kids]
    assert len(first) == 3
    assert first[0].startswith("\u201cFatigue is the symptom") and not first[0].endswith("\u201d")
    assert first[1].startswith("\u201cWe want every employer") and first[1].endswith("most.\u201d")
    assert first[2] == "— Head of research at the charity"
    carer = " ".join(quotes[2].text(marks).split())
    assert carer.endswith("— Carer of someone with Parkinson's")
    # Who said it is words, not a citation: no link in the line.
    assert not any(isinstance(k, Element) for k in quotes[2].kids[-1].kids)
    assert "References" not in tree_text(p)


def test_the_next_steps_panel_prints_a_phone_number_once(built: dict[str, dict[str, Path]]) -> None:
    p = pdf(built, "every-block")
    marks = marks_of(p)
    div = next(e for e in elements(p, "Div") if e.attrs.get("T") == "What to do next")
    assert [k.role for k in div.kids] == ["H2", "P", "P"]
    phone = " ".join(div.kids[1].text(marks).split())
    assert phone == "Call the MS Helpline, free: 0808 800 8000."
    link = next(e for _, e in div.walk() if e.role == "Link")
    annotation = next(k[2] for k in link.kids if isinstance(k, tuple) and k[0] == "OBJR").get_object()
    assert annotation["/A"]["/URI"] == "tel:+448088008000"
    toc = " ".join(elements(p, "TOC")[0].text(marks).split())
    assert "What to do next" in toc


def test_related_links_come_straight_after_their_paragraph(built: dict[str, dict[str, Path]]) -> None:
    p = pdf(built, "every-block")
    marks = marks_of(p)
    paragraphs = [" ".join(e.text(marks).split()) for e in elements(p, "P")]
    at = paragraphs.index("Words under the level-4 heading, with links under them.")
    assert paragraphs[at + 1 : at + 3] == [
        "See also: The first related page (https://example.org/first)",
        "See also: https://example.org/second",
    ]


# ---------------------------------------------------------------- honest metadata


def page_text(path: Path) -> str:
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed"
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def test_what_the_metadata_does_not_say_is_not_printed(built: dict[str, dict[str, Path]]) -> None:
    news = page_text(built["news-statement"]["standard"])
    assert "Published June 2026" in news
    assert "First published: November 2025." in news
    assert "Version" not in news and "Next review" not in news
    one = page_text(built["one-page"]["standard"])
    assert "Published May 2026" in one and "Version" not in one and "References" not in one
    faq = page_text(built["faq"]["standard"])
    assert "Next review April 2028" in faq and "Version 1.2" in faq
    mri = page_text(built["mri-scan"]["standard"])
    for line in (
        "Department: Radiology department.",
        "Written by: Radiology patient information group.",
        "Approved by: Patient information panel, February 2026.",
    ):
        assert line in mri


def test_the_ccsvi_leaflet_has_its_key_points_and_help_panel(ccsvi_pdf: BuiltPdf) -> None:
    page = (DATA.parent.parent / "content.yaml").read_text("utf-8")
    assert "key_points:" in page
    leaflet = load_leaflet(DATA.parent.parent / "content.yaml")
    assert 3 <= len(leaflet.key_points) <= 5
    # Each key point is one of the page's own sentences, quoted as written in its sections:
    # its words are there twice, once as the key point and once where the page says them.
    words = " ".join(" ".join(t.text.split()) for t in leaflet.texts)
    for point in leaflet.key_points:
        assert words.count(printed(point.inlines)) >= 2, printed(point.inlines)
    first = ccsvi_pdf.reader.pages[0].extract_text()
    assert "Key points" in first
    text = page_text(ccsvi_pdf.path)
    assert text.count("0808 800 8000") == 1 and "08088008000" not in text
    assert "talk to" in text and "MS nurse or neurologist" in text
    assert "www.mssociety.org.uk" in text
    # Further reading says where its lines are, so they are of use on paper.
    assert "These are pages of the MS Society's website," in text


# ---------------------------------------------------------------- the web edition


def test_the_web_page_says_every_block(built: dict[str, dict[str, Path]]) -> None:
    html = built["every-block"]["web"].read_text("utf-8")
    for fragment in (
        '<h2 id="key-points">Key points</h2>',
        '<a class="note-ref" href="#note-first">[note 1]</a>',
        '<p id="note-first"><strong>[note 1]</strong> The first note',
        "<dt>Term one</dt>",
        "<h3>1. Is this the first question?</h3>",
        '<h4 id="a-level-4-heading">A level-4 heading</h4>',
        'See also: <a href="https://example.org/first">The first related page</a>',
        '<h2 id="what-to-do-next">What to do next</h2>',
        "<figcaption>— <cite>A person who said it</cite>, 2025</figcaption>",
        "<p>The first paragraph of a quotation that runs on.</p>",
        "Next review: January 2027.",
    ):
        assert fragment in html, fragment
    news = built["news-statement"]["web"].read_text("utf-8")
    assert "Version" not in news and "Next review" not in news and 'name="version"' not in news
    assert "First published: November 2025." in news
