"""The ledger: reading the append-only YAML event log, and appending to it.

A branch ledger is a folder holding ``ledger.yaml``: a YAML sequence of events
in block style, the first of which (``kind: open``) names the branch and its
scheme. The tool never rewrites that file: it only appends the canonical text
of one event at a time, under an exclusive lock, after checking that the file
ends where it was read. The format is documented in docs/ledger-format.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import fcntl
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from jifen.core import typed
from jifen.core.kinds import (
    DATE_FIELDS,
    DECIMAL_FIELDS,
    DECISIONS,
    FIELD_ORDER,
    FIELDS,
    KINDS,
    SUBJECT_KINDS,
)
from jifen.core.model import MAX_PROBLEMS, Event, Ledger, Problem, Source, Spine, capped
from jifen.core.periods import Period, day
from jifen.errors import InvalidInput, LedgerNotFound, PartlyWritten, WriteRefused
from jifen.store import yamlsrc

FILENAME = "ledger.yaml"
MAX_BYTES = 64 * 1024 * 1024  # a larger log is refused: split it by year
# characters in one text field (a note, a reason, a name): the longest text, escaped, still fits
# within the line the reader takes (yamlsrc.MAX_LINE), with room to spare
MAX_TEXT = 10_000

HEADER = """\
# jifen 积分台账 (points ledger): an append-only event log.
# 只追加,不修改: never edit or delete an event; record a correction as a new
# event (jifen revoke). Format: docs/ledger-format.md in the jifen sources.
"""

# the cache, and the web accounts (password hashes, the cookie key) and their lock: never in git
GITIGNORE = ".jifen-cache/\n.jifen-users.json\n.jifen-users.lock\n"


# --- fields -------------------------------------------------------------------
# What each field type of ``jifen.kinds.FIELDS`` is read with.


def _subjects(node: yamlsrc.Scalar) -> str:
    return yamlsrc.as_choice(node, SUBJECT_KINDS)


def _period(node: yamlsrc.Scalar) -> str:
    text = yamlsrc.as_text(node)
    try:
        return str(Period.parse(text))
    except ValueError:
        raise yamlsrc.Bad("ledger.want-period") from None


def _aspects(node: yamlsrc.Scalar) -> str:
    text = yamlsrc.as_text(node)
    try:
        typed.aspects(text)
    except InvalidInput:
        raise yamlsrc.Bad("ledger.want-aspects") from None
    return text


_READERS: dict[str, Callable[[yamlsrc.Scalar], Any]] = {
    "int": yamlsrc.as_int,
    "date": yamlsrc.as_date,
    "text": yamlsrc.as_text,
    "count": yamlsrc.as_count,
    "decimal": yamlsrc.as_decimal,
    "period": _period,
    "aspects": _aspects,
    "subjects": _subjects,
    "decision": lambda node: yamlsrc.as_choice(node, DECISIONS),
}
FIELD_TYPES: dict[str, Callable[[yamlsrc.Scalar], Any]] = {name: _READERS[t] for name, t in FIELDS.items()}
_ALLOWED = {name: kind.fields for name, kind in KINDS.items()}


# --- reading ------------------------------------------------------------------


def locate(directory: Path) -> Path:
    """The log file of the ledger in ``directory``; LedgerNotFound if there is none."""
    path = directory / FILENAME
    if not path.is_file():
        raise LedgerNotFound("ledger.not-found", path=str(directory))
    return path


def read(directory: Path) -> tuple[Ledger, list[Problem]]:
    """Every well-formed event of the ledger in ``directory``, and every problem found.

    Events with problems are left out of the ledger and reported.
    """
    path = locate(directory)
    big = too_big(str(path), path.stat().st_size)
    if big is not None:
        return Ledger(str(path), ()), [big]
    return parse(str(path), read_bytes(path))


def too_big(path: str, size: int) -> Problem | None:
    """The problem of a log of ``size`` bytes (from a stat: never read a log to learn its size), if over ``MAX_BYTES``."""
    return Problem(Source(path, 1, 1), "ledger.too-big", {"size": size, "limit": MAX_BYTES}) if size > MAX_BYTES else None


def read_bytes(path: Path, handle: Any = None) -> bytes:
    """The bytes of log ``path``, once a stat has shown it is not over ``MAX_BYTES`` (else
    InvalidInput, before anything is read). ``handle``: an open file of it that the caller has
    locked already (an append); otherwise the read holds a shared lock, so that it never sees
    an append half written (a web page read while a declaration is saved)."""
    if handle is not None:
        _check_size(path, os.fstat(handle.fileno()).st_size)
        return path.read_bytes()
    with open(path, "rb") as own:
        fcntl.flock(own.fileno(), fcntl.LOCK_SH)
        try:
            _check_size(path, os.fstat(own.fileno()).st_size)
            return own.read()
        finally:
            fcntl.flock(own.fileno(), fcntl.LOCK_UN)


def _check_size(path: Path, size: int) -> None:
    big = too_big(str(path), size)
    if big is not None:
        raise InvalidInput("ledger.has-problems", problems=[big], path=str(path))


def header(path: str, data: bytes) -> Event | None:
    """The ``open`` event of a log in the canonical form, read from its first lines alone; else None."""
    first = data.find(b"\n- ") if not data.startswith(b"- ") else 0
    end = data.find(b"\n- ", first + 1) if first >= 0 else -1
    try:
        events = _fast(path, (data if end < 0 else data[: end + 1]).decode("utf-8"))
    except UnicodeDecodeError:
        return None
    return events[0] if events and events[0].kind == "open" else None


def scheme_refs(data: bytes) -> list[str]:
    """Every scheme file a log in the canonical form names (its ``open`` event's, then each
    ``adopt``'s), from its ``scheme:`` lines alone, in file order.

    >>> scheme_refs(b"- id: 1\\n  kind: open\\n  scheme: scheme.yaml\\n- id: 9\\n  scheme: \\"scheme-2024.yaml\\"\\n")
    ['scheme.yaml', 'scheme-2024.yaml']
    """
    found = []
    at = data.find(b"\n  scheme: ")
    while at >= 0:
        end = data.find(b"\n", at + 1)
        raw = data[at + 11: end if end >= 0 else len(data)].decode("utf-8", "replace")
        scalar = _fast_scalar(raw)
        if scalar is not None:
            found.append(scalar[0])
        at = data.find(b"\n  scheme: ", at + 1)
    return found


def torn_at(data: bytes) -> int | None:
    """The byte offset where a torn (incompletely written) last event starts; None if the log ends whole.

    Every event the tool writes ends with its ``by`` line and a newline, so a
    write cut off at any byte leaves either no trace or a last event that lacks
    its newline, its ``by``, or valid YAML. Whole lines that are not UTF-8 (or
    hold a control character) are not a cut: ``parse`` reports them by line.
    """
    if not data:
        return None
    start = data.rfind(b"\n-") + 1 if data.rfind(b"\n-") >= 0 else (0 if data.startswith(b"-") else None)
    if start is None:  # no event at all: only comments
        return None if data.endswith(b"\n") else data.rfind(b"\n") + 1
    if not data.endswith(b"\n"):
        return start
    text, problems = yamlsrc.decode("", data[start:])
    if text is None:  # whole lines that are not text (GBK, control characters): not a cut, an encoding problem
        return None
    canonical = _fast("", text)  # the usual case, without loading the YAML reader
    if canonical is not None and len(canonical) == 1:
        return None if canonical[0].by is not None else start
    root, problems = yamlsrc.parse("", text)
    if root is None and any(p.code == "yaml.syntax" for p in problems):
        return start
    last = root.items[-1] if isinstance(root, yamlsrc.Seq) and root.items else None
    if isinstance(last, yamlsrc.Map) and last.get("by") is None:
        return start
    return None


def parse(path: str, data: bytes, fast: bool = True) -> tuple[Ledger, list[Problem]]:
    """The ledger held in ``data`` (the bytes of a log file named ``path``).

    A torn last event is reported as one problem (``ledger.torn-tail``) and the
    rest of the log is read as if it ended before it. A log in the canonical
    form the tool writes is read by a fast reader (unless ``fast`` is False);
    anything else, and any log with a problem, by the YAML reader.
    """
    torn = torn_at(data)
    problems: list[Problem] = []
    if torn is not None:
        line = data.count(b"\n", 0, torn) + 1
        problems.append(Problem(Source(path, line, 1), "ledger.torn-tail", {"bytes": len(data) - torn}))
        data = data[:torn]
    text, decode_problems = yamlsrc.decode(path, data)
    problems += decode_problems
    if text is None:
        return Ledger(path, ()), problems
    if fast and not problems:
        events = _fast(path, text)
        if events is not None:
            _check_ids_and_header(events, problems, path)
            if not problems:
                return Ledger(path, tuple(events)), problems
            problems = []
    events: list[Event] = []
    found: list[Problem] = []  # the events' problems: the first MAX_PROBLEMS kept, the rest counted
    dropped = 0

    def each(node: yamlsrc.Node) -> None:  # one event at a time: its nodes are not kept
        nonlocal dropped
        mine: list[Problem] = []
        event = _event(node, mine)
        if event is not None:
            events.append(event)
        room = max(0, MAX_PROBLEMS - len(found))
        found.extend(mine[:room])
        dropped += len(mine) - len(mine[:room])

    root, yaml_problems = yamlsrc.parse(path, text, each)
    problems += yaml_problems
    if root is None:
        _check_ids_and_header([], problems, path)
        return Ledger(path, ()), problems
    if not isinstance(root, yamlsrc.Seq):
        problems.append(Problem(root.source, "ledger.not-a-list"))
        return Ledger(path, ()), problems
    problems += found
    _check_ids_and_header(events, problems, path)
    return Ledger(path, tuple(events)), capped(problems, dropped) if dropped or len(problems) > MAX_PROBLEMS else problems


# --- the fast path: the canonical text the tool writes -----------------------------

_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class Places(Mapping[str, Source]):
    """Where each field of a canonical event was written, made into Sources only when asked."""

    __slots__ = ("_path", "_keys", "_lines")

    def __init__(self, path: str, keys: Sequence[str], lines: Sequence[int]) -> None:
        self._path, self._keys, self._lines = path, keys, lines  # the i-th key was on line lines[i]

    def __getitem__(self, key: str) -> Source:
        try:
            index = self._keys.index(key)
        except ValueError:  # a Mapping says KeyError, so that .get() gives its default
            raise KeyError(key) from None
        return Source(self._path, self._lines[index], 7 if key == "id" else len(key) + 5)

    @property
    def lines(self) -> Sequence[int]:
        """The line of each key (a ``range`` where they follow one another, as they mostly do)."""
        return self._lines

    @property
    def names(self) -> Sequence[str]:
        """The keys, in the order written (the sequence itself: ``list(places)`` without the iteration;
        one tuple shared by the events of one shape)."""
        return self._keys

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def _fast_scalar(raw: str) -> tuple[str, bool] | None:
    """(text, plain) of a value as the tool writes it; None for anything else (read by YAML then)."""
    if raw.startswith('"'):
        if len(raw) < 2 or not raw.endswith('"') or not raw.isprintable() or "\\/" in raw or "\\ud" in raw.lower():
            return None
        try:
            text = json.loads(raw)
        except ValueError:
            return None
        return (text, False) if isinstance(text, str) else None
    if _NUMBER.match(raw) or _plain_ok(raw):
        return raw, True
    return None


def _fast(path: str, text: str, first_line: int = 1) -> list[Event] | None:
    """The events of a log written in the canonical form, or None if any line is not (then YAML reads it).

    Gives exactly what the YAML reader gives for such a log (a property test holds
    the two equal); it never reports problems itself. ``text`` starts on line
    ``first_line`` of the file (a tail read after a cached snapshot).
    """
    blocks = text.split("\n- id: ")  # an event, and only an event, starts a line with "- id: "
    head = blocks[0]
    line = first_line  # the line of the block read next
    if head[:6] == "- id: ":
        blocks[0] = head[6:]
    else:  # comments and blank lines before the first event, read a chunk at a time (a log of junk stops early)
        if any(part and part[0] != "#" for part in _lines(head)):
            return None
        del blocks[0]
        line += head.count("\n") + 1
    known: dict[str, tuple[str, Any]] = {}  # a field's whole line → (key, value): logs repeat their lines
    seen = known.get
    shapes: dict[tuple, tuple[tuple[str, ...], bool]] = {}  # (kind, keys) → (the keys, whether a kind has them)
    events = []
    try:
        for block in blocks:
            parts = block.split("\n", _MOST_LINES)  # the id's text, then the event's other lines
            count = len(parts)
            if count > _MOST_LINES:  # more lines than an event has: junk, read until its first bad line
                count = block.count("\n") + 1
                values, lines = _new_lines(_lines(block), known, line)
            else:
                try:  # most lines were seen before: a lookup each, in one call (none in Python's loop)
                    values = {"id": _fast_id(parts[0])}
                    values.update(map(seen, parts[1:]))
                    lines: Sequence[int] = range(line, line + count)
                except TypeError:  # a line not seen before (None), a comment or a blank line
                    values, lines = _new_lines(parts, known, line)
            if len(values) != len(lines):  # a key written twice: the YAML reader reports it
                return None
            kind = values.get("kind", "")
            keys = tuple(values)
            shape = shapes.get((kind, keys))
            if shape is None:
                shape = shapes[kind, keys] = (keys, _fits(kind, keys))
            if not shape[1]:
                return None
            events.append(Event.of(values, Source.of(path, line, 3), Places(path, shape[0], lines)))
            line += count
    except ValueError:
        return None
    return events


_MOST_LINES = 64  # lines of an event the fast reader splits at once: the tool writes fewer than 40


def _new_lines(parts: Iterable[str], known: dict[str, tuple[str, Any]], line: int) -> tuple[dict[str, Any], list[int]]:
    """The values of an event's lines ``parts`` (the id's text first, on line ``line``), each line not
    seen before read into ``known``; and the line of each value, comments and blank lines left out.
    ValueError for a line not in the canonical form."""
    parts = iter(parts)
    values, lines = {"id": _fast_id(next(parts))}, [line]
    for number, text in enumerate(parts, line + 1):
        found = known.get(text)
        if found is None:
            if not text or text[0] == "#":
                continue
            key, sep, raw = text[2:].partition(": ")
            if text[:2] != "  " or not sep or key not in FIELD_TYPES:
                raise ValueError("not canonical")
            found = known[text] = (key, _fast_value(key, raw))
        values[found[0]] = found[1]
        lines.append(number)
    return values, lines


def _fast_id(raw: str) -> int:
    """The id written as ``raw`` after ``- id: ``; ValueError if it is not in the canonical form."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= yamlsrc.MAX_DIGITS else _fast_value("id", raw)


