"""The bilingual Welsh/English leaflet: its content pairs, its designs, its structure, its web page.

tests/data/langs/cy-en.yaml is the Welsh half and names its English partner, en-cy.yaml.
Each design (parallel columns, back to back, tilt and turn) is built in every edition and
read back: the structure tree (a Part per language, Welsh first, each with its Lang), the
text by position (pdftotext), the pages rendered, the footers, the page labels, pdfua.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

import tests.pdf.test_tags as tag_tests
from leaflet.build import build_plan
from leaflet.cli import main
from leaflet.content.loader import load_leaflet
from leaflet.content.model import BILINGUAL_DESIGNS, Leaflet
from leaflet.errors import ContentError
from leaflet.i18n import furniture
from leaflet.plan import plan
from tests.conftest import ROOT, BuiltPdf, require_tool
from tests.pdf.reader import read_tree, walk_page
from tests.test_real_pages import block_words, section_words
from tests.web.html import find, parse, text_of

LANGS = ROOT / "tests" / "data" / "langs"
WELSH = LANGS / "cy-en.yaml"
ENGLISH = LANGS / "en-cy.yaml"
TAGGED = ("standard", "large-print", "a5", "press")


def squash(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def source_strings(leaflet: Leaflet) -> list[str]:
    """What one language's half says, in order: title, introduction, each heading and its words."""
    out = [leaflet.metadata.title, *block_words(leaflet.introduction)]
    for section in leaflet.sections:
        out += list(section_words(section))
    return [squash(s) for s in out]


def assert_in_order(text: str, expected: list[str], what: str) -> None:
    pos = 0
    for words in expected:
        found = text.find(words, pos)
        assert found >= 0, f"{what}: not found in order: {words!r}\nin: {text[pos : pos + 300]!r}"
        pos = found + len(words)


def pdftotext(path: Path, *args: str) -> str:
    out = subprocess.run(
        [require_tool("pdftotext"), *args, str(path), "-"], capture_output=True, text=True, check=True
    )
    return squash(out.stdout)


