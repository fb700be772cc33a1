"""The replay: events and a scheme in, scores out. Pure: no files, no clock, no git.

``replay(events, scheme)`` books every counted event once, in date order (the
order that bonus caps, progressive rules and shares depend on), and returns
``Standings``, which scores any subject over any period on demand:

- a period no longer than the scheme's scoring period is scored directly: each
  category's value from the period's own events (see ``Category``), and the
  total is the sum of ``weight × value``;
- a longer period (a year, or a quarter of a monthly scheme) combines the
  scoring periods inside it that the subject belonged to, by the scheme's
  annual method (weighted mean or sum), column by column;
- vetoes act by the scheme's effect: zero the periods containing them and the
  year; clear the year from the veto on; or only disqualify (see ``outcomes``).

Scores are exact ``Decimal``; ``shown`` rounds half-up to the scheme's
precision, and ranks and grades are decided on the shown value.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import marshal
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from jifen.core import categories as categories_
from jifen.core import corrections, roster, rules, typed, versions
from jifen.core.kinds import FULL, REWRITES, ROSTER_KINDS, STATUSES
from jifen.core.model import Band, Category, Event, Rule, Scheme, Score
from jifen.core.numbers import shown
from jifen.core.periods import Period

ZERO = Decimal(0)


@dataclass(frozen=True)
class Standing:
    """A subject's place in a period: exact score, the shown (rounded) score, and rank."""

    score: Score
    shown: Decimal
    rank: int

    @property
    def subject(self) -> str:
        return self.score.subject


class _Unmade(Standing):
    """A place ranked on a total the replay kept: its score is made when first asked (a statement
    places its one member among 5,000 from their kept totals alone). Equal to, and hashed as, a
    ``Standing`` of the same score."""

    def __init__(self, standings: Standings, subject: str, period: Period, shown: Decimal, rank: int) -> None:
        # the frozen dataclass's fields, set as its own ``__init__`` would (``score`` is the property below)
        self.__dict__.update(shown=shown, rank=rank, _standings=standings, _subject=subject, _period=period)

    @property
    def score(self) -> Score:  # type: ignore[override]
        return self._standings.score(self._subject, self._period)

    @property
    def subject(self) -> str:
        return self._subject

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Standing):
            return NotImplemented
        return (self.score, self.shown, self.rank) == (other.score, other.shown, other.rank)

    __hash__ = Standing.__hash__


@dataclass(frozen=True, slots=True)
class Booked:
    """What a counted event is worth to one subject in one category (after dedupe, caps, shares).

    Slotted: a replay makes one per counted event and every report reads them all (72 bytes each
    instead of 240 with a ``__dict__``: 100,000 of them fit the processor's caches better)."""

    event: Event
    category: str
    value: Decimal
    item: str | None = None
    why: tuple[str, Mapping[str, Any]] | None = None  # why it counts less than its rule: a code and its args

    @classmethod
    def of(cls, event: Event, category: str, value: Decimal, item: str | None, why: Any) -> Booked:
        """``Booked(event, category, value, item, why)``, made faster, as ``Event.of`` makes an event:
        the booker makes one per counted event, and a frozen dataclass's ``__init__`` sets each field
        through ``object.__setattr__``; here each slot is set through its own descriptor (``_SLOTS``)."""
        entry = object.__new__(cls)
        set_event, set_category, set_value, set_item, set_why = _SLOTS
        set_event(entry, event)
        set_category(entry, category)
        set_value(entry, value)
        set_item(entry, item)
        set_why(entry, why)
        return entry


_SLOTS = tuple(getattr(Booked, name).__set__ for name in ("event", "category", "value", "item", "why"))


@dataclass(frozen=True)
class Evaluation:
    """One evaluator's score of a subject for a period, on the category's ``out_of`` scale."""

    event: Event
    category: str
    panel: str
    period: Period
    value: Decimal
    complete: bool = True  # False: a form lacking aspects, which keeps its panel not in (未评)


Years = tuple[int | None, int | None]
EVERY_YEAR: Years = (None, None)


def replay(events: Iterable[Event], scheme: Scheme, years: Years = EVERY_YEAR) -> Standings:
    """Book ``events`` under ``scheme``, as ``jifen.core.corrections`` resolves them: revoked events and
    roster events do not count. ``years`` (first, last; None: no bound): the years this version of
    the scheme governs (``jifen.core.versions``); events counting in other years are not booked."""
    return Standings(scheme, (), _Booker(scheme, years)).extend(events)


def eval_period(event: Event, scheme: Scheme) -> Period:
    """The period an evaluation is for: its ``period``, else the scoring period of its date."""
    return Period.parse(event.period) if event.period else Period.of(event.date, scheme.period)


def full_marks(scheme: Scheme, rule) -> Decimal | None:
    """The full marks of what ``rule`` scores: its item's, else its category's."""
    category = scheme.category(rule.category)
    item = category.item(rule.item) if rule.item else None
    return item.max if item is not None else category.max


def raw_value(scheme: Scheme, event: Event) -> Decimal | None:
    """What a score event is worth on its own (no repeats, caps or shares); None if its rule is unknown."""
    rule = scheme.rule(event.rule or "")
    return None if rule is None else rules.value(rule, event, 0, full_marks(scheme, rule))


class _Ruled(NamedTuple):
    """A rule as the booker values its events: its category, the full marks of what it scores
    (``full_marks``), its kind's ``value``, whether that reads the repeats before (``rules.repeats``) and whether its
    category's type ``credits`` (caps, dedupe)."""

    rule: Rule
    category: Category
    full: Decimal | None
    value: Callable[[Rule, Event, int, Decimal | None], Decimal]
    repeats: bool
    credits: bool


