"""The types every other module shares: sources, problems, events, schemes, results.

All are frozen dataclasses. Everything read from a file remembers where it came
from as a 1-based ``Source``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from jifen.core.kinds import OUTSIDE_SPINE, ROSTER_KINDS
from jifen.core.periods import Period

if TYPE_CHECKING:  # a band's quota is read by jifen.store.scheme, which imports fractions when a scheme has one
    from fractions import Fraction


@dataclass(frozen=True, order=True)
class Source:
    """A 1-based position in a file."""

    path: str
    line: int
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    @classmethod
    def of(cls, path: str, line: int, col: int) -> Source:
        """``Source(path, line, col)``, made faster (see ``Event.of``): the readers make one per event."""
        source = object.__new__(cls)
        state = source.__dict__  # three stores, not update()'s keywords: 0.24 against 0.74 µs
        state["path"], state["line"], state["col"] = path, line, col
        return source


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, positioned. Words come from the catalogue by ``code``."""

    source: Source
    code: str
    args: Mapping[str, Any] = field(default_factory=dict)
    severity: str = "error"  # or "warning": reported, but does not stop the input being used

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple:
        return (self.source.path, self.source.line, self.source.col, self.code)


MAX_PROBLEMS = 200  # problems listed for one input; past this they are only counted
MORE = "problems.more"  # the code of the one problem that says how many more were left out


def capped(problems: Iterable[Problem], dropped: int = 0) -> list[Problem]:
    """The first ``MAX_PROBLEMS`` of ``problems`` by position and, if any (or ``dropped`` more,
    already left out while reading) were left out, one ``MORE`` problem counting them, last."""
    found = sorted(problems, key=Problem.sort_key)
    earlier = [p for p in found if p.code == MORE]
    found = [p for p in found if p.code != MORE]
    more = dropped + sum(p.args["count"] for p in earlier) + max(0, len(found) - MAX_PROBLEMS)
    if not more:
        return found
    error = bool(dropped) or any(p.is_error for p in earlier + found[MAX_PROBLEMS:])
    path = found[0].source.path if found else ""
    return [*found[:MAX_PROBLEMS], Problem(Source(path, 0, 0), MORE, {"count": more, "limit": MAX_PROBLEMS},
                                           "error" if error else "warning")]


def count(problems: Iterable[Problem]) -> int:
    """How many problems ``problems`` stands for, counting those a ``MORE`` problem left out."""
    return sum(p.args["count"] if p.code == MORE else 1 for p in problems)


# --- the ledger -------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    """One appended record of the log. Which fields a kind uses is in ``jifen.kinds.KINDS``."""

    id: int
    date: dt.date
    kind: str
    source: Source
    subject: str | None = None
    rule: str | None = None
    count: int | None = None
    points: Decimal | None = None
    ref: str | None = None
    note: str | None = None
    by: str | None = None
    name: str | None = None
    reason: str | None = None
    target: int | None = None
    scheme: str | None = None
    scheme_hash: str | None = None  # BLAKE3 of the scheme file the log was opened under, pinning it
    effective: dt.date | None = None  # the day an adopted version of the scheme governs from
    subjects: str | None = None
    above: str | None = None  # the party organisation above the branch, as its notices name it
    role: str | None = None
    group: str | None = None  # a group (党小组, 科室 …) a group or ungroup event names
    status: str | None = None  # a status (入党积极分子 …) a status event gives
    level: str | None = None
    measure: Decimal | None = None
    panel: str | None = None
    score: Decimal | None = None
    rating: str | None = None
    item: str | None = None  # the prize a redeem event spends points on
    aspects: str | None = None  # an evaluation form's aspects, canonical text (``typed.aspects`` reads it)
    period: str | None = None
    decision: str | None = None
    days: int | None = None
    late: str | None = None
    origin: str | None = None  # an imported event's sheet, row and row hash (``jifen import``)
    places: Mapping[str, Source] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, values: Mapping[str, Any], source: Source, places: Mapping[str, Source]) -> Event:
        """The event with these typed ``values``, as ``Event(**values, ...)`` makes it, made faster.

        For the readers, which make one per event of a log: a frozen dataclass's
        ``__init__`` sets each of its 27 fields through ``object.__setattr__``. Only the fields
        given are set on the event: a field left out is read from the class, whose attribute is
        the field's default (None), so the event compares, hashes and reads as one made whole
        (a score has 7 of 29 fields: copying the others' defaults into each event cost the
        reader ~30 ms of 100,000 events).
        """
        event = object.__new__(cls)
        state = event.__dict__
        state.update(values)
        state["source"], state["places"] = source, places
        return event

    def at(self, name: str) -> Source:
        """Where field ``name`` was written (the event's start if not known)."""
        return self.places.get(name, self.source)

    @property
    def order(self) -> tuple[dt.date, int]:
        """Replay order: by date, then by id (the order of recording)."""
        return (self.date, self.id)


