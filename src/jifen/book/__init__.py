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
from jifen.core import validate, versions
from jifen.core.kinds import ROSTER_KINDS
from jifen.core.model import Event, Ledger, Member, Problem, Rule, Scheme, Source, Spine
from jifen.errors import InvalidInput, JifenError, PartlyWritten
from jifen.store import cache
from jifen.store import ledger as ledger_io
from jifen.store import scheme as scheme_io

if TYPE_CHECKING:
    from jifen.core.corrections import Resolution, Status
    from jifen.core.engine import Standings
    from jifen.core.periods import Period


def _named(spine: Spine) -> dict[int, Event]:
    """The events of ``spine`` (every correction and workflow event) and those its amendments and
    rulings name, read by id, following amendments of amendments and a ruling's appeal to the event
    appealed: every event a resolution of the corrections needs, by id."""
    named: dict[int, Event] = {e.id: e for e in spine.events}
    for event in spine.events:
        if event.kind not in ("amend", "ruling"):
            continue
        target = spine.get(event.target or 0)  # an amendment's score (or the amendment it amends), a ruling's appeal
        while target is not None and target.id not in named:
            named[target.id] = target
            target = spine.get(target.target or 0) if target.kind in ("amend", "appeal") else None
        if target is not None and target.kind == "appeal":  # an appeal in the spine: the event it appeals
            appealed = spine.get(target.target or 0)
            if appealed is not None:
                named.setdefault(appealed.id, appealed)
    return named


def events_about(spine: Spine, subject: str) -> tuple[Event, ...]:
    """What a statement of ``subject`` looks through, from the log's spine, in file order: the
    subject's events, every correction and workflow event, and what those name."""
    named = _named(spine)
    named.update((e.id, e) for e in spine.about(subject))
    return tuple(sorted(named.values(), key=lambda e: e.id))


def workflow_events(spine: Spine) -> tuple[Event, ...]:
    """What the workflow of a period looks through, from the log's spine, in file order: its own
    events (notices, appeals, corrections, closes), the declarations and late records it marks, and
    the events any of them names."""
    named = _named(spine)
    named.update((e.id, e) for e in spine.marked())
    for event in list(named.values()):  # what an appeal, a revoke or a late correction names
        target = spine.get(event.target or 0) if event.target else None
        if target is not None:
            named.setdefault(target.id, target)
    return tuple(sorted(named.values(), key=lambda e: e.id))


def _counted_as(spine: Spine, events: Any = None) -> Callable[[int], Event]:
    """Each event the replay booked, by id, as it counted (``corrections.Resolution.standing_for``: a
    declaration or an amendment as a score), from ``spine``: every correction is in it, with the
    events they name read by id; any other counted event is read by id when asked for, from
    ``events`` (with a ``get`` by id, as ``cache.Events`` has) if given, else through the spine."""
    import dataclasses

    from jifen.core import corrections

    standing = corrections.resolve(sorted(_named(spine).values(), key=lambda e: e.id)).standing_for

    def find(event_id: int) -> Event:
        found = standing.get(event_id)
        if found is None:
            found = (events if events is not None else spine).get(event_id)
            assert found is not None, f"event {event_id} booked but not in the log"
            if found.kind == "declare":  # an approved declaration counts as a score
                found = dataclasses.replace(found, kind="score")
        return found

    return find


def search_path() -> list[Path]:
    """Where scheme ids are looked up: $JIFEN_SCHEMES (os.pathsep-separated), then the shipped ones."""
    extra = [Path(p) for p in os.environ.get("JIFEN_SCHEMES", "").split(os.pathsep) if p]
    return [*extra, scheme_io.shipped_dir()]


