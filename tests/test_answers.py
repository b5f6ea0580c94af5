"""What a library answered, kept between processes (leaflet/answers.py), is the library's, and never stale.

A later process prints the same dates without loading Babel, and the same phone numbers without
loading phonenumbers; a changed question (tag, date, form; region, number), another version of
the library or of the tool never gets an answer kept for something else; a damaged file is asked
again; the file stays bounded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date, format_skeleton

from leaflet import answers

TAGS = ("en-GB", "cy", "pl", "ar", "ur", "bn", "en-US")

PRINT = f"""
import sys
from datetime import date
from leaflet.i18n import furniture
for tag in {TAGS!r}:
    words = furniture(tag)
    print(tag, words.date(date(2026, 11, 26)), "|", words.date(date(2014, 6, 1), month_only=True))
print("babel loaded:", "babel.dates" in sys.modules)
"""


def run(cache: Path) -> list[str]:
    env = {**os.environ, "LEAFLET_CACHE": str(cache)}
    out = subprocess.run([sys.executable, "-c", PRINT], env=env, capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def test_a_later_process_prints_babels_dates_without_babel(tmp_path: Path) -> None:
    first = run(tmp_path)
    assert first[-1] == "babel loaded: True"
    (kept,) = (tmp_path / "answers").glob("babel-*.json")
    assert len(json.loads(kept.read_text("utf-8"))) == 2 * len(TAGS)
    again = run(tmp_path)
    assert again[-1] == "babel loaded: False"
    assert again[:-1] == first[:-1]
    expected = []
    for tag in TAGS:
        locale = Locale.parse(tag, sep="-")
        full = format_date(date(2026, 11, 26), format="long", locale=locale)
        expected.append(f"{tag} {full} | {format_skeleton('yMMMM', date(2014, 6, 1), locale=locale)}")
    assert first[:-1] == expected
    assert "en-GB 26 November 2026 | June 2014" in first
    assert "cy 26 Tachwedd 2026 | Mehefin 2014" in first


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("LEAFLET_CACHE", str(tmp_path))
    monkeypatch.setattr(answers, "library_identity", lambda library: "babel-1.0.dist-info aaaa")
    answers.forget()
    yield tmp_path / "answers"
    answers.forget()


def test_each_question_has_its_own_answer_kept_for_the_next_process(kept: Path) -> None:
    assert (
        answers.answer("babel", "date cy 2026-11-26 long", lambda: "26 Tachwedd 2026") == "26 Tachwedd 2026"
    )
    assert (
        answers.answer("babel", "date cy 2026-11-27 long", lambda: "27 Tachwedd 2026") == "27 Tachwedd 2026"
    )
    assert (
        answers.answer("babel", "date pl 2026-11-26 long", lambda: "26 listopada 2026") == "26 listopada 2026"
    )
    answers.forget()  # as a new process
    assert answers.answer("babel", "date cy 2026-11-26 long", lambda: "asked again") == "26 Tachwedd 2026"
    assert answers.answer("babel", "date cy 2026-11-26 yMMMM", lambda: "Tachwedd 2026") == "Tachwedd 2026"


def test_another_babel_or_another_tool_never_reads_these_answers(
    kept: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leaflet import stamp

    answers.answer("babel", "date cy 2026-11-26 long", lambda: "an answer of Babel 1.0")
    monkeypatch.setattr(answers, "library_identity", lambda library: "babel-2.0.dist-info bbbb")
    answers.forget()
    assert answers.answer("babel", "date cy 2026-11-26 long", lambda: "Babel 2.0's") == "Babel 2.0's"
    monkeypatch.setattr(stamp, "tool_fingerprint", lambda: "another version of the tool")
    answers.forget()
    assert answers.answer("babel", "date cy 2026-11-26 long", lambda: "the new tool's") == "the new tool's"
    assert len(list(kept.glob("babel-*.json"))) == 3
    # Babel unknown (no metadata to name the file by): always asked, nothing kept.
    monkeypatch.setattr(answers, "library_identity", lambda library: None)
    answers.forget()
    asked: list[str] = []
    for _ in range(2):
        assert (
            answers.answer("babel", "date cy 2026-11-26 long", lambda: asked.append("x") or "fresh")
            == "fresh"
        )
    assert asked == ["x", "x"]


def test_a_damaged_file_is_asked_again_and_written_whole(kept: Path) -> None:
    answers.answer("babel", "q", lambda: "a")
    (path,) = kept.glob("babel-*.json")
    for damage in (b"{not json", b'{"q": 3}', b'["q"]', b"\xff\xfe"):
        path.write_bytes(damage)
        answers.forget()
        assert answers.answer("babel", "q", lambda: "asked") == "asked"
        assert json.loads(path.read_text("utf-8")) == {"q": "asked"}
    assert [p.name for p in kept.iterdir()] == [path.name]  # no temporary file left


def test_the_answers_are_bounded(kept: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers, "MAX_ENTRIES", 3)
    for n in range(7):
        answers.answer("babel", f"q{n}", lambda n=n: f"a{n}")  # type: ignore[misc]
        (path,) = kept.glob("babel-*.json")
        assert 1 <= len(json.loads(path.read_text("utf-8"))) <= 3
    monkeypatch.setattr(answers, "KEEP_FILES", 2)
    for version in ("b", "c", "d"):
        monkeypatch.setattr(
            answers, "library_identity", lambda library, version=version: f"babel-{version} x"
        )
        answers.forget()
        answers.answer("babel", "q", lambda: "a")
    assert len(list(kept.glob("babel-*.json"))) == 2


def test_dates_are_kept_by_language_date_and_form() -> None:
    # The footer asks for the same dates on every page: each is written by Babel once per
    # process, kept by the language's tag, the date and whether it is a month only.
    from datetime import date

    from leaflet.i18n import _date, furniture

    _date.cache_clear()
    d = date(2026, 11, 26)
    assert furniture("en-GB").date(d) == "26 November 2026"
    assert furniture("en-GB").date(d) == "26 November 2026"
    assert _date.cache_info().hits == 1
    assert furniture("cy").date(d) == "26 Tachwedd 2026"
    assert furniture("en-GB").date(date(2026, 11, 27)) == "27 November 2026"
    assert furniture("en-GB").date(d, month_only=True) == "November 2026"
    assert furniture("en-US").date(d) == "November 26, 2026"
    assert _date.cache_info().maxsize is not None


PHONE = """
import sys
from leaflet.phones import printed_number
print(printed_number("08088008000"), "|", printed_number("+33123456789"), "|", printed_number("call us"))
print("phonenumbers loaded:", "phonenumbers" in sys.modules)
"""


def test_a_later_process_prints_phone_numbers_without_phonenumbers(tmp_path: Path) -> None:
    import phonenumbers

    env = {**os.environ, "LEAFLET_CACHE": str(tmp_path)}

    def run_phone() -> list[str]:
        out = subprocess.run(
            [sys.executable, "-c", PHONE], env=env, capture_output=True, text=True, check=True
        )
        return out.stdout.splitlines()

    first = run_phone()
    assert first[-1] == "phonenumbers loaded: True"
    uk = phonenumbers.format_number(
        phonenumbers.parse("08088008000", "GB"), phonenumbers.PhoneNumberFormat.NATIONAL
    ).replace(" ", "\u00a0")
    assert first[0] == f"{uk} | +33\u00a01\u00a023\u00a045\u00a067\u00a089 | call us"
    (kept,) = (tmp_path / "answers").glob("phonenumbers-*.json")
    assert len(json.loads(kept.read_text("utf-8"))) == 3
    again = run_phone()
    assert again == [first[0], "phonenumbers loaded: False"]


def test_each_library_keeps_its_own_answers(kept: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same question put to two libraries gets each one's answer; another version of one
    # library asks it again and leaves the other's answers alone.
    versions = {"babel": "babel-1.0.dist-info aaaa", "phonenumbers": "phonenumberslite-9.0.dist-info cccc"}
    monkeypatch.setattr(answers, "library_identity", lambda library: versions[library])
    answers.forget()
    assert answers.answer("babel", "q", lambda: "Babel's") == "Babel's"
    assert answers.answer("phonenumbers", "q", lambda: "phonenumbers'") == "phonenumbers'"
    versions["phonenumbers"] = "phonenumberslite-9.1.dist-info dddd"
    answers.forget()
    assert answers.answer("babel", "q", lambda: "asked again") == "Babel's"
    assert answers.answer("phonenumbers", "q", lambda: "9.1's") == "9.1's"


def test_the_installed_libraries_are_named_by_their_records() -> None:
    for library in answers.LIBRARIES:
        identity = answers.library_identity(library)
        assert identity is not None, library
        name, digest = identity.split(" ")[:2]
        assert name.endswith(".dist-info") and len(digest) == 64, identity


def test_a_library_is_named_by_every_distribution_of_it_and_their_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    (site / "fakelib").mkdir(parents=True)
    (site / "fakelib" / "__init__.py").write_text("", "utf-8")
    (site / "fakelib-1.0.dist-info").mkdir()
    (site / "fakelib-1.0.dist-info" / "RECORD").write_text("fakelib/__init__.py,,0\n", "utf-8")
    (site / "otherlib-2.0.dist-info").mkdir()  # another distribution beside it: not named
    (site / "otherlib-2.0.dist-info" / "RECORD").write_text("x", "utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setitem(answers.LIBRARIES, "fakelib", ("fakelib", "fakelib_lite"))
    first = answers.library_identity("fakelib")
    assert first is not None and first.startswith("fakelib-1.0.dist-info ") and "otherlib" not in first
    (site / "fakelib-1.0.dist-info" / "RECORD").write_text("fakelib/__init__.py,sha256=abc,1\n", "utf-8")
    changed = answers.library_identity("fakelib")
    assert changed is not None and changed != first
    (site / "fakelib_lite-1.0.dist-info").mkdir()
    (site / "fakelib_lite-1.0.dist-info" / "RECORD").write_text("lite", "utf-8")
    both = answers.library_identity("fakelib")
    assert both is not None and both.startswith(changed) and "fakelib_lite-1.0.dist-info" in both


def test_a_stop_while_writing_leaves_no_temporary_file(kept: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers.answer("babel", "q", lambda: "a")

    def stopped(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(answers.os, "replace", stopped)
    with pytest.raises(KeyboardInterrupt):
        answers.answer("babel", "another", lambda: "b")
    assert [p.name for p in kept.iterdir() if p.name.endswith(".tmp")] == []


def test_temporary_files_left_by_a_killed_process_are_removed_in_time(kept: Path) -> None:
    kept.mkdir(parents=True)
    old, recent = kept / ".babel-x.json.123.tmp", kept / ".babel-x.json.456.tmp"
    old.write_bytes(b"half")
    recent.write_bytes(b"half")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    answers.answer("babel", "q", lambda: "a")
    assert not old.exists() and recent.exists()


def test_any_text_can_be_kept(kept: Path) -> None:
    for value in ("Tachwedd ŵ", "\ud800 a lone surrogate", "ا ب"):
        assert answers.answer("babel", value, lambda value=value: value) == value  # type: ignore[misc]
    answers.forget()
    assert answers.answer("babel", "\ud800 a lone surrogate", lambda: "asked") == "\ud800 a lone surrogate"
