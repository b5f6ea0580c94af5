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
from functools import cache, lru_cache
from pathlib import Path

import uharfbuzz as hb

from leaflet.frozen import frozen
from leaflet.typography import FIGURES


@frozen(slots=True)
class Piece:
    """Part of a line in one font: what a paragraph's line is made of."""

    font: str  # the font's registered name
    path: Path
    size: float
    text: str


@frozen(slots=True)
class Glyph:
    """One glyph HarfBuzz placed: its font's glyph id, where it stands, and the characters behind it."""

    piece: int  # index of its Piece
    gid: int
    text: str  # the characters it stands for (possibly several, possibly none)
    x: float  # points from the start of the line
    y: float  # points above the baseline (marks)
    advance: float  # points: the glyph's own advance width in the font


@frozen
class ShapedLine:
    """A line of pieces shaped: its glyphs in logical order, and its width."""

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
    """A glyph of the font that draws nothing and takes no room (for U+200B, U+FEFF, U+200D or U+200C).

    Some fonts draw the joiners visibly (Noto Sans Arabic's U+200D is a small
    dotted mark, for showing formatting): only a glyph with no outline will do.
    """
    font, _ = _face(path)
    for cp in (0x200B, 0xFEFF, 0x200D, 0x200C, 0x2060):
        gid = font.get_nominal_glyph(cp)
        if not gid or font.get_glyph_h_advance(gid) != 0:
            continue
        extents = font.get_glyph_extents(gid)
        if extents is None or (extents.width == 0 and extents.height == 0):
            return gid
    return None


@lru_cache(maxsize=1 << 16)  # words, a few thousand a leaflet; bounded for a long `watch`
def shaped_width(path: Path, text: str) -> float:
    """The width of `text` as HarfBuzz sets it in the font at `path`, in ems (points at 1 pt).

    What a paragraph's lines are broken with, word by word, for text in a complex script:
    an Arabic word's joined forms and ligatures, a Bengali conjunct, are narrower or wider
    than their letters one by one.
    """
    font, upem = _face(path)
    buf = hb.Buffer()
    # A plain str: a word ReportLab has cut is one of its str classes, which HarfBuzz refuses.
    buf.add_str(str.__str__(text))
    buf.guess_segment_properties()
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_GRAPHEMES
    hb.shape(font, buf, {"kern": True, "liga": True})
    return sum(pos.x_advance for pos in buf.glyph_positions) / upem