def _fast_value(key: str, raw: str) -> Any:
    """The value of field ``key`` written as ``raw`` in the canonical form; ValueError if it is not."""
    scalar = _fast_scalar(raw)
    if scalar is None:
        raise ValueError("not canonical")
    return FIELD_TYPES[key](yamlsrc.Scalar(scalar[0], scalar[1], None))


def _fits(kind: str, keys: list[str]) -> bool:
    """Whether an event of ``kind`` may have the fields ``keys`` and has every field it needs."""
    spec = KINDS.get(kind)
    if spec is None:
        return False
    allowed = _ALLOWED[kind]
    return all(k in allowed for k in keys) and all(k in keys for k in spec.needed)


def to_rows(events: tuple[Event, ...] | list[Event]) -> list | None:
    """``events`` as rows of plain values (keys, values, lines) that ``from_rows`` makes them again
    from, exactly as the fast reader made them; None if one was not read canonically. For a
    cache that keeps a log's events (``jifen.store.cache``): marshal writes rows with the same keys once."""
    rows = []
    shapes: dict[tuple[str, ...], tuple[tuple[str, ...], tuple]] = {}  # keys → (those keys, encoded positions)
    for event in events:
        places = event.places
        if not isinstance(places, Places):
            return None
        keys = tuple(places.names)
        shape = shapes.get(keys)
        if shape is None:
            shape = shapes[keys] = (keys, tuple((i, _ENCODED[k]) for i, k in enumerate(keys) if k in _ENCODED))
        keys, encoded = shape
        values = list(map(event.__dict__.__getitem__, keys))
        for index, encode in encoded:
            values[index] = encode(values[index])
        rows.append((keys, tuple(values), tuple(places.lines)))
    return rows


