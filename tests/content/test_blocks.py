"""The blocks of real pages in the content model, and what editors commonly write.

What the loader makes of quotations, terms, questions, notes, key points and
the next steps panel; unquoted "Label: text" lines read as the text they are;
and the one located line for each mistake it cannot read.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from leaflet.content.loader import load_leaflet
from leaflet.content.model import (
    BlockQuote,
    Leaflet,
    ListBlock,
    NoteRef,
    Paragraph,
    QuestionList,
    TermList,
    plain_text,
)
from leaflet.errors import ContentError

DATA = Path(__file__).resolve().parent.parent / "data"

HEAD = """\
metadata:
  title: Test
  slug: test
  language: en-GB
  organisation: Test Org
  published: 2026-01-10
"""


def load(tmp_path: Path, body: str, head: str = HEAD) -> Leaflet:
    path = tmp_path / "content.yaml"
    path.write_text(head + body, "utf-8")
    return load_leaflet(path)


def problems(tmp_path: Path, body: str, head: str = HEAD) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load(tmp_path, body, head)
    return [str(p) for p in caught.value.problems]


def line_col(text: str, needle: str) -> str:
    index = text.index(needle)
    return f"{text.count(chr(10), 0, index) + 1}:{index - text.rfind(chr(10), 0, index)}"


# ---------------------------------------------------------------- editors' text


def test_unquoted_label_lines_are_read_as_the_text_written(tmp_path: Path) -> None:
    leaflet = load_leaflet(DATA / "mri-scan.yaml")
    before = leaflet.sections[1].blocks
    assert isinstance(before[0], Paragraph) and plain_text(before[0].inlines) == "Before the scan:"
    assert isinstance(before[1], ListBlock)
    assert [plain_text(i.inlines) for i in before[1].items] == [
        "fill in the safety questionnaire we send you",
        "bring a list of the medicines you take",
    ]
    assert isinstance(before[2], ListBlock)
    assert [plain_text(i.inlines) for i in before[2].items] == [
        "Medication: take it as usual unless your letter says otherwise.",
        "Jewellery: leave it at home if you can.",
    ]
    # The block after the split lead-in keeps its own place in the file.
    text = (DATA / "mri-scan.yaml").read_text("utf-8")
    assert f"{before[2].location.line}:{before[2].location.column}" == line_col(text, "- Medication")


def test_an_item_ending_in_a_colon_and_one_holding_a_list(tmp_path: Path) -> None:
    leaflet = load(
        tmp_path,
        """sections:
  - heading: One
    content:
      - You will need:
      - bullets:
          - Before the scan:
          - After the scan:
              - rest
              - drink water
          - Remember: 3 things
""",
    )
    blocks = leaflet.sections[0].blocks
    assert plain_text(blocks[0].inlines) == "You will need:"
    items = blocks[1].items
    assert [plain_text(i.inlines) for i in items] == [
        "Before the scan:",
        "After the scan:",
        "Remember: 3 things",
    ]
    assert [plain_text(i.inlines) for i in items[1].sublist.items] == ["rest", "drink water"]


def test_a_mistake_inside_unquoted_label_text_is_located_where_it_is_written(tmp_path: Path) -> None:
    body = """sections:
  - heading: One
    content:
      - bullets:
          - Medication: take it **with food
"""
    found = problems(tmp_path, body)
    assert found == [
        f"{tmp_path / 'content.yaml'}:{line_col(HEAD + body, '**with')}: error: '**' opens bold text that is "
        "never closed; close it with '**' or write \\*\\*"
    ]


def test_a_misspelt_key_is_still_a_misspelt_key(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """sections:
  - heading: One
    content:
      - bullets:
          - txet: words
""",
    )
    assert any("unknown key 'txet'; did you mean 'text'?" in p for p in found)


def test_text_that_reads_as_a_key_beside_others_says_to_quote_it(tmp_path: Path) -> None:
    body = """sections:
  - heading: One
    content:
      - bullets: [a]
        Remember to: bring your letter
