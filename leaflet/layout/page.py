"""Pages: their geometry (trim, bleed, crop marks), the single frame, and the footer on every page."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getDescent, stringWidth
from reportlab.platypus import BaseDocTemplate, PageTemplate

from leaflet.content.model import Leaflet
from leaflet.fonts import FontSet
from leaflet.frozen import frozen
from leaflet.i18n import Furniture, furniture
from leaflet.layout.flowables import KeepWithFirstLines
from leaflet.layout.markup import metadata_date
from leaflet.layout.story import Pagination
from leaflet.rlseam import QuickCopyFrame
from leaflet.style import Theme

#: Crop marks stand this far out from the trim, so they never reach the bleed.
MARK_GAP = 4 * mm
MARK_LENGTH = 6 * mm
#: The least room between the footer's lowest letters (its fonts' depth below the line) and
#: the page's (the trim's) bottom edge: the 5 mm inside the trim a printing firm wants, and
#: more than the 4 to 5 mm an office printer leaves white.
FOOTER_EDGE = 5 * mm
#: A leaflet of up to this many pages leaves room beside the widest of its page numbers, each
#: measured; a longer one (or the 888 pages the footer's height is first worked out for),
#: beside its last page's.
MEASURED_PAGES = 120


#: A space of a footer piece that the piece is not cut at; written as a space.
_HELD = "\u00a0"


def _dated(words: Furniture, template: str, date: str) -> str:
    """A footer piece that says a date ("Next review 26 November 2028"), which a narrow column
    may cut between its words and its date only: neither is ever cut across lines."""
    before, _, after = words(template, date="\0").partition("\0")
    label = f"{before.rstrip().replace(' ', _HELD)}{before[len(before.rstrip()) :]}"
    tail = f"{after[: len(after) - len(after.lstrip())]}{after.lstrip().replace(' ', _HELD)}"
    return f"{label}{date.replace(' ', _HELD)}{tail}"


@frozen
class PageGeometry:
    """The trimmed page, and what a printer needs around it."""

    trim_width: float
    trim_height: float
    bleed: float = 0.0  # backgrounds run this far past the trim
    slug: float = 0.0  # from the edge of the sheet to the trim: room for bleed and crop marks

    @classmethod
    def for_theme(cls, theme: Theme, bleed: float = 0.0) -> PageGeometry:
        slug = bleed + MARK_GAP + MARK_LENGTH if bleed else 0.0
        return cls(theme.page.width, theme.page.height, bleed, slug)

    @property
    def media(self) -> tuple[float, float]:
        return self.trim_width + 2 * self.slug, self.trim_height + 2 * self.slug

    @property
    def trim_box(self) -> tuple[float, float, float, float]:
        return self.slug, self.slug, self.slug + self.trim_width, self.slug + self.trim_height

    @property
    def bleed_box(self) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = self.trim_box
        b = self.bleed
        return x0 - b, y0 - b, x1 + b, y1 + b


@frozen
class FooterVoice:
    """One language's footer on a page: whose words, where, and which page of how many."""

    leaflet: Leaflet
    words: Furniture
    offset: float
    width: float
    page: int
    total: int


@frozen
class FooterLine:
    """One line of the footer: words on the left, and on the right (the page number)."""

    left: str
    right: str = ""


