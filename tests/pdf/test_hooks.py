"""One test for each hook into ReportLab's internals (leaflet/pdf/canvas.py, leaflet/rlseam.py).

ReportLab is pinned to 5.1.x because of these hooks; if an upgrade changes
what they rely on, the test for that hook says which.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfdoc import PDFName
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, KeepTogether, Paragraph, Spacer
from reportlab.platypus.paragraph import ParagraphStyle

from leaflet import rlseam
from leaflet.addressbreaks import ADDRESS_BREAKS
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


def test_pil_pyphen_and_harfbuzz_load_only_when_used(tmp_path: Path) -> None:
    # leaflet/deferred.py: ReportLab imports PIL.Image, pyphen and uharfbuzz at start-up and tests them for
    # truth until a bitmap, hyphenation or shaping is used; a build leaves them unloaded, a bitmap still reads.
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
from typing import Any
from leaflet.build import build_leaflet
from leaflet.deferred import loaded
build_leaflet(Path({str(Path(__file__).resolve().parents[2] / "content.yaml")!r}), "default", Path({str(tmp_path / "o.pdf")!r}))
lazy = [not loaded(n) for n in ("PIL.Image", "pyphen", "uharfbuzz")]
import reportlab.platypus.paragraph as paragraph, reportlab.lib.utils as utils, reportlab.pdfbase.ttfonts as ttfonts
same = paragraph.pyphen is sys.modules["pyphen"] and utils.Image is sys.modules["PIL.Image"]
same = same and ttfonts.uharfbuzz is sys.modules["uharfbuzz"] and ttfonts.uharfbuzz is not None
size = utils.ImageReader({str(image)!r}).getSize()
print(lazy, same, size, loaded("PIL.Image"))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[True, True, True] True (1, 1) True"


# ---------------------------------------------------------------- leaflet/rlseam.py, one test each


def _placed_down_pages(
    canvas: Canvas, texts: list[str], kind: type[Paragraph], font: Callable[[int], str], states: list[Any]
) -> Iterator[Paragraph]:
    """Each text in each alignment, a paragraph with a style of its own (its size, leading,
    indents and colour varying), wrapped at a width of its own and placed down the page (a new
    page when it is full), the canvas moved to it as Flowable.drawOn does: for the caller to draw.
    Then the graphics state the paragraph left goes into `states` (drawPara's, an opacity set
    before it included) and is restored."""
    from reportlab.lib.colors import Color
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT

    y = 800.0
    for n, (alignment, text) in enumerate(
        (a, t) for a in (TA_LEFT, TA_CENTER, TA_RIGHT, TA_JUSTIFY) for t in texts
    ):
        style = ParagraphStyle(
            f"s{n}",
            fontName=font(n),
            fontSize=11 + n % 4,
            leading=15 + n % 5,
            alignment=alignment,
            leftIndent=6 * (n % 2),
            firstLineIndent=4 * (n % 3 == 1),
            textColor=Color(0.1, 0.2, 0.3 + n / 100),
        )
        para = kind(text, style)
        _, height = para.wrapOn(canvas, 180 + 40 * (n % 3), 1000)
        if y - height < 40:
            canvas.showPage()
            y = 800.0
        y -= height
        canvas.saveState()
        canvas.translate(60 + 20 * (n % 2), y)
        para.canv = canvas
        yield para
        states.append([canvas.__dict__[name] for name in Canvas.STATE_ATTRIBUTES if name != "_extgstate"])
        states.append(dict(canvas._extgstate._d))
        canvas.restoreState()
        if n == 20:
            canvas.setFillAlpha(0.5)


def _plain_canvas() -> tuple[BytesIO, Canvas]:
    out = BytesIO()
    return out, Canvas(out, pageCompression=0, invariant=1)


def test_text_operators_are_read_and_replaced_before_drawing() -> None:
    out, canvas = _plain_canvas()
    tx = canvas.beginText(10, 10)
    tx.textLine("Words")
    assert rlseam.text_object_canvas(tx) is canvas
    ops = rlseam.text_operators(tx)
    assert ops[0] == "BT" and any("(Words) Tj" in op for op in ops)
    rlseam.set_text_operators(tx, [*ops, "/Marked BMC", "EMC"])
    canvas.drawText(tx)
    canvas.showPage()
    canvas.save()
    assert b"(Words) Tj" in out.getvalue() and b"/Marked BMC" in out.getvalue()


def test_add_operator_writes_into_the_page_being_drawn() -> None:
    out, canvas = _plain_canvas()
    rlseam.add_operator(canvas, "/Artifact BMC")
    canvas.rect(1, 1, 5, 5)
    rlseam.add_operator(canvas, "EMC")
    canvas.showPage()
    canvas.save()
    assert re.search(rb"/Artifact BMC\s.*re.*\sEMC", out.getvalue(), re.S)


def test_the_document_its_last_page_and_page_entries() -> None:
    out, canvas = _plain_canvas()
    canvas.setTitle("Seam")
    assert rlseam.pdf_document(canvas).info.title == "Seam"
    canvas.drawString(10, 10, "x")
    canvas.showPage()
    page = rlseam.last_page(canvas)
    rlseam.add_page_entries(page, {"StructParents": 7, "Tabs": PDFName("S")})
    canvas.save()
    read = PdfReader(BytesIO(out.getvalue())).pages[0]
    assert read["/StructParents"] == 7 and read["/Tabs"] == "/S"


def test_reorder_pages_changes_the_page_tree_and_keeps_each_page_whole() -> None:
    out, canvas = _plain_canvas()
    for word in ("one", "two", "three"):
        canvas.drawString(10, 10, word)
        canvas.showPage()
    assert rlseam.page_count(canvas) == 3
    with pytest.raises(ValueError):
        rlseam.reorder_pages(canvas, [0, 0, 1])
    rlseam.reorder_pages(canvas, [0, 2, 1])
    canvas.save()
    pages = PdfReader(BytesIO(out.getvalue())).pages
    assert [p.extract_text().strip() for p in pages] == ["one", "three", "two"]


def test_fix_timestamp_sets_the_creation_date() -> None:
    out, canvas = _plain_canvas()
    rlseam.fix_timestamp(canvas, date(2026, 3, 4))
    canvas.showPage()
    canvas.save()
    info = PdfReader(BytesIO(out.getvalue())).metadata
    assert info["/CreationDate"].startswith("D:20260304000000")
    assert info["/ModDate"].startswith("D:20260304000000")


def test_kept_flowables_kept_parts_and_wrapped_for_read_a_keep_together() -> None:
    style = ParagraphStyle("p", fontName="Helvetica", fontSize=12, leading=14)
    parts = [Paragraph("One", style), Paragraph("Two " * 40, style)]
    group = KeepTogether(parts)
    assert rlseam.kept_flowables(group) == parts  # before it is wrapped, as a layout error names it
    assert rlseam.wrapped_for(group) is None
    group.wrapOn(Canvas(BytesIO()), 200, 500)
    assert rlseam.wrapped_for(group) == (200, 500)
    content, kept = rlseam.kept_parts(group)
    assert content == parts
    assert kept == pytest.approx(sum(p.wrap(200, 500)[1] for p in parts))


def test_forget_postponed_clears_the_mark_reportlab_sets() -> None:
    # The doc template marks a flowable moved once to the next frame with this attribute.
    assert "_postponed" in inspect.getsource(BaseDocTemplate.handle_flowable)
    flowable = Spacer(1, 1)
    flowable.__dict__["_postponed"] = 1
    rlseam.forget_postponed(flowable)
    assert "_postponed" not in flowable.__dict__


def test_page_contents_are_compressed_without_ascii85(pdf: PdfReader) -> None:
    # rl_config.useA85 = 0 (leaflet/pdf/canvas.py): page streams are Flate only, and still read.
    for page in pdf.pages:
        contents = page["/Contents"].get_object()
        assert contents["/Filter"] in ("/FlateDecode", ["/FlateDecode"])
        assert b"BT" in contents.get_data()


def test_format_text_holds_a_shaped_line_until_its_end_and_code_for_names_each_glyph() -> None:
    # LeafletTextObject._formatText / flush_line: on a shaping canvas, a line's pieces are
    # written at its end, glyph by glyph (TJ), where each piece asked; `code_for` gives a
    # glyph that is no single character a code of its own, which the wrapped
    # makeToUnicodeCMap maps back to the characters it stands for.
    from reportlab.pdfbase import ttfonts

    from leaflet.fonts import font_set
    from leaflet.pdf.canvas import GLYPH_TEXT, LeafletCanvas
    from leaflet.structure import Tagging

    fonts = font_set(load_theme("default"), "bn")
    out = BytesIO()
    canvas = LeafletCanvas(out, tagging=Tagging(), place_names={}, shaping=True)
    tx = canvas.beginText(72, 720)
    tx.setFont(fonts.text.regular, 14, 18)
    tx._textOut("ক্ষ কি", 1)
    assert tx.pending is None and "TJ" in rlseam.text_operators(tx)[-1]
    canvas.drawText(tx)
    canvas.showPage()
    canvas.save()
    assert ttfonts.makeToUnicodeCMap.__module__ == "leaflet.pdf.canvas"
    assert "ক্ষ" in GLYPH_TEXT.values()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=out.getvalue(), capture_output=True, check=True
    ).stdout
    assert text.decode().split() == ["ক্ষ", "কি"]


def test_to_unicode_maps_are_remembered_by_font_subset_and_private_characters() -> None:
    # _to_unicode_cmap (leaflet/pdf/canvas.py) remembers each ToUnicode CMap by the font's name,
    # the subset's characters and what each private code stands for: asked again, it gives the
    # same map; another subset, another font or a private code not yet known gets its own.
    from leaflet.pdf import canvas as seam

    private = seam._PRIVATE_USE + len(seam.GLYPH_TEXT) + 50  # a code no glyph has been given yet
    subset = [0, *map(ord, "Leaflet")]

    def fresh(fontname: str, codes: list[int]) -> str:
        seam._CMAPS.clear()
        return seam._to_unicode_cmap(fontname, codes)

    first = seam._to_unicode_cmap("F1+0", subset)
    assert seam._to_unicode_cmap("F1+0", subset) is first  # from memory
    assert first == fresh("F1+0", subset)
    assert "<01> <004C>" in first
    assert seam._to_unicode_cmap("F1+0", [*subset, ord("s")]) != first
    assert "/CMapName /F2+0 def" in seam._to_unicode_cmap("F2+0", subset)
    unknown = seam._to_unicode_cmap("F1+0", [0, private])
    assert f"<01> <{private:04X}>" in unknown
    seam.GLYPH_TEXT[private] = "ক্ষ"
    try:
        known = seam._to_unicode_cmap("F1+0", [0, private])
        assert known != unknown and "<01> <099509CD09B7>" in known
        assert known == fresh("F1+0", [0, private])
    finally:
        del seam.GLYPH_TEXT[private]
        seam._CMAPS.clear()


ADDRESS = "https://www.example-neurology-service.org.uk/services/physiotherapy/book-an-appointment-online?clinic=north&day=any"


def test_reportlab_breaks_an_overlong_word_through_the_seam() -> None:
    # The seam (leaflet.rlseam.break_words_at_address_breaks) is in place once layout is imported:
    # a ReportLab paragraph with embeddedHyphenation=2 breaks an address only at its breaks.
    import leaflet.layout.flowables  # noqa: F401  (installs the seam)

    style = ParagraphStyle("t", fontName="Helvetica", fontSize=10, leading=12, embeddedHyphenation=2)
    para = Paragraph(f"See the page at {ADDRESS.replace('&', '&amp;')} today.", style)
    para.wrap(150, 1000)
    bl = para.blPara
    if bl.kind == 0:
        lines = [" ".join(words) for _, words in bl.lines]
    else:
        lines = ["".join(getattr(w, "text", "") for w in line.words) for line in bl.lines]
    assert len(lines) >= 3, lines
    for line in lines[:-1]:
        assert line.rstrip()[-1] in ADDRESS_BREAKS, lines
    assert ADDRESS in "".join(line.strip() for line in lines).replace("Seethepageat", "").replace(" ", ""), (
        lines
    )


def test_the_quick_formatters_give_reportlabs_bytes() -> None:
    # _pdf_name, _pdfdoc_enc and _split_string (leaflet/pdf/canvas.py) replace ReportLab's own
    # PDFName, pdfdocEnc and TTFont.splitString with faster ones: same results on every input,
    # names with delimiters, text PDFDocEncoding lacks, and characters new to a document.
    from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts

    from leaflet.fonts import font_set
    from leaflet.pdf import canvas as seam

    assert pdfdoc.PDFName is seam._pdf_name and pdfdoc.pdfdocEnc is seam._pdfdoc_enc
    assert ttfonts.TTFont.splitString is seam._split_string
    assert pdfdoc.format is seam._format and pdfdoc.PDFObjectReference.format is seam._reference
    doc = Canvas(BytesIO())._doc
    named = pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Annot")})
    doc.Reference(named, "Named")
    values = [b"raw", "text", "café", 0, 12, -3, 1.5, 0.000001, 1e9, True, None, [1, 2]]
    values += [pdfdoc.PDFObjectReference("Named"), pdfdoc.PDFArray([1, "x", 2.5]), named]
    values += [pdfdoc.PDFString("(a)"), pdfdoc.PDFDictionary({"K": pdfdoc.PDFArray([1, 2])})]
    for value in values:
        for toplevel in (0, 1):
            assert seam._format(value, doc, toplevel) == seam._reportlab_format(value, doc, toplevel), value
    ref = pdfdoc.PDFObjectReference("Named")
    assert seam._reference(ref, doc) == seam._reportlab_reference(ref, doc) == b"%d 0 R" % doc.objectcounter
    with pytest.raises(KeyError, match="forward reference to 'Nowhere'"):
        seam._format(pdfdoc.PDFObjectReference("Nowhere"), doc)
    for name in ("Type", "StructTreeRoot", "A B", "x#y(z)", "Naïve", "Type"):
        assert seam._pdf_name(name) == seam._reportlab_pdf_name(name)
    for value in ("0 0 m", "(Hello) Tj", "é ü –", "\x17\x7f", b"raw", ""):
        assert seam._pdfdoc_enc(value) == seam._reportlab_pdfdoc_enc(value)
    with pytest.raises(UnicodeEncodeError):  # ReportLab refuses these: so does the quick path
        seam._pdfdoc_enc("a\x1bb")

    font = pdfmetrics.getFont(font_set(load_theme("default"), "en").text.regular)
    texts = ["a\xa0b", "Hello world", "Hello\xa0world", "", "Zoë’s café – 5 °C", "Hello", "ŁŻŚĆ ąę"]
    texts += ["\U0010fffe", "Hello \U0010fffe world", "Hello"]  # a character the font lacks: code 0
    texts += ["".join(chr(c) for c in range(0x100, 0x180))]  # past the first subset of 256
    mine, theirs = Canvas(BytesIO()), Canvas(BytesIO())
    for text in texts * 2:  # the second time, every character already has its code
        assert seam._split_string(font, text, mine._doc) == seam._reportlab_split_string(
            font, text, theirs._doc
        )


def test_dictionaries_arrays_and_strings_are_written_as_reportlab_writes_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # _format, _dictionary, _array, _string and _destination (leaflet/pdf/canvas.py) write
    # ReportLab's plain objects and links' destinations themselves: the bytes of each value below are compared with those of ReportLab's
    # own methods, put back in place for the second reading (nothing of ours on their path).
    from collections import OrderedDict

    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc

    from leaflet.pdf import canvas as seam

    assert pdfdoc.PDFDictionary.format is seam._dictionary and pdfdoc.PDFArray.format is seam._array
    assert pdfdoc.PDFString.format is seam._string and pdfdoc.Destination.format is seam._destination
    doc = Canvas(BytesIO())._doc
    target = pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Annot")})
    doc.Reference(target, "Target")
    ref = pdfdoc.PDFObjectReference("Target")
    texts = ["Go to (part 2)", "back\\slash", "", "Zoë’s café – 5 °C", "ŁŻŚĆ ąę", "ضمانات", "a\x1bb"]
    texts += ["tab\tnew\nline\x7f", "\u2028", "(unbalanced", "€ and ‘quotes’"]
    strings = [pdfdoc.PDFString(t) for t in texts]
    strings += [pdfdoc.PDFString(t, escape=e) for t in ("(a)", "x\ny") for e in (0, 2, 4, 6)]
    strings += [pdfdoc.PDFString(t, enc=enc) for t in ("plain", "café") for enc in ("utf-8", "raw")]
    strings += [pdfdoc.PDFString(b"bytes (too)"), pdfdoc.PDFString(pdfdoc.PDFString("copied"))]
    numbers = [0, 0.0, -0.0, 1, 1.0, -3, 2.5, 96.37795, 1e-7, 123456.7891, 10**15, True, None]
    big = {f"K{i}": v for i, v in enumerate([*numbers, ref, "/Name", b"raw", *strings[:4]])}
    arrays = [pdfdoc.PDFArray(numbers[: n + 1]) for n in range(len(numbers))]
    arrays += [pdfdoc.PDFArray([ref] * n) for n in (0, 1, 10, 11, 20, 21, 35)]
    arrays += [pdfdoc.PDFArrayCompact(numbers), pdfdoc.PDFArray([pdfdoc.PDFArray([1, ref]), *strings[:2]])]
    forced = pdfdoc.PDFArray(numbers)
    forced.multiline = "forced"
    dictionaries = [pdfdoc.PDFDictionary(dict(list(big.items())[:n])) for n in range(0, len(big), 5)]
    dictionaries += [pdfdoc.PDFDictionary(OrderedDict(reversed(big.items()))), pdfdoc.PDFDictionary(big)]
    dictionaries += [pdfdoc.PDFDictionary({"Inner": pdfdoc.PDFDictionary(big), "List": arrays[-1]})]
    only_top = pdfdoc.PDFDictionary({"A": 1})
    only_top.__RefOnly__ = 1  # written at the top; a reference to it anywhere else
    places = []  # destinations as bookmarkPage binds them (to a reference to the page), and others
    for zoom in (0, None, 1.5):
        place = pdfdoc.Destination(f"at {zoom}")
        place.xyz(96.37795, 696.4661, zoom)
        place.setPage(ref)
        places.append(place)
    fitted = pdfdoc.Destination("fitted")
    fitted.fit()
    fitted.setPage(ref)
    on_page = pdfdoc.Destination("on a page object")
    on_page.xyz(0, 842, 0)
    on_page.setPage(target)
    places += [fitted, on_page]
    linked = pdfdoc.PDFDictionary({"Dest": places[0], "Rect": arrays[4], "Contents": strings[0]})
    values = [
        *numbers,
        *strings,
        *arrays,
        forced,
        *dictionaries,
        only_top,
        *places,
        linked,
        "/Name",
        b"raw",
        ref,
    ]

    def written() -> list[bytes]:
        out = []
        for multiline in (0, 1):
            monkeypatch.setattr(rl_config, "pdfMultiLine", multiline)
            for value in values:
                out += [pdfdoc.format(value, doc, toplevel) for toplevel in (0, 1)]
                if hasattr(value, "format"):
                    out.append(value.format(doc))
        return out

    ours = written()
    assert b"(Zo\\353\\220s caf\\351 \\205 5 \\260C)" in ours  # PDFDocEncoding, escaped
    assert any(w.startswith(b"(\\376\\377") for w in ours)  # UTF-16 with its byte-order mark
    assert b"[ %d 0 R /XYZ 96.37795 696.4661 0 ]" % doc.idToObjectNumberAndVersion["Target"][0] in ours
    for name, mine in (
        ("format", "_format"),
        ("PDFName", "_pdf_name"),
        ("pdfdocEnc", "_pdfdoc_enc"),
    ):
        assert getattr(pdfdoc, name) is getattr(seam, mine)
    monkeypatch.setattr(pdfdoc, "format", seam._reportlab_format)
    monkeypatch.setattr(pdfdoc, "PDFName", seam._reportlab_pdf_name)
    monkeypatch.setattr(pdfdoc, "pdfdocEnc", seam._reportlab_pdfdoc_enc)
    monkeypatch.setattr(pdfdoc.PDFDictionary, "format", seam._reportlab_dictionary)
    monkeypatch.setattr(pdfdoc.PDFArray, "format", seam._reportlab_array)
    monkeypatch.setattr(pdfdoc.PDFString, "format", seam._reportlab_string)
    monkeypatch.setattr(pdfdoc.Destination, "format", seam._reportlab_destination)
    monkeypatch.setattr(pdfdoc.PDFObjectReference, "format", seam._reportlab_reference)
    theirs = written()
    assert len(ours) == len(theirs)
    for mine, reportlabs in zip(ours, theirs, strict=True):
        assert mine == reportlabs
    unbound = pdfdoc.Destination("nowhere")
    unbound.xyz(0, 0, 0)
    with pytest.raises(ValueError, match="Page not bound"):
        seam._destination(unbound, doc)
    unbound.setPage(pdfdoc.PDFObjectReference("Page99"))
    with pytest.raises(KeyError, match="forward reference to 'Page99'"):
        seam._destination(unbound, doc)


def test_numbers_and_text_written_from_memory_follow_their_values(monkeypatch: pytest.MonkeyPatch) -> None:
    # _array and _string (leaflet/pdf/canvas.py) remember arrays of numbers and text strings as
    # written, by their exact values and layout: equal numbers are written alike, another number,
    # another text, another layout or another escaping is written afresh.
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc

    doc = Canvas(BytesIO())._doc
    for _ in range(2):  # the second time, from memory
        assert pdfdoc.PDFArray([1, 2.5, 3]).format(doc) == b"[ 1 2.5 3 ]"
        assert pdfdoc.PDFArray([1.0, 2.5, 3.0]).format(doc) == b"[ 1 2.5 3 ]"
        assert pdfdoc.PDFArray([1, 2.5, 4]).format(doc) == b"[ 1 2.5 4 ]"
        assert pdfdoc.PDFArray([True, 2.5, 3]).format(doc) == b"[ True 2.5 3 ]"
        forced = pdfdoc.PDFArray([1, 2.5, 3])
        forced.multiline = "forced"
        assert forced.format(doc) == b"[ 1\n 2.5\n 3 ]"
        assert pdfdoc.PDFString("Go to Part 1").format(doc) == b"(Go to Part 1)"
        assert pdfdoc.PDFString("Go to Part 2").format(doc) == b"(Go to Part 2)"
        assert pdfdoc.PDFString("(a)").format(doc) == b"(\\(a\\))"
        assert pdfdoc.PDFString("(a)", escape=0).format(doc) == b"((a))"
    monkeypatch.setattr(rl_config, "pdfMultiLine", 1)
    assert pdfdoc.PDFArray([1, 2.5, 3]).format(doc) == b"[ 1\n 2.5\n 3 ]"
    assert pdfdoc.PDFArrayCompact([1, 2.5, 3]).format(doc) == b"[ 1 2.5 3 ]"


def test_add_objects_numbers_objects_as_reference_does() -> None:
    # rlseam.object_count tells how many objects are numbered; rlseam.add_objects gives objects their numbers in one go: the same numbers, names and
    # references as doc.Reference(obj, name) for each, and it refuses a name already taken.
    from reportlab.pdfbase import pdfdoc

    ours, theirs = Canvas(BytesIO())._doc, Canvas(BytesIO())._doc
    made = [(f"Thing{i}", pdfdoc.PDFDictionary({"N": i})) for i in range(5)]
    first = rlseam.object_count(ours) + 1
    refs = rlseam.add_objects(ours, made)
    assert refs[0] == b"%d 0 R" % first and rlseam.object_count(ours) == first + 4
    expected = [
        theirs.Reference(pdfdoc.PDFDictionary({"N": i}), name).format(theirs)
        for i, (name, _) in enumerate(made)
    ]
    assert refs == expected
    assert ours.objectcounter == theirs.objectcounter
    assert ours.idToObjectNumberAndVersion == theirs.idToObjectNumberAndVersion
    assert ours.numberToId == theirs.numberToId
    assert ours.Reference(made[2][1]).format(ours) == refs[2]  # known as itself afterwards
    assert (
        theirs.Reference(pdfdoc.PDFArray([1]), "Next").format(theirs)
        == rlseam.add_objects(ours, [("Next", pdfdoc.PDFArray([1]))])[0]
    )
    with pytest.raises(ValueError, match="redefining named object: 'Thing1'"):
        rlseam.add_objects(ours, [("Thing1", pdfdoc.PDFArray([]))])
    # Bytes already written are numbered too, and the document writes them as they are.
    canvas = Canvas(BytesIO())
    canvas.showPage()
    (ready,) = rlseam.add_objects(canvas._doc, [("Ready", b"<< /Ready true >>")])
    canvas.setCatalogEntry("StructTreeRoot", pdfdoc.PDFObjectReference("Ready"))
    canvas.save()
    written = canvas.getpdfdata()
    number = int(ready.split()[0])
    assert b"%d 0 obj\n<< /Ready true >>\nendobj" % number in written
    assert b"/StructTreeRoot %s" % ready in written


def test_objects_written_apart_are_numbered_and_packed_in_their_places() -> None:
    # LeafletCanvas.add_written: objects written already take the next numbers; a packed canvas
    # keeps them apart (rlseam.reserve_numbers) and document_objects puts them in their places
    # among ReportLab's objects, so the file is what compact() makes of ReportLab's own file, in
    # which they are named objects of its document.
    from reportlab.pdfbase import pdfdoc

    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.pdf.compact import compact
    from leaflet.structure import Tagging

    def draw(packed: bool) -> tuple[bytes, int]:
        out = BytesIO()
        canvas = LeafletCanvas(out, tagging=Tagging(), place_names={}, packed=packed, invariant=1)
        canvas.drawString(72, 720, "Apart")
        canvas.showPage()
        doc = rlseam.pdf_document(canvas)
        expected = rlseam.object_count(doc) + 1
        first = canvas.add_written([b"<< /Kept 1 >>", b"<< /Kept 2 /Next %d 0 R >>" % expected], "Kept")
        assert first == expected and rlseam.object_count(doc) == first + 1
        (after,) = rlseam.add_objects(doc, [("After", pdfdoc.PDFDictionary({"First": first}))])
        assert after == b"%d 0 R" % (first + 2)
        canvas.setCatalogEntry("StructTreeRoot", pdfdoc.PDFObjectReference("After"))
        canvas.save()
        return out.getvalue(), first

    (packed, first), (written, same) = draw(True), draw(False)
    assert first == same
    assert b"%d 0 obj\n<< /Kept 1 >>\nendobj" % first in written
    assert packed == compact(written)
    reader = PdfReader(BytesIO(packed))
    assert reader.get_object(first + 1)["/Kept"] == 2
    assert reader.get_object(first + 2)["/First"] == first


def test_compression_is_remembered_by_the_exact_contents() -> None:
    # _compress (leaflet/pdf/canvas.py) remembers each stream's compressed bytes under its exact
    # contents: a page's text or a font's bytes, compressed as ReportLab compresses them; one
    # character changed is compressed afresh; a stream past the bound is not kept.
    import zlib

    from reportlab.pdfbase import pdfdoc

    from leaflet.pdf import canvas as seam

    page = "BT /F1 12 Tf 72 720 Td (Page one of a leaflet) Tj ET\n" * 40
    for text in (page, page.encode(), page.replace("one", "two"), "Zoë ضمانات", b"\x00\x01" * 9000):
        for _ in range(2):
            packed = seam._compress(pdfdoc.PDFZCompress, text)
            assert packed == zlib.compress(text.encode() if isinstance(text, str) else text)
    assert seam._compress(pdfdoc.PDFZCompress, page) != seam._compress(
        pdfdoc.PDFZCompress, page.replace("one", "two")
    )
    assert seam._COMPRESSED.get(page) is not None
    huge = "x" * (seam._COMPRESS_LONGEST + 1)
    assert zlib.decompress(seam._compress(pdfdoc.PDFZCompress, huge)) == huge.encode()
    assert seam._COMPRESSED.get(huge) is None
    limit = seam._COMPRESSED.limit
    for i in range(limit + 5):
        seam._compress(pdfdoc.PDFZCompress, f"stream {i}")
    assert len(seam._COMPRESSED) == limit


def test_dots_write_what_circle_writes() -> None:
    # LeafletCanvas.dots (the contents' leader dots) writes, operator for operator, what
    # ReportLab's Canvas.circle(x, y, r, stroke=0, fill=1) writes for each dot.
    import random

    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.structure import Tagging

    rng = random.Random(13)
    for _ in range(200):
        xs = [rng.uniform(-50, 700) for _ in range(rng.randint(1, 5))]
        y, r = rng.uniform(-50, 900), rng.choice([0.5, 0.6, 0.66, 0.715, rng.uniform(0.01, 20)])
        ours = LeafletCanvas(BytesIO(), tagging=Tagging(), place_names={})
        theirs = Canvas(BytesIO())
        ours.dots(xs, y, r)
        for x in xs:
            theirs.circle(x, y, r, stroke=0, fill=1)
        assert ours._code == theirs._code


def test_document_objects_packed_are_the_bytes_compact_makes_of_reportlabs_file() -> None:
    # rlseam.document_objects + compact.pack (a packed LeafletCanvas's save) give what
    # compact() gives for the file ReportLab's own save writes: fonts' subsets, annotations,
    # an outline entry and the info dictionary included.
    from leaflet.fonts import font_set
    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.pdf.compact import compact
    from leaflet.structure import Tagging

    font = font_set(load_theme("default"), "en").text.regular

    def draw(packed: bool) -> bytes:
        out = BytesIO()
        canvas = LeafletCanvas(out, tagging=Tagging(), place_names={}, packed=packed, invariant=1)
        canvas.setTitle("Packed")
        for page in range(2):
            canvas.setFont(font, 12)
            canvas.drawString(72, 720, f"Page {page + 1}: Zoë’s café")
            canvas.bookmarkPage(f"p{page}")
            canvas.addOutlineEntry(f"Page {page + 1}", f"p{page}", level=0)
            canvas.linkURL("https://example.org/", (72, 700, 200, 715))
            canvas.showPage()
        canvas.save()
        return out.getvalue()

    packed, written = draw(True), draw(False)
    assert b"/ObjStm" in packed and b"xref\n" in written and b"/ObjStm" not in written
    assert packed == compact(written)


def test_remembered_subsets_and_compression_are_those_of_their_own_font() -> None:
    # _make_subset and _compress (leaflet/pdf/canvas.py) remember a font subset and its
    # compressed bytes: the same face and characters give ReportLab's bytes; another face,
    # or other characters, never get a remembered subset of the first.
    import zlib

    from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts

    from leaflet.fonts import font_set
    from leaflet.pdf import canvas as seam

    assert ttfonts.TTFontFace.makeSubset is seam._make_subset
    assert pdfdoc.PDFStreamFilterZCompress.encode is seam._compress
    fonts = font_set(load_theme("default"), "en")
    regular, bold = (pdfmetrics.getFont(name).face for name in (fonts.text.regular, fonts.text.bold))
    small = [0, *map(ord, "Leaflet")]
    large = [0, *map(ord, "Leaflet for readers")]
    made = {}
    for _ in range(2):  # the second time, from memory
        for face in (regular, bold):
            for subset in (small, large):
                data = seam._make_subset(face, subset)
                assert data == seam._reportlab_make_subset(face, subset)
                made[(face.name, len(subset))] = data
                packed = seam._compress(pdfdoc.PDFZCompress, data)
                assert zlib.decompress(packed) == data
    assert len(set(made.values())) == 4


def test_rare_patterns_compile_only_when_used(tmp_path: Path) -> None:
    # leaflet/deferred.py: the URL pattern of reportlab.platypus.paragraph, the CJK pattern of
    # reportlab.lib.textsplit, PyFontify's pattern, the pattern of characters PyYAML's
    # pure-Python reader refuses and rl_safe_eval's pattern of refused names (its text varies
    # from run to run) are handed out uncompiled; a build leaves them so, `re.compile`
    # is Python's own again afterwards, and each pattern still matches when used (a control
    # character in a file is refused at its place by the pure-Python reader).
    code = f"""
