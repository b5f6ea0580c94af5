"""The web edition read back with an HTML5 parser: outline, words in order, escaping, languages,
links to the PDFs with their sizes, head metadata, shared stylesheet and fonts, atomic writing."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import itertools
import re
import typing
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest

from leaflet.build import build_editions
from leaflet.cli import main
from leaflet.content import model
from leaflet.content.loader import load_leaflet
from leaflet.content.model import (
    BlockQuote,
    Callout,
    Figure,
    Leaflet,
    ListBlock,
    Paragraph,
    QuestionList,
    Section,
    Table,
    TermList,
    plain_text,
)
from leaflet.i18n import direction, furniture
from leaflet.style import load_theme
from leaflet.web import page as web_page
from leaflet.web.page import BLOCK_MACROS, INLINE_MACROS, file_size, render_page
from tests.conftest import CONTENT, ROOT, metadata_block
from tests.web.html import find, outline, parse, text_of, with_class, words

HARD = ROOT / "tests" / "data" / "hard.yaml"
#: Every test leaflet: the structure test, the real page shapes, the bilingual ones.
TEST_LEAFLETS = sorted((ROOT / "tests" / "data").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "data" / "langs").glob("*.yaml")
)
ALL = [(CONTENT, True)] + [(c, False) for c in TEST_LEAFLETS]


@dataclasses.dataclass(frozen=True)
class Site:
    folder: Path

    def page(self, slug: str) -> Element:
        return parse(self.folder / f"{slug}.html")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """CCSVI (standard, large print, web) and every test leaflet (web) in one folder."""
    out = tmp_path_factory.mktemp("site")
    build_editions(CONTENT, ["standard", "large-print", "web"], None, out)
    for content in TEST_LEAFLETS:
        build_editions(content, ["web"], None, out)
    return Site(out)


# ---------------------------------------------------------------- what the model says, in order


def _block_headings(blocks: tuple, level: int) -> list[tuple[int, str]]:
    out = []
    for block in blocks:
        if isinstance(block, QuestionList):
            for q in block.questions:
                out.append((min(level + 1, 6), f"{q.number}. {q.question}"))
                out += _block_headings(q.blocks, min(level + 1, 6))
    return out


def _section_headings(section: Section) -> list[tuple[int, str]]:
    out = [(section.level, section.heading), *_block_headings(section.blocks, section.level)]
    for sub in section.subsections:
        out += _section_headings(sub)
    return out


def _expected_outline(leaflet: Leaflet, downloads: bool) -> list[tuple[int, str]]:
    if leaflet.bilingual is not None:
        # Both languages, Welsh first, each with its own title and furniture.
        english = leaflet.bilingual.english
        return _expected_outline(dataclasses.replace(leaflet, bilingual=None), downloads) + _expected_outline(
            english, downloads
        )
    w = furniture(leaflet.metadata.language)
    heads = [(1, leaflet.metadata.title)]
    if leaflet.key_points:
        heads.append((2, w("Key points")))
    heads += _block_headings(leaflet.introduction, 1)
    heads.append((2, w("In this leaflet")))
    for section in leaflet.sections:
        heads += _section_headings(section)
    if downloads:
        heads.append((2, w("Print or download this leaflet")))
    if leaflet.references:
        heads.append((2, w("References")))
    if leaflet.further_reading:
        heads.append((2, w("Further reading")))
    heads.append((2, w("About this leaflet")))
    if leaflet.next_steps:  # last, as in the PDF
        heads.append((2, leaflet.next_steps.heading))
        heads += _block_headings(leaflet.next_steps.blocks, 2)
    return heads


def _block_words(block: object) -> list[str]:
    if isinstance(block, Paragraph):
        return [plain_text(block.inlines)] + [f"See also: {plain_text(r.inlines)}" for r in block.related]
    if isinstance(block, ListBlock):
        out = []
        for item in block.items:
            out.append(plain_text(item.inlines))
            if item.sublist:
                out += _block_words(item.sublist)
        return out
    if isinstance(block, Callout):
        out = [block.label]
        for q in block.quotes:
            who = ", ".join(p for p in (q.who, q.when) if p)
            out += [plain_text(q.inlines), f"— {who} [{q.source.number}]"]
        return out
    if isinstance(block, BlockQuote):
        out = [plain_text(p) for p in block.paragraphs]
        if block.who:
            out.append("— " + ", ".join(p for p in (block.who, block.when) if p))
        return out
    if isinstance(block, TermList):
        return [w for item in block.items for w in (item.term, plain_text(item.inlines))]
    if isinstance(block, QuestionList):
        out = []
        for q in block.questions:
            out.append(f"{q.number}. {q.question}")
            for inner in q.blocks:
                out += _block_words(inner)
        return out
    if isinstance(block, Table):
        cells = [*block.header, *(c for row in block.rows for c in row)]
        return ([plain_text(block.caption)] if block.caption else []) + [
            plain_text(c.inlines) for c in cells if not c.empty
        ]
    if isinstance(block, Figure):
        return [plain_text(block.caption)] if block.caption else []
    raise AssertionError(f"no expected words for {type(block).__name__}")


def _section_words(section: Section) -> list[str]:
    out = [section.heading]
    for block in section.blocks:
        out += _block_words(block)
    out += [f"[note {n.number}] {plain_text(n.inlines)}" for n in section.notes]
    for sub in section.subsections:
        out += _section_words(sub)
    return out


def _source_words(leaflet: Leaflet) -> list[str]:
    if leaflet.bilingual is not None:
        return _source_words(dataclasses.replace(leaflet, bilingual=None)) + _source_words(
            leaflet.bilingual.english
        )
    out = [leaflet.metadata.organisation, leaflet.metadata.title]
    if leaflet.metadata.subtitle:
        out.append(leaflet.metadata.subtitle)
    out += [plain_text(item.inlines) for item in leaflet.key_points]
    for block in leaflet.introduction:
        out += _block_words(block)
    out.append(furniture(leaflet.metadata.language)("In this leaflet"))
    for section in leaflet.sections:
        out += _section_words(section)
    out += [plain_text(item.inlines) for item in leaflet.further_reading]
    if leaflet.next_steps:  # last, as in the PDF
        out.append(leaflet.next_steps.heading)
        for block in leaflet.next_steps.blocks:
            out += _block_words(block)
    return [words(w) for w in out]


def assert_in_order(text: str, needles: list[str]) -> None:
    pos = 0
    for needle in needles:
        found = text.find(needle, pos)
        assert found >= 0, f"{needle!r} missing or out of order after: {text[max(0, pos - 80) : pos]!r}"
        pos = found + len(needle)


# ---------------------------------------------------------------- structure


@pytest.mark.parametrize(("content", "downloads"), ALL, ids=[c.stem for c, _ in ALL])
def test_outline_is_the_leaflets_headings_at_their_levels(site: Site, content: Path, downloads: bool) -> None:
    leaflet = load_leaflet(content)
    root = site.page(leaflet.metadata.slug)
    assert outline(root) == _expected_outline(leaflet, downloads)
    levels = [level for level, _ in outline(root)]
    assert levels.count(1) == (2 if leaflet.bilingual else 1)
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), "a heading level is skipped"


@pytest.mark.parametrize(("content", "downloads"), ALL, ids=[c.stem for c, _ in ALL])
def test_every_word_of_the_source_in_reading_order(site: Site, content: Path, downloads: bool) -> None:
    leaflet = load_leaflet(content)
    body = site.page(leaflet.metadata.slug).find("body")
    assert body is not None
    assert_in_order(text_of(body), _source_words(leaflet))


def test_landmarks_skip_link_and_contents(site: Site) -> None:
    root = site.page("ccsvi")
    body = root.find("body")
    assert body is not None
    skip = body[0]
    assert skip.tag == "a" and skip.get("href") == "#main" and "skip-link" in skip.get("class", "")
    assert [e.tag for e in body] == ["a", "header", "main"]
    assert body.find("header/div/h1") is not None
    main_ = body.find("main")
    assert main_ is not None and main_.get("id") == "main"
    nav = find(root, "nav")
    assert len(nav) == 1 and nav[0].get("aria-labelledby") == "contents"
    targets = [a.get("href") for a in nav[0].iter("a")]
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert targets and all(t[1:] in ids for t in targets)
    assert [text_of(a) for a in nav[0].iter("a")][:8] == [s.heading for s in load_leaflet(CONTENT).sections]
    # Sections nest as the headings do, each labelled by its own heading.
    sections = find(root, "section")
    assert all(s.get("aria-labelledby") in ids for s in sections)
    assert not list(root.iter("script")), "no script is needed to read the page"


def test_lists_are_lists_at_every_depth(site: Site) -> None:
    root = site.page("structure-test")
    section = find(root, "section", **{"aria-labelledby": "lists-inside-lists"})[0]
    top = [e for e in section if e.tag in ("ul", "ol")]
    assert [e.tag for e in top] == ["ul", "ol"]
    second = top[0][1]
    assert second.tag == "li" and second.find("ol") is not None
    assert second.find("ol/li[2]/ul") is not None
    assert [text_of(li) for li in top[1]] == ["One.", "Two.", "Three."]


def test_callouts_are_quotations_with_their_attribution_and_source(site: Site) -> None:
    root = site.page("ccsvi")
    callouts = with_class(root, "callout")
    assert [text_of(c.find("p")) for c in callouts] == ["What NICE says", "What the FDA says"]
    figure = callouts[0].find("figure")
    quote = figure.find("blockquote")
    assert quote.get("cite") == "https://www.nice.org.uk/guidance/ipg420"
    assert text_of(quote).startswith("Current evidence on the efficacy of percutaneous venoplasty")
    caption = figure.find("figcaption")
    assert (
        text_of(caption)
        == "— National Institute for Health and Clinical Excellence (NICE), 28 March 2012 [1]"
    )
    assert text_of(caption.find("cite")) == "National Institute for Health and Clinical Excellence (NICE)"


def test_citations_and_references_link_both_ways(site: Site) -> None:
    root = site.page("ccsvi")
    refs = with_class(root, "references")[0].find("ol")
    items = list(refs)
    assert [li.get("id") for li in items] == ["ref-nice-ipg420", "ref-fda-2012", "ref-zamboni-2009"]
    assert [li.get("value") for li in items] == ["1", "2", "3"]
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    citations = with_class(root, "citation")
    assert len(citations) == 3
    for cite in citations:
        target = by_id[cite.get("href")[1:]]
        assert target.tag == "li"
        assert text_of(cite) == f"[{target.get('value')}]"
        assert text_of(cite, hidden=True) == f"[reference {target.get('value')}]"
        back = [a for a in target.iter("a") if a.get("href") == f"#{cite.get('id')}"]
        assert len(back) == 1, "each citation has one back-link from its reference"
    zamboni = by_id["ref-zamboni-2009"]
    assert "Cited in: What is CCSVI?" in text_of(zamboni)
    assert next(a.get("href") for a in zamboni.iter("a")) == "https://doi.org/10.1136/jnnp.2008.157164"


def test_further_reading_gives_its_addresses(site: Site) -> None:
    root = site.page("structure-test")
    section = find(root, "section", **{"aria-labelledby": "further-reading"})[0]
    link = section.find("ul/li/a")
    assert link.get("href") == "https://example.org/more" and text_of(link) == "https://example.org/more"
    # A narrow screen may break the address after a slash, and only there.
    assert len(list(link.iter("wbr"))) == 2


# ---------------------------------------------------------------- languages


def test_language_of_the_page_and_of_each_passage(site: Site) -> None:
    root = site.page("structure-test")
    assert root.get("lang") == "en-GB" and root.get("dir") == "ltr"
    welsh = [e for e in root.iter() if e.get("lang") == "cy"]
    assert {text_of(e)[:20] for e in welsh} == {"Mae'r daflen hon ar ", "Y mae'r ail ddyfyniad"[:20]}
    assert all(e.get("dir") == "ltr" for e in welsh)
    # The Welsh quotation is the figure holding both the words and the attribution.
    assert any(e.tag == "figure" for e in welsh)


ONE_SECTION = "sections:\n  - heading: A heading\n    content:\n      - Words.\nreferences: []\n"
URDU = "یہ کتابچہ اردو میں بھی دستیاب ہے۔"


def _leaflet(tmp_path: Path, body: str, extra_meta: str = "") -> Leaflet:
    path = tmp_path / "t.yaml"
    path.write_text(metadata_block("A test", "a-test") + extra_meta + body, "utf-8")
    return load_leaflet(path)


def test_a_right_to_left_passage_is_marked_rtl(tmp_path: Path) -> None:
    body = f"""introduction:
  - An English sentence.
  - paragraph: {URDU}
    lang: ur
