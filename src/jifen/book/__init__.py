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
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from jifen import messages
from jifen.core import validate
from jifen.core.kinds import ROSTER_KINDS
from jifen.core.model import Event, Ledger, Member, Problem, Rule, Scheme, Source, Spine
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

    def __init__(self, ledger: Ledger, scheme: Scheme | None, problems: tuple[Problem, ...], stale: bool,
                 kept: Kept | None = None) -> None:
        self.ledger = ledger
        self.scheme = scheme
        self.problems = problems
        self.stale = stale  # the cache's copy of the log's start no longer matched: history was edited
        self._kept = kept  # the replay of the log's start, kept in the cache, and where to keep it again

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
        kept, events = self._kept, self.ledger.events
        with collector_paused():
            if kept is None:
                return engine.replay(events, self.scheme)
            if kept.replay is None:
                found = engine.replay(events, self.scheme)
            else:  # only what was appended since the kept replay is booked
                start = engine.Standings.restore(self.scheme, events[:kept.count], kept.replay)
                found = start.extend(events[kept.count:])
            new = len(events) - (kept.count if kept.replay is not None else 0)
            if not self.problems and (kept.replay is None or found.rebooked or new >= cache.REPLAY_TAIL):
                cache.keep_replay(kept.directory, kept.data, events, found.data(), kept.marks, kept.day)
            return found

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
        kept = _kept(directory, read, search, today) if cached else None
        scheme, problems = checked(read.ledger, read.problems, search, today, cached,
                                   kept.count if kept is not None and kept.replay is not None else 0)
    return Book(read.ledger, scheme, tuple(problems), read.stale, kept)


class Kept(NamedTuple):
    """A replay of the log's start that the cache kept (``replay`` None: none, or not for this
    scheme and code), and what a book needs to keep its own replay there."""

    directory: Path
    data: bytes  # the log's bytes as read
    count: int  # the events the kept replay covers: they were found without any problem on ``day`` or before
    replay: Any  # ``engine.Standings.data()``, or None
    marks: str  # the scheme file, its hash and jifen's code, as a cache key
    day: int  # the day this book's events are checked on (``NO_DAY`` without one)


NO_DAY = 10**7  # the day of a log found clean without ``today`` (no check of future dates): after any real day


def _kept(directory: Path, read: cache.Read, search: list[Path], today: dt.date | None) -> Kept | None:
    """The replay the cache kept for the start of the log ``read`` found, if the log only grew since,
    under the same scheme file and code, found clean on ``today`` or before (without ``today``: found
    clean at all; a web page checks no dates against the clock); None if no replay can be kept for it
    (problems already, or no scheme to find)."""
    if read.problems or not read.data:
        return None
    marks = cache.result_key(directory, search, "replay", data=read.data, whole=False)  # the scheme and the code
    if marks is None:
        return None
    found = cache.kept_replay(directory, read.data, read.ledger.events)
    day = today.toordinal() if today is not None else NO_DAY
    usable = found is not None and found.marks == marks and found.day <= day
    # a log clean on one day is clean on every later one; what this book keeps was checked on ``day``
    return Kept(directory, read.data, found.count if usable else 0, found.replay if usable else None, marks, day)


def checked(ledger: Ledger, problems: list[Problem], search: list[Path], today: dt.date | None,
            cached: bool = False, clean: int = 0) -> tuple[Scheme | None, list[Problem]]:
    """The scheme of ``ledger`` (read with ``problems``) and every problem of either, sorted by place:
    the one definition of "a ledger with problems" that every command uses (``open`` for readers,
    ``record`` for writers). With ``today``, events dated after it are problems too. ``clean``: the
    first events of the log that were found without a problem (on ``today`` or before) under this
    scheme; only those after them are checked, each as it was appended (``validate.event_problems``)."""
    found = list(problems)
    scheme, scheme_problems = scheme_of(ledger, search, cached)
    found += scheme_problems
    if scheme is not None and clean:
        found += _appended_problems(ledger, clean, scheme, today)
    elif scheme is not None:
        found += validate.ledger_problems(ledger, scheme, today)
    found.sort(key=Problem.sort_key)
    return scheme, found


def _appended_problems(ledger: Ledger, clean: int, scheme: Scheme, today: dt.date | None) -> list[Problem]:
    """The problems of the events of ``ledger`` after its first ``clean`` ones, which have none: each
    checked against the log before it, as ``record`` checks an append."""
    from jifen.core import roster

    appended = ledger.events[clean:]
    if not appended:
        return []
    spine = Spine.of(Ledger(ledger.path, ledger.events[:clean]))
    members = roster.of(spine)
    found: list[Problem] = []
    for event in appended:
        found += validate.event_problems(spine, scheme, event, today, members)
        spine = spine.plus(event)
        members = roster.of(spine) if event.kind in ROSTER_KINDS else members
    return found


