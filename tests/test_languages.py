"""Leaflets in the languages patients read: the tool's own words, dates, fonts and scripts.

The test leaflets in tests/data/langs/ are short texts written for these tests;
each is built and read back (poppler's pdftotext and the structure tree) and
compared with its source words.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader

from leaflet.build import build_editions
from leaflet.cli import main
from leaflet.i18n import LOCALE_DIR, available, furniture

LANGS = Path(__file__).resolve().parent / "data" / "langs"


def catalogue(lang: str) -> dict[str, str]:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "leaflet.po").open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if m.id}


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def words(text: str) -> list[str]:
    return text.split()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every test leaflet in its standard edition."""
    out = tmp_path_factory.mktemp("langs")
    paths = {}
    for content in sorted(LANGS.glob("*.yaml")):
        (made,) = build_editions(content, ["standard"], output=out / f"{content.stem}.pdf")
        paths[content.stem] = made.path
    return paths


# ---------------------------------------------------------------- the catalogues


def test_the_catalogues_shipped() -> None:
    assert available() == ("ar", "bn", "cy", "en", "pl", "ur")


@pytest.mark.parametrize("lang", ["cy", "pl", "ar", "ur", "bn"])
def test_every_catalogue_translates_every_message_keeping_its_fields(lang: str) -> None:
    english, other = catalogue("en"), catalogue(lang)
    assert set(other) == set(english)
    for message, translated in other.items():
        assert translated and translated != message, message
        assert sorted(re.findall(r"\{\w+\}", translated)) == sorted(re.findall(r"\{\w+\}", message))


def test_dates_come_from_cldr() -> None:
    from datetime import date

    d = date(2026, 11, 26)
    assert furniture("en-GB").date(d) == "26 November 2026"
    assert furniture("cy").date(d) == "26 Tachwedd 2026"
    assert furniture("pl").date(d) == "26 listopada 2026"


def test_a_language_without_a_catalogue_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (LANGS / "cy.yaml").read_text("utf-8").replace("language: cy", "language: fa")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "language: fa" in t)
    src = tmp_path / "fa.yaml"
    src.write_text(text, "utf-8")
    out = tmp_path / "fa.pdf"
    assert main(["build", str(src), "-o", str(out), "--edition", "standard"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"{src}:{line}:13: error: metadata.language:"), err
    assert "'fa'" in err[0] and "ar, bn, cy, en, pl, ur" in err[0]
    assert not out.exists()


# ---------------------------------------------------------------- Welsh


def test_welsh_furniture_is_welsh(built: dict[str, Path]) -> None:
    text = pdftotext(built["cy"])
    for expected in (
        "Yn y daflen hon",
        "Am y daflen hon",
        "Tudalen 1 o 2",
        "Cyhoeddwyd 26 Tachwedd 2026",
        "Adolygiad nesaf 26 Tachwedd 2028",
        "Cyhoeddwr: MS Society.",
        "Ar-lein: https://www.mssociety.org.uk",
    ):
        assert expected in text, expected
    for english in ("In this leaflet", "Page 1", "Published", "Next review", "About this leaflet"):
        assert english not in text


def test_welsh_link_descriptions_are_welsh(built: dict[str, Path]) -> None:
    reader = PdfReader(built["cy"])
    contents = {str(a.get_object()["/Contents"]) for page in reader.pages for a in page.get("/Annots", [])}
    assert "Ewch i Beth yw blinder?" in contents
    assert "Agorwch https://www.mssociety.org.uk mewn porwr gwe" in contents
    assert not any(c.startswith(("Go to", "Open ")) for c in contents)