class Book:
    """A ledger as opened: its log, the versions of its scheme, every problem of any of them; then,
    on demand, what every event came to and the replay of each version's years. Made by ``open``.

    ``scheme`` is the version the log was opened under; ``versions`` every version, each with the
    years it governs (``jifen.core.versions``): a report of a period asks ``scheme_for`` and
    ``standings_for`` its year."""

    def __init__(self, ledger: Ledger, scheme: Scheme | None, problems: tuple[Problem, ...], stale: bool,
                 schemes: tuple[versions.Version, ...] = (), kept: Kept | None = None, deferred: bool = False) -> None:
        self.ledger = ledger
        self.scheme = scheme
        self.problems = problems
        self.stale = stale  # the cache's copy of the log's start no longer matched: history was edited
        if not schemes and scheme is not None and ledger.header is not None:
            schemes = (versions.Version(scheme, ledger.header),)
        self.versions = schemes
        self._replays: dict[int, Standings] = {}
        self._kept = kept  # the replay of the log's start, kept in the cache, and where to keep it again
        self.deferred = deferred  # keep the replay when told (``keep``), with the scores asked of it by then
        self._due: Standings | None = None  # the replay to keep, once ``keep`` is called
        self._due_anyway = False  # ``_due`` is kept whatever it scored

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

    @property
    def standings(self) -> Standings:
        """The replay of the book under the version it was opened with (``jifen.core.engine``); only for
        a usable book. Its roster and resolution are those of every version; the scores of a period
        are ``standings_for`` its year's."""
        assert self.scheme is not None, "replay of a book without a scheme"
        return self._replay(0)

    def standings_for(self, when: Period | int) -> Standings:
        """The replay under the version of the scheme that governs ``when`` (a period, or a year)."""
        year = when if isinstance(when, int) else when.year
        version = versions.in_force(self.versions, year)
        return self._replay(self.versions.index(version))

    def standings_of(self, version: versions.Version) -> Standings:
        """The replay under ``version`` (one of ``versions``), of the years it governs."""
        return self._replay(self.versions.index(version))

    def scheme_for(self, when: Period | int) -> Scheme:
        """The version of the scheme that governs ``when`` (a period, or a year)."""
        return versions.in_force(self.versions, when if isinstance(when, int) else when.year).scheme

    def _replay(self, index: int) -> Standings:
        from jifen.core import engine

        if index not in self._replays:
            version = self.versions[index]
            with collector_paused():
                self._replays[index] = (self._kept_replay(version) if len(self.versions) == 1
                                        else engine.replay(self.ledger.events, version.scheme, version.years))
        return self._replays[index]

    def _kept_replay(self, version: versions.Version) -> Standings:
        """The replay of a book with one version, through the replay of the log's start that the cache
        kept (only what was appended since is booked), keeping this one for the next run."""
        from jifen.core import engine

        kept, events, scheme = self._kept, self.ledger.events, version.scheme
        if kept is None:
            return engine.replay(events, scheme, version.years)
        if kept.replay is None or kept.spine is None:
            found = engine.replay(events, scheme, version.years)
        else:  # only what was appended since is booked; the events the kept replay names read as asked for
            from jifen.core import roster

            appended = tuple(events[kept.count:])
            before = kept.spine.without(appended, events[kept.count - 1].id)
            start = engine.Standings.restore(scheme, events[:kept.count], kept.replay, version.years,
                                             find=_counted_as(kept.spine, getattr(events, "get", None) and events),
                                             members=roster.of(before))  # made member by member, as asked
            found = start.extend(appended, members=roster.of(kept.spine))
        new = len(events) - (kept.count if kept.replay is not None else 0)
        if not self.problems:
            self._due = found
            self._due_anyway = kept.replay is None or found.rebooked or new >= cache.REPLAY_TAIL
            if not self.deferred:
                self.keep()
        return found

    def keep(self) -> None:
        """Keep in the cache the replay this book made, if it is due to be kept (none was kept, it was
        booked again, or ``REPLAY_TAIL`` events were appended since), or if it scored many subjects the
        kept one had no score for: with every score asked of it so far, which the next run reuses for
        the subjects nothing was booked to since."""
        found, self._due = self._due, None
        kept = self._kept
        if found is None or kept is None:
            return
        if self._due_anyway or found.scored >= max(SCORED_ANEW, 4 * len(found.touched)):
            cache.keep_replay(kept.directory, kept.data, self.ledger.events, found.data(), kept.marks, kept.day)

    def about(self, subject: str) -> tuple[tuple[Event, ...], Resolution]:
        """The events a statement of ``subject`` looks through, in file order: theirs, and every
        correction and workflow event with what it names (``events_about``); and what each of those
        came to."""
        return self._through_spine(lambda spine: events_about(spine, subject))

    def workflow(self) -> tuple[tuple[Event, ...], Resolution]:
        """The events the workflow of a period (``jifen.core.workflow``: notices, appeals, pending
        declarations, late records, closes) looks through, in file order (``workflow_events``), and
        what they came to."""
        return self._through_spine(workflow_events)

    def _through_spine(self, gather: Callable[[Spine], tuple[Event, ...]]) -> tuple[tuple[Event, ...], Resolution]:
        """``gather(spine)`` and their resolution, where the book was opened through a kept replay (the
        rest of the log is not read); else the whole log and its resolution: with several versions
        of the scheme, or an event not readable alone."""
        spine = self._kept.spine if self._kept is not None else None
        if spine is not None and len(self.versions) == 1:
            from jifen.core import corrections

            try:
                found = gather(spine)
            except LookupError:
                pass
            else:
                return found, corrections.resolve(found)
        return tuple(self.ledger.events), self.resolution

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
        if len(self.versions) > 1:  # the words of the version its year is scored by (a correction: its target's)
            scheme = self.scheme_for(versions.counting_year(event, self._by_id.get))
        else:
            scheme = self.scheme
        return describe(event, self.members, scheme, self._counted.get(event.id))

    @cached_property
    def _by_id(self) -> dict[int, Event]:
        return {e.id: e for e in self.ledger.events}

    @cached_property
    def _counted(self) -> dict[int, Any]:
        """What each score or declaration counted for its own subject, where the book can be replayed."""
        if self.scheme is None or any(p.is_error for p in self.problems):
            return {}
        return {b.event.id: b.value for index in range(len(self.versions))
                for subject, entries in self._replay(index).booked.items() for b in entries
                if b.event.subject == subject}


