"""Bad input never gets a traceback: it gets exit code 2 and `FILE:LINE:COL: error: ...` lines.

Every test runs the command line in-process (`leaflet.cli.main`) on small files
written into `tmp_path`, and checks, as yamllint's tests do, the exact line and
column of every problem reported, plus a key word or two of its message.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from leaflet.cli import main
from leaflet.content.loader import load_leaflet

REPO = Path(__file__).resolve().parent.parent
DEFAULT_STYLE = REPO / "leaflet" / "styles" / "default.yaml"

# The smallest valid leaflet, in three parts so that a test can swap one out.
# Line numbers (1-based) and the columns the tests rely on:
#   1 metadata:
#   2   title: Test leaflet              value at col 10
#   3   slug: test
#   4   language: en-GB
#   5   organisation: Test Org           key at col 3, value at col 17
#   6   version: "1.0"
#   7   published: 2026-01-10            value at col 14
#   8   next_review: 2027-01-10          value at col 16
#   9 sections:                          value (the list) at col 3
#  10   - heading: First                 section mapping at col 5, value at col 14
#  11     content:
#  12       - Hello world [@ref-one].     text at col 9, '[' at col 21
#  13       - callout:                    block mapping at col 9
#  14           label: Said
#  15           quotes:
#  16             - text: Quoted words.   quote mapping at col 15, text at col 21
#  17               who: Someone
#  18               source: ref-one       value at col 23
#  19 references:
#  20   - id: ref-one                    reference mapping at col 5
#  21     title: A reference             value at col 12
HEAD = """\
metadata:
  title: Test leaflet
  slug: test
  language: en-GB
  organisation: Test Org
  version: "1.0"
  published: 2026-01-10
  next_review: 2027-01-10
"""
SECTIONS = """\
sections:
  - heading: First
    content:
      - Hello world [@ref-one].
      - callout:
          label: Said
          quotes:
            - text: Quoted words.
              who: Someone
              source: ref-one
"""
REFERENCES = """\
references:
  - id: ref-one
    title: A reference
"""
MINIMAL = HEAD + SECTIONS + REFERENCES

LINE = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.+)$")
BARE = re.compile(r"^(?P<file>[^\n]+?): error: (?P<message>.+)$")


def variant(*edits: tuple[str, str], base: str = MINIMAL) -> str:
    """`base` with each (old, new) edit applied; `old` must occur exactly once."""
    text = base
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the only occurrence of `needle` in `text`."""
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    return text[: text.index(needle)].count("\n") + 1


def position_of(text: str, needle: str) -> tuple[int, int]:
    """The 1-based line and column (counted in characters) of the only occurrence of `needle`."""
    index = text.index(needle)
    return line_of(text, needle), index - (text.rfind("\n", 0, index) + 1) + 1


@dataclass
class Result:
    rc: int
    stdout: str
    stderr: str
    out: Path

    @property
    def lines(self) -> list[str]:
        """The problems printed: not what `check` finds, which a build shows without failing."""
        return [
            line
            for line in self.stderr.splitlines()
            if not re.search(r"\[[a-z]+/[a-z-]+\]$", line) and "plain-language advice" not in line
        ]


class Runner:
    """Writes inputs into tmp_path and runs `leaflet build` on them in-process."""

    def __init__(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.dir = tmp_path
        self.capsys = capsys

    def write(self, data: str | bytes, name: str = "content.yaml") -> Path:
        path = self.dir / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8", newline="")
        return path

    def style(self, *edits: tuple[str, str], name: str = "style.yaml") -> tuple[Path, str]:
        """A copy of leaflet/styles/default.yaml with `edits`, and its text."""
        text = variant(*edits, base=DEFAULT_STYLE.read_text(encoding="utf-8"))
        return self.write(text, name), text

    def build(
        self,
        content: str | bytes | Path = MINIMAL,
        *extra: str,
        out: Path | None = None,
    ) -> Result:
        path = content if isinstance(content, Path) else self.write(content)
        out = out or self.dir / "out.pdf"
        self.capsys.readouterr()  # start from clean buffers
        rc = main(["build", str(path), "-o", str(out), *extra])
        captured = self.capsys.readouterr()
        return Result(rc, captured.out, captured.err, out)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Paths are displayed relative to the working folder, so the tests see
    # plain names such as `content.yaml`; nothing can land in the repository.
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Runner:
    return Runner(tmp_path, capsys)


Expected = tuple[int, int, tuple[str, ...]]


def assert_problems(result: Result, expected: list[Expected], file: str = "content.yaml") -> None:
    """Exit 2, no traceback, no PDF, and exactly the `expected` (line, col, words) problems, in order."""
    assert "Traceback" not in result.stderr
    assert result.rc == 2, result.stderr
    assert not result.out.exists()
    assert len(result.lines) == len(expected), result.stderr
    for text, (line, col, words) in zip(result.lines, expected, strict=True):
        m = LINE.match(text)
        assert m, f"not FILE:LINE:COL: error: ...: {text!r}"
        assert m["file"] == file, text
        assert (int(m["line"]), int(m["col"])) == (line, col), text
        for word in words:
            assert word in m["message"], f"{word!r} not in {text!r}"


def assert_one_bare_problem(result: Result, file: str, *words: str) -> None:
    """Exit 2 and one `FILE: error: ...` line (for problems with no line, such as a missing file)."""
    assert "Traceback" not in result.stderr
    assert result.rc == 2, result.stderr
    assert len(result.lines) == 1, result.stderr
    m = BARE.match(result.lines[0])
    assert m, result.stderr
    assert m["file"] == file
    for word in words:
        assert word in m["message"], result.stderr


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


# ---------------------------------------------------------------- the baseline


def test_minimal_document_builds(run: Runner) -> None:
    result = run.build()
    assert result.rc == 0, result.stderr
    assert result.lines == []
    assert result.out.read_bytes().startswith(b"%PDF-")


# ---------------------------------------------------------------- 1. malformed YAML


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            # The parser notices the unclosed '[' at the ':' on the next line.
            variant(("  slug: test\n", "  slug: test\n  keywords: [a, b\n")),
            [(5, 11, ("YAML", "expected ',' or ']'"))],
            id="unclosed-bracket",
        ),
        pytest.param(
            MINIMAL + "further_reading: [a, b\n",
            [(23, 1, ("YAML", "expected ',' or ']'", "stream end"))],
            id="unclosed-bracket-at-end-of-file",
        ),
        pytest.param(
            variant(("  slug: test\n", "\tslug: test\n")),
            [(3, 1, ("YAML", "'\\t'"))],
            id="tab-indentation",
        ),
    ],
)
def test_malformed_yaml(run: Runner, text: str, expected: list[Expected]) -> None:
    assert_problems(run.build(text), expected)