# the Decimal fields of an event are kept as text, dates as day numbers
_ENCODED = {**{key: dt.date.toordinal for key in DATE_FIELDS}, **{key: str for key in DECIMAL_FIELDS}}
_LATER_DATES = DATE_FIELDS[1:]  # the date fields but ``date``, which every event has


def from_rows(path: str, rows: list) -> list[Event]:
    """The events ``to_rows`` kept as ``rows``, made exactly as the fast reader made them."""
    decimals: dict[str, Decimal] = {}
    numeric: dict[tuple, tuple[str, ...]] = {}  # a row's keys → those of them that hold decimals
    events = []
    for keys, values, lines in rows:
        typed = dict(zip(keys, values))
        typed["date"] = day(typed["date"])
        for key in _LATER_DATES:
            if key in typed:
                typed[key] = day(typed[key])
        found = numeric.get(keys)
        if found is None:
            found = numeric[keys] = tuple(k for k in DECIMAL_FIELDS if k in keys)
        for key in found:
            raw = typed[key]
            typed[key] = decimals.get(raw) or decimals.setdefault(raw, Decimal(raw))
        events.append(Event.of(typed, Source.of(path, lines[0], 3), Places(path, keys, lines)))
    return events


_CHUNK = 1024 * 1024  # characters split into lines at a time