class _Booker:
    """Values events one by one in date order, keeping the state caps, dedupe and repeats need.

    A booker made from kept data (``from_data``) makes each subject's entries only when first
    asked (``load``): after an append, a report of the branch needs the booked events of those the
    append touched, not of everyone."""

    def __init__(self, scheme: Scheme, years: Years = EVERY_YEAR) -> None:
        self.scheme = scheme
        self.years = years
        self.bounded = years != EVERY_YEAR  # a version of the scheme among several: only its years count
        self.booked: dict[str, list[Booked]] = defaultdict(list)
        self.in_part: dict[tuple[str, Period], list[Booked]] = defaultdict(list)  # by scoring period
        self.evals: dict[str, list[Evaluation]] = defaultdict(list)
        self.vetoes: dict[str, list[Event]] = defaultdict(list)
        self.exempt: dict[str, set[int]] = defaultdict(set)  # subject → exempt years
        self.last: tuple | None = None  # the order (date, id) of the last event booked; None: none yet
        # (subject, rule, year) → events so far, of the rules whose value reads it (``rules.repeats``)
        self.prior: dict[tuple, int] = defaultdict(int)
        self.best: dict[tuple, Decimal] = {}  # (subject, category, year, ref) → highest so far
        self.used: dict[tuple, Decimal] = defaultdict(Decimal)  # (subject, category, period) → credited
        self.kept: dict[str, tuple] = {}  # subject → its state as ``to_data`` kept it, not made yet (``load``)
        self.kept_exempt: dict[str, list[int]] = {}  # subject → exempt years, of those in ``kept``
        self.find: Callable[[int], Event] | None = None  # the events ``kept`` names, by id
        self.touched: set[str] = set()  # the subjects booked to since this booker was made or copied
        # rule id → what booking its events needs (``_rule``): the scheme's lookups, made once a replay
        # instead of once an event (rule, category, item, kind, type: 100,000 events, 5 lookups each)
        self.ruled: dict[str | None, _Ruled] = {}

    def load(self, subject: str) -> None:
        """Make ``subject``'s kept state (``from_data``) into entries, if it is not made yet."""
        row = self.kept.pop(subject, None) if self.kept else None
        if row is None:
            return
        assert self.find is not None
        booked, evals, vetoes, exempt, prior, best, used = unpacked(row)
        find, period = self.find, self.scheme.period
        entries = self.booked[subject]
        for event_id, category, value, item, why in booked:
            event = find(event_id)
            entry = Booked(event, category, _number(value), item, None if why is None else _why_typed(why))
            entries.append(entry)
            self.in_part[(subject, _part(event.date, period))].append(entry)
        if evals:
            self.evals[subject] = [Evaluation(find(i), c, panel, Period(*p), Decimal(v), complete)
                                   for i, c, panel, p, v, complete in evals]
        if vetoes:
            self.vetoes[subject] = [find(i) for i in vetoes]
        if exempt:
            self.exempt[subject] = set(exempt)
        self.prior.update({(subject, *k): n for *k, n in prior})
        self.best.update({(subject, *k): Decimal(v) for *k, v in best})
        self.used.update({(subject, c, Period(*p)): Decimal(v) for c, p, v in used})

    def exempt_years(self, subject: str) -> set[int] | tuple[int, ...]:
        """The years ``subject`` is exempt for, without making their entries (asked of everyone)."""
        if self.kept and subject in self.kept:
            return self.kept_exempt.get(subject, ())
        return self.exempt.get(subject, ())

    def load_all(self) -> None:
        """Make every subject's kept state into entries: for a reader of all of them."""
        for subject in list(self.kept):
            self.load(subject)

    def copy(self) -> _Booker:
        twin = _Booker(self.scheme, self.years)
        for name in ("booked", "in_part", "evals", "vetoes"):
            setattr(twin, name, defaultdict(list, {k: list(v) for k, v in getattr(self, name).items()}))
        twin.exempt = defaultdict(set, {k: set(v) for k, v in self.exempt.items()})
        twin.last = self.last
        twin.prior, twin.best, twin.used = self.prior.copy(), dict(self.best), self.used.copy()
        twin.kept, twin.find, twin.kept_exempt = dict(self.kept), self.find, self.kept_exempt
        return twin

    def to_data(self) -> dict[str, Any]:
        """What was booked, as plain data (str, int, lists, tuples, dicts: what ``marshal`` keeps), each
        event by its id, subject by subject; ``from_data`` makes it a booker again. Every attribute is
        kept: one added to the booker without a line here fails the differential test of ``Standings.data``."""
        missing = set(vars(self)) - {"scheme", "years", "bounded", "in_part", "find", "touched", "ruled", *_KEPT}
        assert not missing, f"booker state not kept: {missing}"  # the ones named: made anew
        subjects: dict[str, list] = {}

        def of(subject: str) -> list:
            found = subjects.get(subject)
            if found is None:
                found = subjects[subject] = [[], [], [], [], [], [], []]
            return found

        for s, entries in self.booked.items():
            of(s)[0] = [(b.event.id, b.category, str(b.value), b.item, None if b.why is None else _why_data(b.why))
                        for b in entries]
        for s, evaluations in self.evals.items():
            of(s)[1] = [(e.event.id, e.category, e.panel, _period_data(e.period), str(e.value), e.complete)
                        for e in evaluations]
        for s, vetoes in self.vetoes.items():
            of(s)[2] = [e.id for e in vetoes]
        for s, years in self.exempt.items():
            of(s)[3] = sorted(years)
        for (s, *key), count in self.prior.items():
            of(s)[4].append((*key, count))
        for (s, *key), value in self.best.items():
            of(s)[5].append((*key, str(value)))
        for (s, category, period), value in self.used.items():
            of(s)[6].append((category, _period_data(period), str(value)))
        return {
            "subjects": {**self.kept, **{s: tuple(row) for s, row in subjects.items()}},
            "exempt": {**{s: y for s, y in self.kept_exempt.items() if s in self.kept},
                       **{s: sorted(years) for s, years in self.exempt.items() if years}},
            "last": None if self.last is None else (self.last[0].toordinal(), self.last[1]),
        }

    @classmethod
    def from_data(cls, scheme: Scheme, data: Mapping[str, Any], find: Callable[[int], Event],
                  years: Years = EVERY_YEAR) -> _Booker:
        """The booker ``to_data`` described, its events found by id with ``find`` (as each subject is
        first asked for: ``load``), booking ``years``."""
        booker = cls(scheme, years)
        booker.kept, booker.find, booker.kept_exempt = dict(data["subjects"]), find, dict(data["exempt"])
        last = data["last"]
        booker.last = None if last is None else (dt.date.fromordinal(last[0]), last[1])
        return booker

    def book(self, event: Event, members: Mapping[str, roster.Member]) -> None:
        """Count ``event``, which is later than all booked so far."""
        self.last = (event.date, event.id)  # ``event.order``, without a property call per event
        if self.bounded and not self._governs(event):
            return  # scored by another version of the scheme
        subject = event.subject or ""
        if self.kept:  # a subject's kept state is made only for a booker restored from kept data
            self.load(subject)
        self.touched.add(subject)
        if event.kind == "score":  # nearly every event: asked first
            self._score(subject, event, members)
        elif event.kind == "veto":
            self.vetoes[subject].append(event)
        elif event.kind == "exempt":
            self.exempt[subject].add(Period.parse(event.period).year if event.period else event.date.year)
        elif event.kind == "eval":
            self._evaluation(subject, event)
        else:
            self._score(subject, event, members)

    def _governs(self, event: Event) -> bool:
        first, last = self.years
        year = versions.counting_year(event)
        return (first is None or first <= year) and (last is None or year <= last)

    def _evaluation(self, subject: str, event: Event) -> None:
        category = next((c for c in self.scheme.categories if event.panel in c.panels), None)
        if category is None:
            return
        complete = True
        if event.aspects is not None:  # a form given aspect by aspect: the panel's score is their sum
            given = form(event.aspects)
            value: Decimal | None = sum(given.values(), ZERO)
            complete = all(name in given for name in category.aspects)
        else:
            value = category.ratings.get(event.rating or "") if event.rating else event.score
        if value is not None:
            period = eval_period(event, self.scheme)
            self.evals[subject].append(Evaluation(event, category.id, event.panel or "", period, value, complete))

    def _score(self, subject: str, event: Event, members: Mapping[str, roster.Member]) -> None:
        ruled = self.ruled.get(event.rule) or self._rule(event.rule)
        if ruled is None:
            return
        rule, category = ruled.rule, ruled.category
        before = 0
        if ruled.repeats:  # only a rule whose value reads the repeats before it counts them (a progressive one)
            key = (subject, rule.id, event.date.year)
            before = self.prior[key]
            self.prior[key] = before + (event.count or 1)
        value = ruled.value(rule, event, before, ruled.full)
        why = None
        if ruled.credits:
            value, why = self._credit(subject, category, event, value)
        secretary = _secretary(members, event) if category.split else None
        if secretary is None or secretary == subject:
            self._put(subject, Booked.of(event, category.id, value, rule.item, why))
            return
        self.load(secretary)
        self.touched.add(secretary)
        self._put(subject, Booked.of(event, category.id, value * category.split["member"], rule.item, why))
        self._put(secretary, Booked.of(event, category.id, value * category.split["secretary"], rule.item, why))

    def _rule(self, rule_id: str | None) -> _Ruled | None:
        """What booking an event of the rule ``rule_id`` needs of the scheme (``ruled``), found once; None
        for a rule the scheme does not have."""
        rule = self.scheme.rule(rule_id or "")
        if rule is None:
            return None
        category = self.scheme.category(rule.category)
        item = category.item(rule.item) if rule.item else None  # full marks (``full_marks``), from the category found
        found = self.ruled[rule_id] = _Ruled(rule, category, item.max if item is not None else category.max,
                                             rules.valuer(rule), rules.repeats(rule), categories_.of(category).credits)
        return found

    def _put(self, subject: str, entry: Booked) -> None:
        self.booked[subject].append(entry)
        self.in_part[(subject, _part(entry.event.date, self.scheme.period))].append(entry)

    def _credit(self, subject: str, category: Category, event: Event,
                value: Decimal) -> tuple[Decimal, tuple[str, Mapping[str, Any]] | None]:
        """The value credited after dedupe and caps, and why it is less than ``value``, if it is:
        ``booked.same-ref`` (the same honour already counted at ``best``) or ``booked.cap``."""
        why: tuple[str, Mapping[str, Any]] | None = None
        if category.dedupe == "ref-highest":
            ref = (subject, category.id, event.date.year, event.ref or f"#{event.id}")
            best = self.best.get(ref, ZERO)
            self.best[ref] = max(best, value)
            if best > 0:
                why = ("booked.same-ref", {"ref": event.ref or "", "best": best})
            value = max(ZERO, value - best)
        for kind, cap in category.caps.items():
            room = max(ZERO, cap - self.used[(subject, category.id, Period.of(event.date, kind))])
            if room < value:
                why = ("booked.cap", {"period": kind, "cap": cap})
            value = min(value, room)
        for kind in category.caps:
            self.used[(subject, category.id, Period.of(event.date, kind))] += value
        return value, why