# ---------------------------------------------------------------- 2. wrong types


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            variant(("title: Test leaflet", "title: 42")),
            [(2, 10, ("metadata.title", "expected text", "number '42'"))],
            id="number-for-text",
        ),
        pytest.param(
            HEAD + "sections: hello\n" + REFERENCES,
            [(9, 11, ("sections", "expected a list", "text 'hello'"))],
            id="string-for-list-of-sections",
        ),
    ],
)
def test_wrong_type(run: Runner, text: str, expected: list[Expected]) -> None:
    assert_problems(run.build(text), expected)


@pytest.mark.parametrize(
    "invisible",
    ["\\u200b", "\\u200b\\u200d \\u2060", "\\ufeff", "\\u00ad\\u00ad", "\\u00a0"],
    ids=["zero-width-space", "joiners", "byte-order-mark", "soft-hyphens", "no-break-space"],
)
def test_a_heading_that_prints_nothing_is_refused(run: Runner, invisible: str) -> None:
    """Characters that print nothing (spaces, zero-width ones, a soft hyphen) are no heading:
    a zero-width space alone made an empty heading and an empty entry in the contents."""
    text = variant(("  - heading: First", f'  - heading: "{invisible}"'))
    assert_problems(
        run.build(text), [(10, 14, ("sections[0].heading", "expected some text that is not only spaces"))]
    )


def test_a_slug_too_long_to_name_a_file_is_refused_at_the_slug(run: Runner) -> None:
    """The slug names the leaflet's files: one too long for a file system was an error with no line."""
    slug = "-".join(["cool"] * 40)
    text = variant(("slug: test", f"slug: {slug}"))
    assert_problems(run.build(text), [(3, 9, ("metadata.slug", "199 characters", "at most 120"))])


def test_an_empty_heading_is_said_once(run: Runner) -> None:
    """Empty text is "empty", said once: it was said a second time as text of only spaces."""
    text = variant(("  - heading: First", '  - heading: ""'))
    assert_problems(run.build(text), [(10, 14, ("sections[0].heading", "must not be empty"))])


def test_the_schema_and_the_loader_name_the_same_characters_that_print_nothing() -> None:
    """The schema's text pattern refuses text of spaces and characters that print nothing; the
    loader refuses markup that leaves only those. JSON Schema cannot read the loader's list, so
    this holds the two lists to the same characters."""
    import re

    from leaflet.content import loader
    from leaflet.content.texts import PRINTS_NOTHING

    pattern = loader.schema()["$defs"]["text"]["pattern"]
    listed = re.fullmatch(r"\[\^\\s(.*)\]", pattern)
    assert listed is not None, pattern
    in_schema = {chr(c) for c in range(0x10000) if re.fullmatch(f"[{listed.group(1)}]", chr(c)) is not None}
    in_loader = {chr(c) for c in PRINTS_NOTHING}
    assert in_schema == in_loader
    assert {"\u200b", "\u00ad", "\ufeff"} <= in_loader


# ---------------------------------------------------------------- 3. unknown and missing keys


def test_unknown_metadata_key_suggests_the_right_one(run: Runner) -> None:
    result = run.build(variant(("organisation: Test Org", "organisaton: Test Org")))
    assert_problems(
        result,
        [
            (2, 3, ("metadata", "missing 'organisation'")),
            (5, 3, ("unknown key 'organisaton'", "did you mean 'organisation'")),
        ],
    )


def test_unknown_block_key_suggests_the_right_one(run: Runner) -> None:
    result = run.build(variant(("      - callout:", "      - calout:")))
    # One line: the unknown key explains why no kind of block matched, so
    # "expected a block" is not said as well.
    assert_problems(
        result,
        [(13, 9, ("sections[0].content[1].calout", "unknown key 'calout'", "did you mean 'callout'"))],
    )
    assert "expected a block" not in result.stderr


def test_unknown_key_far_from_any_known_one_lists_the_known_keys(run: Runner) -> None:
    result = run.build(variant(("    title: A reference\n", "    title: A reference\n    colour: red\n")))
    assert_problems(result, [(22, 5, ("unknown key 'colour'", "expected one of", "authors"))])


def test_quote_without_source(run: Runner) -> None:
    result = run.build(variant(("              source: ref-one\n", "")))
    assert_problems(
        result,
        [(16, 15, ("sections[0].content[1].callout.quotes[0]", "missing 'source'"))],
    )


# ---------------------------------------------------------------- 4. several problems at once


def test_several_schema_problems_reported_together_sorted_by_line(run: Runner) -> None:
    # The validator meets these in path order (metadata, references, sections);
    # they must come out in line order.
    text = variant(
        ("title: Test leaflet", "title: 42"),
        ("heading: First", "heading: 7"),
        ("      - callout:", "      - calout:"),
        ("    title: A reference\n", "    title: A reference\n    colour: red\n"),
    )
    assert_problems(
        run.build(text),
        [
            (2, 10, ("metadata.title", "expected text")),
            (10, 14, ("sections[0].heading", "expected text")),
            (13, 9, ("unknown key 'calout'",)),
            (22, 5, ("unknown key 'colour'",)),
        ],
    )


