"""The cache beside a ledger, in ``.jifen-cache/`` (ignored by git): never trusted over the log.

It keeps five things, each tied to the exact bytes it was made from:

- **a snapshot of the events** read from the log's first N bytes, with N and
  their BLAKE3 hash: where each event starts (its byte offset, and the line of
  every ``LINES_EVERY``-th), as the fast reader read them without a problem. A
  later read hashes those N bytes again: if they are the same, each event is read
  from its own bytes only when asked for, and only what was appended since is
  parsed; if not, history was edited, which the read reports (``stale``) before
  reading the whole log again.
- **a snapshot of the log's spine** (``model.Spine``), kept the same way: the
  events of every kind but scores, declarations, evaluations and vetoes, the
  roster the joins and leaves make, and the byte offset of every event.
  ``jifen add`` restores only the corrections and workflow events and the
  roster (the joins themselves only to check a new join or leave), and reads
  the one or two other events a correction names straight from the log's bytes.
- **the node tree of the scheme** (``yaml_parse``), under the BLAKE3 hash of its
  text, so a command need not load the YAML parser for a scheme it read before.
- **the replay** of a log with no problem (``engine.Standings.data``), under the
  BLAKE3 hash of the log's bytes and a key of its scheme file and jifen's code
  (``kept_replay``, ``keep_replay``): a later read whose log only grew restores
  it, and the book checks and books only what was appended.
- **results** (a report as printed, a branch's year for the roll-up), each under
  a key that includes the BLAKE3 hash of the whole log, of every version of its
  scheme (the file the ``open`` event names and each one an ``adopt`` names) and of
  jifen's own code, so any change to any of them misses.

Everything is written with ``marshal`` (loading runs no code) to a temporary
file renamed into place, so readers see the old file or the new one, with the
BLAKE3 hash of the entry's bytes: an entry whose bytes no longer match (a flipped
bit, an edit) is ignored and made again from the log. A cache that cannot be
read or written is ignored: it is safe to delete at any time. ``jifen check``,
``audit`` and every ``-o`` handout never read it.
"""

from __future__ import annotations

import functools
import gc
import marshal
import os
import sys
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path
from time import time_ns
from typing import Any, NamedTuple

import blake3

import jifen
from jifen.core import roster
from jifen.core.kinds import BULK_KINDS, OUTSIDE_SPINE, ROSTER_KINDS
from jifen.core.model import (
    Event,
    Ledger,
    Problem,
    Spine,
    flagged,
)
from jifen.errors import JifenError
from jifen.store import ledger, yamlsrc

FOLDER = ".jifen-cache"
FORMAT = 19  # bump when what is stored changes shape (9: a roster row holds posts, groups, statuses; 10: the kept replay; 11: kept subject by subject, with its scores; 12: the spine marks declarations and late records; 13: the snapshot in chunks; 14: with their size; 15: the spine keeps the line of every 128th event, and its log's scheme lines; 16: its roster row by row; 17: the replay keeps the subjects of each period asked; results/ and clean/ a file each; a head, then the value read in place; 18: the events snapshot places its events in the log, no rows; 19: the kept replay keeps each period's totals apart)
RESULTS_KEPT = 32  # results per ledger; the oldest go first
TREES_KEPT = 4  # YAML trees (schemes) per ledger


class Read(NamedTuple):
    """A log as read through the cache."""

    ledger: Ledger
    problems: list[Problem]
    stale: bool = False  # the cached bytes no longer match the start of the log: it was edited
    parsed: int = 0  # bytes parsed this time (the rest came from the snapshot)
    data: bytes = b""  # the log's bytes as read (through the cache only)


def digest(data: bytes | memoryview) -> str:
    """The BLAKE3 hash of ``data``, in hex: a cryptographic hash like SHA-256, in a quarter of its time
    (2.3 ms for a 12 MB log against 9 ms), which every ``jifen add`` pays once."""
    return blake3.blake3(data).hexdigest()


_hashed: list[tuple[bytes, int, Any]] = []  # the log hashed last in this process: its bytes, how many, their hasher


def log_digest(data: bytes, size: int | None = None, appended: bytes = b"") -> str:
    """``digest(data[:size] + appended)`` (``size``: all of ``data`` by default), ``data`` being a log's
    bytes (see ``_log_hasher``) and ``appended`` any bytes after them, not joined to them."""
    hasher = _log_hasher(data, len(data) if size is None else size)
    hasher.update(appended)
    return hasher.hexdigest()


