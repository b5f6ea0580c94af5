"""A small, independent reader of what a tagged PDF says: marked content and the structure tree.

It decodes text through each font's ToUnicode map and walks every page's
content stream itself, so tests can check what the tagging wrote without
trusting the code that wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, IndirectObject, NameObject

PAINTING = {"Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "Do", "BI"}
TEXT_SHOWING = {"Tj", "TJ", "'", '"'}


def _unicode_map(font: DictionaryObject) -> dict[int, str]:
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = int(dst, 16)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(base + i)
    return out


@dataclass
class MarkedRun:
    page: int
    mcid: int | None  # None for an Artifact
    role: str
    text: str = ""
    painted: int = 0


@dataclass
class PageMarks:
    """What a walk over one page's content stream found."""

    runs: list[MarkedRun] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def by_mcid(self) -> dict[int, MarkedRun]:
        return {r.mcid: r for r in self.runs if r.mcid is not None}


def walk_page(reader: PdfReader, number: int) -> PageMarks:
    """Walk page `number` (1-based): nesting, painting outside marked content, text per MCID."""
    page = reader.pages[number - 1]
    fonts = {name: font.get_object() for name, font in page["/Resources"].get("/Font", {}).items()}
    maps = {name: _unicode_map(font) for name, font in fonts.items()}
    ops = ContentStream(page.get_contents(), reader).operations
    marks = PageMarks()
    stack: list[tuple[str, MarkedRun | None]] = []  # ("BT" | "MC", run)
    current_map: dict[int, str] = {}

    def open_run() -> MarkedRun | None:
        for kind, run in reversed(stack):
            if kind == "MC":
                return run
        return None

    for operands, op in ops:
        op = op.decode() if isinstance(op, bytes) else op
        if op == "BT":
            if any(kind == "BT" for kind, _ in stack):
                marks.problems.append("BT inside a text object")
            stack.append(("BT", None))
        elif op == "ET":
            if not stack or stack[-1][0] != "BT":
                marks.problems.append(
                    f"ET closes {stack[-1][0] if stack else 'nothing'}: marked content crosses ET"
                )
            else:
                stack.pop()
        elif op in ("BDC", "BMC"):
            tag = str(operands[0])[1:]
            props = operands[1] if op == "BDC" and len(operands) > 1 else {}
            mcid = props.get("/MCID") if isinstance(props, dict) else None
            if tag != "Artifact" and mcid is None:
                marks.problems.append(f"/{tag} marked content without an MCID")
            outer = open_run()
            if outer is not None:
                marks.problems.append(
                    f"/{tag} nested inside /{outer.role}: tagged and artifact content mixed"
                )
            run = MarkedRun(number, int(mcid) if mcid is not None else None, tag)
            marks.runs.append(run)
            stack.append(("MC", run))
        elif op == "EMC":
            if not stack or stack[-1][0] != "MC":
                marks.problems.append(
                    f"EMC closes {stack[-1][0] if stack else 'nothing'}: marked content crosses BT"
                )
            else:
                stack.pop()
        elif op == "Tf":
            current_map = maps.get(str(operands[0]), {})
        if op in PAINTING:
            run = open_run()
            if run is None:
                marks.problems.append(f"painting operator {op} outside any marked content")
            else:
                run.painted += 1
        if op in TEXT_SHOWING:
            strings = operands[0] if op == "TJ" else [operands[-1]]
            run = open_run()
            for s in strings:
                if isinstance(s, bytes | str) and not isinstance(s, NameObject):
                    raw = s if isinstance(s, bytes) else s.original_bytes
                    text = "".join(current_map.get(b, "\ufffd") for b in raw)
                    if run is not None:
                        run.text += text
    if stack:
        marks.problems.append(f"unclosed at the end of the page: {[k for k, _ in stack]}")
    return marks


@dataclass
class Element:
    role: str
    attrs: dict[str, str]
    kids: list[Any]  # Element | ("MCR", page, mcid) | ("OBJR", page, annotation)
    ref: Any = None

    def text(self, marks: dict[int, PageMarks]) -> str:
        parts = []
        for kid in self.kids:
            if isinstance(kid, Element):
                parts.append(kid.text(marks))
            elif kid[0] == "MCR":
                parts.append(marks[kid[1]].by_mcid()[kid[2]].text)
        return "".join(parts)

    def walk(self, depth: int = 0):
        yield depth, self
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.walk(depth + 1)


def _page_number(reader: PdfReader, ref: IndirectObject) -> int:
    for i, page in enumerate(reader.pages, start=1):
        if page.indirect_reference.idnum == ref.idnum:
            return i
    raise AssertionError(f"{ref} is not a page")


def read_tree(reader: PdfReader) -> Element:
    """The structure tree, as Elements (the root's single kid, the Document)."""
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()

    def build(obj: Any, inherited_page: int | None) -> Element:
        d = obj.get_object()
        page = _page_number(reader, d.raw_get("/Pg")) if "/Pg" in d else inherited_page
        attrs = {k[1:]: str(d[k]) for k in ("/Lang", "/Alt", "/T", "/ActualText") if k in d}
        owned = d.get("/A")
        if owned is not None and "/Scope" in owned.get_object():
            # A table's header cell: the cells it heads (Column or Row), from its /O /Table attributes.
            a = owned.get_object()
            attrs["Scope"] = f"{a['/O']}{a['/Scope']}"
        kids: list[Any] = []
        raw = d.get("/K", [])
        raw = raw if isinstance(raw, list) else [raw]
        for kid in raw:
            if isinstance(kid, int):
                kids.append(("MCR", page, int(kid)))
                continue
            k = kid.get_object()
            kind = k.get("/Type")
            if kind == "/MCR":
                kp = _page_number(reader, k.raw_get("/Pg")) if "/Pg" in k else page
                kids.append(("MCR", kp, int(k["/MCID"])))
            elif kind == "/OBJR":
                kids.append(("OBJR", _page_number(reader, k.raw_get("/Pg")), k.raw_get("/Obj")))
            else:
                kids.append(build(kid, page))
        return Element(str(d["/S"])[1:], attrs, kids, obj)

    kids = root["/K"]
    kids = kids if isinstance(kids, list) else [kids]
    assert len(kids) == 1, "the structure tree has one root element"
    return build(kids[0], None)


def parent_tree(reader: PdfReader) -> dict[int, Any]:
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"].get_object()["/Nums"]
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def dump(tree: Element, marks: dict[int, PageMarks]) -> str:
    """A readable picture of the tag tree: roles, attributes, and the words of each leaf."""
    lines = []
    for depth, elem in tree.walk():
        attrs = "".join(f" {k}={v!r}" for k, v in sorted(elem.attrs.items()))
        own = [kid for kid in elem.kids if not isinstance(kid, Element)]
        objr = sum(1 for kid in own if kid[0] == "OBJR")
        pages = sorted({kid[1] for kid in own if kid[0] == "MCR"})
        # The words in reading order, a child Link's words included, for elements that hold words.
        text = elem.text(marks) if any(k[0] == "MCR" for k in own) else ""
        line = "  " * depth + elem.role + attrs
        if objr:
            line += f" +{objr} link annotation{'s' if objr > 1 else ''}"
        if len(pages) > 1:
            line += f" (pages {pages[0]}–{pages[-1]})"
        if text:
            line += f": {' '.join(text.split())}"
        lines.append(line)
    return "\n".join(lines) + "\n"