"""
    found = problems(tmp_path, body)
    assert found == [
        f"{tmp_path / 'content.yaml'}:{line_col(HEAD + body, 'Remember to')}: error: "
        "sections[0].content[0].Remember to: unknown key 'Remember to'; if this is text, put all of it "
        "in quotes: 'Remember to: …'"
    ]


# ---------------------------------------------------------------- the blocks


def test_quotations_terms_questions_and_notes_in_the_model() -> None:
    leaflet = load_leaflet(DATA / "every-block.yaml")
    quotes = [b for b in leaflet.sections[0].blocks if isinstance(b, BlockQuote)]
    assert [(len(q.paragraphs), q.who, q.when, q.source and q.source.number) for q in quotes] == [
        (1, None, None, None),
        (2, "A person who said it", "2025", None),
        (1, "A published report", None, 1),
    ]
    terms = next(b for b in leaflet.sections[1].blocks if isinstance(b, TermList))
    assert [t.term for t in terms.items] == ["Term one", "Term two"]
    assert plain_text(terms.items[0].inlines) == "what the first term means."
    faq = next(b for b in leaflet.sections[1].blocks if isinstance(b, QuestionList))
    assert [(q.number, q.question, len(q.blocks)) for q in faq.questions] == [
        (1, "Is this the first question?", 1),
        (2, "Is there a second?", 2),
    ]
    marker = leaflet.key_points[2].inlines[-2]
    assert isinstance(marker, NoteRef) and (marker.note_id, marker.number) == ("first", 1)
    assert [(n.id, n.number) for s in leaflet.all_sections() for n in s.notes] == [
        ("first", 1),
        ("second", 2),
    ]
    assert leaflet.all_sections().__next__().level == 2
    assert [s.level for s in leaflet.all_sections()] == [2, 2, 3, 4]
    assert leaflet.next_steps is not None and leaflet.next_steps.anchor == "what-to-do-next"


def test_a_term_mapping_written_unquoted_is_a_term() -> None:
    terms = next(
        b for b in load_leaflet(DATA / "mri-scan.yaml").sections[0].blocks if isinstance(b, TermList)
    )
    assert [(t.term, plain_text(t.inlines)[:20]) for t in terms.items] == [
        ("Radiographer", "the person who carrie"[:20]),
        ("Contrast dye", "a liquid injected in"),
        ("Coil", "a frame placed over "),
    ]


def test_the_mistakes_of_new_blocks_are_one_located_line_each(tmp_path: Path) -> None:
    body = """sections:
  - heading: One
    content:
      - A marker [^nose] here.
      - terms:
          - No separator here
      - links:
          - text: A page
            url: https://example.org/
      - quote:
          text: Words.
          source: nowhere
    notes:
      - id: noise
        text: A note.
      - id: noise
        text: The same id.
"""
    text = HEAD + body
    file = tmp_path / "content.yaml"
    assert problems(tmp_path, body) == [
        f"{file}:{line_col(text, 'links:')}: error: sections[0].content[2]: links go under a paragraph: "
        "write its text as paragraph: beside links:"
    ]
    body = body.replace(
        "      - links:\n          - text: A page\n            url: https://example.org/\n", ""
    )
    text = HEAD + body
    assert problems(tmp_path, body) == [
        f"{file}:{line_col(text, '[^nose]')}: error: note marker [^nose] names no note; did you mean 'noise'?",
        f"{file}:{line_col(text, 'No separator')}: error: sections[0].content[1].terms[0]: a term is written "
        "'Term: what it means' or 'Term – what it means', or as term: and text:",
        f"{file}:{line_col(text, 'nowhere')}: error: sections[0].content[2].quote.source: 'nowhere' names no "
        "reference",
        f"{file}:{line_col(text, 'noise' + chr(10) + '        text: The same')}: error: sections[0].notes[1].id: "
        "'noise' is used twice",
    ]


def test_key_points_are_at_most_five(tmp_path: Path) -> None:
    body = "key_points: [a, b, c, d, e, f]\nsections:\n  - heading: One\n"
    found = problems(tmp_path, body)
    assert len(found) == 1 and "key_points" in found[0]


# ---------------------------------------------------------------- honest metadata


def test_version_review_and_references_may_be_left_out(tmp_path: Path) -> None:
    leaflet = load(tmp_path, "sections:\n  - heading: One\n    content: [Words.]\n")
    m = leaflet.metadata
    assert (m.version, m.next_review, leaflet.references) == (None, None, ())


def test_month_only_dates(tmp_path: Path) -> None:
    head = HEAD.replace("2026-01-10", "2014-06") + (
        "  next_review: 2016-06\n  first_published: 2013-11\n  approved:\n    by: Panel\n    date: 2014-05\n"
        "  author: A team\n  department: A service\n"
    )
    m = load(tmp_path, "sections:\n  - heading: One\n", head).metadata
    assert (m.published, m.next_review, m.first_published, m.approved) == (
        date(2014, 6, 1),
        date(2016, 6, 1),
        date(2013, 11, 1),
        date(2014, 5, 1),
    )
    assert m.month_only == {"published", "next_review", "first_published", "approved"}
    assert (m.approved_by, m.author, m.department) == ("Panel", "A team", "A service")


def test_bad_month_and_first_publication_after_publication(tmp_path: Path) -> None:
    head = HEAD.replace("2026-01-10", "2014-13")
    found = problems(tmp_path, "sections:\n  - heading: One\n", head)
    assert found[0].endswith(
        "error: metadata.published: expected a date as YYYY-MM-DD, or a month as YYYY-MM, found text '2014-13'"
    )
    head = HEAD + "  first_published: 2026-02\n"
    found = problems(tmp_path, "sections:\n  - heading: One\n", head)
    assert found == [
        f"{tmp_path / 'content.yaml'}:7:20: error: metadata.first_published: must not come after "
        "metadata.published"
    ]


def test_the_command_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "content.yaml"
    path.write_text(HEAD + "sections:\n  - heading: One\n    content: ['See [^gone].']\n", "utf-8")
    out = tmp_path / "out.pdf"
    out.write_bytes(b"%PDF-earlier")
    run = subprocess.run(
        [sys.executable, "-m", "leaflet.cli", "build", str(path), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"{path}:9:20: error: note marker [^gone] names no note; add it to the section's notes:"
    ]
    assert "Traceback" not in run.stderr and out.read_bytes() == b"%PDF-earlier"
