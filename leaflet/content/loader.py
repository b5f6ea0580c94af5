"""content.yaml → Leaflet: read, validate against the JSON Schema, build the model.

Every problem found is collected and reported together, each at its own line
and column, so an editor can fix a whole file in one pass.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leaflet.bounded import Bounded
from leaflet.content import fastschema, named
from leaflet.content.bilingual import language_problems, pair
from leaflet.content.images import ImageProblem, load_image
from leaflet.content.inline import MAX_ADDRESS, InlineContext, parse_inline
from leaflet.content.model import (
    Block,
    BlockQuote,
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
    Note,
    Panel,
    Paragraph,
    Question,
    QuestionList,
    Quote,
    Reference,
    RelatedLink,
    Section,
    Table,
    TermItem,
    TermList,
    TranslatedFrom,
    plain_text,
)
from leaflet.content.texts import SourceText, character_problems, prints_nothing
from leaflet.errors import ContentError, Location, Problem, did_you_mean
from leaflet.yamlsource import PathKey, ScalarSource, YamlDocument, YamlProblem, read_yaml

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
from leaflet.i18n import available, primary

SCHEMA_FILE = "schema.json"

#: Keys whose values are codes, addresses or dates checked by the schema, not printed words.
#: The keys of a mapping whose `lang:` the content model keeps.
_KEEP_LANG = ("heading", "paragraph", "text", "table", "question", "bullets", "numbered")
#: The keys whose values are addresses, printed as they are written.
_ADDRESSES = frozenset({"url", "doi"})
_NOT_PRINTED = {
    "id",
    "slug",
    "language",
    "lang",
    "source",
    "published",
    "next_review",
    "first_published",
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


class Suggestions:
    """Hints ("did you mean") for names that are not among a set of choices (references' or notes' ids).

    Each search compares the name with every choice; a file with a thousand
    misspelt citations of a thousand references would make a million such
    comparisons (over a minute). So each name is looked up once, and the searches
    of one file share a budget of BUDGET comparisons (about a second): the first
    misspellings, the ones an editor fixes first, get a hint; the rest are still
    reported, without one.
    """

    BUDGET = 10_000

    def __init__(self) -> None:
        self.left = self.BUDGET
        self.found: dict[tuple[str, tuple[str, ...]], str] = {}

    def __call__(self, word: str, choices: list[str]) -> str:
        key = (word, tuple(choices))
        if key not in self.found:
            if self.left < len(choices):
                return ""
            self.left -= len(choices)
            self.found[key] = did_you_mean(word, choices)
        return self.found[key]


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
    # "must not be empty" explains why empty text has no words in it: say it once.
    empty_at = {tuple(e.absolute_path) for e in errors if e.validator == "minLength"}
    for err in errors:
        if err.validator == "oneOf" and tuple(err.absolute_path) in unknown_at:
            continue
        if err.validator == "pattern" and tuple(err.absolute_path) in empty_at:
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
                + (did_you_mean(k, allowed) or _text_hint(k) or f"; expected one of {', '.join(allowed)}"),
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
        kinds = _block_kinds()
        present = [k for k in kinds if isinstance(inst, dict) and k in inst]
        if present:
            return [(path, False, f"a block holds one of {', '.join(kinds)}, not {' and '.join(present)}")]
        if isinstance(inst, dict) and "links" in inst:
            return [(path, False, "links go under a paragraph: write its text as paragraph: beside links:")]
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
    if v == "anyOf" and path[:1] == ("checks",):
        # The one anyOf: a rule's setting in checks:.
        return [(path, False, f"expected off, on, or a mapping of the rule's settings, found {_found(inst)}")]
    return [(path, False, err.message)]


def _pattern_words(sch: dict[str, Any], path: PathKey) -> str:
    last = path[-1] if path else ""
    if "a month as YYYY-MM" in sch.get("description", ""):
        return "a date as YYYY-MM-DD, or a month as YYYY-MM"
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
    return "some text that is not only spaces (or characters that print nothing)"


@cache
def _block_kinds() -> list[str]:
    """The kinds of block, in the schema's order: each entry holds exactly one."""
    return [choice["required"][0] for choice in schema()["$defs"]["block"]["then"]["oneOf"]]