import re
from pathlib import Path
from typing import Any
from leaflet.build import build_leaflet
build_leaflet(Path({str(Path(__file__).resolve().parents[2] / "content.yaml")!r}), "default", Path({str(tmp_path / "o.pdf")!r}))
import reportlab.platypus.paragraph as paragraph, reportlab.lib.textsplit as textsplit
import reportlab.lib.PyFontify as fontify, yaml.reader, reportlab.lib.rl_safe_eval as safe_eval
from leaflet import deferred
from leaflet.yamlsource import YamlProblem, parse_yaml
patterns = (paragraph.uri_pat, textsplit.rx, fontify.matchRE, yaml.reader.Reader.NON_PRINTABLE,
            safe_eval.__rl_unsafe_re__)
lazy = [p.compiled is None for p in patterns]
print(lazy, re.compile is deferred._compile, paragraph.uri_pat.match("https://example.org/a").group(1))
print(textsplit.rx.sub(r"\\1 ", "漢字").split(), type(paragraph.uri_pat.compiled).__name__)
print(fontify.fontify("def f(): return 1")[:2])
print(safe_eval.__rl_unsafe_re__.findall("x.tb_next\\ny = f_globals"), safe_eval.__rl_unsafe_re__.flags & re.M)
try:
    parse_yaml("title: \\"a\\x07b\\"\\n\\tx: 1\\n", "f.yaml")
