"""Pages: the document template, its single frame, and the footer on every page."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from leaflet.content.model import Leaflet
from leaflet.fonts import internal_name
from leaflet.layout.story import Pagination, long_date
from leaflet.style import Theme


class LeafletDocTemplate(BaseDocTemplate):
    """One frame per page, a footer drawn as page furniture, and page numbers recorded."""

    def __init__(
        self, target: Any, leaflet: Leaflet, theme: Theme, pagination: Pagination, **kw: Any
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
            font = internal_name(st.font)
            canvas.setFont(font, st.size)
            y = top - st.leading
            canvas.drawString(x0, y, f"{m.organisation} · {m.footer_title}")
            canvas.setFont(internal_name(st.font, bold=True), st.size)
            canvas.drawRightString(x1, y, f"Page {self.page} of {total}")
            canvas.setFont(font, st.size)
            y -= st.leading
            canvas.drawString(
                x0,
                y,
                f"Published {long_date(m.published)} · Next review {long_date(m.next_review)} · Version {m.version}",
            )
            canvas.restoreState()
