"""The book: one pipeline from a ledger folder to a checked, replayed book, and the one write path."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jifen import book
from jifen.core.periods import Period
from jifen.errors import InvalidInput, LedgerNotFound
from tests import test_engine
from tests.conftest import SCHEMES, write

HEAD = """
- id: 1
  date: 2023-01-01
  kind: open
  name: 测试支部
  scheme: quantified-2023
  by: 记分员
- id: 2
  date: 2023-01-01
  kind: join
  subject: m01
  name: 张三
  by: 记分员
"""


def ledger(tmp_path, tail: str = ""):
    folder = tmp_path / "测试支部"
    write(folder / "ledger.yaml", HEAD + tail)
    return folder


def test_a_clean_ledger_loads_with_its_scheme(tmp_path):
    folder = ledger(tmp_path, """
- id: 3
  date: 2023-01-10
  kind: score
  subject: m01
  rule: study.absent
  by: 记分员
""")
    loaded = book.open(folder, [SCHEMES], cached=False).usable()
    assert loaded.scheme.id == "quantified-2023" and loaded.ledger.name == "测试支部"
    assert [e.kind for e in loaded.ledger.events] == ["open", "join", "score"]
    assert loaded.problems == () and loaded.stale is False
    assert not (folder / ".jifen-cache").exists()  # not read through the cache when told not to
    # 理论学习 10 − 1 (study.absent) + the other five categories at full marks (90) = 99
    assert loaded.standings.score("m01", Period.parse("2023Q1")).total == 99


def test_every_problem_is_collected_and_sorted_by_place(tmp_path):
    folder = ledger(tmp_path, """
- id: 3
  date: 2023-01-10
  kind: score
  subject: m07
  rule: study.absent
  by: 记分员
- id: 4
  date: 2023-01-11
  kind: score
  subject: m01
  rule: study.absnt
  by: 记分员
""")
    loaded = book.open(folder, [SCHEMES], cached=False)
    assert [(p.code, p.source.line) for p in loaded.problems] == [
        ("event.unknown-subject", 17), ("event.unknown-rule", 24),  # the subject: and rule: lines
    ]
    with pytest.raises(InvalidInput) as refused:
        loaded.usable()
    assert refused.value.problems == loaded.problems


def test_today_reports_events_after_it(tmp_path):
    folder = ledger(tmp_path, """
- id: 3
  date: 2023-06-01
  kind: score
  subject: m01
  rule: study.absent
  by: 记分员
