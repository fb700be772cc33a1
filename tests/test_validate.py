"""Checks of events against the scheme and the roster."""

from __future__ import annotations

import datetime as dt

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