def open(directory: Path, search: list[Path] | None = None, today: dt.date | None = None,
         cached: bool = True, deferred: bool = False) -> Book:
    """The ledger in ``directory``, its scheme, and every problem of either, sorted by place.

    ``today``, if given, also reports events dated after it. ``cached`` reads the
    log through ``jifen.store.cache`` (only what was appended since its last snapshot is parsed).
    ``deferred``: the replay is kept in the cache when the caller says (``Book.keep``), once a
    report has asked its scores, rather than as soon as it is made.
    """
    search = search_path() if search is None else search
    with collector_paused():
        read = cache.read(directory, use=cached)
        kept = _kept(directory, read, search, today) if cached else None
        clean = kept.count if kept is not None and kept.replay is not None else 0
        if clean:  # the start of the log was found clean and replayed: what is asked of it is read through its spine
            kept = kept._replace(spine=cache.spine(directory, ledger_io.locate(directory), read.data).spine)
        schemes, problems = checked(read.ledger, read.problems, search, today, cached, clean,
                                    kept.spine if kept is not None else None)
    return Book(read.ledger, schemes[0].scheme if schemes else None, tuple(problems), read.stale, schemes, kept,
                deferred)


class Kept(NamedTuple):
    """A replay of the log's start that the cache kept (``replay`` None: none, or not for this
    scheme and code), and what a book needs to keep its own replay there."""

    directory: Path
    data: bytes  # the log's bytes as read
    count: int  # the events the kept replay covers: they were found without any problem on ``day`` or before
    replay: Any  # ``engine.Standings.data()``, or None
    marks: str  # the scheme file, its hash and jifen's code, as a cache key
    day: int  # the day this book's events are checked on (``NO_DAY`` without one)
    spine: Spine | None = None  # the log's spine (where ``replay`` is kept): events by id, the roster


SCORED_ANEW = 16  # scores a run made that the kept replay did not have, beyond which it is kept again
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
            cached: bool = False, clean: int = 0,
            spine: Spine | None = None) -> tuple[tuple[versions.Version, ...], list[Problem]]:
    """The versions of the scheme of ``ledger`` (read with ``problems``) and every problem of any of
    them, sorted by place: the one definition of "a ledger with problems" that every command uses
    (``open`` for readers, ``record`` for writers). With ``today``, events dated after it are problems too.
    ``clean``: the first events of the log that were found without a problem (on ``today`` or before)
    under this scheme; where the scheme has one version and ``spine`` (the log's) is given, only
    those after them are checked, each against the spine as it was before it was appended
    (``validate.event_problems``): the events before them are not read."""
    found = list(problems)
    schemes, scheme_problems = versions_of(ledger if spine is None else spine, search, cached)
    found += scheme_problems
    if len(schemes) == 1 and clean and spine is not None:
        found += _appended_problems(ledger, clean, schemes[0].scheme, today, spine)
    elif schemes:
        found += validate.ledger_problems(ledger, schemes[0].scheme, today, schemes)
    found.sort(key=Problem.sort_key)
    return schemes, found


