"""What a process remembers between builds (parsed markup, line breaks, page numbers) is never stale.

Each test builds a leaflet, changes one input, builds again in the same process, and compares
the second PDF with a build of the changed input in a fresh process (nothing remembered): the
bytes must be identical, and must differ from the first build's.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import leaflet.pdf.metadata
from leaflet.build import render_edition
from leaflet.content.loader import load_leaflet
from leaflet.editions import A5_SCREEN, EDITIONS
from leaflet.layout import cache
from leaflet.style import STYLES_DIR, load_theme

ROOT = Path(__file__).resolve().parent.parent

_COLD = """
import sys
from pathlib import Path
import leaflet.pdf.metadata
from leaflet.build import render_edition
from leaflet.content.loader import load_leaflet
from leaflet.editions import A5_SCREEN, EDITIONS
from leaflet.style import load_theme
content, edition, style, creator, out = sys.argv[1:]
if creator:
    leaflet.pdf.metadata.CREATOR = creator
chosen = A5_SCREEN if edition == "a5" else EDITIONS[edition]
data = render_edition(load_leaflet(content), chosen, load_theme(style or chosen.style)).data
Path(out).write_bytes(data)
"""


def cold(tmp: Path, content: Path, edition: str, style: str = "", creator: str = "") -> bytes:
    """The PDF from a fresh process: nothing parsed, broken or paginated before."""
    out = tmp / f"cold-{edition}-{len(list(tmp.glob('cold-*')))}.pdf"
    cmd = [sys.executable, "-c", _COLD, str(content), edition, style, creator, str(out)]
    subprocess.run(cmd, check=True, timeout=300, capture_output=True)
    return out.read_bytes()


def warm(content: Path, edition: str, style: str = "") -> bytes:
    chosen = A5_SCREEN if edition == "a5" else EDITIONS[edition]
    return render_edition(load_leaflet(content), chosen, load_theme(style or chosen.style)).data


@pytest.fixture
def content(tmp_path: Path) -> Path:
    path = tmp_path / "ccsvi.yaml"
    path.write_text((ROOT / "content.yaml").read_text("utf-8"), "utf-8")
    return path


def test_changed_content_and_title(content: Path, tmp_path: Path) -> None:
    first = warm(content, "standard")
    assert cache.PAGINATIONS and cache.LINES  # the second build has something to reuse
    text = content.read_text("utf-8")
    # A longer title moves every break after it (the page numbers guessed from the first build are
    # wrong), and one changed word changes one paragraph's lines.
    text = text.replace(
        "  title: ", "  title: A much longer title, long enough to take a line of its own, and ", 1
    )
    text = text.replace("venoplasty", "balloon venoplasty", 1)
    content.write_text(text, "utf-8")
    second = warm(content, "standard")
    assert second != first
    assert second == cold(tmp_path, content, "standard")


def test_changed_style_sheet(content: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "mine.yaml"
    sheet.write_text((STYLES_DIR / "default.yaml").read_text("utf-8"), "utf-8")
    first = warm(content, "standard", str(sheet))
    sheet.write_text(sheet.read_text("utf-8").replace("size: 13pt", "size: 14pt", 1), "utf-8")
    second = warm(content, "standard", str(sheet))
    assert second != first
    assert second == cold(tmp_path, content, "standard", str(sheet))


def test_another_edition(content: Path, tmp_path: Path) -> None:
    first = warm(content, "standard")
    for edition in ("large-print", "a5", "press"):
        made = warm(content, edition)
        assert made != first
        assert made == cold(tmp_path, content, edition), edition


def test_another_tool_version(content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = warm(content, "standard")
    monkeypatch.setattr(leaflet.pdf.metadata, "CREATOR", "leaflet 99.0")
    second = warm(content, "standard")
    assert second != first
    assert second == cold(tmp_path, content, "standard", creator="leaflet 99.0")


def test_the_same_input_gives_the_same_bytes_warm_or_cold(content: Path, tmp_path: Path) -> None:
    builds = [warm(content, "booklet") for _ in range(3)]
    assert builds[0] == builds[1] == builds[2] == cold(tmp_path, content, "booklet")


def test_a_renamed_heading_is_laid_out_once_from_the_page_numbers_under_its_new_name(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A heading's anchor is made from its words: renamed, the last pagination names a place the
    # leaflet no longer has. The pagination of the leaflet before the edit, under the new name,
    # is the guess, and holds: one pass, not a guess given up, a draft and a final pass.
    import leaflet.build

    first = warm(content, "standard")
    passes: list[bool] = []
    real = leaflet.build._render_once

    def counted(*args: Any, **kwargs: Any) -> Any:
        passes.append(bool(kwargs.get("draft")))
        return real(*args, **kwargs)

    monkeypatch.setattr(leaflet.build, "_render_once", counted)
    content.write_text(
        content.read_text("utf-8").replace("What is CCSVI?", "What is CCSVI, then?", 1), "utf-8"
    )
    second = warm(content, "standard")
    assert passes == [False]
    assert second != first
    assert second == cold(tmp_path, content, "standard")


def test_the_stores_stay_bounded() -> None:
    store: cache.Bounded[int] = cache.Bounded(3)
    for i in range(10):
        store.put(i, i)
    store.get(7)  # used: kept over 8
    store.put(10, 10)
    assert len(store) == 3 and store.get(7) == 7 and store.get(8) is None and store.get(10) == 10


def test_a_key_holds_its_object() -> None:
    """An object in a key cannot be freed and its id given to another while the key lives."""
    key = cache.Held(object())
    assert key == cache.Held(key.obj) and key != cache.Held(object())
    assert hash(key) == id(key.obj)


def test_changed_font_file(content: Path, tmp_path: Path) -> None:
    """The same sheet and the same file names, other bytes in the regular face's file."""
    from leaflet.fontfiles import family_files

    atkinson, noto = family_files("Atkinson Hyperlegible"), family_files("Noto Sans")
    regular, bold = tmp_path / "house-regular.ttf", tmp_path / "house-bold.ttf"
    regular.write_bytes(atkinson[0].read_bytes())
    bold.write_bytes(atkinson[1].read_bytes())
    sheet = tmp_path / "house.yaml"
    sheet.write_text(
        "extends: default\nfonts:\n  text: House\n  families:\n    House:\n"
        f"      regular: {regular}\n      bold: {bold}\n",
        "utf-8",
    )
    first = warm(content, "standard", str(sheet))
    regular.write_bytes(noto[0].read_bytes())  # an editor swaps the face, keeping the file's name
    second = warm(content, "standard", str(sheet))
    assert second != first
    assert second == cold(tmp_path, content, "standard", str(sheet))