def _lines(text: str):
    """The lines of ``text`` (as ``text.split("\\n")``, but for a trailing empty line), a chunk at a
    time: a log of junk that the fast reader gives up on early is not first made into millions of strings."""
    start = 0
    while start < len(text):
        end = text.find("\n", start + _CHUNK)
        end = len(text) if end < 0 else end
        yield from text[start:end].split("\n")
        start = end + 1


_EVENT_START = re.compile(rb"\n- id: ")  # a literal: found far faster than a line start (``^``, MULTILINE)


def starts(data: bytes, offset: int = 0) -> list[int]:
    """The byte offset of each event in ``data`` (from ``offset``), a log the fast reader read.

    In the canonical form an event, and only an event, starts a line with
    ``- id: ``: the n-th offset is the n-th event's.

    >>> starts(b"- id: 1\\n  kind: open\\n- id: 2\\n"), starts(b"- id: 1\\n- id: 2\\n- id: 3\\n", 8)
    ([0, 21], [8, 16])
    """
    first = [0] if offset == 0 and data.startswith(b"- id: ") else []
    return first + [match.start() + 1 for match in _EVENT_START.finditer(data, max(offset - 1, 0))]


def read_span(path: str, data: bytes, start: int, end: int, line: int) -> list[Event] | None:
    """The events written in ``data[start:end]``, whole events of a log found without a problem before
    (a cache's snapshot placed them), the first on line ``line``: exactly as reading the whole log made
    them; None if they are not there in the canonical form."""
    try:
        text = str(memoryview(data)[start:end], "utf-8")
    except UnicodeDecodeError:
        return None
    return _fast(path, text, line)