def _appended_problems(ledger: Ledger, clean: int, scheme: Scheme, today: dt.date | None,
                       whole: Spine) -> list[Problem]:
    """The problems of the events of ``ledger`` after its first ``clean`` ones, which have none: each
    checked against the log before it, as ``record`` checks an append (``whole``: the log's spine)."""
    from jifen.core import roster

    appended = tuple(ledger.events[clean:])
    if not appended:
        return []
    spine = whole.without(appended, ledger.events[clean - 1].id)
    members = roster.of(spine)
    found: list[Problem] = []
    for event in appended:
        found += validate.event_problems(spine, scheme, event, today, members)
        spine = spine.plus(event)
        members = roster.of(spine) if event.kind in ROSTER_KINDS else members
    return found


def scheme_of(ledger: Ledger | Spine, search: list[Path], cached: bool = False) -> tuple[Scheme | None, list[Problem]]:
    """The scheme the ``open`` event of ``ledger`` (or of a spine) names, and the problems of every
    version; ``cached``: their YAML read through the ledger's cache."""
    schemes, problems = versions_of(ledger, search, cached)
    return (schemes[0].scheme if schemes else None), problems


def versions_of(ledger: Ledger | Spine, search: list[Path],
                cached: bool = False) -> tuple[tuple[versions.Version, ...], list[Problem]]:
    """Every version of the scheme of ``ledger`` (or of a spine): the one its ``open`` event names,
    then each one an ``adopt`` event names, with the years each governs; and the problems of
    each (its own, a file missing or not the one the log pinned by its hash). None if the first
    cannot be read; an adopted version with an error is left out (its problem says why)."""
    if ledger.header is None:
        return (), []
    directory = Path(ledger.path).parent
    parse = cache.yaml_parse(directory) if cached else None
    path = scheme_io.find(ledger.scheme_ref, search, base=directory)
    first, problems = _pinned(ledger.header, path, parse)
    if first is None:
        return (), problems
    adopted = []
    for event in versions.valid(ledger.events):
        try:
            path = scheme_io.find(event.scheme or "", [], base=directory)
        except JifenError:
            problems.append(Problem(event.at("scheme"), "adopt.no-file", {"path": str(directory / (event.scheme or ""))}))
            continue
        scheme, found = _pinned(event, path, parse)
        problems += found
        if scheme is not None and scheme.subjects != first.subjects:
            problems.append(Problem(event.at("scheme"), "adopt.subjects", {
                "path": str(path), "subjects": scheme.subjects, "ledger": first.subjects}))
        elif scheme is not None and not any(p.is_error for p in found):
            adopted.append((scheme, event))
    return versions.spans((first, ledger.header), adopted), problems


def _pinned(event: Event, path: Path, parse: Any) -> tuple[Scheme | None, list[Problem]]:
    """The scheme in ``path``, which ``event`` (``open`` or ``adopt``) names, and its problems: a
    hash other than the one ``event`` pinned is one (the rules changed under the log: every
    period they govern would be rescored)."""
    scheme, problems = scheme_io.load(path, parse)
    pinned = event.scheme_hash
    if pinned is not None:
        found = scheme_io.digest(path)
        if found != pinned:
            problems = [*problems, Problem(event.at("scheme_hash"), "scheme.hash-changed",
                                           {"path": str(path), "pinned": pinned, "found": found})]
    return scheme, problems


# --- choosing --------------------------------------------------------------------------------


class Glance(NamedTuple):
    """What a front end offers to choose from before anything is recorded (shell completion, the
    interactive add): the log's spine (``get(id)`` reads any event), its scheme (None if it has
    problems) and its roster as it stands. Nothing here is replayed or checked."""

    spine: Spine
    scheme: Scheme | None
    members: Mapping[str, Member]

    def latest(self, count: int) -> list[Event]:
        """The last ``count`` events of the log, newest first."""
        found = (self.spine.get(i) for i in range(self.spine.last_id, max(self.spine.last_id - count, 0), -1))
        return [event for event in found if event is not None]