sections:
  - heading: آپ کی صحت
    lang: ur
    content:
      - {URDU}
references: []
"""
    root = parse(render_page(_leaflet(tmp_path, body), "assets/x.css"))
    marked = [e for e in root.iter() if e.get("lang") == "ur"]
    assert {e.tag for e in marked} >= {"p", "section", "li"}
    assert all(e.get("dir") == "rtl" for e in marked)
    assert root.get("dir") == "ltr"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ar", "rtl"),
        ("ur-PK", "rtl"),
        ("fa", "rtl"),
        ("pa-Arab", "rtl"),
        ("he", "rtl"),
        ("cy", "ltr"),
        ("pl", "ltr"),
        ("bn", "ltr"),
        ("pa", "ltr"),
        ("ks", "rtl"),
        ("ks-Deva", "ltr"),  # a script subtag says which way: Kashmiri in Devanagari
        ("sd-Deva-IN", "ltr"),
        (None, None),
    ],
)
def test_direction_of_a_language(lang: str | None, expected: str | None) -> None:
    assert direction(lang) == expected


# ---------------------------------------------------------------- hostile text

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>&amp;{{ 7*7 }}'


def test_hostile_text_is_printed_as_typed_never_run(tmp_path: Path) -> None:
    quoted = HOSTILE.replace("'", "''")
    meta = f"  subtitle: '{quoted}'\n  summary: '{quoted}'\n  url: 'https://example.org/?q=\"><script>x</script>'\n"
    body = f"""introduction:
  - '{quoted} and [a link '' onmouseover=''x](https://example.org/a?b=1&c=2) [@r]'
