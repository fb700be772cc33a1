"""The replay: events and a scheme in, scores out. Pure: no files, no clock, no git.

``replay(events, scheme)`` books every counted event once, in date order (the
order that bonus caps and progressive rules depend on), and returns
``Standings``, which scores any subject over any period on demand:

- a period no longer than the scheme's scoring period (a month, or the quarter
  of a quarterly scheme) is scored directly: each ``deduct`` category is its
  max plus the period's deductions, floored; each ``bonus`` category is what
  was credited in the period;
- a longer period (a year, or a quarter of a monthly scheme) aggregates the
  scoring periods inside it that the subject belonged to, by the scheme's
  annual method (weighted mean or sum), column by column;
- a veto zeroes the score of every period that contains it, and of its year.

Scores are exact ``Decimal``; ``shown`` rounds half-up to the scheme's
precision, and ranks and grades are decided on the shown value.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from jifen import roster, rules
from jifen.model import Band, Event, Scheme, Score
from jifen.periods import Period

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


@dataclass(frozen=True)
class Booked:
    """A counted event and what it is worth in its category, after dedupe and caps."""

    event: Event
    category: str
    value: Decimal


def replay(events: Iterable[Event], scheme: Scheme) -> "Standings":
    """Book ``events`` under ``scheme``; revoked events and roster events do not count."""
    return Standings(scheme, (), _Booker(scheme)).extend(events)


class _Booker:
    """Values events one by one in date order, keeping the state caps and dedupe need."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.booked: dict[str, list[Booked]] = defaultdict(list)
        self.vetoes: dict[str, list[Event]] = defaultdict(list)
        self.ids: set[int] = set()
        self.last: tuple | None = None
        self.prior: dict[tuple, int] = defaultdict(int)  # (subject, rule, year) → events so far
        self.best: dict[tuple, Decimal] = {}  # (subject, category, year, ref) → highest so far
        self.used: dict[tuple, Decimal] = defaultdict(Decimal)  # (subject, category, period) → credited

    def copy(self) -> "_Booker":
        twin = _Booker(self.scheme)
        twin.booked = defaultdict(list, {k: list(v) for k, v in self.booked.items()})
        twin.vetoes = defaultdict(list, {k: list(v) for k, v in self.vetoes.items()})
        twin.ids, twin.last = set(self.ids), self.last
        twin.prior, twin.best, twin.used = self.prior.copy(), dict(self.best), self.used.copy()
        return twin

    def book(self, event: Event) -> None:
        """Count ``event`` (a score or a veto), which is later than all booked so far."""
        self.ids.add(event.id)
        self.last = event.order
        subject = event.subject or ""
        if event.kind == "veto":
            self.vetoes[subject].append(event)
            return
        rule = self.scheme.rule(event.rule or "")
        if rule is None:
            return
        key = (subject, rule.id, event.date.year)
        value = rules.value(rule, event.count, event.points, self.prior[key])
        self.prior[key] += 1
        category = self.scheme.category(rule.category)
        if category.type == "bonus":
            value = self._credit(subject, category, event, value)
        self.booked[subject].append(Booked(event, category.id, value))

    def _credit(self, subject: str, category, event: Event, value: Decimal) -> Decimal:
        if category.dedupe == "ref-highest":
            ref = (subject, category.id, event.date.year, event.ref or f"#{event.id}")
            best = self.best.get(ref, ZERO)
            self.best[ref] = max(best, value)
            value = max(ZERO, value - best)
        for kind, cap in category.caps.items():
            period = Period.of(event.date, kind)
            room = max(ZERO, cap - self.used[(subject, category.id, period)])
            value = min(value, room)
        for kind in category.caps:
            self.used[(subject, category.id, Period.of(event.date, kind))] += value
        return value


