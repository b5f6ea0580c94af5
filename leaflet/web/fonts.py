"""The style sheet's fonts as WOFF2 files, so the web page works offline.

The same OFL files the PDFs embed are compressed with fontTools (Brotli). The
text family goes whole: Atkinson Hyperlegible is about 23 KB a weight as WOFF2,
so every leaflet in every language it covers shares the same two files. A
fallback family (Noto Sans is a 2 MB variable font) is cut down to what it adds:
the characters it has and the families before it lack, within the scripts the
project's leaflets are written in (`WEB_SCRIPTS`), its width axis fixed and its
weight axis kept from regular to bold, so one small file serves both weights.
Each face is declared with the `unicode-range` it covers, so a browser fetches a
fallback only for a page that needs one of its characters.

A face's range leaves out the combining accents (U+0300–036F), which it keeps in its file.
Given a letter the font lacks (Welsh ŵ and ŷ in Atkinson Hyperlegible), a browser's shaper
draws it from the plain letter and the combining accent when the face declares both, and a
font without marks to place that accent by puts it beside the letter ("dwr̂"). Left out of the
range, the accent cannot be had from that face: the whole letter comes from the next family
that has it, as in the PDF, which draws ŵ in Noto Sans. The fallback keeps the accents, for
text written with them.

A leaflet in a script the text family lacks (Arabic, Urdu, Bengali) is set in the family
the sheet names for its language (`fonts: languages:`, Noto Sans Arabic or Bengali from the
system's fonts), first in the page's list as it is first in the PDF's; the text family then
draws its Latin words. That family goes whole too, the same files the PDF embeds: about
80 KB a weight for Noto Sans Arabic, 150 KB for Noto Nastaliq Urdu and 72 KB for Noto Sans
Bengali as WOFF2. Cut to the script's
own blocks it would be about 62 KB (a fifth less), but it would lose the figures and
punctuation it draws in print, and a cut to each page's words would make a file per page
that no other page shares; its stylesheet (named by what it holds) is the language's own,
so an English page never names it.

The cut is the same for every leaflet (it does not depend on the words), so the
files are shared too. Making a fallback takes seconds (ten or more on a busy
machine), so a face is made once: its name carries a hash of what it is made
from, one already beside the page is left alone, and each one made is kept in
this process and in the user's cache folder (`$XDG_CACHE_HOME/leaflet/web-fonts`,
else `~/.cache/leaflet/web-fonts`) for the next build.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path

from leaflet.cachedir import cache_folder, keep_sealed, read_sealed
from leaflet.fontfiles import family_files
from leaflet.frozen import frozen
from leaflet.safeio import MAX_FONT_BYTES
from leaflet.safeio import digest as file_digest
from leaflet.style import FontFamily, Theme
from leaflet.zero import with_open_zero

#: Unicode blocks a fallback family is kept for: the Latin scripts of the UK's and
#: Europe's languages (Welsh ŵ ŷ ẁ, Polish, Romanian, Turkish, Vietnamese), combining
#: accents, punctuation and currency, and the scripts of the languages the NHS
#: translates into most (Arabic for Urdu, Persian and Kurdish; Bengali; Gurmukhi;
#: Gujarati; Tamil), with the joiners they need.
WEB_SCRIPTS: tuple[tuple[int, int], ...] = (
    (0x00A0, 0x024F),
    (0x0300, 0x036F),
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0980, 0x09FF),
    (0x0A00, 0x0A7F),
    (0x0A80, 0x0AFF),
    (0x0B80, 0x0BFF),
    (0x1E00, 0x1EFF),
    (0x200C, 0x206F),
    (0x20A0, 0x20CF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)

#: The combining accents: in no face's range but a fallback's (see the module's note).
COMBINING = (0x0300, 0x036F)

#: Changed when the way a face is made changes, so files made the old way are made again.
_RECIPE = "2"


@frozen
class WebFace:
    """One @font-face: a family at a weight (or a range of weights), and its WOFF2 file."""

    family: str
    #: "400", "700" or a range "400 700" for a variable face.
    weight: str
    source: Path
    #: The files of the families before this one, whose characters it leaves out (a fallback).
    earlier: tuple[Path, ...] = ()

    @property
    def fallback(self) -> bool:
        return bool(self.earlier)

    @property
    def file_name(self) -> str:
        """Named by what the face is made from: the recipe, the weight and the bytes of every font file."""
        made_from = " ".join(f"{p.name}:{_font_digest(p)}" for p in (self.source, *self.earlier))
        recipe = f"{_RECIPE} {WEB_SCRIPTS} {self.weight} {made_from}"
        digest = hashlib.sha256(recipe.encode()).hexdigest()
        stem = "".join(ch for ch in self.family if ch.isalnum())
        return f"{stem}-{self.weight.replace(' ', '-')}-{digest[:10]}.woff2"

    @property
    def unicode_range(self) -> str:
        """The CSS unicode-range of the face: a fallback's characters that the families before
        it lack, or what a whole font draws by itself (its characters but the combining accents).

        Kept beside the face in the cache folder (it is made from the same files), so a
        build whose faces are all made reads no font with fontTools.
        """
        kept = _cache_folder() / f"{self.file_name}.range"
        known = read_sealed(kept, 1 << 20)
        if known is not None:
            return known.decode("ascii")
        if self.fallback:
            found = unicode_range(_wanted(self.source, self.earlier))
        else:
            found = unicode_range(sorted(_drawn(self.source)))
        keep_sealed(kept, found.encode("ascii"))
        return found

    def data(self) -> bytes:
        """The WOFF2 file: from the cache folder when it is there and whole (the digest kept
        beside it says so: a file cut short or replaced is made again), else made and kept there."""
        cached = _cache_folder() / self.file_name
        known = read_sealed(cached, MAX_FONT_BYTES)
        if known is not None:
            return known
        data = _woff2(self.source, self.weight, self.earlier)
        keep_sealed(cached, data)
        return data


def _font_digest(path: Path) -> str:
    """The SHA-256 of a font file's bytes, for a name that can never be stale (`safeio.digest`)."""
    return file_digest(path, MAX_FONT_BYTES)[0]