def read_one(path: str, data: bytes, start: int, end: int, line: int, last_id: int) -> Event | None:
    """The one event written in ``data[start:end]`` (line ``line`` of the log, after event
    ``last_id``), exactly as reading the whole log makes it; None if it is not there canonically."""
    text, problems = yamlsrc.decode(path, data[start:end])
    events = None if text is None or problems else parse_tail(path, text, line, last_id)
    return events[0] if events is not None and len(events) == 1 else None


def parse_tail(path: str, text: str, first_line: int, last_id: int) -> list[Event] | None:
    """The events of ``text``, the canonical end of a log that starts on line ``first_line``
    after an event numbered ``last_id``; None unless it reads as a whole log would (then read all)."""
    events = _fast(path, text, first_line)
    if events is None:
        return None
    problems: list[Problem] = []
    _check_ids_and_header(events, problems, path, last_id)
    return None if problems else events


def _event(node: yamlsrc.Node, problems: list[Problem]) -> Event | None:
    if not isinstance(node, yamlsrc.Map):
        problems.append(Problem(node.source, "ledger.not-a-mapping"))
        return None
    kind_node = node.get("kind")
    if kind_node is None:
        problems.append(Problem(node.source, "yaml.missing-key", {"key": "kind", "what": "event"}))
        return None
    kind = kind_node.text if isinstance(kind_node, yamlsrc.Scalar) else ""
    spec = KINDS.get(kind)
    if spec is None:
        problems.append(
            Problem(kind_node.source, "ledger.unknown-kind", {"kind": kind, "kinds": ", ".join(KINDS)})
        )
        return None
    allowed, needed = spec.fields, spec.needed
    fields = {f: (FIELD_TYPES[f], f in needed) for f in FIELD_ORDER if f in allowed}
    values = yamlsrc.read_map(node, fields, problems, f"{kind} event")
    if values is None:
        return None
    return Event(source=node.source, places={k.text: v.source for k, v in node.items}, **values)


