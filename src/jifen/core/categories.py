"""Category types of the scheme language, one small unit each, registered in ``TYPES``.

A category is a scored part of the total; its type says how the events booked
to it in a period make its value (see ``model.Category``). A type knows:

- ``needs``: the keys a category of this type must give in the scheme, and
  ``floor``, its floor when the scheme gives none;
- ``value``: the category's value from the sum of its events in a period;
- ``empty``: its value when nothing happened (a subject's base), and ``full``:
  what it adds to the scheme's total at full marks (None: not part of it);
- what it takes: ``credits`` (events are credited within caps and dedupe, and
  the category may require a total: bonuses), ``evaluated`` (its value comes
  from evaluations, not rules), ``items``, and ``apart`` (shown in a column of
  its own, after the others);
- ``never``: the sign of a fixed rule's points that can never apply to it.

Adding a type is adding a class here and a line to ``TYPES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from jifen.core.model import Category
from jifen.core.numbers import plain

ZERO = Decimal(0)


class _Type:
    """What every type shares."""

    needs: tuple[str, ...] = ()
    floor: Decimal | None = None
    credits = False
    evaluated = False
    items = False
    apart = False
    wants_rules = True
    never = 0  # +1: a fixed rule giving points never applies; -1: one taking points never does

    @staticmethod
    def empty(category: Category, role: str | None) -> Decimal:
        return ZERO

    @staticmethod
    def full(category: Category) -> Decimal | None:
        return category.max

    @staticmethod
    def bounded(category: Category, value: Decimal) -> Decimal:
        if category.max is not None:
            value = min(value, category.max)
        if category.floor is not None:
            value = max(value, category.floor)
        return value


class Deduct(_Type):
    """Starts at ``max`` (or each item at its own max, floored at 0); events subtract; floored at ``floor``."""

    name = "deduct"
    needs = ("max",)
    floor = ZERO
    items = True
    never = 1

    @classmethod
    def value(cls, category: Category, added: Decimal, items: Mapping[tuple[str, str], Decimal],
              role: str | None) -> Decimal:
        if category.items:
            value = sum((min(max(i.max + items.get((category.id, i.id), ZERO), ZERO), i.max) for i in category.items),
                        ZERO)
        else:
            assert category.max is not None
            value = category.max + added
        return cls.bounded(category, value)

    @staticmethod
    def empty(category: Category, role: str | None) -> Decimal:
        return category.max or ZERO


class Points(_Type):
    """Starts at ``base`` (by the subject's role); events add or subtract; bounded where given."""

    name = "points"
    needs = ("base",)

    @classmethod
    def value(cls, category: Category, added: Decimal, items: Mapping[tuple[str, str], Decimal],
              role: str | None) -> Decimal:
        return cls.bounded(category, category.base_for(role) + added)

    @staticmethod
    def empty(category: Category, role: str | None) -> Decimal:
        return category.base_for(role)

    @staticmethod
    def full(category: Category) -> Decimal | None:
        return category.max if category.max is not None else category.base.get("")


class Bonus(_Type):
    """Starts at 0; events add, credited in date order within caps and dedupe (see ``jifen.core.engine``)."""

    name = "bonus"
    credits = True
    apart = True
    never = -1

    @staticmethod
    def value(category: Category, added: Decimal, items: Mapping[tuple[str, str], Decimal],
              role: str | None) -> Decimal:
        return added

    @staticmethod
    def full(category: Category) -> Decimal | None:
        return None


class Evaluation(_Type):
    """The mean over panels of each panel's mean evaluation score, scaled from ``out_of`` to ``max``."""

    name = "evaluation"
    needs = ("max", "panels")
    evaluated = True
    wants_rules = False

    @staticmethod
    def describe(category: Category) -> str:
        """How an evaluation category scores, in a line of the handbook."""
        scale = f"{', '.join(category.panels)} /{plain(category.out_of)}"
        ratings = " ".join(f"{k}={plain(v)}" for k, v in category.ratings.items())
        return f"{scale} {ratings}".strip()


TYPES: dict[str, type[_Type]] = {t.name: t for t in (Deduct, Points, Bonus, Evaluation)}


def of(category: Category) -> type[_Type]:
    """The type of ``category``."""
    return TYPES[category.type]