def scheme_of(ledger: Ledger | Spine, search: list[Path], cached: bool = False) -> tuple[Scheme | None, list[Problem]]:
    """The scheme the ``open`` event of ``ledger`` (or of a spine) names, and its problems;
    ``cached``: its YAML read through the ledger's cache."""
    if ledger.header is None:
        return None, []
    directory = Path(ledger.path).parent
    path = scheme_io.find(ledger.scheme_ref, search, base=directory)
    scheme, problems = scheme_io.load(path, cache.yaml_parse(directory) if cached else None)
    pinned = ledger.header.scheme_hash
    if pinned is not None:
        found = scheme_io.digest(path)
        if found != pinned:  # the rules changed under the log: every past period would be rescored
            problems = [*problems, Problem(ledger.header.at("scheme_hash"), "scheme.hash-changed",
                                           {"path": str(path), "pinned": pinned, "found": found})]
    return scheme, problems


# --- writing ---------------------------------------------------------------------------------


class Effect(NamedTuple):
    """What a new event does to its subject's score: the points it counts (``None`` if it counts
    nothing now: a declaration not yet approved, a roster or workflow event), in the scoring
    ``period`` of its date, whose shown total goes from ``before`` to ``after``; ``why`` (a
    catalogue code and its arguments) if it counts less than its rule (dedupe, a cap)."""

    value: Decimal | None
    period: str
    before: Decimal
    after: Decimal
    why: tuple[str, Mapping[str, Any]] | None = None


class Recorded(NamedTuple):
    """What ``record`` did: the event appended (as read back), and the commit that holds it, if any."""

    event: Event
    summary: str  # the event in words, in the language asked for
    commit: str | None = None  # the short sha
    stale: bool = False  # the cache found history edited (the log was read whole)
    effect: Effect | None = None  # what it counts (``record(..., effects=True)``), for a subject's event
    dry_run: bool = False  # checked, not written
    said: str = ""  # the event in a short sentence, as an answer to the recorder


Fields = Callable[[Spine, Mapping[str, Member]], dict[str, Any]]
ManyFields = Callable[[Spine, Mapping[str, Member]], list[dict[str, Any]]]


def record(directory: Path, fields: Fields, *, today: dt.date, lang: str, search: list[Path] | None = None,
           commit: bool = False, cached: bool = True, dry_run: bool = False, effects: bool = False) -> Recorded:
    """Append the event ``fields(spine, members)`` describes (``record_all`` with one event)."""
    return record_all(directory, lambda spine, members: [fields(spine, members)], today=today, lang=lang,
                      search=search, commit=commit, cached=cached, dry_run=dry_run, effects=effects)[0]


