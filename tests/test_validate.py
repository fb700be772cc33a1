"""Checks of events against the scheme and the roster."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jifen.core import validate
from jifen.core.model import Ledger


def problems(log, s1, today=None):
    return [p.code for p in validate.ledger_problems(Ledger("t", tuple(log.events)), s1, today)]


def test_clean_log_has_no_problems(log, s1):
    log.join("m1")
    log.score("m1", "study.absent", "2023-02-01", count=2)
    log.score("m1", "study.quality", "2023-02-01", points="-0.5")
    assert problems(log, s1) == []


def test_unknown_rule_suggests_the_closest(log, s1):
    log.join("m1")
    log.score("m1", "study.absnt", "2023-02-01")
    found = validate.ledger_problems(Ledger("t", tuple(log.events)), s1)
    assert [(p.code, p.args["close"]) for p in found] == [("event.unknown-rule", "study.absent")]


def test_fixed_rule_refuses_points_and_range_needs_them(log, s1):
    log.join("m1")
    log.score("m1", "study.absent", "2023-02-01", points="-3")
    log.score("m1", "study.quality", "2023-02-01")
    log.score("m1", "study.quality", "2023-02-01", points="-11")
    log.score("m1", "study.quality", "2023-02-01", points="-1", count=2)
    assert problems(log, s1) == [
        "rule.fixed-takes-no-points", "rule.range-needs-points", "rule.range-outside", "rule.range-takes-no-count",
    ]


def test_membership_dates(log, s1):
    log.join("m1", "2023-03-01")
    log.score("m1", "study.absent", "2023-02-01")  # before joining
    log.leave("m1", "2023-06-30")
    log.score("m1", "study.absent", "2023-06-30")  # the last day still counts
    log.score("m1", "study.absent", "2023-07-01")  # after leaving
    log.score("m9", "study.absent", "2023-07-01")  # nobody
    assert problems(log, s1) == ["event.not-member-then", "event.not-member-then", "event.unknown-subject"]


def test_double_join_and_rejoin(log, s1):
    log.join("m1", "2023-01-01")
    log.join("m1", "2023-02-01")
    assert problems(log, s1) == ["event.already-member"]
    log.events.pop()
    log.leave("m1", "2023-03-01")
    log.join("m1", "2023-05-01")
    assert problems(log, s1) == []


def test_revocations(log, s1):
    join = log.join("m1")
    score = log.score("m1", "study.absent", "2023-02-01")
    log.revoke(score.id)
    log.revoke(score.id)
    log.revoke(join.id)
    log.revoke(99)
    assert problems(log, s1) == ["event.revoked-twice", "event.wrong-target", "event.unknown-target"]


def test_future_dates_only_when_today_is_given(log, s1):
    log.join("m1")
    log.score("m1", "study.absent", "2023-02-01")
    assert problems(log, s1, today=dt.date(2023, 1, 15)) == ["event.future"]
    assert problems(log, s1) == []


SCHEMES_WITH_EVERY_KIND = ["quantified-2023", "dongli-branch-2023", "chaiqian-2019", "longkou-8", "yongzhou-2018"]
given_values = st.tuples(
    st.integers(min_value=0, max_value=1000),  # which kind's rule (one past the last: a rule the scheme lacks)
    # mostly none of a field, so that the same values of a rule come again, the wrong next to the right
    st.sampled_from([None, None, None, 1, 2, 1000, 1001]),  # count
    st.sampled_from([None, None, None, "-0.5", "-1", "-11", "3"]),  # points
    st.sampled_from([None, None, 0, "没有这一档"]),  # level: the rule's first, or none of its
    st.sampled_from([None, None, None, "0", "5", "95"]),  # measure
)


@pytest.mark.parametrize("scheme_id", SCHEMES_WITH_EVERY_KIND)
@settings(max_examples=60, deadline=None)
@given(values=st.lists(given_values, min_size=1, max_size=40))
def test_a_whole_log_finds_the_rule_problems_of_each_event_checked_alone(scheme_id, values):
    """The check of a whole log checks a rule's values once, keeping what fits: the problems it finds
    are every one ``rule_problems`` finds of each event on its own, fitting values given again or not."""
    from decimal import Decimal

    from jifen.store import scheme as scheme_io
    from tests.conftest import Log

    scheme = scheme_io.load_valid(scheme_io.shipped_dir() / f"{scheme_id}.yaml")
    rules_ = list({r.kind: r for c in scheme.categories for r in c.rules}.values())  # one of each kind: given again
    log = Log()
    log.join("张三", name="张三")
    scores = []
    for pick, count, points, level, measure in values:
        rule = rules_[pick % (len(rules_) + 1)] if pick % (len(rules_) + 1) < len(rules_) else None
        levels = sorted(rule.params.get("levels", {})) if rule is not None else []
        chosen = levels[level % len(levels)] if isinstance(level, int) and levels else level if isinstance(level, str) else None
        scores.append(log._add("score", "2023-03-01", subject="张三", rule=rule.id if rule else "学习.没有这条",
                               count=count, points=Decimal(points) if points else None, level=chosen,
                               measure=Decimal(measure) if measure else None))
    found = [(p.source, p.code) for p in validate.ledger_problems(Ledger("台账", tuple(log.events)), scheme)
             if p.code.startswith("rule.") or p.code == "event.unknown-rule"]
    assert found == [(p.source, p.code) for e in scores for p in validate.rule_problems(e, scheme)]