def _text_hint(key: str) -> str:
    """For a 'key' that is really the start of a sentence ("You will need to: …")."""
    if " " in key or key[:1].isupper():
        return f"; if this is text, put all of it in quotes: '{key}: …'"
    return ""


# ---------------------------------------------------------------- editors' text

#: The keys of an entry in each kind of list: a one-key mapping with any other key is text
#: that YAML read as "key: value" ("Medication: take it with food", "Before the scan:").
_BLOCK_KEYS = "block"
_ITEM_KEYS = "list_item"


def _known_keys(definition: str) -> list[str]:
    return list(schema()["$defs"][definition]["properties"])


def _accidental_key(entry: Any, known: list[str]) -> str | None:
    """The key of a one-key mapping that reads as text, or None."""
    if not isinstance(entry, dict) or len(entry) != 1:
        return None
    key = next(iter(entry))
    if key in known or key.lower() in known:
        return None
    if " " not in key and not key[:1].isupper() and did_you_mean(key, known):
        return None  # a misspelt key ("txet"), reported as such
    return key


def _as_text(doc: YamlDocument, path: PathKey, key_path: PathKey, value: Any) -> str:
    """The text the editor meant, "key: value", at `path`, located where the key was written."""
    key = key_path[-1]
    written = doc.scalars.get(key_path)
    shown = "" if value is None or written is None else written.value
    text = f"{key}:" + (f" {shown}" if shown else "")
    line, column = doc.keys[key_path]
    doc.scalars[path] = ScalarSource(line, column, "", text, text)
    doc.values[path] = (line, column)
    return text


def _move(doc: YamlDocument, old: PathKey, new: PathKey, *, clear: bool = False) -> None:
    """Where everything under `old` was written now stands under `new` too (and only that, if `clear`)."""
    n = len(old)
    for table in (doc.values, doc.keys, doc.scalars):
        if clear:
            for path in [p for p in table if p[: len(new)] == new]:
                del table[path]
        for path in [p for p in table if p[:n] == old]:
            table[(*new, *path[n:])] = table[path]  # type: ignore[index]