def is_rtl_char(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


def _strong(ch: str) -> str | None:
    kind = unicodedata.bidirectional(ch)
    if kind in ("R", "AL"):
        return "R"
    if kind in ("L", "EN", "AN"):
        return "L"
    return None


def _acting(text: str, rtl_base: bool) -> tuple[list[str | None], list[bool]]:
    """Each character's strong direction as the neutral characters around it see it.

    Letters are what they are. A run of figures (FIGURES) is set left to right, but acts as
    the letters before it act (the bidirectional algorithm's rules W2 and W7): a number after
    Latin words goes with them, and anywhere else, as right to left (rule N1). So in Arabic
    text "2–3" reads from the right, 2 then 3, as a browser sets it. Also whether each
    character belongs to a run of figures.
    """
    strong: list[str | None] = [_strong(ch) for ch in text]
    figures = [False] * len(text)
    for run in FIGURES.finditer(text):
        figures[run.start() : run.end()] = [True] * (run.end() - run.start())
    last = "R" if rtl_base else "L"
    for i in range(len(text)):
        if figures[i]:
            strong[i] = "L" if last == "L" else "R"
        elif strong[i] is not None:
            last = strong[i]  # type: ignore[assignment]
    return strong, figures


#: The paired brackets of Unicode's BidiBrackets.txt that a leaflet's text uses.
_BRACKETS = {"(": ")", "[": "]", "{": "}"}


def _bracket_pairs(text: str) -> list[tuple[int, int]]:
    """Each opening bracket with its closing one (the bidirectional algorithm's BD16), in order of
    their openings; a bracket without its partner pairs with nothing."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in _BRACKETS:
            if len(stack) == 63:
                break
            stack.append((_BRACKETS[ch], i))
        elif ch in _BRACKETS.values():
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == ch:
                    pairs.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    return sorted(pairs)


def _bracket_direction(strong: list[str | None], text: str, pair: tuple[int, int], rtl_base: bool) -> str:
    """The direction both brackets of a pair take (rule N0): the line's, when the words inside
    have it; the other, when only the other is inside and before the brackets too; else the line's.
    Numbers count as right to left here, as the rule says."""
    line = "R" if rtl_base else "L"

    def kind(i: int) -> str | None:
        if unicodedata.bidirectional(text[i]) in ("EN", "AN"):
            return "R"
        return strong[i]

    inside = {kind(i) for i in range(pair[0] + 1, pair[1])} - {None}
    if line in inside or not inside:
        return line
    # The first strong direction before the brackets, else the line's.
    return next(filter(None, map(kind, range(pair[0] - 1, -1, -1))), line)


def directions(text: str, rtl_base: bool) -> list[bool]:
    """For each character, whether it belongs to a right-to-left run.

    A pair of brackets takes one direction for both (the bidirectional algorithm's rule N0), so
    "(https://…)" or "[1]" inside Arabic stays enclosed. Other neutral characters (spaces,
    punctuation) between two runs of the same direction take that direction; elsewhere they
    take the line's.
    """
    strong, figures = _acting(text, rtl_base)
    for pair in _bracket_pairs(text):
        strong[pair[0]] = strong[pair[1]] = _bracket_direction(strong, text, pair, rtl_base)
    out: list[bool] = []
    n = len(text)
    for i, s in enumerate(strong):
        if s is not None:
            # A run of figures is set left to right, whichever way it acts on its neighbours.
            out.append(s == "R" and not figures[i])
            continue
        before = next((strong[j] for j in range(i - 1, -1, -1) if strong[j]), None)
        after = next((strong[j] for j in range(i + 1, n) if strong[j]), None)
        if before is not None and before == after:
            out.append(before == "R")
        else:
            out.append(rtl_base)
    return out


def _word_starts(text: str) -> list[int]:
    """For each character, where its word starts (a space is a word of its own)."""
    out: list[int] = []
    begin = 0
    for i, ch in enumerate(text):
        if ch.isspace():
            out.append(i)
            begin = i + 1
        else:
            out.append(begin)
    return out


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
        zero = _invisible(piece.path)
        words = text[start:end]
        # The units whose characters are read back together: HarfBuzz's clusters; right to left,
        # whole words (see below). Each unit's characters run from its start to the next unit's.
        clusters = sorted({info.cluster for info in infos})
        if seg_rtl and zero is not None:
            word_of = _word_starts(words)
            unit = {c: word_of[c] for c in clusters}
        else:
            unit = {c: c for c in clusters}
        starts = sorted(set(unit.values()))
        span = {
            c: words[c : starts[k + 1] if k + 1 < len(starts) else end - start] for k, c in enumerate(starts)
        }
        by_cluster: dict[int, list[int]] = {}
        for k, info in enumerate(infos):
            by_cluster.setdefault(unit[info.cluster], []).append(k)
        glyph_at: dict[int, Glyph] = {}
        extras: dict[int, list[Glyph]] = {}
        pens: list[float] = []
        for pos in positions:
            pens.append(x)
            x += pos.x_advance * scale
        for k, (info, pos) in enumerate(zip(infos, positions, strict=True)):
            members = by_cluster[unit[info.cluster]]
            chars = span[unit[info.cluster]]
            if not seg_rtl and len(members) > len(chars):
                # More glyphs than characters (a Bengali vowel drawn in two parts, ো): the
                # canonically equal decomposed characters (ে া), one a glyph where they suffice.
                chars = unicodedata.normalize("NFD", chars)
            adv = font.get_glyph_h_advance(info.codepoint) * scale
            extras[k] = []
            if seg_rtl and len(chars) > 1 and zero is not None:
                # Right to left, a word reads back through invisible glyphs on the baseline, one
                # per character, spread over its width from right to left; its own glyphs stand
                # for nothing. Readers that order text by position (pdftotext) then never
                # reverse or misplace its letters: not in a ligature (lam-alef), nor a letter and
                # its marks, nor in Nastaliq, whose words step down from right to left, each
                # glyph raised and overlapping the next.
                own = ""
                # The invisible glyphs are written after the word's own glyphs (the last of them
                # in reading order), so that what those read as (canvas.SILENT) falls between
                # words, never between a word and the full stop after it.
                if k == members[0]:
                    left = min(pens[m] for m in members)
                    room = sum(positions[m].x_advance for m in members) * scale or adv
                    n = len(chars)
                    extras[k] = [
                        Glyph(owner[start], zero, ch, left + room * (n - 1 - i) / n, 0.0, room / n)
                        for i, ch in enumerate(chars)
                    ]
            else:
                # A cluster's characters, shared out over its glyphs in visual order: the last
                # glyph takes what is left (more glyphs than characters leaves some standing for none).
                rank = members.index(k) if not seg_rtl else len(members) - 1 - members.index(k)
                own = chars[rank] if rank < len(members) - 1 and rank < len(chars) else ""
                if rank == len(members) - 1:
                    own = chars[min(rank, len(chars)) :] if rank < len(chars) else ""
            glyph_at[k] = Glyph(
                owner[start],
                info.codepoint,
                own,
                pens[k] + pos.x_offset * scale,
                pos.y_offset * scale,
                adv,
            )
        logical = sorted(
            glyph_at,
            key=lambda k: (
                unit[infos[k].cluster],
                by_cluster[unit[infos[k].cluster]].index(k)
                if not seg_rtl
                else -by_cluster[unit[infos[k].cluster]].index(k),
            ),
        )
        placed[seg] = [g for k in logical for g in (glyph_at[k], *extras[k])]
    glyphs = [g for seg in range(len(segments)) for g in placed[seg]]
    return ShapedLine(tuple(glyphs), x)