assert all(getattr(Event, f.name) is None for f in dataclasses.fields(Event)
           if f.default is not dataclasses.MISSING)  # what ``Event.of`` leaves out is read from the class
IN_ORDER = operator.attrgetter("date", "id")
"""``Event.order`` as a sort key, without a property call per event: a log is sorted into replay order whole."""


class _Headed:
    """The header of a log: its first event, if that is the ``open`` event."""

    events: tuple[Event, ...]

    @property
    def header(self) -> Event | None:
        first = self.events[0] if self.events else None
        return first if first is not None and first.kind == "open" else None

    @property
    def name(self) -> str:
        return self.header.name if self.header else ""

    @property
    def scheme_ref(self) -> str:
        return self.header.scheme if self.header else ""

    @property
    def subjects(self) -> str:
        return (self.header.subjects if self.header else None) or "members"

    @property
    def above(self) -> str | None:
        """The organisation above the branch (the committee), if the ``open`` event names one."""
        return self.header.above if self.header else None


@dataclass(frozen=True)
class Ledger(_Headed):
    """A branch's log as read: its path, its events in file order, and its header."""

    path: str
    events: tuple[Event, ...]


class Lookup(Protocol):
    """Events by id: a dict, or a ``Spine`` (which reads bulk events only when asked)."""

    def get(self, event_id: int, default: None = None, /) -> Event | None: ...


@dataclass(frozen=True)
class Member:
    """A subject of the branch (a member, or a branch under a committee) and its spells."""

    id: str
    name: str
    spells: tuple[tuple[dt.date, dt.date | None], ...]  # [joined, left] inclusive; None: still there
    role: str | None = None  # from the latest join (e.g. secretary, manager): what a base by role reads
    # (role or group, from, until): held from ``from`` to the day before ``until`` (None: still held)
    posts: tuple[tuple[str, dt.date, dt.date | None], ...] = ()
    groups: tuple[tuple[str, dt.date, dt.date | None], ...] = ()
    statuses: tuple[tuple[str, dt.date], ...] = ()  # (status, from), in date order; none: a full member

    @classmethod
    def of(cls, id: str, name: str, spells: tuple, role: str | None, posts: tuple = (), groups: tuple = (),
           statuses: tuple = ()) -> Member:
        """``Member(id, name, spells, role, posts, groups, statuses)``, made faster (see ``Event.of``): a
        roster is made on every ``jifen add``, for every member."""
        member = object.__new__(cls)
        member.__dict__.update(id=id, name=name, spells=spells, role=role, posts=posts, groups=groups,
                               statuses=statuses)
        return member

    def roles_on(self, day: dt.date) -> tuple[str, ...]:
        """The roles this member holds on ``day`` (none on a day outside the branch)."""
        return _held(self.posts, day) if self.belongs(day) else ()

    def roles_between(self, start: dt.date, end: dt.date) -> tuple[str, ...]:
        """The roles this member held on some day from ``start`` to ``end`` (inclusive)."""
        return tuple(dict.fromkeys(role for role, since, until in self.posts
                                   if since <= end and (until is None or until > start)))

    def groups_between(self, start: dt.date, end: dt.date) -> tuple[str, ...]:
        """The groups this member was in on some day from ``start`` to ``end`` (inclusive)."""
        return tuple(dict.fromkeys(group for group, since, until in self.groups
                                   if since <= end and (until is None or until > start)))

    def groups_on(self, day: dt.date) -> tuple[str, ...]:
        """The groups (党小组, 科室 …) this member is in on ``day``."""
        return _held(self.groups, day) if self.belongs(day) else ()

    def status_on(self, day: dt.date) -> str | None:
        """The status (入党积极分子 …) given last on or before ``day``; None: a full member, as before
        statuses were recorded."""
        found = None
        for status, start in self.statuses:
            if start <= day:
                found = status
        return found

    def belongs(self, day: dt.date) -> bool:
        for start, end in self.spells:  # a loop, not any(): asked for every event a check reads
            if start <= day and (end is None or day <= end):
                return True
        return False

    def in_span(self, start: dt.date, end: dt.date) -> bool:
        return any(s <= end and (e is None or e >= start) for s, e in self.spells)

    @property
    def active(self) -> bool:
        return bool(self.spells) and self.spells[-1][1] is None