def glance(directory: Path, search: list[Path] | None = None, cached: bool = True) -> Glance:
    """The ledger in ``directory`` at a glance (``Glance``), read through the cache's spine: the
    cost is the log's bytes read and hashed, not its events replayed. LedgerNotFound if there is none."""
    from jifen.core import roster

    search = search_path() if search is None else search
    path = ledger_io.locate(directory)
    with collector_paused():
        data = ledger_io.read_bytes(path)
        if cached:
            spine = cache.spine(directory, path, data).spine
        else:
            spine = Spine.of(ledger_io.parse(str(path), data)[0])
        scheme, problems = scheme_of(spine, search, cached)
    return Glance(spine, scheme if not any(p.is_error for p in problems) else None, roster.of(spine))


# --- writing ---------------------------------------------------------------------------------


BALANCE = "balance"  # an effect's ``period`` when it is on the exchange balance (a redeem), not a score


class Effect(NamedTuple):
    """What a new event does to its subject's score: the points it counts (``None`` if it counts
    nothing now: a declaration not yet approved, a roster or workflow event), in the scoring
    ``period`` of its date, whose shown total goes from ``before`` to ``after`` (None while a panel
    has not evaluated the period: 未评); ``why`` (a
    catalogue code and its arguments) if it counts less than its rule (dedupe, a cap)."""

    value: Decimal | None
    period: str
    before: Decimal | None
    after: Decimal | None
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
           commit: bool = False, cached: bool = True, dry_run: bool = False, effects: bool = False,
           author: tuple[str, str] | None = None) -> Recorded:
    """Append the event ``fields(spine, members)`` describes (``record_all`` with one event)."""
    return record_all(directory, lambda spine, members: [fields(spine, members)], today=today, lang=lang,
                      search=search, commit=commit, cached=cached, dry_run=dry_run, effects=effects,
                      author=author)[0]


