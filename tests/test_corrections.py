"""Corrections resolved once: each event's status and what the replay counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jifen.core import corrections
from jifen.core.model import Event, Source


class Log:
    def __init__(self):
        self.events = []

    def add(self, kind, date="2023-01-10", **fields):
        event = Event(id=len(self.events) + 1, date=dt.date.fromisoformat(date), kind=kind,
                      source=Source("t", len(self.events) + 1), **fields)
        self.events.append(event)
        return event


def states(log):
    found = corrections.resolve(log.events)
    return {e.id: (found.status(e).state, found.status(e).by) for e in log.events}, found


def test_a_revoked_score_does_not_count_and_names_its_revoke():
    log = Log()
    log.add("join", subject="m01", name="张三")
    log.add("score", subject="m01", rule="study.absent", count=2)
    log.add("revoke", target=2, reason="不属实")
    found, resolution = states(log)
    assert found == {1: ("recorded", None), 2: ("revoked", 3), 3: ("recorded", None)}
    assert resolution.counted == ()


def test_declarations_are_pending_until_approved_and_rejected_ones_never_count():
    log = Log()
    log.add("declare", subject="m01", rule="honor.city", ref="市劳模")
    log.add("declare", subject="m02", rule="honor.city", ref="市劳模")
    log.add("declare", subject="m03", rule="honor.city", ref="市劳模")
    log.add("approve", target=1)
    log.add("reject", target=2, reason="无证明")
    found, resolution = states(log)
    assert found[1] == ("counts", None) and found[2] == ("rejected", 5) and found[3] == ("pending", None)
    assert [(e.id, e.kind) for e in resolution.counted] == [(1, "score")]
    assert resolution.decided == {1, 2}


def test_an_amendment_replaces_its_target_and_a_second_amends_the_first():
    log = Log()
    log.add("score", "2023-02-01", subject="m01", rule="study.quality", points=Decimal("-1"))
    log.add("amend", "2023-03-01", target=1, points=Decimal("-0.5"), reason="酌减")
    log.add("amend", "2023-03-02", target=2, points=Decimal("-0.2"), reason="再减")
    found, resolution = states(log)
    assert found[1] == ("replaced", 2) and found[2] == ("replaced", 3) and found[3] == ("counts", None)
    (only,) = resolution.counted
    # the replacement keeps the original's member and date, and the rule; the latest points
    assert (only.id, only.kind, only.subject, only.date, only.rule, only.points) == (
        3, "score", "m01", dt.date(2023, 2, 1), "study.quality", Decimal("-0.2"))


def test_appeals_are_open_until_ruled_and_an_upheld_ruling_cancels_or_replaces():
    log = Log()
    log.add("score", subject="m01", rule="study.absent", count=2)
    log.add("score", subject="m02", rule="study.absent", count=1)
    log.add("appeal", target=1, subject="m01", reason="只缺一次")
    log.add("appeal", target=2, subject="m02", reason="请假了")
    log.add("ruling", target=3, decision="upheld", count=1, reason="核实一次")
    log.add("appeal", target=2, subject="m02", reason="再议")
    log.add("ruling", target=4, decision="upheld", reason="准假")
    found, resolution = states(log)
    assert found[1] == ("replaced", 5) and found[2] == ("cancelled", 7)
    assert found[3] == ("upheld", 5) and found[4] == ("upheld", 7) and found[6] == ("open", None)
    assert [(e.id, e.subject, e.count) for e in resolution.counted] == [(5, "m01", 1)]


def test_a_dismissed_appeal_leaves_the_event_counting():
    log = Log()
    log.add("score", subject="m01", rule="study.absent")
    log.add("appeal", target=1, subject="m01", reason="不服")
    log.add("ruling", target=2, decision="rejected", reason="属实")
    found, resolution = states(log)
    assert found[1] == ("counts", None) and found[2] == ("dismissed", 3)
    assert [e.id for e in resolution.counted] == [1]


def test_a_revoked_amendment_changes_nothing():
    log = Log()
    log.add("score", subject="m01", rule="study.quality", points=Decimal("-1"))
    log.add("amend", target=1, points=Decimal("-0.5"), reason="酌减")
    log.add("revoke", target=2, reason="更正有误")
    found, resolution = states(log)
    assert found[2] == ("revoked", 3)
    assert found[1] == ("counts", None) and [e.id for e in resolution.counted] == [1]


def test_the_earliest_event_that_took_an_event_out_is_named():
    log = Log()
    log.add("score", subject="m01", rule="study.quality", points=Decimal("-1"))
    log.add("amend", target=1, points=Decimal("-0.5"), reason="酌减")
    log.add("revoke", target=1, reason="不属实")
    found, _ = states(log)
    assert found[1] == ("replaced", 2)


def test_counted_events_are_in_date_order_then_id():
    log = Log()
    log.add("score", "2023-03-01", subject="m01", rule="a")
    log.add("score", "2023-01-01", subject="m01", rule="a")
    log.add("veto", "2023-01-01", subject="m01", reason="违纪")
    _, resolution = states(log)
    assert [e.id for e in resolution.counted] == [2, 3, 1]


def test_stands_for_follows_a_chain_of_amendments_through_a_lookup():
    log = Log()
    log.add("score", subject="m01", rule="study.quality", points=Decimal("-1"))
    log.add("amend", target=1, points=Decimal("-0.5"), reason="酌减")
    by_id = {e.id: e for e in log.events}
    stood = corrections.stands_for(by_id[2], by_id)
    assert (stood.kind, stood.subject, stood.points) == ("score", "m01", Decimal("-0.5"))
    assert corrections.stands_for(by_id[1], by_id) is by_id[1]
