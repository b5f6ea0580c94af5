"""The structure tree, and the only code that knows about marked content.

The layout builds StructElem objects from the content model (Document, H1,
P, L, LI, ...), hands each leaf flowable its element, and while drawing asks
for `tagging.text(canvas, elem)` or `tagging.artifact(canvas)`. Whether those
write marked content or nothing at all is decided here, so drawing code never
branches on whether the document is tagged: `Tagging` tags nothing,
`PdfTagging` writes a PDF/UA-1 structure tree.

How a paragraph is tagged: ReportLab writes a paragraph as one text object
(BT … ET). The text object records where, in its list of operators, each
link starts and ends; when it is drawn, the operators are cut into runs at
those points and each run that shows text is wrapped in its own BDC … EMC
with a fresh MCID, inside the BT … ET. So marked content and text objects
nest, an MCID is given only to text that was painted, and a link's words are
marked content of its own Link element, which also holds an OBJR to the
link annotation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from operator import itemgetter
from typing import Any, NamedTuple

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFStream,
    PDFString,
)

from leaflet.escape import escape
from leaflet.rlseam import add_objects, add_operator, object_count, page_count, pdf_document
from leaflet.structure import StructElem, Tagging

__all__ = ["AnnotationRef", "MarkedContent", "PdfTagging", "StructElem", "Tagging", "xmp_packet"]


class MarkedContent(NamedTuple):
    """A kid of a structure element: marked content with this MCID on this page (a tuple: a
    tagged leaflet makes one for every run of text it draws)."""

    page: int  # 1-based page number
    mcid: int


class AnnotationRef(NamedTuple):
    """A kid of a Link element: its annotation (an OBJR)."""

    page: int
    ref: PDFObjectReference


class _TextMarks:
    """What a text object needs to know to be cut into marked runs (one for each text object
    drawn: a plain class, quicker to make than a dataclass with its factories)."""

    __slots__ = ("annotations", "cuts", "elem", "line_links", "taken")

    def __init__(self, elem: StructElem) -> None:
        self.elem = elem
        #: (index into the operators, link or None): from there on, whose words these are.
        self.cuts: list[tuple[int, Any]] = []
        #: Annotations made for this text object's links, waiting for their Link element:
        #: (target, reference, ParentTree key, line of the paragraph).
        self.annotations: list[tuple[str, Any, int, int]] = []
        #: The links that start on each line, for telling two links to one place apart.
        self.line_links: dict[int, list[Any]] = {}
        #: The (line, link) pairs whose Link element has been given an annotation, once one has.
        self.taken: set[tuple[int, Any]] | None = None


def escape_pdf_string(text: str) -> str:
    """Text for a PDF literal string (a language tag: letters, digits and hyphens)."""
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


_SHOWING = ("Tj", "TJ", "'", '"')


def _shows_any(ops: Iterable[str]) -> bool:
    """Whether any of these operators shows text (a loop: any() of a generator costs twice as much)."""
    for op in ops:  # noqa: SIM110
        if " Tj" in op or " TJ" in op or op.endswith(_SHOWING):
            return True
    return False


#: tuple.__new__: a MarkedContent (or an AnnotationRef) made without NamedTuple's own __new__ (a
#: function in Python).
_marked_content = tuple.__new__
_first = itemgetter(0)


class _Drawing:
    """While it lasts, the canvas draws the words of `elem` (then those of the element before)."""

    __slots__ = ("canvas", "elem", "previous")

    def __init__(self, canvas: Any, elem: StructElem | None) -> None:
        self.canvas = canvas
        self.elem = elem

    def __enter__(self) -> None:
        self.previous = self.canvas.tag_elem
        self.canvas.tag_elem = self.elem

    def __exit__(self, *exc: object) -> None:
        self.canvas.tag_elem = self.previous


class _Artifact:
    """While it lasts, what is painted is an artifact of this kind (marked once, however deep)."""

    __slots__ = ("canvas", "kind", "lang", "outer", "tagging")

    def __init__(self, tagging: PdfTagging, canvas: Any, kind: str, lang: str | None) -> None:
        self.tagging = tagging
        self.canvas = canvas
        self.kind = kind
        self.lang = lang

    def __enter__(self) -> None:
        tagging = self.tagging
        self.outer = outer = tagging.artifact_depth == 0
        if outer:
            # A marked-content property list may name its language (ISO 32000-1, 14.9.2.2).
            tongue = f" /Lang ({escape_pdf_string(self.lang)})" if self.lang else ""
            add_operator(self.canvas, f"/Artifact <</Type /{self.kind}{tongue}>> BDC")
        tagging.artifact_depth += 1

    def __exit__(self, *exc: object) -> None:
        self.tagging.artifact_depth -= 1
        if self.outer:
            add_operator(self.canvas, "EMC")


class PdfTagging(Tagging):
    """Writes marked content while drawing, and the structure tree at the end."""

    enabled = True

    def __init__(self, root: StructElem, title: str, language: str, published: date) -> None:
        self.root = root
        self.title = title
        self.language = language
        self.published = published
        #: ParentTree: page → its MCIDs' elements, in MCID order.
        self._page_elems: dict[int, list[StructElem]] = {}
        self._annotations: list[tuple[int, StructElem]] = []  # (ParentTree key, Link)
        self._page_keys: dict[int, int] = {}
        self._next_key = 0
        self.artifact_depth = 0
        #: Each element's Link elements so far, by ReportLab's link (number, target): a paragraph
        #: cut across a page draws one link in two text objects, and it stays one Link.
        self._links_of: dict[int, tuple[StructElem, dict[Any, StructElem]]] = {}

    # -- drawing time

    def text(self, canvas: Any, elem: StructElem | None) -> AbstractContextManager[None]:
        return _Drawing(canvas, elem)

    def artifact(
        self, canvas: Any, kind: str = "Layout", lang: str | None = None
    ) -> AbstractContextManager[None]:
        return _Artifact(self, canvas, kind, lang)

    @contextmanager
    def figure(
        self, canvas: Any, elem: StructElem | None, box: tuple[float, float, float, float]
    ) -> Iterator[None]:
        if elem is None or self.in_artifact:
            yield
            return
        x0, y0 = canvas.absolutePosition(box[0], box[1])
        x1, y1 = canvas.absolutePosition(box[2], box[3])
        elem.bbox = (round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2))
        mcid = self._mcid(canvas.getPageNumber(), elem)
        add_operator(canvas, f"/Figure <</MCID {mcid}>> BDC")
        try:
            yield
        finally:
            add_operator(canvas, "EMC")

    @property
    def in_artifact(self) -> bool:
        return self.artifact_depth > 0

    def text_object(self, canvas: Any, tx: Any) -> None:
        # A text object's marks are its element until a link needs more (`_marks`): most
        # text objects have no link, and make nothing more.
        elem = canvas.tag_elem
        if elem is not None and not self.artifact_depth:  # (not in_artifact, without the property)
            tx.tag_marks = elem

    @staticmethod
    def _marks(tx: Any) -> _TextMarks | None:
        """A text object's marks, with room for its links (None: the text object is not tagged)."""
        marks = tx.tag_marks
        if type(marks) is StructElem:
            marks = tx.tag_marks = _TextMarks(marks)
        return marks

    def link_boundary(self, tx: Any, link: Any, kind: str, written: int) -> None:
        marks = self._marks(tx)
        if marks is None:
            return
        if kind == "start":
            # ReportLab reports the start after writing the link's first words.
            marks.cuts.append((written - 1, link))
            marks.line_links.setdefault(tx.text_line, []).append(link)
        else:
            marks.cuts.append((written, None))

    def annotation(self, canvas: Any, annotation: Any, ref: Any, target: str) -> None:
        tx = canvas.tag_tx
        marks = self._marks(tx) if tx is not None else None
        if marks is None:
            raise AssertionError(f"a link to {target} was made outside any tagged text")
        key = self._next_key
        self._next_key += 1
        annotation["StructParent"] = key
        # ReportLab makes a line's annotations after writing the line (so after its T*).
        marks.annotations.append((target, ref, key, tx.lines_written - 1))

    def _mcid(self, page: int, elem: StructElem) -> int:
        """The next MCID of `page`, its marked content `elem`'s (the page's MCIDs count its elements)."""
        elems = self._page_elems.get(page)
        if elems is None:
            elems = self._page_elems[page] = []
        mcid = len(elems)
        elems.append(elem)
        elem.kids.append(_marked_content(MarkedContent, (page, mcid)))
        return mcid

    def text_code(self, canvas: Any, tx: Any, code: list[str]) -> list[str]:
        marks: StructElem | _TextMarks | None = tx.tag_marks
        if marks is None:
            return code
        # Marked content goes inside the text object: BT stays in front of it.
        assert code and code[0] == "BT", "a text object that does not begin with BT"
        if type(marks) is StructElem:
            # Most text objects: no link, one run, all of it the element's (as the loop below
            # makes it), marked in place. The last operator is the likeliest to show text.
            if not _shows_any(reversed(code)):
                return code
            code[0] = f"BT /{marks.role} <</MCID {self._mcid(canvas.getPageNumber(), marks)}>> BDC"
            code.append("EMC")
            return code
        assert isinstance(marks, _TextMarks)
        cuts = marks.cuts
        page = canvas.getPageNumber()
        held = self._links_of.get(id(marks.elem))
        if held is None or held[0] is not marks.elem:
            held = self._links_of[id(marks.elem)] = (marks.elem, {})
        links = held[1]
        out = [code[0]]
        if marks.annotations and not cuts:
            # ReportLab draws a paragraph that is one link in one piece, without
            # reporting where the link starts: all of its words are the link.
            cuts = [(0, (0, marks.annotations[0][0]))]
        start, link = 1, None
        for end, next_link in [*cuts, (len(code), None)]:
            end = max(end, 1)
            run = code[start:end]
            if run:
                if _shows_any(run):
                    elem = marks.elem
                    if link is not None:
                        elem = links.get(link)  # type: ignore[assignment]
                        if elem is None:
                            # A leaf that is itself a Link (a contents entry) holds its words directly.
                            elem = links[link] = (
                                marks.elem if marks.elem.role == "Link" else marks.elem.add("Link")
                            )
                    out.append(f"/{elem.role} <</MCID {self._mcid(page, elem)}>> BDC")
                    out += run
                    out.append("EMC")
                else:
                    out += run
            start, link = end, next_link
        for target, ref, key, line in marks.annotations:
            owner = self._owner(marks, links, target, line)
            owner.kids.append(_marked_content(AnnotationRef, (page, ref)))
            self._annotations.append((key, owner))
        return out

    @staticmethod
    def _owner(marks: _TextMarks, links: dict[Any, StructElem], target: str, line: int) -> StructElem:
        """The Link element of an annotation: on its line, the first link to its target not yet given one.

        ReportLab makes a line's annotations in the order of its links' numbers, so
        two links to the same place in one paragraph each get their own annotation.
        """
        if not marks.cuts:
            return next(iter(links.values()))  # the whole paragraph is one link
        taken = marks.taken
        if taken is None:
            taken = marks.taken = set()
        for link in sorted(marks.line_links.get(line, []), key=_first):
            if (line, link) not in taken and _same_target(link[1], target):
                taken.add((line, link))
                return links[link]
        for link, elem in links.items():  # should not happen; better a Link than none
            if _same_target(link[1], target):
                return elem
        raise AssertionError(f"no words were found for the link to {target}")

    def marked_on(self, page: int) -> int:
        return len(self._page_elems.get(page, ()))

    @contextmanager
    def marking_from(self, page: int, first: int) -> Iterator[None]:
        held = self._page_elems.get(page)
        self._page_elems[page] = list((held or [])[:first])
        try:
            yield
        finally:
            if held is None:
                del self._page_elems[page]
            else:
                self._page_elems[page] = held

    def page_done(self, number: int) -> dict[str, Any]:
        key = self._next_key
        self._next_key += 1
        self._page_keys[number] = key
        return {"StructParents": key, "Tabs": PDFName("S")}

    # -- the end

    def _part_languages(self) -> list[str]:
        """The languages of the document's own parts (a bilingual leaflet's halves), in order."""
        return [
            child.lang
            for child in self.root.kids
            if isinstance(child, StructElem) and child.role == "Part" and child.lang
        ]

    def finish(self, canvas: Any) -> None:
        doc = pdf_document(canvas)
        # One walk from the leaves up: which elements hold content, and their first page.
        # (Elements are told apart by identity: a StructElem is its own key.)
        order: list[StructElem] = []  # parents before children, in reading order (StructElem.walk)
        stack = [self.root]
        while stack:
            elem = stack.pop()
            order.append(elem)
            kids = elem.kids
            # (A leaf's one kid, its marked content, is no element: nothing to look through.)
            if len(kids) > 1 or (kids and type(kids[0]) is StructElem):
                stack += [kid for kid in reversed(kids) if type(kid) is StructElem]
        first: dict[StructElem, int] = {}
        known = first.get
        for elem in reversed(order):
            for kid in elem.kids:
                # Marked content and an annotation's reference are tuples, their page first.
                page = known(kid, 0) if type(kid) is StructElem else kid[0]
                if page:
                    first[elem] = page
                    break
        _keep_empty_cells(order, first)
        elems = [e for e in order if e in first]
        # Each element is written straight to its bytes, references and all: the elements, then
        # the tree's root, are numbered in order after the objects the document has already.
        base = object_count(doc) + 1
        refs = {elem: b"%d 0 R" % (base + i) for i, elem in enumerate(elems)}
        root_ref = b"%d 0 R" % (base + len(elems))
        page_refs = {n: PDFObjectReference(f"Page{n}").format(doc) for n in range(1, page_count(canvas) + 1)}
        #: Each role's element as far as its parent: b"<< /Type /StructElem /S /P /P ".
        heads: dict[str, bytes] = {}
        data: list[bytes] = []
        top = min(max(map(len, self._page_elems.values()), default=0), _MCID_TEXT_LONGEST)
        if len(_MCID_TEXT) < top:
            _MCID_TEXT.extend(b"%d " % n for n in range(len(_MCID_TEXT), top))
        known = len(_MCID_TEXT)

        def text(value: str) -> bytes:
            return PDFString(value).format(doc)

        for elem in elems:
            first_page = first[elem]
            parent = elem.parent
            head = heads.get(elem.role)
            if head is None:
                head = heads[elem.role] = b"<< /Type /StructElem /S /%s /P " % elem.role.encode()
            parts = [
                head,
                refs[parent] if parent is not None else root_ref,
                b" /Pg ",
                page_refs[first_page],
                b" /K [ ",
            ]
            for kid in elem.kids:
                kind = type(kid)
                if kind is MarkedContent:
                    page, mcid = kid
                    # On the element's own page an MCID is enough; elsewhere it needs its page.
                    if page == first_page:
                        parts.append(_MCID_TEXT[mcid] if mcid < known else b"%d " % mcid)
                    else:
                        parts.append(b"<< /Type /MCR /Pg %s /MCID %d >> " % (page_refs[page], mcid))
                elif kind is StructElem:
                    ref = refs.get(kid)
                    if ref is not None:
                        parts += (ref, b" ")
                else:
                    obj_ref = kid.ref.format(doc)
                    parts.append(b"<< /Type /OBJR /Pg %s /Obj %s >> " % (page_refs[kid.page], obj_ref))
            parts.append(b"]")
            if elem.lang or elem.alt or elem.bbox or elem.scope or elem.actual_text or elem.title or elem.id:
                if elem.lang and (parent is None or elem.lang != _inherited_lang(parent)):
                    parts += [b" /Lang ", text(elem.lang)]
                if elem.alt:
                    parts += [b" /Alt ", text(elem.alt)]
                if elem.bbox:
                    box = " ".join(f"{v:g}" for v in elem.bbox)
                    parts.append(f" /A << /O /Layout /BBox [ {box} ] >>".encode())
                if elem.scope:
                    parts.append(f" /A << /O /Table /Scope /{elem.scope} >>".encode())
                if elem.actual_text:
                    parts += [b" /ActualText ", text(elem.actual_text)]
                if elem.title:
                    parts += [b" /T ", text(elem.title)]
                if elem.id:
                    parts += [b" /ID ", text(elem.id)]
            parts.append(b" >>")
            data.append(b"".join(parts))

        nums: list[Any] = []
        entries: list[tuple[int, Any]] = []
        for page, key in self._page_keys.items():
            entries.append((key, PDFArray([refs[e] for e in self._page_elems.get(page, [])])))
        for key, link in self._annotations:
            entries.append((key, refs[link]))
        for key, value in sorted(entries, key=lambda kv: kv[0]):
            nums += [key, value]
        tree = {
            "Type": PDFName("StructTreeRoot"),
            "K": PDFArray([refs[self.root]]),
            "ParentTree": PDFDictionary({"Nums": PDFArray(nums)}),
            "ParentTreeNextKey": self._next_key,
        }
        ids = sorted((e.id, refs[e]) for e in elems if e.id)
        if ids:
            # Elements with an ID are found through the IDTree (ISO 32000-1, 14.7.2).
            names: list[Any] = []
            for key, ref in ids:
                names += [PDFString(key), ref]
            tree["IDTree"] = PDFDictionary({"Names": PDFArray(names)})
        # The elements are bytes already: the canvas numbers them (and packs them, or has
        # ReportLab's document write them as they are); the tree's root is the document's.
        numbered = canvas.add_written(data, "StructElem")
        (root,) = add_objects(doc, [("StructTreeRoot", PDFDictionary(tree).format(doc))])
        assert numbered == base and root == root_ref, "objects numbered out of turn"
        canvas.setCatalogEntry("StructTreeRoot", PDFObjectReference("StructTreeRoot"))
        canvas.setCatalogEntry("MarkInfo", PDFDictionary({"Marked": "true"}))
        metadata = PDFStream(
            PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
            xmp_packet(self.title, self.language, self.published, doc.info, self._part_languages()),
            filters=[],
        )
        canvas.setCatalogEntry("Metadata", doc.Reference(metadata, "XMPMetadata"))
        # Page labels 1, 2, 3 … match the printed "Page N of M".
        canvas.addPageLabel(0, style="ARABIC", start=1)