def record_all(directory: Path, fields: ManyFields, *, today: dt.date, lang: str, search: list[Path] | None = None,
               commit: bool = False, cached: bool = True, dry_run: bool = False,
               effects: bool = False, author: tuple[str, str] | None = None) -> list[Recorded]:
    """Append the events ``fields(spine, members)`` describes, all or none, after checking each
    against the log as read under the lock and the new ones before it; with ``commit``, commit
    the ledger file alone with a message in words (``author``: the commit's author's name and
    e-mail, if not git's own user: the web pages give the signed-in person). A ``rule`` may be given as people name it
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
        schemes, problems = versions_of(spine, search, cached)
        if not schemes:
            raise InvalidInput("scheme.has-problems", problems=problems, path=spine.scheme_ref)
        seen.update(spine=spine, scheme=schemes[0].scheme, versions=schemes)
        members = roster.of(spine)
        made = []
        for n, values in enumerate(fields(spine, members)):
            probe = Event(id=next_id + n, source=Source("<arguments>", 0, 0), **values)
            version = versions.in_force(schemes, versions.counting_year(probe, spine.get))
            scheme = version.scheme
            if n == 0:
                seen.update(scheme=scheme, version=version)
            if values.get("rule"):
                values["rule"] = rule_id(scheme, values["rule"])
            if values.get("kind") == "redeem":
                values.update(_priced(scheme, values.get("item") or ""))
            event = Event(id=next_id + n, source=Source("<arguments>", 0, 0), **values)
            # a warning (an evaluation form lacking aspects: its panel stays 未评) does not refuse the record
            wrong = [p for p in validate.event_problems(spine, scheme, event, today, members) if p.is_error]
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

    def written(data: bytes, appended: bytes) -> None:  # the log as appended: no errors before, none in what was added
        if cached:
            cache.keep_clean(directory, search, data, today, appended)

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
    counted = (effects_of(directory, seen["spine"], events, scheme, cached, seen["version"].years)
               if effects and events else {})
    said = [messages.text(f"said.{e.kind}" if messages.known(f"said.{e.kind}") else code, lang,
                          **_as_counted(args, counted.get(e.id)))
            for e, (code, args) in zip(events, described)]
    sha = None
    if commit and not dry_run and events:
        sha = _commit(directory, spine.name, events, summaries, lang, author)
    return [Recorded(e, summary, sha, seen["stale"], counted.get(e.id), dry_run, words)
            for e, summary, words in zip(events, summaries, said)]


def effects_of(directory: Path, spine: Spine, new: list[Event], scheme: Scheme, cached: bool = True,
               years: tuple[int | None, int | None] = (None, None)) -> dict[int, Effect]:
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
    # each subject's new events are replayed with that subject's events alone (a new event dated before
    # others is booked again with all after it: many records of many members, each on its own, stay
    # cheap), unless a share of one member's points goes to another, or a new event has no subject
    whole = any(c.split for c in scheme.categories) or any(not e.subject for e in new)
    groups = [new] if whole else [[e for e in new if e.subject == s] for s in dict.fromkeys(e.subject for e in new)]
    found: dict[int, Effect] = {}
    for group in groups:
        subjects = {e.subject for e in group}
        kept: list[Event] = []
        kept_ids: set[int] = set()
        for event in log:
            if event.id in new_ids:
                continue
            if (whole or event.kind in ROSTER_KINDS or event.subject in subjects
                    or (event.subject is None and (event.target is None or event.target in kept_ids))):
                kept.append(event)
                kept_ids.add(event.id)
        after = engine.replay(kept, scheme, years)
        for event in group:  # one at a time: each new event's total before is the one after those before it
            before, after = after, after.extend([event])
            if not event.subject or event.subject not in after.members or event.kind in ROSTER_KINDS:
                continue  # a join, a role, a group or a status counts no points of its own
            if event.kind == "redeem":  # what it does is to the balance, not to a score
                from jifen.core import exchange

                found[event.id] = Effect(None, BALANCE, exchange.balance(before, event.subject).left,
                                         exchange.balance(after, event.subject).left)
                continue
            # an evaluation counts in the period it evaluates (given with --period), not the one it was recorded in
            period = engine.eval_period(event, scheme) if event.kind == "eval" else Period.of(event.date, scheme.period)
            booked = [b for b in after.entries(event.subject) if b.event.id == event.id]
            value = sum((b.value for b in booked), Decimal(0)) if booked else None
            was, now = before.score(event.subject, period), after.score(event.subject, period)
            found[event.id] = Effect(
                value, str(period),
                None if was.missing else shown(was.total, scheme.precision),  # None: 未评, a panel not in
                None if now.missing else shown(now.total, scheme.precision),
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


def refuse_rescoring(opened: Book, scheme: Scheme, start: dt.date) -> None:
    """InvalidInput, before anything is written, if adopting ``scheme`` from ``start`` in the usable
    book ``opened`` cannot be done without changing the past or breaking the log: a day that is not
    the first of a year, not later than the version in force before, in a quarter already closed;
    a scheme for other subjects; or an event already recorded for the years it would govern that
    it cannot score (a rule it removed or renamed …), each listed with its file and line."""
    events = opened.ledger.events
    probe = Event(id=(events[-1].id if events else 0) + 1, date=start, kind="adopt", source=Source("<arguments>", 0, 0),
                  scheme="", scheme_hash="", effective=start)
    later = [v.first for v in opened.versions if v.first is not None]
    wrong = versions.adopt_problems(probe, max(later) if later else None, [e for e in events if e.kind == "close"])
    if wrong:
        raise InvalidInput(wrong[0].code, **wrong[0].args)
    first = opened.versions[0]
    if scheme.subjects != first.scheme.subjects:
        raise InvalidInput("adopt.subjects", path=scheme.path, subjects=scheme.subjects, ledger=first.scheme.subjects)
    after = versions.spans((first.scheme, first.event), [*((v.scheme, v.event) for v in opened.versions[1:]), (scheme, probe)])
    now = {(p.source, p.code) for p in opened.problems}
    found = [p for p in validate.ledger_problems(opened.ledger, first.scheme, None, after)
             if (p.source, p.code) not in now and p.is_error]
    if found:
        raise InvalidInput("adopt.rescores", problems=tuple(found), count=len(found), year=start.year, scheme=scheme.id)


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
    if cached and (cache.clean(directory, search, data, today) or _replayed_clean(directory, data, search, today)):
        return []
    whole, problems = ledger_io.parse(path, data)
    _, found = checked(whole, problems, search, today, cached)
    errors = [p for p in found if p.is_error]
    if not errors and cached:
        cache.keep_clean(directory, search, data, today)
    return errors


def _replayed_clean(directory: Path, data: bytes, search: list[Path], today: dt.date) -> bool:
    """Whether a report replayed exactly these bytes and found them clean, under the same scheme and
    code, on ``today`` or before: the first ``add`` after a report need not read the whole log."""
    found = cache.replayed_clean(directory, data)
    if found is None:
        return False
    marks, day = found
    return marks == cache.result_key(directory, search, "replay", data=data, whole=False) and day <= today.toordinal()


def _commit(directory: Path, branch: str, events: list[Event], summaries: list[str], lang: str,
            author: tuple[str, str] | None = None) -> str:
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
        also = [directory / e.scheme for e in events if e.kind == "adopt" and e.scheme]  # a version's copy with it
        return gitrepo.commit_file(repo, ledger_io.locate(directory), message, *also, author=author)
    except JifenError as exc:
        detail = messages.text(exc.code, lang, **exc.args_)
        raise PartlyWritten("book.appended-not-committed", id=ids, detail=detail,
                            path=str(directory / ledger_io.FILENAME)) from None


def describe(event: Event, members: Mapping[str, Member], scheme: Scheme | None,
             counted: Any = None) -> tuple[str, dict[str, Any]]:
    """One event in words (a catalogue code and its arguments): for commit messages and ``jifen log``;
    ``counted``, if given and not what the rule gives, is shown after it."""
    from jifen.core import engine

    member = members.get(event.subject or "")
    who = f"{member.name}({member.id})" if member else (event.subject or "")
    rule = scheme.rule(event.rule or "") if scheme is not None and event.rule else None
    value = engine.raw_value(scheme, event) if event.kind in ("score", "declare") and rule else None
    args: dict[str, Any] = {
        "id": event.id, "date": event.date.isoformat(), "who": who, "by": event.by or "",
        "rule": event.rule or "", "rule_name": rule.name if rule else "",
        "judged": _judged(event) if value is not None else "",
        "value": "" if value is None else _signed(value) + (
            f" → {_signed(counted)}" if counted is not None and counted != value else ""),
        "note": f" {event.note}" if event.note else "", "reason": event.reason or "",
        "target": event.target or "", "period": event.period or "", "panel": event.panel or "",
        "given": _given(event),
        "item": _prize_name(scheme, event.item),
        "decision": messages.Word(f"decision.{event.decision}") if event.decision else "", "days": event.days or "", "name": event.name or "",
        "late": f" [{event.late}]" if event.late else "",
        "member": member.name if member else (event.subject or ""),
        "scheme": event.scheme or "", "effective": event.effective.isoformat() if event.effective else "",
        "category": scheme.category(rule.category).name if rule is not None and scheme is not None else "",
        "role": (scheme.roles.get(event.role, event.role) if scheme is not None else event.role) if event.role else "",
        "group": event.group or "",
        "status": messages.Word(f"status.{event.status}") if event.status else "",
    }
    if event.kind == "redeem" and event.points is not None:  # the price spent, not a score
        from jifen.core.numbers import plain

        args["value"] = plain(event.points)
    return f"log.{event.kind}", args


def _priced(scheme: Scheme, item: str) -> dict[str, Any]:
    """A prize named by its id or name, as a redeem event records it: its id and its price now."""
    prize = scheme.exchange.prize(item) if scheme.exchange is not None else None
    return {"item": prize.id, "points": prize.price} if prize is not None else {}


def _prize_name(scheme: Scheme | None, item: str | None) -> str:
    prize = scheme.exchange.prize(item) if scheme is not None and scheme.exchange is not None and item else None
    return prize.name if prize is not None else (item or "")


def _judged(event: Event) -> str:
    """What a graded rule's level or a rate rule's measure was, before the points they come to
    (``一般 +2``, ``91.5 −9``): an approver reads what was claimed, not only its worth."""
    from jifen.core.numbers import plain

    if event.level:
        return f"{event.level} "
    return f"{plain(event.measure)} " if event.measure is not None else ""


def _given(event: Event) -> str:
    """What an evaluator gave: a score, a rating, or a form's total with its aspects (95(理想信念 9、…))."""
    from jifen.core import typed
    from jifen.core.numbers import plain

    if event.aspects is not None:
        given = typed.aspects(event.aspects)
        return f"{plain(sum(given.values()))}({'、'.join(f'{n} {plain(v)}' for n, v in given.items())})"
    return plain(event.score) if event.score is not None else (event.rating or "")


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
    """Say that this process opens books again and again (a server, a roll-up): never freeze what one built."""
    global _freezing
    _freezing = False