def _held(spells: tuple[tuple[str, dt.date, dt.date | None], ...], day: dt.date) -> tuple[str, ...]:
    return tuple(dict.fromkeys(what for what, start, until in spells if start <= day and (until is None or day < until)))


def flagged(event: Event) -> bool:
    """Whether a workflow report looks at ``event`` for itself: a declaration (pending until decided),
    or a record marked late."""
    return event.kind == "declare" or bool(event.late)


@dataclass(frozen=True)
class Spine(_Headed):
    """What appending to a log needs to know of it, without reading all of it.

    ``events`` are those of every kind but ``BULK_KINDS`` and ``ROSTER_KINDS``,
    in file order: the header, corrections and workflow, which is all a check
    of a new event looks through. The roster's events come when asked for
    (``joins()``), and where the cache kept it, the roster they make
    (``members``; ``jifen.roster.of`` gives it either way). Any event can still
    be had by id (``get``): a correction names its target. ``Spine.of(ledger)``
    makes one from a whole log; ``jifen.store.cache`` keeps one beside the log so
    that ``jifen add`` need not read the rest.
    """

    path: str
    events: tuple[Event, ...]
    last_id: int  # 0 for a log without events
    find: Callable[[int], Event | None] = field(compare=False, repr=False)
    joins: Callable[[], tuple[Event, ...]] = field(compare=False, repr=False)  # join and leave events, in file order
    members: Mapping[str, Member] | None = field(default=None, compare=False, repr=False)  # what ``joins`` make, if kept
    lines: int | None = None  # newlines in the log, where the reader counted them already
    # the events about a subject (scores, declarations, evaluations, vetoes, joins and leaves), in file order
    about: Callable[[str], tuple[Event, ...]] = field(default=lambda subject: (), compare=False, repr=False)
    # the declarations and the late records among the events it leaves out (``flagged``), in file order:
    # with its own events, what the workflow of a period (``jifen.core.workflow``) looks through
    marked: Callable[[], tuple[Event, ...]] = field(default=lambda: (), compare=False, repr=False)

    @classmethod
    def of(cls, ledger: Ledger) -> Spine:
        by_id = {e.id: e for e in ledger.events}
        events = tuple(e for e in ledger.events if e.kind not in OUTSIDE_SPINE)
        joins = tuple(e for e in ledger.events if e.kind in ROSTER_KINDS)
        last_id = ledger.events[-1].id if ledger.events else 0
        bulk: dict[str, list[Event]] = {}

        def about(subject: str) -> tuple[Event, ...]:
            if not bulk:
                for e in ledger.events:
                    if e.kind in OUTSIDE_SPINE and e.subject:
                        bulk.setdefault(e.subject, []).append(e)
                bulk.setdefault("", [])
            return tuple(bulk.get(subject, ()))

        marked = tuple(e for e in ledger.events if e.kind in OUTSIDE_SPINE and flagged(e))
        return cls(ledger.path, events, last_id, by_id.get, lambda: joins, about=about, marked=lambda: marked)

    def plus(self, event: Event) -> Spine:
        """This spine with ``event`` after its last event: what checks the next of several new
        events against the log and the new ones before it."""
        find, joins, members, about = self.find, self.joins, self.members, self.about

        def found(event_id: int) -> Event | None:
            return event if event_id == event.id else find(event_id)

        def about_too(subject: str) -> tuple[Event, ...]:
            return (*about(subject), event) if subject == event.subject else about(subject)

        if event.kind in ROSTER_KINDS:
            earlier = self.joins
            joins, members = (lambda: (*earlier(), event)), None
        events = self.events if event.kind in OUTSIDE_SPINE else (*self.events, event)
        marked = self.marked
        return replace(self, events=events, last_id=event.id, find=found, joins=joins, members=members, lines=None,
                       about=about_too if event.kind in OUTSIDE_SPINE else about,
                       marked=(lambda: (*marked(), event)) if event.kind in OUTSIDE_SPINE and flagged(event) else marked)

    def without(self, appended: Sequence[Event], last_id: int) -> Spine:
        """This spine as it stood before ``appended``, the events at the end of its log, were appended
        (``last_id``: the id of the event before them): what checks each of them as it was appended."""
        if not appended:
            return self
        gone = {e.id for e in appended}
        find, joins, about, marked = self.find, self.joins, self.about, self.marked
        moved = any(e.kind in ROSTER_KINDS for e in appended)  # else the roster is the same

        def found(event_id: int) -> Event | None:
            return None if event_id in gone else find(event_id)

        return replace(self, events=tuple(e for e in self.events if e.id not in gone), last_id=last_id, find=found,
                       joins=(lambda: tuple(e for e in joins() if e.id not in gone)) if moved else joins,
                       members=None if moved else self.members, lines=None,
                       about=lambda subject: tuple(e for e in about(subject) if e.id not in gone),
                       marked=lambda: tuple(e for e in marked() if e.id not in gone))

    def get(self, event_id: int, default: None = None) -> Event | None:
        """The event numbered ``event_id``, bulk or not (``dict.get``'s signature, for lookups)."""
        return self.find(event_id) if 0 < event_id <= self.last_id else default


