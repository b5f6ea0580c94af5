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


def needs(tool: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed")
