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


def test_fontconfig_is_asked_once_per_family_all_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet's families are looked up side by side; a package with both weights needs no fontconfig."""
    from leaflet import fontfiles

    events: list[str] = []
    real = subprocess.Popen

    class Recorded(real):  # type: ignore[misc,valid-type]
        def __init__(self, args: list[str], **kwargs: object) -> None:
            events.append("start " + args[-1])
            super().__init__(args, **kwargs)

        def communicate(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            events.append("read " + self.args[-1])
            return super().communicate(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", Recorded)
    monkeypatch.setattr(fontfiles, "_SYSTEM", {})
    fontfiles.look_up(
        ["Noto Nastaliq Urdu", "Atkinson Hyperlegible", "Noto Sans Bengali", "Noto Nastaliq Urdu"]
    )
    assert events == [
        "start :family=Noto Nastaliq Urdu",
        "start :family=Noto Sans Bengali",
        "read :family=Noto Nastaliq Urdu",
        "read :family=Noto Sans Bengali",
    ]
    urdu, bengali = fontfiles.system_files("Noto Nastaliq Urdu"), fontfiles.system_files("Noto Sans Bengali")
    assert urdu[fontfiles.REGULAR].name == "NotoNastaliqUrdu-Regular.ttf"
    assert bengali[fontfiles.BOLD].name == "NotoSansBengali-Bold.ttf"
    assert fontfiles.system_files("No Such Family Here") == {}
    assert len(events) == 6  # each family asked once; the unknown one too
    regular, bold = family_files("Atkinson Hyperlegible")  # packaged, both weights: no fontconfig
    assert (regular.name, bold.name) == ("AtkinsonHyperlegible-Regular.ttf", "AtkinsonHyperlegible-Bold.ttf")
    assert len(events) == 6


def test_a_family_s_regular_is_found_by_the_name_it_gives_it() -> None:
    """DejaVu calls its regular "Book": it was not found, and every word was set in bold.
    Condensed and slanted files of the family (fontconfig lists them under its name too) are
    never taken, nor is a file fontconfig rates by weight alone (Nastaliq's bold says 80)."""
    from leaflet.fontfiles import BOLD, REGULAR, _static_upright

    listing = "\n".join(
        [
            "/f/DejaVuSans-Bold.ttf|Bold|0|100|False",
            "/f/DejaVuSans-BoldOblique.ttf|Bold Oblique|110|100|False",
            "/f/DejaVuSans-ExtraLight.ttf|ExtraLight|0|100|False",
            "/f/DejaVuSans-Oblique.ttf|Oblique|110|100|False",
            "/f/DejaVuSans.ttf|Book|0|100|False",
            "/f/DejaVuSansCondensed-Bold.ttf|Condensed Bold|0|87|False",
            "/f/DejaVuSansCondensed.ttf|Condensed|0|87|False",
            "/f/Variable.ttf|Regular|0|100|True",
        ]
    )
    assert _static_upright(listing) == {
        REGULAR: Path("/f/DejaVuSans.ttf"),
        BOLD: Path("/f/DejaVuSans-Bold.ttf"),
    }
    # A family with a lighter "Book" and a "Regular": the Regular.
    both = "/f/Family-Book.ttf|Book|0|100|False\n/f/Family-Regular.ttf|Regular|0|100|False"
    assert _static_upright(both) == {REGULAR: Path("/f/Family-Regular.ttf")}