def accept_editors_text(doc: YamlDocument) -> None:
    """Read as text what editors commonly write unquoted and YAML reads as a mapping.

    "- Medication: take it with food" and "- Before the scan:" are a key and a
    value to YAML; in a list of blocks or items they can only be text, so they
    become that text. In a list of terms they are a term and its meaning.
    "- You will need to:" followed by an indented list is an item with a list.
    """
    data = doc.data
    if not isinstance(data, dict):
        return
    blocks, items = _known_keys(_BLOCK_KEYS), _known_keys(_ITEM_KEYS)

    def scalar(value: Any) -> bool:
        return value is None or isinstance(value, str | int | float)

    def fix_items(raw: Any, path: PathKey) -> None:
        if not isinstance(raw, list):
            return
        for i, entry in enumerate(raw):
            p = (*path, i)
            key = _accidental_key(entry, items)
            if key is not None and scalar(entry[key]):
                raw[i] = _as_text(doc, p, (*p, key), entry[key])
            elif key is not None and isinstance(entry[key], list):
                _move(doc, (*p, key), (*p, "bullets"))
                raw[i] = {"text": _as_text(doc, (*p, "text"), (*p, key), None), "bullets": entry[key]}
                doc.values[p] = doc.values[(*p, "text")]
                fix_items(raw[i]["bullets"], (*p, "bullets"))
            elif isinstance(entry, dict):
                for kind in ("bullets", "numbered"):
                    fix_items(entry.get(kind), (*p, kind))

    def fix_terms(raw: Any, path: PathKey) -> None:
        if not isinstance(raw, list):
            return
        for i, entry in enumerate(raw):
            if isinstance(entry, dict) and len(entry) == 1:
                key, value = next(iter(entry.items()))
                if key not in ("term", "text", "lang") and isinstance(value, str | int | float):
                    p = (*path, i)
                    doc.scalars[(*p, "term")] = ScalarSource(*doc.keys[(*p, key)], "", key, key)
                    doc.values[(*p, "term")] = doc.keys[(*p, key)]
                    _move(doc, (*p, key), (*p, "text"))
                    raw[i] = {"term": key, "text": str(doc.scalars[(*p, key)].value)}

    def fix_blocks(raw: Any, path: PathKey) -> None:
        if not isinstance(raw, list):
            return
        for i in reversed(range(len(raw))):  # from the end, so an entry split in two moves only later ones
            entry = raw[i]
            p = (*path, i)
            key = _accidental_key(entry, blocks)
            if key is not None and scalar(entry[key]):
                raw[i] = _as_text(doc, p, (*p, key), entry[key])
            elif key is not None and isinstance(entry[key], list):
                # "Before the scan:" with a list under it: a lead-in, then its list.
                for j in range(len(raw) - 1, i, -1):
                    _move(doc, (*path, j), (*path, j + 1), clear=True)
                after = (*path, i + 1)
                _move(doc, (*p, key), (*after, "bullets"), clear=True)
                doc.values[after] = doc.keys[(*after, "bullets")] = doc.values[(*p, key)]
                raw[i : i + 1] = [_as_text(doc, p, (*p, key), None), {"bullets": entry[key]}]
                fix_items(raw[i + 1]["bullets"], (*after, "bullets"))
            elif isinstance(entry, dict):
                for kind in ("bullets", "numbered"):
                    fix_items(entry.get(kind), (*p, kind))
                fix_terms(entry.get("terms"), (*p, "terms"))
                for j, qa in enumerate(entry.get("faq") or []):
                    if isinstance(qa, dict):
                        fix_blocks(qa.get("answer"), (*p, "faq", j, "answer"))

    def fix_sections(raw: Any, path: PathKey) -> None:
        if not isinstance(raw, list):
            return
        for i, section in enumerate(raw):
            if isinstance(section, dict):
                fix_blocks(section.get("content"), (*path, i, "content"))
                fix_sections(section.get("sections"), (*path, i, "sections"))

    fix_blocks(data.get("introduction"), ("introduction",))
    fix_sections(data.get("sections"), ("sections",))
    if isinstance(data.get("next_steps"), dict):
        fix_blocks(data["next_steps"].get("content"), ("next_steps", "content"))
    fix_items(data.get("key_points"), ("key_points",))


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
#: A version is printed in the footer of every page.
MAX_VERSION = 20
#: The smallest printed width or height a figure may be given: 10 mm, in points.
MIN_FIGURE_SIZE = 10 * 72 / 25.4
#: The longest slug: a file name of it, with an edition's ending, is well within any file system's.
MAX_SLUG = 120


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


#: Texts parsed into inline markup, kept for the next read of the same file in this process (a
#: `watch` loop reads the file again after every save): by the words, where they stand (the value
#: as written, with its line and column: every node's place is worked out from them), the file,
#: and the numbers of the references and notes they may cite. Only a text that parsed without a
#: problem is kept (a problem's hint depends on what else the file got wrong). The most recent
#: 1024 are kept.
PARSED_TEXTS: Bounded[tuple[Any, ...]] = Bounded(1024)