def test_several_content_problems_reported_together_sorted_by_line(run: Runner) -> None:
    text = variant(
        ("published: 2026-01-10", "published: 2026-02-30"),
        ("Hello world [@ref-one].", "Hello world [@nope]."),
        ("text: Quoted words.", "text: See [x](javascript:go) now."),
        base=MINIMAL + 'further_reading:\n  - "Evil \\u202E here"\n',
    )
    assert_problems(
        run.build(text),
        [
            (7, 14, ("2026-02-30", "not a real date")),
            (12, 21, ("[@nope]", "names no reference")),
            (16, 29, ("'javascript:' scheme",)),
            # At the escape itself: '  - "Evil ' is 10 characters.
            (*position_of(text, "\\u202E"), ("U+202E",)),
        ],
    )
    assert position_of(text, "\\u202E") == (23, 11)


# ---------------------------------------------------------------- 5. duplicates, aliases, tags


def test_duplicate_key(run: Runner) -> None:
    result = run.build(variant(("  slug: test\n", "  slug: test\n  slug: again\n")))
    assert_problems(result, [(4, 3, ("duplicate key 'slug'", "line 3"))])


def test_billion_laughs_is_refused_quickly(run: Runner) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    text = "\n".join(lines) + "\n"
    started = time.perf_counter()
    result = run.build(text)
    assert time.perf_counter() - started < 2.0
    # The first alias is `*a` on line 2, after `b: &b [`.
    assert_problems(result, [(2, 8, ("aliases", "not allowed"))])


def test_alias_in_a_leaflet_is_refused(run: Runner) -> None:
    text = variant(("title: Test leaflet", "title: &t Test leaflet")) + "short: *t\n"
    assert_problems(run.build(text), [(22, 8, ("aliases",))])


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("!!python/object:os.system x", id="python-object-scalar"),
        pytest.param('!!python/object/apply:os.system ["echo hi"]', id="python-object-apply"),
    ],
)
def test_python_tag_is_refused(run: Runner, value: str) -> None:
    result = run.build(variant(("title: Test leaflet", f"title: {value}")))
    assert_problems(result, [(2, 10, ("python/object", "not allowed"))])


def test_merge_key_is_refused(run: Runner) -> None:
    result = run.build(variant(("  slug: test\n", "  slug: test\n  <<: {a: 1}\n")))
    assert_problems(result, [(4, 3, ("merge keys",))])


# ---------------------------------------------------------------- 6. encodings and line endings


def test_invalid_utf8_points_at_the_bad_byte(run: Runner) -> None:
    raw = MINIMAL.encode().replace(b"Test Org", b"Test \xff Org")
    # "  organisation: Test " is 21 bytes, so the bad byte is column 22.
    assert_problems(run.build(raw), [(5, 22, ("UTF-8", "0xff"))])


def test_invalid_utf8_after_a_byte_order_mark(run: Runner) -> None:
    # The BOM is not a column: the bad byte is still named, at 5:22.
    raw = b"\xef\xbb\xbf" + MINIMAL.encode().replace(b"Test Org", b"Test \xff Org")
    assert_problems(run.build(raw), [(5, 22, ("UTF-8", "0xff"))])


def test_invalid_utf8_column_counts_characters(run: Runner) -> None:
    # "  organisation: Tést " is 21 characters (22 bytes): the bad byte is column 22.
    raw = MINIMAL.encode().replace(b"Test Org", "Tést ".encode() + b"\xff Org")
    assert_problems(run.build(raw), [(5, 22, ("UTF-8", "0xff"))])


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"\xef\xbb\xbf" + MINIMAL.encode(), id="bom"),
        pytest.param(MINIMAL.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode(), id="bom-and-crlf"),
    ],
)
def test_bom_and_crlf_are_accepted(run: Runner, raw: bytes) -> None:
    result = run.build(raw)
    assert result.rc == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.out.read_bytes().startswith(b"%PDF-")
    assert "Test leaflet" in pdf_text(result.out)


def test_bom_and_crlf_do_not_shift_locations(run: Runner) -> None:
    text = variant(("title: Test leaflet", "title: 42"))
    raw = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    assert_problems(run.build(raw), [(2, 10, ("expected text",))])


# ---------------------------------------------------------------- 7. dates


def test_date_that_does_not_exist(run: Runner) -> None:
    result = run.build(variant(("published: 2026-01-10", "published: 2026-02-30")))
    assert_problems(result, [(7, 14, ("metadata.published", "2026-02-30", "not a real date"))])


@pytest.mark.parametrize("review", ["2025-01-10", "2026-01-10"], ids=["before", "same-day"])
def test_next_review_not_after_published(run: Runner, review: str) -> None:
    result = run.build(variant(("next_review: 2027-01-10", f"next_review: {review}")))
    assert_problems(result, [(8, 16, ("next_review", "must come after"))])


def test_next_review_that_does_not_exist_is_one_problem(run: Runner) -> None:
    result = run.build(variant(("next_review: 2027-01-10", "next_review: 2027-02-29")))
    assert_problems(result, [(8, 16, ("2027-02-29", "not a real date"))])


def test_date_in_the_wrong_form(run: Runner) -> None:
    result = run.build(variant(("published: 2026-01-10", "published: 10/01/2026")))
    assert_problems(result, [(7, 14, ("metadata.published", "YYYY-MM-DD"))])


# ---------------------------------------------------------------- 8. references


def test_citation_naming_no_reference(run: Runner) -> None:
    result = run.build(variant(("Hello world [@ref-one].", "Hello world [@nope].")))
    assert_problems(result, [(12, 21, ("citation [@nope]", "names no reference"))])
    assert "did you mean" not in result.stderr


def test_citation_close_to_a_reference_suggests_it(run: Runner) -> None:
    result = run.build(variant(("Hello world [@ref-one].", "Hello world [@ref-onee].")))
    assert_problems(
        result, [(12, 21, ("citation [@ref-onee]", "names no reference", "did you mean 'ref-one'"))]
    )


