"""Figures with a plain zero: the embedded zero is the open one, and still reads as "0"."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from leaflet.cachedir import seal_of
from leaflet.fontfiles import family_files
from leaflet.zero import with_open_zero, zero_contours
from tests.conftest import BuiltPdf
from tests.pdf.reader import _unicode_map


def _zero_glyphs(reader: PdfReader) -> dict[str, int]:
    """For each embedded font: the contours of the glyph its ToUnicode map reads as "0"."""
    found: dict[str, int] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            codes = [code for code, text in _unicode_map(font).items() if text == "0"]
            if not codes:
                continue
            descriptor = font["/FontDescriptor"].get_object()
            face = TTFont(BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            cmap = face["cmap"].tables[0].cmap  # ReportLab's subset: one table, code → glyph
            glyph = face["glyf"][cmap[codes[0]]]
            found[str(font["/BaseFont"])] = glyph.numberOfContours
    return found


def test_atkinson_hyperlegible_slashes_its_zero() -> None:
    # What the rest of this file guards against: the face's own zero has a counter cut in two.
    for path in family_files("Atkinson Hyperlegible"):
        assert zero_contours(path) == 3


def test_the_derived_font_has_an_open_zero_and_the_same_metrics() -> None:
    for path in family_files("Atkinson Hyperlegible"):
        derived = with_open_zero(path)
        assert derived != path and zero_contours(derived) == 2
        source, made = TTFont(str(path)), TTFont(str(derived))
        assert made.getBestCmap() == source.getBestCmap()
        assert made["hmtx"].metrics == source["hmtx"].metrics
        # Made once, named by the source's digest.
        assert with_open_zero(path) == derived
        # The counter lies inside the outer contour: the zero is a ring, not a blot.
        g = made["glyf"]["zero"]
        coords, ends, _ = g.getCoordinates(made["glyf"])
        outer, counter = coords[: ends[0] + 1], coords[ends[0] + 1 :]
        assert min(x for x, _ in outer) < min(x for x, _ in counter)
        assert max(y for _, y in counter) < max(y for _, y in outer)


def test_a_font_with_a_plain_zero_is_used_as_it_is() -> None:
    noto, _ = family_files("Noto Sans")
    assert with_open_zero(noto) == noto


def test_a_font_with_no_figures_is_used_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A family with no "0" at all (Noto Sans Adlam, Noto Music) was an internal error (KeyError: 48).
    monkeypatch.setenv("LEAFLET_CACHE", str(tmp_path / "cache"))
    regular, _ = family_files("Atkinson Hyperlegible")
    font = TTFont(str(regular))
    for table in font["cmap"].tables:
        table.cmap.pop(0x30, None)
    figureless = tmp_path / "Figureless.ttf"
    font.save(str(figureless))
    assert with_open_zero(figureless) == figureless


def test_every_embedded_zero_is_open(ccsvi_pdf: BuiltPdf) -> None:
    zeros = _zero_glyphs(ccsvi_pdf.reader)
    assert any("AtkinsonHyperlegible" in name for name in zeros), zeros
    assert zeros and all(contours == 2 for contours in zeros.values()), zeros


def test_a_cache_folder_that_cannot_be_written_falls_back(tmp_path: Path, monkeypatch) -> None:
    locked = tmp_path / "locked"
    locked.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(locked))
    path, _ = family_files("Atkinson Hyperlegible")
    derived = with_open_zero(path)
    assert derived.exists() and zero_contours(derived) == 2


def test_a_derived_font_cut_short_or_replaced_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The derived font is kept with the digest of its bytes beside it: a file cut short (a full
    disk, a hand) or replaced by another font is made again, not used (a cut one stopped every
    build with an internal error until the cache was found and deleted)."""

    monkeypatch.setenv("LEAFLET_CACHE", str(tmp_path / "cache"))
    regular, bold = family_files("Atkinson Hyperlegible")
    made = with_open_zero(regular)
    good = made.read_bytes()
    assert made != regular and zero_contours(made) == 2
    made.write_bytes(good[: len(good) // 2])  # cut short
    assert with_open_zero(regular) == made and made.read_bytes() == good
    made.write_bytes(with_open_zero(bold).read_bytes())  # another font of the right name
    assert with_open_zero(regular) == made and made.read_bytes() == good
    seal_of(made).unlink()  # kept before seals: made again, and sealed
    assert with_open_zero(regular) == made and seal_of(made).is_file()


def test_a_shared_temporary_folder_someone_else_could_write_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no cache folder to write, derived fonts go to leaflet-fonts-UID in the temporary
    folder, whose name anyone can know: only when it is this user's alone; else to a folder of
    this process's own."""
    import os
    import tempfile

    import leaflet.zero as zero

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(zero, "_OWN", [])
    shared = tmp_path / f"leaflet-fonts-{os.getuid()}"
    assert zero._private_temporary() == shared and (shared.stat().st_mode & 0o777) == 0o700
    shared.chmod(0o777)  # made under a loose umask: this user's, but anyone may write there
    assert zero._private_temporary() == shared and (shared.stat().st_mode & 0o777) == 0o700
    # Another user's folder of that name (as this process, another user): a folder of its own.
    monkeypatch.setattr(os, "getuid", lambda: shared.stat().st_uid + 1)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "other"))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / f"leaflet-fonts-{shared.stat().st_uid + 1}").mkdir(mode=0o700)
    own = zero._private_temporary()
    assert (
        own.parent == tmp_path / "other"
        and own.name.startswith("leaflet-fonts-")
        and own.name != (f"leaflet-fonts-{shared.stat().st_uid + 1}")
    )
    assert own.is_dir() and (own.stat().st_mode & 0o077) == 0
    assert zero._private_temporary() == own  # one for the process