def test_a_new_process_starts_from_the_page_numbers_recorded_beside_the_pdf(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import leaflet.build
    from leaflet import batch

    passes: list[bool] = []
    real = leaflet.build._render_once

    def counted(*args: object, **kwargs: object) -> object:
        passes.append(bool(kwargs["draft"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(leaflet.build, "_render_once", counted)
    out = tmp_path / "out"
    cache.forget()  # nothing remembered, as in a new process
    assert batch.build_one(content, ("standard",), None, out, True).status == "built"
    first = (out / "ccsvi.pdf").read_bytes()
    assert passes == [True, False]  # draft, then final

    cache.forget()
    passes.clear()
    assert batch.build_one(content, ("standard",), None, out, True).status == "built"
    assert passes == [False]  # the recorded page numbers printed, found again: one pass
    assert (out / "ccsvi.pdf").read_bytes() == first

    # A record from a layout that no longer holds (a page more of introduction moves every heading):
    # verified, then laid out afresh.
    data = yaml.safe_load(content.read_text("utf-8"))
    data["introduction"] = [*data["introduction"], *["A new paragraph that moves every page along. " * 8] * 8]
    content.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    cache.forget()
    passes.clear()
    assert batch.build_one(content, ("standard",), None, out, True).status == "built"
    assert passes[0] is False and True in passes
    assert (out / "ccsvi.pdf").read_bytes() == cold(tmp_path, content, "standard")


def test_the_booklet_padding_pass_starts_from_the_plain_layout_and_gives_a_fresh_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The notes pages only add to the count: the plain layout's page numbers are the padded pass's guess.

    A right guess makes the padded layout one pass; a wrong one costs passes, never bytes.
    """
    from dataclasses import replace

    import leaflet.build as build
    from leaflet.layout.story import Pagination

    passes: list[bool] = []
    real = build._render_once

    def counting(*args: object, **kwargs: object) -> object:
        passes.append(bool(kwargs["draft"]))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "_render_once", counting)
    booklet = EDITIONS["booklet"]
    leaflet = load_leaflet(ROOT / "content.yaml")
    theme = load_theme(booklet.style)
    cache.forget()
    build.render_edition(leaflet, booklet, theme)
    assert passes == [True, False, False]  # plain: draft and final; padded: one pass, from the guess

    plain = build._render(leaflet, theme, options=booklet.options, tagged=False)
    padded = replace(booklet.options, notes_pages=-plain.pages % 4)
    assert padded != booklet.options
    settled = cache.PAGINATIONS.get(
        build._remembered(theme, leaflet, booklet.options, tagged=False, bleed=0.0, title_suffix="")
    )
    assert settled is not None
    right = Pagination(dict(settled.pages), settled.total + padded.notes_pages)
    wrong = Pagination({anchor: page + 1 for anchor, page in settled.pages.items()}, settled.total)
    made = {}
    for name, guess in (("right", right), ("wrong", wrong), ("none", None)):
        cache.forget()
        passes.clear()
        made[name] = build._render(leaflet, theme, options=padded, tagged=False, guess=guess).data
        assert (passes == [False]) == (name == "right"), (name, passes)
    assert made["right"] == made["wrong"] == made["none"]


def test_a_leaflet_laid_out_like_the_last_starts_from_its_page_numbers(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catalogue's leaflets made from one template: the next starts from the last one's page
    numbers (one pass when they hold), a wrong guess is given up at its first wrong page, and
    neither changes a byte."""
    import leaflet.build as build

    passes: list[str] = []
    checked: list[bool] = []
    real, real_holds = build._render_once, build._holds_so_far

    def counted(*args: object, **kwargs: object) -> object:
        passes.append("draft" if kwargs["draft"] else "guessed" if kwargs.get("guessed") else "final")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    def holds(*args: object) -> bool:
        checked.append(real_holds(*args))  # type: ignore[arg-type]
        return checked[-1]

    monkeypatch.setattr(build, "_render_once", counted)
    monkeypatch.setattr(build, "_holds_so_far", holds)
    text = content.read_text("utf-8")

    def another(name: str, title: str, body: str = text) -> Path:
        path = tmp_path / f"{name}.yaml"
        path.write_text(
            body.replace("  slug: ", f"  slug: {name}-", 1).replace("  title: ", f"  title: {title} ", 1),
            "utf-8",
        )
        return path

    cache.forget()
    warm(content, "standard")
    assert passes == ["draft", "final"]  # nothing laid out alike yet

    passes.clear()
    sister = another("sister", "Another")
    assert warm(sister, "standard") == cold(tmp_path, sister, "standard")
    assert passes == ["guessed"]  # the page numbers of the leaflet before held: one pass
    pages = len(checked)  # a page's end verified each: all held
    assert pages > 2 and all(checked)

    # Headings and references of its own, as many: the guess is taken under this leaflet's names.
    data = yaml.safe_load(text)
    data["metadata"]["slug"] = "headings"
    for n, section in enumerate(data["sections"]):
        section["heading"] = f"Part {n + 1}: {section['heading']}"
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    for ref in data["references"]:  # its id, its citations and the quotes it is the source of
        body = re.sub(rf"(?<![\w-]){re.escape(ref['id'])}(?![\w-])", f"{ref['id']}-own", body)
    assert body.count("-own") > len(data["references"])
    headings = tmp_path / "headings.yaml"
    headings.write_text(body, "utf-8")
    passes.clear()
    checked.clear()
    assert warm(headings, "standard") == cold(tmp_path, headings, "standard")
    assert passes == ["guessed"] and all(checked)

    # The same sections and as many texts, with a page more of introduction: every heading moves.
    # The guess is given up at the end of the first page that shows it wrong, long before the last.
    data = yaml.safe_load(text)
    data["metadata"]["slug"] = "longer"
    data["introduction"][0] += " A longer paragraph that moves every page along." * 40
    longer = tmp_path / "longer.yaml"
    longer.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    passes.clear()
    checked.clear()
    assert warm(longer, "standard") == cold(tmp_path, longer, "standard")
    assert passes == ["guessed", "draft", "final"]
    assert checked[-1] is False and checked.count(False) == 1 and len(checked) < pages

    # Other sections, or more texts: nothing laid out alike to start from.
    for name in ("other", "more"):
        data = yaml.safe_load(text)
        data["metadata"]["slug"] = name
        if name == "other":
            data["sections"] = data["sections"][1:]
        else:
            data["introduction"] = [*data["introduction"], "One more paragraph."]
        other = tmp_path / f"{name}.yaml"
        other.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        passes.clear()
        assert warm(other, "standard") == cold(tmp_path, other, "standard")
        assert passes == ["draft", "final"], name


def _atkinson(style: str = "normal", weight: int = 400) -> Path:
    import importlib
    import json

    root = Path(importlib.import_module("fontpkg_atkinson_hyperlegible").ROOT)
    meta = json.loads((root / "metadata.json").read_text("utf-8"))
    return next(
        root / f["path"]
        for f in meta["files"]
        if f.get("style", "normal") == style and f.get("weight") == weight
    )


def test_a_web_face_is_named_by_the_bytes_of_its_fonts(tmp_path: Path) -> None:
    """Another font file of the same name, size and time is another face: its WOFF2 is made again."""
    import os

    from leaflet.web.fonts import WebFace

    font = tmp_path / "Face.ttf"
    data = _atkinson().read_bytes()
    font.write_bytes(data)
    first = WebFace("Face", "400", font).file_name
    stat = font.stat()
    font.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert font.stat().st_size == stat.st_size
    assert WebFace("Face", "400", font).file_name != first
    font.write_bytes(data)
    assert WebFace("Face", "400", font).file_name == first


def test_a_fallback_range_is_kept_beside_its_face_and_never_served_for_other_fonts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leaflet.web import fonts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    regular, bold = _atkinson(), _atkinson(weight=700)
    italic = tmp_path / "Fallback.ttf"
    italic.write_bytes(_atkinson("italic").read_bytes())
    face = fonts.WebFace("Fallback", "400", italic, (regular, bold))
    made = face.unicode_range
    assert (tmp_path / "cache" / "leaflet" / "web-fonts" / f"{face.file_name}.range").is_file()

    def no_fonts(*args: object) -> object:
        raise AssertionError("a font was read")

    monkeypatch.setattr(fonts, "_wanted", no_fonts)
    assert fonts.WebFace("Fallback", "400", italic, (regular, bold)).unicode_range == made
    # Another fallback file (here: the regular face under the fallback's name) is read again.
    italic.write_bytes(regular.read_bytes())
    with pytest.raises(AssertionError, match="a font was read"):
        fonts.WebFace("Fallback", "400", italic, (regular, bold)).unicode_range  # noqa: B018


def test_compiled_templates_are_kept_and_never_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Templates compiled once are used again; a changed template or environment compiles afresh."""
    import jinja2

    from leaflet.web.compiled import bytecode_cache, cache_folder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "t.html"
    template.write_text("Hello {{ x }}", "utf-8")
    module = tmp_path / "maker.py"
    module.write_text("# the environment's options\n", "utf-8")

    def render() -> str:
        cache = bytecode_cache(str(module))
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path / "templates"), bytecode_cache=cache)
        return env.get_template("t.html").render(x=1)

    assert render() == "Hello 1"
    real = jinja2.Environment.compile

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", refuse)
    assert render() == "Hello 1"  # from the kept code
    template.write_text("Goodbye {{ x }}", "utf-8")
    with pytest.raises(AssertionError, match="compiled again"):
        render()  # a changed template is never served from the old code
    monkeypatch.setattr(jinja2.Environment, "compile", real)
    assert render() == "Goodbye 1"
    folders = sorted(cache_folder().glob("maker-*"))
    module.write_text("# other options\n", "utf-8")
    monkeypatch.setattr(jinja2.Environment, "compile", refuse)
    with pytest.raises(AssertionError, match="compiled again"):
        render()  # another environment: a folder of its own, the old one gone
    assert len(folders) == 1 and sorted(cache_folder().glob("maker-*")) != folders
    assert len(list(cache_folder().glob("maker-*"))) == 1


def test_every_kept_file_goes_under_the_one_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LEAFLET_CACHE moves every kind of derived file; without it, XDG_CACHE_HOME does."""
    from leaflet import fontfiles, zero
    from leaflet.web import compiled, fonts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("LEAFLET_CACHE", raising=False)
    folders = [zero.cache_dir(), fontfiles.cache_dir(), compiled.cache_folder(), fonts._cache_folder()]
    assert all(f.is_relative_to(tmp_path / "xdg" / "leaflet") for f in folders), folders
    monkeypatch.setenv("LEAFLET_CACHE", str(tmp_path / "mine"))
    folders = [zero.cache_dir(), fontfiles.cache_dir(), compiled.cache_folder(), fonts._cache_folder()]
    assert all(f.is_relative_to(tmp_path / "mine") for f in folders), folders
    assert len({f.name for f in folders}) == 3  # fonts (both kinds of derived font), templates, web-fonts


def test_a_web_face_is_named_by_its_fonts_bytes_even_after_a_quiet_rewrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A font rewritten in place, same size, its modification time set back: the face's name still changes."""
    import os

    from leaflet.web.fonts import WebFace

    read: list[Path] = []
    from leaflet import safeio

    real = safeio.read_file
    monkeypatch.setattr(safeio, "read_file", lambda path, limit: read.append(path) or real(path, limit))
    monkeypatch.setattr(safeio, "RECENT_NS", 0)  # no file counts as just written
    font = tmp_path / "Face-Regular.ttf"
    font.write_bytes(b"\0\1\0\0" + b"a" * 4000)
    face = WebFace("Face", "400", font)
    first = face.file_name
    assert face.file_name == first and read == [font]  # asked again: the same name, not read again
    info = font.stat()
    font.write_bytes(b"\0\1\0\0" + b"b" * 4000)
    os.utime(font, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert font.stat().st_size == info.st_size and font.stat().st_mtime_ns == info.st_mtime_ns
    assert face.file_name != first and read == [font, font]


def test_a_style_key_stands_for_its_settings_alone() -> None:
    """Paragraphs are kept under a number given to their style's settings: the same settings give
    the same number, in this build or the next, and any changed setting another one."""
    from reportlab.lib.colors import HexColor

    settings = {"name": "body", "fontName": "Face-1", "fontSize": 13.0, "textColor": HexColor("#1a1a1a")}
    key = cache.style_key(settings)
    assert cache.style_key(dict(settings)) == key
    assert cache.style_key({**settings, "textColor": HexColor("#1a1a1a")}) == key  # an equal colour
    changed = [
        {**settings, "fontSize": 14.0},
        {**settings, "fontName": "Face-2"},
        {**settings, "textColor": HexColor("#1a1a1b")},
        {**settings, "name": "body2"},
        {**settings, "leading": 18.0},
    ]
    keys = [cache.style_key(c) for c in changed]
    assert len({key, *keys}) == len(changed) + 1
    assert cache.style_key({**settings, "fontSize": [13.0]}) is None  # unhashable: not kept


def test_a_style_key_is_never_given_again_once_the_table_is_emptied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_SETTINGS_LIMIT", 2)
    first = cache.style_key({"name": "a"})
    cache.style_key({"name": "b"})
    cache.style_key({"name": "c"})  # the table is full: emptied
    again = cache.style_key({"name": "a"})
    assert again != first  # what was kept under the first number is never reached again
    assert cache.style_key({"name": "d"}) not in (first, again)


def test_a_coverage_answer_is_the_texts_own() -> None:
    """A family remembers which texts it covers: each text gets its own answer, the same every time."""
    from leaflet.fonts import RegisteredFamily

    family = RegisteredFamily("Mini", "Mini", "Mini-Bold", frozenset(map(ord, "abc ")), frozenset("abc "))
    assert family.covers_all("a cab")
    assert not family.covers_all("a cad")
    assert family.covers_all("a cab") and not family.covers_all("a cad")  # remembered, the same
    other = RegisteredFamily("Mini", "Mini", "Mini-Bold", frozenset(map(ord, "abd ")), frozenset("abd "))
    assert other.covers_all("a cad") is False and other.covers_all("a bad")
    assert family == RegisteredFamily("Mini", "Mini", "Mini-Bold", family.cmap, family.chars)
    from dataclasses import replace

    narrower = replace(family, chars=frozenset("a "))  # a copy with other characters: its own answers
    assert not narrower.covers_all("a cab") and family.covers_all("a cab")


def test_the_parts_of_a_paragraph_split_at_a_page_break_are_kept_by_where_it_was_cut() -> None:
    """A paragraph cut at a page break: each part's lines are kept under its whole's lines and the
    place of the cut, so a cut elsewhere (or at another width) gives other parts, and the kept
    lines are those a paragraph never seen before breaks. A paragraph of mixed fonts, whose
    parts ReportLab takes from fragments that its cutting edits, is not kept."""
    from reportlab.lib.styles import ParagraphStyle

    from leaflet.layout.flowables import LeafParagraph

    style = ParagraphStyle("cut", fontName="Helvetica", fontSize=10, leading=12)
    markup = " ".join(f"word{n}" for n in range(200))

    def parts(height: float, width: float = 200, key: Any = ("cut-test", 1)) -> list[list[Any]]:
        para = LeafParagraph(markup, style, key=key)
        para.wrap(width, 1000)
        made = para.split(width, height)
        assert len(made) == 2
        lines = []
        for part in made:
            part.wrap(width, 1000)
            lines.append([(round(space, 6), list(words)) for space, words in part.blPara.lines])
        return lines

    cache.forget()
    first = parts(60)
    assert parts(60) == first  # the kept lines, as broken the first time
    assert parts(48) != first  # cut one line sooner: other parts
    assert parts(60, 180) != first  # another width
    fresh = parts(48, key=None)  # nothing kept: ReportLab breaks every part
    assert parts(48) == fresh
    mixed = LeafParagraph(f"<b>bold</b> {markup}", style, key=("cut-test", 2))
    mixed.wrap(200, 1000)
    assert all(part.leaflet_key is None for part in mixed.split(200, 60))


def test_splitting_a_paragraph_leaves_its_kept_lines_as_they_were() -> None:
    """ReportLab's split is given its own copy of the kept lines to cut (a new list of words for
    each line, each word of ReportLab's own classes copied: the kind of word split edits in a
    paragraph of several fragments), so the next paragraph with the same key gets the lines as
    first broken, even where a line ends in a hyphenated word. (A leaflet hyphenates nothing;
    a style that did would still be safe.)"""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus.paragraph import _SplitWordHY

    from leaflet.layout.flowables import LeafParagraph

    style = ParagraphStyle(
        "cut",
        fontName="Helvetica",
        fontSize=10,
        leading=12,
        hyphenationLang="en_GB",
        allowOrphans=1,
        allowWidows=1,
    )
    markup = " ".join(["extraordinarily incomprehensible characteristics of", "uncharacteristically"] * 8)
    key = ("split-test", 1)

    def kept_lines() -> Any:
        ((_, (lines, _)),) = [(k, v) for k, v in cache.LINES.items() if k[0] == key]
        return lines.lines

    def kept() -> list[Any]:
        return [(space, [(type(w), str(w)) for w in words]) for space, words in kept_lines()]

    cache.forget()
    para = LeafParagraph(markup, style, key=key)
    para.wrap(100, 1000)
    before = kept()
    ends = [n for n, (_, words) in enumerate(before) if words[-1][0] is _SplitWordHY]
    assert ends  # lines ending in a hyphenated word, which split() edits when it cuts there
    for n in ends:
        again = LeafParagraph(markup, style, key=key)
        again.wrap(100, 1000)
        assert again.blPara.lines is kept_lines()  # shared until cut
        parts = again.split(100, 12 * (n + 1) + 1)
        for (_, cut), (_, shared) in zip(again.blPara.lines, kept_lines(), strict=True):
            assert cut == shared and cut is not shared
            assert all(a is not b for a, b in zip(cut, shared, strict=True) if type(b) is not str)
        assert len(parts) == 2 and len(parts[0].blPara.lines) == n + 1
        assert type(parts[0].frags[0].words[-1]) is not _SplitWordHY  # edited: the copy's word
    assert kept() == before


def test_a_kept_paragraph_style_is_that_of_its_theme_fonts_and_settings() -> None:
    """Paragraph styles are made once a process: the same theme, style, fonts and settings give
    the style made before; another theme object (a sheet read again), another language's fonts
    and mirrored alignment, or other settings give another style, made from them."""
    from dataclasses import replace

    from leaflet.fonts import font_set
    from leaflet.layout.story import Pagination, StoryBuilder

    leaflet = load_leaflet(ROOT / "content.yaml")
    theme = load_theme("default")

    def style(theme: Any, language: str = "en", **overrides: float) -> Any:
        lf = replace(leaflet, metadata=replace(leaflet.metadata, language=language))
        builder = StoryBuilder(lf, theme, font_set(theme, language), Pagination(), (400.0, 700.0))
        return builder.pstyle("body", "x" if overrides else "", **overrides)

    first = style(theme)
    assert style(theme) is first
    again = replace(theme)  # a sheet read again: another theme object, however alike
    assert again is not theme and style(again) is not first
    assert style(again).fontName == first.fontName
    arabic = style(theme, "ar")  # another text family, set right to left
    assert arabic.fontName != first.fontName and arabic.alignment != first.alignment
    indented = style(theme, firstLineIndent=12.0)
    assert indented is not first and indented.firstLineIndent == 12.0
    assert style(theme, firstLineIndent=14.0).firstLineIndent == 14.0


def test_a_paragraph_asked_its_size_again_answers_from_its_last_wrap_while_its_lines_stand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Asked again at the width it last wrapped at, a paragraph answers without breaking its lines;
    at another width, or once a split has given it other lines, it wraps as ReportLab does."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from leaflet.layout.flowables import LeafParagraph

    wrapped: list[float] = []
    reportlab_wrap = Paragraph.wrap

    def counted(self: Any, width: float, height: float) -> Any:
        wrapped.append(width)
        return reportlab_wrap(self, width, height)

    monkeypatch.setattr(Paragraph, "wrap", counted)
    style = ParagraphStyle("w", fontName="Helvetica", fontSize=10, leading=12, allowOrphans=1, allowWidows=1)
    para = LeafParagraph(" ".join(f"word{n}" for n in range(60)), style)  # no key: nothing else kept
    first = para.wrap(200, 1000)
    assert para.wrap(200, 50) == first and wrapped == [200]  # the same width: answered again
    narrower = para.wrap(150, 1000)
    assert narrower[1] > first[1] and wrapped == [200, 150]
    assert para.wrap(200, 1000) == first and wrapped == [200, 150, 200]  # wrapped again at 200
    para.blPara = type(para.blPara)(**para.blPara.__dict__)  # other lines (as a split gives it)
    assert para.wrap(200, 1000) == first and wrapped == [200, 150, 200, 200]
    del para.blPara  # ReportLab's split drops the lines of a paragraph it cannot cut
    assert para.wrap(200, 1000) == first and len(wrapped) == 5


def test_a_file_read_again_is_parsed_again_where_it_changed(content: Path) -> None:
    """The inline markup of a text read again is kept by its words, its place as written, the file
    and the numbers of what it may cite: each edit below gives the model a fresh read gives."""
    from leaflet.content import loader
    from leaflet.content.model import Citation
    from leaflet.errors import ContentError

    def fresh() -> object:
        loader.PARSED_TEXTS.clear()  # nothing kept, as in a new process
        return load_leaflet(content)

    def citations(leaflet: object) -> list[Citation]:
        found: list[Citation] = []

        def walk(value: object) -> None:
            if isinstance(value, Citation):
                found.append(value)
            elif isinstance(value, tuple | list):
                for item in value:
                    walk(item)
            elif hasattr(value, "__dataclass_fields__"):
                for name in value.__dataclass_fields__:
                    walk(getattr(value, name))

        walk(leaflet)
        return found

    first = fresh()
    assert loader.PARSED_TEXTS  # the next read has something to reuse
    text = content.read_text("utf-8")
    edits = {
        "one word": text.replace("enormous amount", "large amount", 1),
        # Every text a line further down: the same words, each node's place moved.
        "a line above": "# a comment\n" + text,
        # The references in another order: the same words cite other numbers.
        "references reordered": text.replace(
            "references:\n  - id: nice-ipg420",
            "references:\n  - id: zz-first\n    title: First\n"
            "    url: https://example.org\n  - id: nice-ipg420",
            1,
        ),
    }
    for name, edited in edits.items():
        content.write_text(edited, "utf-8")
        warm = load_leaflet(content)
        assert warm != first, name
        assert warm == fresh(), name
        content.write_text(text, "utf-8")
        assert load_leaflet(content) == first
    moved = citations(load_leaflet(content))[0]
    content.write_text(edits["a line above"], "utf-8")
    assert citations(load_leaflet(content))[0].location.line == moved.location.line + 1
    content.write_text(edits["references reordered"], "utf-8")
    assert citations(load_leaflet(content))[0].number == moved.number + 1

    # A text with a mistake is never kept: read again, it is reported again, at the same place.
    content.write_text(text.replace("[@zamboni-2009]", "[@zambony-2009]", 1), "utf-8")
    for _ in range(2):
        with pytest.raises(ContentError) as caught:
            load_leaflet(content)
        assert "citation [@zambony-2009] names no reference" in str(caught.value)
        assert ":53:" in str(caught.value.problems[0])


def test_the_kept_inline_markup_stays_bounded(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from leaflet.content import loader

    monkeypatch.setattr(loader.PARSED_TEXTS, "limit", 5)
    loader.PARSED_TEXTS.clear()
    first = load_leaflet(content)  # dozens of texts
    assert len(loader.PARSED_TEXTS) == 5
    newest = loader.PARSED_TEXTS.items()[-1][0]
    assert load_leaflet(content) == first  # kept or not, the same model
    assert len(loader.PARSED_TEXTS) == 5 and newest in dict(loader.PARSED_TEXTS.items())


def test_a_structure_trees_compressed_stream_is_that_of_its_own_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    # leaflet/pdf/compact.py keeps the structure tree's compressed object stream by its exact
    # bytes and level: the same tree is served from memory; a tree one number apart, or the
    # same tree at another level, is compressed afresh, giving the file that nothing remembered
    # gives; and only the last few trees are kept.
    from io import BytesIO

    from pypdf import PdfReader

    from leaflet.pdf import compact

    def packed(mcid: int) -> bytes:
        objects = [
            (1, b"<< /Type /Catalog /Pages 2 0 R /StructTreeRoot 4 0 R >>"),
            (2, b"<< /Type /Pages /Kids [ ] /Count 0 >>"),
            (3, b"<< /Type /StructElem /S /P /P 4 0 R /K [ %d ] >>" % mcid),
            (4, b"<<\n/K [ 3 0 R ] /Type /StructTreeRoot\n>>"),
        ]
        return compact.pack(objects, b"1 0 R", None)

    compact._TREES.clear()
    first = packed(0)
    assert len(compact._TREES) == 1
    assert packed(0) == first  # served from memory
    changed = packed(1)
    assert changed != first and len(compact._TREES) == 2
    assert PdfReader(BytesIO(changed)).get_object(3)["/K"] == [1]
    compact._TREES.clear()
    assert packed(1) == changed  # the same bytes with nothing remembered
    monkeypatch.setattr(compact, "TREE_LEVEL", 1)
    other = packed(1)
    assert other != changed and len(compact._TREES) == 2
    assert PdfReader(BytesIO(other)).get_object(3)["/K"] == [1]
    compact._TREES.clear()
    assert packed(1) == other
    for mcid in range(3 * compact._TREES_KEPT):
        packed(mcid)
    assert len(compact._TREES) == compact._TREES_KEPT


def test_the_mcid_table_writes_each_mcid_as_formatting_it_would(monkeypatch: pytest.MonkeyPatch) -> None:
    # PdfTagging.finish takes an element's MCIDs from a table of their bytes, grown to the most
    # MCIDs a page has had, up to a bound; past it, an MCID is formatted as it comes. A table
    # cut short gives the same PDF as a full one, and the table holds each number as written.
    from leaflet.build import render_pdf
    from leaflet.pdf import tags

    leaf = load_leaflet(ROOT / "content.yaml")
    theme = load_theme(EDITIONS["standard"].style)
    full = render_pdf(leaf, theme)
    assert len(tags._MCID_TEXT) > 3
    assert all(text == b"%d " % n for n, text in enumerate(tags._MCID_TEXT))
    monkeypatch.setattr(tags, "_MCID_TEXT", [])
    monkeypatch.setattr(tags, "_MCID_TEXT_LONGEST", 3)
    assert render_pdf(leaf, theme) == full
    assert tags._MCID_TEXT == [b"0 ", b"1 ", b"2 "]


def test_a_sheets_contrast_is_found_again_once_its_colours_change(content: Path, tmp_path: Path) -> None:
    """The contrast rule's findings are kept for each sheet a process loads; a sheet whose colours
    change is a new sheet, whose findings are its own."""
    import datetime

    from leaflet.checks import run_checks

    sheet = tmp_path / "mine.yaml"
    sheet.write_text((STYLES_DIR / "default.yaml").read_text("utf-8"), "utf-8")
    leaflet = load_leaflet(content)

    def contrast() -> list[str]:
        found = run_checks(
            leaflet,
            today=datetime.date(2026, 1, 1),
            project=({"legibility/contrast": {"minimum": 12}}, {}),  # stricter than the sheets'
            styles=(str(sheet),),
            advice=False,
        )
        return [p.message for p in found if "legibility/contrast" in str(p)]

    before = contrast()
    assert before == contrast() and not any("#3a3a3a" in m for m in before)
    sheet.write_text(sheet.read_text("utf-8").replace('ink: "#1b1c20"', 'ink: "#3a3a3a"', 1), "utf-8")
    darker = contrast()
    assert any("style body: #3a3a3a on #ffffff" in m for m in darker), darker
    sheet.write_text((STYLES_DIR / "default.yaml").read_text("utf-8"), "utf-8")
    assert contrast() == before


def test_one_build_sees_one_version_of_each_sheet(tmp_path: Path) -> None:
    """Within `one_version` a sheet asked for again is the one first loaded, even if its file
    changed meanwhile (the stages of one build agree); after it, the file is read again."""
    from leaflet.style import one_version

    sheet = tmp_path / "mine.yaml"
    sheet.write_text((STYLES_DIR / "default.yaml").read_text("utf-8"), "utf-8")
    with one_version():
        first = load_theme(str(sheet))
        sheet.write_text(sheet.read_text("utf-8").replace("size: 13pt", "size: 14pt", 1), "utf-8")
        assert load_theme(str(sheet)) is first
        with one_version():  # a block of its own reads the files as they are
            inner = load_theme(str(sheet))
            assert inner is not first and inner.style("body").size == 14
        assert load_theme(str(sheet)) is first
    assert load_theme(str(sheet)).style("body").size == 14
    assert first.style("body").size == 13


def test_one_version_holds_in_its_own_thread_only(tmp_path: Path) -> None:
    """Another thread's builds read the sheets as they are: a block pins its sheets for its thread."""
    import threading

    from leaflet.style import one_version

    sheet = tmp_path / "mine.yaml"
    sheet.write_text((STYLES_DIR / "default.yaml").read_text("utf-8"), "utf-8")
    seen: list[float] = []
    with one_version():
        first = load_theme(str(sheet))
        sheet.write_text(sheet.read_text("utf-8").replace("size: 13pt", "size: 14pt", 1), "utf-8")
        other = threading.Thread(target=lambda: seen.append(load_theme(str(sheet)).style("body").size))
        other.start()
        other.join()
        assert load_theme(str(sheet)) is first
    assert seen == [14]


def test_a_bilingual_leaflet_with_headings_of_its_own_starts_from_the_last_ones_page_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The English half's places carry a prefix of their own in the page numbers: a guess from a
    bilingual leaflet alike is translated half by half, and one pass is enough."""
    import leaflet.build as build

    langs = Path(__file__).resolve().parent / "data" / "langs"
    passes: list[str] = []
    real = build._render_once

    def counted(*args: object, **kwargs: object) -> object:
        passes.append("draft" if kwargs["draft"] else "guessed" if kwargs.get("guessed") else "final")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "_render_once", counted)
    cache.forget()
    warm(langs / "cy-en.yaml", "standard")

    def numbered(text: str, word: str) -> str:
        """Each section heading numbered ("Part 2 – …"), and a slug of its own."""
        parts = re.split(r"(?m)^(  - heading: )", text)
        out = parts[0]
        for n in range(1, len(parts), 2):
            out += f"{parts[n]}{word} {n // 2 + 1} – {parts[n + 1]}"
        return re.sub(r"(?m)^(  slug: )(.*)$", r"\g<1>\g<2>-own", out)

    for name, word in (("cy-en.yaml", "Rhan"), ("en-cy.yaml", "Part")):
        own_text = numbered((langs / name).read_text("utf-8"), word)
        assert f"{word} 2 – " in own_text
        (tmp_path / name).write_text(own_text, "utf-8")
    passes.clear()
    own = tmp_path / "cy-en.yaml"
    assert warm(own, "standard") == cold(tmp_path, own, "standard")
    assert passes == ["guessed"]


def test_a_paragraph_of_several_fonts_is_cut_alike_from_kept_lines_or_fresh_ones() -> None:
    """Breaking a paragraph of several fonts replaces its fragments with its words, and split()
    cuts those. A paragraph given kept lines gets those words too: it used to keep its fragments,
    and was cut another way (its last part drawn as one font, not several), so a build that
    broke the lines itself and one that found them kept wrote different bytes."""
    from reportlab.lib.styles import ParagraphStyle

    from leaflet.layout.flowables import LeafParagraph

    style = ParagraphStyle("mixed", fontName="Helvetica", fontSize=10, leading=12)
    markup = "<b>Skip</b> the forgotten dose. " + "Never take two doses together to catch up. " * 6
    key = ("mixed-test", 1)

    def cut() -> list[tuple[list[str], int, list[str]]]:
        para = LeafParagraph(markup, style, key=key)
        para.wrap(150, 1000)
        assert para.blPara.kind == 1
        parts = para.split(150, 12 * 3 + 1)
        assert len(parts) == 2
        out = []
        for part in parts:
            # What each part is made from: the words as breaking left them, or fragments.
            made_of = [type(f).__name__ for f in part.frags]
            part.wrap(150, 1000)
            lines = part.blPara.lines
            words = [
                " ".join(getattr(w, "text", str(w)) for w in getattr(line, "words", [])) for line in lines
            ]
            out.append((made_of, part.blPara.kind, words))
        return out

    cache.forget()
    fresh = cut()  # lines broken here, and kept
    assert cut() == fresh  # from the kept lines
    assert cut() == fresh  # and again: the first cut edited nothing kept
    assert fresh[1][1] == 1, "the last part is cut from the words, as ReportLab cuts them"


ALL_LEAFLETS = [
    Path("content.yaml"),
    *sorted(Path("tests/data").glob("*.yaml")),
    *sorted(Path("tests/data/langs").glob("*.yaml")),
]


@pytest.mark.parametrize("leaflet", ALL_LEAFLETS, ids=lambda p: p.stem)
def test_every_leaflet_is_the_same_bytes_cold_warm_or_from_its_recorded_pages(
    leaflet: Path, tmp_path: Path
) -> None:
    """Each PDF edition of every test leaflet, built three ways into one folder: in a process that
    remembers nothing (two passes: a draft learns the page numbers), again in the same process
    (everything remembered: one pass), and once more remembering nothing but the page numbers
    recorded beside the PDFs (one pass, every line broken afresh). The bytes are the same."""
    import hashlib

    from leaflet import batch

    root = Path(__file__).resolve().parent.parent
    editions = ("standard", "large-print", "booklet", "press")
    out = tmp_path / "out"

    def build() -> dict[str, str]:
        outcome = batch.build_one(root / leaflet, editions, None, out, True)
        assert outcome.status == "built", outcome.problems
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.glob("*.pdf"))}

    cache.forget()
    cold = build()
    warm = build()
    cache.forget()
    recorded = build()
    assert len(cold) == 5  # four editions and the booklet's A5 pages
    assert warm == cold
    assert recorded == cold