def test_citation_in_quoted_text_column(run: Runner) -> None:
    # The opening quote mark moves the text one column to the right.
    result = run.build(variant(("Hello world [@ref-one].", '"Hello world [@nope]."')))
    assert_problems(result, [(12, 22, ("citation [@nope]",))])


@pytest.mark.parametrize(
    ("written", "col"),
    [
        pytest.param("Hello  world [@nope].", 22, id="double-space"),
        pytest.param("'It''s here [@nope].'", 21, id="single-quote-escape"),
        pytest.param('"Tab\\there [@nope]."', 20, id="double-quote-escape"),
        pytest.param('"Caf\\u00e9 here [@nope]."', 25, id="unicode-escape"),
        pytest.param(
            "Cafe\u0301 here [@nope].",
            20,
            id="decomposed-accent",
        ),
    ],
)
def test_citation_column_after_folded_or_escaped_text(run: Runner, written: str, col: int) -> None:
    text = variant(("Hello world [@ref-one].", written))
    # The column of '[' as written, escapes, quote marks and doubled spaces counted.
    assert position_of(text, "[@nope]") == (12, col)
    assert_problems(run.build(text), [(12, col, ("citation [@nope]",))])


def test_quote_source_naming_no_reference(run: Runner) -> None:
    result = run.build(variant(("source: ref-one", "source: ref-two")))
    assert_problems(
        result,
        [
            (
                18,
                23,
                (
                    "sections[0].content[1].callout.quotes[0].source",
                    "'ref-two' names no reference",
                    "did you mean 'ref-one'",
                ),
            )
        ],
    )


def test_reference_id_used_twice(run: Runner) -> None:
    text = MINIMAL + "  - id: ref-one\n    title: Another\n"
    assert_problems(run.build(text), [(22, 9, ("references[1].id", "used twice"))])


def test_a_section_id_that_is_a_references_anchor(run: Runner) -> None:
    """`ref-ID` is where a citation of reference ID leads: a section given that id would make a
    second place of the same name, and a link with two places to go."""
    text = variant(("  - heading: First\n", "  - heading: First\n    id: ref-ref-one\n"))
    line, col = position_of(text, "ref-ref-one")
    assert_problems(
        run.build(text), [(line, col, ("sections[0].id", "'ref-ref-one' is used by reference 'ref-one'"))]
    )


def test_a_heading_whose_anchor_would_be_a_references_is_given_another(tmp_path: Path) -> None:
    """A heading that reads as a reference's anchor ("Ref: ref one" → `ref-ref-one`) takes the
    next free name, as a heading written twice does."""
    path = tmp_path / "content.yaml"
    path.write_text(variant(("  - heading: First\n", "  - heading: 'Ref: ref one'\n")), "utf-8")
    leaflet = load_leaflet(path)
    assert [s.anchor for s in leaflet.sections] == ["ref-ref-one-2"]


# ---------------------------------------------------------------- 9. link schemes


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("javascript:alert", "javascript:"),
        ("JavaScript:alert", "javascript:"),
        ("file:///etc/passwd", "file:"),
        ("data:text/html,hi", "data:"),
    ],
)
def test_dangerous_link_scheme_is_refused(run: Runner, url: str, scheme: str) -> None:
    result = run.build(variant(("Hello world [@ref-one].", f"See [a]({url}) now.")))
    # "      - See [a](" is 16 characters: the address starts at column 17.
    assert_problems(result, [(12, 17, (f"'{scheme}' scheme", "not allowed"))])


def test_dangerous_address_in_a_reference_is_refused(run: Runner) -> None:
    text = MINIMAL + "    url: javascript:alert\n"
    assert_problems(run.build(text), [(22, 10, ("references[0].url", "https://"))])


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("tel:ABC", ("'tel:ABC' is not a phone number",)),
        ("tel:" + "1" * 200, ("a phone number has at most 15 digits; this one has 200",)),
    ],
    ids=["letters", "200 digits"],
)
def test_a_tel_link_that_is_no_phone_number_is_refused(run: Runner, url: str, words: tuple[str, ...]) -> None:
    """It built, its annotation "Call ABC", or printed a number of 200 digits across three lines."""
    result = run.build(variant(("Hello world [@ref-one].", f"See [a]({url}) now.")))
    assert_problems(result, [(12, 17, words)])


@pytest.mark.parametrize("url", ["tel:0808%20800%208000", "tel:08088008000;ext=12", "tel:+44(0)808-800-8000"])
def test_a_tel_link_written_as_addresses_are_written_is_a_phone_number(run: Runner, url: str) -> None:
    result = run.build(variant(("Hello world [@ref-one].", f"Ring [the MS Helpline]({url}) now.")))
    assert result.rc == 0, result.stderr


def test_an_address_with_brackets_in_it_is_read_whole(tmp_path: Path) -> None:
    """A Wikipedia-style address holds brackets: the link ended at its first ')' and lost it."""
    from leaflet.content.loader import load_leaflet
    from leaflet.content.model import Link, Paragraph

    path = tmp_path / "content.yaml"
    path.write_text(
        variant(
            ("Hello world [@ref-one].", "See [the article](https://example.org/wiki/Fatigue_(medicine)) now.")
        ),
        "utf-8",
    )
    leaflet = load_leaflet(path)
    paragraph = next(b for b in leaflet.all_blocks() if isinstance(b, Paragraph))
    [link] = [node for node in paragraph.inlines if isinstance(node, Link)]
    assert link.url == "https://example.org/wiki/Fatigue_(medicine)"
    assert "".join(getattr(n, "text", "") for n in paragraph.inlines).endswith(" now.")


# ---------------------------------------------------------------- 10. markup-like text is text