""")
    assert book.open(folder, [SCHEMES], cached=False).problems == ()
    late = book.open(folder, [SCHEMES], today=dt.date(2023, 5, 31), cached=False).problems
    assert [p.code for p in late] == ["event.future"]


def test_a_ledger_naming_an_unknown_scheme_cannot_go_on(tmp_path):
    folder = ledger(tmp_path)
    path = folder / "ledger.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("quantified-2023", "无此方案"), encoding="utf-8")
    with pytest.raises(LedgerNotFound) as missing:
        book.open(folder, [SCHEMES], cached=False).usable()
    assert missing.value.code == "scheme.unknown"


def test_scheme_of_a_log_without_header_is_none(tmp_path):
    folder = tmp_path / "空"
    write(folder / "ledger.yaml", "")
    loaded = book.open(folder, [SCHEMES], cached=False)
    assert loaded.scheme is None
    assert book.scheme_of(loaded.ledger, [SCHEMES]) == (None, [])


def test_record_checks_appends_and_says_what_it_recorded(tmp_path):
    folder = ledger(tmp_path)
    done = book.record(folder, lambda spine, members: {
        "date": dt.date(2023, 1, 10), "kind": "score", "subject": "m01", "rule": "study.absent", "count": 2,
        "by": "记分员"}, today=dt.date(2023, 12, 31), lang="zh", search=[SCHEMES], cached=False)
    assert done.event.id == 3 and done.commit is None
    assert done.summary == "#3 2023-01-10 张三(m01) study.absent（缺席三会一课、培训或主题教育实践活动）-2 — 记录人 记分员"
    opened = book.open(folder, [SCHEMES], cached=False).usable()
    assert opened.status(opened.events[-1]).counts


def test_record_refuses_a_wrong_event_and_writes_nothing(tmp_path):
    folder = ledger(tmp_path)
    before = (folder / "ledger.yaml").read_bytes()
    with pytest.raises(InvalidInput) as refused:
        book.record(folder, lambda spine, members: {
            "date": dt.date(2023, 1, 10), "kind": "score", "subject": "m01", "rule": "study.absnt", "by": "记分员"},
            today=dt.date(2023, 12, 31), lang="zh", search=[SCHEMES], cached=False)
    assert refused.value.code == "event.unknown-rule" and refused.value.args_["close"] == "study.absent"
    assert (folder / "ledger.yaml").read_bytes() == before


def test_record_all_appends_several_events_or_none(tmp_path):
    folder = ledger(tmp_path)
    before = (folder / "ledger.yaml").read_bytes()

    def scores(*subjects):
        return lambda spine, members: [{"date": dt.date(2023, 1, 10), "kind": "score", "subject": s,
                                         "rule": "缺席", "by": "记分员"} for s in subjects]

    with pytest.raises(InvalidInput):
        book.record_all(folder, scores("m01", "m99"), today=dt.date(2023, 12, 31), lang="zh", search=[SCHEMES],
                        cached=False)
    assert (folder / "ledger.yaml").read_bytes() == before
    dry = book.record_all(folder, scores("m01", "m01"), today=dt.date(2023, 12, 31), lang="zh", search=[SCHEMES],
                          cached=False, dry_run=True, effects=True)
    assert (folder / "ledger.yaml").read_bytes() == before
    done = book.record_all(folder, scores("m01", "m01"), today=dt.date(2023, 12, 31), lang="zh", search=[SCHEMES],
                           cached=False, effects=True)
    assert [r.event.rule for r in done] == ["study.absent"] * 2
    assert [r.effect for r in done] == [r.effect for r in dry]
    assert [(str(r.effect.before), str(r.effect.after)) for r in done] == [("100.00", "99.00"), ("99.00", "98.00")]


def test_effects_from_a_kept_spine_equal_those_from_the_whole_log(branch, cli):
    """add's before → after totals come from the subject's own events, found through the spine's index
    (Spine.about), not from a read of the whole log; they must be what the whole log gives."""
    import shutil

    from jifen.core.model import Event, Source, Spine
    from jifen.store import cache
    from jifen.store import ledger as ledger_io

    for words in (("张三", "honor.provincial", "--ref", "劳模", "--date", "2023-03-01"),
                  ("张三", "study.absent", "--count", "2", "--date", "2023-02-01"),
                  ("李四", "honor.city", "--ref", "标兵", "--date", "2023-02-10")):
        assert cli("add", *words, "-l", branch).exit_code == 0
    path = branch / "ledger.yaml"
    data = path.read_bytes()
    whole = ledger_io.parse(str(path), data)[0]
    shutil.rmtree(branch / cache.FOLDER, ignore_errors=True)
    cache.spine(branch, path, data[: data.index(b"- id: 5")])  # a spine kept of the first events
    kept = cache.spine(branch, path, data).spine
    opened = book.open(branch, [SCHEMES], cached=False).usable()
    last = whole.events[-1].id
    candidates = [  # the same honour at a lower level: counts 0, once already at 5
        {"kind": "score", "subject": "m01", "rule": "honor.city", "ref": "劳模", "date": dt.date(2023, 3, 5)},
        {"kind": "score", "subject": "m01", "rule": "study.notes", "date": dt.date(2023, 2, 20)},
        {"kind": "score", "subject": "m02", "rule": "study.absent", "count": 3, "date": dt.date(2023, 1, 20)},
    ]
    for fields in candidates:
        new = [Event(id=last + 1, source=Source("<arguments>", 0, 0), by="记分员", **fields)]
        fast = book.effects_of(branch, kept, new, opened.scheme)
        slow = book.effects_of(branch, Spine.of(whole), new, opened.scheme)
        assert fast == slow, fields
    honour = book.effects_of(branch, kept, [Event(id=last + 1, source=Source("<arguments>", 0, 0), by="记分员",
                                                   **candidates[0])], opened.scheme)[last + 1]
    # 张三 Q1: 100 − 2 (study.absent × 2) + 5 (provincial) = 103; the city-level 劳模 adds nothing
    assert (honour.value, honour.before, honour.after) == (0, 103, 103)


def test_effects_of_many_members_at_once_equal_one_replay_of_them_all(branch, cli):
    """effects_of replays each subject's new events with that subject's events alone (an import of many
    rows stays cheap); every total must be what one replay of the whole log and all the new events,
    taken one at a time in the order given, makes of it."""
    from decimal import Decimal

    from jifen.core import engine
    from jifen.core.model import Event, Source, Spine
    from jifen.core.numbers import shown
    from jifen.core.periods import Period
    from jifen.store import ledger as ledger_io

    for words in (("张三", "honor.provincial", "--ref", "劳模", "--date", "2023-03-01"),
                  ("李四", "study.absent", "--date", "2023-02-10")):
        assert cli("add", *words, "-l", branch).exit_code == 0
    path = branch / "ledger.yaml"
    whole = ledger_io.parse(str(path), path.read_bytes())[0]
    scheme = book.open(branch, [SCHEMES], cached=False).usable().scheme
    last = whole.events[-1].id
    rows = [("m02", "study.notes", None, "2023-03-20"), ("m01", "honor.city", "劳模", "2023-03-05"),
            ("m02", "study.absent", None, "2023-01-05"), ("m01", "study.absent", None, "2023-02-01"),
            ("m01", "honor.national", "劳模", "2023-02-15")]  # out of date order, members interleaved
    new = [Event(id=last + n, source=Source("<arguments>", 0, 0), by="记分员", kind="score", subject=subject,
                 rule=rule, ref=ref, date=dt.date.fromisoformat(day)) for n, (subject, rule, ref, day) in enumerate(rows, 1)]
    fast = book.effects_of(branch, Spine.of(whole), new, scheme)
    after = engine.replay(whole.events, scheme)
    for event in new:
        before, after = after, after.extend([event])
        period = Period.of(event.date, scheme.period)
        value = sum((b.value for b in after.entries(event.subject) if b.event.id == event.id), Decimal(0))
        assert (fast[event.id].value, fast[event.id].before, fast[event.id].after) == (
            value, shown(before.score(event.subject, period).total, scheme.precision),
            shown(after.score(event.subject, period).total, scheme.precision)), event


def test_a_server_froze_what_every_request_built(tmp_path, monkeypatch):
    """collector_paused froze (gc.freeze) everything built while a book was read: right for a command,
    which ends soon, but a server opening the book on every request would never free any of it."""
    import gc

    monkeypatch.setattr(book, "_freezing", True)
    gc.unfreeze()
    with book.collector_paused():
        pass
    assert gc.get_freeze_count() > 0  # a command's process: frozen
    gc.unfreeze()
    book.long_running()
    with book.collector_paused():
        pass
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_replay_kept_without_a_day_serves_only_readers_without_one(demo, monkeypatch):
    """The web front end opens books without ``today`` (no event is checked against the clock): it
    keeps and extends the replay too, but a replay found clean that way is never used by a command
    that checks dates, which checks every event again."""
    import datetime as dt

    from jifen import book
    from jifen.core import engine
    from jifen.store import ledger

    assert not book.open(demo).problems and book.open(demo).standings is not None  # kept, with no day
    path = demo / ledger.FILENAME
    last = ledger.read(demo)[0].events[-1]
    path.write_bytes(path.read_bytes() + ledger.emit({"id": last.id + 1, "date": last.date, "kind": "score",
                                                      "subject": "m01", "rule": "study.absent", "note": "迟到",
                                                      "by": "记分员"}).encode("utf-8"))
    booked = []
    original = engine._Booker.book
    monkeypatch.setattr(engine._Booker, "book", lambda self, event, members: (booked.append(event.id),
                                                                               original(self, event, members)))
    assert book.open(demo).standings is not None and booked == [last.id + 1]
    booked.clear()
    checked = book.open(demo, today=dt.date.today())
    assert not checked.problems and checked.standings is not None and len(booked) > 10


def test_a_replay_kept_again_is_clean_only_from_the_day_it_was_checked(demo):
    """A replay restored, booked again after a correction and kept again was checked on the day of
    that run: a run with the clock set back before it checks every event again and finds the
    correction dated after its day."""
    import datetime as dt

    from jifen import book
    from jifen.store import ledger

    assert book.open(demo, today=dt.date(2024, 1, 1)).standings is not None  # kept, clean on 2024-01-01
    events = ledger.read(demo)[0].events
    target = next(e.id for e in events if e.kind == "score")
    path = demo / ledger.FILENAME
    path.write_bytes(path.read_bytes() + ledger.emit({"id": events[-1].id + 1, "date": dt.date(2024, 6, 1),
                                                      "kind": "revoke", "target": target, "reason": "记错了人",
                                                      "by": "记分员"}).encode("utf-8"))
    later = book.open(demo, today=dt.date(2024, 7, 1))
    assert not later.problems and later.standings.rebooked  # kept again
    earlier = book.open(demo, today=dt.date(2024, 3, 1))
    assert [p.code for p in earlier.problems] == ["event.future"]


@pytest.mark.parametrize("scheme_id", ["quantified-2023", "dongli-branch-2023"])
@settings(max_examples=30, deadline=None)
@given(happenings=st.lists(test_engine.happening, max_size=30))
def test_what_each_booked_event_counted_as_is_found_through_the_spine_alone(scheme_id, happenings):
    """After an append, the kept replay's events are read by id through the log's spine: each one as it
    counted (an approved declaration, an amendment of an amendment) is what the whole log's
    resolution says."""
    from jifen.book import _counted_as
    from jifen.core import corrections
    from jifen.core.model import Event, Ledger, Source, Spine
    from jifen.store import scheme as scheme_io

    scheme = scheme_io.load_valid(scheme_io.shipped_dir() / f"{scheme_id}.yaml")
    events = list(test_engine.running_log(scheme, happenings))
    scores = [e for e in events if e.kind == "score"]
    for number, score in enumerate(scores[:2]):  # appealed, and upheld: with new points, then without
        appeal = Event(id=len(events) + 1, date=score.date, kind="appeal", source=Source("t", 0), target=score.id,
                       reason="不是我")
        values = {"count": 2} if number == 0 else {}
        events += [appeal, Event(id=len(events) + 2, date=score.date, kind="ruling", source=Source("t", 0),
                                 target=appeal.id, decision="upheld", reason="核实", **values)]
    standing = corrections.resolve(events).standing_for
    find = _counted_as(Spine.of(Ledger("ledger.yaml", tuple(events))))
    assert {i: find(i) for i in standing} == standing


@pytest.mark.parametrize("scheme_id", ["quantified-2023", "dongli-branch-2023"])
@settings(max_examples=30, deadline=None)
@given(happenings=st.lists(test_engine.happening, max_size=30), late=st.sets(st.integers(0, 40), max_size=5),
       appealed=st.sets(st.integers(0, 40), max_size=3))
def test_a_statement_and_a_periods_workflow_read_through_the_spine_equal_the_whole_log(scheme_id, happenings, late,
                                                                                       appealed):
    """What ``show`` and a period's workflow look through, read from the spine alone (the member's
    events, the corrections, the declarations and late records it marks, what they name), gives the
    statement's statuses and the workflow state the whole log gives: pending declarations, open
    appeals, late records, in every month and quarter."""
    import dataclasses

    from jifen.book import events_about, workflow_events
    from jifen.core import corrections, workflow
    from jifen.core.model import Event, Ledger, Source, Spine
    from jifen.store import scheme as scheme_io

    scheme = scheme_io.load_valid(scheme_io.shipped_dir() / f"{scheme_id}.yaml")
    events = [dataclasses.replace(e, late="补录") if n in late and e.kind != "join" else e
              for n, e in enumerate(test_engine.running_log(scheme, happenings))]
    for n in sorted(appealed):  # an appeal of a score, left open
        scores = [e for e in events if e.kind == "score"]
        if scores:
            events.append(Event(id=len(events) + 1, date=scores[n % len(scores)].date, kind="appeal",
                                source=Source("t", 0), target=scores[n % len(scores)].id, reason="不是我"))
    spine = Spine.of(Ledger("ledger.yaml", tuple(events)))
    whole = corrections.resolve(events)
    flow = workflow_events(spine)
    periods = [Period(2023, "month", m) for m in range(1, 13)] + [Period(2023, "quarter", q) for q in range(1, 5)]
    for period in periods:
        assert workflow.state(flow, corrections.resolve(flow), period) == workflow.state(tuple(events), whole, period)
    for subject in ("m0", "m1", "m2"):
        about = events_about(spine, subject)
        mine = [e for e in events if e.subject == subject]
        assert set(mine) <= set(about)
        assert [corrections.resolve(about).status(e) for e in mine] == [whole.status(e) for e in mine]