sections:
  - heading: '{quoted}'
    content:
      - bullets:
          - '**{quoted}**'
      - callout:
          label: '{quoted}'
          quotes:
            - text: '{quoted}'
              who: '{quoted}'
              when: '{quoted}'
              source: r
references:
  - id: r
    title: '{quoted}'
    url: 'https://example.org/"><script>y</script>'
"""
    html = render_page(_leaflet(tmp_path, body, meta), "assets/x.css")
    root = parse(html)
    assert not list(root.iter("script"))
    assert not list(root.iter("img"))
    for e in root.iter():
        assert not any(name.startswith("on") for name in e.attrib), e.attrib
    body_text = text_of(root.find("body"))
    assert body_text.count(words(HOSTILE)) >= 7  # subtitle, intro, heading, item, label, quote, who…
    assert "{{ 7*7 }}" in body_text and "49" not in body_text
    assert "&amp;amp;{{" in html  # the author's "&amp;" is shown as typed
    description = find(root, "meta", name="description")[0]
    assert description.get("content") == HOSTILE
    hrefs = [a.get("href") for a in root.iter("a")]
    assert "https://example.org/a?b=1&c=2" in hrefs
    assert 'https://example.org/"><script>y</script>' in hrefs
    assert find(root, "link", rel="canonical")[0].get("href") == 'https://example.org/?q="><script>x</script>'


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x", "file:///etc/passwd"]
)
def test_only_the_schemes_the_content_allows_reach_an_href(tmp_path: Path, url: str) -> None:
    leaflet = _leaflet(tmp_path, "introduction:\n  - '[a link](https://example.org)'\n" + ONE_SECTION)
    para = leaflet.introduction[0]
    assert isinstance(para, Paragraph)
    link = para.inlines[0]
    assert isinstance(link, model.Link)
    bad = dataclasses.replace(
        leaflet, introduction=(dataclasses.replace(para, inlines=(dataclasses.replace(link, url=url),)),)
    )
    with pytest.raises(ValueError, match="will not link to"):
        render_page(bad, "assets/x.css")


# ---------------------------------------------------------------- every kind has a rendering


def test_every_block_and_inline_kind_of_the_model_has_a_macro() -> None:
    blocks = web_page._macros("blocks.html.j2")
    inline = web_page._macros("inline.html.j2")
    for kind in typing.get_args(model.Block):
        assert kind in BLOCK_MACROS, f"the web edition cannot show a {kind.__name__}"
        assert callable(getattr(blocks, BLOCK_MACROS[kind], None)), BLOCK_MACROS[kind]
    for kind in typing.get_args(model.Inline):
        assert kind in INLINE_MACROS, f"the web edition cannot show {kind.__name__} text"
        assert callable(getattr(inline, INLINE_MACROS[kind], None)), INLINE_MACROS[kind]


def test_a_kind_without_a_macro_is_refused_not_dropped(tmp_path: Path) -> None:
    @dataclasses.dataclass(frozen=True)
    class Unknown:
        location: object = None

    leaflet = _leaflet(tmp_path, "introduction:\n  - Words.\n" + ONE_SECTION)
    bad = dataclasses.replace(leaflet, introduction=(Unknown(),))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="no rendering for a Unknown block"):
        render_page(bad, "assets/x.css")


# ---------------------------------------------------------------- the PDFs and the head


def test_the_page_offers_each_pdf_with_its_kind_and_size(site: Site) -> None:
    root = site.page("ccsvi")
    panel = with_class(root, "downloads")[0]
    links = list(panel.iter("a"))
    assert [a.get("href") for a in links] == ["ccsvi.pdf", "ccsvi-large-print.pdf"]
    for a in links:
        size = (site.folder / a.get("href")).stat().st_size
        assert a.get("type") == "application/pdf"
        assert re.fullmatch(r"(Standard print, A4|Large print, A4) \(PDF, \d+ kB\)", text_of(a))
        assert text_of(a).endswith(f"(PDF, {round(size / 1024)} kB)")
    alternates = find(root, "link", rel="alternate")
    assert [link.get("href") for link in alternates] == ["ccsvi.pdf", "ccsvi-large-print.pdf"]


def test_pdfs_already_beside_the_page_are_offered_too(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_editions(CONTENT, ["large-print"], None, out)
    build_editions(CONTENT, ["web"], None, out)
    links = list(with_class(parse(out / "ccsvi.html"), "downloads")[0].iter("a"))
    assert [a.get("href") for a in links] == ["ccsvi-large-print.pdf"]


def test_a_page_with_no_pdfs_offers_none(site: Site) -> None:
    assert not with_class(site.page("structure-test"), "downloads")


@pytest.mark.parametrize(
    ("size", "lang", "text"),
    [
        (10, "en-GB", "1 kB"),
        (44 * 1024 + 100, "en-GB", "44 kB"),
        (1536 * 1024, "en-GB", "1.5 MB"),
        (1536 * 1024, "pl", "1,5 MB"),
        (44 * 1024, "ar", "44 كيلوبايت"),
        (1536 * 1024, "ar", "1.5 م.ب"),
    ],
)
def test_file_sizes_as_people_read_them_in_their_language(size: int, lang: str, text: str) -> None:
    """Numbers and units from CLDR, through Babel (a Polish decimal comma, Arabic's own unit)."""
    assert file_size(size, furniture(lang)) == text


#: The leaflets whose pages show every word the web writer writes itself: downloads,
#: references cited in the introduction, key points and sections, notes, related links,
#: tables without a caption, further reading and an address online.
WORDY = ["every-block", "hard"]


def _page_in(lang: str, tmp_path: Path, name: str) -> Path:
    """A test leaflet turned into `lang` (its words stay as written) with its PDFs and page."""
    source = ROOT / "tests" / "data" / f"{name}.yaml"
    text = re.sub(r"(?m)^(\s+language:).*$", rf"\1 {lang}", source.read_text("utf-8"))
    if "language:" not in text:
        text = text.replace("metadata:\n", f"metadata:\n  language: {lang}\n", 1)
    tmp_path.mkdir()
    content = tmp_path / f"{name}-{lang}.yaml"
    content.write_text(text, "utf-8")
    for image in (ROOT / "tests" / "data" / "images").glob("*"):
        (tmp_path / "images").mkdir(exist_ok=True)
        (tmp_path / "images" / image.name).write_bytes(image.read_bytes())
    # Two PDFs already beside the page, for it to offer (their words are not looked at here).
    slug = re.search(r"(?m)^\s+slug: (\S+)", text)[1]
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / f"{slug}.pdf").write_bytes(b"%PDF" * 11_000)
    (tmp_path / "out" / f"{slug}-large-print.pdf").write_bytes(b"%PDF" * 400_000)
    return build_editions(content, ["web"], None, tmp_path / "out")[0].path


