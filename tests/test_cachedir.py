"""The one way a cache file is written: whole or not at all, with nothing left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaflet.cachedir import keep, keep_bytes


def test_a_kept_file_is_written_whole_under_its_name(tmp_path: Path) -> None:
    target = tmp_path / "fonts" / "face.ttf"
    assert keep(target, lambda tmp: tmp.write_bytes(b"whole")) == target
    assert target.read_bytes() == b"whole"
    assert [p.name for p in target.parent.iterdir()] == ["face.ttf"]


def test_a_writer_that_fails_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "face.ttf"
    target.write_bytes(b"old")

    def half(tmp: Path) -> None:
        tmp.write_bytes(b"ha")
        raise OSError("the disk is full")

    with pytest.raises(OSError, match="the disk is full"):
        keep(target, half)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["face.ttf"]


def test_a_stop_while_writing_leaves_no_temporary_file(tmp_path: Path) -> None:
    def stopped(tmp: Path) -> None:
        tmp.write_bytes(b"ha")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        keep(tmp_path / "face.ttf", stopped)
    assert list(tmp_path.iterdir()) == []


def test_bytes_that_cannot_be_kept_are_not(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_bytes(b"not a folder")
    keep_bytes(blocked / "answers.json", b"{}")  # its folder cannot be made: nothing kept, nothing raised
    keep_bytes(tmp_path / "answers.json", b"{}")
    assert (tmp_path / "answers.json").read_bytes() == b"{}"
