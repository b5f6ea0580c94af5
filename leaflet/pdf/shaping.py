"""A line of text in any script → glyphs, placed, each with the words it stands for.

Used for scripts whose glyphs are not one per character (Bengali conjuncts and
vowel signs drawn before their consonant, Arabic joining forms and ligatures)
and for right-to-left lines. The line is cut into directional runs (a
simplified form of the Unicode bidirectional algorithm: Latin words, numbers
and the spaces between them stay left to right inside right-to-left text, so
an address, a drug name or a telephone number reads as written), each run is
shaped by HarfBuzz, and the runs are placed in visual order. The glyphs are
then listed in *logical* order, each at its own x, with the characters it
stands for: written to the page in that order, text taken from the page in
content order (a screen reader, `pdfinfo -struct-text`) reads the words as
they were written.

No ReportLab here: fonts are read from their files by HarfBuzz.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import uharfbuzz as hb

#: What a drawn glyph that stands for no character of its own reads as: the soft hyphen,
#: which readers leave out (poppler's structure text drops it, pdf.js skips format
#: characters), where an empty ToUnicode entry would be read by pdf.js as the glyph's code.
SILENT = "\u00ad"


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of a line in one font: what a paragraph's line is made of."""

    font: str  # the font's registered name
    path: Path
    size: float
    text: str


@dataclass(frozen=True, slots=True)
class Glyph:
    piece: int  # index of its Piece
    gid: int
    text: str  # the characters it stands for (possibly several, possibly none)
    x: float  # points from the start of the line
    y: float  # points above the baseline (marks)
    advance: float  # points: the glyph's own advance width in the font


@dataclass(frozen=True)
class ShapedLine:
    glyphs: tuple[Glyph, ...]  # in logical order
    width: float


@cache
def _face(path: Path) -> tuple[hb.Font, int]:
    blob = hb.Blob.from_file_path(str(path))
    face = hb.Face(blob)
    font = hb.Font(face)
    return font, face.upem


@cache
def _invisible(path: Path) -> int | None:
    """A glyph of the font that draws nothing and takes no room (for U+200D, U+200B or U+FEFF)."""
    font, _ = _face(path)
    for cp in (0x200D, 0x200B, 0xFEFF, 0x200C):
        gid = font.get_nominal_glyph(cp)
        if gid and font.get_glyph_h_advance(gid) == 0:
            return gid
    return None


