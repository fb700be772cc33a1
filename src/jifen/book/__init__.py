"""The book: a ledger opened once, and the one way to write to it.

Every reader of a ledger (each command, the roll-up, the log of what was
added, a web front end) calls ``open``: read the log (through the cache), find
and read its scheme, check every event against both, and then, when asked,
resolve every correction once (``Book.resolution``) and replay
(``Book.standings``). Every writer calls ``record``: under the log's lock,
check the new event against the book as it is, append it, and commit it if
asked. Nothing here prints; the caller says what happened.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from jifen import messages
from jifen.core import validate
from jifen.core.model import Event, Ledger, Member, Problem, Scheme, Source, Spine
from jifen.errors import InvalidInput, JifenError, PartlyWritten
from jifen.store import cache
from jifen.store import ledger as ledger_io
from jifen.store import scheme as scheme_io

if TYPE_CHECKING:
    from jifen.core.corrections import Resolution, Status
    from jifen.core.engine import Standings


def search_path() -> list[Path]:
    """Where scheme ids are looked up: $JIFEN_SCHEMES (os.pathsep-separated), then the shipped ones."""
    extra = [Path(p) for p in os.environ.get("JIFEN_SCHEMES", "").split(os.pathsep) if p]
    return [*extra, scheme_io.shipped_dir()]


class Book:
    """A ledger as opened: its log, its scheme, every problem of either; then, on demand, what
    every event came to and the replay. Made by ``open``."""

    def __init__(self, ledger: Ledger, scheme: Scheme | None, problems: tuple[Problem, ...], stale: bool) -> None:
        self.ledger = ledger
        self.scheme = scheme
        self.problems = problems
        self.stale = stale  # the cache's copy of the log's start no longer matched: history was edited

    @property
    def events(self) -> tuple[Event, ...]:
        return self.ledger.events

    @property
    def name(self) -> str:
        return self.ledger.name

    def usable(self) -> Book:
        """This book, if nothing in it is an error (warnings are fine); else InvalidInput carrying every problem."""
        if any(p.is_error for p in self.problems) or self.scheme is None:
            raise InvalidInput("ledger.unusable", problems=self.problems, path=self.ledger.path)
        return self

    @cached_property
    def standings(self) -> Standings:
        """The replay of the book (``jifen.core.engine``); only for a usable book."""
        from jifen.core import engine

        assert self.scheme is not None, "replay of a book without a scheme"
        with collector_paused():
            return engine.replay(self.ledger.events, self.scheme)

    @property
    def resolution(self) -> Resolution:
        """What every event came to (``jifen.core.corrections``), resolved once."""
        return self.standings.resolution

    def status(self, event: Event) -> Status:
        return self.resolution.status(event)

    @cached_property
    def members(self) -> Mapping[str, Member]:
        from jifen.core import roster

        return roster.build(self.ledger.events)

    def describe(self, event: Event) -> tuple[str, dict[str, Any]]:
        """``event`` in words: a catalogue code and its arguments; in a usable book, a score that
        counted other than its rule says (a bonus deduped or capped: ``+3 → 0``)."""
        return describe(event, self.members, self.scheme, self._counted.get(event.id))

    @cached_property
    def _counted(self) -> dict[int, Any]:
        """What each score or declaration counted for its own subject, where the book can be replayed."""
        if self.scheme is None or any(p.is_error for p in self.problems):
            return {}
        return {b.event.id: b.value for subject, entries in self.standings.booked.items() for b in entries
                if b.event.subject == subject}


def open(directory: Path, search: list[Path] | None = None, today: dt.date | None = None,
         cached: bool = True) -> Book:
    """The ledger in ``directory``, its scheme, and every problem of either, sorted by place.

    ``today``, if given, also reports events dated after it. ``cached`` reads the
    log through ``jifen.store.cache`` (only what was appended since its last snapshot is parsed).
    """
    search = search_path() if search is None else search
    with collector_paused():
        read = cache.read(directory, use=cached)
        problems = list(read.problems)
        scheme, scheme_problems = scheme_of(read.ledger, search, cached)
        problems += scheme_problems
        if scheme is not None:
            problems += validate.ledger_problems(read.ledger, scheme, today)
    problems.sort(key=Problem.sort_key)
    return Book(read.ledger, scheme, tuple(problems), read.stale)


def scheme_of(ledger: Ledger | Spine, search: list[Path], cached: bool = False) -> tuple[Scheme | None, list[Problem]]:
    """The scheme the ``open`` event of ``ledger`` (or of a spine) names, and its problems;
    ``cached``: its YAML read through the ledger's cache."""
    if ledger.header is None:
        return None, []
    directory = Path(ledger.path).parent
    path = scheme_io.find(ledger.scheme_ref, search, base=directory)
    return scheme_io.load(path, cache.yaml_parse(directory) if cached else None)


# --- writing ---------------------------------------------------------------------------------