def record_all(directory: Path, fields: ManyFields, *, today: dt.date, lang: str, search: list[Path] | None = None,
               commit: bool = False, cached: bool = True, dry_run: bool = False,
               effects: bool = False) -> list[Recorded]:
    """Append the events ``fields(spine, members)`` describes, all or none, after checking each
    against the log as read under the lock and the new ones before it; with ``commit``, commit
    the ledger file alone with a message in words. A ``rule`` may be given as people name it
    (``find_rule``).

    Refused (InvalidInput or WriteRefused, nothing written): a ledger with problems, an event
    that would be wrong, a commit asked outside a git repository. If the append succeeded
    but the commit failed, PartlyWritten says so: the events are in the log, not in git.
    Reads only the log's spine through the cache, so the cost does not grow with the
    number of scores. ``dry_run``: all of the above but the write and the commit.
    ``effects``: each event's ``Effect`` too (this replays the events of its subjects).
    """
    from jifen.core import roster

    search = search_path() if search is None else search
    seen: dict[str, Any] = {"stale": False}

    def build(spine: Spine, next_id: int) -> list[dict[str, Any]]:
        scheme, problems = scheme_of(spine, search, cached)
        if scheme is None:
            raise InvalidInput("scheme.has-problems", problems=problems, path=spine.scheme_ref)
        seen.update(spine=spine, scheme=scheme)
        members = roster.of(spine)
        made = []
        for n, values in enumerate(fields(spine, members)):
            if values.get("rule"):
                values["rule"] = rule_id(scheme, values["rule"])
            event = Event(id=next_id + n, source=Source("<arguments>", 0, 0), **values)
            wrong = validate.event_problems(spine, scheme, event, today, members)
            if wrong:
                raise InvalidInput(wrong[0].code, problems=wrong[1:], **wrong[0].args)
            made.append(values)
            spine = spine.plus(event)
            members = roster.of(spine) if event.kind in ROSTER_KINDS else members
        return made

    def reader(path: str, data: bytes) -> tuple[Spine, list[Problem]]:
        if cached:
            read = cache.spine(directory, Path(path), data)
            seen["stale"] = read.stale
            spine, problems = read.spine, read.problems
        else:
            whole, problems = ledger_io.parse(path, data)
            spine = Spine.of(whole)
        return spine, problems or _errors(directory, path, data, search, today, cached)

    def written(data: bytes) -> None:  # the log as appended: its errors were none before, the new event's none
        if cached:
            cache.keep_clean(directory, search, data, today)

    if commit and not dry_run:
        from jifen.store import gitrepo

        gitrepo.toplevel(directory)  # refuse before writing if there is no repository
    with collector_paused():
        events = ledger_io.append_all(directory, build, reader, dry_run=dry_run,
                                      written=None if dry_run else written)
    spine, scheme = seen["spine"], seen["scheme"]
    for event in events:
        spine = spine.plus(event)
    members = roster.of(spine)
    described = [describe(e, members, scheme) for e in events]
    summaries = [messages.text(code, lang, **args) for code, args in described]
    counted = effects_of(directory, seen["spine"], events, scheme, cached) if effects and events else {}
    said = [messages.text(f"said.{e.kind}" if messages.known(f"said.{e.kind}") else code, lang,
                          **_as_counted(args, counted.get(e.id)))
            for e, (code, args) in zip(events, described)]
    sha = None
    if commit and not dry_run and events:
        sha = _commit(directory, spine.name, events, summaries, lang)
    return [Recorded(e, summary, sha, seen["stale"], counted.get(e.id), dry_run, words)
            for e, summary, words in zip(events, summaries, said)]


def effects_of(directory: Path, spine: Spine, new: list[Event], scheme: Scheme, cached: bool = True) -> dict[int, Effect]:
    """What each of the ``new`` events, appended to the log ``spine`` outlines (as it was before
    them), does to its subject's score in its scoring period: the log's events about the same
    subjects replayed without them and with them. Those events come from the spine (its header,
    corrections and workflow, its roster, and the bulk events ``Spine.about`` each subject), so
    the cost follows the subjects' events, not the log's; under a scheme that books shares to a
    secretary, every event counts and the whole log is read."""
    from jifen.core import engine
    from jifen.core.numbers import shown
    from jifen.core.periods import Period

    log = _events_about(directory, spine, {e.subject for e in new if e.subject}, scheme, cached)
    new_ids = {e.id for e in new}
    subjects = {e.subject for e in new if e.subject}
    whole = any(c.split for c in scheme.categories)
    kept: list[Event] = []
    kept_ids: set[int] = set()
    for event in log:
        if event.id in new_ids:
            continue
        if (whole or event.kind in ROSTER_KINDS or event.subject in subjects
                or (event.subject is None and (event.target is None or event.target in kept_ids))):
            kept.append(event)
            kept_ids.add(event.id)
    after = engine.replay(kept, scheme)
    found: dict[int, Effect] = {}
    for event in new:  # one at a time: each new event's total before is the one after those before it
        before, after = after, after.extend([event])
        if not event.subject or event.subject not in after.members:
            continue
        period = Period.of(event.date, scheme.period)
        booked = [b for b in after.entries(event.subject) if b.event.id == event.id]
        value = sum((b.value for b in booked), Decimal(0)) if booked else None
        found[event.id] = Effect(
            value, str(period),
            shown(before.score(event.subject, period).total, scheme.precision),
            shown(after.score(event.subject, period).total, scheme.precision),
            next((b.why for b in booked if b.why), None))
    return found


def _as_counted(args: dict[str, Any], effect: Effect | None) -> dict[str, Any]:
    """The words of an event with the points it counted where they differ from its rule's first value
    and no reason says why (a progressive rule's repeat: −10, not −5); a reason, where there is one,
    is said on a line of its own."""
    from jifen.core.numbers import plain

    if effect is None or effect.value is None or effect.why is not None or not args.get("value"):
        return args
    value = effect.value
    return {**args, "value": f"+{plain(value)}" if value > 0 else plain(value)}


