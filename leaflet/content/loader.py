"""content.yaml → Leaflet: read, validate against the JSON Schema, build the model.

Every problem found is collected and reported together, each at its own line
and column, so an editor can fix a whole file in one pass.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leaflet.content import fastschema
from leaflet.content.images import ImageProblem, load_image
from leaflet.content.inline import InlineContext, parse_inline
from leaflet.content.model import (
    Block,
    Callout,
    Cell,
    Citation,
    Figure,
    FurtherReading,
    Image,
    Leaflet,
    ListBlock,
    ListItem,
    Metadata,
    Paragraph,
    Quote,
    Reference,
    Section,
    Table,
)
from leaflet.content.texts import SourceText, character_problems
from leaflet.errors import ContentError, Location, Problem
from leaflet.yamlsource import PathKey, YamlDocument, YamlProblem, read_yaml

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

SCHEMA_FILE = "schema.json"

#: Keys whose values are codes, addresses or dates checked by the schema, not printed words.
_NOT_PRINTED = {
    "id",
    "slug",
    "language",
    "lang",
    "source",
    "published",
    "next_review",
    "url",
    "doi",
    "editions",
    "file",
    "logo",
    "width",
    "height",
}


@cache
def schema() -> dict[str, Any]:
    return json.loads(resources.files("leaflet.content").joinpath(SCHEMA_FILE).read_text("utf-8"))


@cache
def _validator() -> Draft202012Validator:
    # jsonschema is imported only for a file the quick check did not pass: its errors give the messages.
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the document"


_KIND = {
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true/false",
    list: "a list",
    dict: "a mapping of keys",
    type(None): "nothing",
}
_TYPE_WORDS = {
    "string": "text",
    "object": "a mapping of keys",
    "array": "a list",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
}


def _found(value: Any) -> str:
    kind = _KIND.get(type(value), type(value).__name__)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        shown = str(value)
        return f"{kind} '{shown[:40]}{'…' if len(shown) > 40 else ''}'"
    return kind


def _schema_problems(doc: YamlDocument) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[PathKey, str]] = set()
    errors = sorted(_validator().iter_errors(doc.data), key=lambda e: list(map(str, e.path)))
    # An unknown key explains why no kind of block matched: say it once.
    unknown_at = {tuple(e.absolute_path) for e in errors if e.validator == "additionalProperties"}
    for err in errors:
        if err.validator == "oneOf" and tuple(err.absolute_path) in unknown_at:
            continue
        for path, key, message in _explain(err):
            if (path, message) in seen:
                continue
            seen.add((path, message))
            where = dotted(path)
            problems.append(Problem(doc.at(path, key=key), f"{where}: {message}"))
    problems.sort(key=lambda p: (p.location.line, p.location.column))
    return problems


def _explain(err: ValidationError) -> list[tuple[PathKey, bool, str]]:
    """Turn one schema error into author-facing messages: (path, at key?, text)."""
    path: PathKey = tuple(err.absolute_path)
    inst = err.instance
    sch = err.schema if isinstance(err.schema, dict) else {}
    v = err.validator
    if v == "additionalProperties":
        allowed = sorted(sch.get("properties", {}))
        return [
            (
                (*path, k),
                True,
                f"unknown key '{k}'"
                + (did_you_mean(k, allowed) or f"; expected one of {', '.join(allowed)}"),
            )
            for k in inst
            if k not in sch.get("properties", {})
        ]
    if v == "required":
        return [(path, False, f"missing '{k}'") for k in err.validator_value if k not in inst]
    if v == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
        return [(path, False, f"expected {words}, found {_found(inst)}")]
    if v == "oneOf":
        # Only blocks use oneOf: exactly one kind of block per entry.
        kinds = ["paragraph", "bullets", "numbered", "callout", "table", "figure"]
        present = [k for k in kinds if isinstance(inst, dict) and k in inst]
        if present:
            return [(path, False, f"a block holds one of {', '.join(kinds)}, not {' and '.join(present)}")]
        return [(path, False, f"expected a block with one of {', '.join(kinds)}")]
    if v == "enum":
        choices = [str(c) for c in err.validator_value]
        hint = did_you_mean(str(inst), choices) or f"; expected one of {', '.join(choices)}"
        return [(path, False, f"unknown value '{inst}'{hint}")]
    if v == "uniqueItems":
        return [(path, False, "lists the same thing twice")]
    if v == "pattern":
        return [(path, False, f"expected {_pattern_words(sch, path)}, found {_found(inst)}")]
    if v in ("minItems", "minLength"):
        return [(path, False, "must not be empty")]
    return [(path, False, err.message)]


def _pattern_words(sch: dict[str, Any], path: PathKey) -> str:
    last = path[-1] if path else ""
    if "YYYY" in sch.get("description", ""):
        return "a date as YYYY-MM-DD"
    if "BCP 47" in sch.get("description", ""):
        return "a language tag such as en-GB or cy"
    if "60mm" in sch.get("description", ""):
        return "a length such as 60mm, 4cm or 120pt"
    if "http" in sch.get("description", ""):
        return "an address starting https://, http://, mailto: or tel:"
    if last == "doi":
        return "a DOI such as 10.1136/jnnp.2008.157164"
    if sch.get("pattern", "").startswith("^[a-z0-9]"):
        return "lower-case letters, digits and single hyphens, such as nice-2012"
    return "some text that is not only spaces"


# ---------------------------------------------------------------- building


def _tidy(text: str) -> str:
    """Fold runs of white space (YAML line folding, double spaces) to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


