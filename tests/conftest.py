"""Shared fixtures: the CCSVI leaflet is built once per test run and read back by many tests."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from leaflet.build import build_leaflet

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.yaml"

# Every command a test runs in a process of its own runs there, as the code under test: no build
# server is started or used, except by tests/test_server.py, which starts its own.
os.environ["LEAFLET_SERVER"] = "off"


@dataclass(frozen=True)
class BuiltPdf:
    path: Path
    reader: PdfReader

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()


@pytest.fixture(scope="session")
def ccsvi_pdf(tmp_path_factory: pytest.TempPathFactory) -> BuiltPdf:
    out = tmp_path_factory.mktemp("ccsvi") / "ccsvi.pdf"
    build_leaflet(CONTENT, "default", out)
    return BuiltPdf(out, PdfReader(out))


def metadata_block(
    title: str,
    slug: str,
    *,
    organisation: str = "Test Org",
    version: str = '"1"',
    next_review: str = "2027-01-01",
) -> str:
    """The metadata of a small test leaflet, as YAML (braces pass through for str.format templates)."""
    return (
        f"metadata:\n  title: {title}\n  slug: {slug}\n  language: en-GB\n  organisation: {organisation}\n"
        f"  version: {version}\n  published: 2026-01-01\n  next_review: {next_review}\n"
    )


#: The programs the tests read PDFs back with, and the Debian package of each (.ci/run installs them).
TOOLS = {"pdfinfo": "poppler-utils", "pdffonts": "poppler-utils", "pdftoppm": "poppler-utils", "qpdf": "qpdf"}


def require_tool(tool: str) -> str:
    """The path of `tool`; a missing tool fails the test (it never skips it silently)."""
    path = shutil.which(tool)
    if path is None:
        pytest.fail(
            f"{tool} is not installed, and this test reads the PDF back with it: "
            f"apt-get install {TOOLS.get(tool, tool)} (.ci/run installs it)",
            pytrace=False,
        )
    return path


def needs(tool: str) -> pytest.MarkDecorator:
    """Mark a test that runs `tool`: it fails, with the package to install, when the tool is missing."""
    return pytest.mark.needs_tool(tool)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_tool(name): the test runs this program; it fails when missing")


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("needs_tool"):
        require_tool(mark.args[0])


@pytest.fixture(scope="session", autouse=True)
def pdf_tools() -> None:
    """Every program a test reads PDFs back with is here, or every test fails saying which is missing."""
    for tool in TOOLS:
        require_tool(tool)