_KEPT = ("booked", "evals", "vetoes", "exempt", "last", "prior", "best", "used", "kept", "kept_exempt")  # in ``to_data``


@functools.lru_cache(maxsize=1024)
def _number(text: str) -> Decimal:
    """The points ``text`` says, each of the few values points take made once."""
    return Decimal(text)


@functools.lru_cache(maxsize=4096)
def _part(day: dt.date, kind: str) -> Period:
    """The scoring period of kind ``kind`` holding ``day``, each made once: one object for all of its
    days (``Period.of`` makes one a day), so that a key holding it is found equal by identity, not by
    ``Period.__eq__`` (the booker files 100,000 events by their period: 75,000 calls, ~25 ms)."""
    found = Period.of(day, kind)
    return _PARTS.setdefault(found, found)


_PARTS: dict[Period, Period] = {}  # each period ``_part`` gave, by itself: a few per year of the log


def unpacked(row: Any) -> Any:
    """A subject's kept data (``Standings.data``'s ``booker.subjects`` and ``scores``) or a period's kept
    totals (its ``totals``), as given, or as ``marshal`` bytes of it (``jifen.store.cache`` keeps each so:
    a restored replay decodes only those it is asked about)."""
    return marshal.loads(row) if isinstance(row, bytes) else row


def _score_data(score: Score) -> tuple:
    """A ``Score`` as plain data (its subject and period apart): ``_score_typed`` makes it again. Its total
    comes first: a ranking reads only that (``Standings._rank``)."""
    return (str(score.total), [(k, str(v)) for k, v in score.categories.items()],
            score.veto, [(k, str(v)) for k, v in score.parts.items()], score.missing)