#: An MCID as an element's kid: b"12 " (as many as the most marked page has needed so far,
#: up to _MCID_TEXT_LONGEST; a larger MCID is written when it comes).
_MCID_TEXT: list[bytes] = []
_MCID_TEXT_LONGEST = 4096


def _keep_empty_cells(order: list[StructElem], first: dict[StructElem, int]) -> None:
    """An empty table cell holds no content, yet stays in its row, so every row has all its cells (`order`: parents first)."""
    for elem in order:
        if elem.role in ("TD", "TH") and elem not in first and elem.parent is not None:
            page = first.get(elem.parent)
            if page:
                first[elem] = page


def _same_target(link_href: str, target: str) -> bool:
    return link_href == target or link_href == f"#{target}"


def _inherited_lang(elem: StructElem | None) -> str | None:
    while elem is not None:
        if elem.lang:
            return elem.lang
        elem = elem.parent
    return None


def xmp_packet(title: str, language: str, published: date, info: Any, others: Sequence[str] = ()) -> bytes:
    """XMP metadata (UTF-8) that agrees with the info dictionary and claims PDF/UA-1.

    `others`: the languages of the document's parts besides `language` (a bilingual
    leaflet's English), listed after it in dc:language.
    """
    stamp = f"{published.isoformat()}T00:00:00Z"
    author = escape(str(getattr(info, "author", "") or ""))
    subject = escape(str(getattr(info, "subject", "") or ""))
    keywords = escape(str(getattr(info, "keywords", "") or ""))
    producer = escape(str(getattr(info, "producer", "") or ""))
    creator = escape(str(getattr(info, "creator", "") or ""))
    t = escape(title)
    langs = "".join(f"<rdf:li>{escape(code)}</rdf:li>" for code in dict.fromkeys([language, *others]))
    xml = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag>{langs}</rdf:Bag></dc:language>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <pdf:Producer>{producer}</pdf:Producer>
   <xmp:CreatorTool>{creator}</xmp:CreatorTool>
   <xmp:CreateDate>{stamp}</xmp:CreateDate>
   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return xml.encode("utf-8")
