"""Rule kinds of the scheme language, one small unit each, registered in ``KINDS``.

A kind knows three things:

- ``params``: the fields a rule of this kind takes in the scheme (read by ``jifen.scheme``);
- ``check``: whether an event's ``count`` / ``points`` fit the rule (None if they do,
  else a catalogue code and its arguments);
- ``value``: what one event is worth, given how many earlier events of the same rule
  the subject already has in the year (``prior``; progressive kinds use it).

Adding a kind is adding a class here and a line to ``KINDS``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Mapping

from jifen import yamlsrc
from jifen.model import Rule

Check = tuple[str, dict[str, Any]] | None


class Fixed:
    """A fixed number of points per occurrence (``points``), times the event's ``count``."""

    name = "fixed"
    params: Mapping[str, tuple[Callable, bool]] = {"points": (yamlsrc.as_decimal, True)}

    @staticmethod
    def validate(params: Mapping[str, Any]) -> Check:
        return ("rule.zero-points", {}) if params["points"] == 0 else None

    @staticmethod
    def check(rule: Rule, count: int | None, points: Decimal | None) -> Check:
        if points is not None:
            return ("rule.fixed-takes-no-points", {"rule": rule.id, "points": rule.params["points"]})
        return None

    @staticmethod
    def value(rule: Rule, count: int | None, points: Decimal | None, prior: int) -> Decimal:
        return rule.params["points"] * (count or 1)


class Range:
    """Discretionary (酌情): the recorder gives ``points`` between ``min`` and ``max``."""

    name = "range"
    params = {"min": (yamlsrc.as_decimal, True), "max": (yamlsrc.as_decimal, True)}

    @staticmethod
    def validate(params: Mapping[str, Any]) -> Check:
        if params["min"] > params["max"]:
            return ("rule.range-inverted", {"min": params["min"], "max": params["max"]})
        return None

    @staticmethod
    def check(rule: Rule, count: int | None, points: Decimal | None) -> Check:
        low, high = rule.params["min"], rule.params["max"]
        if points is None:
            return ("rule.range-needs-points", {"rule": rule.id, "min": low, "max": high})
        if count not in (None, 1):
            return ("rule.range-takes-no-count", {"rule": rule.id})
        if not low <= points <= high:
            return ("rule.range-outside", {"rule": rule.id, "points": points, "min": low, "max": high})
        return None

    @staticmethod
    def value(rule: Rule, count: int | None, points: Decimal | None, prior: int) -> Decimal:
        assert points is not None
        return points


KINDS: dict[str, type] = {kind.name: kind for kind in (Fixed, Range)}


def check(rule: Rule, count: int | None, points: Decimal | None) -> Check:
    """None if an event with ``count`` and ``points`` may be recorded under ``rule``."""
    return KINDS[rule.kind].check(rule, count, points)


def value(rule: Rule, count: int | None, points: Decimal | None, prior: int = 0) -> Decimal:
    """The points one event under ``rule`` is worth, before category floors and caps."""
    return KINDS[rule.kind].value(rule, count, points, prior)