def _events_about(directory: Path, spine: Spine, subjects: set[str], scheme: Scheme, cached: bool) -> list[Event]:
    """Every event of the log that the scores of ``subjects`` can depend on, in file order (more
    may come: ``effects_of`` picks from them)."""
    if not any(c.split for c in scheme.categories):
        try:  # the subjects' own events and joins alone: nobody else's membership changes their scores
            found = {e.id: e for e in spine.events}
            for subject in subjects:
                found.update((e.id, e) for e in spine.about(subject))
            return [found[i] for i in sorted(found)]
        except LookupError:  # an event the index names could not be read alone
            pass
    with collector_paused():
        return list(cache.read(directory, use=cached).ledger.events)


def find_rule(scheme: Scheme, text: str) -> Rule | None:
    """The rule ``text`` names in ``scheme``: its id, its name, or any part of its name that
    only one rule's name holds (``缺席`` → 缺席三会一课…). None if no rule matches (the check of
    the event then says so, with the nearest names); InvalidInput ``rule.ambiguous``, listing
    each match with its id, name and points, if several do."""
    from jifen.core import rules

    found = rules.matches(scheme, text)
    if len(found) > 1:
        listing = tuple(f"  {r.id}  {scheme.category(r.category).name}·{r.name}  {rules.describe(r)}" for r in found)
        raise InvalidInput("rule.ambiguous", text=text, count=len(found), rules=listing)
    return found[0] if found else None


def rule_id(scheme: Scheme, text: str) -> str:
    """The id of the rule ``text`` names (``find_rule``); ``text`` itself if none does."""
    found = find_rule(scheme, text)
    return found.id if found is not None else text


def refuse_same_name(members: Mapping[str, Member], name: str, on: dt.date) -> None:
    """InvalidInput ``book.same-name`` if a member on the roll on ``on`` (or later) is called
    ``name``: one person, one member. A front end asks the recorder whether the new member is
    another person of that name before it skips this check."""
    for member in members.values():
        if member.name == name and (member.active or member.belongs(on)):
            raise InvalidInput("book.same-name", name=name, id=member.id)


def _errors(directory: Path, path: str, data: bytes, search: list[Path], today: dt.date,
            cached: bool) -> list[Problem]:
    """The errors ``open`` would find in the log whose bytes are ``data`` (``checked``, with
    ``today``): an append is refused on the very ledger a report or ``jifen check`` refuses.
    The whole log is read only if the cache does not show these bytes found clean before."""
    if cached and cache.clean(directory, search, data, today):
        return []
    whole, problems = ledger_io.parse(path, data)
    _, found = checked(whole, problems, search, today, cached)
    errors = [p for p in found if p.is_error]
    if not errors and cached:
        cache.keep_clean(directory, search, data, today)
    return errors


def _commit(directory: Path, branch: str, events: list[Event], summaries: list[str], lang: str) -> str:
    """Commit the ledger file with a message saying what was recorded; PartlyWritten if git fails."""
    from jifen.store import gitrepo

    ids = ", ".join(str(e.id) for e in events)
    if len(events) == 1:
        message = f"{branch}: {summaries[0]}\n\njifen event {ids} in {ledger_io.FILENAME}"
    else:
        body = "\n".join(summaries)
        message = f"{branch}: {summaries[0]} …\n\n{body}\n\njifen events {ids} in {ledger_io.FILENAME}"
    try:
        repo = gitrepo.toplevel(directory)
        return gitrepo.commit_file(repo, ledger_io.locate(directory), message)
    except JifenError as exc:
        detail = messages.text(exc.code, lang, **exc.args_)
        raise PartlyWritten("book.appended-not-committed", id=ids, detail=detail,
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
        "decision": messages.Word(f"decision.{event.decision}") if event.decision else "", "days": event.days or "", "name": event.name or "",
        "late": f" [{event.late}]" if event.late else "",
        "member": member.name if member else (event.subject or ""),
        "category": scheme.category(rule.category).name if rule is not None and scheme is not None else "",
    }
    return f"log.{event.kind}", args


def _signed(value) -> str:
    from jifen.core.numbers import plain

    return f"+{plain(value)}" if value > 0 else plain(value)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: reading and replaying a ledger build many small
    objects and few cycles, and the collector would walk the growing heap again and again
    (about a fifth of a 100,000-event run). In a command, what was built is then frozen
    (``gc.freeze``): kept to the end of the command, it need never be walked, and the first
    collection after the pause would otherwise walk all of it at once. In a long-running
    process (``long_running``) nothing is frozen, so what a request built can be freed.
    Nested pauses leave the outer one in charge."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            if _freezing:
                gc.freeze()
            gc.enable()


_freezing = True  # a command's process; ``long_running`` says otherwise


def long_running() -> None:
    """Say that this process opens books again and again (a server): never freeze what one built."""
    global _freezing
    _freezing = False