# --- the scheme -------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A scoring rule: what one occurrence is worth, by its kind (see ``jifen.core.rules``)."""

    id: str
    name: str
    category: str
    kind: str
    params: Mapping[str, Any]
    source: Source
    item: str | None = None
    max_count: int | None = None  # occurrences one event may record; None: ``rules.MAX_COUNT``


@dataclass(frozen=True)
class Item:
    """A numbered item inside a category, with its own full marks (各项分值)."""

    id: str
    name: str
    max: Decimal
    source: Source


@dataclass(frozen=True)
class Category:
    """A scored part of the total; its ``type`` says how events make its value.

    - ``deduct``: starts at ``max`` (or, with ``items``, each item starts at its own
      max and floors at 0); events subtract; floored at ``floor`` (None: no floor).
    - ``points``: starts at ``base`` (by the subject's role, else ``base[""]``);
      events add or subtract; bounded by ``floor`` and ``max`` where given.
    - ``bonus``: starts at 0; events add, credited in date order within ``caps``
      (period kind → cap); ``dedupe == "ref-highest"``: events sharing a ``ref``
      count once, at their highest value; ``requires_total``: counted only if the
      other categories' weighted total reaches it.
    - ``evaluation``: the mean over ``panels`` of each panel's mean evaluation
      score (ratings mapped by ``ratings``), scaled from ``out_of`` to ``max``.

    The scheme total is the sum of ``weight × value`` over categories.
    """

    id: str
    name: str
    type: str
    max: Decimal | None
    floor: Decimal | None
    caps: Mapping[str, Decimal]
    dedupe: str | None
    rules: tuple[Rule, ...]
    source: Source
    weight: Decimal = Decimal(1)
    items: tuple[Item, ...] = ()
    base: Mapping[str, Decimal] = field(default_factory=dict)
    requires_total: Decimal | None = None
    panels: tuple[str, ...] = ()
    out_of: Decimal = Decimal(100)
    ratings: Mapping[str, Decimal] = field(default_factory=dict)
    split: Mapping[str, Decimal] = field(default_factory=dict)  # "member"/"secretary" → share
    aspects: Mapping[str, Decimal] = field(default_factory=dict)  # evaluation form: aspect → its marks

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def base_for(self, role: str | None) -> Decimal:
        return self.base.get(role or "", self.base.get("", Decimal(0)))