except YamlProblem as exc:
    print(exc, type(yaml.reader.Reader.NON_PRINTABLE.compiled).__name__)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == [
        "[True, True, True, True, True] True https://",
        "['漢', '字'] Pattern",
        "[('keyword', 0, 3, None), ('identifier', 3, 5, None)]",
        "['tb_next', 'f_globals'] re.MULTILINE",
        "f.yaml:1:10: error: the character U+0007 is not allowed in a YAML file Pattern",
    ]


def test_plain_text_writes_what_reportlabs_format_text_writes() -> None:
    # LeafletTextObject._textOut, _formatText and _plain_text (and _subset_name) write the operators of
    # unshaped text without ReportLab's _formatText: the same operators, font changes between
    # subsets included, for text new to the document, text past its first subset, escapes.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen.textobject import PDFTextObject

    from leaflet.fonts import font_set
    from leaflet.pdf.canvas import LeafletCanvas, LeafletTextObject
    from leaflet.structure import Tagging

    assert LeafletTextObject._textOut is not PDFTextObject._textOut
    fonts = font_set(load_theme("default"), "en")
    texts = ["Hello world", "", "(brackets) and \\ back", "Zoë’s café – 5 °C\xa0!", "Hello", " "]
    covered = sorted(c for c in pdfmetrics.getFont(fonts.text.regular).face.charToGlyph if c > 0x20)
    texts += ["".join(map(chr, covered)), "ŁŻŚĆ ąę", "Hello again"]  # past a subset's 256 codes
    ours = LeafletCanvas(BytesIO(), tagging=Tagging(), place_names={})
    ours.joined_lines = frozenset(range(100))  # no line-end spaces: the operators compare as they are
    theirs = Canvas(BytesIO())
    for name in (fonts.text.regular, fonts.text.bold, "Helvetica"):
        mine, rl = ours.beginText(10, 20), theirs.beginText(10, 20)
        for tx in (mine, rl):
            tx.setFont(name, 13, 18.85)
        for n, text in enumerate(texts * 2):
            if name == "Helvetica":
                text = text.encode("latin-1", "replace").decode("latin-1")
            for tx in (mine, rl):
                tx._textOut(text, n % 2)
                tx.textOut(text)  # ReportLab's public calls reach the same writer (_formatText)
        assert rlseam.text_operators(mine) == rlseam.text_operators(rl)
        if name != "Helvetica":  # the text reached a second subset: the font changed inside a line
            assert len(set(re.findall(r"(/F\S+) 13 Tf", " ".join(rl._code)))) == 2
    # A line's end gets its space, as before: words never run together when read in order.
    tx = LeafletCanvas(BytesIO(), tagging=Tagging(), place_names={}).beginText(0, 0)
    tx.setFont(fonts.text.regular, 13, 18.85)
    tx._textOut("end of a line", 1)
    assert rlseam.text_operators(tx)[-1].endswith("(end of a line ) Tj T*")