class Standings:
    """Scores of every subject over any period, computed from the booked events.

    ``extend`` adds events recorded later; the result is the same as replaying
    the whole log at once.
    """

    def __init__(self, scheme: Scheme, events: tuple[Event, ...], booker: "_Booker") -> None:
        self.scheme = scheme
        self.events = events
        self._booker = booker
        self.members: dict[str, roster.Member] = roster.build(events)
        self.booked = booker.booked
        self.vetoes = booker.vetoes

    def extend(self, events: Iterable[Event]) -> "Standings":
        """These standings with ``events`` (recorded after the ones already in) added."""
        new = tuple(events)
        every = self.events + new
        revoked = {e.target for e in every if e.kind == "revoke"}
        counted = sorted((e for e in new if e.kind in ("score", "veto") and e.id not in revoked), key=lambda e: e.order)
        in_order = not counted or self._booker.last is None or counted[0].order > self._booker.last
        touches_booked = any(e.kind == "revoke" and e.target in self._booker.ids for e in new)
        if in_order and not touches_booked:
            booker = self._booker.copy()
        else:  # a late record or a revocation changes what was booked before it: book all again
            booker = _Booker(self.scheme)
            counted = sorted(
                (e for e in every if e.kind in ("score", "veto") and e.id not in revoked), key=lambda e: e.order
            )
        for event in counted:
            booker.book(event)
        return Standings(self.scheme, every, booker)

    def subjects(self, period: Period) -> list[str]:
        """The subjects who belonged to the branch at some time in ``period``, by id."""
        return [m.id for m in self.members.values() if m.in_span(period.start, period.end)]

    def score(self, subject: str, period: Period, until: Event | None = None) -> Score:
        """``subject``'s score over ``period``, counting only events up to ``until`` if given."""
        if period.is_within(self.scheme.period):
            return self._direct(subject, period, until)
        return self._aggregate(subject, period, until)

    def vetoed(self, subject: str, period: Period, until: Event | None = None) -> bool:
        return any(
            period.contains(v.date) and (until is None or v.order <= until.order)
            for v in self.vetoes.get(subject, ())
        )

    def _direct(self, subject: str, period: Period, until: Event | None) -> Score:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for entry in self.booked.get(subject, ()):
            if period.contains(entry.event.date) and (until is None or entry.event.order <= until.order):
                sums[entry.category] += entry.value
        categories: dict[str, Decimal] = {}
        for category in self.scheme.categories:
            value = sums.get(category.id, ZERO)
            if category.type == "deduct":
                assert category.max is not None
                value = min(category.max + value, category.max)
                if category.floor is not None:
                    value = max(value, category.floor)
            categories[category.id] = value
        veto = self.vetoed(subject, period, until)
        total = ZERO if veto else sum(categories.values(), ZERO)
        return Score(subject, period, total, categories, veto)

    def _aggregate(self, subject: str, period: Period, until: Event | None) -> Score:
        member = self.members.get(subject)
        parts = [
            p for p in period.parts(self.scheme.period) if member is not None and member.in_span(p.start, p.end)
        ]
        scores = [self._direct(subject, p, until) for p in parts]
        weights = [self.scheme.weights.get(p.index, Decimal(1)) for p in parts]
        categories = {
            c.id: self._combine([s.categories[c.id] for s in scores], weights) for c in self.scheme.categories
        }
        veto = self.vetoed(subject, period, until)
        total = ZERO if veto else self._combine([s.total for s in scores], weights)
        return Score(subject, period, total, categories, veto, {str(s.period): s.total for s in scores})

    def _combine(self, values: list[Decimal], weights: list[Decimal]) -> Decimal:
        if self.scheme.annual_method == "sum":
            return sum(values, ZERO)
        weight = sum(weights, ZERO)
        if not values or weight == 0:
            return ZERO
        return sum((v * w for v, w in zip(values, weights)), ZERO) / weight

    def ranked(self, period: Period) -> list[Standing]:
        """Everyone who belonged in ``period``, best first (ties by id), ranked on the shown score."""
        scores = {s: self.score(s, period) for s in self.subjects(period)}
        shown_scores = {s: shown(score.total, self.scheme.precision) for s, score in scores.items()}
        places = ranks(shown_scores)
        order = sorted(scores, key=lambda s: (places[s], s))
        return [Standing(scores[s], shown_scores[s], places[s]) for s in order]

    def entries(self, subject: str) -> list[Booked]:
        """``subject``'s counted events in replay order, with what each was worth."""
        return list(self.booked.get(subject, ()))


# --- what the notice board shows ---------------------------------------------


def shown(value: Decimal, precision: int) -> Decimal:
    """``value`` rounded half-up (四舍五入) to ``precision`` decimals: what is displayed.

    >>> str(shown(Decimal("100.245"), 2)), str(shown(Decimal("90.4166"), 2))
    ('100.25', '90.42')
    """
    return value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


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
    upper: Decimal | None = None
    for band in bands:
        if band.holds(value, upper):
            return band.name
        upper = band.min
    return None