def is_rtl_char(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


def _strong(ch: str) -> str | None:
    kind = unicodedata.bidirectional(ch)
    if kind in ("R", "AL"):
        return "R"
    if kind in ("L", "EN", "AN"):
        # Numbers read left to right whatever surrounds them.
        return "L"
    return None


def directions(text: str, rtl_base: bool) -> list[bool]:
    """For each character, whether it belongs to a right-to-left run.

    Neutral characters (spaces, punctuation) between two runs of the same
    direction take that direction; elsewhere they take the line's.
    """
    strong = [_strong(ch) for ch in text]
    out: list[bool] = []
    n = len(text)
    for i, s in enumerate(strong):
        if s is not None:
            out.append(s == "R")
            continue
        before = next((strong[j] for j in range(i - 1, -1, -1) if strong[j]), None)
        after = next((strong[j] for j in range(i + 1, n) if strong[j]), None)
        if before is not None and before == after:
            out.append(before == "R")
        else:
            out.append(rtl_base)
    return out


def _right_to_left_cluster(
    members: list[int],
    chars: str,
    pens: list[float],
    positions: list[hb.GlyphPosition],
    scale: float,
    glyph: Callable[[int, str, float | None], Glyph],
    piece: int,
    zero: int,
) -> list[Glyph]:
    """A right-to-left cluster of several characters (lam-alef, a letter and its marks), read back.

    Each character reads through a place of its own, from right to left over the cluster's
    width, written in reading order: a reader that orders text by where it is (pdftotext)
    and one that takes each glyph's text in the order written (pdf.js) both read the
    characters as written. A glyph drawn that stands for no character reads as SILENT.
    """
    n = len(chars)
    left = min(pens[k] for k in members)
    room = sum(positions[k].x_advance for k in members) * scale
    slots = [
        Glyph(piece, zero, ch, left + room * (n - 1 - i) / n, 0.0, room / n) for i, ch in enumerate(chars)
    ]
    if len(members) > 1:
        # A letter and its marks: the glyphs drawn read as nothing (SILENT), each character
        # through its invisible glyph. (Read as themselves, poppler would join a mark to its
        # letter and then write the pair reversed.)
        return [*(glyph(k, SILENT, None) for k in members[::-1]), *slots]
    # A ligature (lam-alef) reads as its last character, from the left of its width, its
    # advance that character's share so that its place covers no other's; the characters
    # before it read through invisible glyphs to its right, written first.
    return [*slots[:-1], glyph(members[0], chars[-1], room / n if room else None)]


def shape_line(pieces: list[Piece], rtl_base: bool) -> ShapedLine:
    text = "".join(p.text for p in pieces)
    owner = [i for i, p in enumerate(pieces) for _ in p.text]
    rtl = directions(text, rtl_base)
    # Segments: maximal runs of one piece and one direction, in logical order.
    segments: list[tuple[int, int, bool]] = []
    for i in range(len(text)):
        if segments and owner[segments[-1][0]] == owner[i] and segments[-1][2] == rtl[i]:
            segments[-1] = (segments[-1][0], i + 1, rtl[i])
        else:
            segments.append((i, i + 1, rtl[i]))
    # Visual order (UBA rule L2 with levels 0/1 or 1/2).
    levels = [(1 if rtl_base else 0) + (0 if r == rtl_base else 1) for _, _, r in segments]
    order = list(range(len(segments)))
    for level in range(max(levels, default=0), 0, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    placed: dict[int, list[Glyph]] = {}
    x = 0.0
    for seg in order:
        start, end, seg_rtl = segments[seg]
        piece = pieces[owner[start]]
        font, upem = _face(piece.path)
        scale = piece.size / upem
        buf = hb.Buffer()
        buf.add_str(text[start:end])
        buf.guess_segment_properties()
        buf.direction = "rtl" if seg_rtl else "ltr"
        buf.cluster_level = hb.BufferClusterLevel.MONOTONE_GRAPHEMES
        hb.shape(font, buf, {"kern": True, "liga": True})
        infos, positions = buf.glyph_infos, buf.glyph_positions
        # Each cluster's characters: from its first character to the next cluster's.
        starts = sorted({info.cluster for info in infos})
        span = {
            c: text[start + c : start + (starts[k + 1] if k + 1 < len(starts) else end - start)]
            for k, c in enumerate(starts)
        }
        by_cluster: dict[int, list[int]] = {}
        for k, info in enumerate(infos):
            by_cluster.setdefault(info.cluster, []).append(k)
        pens: list[float] = []
        for pos in positions:
            pens.append(x)
            x += pos.x_advance * scale
        zero = _invisible(piece.path)
        placed[seg] = []
        for cluster in sorted(by_cluster):  # clusters in reading order
            members = by_cluster[cluster]
            chars = span[cluster]
            if len(members) > len(chars):
                # More glyphs than characters (a Bengali vowel drawn in two parts, ো): the
                # canonically equal decomposed characters (ে া), one a glyph where they suffice.
                chars = unicodedata.normalize("NFD", chars)

            def glyph(
                k: int,
                own: str,
                advance: float | None = None,
                infos: list[hb.GlyphInfo] = infos,
                positions: list[hb.GlyphPosition] = positions,
                font: hb.Font = font,
                scale: float = scale,
                pens: list[float] = pens,
                piece: int = owner[start],
            ) -> Glyph:
                info, pos = infos[k], positions[k]
                adv = font.get_glyph_h_advance(info.codepoint) * scale if advance is None else advance
                return Glyph(
                    piece, info.codepoint, own, pens[k] + pos.x_offset * scale, pos.y_offset * scale, adv
                )

            if seg_rtl and len(chars) > 1 and len(chars) >= len(members) and zero is not None:
                placed[seg] += _right_to_left_cluster(
                    members, chars, pens, positions, scale, glyph, owner[start], zero
                )
                continue
            # Left to right, a cluster's characters are shared out over its glyphs in visual
            # order (which is also where a reader finds them): the last glyph takes what is left.
            ordered = members if not seg_rtl else members[::-1]
            for rank, k in enumerate(ordered):
                own = chars[rank] if rank < len(members) - 1 and rank < len(chars) else ""
                if rank == len(members) - 1:
                    own = chars[min(rank, len(chars)) :] if rank < len(chars) else ""
                placed[seg].append(glyph(k, own))
    glyphs = [g for seg in range(len(segments)) for g in placed[seg]]
    return ShapedLine(tuple(glyphs), x)
