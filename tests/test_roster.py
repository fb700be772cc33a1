"""Membership replayed from join and leave events (jifen.roster)."""

from __future__ import annotations

import datetime as dt

from jifen.core import roster

D = dt.date.fromisoformat


def test_spells_from_joins_and_leaves(log):
    log.join("m01", "2023-01-01", "张三")
    log.join("m02", "2023-01-01", "李四")
    log.leave("m02", "2023-06-30")
    log.join("m02", "2023-09-01", "李四")
    members = roster.build(log.events)
    assert list(members) == ["m01", "m02"]
    assert members["m01"].name == "张三" and members["m01"].spells == ((D("2023-01-01"), None),)
    assert members["m02"].spells == ((D("2023-01-01"), D("2023-06-30")), (D("2023-09-01"), None))
    assert members["m02"].belongs(D("2023-06-30")) and not members["m02"].belongs(D("2023-07-15"))


def test_events_are_replayed_in_date_order_not_file_order(log):
    log.leave("m01", "2023-05-01")
    log.join("m01", "2023-02-01", "王五")
    assert roster.build(log.events)["m01"].spells == ((D("2023-02-01"), D("2023-05-01")),)


def test_a_second_join_or_a_stray_leave_is_ignored(log):
    log.join("m01", "2023-01-01", "张三")
    log.join("m01", "2023-03-01", "张三丰")  # already in: the name is updated, no new spell
    log.leave("m09", "2023-04-01")  # never joined
    members = roster.build(log.events)
    assert members["m01"].name == "张三丰" and members["m01"].spells == ((D("2023-01-01"), None),)
    assert "m09" not in members


def test_scores_do_not_make_members(log):
    log.score("m01", "study.absent", "2023-01-10")
    assert roster.build(log.events) == {}


def test_resolve_by_id_or_unique_name(log):
    log.join("m01", name="张三")
    log.join("m02", name="李四")
    log.join("m03", name="张三")
    members = roster.build(log.events)
    assert roster.resolve(members, "m02") == ("m02", [])
    assert roster.resolve(members, "李四") == ("m02", [])
    assert roster.resolve(members, "张三") == (None, ["m01", "m03"])  # ambiguous
    assert roster.resolve(members, "赵六") == (None, [])  # nobody