@dataclass(frozen=True)
class Band:
    """A half-open band (grade or stars): ``min <= score < max``.

    ``min`` None is open below; ``max`` None means "up to the band above" (or open
    above, for the top band). Bands are listed from the top down. ``quota`` (a
    fraction of the ranked subjects, e.g. 1/3 or 0.4) caps how many may hold it.
    """

    name: str
    min: Decimal | None
    max: Decimal | None
    source: Source
    quota: Fraction | None = None

    def holds(self, score: Decimal, upper: Decimal | None) -> bool:
        """Whether ``score`` falls in this band, ``upper`` being the min of the band above."""
        high = self.max if self.max is not None else upper
        return (self.min is None or score >= self.min) and (high is None or score < high)


@dataclass(frozen=True)
class FlagRule:
    """A condition that puts a flag (a follow-up) on a subject's annual row.

    Year conditions: ``below`` (annual score), ``top``/``bottom`` N (by rank),
    ``veto``. Month conditions (``per == "month"``): ``below``, ``rank_at_most``,
    ``deductions_over`` in a month, held ``months_running`` months in a row. Half-year conditions
    (``per == "half"``, 半年测评; ``half`` 1 or 2 for one half only): ``below``, ``top``/``bottom`` N
    by the half's rank. ``role``
    limits the flag to subjects of that role, ``grade`` to those holding that band
    after quotas (表彰的优秀党员在优秀等次党员中产生). ``ineligible``: the flag also takes
    away eligibility for awards.
    """

    flag: str
    source: Source
    per: str = "year"
    below: Decimal | None = None
    top: int | None = None
    bottom: int | None = None
    veto: bool = False
    rank_at_most: int | None = None
    deductions_over: Decimal | None = None
    months_running: int = 1
    role: str | None = None
    ineligible: bool = False
    grade: str | None = None  # only subjects holding this band (after quotas) get the flag
    half: int | None = None  # per: half — only this half (1: 上半年, the 期中测评; 2); None: both


@dataclass(frozen=True)
class Review:
    """A yearly review that combines with the points' grade (支委会综合民主评议党员和年度积分评等定级): one
    rating per member and year from ``panel`` (``jifen eval --kind … --rating … --period YYYY``), one of
    ``ratings`` (grade names, best first). ``combine == "lower"``: the year's grade is the lower of the
    points' band (after quotas) and the rating; until the rating is in, the grade waits."""

    panel: str
    ratings: tuple[str, ...]
    combine: str
    source: Source


@dataclass(frozen=True)
class Prize:
    """A gift of the exchange catalogue (积分兑换): what it costs in spendable points."""

    id: str
    name: str
    price: Decimal
    source: Source


@dataclass(frozen=True)
class Exchange:
    """Points exchange (积分兑换): the points of the ``spends`` categories that a member earned may be
    spent on ``prizes``; spending never lowers the score that grades. It is open in the last ``days``
    days of every ``every`` (month, quarter or year)."""

    spends: tuple[str, ...]
    every: str
    days: int
    prizes: tuple[Prize, ...]
    source: Source

    def prize(self, text: str) -> Prize | None:
        """The prize whose id or name is ``text``."""
        return next((p for p in self.prizes if text in (p.id, p.name)), None)