def test_markup_like_text_is_printed_literally(run: Runner) -> None:
    text = variant(
        ("Hello world [@ref-one].", '"<b>x</b> & <script> &amp; {{x}} [@ref-one]."'),
        ("heading: First", 'heading: "A <i>heading</i> & more"'),
    )
    result = run.build(text)
    assert result.rc == 0, result.stderr
    assert "Traceback" not in result.stderr
    words = pdf_text(result.out)
    for literal in ("<b>x</b>", "& <script>", "&amp;", "{{x}}", "<i>heading</i> & more"):
        assert literal in words


# ---------------------------------------------------------------- 11. characters

# What the default style sheet draws with: Atkinson Hyperlegible, and Noto Sans
# for the characters Atkinson lacks.
TEXT_FONT = "Atkinson Hyperlegible"
FALLBACK_FONT = "Noto Sans"


def pdf_fonts(path: Path) -> set[str]:
    """The /BaseFont names of every font in the pages' /Resources, subset tags included."""
    names = set()
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            names.add(str(ref.get_object()["/BaseFont"]).lstrip("/"))
    return names


def test_welsh_text_builds_with_the_fallback_font(run: Runner) -> None:
    # Atkinson Hyperlegible has no ŵ (U+0175) or ŷ (U+0177); Noto Sans draws them.
    result = run.build(variant(("Hello world [@ref-one].", "Croeso i'r ŵyl a'r ŷd [@ref-one].")))
    assert result.rc == 0, result.stderr
    assert result.lines == []
    fonts = pdf_fonts(result.out)
    # Embedded as a subset: a six-letter tag, '+', then the font's name.
    assert any(re.fullmatch(r"[A-Z]{6}\+NotoSans-\w+", name) for name in fonts), fonts
    assert any(re.fullmatch(r"[A-Z]{6}\+AtkinsonHyperlegible(OpenZero)?-\w+", name) for name in fonts), fonts
    words = pdf_text(result.out)
    assert "Croeso i'r ŵyl a'r ŷd" in words
    assert "\x00" not in words  # no missing-glyph character anywhere


def test_text_without_a_fallback_character_does_not_embed_the_fallback(run: Runner) -> None:
    result = run.build()
    assert result.rc == 0, result.stderr
    assert not any("NotoSans" in name for name in pdf_fonts(result.out))


def test_welsh_title_in_the_footer_is_drawn_with_the_fallback_font(run: Runner) -> None:
    result = run.build(variant(("title: Test leaflet", "title: Gŵyl a ŷd")))
    assert result.rc == 0, result.stderr
    words = pdf_text(result.out)
    footer = [line for line in words.splitlines() if line.startswith("Test Org ·")]
    assert footer, words
    assert all("Gŵyl a ŷd" in line for line in footer), footer
    assert "\x00" not in words


@pytest.mark.parametrize(
    ("char", "code"),
    [
        pytest.param("→", "U+2192", id="rightwards-arrow"),
        pytest.param("漢", "U+6F22", id="han"),
    ],
)
def test_character_no_font_can_draw(run: Runner, char: str, code: str) -> None:
    text = variant(("Hello world [@ref-one].", f"Go {char} there [@ref-one]."))
    # "      - Go " is 11 characters: the character is column 12.
    assert position_of(text, char) == (12, 12)
    result = run.build(text)
    assert_problems(
        result,
        [(12, 12, (f"'{char}'", code, "cannot be drawn", TEXT_FONT, FALLBACK_FONT))],
    )


def test_every_character_no_font_can_draw_is_reported(run: Runner) -> None:
    text = variant(("Hello world [@ref-one].", "A → b ↑ c [@ref-one]."))
    assert_problems(
        run.build(text),
        [
            (*position_of(text, "→"), ("U+2192", "cannot be drawn")),
            (*position_of(text, "↑"), ("U+2191", "cannot be drawn")),
        ],
    )


@pytest.mark.parametrize(
    ("written", "code"),
    [
        pytest.param('"Bell \\a here [@ref-one]."', "U+0007", id="bell-escape"),
        pytest.param('"Null \\0 here [@ref-one]."', "U+0000", id="nul-escape"),
        pytest.param('"Esc \\x1b here [@ref-one]."', "U+001B", id="hex-escape"),
        pytest.param('"Evil \\u202E here [@ref-one]."', "U+202E", id="bidi-override-escape"),
        pytest.param('"Tab\\there \\u202E [@ref-one]."', "U+202E", id="bidi-after-another-escape"),
    ],
)
def test_control_and_bidi_characters_are_refused(run: Runner, written: str, code: str) -> None:
    text = variant(("Hello world [@ref-one].", written))
    # At the backslash that starts the escape, not at the start of the text.
    backslash = written.rindex("\\")
    line, col = position_of(text, written[backslash:])
    assert (line, col) == (12, 9 + backslash)
    assert_problems(run.build(text), [(line, col, (code, "not allowed"))])


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        pytest.param(("title: Test leaflet", 'title: "Test \\a leaflet"'), "\\a", id="metadata-title"),
        pytest.param(("who: Someone", 'who: "Some\\u202Eone"'), "\\u202E", id="quote-who"),
        pytest.param(("title: A reference", 'title: "A \\e reference"'), "\\e", id="reference-title"),
    ],
)
def test_escaped_control_character_outside_running_text_is_located_at_its_escape(
    run: Runner, edit: tuple[str, str], needle: str
) -> None:
    text = variant(edit)
    assert_problems(run.build(text), [(*position_of(text, needle), ("not allowed",))])


def test_raw_bidi_override_in_the_file_is_refused(run: Runner) -> None:
    text = MINIMAL.replace("Hello world", "Hello \u202eworld")
    # "      - Hello " is 14 characters: the override is column 15.
    assert position_of(text, "\u202e") == (12, 15)
    assert_problems(run.build(text.encode()), [(12, 15, ("bidirectional", "U+202E"))])


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(
            b"\xef\xbb\xbf" + MINIMAL.replace("Hello world", "Hello \u202eworld").encode(), id="bom"
        ),
        pytest.param(
            MINIMAL.replace("Hello world", "Hello \u202eworld").replace("\n", "\r\n").encode(), id="crlf"
        ),
        pytest.param(
            MINIMAL.replace("Hello world", "😀 Hello \u202eworld").encode(),
            id="after-a-character-outside-the-bmp",
        ),
    ],
)
def test_character_columns_are_not_shifted_by_bom_crlf_or_astral_characters(run: Runner, raw: bytes) -> None:
    text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    assert_problems(run.build(raw), [(*position_of(text, "\u202e"), ("bidirectional", "U+202E"))])