def _log_hasher(data: bytes, size: int) -> Any:
    """A BLAKE3 hasher of ``data[:size]``, the first bytes of a log. A command hashes its log
    several times (``jifen add``: the start its kept spine covers, the whole log to key the check,
    then the log with the new record); the bytes hashed last are not hashed again when ``data``
    is those very bytes or starts with them: only the bytes after them are."""
    if _hashed:
        before, done, hasher = _hashed[0]
        if done <= size <= len(data) and (data is before or (done == len(before) and data.startswith(before))):
            hasher = hasher.copy()
            hasher.update(memoryview(data)[done:size])
            _hashed[0] = (data, size, hasher)
            return hasher.copy()
    hasher = blake3.blake3(memoryview(data)[:size])
    _hashed[:] = [(data, size, hasher)]
    return hasher.copy()


def read(directory: Path, use: bool = True) -> Read:
    """The ledger in ``directory``, parsing only what was appended since the last snapshot
    (with ``use`` False: all of it, and the cache is left alone)."""
    path = ledger.locate(directory)
    size = path.stat().st_size
    if not use or size > ledger.MAX_BYTES:
        book, problems = ledger.read(directory)
        return Read(book, problems, parsed=size)
    data = ledger.read_bytes(path)
    return parse(directory, path, data)._replace(data=data)


def parse(directory: Path, path: Path, data: bytes) -> Read:
    """``ledger.parse(path, data)`` through the snapshot of ``directory``'s cache (see ``read``): the
    snapshot's events are made only as they are asked for (``Events``)."""
    snapshot = _load(directory / FOLDER / "events")
    start, stale = _kept_start(snapshot, path, data)
    if snapshot is not None and start is not None:
        try:
            found = _extend(str(path), data, snapshot)
        except (LookupError, ValueError, TypeError, EOFError):  # kept in another shape: read the log
            found = None
        if found is not None:
            if len(data) - snapshot["size"] >= SPINE_TAIL:  # else the few appended are parsed again next time
                _save_snapshot(directory, str(path), data, list(found.events[snapshot["count"]:]), snapshot)
            return Read(found, [], parsed=len(data) - snapshot["size"])
    book, problems = ledger.parse(str(path), data)
    if not problems:
        _save_snapshot(directory, str(path), data, book.events)
    return Read(book, problems, stale, parsed=len(data))


def _kept_start(snapshot: dict[str, Any] | None, path: Path, data: bytes) -> tuple[Any, bool]:
    """The hash (a ``blake3`` object, to extend) of the bytes a snapshot covers, if ``data`` still starts with
    them; and whether it does not (history was edited: ``stale``)."""
    if snapshot is None or snapshot.get("path") != str(path):
        return None, False
    size = snapshot["size"]
    start = _log_hasher(data, size) if size <= len(data) else None
    if start is None or start.hexdigest() != snapshot["digest"]:
        return None, True
    return start, False


class Placed(NamedTuple):
    """Where a snapshot's (or the spine's) events are in the log: the byte offset of each (``starts``),
    the line of every ``LINES_EVERY``-th, and the end of the last (the bytes the snapshot covers)."""

    offsets: array
    marks: array
    size: int

    @classmethod
    def of(cls, snapshot: dict[str, Any]) -> Placed:
        return cls(_offsets(snapshot["offsets"]), _offsets(snapshot["marks"]), snapshot["size"])

    def line(self, data: bytes, index: int) -> int:
        """The line event ``index`` starts on in the log ``data``, counted from the kept line nearest before it."""
        mark = index // LINES_EVERY
        return self.marks[mark] + data.count(b"\n", self.offsets[mark * LINES_EVERY], self.offsets[index])

    def end(self, stop: int) -> int:
        """The byte after the kept events before event ``stop``."""
        return self.offsets[stop] if stop < len(self.offsets) else self.size