@pytest.mark.parametrize("lang", ["cy", "pl", "ar", "ur", "bn"])
def test_the_pages_own_words_come_from_the_catalogues(
    tmp_path: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every word the web writer writes itself is asked of the leaflet's catalogue, which has it,
    and none is left in English: no passage of the page is marked lang="en" but the author's."""
    from leaflet import i18n

    asked: list[str] = []
    real = i18n.Furniture.__call__

    def recording(self: i18n.Furniture, message: str, **values: object) -> str:
        asked.append(message)
        return real(self, message, **values)

    monkeypatch.setattr(i18n.Furniture, "__call__", recording)
    # The catalogues as translators wrote them (Babel reads the .po files).
    from tests.test_languages import catalogue

    english = set(catalogue("en"))
    theirs = catalogue(lang)
    for name in WORDY:
        page = _page_in(lang, tmp_path / name, name)
        html = page.read_text("utf-8")
        root = parse(html)
        assert root.get("lang") == lang
        assert [e.tag for e in root.iter() if e.get("lang", "").startswith("en")] == [], name
        offered = [text_of(a) for a in with_class(root, "downloads")[0].iter("a")]
        assert len(offered) == 2
        for a, label in zip(offered, ("Standard print, A4", "Large print, A4"), strict=True):
            pdf_words = theirs["{label} (PDF, {size})"].split("{label}")[1].split("{size}")[0]
            assert a.startswith(theirs[label] + pdf_words), a
        skip = with_class(root, "skip-link")[0]
        assert text_of(skip) == theirs["Skip to the leaflet"]
    assert asked, "the page asked for its words"
    assert set(asked) <= english, f"words with no message in the catalogues: {set(asked) - english}"
    for message in ("Print or download this leaflet", "Skip to the leaflet", "{label} (PDF, {size})"):
        assert message in asked


def test_the_templates_write_no_words_of_their_own() -> None:
    """Outside the catalogues, the templates hold markup only: every word a reader meets
    (text, or an attribute read aloud) is the author's or a catalogue's."""
    from leaflet.web.page import _environment

    env = _environment()
    for name in ("page.html.j2", "blocks.html.j2", "inline.html.j2"):
        source = env.loader.get_source(env, name)[0]
        markup = re.sub(r"{{.*?}}|{%.*?%}|{#.*?#}", "\x00", source, flags=re.S)
        said = re.findall(r'\b(?:title|alt|aria-label|placeholder)="([^"]*)"', markup)
        # Tags, and attributes written by a macro outside a tag (` lang="…" dir="…"`).
        text = re.sub(r'<[^>]*>|\b[\w-]+="[^"]*"', " ", markup)
        for piece in [*said, text]:
            assert not re.search(r"[^\W\d_]{2,}", piece.replace("\x00", " ")), (name, piece[:200])


def test_head_carries_title_description_language_dates_and_address(site: Site) -> None:
    root = site.page("structure-test")
    head = root.find("head")
    assert text_of(head.find("title")) == "A test leaflet with every structure | Leaflet test suite"
    meta = {m.get("name"): m.get("content") for m in head.iter("meta") if m.get("name")}
    assert meta["description"] == "Test text that exercises every structure the publisher tags."
    assert meta["dcterms.language"] == "en-GB"
    assert meta["dcterms.issued"] == "2026-01-15"
    assert meta["review-date"] == "2027-01-15"
    assert find(root, "link", rel="canonical")[0].get("href") == "https://example.org/leaflets/structure-test"
    assert find(root, "meta", charset="utf-8")
    # CCSVI has no online address: none is made up.
    assert not find(site.page("ccsvi"), "link", rel="canonical")


# ---------------------------------------------------------------- stylesheet and fonts


def test_one_stylesheet_and_its_fonts_shared_by_every_leaflet(site: Site) -> None:
    theme = load_theme("default")
    by_page: dict[str, str] = {}
    family_of: dict[str, str] = {}
    for page in site.folder.glob("*.html"):
        root = parse(page)
        by_page[page.stem] = find(root, "link", rel="stylesheet")[0].get("href")
        family_of[page.stem] = theme.text_font_for(root.get("lang"))
    # Pages whose language the text family serves share one; a page in a script with a family
    # of its own (Arabic, Urdu, Bengali) shares one with the pages set in that family alone.
    for one in by_page:
        for other in by_page:
            assert (by_page[one] == by_page[other]) == (family_of[one] == family_of[other]), (one, other)
    assert len(set(family_of.values())) >= 3
    latin = {by_page["ccsvi"]}
    css_path = site.folder / latin.pop()
    css = css_path.read_text("utf-8")
    assert sorted((site.folder / "assets").glob("*.css")) == sorted(
        site.folder / h for h in set(by_page.values())
    )
    assert "Noto Sans Arabic" not in css and "Noto Sans Bengali" not in css
    for colour in ("#1b1c20", "#123a63", "#0b4a8c", "#e8eff7"):
        assert colour in css
    fonts = re.findall(r'url\("(fonts/[^"]+)"\)', css)
    assert len(fonts) >= 3  # the text family in two weights, then the fallback's
    for font in fonts:
        assert (css_path.parent / font).read_bytes()[:4] == b"wOF2"
    assert '"Atkinson Hyperlegible", "Noto Sans", sans-serif' in css
    assert "@media print" in css
    # The fallback is fetched only for the characters it adds: Welsh ŵ (U+0175) among them, not "a".
    noto = css[css.index('"Noto Sans";') :]
    covered = set()
    for part in re.search(r"unicode-range: ([^;]+);", noto).group(1).split(", "):
        low, _, high = part.removeprefix("U+").partition("-")
        covered |= set(range(int(low, 16), int(high or low, 16) + 1))
    assert {0x0175, 0x0177, 0x1E81} <= covered
    assert not covered & {ord("a"), ord("0"), ord("é")}


def test_sizes_are_relative_so_text_can_be_resized(site: Site) -> None:
    css = next((site.folder / "assets").glob("*.css")).read_text("utf-8")
    screen = css[: css.index("@media print")]
    assert not re.search(r"font-size:\s*[\d.]+(px|pt)", screen)
    assert re.search(r"body \{[^}]*font-size: 1\.083rem", screen)


# ---------------------------------------------------------------- the command line and the files


def test_edition_web_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["build", str(HARD), "--edition", "web", "-o", str(out)]) == 0
    assert capsys.readouterr().out.split() == [str(out / "structure-test.html")]
    assert main(["build", str(HARD), "--edition", "web", "-o", str(out)]) == 0
    assert "up to date" in capsys.readouterr().err


