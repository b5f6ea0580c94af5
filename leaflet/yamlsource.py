"""Safe YAML reading that remembers where every value came from.

Both content files and style sheets are read here. The result is plain data
(dicts, lists, strings, numbers) for validation, plus a table from each value's
path in the document to its line and column, so that any later stage can say
`content.yaml:41:7` instead of "somewhere in your file".

Only the YAML an editor needs is accepted: no aliases (they make "billion
laughs" documents possible and are never needed in a leaflet; an anchor alone
is harmless and ignored), no tags beyond YAML's own plain ones (no
`!!python/...`), no duplicate keys, no control characters, and a bounded file
size.
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from leaflet.errors import Location, Problem, display_path
from leaflet.frozen import frozen
from leaflet.safeio import FileProblem, read_file
from leaflet.written import ScalarSource

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "PathKey",
    "ScalarSource",
    "YamlDocument",
    "YamlProblem",
    "parse_yaml",
    "read_yaml",
]

#: The largest file we read. A leaflet is a few kilobytes; this leaves room for
#: a long booklet while keeping a mistaken or hostile input from eating memory.
MAX_BYTES = 2 * 1024 * 1024

PathKey = tuple[str | int, ...]

#: The longest number read (Python refuses to convert integers of more than 4,300 digits).
MAX_NUMBER_LENGTH = 100

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
    # Dates stay as the text the author wrote; the schema checks their form.
    "tag:yaml.org,2002:timestamp": "str",
}


class YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


@frozen
class YamlDocument:
    """Plain data read from a YAML file, and the place of every value in it."""

    file: str
    data: Any
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    #: Every text scalar as written in the file (quotes, escapes, line breaks
    #: and indentation included), so a place inside a value can be exact.
    scalars: dict[PathKey, ScalarSource] = field(default_factory=dict)

    def inside(self, path: PathKey, offset: int) -> Location:
        """The location of the character at `offset` in the string value at `path`."""
        scalar = self.scalars.get(path)
        if scalar is None:
            return self.at(path)
        return Location(self.file, *scalar.position(offset))

    def at(self, path: PathKey, *, key: bool = False) -> Location:
        """The location of the value at `path` (or of its key), else of its nearest parent."""
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return Location(self.file, *table[p])
            if p in self.values:
                return Location(self.file, *self.values[p])
            p = p[:-1]
        line, col = self.values.get((), (1, 1))
        return Location(self.file, line, col)


class _NoAliasComposer(Composer):
    def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # type: ignore[override]
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="aliases (*name) are not allowed in a leaflet; write the text out",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _NoAliasComposer,
    yaml.resolver.Resolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _NoAliasComposer.__init__(self)
        yaml.resolver.Resolver.__init__(self)


try:  # LibYAML, when PyYAML was built with it: the same nodes, several times faster
    from yaml.cyaml import CParser as _CParser

    _FastParser = _CParser

    class _FastLoader(_CParser, yaml.resolver.Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.resolver.Resolver.__init__(self)

except ImportError:  # pragma: no cover - the pure-Python reader does the same, slower
    _FastLoader = None  # type: ignore[assignment,misc]
    _FastParser = None  # type: ignore[assignment,misc]


def _fast_compose(text: str) -> Node | bool | None:
    """The document's nodes by LibYAML, or False when it is missing or the text needs the careful reader.

    A file with a mistake or an alias is read again by the pure-Python reader,
    which says exactly where the trouble is; a good file never needs it.
    """
    # Tabs and stray byte-order marks are read more leniently by LibYAML than by
    # the pure-Python reader; such files go to the careful reader, so that what is
    # accepted never depends on how PyYAML was built.
    if _FastLoader is None or "\t" in text or "\ufeff" in text:
        return False
    try:
        root = _FastLoader(text).get_single_node()
    except (yaml.YAMLError, UnicodeError):
        return False
    # A node reached twice is an alias's doing, and an alias names an anchor (&name): a text
    # without an ampersand has none to look for.
    return False if root is not None and "&" in text and _shares_nodes(root) else root


#: Deeper than any leaflet needs (a list in a list in a section is about 12); a
#: deeper file is refused before it is built into nodes, which both readers do by recursion.
MAX_DEPTH = 64


def _check_depth(text: str, file: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, walking the parser's events (no recursion).

    LibYAML's events first; if LibYAML stops on the text (it has limits of its own),
    the pure-Python parser's, which stop only at a real mistake.
    """
    if _FastParser is not None and _walk_depth(_FastParser, text, file):
        return
    _walk_depth(yaml.SafeLoader, text, file)