@pytest.mark.parametrize(
    "char",
    [
        "\x07",
        "\x00",
        "\x1b",
        "\x7f",
        "\x9b",
        pytest.param(
            "\x85",
        ),
    ],
    ids=["bell", "nul", "escape", "delete", "c1-csi", "c1-next-line"],
)
def test_raw_control_character_in_the_file_is_refused(run: Runner, char: str) -> None:
    raw = MINIMAL.replace("Hello world", f"Hello {char}world").encode()
    # "      - Hello " is 14 characters: the control character is column 15.
    assert_problems(
        run.build(raw),
        [(12, 15, (f"the character U+{ord(char):04X} is not allowed in a YAML file",))],
    )


def test_raw_control_character_in_a_style_sheet_is_refused(run: Runner) -> None:
    path, text = run.style(("name: Standard A4", "name: Standard\x07A4"))
    result = run.build(MINIMAL, "--style", str(path))
    # "name: Standard" is 14 characters: the bell is column 15.
    assert position_of(text, "\x07")[1] == 15
    assert_problems(
        result,
        [(line_of(text, "\x07"), 15, ("the character U+0007 is not allowed in a YAML file",))],
        file="style.yaml",
    )


# Every kind of printed string, as (old, new) edits of MINIMAL with `{c}` where
# the bad character goes; the expected place is computed from the edited text.
PRINTED_PLACES = [
    pytest.param(("title: Test leaflet", "title: Test {c}leaflet"), id="metadata-title"),
    pytest.param(("organisation: Test Org", "organisation: Test {c}Org"), id="metadata-organisation"),
    pytest.param(("  slug: test\n", "  slug: test\n  subtitle: A {c}subtitle\n"), id="metadata-subtitle"),
    pytest.param(
        ("  slug: test\n", "  slug: test\n  summary: 'It''s {c}short'\n"), id="metadata-summary-quoted"
    ),
    pytest.param(
        ("  slug: test\n", "  slug: test\n  keywords: [one, two {c}three]\n"), id="metadata-keyword"
    ),
    pytest.param(("heading: First", "heading: First {c}part"), id="heading"),
    pytest.param(
        ("  - heading: First\n", "  - id: first\n    heading: First {c}part\n"), id="heading-after-id"
    ),
    pytest.param(("Hello world [@ref-one].", "Hello {c}world [@ref-one]."), id="paragraph"),
    pytest.param(
        ("Hello world [@ref-one].", "See [the {c}page](https://example.org) [@ref-one]."), id="link-text"
    ),
    pytest.param(("      - Hello", "      - paragraph: Hello {c}there"), id="paragraph-key"),
    pytest.param(
        (
            "      - Hello world [@ref-one].\n",
            "      - bullets:\n          - One\n          - text: Two {c}three\n",
        ),
        id="list-item",
    ),
    pytest.param(("label: Said", "label: Sa{c}id"), id="callout-label"),
    pytest.param(("text: Quoted words.", "text: Quoted {c}words."), id="quote-text"),
    pytest.param(("who: Someone", "who: Some {c}one"), id="quote-who"),
    pytest.param(("who: Someone\n", "who: Someone\n              when: In {c}2009\n"), id="quote-when"),
    pytest.param(("title: A reference", "title: A {c}reference"), id="reference-title"),
    pytest.param(
        ("    title: A reference\n", "    title: A reference\n    authors: Smith {c}J\n"),
        id="reference-authors",
    ),
    pytest.param(
        ("    title: A reference\n", "    title: A reference\n    journal: BMJ {c}Open\n"),
        id="reference-journal",
    ),
    pytest.param(
        ("    title: A reference\n", "    title: A reference\nfurther_reading:\n  - Read {c}this\n"),
        id="further-reading",
    ),
    # Addresses are printed too (beside their words, in the references, in About this leaflet).
    pytest.param(("  slug: test\n", "  slug: test\n  url: https://example.org/a{c}b\n"), id="metadata-url"),
    pytest.param(
        ("    title: A reference\n", "    title: A reference\n    url: https://example.org/a{c}b\n"),
        id="reference-url",
    ),
    pytest.param(
        ("    title: A reference\n", "    title: A reference\n    doi: 10.1000/a{c}b\n"), id="reference-doi"
    ),
    pytest.param(
        (
            "    title: A reference\n",
            "    title: A reference\nfurther_reading:\n  - text: Read this\n    url: https://example.org/{c}\n",
        ),
        id="further-reading-url",
    ),
]


@pytest.mark.parametrize("edit", PRINTED_PLACES)
@pytest.mark.parametrize(
    ("char", "words"),
    [
        pytest.param("→", ("'→'", "U+2192", "cannot be drawn", TEXT_FONT, FALLBACK_FONT), id="undrawable"),
        pytest.param("\u202e", ("bidirectional control character U+202E", "not allowed"), id="bidi"),
    ],
)
def test_bad_character_in_any_printed_string_is_located_at_the_character(
    run: Runner, edit: tuple[str, str], char: str, words: tuple[str, ...]
) -> None:
    old, new = edit
    text = variant((old, new.format(c=char)))
    assert_problems(run.build(text), [(*position_of(text, char), words)])


