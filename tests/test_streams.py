"""Output that cannot take UTF-8, or cannot be written at all, never stops a batch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import metadata_block


def _batch(tmp_path: Path) -> Path:
    folder = tmp_path / "Taflenni ŵyn"  # a Welsh folder name: printed in every progress line
    folder.mkdir()
    for n in (1, 2):
        (folder / f"taflen-{n}.yaml").write_text(
            metadata_block(f"Taflen {n}", f"taflen-{n}")
            + "sections:\n  - heading: Yma\n    content:\n      - Mae ŵyn a ŷd yma.\nreferences: []\n",
            "utf-8",
        )
    return folder


def _run(
    tmp_path: Path, folder: Path, env: dict[str, str], **streams: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "leaflet.cli", "build", folder.name, "-o", "out"],
        cwd=tmp_path,
        env={**os.environ, **env},
        text=True,
        timeout=300,
        **streams,  # type: ignore[call-overload]
    )


def _built(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))


@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONIOENCODING": "ascii"},
        # A C locale that Python is told not to take as UTF-8: output in ASCII.
        {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
    ],
)
def test_a_terminal_that_cannot_show_a_character_gets_it_escaped(tmp_path: Path, env: dict[str, str]) -> None:
    folder = _batch(tmp_path)
    result = _run(tmp_path, folder, env, capture_output=True, encoding="ascii", errors="strict")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "2 built, 0 up to date, 0 failed" in result.stderr
    assert _built(tmp_path) == ["taflen-1.pdf", "taflen-2.pdf"]
    # ŵ as \u0175, or (in the C locale, where file names are bytes) as the bytes' escapes
    assert "[1/2] built: Taflenni \\u0175yn/taflen-1.yaml" in result.stderr or (
        "[1/2] built: Taflenni \\udcc5\\udcb5yn/taflen-1.yaml" in result.stderr
    )


def test_a_full_disk_under_stdout_stops_nothing(tmp_path: Path) -> None:
    folder = _batch(tmp_path)
    with open("/dev/full", "w") as full:
        result = _run(tmp_path, folder, {}, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert _built(tmp_path) == ["taflen-1.pdf", "taflen-2.pdf"]


def test_a_reader_that_went_away_stops_nothing(tmp_path: Path) -> None:
    folder = _batch(tmp_path)
    read, write = os.pipe()
    os.close(read)  # `leaflet build … | head -0`: nobody reads what is printed
    try:
        result = _run(tmp_path, folder, {}, stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert _built(tmp_path) == ["taflen-1.pdf", "taflen-2.pdf"]


def test_a_line_break_in_a_value_stays_on_the_error_line(tmp_path: Path) -> None:
    """A slug ending in a line break is refused where it is written, and the message is one line."""
    content = tmp_path / "nl.yaml"
    content.write_text(metadata_block("T", '"abc\\n"') + "sections: []\nreferences: []\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "leaflet.cli", "build", "nl.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert any(
        line.startswith("nl.yaml:3:9: error: metadata.slug: expected lower-case letters")
        and line.endswith("found text 'abc\\n'")
        for line in lines
    ), lines
    assert not (tmp_path / "output").exists()