class _Builder:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        # The leaflet's own anchors: a section called "References" must not take the panel's.
        self.taken: dict[str, str] = {
            "title": "the leaflet's title",
            "references": "the leaflet's references",
            "further-reading": "the leaflet's further reading",
            "about-this-leaflet": "About this leaflet",
            "contents": "In this leaflet",
            "key-points": "the leaflet's key points",
        }
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
        self.suggest = Suggestions()
        self.note_numbers = self.number_notes()
        # Each reference's and note's own anchor (`ref-ID`, `note-ID`, as the layout names
        # them): a section must not take one, or a link would have two places to go.
        self.taken.update({f"ref-{ref_id}": f"reference '{ref_id}'" for ref_id in self.ref_numbers})
        self.taken.update({f"note-{note_id}": f"note '{note_id}'" for note_id in self.note_numbers})
        self.anchors: set[str] = set(self.taken)
        self.ctx = InlineContext(self.ref_numbers, self.suggest, self.note_numbers)
        # What the parse of a text depends on beside its own words and place (PARSED_TEXTS).
        self.numbering = (doc.file, tuple(self.ref_numbers.items()), tuple(self.note_numbers.items()))

    def at(self, path: PathKey) -> Location:
        return self.doc.at(path)

    def written(self, path: PathKey) -> SourceText | None:
        value = self.doc.data
        for part in path:
            value = value[part]
        return (
            SourceText(value, self.at(path), self.doc.scalars.get(path)) if isinstance(value, str) else None
        )

    def inline(self, text: str, path: PathKey, start: int = 0) -> tuple:
        """Parse `text`, which starts at offset `start` of the value at `path`."""
        scalar = self.doc.scalars.get(path)
        key = None if scalar is None else (text, start, scalar, self.numbering)
        if key is not None:
            known = PARSED_TEXTS.get(key)
            if known is not None:
                return known
        problems: list[Problem] = []
        # Offsets count the value as written; parse_inline composes accents afterwards.
        parsed = parse_inline(text, lambda offset: self.doc.inside(path, start + offset), self.ctx, problems)
        if not problems and prints_nothing(plain_text(parsed)) and not prints_nothing(text):
            # Markup around nothing ("****"): a paragraph, a heading or a cell with no words.
            problems.append(
                Problem(
                    self.doc.inside(path, start), f"{dotted(path)}: markup with no words in it prints nothing"
                )
            )
        self.problems += problems
        if key is not None and not problems:
            PARSED_TEXTS.put(key, parsed)
        return parsed

    def date(self, path: PathKey) -> date | None:
        """A date written YYYY-MM-DD, or a month written YYYY-MM (its first day)."""
        value: Any = self.doc.data
        for part in path:
            value = value[part]
        text = value if len(value) > 7 else f"{value}-01"
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.problems.append(Problem(self.at(path), f"{dotted(path)}: {value} is not a real date"))
            return None

    def metadata(self) -> Metadata:
        m = self.doc.data["metadata"]
        base = ("metadata",)
        published = self.date((*base, "published")) or date.min  # else reported; the model is thrown away
        review = self.date((*base, "next_review")) if "next_review" in m else None
        if review is not None and published != date.min and review <= published:
            self.problems.append(
                Problem(
                    self.at((*base, "next_review")),
                    "metadata.next_review: must come after metadata.published",
                )
            )
        language = m["language"]
        if primary(language) not in available():
            self.problems.append(
                Problem(
                    self.at((*base, "language")),
                    f"metadata.language: leaflet has no words for its own headings and footer in "
                    f"{language!r}; languages it has: {', '.join(available())}",
                )
            )
        opt: dict[str, Any] = {
            k: _tidy(m[k]) for k in ("subtitle", "short_title", "summary", "author", "department") if k in m
        }
        opt.update(
            {k: self.inline(m[k], (*base, k)) for k in ("contact", "feedback", "other_formats") if k in m}
        )
        if "approved" in m:
            opt["approved_by"] = _tidy(m["approved"]["by"])
            if "date" in m["approved"]:
                opt["approved"] = self.date((*base, "approved", "date"))
        if "translated_from" in m:
            raw = m["translated_from"]
            where = (*base, "translated_from")
            written = self.doc.scalars.get((*where, "version"))
            opt["translated_from"] = TranslatedFrom(
                raw["file"],
                str(Path(self.doc.file).parent / raw["file"]),
                str(written.value if written is not None else raw["version"]),
                self.at(where),
                self.date((*where, "date")) if "date" in raw else None,
            )
        if "first_published" in m:
            opt["first_published"] = self.date((*base, "first_published"))
            if opt["first_published"] and opt["first_published"] > published:
                self.problems.append(
                    Problem(
                        self.at((*base, "first_published")),
                        "metadata.first_published: must not come after metadata.published",
                    )
                )
        dated = {"published": m.get("published"), "next_review": m.get("next_review")}
        dated["first_published"] = m.get("first_published")
        dated["approved"] = m.get("approved", {}).get("date")
        version = self.doc.scalars.get((*base, "version"))
        return Metadata(
            title=_tidy(m["title"]),
            slug=m["slug"],
            language=language,
            organisation=_tidy(m["organisation"]),
            # A version written as a number keeps its digits: 1.10 stays 1.10.
            version=version.value if version is not None else None,
            published=published,
            next_review=review,
            location=self.at(base),
            keywords=tuple(_tidy(k) for k in m.get("keywords", [])),
            url=m.get("url"),
            logo=self.image(m["logo"], (*base, "logo")) if "logo" in m else None,
            places=tuple((k, self.at((*base, k))) for k in m),
            month_only=frozenset(k for k, v in dated.items() if isinstance(v, str) and len(v) == 7),
            **opt,
        )

    def blocks(self, raw: list[Any], path: PathKey, level: int = 2) -> tuple[Block, ...]:
        """The blocks of a part whose heading has `level` (a question under it is one deeper)."""
        out: list[Block] = []
        for i, item in enumerate(raw):
            p = (*path, i)
            if isinstance(item, str):
                out.append(Paragraph(self.inline(item, p), self.at(p), source=self.written(p)))
                continue
            if "links" in item and "paragraph" not in item:
                self.problems.append(
                    Problem(
                        self.at((*p, "links")),
                        f"{dotted((*p, 'links'))}: links go under a paragraph, not a list or a box",
                    )
                )
            if "paragraph" in item:
                out.append(
                    Paragraph(
                        self.inline(item["paragraph"], (*p, "paragraph")),
                        self.at(p),
                        item.get("lang"),
                        self.written((*p, "paragraph")),
                        self.related(item.get("links", []), (*p, "links")),
                    )
                )
            elif "bullets" in item or "numbered" in item:
                out.append(self.list_block(item, p, item.get("lang")))
            elif "table" in item:
                out.append(self.table(item["table"], (*p, "table"), item.get("lang")))
            elif "figure" in item:
                figure = self.figure(item["figure"], (*p, "figure"))
                if figure is not None:
                    out.append(figure)
            elif "callout" in item:
                out.append(self.callout(item["callout"], (*p, "callout")))
            else:
                out.append(self.new_block(item, p, level))
        return tuple(out)

    def list_block(self, holder: dict[str, Any], path: PathKey, lang: str | None = None) -> ListBlock:
        """A list; `lang`, the language the whole list is marked with (each item's, unless it names its own)."""
        ordered = "numbered" in holder
        key = "numbered" if ordered else "bullets"
        items: list[ListItem] = []
        for i, raw in enumerate(holder[key]):
            p = (*path, key, i)
            if isinstance(raw, str):
                items.append(ListItem(self.inline(raw, p), self.at(p), lang=lang, source=self.written(p)))
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
                    raw.get("lang") or lang,
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
                        + self.suggest(q["source"], list(self.ref_numbers)),
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
        for key in ("width", "height"):
            if key in raw and _length(raw[key]) < MIN_FIGURE_SIZE:
                self.problems.append(
                    Problem(
                        self.at((*path, key)),
                        f"{dotted((*path, key))}: {raw[key].strip()} is too small to see; a picture is at "
                        "least 10mm (leave width and height out for its own size)",
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
        anchor = self.anchor(raw, path, heading)
        subs = tuple(
            self.section(s, (*path, "sections", i), level + 1) for i, s in enumerate(raw.get("sections", []))
        )
        return Section(
            heading=heading,
            anchor=anchor,
            level=level,
            blocks=self.blocks(raw.get("content", []), (*path, "content"), level),
            subsections=subs,
            location=self.at(path),
            lang=raw.get("lang"),
            notes=self.notes(raw.get("notes", []), (*path, "notes")),
        )

    def anchor(self, raw: dict[str, Any], path: PathKey, heading: str) -> str:
        """A section's anchor: its id, or one made from its heading, unique in the leaflet."""
        anchor = raw.get("id") or slugify(heading)
        if anchor in self.anchors:
            if "id" in raw:
                self.problems.append(
                    Problem(
                        self.at((*path, "id")),
                        f"{dotted((*path, 'id'))}: '{anchor}' is used by {self.taken.get(anchor, 'another section')}",
                    )
                )
            n = 2
            while f"{anchor}-{n}" in self.anchors:
                n += 1
            anchor = f"{anchor}-{n}"
        self.anchors.add(anchor)
        return anchor

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
        texts = tuple(self.texts(d, ()))
        return Leaflet(
            metadata=self.metadata(),
            key_points=self.key_points(d.get("key_points", [])),
            introduction=self.blocks(d.get("introduction", []), ("introduction",), 1),
            sections=tuple(self.section(s, ("sections", i), 2) for i, s in enumerate(d["sections"])),
            next_steps=self.next_steps(d["next_steps"]) if "next_steps" in d else None,
            further_reading=tuple(self.further(r, i) for i, r in enumerate(d.get("further_reading", []))),
            further_reading_note=(
                self.inline(d["further_reading_note"], ("further_reading_note",))
                if "further_reading_note" in d
                else None
            ),
            references=tuple(self.reference(r, i) for i, r in enumerate(d.get("references", []))),
            source=self.doc.file,
            texts=texts,
            addresses=tuple(self.addresses(d, ())),
            # The languages its texts are marked with: those of `lang:` the leaflet keeps.
            passage_languages=frozenset(t.lang for t in texts if t.lang),
            editions=tuple(d.get("editions", ["standard"])),
            check_settings=tuple(d.get("checks", {}).items()),
            check_places=tuple((k, self.doc.at(("checks", k), key=True)) for k in d.get("checks", {})),
        )

    # -- the blocks of "every real page": quotations, terms, questions, notes, panels

    def new_block(self, item: dict[str, Any], p: PathKey, level: int) -> Block:
        if "quote" in item:
            return self.block_quote(item["quote"], (*p, "quote"))
        if "terms" in item:
            return self.terms(item["terms"], (*p, "terms"))
        return self.faq(item["faq"], (*p, "faq"), level)

    def related(self, raw: list[dict[str, str]], path: PathKey) -> tuple[RelatedLink, ...]:
        return tuple(
            RelatedLink(
                self.inline(link["text"], (*path, i, "text")),
                link["url"],
                self.at((*path, i)),
                self.written((*path, i, "text")),
            )
            for i, link in enumerate(raw)
        )

    def block_quote(self, raw: dict[str, Any], path: PathKey) -> BlockQuote:
        text = raw["text"]
        paths = [(*path, "text")] if isinstance(text, str) else [(*path, "text", i) for i in range(len(text))]
        source = None
        if "source" in raw:
            number = self.ref_numbers.get(raw["source"], 0)
            if not number:
                self.problems.append(
                    Problem(
                        self.at((*path, "source")),
                        f"{dotted((*path, 'source'))}: '{raw['source']}' names no reference"
                        + self.suggest(raw["source"], list(self.ref_numbers)),
                    )
                )
            source = Citation(raw["source"], number, self.at((*path, "source")))
        return BlockQuote(
            paragraphs=tuple(self.inline(self.value(q), q) for q in paths),
            location=self.at(path),
            who=_tidy(raw["who"]) if "who" in raw else None,
            when=_tidy(str(raw["when"])) if "when" in raw else None,
            source=source,
            lang=raw.get("lang"),
            written=tuple(self.written(q) for q in paths),
        )

    def value(self, path: PathKey) -> Any:
        value = self.doc.data
        for part in path:
            value = value[part]
        return value

    def terms(self, raw: list[Any], path: PathKey) -> TermList:
        items = []
        for i, entry in enumerate(raw):
            p = (*path, i)
            if isinstance(entry, dict):
                items.append(
                    TermItem(
                        _tidy(entry["term"]),
                        self.inline(entry["text"], (*p, "text")),
                        self.at(p),
                        self.written((*p, "text")),
                        entry.get("lang"),
                    )
                )
                continue
            # "Term – what it means" or "Term: what it means", in quotes.
            match = re.match(r"\s*(.+?)(?:\s+[–—-]\s+|:\s+)(.+)", entry, re.DOTALL)
            if match is None:
                self.problems.append(
                    Problem(
                        self.at(p),
                        f"{dotted(p)}: a term is written 'Term: what it means' or 'Term – what it "
                        "means', or as term: and text:",
                    )
                )
                continue
            items.append(
                TermItem(
                    _tidy(match.group(1)),
                    self.inline(match.group(2), p, match.start(2)),
                    self.at(p),
                    self.written(p),
                )
            )
        return TermList(tuple(items), self.at(path))

    def faq(self, raw: list[dict[str, Any]], path: PathKey, level: int) -> QuestionList:
        questions = []
        for i, qa in enumerate(raw):
            p = (*path, i)
            answer = qa["answer"]
            if isinstance(answer, str):
                where = (*p, "answer")
                blocks: tuple[Block, ...] = (
                    Paragraph(self.inline(answer, where), self.at(where), source=self.written(where)),
                )
            else:
                blocks = self.blocks(answer, (*p, "answer"), level + 1)
            questions.append(Question(_tidy(qa["question"]), i + 1, blocks, self.at(p), qa.get("lang")))
        return QuestionList(tuple(questions), self.at(path))

    def number_notes(self) -> dict[str, int]:
        """Every note's number, in the order the notes are written, whichever section holds them."""
        numbers: dict[str, int] = {}

        def walk(sections: list[Any], path: PathKey) -> None:
            for i, section in enumerate(sections):
                for j, note in enumerate(section.get("notes", [])):
                    if note["id"] in numbers:
                        where = (*path, i, "notes", j, "id")
                        self.problems.append(
                            Problem(self.at(where), f"{dotted(where)}: '{note['id']}' is used twice")
                        )
                    else:
                        numbers[note["id"]] = len(numbers) + 1
                walk(section.get("sections", []), (*path, i, "sections"))

        walk(self.doc.data["sections"], ("sections",))
        return numbers

    def notes(self, raw: list[dict[str, str]], path: PathKey) -> tuple[Note, ...]:
        return tuple(
            Note(
                note["id"],
                self.note_numbers.get(note["id"], 0),
                self.inline(note["text"], (*path, i, "text")),
                self.at((*path, i)),
                self.written((*path, i, "text")),
            )
            for i, note in enumerate(raw)
        )

    def key_points(self, raw: list[Any]) -> tuple[ListItem, ...]:
        return tuple(
            ListItem(
                self.inline(text, ("key_points", i)),
                self.at(("key_points", i)),
                source=self.written(("key_points", i)),
            )
            for i, text in enumerate(raw)
        )

    def next_steps(self, raw: dict[str, Any]) -> Panel:
        path: PathKey = ("next_steps",)
        heading = _tidy(raw["heading"])
        return Panel(
            heading,
            self.anchor(raw, path, heading),
            self.blocks(raw["content"], (*path, "content"), 2),
            self.at(path),
        )

    def texts(self, value: Any, path: PathKey, lang: str | None = None) -> Iterator[SourceText]:
        """Every string that will be printed, with where it stands and the language it is marked
        with (a `lang:` beside it holds for all under it, but a section's subsections)."""
        if isinstance(value, dict):
            # The `lang:` the leaflet keeps: a section's, a paragraph's, a list's (its items'), a
            # list item's or a quotation's or a term's (with `text:`), a table's, a question's;
            # beside a box it is kept by none.
            kept = any(k in value for k in _KEEP_LANG)
            own = value.get("lang") if kept and isinstance(value.get("lang"), str) else None
            for key, item in value.items():
                if key not in _NOT_PRINTED:
                    yield from self.texts(item, (*path, key), lang if key == "sections" else own or lang)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from self.texts(item, (*path, i), lang)
        elif isinstance(value, str):
            yield SourceText(value, self.at(path), self.doc.scalars.get(path), lang)

    def addresses(self, value: Any, path: PathKey) -> Iterator[SourceText]:
        """Every address given apart from the text (url:, doi:), with where it stands."""
        if isinstance(value, dict):
            for key, item in value.items():
                if key in _ADDRESSES and isinstance(item, str):
                    yield SourceText(item, self.at((*path, key)), self.doc.scalars.get((*path, key)))
                elif key not in _NOT_PRINTED:
                    yield from self.addresses(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from self.addresses(item, (*path, i))


_UNITS_PT = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}


def _length(text: str) -> float:
    """A length the schema has checked (60mm, 4cm, 120pt, 2in), in points."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mm|cm|pt|in)\s*", text)
    assert m is not None, text
    return float(m.group(1)) * _UNITS_PT[m.group(2)]


def load_leaflet(path: str | Path) -> Leaflet:
    """Read and check a content file; raise ContentError listing every problem.

    A Welsh leaflet that names its English partner (`metadata.bilingual`) comes with the
    partner read and checked too, the two paired block by block.
    """
    return _load(path, partner=False)


def _load(path: str | Path, *, partner: bool) -> Leaflet:
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
    accept_editors_text(doc)
    problems = [] if fastschema.is_valid(doc.data) else _schema_problems(doc)
    if not problems:
        _size_problems(doc.data, (), doc, problems)
        version = doc.scalars.get(("metadata", "version"))  # a number keeps its digits as written
        if version is not None and len(version.value) > MAX_VERSION:
            problems.append(
                Problem(
                    doc.at(("metadata", "version")),
                    f"metadata.version: {len(version.value):,} characters; a version is at most {MAX_VERSION}",
                )
            )
        slug = doc.data["metadata"]["slug"]
        if len(slug) > MAX_SLUG:
            problems.append(
                Problem(
                    doc.at(("metadata", "slug")),
                    f"metadata.slug: {len(slug):,} characters; a slug names the leaflet's files "
                    f"(slug-large-print.pdf …) and is at most {MAX_SLUG}",
                )
            )
    if problems:
        raise ContentError(sorted(problems, key=lambda p: (p.location.line, p.location.column)))
    builder = _Builder(doc)
    leaflet = builder.build()
    builder.problems.extend(character_problems((*leaflet.texts, *leaflet.addresses)))
    if builder.problems:
        raise ContentError(sorted(builder.problems, key=lambda p: (p.location.line, p.location.column)))
    if "bilingual" in doc.data["metadata"]:
        return _with_partner(doc, leaflet, partner)
    return leaflet


def _with_partner(doc: YamlDocument, welsh: Leaflet, partner: bool) -> Leaflet:
    """The Welsh leaflet with its English partner read, checked and paired with it."""
    where = ("metadata", "bilingual")
    raw = doc.data["metadata"]["bilingual"]
    if partner:
        raise ContentError(
            Problem(
                doc.at(where),
                "metadata.bilingual: this leaflet is the English partner of a Welsh one; only the Welsh "
                "file names its partner",
            )
        )
    file = raw["partner"]
    at_partner = doc.at((*where, "partner"))
    path = Path(doc.file).parent / file
    named.note(path)  # before it is checked: a partner still to come is watched too
    problems = language_problems(welsh.metadata.language, doc.at(where), None, file, at_partner)
    if problems:
        raise ContentError(problems)
    if not path.is_file():
        raise ContentError(
            Problem(
                at_partner,
                f"metadata.bilingual.partner: there is no file {file} beside this one (the leaflet's "
                "English version, its partner)",
            )
        )
    english = _load(path, partner=True)
    problems = language_problems(welsh.metadata.language, doc.at(where), english, file, at_partner)
    if problems:
        raise ContentError(problems)
    design = raw.get("design", "parallel")
    return replace(welsh, bilingual=pair(welsh, english, design, file, str(path), doc.at(where)))