def _score_typed(subject: str, period: Period, data: tuple) -> Score:
    """``Score(subject, period, …)`` of ``_score_data``, made as ``Booked.of`` makes an entry: a report
    after an append makes every kept score of a large branch again."""
    total, categories, veto, parts, missing = data
    score = object.__new__(Score)
    score.__dict__.update(subject=subject, period=period, total=_DECIMALS[total],
                          categories={k: _DECIMALS[v] for k, v in categories}, veto=veto,
                          parts={k: _DECIMALS[v] for k, v in parts}, missing=tuple(missing))
    return score


class _Decimals(dict):
    """Each decimal written as text, made once: kept scores repeat the same few hundred values (a
    server's process keeps at most ``KEPT`` of them)."""

    KEPT = 65_536

    def __missing__(self, text: str) -> Decimal:
        if len(self) >= self.KEPT:
            self.clear()
        value = self[text] = Decimal(text)
        return value


_DECIMALS = _Decimals()


def _kept_row(kept: dict[Any, Any], outer: Any, inner: Any) -> Any:
    """``kept[outer][inner]`` of kept scores or totals, ``kept[outer]`` decoded from its ``marshal`` bytes
    the first time it is asked; None if either is not there."""
    rows = kept.get(outer)
    if isinstance(rows, bytes):
        rows = kept[outer] = unpacked(rows)
    return rows.get(inner) if rows is not None else None


def _merged(kept: dict[Any, Any], made: Mapping[Any, Mapping[Any, Any]], stale: frozenset[str]) -> dict[Any, Any]:
    """Kept scores (subject → period → score) without the ``stale`` subjects', with those ``made`` since:
    a subject's as kept (bytes) where nothing was made for them."""
    merged = {s: rows for s, rows in kept.items() if s not in stale}
    for subject, rows in made.items():
        merged[subject] = {**unpacked(merged.get(subject) or {}), **rows}
    return merged


def _totals(kept: dict[tuple, Any], made: Mapping[tuple, Mapping[str, tuple]], stale: frozenset[str]) -> dict[tuple, Any]:
    """Kept totals (period → subject → total) without the ``stale`` subjects', with those ``made`` since:
    a period's as kept (bytes) where nothing under it changed."""
    merged = {period: rows if not stale and period not in made else
              {s: row for s, row in unpacked(rows).items() if s not in stale} for period, rows in kept.items()}
    for period, rows in made.items():
        merged.setdefault(period, {}).update(rows)
    return merged


def _period_data(period: Period) -> tuple[int, str, int]:
    return period.year, period.kind, period.index


def _why_data(why: tuple[str, Mapping[str, Any]] | None) -> tuple | None:
    """A ``Booked.why`` as plain data: its numbers as text, marked."""
    if why is None:
        return None
    code, args = why
    return code, {k: ("D", str(v)) if isinstance(v, Decimal) else v for k, v in args.items()}


def _why_typed(data: tuple | None) -> tuple[str, Mapping[str, Any]] | None:
    if data is None:
        return None
    code, args = data
    return code, {k: Decimal(v[1]) if isinstance(v, tuple) else v for k, v in args.items()}


def _secretary(members: Mapping[str, roster.Member], event: Event) -> str | None:
    """The subject who holds the role ``secretary`` on the day of ``event``, if one does (the first by
    id, should a scheme without a limit have several)."""
    found = roster.holders(members, "secretary", event.date)
    return found[0] if found else None


def _every(name: str) -> Any:
    """A property of ``Standings``: the booker's map ``name`` (subject → …), every subject's entries made
    first from what was kept."""

    def get(standings: Standings) -> Any:
        standings._booker.load_all()
        return getattr(standings._booker, name)

    return property(get, doc=f"Every subject's {name}, subject → …")