@dataclass(frozen=True)
class Scheme:
    """A branch's published scoring rules."""

    id: str
    name: str
    path: str
    subjects: str
    precision: int
    period: str  # the scoring period: "month", "quarter" or "year"
    total: Decimal | None
    categories: tuple[Category, ...]
    annual_method: str  # "mean" (weighted mean of scoring periods) or "sum"
    weights: Mapping[int, Decimal]  # index of the scoring period in the year → weight
    grades: tuple[Band, ...]
    veto_effect: str  # "zero-period-and-year", "clear-year" or "disqualify"
    description: str = ""
    example_values: bool = False  # the source gives no numbers: the values are examples
    annual_on_shown: bool = False  # aggregate the shown (rounded) period scores
    stars: tuple[Band, ...] = ()
    eligible_min: Decimal | None = None  # annual score below it: not eligible for awards
    eligible_min_base: bool = False  # annual score below the subject's base: not eligible
    flags: tuple[FlagRule, ...] = ()
    exemption: bool = False  # members may be exempted (免于考核) for a year
    roles: Mapping[str, str] = field(default_factory=dict)  # role id → its name
    holders: Mapping[str, int] = field(default_factory=dict)  # role id → how many may hold it at once
    statuses: tuple[str, ...] = ("probationary", "full")  # the statuses scored (kinds.MEMBER_STATUSES)
    statuses_apart: bool = False  # each status ranked on its own (积极分子 apart from members)
    exchange: Exchange | None = None  # points that may be spent on gifts (积分兑换), if the scheme has it
    review: Review | None = None  # a yearly review the grade combines with (民主评议), if the scheme has one
    # how a committee's roll-up scores its leaders from the branches (bianban): "secretary": "branch" (a
    # branch's secretary scores the branch's score), "head": "secretaries" (the head, their average)
    leaders: Mapping[str, str] = field(default_factory=dict)

    def rule(self, rule_id: str) -> Rule | None:
        return self._rules_by_id.get(rule_id)

    @functools.cached_property
    def _rules_by_id(self) -> dict[str, Rule]:
        found: dict[str, Rule] = {}
        for rule in self.rules:
            found.setdefault(rule.id, rule)
        return found

    @functools.cached_property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(r for c in self.categories for r in c.rules)

    def category(self, category_id: str) -> Category:
        return self._categories_by_id[category_id]

    @functools.cached_property
    def _categories_by_id(self) -> dict[str, Category]:
        found: dict[str, Category] = {}
        for category in self.categories:
            found.setdefault(category.id, category)
        return found

    @property
    def panels(self) -> tuple[str, ...]:
        """Every evaluation panel a category of this scheme reads."""
        return tuple(p for c in self.categories for p in c.panels)


# --- results ----------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """A subject's score over one period, exact (round only for display)."""

    subject: str
    period: Period
    total: Decimal
    categories: Mapping[str, Decimal]
    veto: bool
    parts: Mapping[str, Decimal] = field(default_factory=dict)  # sub-period → score
    # the evaluation panels the scheme reads that have not scored the subject yet (未评): such a score is
    # not final, and the subject gets no rank, grade or flag until the tuple is empty
    missing: tuple[str, ...] = ()

    @classmethod
    def of(cls, subject: str, period: Period, total: Decimal, categories: Mapping[str, Decimal], veto: bool,
           parts: Mapping[str, Decimal], missing: tuple[str, ...]) -> Score:
        """``Score(subject, period, total, categories, veto, parts, missing)``, made faster (see
        ``Event.of``): a year's grades make five for each member (the year and its four quarters),
        and a frozen dataclass's ``__init__`` costs 3 µs against 1 µs for this."""
        score = object.__new__(cls)
        score.__dict__.update(subject=subject, period=period, total=total, categories=categories, veto=veto,
                              parts=parts, missing=missing)
        return score