def _check_ids_and_header(events: list[Event], problems: list[Problem], path: str = "", last: int = 0) -> None:
    if not events and not problems and not last:
        problems.append(Problem(Source(path, 1, 1), "ledger.empty"))
    after = last  # events follow one numbered ``last`` (0: they start the log)
    for index, event in enumerate(events):
        if event.id <= last:
            problems.append(Problem(event.source, "ledger.id-order", {"id": event.id, "last": last}))
        last = max(last, event.id)
        if event.kind == "open" and (index != 0 or after):
            problems.append(Problem(event.source, "ledger.open-not-first"))
    if events and events[0].kind != "open" and not after:
        problems.append(Problem(events[0].source, "ledger.no-open"))


# --- writing ------------------------------------------------------------------

_PLAIN_SAFE = re.compile(r"^[^\s\-?:,=<\[\]{}#&*!|>'\"%@`0-9+.~][^#:\x00-\x1f]*$")
_PLAIN_UNSAFE = re.compile(r": |:$| #|\s$")
_RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}


def scalar(value: Any) -> str:
    """``value`` as one line of YAML that reads back as the same value.

    >>> scalar("缺席三会一课"), scalar("a: b"), scalar(Decimal("-0.5")), scalar("yes")
    ('缺席三会一课', '"a: b"', '-0.5', '"yes"')
    """
    if isinstance(value, bool):
        raise TypeError("booleans are not a ledger type")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if _plain_ok(text) else _double_quoted(text)


def _plain_ok(text: str) -> bool:
    """Whether ``text`` written plain reads back as the same text (a conservative subset of YAML)."""
    return bool(
        _PLAIN_SAFE.match(text)
        and not _PLAIN_UNSAFE.search(text)
        and text.lower() not in _RESERVED
        and text.isprintable()
    )


def _double_quoted(text: str) -> str:
    out = []
    for char in json.dumps(text, ensure_ascii=False)[1:-1]:
        code = ord(char)
        if 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF):
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            raise InvalidInput("ledger.bad-text")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def emit(fields: Mapping[str, Any]) -> str:
    """The canonical text of one event: ``- id: N`` then one ``  key: value`` line per field.

    Refuses (InvalidInput) what the reader would refuse, or what must not reach a
    terminal, a CSV row or a form: a text longer than ``MAX_TEXT`` characters or
    holding a control character, a whole number of more than ``yamlsrc.MAX_DIGITS``
    digits. Every writer (each command, a web form) comes through here.
    """
    lines = []
    for key in FIELD_ORDER:
        value = fields.get(key)
        if value is None:
            continue
        _check_value(key, value)
        lead = "- " if not lines else "  "
        lines.append(f"{lead}{key}: {scalar(value)}\n")
    return "".join(lines)