class Standings:
    """Scores of every subject over any period, computed from the booked events.

    ``extend`` adds events recorded later; the result is the same as replaying
    the whole log at once.
    """

    def __init__(self, scheme: Scheme, events: tuple[Event, ...], booker: _Booker,
                 resolution: corrections.Resolution | None = None,
                 members: Mapping[str, roster.Member] | None = None) -> None:
        self.scheme = scheme
        self.events = events
        self._booker = booker
        self.members: Mapping[str, roster.Member] = roster.build(events) if members is None else members
        self.rebooked = False  # ``extend`` booked every event again (a late record, a correction)
        self._ranked: dict[Period, list[Standing]] = {}
        self._placed: dict[Period, dict[str, Standing]] = {}
        # each score asked for, kept with the replay (``data``): a subject's score changes only when
        # something is booked to them, so after an append only theirs are scored again
        self._scores: dict[tuple[str, Period], Score] = {}
        # the scores kept with the replay this one was restored from, not made yet (``marshal`` bytes
        # until asked): subject → period (``_period_data``) → score (``_score_data``), and period →
        # subject → (total, whether a panel is missing), what a ranking reads; neither holds the
        # subjects booked to since they were kept (``_stale``)
        self._kept_scores: dict[str, Any] = {}
        self._kept_totals: dict[tuple, Any] = {}
        self._stale: frozenset[str] = frozenset()
        self._grouped: bool | None = None  # ``grouped``, once asked: the roster's alone, kept likewise
        self._subjects: dict[Period, list[str]] = {}  # ``subjects`` asked for: the roster's alone, kept likewise
        self.scored = 0  # scores made, not found kept (``score``)
        self._untouched_values: dict[str | None, dict[str, Decimal]] = {}  # role → ``_untouched``
        if resolution is not None:
            self.__dict__["resolution"] = resolution

    @functools.cached_property
    def resolution(self) -> corrections.Resolution:
        """What every event has come to (``jifen.core.corrections``): the one answer every report reads."""
        return corrections.resolve(self.events)

    @functools.cached_property
    def _kinds(self) -> tuple[tuple[Category, type], ...]:
        """Each category of the scheme with its type (``categories.of``), found once: every score asks."""
        return tuple((c, categories_.of(c)) for c in self.scheme.categories)

    @functools.cached_property
    def _evaluated_categories(self) -> tuple[Category, ...]:
        """The categories valued from evaluations, found once: every score of a part asks."""
        return tuple(c for c, kind in self._kinds if kind.evaluated)

    @functools.cached_property
    def _totalled(self) -> tuple[tuple[tuple[str, Decimal], ...], tuple[tuple[str, Decimal, Decimal], ...]]:
        """How a part's total is added up, found once: each category counted unconditionally (id,
        weight), then each that requires the others' total first (id, weight, the total required)."""
        categories = self.scheme.categories
        return (tuple((c.id, c.weight) for c in categories if c.requires_total is None),
                tuple((c.id, c.weight, c.requires_total) for c in categories if c.requires_total is not None))

    @functools.cached_property
    def _kind_of(self) -> dict[str, tuple[Category, type]]:
        """Each category and its type by id (``_kinds``)."""
        return {c.id: (c, kind) for c, kind in self._kinds}

    def _untouched(self, role: str | None) -> dict[str, Decimal]:
        """Each category's value in a part where nothing was booked to it (an evaluation category's
        where no panel scored), for a subject of ``role``, in the scheme's order: worked out once a role,
        as most of a subject's categories are untouched in most parts (a year's grades of 5,000 members
        asked ``value`` 140,000 times, 80,000 of them for nothing booked)."""
        found = self._untouched_values.get(role)
        if found is None:
            found = self._untouched_values[role] = {c.id: ZERO if kind.evaluated else kind.value(c, ZERO, {}, role)
                                                    for c, kind in self._kinds}
        return found

    @property
    def grouped(self) -> bool:
        """Whether anyone was ever in a group (a report then has a group column): asked once a
        row, so answered once, and kept with the replay (it asks every member of the roster)."""
        if self._grouped is None:
            self._grouped = any(m.groups for m in self.members.values())
        return self._grouped

    # what was booked, subject → entries: every subject's, made from what was kept if not made yet
    booked: dict[str, list[Booked]] = _every("booked")
    evals: dict[str, list[Evaluation]] = _every("evals")
    vetoes: dict[str, list[Event]] = _every("vetoes")
    exempt: dict[str, set[int]] = _every("exempt")

    def _of(self, subject: str) -> _Booker:
        """The booker, with ``subject``'s entries made."""
        self._booker.load(subject)
        return self._booker

    def data(self) -> dict[str, Any]:
        """What the replay booked and the scores asked of it, as plain data (``_Booker.to_data``):
        ``restore`` with the same events and scheme gives these standings again."""
        # what was kept and nothing asked of since, as kept (``marshal`` bytes); the rest decoded, without
        # the subjects booked to since, and with every score made since
        made: dict[str, dict[tuple, tuple]] = defaultdict(dict)
        totals: dict[tuple, dict[str, tuple]] = defaultdict(dict)
        for (subject, period), score in self._scores.items():
            made[subject][_period_data(period)] = row = _score_data(score)
            totals[_period_data(period)][subject] = (row[0], bool(score.missing))
        scores, kept_totals = _merged(self._kept_scores, made, self._stale), _totals(self._kept_totals, totals, self._stale)
        subjects = [(_period_data(period), ids) for period, ids in self._subjects.items()]
        return {"events": len(self.events), "booker": self._booker.to_data(), "scores": scores, "totals": kept_totals,
                "subjects": subjects, "grouped": self._grouped}

    @classmethod
    def restore(cls, scheme: Scheme, events: tuple[Event, ...], data: Mapping[str, Any],
                years: Years = EVERY_YEAR, find: Callable[[int], Event] | None = None,
                members: Mapping[str, roster.Member] | None = None) -> Standings:
        """The standings ``data`` describes (``Standings.data`` of a replay of ``events`` under ``scheme``,
        of ``years``). ``find``: each booked event by id as it counts (a declaration or an amendment as
        a score), ``members``: the roster of ``events``, where the caller has them without reading
        ``events`` (which is then asked only for its length, and when a report reads every event)."""
        if data["events"] != len(events):
            raise ValueError("standings kept for other events")
        resolution = None
        if find is None:
            resolution = corrections.resolve(events)  # what was booked: declarations and amendments as scores
            find = resolution.standing_for.__getitem__
        restored = cls(scheme, events, _Booker.from_data(scheme, data["booker"], find, years), resolution, members)
        restored._kept_scores, restored._kept_totals = dict(data["scores"]), dict(data["totals"])
        restored._subjects = {Period(*period): ids for period, ids in data["subjects"]}
        restored._grouped = data["grouped"]
        return restored

    def extend(self, events: Iterable[Event], members: Mapping[str, roster.Member] | None = None) -> Standings:
        """These standings with ``events`` (recorded after the ones already in) added; ``members``: the
        roster of all of them, if the caller has it."""
        new = tuple(events)
        every = self.events + new
        members = roster.build(every) if members is None else members
        resolved = corrections.resolve(new)
        fresh = resolved.counted
        in_order = not fresh or self._booker.last is None or fresh[0].order > self._booker.last
        kinds = {e.kind for e in new}  # one pass over the events, not one for each question
        rewrites = not kinds.isdisjoint(REWRITES)
        roster_changed = not kinds.isdisjoint(ROSTER_KINDS)
        whole = resolved if not self.events else None
        rebook = not in_order or rewrites or (roster_changed and self._booker.last is not None and self._has_split())
        if not rebook:
            booker = self._booker.copy()
        else:  # a late record, a correction or a new secretary changes what was booked: book all again
            booker = _Booker(self.scheme, self._booker.years)
            whole = corrections.resolve(every)
            fresh = whole.counted
        for event in fresh:
            booker.book(event, members)
        extended = Standings(self.scheme, every, booker, whole, members)
        extended.rebooked = rebook and bool(self.events)
        if not rebook and not roster_changed:  # a score is the subject's entries' and its spells': kept for the rest
            extended._scores = {k: v for k, v in self._scores.items() if k[0] not in booker.touched}
            extended._kept_scores, extended._kept_totals = self._kept_scores, self._kept_totals
            extended._stale = self._stale | booker.touched
            extended._subjects, extended._grouped = dict(self._subjects), self._grouped
        return extended

    def _has_split(self) -> bool:
        return any(c.split for c in self.scheme.categories)

    def subjects(self, period: Period) -> list[str]:
        """The subjects who belonged to the branch at some time in ``period`` with a status the scheme
        scores (party members, unless it says otherwise), by id."""
        found = self._subjects.get(period)
        if found is None:
            scored = self.scheme.statuses
            found = self._subjects[period] = [m.id for m in self.members.values()
                                              if m.in_span(period.start, period.end) and self.status(m.id, period) in scored]
        return list(found)

    def status(self, subject: str, period: Period) -> str:
        """``subject``'s status (入党积极分子 …) at the end of ``period``, or on their last day in the branch
        if that is earlier: a full member if none was recorded."""
        member = self.members.get(subject)
        if member is None:
            return FULL
        last = max((end or period.end for start, end in member.spells if start <= period.end), default=period.end)
        return member.status_on(min(last, period.end)) or FULL

    def is_exempt(self, subject: str, period: Period) -> bool:
        """Whether ``subject`` is exempted (免于考核) for the year of ``period``."""
        return period.year in self._booker.exempt_years(subject)

    def score(self, subject: str, period: Period, until: Event | None = None) -> Score:
        """``subject``'s score over ``period``, counting only events up to ``until`` if given."""
        if until is None:
            found = self._scores.get((subject, period))
            if found is not None:
                return found
            row = self._kept_score(subject, period)
            if row is not None:  # made only for the period asked: the others stay as kept
                found = self._scores[(subject, period)] = _score_typed(subject, period, row)
                return found
        if period.is_within(self.scheme.period):
            found = self._direct(subject, period, until)
        else:
            found = self._aggregate(subject, period, until)
        if until is None:
            self._scores[(subject, period)] = found
            self.scored += 1
        return found

    def _kept_score(self, subject: str, period: Period) -> tuple | None:
        """``subject``'s score over ``period`` as the replay this one was restored from kept it (plain data,
        ``_score_data``), if it kept one and nothing was booked to ``subject`` since."""
        return None if subject in self._stale else _kept_row(self._kept_scores, subject, _period_data(period))

    def _kept_total(self, subject: str, period: Period) -> tuple[str, bool] | None:
        """``subject``'s total over ``period`` and whether a panel was missing, as kept (see ``_kept_score``)."""
        return None if subject in self._stale else _kept_row(self._kept_totals, _period_data(period), subject)

    @property
    def touched(self) -> set[str]:
        """The subjects booked to since the replay this one extends was kept (their scores are made again)."""
        return self._booker.touched

    def vetoed(self, subject: str, period: Period, until: Event | None = None) -> bool:
        """Whether a counted veto against ``subject`` is dated inside ``period``."""
        return any(
            period.contains(v.date) and (until is None or v.order <= until.order)
            for v in self._of(subject).vetoes.get(subject, ())
        )

    def _zeroed(self, subject: str, period: Period, until: Event | None) -> bool:
        effect = self.scheme.veto_effect
        if effect == "zero-period-and-year":
            return self.vetoed(subject, period, until)
        if effect == "clear-year":  # the year's points are cleared from the veto on
            return any(
                v.date.year == period.year and v.date <= period.end and (until is None or v.order <= until.order)
                for v in self._of(subject).vetoes.get(subject, ())
            )
        return False

    def _direct(self, subject: str, period: Period, until: Event | None) -> Score:
        booker = self._of(subject)
        whole = period.kind == self.scheme.period  # the scoring period itself, not a part of one
        part = period if whole else Period.of(period.start, self.scheme.period)  # the scoring period holding it
        sums: dict[str, Decimal] = {}
        items: dict[tuple[str, str], Decimal] = {}
        for entry in booker.in_part.get((subject, part), ()):
            if (whole or period.contains(entry.event.date)) and (until is None or entry.event.order <= until.order):
                sums[entry.category] = sums.get(entry.category, ZERO) + entry.value
                if entry.item is not None:
                    key = (entry.category, entry.item)
                    items[key] = items.get(key, ZERO) + entry.value
        evaluated = {}
        if self._evaluated_categories:  # panels are owed for a whole scoring period, not a part of it
            evaluated = {c.id: self._evaluated(subject, c, period, until, whole) for c in self._evaluated_categories}
        veto = zeroed = False
        if booker.vetoes.get(subject):  # most subjects have none
            veto, zeroed = self.vetoed(subject, period, until), self._zeroed(subject, period, until)
        return self._assemble(subject, period, sums, items, evaluated, veto, zeroed)

    def _assemble(
        self,
        subject: str,
        period: Period,
        sums: dict[str, Decimal],
        items: dict[tuple[str, str], Decimal],
        evaluated: dict[str, tuple[Decimal, tuple[str, ...]]],
        veto: bool,
        zeroed: bool,
    ) -> Score:
        """The score of a period no longer than the scoring period, from what its events add up to:
        ``sums`` holds each category something was booked to (``items`` holds none of the others);
        ``evaluated``: each evaluation category's value and the panels still missing from it."""
        member = self.members.get(subject)
        role = member.role if member is not None else None
        categories = dict(self._untouched(role))  # every category, in the scheme's order, as if nothing was booked
        for category_id, added in sums.items():
            category, kind = self._kind_of[category_id]
            categories[category_id] = kind.value(category, added, items, role)
        for category_id, (value, _) in evaluated.items():
            categories[category_id] = value
        unconditional, conditional = self._totalled
        total = ZERO
        for category_id, weight in unconditional:
            total += weight * categories[category_id]
        for category_id, weight, required in conditional:
            if total < required:
                categories[category_id] = ZERO
            total += weight * categories[category_id]
        if zeroed:
            total = ZERO
        missing = tuple(p for value, panels in evaluated.values() for p in panels) if evaluated else ()
        return Score.of(subject, period, total, categories, veto, {}, missing)

    def _evaluated(self, subject: str, category: Category, period: Period, until: Event | None,
                   whole: bool) -> tuple[Decimal, tuple[str, ...]]:
        panels: dict[str, list[Decimal]] = defaultdict(list)
        incomplete: set[str] = set()
        for entry in self._of(subject).evals.get(subject, ()):
            inside = entry.period.start >= period.start and entry.period.end <= period.end
            if entry.category == category.id and inside and (until is None or entry.event.order <= until.order):
                if entry.complete:
                    panels[entry.panel].append(entry.value)
                else:
                    incomplete.add(entry.panel)
        value = _evaluation_value(category, [(sum(values, ZERO), len(values)) for values in panels.values()])
        return value, _missing(category, panels, whole, incomplete)

    def running(self, subject: str, until: Iterable[Event], kinds: Iterable[str]) -> Iterator[tuple[Event, list[Score]]]:
        """For each event of ``until``, in replay order: ``subject``'s score in the period of each of
        ``kinds`` that holds the event's date, counting events up to that event.

        The same as ``[score(subject, Period.of(e.date, k), until=e) for k in kinds]`` for each ``e``, in
        one pass over the subject's booked events (``score`` stays the reference; see test_engine). Each
        kind must be no longer than the scheme's scoring period.
        """
        kinds = tuple(kinds)
        if any(not Period(2000, k, 1).is_within(self.scheme.period) for k in kinds):
            raise ValueError(f"running scores are for periods within a {self.scheme.period}")
        run = _Running(self.scheme, kinds)
        timeline = heapq.merge(
            ((b.event.order, 0, b) for b in self._of(subject).booked.get(subject, ())),
            ((e.event.order, 1, e) for e in self._of(subject).evals.get(subject, ())),
            ((v.order, 2, v) for v in self._of(subject).vetoes.get(subject, ())),
            key=lambda t: t[:2],
        )
        pending = next(timeline, None)
        for event in sorted(until, key=lambda e: e.order):
            while pending is not None and pending[0] <= event.order:
                run.add(pending[2])
                pending = next(timeline, None)
            yield event, [self._assemble(subject, p, *run.at(p)) for p in (Period.of(event.date, k) for k in kinds)]

    def _aggregate(self, subject: str, period: Period, until: Event | None) -> Score:
        member = self.members.get(subject)
        parts = [
            p for p in period.parts(self.scheme.period) if member is not None and member.in_span(p.start, p.end)
        ]
        scores = [self._direct(subject, p, until) for p in parts]
        combine = self._combining([self.scheme.weights.get(p.index, Decimal(1)) for p in parts])
        rounded, precision = self.scheme.annual_on_shown, self.scheme.precision  # combine the parts' shown values

        def column(values: list[Decimal]) -> Decimal:
            return combine([shown(v, precision) for v in values] if rounded else values)

        categories = {c.id: column([s.categories[c.id] for s in scores]) for c in self.scheme.categories}
        total = column([s.total for s in scores])
        veto = zeroed = False
        if self._of(subject).vetoes.get(subject):  # most subjects have none
            veto, zeroed = self.vetoed(subject, period, until), self._zeroed(subject, period, until)
        if zeroed:
            total = ZERO
        missing = tuple(dict.fromkeys(p for s in scores for p in s.missing))
        return Score.of(subject, period, total, categories, veto, {str(s.period): s.total for s in scores}, missing)

    def _combining(self, weights: list[Decimal]) -> Callable[[list[Decimal]], Decimal]:
        """How the values of parts weighted ``weights`` combine by the scheme's annual method (their sum,
        or their weighted mean): the weights are added up once for every column of a score."""
        if self.scheme.annual_method == "sum":
            return functools.partial(sum, start=ZERO)
        weight = sum(weights, ZERO)
        if weight == 0:  # no parts
            return lambda values: ZERO
        return lambda values: sum(map(operator.mul, values, weights), ZERO) / weight

    def base(self, subject: str, period: Period) -> Decimal:
        """What ``subject`` scores over ``period`` with no events at all (their base)."""
        member = self.members.get(subject)
        role = member.role if member is not None else None
        per_part = sum((c.weight * categories_.of(c).empty(c, role) for c in self.scheme.categories), ZERO)
        if period.is_within(self.scheme.period):
            return per_part
        parts = [p for p in period.parts(self.scheme.period) if member is not None and member.in_span(p.start, p.end)]
        weights = [self.scheme.weights.get(p.index, Decimal(1)) for p in parts]
        return self._combining(weights)([per_part] * len(parts))

    def deductions(self, subject: str, period: Period) -> Decimal:
        """The sum of the negative points booked to ``subject`` in ``period`` (a negative number)."""
        return sum(
            (b.value for b in self._of(subject).booked.get(subject, ()) if b.value < 0 and period.contains(b.event.date)), ZERO
        )

    def unevaluated(self, period: Period) -> list[Score]:
        """The scores of the subjects (not exempt) that a panel has not evaluated in ``period`` yet (未评), by id:
        listed, not ranked, graded or flagged until every panel the scheme reads is in."""
        if not self.scheme.panels:
            return []
        found = (self.score(s, period) for s in self.subjects(period) if not self.is_exempt(s, period))
        return [score for score in found if score.missing]

    def ranked(self, period: Period) -> list[Standing]:
        """Everyone scored in ``period`` (not exempt, not waiting for an evaluation), best first (ties by
        id), ranked on the shown score."""
        if period not in self._ranked:
            self._ranked[period] = self._rank(period)
        return self._ranked[period]

    def standing(self, subject: str, period: Period) -> Standing | None:
        """``subject``'s place in ``ranked(period)``, None if they are not ranked in it."""
        if period not in self._placed:
            self._placed[period] = {s.subject: s for s in self.ranked(period)}
        return self._placed[period].get(subject)

    def _rank(self, period: Period) -> list[Standing]:
        """Ranked together, or, where the scheme ranks statuses apart, one ranking per status in the
        order of ``kinds.STATUSES`` (activists first), one after the other. A score the replay this one
        was restored from kept is ranked on its kept total, and made only when its place is asked for it."""
        totals: dict[str, Decimal] = {}
        for subject in self.subjects(period):
            if self.is_exempt(subject, period):
                continue
            kept = self._kept_total(subject, period) if (subject, period) not in self._scores else None
            if kept is None:
                score = self.score(subject, period)
                if not score.missing:
                    totals[subject] = score.total
            elif not kept[1]:  # no panel missing
                totals[subject] = _DECIMALS[kept[0]]
        shown_scores = {s: shown(total, self.scheme.precision) for s, total in totals.items()}
        if not self.scheme.statuses_apart:
            return self._ranking(period, shown_scores)
        statuses = {s: self.status(s, period) for s in totals}
        return [place for status in STATUSES
                for place in self._ranking(period, {s: v for s, v in shown_scores.items() if statuses[s] == status})]

    def _ranking(self, period: Period, shown_scores: Mapping[str, Decimal]) -> list[Standing]:
        """``shown_scores`` ranked (``ranks``), best first, ties by subject: a place of a score not made yet
        is made when asked (``_Unmade``)."""
        placed: list[Standing] = []
        for subject, rank in ranks(shown_scores).items():
            made = self._scores.get((subject, period))
            value = shown_scores[subject]
            placed.append(Standing(made, value, rank) if made is not None else _Unmade(self, subject, period, value, rank))
        return placed

    def rankings(self, period: Period) -> list[list[Standing]]:
        """``ranked(period)`` as the rankings it is made of: one, or one per status ranked apart."""
        ranked = self.ranked(period)
        if not self.scheme.statuses_apart:
            return [ranked]
        by_status: dict[str, list[Standing]] = {}
        for place in ranked:
            by_status.setdefault(self.status(place.subject, period), []).append(place)
        return list(by_status.values())

    def entries(self, subject: str) -> list[Booked]:
        """``subject``'s counted events in replay order, with what each was worth."""
        return list(self._of(subject).booked.get(subject, ()))


