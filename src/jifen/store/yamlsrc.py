"""Safe, positioned YAML reading: text in, a small node tree (or problems) out.

Ledgers and schemes are read through here and nowhere else. The tree keeps the
raw text of every scalar and its 1-based ``Source``; types are decided by the
reader of each field, not by YAML's resolver, so ``0.1`` stays an exact decimal
and ``note: 2023`` stays the text the recorder typed.

Refused, each as a positioned problem (never expanded, never a traceback):
anchors and aliases, explicit tags, duplicate keys, keys that are not plain
text, a byte-order mark, text that is not UTF-8, and YAML syntax errors.

0-based marks become 1-based positions in ``_source`` only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jifen.core.model import MAX_PROBLEMS, Problem, Source, capped


@dataclass(frozen=True)
class Scalar:
    text: str
    plain: bool  # written without quotes (so YAML would give it a type)
    source: Source


@dataclass(frozen=True)
class Map:
    items: tuple[tuple[Scalar, Node], ...]
    source: Source

    def get(self, key: str) -> Node | None:
        for k, v in self.items:
            if k.text == key:
                return v
        return None


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]
    source: Source


Node = Scalar | Map | Seq


def _source(path: str, mark) -> Source:
    return Source(path, mark.line + 1, mark.column + 1)


MAX_LINE = 64 * 1024  # bytes; a longer line is refused before parsing
MAX_DEPTH = 64  # nested lists and mappings; a ledger needs 2, a scheme about 6
MAX_DIGITS = 18  # digits of a whole number (an id, a count); longer ones are refused


def decode(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text of ``data``, or a positioned problem (BOM, not UTF-8, a control character,
    a line over ``MAX_LINE``)."""
    long_line = _long_line(data)
    if long_line is not None:
        return None, [Problem(Source(path, long_line, MAX_LINE + 1), "yaml.line-too-long", {"limit": MAX_LINE})]
    if data.startswith(b"\xef\xbb\xbf"):
        return None, [Problem(Source(path, 1, 1), "yaml.bom")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [Problem(Source(path, line, col), "yaml.not-utf8")]
    at = _control_at(data)
    if at is not None:
        start = data.rfind(b"\n", 0, at) + 1
        where = Source(path, data.count(b"\n", 0, at) + 1, len(data[start:at].decode("utf-8")) + 1)
        char = data[at:].decode("utf-8", "replace")[0]
        return None, [Problem(where, "yaml.control-char", {"char": f"U+{ord(char):04X}"})]
    return text, []


# What YAML does not allow unescaped in a file, as UTF-8: C0 controls but tab,
# newline and carriage return; DEL; C1 controls but NEL; U+FFFE and U+FFFF.
_C0 = bytes(b for b in range(256) if b < 0x20 and b not in b"\t\n\r" or b == 0x7F)
_NOT_C0 = bytes(b for b in range(256) if b not in _C0)
_WIDE = re.compile(rb"\xc2[\x80-\x84\x86-\x9f]|\xef\xbf[\xbe\xbf]")


def _control_at(data: bytes) -> int | None:
    """The byte offset of the first character YAML refuses unescaped, if any (``data`` is UTF-8)."""
    found = [data.find(bytes([b])) for b in set(data.translate(None, _NOT_C0))]  # fast: no regex per byte
    if b"\xc2" in data or b"\xef\xbf" in data:
        wide = _WIDE.search(data)
        found += [wide.start()] if wide else []
    return min(found, default=None)


_LONG = re.compile(rb"[^\n]{%d}" % (MAX_LINE + 1))


def _long_line(data: bytes) -> int | None:
    """The 1-based number of the first line longer than ``MAX_LINE`` bytes, if any."""
    if len(data) <= MAX_LINE:
        return None
    # such a line holds a whole block of ``step`` bytes starting at a multiple of ``step``: if every such
    # block has a newline, no line is too long (a few dozen finds for a log of megabytes; the search
    # below tries every byte)
    step = (MAX_LINE + 1) // 2
    if all(data.find(b"\n", start, start + step) >= 0 for start in range(0, len(data) - step + 1, step)):
        return None
    found = _LONG.search(data)
    return None if found is None else data.count(b"\n", 0, found.start()) + 1


def parse(path: str, text: str, each: Callable[[Node], None] | None = None) -> tuple[Node | None, list[Problem]]:
    """The node tree of the first document of ``text`` (None if empty or unparseable), and problems.

    Refused constructs are reported and left out of the tree (aliases are never
    expanded), so one read reports every problem it can (the first ``MAX_PROBLEMS``;
    the rest are counted). With ``each``, the items of a top-level list are given to
    it one by one as they are read and not kept: memory does not grow with the list.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    problems: list[Problem] = []
    composer = _Composer(path, iter(YAML(typ="safe", pure=False).parse(text)), problems, each)
    try:
        root = composer.document()
        return root, capped(problems, composer.dropped) if composer.dropped else problems
    except _TooDeep as exc:  # stop reading: the parser's time grows with the square of the depth
        return None, capped([*problems, exc.problem], composer.dropped)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _source(path, mark) if mark is not None else Source(path, 1, 1)
        detail = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        return None, [Problem(where, "yaml.syntax", {"detail": detail})]
    except YAMLError as exc:  # unmarked reader errors (e.g. a forbidden character)
        return None, [Problem(Source(path, 1, 1), "yaml.syntax", {"detail": str(exc)})]


class _TooDeep(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


class _Composer:
    """Builds nodes from parser events, refusing what a ledger must not contain."""

    def __init__(self, path: str, events: Iterator, problems: list[Problem],
                 each: Callable[[Node], None] | None = None) -> None:
        self.path = path
        self.events = events
        self.problems = problems
        self.each = each  # given each item of a top-level list, instead of keeping it
        self.dropped = 0  # problems counted, not kept, past MAX_PROBLEMS

    def problem(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.dropped += 1

    def document(self) -> Node | None:
        for event in self.events:
            name = type(event).__name__
            if name == "DocumentStartEvent":
                return self.node(next(self.events))
        return None

    def node(self, event, depth: int = 0) -> Node:
        name = type(event).__name__
        where = _source(self.path, event.start_mark)
        if depth >= MAX_DEPTH and name in ("SequenceStartEvent", "MappingStartEvent"):
            raise _TooDeep(Problem(where, "yaml.too-deep", {"limit": MAX_DEPTH}))
        if name == "AliasEvent":
            self.problem(Problem(where, "yaml.alias"))
            return Scalar("", True, where)
        if getattr(event, "anchor", None):
            self.problem(Problem(where, "yaml.anchor", {"anchor": event.anchor}))
        tag = getattr(event, "tag", None)
        if name == "ScalarEvent":
            if tag and not (tag == "!" and event.style in ("'", '"')):
                self.problem(Problem(where, "yaml.tag", {"tag": tag}))
            return Scalar(event.value, not event.style, where)
        if tag:
            self.problem(Problem(where, "yaml.tag", {"tag": tag}))
        if name == "SequenceStartEvent":
            items = []
            for child in self.events:
                if type(child).__name__ == "SequenceEndEvent":
                    break
                item = self.node(child, depth + 1)
                if depth == 0 and self.each is not None:
                    self.each(item)
                else:
                    items.append(item)
            return Seq(tuple(items), where)
        # MappingStartEvent
        pairs: list[tuple[Scalar, Node]] = []
        seen: dict[str, Source] = {}
        for child in self.events:
            if type(child).__name__ == "MappingEndEvent":
                break
            key = self.node(child, depth + 1)
            value = self.node(next(self.events), depth + 1)
            if not isinstance(key, Scalar):
                self.problem(Problem(key.source, "yaml.complex-key"))
                continue
            if key.text in seen:
                first = seen[key.text]
                self.problem(
                    Problem(key.source, "yaml.duplicate-key", {"key": key.text, "line": first.line})
                )
                continue
            seen[key.text] = key.source
            pairs.append((key, value))
        return Map(tuple(pairs), where)

def to_plain(node: Node) -> tuple:
    """``node`` as nested tuples of str, int and bool (for ``marshal``); ``from_plain`` makes it again."""
    where = (node.source.line, node.source.col)
    if isinstance(node, Scalar):
        return (0, *where, node.text, node.plain)
    if isinstance(node, Seq):
        return (1, *where, tuple(to_plain(item) for item in node.items))
    return (2, *where, tuple((to_plain(k), to_plain(v)) for k, v in node.items))


def from_plain(path: str, plain: tuple) -> Node:
    """The node tree ``to_plain`` gave, its sources in file ``path``."""
    kind, line, col, *rest = plain
    where = Source(path, line, col)
    if kind == 0:
        return Scalar(rest[0], rest[1], where)
    if kind == 1:
        return Seq(tuple(from_plain(path, item) for item in rest[0]), where)
    return Map(tuple((from_plain(path, k), from_plain(path, v)) for k, v in rest[0]), where)  # type: ignore[misc]


# --- typed reading of scalars -------------------------------------------------
# Each converter takes a node and returns a value, or raises ValueError whose
# text is a catalogue code (the caller positions it at the node).

class Bad(ValueError):
    """A value that does not convert: a catalogue code and its arguments."""

    def __init__(self, code: str, **args: Any) -> None:
        super().__init__(code)
        self.code = code
        self.args_ = args


_INT = re.compile(r"^[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_NULLS = {"", "~", "null", "Null", "NULL"}


def _scalar(node: Node) -> Scalar:
    if not isinstance(node, Scalar):
        raise ValueError("yaml.want-scalar")
    return node


def as_int(node: Node) -> int:
    node = _scalar(node)
    if not (node.plain and _INT.match(node.text)):
        raise ValueError("yaml.want-int")
    if len(node.text.lstrip("0")) > MAX_DIGITS:
        raise Bad("yaml.int-too-long", limit=MAX_DIGITS)
    return int(node.text)


def as_count(node: Node) -> int:
    value = as_int(node)
    if value < 1:
        raise ValueError("yaml.want-count")
    return value


def as_decimal(node: Node) -> Decimal:
    """A number such as ``-0.5``: at most ``MAX_DIGITS`` digits before the point and as many after
    (points of -10^100 are a damaged file, and would make every sum slow)."""
    node = _scalar(node)
    if not (node.plain and _DECIMAL.match(node.text)):
        raise ValueError("yaml.want-number")
    whole, _, fraction = node.text.lstrip("+-").partition(".")
    if len(whole.lstrip("0")) > MAX_DIGITS or len(fraction) > MAX_DIGITS:
        raise Bad("yaml.int-too-long", limit=MAX_DIGITS)
    return Decimal(node.text)


def as_date(node: Node) -> dt.date:
    node = _scalar(node)
    if not (node.plain and _DATE.match(node.text)):
        raise ValueError("yaml.want-date")
    try:
        return dt.date.fromisoformat(node.text)
    except ValueError:
        raise ValueError("yaml.bad-date") from None


def as_text(node: Node) -> str:
    node = _scalar(node)
    if node.plain and node.text in _NULLS:
        raise ValueError("yaml.want-text")
    return node.text


def as_choice(node: Node, choices: tuple[str, ...]) -> str:
    text = as_text(node)
    if text not in choices:
        raise Bad("yaml.want-choice", choices=", ".join(choices))
    return text


def read_map(
    node: Node,
    spec: Mapping[str, tuple[Callable[[Node], Any], bool]],
    problems: list[Problem],
    what: str,
) -> dict[str, Any] | None:
    """The fields of mapping ``node`` converted by ``spec`` (key → (converter, required)).

    Unknown keys, missing required keys and bad values are added to ``problems``
    (``what`` names the thing in messages); returns None if any were found.
    """
    if not isinstance(node, Map):
        problems.append(Problem(node.source, "yaml.want-mapping", {"what": what}))
        return None
    before = len(problems)
    values: dict[str, Any] = {}
    for key, value in node.items:
        if key.text not in spec:
            problems.append(
                Problem(key.source, "yaml.unknown-key", {"key": key.text, "what": what, "keys": ", ".join(spec)})
            )
            continue
        try:
            values[key.text] = spec[key.text][0](value)
        except ValueError as exc:
            text = value.text if isinstance(value, Scalar) else ""
            extra = exc.args_ if isinstance(exc, Bad) else {}
            problems.append(
                Problem(value.source, str(exc), {"field": key.text, "text": text, "what": what, **extra})
            )
    for key, (_, required) in spec.items():
        if required and node.get(key) is None:
            problems.append(Problem(node.source, "yaml.missing-key", {"key": key, "what": what}))
    return None if len(problems) > before else values


def as_decimal_map(node: Node) -> dict[str, Decimal]:
    """A mapping of text to numbers, e.g. ``{较好: 5, 一般: 2}``."""
    if not isinstance(node, Map) or not node.items:
        raise Bad("yaml.want-number-map")
    return {key.text: as_decimal(value) for key, value in node.items}


def as_text_list(node: Node) -> tuple[str, ...]:
    """A list of texts, e.g. ``[self, peer, masses]``."""
    if not isinstance(node, Seq) or not node.items:
        raise Bad("yaml.want-text-list")
    return tuple(as_text(item) for item in node.items)
