"""Shared fixtures: the CCSVI leaflet is built once per test run and read back by many tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from leaflet.build import build_leaflet

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.yaml"


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


def needs(tool: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed")
