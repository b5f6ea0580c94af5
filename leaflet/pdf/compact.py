"""Making a finished PDF small enough to email, without changing what it says.

ReportLab (and pypdf, for the imposed booklet) write every object on its own,
uncompressed, with a plain cross-reference table; a tagged leaflet has hundreds
of small structure objects. Here every object that is not a stream goes into
a compressed object stream (`/ObjStm`), indexed by a compressed
cross-reference stream (PDF 1.5), which takes about a third off the file. The
structure tree's objects, when there are others, have an object stream of their
own, compressed at a lower level (`TREE_LEVEL`): apart, the two take about
half the time both together took at level 9, for about 0.7 % more bytes,
and the tree's stream (the same bytes when a leaflet is built again with a new
title) is compressed once.
Streams are kept as they were written, except that one with no filter is
compressed (XMP metadata excepted: it stays readable). The file identifier is
a digest of the content, so the same input still gives the same bytes.

The input is read with the few rules the two writers follow: a classic
cross-reference table whose offsets point at `N G obj` lines, and a trailer
dictionary. A file that does not follow them is returned unchanged.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from itertools import accumulate, repeat

from leaflet.layout.cache import Bounded

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_OBJ_HEAD = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b\s*")
_OBJ_TAIL = re.compile(rb"\s*endobj\s*$")
_STREAM_START = re.compile(rb">>\s*stream(?:\r\n|\n)")
_TRAILER_REF = re.compile(rb"/(Root|Info)\s+(\d+\s+\d+\s+R)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_NO_FILTER = re.compile(rb"/Filter\s*\[\s*\]\s*")
_HEADER = re.compile(rb"%PDF-(\d)\.(\d)")


#: zlib levels of the structure tree's object stream, the other objects' object stream and the
#: cross-reference stream. The tree's elements repeat the same few words, which level 9 searches
#: at length: on the standard CCSVI leaflet its stream takes 0.9 ms at level 9 and 0.36 ms at
#: level 6, for 132 bytes more (a stream kept from an earlier build costs neither). At level 6
#: the other two would save about a tenth of a millisecond a build, and change every PDF.
TREE_LEVEL, OBJECTS_LEVEL, XREF_LEVEL = 6, 9, 9


class _NotOurs(ValueError):
    """The file is not laid out the way the writers we know lay it out."""


#: An object: its number, its value (without `N G obj` and `endobj`), and whether it is a stream.
_Object = tuple[int, bytes, bool]


def compact(data: bytes) -> bytes:
    """The same document with its small objects packed and its cross-reference compressed."""
    try:
        header, objects, root, info = _read(data)
    except _NotOurs:
        return data
    return _write(header, objects, root, info)


def pack(objects: list[tuple[int, bytes]], root: bytes, info: bytes | None, version: bytes = b"1.7") -> bytes:
    """What `compact` makes of a file holding these objects (number, formatted value) and this trailer.

    For a writer that hands over its objects rather than a file: the same bytes, without
    writing a cross-reference table only to read it back.
    """
    bodies = [value.strip() for _, value in objects]
    packed = [
        (number, body, body.endswith(b"endstream") and body.startswith(b"<<"))
        for (number, _), body in zip(objects, bodies, strict=True)
    ]
    return _write(b"%PDF-" + version + b"\n", packed, root, info)


def _read(data: bytes) -> tuple[bytes, list[_Object], bytes, bytes | None]:
    end = _STARTXREF.search(data[-64:])
    if not end:
        raise _NotOurs("no startxref")
    xref_at = int(end.group(1))
    if data[xref_at : xref_at + 4] != b"xref":
        raise _NotOurs("no classic cross-reference table")
    trailer_at = data.find(b"trailer", xref_at)
    if trailer_at < 0:
        raise _NotOurs("no trailer")
    offsets = _xref_offsets(data[xref_at + 4 : trailer_at])
    trailer = data[trailer_at:]
    refs = {m.group(1): m.group(2) for m in _TRAILER_REF.finditer(trailer)}
    if b"Root" not in refs or b"/Encrypt" in trailer or b"/Prev" in trailer:
        raise _NotOurs("an encrypted, updated or rootless file")
    starts = sorted(offsets.values())
    if not starts:
        raise _NotOurs("no objects")
    bounds = dict(zip(starts, [*starts[1:], xref_at], strict=True))
    objects = []
    for number, at in sorted(offsets.items()):
        chunk = data[at : bounds[at]]
        head = _OBJ_HEAD.match(chunk)
        if not head or int(head.group(1)) != number or head.group(2) != b"0":
            raise _NotOurs(f"object {number} is not where the table says")
        tail = _OBJ_TAIL.search(chunk)
        if not tail:
            raise _NotOurs(f"object {number} has no endobj")
        body = chunk[head.end() : tail.start()]
        is_stream = body.startswith(b"<<") and body.rstrip().endswith(b"endstream")
        objects.append((number, body, is_stream))
    return data[: starts[0]], objects, refs[b"Root"], refs.get(b"Info")


def _xref_offsets(table: bytes) -> dict[int, int]:
    """Object number → byte offset, for objects in use, from the rows of a classic table."""
    words = table.split()
    offsets: dict[int, int] = {}
    at = 0
    try:
        while at < len(words):
            first, count = int(words[at]), int(words[at + 1])
            rows = words[at + 2 : at + 2 + 3 * count]
            if len(rows) != 3 * count:
                raise _NotOurs("a short cross-reference subsection")
            for i in range(count):
                offset, gen, kind = rows[3 * i : 3 * i + 3]
                if kind == b"n":
                    if int(gen) != 0:
                        raise _NotOurs("an object of a later generation")
                    offsets[first + i] = int(offset)
            at += 2 + 3 * count
    except (ValueError, IndexError) as exc:
        raise _NotOurs("an unreadable cross-reference table") from exc
    return offsets


def _compressed_stream(body: bytes) -> bytes:
    """A stream object's body with an empty filter list dropped, and its data compressed when it has none.

    The filter list is looked for in the stream's dictionary only: the data (a font, a page)
    is never searched, nor changed should it hold those bytes.
    """
    start = _STREAM_START.search(body)
    if start is None:
        return _NO_FILTER.sub(b"", body, count=1)
    head = _NO_FILTER.sub(b"", body[: start.start()], count=1)
    if len(head) != start.start():
        body = head + body[start.start() :]
        start = _STREAM_START.search(body, len(head))
    length = _LENGTH.search(body, 0, start.start()) if start else None
    if (
        start is None
        or length is None
        or b"/Filter" in body[: start.start()]
        or re.search(rb"/Type\s*/Metadata", body[: start.start()])
    ):
        return body
    raw = body[start.end() : start.end() + int(length.group(1))]
    packed = zlib.compress(raw, 9)
    if len(packed) >= len(raw):
        return body
    dictionary = body[: length.start()] + b"/Length %d /Filter /FlateDecode" % len(packed)
    dictionary += body[length.end() : start.start()]
    return dictionary + b">>\nstream\n" + packed + b"\nendstream"


def _in_structure_tree(body: bytes) -> bool:
    """Whether an object is part of the structure tree as leaflet/pdf/tags.py writes it (an
    element, or the tree's root). Only where it is packed depends on it, never what it says."""
    return body.startswith(b"<< /Type /StructElem ") or body.endswith(b"/Type /StructTreeRoot\n>>")


#: The structure tree's object streams, compressed, by their exact bytes (and the level): a
#: leaflet built again in one process (a new title, an edit that moves no marked content) has
#: the same tree.
_TREES_KEPT = 8
_TREES: Bounded[bytes] = Bounded(_TREES_KEPT)
_TREE_LONGEST = 1 << 20


def _deflate_tree(raw: bytes) -> bytes:
    """zlib of a structure tree's object stream at TREE_LEVEL, remembered for its exact bytes."""
    key = (TREE_LEVEL, raw)
    packed = _TREES.get(key)
    if packed is None:
        packed = zlib.compress(raw, TREE_LEVEL)
        if len(raw) <= _TREE_LONGEST:
            _TREES.put(key, packed)
    return packed


def _write(header: bytes, objects: list[_Object], root: bytes, info: bytes | None) -> bytes:
    version = _HEADER.match(header)
    if version is None or (int(version.group(1)), int(version.group(2))) < (1, 5):
        header = b"%PDF-1.5\n%\x93\x8c\x8b\x9e\n"  # object streams came with PDF 1.5
    else:
        header = header.split(b"\n", 1)[0] + b"\n%\x93\x8c\x8b\x9e\n"
    objstm_number = max(number for number, _, _ in objects) + 1
    out = bytearray(header)
    # Where each object is, for the cross-reference stream: in the file (number, offset), or
    # in an object stream (the stream's number, the numbers of the objects in it, in order).
    in_file: list[tuple[int, int]] = []
    in_streams: list[tuple[int, list[int]]] = []

    packed: list[_Object] = []
    tree: list[_Object] = []
    for obj in objects:
        number, body, is_stream = obj
        if is_stream:
            in_file.append((number, len(out)))
            out += b"%d 0 obj\n" % number
            out += _compressed_stream(body)
            out += b"\nendobj\n"
        elif _in_structure_tree(body):
            tree.append(obj)
        else:
            packed.append(obj)
    # The structure tree's objects go into an object stream of their own (when there are
    # others): compressed apart, each is quicker to compress than both together (the tree
    # repeats the same few words, and level 9 searches every earlier repeat), and the
    # tree's stream is the same bytes from one build of a leaflet to the next.
    streams = [packed, tree] if tree and packed else [packed + tree]
    xref_number = objstm_number + len(streams)
    for k, group in enumerate(streams):
        number = objstm_number + k
        numbers = [n for n, _, _ in group]
        bodies = [body for _, body, _ in group]
        # Each object's offset after the index: the bodies are written one to a line.
        starts = accumulate([len(body) + 1 for body in bodies], initial=0)
        first = b" ".join([b"%d %d" % pair for pair in zip(numbers, starts, strict=False)]) + b"\n"
        raw = first + b"\n".join(bodies) + b"\n"
        stream = _deflate_tree(raw) if group is tree else zlib.compress(raw, OBJECTS_LEVEL)
        in_file.append((number, len(out)))
        in_streams.append((number, numbers))
        out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\nstream\n" % (
            number,
            len(group),
            len(first),
            len(stream),
        )
        out += stream + b"\nendstream\nendobj\n"

    file_id = hashlib.md5(bytes(out), usedforsecurity=False).hexdigest().encode()
    xref_at = len(out)
    in_file.append((xref_number, xref_at))
    # Field 2 is an offset or the object stream's number, field 3 a generation or an index in it.
    width = max(1, (max(xref_at, xref_number - 1).bit_length() + 7) // 8)
    width3 = max(2, (max(len(group) for group in streams).bit_length() + 7) // 8)
    # Each row (type, field 2, field 3) as one number of 1 + width + width3 bytes; a number
    # without an object is free (0, 0, 0), and object 0 heads the free list (0, 0, 65535).
    shift2, shift1, size = 8 * width3, 8 * (width + width3), 1 + width + width3
    rows = [0] * (xref_number + 1)
    rows[0] = 65535
    for number, offset in in_file:
        rows[number] = 1 << shift1 | offset << shift2
    for number, numbers in in_streams:
        first_row = 2 << shift1 | number << shift2
        for n, row in zip(numbers, range(first_row, first_row + len(numbers)), strict=True):
            rows[n] = row
    xref = zlib.compress(b"".join(map(int.to_bytes, rows, repeat(size), repeat("big"))), XREF_LEVEL)
    trailer = b"/Root " + root + (b" /Info " + info if info else b"")
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [ 1 %d %d ] %s /ID [ <%s> <%s> ] /Length %d /Filter /FlateDecode >>\nstream\n"
        % (xref_number, xref_number + 1, width, width3, trailer, file_id, file_id, len(xref))
    )
    out += xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)
