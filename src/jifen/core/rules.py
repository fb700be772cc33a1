"""Rule kinds of the scheme language, one small unit each, registered in ``KINDS``.

A kind knows three things:

- ``params``: the fields a rule of this kind takes in the scheme, each with its type (the
  scheme reader, ``jifen.store.scheme``, knows how to read each type) and whether it is required;
  and ``validate`` for their values;
- ``check``: whether an event fits the rule (None if it does, else a catalogue
  code and its arguments);
- ``value``: what one event is worth, given ``prior`` (how many earlier events of
  the same rule the subject had that year) and ``full`` (the full marks of the
  item, or category, the rule scores).

Adding a kind is adding a class here and a line to ``KINDS``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from jifen.core.kinds import RULE_VALUES
from jifen.core.model import Event, Rule, Scheme
from jifen.core.numbers import plain

Check = tuple[str, dict[str, Any]] | None
ZERO = Decimal(0)
# occurrences one event may record (``count``) unless the rule states its own ``max_count``:
# a count of 10^12 is a slip of the keyboard, not a record
MAX_COUNT = 1000


def _only(rule: Rule, event: Event, allowed: tuple[str, ...]) -> Check:
    """A problem if ``event`` gives a field this rule's kind does not take."""
    for name in RULE_VALUES:
        if name not in allowed and getattr(event, name) is not None:
            return ("rule.field-not-taken", {"rule": rule.id, "field": name, "kind": rule.kind})
    return None


class Value(NamedTuple):
    """A value a recorder gives with an event under a rule: the event's ``field`` (count, points,
    level, measure), whether it is ``required``, the ``choices`` it takes if it is one of a list, and
    how it is ``shown`` where it is asked for (``N``, ``-2~0``, ``较好|一般``)."""

    field: str
    required: bool
    shown: str
    choices: tuple[str, ...] = ()


class _Kind:
    """What every kind shares: no parameters to validate, no need of the item's full marks.

    ``describe(params)`` says what a rule of the kind is worth, in a line of the handbook;
    ``values(params)`` what a recorder gives with an event of the rule (``jifen add``'s options,
    the questions of the interactive add)."""

    params: Mapping[str, tuple[str, bool]] = {}  # name → (type: decimal or decimal-map, required)
    needs_full = False
    repeats = False  # whether ``value`` reads ``prior``, the events of the rule before

    @staticmethod
    def values(params: Mapping[str, Any]) -> tuple[Value, ...]:
        return ()

    @staticmethod
    def validate(params: Mapping[str, Any]) -> Check:
        return None


class Fixed(_Kind):
    """A fixed number of points per occurrence (``points``), times the event's ``count``."""

    name = "fixed"
    params: Mapping[str, tuple[str, bool]] = {"points": ("decimal", True)}

    @staticmethod
    def validate(params: Mapping[str, Any]) -> Check:
        return ("rule.zero-points", {}) if params["points"] == 0 else None

    @staticmethod
    def describe(params: Mapping[str, Any]) -> str:
        return plain(params["points"])

    @staticmethod
    def values(params: Mapping[str, Any]) -> tuple[Value, ...]:
        return (Value("count", False, "N"),)

    @staticmethod
    def check(rule: Rule, event: Event) -> Check:
        if event.points is not None:
            return ("rule.fixed-takes-no-points", {"rule": rule.id, "points": rule.params["points"]})
        return _only(rule, event, ("count",))

    @staticmethod
    def value(rule: Rule, event: Event, prior: int, full: Decimal | None) -> Decimal:
        return rule.params["points"] * (event.count or 1)


class Range(_Kind):
    """Discretionary (酌情): the recorder gives ``points`` between ``min`` and ``max``."""

    name = "range"
    params = {"min": ("decimal", True), "max": ("decimal", True)}

    @staticmethod
    def validate(params: Mapping[str, Any]) -> Check:
        if params["min"] > params["max"]:
            return ("rule.range-inverted", {"min": params["min"], "max": params["max"]})
        return None

    @staticmethod
    def describe(params: Mapping[str, Any]) -> str:
        return f"{plain(params['min'])} ~ {plain(params['max'])}"

    @staticmethod
    def values(params: Mapping[str, Any]) -> tuple[Value, ...]:
        return (Value("points", True, f"{plain(params['min'])}~{plain(params['max'])}"),)

    @staticmethod
    def check(rule: Rule, event: Event) -> Check:
        low, high = rule.params["min"], rule.params["max"]
        if event.points is None:
            return ("rule.range-needs-points", {"rule": rule.id, "min": low, "max": high})
        if event.count not in (None, 1):
            return ("rule.range-takes-no-count", {"rule": rule.id})
        if not low <= event.points <= high:
            return ("rule.range-outside", {"rule": rule.id, "points": event.points, "min": low, "max": high})
        return _only(rule, event, ("count", "points"))

    @staticmethod
    def value(rule: Rule, event: Event, prior: int, full: Decimal | None) -> Decimal:
        assert event.points is not None
        return event.points