@pytest.mark.parametrize(
    ("chars", "codes"),
    [
        pytest.param(("→", "↑", "漢"), ("U+2192", "U+2191", "U+6F22"), id="undrawable"),
        pytest.param(("\u202e", "\u200f", "\u2066"), ("U+202E", "U+200F", "U+2066"), id="bidi"),
    ],
)
def test_bad_characters_in_several_places_are_all_reported_in_file_order(
    run: Runner, chars: tuple[str, str, str], codes: tuple[str, str, str]
) -> None:
    # Each kind is reported all at once. (Control and bidi characters are refused
    # when the content is read, before the fonts are known: a file with both kinds
    # shows the second kind only once the first is fixed.)
    text = variant(
        ("title: A reference", f"title: A {chars[2]}reference"),
        ("organisation: Test Org", f"organisation: Test {chars[0]}Org"),
        ("label: Said", f"label: Sa{chars[1]}id"),
    )
    assert [position_of(text, c) for c in chars] == [(5, 22), (14, 20), (21, 14)]
    assert_problems(
        run.build(text),
        [(*position_of(text, c), (code,)) for c, code in zip(chars, codes, strict=True)],
    )


@pytest.mark.parametrize(
    ("needle", "words"),
    [
        pytest.param("→", ("U+2192", "cannot be drawn"), id="undrawable"),
        pytest.param("\u202e", ("U+202E", "not allowed"), id="bidi"),
        pytest.param("[@nope]", ("citation [@nope]", "names no reference"), id="citation"),
    ],
)
def test_problem_on_a_continuation_line_of_a_value_is_located_at_its_line(
    run: Runner, needle: str, words: tuple[str, ...]
) -> None:
    text = variant(
        ("      - Hello world [@ref-one].\n", f"      - Hello world\n        and {needle} more.\n")
    )
    assert position_of(text, needle) == (13, 13)
    assert_problems(run.build(text), [(13, 13, words)])


# ---------------------------------------------------------------- 12. style sheets


def test_unknown_style_name_suggests_one(run: Runner) -> None:
    result = run.build(MINIMAL, "--style", "defualt")
    assert_one_bare_problem(result, "--style", "no style sheet named 'defualt'", "did you mean 'default'")
    assert not result.out.exists()


def test_style_sheet_that_does_not_exist(run: Runner) -> None:
    result = run.build(MINIMAL, "--style", "missing.yaml")
    assert_one_bare_problem(result, "missing.yaml", "no such file")
    assert not result.out.exists()


def test_style_sheet_copy_builds(run: Runner) -> None:
    path, _ = run.style()
    result = run.build(MINIMAL, "--style", str(path))
    assert result.rc == 0, result.stderr


def test_style_unknown_key(run: Runner) -> None:
    path, text = run.style(("  margin_top: 18mm\n", "  margin_top: 18mm\n  margn_left: 3mm\n"))
    result = run.build(MINIMAL, "--style", str(path))
    assert_problems(
        result,
        [(line_of(text, "margn_left"), 3, ("unknown key 'margn_left'", "did you mean 'margin_left'"))],
        file="style.yaml",
    )


def test_style_bad_unit(run: Runner) -> None:
    path, text = run.style(("  margin_top: 18mm", "  margin_top: 12px"))
    result = run.build(MINIMAL, "--style", str(path))
    assert_problems(
        result,
        [(line_of(text, "12px"), 15, ("margin_top", "expected a length", "'12px'"))],
        file="style.yaml",
    )


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(
            ("  body:\n    parent: base\n", "  body:\n    parent: base\n    size: 12px\n"), id="body"
        ),
        pytest.param(
            ("    size: 13pt\n", "    size: 12px\n"),
            id="inherited-from-base",
        ),
    ],
)
def test_style_bad_unit_in_a_text_size_is_one_problem(run: Runner, edit: tuple[str, str]) -> None:
    path, text = run.style(edit)
    result = run.build(MINIMAL, "--style", str(path))
    assert_problems(
        result,
        [(line_of(text, "12px"), 11, ("expected a length", "'12px'"))],
        file="style.yaml",
    )
    assert "below the" not in result.stderr


@pytest.mark.parametrize(
    ("edit", "needle", "col", "words"),
    [
        pytest.param(
            ("    size: 13pt\n", "    size: 11pt\n"),
            "11pt",
            11,
            ("styles.base: text of 11 pt is below", "12 pt minimum"),
            id="size",
        ),
        pytest.param(
            ("    leading: 1.45\n", "    leading: 0.9\n"),
            "leading: 0.9",
            14,
            ("styles.base: leading 0.9", "closer than the text size"),
            id="leading",
        ),
    ],
)
def test_style_base_value_below_the_rule_is_reported_once(
    run: Runner, edit: tuple[str, str], needle: str, col: int, words: tuple[str, ...]
) -> None:
    path, text = run.style(edit)
    result = run.build(MINIMAL, "--style", str(path))
    assert_problems(result, [(line_of(text, needle), col, words)], file="style.yaml")


def test_style_body_text_below_12pt(run: Runner) -> None:
    path, text = run.style(("  body:\n    parent: base\n", "  body:\n    parent: base\n    size: 11pt\n"))
    result = run.build(MINIMAL, "--style", str(path))
    assert_problems(
        result,
        [(line_of(text, "11pt"), 11, ("styles.body", "11 pt", "12 pt minimum"))],
        file="style.yaml",
    )


def test_style_low_contrast(run: Runner) -> None:
    path, text = run.style(
        ("  body:\n    parent: base\n", '  body:\n    parent: base\n    colour: "#999999"\n')
    )
    result = run.build(MINIMAL, "--style", str(path))
    assert_problems(
        result,
        [(line_of(text, "#999999"), 13, ("styles.body", "#999999", "contrast", "7:1"))],
        file="style.yaml",
    )


def test_style_missing_parent(run: Runner) -> None:
    path, text = run.style(("  body:\n    parent: base\n", "  body:\n    parent: basse\n"))
    result = run.build(MINIMAL, "--style", str(path))
    assert_problems(
        result,
        [(line_of(text, "basse"), 13, ("styles.body", "no style named 'basse'", "did you mean 'base'"))],
        file="style.yaml",
    )