@pytest.mark.parametrize("harm", ["deleted", "altered", "truncated"])
@pytest.mark.parametrize("which", ["stylesheet", "font"])
def test_a_page_whose_stylesheet_or_font_is_gone_or_changed_is_not_up_to_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str, harm: str
) -> None:
    """The page's record vouches for the files it needs: one deleted or changed is written back."""
    out = tmp_path / "out"
    command = ["build", str(HARD), "--edition", "web", "-o", str(out)]
    assert main(command) == 0
    assert main(command) == 0
    assert "up to date" in capsys.readouterr().err
    page = (out / "structure-test.html").read_text("utf-8")
    (css,) = [out / href for href in re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)]
    fonts = [css.parent / url for url in re.findall(r'url\("([^"]+)"\)', css.read_text("utf-8"))]
    target = css if which == "stylesheet" else fonts[0]
    assert (out / "assets") in target.parents and target.is_file()
    right = target.read_bytes()
    if harm == "deleted":
        target.unlink()
    elif harm == "altered":
        target.write_bytes(right.replace(b"font", b"FONT") if which == "stylesheet" else right[::-1])
    else:
        target.write_bytes(right[: len(right) // 2])
    capsys.readouterr()
    assert main(command) == 0  # no --force
    assert "up to date" not in capsys.readouterr().err
    assert target.read_bytes() == right
    assert (out / "structure-test.html").read_text("utf-8") == page
    assert main(command) == 0
    assert "up to date" in capsys.readouterr().err


def test_a_record_naming_a_file_outside_the_folder_earns_no_skip(tmp_path: Path) -> None:
    import json

    from leaflet import stamp

    out = tmp_path / "out"
    assert main(["build", str(HARD), "--edition", "web", "-o", str(out)]) == 0
    record_path = out / ".structure-test.html.built"
    record = json.loads(record_path.read_text("utf-8"))
    assert record["assets"] and all(name.startswith("assets/") for name in record["assets"])
    expected = stamp.Expected(**{k: record[k] for k in ("inputs", "edition", "tagged", "tool", "format")})
    assert stamp.up_to_date(out / "structure-test.html", expected)
    outside = tmp_path / "elsewhere.css"
    outside.write_bytes(b"x")
    record["assets"]["../elsewhere.css"] = {"size": 1, "sha256": hashlib.sha256(b"x").hexdigest()}
    record_path.write_text(json.dumps(record), "utf-8")
    assert not stamp.up_to_date(out / "structure-test.html", expected)


def test_web_named_in_the_content_file_and_beside_a_named_pdf(tmp_path: Path) -> None:
    text = HARD.read_text("utf-8").replace("introduction:", "editions: [standard, web]\n\nintroduction:", 1)
    content = tmp_path / "leaf.yaml"
    content.write_text(text, "utf-8")
    built = build_editions(content, None, None, tmp_path / "out" / "mine.pdf")
    assert [b.path.name for b in built] == ["mine.pdf", "mine.html"]
    root = parse(tmp_path / "out" / "mine.html")
    assert [a.get("href") for a in with_class(root, "downloads")[0].iter("a")] == ["mine.pdf"]


def test_bad_input_leaves_the_earlier_page_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "leaf.yaml"
    content.write_text(HARD.read_text("utf-8"), "utf-8")
    out = tmp_path / "out"
    assert main(["build", str(content), "--edition", "web", "-o", str(out)]) == 0
    before = (out / "structure-test.html").read_bytes()
    content.write_text(HARD.read_text("utf-8").replace("[@second]", "[@nowhere]"), "utf-8")
    capsys.readouterr()
    assert main(["build", str(content), "--edition", "web", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and re.match(rf"{re.escape(str(content))}:\d+:\d+: error: ", err[0])
    assert (out / "structure-test.html").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_page_that_cannot_be_written_is_reported_and_the_folder_left_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    (out / "structure-test.html").mkdir(parents=True)
    assert main(["build", str(HARD), "--edition", "web", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "structure-test.html: error: the output path is a folder; give a file name ending in .html" in err
    assert not [p for p in out.rglob("*.tmp")]


def test_the_same_leaflet_makes_the_same_bytes(site: Site, tmp_path: Path) -> None:
    from leaflet.web import fonts

    again = tmp_path / "again"
    build_editions(HARD, ["web"], None, again)
    assert (again / "structure-test.html").read_bytes() == (site.folder / "structure-test.html").read_bytes()
    face = fonts.web_faces(load_theme("default"))[0]
    first = fonts._woff2(face.source, face.weight, face.earlier)
    fonts._woff2.cache_clear()
    assert fonts._woff2(face.source, face.weight, face.earlier) == first


def test_a_web_font_kept_in_the_cache_and_since_cut_short_or_replaced_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leaflet.cachedir import seal_of
    from leaflet.web import fonts

    monkeypatch.setenv("LEAFLET_CACHE", str(tmp_path / "cache"))
    face = fonts.web_faces(load_theme("default"))[0]
    made = face.data()
    kept = tmp_path / "cache" / "web-fonts" / face.file_name
    assert kept.read_bytes() == made and seal_of(kept).is_file()
    for damage in (made[: len(made) // 2], b"wOF2" + bytes(len(made) - 4)):
        kept.write_bytes(damage)
        assert face.data() == made  # not the damaged file: made again
        assert kept.read_bytes() == made
    ranged = kept.with_name(kept.name + ".range")
    whole = face.unicode_range
    ranged.write_bytes(whole.encode()[:12])
    assert face.unicode_range == whole


# ---------------------------------------------------------------- tables, pictures, the logo

IMAGES = ROOT / "tests" / "data" / "images"
MEDIA = """sections:
  - heading: Your medicines
    content:
      - "The table shows when to take each one:"
      - table:
          caption: Your medicines **each day**
          header_column: true
          header: ["", Morning, Evening]
          rows:
            - [Tablets for stiffness, 1 tablet, 1 tablet]
            - [Vitamin D, 1 capsule, ""]
      - figure:
          file: images/diagram.svg
          alt: A line for the day with a dose in the morning and in the evening.
          caption: The same times **every day**.
          width: 60mm
      - figure:
          file: images/photo.jpg
          decorative: true
references: []
"""


def media_leaflet(folder: Path) -> Path:
    import shutil

    shutil.copytree(IMAGES, folder / "images", dirs_exist_ok=True)
    path = folder / "media.yaml"
    path.write_text(
        metadata_block("Pictures and tables", "media") + "  logo: images/logo.png\n" + MEDIA, "utf-8"
    )
    return path


def test_tables_have_a_caption_and_headings_with_their_scope(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_editions(media_leaflet(tmp_path), ["web"], None, out)
    root = parse(out / "media.html")
    (table,) = list(root.iter("table"))
    assert text_of(table.find("caption")) == "Your medicines each day"
    head = table.find("thead/tr")
    assert [(c.tag, c.get("scope"), text_of(c)) for c in head] == [
        ("th", "col", ""),  # the corner over the row names
        ("th", "col", "Morning"),
        ("th", "col", "Evening"),
    ]
    rows = table.findall("tbody/tr")
    assert [(c.tag, c.get("scope"), c.get("data-label")) for c in rows[0]] == [
        ("th", "row", None),
        ("td", None, "Morning"),
        ("td", None, "Evening"),
    ]
    assert text_of(rows[1][0]) == "Vitamin D"
    region = with_class(root, "table-wrap")[0]
    assert region.get("tabindex") == "0" and region.get("aria-label") == "Your medicines each day"


def test_pictures_have_their_alt_text_caption_and_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_editions(media_leaflet(tmp_path), ["web"], None, out)
    root = parse(out / "media.html")
    images = list(root.iter("img"))
    assert all(img.get("alt") is not None for img in images), "every picture has alt, if only empty"
    logo, diagram, photo = images
    assert logo.get("alt") == "" and text_of(root.find("body/header")) == "Test Org Pictures and tables"
    assert diagram.get("alt") == "A line for the day with a dose in the morning and in the evening."
    assert text_of(with_class(root, "picture")[0].find("figcaption")) == "The same times every day."
    assert diagram.get("width") == str(round(60 * 72 / 25.4 * 4 / 3))
    assert photo.get("alt") == "", "a decorative picture says nothing"
    # Each picture is inside the page, so the page and its pictures never part.
    for img, source, kind in (
        (logo, "logo.png", "image/png"),
        (diagram, "diagram.svg", "image/svg+xml"),
        (photo, "photo.jpg", "image/jpeg"),
    ):
        head, _, data = img.get("src").partition(",")
        assert head == f"data:{kind};base64"
        assert base64.b64decode(data) == (IMAGES / source).read_bytes()


def test_a_page_lists_the_pdfs_beside_it_as_they_are_now(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PDF made, remade or removed after the page means the page is made again: its downloads
    (links and sizes) are never stale."""
    from leaflet.web.page import file_size

    out = tmp_path / "out"
    web = ["build", str(HARD), "--edition", "web", "-o", str(out)]

    def listed() -> list[str]:
        page = (out / "structure-test.html").read_text("utf-8")
        return re.findall(r'<a href="([^"]+\.pdf)" type="application/pdf">([^<]+)</a>', page)

    assert main(web) == 0 and listed() == []
    assert main(web) == 0 and "up to date" in capsys.readouterr().err
    # The standard PDF made on its own, after the page: the page now offers it, with its size.
    assert main(["build", str(HARD), "--edition", "standard", "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(web) == 0 and "up to date" not in capsys.readouterr().err
    pdf = out / "structure-test.pdf"
    (offer,) = listed()
    assert offer[0] == "structure-test.pdf" and f"(PDF, {file_size(pdf.stat().st_size)})" in offer[1]
    assert main(web) == 0 and "up to date" in capsys.readouterr().err
    # The PDF replaced by a larger one: the size listed follows.
    pdf.write_bytes(pdf.read_bytes() + b"%" + b" " * 20_000 + b"\n")
    assert main(web) == 0 and "up to date" not in capsys.readouterr().err
    assert f"(PDF, {file_size(pdf.stat().st_size)})" in listed()[0][1]
    # The PDF removed: no dead link is left.
    pdf.unlink()
    assert main(web) == 0 and "up to date" not in capsys.readouterr().err
    assert listed() == []


def test_a_reference_gives_one_address_its_doi_once_as_the_pdf_does(site: Site) -> None:
    """The brief: a DOI printed once, as its https://doi.org link. The page printed "DOI: …" and
    then the link; a reference with both a DOI and an address now gives the DOI's, as the PDF."""
    root = site.page("ccsvi")
    (item,) = [li for li in root.iter("li") if li.get("id") == "ref-zamboni-2009"]
    words = " ".join("".join(item.itertext()).split())
    assert words.count("10.1136/jnnp.2008.157164") == 1 and "DOI" not in words, words
    links = [a.get("href") for a in item.iter("a")]
    assert links[0] == "https://doi.org/10.1136/jnnp.2008.157164", links
    where = model.Location("x.yaml", 1, 1)
    both = model.Reference("x", 1, "T", where, doi="10.1/abc", url="https://example.org/x")
    assert both.link_url == "https://doi.org/10.1/abc"
    assert (
        model.Reference("y", 2, "T", where, url="https://example.org/y").link_url == "https://example.org/y"
    )


def test_a_passage_in_another_script_has_its_family_on_the_page(tmp_path: Path) -> None:
    """An Urdu line in an English page is set in Nastaliq, its lines further apart, as in the PDF
    (the browser took whatever Arabic font it had); the page's own text keeps its families."""
    import yaml

    from leaflet.web.css import stylesheet

    langs = ROOT / "tests" / "data" / "langs"
    data = yaml.safe_load((langs / "en.yaml").read_text("utf-8"))
    data["metadata"].pop("translated_from", None)
    urdu = yaml.safe_load((langs / "ur.yaml").read_text("utf-8"))["sections"][0]["content"][0]
    data["sections"][0]["content"].append({"paragraph": urdu, "lang": "ur"})
    content = tmp_path / "with-urdu.yaml"
    content.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    built = {b.edition: b.path for b in build_editions(content, ["web"], None, tmp_path / "out")}
    page = built["web"].read_text("utf-8")
    assert '<p lang="ur" dir="rtl">' in page
    css_name = re.search(r'href="assets/(leaflet-[0-9a-f]+\.css)"', page)
    assert css_name is not None
    css = (tmp_path / "out" / "assets" / css_name.group(1)).read_text("utf-8")
    rule = re.search(r"\n:lang\(ur\) \{([^}]*)\}", css)
    assert rule is not None, css
    assert '"Noto Nastaliq Urdu"' in rule.group(1)
    # Its paragraphs' and items' lines further apart (not a heading's: those keep their own).
    assert re.search(r"p:lang\(ur\), li:lang\(ur\) \{\s*line-height: 2.03;", css), css
    assert list((tmp_path / "out" / "assets" / "fonts").glob("NotoNastaliqUrdu-400-*.woff2"))
    # A page with no passage has no such rule, and fetches no such font.
    plain = stylesheet(load_theme("default"), "en-GB")
    assert ":lang(" not in plain.css and not [f for f in plain.faces if "Nastaliq" in f.family]
