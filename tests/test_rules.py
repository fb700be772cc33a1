"""Rule kinds (jifen.rules): what each accepts, and what one event under it is worth."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from jifen.core import rules
from jifen.core.model import Event, Rule, Source

HERE = Source("方案.yaml", 1)


def rule(kind: str, **params) -> Rule:
    values = {k: (Decimal(str(v)) if isinstance(v, int | float | str) else v) for k, v in params.items()}
    return Rule(id=f"test.{kind}", name="测试规则", category="study", kind=kind, params=values, source=HERE)


def event(**fields) -> Event:
    for name in ("points", "measure"):
        if fields.get(name) is not None:
            fields[name] = Decimal(str(fields[name]))
    return Event(id=1, date=dt.date(2023, 3, 1), kind="score", source=HERE, subject="张三", **fields)


def test_every_kind_is_registered_under_its_name():
    assert set(rules.KINDS) == {"fixed", "range", "progressive", "graded", "lose-item", "rate"}
    assert all(kind.name == name for name, kind in rules.KINDS.items())


def test_fixed_is_points_times_count():
    absent = rule("fixed", points=-1)
    assert rules.value(absent, event()) == -1
    assert rules.value(absent, event(count=3)) == -3  # −1 × 3
    assert rules.check(absent, event(count=3)) is None


def test_fixed_refuses_points_and_fields_it_does_not_take():
    absent = rule("fixed", points=-1)
    assert rules.check(absent, event(points=-2))[0] == "rule.fixed-takes-no-points"
    code, args = rules.check(absent, event(level="较好"))
    assert code == "rule.field-not-taken" and args["field"] == "level"
    assert rules.KINDS["fixed"].validate({"points": Decimal(0)}) == ("rule.zero-points", {})


def test_range_takes_the_recorders_points_within_its_bounds():
    quality = rule("range", min=-10, max=-0.5)
    assert rules.value(quality, event(points=-1.5)) == Decimal("-1.5")
    assert rules.check(quality, event(points=-10)) is None  # the bounds are inclusive
    assert rules.check(quality, event(points=-0.5)) is None
    assert rules.check(quality, event(points=-11))[0] == "rule.range-outside"
    assert rules.check(quality, event())[0] == "rule.range-needs-points"
    assert rules.check(quality, event(points=-1, count=2))[0] == "rule.range-takes-no-count"
    assert rules.KINDS["range"].validate({"min": Decimal(1), "max": Decimal(0)})[0] == "rule.range-inverted"


def test_progressive_grows_with_each_earlier_occurrence_of_the_year():
    accident = rule("progressive", points=-5, step=-5)
    assert rules.value(accident, event(), prior=0) == -5
    assert rules.value(accident, event(), prior=2) == -15  # the third: −5 + 2 × −5
    assert rules.value(accident, event(count=2), prior=0) == -15  # −5 then −10 in one record


@pytest.mark.parametrize("count, prior", [(1, 0), (2, 3), (7, 0), (13, 5), (1000, 999)])
def test_progressive_sum_in_closed_form_equals_one_term_per_occurrence(count, prior):
    accident = rule("progressive", points="-5", step="-2.5")
    terms = sum(Decimal("-5") + (prior + k) * Decimal("-2.5") for k in range(count))
    assert rules.value(accident, event(count=count), prior=prior) == terms


def test_a_count_of_a_trillion_on_a_progressive_rule_hung_every_report():
    accident = rule("progressive", points=-5, step=-5)
    big = event(count=10**12)
    assert rules.check(accident, big) == ("rule.count-too-big",
                                          {"rule": accident.id, "count": 10**12, "limit": rules.MAX_COUNT})
    # what a log already holding it is worth is computed at once, not by 10^12 additions
    assert rules.value(accident, big) == -5 * 10**12 - 5 * (10**12 * (10**12 - 1) // 2)


def test_a_rule_may_state_its_own_max_count():
    limited = dataclasses.replace(rule("fixed", points=-1), max_count=3)
    assert rules.check(limited, event(count=3)) is None
    assert rules.check(limited, event(count=4))[0] == "rule.count-too-big"
    assert rules.check(rule("fixed", points=-1), event(count=rules.MAX_COUNT)) is None


def test_graded_scores_the_level_out_of_the_items_full_marks():
    decisions = rule("graded", levels={"较好": Decimal(5), "一般": Decimal(2)})
    assert rules.value(decisions, event(level="一般"), full=Decimal(5)) == -3  # 2 − 5
    assert rules.value(decisions, event(level="较好"), full=Decimal(5)) == 0
    code, args = rules.check(decisions, event(level="很好"))
    assert code == "rule.graded-needs-level" and args["levels"] == "较好, 一般"


def test_lose_item_takes_the_whole_item():
    no_plan = rule("lose-item")
    assert rules.value(no_plan, event(), full=Decimal(5)) == -5
    assert rules.check(no_plan, event()) is None
    assert rules.check(no_plan, event(count=2))[0] == "rule.field-not-taken"


@pytest.mark.parametrize("measure, worth", [
    (96, 0), (95, 0),  # at or above 95: full marks
    (94.5, 0),  # half a point below: no whole point yet
    (93.5, -3),  # 1.5 below: one whole point × −3
    (91, -12),  # 4 below: 4 × −3
])
def test_rate_counts_whole_steps_below_the_threshold(measure, worth):
    attendance = rule("rate", threshold=95, per_step=-3)
    assert rules.value(attendance, event(measure=measure)) == worth


def test_rate_with_a_step_and_its_checks():
    attendance = rule("rate", threshold=95, per_step=-1, step=2)
    assert rules.value(attendance, event(measure=90)) == -2  # 5 below: two whole steps of 2
    assert rules.check(attendance, event())[0] == "rule.rate-needs-measure"
    assert rules.KINDS["rate"].validate({"step": Decimal(0)}) == ("rule.bad-step", {})
    assert rules.KINDS["rate"].validate({}) is None