def test_draw_paragraph_writes_what_draw_para_writes() -> None:
    # LeafletCanvas.draw_paragraph (leaflet/pdf/canvas.py) draws a paragraph of one font and
    # colour without Paragraph.drawPara: every alignment, indents, justified and overfull lines,
    # a paragraph that is one link (to a place, or an address, underlined or not): the same
    # file, byte for byte.

    from leaflet.fonts import font_set
    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.structure import Tagging

    fonts = font_set(load_theme("default"), "en")

    class Ours(Paragraph):
        def draw(self) -> None:
            assert self.canv.draw_paragraph(self), "not drawn by draw_paragraph"

    words = "Some people with MS have had treatment privately (at a cost) and\xa0some have not; "
    texts = [words * 3, "One", words + "Averyveryverylongwordwithnospacesthatmustbecutbecauseitiswider", ""]
    texts += [f'<a href="#place">{words * 2}</a>', f'<a href="https://example.org/a">{words}</a>']
    # A paragraph that is one underlined link (its underline under each line, as drawPara draws it).
    texts += [f'<a href="https://example.org/u" color="#0b3d6b" underline="1">{words * 2}</a>']

    def document(kind: type[Paragraph]) -> bytes:
        out = BytesIO()
        canvas = LeafletCanvas(out, tagging=Tagging(), place_names={"place": "Place"}, invariant=1)
        canvas.bookmarkPage("place")
        bold_now_and_then = lambda n: fonts.text.bold if n % 3 else fonts.text.regular  # noqa: E731
        for para in _placed_down_pages(canvas, texts, kind, bold_now_and_then, states):
            para.draw()
        canvas.showPage()
        canvas.save()
        return out.getvalue()

    states: list[Any] = []
    ours = document(Ours)
    mine, states = states, []
    theirs = document(Paragraph)
    assert b"/Annot" in ours and b"/URI" in ours and b"/ExtGState" in ours
    drawn = "".join(
        page.get_contents().get_data().decode("latin-1") for page in PdfReader(BytesIO(ours)).pages
    )
    assert " l S" in drawn  # the underlines
    assert ours == theirs
    assert mine == states
    # A paragraph of more than one font is left to drawPara.
    canvas = LeafletCanvas(BytesIO(), tagging=Tagging(), place_names={})
    mixed = Paragraph("Words in <b>bold</b> and not", ParagraphStyle("m", fontName=fonts.text.regular))
    mixed.wrapOn(canvas, 200, 100)
    mixed.canv = canvas
    assert canvas.draw_paragraph(mixed) is False