class _Builder:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        # The leaflet's own anchors: a section called "References" must not take the panel's.
        self.anchors: set[str] = {"title", "references", "further-reading", "about-this-leaflet", "contents"}
        refs = doc.data.get("references", [])
        self.ref_numbers: dict[str, int] = {}
        for i, ref in enumerate(refs):
            if ref["id"] in self.ref_numbers:
                self.problems.append(
                    Problem(
                        doc.at(("references", i, "id")), f"references[{i}].id: '{ref['id']}' is used twice"
                    )
                )
            else:
                self.ref_numbers[ref["id"]] = i + 1
        self.ctx = InlineContext(self.ref_numbers, did_you_mean)

    def at(self, path: PathKey) -> Location:
        return self.doc.at(path)

    def written(self, path: PathKey) -> SourceText | None:
        value = self.doc.data
        for part in path:
            value = value[part]
        return (
            SourceText(value, self.at(path), self.doc.scalars.get(path)) if isinstance(value, str) else None
        )

    def inline(self, text: str, path: PathKey) -> tuple:
        # Offsets count the value as written; parse_inline composes accents afterwards.
        return parse_inline(
            text,
            lambda offset: self.doc.inside(path, offset),
            self.ctx,
            self.problems,
        )

    def date(self, path: PathKey) -> date | None:
        text = self.doc.data["metadata"][path[-1]]
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.problems.append(Problem(self.at(path), f"{dotted(path)}: {text} is not a real date"))
            return None

    def metadata(self) -> Metadata:
        m = self.doc.data["metadata"]
        base = ("metadata",)
        published = self.date((*base, "published"))
        review = self.date((*base, "next_review"))
        if published is None or review is None:
            published = review = date.min  # already reported; the model is thrown away
        elif review <= published:
            self.problems.append(
                Problem(
                    self.at((*base, "next_review")),
                    "metadata.next_review: must come after metadata.published",
                )
            )
        opt: dict[str, Any] = {k: _tidy(m[k]) for k in ("subtitle", "short_title", "summary") if k in m}
        opt.update(
            {k: self.inline(m[k], (*base, k)) for k in ("contact", "feedback", "other_formats") if k in m}
        )
        return Metadata(
            title=_tidy(m["title"]),
            slug=m["slug"],
            language=m["language"],
            organisation=_tidy(m["organisation"]),
            # A version written as a number keeps its digits: 1.10 stays 1.10.
            version=self.doc.scalars[(*base, "version")].value,
            published=published,
            next_review=review,
            location=self.at(base),
            keywords=tuple(_tidy(k) for k in m.get("keywords", [])),
            url=m.get("url"),
            logo=self.image(m["logo"], (*base, "logo")) if "logo" in m else None,
            places=tuple((k, self.at((*base, k))) for k in m),
            **opt,
        )

    def blocks(self, raw: list[Any], path: PathKey) -> tuple[Block, ...]:
        out: list[Block] = []
        for i, item in enumerate(raw):
            p = (*path, i)
            if isinstance(item, str):
                out.append(Paragraph(self.inline(item, p), self.at(p), source=self.written(p)))
            elif "paragraph" in item:
                out.append(
                    Paragraph(
                        self.inline(item["paragraph"], (*p, "paragraph")),
                        self.at(p),
                        item.get("lang"),
                        self.written((*p, "paragraph")),
                    )
                )
            elif "bullets" in item or "numbered" in item:
                out.append(self.list_block(item, p))
            elif "table" in item:
                out.append(self.table(item["table"], (*p, "table"), item.get("lang")))
            elif "figure" in item:
                figure = self.figure(item["figure"], (*p, "figure"))
                if figure is not None:
                    out.append(figure)
            else:
                out.append(self.callout(item["callout"], (*p, "callout")))
        return tuple(out)

    def list_block(self, holder: dict[str, Any], path: PathKey) -> ListBlock:
        ordered = "numbered" in holder
        key = "numbered" if ordered else "bullets"
        items: list[ListItem] = []
        for i, raw in enumerate(holder[key]):
            p = (*path, key, i)
            if isinstance(raw, str):
                items.append(ListItem(self.inline(raw, p), self.at(p), source=self.written(p)))
                continue
            sub = self.list_block(raw, p) if ("bullets" in raw or "numbered" in raw) else None
            if "bullets" in raw and "numbered" in raw:
                self.problems.append(
                    Problem(self.at(p), f"{dotted(p)}: an item holds one nested list, not two")
                )
            items.append(
                ListItem(
                    self.inline(raw["text"], (*p, "text")),
                    self.at(p),
                    sub,
                    raw.get("lang"),
                    self.written((*p, "text")),
                )
            )
        return ListBlock(ordered, tuple(items), self.at((*path, key)))

    def callout(self, raw: dict[str, Any], path: PathKey) -> Callout:
        quotes = []
        for i, q in enumerate(raw["quotes"]):
            p = (*path, "quotes", i)
            number = self.ref_numbers.get(q["source"], 0)
            if not number:
                self.problems.append(
                    Problem(
                        self.at((*p, "source")),
                        f"{dotted((*p, 'source'))}: '{q['source']}' names no reference"
                        + did_you_mean(q["source"], list(self.ref_numbers)),
                    )
                )
            quotes.append(
                Quote(
                    inlines=self.inline(q["text"], (*p, "text")),
                    who=_tidy(q["who"]),
                    when=_tidy(str(q["when"])) if "when" in q else None,
                    source=Citation(q["source"], number, self.at((*p, "source"))),
                    location=self.at(p),
                    lang=q.get("lang"),
                    written=self.written((*p, "text")),
                )
            )
        return Callout(_tidy(raw["label"]), tuple(quotes), self.at(path))

    # -- tables and figures

    def cell(self, value: Any, path: PathKey) -> Cell:
        if value is None:
            return Cell((), self.at(path))
        if not isinstance(value, str):
            # A number or a yes/no is printed as it was written: 10, 0.5, Yes.
            written = self.doc.scalars.get(path)
            text = written.value if written is not None else str(value)
            return Cell(self.inline(text, path), self.at(path))
        return Cell(self.inline(value, path), self.at(path), self.written(path))

    def table(self, raw: dict[str, Any], path: PathKey, lang: str | None) -> Table:
        header = tuple(self.cell(v, (*path, "header", i)) for i, v in enumerate(raw["header"]))
        width = len(header)
        header_column = bool(raw.get("header_column", False))
        first = 1 if header_column else 0
        if all(c.empty for c in header[first:]):
            self.problems.append(
                Problem(self.at((*path, "header")), f"{dotted((*path, 'header'))}: name the columns")
            )
        rows: list[tuple[Cell, ...]] = []
        for r, row in enumerate(raw["rows"]):
            p = (*path, "rows", r)
            cells = tuple(self.cell(v, (*p, i)) for i, v in enumerate(row))
            if len(cells) != width:
                self.problems.append(
                    Problem(
                        self.at(p),
                        f"{dotted(p)}: has {len(cells)} cell{'s' if len(cells) != 1 else ''} but the header "
                        f"has {width}; "
                        + (
                            "a comma inside a cell's words starts a new cell: put that cell in quotes"
                            if len(cells) > width
                            else 'write "" for an empty cell'
                        ),
                    )
                )
            elif all(c.empty for c in cells):
                self.problems.append(Problem(self.at(p), f"{dotted(p)}: a row with nothing in it"))
            if header_column and cells and cells[0].empty:
                self.problems.append(
                    Problem(self.at((*p, 0)), f"{dotted((*p, 0))}: the first cell names the row; it is empty")
                )
            rows.append(cells)
        caption = None
        if "caption" in raw:
            caption = self.inline(raw["caption"], (*path, "caption"))
        return Table(
            header=header,
            rows=tuple(rows),
            location=self.at(path),
            caption=caption,
            header_column=header_column,
            lang=lang,
            caption_source=self.written((*path, "caption")) if "caption" in raw else None,
        )

    def image(self, written: str, path: PathKey) -> Image | None:
        where = self.at(path)
        try:
            return load_image(written, Path(self.doc.file).parent, where)
        except ImageProblem as exc:
            self.problems.append(Problem(where, f"{dotted(path)}: {exc}"))
            return None

    def figure(self, raw: dict[str, Any], path: PathKey) -> Figure | None:
        decorative = raw.get("decorative", False)
        if "alt" in raw and decorative:
            self.problems.append(
                Problem(
                    self.at((*path, "decorative")),
                    f"{dotted(path)}: a decorative figure has no alt text; remove one of alt and decorative",
                )
            )
        elif "alt" not in raw and not decorative:
            self.problems.append(
                Problem(
                    self.at(path),
                    f"{dotted(path)}: say what the picture shows with alt: (or write decorative: true "
                    "if it adds nothing to the words)",
                )
            )
        if "width" in raw and "height" in raw:
            self.problems.append(
                Problem(
                    self.at((*path, "height")),
                    f"{dotted(path)}: give width or height, not both (the other follows the picture's shape)",
                )
            )
        image = self.image(raw["file"], (*path, "file"))
        if image is None:
            return None
        return Figure(
            image=image,
            location=self.at(path),
            alt=_tidy(raw["alt"]) if "alt" in raw else None,
            caption=self.inline(raw["caption"], (*path, "caption")) if "caption" in raw else None,
            width=_length(raw["width"]) if "width" in raw else None,
            height=_length(raw["height"]) if "height" in raw else None,
            caption_source=self.written((*path, "caption")) if "caption" in raw else None,
        )

    def section(self, raw: dict[str, Any], path: PathKey, level: int) -> Section:
        heading = _tidy(raw["heading"])
        anchor = raw.get("id") or slugify(heading)
        if anchor in self.anchors:
            if "id" in raw:
                self.problems.append(
                    Problem(
                        self.at((*path, "id")),
                        f"{dotted((*path, 'id'))}: '{anchor}' is used by another section",
                    )
                )
            n = 2
            while f"{anchor}-{n}" in self.anchors:
                n += 1
            anchor = f"{anchor}-{n}"
        self.anchors.add(anchor)
        subs = tuple(
            self.section(s, (*path, "sections", i), level + 1) for i, s in enumerate(raw.get("sections", []))
        )
        return Section(
            heading=heading,
            anchor=anchor,
            level=level,
            blocks=self.blocks(raw.get("content", []), (*path, "content")),
            subsections=subs,
            location=self.at(path),
            lang=raw.get("lang"),
        )

    def reference(self, raw: dict[str, Any], i: int) -> Reference:
        opt = {
            k: _tidy(str(raw[k])) for k in ("authors", "publisher", "journal", "details", "date") if k in raw
        }
        return Reference(
            id=raw["id"],
            number=i + 1,
            title=_tidy(raw["title"]),
            location=self.at(("references", i)),
            doi=raw.get("doi"),
            url=raw.get("url"),
            **opt,
        )

    def further(self, raw: Any, i: int) -> FurtherReading:
        p: PathKey = ("further_reading", i)
        if isinstance(raw, str):
            return FurtherReading(self.inline(raw, p), self.at(p), source=self.written(p))
        return FurtherReading(
            self.inline(raw["text"], (*p, "text")), self.at(p), raw.get("url"), self.written((*p, "text"))
        )

    def build(self) -> Leaflet:
        d = self.doc.data
        return Leaflet(
            metadata=self.metadata(),
            introduction=self.blocks(d.get("introduction", []), ("introduction",)),
            sections=tuple(self.section(s, ("sections", i), 2) for i, s in enumerate(d["sections"])),
            further_reading=tuple(self.further(r, i) for i, r in enumerate(d.get("further_reading", []))),
            references=tuple(self.reference(r, i) for i, r in enumerate(d["references"])),
            source=self.doc.file,
            texts=tuple(self.texts(d, ())),
            editions=tuple(d.get("editions", ["standard"])),
            check_settings=tuple(d.get("checks", {}).items()),
            check_places=tuple((k, self.doc.at(("checks", k), key=True)) for k in d.get("checks", {})),
        )

    def texts(self, value: Any, path: PathKey) -> Iterator[SourceText]:
        """Every string that will be printed, with where it stands."""
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in _NOT_PRINTED:
                    yield from self.texts(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from self.texts(item, (*path, i))
        elif isinstance(value, str):
            yield SourceText(value, self.at(path), self.doc.scalars.get(path))


_UNITS_PT = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}


def _length(text: str) -> float:
    """A length the schema has checked (60mm, 4cm, 120pt, 2in), in points."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mm|cm|pt|in)\s*", text)
    assert m is not None, text
    return float(m.group(1)) * _UNITS_PT[m.group(2)]


def load_leaflet(path: str | Path) -> Leaflet:
    """Read and check a content file; raise ContentError listing every problem."""
    try:
        doc = read_yaml(path)
    except YamlProblem as exc:
        raise ContentError(exc.problem) from None
    if not isinstance(doc.data, dict):
        raise ContentError(
            Problem(
                doc.at(()),
                f"expected a mapping with metadata, sections and references, found {_found(doc.data)}",
            )
        )
    problems = [] if fastschema.is_valid(doc.data) else _schema_problems(doc)
    if problems:
        raise ContentError(problems)
    builder = _Builder(doc)
    leaflet = builder.build()
    builder.problems.extend(character_problems(leaflet.texts))
    if builder.problems:
        raise ContentError(sorted(builder.problems, key=lambda p: (p.location.line, p.location.column)))
    return leaflet
