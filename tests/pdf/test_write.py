"""Writing PDFs: whole files only, with the permissions a reader expects."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

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


KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
import leaflet.pdf.write as w

real_write = os.write

def dying(fd, data):
    real_write(fd, data[: len(data) // 2])
    os.kill(os.getpid(), signal.SIGKILL)  # killed half-way through the new PDF

w.os.write = dying
w.write_atomically(Path(sys.argv[1]), b"%PDF-new" * 10000)
"""


def test_a_build_killed_while_writing_leaves_the_old_pdf_whole(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    out = tmp_path / "leaflet.pdf"
    out.write_bytes(b"%PDF-old and whole")
    proc = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(out)], capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert out.read_bytes() == b"%PDF-old and whole"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "leaflet.pdf"]
    assert len(leftovers) == 1 and leftovers[0].endswith(".tmp")  # SIGKILL gives no chance to clean up
    write_atomically(out, b"%PDF-next")  # the next build of the same file removes it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaflet.pdf"]
    assert out.read_bytes() == b"%PDF-next"


def test_a_full_disk_leaves_the_old_pdf_and_no_temporary_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import errno

    import pytest

    from leaflet.errors import OutputError

    out = tmp_path / "leaflet.pdf"
    out.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("leaflet.pdf.write.os.fsync", full)
    with pytest.raises(OutputError) as info:
        write_atomically(out, b"new" * 1000)
    assert "No space left on device" in str(info.value)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["leaflet.pdf"]


def test_a_live_temporary_file_of_another_build_is_never_removed(tmp_path: Path) -> None:
    """A build on another machine sharing the folder: its process number means nothing here, its lock does."""
    import fcntl

    out = tmp_path / "leaflet.pdf"
    theirs = tmp_path / ".leaflet.pdf.999999999.0badcafe.tmp"  # no such process here
    theirs.write_bytes(b"%PDF-half-written")
    with open(theirs, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # the other build is still writing it
        write_atomically(out, b"%PDF-mine")
        assert theirs.read_bytes() == b"%PDF-half-written"
    write_atomically(out, b"%PDF-mine again")  # once abandoned (no lock, no process), it goes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaflet.pdf"]


def test_a_planted_link_never_makes_the_pdf_writable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "anyone-may-write"
    target.write_bytes(b"theirs")
    target.chmod(0o666)
    out = tmp_path / "leaflet.pdf"
    out.symlink_to(target)
    old = os.umask(0o022)
    try:
        write_atomically(out, b"%PDF-mine")
    finally:
        os.umask(old)
    assert not out.is_symlink() and out.read_bytes() == b"%PDF-mine"
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert target.read_bytes() == b"theirs" and stat.S_IMODE(target.stat().st_mode) == 0o666


def test_a_file_name_with_a_control_character_is_refused(tmp_path: Path) -> None:
    import pytest

    from leaflet.errors import OutputError

    with pytest.raises(OutputError, match="control character"):
        write_atomically(tmp_path / "leaflet\n.pdf", b"%PDF")
    assert list(tmp_path.iterdir()) == []


def test_a_pdf_waits_for_the_disk_and_its_record_does_not(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The PDF is on the disk before it takes its name; the record beside it, which is checked
    against the PDF before any skip rests on it, is not made to wait."""
    import os

    from leaflet.cli import main
    from tests.conftest import metadata_block

    content = tmp_path / "synced.yaml"
    content.write_text(
        metadata_block("Synced", "synced")
        + "sections:\n  - heading: One\n    content:\n      - Words.\nreferences: []\n",
        "utf-8",
    )
    synced: list[str] = []
    real = os.fsync
    monkeypatch.setattr(
        "leaflet.pdf.write.os.fsync", lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}")) or real(fd)
    )
    assert main(["build", str(content), "--edition", "standard", "-o", str(tmp_path / "out")]) == 0
    (only,) = synced  # one file waited for the disk: the PDF's temporary file, not the record's
    assert Path(only).name.startswith(".synced.pdf.") and ".built" not in only
    assert (tmp_path / "out" / ".synced.pdf.built").is_file()


def test_a_folder_written_into_many_times_is_listed_about_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each write looks for its file's abandoned temporary files; a folder's listing serves a
    second's writes (a thousand-leaflet batch would list a growing folder a thousand times)."""
    from leaflet.pdf import write

    listed: list[str] = []
    real = os.listdir

    def counted(folder: str) -> list[str]:
        listed.append(folder)
        return real(folder)

    monkeypatch.setattr(write.os, "listdir", counted)
    monkeypatch.setattr(write, "LISTING_LIFETIME", 60.0)  # however slow the machine
    for n in range(40):
        write_atomically(tmp_path / f"leaflet-{n}.pdf", b"%PDF-whole")
    assert listed == [str(tmp_path)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"leaflet-{n}.pdf" for n in range(40))


def test_a_temporary_file_abandoned_after_the_folder_was_listed_is_cleaned_once_the_listing_is_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another build killed after this process listed the folder: the first write of that file
    once the listing is older than LISTING_LIFETIME lists the folder again and removes it."""
    from leaflet.pdf import write

    clock = [1000.0]
    monkeypatch.setattr(write.time, "monotonic", lambda: clock[0])
    write_atomically(tmp_path / "a.pdf", b"%PDF-a")
    gone = tmp_path / ".b.pdf.999999999.0badcafe.tmp"  # no such process, no lock
    gone.write_bytes(b"%PDF-part")
    write_atomically(tmp_path / "b.pdf", b"%PDF-b")
    assert gone.exists()  # the listing is a moment old
    clock[0] += write.LISTING_LIFETIME
    write_atomically(tmp_path / "b.pdf", b"%PDF-b2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf"]
    assert (tmp_path / "b.pdf").read_bytes() == b"%PDF-b2"


def test_a_folder_reached_through_a_link_and_dotdot_is_the_one_listed(tmp_path: Path) -> None:
    """`link/..` is the folder the link leads into's parent, as the system resolves it: the
    abandoned temporary file cleaned is the one beside the file written, not one of a folder
    named alike."""
    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    (work / "link").symlink_to(real / "sub")
    gone = real / ".x.pdf.999999999.0badcafe.tmp"  # no such process, no lock
    gone.write_bytes(b"%PDF-part")
    decoy = work / ".x.pdf.999999998.0decafba.tmp"
    decoy.write_bytes(b"%PDF-part")
    old = Path.cwd()
    os.chdir(work)
    try:
        write_atomically(Path("link/../x.pdf"), b"%PDF-whole")
    finally:
        os.chdir(old)
    assert (real / "x.pdf").read_bytes() == b"%PDF-whole"
    assert not gone.exists()
    assert decoy.exists()  # another folder's: not looked at