def test_saved_state_and_fill_colours_are_reportlabs() -> None:
    # LeafletCanvas.push_state_stack, its and its text objects' setFillColor (leaflet/pdf/canvas.py): the state saved is
    # ReportLab's, attribute for attribute; a fill colour writes its operator and sets what
    # ReportLab sets (the PDF version its opacity needs), for colours given every way, and an
    # opacity set before is undone as ReportLab undoes it.
    import random

    from reportlab.lib.colors import CMYKColor, Color

    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.structure import Tagging

    rng = random.Random(7)
    colours: list[Any] = [Color(rng.random(), rng.random(), rng.random()) for _ in range(50)]
    colours += [Color(0, 0, 0), Color(1, 1, 1), Color(0.5, 0.5, 0.5, alpha=0.5), CMYKColor(0, 0.2, 0.4, 0.1)]
    colours += ["#0b3d6b", (0.1, 0.2, 0.3), Color(0.2, 0.3, 0.4), Color(0.2, 0.3, 0.4)]
    ours = LeafletCanvas(BytesIO(), tagging=Tagging(), place_names={})
    theirs = Canvas(BytesIO())
    versions = []
    texts: list[Any] = []
    for canvas in (ours, theirs):
        canvas.setFont("Helvetica-Bold", 9)
        canvas.translate(3, 4)
        for colour in colours:
            canvas.saveState()
            canvas.setFillColor(colour)
            if colour is colours[0]:  # an opaque colour: the opacity ReportLab sets needs PDF 1.4
                versions.append(canvas._doc._pdfVersion)
            canvas.setStrokeColor(colour)
        tx = canvas.beginText(0, 0)
        for colour in colours:  # a text object's colours (a link's words), the same way
            tx.setFillColor(colour)
        canvas.setFillAlpha(0.3)
        canvas.setFillColor(Color(0.1, 0.2, 0.3))  # back to opaque: ReportLab writes the opacity again
        tx.setFillColor(Color(0.1, 0.2, 0.4))
        texts.append((tx._code, tx._fillColorObj))
    assert texts[0] == texts[1]
    assert ours._code == theirs._code
    assert versions[0] == versions[1] == (1, 4)
    assert ours._fillColorObj == theirs._fillColorObj
    assert len(ours.state_stack) == len(theirs.state_stack) == len(colours)
    for saved, rl in zip(ours.state_stack, theirs.state_stack, strict=True):
        mine = dict(zip(Canvas.STATE_ATTRIBUTES, saved, strict=True))
        assert mine.keys() == rl.keys()
        assert all(mine[k] == rl[k] for k in rl if k != "_extgstate")
        assert mine["_extgstate"]._d == rl["_extgstate"]._d
        assert mine["_extgstate"]._c == rl["_extgstate"]._c
    for _ in colours:
        ours.restoreState()
        theirs.restoreState()
    assert ours._fillColorObj == theirs._fillColorObj and ours._fontname == theirs._fontname


