"""A phone number given only as a tel: link is printed as a reader dials it: in its usual
groups, and never split at a line end."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from leaflet.build import build_editions
from leaflet.phones import printed_number
from tests.conftest import metadata_block, require_tool


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("08088008000", "0808 800 8000"),
        ("+448088008000", "0808 800 8000"),
        ("0808-800-8000", "0808 800 8000"),
        ("+33123456789", "+33 1 23 45 67 89"),  # another country's number keeps its code
        ("999", "999"),
        ("call us", "call us"),  # not a number: as written
    ],
)
def test_a_number_is_printed_in_its_groups(written: str, printed: str) -> None:
    assert printed_number(written).replace("\u00a0", " ") == printed
    if printed[0].isdigit() or printed[0] == "+":
        assert " " not in printed_number(written)  # the groups are joined by no-break spaces


def _large_print_text(tmp_path: Path, slug: str, paragraphs: str) -> str:
    """The words of a leaflet of these paragraphs in large print, as pdftotext reads them (no-break
    spaces read as spaces)."""
    content = tmp_path / f"{slug}.yaml"
    content.write_text(
        metadata_block("Phone", slug)
        + "sections:\n  - heading: Who to call\n    content:\n"
        + paragraphs
        + "references: []\n",
        "utf-8",
    )
    (built,) = build_editions(content, ["large-print"], None, tmp_path / "out")
    done = subprocess.run(
        [require_tool("pdftotext"), str(built.path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout.replace("\u00a0", " ")


def test_a_number_given_only_by_its_link_is_printed_whole_on_one_line(tmp_path: Path) -> None:
    require_tool("pdftotext")
    found = []
    # One more word before the link each time, so that the number meets the end of a line.
    for n in range(14):
        lead = " ".join(["Talk"] * n + ["then"])
        text = _large_print_text(
            tmp_path,
            f"phone-{n}",
            f"      - {lead} [Ring the MS Helpline](tel:08088008000) on any weekday for a talk.\n",
        )
        lines = [line for line in text.splitlines() if "0808" in line or "8000" in line]
        assert any("(0808 800 8000)" in line for line in lines), (n, lines)
        found.append(next(line for line in lines if "0808" in line).rstrip().endswith("(0808 800 8000)"))
    # The number did meet the end of a line, and went over whole.
    assert any(found)


def test_a_number_written_in_the_text_is_printed_whole_on_one_line(tmp_path: Path) -> None:
    """A number typed in its groups ("0808 800 8000") is never cut across lines either, in the
    PDF or on the page: its groups are joined by no-break spaces, as a tel: link's are."""
    from leaflet.web.page import typeset

    require_tool("pdftotext")
    paragraphs = "".join(
        f"      - {' '.join(['Talk'] * n + ['then'])} ring the free MS Helpline on 0808 800 8000 any weekday.\n"
        for n in range(14)
    )
    text = _large_print_text(tmp_path, "phones", paragraphs)
    lines = [line.rstrip() for line in text.splitlines() if "0808" in line or "8000" in line]
    assert len([line for line in lines if "0808 800 8000" in line]) == 14, lines
    assert all("0808 800 8000" in line for line in lines), lines  # no group left on another line
    # The number did meet the end of a line (and went over whole).
    assert any(line.endswith("0808 800 8000") or line.startswith("0808") for line in lines), lines
    assert "on 0808\u00a0800\u00a08000 any" in typeset("<p>on 0808 800 8000 any</p>", "en-GB")