def _walk_depth(make_parser: Any, text: str, file: str) -> bool:
    """Whether the events could be walked to the end (raise YamlProblem when too deep)."""
    depth = 0
    try:
        parser = make_parser(text)
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return True
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise YamlProblem(
                        Problem(
                            Location(file, mark.line + 1, mark.column + 1),
                            f"lists and mappings nested more than {MAX_DEPTH} deep; a leaflet needs far fewer",
                        )
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except (yaml.YAMLError, UnicodeError):
        return False  # the reader that follows says what is wrong


def _shares_nodes(root: Node) -> bool:
    """Whether any node is reached twice: that is what an alias makes."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return False


def _where(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _decode(raw: bytes, file: str) -> str:
    bom = b"\xef\xbb\xbf"
    body = raw[len(bom) :] if raw.startswith(bom) else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = body[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        raise YamlProblem(
            Problem(
                Location(file, line, column),
                f"the file is not valid UTF-8 (byte 0x{body[exc.start]:02x}); save it as UTF-8",
            )
        ) from None


def read_yaml(path: str | Path) -> YamlDocument:
    """Read one YAML file; raise YamlProblem with a location on anything wrong."""
    file = display_path(path)
    try:
        raw = read_file(path, MAX_BYTES)
    except FileProblem as exc:
        raise YamlProblem(Problem(Location(file), exc.reason)) from None
    return parse_yaml(_decode(raw, file), file)


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def parse_yaml(text: str, file: str) -> YamlDocument:
    # YAML reads NEL as a line break; in a leaflet it is a stray control character.
    nel = text.find("\x85")
    if nel >= 0:
        raise YamlProblem(
            Problem(
                Location(file, *_position(text, nel)), "the character U+0085 is not allowed in a YAML file"
            )
        )
    one = _one_pass(text, file)
    if one is not None:
        return one
    _check_depth(text, file)
    fast = _fast_compose(text)
    if fast is not False:
        return _document(fast, text, file)
    loader = None
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        raise YamlProblem(
            Problem(
                Location(file, line, col),
                f"the character U+{exc.character:04X} is not allowed in a YAML file"
                if isinstance(exc.character, int)
                else "this character is not allowed in a YAML file",
            )
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = (exc.problem or exc.context or "cannot read this YAML").strip()
        if exc.context and exc.problem and "while" in exc.context:
            message = f"{message} ({exc.context})"
        raise YamlProblem(Problem(Location(file, line, col), f"YAML: {message}")) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(Location(file, 1, 1), f"YAML: {exc}")) from None
    except RecursionError:
        raise YamlProblem(
            Problem(Location(file, 1, 1), "lists and mappings nested too deep to read")
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    return _document(root, text, file)


#: The document read so far holds no node yet (`_one_pass`).
_NOTHING = object()
#: A mapping's next node is a key (`_one_pass`).
_KEY = object()
_RESOLVER = yaml.resolver.Resolver()


def _one_pass(text: str, file: str) -> YamlDocument | None:
    """The document built straight from LibYAML's events, in one pass and without recursion, or
    None when the text needs the readers that follow (`parse_yaml`).

    A file as an editor writes it is read here: what `_convert` makes of LibYAML's nodes, with
    the same places, without walking the events once for their depth and building the nodes
    after. Anything else (an alias or an anchor, a tag, a key twice, a merge key, a key that is
    a list or a mapping, a number too long or that does not read, nesting deeper than
    MAX_DEPTH, a mistake) is left to those readers, which say what is wrong where.
    """
    if _FastParser is None or "\t" in text or "\ufeff" in text:
        return None
    values: dict[PathKey, tuple[int, int]] = {}
    keys: dict[PathKey, tuple[int, int]] = {}
    scalars: dict[PathKey, ScalarSource] = {}
    root: Any = _NOTHING
    # Each open collection: [the list or dict, its path, the next index or key (_KEY: a key comes next)].
    stack: list[list[Any]] = []
    documents = 0
    resolve = _RESOLVER.resolve
    try:
        parser = _FastParser(text)
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent or kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                    return None
                mark = event.start_mark
                if stack:
                    top = stack[-1]
                    at = top[2]
                    if at is _KEY:  # this node is a key
                        if kind is not yaml.ScalarEvent:
                            return None
                        key = event.value
                        if key == "<<" or key in top[0]:
                            return None
                        keys[(*top[1], key)] = (mark.line + 1, mark.column + 1)
                        top[2] = key
                        continue
                    path = (*top[1], at)
                else:
                    path = ()
                values[path] = (mark.line + 1, mark.column + 1)
                if kind is yaml.ScalarEvent:
                    tag = resolve(ScalarNode, event.value, event.implicit)
                    plain = _PLAIN_TAGS.get(tag)
                    if plain is None:
                        return None
                    scalars[path] = _written(mark, event.end_mark, event.style, event.value, text)
                    if plain == "str":
                        value: Any = event.value
                    elif _too_long(plain, event.value):
                        return None
                    else:
                        try:
                            value = _construct_plain(ScalarNode(tag, event.value))
                        except ValueError:  # "0b_": YAML's pattern for a number, but none
                            return None
                else:
                    if len(stack) >= MAX_DEPTH:
                        return None
                    value = {} if kind is yaml.MappingStartEvent else []
                if stack:
                    top = stack[-1]
                    if type(top[0]) is dict:
                        top[0][top[2]] = value
                        top[2] = _KEY
                    else:
                        top[0].append(value)
                        top[2] += 1
                else:
                    root = value
                if kind is yaml.MappingStartEvent:
                    stack.append([value, path, _KEY])
                elif kind is yaml.SequenceStartEvent:
                    stack.append([value, path, 0])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    return None
            elif kind is yaml.StreamEndEvent or event is None:
                break
            elif kind is AliasEvent:
                return None
    except (yaml.YAMLError, UnicodeError):
        return None
    if root is _NOTHING:
        return YamlDocument(file, {}, {(): (1, 1)})
    return YamlDocument(file, root, values, keys, scalars)


def _document(root: Node | None, text: str, file: str) -> YamlDocument:
    doc = YamlDocument(file, None)
    if root is None:
        return YamlDocument(file, {}, {(): (1, 1)})
    data = _convert(root, (), doc, text)
    return YamlDocument(file, data, doc.values, doc.keys, doc.scalars)


def _convert(node: Node, path: PathKey, doc: YamlDocument, text: str) -> Any:
    doc.values[path] = _where(node)
    if isinstance(node, ScalarNode):
        kind = _PLAIN_TAGS.get(node.tag)
        if kind is None:
            raise YamlProblem(
                Problem(
                    doc.at(path),
                    f"YAML tags such as {node.tag!r} are not allowed; write plain text",
                )
            )
        # Kept for every scalar: a number's text as written too ("1.10" is not 1.1).
        doc.scalars[path] = _written(node.start_mark, node.end_mark, node.style, node.value, text)
        if kind == "str":
            return node.value
        if _too_long(kind, node.value):
            raise YamlProblem(
                Problem(
                    doc.at(path),
                    f"a number of {len(node.value):,} characters; numbers are at most "
                    f"{MAX_NUMBER_LENGTH} (put text in quotes)",
                )
            )
        try:
            return _construct_plain(node)
        except ValueError:  # "0b_" matches YAML's pattern for a number, but holds no digit
            raise YamlProblem(
                Problem(doc.at(path), f"'{node.value}' is not a number YAML can read; put text in quotes")
            ) from None
    if isinstance(node, SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise YamlProblem(Problem(doc.at(path), f"YAML tag {node.tag!r} is not allowed"))
        return [_convert(child, (*path, i), doc, text) for i, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise YamlProblem(Problem(doc.at(path), f"YAML tag {node.tag!r} is not allowed"))
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlProblem(Problem(Location(doc.file, *_where(key_node)), "a key must be plain text"))
            key = key_node.value
            if key == "<<":
                raise YamlProblem(
                    Problem(Location(doc.file, *_where(key_node)), "merge keys (<<) are not allowed")
                )
            if key in out:
                first = doc.keys[(*path, key)]
                raise YamlProblem(
                    Problem(
                        Location(doc.file, *_where(key_node)),
                        f"duplicate key '{key}' (first given at line {first[0]})",
                    )
                )
            doc.keys[(*path, key)] = _where(key_node)
            out[key] = _convert(value_node, (*path, key), doc, text)
        return out
    raise YamlProblem(Problem(doc.at(path), "unsupported YAML node"))


_PLAIN_CONSTRUCTORS = {
    "int": yaml.constructor.SafeConstructor.construct_yaml_int,
    "float": yaml.constructor.SafeConstructor.construct_yaml_float,
    "bool": yaml.constructor.SafeConstructor.construct_yaml_bool,
    "null": yaml.constructor.SafeConstructor.construct_yaml_null,
}


class _PlainScalars(yaml.constructor.SafeConstructor):
    """Numbers, booleans and nulls from their nodes, remembering none of them.

    A SafeConstructor keeps every node it has built (so that aliases can share
    them); one kept for the process would hold every number of every file read.
    """


_PLAIN = _PlainScalars()


def _written(start: Any, end: Any, style: str | None, value: str, text: str) -> ScalarSource:
    """A scalar as written: where it starts, its quoting, its raw text and its value."""
    return ScalarSource(start.line + 1, start.column + 1, style or "", text[start.index : end.index], value)


def _too_long(kind: str, value: str) -> bool:
    """A number longer than MAX_NUMBER_LENGTH (Python refuses to read the longest ones)."""
    return kind in ("int", "float") and len(value) > MAX_NUMBER_LENGTH


def _construct_plain(node: ScalarNode) -> Any:
    return _PLAIN_CONSTRUCTORS[_PLAIN_TAGS[node.tag]](_PLAIN, node)