def test_a_frame_is_copied_as_deepcopy_copies_it() -> None:
    # rlseam.QuickCopyFrame: the frame ReportLab deep-copies whenever it measures a kept group
    # (flowables._listWrapOn) is copied attribute by attribute: the same values, its lists
    # (backgrounds, generated content, saved geometry) copies of their own, as deepcopy makes.
    import copy

    from reportlab.platypus import flowables
    from reportlab.platypus.frames import Frame

    assert "deepcopy(doct_frame)" in inspect.getsource(flowables._listWrapOn)
    style = ParagraphStyle("p", fontName="Helvetica", fontSize=12, leading=14)
    frames = [cls(10, 20, 300, 400, leftPadding=0, id="text") for cls in (rlseam.QuickCopyFrame, Frame)]
    canvas = Canvas(BytesIO())
    for frame in frames:
        frame.add(Paragraph("Words " * 30, style), canvas)
        frame._saveGeom(x1=12)
        frame._frameBGs = [(0, 0, [1.0, 2.0], None)]
        frame.add_generated_content(Spacer(1, 1))
    quick, plain = frames
    quick_copy, plain_copy = copy.deepcopy(quick), copy.deepcopy(plain)
    assert type(quick_copy) is rlseam.QuickCopyFrame
    assert quick_copy.__dict__.keys() == plain_copy.__dict__.keys() == quick.__dict__.keys()
    for name, value in quick.__dict__.items():
        mine, theirs = quick_copy.__dict__[name], plain_copy.__dict__[name]
        if isinstance(value, (list, dict)):
            assert mine is not value and theirs is not plain.__dict__[name], name
            assert type(mine) is type(theirs) and len(mine) == len(theirs), name
        else:
            assert mine == theirs and mine is value, name
    assert (
        quick_copy._frameBGs == plain_copy._frameBGs
        and quick_copy._frameBGs[0][2] is not quick._frameBGs[0][2]
    )
    assert quick_copy._savedGeom == plain_copy._savedGeom and quick_copy._y == plain_copy._y


def test_remembered_operators_are_the_ones_reportlab_writes() -> None:
    # LeafletCanvas.transform, LeafletTextObject.setTextOrigin and the font operators of
    # _plain_text (leaflet/pdf/canvas.py) keep each operator they write for its numbers: every
    # place and size gives ReportLab's own operator and matrix, a transformation after another
    # is merged with it as ReportLab merges it, and a text object starts (and, drawn, ends) as ReportLab's does.
    import random

    from leaflet.fonts import font_set
    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.structure import Tagging

    rng = random.Random(11)
    font = font_set(load_theme("default"), "en").text.regular
    ours = LeafletCanvas(BytesIO(), tagging=Tagging(), place_names={})
    theirs = Canvas(BytesIO())
    places = [(rng.uniform(-100, 600), rng.uniform(-100, 900)) for _ in range(300)] + [(0, -0.0), (1e-9, 2)]
    matrices: list[Any] = []
    for n, (x, y) in enumerate(places * 2):  # the second time, every operator is remembered
        size, leading = rng.choice([9, 13, 13.5, 27]), rng.choice([11.7, 18.85, 20])
        for canvas in (ours, theirs):
            canvas.saveState()
            canvas.translate(x, y)
            if n % 7 == 0:
                canvas.scale(1.5, -1)  # merged into the translation's operator
            if n % 5 == 0:
                canvas.rotate(n)
            tx = canvas.beginText(y / 3, x / 7)
            tx.setFont(font, size, leading)
            tx.textOut("Words")
            if n % 11 == 0:
                tx.setTextRenderMode(7)  # clipping: ReportLab ends the text object its own way
            canvas.drawText(tx)
            matrices.append(canvas._currentMatrix)
            canvas.restoreState()
    assert ours._code == theirs._code
    assert matrices[0::2] == matrices[1::2]


def test_trailing_space_length_is_reportlabs() -> None:
    # paragraph._trailingSpaceLength (replaced in leaflet/pdf/canvas.py): the width of the white
    # space a fragment ends with, for every kind of white space ReportLab knows, and none.
    from reportlab.platypus import paragraph

    from leaflet.fonts import font_set
    from leaflet.pdf import canvas as seam

    assert paragraph._trailingSpaceLength is seam._trailing_space_length
    font = font_set(load_theme("default"), "en").text.regular
    tx = Canvas(BytesIO()).beginText(0, 0)
    tx.setFont(font, 13)
    texts = [
        "",
        "word",
        "word ",
        "two words  ",
        "a\n",
        "a \n",
        " ",
        "x\t",
        "no-break\xa0",
        "thin\u2009",
        "é",
        "x y",
    ]
    texts += [f"word{ch}" for ch in paragraph._wsc] + [f"{ch}word" for ch in paragraph._wsc]
    for text in texts:
        assert seam._trailing_space_length(text, tx) == seam._reportlab_trailing_space_length(text, tx), text
    assert seam._trailing_space_length("two words  ", tx) > seam._trailing_space_length("two words ", tx) > 0


def test_line_out_writes_what_text_out_writes_for_a_line() -> None:
    # LeafletTextObject.line_out (a line of a paragraph of one font, from draw_paragraph) writes
    # what _textOut(text, 1) writes: the codes of the first subset in one step, anything else
    # (text new to the document, codes past the first subset, escapes, cut words) through _textOut.
    from reportlab.pdfbase import pdfmetrics

    from leaflet.fonts import font_set
    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.structure import Tagging

    fonts = font_set(load_theme("default"), "en")
    covered = sorted(c for c in pdfmetrics.getFont(fonts.text.regular).face.charToGlyph if c > 0x20)
    texts = ["Hello world", "(brackets) and \\ back", "Zoë’s café – 5 °C\xa0!", "Hello", "Hello ", ""]
    texts += ["".join(map(chr, covered)), "ŁŻŚĆ ąę", "Hello again", "cut wo"]
    written = []
    for kind in ("line_out", "_textOut"):
        canvas = LeafletCanvas(BytesIO(), tagging=Tagging(), place_names={})
        canvas.joined_lines = frozenset({len(texts) * 2 - 1})  # the last line ends inside a word
        tx = canvas.beginText(10, 20)
        tx.setFont(fonts.text.regular, 13, 18.85)
        lines = []
        for n, text in enumerate(texts * 2):
            if n in (3, len(texts)):  # the font chosen again: its subset's font is written before the words
                tx.setFont(fonts.text.bold if n == 3 else fonts.text.regular, 13, 18.85)
            if kind == "line_out":
                tx.line_out(text)
            else:
                tx._textOut(text, 1)
            lines.append((tx.text_line, tx.lines_written))
        written.append((rlseam.text_operators(tx), lines))
    assert written[0] == written[1]
    operators = written[0][0]
    assert operators[-1] == "(cut wo) Tj T*" and operators[-2] == "(Hello again ) Tj T*"
    # Two fonts, each past its first subset.
    assert len(set(re.findall(r"(/F\S+) 13 Tf", " ".join(operators)))) == 4
    # The first words in a font chosen again (the second time from the codes it already has).
    assert operators.count("/F2+0 13 Tf 18.85 TL (Hello world ) Tj T*") == 2


