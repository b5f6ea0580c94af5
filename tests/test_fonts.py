"""Fonts are known by their files: one family name declared twice never mixes the two."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
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


@pytest.fixture
def fontconfig_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Each fc-list started and read, in order, in a process with nothing kept from earlier ones."""
    from leaflet import answers, fontfiles

    monkeypatch.setenv("LEAFLET_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(fontfiles, "_SYSTEM", {})
    answers.forget()
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
    yield events
    answers.forget()


def test_fontconfig_is_asked_once_per_family_all_at_once(fontconfig_events: list[str]) -> None:
    """A sheet's families are looked up side by side; a package with both weights needs no fontconfig."""
    from leaflet import fontfiles

    events = fontconfig_events
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


def test_what_fontconfig_listed_is_kept_until_a_font_folder_changes(
    fontconfig_events: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A later process takes fontconfig's listing from the cache, while fc-list, its settings and
    the folders of fonts are as they were; a family it did not find is asked again every time."""
    from leaflet import answers, fontfiles

    def later_process() -> None:
        answers.forget()
        monkeypatch.setattr(fontfiles, "_SYSTEM", {})

    fontfiles.look_up(["Noto Sans Bengali", "No Such Family Here"])
    first = fontfiles.system_files("Noto Sans Bengali")
    assert first[fontfiles.BOLD].name == "NotoSansBengali-Bold.ttf"
    assert len(fontconfig_events) == 4
    later_process()
    fontfiles.look_up(["Noto Sans Bengali", "No Such Family Here"])
    assert fontfiles.system_files("Noto Sans Bengali") == first
    assert fontconfig_events[4:] == ["start :family=No Such Family Here", "read :family=No Such Family Here"]
    # A font added to a folder of fonts (the user's own here) changes what fontconfig would list.
    data_home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    (data_home / "fonts").mkdir(parents=True)
    later_process()
    fontfiles.look_up(["Noto Sans Bengali"])
    assert fontconfig_events[6:] == ["start :family=Noto Sans Bengali", "read :family=Noto Sans Bengali"]
    later_process()
    fontfiles.look_up(["Noto Sans Bengali"])
    assert len(fontconfig_events) == 8
    (data_home / "fonts" / "NewFont-Regular.ttf").write_bytes(b"")
    later_process()
    fontfiles.look_up(["Noto Sans Bengali"])
    assert len(fontconfig_events) == 10
    assert fontfiles.system_files("Noto Sans Bengali") == first


def test_a_kept_listing_whose_files_are_gone_is_asked_again(
    fontconfig_events: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leaflet import answers, fontfiles

    gone = tmp_path / "Gone-Regular.ttf"
    answers.kept("fontconfig", "Gone Family", fontfiles.fontconfig_state)
    answers.keep("fontconfig", "Gone Family", f"{gone}|Regular|False\n")
    answers.forget()
    fontfiles.look_up(["Gone Family"])
    assert fontconfig_events == ["start :family=Gone Family", "read :family=Gone Family"]
    assert fontfiles.system_files("Gone Family") == {}