def _cache_folder() -> Path:
    return cache_folder("web-fonts")


def web_faces(theme: Theme, language: str = "en") -> tuple[WebFace, ...]:
    """Every face a page in `language` needs: the family the sheet names for its script
    (`fonts: languages:`), then the theme's text and fallback families, as in the PDF."""
    faces: list[WebFace] = []
    script = theme.text_font_for(language)
    if script != theme.text_font:
        # Whole, like the text family: it draws the page's own script, and its figures and
        # punctuation too, as in print (see the module's note on sizes).
        reg, bld = _files(theme.families[script])
        faces += [WebFace(script, "400", reg), WebFace(script, "700", bld)]
    text = theme.families[theme.text_font]
    regular, bold = _files(text)
    faces += [WebFace(text.name, "400", regular), WebFace(text.name, "700", bold)]
    earlier = (regular, bold)
    for name in theme.fallback_fonts:
        family = theme.families[name]
        reg, bld = _files(family)
        if reg == bld:  # a variable font: one face for both weights
            faces.append(WebFace(family.name, "400 700", reg, earlier))
        else:
            faces += [WebFace(family.name, "400", reg, earlier), WebFace(family.name, "700", bld, earlier)]
        earlier += (reg, bld)
    return tuple(faces)


def passage_faces(theme: Theme, name: str) -> tuple[WebFace, ...]:
    """The faces of the family a sheet names for the language of a passage (an Urdu line in an
    English page), whole: a browser fetches them only for a page that shows such a passage."""
    reg, bld = _files(theme.families[name])
    if reg == bld:
        return (WebFace(name, "400 700", reg),)
    return (WebFace(name, "400", reg), WebFace(name, "700", bld))


@cache
def _files(family: FontFamily) -> tuple[Path, Path]:
    """The files the PDF draws with: a slashed zero redrawn open (leaflet/zero.py), as in print."""
    if family.regular is None or family.bold is None:
        regular, bold = family_files(family.name)
    else:
        regular, bold = family.regular, family.bold
    return with_open_zero(regular), with_open_zero(bold)


@cache
def _wanted(source: Path, earlier: tuple[Path, ...]) -> tuple[int, ...]:
    covered: set[int] = set()
    for path in earlier:
        covered |= _drawn(path)
    return tuple(
        sorted(c for c in _cmap(source) if c not in covered and any(lo <= c <= hi for lo, hi in WEB_SCRIPTS))
    )


@cache
def _woff2(source: Path, weight: str, earlier: tuple[Path, ...]) -> bytes:
    from fontTools.ttLib import TTFont

    # The same files make the same bytes: the font's modification time is kept as it was.
    font = TTFont(source, recalcTimestamp=False)
    if earlier:
        font = _cut(font, _wanted(source, earlier), weight)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _cut(font: object, wanted: tuple[int, ...], weight: str) -> object:
    """A fallback cut down to the characters wanted; a variable font fixed but for its weights."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    if "fvar" in font:  # type: ignore[operator]
        from fontTools.varLib import instancer

        low, high = (float(w) for w in (weight.split() * 2)[:2])
        limits: dict[str, object] = {}
        for axis in font["fvar"].axes:  # type: ignore[index]
            if axis.axisTag == "wght":
                limits["wght"] = (max(axis.minValue, low), min(axis.maxValue, high))
            else:
                limits[axis.axisTag] = axis.defaultValue
        font = instancer.instantiateVariableFont(font, limits)
        font.recalcTimestamp = False
    return font


def _drawn(path: Path) -> frozenset[int]:
    """The characters a font's face is declared for: those it has but the combining accents."""
    low, high = COMBINING
    return frozenset(c for c in _cmap(path) if not low <= c <= high)


@cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path, lazy=True).getBestCmap())


def unicode_range(codes: tuple[int, ...] | list[int]) -> str:
    """Code points as a CSS unicode-range: runs of neighbours joined (U+0174-0177)."""
    runs: list[tuple[int, int]] = []
    for code in sorted(codes):
        if runs and code == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return ", ".join(f"U+{lo:04X}" if lo == hi else f"U+{lo:04X}-{hi:04X}" for lo, hi in runs)
