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


def test_posts_groups_and_statuses_over_time_and_the_cache_rows_that_keep_them(log):
    """A 换届 on 2024-01-01: the old secretary holds the role through 2023-12-31, the new one from
    2024-01-01; a leave ends the roles and groups the day after the last day; the rows the cache
    keeps make the same members again."""
    log.join("m01", "2023-01-01", "老书记")
    log._add("role", "2023-01-01", subject="m01", role="secretary")
    log.join("m02", "2023-01-01", "新书记")
    log._add("group", "2023-01-01", subject="m02", group="第一党小组")
    log._add("unrole", "2024-01-01", subject="m01", role="secretary")
    log._add("role", "2024-01-01", subject="m02", role="secretary")
    log._add("status", "2023-01-01", subject="m02", status="probationary")
    log._add("status", "2024-01-01", subject="m02", status="full")
    log.leave("m02", "2024-06-30")
    members = roster.build(log.events)
    assert roster.holders(members, "secretary", D("2023-12-31")) == ["m01"]
    assert roster.holders(members, "secretary", D("2024-01-01")) == ["m02"]
    assert roster.holders(members, "secretary", D("2024-07-01")) == []  # 新书记 left on 2024-06-30
    assert members["m02"].groups == (("第一党小组", D("2023-01-01"), D("2024-07-01")),)
    assert roster.in_group(members, "第一党小组", D("2024-06-30")) == ["m02"]
    assert roster.in_group(members, "第一党小组", D("2024-07-01")) == []
    assert members["m02"].status_on(D("2023-12-31")) == "probationary"
    assert members["m02"].status_on(D("2024-01-01")) == "full"
    assert members["m01"].status_on(D("2024-01-01")) is None
    kept = roster.from_rows(roster.to_rows(members))
    assert {k: kept[k] for k in kept} == members