def _extend(path: str, data: bytes, snapshot: dict[str, Any]) -> Ledger | None:
    """The snapshot's events and those of the bytes after it; None if those need a whole read."""
    placed = Placed.of(snapshot)
    if len(placed.offsets) != snapshot["count"] or len(placed.marks) != -(-snapshot["count"] // LINES_EVERY):
        return None
    tail = _tail(path, data, snapshot["size"], snapshot["newlines"], snapshot["last_id"])
    return None if tail is None else Ledger(path, Events(path, data, placed, tail))


class Events(Sequence):
    """A log's events as a snapshot placed them (``Placed``) and those appended since: each read from
    its own bytes of the log (the snapshot says they were read without a problem, by the fast reader)
    only when asked for by its place, all of them once iterated. After an append, a report reads few
    of them by place (the header, those appended, those a kept replay names); anything else reads
    them all, exactly as a whole read would give them."""

    def __init__(self, path: str, data: bytes, placed: Placed, tail: Sequence[Event] = (), start: int = 0,
                 stop: int | None = None) -> None:
        self._path, self._data, self._placed, self._tail = path, data, placed, tuple(tail)
        self._start, self._stop = start, len(placed.offsets) if stop is None else stop  # the kept ones: [start, stop)
        self._made: dict[int, Event] = {}
        self._all: tuple[Event, ...] | None = None

    def _read(self, start: int, stop: int) -> list[Event]:
        """The kept events ``start`` to ``stop``, read from the log's bytes."""
        if start >= stop:
            return []
        placed = self._placed
        begin, end, line = placed.offsets[start], placed.end(stop), placed.line(self._data, start)
        events = ledger.read_span(self._path, self._data, begin, end, line)
        if events is None or len(events) != stop - start:
            raise LookupError(f"{self._path}: the cache's snapshot does not place its events")
        return events

    def every(self) -> tuple[Event, ...]:
        if self._all is None:
            paused = gc.isenabled()  # many small objects, no cycles: the collector would walk them again and again
            gc.disable()
            try:
                self._all = (*self._read(self._start, self._stop), *self._tail)
            finally:
                if paused:
                    gc.enable()
        return self._all

    def __len__(self) -> int:
        return self._stop - self._start + len(self._tail)

    def __getitem__(self, index):
        if isinstance(index, slice):
            if self._all is not None or index.step not in (None, 1):
                return self.every()[index]
            start, stop, _ = index.indices(len(self))
            kept = self._stop - self._start
            return Events(self._path, self._data, self._placed, self._tail[max(start - kept, 0):max(stop - kept, 0)],
                          self._start + min(start, kept), self._start + min(max(stop, start), kept))
        if self._all is not None:
            return self._all[index]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        kept = self._stop - self._start
        if index >= kept:
            return self._tail[index - kept]
        event = self._made.get(index)
        if event is None:
            event = self._made[index] = self._read(self._start + index, self._start + index + 1)[0]
        return event

    def __iter__(self):
        return iter(self.every())

    def get(self, event_id: int, default: None = None) -> Event | None:
        """The event numbered ``event_id`` (``dict.get``'s signature): found by place, as the ids of
        a log run up (1, 2, 3 … as jifen writes them, found at once; else by bisection)."""
        low, high = 0, len(self)
        guess = event_id - 1
        if 0 <= guess < high and self[guess].id == event_id:
            return self[guess]
        while low < high:
            middle = (low + high) // 2
            if self[middle].id < event_id:
                low = middle + 1
            else:
                high = middle
        return self[low] if low < len(self) and self[low].id == event_id else default

    def __add__(self, other: Sequence[Event]) -> Events | tuple[Event, ...]:
        if self._all is not None:
            return self._all + tuple(other)
        return Events(self._path, self._data, self._placed, (*self._tail, *other), self._start, self._stop)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and self.every() == tuple(other)

    def __hash__(self) -> int:
        return hash(self.every())


def _tail(path: str, data: bytes, size: int, newlines: int, last_id: int) -> list[Event] | None:
    """The events of ``data`` after its first ``size`` bytes (``newlines`` lines, up to event
    ``last_id``); None if they need a whole read."""
    if len(data) == size:
        return []
    if ledger.torn_at(data) is not None:
        return None
    text, problems = yamlsrc.decode(path, data[size:])
    return None if text is None or problems else ledger.parse_tail(path, text, newlines + 1, last_id)


def _save_snapshot(directory: Path, path: str, data: bytes, events: Sequence[Event],
                   base: dict[str, Any] | None = None) -> None:
    """Keep where ``events`` are in ``data`` as a snapshot: all of its events, or with ``base`` (the
    snapshot kept of its start) those after it. Only a log the fast reader read is kept: a whole read
    also keeps the log's spine."""
    if any(type(event.places) is not ledger.Places for event in events):
        return  # read by YAML, not canonical: not worth a snapshot
    size = base["size"] if base else 0
    starts = ledger.starts(data, size)
    if len(starts) != len(events):
        return
    placed = Placed.of(base) if base else Placed(array("I"), array("I"), 0)
    placed.offsets.extend(starts)
    newlines = _mark_lines(data, placed.offsets, placed.marks, size, base["newlines"] if base else 0)
    last_id = events[-1].id if events else base["last_id"] if base else 0
    snapshot = {"path": path, "size": len(data), "digest": log_digest(data), "newlines": newlines,
                "count": len(placed.offsets), "last_id": last_id, "offsets": placed.offsets.tobytes(),
                "marks": placed.marks.tobytes()}
    _store(directory / FOLDER / "events", snapshot)
    if base is None:
        _save_spine(directory, path, data, events, starts=starts)


def _mark_lines(data: bytes, offsets: array, marks: array, size: int, newlines: int) -> int:
    """Add to ``marks`` the line on which every ``LINES_EVERY``-th event of ``offsets`` starts, for the
    events past those already marked (their bytes start after ``data``'s first ``size``, which hold
    ``newlines`` lines); the lines of ``data``. Each newline is counted once, from mark to mark."""
    at, line = size, newlines + 1
    for index in range(len(marks) * LINES_EVERY, len(offsets), LINES_EVERY):
        line += data.count(b"\n", at, offsets[index])
        at = offsets[index]
        marks.append(line)
    return line - 1 + data.count(b"\n", at)


# --- the spine ------------------------------------------------------------------


class SpineRead(NamedTuple):
    """A log's spine as read through the cache."""

    spine: Spine
    problems: list[Problem]
    stale: bool = False  # as for ``Read``
    parsed: int = 0  # bytes parsed this time


def spine(directory: Path, path: Path, data: bytes) -> SpineRead:
    """The spine of the log whose bytes are ``data``, parsing only what was appended since the
    last snapshot of it; with no usable snapshot, from a whole read (through ``parse``)."""
    kept = _load(directory / FOLDER / "spine")
    if not isinstance(kept, dict) or not SPINE_KEYS <= kept.keys():  # another file of the cache in its place
        kept = None
    start, stale = _kept_start(kept, path, data)
    if kept is not None and start is not None:
        found = _grow_spine(directory, str(path), data, kept, start)
        if found is not None:
            return SpineRead(found, [], parsed=len(data) - kept["size"])
    read = parse(directory, path, data)
    if not read.problems and read.parsed < len(data):  # a whole read keeps the spine itself
        _save_spine(directory, str(path), data, read.ledger.events)
    return SpineRead(Spine.of(read.ledger), read.problems, stale or read.stale, read.parsed)


SPINE_KEYS = {"path", "size", "digest", "newlines", "last_id", "rows", "joins", "members", "ids", "offsets",
              "lines", "subjects", "marked", "schemes"}  # what ``_save_spine`` keeps
LINES_EVERY = 128  # the spine keeps the line on which every 128th event starts: an event read alone counts its line from there
SPINE_TAIL = 64 * 1024  # appended bytes of scores alone that add parses each time before keeping the spine again


def _grow_spine(directory: Path, path: str, data: bytes, kept: dict[str, Any], start: Any) -> Spine | None:
    """The kept spine with the events appended after it (``start``: the hash of the kept bytes);
    None if those need a whole read."""
    size, last_id = kept["size"], kept["last_id"]
    events = ledger.from_rows(path, kept["rows"])
    ids, placed = _ids(kept["ids"]), Placed(_offsets(kept["offsets"]), _offsets(kept["lines"]), size)
    offsets, marks = placed.offsets, placed.marks
    tail = _tail(path, data, size, kept["newlines"], last_id)
    if tail is None:
        return None
    _refs_kept(data, size, kept["schemes"])  # the log's key then searches only the tail for scheme lines
    lines = kept["newlines"] + data.count(b"\n", size)
    if tail and (len(data) - size >= SPINE_TAIL or any(e.kind not in BULK_KINDS for e in tail)):
        whole = start.copy()
        whole.update(memoryview(data)[size:])
        _save_spine(directory, path, data, tail, kept, whole.hexdigest())
    known = {e.id: e for e in (*events, *tail)}
    # (offset, its line) from which an event's line is counted: the kept line nearest before it, the end of
    # the kept bytes, and the last event read, whichever is nearest (the latest events are near the end)
    anchors = [(0, 1), (size, kept["newlines"] + 1), (0, 1)]

    def line_at(offset: int, index: int) -> int:
        anchors[0] = (offsets[index // LINES_EVERY * LINES_EVERY], marks[index // LINES_EVERY])
        near, line = min(anchors, key=lambda anchor: abs(anchor[0] - offset))
        line += data.count(b"\n", near, offset) if offset >= near else -data.count(b"\n", offset, near)
        anchors[2] = (offset, line)
        return line

    def find(event_id: int) -> Event | None:
        """Event ``event_id``: kept, appended, or read from its own bytes of the log."""
        event = known.get(event_id)
        index = bisect_left(ids, event_id)
        if event is not None or index == len(ids) or ids[index] != event_id:
            return event
        begin, end = offsets[index], placed.end(index + 1)
        line = line_at(begin, index)
        event = ledger.read_one(path, data, begin, end, line, ids[index - 1] if index else 0)
        known[event_id] = event
        return event

    joined = [e for e in tail if e.kind in ROSTER_KINDS]
    joins = functools.cache(lambda: (*ledger.from_rows(path, marshal.loads(kept["joins"])), *joined))
    spine_events = (*events, *(e for e in tail if e.kind not in OUTSIDE_SPINE))
    members = None if joined else roster.from_rows(kept["members"], decode=marshal.loads)
    subjects = kept["subjects"]

    def about(subject: str) -> tuple[Event, ...]:
        """The events about ``subject`` outside the spine's own (scores, declarations, evaluations,
        vetoes, joins, leaves): those the kept index names, read from their own bytes (each one's line
        counted from the event before it or the nearer kept line), then those appended since."""
        kept_ids = array("q")
        kept_ids.frombytes(subjects.get(subject, b""))
        found, line, at = [], 1, 0
        for event_id in kept_ids:
            event = known.get(event_id)
            if event is None:
                index = bisect_left(ids, event_id)
                begin, end = offsets[index], placed.end(index + 1)
                mark = index // LINES_EVERY
                if offsets[mark * LINES_EVERY] > at:  # a kept line past the event before: count from there
                    line, at = marks[mark], offsets[mark * LINES_EVERY]
                line, at = line + data.count(b"\n", at, begin), begin
                event = ledger.read_one(path, data, begin, end, line, ids[index - 1] if index else 0)
                if event is None:  # not readable alone: the caller reads the whole log
                    raise LookupError(subject)
                known[event_id] = event
            found.append(event)
        return (*found, *(e for e in tail if e.kind in OUTSIDE_SPINE and e.subject == subject))

    def marked() -> tuple[Event, ...]:
        """The declarations and late records outside the spine's own events, read by id, then those appended."""
        ids = array("q")
        ids.frombytes(kept["marked"])
        found = []
        for event_id in ids:
            event = find(event_id)
            if event is None:
                raise LookupError(event_id)
            found.append(event)
        return (*found, *(e for e in tail if e.kind in OUTSIDE_SPINE and flagged(e)))

    return Spine(path, spine_events, tail[-1].id if tail else last_id, find, joins, members, lines, about,
                 functools.cache(marked))


def _save_spine(directory: Path, path: str, data: bytes, events: Sequence[Event],
                base: dict[str, Any] | None = None, whole_digest: str | None = None,
                starts: list[int] | None = None) -> None:
    """Keep the spine of ``data``, whose events are ``events``; with ``base`` (the spine kept of
    its start), ``events`` are only those after it, and ``whole_digest`` is ``data``'s. ``starts``:
    ``ledger.starts`` of the bytes after ``base``, if the caller has found them."""
    size = base["size"] if base else 0
    inside, joined, grown = [], [], {}  # the spine's own events, the roster's, the others' ids by subject
    marked = array("q", base["marked"] if base else b"")  # the declarations and late records among the others
    for event in events:  # one pass: a cold read keeps the spine of every event it read
        kind = event.kind
        if kind in _ROSTER:
            joined.append(event)
        if kind not in _OUTSIDE:
            inside.append(event)
            continue
        if event.subject:
            found = grown.get(event.subject)
            if found is None:
                grown[event.subject] = [event.id]
            else:
                found.append(event.id)
        if kind == "declare" or event.late:  # model.flagged
            marked.append(event.id)
    new_rows = ledger.to_rows(inside)
    new_joins = ledger.to_rows(joined)
    new_offsets = ledger.starts(data, size) if starts is None else starts
    if new_rows is None or new_joins is None or len(new_offsets) != len(events):
        return  # not canonical: read whole each time
    if base and not new_joins:
        joins, members = base["joins"], base["members"]
    else:
        rows = marshal.loads(base["joins"]) if base else []
        every = (*ledger.from_rows(path, rows), *joined)
        members = roster.to_rows(roster.build(every))
        joins, members = marshal.dumps([*rows, *new_joins]), _packed({row[0]: row for row in members})
    subjects = dict(base["subjects"]) if base else {}
    for subject, new_ids in grown.items():
        subjects[subject] = subjects.get(subject, b"") + array("q", new_ids).tobytes()
    ids = _more_ids(_ids(base["ids"]) if base else range(0), [e.id for e in events])
    offsets = _offsets(base["offsets"]) if base else array("I")
    offsets.extend(new_offsets)
    marks = _offsets(base["lines"]) if base else array("I")  # the line of every LINES_EVERY-th event's start
    newlines = _mark_lines(data, offsets, marks, size, base["newlines"] if base else 0)
    snapshot = {"path": path, "size": len(data), "digest": whole_digest or log_digest(data),
                "newlines": newlines,
                "last_id": ids[-1] if ids else 0, "rows": [*(base["rows"] if base else ()), *new_rows],
                "joins": joins, "members": members, "ids": _ids_kept(ids), "offsets": offsets.tobytes(),
                "lines": marks.tobytes(), "subjects": subjects, "marked": marked.tobytes(),
                "schemes": _scheme_refs(data)}
    _store(directory / FOLDER / "spine", snapshot)


_OUTSIDE, _ROSTER = frozenset(OUTSIDE_SPINE), frozenset(ROSTER_KINDS)  # looked up once an event


# Event ids as kept: the first and the count when they run 1, 2, 3 … as jifen writes them, else every one.
# Byte offsets fit 32 bits: a log is at most ledger.MAX_BYTES.
assert ledger.MAX_BYTES < 2**32


def _more_ids(ids: range | array, new: list[int]) -> range | array:
    """``ids`` followed by ``new``: still a range if they run on one by one."""
    if not isinstance(ids, range):
        return array("q", [*ids, *new])
    start = ids.stop if len(ids) else (new[0] if new else 1)
    if new == list(range(start, start + len(new))):
        return range(ids.start if len(ids) else start, start + len(new))
    return array("q", [*ids, *new])


def _ids_kept(ids: range | array) -> tuple[int, int] | bytes:
    return (ids.start, len(ids)) if isinstance(ids, range) else ids.tobytes()


def _ids(kept: tuple[int, int] | bytes) -> range | array:
    if isinstance(kept, tuple):
        return range(kept[0], kept[0] + kept[1])
    found = array("q")
    found.frombytes(kept)
    return found


def _offsets(kept: bytes) -> array:
    found = array("I")
    found.frombytes(kept)
    return found


# --- the replay ------------------------------------------------------------------


class Kept(NamedTuple):
    """A replay kept of the log's first ``count`` events (``keep_replay``)."""

    count: int
    replay: Any  # ``engine.Standings.data()``
    marks: Any  # what the caller made it under (the scheme, its hash), compared by the caller
    day: int  # the day (ordinal) those events were found without any problem


REPLAY_TAIL = 1000  # appended events a kept replay is extended by, run after run, before it is kept again
REPLAY_KEYS = {"size", "digest", "count", "last_id", "replay", "marks", "day"}  # what ``keep_replay`` keeps


def kept_replay(directory: Path, data: bytes, events: tuple[Event, ...]) -> Kept | None:
    """The replay kept for the start of the log whose bytes are ``data`` and events ``events``, if the
    log only grew since (its first bytes hash as they did); None otherwise, and after any other change
    (an edit of history) it is never used again."""
    kept = _load(directory / FOLDER / "replay")
    if not isinstance(kept, dict) or not REPLAY_KEYS <= kept.keys():  # another file of the cache in its place
        return None
    if kept["size"] > len(data) or kept["count"] > len(events):
        return None
    if kept["count"] and events[kept["count"] - 1].id != kept["last_id"]:
        return None
    if not only_new_events(data, kept["size"]):  # lines added to the last event it booked: not only grown
        return None
    if log_digest(data, kept["size"]) != kept["digest"]:
        return None
    return Kept(kept["count"], kept["replay"], kept["marks"], kept["day"])


def replayed_clean(directory: Path, data: bytes) -> tuple[Any, int] | None:
    """The marks and day of the replay kept for exactly the log whose bytes are ``data`` (a replay is
    kept only of a log found without any problem, on that day): what ``jifen add`` takes, as it takes
    ``clean``, for these bytes found clean; None if none was kept for them."""
    kept = _load(directory / FOLDER / "replay")
    if not isinstance(kept, dict) or not REPLAY_KEYS <= kept.keys() or kept["size"] != len(data):
        return None
    return (kept["marks"], kept["day"]) if log_digest(data) == kept["digest"] else None


def only_new_events(data: bytes, size: int) -> bool:
    """Whether the bytes of ``data`` after its first ``size`` (a whole log then) are only new events:
    none, or, after any blank and comment lines, a new item of the log's sequence; not an indented
    line, which YAML reads as going on with the event before them (a key added after its ``by``)."""
    at = size
    while at < len(data):
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end
        line = data[at:end]
        at = end + 1
        stripped = line.strip()
        if stripped and not stripped.startswith(b"#"):
            return line.startswith(b"- ") or line.rstrip() == b"-"
    return True


def keep_replay(directory: Path, data: bytes, events: tuple[Event, ...], replay: Any, marks: Any, day: int) -> None:
    """Keep ``replay`` (plain data) of the log whose bytes are ``data`` and events ``events``, all found
    without a problem on ``day``, made under ``marks``."""
    replay = {**replay, "booker": {**replay["booker"], "subjects": _packed(replay["booker"]["subjects"])},
              "scores": _packed(replay["scores"]), "totals": _packed(replay["totals"])}
    _store(directory / FOLDER / "replay", {"size": len(data), "digest": log_digest(data), "count": len(events),
                                           "last_id": events[-1].id if events else 0, "replay": replay,
                                           "marks": marks, "day": day})


def _packed(rows: dict[str, Any]) -> dict[str, bytes]:
    """A replay's data by subject (or its kept totals by period) with each subject's as ``marshal`` bytes,
    which the engine decodes only for the subjects it is asked about (``engine.unpacked``); the spine's
    roster likewise, each member's row decoded when the member is looked up (``roster.from_rows``)."""
    return {s: row if isinstance(row, bytes) else marshal.dumps(row) for s, row in rows.items()}


# --- YAML trees ---------------------------------------------------------------------


def yaml_parse(directory: Path):
    """``yamlsrc.parse`` keeping, in ``directory``'s cache, the node tree of each text it read
    without problems (the scheme, read by every command), under the BLAKE3 hash of the text and of jifen's code."""

    def parse(path: str, text: str) -> tuple[yamlsrc.Node | None, list[Problem]]:
        name = key(path, digest(text.encode("utf-8")))
        trees = _load(directory / FOLDER / "trees") or {}
        plain = trees.get(name)
        if plain is not None:
            return yamlsrc.from_plain(path, plain), []
        root, problems = yamlsrc.parse(path, text)
        if root is not None and not problems:
            trees = {k: v for k, v in trees.items() if k != name}
            trees[name] = yamlsrc.to_plain(root)
            while len(trees) > TREES_KEPT:
                trees.pop(next(iter(trees)))
            _store(directory / FOLDER / "trees", trees)
        return root, problems

    return parse


# --- results ------------------------------------------------------------------


def result(directory: Path, key: str, folder: str = "results") -> Any | None:
    """The result kept under ``key`` for the ledger in ``directory``, if any (in the cache's ``folder``)."""
    return _load(directory / FOLDER / folder / key) if _is_key(key) else None


def keep(directory: Path, key: str, value: Any, folder: str = "results") -> None:
    """Keep ``value`` (made of str, int, float, bytes, None, lists, tuples and dicts) under ``key``, in a
    file of its own in the cache's ``folder`` (``results``: a report's printed text; ``clean``: the
    marks of ``keep_clean``): a run reads and writes its own, not every report's (at 100,000 events a
    grade's text is 0.5 MB), and the marks every add keeps never push a text out. Beyond
    ``RESULTS_KEPT`` in a folder the oldest go."""
    if not _is_key(key):
        return
    place = directory / FOLDER / folder
    try:
        if place.is_file():  # every result in one file, as jifen kept them before
            place.unlink()
        _store(place / key, value)
        entries = [(entry.stat(follow_symlinks=False).st_mtime_ns, entry.name) for entry in os.scandir(place)]
    except OSError:
        return
    found = [(at, name) for at, name in entries if _is_key(name)]
    left = [(at, name) for at, name in entries if _is_key(name.split(".")[0]) and not _is_key(name)
            and at < time_ns() - LEFT_BEHIND]  # a writer's temporary file, the writer killed before renaming it
    for _, old in [*sorted(found)[:-RESULTS_KEPT], *left]:  # by time, then name: a copied folder's share one time
        try:
            (place / old).unlink(missing_ok=True)
        except OSError:  # a folder made read-only: the results stay, the report is printed all the same
            return


RESULTS = "results"  # a folder: one file a result, named by its key
LEFT_BEHIND = 3_600 * 10**9  # nanoseconds after which a temporary file (KEY.PID) is a killed writer's


def _is_key(name: str) -> bool:
    """Whether ``name`` is a key as ``key`` and ``result_key`` make them (a BLAKE3 hash in hex)."""
    return len(name) == 64 and not name.strip("0123456789abcdef")


def key(*parts: Any) -> str:
    """A result key: the BLAKE3 hash of jifen's code and of ``parts``."""
    return digest(repr((code_digest(), *parts)).encode("utf-8"))


def result_key(directory: Path, search: list[Path], *parts: Any, data: bytes | None = None,
               appended: bytes = b"", whole: bool = True) -> str | None:
    """The key of a result made from the ledger in ``directory`` (its bytes ``data``, if the caller
    has read them, followed by ``appended``) and every version of its scheme (the ``open`` event's, found on ``search``, and
    each ``adopt`` event's): it covers every one of those files' bytes, jifen's code and ``parts``
    (with ``whole`` False, the log's path but not its bytes). None if the log's start is not canonical."""
    from jifen.store import scheme as scheme_io

    try:
        path = ledger.locate(directory)
        data = ledger.read_bytes(path) if data is None else data
        opening = ledger.header(str(path), data)
        if opening is None or not opening.scheme:
            return None
        schemes = []
        for ref in _scheme_refs(data, appended) or [opening.scheme]:
            scheme_path = scheme_io.find(ref, search, base=directory)
            schemes += [str(scheme_path), digest(scheme_path.read_bytes())]
    except (JifenError, OSError):
        return None  # the full read reports it
    return key(log_digest(data, appended=appended) if whole else str(path), *schemes, *parts)


# the last log whose scheme lines were read here: its bytes, how many of them were searched, their scheme lines
_refs_read: list[tuple[bytes, int, list[str]]] = []


def _scheme_refs(data: bytes, appended: bytes = b"") -> list[str]:
    """``ledger.scheme_refs(data + appended)``, searching only the bytes after those searched last in
    this process if ``data`` is those very bytes or starts with all of them, or after the start a kept
    spine covers (``_refs_kept``: no search through them at all); and ``appended`` on its own."""
    if appended:  # new lines after a whole one (an append refuses a torn log): searched from its newline
        joined = not data.endswith(b"\n")
        return _scheme_refs(data + appended) if joined else _scheme_refs(data) + ledger.scheme_refs(b"\n" + appended)
    if _refs_read:
        before, size, refs = _refs_read[0]
        whole = data is before or (size == len(before) and data.startswith(before))
        if whole and 0 < size <= len(data) and before[size - 1] == ord("\n"):  # new lines start after a whole line
            found = refs + ledger.scheme_refs(data[size - 1:])
            _refs_read[0] = (data, len(data), found)
            return list(found)
    found = ledger.scheme_refs(data)
    _refs_read[:] = [(data, len(data), found)]
    return list(found)


def _refs_kept(data: bytes, size: int, refs: list[str]) -> None:
    """Say that ``refs`` are the scheme lines of ``data[:size]`` (a start whose hash a kept spine matched)."""
    _refs_read[:] = [(data, size, list(refs))]


def clean(directory: Path, search: list[Path], data: bytes, today: Any) -> bool:
    """Whether the log whose bytes are ``data`` was found without errors, under the same scheme and
    code, on ``today`` or earlier (a log clean on one day has no event dated after any later day)."""
    name = result_key(directory, search, "clean", data=data)
    day = result(directory, name, "clean") if name else None
    return isinstance(day, int) and day <= today.toordinal()


def keep_clean(directory: Path, search: list[Path], data: bytes, today: Any, appended: bytes = b"") -> None:
    """Keep that the log whose bytes are ``data`` (then ``appended``) has no errors on ``today`` (see
    ``clean``), in a file of its own: ``jifen add`` keeps one on every append, and neither reads nor
    writes again the reports' printed text (420 KB for a grade of 5,000 members), nor pushes it out
    of the ``RESULTS_KEPT``."""
    name = result_key(directory, search, "clean", data=data, appended=appended)
    if name:
        keep(directory, name, today.toordinal(), "clean")


_code: str | None = None


def code_digest() -> str:
    """What identifies the code that shaped a kept result: jifen's version and each of its modules'
    size and modification time, Python's version, and every library installed where Python
    looks (the names of their ``.dist-info`` folders carry their versions), so that an upgrade
    of the libraries that render a report (tabulate, rich, openpyxl …) misses too."""
    global _code
    if _code is None:
        stats = sorted(_sources(os.path.dirname(jifen.__file__), ""))
        _code = digest(repr((jifen.__version__, sys.version, stats, _libraries())).encode("utf-8"))
    return _code


def _sources(folder: str, prefix: str) -> list[tuple[str, int, int]]:
    """(path below jifen's package, size, modification time) of each ``.py`` file under ``folder``:
    one ``stat`` a file (a third of ``Path.rglob`` with two, on every start that keys the cache)."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                found += _sources(entry.path, f"{prefix}{entry.name}/")
            elif entry.name.endswith(".py"):
                stat = entry.stat()
                found.append((prefix + entry.name, stat.st_size, stat.st_mtime_ns))
    return found


def _libraries() -> list[str]:
    """The installed distributions and their versions, as the folder names that record them say
    (one listing of each folder on ``sys.path``, not an import of ``importlib.metadata``)."""
    found = []
    for entry in sys.path:
        try:
            found += sorted(n for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return found


# --- files ---------------------------------------------------------------------


def _load(path: Path) -> Any | None:
    """What ``_store`` wrote to ``path``, if its bytes are still those it wrote (their BLAKE3 hash
    matches); else None, and the caller reads the log and writes the entry again."""
    try:
        data = path.read_bytes()
        size = int.from_bytes(data[:4], "little")
        kept_format, kept_version, kept_digest = marshal.loads(data[4:4 + size])
        payload = memoryview(data)[4 + size:]
        if (kept_format, kept_version) != (FORMAT, jifen.__version__) or kept_digest != digest(payload):
            return None
        return marshal.loads(payload)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _store(path: Path, value: Any) -> None:
    """Write ``value`` to ``path`` atomically; a cache that cannot be written is skipped. The file is
    a head (its size in 4 bytes, then the format, jifen's version and the BLAKE3 hash of the rest) and
    ``value`` as ``marshal`` bytes, read in place: an 8 MB snapshot is not copied out of a wrapper."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}")  # one writer per process at a time
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError:
        return
    try:
        payload = marshal.dumps(value)
        head = marshal.dumps((FORMAT, jifen.__version__, digest(payload)))
        with os.fdopen(handle, "wb") as out:
            out.write(len(head).to_bytes(4, "little") + head)
            out.write(payload)
        os.replace(temporary, path)
    except (OSError, ValueError):
        Path(temporary).unlink(missing_ok=True)