class Recorded(NamedTuple):
    """What ``record`` did: the event appended (as read back), and the commit that holds it, if any."""

    event: Event
    summary: str  # the event in words, in the language asked for
    commit: str | None = None  # the short sha
    stale: bool = False  # the cache found history edited (the log was read whole)


Fields = Callable[[Spine, Mapping[str, Member]], dict[str, Any]]


def record(directory: Path, fields: Fields, *, today: dt.date, lang: str, search: list[Path] | None = None,
           commit: bool = False, cached: bool = True) -> Recorded:
    """Append the event ``fields(spine, members)`` describes, after checking it against the log
    as read under the lock; with ``commit``, commit the ledger file alone with a message in words.

    Refused (InvalidInput or WriteRefused, nothing written): a ledger with problems, an event
    that would be wrong, a commit asked outside a git repository. If the append succeeded
    but the commit failed, PartlyWritten says so: the event is in the log, not in git.
    Reads only the log's spine through the cache, so the cost does not grow with the
    number of scores.
    """
    from jifen.core import roster

    search = search_path() if search is None else search
    seen: dict[str, Any] = {"stale": False}

    def build(spine: Spine, next_id: int) -> dict[str, Any]:
        scheme, problems = scheme_of(spine, search, cached)
        if scheme is None:
            raise InvalidInput("scheme.has-problems", problems=problems, path=spine.scheme_ref)
        members = roster.of(spine)
        values = fields(spine, members)
        event = Event(id=next_id, source=Source("<arguments>", 0, 0), **values)
        wrong = validate.event_problems(spine, scheme, event, today, members)
        if wrong:
            raise InvalidInput(wrong[0].code, problems=wrong[1:], **wrong[0].args)
        seen.update(spine=spine, scheme=scheme)
        return values

    def reader(path: str, data: bytes) -> tuple[Spine, list[Problem]]:
        read = cache.spine(directory, Path(path), data)
        seen["stale"] = read.stale
        return read.spine, read.problems

    if commit:
        from jifen.store import gitrepo

        gitrepo.toplevel(directory)  # refuse before writing if there is no repository
    with collector_paused():
        event = ledger_io.append(directory, build, reader if cached else None)
    members = roster.of(seen["spine"], event)
    code, args = describe(event, members, seen["scheme"])
    summary = messages.text(code, lang, **args)
    sha = _commit(directory, seen["spine"].name, event, summary, lang) if commit else None
    return Recorded(event, summary, sha, seen["stale"])


def _commit(directory: Path, branch: str, event: Event, summary: str, lang: str) -> str:
    """Commit the ledger file with a message saying what was recorded; PartlyWritten if git fails."""
    from jifen.store import gitrepo

    message = f"{branch}: {summary}\n\njifen event {event.id} in {ledger_io.FILENAME}"
    try:
        repo = gitrepo.toplevel(directory)
        return gitrepo.commit_file(repo, ledger_io.locate(directory), message)
    except JifenError as exc:
        detail = messages.text(exc.code, lang, **exc.args_)
        raise PartlyWritten("book.appended-not-committed", id=event.id, detail=detail,
                            path=str(directory / ledger_io.FILENAME)) from None


def describe(event: Event, members: Mapping[str, Member], scheme: Scheme | None,
             counted: Any = None) -> tuple[str, dict[str, Any]]:
    """One event in words (a catalogue code and its arguments): for commit messages and ``jifen log``;
    ``counted``, if given and not what the rule gives, is shown after it."""
    from jifen.core import engine
    from jifen.core.numbers import plain

    member = members.get(event.subject or "")
    who = f"{member.name}({member.id})" if member else (event.subject or "")
    rule = scheme.rule(event.rule or "") if scheme is not None and event.rule else None
    value = engine.raw_value(scheme, event) if event.kind in ("score", "declare") and rule else None
    args: dict[str, Any] = {
        "id": event.id, "date": event.date.isoformat(), "who": who, "by": event.by or "",
        "rule": event.rule or "", "rule_name": rule.name if rule else "",
        "value": "" if value is None else _signed(value) + (
            f" → {_signed(counted)}" if counted is not None and counted != value else ""),
        "note": f" {event.note}" if event.note else "", "reason": event.reason or "",
        "target": event.target or "", "period": event.period or "", "panel": event.panel or "",
        "given": plain(event.score) if event.score is not None else (event.rating or ""),
        "decision": event.decision or "", "days": event.days or "", "name": event.name or "",
        "late": f" [{event.late}]" if event.late else "",
    }
    return f"log.{event.kind}", args


def _signed(value) -> str:
    from jifen.core.numbers import plain

    return f"+{plain(value)}" if value > 0 else plain(value)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: reading and replaying a ledger build many small
    objects and few cycles, and the collector would walk the growing heap again and again
    (about a fifth of a 100,000-event run). What was built is then frozen (``gc.freeze``): kept
    to the end of the command, it need never be walked, and the first collection after the
    pause would otherwise walk all of it at once. Nested pauses leave the outer one in charge."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.enable()