def test_draw_fragments_writes_what_draw_para_writes() -> None:
    # LeafletCanvas.draw_fragments (leaflet/pdf/canvas.py) draws a paragraph of several fonts,
    # colours and links without Paragraph.drawPara: every alignment, indents, justified and
    # overfull lines, links to places and addresses (one over two lines, two on a line), their
    # underlines, raised text, a no-break space: the same file, byte for byte, and the same
    # graphics state left behind.

    from leaflet.fonts import font_set
    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.pdf.tags import PdfTagging
    from leaflet.structure import StructElem, Tagging

    fonts = font_set(load_theme("default"), "en")
    regular = fonts.text.regular

    class Ours(Paragraph):
        def draw(self) -> None:
            assert self.canv.draw_fragments(self), "not drawn by draw_fragments"

    words = "Some people with MS have had treatment privately (at a cost) and\xa0some have not; "
    link = '<a href="{}" color="#0b3d6b"{}>{}</a>'
    under = ' underline="1"'
    texts = [
        words + "<b>in bold</b> " + words,
        "<b>Bold</b> " + words + link.format("https://example.org/a", under, words) + " after",
        link.format("#place", under, "to a place")
        + " and "
        + link.format("mailto:a@example.org", under, "an address")
        + " "
        + words,
        link.format("#place", "", words * 2) + "<b>bold</b>",
        words + "<super>12</super> " + words + "<font color='#aa0000'>red words</font> <b>" + words + "</b>",
        "<b>Averyveryverylongwordwithnospacesthatmustbecutbecauseitiswider</b> " + words,
        "<b>One</b> two",
    ]

    def document(kind: type[Paragraph]) -> bytes:
        out = BytesIO()
        root = StructElem("Document")
        tagging = PdfTagging(root, "Hooks", "en-GB", date(2026, 1, 1))
        canvas = LeafletCanvas(out, tagging=tagging, place_names={"place": "Place"}, invariant=1)
        canvas.bookmarkPage("place")
        for para in _placed_down_pages(canvas, texts, kind, lambda n: regular, states):
            elem = root.add("P")  # tagged text: links and their marked content
            with tagging.text(canvas, elem):
                para.draw()
        canvas.showPage()
        canvas.save()
        return out.getvalue()

    states: list[Any] = []
    ours = document(Ours)
    mine, states = states, []
    theirs = document(Paragraph)
    drawn = "".join(
        page.get_contents().get_data().decode("latin-1") for page in PdfReader(BytesIO(ours)).pages
    )
    assert b"/URI" in ours and b"/Dest" in ours and b"/Annot" in ours
    assert " Ts" in drawn and " Tw" in drawn and "/Link <</MCID" in drawn and " RG" in drawn
    assert ours == theirs
    assert mine == states
    # What a leaflet's paragraphs never have is left to drawPara: a background, an anchor inside.
    canvas = LeafletCanvas(BytesIO(), tagging=Tagging(), place_names={})
    for text in (
        'Words <span backColor="#ffff00">marked</span> <b>and</b> not',
        'At <a name="x"/>a <b>place</b>',
    ):
        other = Paragraph(text, ParagraphStyle("m", fontName=regular))
        other.wrapOn(canvas, 200, 100)
        other.canv = canvas
        assert other.blPara.kind == 1 and canvas.draw_fragments(other) is False
    one_font = Paragraph("Words in one font", ParagraphStyle("o", fontName=regular))
    one_font.wrapOn(canvas, 200, 100)
    one_font.canv = canvas
    assert canvas.draw_fragments(one_font) is False


def test_draw_leaf_saves_and_restores_what_draw_on_does() -> None:
    # LeafletCanvas.draw_leaf (LeafParagraph.drawOn) saves and puts back only the transformation:
    # for paragraphs of one font and of several, in RGB and CMYK, underlined, with a background
    # (drawn by drawPara), under a fill opacity, the same file as Flowable.drawOn, byte for
    # byte, and the same graphics state after each; centred in a wider space, and outlined.
    from reportlab.lib.colors import CMYKColor, Color
    from reportlab.platypus import Flowable

    from leaflet.fonts import font_set
    from leaflet.layout.flowables import LeafParagraph
    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.structure import Tagging

    fonts = font_set(load_theme("default"), "en")
    words = "Some people with MS have had treatment privately (at a cost) and some have not. "
    cases = [
        (words * 2, Color(0.1, 0.2, 0.3), None),
        (words, CMYKColor(0.1, 0.2, 0.3, 0.4), None),
        ("Words <b>in bold</b> and " + words, Color(0.1, 0.2, 0.3), None),
        (f'<a href="https://example.org/u" underline="1">{words}</a>', Color(0, 0, 0), None),
        (words, Color(0, 0, 0), Color(0.9, 0.9, 0.5)),
    ]

    def document(draw_on: Any) -> tuple[bytes, list[Any]]:
        out = BytesIO()
        canvas = LeafletCanvas(out, tagging=Tagging(), place_names={}, invariant=1)
        states = []
        for n, (text, colour, back) in enumerate(cases * 2):
            if n == len(cases):
                canvas.setFillAlpha(0.5)
            style = ParagraphStyle(f"s{n}", fontName=fonts.text.regular, textColor=colour, backColor=back)
            para = LeafParagraph(text, style)
            para.wrapOn(canvas, 300, 1000)
            para._showBoundary = n == 3  # ReportLab's outline of the box: drawn by its drawOn
            para.hAlign = "CENTER"
            draw_on(para, canvas, 40 + n, 700 - 60 * n, 20 * (n % 2))
            states.append([canvas.__dict__[name] for name in Canvas.STATE_ATTRIBUTES if name != "_extgstate"])
            states.append(dict(canvas._extgstate._d))
        canvas.showPage()
        canvas.save()
        return out.getvalue(), states

    ours = document(LeafParagraph.drawOn)
    theirs = document(Flowable.drawOn)
    assert ours == theirs
    assert b"/ExtGState" in ours[0]


def test_links_are_made_as_reportlabs_absrect_and_add_annotation_make_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # LeafletCanvas._page_rect (Canvas._absRect for a moved canvas) and _add_link (Canvas._addAnnotation
    # and the page's reference to it, written out): the same file as ReportLab's own, under moves,
    # turns and scales, and on a canvas with crop marks.
    from datetime import date as day

    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.pdf.tags import PdfTagging
    from leaflet.structure import StructElem

    def document(crop: bool) -> bytes:
        out = BytesIO()
        root = StructElem("Document")
        tagging = PdfTagging(root, "Links", "en-GB", day(2026, 1, 1))
        canvas = LeafletCanvas(
            out, tagging=tagging, place_names={"p": "Place"}, invariant=1, cropMarks=crop or None
        )
        canvas.bookmarkPage("p")
        elem = root.add("P")
        for n, (x, y, turn, scale) in enumerate(
            [(10, 20, 0, 1), (33.3, 700.7, 30, 1), (100, 100, 90, 0.5), (0, 0, 0, 1)]
        ):
            canvas.saveState()
            canvas.translate(x, y)
            canvas.rotate(turn)
            canvas.scale(scale, 2 - scale)
            with tagging.text(canvas, elem):
                tx = canvas.beginText(0, 0)
                tx.setFont("Helvetica", 10)
                tx._textOut("words of the links", 1)
                canvas.linkRect("", "p", (1.5, -2, 40.25, 13), relative=1)
                canvas.linkURL(f"https://example.org/{n}", (0, 0, 12, 12), relative=1)
                canvas.linkURL("mailto:a@example.org", (5, 5, 6, 6), relative=0)
                canvas.drawText(tx)
            canvas.restoreState()
        canvas.showPage()
        canvas.save()
        return out.getvalue()

    ours = [document(False), document(True)]

    def add_link(self: Any, ann: Any, target: str) -> None:  # as the canvas made links before
        self._annotation_names += 1
        name = f"Link{self._annotation_names}"
        self._addAnnotation(ann, name)
        self.tagging.annotation(self, ann, self._doc.refAnnotation(name), target)

    monkeypatch.setattr(LeafletCanvas, "_page_rect", Canvas._absRect)
    monkeypatch.setattr(LeafletCanvas, "_add_link", add_link)
    theirs = [document(False), document(True)]
    assert ours == theirs
    assert ours[0].count(b"/Annot") >= 12 and ours[0] != ours[1]