class _Running:
    """What the events booked so far add up to, per period of each kind: the state of ``Standings.running``."""

    def __init__(self, scheme: Scheme, kinds: tuple[str, ...]) -> None:
        self.scheme = scheme
        self.kinds = tuple(dict.fromkeys(kinds))  # a period asked for twice (month, month) is added up once
        self.sums: dict[Period, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        self.items: dict[Period, dict[tuple[str, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        self.panels: dict[tuple[Period, str], dict[str, list]] = defaultdict(dict)  # (period, category) → panel → [sum, n]
        self.incomplete: dict[tuple[Period, str], set[str]] = defaultdict(set)  # panels with a form lacking aspects
        self.vetoed: set[Period] = set()
        self.first_veto: dict[int, dt.date] = {}  # year → the earliest veto date so far

    def add(self, entry: Booked | Evaluation | Event) -> None:
        if isinstance(entry, Booked):
            for kind in self.kinds:
                period = Period.of(entry.event.date, kind)
                self.sums[period][entry.category] += entry.value
                if entry.item is not None:
                    self.items[period][(entry.category, entry.item)] += entry.value
        elif isinstance(entry, Evaluation):
            for kind in self.kinds:
                period = Period.of(entry.period.start, kind)
                if entry.period.end <= period.end and not entry.complete:
                    self.incomplete[(period, entry.category)].add(entry.panel)
                elif entry.period.end <= period.end:
                    totals = self.panels[(period, entry.category)].setdefault(entry.panel, [ZERO, 0])
                    totals[0] += entry.value
                    totals[1] += 1
        else:  # a veto
            self.vetoed.update(Period.of(entry.date, kind) for kind in self.kinds)
            year = entry.date.year
            self.first_veto[year] = min(entry.date, self.first_veto.get(year, entry.date))

    def at(self, period: Period) -> tuple:
        """What ``Standings._assemble`` needs for ``period``: sums, item sums, evaluations, veto, zeroed."""
        evaluated = {}
        for c in self.scheme.categories:
            if categories_.of(c).evaluated:
                panels = self.panels.get((period, c.id), {})
                value = _evaluation_value(c, [tuple(t) for t in panels.values()])
                evaluated[c.id] = (value, _missing(c, panels, period.kind == self.scheme.period,
                                                   self.incomplete.get((period, c.id), set())))
        veto = period in self.vetoed
        effect = self.scheme.veto_effect
        first = self.first_veto.get(period.year)
        zeroed = veto if effect == "zero-period-and-year" else effect == "clear-year" and first is not None and first <= period.end
        return self.sums.get(period, {}), self.items.get(period, {}), evaluated, veto, zeroed


def _missing(category: Category, panels: Mapping[str, Any], whole: bool,
             incomplete: set[str] | frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The panels of ``category`` with no score in ``panels``, or with a form lacking aspects
    (``incomplete``); none for a part of a scoring period (a month of a yearly scheme), for
    which no panel is owed."""
    return tuple(p for p in category.panels if p not in panels or p in incomplete) if whole else ()


@functools.lru_cache(maxsize=4096)
def _form(text: str) -> tuple[tuple[str, Decimal], ...]:
    return tuple(typed.aspects(text).items())


def form(text: str) -> dict[str, Decimal]:
    """The aspects of an evaluation form as the log keeps them (``aspects``), name → score."""
    return dict(_form(text))


def _evaluation_value(category: Category, panels: list[tuple[Decimal, int]]) -> Decimal:
    """An evaluation category's value from each panel's sum and count of scores: the mean of the panels'
    means, on the category's scale."""
    if not panels:
        return ZERO
    means = [total / count for total, count in panels]
    mean = sum(means, ZERO) / len(means)
    assert category.max is not None
    return mean * category.max / category.out_of


# --- what the notice board shows ---------------------------------------------


def ranks(values: dict[str, Decimal]) -> dict[str, int]:
    """Competition ranks, higher first, equal values sharing a rank (1, 2, 2, 4).

    >>> ranks({"a": Decimal(90), "b": Decimal(95), "c": Decimal(90), "d": Decimal(80)})
    {'b': 1, 'a': 2, 'c': 2, 'd': 4}
    """
    order = sorted(values, key=lambda k: (-values[k], k))
    result: dict[str, int] = {}
    for position, key in enumerate(order, start=1):
        previous = order[position - 2] if position > 1 else None
        same = previous is not None and values[previous] == values[key]
        result[key] = result[previous] if same else position
    return result


def grade(value: Decimal, bands: tuple[Band, ...]) -> str | None:
    """The name of the band that holds ``value`` (bands listed top down), None if none does."""
    index = band_index(value, bands)
    return None if index is None else bands[index].name


def band_index(value: Decimal, bands: tuple[Band, ...]) -> int | None:
    """The position of the band that holds ``value``, None if none does."""
    upper: Decimal | None = None
    for index, band in enumerate(bands):
        if band.holds(value, upper):
            return index
        upper = band.min
    return None