class Progressive(Fixed):
    """累进: the first occurrence in a year is worth ``points``, each repeat ``step`` more.

    ``points: -5, step: -5`` gives −5, −10, −15 …; the item's or category's floor
    stops it (直至扣完). Recorded like a fixed rule, with ``count``.
    """

    name = "progressive"
    repeats = True
    params = {"points": ("decimal", True), "step": ("decimal", True)}

    @staticmethod
    def describe(params: Mapping[str, Any]) -> str:
        return f"{plain(params['points'])}, {plain(params['step'])}…"

    @staticmethod
    def value(rule: Rule, event: Event, prior: int, full: Decimal | None) -> Decimal:
        first, step, count = rule.params["points"], rule.params["step"], event.count or 1
        # first + (prior + k) × step for k in 0 … count−1: an arithmetic series, summed in closed form
        return count * first + step * (count * prior + count * (count - 1) // 2)


class Graded(_Kind):
    """A judged item (参与较好的得5分;一般的得2分): the event names a ``level``; the item
    scores that level's points out of its full marks."""

    name = "graded"
    params = {"levels": ("decimal-map", True)}
    needs_full = True

    @staticmethod
    def describe(params: Mapping[str, Any]) -> str:
        return " / ".join(f"{level} {plain(points)}" for level, points in params["levels"].items())

    @staticmethod
    def values(params: Mapping[str, Any]) -> tuple[Value, ...]:
        return (Value("level", True, "|".join(params["levels"]), tuple(params["levels"])),)

    @staticmethod
    def check(rule: Rule, event: Event) -> Check:
        levels = rule.params["levels"]
        if event.level not in levels:
            return ("rule.graded-needs-level", {"rule": rule.id, "levels": ", ".join(levels)})
        return _only(rule, event, ("level",))

    @staticmethod
    def value(rule: Rule, event: Event, prior: int, full: Decimal | None) -> Decimal:
        assert full is not None and event.level is not None
        return rule.params["levels"][event.level] - full


class LoseItem(_Kind):
    """不得分: the whole item (or category) is lost."""

    name = "lose-item"
    needs_full = True

    @staticmethod
    def describe(params: Mapping[str, Any]) -> str:
        return "0"

    @staticmethod
    def check(rule: Rule, event: Event) -> Check:
        return _only(rule, event, ())

    @staticmethod
    def value(rule: Rule, event: Event, prior: int, full: Decimal | None) -> Decimal:
        assert full is not None
        return -full


class Rate(_Kind):
    """Per unit below a threshold (出勤率95%以上满分,每低一个百分点扣3分): the event gives the
    ``measure``; each whole ``step`` below ``threshold`` is worth ``per_step``."""

    name = "rate"
    params = {
        "threshold": ("decimal", True),
        "per_step": ("decimal", True),
        "step": ("decimal", False),
    }

    @staticmethod
    def describe(params: Mapping[str, Any]) -> str:
        step = params.get("step") or Decimal(1)
        return f"< {plain(params['threshold'])}: {plain(params['per_step'])} / {plain(step)}"

    @staticmethod
    def values(params: Mapping[str, Any]) -> tuple[Value, ...]:
        return (Value("measure", True, "N"),)

    @staticmethod
    def validate(params: Mapping[str, Any]) -> Check:
        if params.get("step", Decimal(1)) <= 0:
            return ("rule.bad-step", {})
        return None

    @staticmethod
    def check(rule: Rule, event: Event) -> Check:
        if event.measure is None:
            return ("rule.rate-needs-measure", {"rule": rule.id, "threshold": rule.params["threshold"]})
        return _only(rule, event, ("measure",))

    @staticmethod
    def value(rule: Rule, event: Event, prior: int, full: Decimal | None) -> Decimal:
        assert event.measure is not None
        below = rule.params["threshold"] - event.measure
        if below <= 0:
            return ZERO
        steps = math.floor(below / rule.params.get("step", Decimal(1)))
        return rule.params["per_step"] * steps


KINDS: dict[str, type] = {kind.name: kind for kind in (Fixed, Range, Progressive, Graded, LoseItem, Rate)}


def check(rule: Rule, event: Event) -> Check:
    """None if ``event`` may be recorded under ``rule``: its kind's check, and a ``count`` of at
    most the rule's ``max_count`` (``MAX_COUNT`` unless the scheme states one)."""
    limit = max_count(rule)
    if event.count is not None and event.count > limit:
        return ("rule.count-too-big", {"rule": rule.id, "count": event.count, "limit": limit})
    return KINDS[rule.kind].check(rule, event)


def max_count(rule: Rule) -> int:
    """The most occurrences one event under ``rule`` may record."""
    return rule.max_count if rule.max_count is not None else MAX_COUNT


def describe(rule: Rule) -> str:
    """What ``rule`` is worth, in a line of the handbook: ``-1``, ``-2 ~ 0``, ``较好 5 / 一般 2`` …"""
    return KINDS[rule.kind].describe(rule.params)


def values(rule: Rule) -> tuple[Value, ...]:
    """The values a recorder gives with an event under ``rule`` (its kind says which)."""
    return KINDS[rule.kind].values(rule.params)


def gives(rule: Rule) -> str:
    """What a recorder gives with ``jifen add`` for ``rule``, as typed: ``--level 较好|一般``,
    ``--points -2~0``, ``--measure N``, ``[--count N]`` (optional), or nothing.

    >>> def given(kind, **params): return gives(Rule("r", "r", "c", kind, params, None))
    >>> given("range", min=Decimal(-2), max=Decimal(0)), given("graded", levels={"较好": 5, "一般": 2})
    ('--points -2~0', '--level 较好|一般')
    >>> given("fixed", points=Decimal(-1)), given("lose-item")
    ('[--count N]', '')
    """
    typed = (f"--{value.field} {value.shown}" for value in values(rule))
    return " ".join(text if value.required else f"[{text}]" for text, value in zip(typed, values(rule)))


def value(rule: Rule, event: Event, prior: int = 0, full: Decimal | None = None) -> Decimal:
    """The points one event under ``rule`` is worth, before floors, caps and shares."""
    return KINDS[rule.kind].value(rule, event, prior, full)


def repeats(rule: Rule) -> bool:
    """Whether what an event under ``rule`` is worth depends on how many came before it that year
    (``value``'s ``prior``): the replay counts those only for such rules."""
    return KINDS[rule.kind].repeats


def valuer(rule: Rule) -> Callable[[Rule, Event, int, Decimal | None], Decimal]:
    """``value`` for events of ``rule``, its kind looked up once (the replay values each event so)."""
    return KINDS[rule.kind].value


# --- finding a rule as people name it ---------------------------------------------

_SEPARATORS = str.maketrans("", "", " \t·・.-_()（）、,，")


def _key(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).translate(_SEPARATORS).lower()


def matches(scheme: Scheme, text: str) -> list[Rule]:
    """The rules of ``scheme`` that ``text`` names, best first: its id, its name (or
    ``category·name``) exactly, else every rule whose id, name or category and name hold
    ``text`` (spaces, dots and brackets ignored, full-width as half-width).

    >>> from jifen.core.model import Category, Scheme, Source
    >>> at = Source("s", 1, 1)
    >>> absent = Rule("study.absent", "缺席三会一课", "study", "fixed", {"points": -1}, at)
    >>> notes = Rule("study.notes", "学习笔记少于1篇", "study", "fixed", {"points": -1}, at)
    >>> late = Rule("work.late", "延迟完成工作", "work", "fixed", {"points": -5}, at)
    >>> scheme = Scheme("s", "s", "s", "members", 2, "quarter", None, (
    ...     Category("study", "理论学习", "deduct", None, None, {}, None, (absent, notes), at),
    ...     Category("work", "工作实绩", "deduct", None, None, {}, None, (late,), at)), "mean", {}, (),
    ...     "zero-period-and-year")
    >>> [r.id for r in matches(scheme, "缺席")], [r.id for r in matches(scheme, "理论学习·笔记")]
    (['study.absent'], ['study.notes'])
    >>> [r.id for r in matches(scheme, "study")], [r.id for r in matches(scheme, "work.late")]
    (['study.absent', 'study.notes'], ['work.late'])
    """
    found = scheme.rule(text.strip())
    if found is not None:
        return [found]
    wanted = _key(text)
    if not wanted:
        return []
    named = [(rule, _key(rule.name), _key(scheme.category(rule.category).name)) for rule in scheme.rules]
    exact = [rule for rule, name, category in named if wanted in (name, category + name, _key(rule.id))]
    if exact:
        return exact
    words = [_key(word) for word in re.split(r"[\s·・/、,，]+", text) if _key(word)]
    return [rule for rule, name, category in named
            if all(word in name or word in category or word in _key(rule.id) for word in words)]


def close(scheme: Scheme, text: str, count: int = 3) -> list[Rule]:
    """The rules whose names (or ids) are nearest ``text``, for a suggestion when none matches."""
    import difflib

    wanted = _key(text)

    def nearness(rule: Rule) -> float:
        return max(difflib.SequenceMatcher(None, wanted, _key(rule.name)).ratio(),
                   difflib.SequenceMatcher(None, wanted, _key(rule.id)).ratio(),
                   max((1.0 for ch in wanted if ch in rule.name and not ch.isascii()), default=0.0) * 0.3)

    ranked = sorted(scheme.rules, key=lambda rule: -nearness(rule))
    return [rule for rule in ranked[:count] if nearness(rule) > 0.2]
