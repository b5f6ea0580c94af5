"""Fonts are known by their files: one family name declared twice never mixes the two."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from leaflet.build import build_leaflet
from leaflet.errors import ContentError
from leaflet.fontfiles import family_files
from tests.conftest import metadata_block

WELSH = metadata_block("Ŵyn", "wyn") + (
    "sections:\n  - heading: Yma\n    content:\n      - Mae ŵyn a ŷd yma.\nreferences: []\n"
)

SHEET = """\
extends: default
fonts:
  text: House
  fallback: []
  families:
    House:
      regular: {regular}
      bold: {bold}
"""


def _sheet(folder: Path, name: str, family: str) -> Path:
    regular, bold = family_files(family)
    path = folder / f"{name}.yaml"
    path.write_text(SHEET.format(regular=regular, bold=bold), "utf-8")
    return path


def _fonts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0].split("+")[-1] for line in out.splitlines()[2:]]


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_one_family_name_with_other_files_never_changes_what_another_sheet_draws(tmp_path: Path) -> None:
    """Noto Sans has ŵ and ŷ, Atkinson Hyperlegible has not; both sheets call their family House."""
    noto = _sheet(tmp_path, "noto", "Noto Sans")
    atkinson = _sheet(tmp_path, "atkinson", "Atkinson Hyperlegible")
    content = tmp_path / "wyn.yaml"
    content.write_text(WELSH, "utf-8")

    first = build_leaflet(content, str(noto), tmp_path / "first.pdf").path
    # The other House cannot draw ŵ: the coverage check must say so (it reads the file drawn).
    with pytest.raises(ContentError, match=r"'ŵ' \(U\+0175.*the font House lacks it"):
        build_leaflet(content, str(atkinson), tmp_path / "never.pdf")
    english = tmp_path / "english.yaml"
    english.write_text(WELSH.replace("ŵ", "w").replace("ŷ", "y").replace("Ŵ", "W"), "utf-8")
    second = build_leaflet(english, str(atkinson), tmp_path / "second.pdf").path
    third = build_leaflet(content, str(noto), tmp_path / "third.pdf").path

    assert set(_fonts(first)) == set(_fonts(third)) and all(f.startswith("NotoSans") for f in _fonts(third))
    assert all(f.startswith("AtkinsonHyperlegible") for f in _fonts(second)), _fonts(second)
    assert "Mae ŵyn a ŷd yma." in _text(third)
    assert first.read_bytes() == third.read_bytes()
