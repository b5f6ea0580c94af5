"""A gettext catalogue (`.po`) read into its translations: {msgid: msgstr}.

The tool's own words come from one small catalogue per language. Reading them with
Babel's `read_po` cost a cold build about a twentieth of its time (Babel's catalogue
classes, the `email` package for the header, `_strptime` for its dates), for a file
of a few dozen entries. This reader keeps what a build uses, with the same answers as
Babel (`tests/test_pofile.py` holds the two to it): every entry that has a msgid and a
translation and is not marked fuzzy; the header, untranslated, fuzzy and obsolete
(`#~`) entries left out.

It reads the plain form our catalogues and translators' tools write: comments, flags,
`msgid` and `msgstr` with continued strings, and the escapes Babel reads. Anything
else (contexts, plural forms, a msgid given twice, a broken string) is refused at its
line and column, rather than read in some other way than Babel would.
"""

from __future__ import annotations

from pathlib import Path

from leaflet.errors import LeafletError, Location, Problem, display_path

#: What a backslash stands for, as Babel reads it.
_ESCAPES = {"\\": "\\", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


class CatalogueError(LeafletError):
    """A catalogue that cannot be read as the tool reads them."""


def read_catalogue(data: bytes, path: str | Path) -> dict[str, str]:
    """The translations of a `.po` file's bytes: {msgid: msgstr}, as Babel's read_po gives them."""
    file = display_path(path)

    def refuse(line: int, column: int, message: str) -> CatalogueError:
        return CatalogueError(Problem(Location(file, line, column), message))

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        raise refuse(before.count(b"\n") + 1, exc.start - before.rfind(b"\n"), "not UTF-8") from None

    out: dict[str, str] = {}
    entry: dict[str, list[str]] = {}  # "msgid" / "msgstr" → its strings, in order
    where: dict[str, int] = {}
    current = ""  # the keyword that continued strings belong to
    flags: set[str] = set()
    obsolete = False

    left_out: set[str] = set()  # msgids read but not translated (empty or fuzzy)

    def finish() -> None:
        """The entry read so far is complete (a comment or the next msgid starts another)."""
        nonlocal current, obsolete
        if not entry:
            return
        if "msgstr" not in entry:
            raise refuse(where["msgid"], 1, "a msgid without its msgstr")
        msgid, msgstr = "".join(entry["msgid"]), "".join(entry["msgstr"])
        if not obsolete and msgid:
            if msgid in out or msgid in left_out:
                raise refuse(where["msgid"], 1, f"msgid {msgid!r} is given twice")
            if msgstr and "fuzzy" not in flags:
                out[msgid] = msgstr
            else:
                left_out.add(msgid)
        entry.clear()
        flags.clear()
        current = ""
        obsolete = False

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip(" \t\n\r\x0b\x0c")
        if not line:
            continue
        indent = len(raw) - len(raw.lstrip(" \t\n\r\x0b\x0c"))
        is_obsolete = line.startswith("#~")
        if line.startswith("#") and not is_obsolete:
            if line.startswith("#-"):
                raise refuse(number, indent + 1, "a merge conflict marker")
            finish()
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if is_obsolete:
            body = line[2:].lstrip()
            column = indent + 1 + len(line) - len(body)
            if not body:
                continue
        else:
            body, column = line, indent + 1
        if body.startswith('"'):
            if not current:
                raise refuse(number, column, "a string outside a msgid or msgstr")
            entry[current].append(_unquote(body.strip(), number, column, refuse))
            continue
        keyword, _, argument = body.partition(" ")
        if keyword not in ("msgid", "msgstr"):
            if keyword == "msgctxt":
                raise refuse(number, column, "contexts (msgctxt) are not read by the tool")
            if keyword == "msgid_plural" or keyword.startswith("msgstr["):
                raise refuse(number, column, "plural forms are not read by the tool")
            raise refuse(number, column, f"unknown keyword {keyword!r}")
        if keyword == "msgid":
            finish()
            where["msgid"] = number
        elif "msgid" not in entry or "msgstr" in entry:
            raise refuse(number, column, "a msgstr without its msgid")
        obsolete = is_obsolete
        current = keyword
        start = column + len(keyword) + 1 + len(argument) - len(argument.lstrip())
        entry[keyword] = [_unquote(argument.strip(), number, start, refuse)]
    finish()
    return out


def _unquote(string: str, line: int, column: int, refuse) -> str:  # type: ignore[no-untyped-def]
    """The text of one quoted string, its escapes read."""
    if len(string) < 2 or not string.startswith('"') or not string.endswith('"'):
        raise refuse(line, column, "expected a string in double quotes")
    body = string[1:-1]
    if "\\" not in body and '"' not in body:
        return body
    parts: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == '"':
            raise refuse(line, column + 1 + i, 'a " inside a string must be written \\"')
        if char == "\\":
            escaped = body[i + 1 : i + 2]
            if escaped not in _ESCAPES:
                raise refuse(line, column + 1 + i, f"the escape \\{escaped} is not read by the tool")
            parts.append(_ESCAPES[escaped])
            i += 2
            continue
        parts.append(char)
        i += 1
    return "".join(parts)
