"""Writing PDFs: whole files only, with the permissions a reader expects."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from leaflet.pdf.write import write_atomically


def test_a_new_pdf_gets_the_usual_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "new.pdf"
        write_atomically(out, b"%PDF-1.7 test")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert out.read_bytes() == b"%PDF-1.7 test"
    assert [p.name for p in tmp_path.iterdir()] == ["new.pdf"]


def test_a_replaced_pdf_keeps_its_permissions(tmp_path: Path) -> None:
    out = tmp_path / "old.pdf"
    out.write_bytes(b"old")
    out.chmod(0o640)
    write_atomically(out, b"new")
    assert out.read_bytes() == b"new"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_missing_folders_are_made(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "leaflet.pdf"
    write_atomically(out, b"x")
    assert out.read_bytes() == b"x"
