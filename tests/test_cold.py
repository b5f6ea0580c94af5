"""What a cold build of one leaflet loads: only what its work needs.

A whole-process `build` is what a person at the command line waits for, and most of its
time is imports. Each module below was once loaded by every build and is now loaded only
by the work that uses it (a web page, the page-reading rules, a bitmap, a catalogue
written some other way); a change that brings one back into every build fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Modules a one-leaflet standard build must not load (nor what they pull in).
NOT_LOADED = (
    "babel",  # the catalogues (compiled .mo files) and the dates, once kept (leaflet/answers.py)
    "phonenumbers",  # a number given only by its tel: link, once printed (leaflet/answers.py)
    "email",  # Babel's catalogue header
    "_strptime",  # Babel's catalogue dates
    "leaflet.checks.pages",  # the page-reading rules: leaflet/checks/rules.py
    "jsonschema",
    "jinja2",
    "pikepdf",
    "pypdf",
    "PIL.Image",
    "pyphen",
    "uharfbuzz",
    "fontTools",
    "multiprocessing",
    "leaflet.web.page",
    "difflib",  # "did you mean …?" for a misspelt name (leaflet.errors.closest)
)

RUN = f"""
import sys
from leaflet.cli import main
from leaflet.deferred import loaded
rc = main(sys.argv[1:])
print(rc, [name for name in {NOT_LOADED!r} if loaded(name)])
"""


def test_a_cold_standard_build_loads_only_what_it_uses(tmp_path: Path) -> None:
    out = tmp_path / "ccsvi.pdf"
    args = ["build", str(ROOT / "content.yaml"), "--edition", "standard", "--force", "-o", str(out)]
    env = {**os.environ, "LEAFLET_CACHE": str(tmp_path / "cache")}
    loaded = []
    for _ in range(2):  # a first run, then the cold build as `bench/bench.py` times it
        result = subprocess.run(
            [sys.executable, "-c", RUN, *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        loaded.append(result.stdout.strip().splitlines()[-1])
        assert out.read_bytes().startswith(b"%PDF-")
    # The first run asks Babel for the dates and phonenumbers for the helpline's groups (and
    # makes the open-zero font): all are kept.
    assert loaded[0].startswith("0 [") and "'babel'" in loaded[0], result.stderr
    assert "'phonenumbers'" in loaded[0], result.stderr
    assert loaded[1] == "0 []", result.stderr


def test_the_tool_fingerprint_names_reportlabs_version_as_its_metadata_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read without importlib.metadata (slow to load); another ReportLab first on the path is another tool."""
    from importlib.metadata import version

    from leaflet import stamp

    assert stamp._reportlab_version() == version("reportlab")
    before = stamp.tool_fingerprint()
    other = tmp_path / "reportlab-99.0.dist-info"
    other.mkdir()
    (other / "METADATA").write_text("Metadata-Version: 2.1\nName: reportlab\nVersion: 99.0\n", "utf-8")
    (tmp_path / "reportlab-98.0.dist-info").mkdir()  # no METADATA: not an installed ReportLab
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    stamp.tool_fingerprint.cache_clear()
    try:
        assert stamp._reportlab_version() == "99.0"
        assert stamp.tool_fingerprint() != before
    finally:
        stamp.tool_fingerprint.cache_clear()


def test_every_dataclass_has_a_docstring() -> None:
    """`dataclasses` writes a missing docstring from `inspect.signature`, at every start, for every class."""
    import ast

    # pdf/compact.py's packed object is to become a plain tuple (the object writer's own work).
    allowed = {("leaflet/pdf/compact.py", "_Object")}
    missing = []
    for path in sorted((ROOT / "leaflet").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.ClassDef) or ast.get_docstring(node) is not None:
                continue
            names = {getattr(getattr(d, "func", d), "id", None) for d in node.decorator_list}
            where = (path.relative_to(ROOT).as_posix(), node.name)
            if "dataclass" in names and where not in allowed:
                missing.append(where)
    assert missing == []
