"""The types every other module shares: sources, problems, events, schemes, results.

All are frozen dataclasses. Everything read from a file remembers where it came
from as a 1-based ``Source``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

from jifen.periods import Period


@dataclass(frozen=True, order=True)
class Source:
    """A 1-based position in a file."""

    path: str
    line: int
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, positioned. Words come from the catalogue by ``code``."""

    source: Source
    code: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def sort_key(self) -> tuple:
        return (self.source.path, self.source.line, self.source.col, self.code)


# --- the ledger -------------------------------------------------------------

SUBJECT_KINDS = ("members", "branches")


@dataclass(frozen=True)
class Event:
    """One appended record of the log. Which fields a kind uses is in ``jifen.ledger.KINDS``."""

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
    subjects: str | None = None
    places: Mapping[str, Source] = field(default_factory=dict, compare=False, repr=False)

    def at(self, name: str) -> Source:
        """Where field ``name`` was written (the event's start if not known)."""
        return self.places.get(name, self.source)

    @property
    def order(self) -> tuple[dt.date, int]:
        """Replay order: by date, then by id (the order of recording)."""
        return (self.date, self.id)


@dataclass(frozen=True)
class Ledger:
    """A branch's log as read: its path, its events in file order, and its header."""

    path: str
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


# --- the scheme -------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A scoring rule: what one occurrence is worth, by its kind (see ``jifen.rules``)."""

    id: str
    name: str
    category: str
    kind: str
    params: Mapping[str, Any]
    source: Source


@dataclass(frozen=True)
class Category:
    """A scored part of the total.

    ``deduct``: starts at ``max``, events subtract, floored at ``floor`` (None: no floor).
    ``bonus``: starts at 0, events add, credited in date order within ``caps``
    (period kind → cap); with ``dedupe == "ref-highest"`` events sharing a ``ref``
    count once, at their highest value.
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


@dataclass(frozen=True)
class Band:
    """A half-open grade band: ``min <= score < max``.

    ``min`` None is open below; ``max`` None means "up to the band above" (or open
    above, for the top band). Bands are listed from the top down.
    """

    name: str
    min: Decimal | None
    max: Decimal | None
    source: Source

    def holds(self, score: Decimal, upper: Decimal | None) -> bool:
        """Whether ``score`` falls in this band, ``upper`` being the min of the band above."""
        high = self.max if self.max is not None else upper
        return (self.min is None or score >= self.min) and (high is None or score < high)


@dataclass(frozen=True)
class Scheme:
    """A branch's published scoring rules."""

    id: str
    name: str
    path: str
    subjects: str
    precision: int
    period: str  # the scoring period: "month" or "quarter"
    total: Decimal | None
    categories: tuple[Category, ...]
    annual_method: str  # "mean" (weighted mean of scoring periods) or "sum"
    weights: Mapping[int, Decimal]  # index of the scoring period in the year → weight
    grades: tuple[Band, ...]
    veto_effect: str  # "zero-period-and-year"
    description: str = ""

    def rule(self, rule_id: str) -> Rule | None:
        for category in self.categories:
            for rule in category.rules:
                if rule.id == rule_id:
                    return rule
        return None

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(r for c in self.categories for r in c.rules)

    def category(self, category_id: str) -> Category:
        return next(c for c in self.categories if c.id == category_id)


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