def test_draw_words_writes_a_repeated_line_as_it_was_written(monkeypatch: pytest.MonkeyPatch) -> None:
    # LeafletCanvas.draw_words (a footer's line) writes a line drawn again at the same place, in
    # the same fonts and words, from the operators it was written with: the same file as drawing
    # it afresh each time, on every page; a line that a structure element owns gets its own
    # marked content each time.
    from datetime import date as day

    from leaflet.fonts import font_set
    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.pdf.tags import PdfTagging
    from leaflet.structure import StructElem

    fonts = font_set(load_theme("default"), "en")
    regular, bold = fonts.text.regular, fonts.text.bold
    lines = [
        (50.0, 40.0, [(regular, "Org · Title · Version 1 · Published 1 January 2026")]),
        (500.0, 40.0, [(bold, "Page 1 of 3")]),
        (50.0, 28.0, [(regular, "Next review "), (bold, "2027 – Zoë")]),
    ]

    def document() -> tuple[bytes, int]:
        out = BytesIO()
        root = StructElem("Document")
        tagging = PdfTagging(root, "Words", "en-GB", day(2026, 1, 1))
        canvas = LeafletCanvas(out, tagging=tagging, place_names={}, invariant=1)
        elem = root.add("P")
        for page in range(3):
            with tagging.text(canvas, elem):  # owned by an element: marked each time
                canvas.draw_words(50.0, 700.0, [(regular, "Words of the page")], 12)
            with tagging.artifact(canvas, "Pagination"):
                for x, y, runs in lines:
                    canvas.draw_words(
                        x, y, runs if page == 0 or x != 500.0 else [(bold, f"Page {page + 1} of 3")], 9
                    )
            canvas.showPage()
        canvas.save()
        return out.getvalue(), len(canvas.words_drawn)

    ours, kept = document()
    assert kept == 5  # three lines and two more page numbers; the owned line is never kept

    def afresh(
        self: Any, x: float, y: float, runs: Any, size: float
    ) -> None:  # as every line was drawn before
        tx = self.beginText(x, y)
        for name, chunk in runs:
            tx.setFont(name, size)
            tx.textOut(chunk)
        self.drawText(tx)

    monkeypatch.setattr(LeafletCanvas, "draw_words", afresh)
    assert ours == document()[0]
    drawn = [page.get_contents().get_data().decode("latin-1") for page in PdfReader(BytesIO(ours)).pages]
    assert all(text.count("/P <</MCID") == 1 and text.count("/Artifact") >= 1 for text in drawn)


@pytest.mark.parametrize("markup", ["plain", "mixed"])
def test_the_head_found_by_searching_is_the_longest_that_fits_as_reportlab_measures_it(
    monkeypatch: pytest.MonkeyPatch, markup: str
) -> None:
    """`rlseam._fitting` measures heads as _hyGenPair and _hyGenFragsPair will (their arguments'
    places, the punctuation they take off the front): its lines are the lines ReportLab gives
    when it is handed every cut from the longest, for words with no break point, addresses and
    words in two fonts, at many widths."""
    import random

    rlseam.break_words_at_address_breaks()
    style = ParagraphStyle(
        "cut", fontName="Helvetica", fontSize=10, leading=12, splitLongWords=1, embeddedHyphenation=2
    )
    random.seed(7)
    words = []
    for _ in range(12):
        word = "".join(random.choice("abcdefghijklmnopqrstuvwxyzW") for _ in range(random.randint(80, 400)))
        address = "(https://example.org/" + "/".join(word[i : i + 7] for i in range(0, len(word), 7)) + ")."
        words += [word, address]

    def lines_of(text: str, width: float) -> list[str]:
        if markup == "mixed":
            text = f"<b>{text[:30]}</b>{text[30:]}"
        para = Paragraph(f"Before {text} after.", style)
        para.wrap(width, 1e9)
        return [
            "".join(getattr(w, "text", w) for w in (line.words if hasattr(line, "words") else line[1]))
            for line in para.blPara.lines
        ]

    for n, word in enumerate(words):
        width = 60 + 17 * n
        searched = lines_of(word, width)
        with monkeypatch.context() as m:
            m.setattr(rlseam, "_room", None)
            m.setattr(rlseam, "_fitting", lambda word, cuts: len(cuts) - 1)  # every cut, as before
            every = lines_of(word, width)
        assert searched == every, (width, word[:40])


def test_page_contents_and_their_objects_formatted_again() -> None:
    # rlseam.page_contents: each page's content stream once saved (its text, the number of its
    # object among those packed); formatted_contents formats that object with the same text as
    # document_objects did, and with other text as ReportLab would have.
    import zlib

    from leaflet.patch import Recorder
    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.structure import Tagging

    out = BytesIO()
    canvas = LeafletCanvas(out, tagging=Tagging(), place_names={}, packed=True, invariant=1)
    canvas.keep = Recorder()  # a canvas that keeps what it draws keeps what it packed
    for word in ("First", "Second"):
        canvas.drawString(72, 720, f"{word} page")
        canvas.showPage()
    canvas.save()
    assert canvas.saved is not None
    objects = dict(canvas.saved[0])
    pages = rlseam.page_contents(canvas)
    assert [("First page" in text, "Second page" in text) for text, _, _ in pages] == [
        (True, False),
        (False, True),
    ]
    for text, number, stream in pages:
        assert rlseam.formatted_contents(canvas, stream, text) == objects[number]
        other = rlseam.formatted_contents(canvas, stream, text.replace("page", "leaf"))
        body = other.split(b"stream\n", 1)[1].rsplit(b"endstream", 1)[0]
        assert zlib.decompress(body).decode() == text.replace("page", "leaf")
        assert b"/Length %d" % len(body) in other


def test_next_codes_and_given_before_follow_the_order_characters_are_first_drawn() -> None:
    # rlseam.next_codes / given_before: ReportLab gives a font's characters their codes in a
    # document as they are first drawn, ASCII ones excepted in a font readable as ASCII.
    from reportlab.pdfbase import pdfmetrics

    from leaflet.fonts import font_set
    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.structure import Tagging

    name = font_set(load_theme("default"), "en").text.regular
    assert pdfmetrics.getFont(name)._asciiReadable
    canvas = LeafletCanvas(BytesIO(), tagging=Tagging(), place_names={}, invariant=1)
    canvas.setFont(name, 12)
    canvas.drawString(72, 720, "plain words")
    early = rlseam.next_codes(canvas)
    canvas.drawString(72, 700, "café")
    late = rlseam.next_codes(canvas)
    assert late[pdfmetrics.getFont(name)] == early[pdfmetrics.getFont(name)] + 1  # é, the one new code
    assert rlseam.given_before(canvas, name, "café", late)
    assert not rlseam.given_before(canvas, name, "café", early)  # é had no code yet
    assert rlseam.given_before(canvas, name, "zebra", early)  # ASCII: its own codes from the start
    assert not rlseam.given_before(canvas, name, "naïve", late)  # ï never drawn
    assert not rlseam.given_before(canvas, "Helvetica", "plain", late)  # a font the document never used


def test_codes_as_given_puts_back_the_fonts_codes_of_a_written_document() -> None:
    # rlseam.codes_as_given: ReportLab drops a font's state (its codes) once the document is
    # written; while it lasts, the canvas's kept state is back, frozen: known characters keep
    # their codes, a new one raises, and afterwards the document is as it was.
    from reportlab.pdfbase import pdfdoc, pdfmetrics

    from leaflet.fonts import font_set
    from leaflet.pdf.canvas import LeafletCanvas
    from leaflet.structure import Tagging

    name = font_set(load_theme("default"), "en").text.regular
    font = pdfmetrics.getFont(name)
    canvas = LeafletCanvas(BytesIO(), tagging=Tagging(), place_names={}, invariant=1)
    canvas.setFont(name, 12)
    for words in ("café", "crème brûlée"):  # the second call keeps the state on the canvas
        canvas.drawString(72, 720, words)
    doc = canvas._doc
    given = dict(font.state[doc].assignments)
    canvas.save()
    assert font.state.get(doc) is None  # dropped by ReportLab
    with rlseam.codes_as_given(canvas):
        state = font.state[doc]
        assert state.frozen and state.assignments == given
        assert font.splitString("brûlée", doc) == font.splitString("brûlée", doc)
        with pytest.raises(pdfdoc.PDFError):
            font.splitString("naïve", doc)
    assert font.state.get(doc) is None