def test_style_extends_a_missing_sheet(run: Runner) -> None:
    path, text = run.style(("name: Standard A4", "extends: nothing-here\nname: Standard A4"))
    result = run.build(MINIMAL, "--style", str(path))
    assert_problems(
        result, [(line_of(text, "nothing-here"), 10, ("extends", "nothing-here"))], file="style.yaml"
    )


# ---------------------------------------------------------------- 13. files and folders


def test_missing_content_file(run: Runner, tmp_path: Path) -> None:
    result = run.build(tmp_path / "missing.yaml")
    assert_one_bare_problem(result, "missing.yaml", "no such file")
    assert not result.out.exists()


def test_content_path_is_a_folder(run: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    result = run.build(folder)
    assert_one_bare_problem(result, "folder.yaml", "a folder with no content files")


def test_output_whose_parent_is_a_file(run: Runner, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    result = run.build(MINIMAL, out=blocker / "out.pdf")
    assert_one_bare_problem(result, "blocker/out.pdf", "cannot create the folder")
    assert blocker.read_text() == "not a folder"


def test_output_pdf_name_that_is_a_folder(run: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "taken.pdf"
    folder.mkdir()
    result = run.build(MINIMAL, out=folder)
    assert_one_bare_problem(result, "taken.pdf", "is a folder")
    assert list(folder.iterdir()) == []


# ---------------------------------------------------------------- 14. no damage


OLD_PDF = b"%PDF-1.4 the previous edition, which must survive\n"


def test_failing_build_leaves_the_old_pdf_alone(run: Runner, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    out.write_bytes(OLD_PDF)
    result = run.build(variant(("title: Test leaflet", "title: 42")), out=out)
    assert result.rc == 2
    assert "Traceback" not in result.stderr
    assert out.read_bytes() == OLD_PDF


def test_failing_write_leaves_the_old_pdf_and_no_temporary_file(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    out = folder / "out.pdf"
    out.write_bytes(OLD_PDF)

    def no_space(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    result = run.build(MINIMAL, out=out)
    assert_one_bare_problem(result, "pdfs/out.pdf", "No space left on device", "unchanged")
    assert out.read_bytes() == OLD_PDF
    assert sorted(p.name for p in folder.iterdir()) == ["out.pdf"]


# ---------------------------------------------------------------- 15. usage


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        pytest.param(["frobnicate"], ("invalid choice", "frobnicate"), id="unknown-command"),
        pytest.param(["build"], ("required", "content"), id="build-without-content"),
        pytest.param(["build", "a.yaml", "--colour", "red"], ("unrecognized",), id="unknown-option"),
    ],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], words: tuple[str, ...]) -> None:
    with pytest.raises(SystemExit) as exc_info:
        main(argv)
    assert exc_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("usage: leaflet")
    for word in words:
        assert word in err


def test_no_output_folder_is_created_by_a_failing_default_build(run: Runner, tmp_path: Path) -> None:
    # Without -o the PDF would go to output/<slug>.pdf: a failing build must not create it.
    run.write(variant(("title: Test leaflet", "title: 42")))
    run.capsys.readouterr()
    rc = main(["build", "content.yaml"])
    assert rc == 2
    assert not (tmp_path / "output").exists()


def test_a_10_mb_file_is_refused_quickly(run: Runner) -> None:
    padding = ("# " + "x" * 98 + "\n") * 100_000  # 10 MB of comments after a valid leaflet
    start = time.perf_counter()
    result = run.build(MINIMAL + padding)
    assert time.perf_counter() - start < 2
    assert_one_bare_problem(result, "content.yaml", "the limit is 2,097,152 bytes")


def test_a_malformed_link_is_a_located_error_never_raw_markup(run: Runner) -> None:
    result = run.build(
        variant(
            (
                "Hello world [@ref-one].",
                "See [our page](https://example.org/a b) or [this] (https://example.org/) [@ref-one].",
            )
        )
    )
    assert result.rc == 2, result.stderr
    assert len(result.lines) == 2, result.lines
    for line in result.lines:
        assert re.match(r".+\.yaml:\d+:\d+: error: this link cannot be read", line), line
    assert "Traceback" not in result.stderr


def test_the_quick_scan_for_control_characters_misses_none() -> None:
    # leaflet/content/texts.py scans each text once for a character it could report, and looks
    # character by character only when it finds one: it must find every one the tests report.
    import unicodedata

    from leaflet.content import texts

    reported = {
        chr(c)
        for c in range(0x110000)
        if chr(c) in texts._BIDI_CONTROLS or (unicodedata.category(chr(c)) == "Cc" and chr(c) not in "\n\t")
    }
    scanned = {chr(c) for c in range(0x110000) if texts._SUSPECT.search(chr(c))}
    assert scanned == reported and len(reported) == 74


def test_a_section_id_that_is_one_of_the_leaflets_own_places(run: Runner) -> None:
    text = variant(("  - heading: First\n", "  - heading: First\n    id: references\n"))
    line, col = position_of(text, "id: references")
    assert_problems(
        run.build(text),
        [(line, col + 4, ("sections[0].id", "'references' is used by the leaflet's references"))],
    )


@pytest.mark.parametrize(
    ("markup", "column"), [("****", 10), ("** **", 10), ("**\u200b**", 10), ("this is ****", 18)]
)
def test_markup_with_no_words_in_it_is_refused(run: Runner, markup: str, column: int) -> None:
    """Emphasis around nothing printed an empty paragraph, or nothing where the stars were."""
    text = variant(
        ("      - Hello world [@ref-one].\n", f"      - Hello world [@ref-one].\n      - '{markup}'\n")
    )
    assert_problems(run.build(text), [(13, column, ("'**' and '**' hold no words", "write \\*\\*"))])


def test_an_empty_output_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o ''` wrote the PDFs into the current folder."""
    content = tmp_path / "content.yaml"
    content.write_text(MINIMAL, "utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main(["build", str(content), "-o", ""])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "argument -o/--output: give a file name ending in .pdf or a folder; it is empty" in err
    assert not list(tmp_path.glob("*.pdf"))
