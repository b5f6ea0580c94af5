"""The package's layers, checked on its source: what each stage may import, and
that ReportLab's private names are used only behind the one seam."""

from __future__ import annotations

import ast
import io
import itertools
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import reportlab

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "leaflet"
#: The seam: subclasses overriding ReportLab's hook methods, and every reach into its attributes.
SEAM = {PACKAGE / "pdf" / "canvas.py", PACKAGE / "rlseam.py"}


def imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_layout_does_not_import_pdf() -> None:
    found = {
        f"{p.relative_to(ROOT)}: {name}"
        for p in (PACKAGE / "layout").glob("*.py")
        for name in imports(p)
        if name == "leaflet.pdf" or name.startswith("leaflet.pdf.")
    }
    assert found == set()


def test_content_and_style_sheets_do_not_import_reportlab() -> None:
    files = [*(PACKAGE / "content").glob("*.py"), PACKAGE / "style.py", PACKAGE / "structure.py"]
    found = {f"{p.relative_to(ROOT)}: {n}" for p in files for n in imports(p) if n.startswith("reportlab")}
    assert found == set()


def test_the_content_model_loads_without_yaml_or_reportlab() -> None:
    code = (
        "import sys, leaflet.content.model, leaflet.content.inline, leaflet.content.texts;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', '_yaml', 'reportlab')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def reportlab_private_names() -> set[str]:
    """Every underscore name ReportLab's own source gives an attribute or a method."""
    names: set[str] = {"__NoDefault__"}
    for path in Path(reportlab.__file__).parent.rglob("*.py"):
        text = path.read_text("utf-8", errors="replace")
        names |= set(re.findall(r"\.(_[A-Za-z]\w*)", text))
        names |= set(re.findall(r"^\s+def (_[A-Za-z]\w*)", text, re.M))
        names |= set(re.findall(r"['\"](_[A-Za-z]\w*)['\"]", text))
    return {n for n in names if not (n.startswith("__") and n.endswith("__"))} | {"__NoDefault__"}


def private_uses(source: str) -> set[tuple[int, str]]:
    """(line, name) of each `._name`, `"_name"` and method `def _name` in Python source."""
    out: set[tuple[int, str]] = set()
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for before, tok in itertools.pairwise(tokens):
        if tok.type == tokenize.NAME and tok.string.startswith("_"):
            method = before.string == "def" and before.start[1] > 0
            if before.string == "." or method:
                out.add((tok.start[0], tok.string))
        elif tok.type == tokenize.STRING and re.fullmatch(r"[rbu]?(['\"])_\w+\1", tok.string):
            out.add((tok.start[0], tok.string.strip("rbu'\"")))
    return out


def test_the_private_name_finder_sees_each_kind_of_use() -> None:
    found = private_uses(
        'x._code.append(1)\nclass A:\n    def _textOut(self): pass\ngetattr(f, "_wrapInfo")\n'
    )
    assert found == {(1, "_code"), (3, "_textOut"), (4, "_wrapInfo")}


def test_reportlab_internals_are_used_only_behind_the_seam() -> None:
    private = reportlab_private_names()
    assert {"_code", "_doc", "_textOut", "_linkRecord", "_wrapInfo"} <= private
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in SEAM:
            continue
        for line, name in sorted(private_uses(path.read_text("utf-8"))):
            if name in private:
                found.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert found == [], "ReportLab internals outside leaflet/rlseam.py and leaflet/pdf/canvas.py"
