"""The suite's own promises: a missing tool fails, and CI runs exactly the README's command, lint included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, needs, require_tool


def test_a_missing_tool_fails_the_test_saying_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(
        pytest.fail.Exception, match=r"pdfinfo is not installed.*apt-get install poppler-utils"
    ):
        require_tool("pdfinfo")
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install qpdf"):
        require_tool("qpdf")
    # A test marked as needing a tool is failed by the same check, never skipped.
    assert needs("pdfinfo").name == "needs_tool"


def readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Run the tests", 1)[1]
    return re.search(r"```sh\n(.+?)\n```", section, re.S).group(1).strip()


def test_ci_runs_exactly_the_readme_test_command_with_lint_first() -> None:
    command = readme_test_command()
    assert "ruff check ." in command and "ruff format --check ." in command
    assert command.index("ruff") < command.index("pytest")
    ci = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ci[-1] == command