class LeafletDocTemplate(BaseDocTemplate):
    """One frame per page, a footer drawn as page furniture, and page numbers recorded."""

    def __init__(
        self,
        target: Any,
        leaflet: Leaflet,
        theme: Theme,
        fonts: FontSet,
        pagination: Pagination,
        geometry: PageGeometry | None = None,
        **kw: Any,
    ) -> None:
        page = theme.page
        geo = geometry or PageGeometry.for_theme(theme)
        self.leaflet = leaflet
        self.theme = theme
        self.fonts = fonts
        #: What every page's footer repeats, worked out on the first: widths of its texts
        #: ((text, bold) → points), and its pieces for each voice ((metadata, words, width) → pieces).
        self.footer_widths: dict[tuple[str, bool], float] = {}
        self.footer_pieces: dict[tuple[int, int, float], tuple[Any, Any, list[str]]] = {}
        #: The widest "Page N of M" of a leaflet of M pages ((words, M) → (words, points)).
        self.widest_numbers: dict[tuple[int, int], tuple[Any, float]] = {}
        self.pagination = pagination
        self.geometry = geo
        self.seen = Pagination()
        self.words = furniture(leaflet.metadata.language)
        self.footer_width = page.width - page.margin_left - page.margin_right
        #: A bilingual leaflet's English partner, and how the two are printed.
        self.partner = leaflet.bilingual.english if leaflet.bilingual else None
        self.design = leaflet.bilingual.design if leaflet.bilingual else None
        # Side by side, each language has its footer under its own column.
        self.footer_column = (
            (self.footer_width - theme.style("body").size * 2) / 2
            if self.design == "parallel"
            else self.footer_width
        )
        # The footer grows a line when large print makes it too wide; the text
        # area stops above it, whatever the sheet's bottom margin says.
        footer = self.theme.style("footer")
        samples = [
            self.footer_lines(888, 888, voice.leaflet, voice.words, voice.width) for voice in self.voices(1)
        ]
        widest = max(samples, key=len)
        # Under the last line: the fonts' depth below it and FOOTER_EDGE (at the least, as before,
        # a line's size).
        depth = max(map(self.footer_depth, samples))
        needed = footer.size * 1.2 + len(widest) * footer.leading + max(footer.size, FOOTER_EDGE + depth)
        boxes = {"trimBox": geo.trim_box, "bleedBox": geo.bleed_box} if geo.bleed else {}
        super().__init__(
            target,
            pagesize=geo.media,
            leftMargin=geo.slug + page.margin_left,
            rightMargin=geo.slug + page.margin_right,
            topMargin=geo.slug + page.margin_top,
            bottomMargin=geo.slug + max(page.margin_bottom, needed),
            initialFontName=fonts.font_name(theme.text_font),
            initialFontSize=theme.style("body").size,
            initialLeading=theme.style("body").leading,
            keepTogetherClass=KeepWithFirstLines,
            **boxes,
            **kw,
        )
        frame = QuickCopyFrame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="text",
        )
        self.addPageTemplates([PageTemplate("page", [frame], onPageEnd=self.draw_page_furniture)])

    def handle_documentBegin(self) -> None:
        super().handle_documentBegin()
        # Flowables that paint to the page's edges (the title band) need to know where they are.
        self.canv.trim_box = self.geometry.trim_box
        self.canv.bleed = self.geometry.bleed
        # The most of the text frame a page break may leave empty (the sheet's layout: max_hole).
        self.canv.hole_limit = self.height * self.theme.layout.max_hole

    def afterPage(self) -> None:
        self.seen.total = self.page
        self.seen.pages = self.canv.anchor_pages

    # -- the footer

    def text_width(self, text: str, bold: bool = False) -> float:
        width = self.footer_widths.get((text, bold))
        if width is None:
            size = self.theme.style("footer").size
            shown = text.replace(_HELD, " ")
            width = sum(stringWidth(chunk, name, size) for name, chunk in self.runs(shown, bold))
            self.footer_widths[(text, bold)] = width
        return width

    def voices(self, page: int, total: int = 0, canvas: Any = None) -> list[FooterVoice]:
        """Whose footer goes on page `page`: the leaflet's, or (bilingual) one language's or both.

        Back to back, each half counts its pages from its own first page, as its contents does.
        """
        if self.partner is None:
            return [FooterVoice(self.leaflet, self.words, 0.0, self.footer_width, page, total)]
        english = furniture(self.partner.metadata.language)
        if self.design == "parallel":
            offset = self.footer_width - self.footer_column
            return [
                FooterVoice(self.leaflet, self.words, 0.0, self.footer_column, page, total),
                FooterVoice(self.partner, english, offset, self.footer_column, page, total),
            ]
        second = getattr(canvas, "second_half", None)
        start = self.pagination.pages.get("en-title") or (second[0] if second else 0)
        if start and page >= start:
            return [
                FooterVoice(
                    self.partner, english, 0.0, self.footer_width, page - start + 1, total - start + 1
                )
            ]
        return [
            FooterVoice(self.leaflet, self.words, 0.0, self.footer_width, page, start - 1 if start else total)
        ]

    def footer_lines(
        self,
        page: int,
        total: int,
        leaflet: Leaflet | None = None,
        words: Furniture | None = None,
        width: float | None = None,
    ) -> list[FooterLine]:
        """The footer: organisation, title, version and dates, packed into as few lines as fit.

        Each piece stays whole on its line (they are cut only at the " · " between
        them), and the first line leaves room for "Page N of M" at its right.
        """
        m = (leaflet or self.leaflet).metadata
        w = words or self.words
        full = width or self.footer_width
        number = w("Page {page} of {total}", page=page, total=total)
        gap = self.theme.style("footer").size
        known = self.footer_pieces.get((id(m), id(w), full))
        if known is not None and known[0] is m and known[1] is w:
            pieces = known[2]
        else:
            # What the leaflet does not say is left out, never made up.
            pieces = [m.organisation, self.footer_title(m.footer_title, full)]
            if m.version is not None:
                pieces.append(w("Version {version}", version=m.version))
            pieces.append(_dated(w, "Published {date}", metadata_date(m, "published", w)))
            if m.next_review is not None:
                pieces.append(_dated(w, "Next review {date}", metadata_date(m, "next_review", w)))
            self.footer_pieces[(id(m), id(w), full)] = (m, w, pieces)
        lines: list[FooterLine] = []
        # Room is left beside the widest page number of the leaflet, not this page's: every page's
        # footer is packed the same way, whatever the width of its own number's figures.
        widest = self.widest_number(w, total)

        def room() -> float:
            return full - (widest + gap if not lines else 0)

        def close(text: str) -> None:
            lines.append(FooterLine(text.replace(_HELD, " "), "" if lines else number))

        current = ""
        for piece in pieces:
            candidate = f"{current} · {piece}" if current else piece
            if self.text_width(candidate) <= room():
                current = candidate
                continue
            if current and self.text_width(piece) > full:
                # A piece no line holds whole ("Published 26 November 2026" in a narrow column)
                # is cut anyway: its head ("Published") ends the line it would have started after.
                left = room() - self.text_width(f"{current} · ")
                head, *rest = self.wrap(piece, left, full)
                if rest and self.text_width(head) <= left:
                    current, piece = f"{current} · {head}", " ".join(rest)
            if current:
                close(current)
            current = piece
            if not lines and room() < self.text_width(current) <= full:
                # A piece that fits a whole line but not beside the page number (a narrow column):
                # the number takes the first line, and the piece stays whole on the next.
                close("")
            while self.text_width(current) > room():
                # Longer than a line on its own (a long organisation): cut between its words.
                first, *rest = self.wrap(current, room(), full)
                if not rest:
                    break
                close(first)
                current = " ".join(rest)
        close(current)
        return lines

    def footer_depth(self, lines: list[FooterLine]) -> float:
        """How far the deepest font of a footer's `lines` reaches below them (its descent at the footer's size)."""
        size = self.theme.style("footer").size
        return max(
            (
                -getDescent(name, size)
                for line in lines
                for text, bold in ((line.left, False), (line.right, True))
                for name, _ in self.runs(text, bold)
            ),
            default=0.0,
        )

    def widest_number(self, words: Furniture, total: int) -> float:
        """The width of the widest "Page N of M" for N from 1 to M (`total`), in bold."""
        known = self.widest_numbers.get((id(words), total))
        if known is not None and known[0] is words:
            return known[1]

        def width_of(page: int) -> float:
            return self.text_width(words("Page {page} of {total}", page=page, total=total), bold=True)

        pages = range(1, total + 1) if 0 < total <= MEASURED_PAGES else [total]
        width = max(map(width_of, pages))
        self.widest_numbers[(id(words), total)] = (words, width)
        return width

    def footer_title(self, title: str | None = None, width: float | None = None) -> str:
        """The title for the footer: the short title, else the title, else its head before a separator."""
        title = title or self.leaflet.metadata.footer_title
        width = width or self.footer_width
        if self.text_width(title) <= width:
            return title
        for separator in (": ", " – ", " — ", " - ", " ("):
            head = title.split(separator, 1)[0].strip()
            if head != title and self.text_width(head) <= width:
                return head
        return title

    def wrap(self, text: str, width: float, line: float | None = None) -> list[str]:
        """A footer piece cut at spaces into lines that fit `width` (a long organisation or title).

        A part held whole (a date) is cut at its own spaces only when no whole line (`line`,
        else `width`) holds it."""
        lines: list[str] = []
        current = ""
        whole = width if line is None else line
        words = [
            part
            for word in text.split(" ")
            for part in (word.split(_HELD) if _HELD in word and self.text_width(word) > whole else [word])
        ]
        for word in words:
            candidate = f"{current} {word}".strip()
            if current and self.text_width(candidate) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        return [*lines, current]

    def draw_page_furniture(self, canvas: Any, doc: Any) -> None:
        if canvas.draft:
            return
        st = self.theme.style("footer")
        rule = self.theme.boxes["footer_rule"]
        x0, x1 = self.leftMargin, self.leftMargin + self.width
        rtl = self.words.rtl
        top = self.bottomMargin - st.size * 1.2
        total = self.pagination.total or self.page
        for n, voice in enumerate(self.voices(self.page, total, canvas)):
            left, right = x0 + voice.offset, x0 + voice.offset + voice.width
            # Each language's footer is marked as written in it, so it is read in its own voice.
            lang = voice.leaflet.metadata.language if self.partner is not None else None
            with canvas.tagging.artifact(canvas, "Pagination", lang=lang):
                canvas.saveState()
                if n == 0 and rule.border and rule.border_colour is not None:
                    canvas.setStrokeColorRGB(*rule.border_colour.rgb)
                    canvas.setLineWidth(rule.border)
                    canvas.line(x0, top, x1, top)
                canvas.setFillColorRGB(*st.colour.rgb)
                y = top
                lines = self.footer_lines(voice.page, voice.total, voice.leaflet, voice.words, voice.width)
                for line in lines:
                    y -= st.leading
                    if line.left:
                        # A right-to-left page is a mirror: the words at the right, the number at the left.
                        self.draw_line(canvas, right if rtl else left, y, line.left, align_right=rtl)
                    if line.right:
                        self.draw_line(
                            canvas, left if rtl else right, y, line.right, bold=True, align_right=not rtl
                        )
                canvas.restoreState()
        if self.geometry.bleed:
            self.draw_crop_marks(canvas)

    def draw_crop_marks(self, canvas: Any) -> None:
        x0, y0, x1, y1 = self.geometry.trim_box
        out = self.geometry.bleed + MARK_GAP
        with canvas.tagging.artifact(canvas, "Layout"):
            canvas.saveState()
            # Registration black: the marks print on every plate.
            canvas.setStrokeColorCMYK(1, 1, 1, 1)
            canvas.setLineWidth(0.25)
            for x, sx in ((x0, -1), (x1, 1)):
                for y, sy in ((y0, -1), (y1, 1)):
                    canvas.line(x + sx * out, y, x + sx * (out + MARK_LENGTH), y)
                    canvas.line(x, y + sy * out, x, y + sy * (out + MARK_LENGTH))
            canvas.restoreState()

    def runs(self, text: str, bold: bool) -> list[tuple[str, str]]:
        """The text cut into runs, each in a font that has its characters (the footer repeats metadata)."""
        return [(family.bold if bold else family.regular, chunk) for family, chunk in self.fonts.runs(text)]

    def draw_line(
        self, canvas: Any, x: float, y: float, text: str, bold: bool = False, align_right: bool = False
    ) -> None:
        size = self.theme.style("footer").size
        runs = self.runs(text, bold)
        if align_right:
            x -= sum(stringWidth(chunk, name, size) for name, chunk in runs)
        # One text object for the line, so the line reads as one line of words.
        canvas.draw_words(x, y, runs, size)