def _check_value(key: str, value: Any) -> None:
    """InvalidInput if ``value`` (field ``key`` of an event to write) may not be written."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise InvalidInput("ledger.text-too-long", field=key, size=len(value), limit=MAX_TEXT)
        if not value.isprintable():
            bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cs")), None)  # Cs: bytes not UTF-8
            if bad is not None:
                raise InvalidInput("cli.control-char", field=key, char=f"U+{ord(bad):04X}")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**yamlsrc.MAX_DIGITS:
        raise InvalidInput("yaml.int-too-long", field=f"--{key}", limit=yamlsrc.MAX_DIGITS)
    elif isinstance(value, Decimal) and (not value.is_finite() or value.adjusted() >= yamlsrc.MAX_DIGITS
                                         or -value.as_tuple().exponent > yamlsrc.MAX_DIGITS):
        raise InvalidInput("yaml.int-too-long", field=f"--{key}", limit=yamlsrc.MAX_DIGITS)


def create(directory: Path, fields: Mapping[str, Any]) -> Event:
    """Start a ledger in ``directory`` with its ``open`` event; refuse if one is there."""
    path = directory / FILENAME
    if path.exists():
        raise WriteRefused("ledger.exists", path=str(path))
    directory.mkdir(parents=True, exist_ok=True)
    text = HEADER + emit({"id": 1, "kind": "open", **fields})
    event = _read_back(str(path), text, offset=0)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        _write_all(fd, text.encode("utf-8"), 0, str(path))
    except WriteRefused:
        os.unlink(path)  # the file this call made, empty again: as if nothing had happened
        raise
    finally:
        os.close(fd)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text(GITIGNORE, encoding="utf-8")
    return event


def append(directory: Path, build: Callable[[Spine, int], Mapping[str, Any]],
           reader: Callable[[str, bytes], tuple[Spine, list[Problem]]] | None = None,
           written: Callable[[bytes, bytes], None] | None = None) -> Event:
    """Append the event that ``build(spine, next_id)`` returns; return it as read back (``append_all``)."""
    return append_all(directory, lambda spine, next_id: [build(spine, next_id)], reader, written=written)[0]


def append_all(directory: Path, build: Callable[[Spine, int], Sequence[Mapping[str, Any]]],
               reader: Callable[[str, bytes], tuple[Spine, list[Problem]]] | None = None,
               dry_run: bool = False, written: Callable[[bytes, bytes], None] | None = None) -> list[Event]:
    """Append the events that ``build(spine, next_id)`` returns, numbered from ``next_id`` on,
    all or none; return them as read back.

    Holds an exclusive lock from reading to writing, so concurrent appends queue.
    ``build`` validates against the log as read under the lock (its ``Spine``)
    and raises to refuse. Refused without writing: a ledger with problems, a log
    whose last line is incomplete, or one that changed between the read and the
    write. The events' text is written in one ``os.write`` (and cut back if that
    fails), so the log never holds part of them. ``reader`` reads the bytes
    (default: all of them, by ``parse``; the cache passes one that reads only what
    it has not kept). ``dry_run``: everything but the write. ``written`` is given the log's
    bytes before the append and the bytes appended, still under the lock (not the two joined:
    a copy of a 12 MB log costs a new process ~9 ms, most of it the kernel's fresh pages).
    """
    path = locate(directory)
    with open(path, "ab") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            before = os.fstat(handle.fileno())
            data = read_bytes(path, handle)
            if torn_at(data) is not None:
                raise WriteRefused("ledger.torn-refuse", path=str(path))
            spine, problems = (reader or _spine)(str(path), data)
            if problems:
                raise InvalidInput("ledger.has-problems", problems=problems, path=str(path))
            next_id = spine.last_id + 1
            texts = [emit({"id": next_id + n, **fields}) for n, fields in enumerate(build(spine, next_id))]
            payload = "".join(texts).encode("utf-8")
            if len(data) + len(payload) > MAX_BYTES:
                raise WriteRefused("ledger.would-be-too-big", path=str(path), limit=MAX_BYTES)
            lines = spine.lines if spine.lines is not None else data.count(b"\n")
            events = []
            for text in texts:
                events.append(_read_back(str(path), text, offset=lines))
                lines += text.count("\n")
            now = os.fstat(handle.fileno())
            if (now.st_size, now.st_mtime_ns) != (len(data), before.st_mtime_ns) or before.st_size != len(data):
                raise WriteRefused("ledger.changed", path=str(path))
            if payload and not dry_run:
                _write_all(handle.fileno(), payload, len(data), str(path))
                if written is not None:
                    written(data, payload)
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return events


def _write_all(fd: int, payload: bytes, size: int, path: str) -> None:
    """Write all of ``payload`` at the end of the file ``fd`` (``size`` bytes long) and sync it;
    else cut the file back to ``size`` bytes and raise WriteRefused.

    ``os.write`` may write less than it was given (a full disk, a file size limit, a
    quota): the rest is written in a further call, and an error on any call leaves the
    log exactly as it was, so that no record is half written and none is reported
    saved that is not.
    """
    written = 0
    try:
        while written < len(payload):
            done = os.write(fd, payload[written:])
            if done <= 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            written += done
        os.fsync(fd)
    except OSError as exc:
        detail = exc.strerror or str(exc)
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        except OSError as undo:
            raise PartlyWritten("ledger.write-torn", path=path, detail=detail, undo=undo.strerror or str(undo)) from None
        raise WriteRefused("ledger.write-failed", path=path, detail=detail) from None


def _spine(path: str, data: bytes) -> tuple[Spine, list[Problem]]:
    book, problems = parse(path, data)
    return Spine.of(book), problems


def repair(directory: Path, backup_suffix: str) -> tuple[int, Path] | None:
    """Move a torn last event out of the log into ``ledger.yaml.<backup_suffix>``.

    Returns (bytes moved, backup path), or None if the log ends whole. The torn
    bytes are written and synced to the backup before the log is cut back to its
    last complete event; nothing else is touched.
    """
    path = locate(directory)
    with open(path, "r+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            data = read_bytes(path, handle)
            torn = torn_at(data)
            if torn is None:
                return None
            backup = path.with_name(f"{path.name}.{backup_suffix}")
            with open(backup, "xb") as out:
                out.write(data[torn:])
                out.flush()
                os.fsync(out.fileno())
            handle.truncate(torn)
            handle.flush()
            os.fsync(handle.fileno())
            return len(data) - torn, backup
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _read_back(path: str, text: str, offset: int) -> Event:
    """The one event in ``text``, placed ``offset`` lines down the log; refuse if it does not read back."""
    if yamlsrc.decode(path, text.encode("utf-8"))[1]:  # a line the reader would refuse
        raise WriteRefused("ledger.emit-mismatch", path=path)
    events = _fast(path, text)  # what the YAML reader reads, for the canonical text emit writes
    if events is None:
        snippet, problems = parse(path, text.encode("utf-8"))
        problems = [p for p in problems if p.code != "ledger.no-open"]
        events = [] if problems else list(snippet.events)
    if len(events) != 1:
        raise WriteRefused("ledger.emit-mismatch", path=path)
    event = events[0]
    return dataclasses.replace(event, source=Source(path, event.source.line + offset, 1))


# --- merging two clones ---------------------------------------------------------------


def merge(base: bytes, ours: bytes, theirs: bytes) -> bytes:
    """The log that keeps every event of ``ours`` and then the events ``theirs`` appended after
    ``base`` (their common ancestor), renumbered after ours' last id, their ``target`` lines
    pointing at the renumbered events where they named one of them. Every other byte of each
    event is kept as it was written, so the audit finds each side's events in the result.

    InvalidInput ``ledger.merge-not-appends`` if either side is not ``base`` with events appended
    (git then leaves the file for a person to merge), or a side ends in a torn event.
    """
    for side in (ours, theirs):
        if not side.startswith(base) or torn_at(side) is not None:
            raise InvalidInput("ledger.merge-not-appends")
    added = theirs[len(base):]
    if not added.strip():
        return ours
    blocks = _event_blocks(added)
    if not blocks or added[: blocks[0][0]].strip(b"\n").strip():
        raise InvalidInput("ledger.merge-not-appends")
    try:
        return _reappended(ours, added, blocks)
    except ValueError:  # an id or target that is not a number: not the tool's text
        raise InvalidInput("ledger.merge-not-appends") from None


def _reappended(ours: bytes, added: bytes, blocks: list[tuple[int, int]]) -> bytes:
    last = _last_id(ours)
    renumbered: dict[int, int] = {}
    out = [ours if ours.endswith(b"\n") or not ours else ours + b"\n"]
    for start, end in blocks:
        lines = added[start:end].split(b"\n")
        old = int(lines[0][len(b"- id: "):])
        last += 1
        renumbered[old] = last
        lines[0] = b"- id: %d" % last
        for index, line in enumerate(lines):
            if line.startswith(b"  target: ") and line[10:].strip().isdigit():
                target = int(line[10:])
                lines[index] = b"  target: %d" % renumbered.get(target, target)
        out.append(b"\n".join(lines))
    return b"".join(out)


def _event_blocks(data: bytes) -> list[tuple[int, int]]:
    found = starts(data)
    return list(zip(found, [*found[1:], len(data)]))


def _last_id(data: bytes) -> int:
    found = starts(data)
    if not found:
        return 0
    line = data[found[-1]:].split(b"\n", 1)[0]
    return int(line[len(b"- id: "):])
