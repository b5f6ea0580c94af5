"""The object-stream writer: smaller files that say exactly what ReportLab's (and pypdf's) said."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

import leaflet.build
from leaflet.content.loader import load_leaflet
from leaflet.editions import EDITIONS
from leaflet.pdf.compact import compact
from leaflet.style import load_theme

ROOT = Path(__file__).resolve().parents[2]


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is needed by this test (Debian: poppler-utils, qpdf)"
    return found


def run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """For the standard and booklet editions: each PDF as written before compaction, and after."""
    folder = tmp_path_factory.mktemp("compact")
    leaf = load_leaflet(ROOT / "content.yaml")
    pairs: dict[str, tuple[Path, Path]] = {}
    for name in ("standard", "booklet"):
        edition = EDITIONS[name]
        seen: list[bytes] = []
        real = leaflet.build.compact

        def spy(data: bytes, seen: list[bytes] = seen, real=real) -> bytes:
            seen.append(data)
            return real(data)

        leaflet.build.compact = spy
        try:
            out = leaflet.build.render_edition(leaf, edition, load_theme(edition.style)).data
        finally:
            leaflet.build.compact = real
        if name == "standard":
            # A page edition's canvas packs its own objects (LeafletCanvas(packed=True)): the file
            # ReportLab itself would have written is the same build on a canvas that does not.
            seen.append(_unpacked(leaf, name))
            assert compact(seen[-1]) == out
        before, after = folder / f"{name}-before.pdf", folder / f"{name}-after.pdf"
        before.write_bytes(seen[-1])
        after.write_bytes(out)
        pairs[name] = (before, after)
    return pairs


def _unpacked(leaf: object, name: str) -> bytes:
    """An edition built on canvases that save as ReportLab writes (a classic table, no object stream)."""
    from leaflet.pdf.canvas import LeafletCanvas

    real = LeafletCanvas.__init__

    def unpacked(self: LeafletCanvas, *args: object, **kwargs: object) -> None:
        kwargs["packed"] = False
        real(self, *args, **kwargs)

    LeafletCanvas.__init__ = unpacked  # type: ignore[method-assign]
    try:
        edition = EDITIONS[name]
        data = leaflet.build.render_edition(leaf, edition, load_theme(edition.style)).data  # type: ignore[arg-type]
    finally:
        LeafletCanvas.__init__ = real  # type: ignore[method-assign]
    assert b"\nxref\n" in data and b"/ObjStm" not in data
    return data


@pytest.mark.parametrize("name", ["standard", "booklet"])
def test_qpdf_finds_the_packed_file_sound(written: dict[str, tuple[Path, Path]], name: str) -> None:
    before, after = written[name]
    report = subprocess.run([tool("qpdf"), "--check", str(after)], capture_output=True, text=True)
    assert report.returncode == 0, report.stdout + report.stderr
    assert "No syntax or stream encoding errors" in report.stdout
    shown = run(tool("qpdf"), "--show-xref", str(after))
    assert "compressed; stream =" in shown  # objects really are in an object stream
    assert after.stat().st_size < 0.7 * before.stat().st_size


@pytest.mark.parametrize("name", ["standard", "booklet"])
def test_poppler_reads_the_same_words_and_structure(written: dict[str, tuple[Path, Path]], name: str) -> None:
    before, after = written[name]
    assert run(tool("pdftotext"), str(after), "-") == run(tool("pdftotext"), str(before), "-")
    struct_before = run(tool("pdfinfo"), "-struct-text", str(before))
    assert run(tool("pdfinfo"), "-struct-text", str(after)) == struct_before
    assert run(tool("pdfinfo"), str(after)).count("Pages:") == 1


@pytest.mark.parametrize("name", ["standard", "booklet"])
def test_pypdf_reads_the_same_pages_and_catalog(written: dict[str, tuple[Path, Path]], name: str) -> None:
    before, after = (PdfReader(p) for p in written[name])
    assert len(after.pages) == len(before.pages)
    assert after.metadata == before.metadata
    assert sorted(after.trailer["/Root"].keys()) == sorted(before.trailer["/Root"].keys())
    for page_a, page_b in zip(after.pages, before.pages, strict=True):
        assert page_a.extract_text() == page_b.extract_text()
        assert page_a.get_contents().get_data() == page_b.get_contents().get_data()


def test_the_same_file_always_packs_to_the_same_bytes(written: dict[str, tuple[Path, Path]]) -> None:
    before, after = written["standard"]
    assert compact(before.read_bytes()) == compact(before.read_bytes()) == after.read_bytes()
    ids = re.findall(rb"/ID \[ <([0-9a-f]{32})> <([0-9a-f]{32})> \]", after.read_bytes())
    assert len(ids) == 1 and ids[0][0] == ids[0][1]


def test_unfiltered_streams_are_compressed_except_metadata() -> None:
    from reportlab.pdfgen.canvas import Canvas

    raw = BytesIO()
    canvas = Canvas(raw, pageCompression=0)
    canvas.drawString(72, 720, "Words on a page " * 20)
    canvas.showPage()
    canvas.save()
    packed = compact(raw.getvalue())
    reader = PdfReader(BytesIO(packed))
    content = reader.pages[0]["/Contents"].get_object()
    assert content["/Filter"] == "/FlateDecode"
    assert b"Words on a page" in zlib.decompress(content._data)
    assert "Words on a page" in reader.pages[0].extract_text()


def test_a_file_laid_out_otherwise_is_left_as_it_is(written: dict[str, tuple[Path, Path]]) -> None:
    after = written["standard"][1].read_bytes()
    assert compact(after) is after  # already packed: no classic table to read
    assert compact(b"not a pdf") == b"not a pdf"


def test_a_file_of_more_objects_than_two_bytes_count_is_indexed_whole(tmp_path: Path) -> None:
    # pack: the cross-reference stream's fields are as wide as their largest value needs: with
    # more than 65,535 objects in the object stream, an object's index in it no longer fits
    # two bytes (it was refused with an OverflowError), and every object is still found.
    from leaflet.pdf.compact import pack

    count = 70_000
    objects = [(1, b"<< /Type /Catalog /Pages 2 0 R >>"), (2, b"<< /Type /Pages /Kids [ ] /Count 0 >>")]
    objects += [(n, b"%d" % (n * 7)) for n in range(3, count + 3)]
    data = pack(objects, b"1 0 R", None)
    assert re.search(rb"/W \[ 1 3 3 \]", data)
    path = tmp_path / "many.pdf"
    path.write_bytes(data)
    subprocess.run([tool("qpdf"), "--check", str(path)], capture_output=True, check=True, timeout=120)
    reader = PdfReader(BytesIO(data))
    for n in (3, 65_537, count + 2):
        assert reader.get_object(n) == n * 7


def test_a_streams_data_is_never_taken_for_its_dictionary() -> None:
    # pack: an empty filter list is dropped from a stream's dictionary only; data that happens
    # to hold the same bytes (here a page's comment) is compressed as it is, every byte kept.
    from leaflet.pdf.compact import pack

    data = b"% /Filter [ ] is no filter here\n" + b"0 0 m 100 100 l S\n" * 20
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 200 200 ] /Contents 3 0 R >>"
    objects = [
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, b"<< /Type /Pages /Kids [ 4 0 R ] /Count 1 >>"),
        (3, b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)),
        (4, page),
    ]
    reader = PdfReader(BytesIO(pack(objects, b"1 0 R", None)))
    contents = reader.pages[0]["/Contents"].get_object()
    assert contents["/Filter"] == "/FlateDecode"
    assert contents.get_data() == data


def test_the_structure_tree_has_an_object_stream_of_its_own_and_only_the_packing_changes(
    written: dict[str, tuple[Path, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pack: the structure tree's elements and its root go into a second object stream (quicker
    # to compress apart, and kept for the same tree); what the file holds is what one stream held.
    import leaflet.pdf.compact as packing

    before, after = written["standard"]
    shown = run(tool("qpdf"), "--show-xref", str(after))
    streams = {int(s) for s in re.findall(r"compressed; stream = (\d+)", shown)}
    assert len(streams) == 2
    data = after.read_bytes()
    monkeypatch.setattr(packing, "_in_structure_tree", lambda body: False)
    one = tmp_path / "one-stream.pdf"
    one.write_bytes(compact(before.read_bytes()))
    shown = run(tool("qpdf"), "--show-xref", str(one))
    assert len(set(re.findall(r"compressed; stream = (\d+)", shown))) == 1
    assert one.read_bytes() != data

    def objects(path: Path) -> list[bytes]:
        cmd = [tool("qpdf"), "--qdf", "--object-streams=disable", str(path), "-"]
        qdf = subprocess.run(cmd, capture_output=True, check=True, timeout=60).stdout
        # The trailer's /ID is a digest of the file's bytes, which differ with their packing.
        return [line for line in qdf.splitlines() if not line.startswith(b"  /ID [<")]

    split = objects(after)
    assert b"  /Type /StructElem" in split and len(split) > 1000
    assert split == objects(one)
