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
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from leaflet.content.inline import MAX_ADDRESS, InlineContext, parse_inline
from leaflet.content.model import (
    Block,
    Callout,
    Citation,
    FurtherReading,
    Leaflet,
    ListBlock,
    ListItem,
    Metadata,
    Paragraph,
    Quote,
    Reference,
    Section,
)
from leaflet.content.texts import SourceText, character_problems
from leaflet.errors import ContentError, Location, Problem
from leaflet.yamlsource import PathKey, YamlDocument, YamlProblem, read_yaml

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
}


@cache
def schema() -> dict[str, Any]:
    return json.loads(resources.files("leaflet.content").joinpath(SCHEMA_FILE).read_text("utf-8"))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


class Suggestions:
    """Hints ("did you mean") for names that are not among one set of choices (the references' ids).

    Each search compares the name with every choice; a file with a thousand
    misspelt citations of a thousand references would make a million such
    comparisons (over a minute). So each name is looked up once, and the searches
    of one file share a budget of BUDGET comparisons (about a second): the first
    misspellings, the ones an editor fixes first, get a hint; the rest are still
    reported, without one.
    """

    BUDGET = 10_000

    def __init__(self, choices: list[str]) -> None:
        self.choices = choices
        self.left = self.BUDGET
        self.found: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        if word not in self.found:
            if self.left < len(self.choices):
                return ""
            self.left -= len(self.choices)
            self.found[word] = did_you_mean(word, self.choices)
        return self.found[word]


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
        kinds = ["paragraph", "bullets", "numbered", "callout"]
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
    if "http" in sch.get("description", ""):
        return "an address starting https://, http://, mailto: or tel:"
    if last == "doi":
        return "a DOI such as 10.1136/jnnp.2008.157164"
    if sch.get("pattern", "").startswith("^[a-z0-9]"):
        return "lower-case letters, digits and single hyphens, such as nice-2012"
    return "some text that is not only spaces"


# ---------------------------------------------------------------- sizes

#: The longest text one value may hold: about a page of A4 body text. A longer
#: paragraph is hard to read, and ReportLab lays out a paragraph that runs over
#: many pages again for each page (a 500,000-character one took minutes).
MAX_TEXT = 5_000
#: Lists inside lists: each level is indented, and the A5 booklet's column has
#: room for the words of about four.
MAX_LIST_DEPTH = 4
_ADDRESS_KEYS = {"url", "doi"}
#: The leaflet's own address is printed as a 30 mm QR code: up to this length its
#: squares stay 0.4 mm or more, which a phone's camera reads from a printed page.
MAX_QR_ADDRESS = 250


def _size_problems(value: Any, path: PathKey, doc: YamlDocument, out: list[Problem], lists: int = 0) -> None:
    """Texts, addresses and list nesting over the limits, each at its place (walked without recursion)."""
    stack: list[tuple[Any, PathKey, int]] = [(value, path, lists)]
    while stack:
        value, path, lists = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                deeper = lists + 1 if key in ("bullets", "numbered") else lists
                if deeper > MAX_LIST_DEPTH and deeper > lists:
                    out.append(
                        Problem(
                            doc.at((*path, key), key=True),
                            f"{dotted((*path, key))}: a list nested {deeper} deep; at most {MAX_LIST_DEPTH} "
                            "levels fit the booklet's column (make the inner items a list of their own)",
                        )
                    )
                    continue
                stack.append((item, (*path, key), deeper))
        elif isinstance(value, list):
            stack.extend((item, (*path, i), lists) for i, item in enumerate(value))
        elif isinstance(value, str):
            address = bool(path) and path[-1] in _ADDRESS_KEYS
            limit = MAX_ADDRESS if address else MAX_TEXT
            if path == ("metadata", "url") and len(value) > MAX_QR_ADDRESS:
                out.append(
                    Problem(
                        doc.at(path),
                        f"metadata.url: {len(value):,} characters; the leaflet's address is printed as a "
                        f"QR code, and at most {MAX_QR_ADDRESS} keep its squares large enough to scan",
                    )
                )
            elif len(value) > limit:
                what = "an address" if address else "a text"
                hint = "" if address else " (about a page): split it into paragraphs or list items"
                out.append(
                    Problem(
                        doc.at(path),
                        f"{dotted(path)}: {len(value):,} characters; {what} is at most {limit:,}{hint}",
                    )
                )


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
        self.suggest = Suggestions(list(self.ref_numbers))
        self.ctx = InlineContext(self.ref_numbers, self.suggest)

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
                        + self.suggest(q["source"]),
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
    problems = _schema_problems(doc)
    if not problems:
        _size_problems(doc.data, (), doc, problems)
    if problems:
        raise ContentError(sorted(problems, key=lambda p: (p.location.line, p.location.column)))
    builder = _Builder(doc)
    leaflet = builder.build()
    builder.problems.extend(character_problems(leaflet.texts))
    if builder.problems:
        raise ContentError(sorted(builder.problems, key=lambda p: (p.location.line, p.location.column)))
    return leaflet
