"""Pages: the document template, its single frame, and the footer on every page."""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from leaflet.content.model import Leaflet
from leaflet.fonts import FontSet, internal_name
from leaflet.layout.story import Pagination, long_date
from leaflet.style import Theme


class LeafletDocTemplate(BaseDocTemplate):
    """One frame per page, a footer drawn as page furniture, and page numbers recorded."""

    def __init__(
        self, target: Any, leaflet: Leaflet, theme: Theme, fonts: FontSet, pagination: Pagination, **kw: Any
    ) -> None:
        page = theme.page
        super().__init__(
            target,
            pagesize=(page.width, page.height),
            leftMargin=page.margin_left,
            rightMargin=page.margin_right,
            topMargin=page.margin_top,
            bottomMargin=page.margin_bottom,
            initialFontName=internal_name(theme.text_font),
            initialFontSize=theme.style("body").size,
            initialLeading=theme.style("body").leading,
            **kw,
        )
        self.leaflet = leaflet
        self.theme = theme
        self.fonts = fonts
        self.pagination = pagination
        self.seen = Pagination()
        frame = Frame(
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
        self.addPageTemplates([PageTemplate("page", [frame], onPageEnd=self.draw_footer)])

    def afterPage(self) -> None:
        self.seen.total = self.page
        self.seen.pages = self.canv.anchor_pages

    def draw_footer(self, canvas: Any, doc: Any) -> None:
        theme, m = self.theme, self.leaflet.metadata
        st = theme.style("footer")
        rule = theme.boxes["footer_rule"]
        x0, x1 = self.leftMargin, self.leftMargin + self.width
        top = self.bottomMargin - st.size * 1.2
        total = self.pagination.total or self.page
        with canvas.tagging.artifact(canvas, "Pagination"):
            canvas.saveState()
            if rule.border and rule.border_colour is not None:
                canvas.setStrokeColorRGB(*rule.border_colour.rgb)
                canvas.setLineWidth(rule.border)
                canvas.line(x0, top, x1, top)
            canvas.setFillColorRGB(*st.colour.rgb)
            y = top - st.leading
            self.draw_line(canvas, x0, y, f"{m.organisation} · {m.footer_title}")
            self.draw_line(canvas, x1, y, f"Page {self.page} of {total}", bold=True, align_right=True)
            y -= st.leading
            dates = f"Published {long_date(m.published)} · Next review {long_date(m.next_review)} · Version {m.version}"
            self.draw_line(canvas, x0, y, dates)
            canvas.restoreState()

    def draw_line(
        self, canvas: Any, x: float, y: float, text: str, bold: bool = False, align_right: bool = False
    ) -> None:
        """One line of footer text, each character in a family that has it (the footer repeats metadata)."""
        size = self.theme.style("footer").size
        runs: list[tuple[str, str]] = []
        for ch in text:
            family = self.fonts.family_for(ch) or self.fonts.text
            name = family.bold if bold else family.regular
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + ch)
            else:
                runs.append((name, ch))
        if align_right:
            x -= sum(stringWidth(chunk, name, size) for name, chunk in runs)
        # One text object for the line, so the line reads as one line of words.
        tx = canvas.beginText(x, y)
        for name, chunk in runs:
            tx.setFont(name, size)
            tx.textOut(chunk)
        canvas.drawText(tx)
