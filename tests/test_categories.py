"""Category types: how each makes its value, its base and its part of the total."""

from __future__ import annotations

from decimal import Decimal as D

from jifen.core import categories
from jifen.core.model import Category, Item, Source

HERE = Source("s.yaml", 1)


def category(type_, **fields):
    values = {"id": "c", "name": "理论学习", "type": type_, "max": None, "floor": None, "caps": {}, "dedupe": None,
              "rules": (), "source": HERE}
    values.update(fields)
    return Category(**values)


def test_deduct_starts_at_max_and_floors_at_zero():
    study = category("deduct", max=D(10), floor=D(0))
    kind = categories.of(study)
    assert kind.value(study, D(-3), {}, None) == D(7)  # 10 − 3
    assert kind.value(study, D(-15), {}, None) == D(0)  # 扣完为止
    assert kind.empty(study, None) == D(10) and kind.full(study) == D(10)


def test_deduct_with_items_floors_each_item_on_its_own():
    # two items of 5 each: −7 on the first costs only its 5; the second is whole
    team = category("deduct", max=D(10), floor=D(0),
                    items=(Item("a", "班子", D(5), HERE), Item("b", "队伍", D(5), HERE)))
    assert categories.of(team).value(team, D(-7), {("c", "a"): D(-7)}, None) == D(5)


def test_points_start_at_the_roles_base_and_stay_within_max():
    duty = category("points", max=D(120), base={"": D(80), "manager": D(100)})
    kind = categories.of(duty)
    assert kind.value(duty, D(5), {}, None) == D(85)
    assert kind.value(duty, D(30), {}, "manager") == D(120)  # 100 + 30, capped at 120
    assert kind.empty(duty, "manager") == D(100) and kind.full(duty) == D(120)


def test_bonus_adds_is_credited_and_shown_apart_and_is_not_part_of_the_total():
    honours = category("bonus")
    kind = categories.of(honours)
    assert kind.value(honours, D(8), {}, None) == D(8)
    assert kind.credits and kind.apart and kind.full(honours) is None and kind.empty(honours, None) == 0


def test_evaluation_is_evaluated_and_describes_its_panels():
    review = category("evaluation", max=D(30), panels=("self", "peer"), out_of=D(10),
                      ratings={"优秀": D(10), "合格": D(8)})
    kind = categories.of(review)
    assert kind.evaluated and not kind.wants_rules and kind.needs == ("max", "panels")
    assert categories.Evaluation.describe(review) == "self, peer /10 优秀=10 合格=8"


def test_the_registry_names_every_type_the_scheme_language_has():
    assert list(categories.TYPES) == ["deduct", "points", "bonus", "evaluation"]