def struct_text(path: Path) -> str:
    out = subprocess.run(
        [require_tool("pdfinfo"), "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return squash(" ".join(re.findall(r'^\s*"(.*)"\s*$', out, re.M)))


@pytest.fixture(scope="module")
def halves() -> tuple[Leaflet, Leaflet]:
    welsh = load_leaflet(WELSH)
    assert welsh.bilingual is not None
    return welsh, welsh.bilingual.english


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """The bilingual leaflet in every design, each in every edition its content lists."""
    out: dict[str, dict[str, Path]] = {}
    for design in BILINGUAL_DESIGNS:
        folder = tmp_path_factory.mktemp(design)
        out[design] = {b.edition: b.path for b in build_plan(plan(WELSH, design=design), folder)}
    return out


# ---------------------------------------------------------------- the content


def test_the_two_files_are_paired_block_by_block(halves: tuple[Leaflet, Leaflet]) -> None:
    welsh, english = halves
    pair = welsh.bilingual
    assert pair is not None and pair.design == "parallel" and pair.file == "en-cy.yaml"
    assert (welsh.metadata.language, english.metadata.language) == ("cy", "en-GB")
    assert [(p.welsh, p.english) for p in pair.sections] == list(
        zip(welsh.sections, english.sections, strict=True)
    )
    pairs = list(pair.all_pairs())
    assert len(pairs) == 6
    assert all(type(p.welsh) is type(p.english) for p in pairs)
    assert [p.welsh for p in pairs] == [*welsh.introduction, *(b for s in welsh.sections for b in s.blocks)]
    assert [p.english for p in pairs] == [
        *english.introduction,
        *(b for s in english.sections for b in s.blocks),
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        pair.design = "tilt-and-turn"  # type: ignore[misc]


def _pair(tmp_path: Path, welsh: str, english: str | None) -> Path:
    (tmp_path / "cy.yaml").write_text(welsh, encoding="utf-8")
    if english is not None:
        (tmp_path / "en.yaml").write_text(english, encoding="utf-8")
    return tmp_path / "cy.yaml"


def _at(text: str, needle: str) -> tuple[int, int]:
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


WELSH_TEXT = WELSH.read_text("utf-8").replace("partner: en-cy.yaml", "partner: en.yaml")
ENGLISH_TEXT = ENGLISH.read_text("utf-8")


@pytest.mark.parametrize(
    ("welsh", "english", "needle", "message"),
    [
        (WELSH_TEXT, None, "en.yaml, design", "there is no file en.yaml beside this one"),
        (
            WELSH_TEXT,
            ENGLISH_TEXT.replace("language: en-GB", "language: pl"),
            "en.yaml, design",
            "en.yaml is in 'pl'; the partner of a Welsh leaflet is its English version",
        ),
        (
            WELSH_TEXT,
            (LANGS / "cy.yaml").read_text("utf-8"),
            "en.yaml, design",
            "en.yaml is in 'cy'; the partner of a Welsh leaflet is its English version",
        ),
        (
            WELSH_TEXT.replace("language: cy", "language: pl"),
            ENGLISH_TEXT,
            "{partner: en.yaml",
            "a bilingual leaflet is the Welsh one (language cy) naming its English partner; this one is in 'pl'",
        ),
    ],
    ids=["missing", "polish-partner", "welsh-partner", "not-welsh"],
)
def test_a_wrong_partner_is_a_located_one_line_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    welsh: str,
    english: str | None,
    needle: str,
    message: str,
) -> None:
    content = _pair(tmp_path, welsh, english)
    out = tmp_path / "leaflet.pdf"
    out.write_bytes(b"%PDF-1.7 an earlier leaflet")
    assert main(["build", str(content), "-o", str(out), "--edition", "standard"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    line, column = _at(welsh, needle)
    assert len(err) == 1, err
    assert err[0].startswith(f"{content}:{line}:{column}: error: metadata.bilingual"), err
    assert message in err[0], err
    assert "Traceback" not in "\n".join(err)
    assert out.read_bytes() == b"%PDF-1.7 an earlier leaflet"


def test_only_the_welsh_file_names_its_partner(tmp_path: Path) -> None:
    english = ENGLISH_TEXT.replace("  contact:", "  bilingual: {partner: cy.yaml}\n  contact:")
    content = _pair(tmp_path, WELSH_TEXT, english)
    with pytest.raises(ContentError) as caught:
        load_leaflet(content)
    (problem,) = caught.value.problems
    assert (problem.location.file.endswith("en.yaml"), problem.location.line) == (
        True,
        _at(english, "{partner")[0],
    )
    assert "only the Welsh file names its partner" in problem.message


# ---------------------------------------------------------------- every design, every edition


@pytest.mark.parametrize("design", BILINGUAL_DESIGNS)
def test_every_edition_builds_in_every_design(built: dict[str, dict[str, Path]], design: str) -> None:
    assert set(built[design]) == {"standard", "large-print", "a5", "booklet", "press", "web"}
    for edition, path in built[design].items():
        if edition != "web":
            assert PdfReader(path).pages, (design, edition)


@pytest.mark.parametrize("edition", TAGGED)
@pytest.mark.parametrize("design", BILINGUAL_DESIGNS)
def test_each_language_is_its_own_part_welsh_first(
    built: dict[str, dict[str, Path]], halves: tuple[Leaflet, Leaflet], design: str, edition: str
) -> None:
    path = built[design][edition]
    reader = PdfReader(path)
    assert str(reader.trailer["/Root"]["/Lang"]) == "cy"
    # The XMP metadata names both languages, Welsh first.
    xmp = reader.trailer["/Root"]["/Metadata"].get_data().decode()
    assert re.findall(
        r"<rdf:li>([^<]*)</rdf:li>", xmp.split("<dc:language>")[1].split("</dc:language>")[0]
    ) == [
        "cy",
        "en-GB",
    ]
    tree = read_tree(reader)
    assert tree.role == "Document" and "Lang" not in tree.attrs
    parts = [k for k in tree.kids if not isinstance(k, tuple)]
    assert [(p.role, p.attrs.get("Lang")) for p in parts] == [("Part", "cy"), ("Part", "en-GB")]
    # No element inside a Part says it is in the other language.
    for part in parts:
        assert {e.attrs["Lang"] for _, e in part.walk() if "Lang" in e.attrs} == {part.attrs["Lang"]}
    # Each Part holds its own language's words and none of the other's.
    marks = {n: walk_page(reader, n) for n in range(1, len(reader.pages) + 1)}
    welsh_words, english_words = (squash(p.text(marks)) for p in parts)
    welsh, english = halves
    assert_in_order(welsh_words, source_strings(welsh), f"{design} {edition} Welsh part")
    assert_in_order(english_words, source_strings(english), f"{design} {edition} English part")
    assert english.metadata.title not in welsh_words and welsh.metadata.title not in english_words
    # Each half's own words (contents heading, About lines, dates) in its own language.
    assert furniture("cy")("In this leaflet") in welsh_words and "In this leaflet" not in welsh_words
    assert "In this leaflet" in english_words and "26 Tachwedd 2026" not in english_words
    # One H1 a language: the Welsh title, then the English.
    h1 = [squash(e.text(marks)) for _, e in tree.walk() if e.role == "H1"]
    assert h1 == [welsh.metadata.title, english.metadata.title]


@pytest.mark.parametrize("edition", TAGGED)
@pytest.mark.parametrize("design", BILINGUAL_DESIGNS)
def test_the_structure_reads_welsh_then_english_in_order(
    built: dict[str, dict[str, Path]], halves: tuple[Leaflet, Leaflet], design: str, edition: str
) -> None:
    """What a screen reader is given (poppler's reading of the tree): every Welsh word, then every English one."""
    welsh, english = halves
    assert_in_order(
        struct_text(built[design][edition]), source_strings(welsh) + source_strings(english), design
    )


@pytest.mark.parametrize("edition", TAGGED)
@pytest.mark.parametrize("design", BILINGUAL_DESIGNS)
def test_pdfua_and_the_invariants_of_a_tagged_pdf(
    built: dict[str, dict[str, Path]], design: str, edition: str
) -> None:
    import pdfua

    path = built[design][edition]
    report = pdfua.validate(str(path))
    findings = [f for f in report.findings if str(getattr(f, "severity", "")).lower().endswith("error")]
    assert findings == [], findings
    pdf = BuiltPdf(path, PdfReader(path))
    for number, marks in tag_tests.marks_of(pdf).items():
        assert marks.problems == [], f"page {number}: {marks.problems[:5]}"
        mcids = [r.mcid for r in marks.runs if r.mcid is not None]
        assert mcids == list(range(len(mcids))), f"page {number}: MCIDs not unique and in order"
        for run in marks.runs:
            if run.mcid is not None:
                assert run.painted and (run.text.strip() or run.role == "Figure"), (number, run)
    tag_tests.test_parent_tree_round_trip((design, pdf))
    tag_tests.test_every_font_is_embedded_with_a_unicode_map((design, pdf))


# ---------------------------------------------------------------- the pages, by position


def _pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def _english_start(path: Path) -> int:
    """The page (in drawing order) where the English half begins: the first whose footer is English."""
    reader = PdfReader(path)
    for n in range(1, len(reader.pages) + 1):
        if "/Lang (en-GB)" in reader.pages[n - 1].get_contents().get_data().decode("latin-1"):
            return n
    raise AssertionError("no English page")


@pytest.mark.parametrize("edition", ["standard", "large-print", "a5", "press"])
def test_back_to_back_reads_the_welsh_leaflet_whole_then_the_english(
    built: dict[str, dict[str, Path]], halves: tuple[Leaflet, Leaflet], edition: str
) -> None:
    welsh, english = halves
    path = built["back-to-back"][edition]
    start = _english_start(path)
    first = pdftotext(path, "-l", str(start - 1))
    second = pdftotext(path, "-f", str(start))
    assert_in_order(first, source_strings(welsh), "Welsh pages")
    assert_in_order(second, source_strings(english), "English pages")
    assert "Tiredness" not in first and "Blinder" not in second
    # Each half numbers its pages from its own first page, in its own words.
    total = _pages(path)
    assert f"Tudalen 1 o {start - 1}" in first and f"Page 1 of {total - start + 1}" in second
    labels = [PdfReader(path).page_labels[i] for i in range(total)]
    assert labels == [str(n) for n in range(1, start)] + [str(n) for n in range(1, total - start + 2)]


@pytest.mark.parametrize("edition", ["standard", "large-print", "a5", "press"])
def test_tilt_and_turn_puts_the_english_half_upside_down_from_the_back_cover(
    built: dict[str, dict[str, Path]], halves: tuple[Leaflet, Leaflet], edition: str
) -> None:
    welsh, english = halves
    path = built["tilt-and-turn"][edition]
    reader = PdfReader(path)
    total = len(reader.pages)
    rotations = [int(page.get("/Rotate", 0)) for page in reader.pages]
    welsh_pages = rotations.index(180)
    assert rotations == [0] * welsh_pages + [180] * (total - welsh_pages)
    # Welsh from the front cover; English from the back cover, its pages last first.
    assert_in_order(pdftotext(path, "-l", str(welsh_pages)), source_strings(welsh), "Welsh pages")
    # Upside down, poppler's layout analysis reads a page's blocks from the foot up (a list's
    # items last first); -raw reads each page in the order it was drawn, which is reading order.
    english_pages = [
        pdftotext(path, "-raw", "-f", str(n), "-l", str(n)) for n in range(total, welsh_pages, -1)
    ]
    assert english.metadata.title in english_pages[0]
    assert_in_order(" ".join(english_pages), source_strings(english), "English pages from the back")
    assert f"Page 1 of {total - welsh_pages}" in english_pages[0]
    labels = [reader.page_labels[i] for i in range(total)]
    assert labels == [str(n) for n in range(1, welsh_pages + 1)] + [
        str(n) for n in range(total - welsh_pages, 0, -1)
    ]


def _render(path: Path, page: int) -> Image.Image:
    png = subprocess.run(
        [require_tool("pdftoppm"), "-r", "30", "-gray", "-png", "-f", str(page), "-l", str(page), str(path)],
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(BytesIO(png)).convert("L")


def test_the_back_cover_renders_as_the_english_cover_turned_over(built: dict[str, dict[str, Path]]) -> None:
    """pdftoppm draws the tilt-and-turn's last page as the back-to-back English cover, upside down."""
    turned = built["tilt-and-turn"]["standard"]
    upright = built["back-to-back"]["standard"]
    back_cover = _render(turned, _pages(turned))
    english_cover = _render(upright, _english_start(upright))
    assert back_cover.size == english_cover.size
    # Compared as ink in a 24 × 24 grid: the same page drawn upside down, whatever the anti-aliasing.
    turned_over = _ink(english_cover.rotate(180))
    assert _distance(_ink(back_cover), turned_over) < 3
    # Not the page the right way up (that would mean the rotation was lost).
    assert _distance(_ink(back_cover), _ink(english_cover)) > 3 * _distance(_ink(back_cover), turned_over)


def _ink(image: Image.Image) -> list[int]:
    small = image.resize((24, 24), Image.Resampling.BOX)
    return [255 - small.getpixel((x, y)) for y in range(24) for x in range(24)]  # type: ignore[operator]


def _distance(a: list[int], b: list[int]) -> float:
    return sum(abs(p - q) for p, q in zip(a, b, strict=True)) / len(a)


def _word_boxes(path: Path, page: int) -> list[tuple[str, float, float]]:
    """(word, xMin, yMin) of every word on a page, from pdftotext's bounding boxes."""
    html = subprocess.run(
        [require_tool("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (word, float(x), float(y))
        for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)
    ]


@pytest.mark.parametrize("edition", ["standard", "large-print", "a5", "press"])
def test_parallel_columns_welsh_left_english_right_each_pair_level(
    built: dict[str, dict[str, Path]], halves: tuple[Leaflet, Leaflet], edition: str
) -> None:
    welsh, english = halves
    path = built["parallel"][edition]
    reader = PdfReader(path)
    width = float(reader.pages[0].mediabox.width)
    left = right = ""
    for n in range(1, len(reader.pages) + 1):
        height = str(int(float(reader.pages[n - 1].mediabox.height)))
        half = str(int(width / 2))
        left += " " + pdftotext(
            path, "-f", str(n), "-l", str(n), "-x", "0", "-y", "0", "-W", half, "-H", height
        )
        right += " " + pdftotext(
            path, "-f", str(n), "-l", str(n), "-x", half, "-y", "0", "-W", half, "-H", height
        )
    assert_in_order(left, source_strings(welsh), "the left column")
    assert_in_order(right, source_strings(english), "the right column")
    assert "Tudalen 1 o" in left and "Page 1 of" in right
    # Each heading starts level with its partner, Welsh on the left.
    boxes = [(n, *box) for n in range(1, len(reader.pages) + 1) for box in _word_boxes(path, n)]
    for w_section, e_section in zip(welsh.sections, english.sections, strict=True):
        w_first, e_first = w_section.heading.split()[0], e_section.heading.split()[0]
        w_at = next(b for b in boxes if b[1] == w_first and b[2] < width / 2)
        e_at = next(b for b in boxes if b[1] == e_first and b[2] > width / 2 and b[0] == w_at[0])
        assert abs(w_at[3] - e_at[3]) < 0.5, (w_section.heading, e_section.heading, w_at, e_at)


@pytest.mark.parametrize("design", BILINGUAL_DESIGNS)
def test_each_footer_is_marked_in_its_own_language(built: dict[str, dict[str, Path]], design: str) -> None:
    reader = PdfReader(built[design]["standard"])
    langs = [
        re.findall(
            r"/Artifact <</Type /Pagination /Lang \(([\w-]+)\)>> BDC",
            p.get_contents().get_data().decode("latin-1"),
        )
        for p in reader.pages
    ]
    if design == "parallel":
        assert all(found == ["cy", "en-GB"] for found in langs), langs
    else:
        first = langs.index(["en-GB"])
        assert langs == [["cy"]] * first + [["en-GB"]] * (len(langs) - first), langs


# ---------------------------------------------------------------- the web page


def test_the_web_page_holds_both_languages_welsh_first(
    built: dict[str, dict[str, Path]], halves: tuple[Leaflet, Leaflet]
) -> None:
    welsh, english = halves
    root = parse(built["parallel"]["web"])
    html = root if root.tag == "html" else root.find("html")
    assert html is not None and html.get("lang") == "cy"
    articles = find(root, "article")
    assert [(a.get("lang"), a.get("id")) for a in articles] == [("cy", "cy"), ("en-GB", "en")]
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "an id used twice"
    # Near the top of the Welsh part, before its first heading's words: the way to the English part.
    header = articles[0].find("header")
    assert header is not None
    (link,) = [a for a in header.iter("a") if a.get("href") == "#en"]
    assert [(s.get("lang"), text_of(s)) for s in link.iter("span")] == [
        ("cy", "Darllenwch y daflen hon yn Saesneg"),
        ("en-GB", "Read this leaflet in English"),
    ]
    assert_in_order(text_of(articles[0]), source_strings(welsh), "the Welsh article")
    assert_in_order(text_of(articles[1]), source_strings(english), "the English article")
    assert "Tiredness" not in text_of(articles[0])


def test_a_change_to_the_english_partner_alone_builds_the_leaflet_again(tmp_path: Path) -> None:
    from leaflet import batch

    welsh = _pair(tmp_path, WELSH_TEXT, ENGLISH_TEXT)
    out = tmp_path / "out"
    assert batch.build_one(welsh, ("standard",), None, out, force=False).status == "built"
    assert batch.build_one(welsh, ("standard",), None, out, force=False).status == "skipped"
    changed = ENGLISH_TEXT.replace("Take short breaks often.", "Take a short break often.")
    (tmp_path / "en.yaml").write_text(changed, encoding="utf-8")
    assert batch.build_one(welsh, ("standard",), None, out, force=False).status == "built"
    assert "Take a short break often." in pdftotext(out / "blinder-tiredness.pdf")


@pytest.mark.parametrize("design", BILINGUAL_DESIGNS)
def test_each_link_is_described_in_its_own_language(built: dict[str, dict[str, Path]], design: str) -> None:
    """A link's description (its annotation's Contents) is in the language of the words it is on."""
    reader = PdfReader(built[design]["standard"])
    contents = [str(a.get_object()["/Contents"]) for page in reader.pages for a in page.get("/Annots", [])]
    welsh = furniture("cy")("Go to {place}", place="Beth yw blinder MS?")
    english = "Go to What is MS tiredness?"
    assert welsh in contents and english in contents
    assert "Go to Beth yw blinder MS?" not in contents


def _bookmarks(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def walk(items: list[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))  # type: ignore[attr-defined]

    walk(PdfReader(path).outline, 0)
    return found


@pytest.mark.parametrize("design", BILINGUAL_DESIGNS)
def test_the_bookmarks_name_both_languages(
    built: dict[str, dict[str, Path]], halves: tuple[Leaflet, Leaflet], design: str
) -> None:
    """Side by side, each bookmark names the Welsh heading and its English partner; back to back,
    each half has its own, Welsh first."""
    welsh, english = halves
    about = (furniture(welsh.metadata.language)("About this leaflet"), furniture("en")("About this leaflet"))
    pairs = [(s.heading, e.heading) for s, e in zip(welsh.sections, english.sections, strict=True)]
    if design == "parallel":
        expected = [
            (0, f"{welsh.metadata.title} / {english.metadata.title}"),
            *[(1, f"{cy} / {en}") for cy, en in pairs],
            (1, f"{about[0]} / {about[1]}"),
        ]
    else:
        expected = [(0, welsh.metadata.title), *[(1, cy) for cy, _ in pairs], (1, about[0])]
        expected += [(0, english.metadata.title), *[(1, en) for _, en in pairs], (1, about[1])]
    for edition in TAGGED:
        assert _bookmarks(built[design][edition]) == expected, (design, edition)


def _longer(text: str, heading: str, copies: int) -> str:
    """The file with its last section repeated `copies` times, each heading numbered."""
    start = text.index(f"  - heading: {heading}")
    end = text.index("\nreferences:")
    section = text[start:end].rstrip("\n") + "\n"
    extra = "".join(section.replace(heading, f"{heading} ({n})", 1) for n in range(2, copies + 2))
    return text[:end].rstrip("\n") + "\n" + extra + text[end:]


def test_a_longer_parallel_leaflet_fills_its_booklet_with_notes_pages(tmp_path: Path) -> None:
    """Five more sections make the parallel pair 7 A5 pages: the booklet is padded to 8 with a
    notes page, headed and prompted in both languages side by side (this was an internal error)."""
    welsh = _pair(
        tmp_path,
        _longer(WELSH_TEXT, "Siarad â rhywun", 5),
        _longer(ENGLISH_TEXT, "Talking to someone", 5),
    )
    built = {b.edition: b.path for b in build_plan(plan(welsh, ("booklet",)), tmp_path / "out")}
    assert len(PdfReader(built["a5"]).pages) == 7
    # Two A5 pages a side, then the printer's note: 8 pages, the last of them for notes.
    assert len(PdfReader(built["booklet"]).pages) == 8 // 2 + 1
    text = pdftotext(built["booklet"])
    for words in (
        "Nodiadau",
        "Notes",
        "Cwestiynau i’w gofyn yn fy apwyntiad nesaf:",
        "Questions to ask at my next appointment:",
    ):
        assert words in text, words


def test_the_english_half_s_review_date_is_checked_too(tmp_path: Path) -> None:
    """Each half prints its own review date: the English one passed, and check said nothing."""
    from datetime import date

    from leaflet.checks import run_checks
    from leaflet.content.loader import load_leaflet

    english = ENGLISH_TEXT.replace("next_review: 2028-11-26", "next_review: 2026-11-27")
    assert english != ENGLISH_TEXT
    welsh = load_leaflet(_pair(tmp_path, WELSH_TEXT, english))
    found = [f for f in run_checks(welsh, today=date(2026, 11, 30)) if f.rule == "trust/review-date-passed"]
    assert [(Path(f.location.file).name, f.location.line) for f in found] == [
        ("en.yaml", english[: english.index("next_review: 2026-11-27")].count("\n") + 1)
    ]
    assert "the review date 2026-11-27 has passed" in found[0].message


def test_a_passage_in_the_english_half_is_shaped_too(tmp_path: Path) -> None:
    """An Urdu line in the English half of a bilingual leaflet was drawn as separate letters,
    backwards: only the Welsh half's fonts decided whether lines were shaped."""
    import yaml

    urdu = yaml.safe_load((LANGS / "ur.yaml").read_text("utf-8"))["sections"][0]["content"][0]
    marker = "      - Call the free MS Helpline on 0808 800 8000.\n"
    assert marker in ENGLISH_TEXT
    english = ENGLISH_TEXT.replace(marker, marker + f"      - paragraph: '{urdu}'\n        lang: ur\n")
    welsh = _pair(tmp_path, WELSH_TEXT, english)
    built = {b.edition: b.path for b in build_plan(plan(welsh, ("standard",)), tmp_path / "out")}
    fonts = subprocess.run(
        ["pdffonts", str(built["standard"])], capture_output=True, text=True, check=True
    ).stdout
    assert "NotoNastaliqUrdu" in fonts, fonts
    # Shaped, Nastaliq's glyphs step down its slope, each raised by a text rise (Ts); drawn a
    # letter at a time, none is.
    drawn = b"".join(page.get_contents().get_data() for page in PdfReader(built["standard"]).pages)
    assert b" Ts" in drawn
    said = subprocess.run(
        ["pdfinfo", "-struct-text", str(built["standard"])], capture_output=True, text=True, check=True
    ).stdout
    assert " ".join(urdu.split())[:20] in " ".join(said.split()), said[-500:]
