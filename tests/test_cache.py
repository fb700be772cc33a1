"""The cache beside a ledger: what it gives is what reading the log gives, and it is never trusted over it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from array import array
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jifen.store import cache, ledger
from tests import test_engine
from tests.conftest import DEMO


def same_events(got, want):
    assert got == want  # every field but where it was written
    assert [e.source for e in got] == [e.source for e in want]
    assert [dict(e.places) for e in got] == [dict(e.places) for e in want]


def full(folder):
    book, problems = ledger.read(folder)
    assert not problems
    return book.events


def test_a_snapshot_restores_exactly_what_the_reader_reads(demo):
    first = cache.read(demo)
    assert first.parsed == (demo / "ledger.yaml").stat().st_size and (demo / cache.FOLDER / "events").is_file()
    again = cache.read(demo)
    assert again.parsed == 0 and not again.stale
    same_events(again.ledger.events, full(demo))


def test_only_the_appended_bytes_are_parsed(demo):
    import datetime as dt

    from jifen import book

    cache.read(demo)
    size = (demo / "ledger.yaml").stat().st_size  # the snapshot stops here (a record keeps only the spine)
    for subject, rule, note in (("m01", "study.absent", None), ("m02", "study.notes", "a: b")):
        book.record(demo, lambda spine, members, s=subject, r=rule, n=note: {
            "date": dt.date(2023, 12, 30), "kind": "score", "subject": s, "rule": r, "note": n, "by": "记分员"},
            today=dt.date(2023, 12, 31), lang="zh")
    read = cache.read(demo)
    assert 0 < read.parsed == (demo / "ledger.yaml").stat().st_size - size
    same_events(read.ledger.events, full(demo))


def test_an_edited_history_is_reported_and_read_again(demo, cli):
    assert cli("grade", "--year", "2023", "-l", demo).exit_code == 0  # fills the cache
    path = demo / "ledger.yaml"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("rule: study.absent", "rule: study.notes", 1)  # same length, early in the log
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    read = cache.read(demo)
    assert read.stale
    same_events(read.ledger.events, full(demo))
    cache.read(demo)
    result = cli("grade", "--year", "2023", "-l", demo, "-f", "json")
    fresh = cli("grade", "--year", "2023", "-l", demo, "-f", "json", env={"JIFEN_CACHE": "off"})
    assert result.output == fresh.output


def test_the_cli_warns_when_history_was_edited(demo, cli):
    assert cli("member", "list", "-l", demo).exit_code == 0  # a reader through the cache (check never is)
    path = demo / "ledger.yaml"
    path.write_bytes(path.read_bytes().replace(b"study.absent", b"study.notes!", 1))
    result = cli("report", "--quarter", "2023Q1", "-l", demo)
    assert "缓存" in result.stderr and "jifen audit" in result.stderr


def test_a_kept_result_is_the_same_text_and_misses_on_any_change(demo, cli, tmp_path):
    first = cli("grade", "--year", "2023", "-l", demo)
    assert first.exit_code == 0 and len(list((demo / cache.FOLDER / cache.RESULTS).iterdir())) == 1
    assert cli("grade", "--year", "2023", "-l", demo).output == first.output
    # the scheme changes: a copy of it found first, with another grade name
    schemes = tmp_path / "schemes"
    schemes.mkdir()
    text = (DEMO.parents[1] / "schemes" / "quantified-2023.yaml").read_text(encoding="utf-8")
    (schemes / "quantified-2023.yaml").write_text(text.replace("优秀", "特优"), encoding="utf-8")
    changed = cli("grade", "--year", "2023", "-l", demo, env={"JIFEN_SCHEMES": str(schemes)})
    assert "特优" in changed.output and "特优" not in first.output
    # the log grows
    assert cli("add", "m01", "study.absent", "--date", "2023-12-30", "-l", demo).exit_code == 0
    after = cli("grade", "--year", "2023", "-l", demo)
    fresh = cli("grade", "--year", "2023", "-l", demo, env={"JIFEN_CACHE": "off"})
    assert after.output == fresh.output != first.output


def test_a_damaged_cache_is_ignored(demo, cli):
    want = cli("report", "--quarter", "2023Q2", "-l", demo, env={"JIFEN_CACHE": "off"}).output
    folder = demo / cache.FOLDER
    folder.mkdir()
    for name in ("events", "results"):
        (folder / name).write_bytes(b"\x00garbage")
    assert cli("report", "--quarter", "2023Q2", "-l", demo).output == want
    same_events(cache.read(demo).ledger.events, full(demo))


def test_another_cache_file_in_the_place_of_the_kept_replay_or_spine_is_read_past(demo, cli, tmp_path):
    """A file of .jifen-cache/ copied over the kept replay or the spine (whole, so its hash is its
    own, but not shaped as one) is read as none kept: the reports after an append are those of the
    whole log, and add appends, never a traceback."""
    folder = tmp_path / "机关第一支部"
    shutil.copytree(demo, folder)
    words = [("show", "李秀英"), ("report", "--month", "2023-12", "-f", "json"), ("grade", "--year", "2023")]
    cli("grade", "--year", "2023", "-l", folder)  # keeps the replay
    assert cli("add", "李秀英", "缺席", "--date", "2023-12-20", "-n", "补记“缺席”", "-l", folder).exit_code == 0
    truth = [cli(*w, "-l", folder, env={"JIFEN_CACHE": "off"}).output for w in words]
    kept = folder / cache.FOLDER
    cli("show", "李秀英", "-l", folder)  # every file kept: the spine, the snapshot, results, trees
    files = {p.name: p.read_bytes() for p in kept.iterdir() if p.is_file()}
    files["results"] = next((kept / cache.RESULTS).iterdir()).read_bytes()  # a printed text, as a file
    shutil.rmtree(kept / cache.RESULTS)
    assert {"events", "spine", "results", "trees", "replay"} <= set(files)
    for other in ("events", "spine", "results", "trees"):
        shutil.rmtree(kept / cache.RESULTS, ignore_errors=True)  # the texts the last round kept
        for name, data in files.items():
            (kept / name).write_bytes(data)
        (kept / "replay").write_bytes(files[other])
        (kept / "results").unlink()  # no printed text kept (a file where they are kept): each report opens the book
        assert [cli(*w, "-l", folder).output for w in words] == truth, other
    shutil.rmtree(kept / cache.RESULTS)
    for name, data in files.items():
        (kept / name).write_bytes(data)
    (kept / "spine").write_bytes(files["events"])  # the snapshot, kept before the add, as the spine
    (kept / "results").unlink()
    assert [cli(*w, "-l", folder).output for w in words] == truth
    assert cli("add", "李秀英", "缺席", "--date", "2023-12-21", "-l", folder).exit_code == 0


def test_a_line_added_to_the_last_event_is_not_taken_for_an_append(demo, cli, tmp_path):
    """A line added by hand after the last event's ``by`` (``  count: 3``) leaves the log's first
    bytes as they were, yet changes that event, not a new one: the replay kept of it is not used,
    and every report gives what the whole log gives (3 absences, not 1)."""
    folder = tmp_path / "机关第一支部"
    shutil.copytree(demo, folder)
    words = [("show", "张建国"), ("grade", "--year", "2023"), ("report", "--month", "2023-12", "-f", "json")]
    assert cli("add", "张建国", "缺席", "--date", "2023-12-20", "-n", "例会缺席", "-l", folder).exit_code == 0
    kept = [cli(*w, "-l", folder).output for w in words]  # keeps the replay of every event
    with (folder / "ledger.yaml").open("a", encoding="utf-8") as log:
        log.write("# 手工补记的次数\n  count: 3\n")
    truth = [cli(*w, "-l", folder, env={"JIFEN_CACHE": "off"}).output for w in words]
    assert truth != kept
    assert [cli(*w, "-l", folder).output for w in words] == truth
    assert cache.only_new_events("x\n\n# 注\n- id: 2\n".encode(), 2) and cache.only_new_events(b"", 0)
    assert not cache.only_new_events("\n  # 注\n  note: 补记\n".encode(), 0)


def test_a_replay_kept_again_keeps_the_scores_no_report_asked_for(tmp_path, cli):
    """A report after an append that scores many anew keeps the replay again, with the scores kept
    before of those it did not ask for (a member who left before the month) as they were kept: a
    later grade of the year reads them as a whole replay gives them (they were kept as the list of
    their bytes, and the grade ended in a TypeError)."""
    from jifen import book

    count = 70
    assert count - 1 >= book.SCORED_ANEW  # the month's report keeps the replay again
    log = [{"date": "2023-01-01", "kind": "open", "name": "第六党支部", "scheme": "quantified-2023"},
           *({"date": "2023-01-01", "kind": "join", "subject": f"m{i:02d}", "name": f"党员{i:02d}号"}
             for i in range(1, count + 1)),
           {"date": "2023-03-31", "kind": "leave", "subject": f"m{count}", "reason": "转出"}]
    folder = tmp_path / "第六党支部"
    folder.mkdir()
    (folder / "ledger.yaml").write_text(_log_text(log), encoding="utf-8")
    assert cli("grade", "--year", "2023", "-l", folder).exit_code == 0  # keeps everyone's scores of the year
    assert cli("add", "党员01号", "缺席", "--date", "2023-12-20", "-n", "例会缺席", "-l", folder).exit_code == 0
    assert cli("report", "--month", "2023-06", "-l", folder).exit_code == 0  # 党员70号 not asked for
    words = [("grade", "--year", "2023"), ("show", f"党员{count}号", "-f", "json"), ("report", "--quarter", "2023Q1")]
    truth = [cli(*w, "-l", folder, env={"JIFEN_CACHE": "off"}).output for w in words]
    assert [cli(*w, "-l", folder).output for w in words] == truth


def test_the_cache_can_be_turned_off(demo, cli):
    assert cli("grade", "--year", "2023", "-l", demo, env={"JIFEN_CACHE": "off"}).exit_code == 0
    assert cli("add", "m01", "study.absent", "--date", "2023-12-30", "-l", demo, env={"JIFEN_CACHE": "off"}).exit_code == 0
    assert not (demo / cache.FOLDER).exists()


def test_a_log_not_in_the_canonical_form_is_read_by_yaml_and_not_kept(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "ledger.yaml").write_text(
        "- {id: 1, date: 2023-01-01, kind: open, name: 支部, scheme: quantified-2023, by: 记分员}\n", encoding="utf-8")
    read = cache.read(folder)
    assert not read.problems and read.ledger.name == "支部"
    assert not (folder / cache.FOLDER / "events").exists()


def test_the_rollup_keeps_each_branch_year_until_its_log_changes(tmp_path, cli):
    for name in ("a", "b"):
        shutil.copytree(DEMO, tmp_path / "c" / name, ignore=shutil.ignore_patterns(cache.FOLDER))
    words = ("rollup", tmp_path / "c", "--year", "2023", "-f", "json", "--jobs", "1")
    first = cli(*words)
    assert first.exit_code == 0 and (tmp_path / "c" / "a" / cache.FOLDER / cache.RESULTS).is_dir()
    assert cli(*words).output == first.output
    assert cli("veto", "m01", "--reason", "x", "--date", "2023-12-30", "-l", tmp_path / "c" / "b").exit_code == 0
    after = cli(*words)
    assert after.output == cli(*words, env={"JIFEN_CACHE": "off"}).output != first.output


# --- the spine: what jifen add reads ----------------------------------------------

def _emit(number: int, fields: dict) -> str:
    return ledger.emit({"id": number, **fields, "date": dt.date.fromisoformat(fields["date"]), "by": "记分员"})


def _log_text(events: list[dict]) -> str:
    return ledger.HEADER + "".join(_emit(n, fields) for n, fields in enumerate(events, 1))


WORKFLOW_LOG = [
    {"date": "2023-01-01", "kind": "open", "name": "支部", "scheme": "quantified-2023"},
    *({"date": "2023-01-01", "kind": "join", "subject": f"m0{n}", "name": f"党员{n}"} for n in (1, 2)),
    {"date": "2023-01-01", "kind": "join", "subject": "m03", "name": "党员3", "role": "secretary"},
    {"date": "2023-01-10", "kind": "score", "subject": "m01", "rule": "study.absent"},
    {"date": "2023-01-11", "kind": "declare", "subject": "m02", "rule": "honor.city", "ref": "荣誉一"},
    {"date": "2023-01-12", "kind": "approve", "target": 6},
    {"date": "2023-02-01", "kind": "score", "subject": "m03", "rule": "service.dress"},
    {"date": "2023-02-02", "kind": "revoke", "target": 8, "reason": "记错人"},
    {"date": "2023-02-03", "kind": "amend", "target": 5, "count": 2, "reason": "两次"},
    {"date": "2023-02-04", "kind": "veto", "subject": "m03", "reason": "违纪"},
    {"date": "2023-03-01", "kind": "leave", "subject": "m03", "reason": "调出"},
    {"date": "2023-04-02", "kind": "notice", "period": "2023Q1", "days": 7},
    {"date": "2023-04-03", "kind": "appeal", "target": 10, "subject": "m01", "reason": "不服"},
    {"date": "2023-04-05", "kind": "ruling", "target": 14, "decision": "rejected", "reason": "维持"},
    {"date": "2023-04-10", "kind": "close", "period": "2023Q1"},
    {"date": "2023-04-11", "kind": "declare", "subject": "m01", "rule": "honor.city", "ref": "荣誉二"},
    {"date": "2023-04-12", "kind": "reject", "target": 17, "reason": "材料不足"},
    {"date": "2023-04-13", "kind": "revoke", "target": 5, "reason": "撤销"},  # touches a closed quarter: a problem
]


def _candidates(count: int) -> list[dict]:
    """Events one might try to append after ``count`` events: every correction of every earlier
    event, and the roster and workflow events that look back through the log."""
    found = [{"date": "2023-04-20", "kind": kind, "target": target, "reason": "r", **extra}
             for target in range(0, count + 2)
             for kind, extra in (("revoke", {}), ("approve", {}), ("amend", {"count": 3}),
                                 ("appeal", {"subject": "m01"}), ("ruling", {"decision": "upheld"}))]
    found += [{"date": day, "kind": "score", "subject": who, "rule": "study.absent"}
              for day in ("2023-02-15", "2023-04-20") for who in ("m01", "m03", "m09")]
    found += [{"date": "2023-04-20", "kind": "close", "period": "2023Q1"},
              {"date": "2023-04-20", "kind": "join", "subject": "m01", "name": "又一个"},
              {"date": "2023-04-20", "kind": "join", "subject": "m03", "name": "回来了"},
              {"date": "2023-02-20", "kind": "join", "subject": "m03", "name": "早回来"},
              {"date": "2022-12-01", "kind": "join", "subject": "m04", "name": "新人"},
              {"date": "2023-04-20", "kind": "leave", "subject": "m03", "reason": "r"},
              {"date": "2022-12-01", "kind": "leave", "subject": "m02", "reason": "r"},
              {"date": "2023-01-05", "kind": "leave", "subject": "m02", "reason": "r"}]
    return found


def test_a_kept_spine_checks_an_append_exactly_as_the_whole_log_does(tmp_path, s1):
    """For every prefix of a log full of corrections and workflow, and every event one might append
    to it, the checks through a kept spine (snapshot half-way, the rest parsed) equal those
    through the whole log; every event fetched by id equals the one the reader reads; and the
    roster, as kept, grown by the appended joins and leaves, and kept again, is the whole log's."""
    from jifen.core import roster, validate
    from jifen.core.model import Event, Ledger, Source, Spine

    seen: set[str] = set()
    folder = tmp_path / "b"
    folder.mkdir()
    path = folder / "ledger.yaml"
    for count in range(1, len(WORKFLOW_LOG) + 1):
        shutil.rmtree(folder / cache.FOLDER, ignore_errors=True)
        half = _log_text(WORKFLOW_LOG[: max(1, count // 2)]).encode("utf-8")
        path.write_bytes(half)
        cache.spine(folder, path, half)  # keeps the spine of the first half
        data = _log_text(WORKFLOW_LOG[:count]).encode("utf-8")
        path.write_bytes(data)
        read = cache.spine(folder, path, data)
        assert not read.problems and not read.stale and read.parsed == len(data) - len(half)
        whole = Spine.of(ledger.parse(str(path), data)[0])
        kept = read.spine
        assert (kept.events, kept.last_id, kept.name, kept.scheme_ref) == (whole.events, whole.last_id, whole.name, whole.scheme_ref)
        again = cache.spine(folder, path, data).spine  # kept again where the tail held more than scores
        for spine in (kept, again):
            assert spine.joins() == whole.joins() and [e.source for e in spine.joins()] == [e.source for e in whole.joins()]
            assert roster.of(spine) == roster.of(whole) == roster.build(ledger.parse(str(path), data)[0].events)
            for subject in ("m01", "m02", "m03", "m09"):  # each subject's bulk events, as kept and as read
                assert spine.about(subject) == whole.about(subject), subject
                assert [e.source for e in spine.about(subject)] == [e.source for e in whole.about(subject)]
        for number in range(0, count + 2):
            found, want = kept.get(number), whole.get(number)
            assert found == want and (found is None or (found.source, dict(found.places)) == (want.source, dict(want.places)))
        backwards = cache.spine(folder, path, data).spine  # newest first, as completion reads: lines counted back
        for number in (*range(count + 1, -1, -1), count // 2, 1):
            found, want = backwards.get(number), whole.get(number)
            assert found == want and (found is None or (found.source, dict(found.places)) == (want.source, dict(want.places)))
        for fields in _candidates(count):
            allowed = {k: v for k, v in fields.items() if k in ledger._ALLOWED[fields["kind"]]}
            event = Event(id=count + 1, source=Source("<arguments>", 0, 0),
                          **{**allowed, "date": dt.date.fromisoformat(fields["date"])})
            problems = validate.event_problems(kept, s1, event, None)
            assert problems == validate.event_problems(whole, s1, event, None), fields
            log = Ledger(str(path), (*ledger.parse(str(path), data)[0].events, event))
            found_whole = validate.ledger_problems(log, s1)
            checked_whole = [p for p in found_whole if p.source == event.source]
            # a leave that would leave a record of its member outside the branch: the whole log finds
            # that record wrong, the append refuses the leave itself
            stranded = event.kind == "leave" and not checked_whole and any(
                p.code == "event.not-member-then" and p.source != event.source for p in found_whole)
            wanted = sorted(p.code for p in checked_whole) + (["event.leave-before-records"] if stranded else [])
            assert sorted(p.code for p in problems) == wanted, fields
            seen.update(p.code for p in problems)
    assert {"event.unknown-target", "event.wrong-target", "event.revoked-twice", "event.decided-twice",
            "event.closed-period", "event.closed-twice", "event.not-member-then", "event.unknown-subject",
            "event.already-member", "event.appeal-outside-notice"} <= seen  # the checks were exercised


def test_add_reads_only_the_spine_and_warns_when_history_was_edited(demo, cli):
    assert cli("member", "list", "-l", demo).exit_code == 0  # a reader through the cache (check never is)  # a whole read keeps the spine too
    path = demo / "ledger.yaml"
    size = path.stat().st_size
    assert cli("add", "m01", "study.absent", "--date", "2023-12-30", "-l", demo).exit_code == 0
    read = cache.spine(demo, path, path.read_bytes())  # add kept the spine up to where it began
    assert read.parsed == path.stat().st_size - size and read.spine.last_id == full(demo)[-1].id
    path.write_bytes(path.read_bytes().replace(b"study.absent", b"study.notes", 1))  # history quietly edited
    result = cli("add", "m01", "study.absent", "--date", "2023-12-30", "-l", demo)
    assert "缓存" in result.stderr and "jifen audit" in result.stderr


def test_add_keeps_the_spine_again_only_past_scores(demo, cli):
    """Scores appended since the spine was kept are parsed on each add (cheaper than keeping the
    spine again); once a join, leave or workflow event is among them, the spine is kept again,
    with the roster grown by the join."""
    from jifen.core import roster

    assert cli("member", "list", "-l", demo).exit_code == 0  # a reader through the cache (check never is)
    path, kept = demo / "ledger.yaml", demo / cache.FOLDER / "spine"
    first = kept.read_bytes()
    assert cli("add", "m01", "study.absent", "--date", "2023-12-30", "-l", demo).exit_code == 0
    assert cli("member", "add", "新党员", "--id", "m99", "--date", "2023-12-30", "-l", demo).exit_code == 0
    assert kept.read_bytes() == first  # the tail held a score alone
    size = path.stat().st_size
    assert cli("add", "m99", "study.absent", "--date", "2023-12-31", "-l", demo).exit_code == 0
    assert kept.read_bytes() != first  # the tail held a join: kept again
    read = cache.spine(demo, path, path.read_bytes())
    assert read.parsed == path.stat().st_size - size and read.spine.members is not None
    assert roster.of(read.spine) == roster.build(full(demo)) and "m99" in read.spine.members


def test_a_spine_finds_events_whose_ids_skip_numbers(tmp_path):
    """jifen writes ids 1, 2, 3 …; a log numbered otherwise is still found by id."""
    folder = tmp_path / "b"
    folder.mkdir()
    path = folder / "ledger.yaml"
    text = "".join(_emit(number, fields) for number, fields in zip((1, 2, 3, 4, 7, 9), WORKFLOW_LOG))
    path.write_text(ledger.HEADER + text, encoding="utf-8")
    cache.spine(folder, path, path.read_bytes())
    path.write_text(ledger.HEADER + text + _emit(12, WORKFLOW_LOG[7]), encoding="utf-8")
    kept = cache.spine(folder, path, path.read_bytes())
    assert not kept.problems and kept.parsed and kept.spine.last_id == 12
    whole = ledger.parse(str(path), path.read_bytes())[0].events
    assert [kept.spine.get(n) for n in range(14)] == [next((e for e in whole if e.id == n), None) for n in range(14)]


def test_a_kept_scheme_tree_gives_the_same_scheme_and_misses_when_the_text_changes(tmp_path):
    from jifen.store import scheme as scheme_io
    from jifen.store import yamlsrc

    shipped = sorted((DEMO.parents[1] / "schemes").glob("*.yaml"))
    assert len(shipped) >= 5
    for path in shipped:
        root, problems = yamlsrc.parse(str(path), path.read_text(encoding="utf-8"))
        assert yamlsrc.from_plain(str(path), yamlsrc.to_plain(root)) == root
        parse = cache.yaml_parse(tmp_path)
        want = scheme_io.load(path)
        assert scheme_io.load(path, parse) == want  # read by YAML, tree kept
        assert scheme_io.load(path, parse) == want  # from the kept tree
    copy = tmp_path / "s.yaml"
    copy.write_text(shipped[0].read_text(encoding="utf-8"), encoding="utf-8")
    scheme_io.load(copy, cache.yaml_parse(tmp_path))
    copy.write_text(copy.read_text(encoding="utf-8").replace("name:", "name: 改 #", 1), encoding="utf-8")
    assert scheme_io.load(copy, cache.yaml_parse(tmp_path)) == scheme_io.load(copy)


def test_an_upgraded_library_would_have_kept_serving_old_text(monkeypatch):
    """The key of a kept result covered jifen's own files only: a new tabulate, rich or openpyxl
    would have printed what the old one drew."""
    from jifen.store import cache

    monkeypatch.setattr(cache, "_code", None)
    before = cache.key("report", "2023Q1")
    assert any(name.startswith("tabulate-") for name in cache._libraries())
    upgraded = [("tabulate-9.9.9.dist-info" if n.startswith("tabulate-") else n) for n in cache._libraries()]
    monkeypatch.setattr(cache, "_libraries", lambda: upgraded)
    monkeypatch.setattr(cache, "_code", None)
    assert cache.key("report", "2023Q1") != before


def test_a_tampered_cache_entry_changed_printed_output(demo, cli, monkeypatch):
    """Random bytes flipped in each file of .jifen-cache/ (a fixed seed) never change what is printed:
    every entry carries the BLAKE3 hash of its bytes, and one that does not match is made again."""
    import random

    words = [("report", "--quarter", "2023Q1"), ("show", "m01", "-f", "json"), ("member", "list")]
    path = demo / "ledger.yaml"
    cli("add", "m01", "study.absent", "--date", "2023-12-30", "-l", demo)  # the spine, kept by add
    monkeypatch.setenv("JIFEN_CACHE", "off")
    truth = [cli(*w, "-l", demo).output for w in words]
    monkeypatch.setenv("JIFEN_CACHE", "on")
    assert [cli(*w, "-l", demo).output for w in words] == truth  # events, trees and results kept too
    folder = demo / cache.FOLDER
    kept = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert {"events", "spine", "trees"} <= set(kept) and any(name.startswith(f"{cache.RESULTS}/") for name in kept)
    chance = random.Random(13)
    for name, data in sorted(kept.items()):
        for _ in range(8):
            flipped = bytearray(data)
            for at in chance.sample(range(len(flipped)), 3):
                flipped[at] ^= 1 << chance.randrange(8)
            for other, original in kept.items():
                (folder / other).write_bytes(original)
            (folder / name).write_bytes(bytes(flipped))
            assert [cli(*w, "-l", demo).output for w in words] == truth, name
            before = path.read_bytes()
            (folder / name).write_bytes(bytes(flipped))
            added = cli("add", "m01", "study.absent", "--date", "2023-12-30", "-l", demo)
            assert added.exit_code == 0, added.output
            path.write_bytes(before)  # back to the log the truth was taken from


def test_check_audit_and_handouts_read_the_log_never_the_cache(demo, cli, tmp_path):
    assert cli("check", "-l", demo).exit_code == 0
    out = tmp_path / "公示.csv"
    assert cli("report", "--quarter", "2023Q1", "-f", "csv", "-o", out, "-l", demo).exit_code == 0
    assert not (demo / cache.FOLDER).exists()


# --- the replay: what grade, report and show book after an append ---------------------------------


def _booked_while(monkeypatch, run):
    """The ids of the events the replay books while ``run()`` runs."""
    from jifen.core import engine

    booked, book = [], engine._Booker.book

    def counting(self, event, members):
        booked.append(event.id)
        return book(self, event, members)

    monkeypatch.setattr(engine._Booker, "book", counting)
    try:
        run()
    finally:
        monkeypatch.setattr(engine._Booker, "book", book)
    return booked


def test_after_an_append_reports_book_only_what_was_appended(demo, cli, monkeypatch):
    """grade keeps its replay; after ``jifen add``, grade, report and show restore it and book the
    one new event, and print what a whole replay of the log prints."""
    assert cli("grade", "--year", "2023", "-l", demo).exit_code == 0
    assert (demo / cache.FOLDER / "replay").is_file()
    assert cli("add", "m01", "study.absent", "--date", "2023-12-30", "--note", "缺席支委会", "-l", demo).exit_code == 0
    last = full(demo)[-1].id
    for words in (["grade", "--year", "2023"], ["report", "--quarter", "2023Q4"], ["show", "m01"],
                  ["report", "--month", "2023-12", "-f", "json"]):
        seen = {}
        booked = _booked_while(monkeypatch, lambda seen=seen, words=words: seen.update(result=cli(*words, "-l", demo)))
        assert booked == [last], words
        whole = cli(*words, "-l", demo, env={"JIFEN_CACHE": "off"})
        assert seen["result"].exit_code == whole.exit_code == 0 and seen["result"].output == whole.output, words


def test_a_kept_replay_is_thrown_away_when_history_was_edited(demo, cli, monkeypatch):
    """An edit of an earlier event is not an append: the kept replay is not used, every event is
    booked again and the result is the log's."""
    assert cli("grade", "--year", "2023", "-l", demo).exit_code == 0
    path = demo / "ledger.yaml"
    path.write_bytes(path.read_bytes().replace(b"study.absent", b"study.notes", 1))
    booked = _booked_while(monkeypatch, lambda: cli("grade", "--year", "2023", "-l", demo))
    assert len(booked) > 10
    edited = cli("grade", "--year", "2023", "-l", demo)
    assert edited.output == cli("grade", "--year", "2023", "-l", demo, env={"JIFEN_CACHE": "off"}).output


def test_a_correction_appended_books_again_and_keeps_the_new_replay(demo, cli, monkeypatch):
    """A revoke of an earlier score changes what was booked: the whole log is booked again once,
    kept, and the next append books only itself."""
    assert cli("grade", "--year", "2023", "-l", demo).exit_code == 0
    target = next(e.id for e in full(demo) if e.kind == "score")
    assert cli("revoke", str(target), "--reason", "记错了人", "--date", "2023-12-30", "-l", demo).exit_code == 0
    assert len(_booked_while(monkeypatch, lambda: cli("grade", "--year", "2023", "-l", demo))) > 10
    assert cli("add", "m02", "study.absent", "--date", "2023-12-31", "-l", demo).exit_code == 0
    booked = _booked_while(monkeypatch, lambda: cli("report", "--quarter", "2023Q4", "-l", demo))
    assert booked == [full(demo)[-1].id]
    assert (cli("report", "--quarter", "2023Q4", "-l", demo).output
            == cli("report", "--quarter", "2023Q4", "-l", demo, env={"JIFEN_CACHE": "off"}).output)


def _ledger_text(name: str, scheme_id: str, events, roles=()) -> str:
    """The canonical log of an ``open`` under ``scheme_id`` followed by ``events`` (renumbered after it;
    a role the scheme does not have, left out)."""
    chunks = [ledger.HEADER, ledger.emit({"id": 1, "date": dt.date(2023, 1, 1), "kind": "open", "name": name,
                                          "scheme": scheme_id, "by": "记分员"})]
    for event in events:
        fields = {k: v for k, v in event.__dict__.items() if k not in ("source", "places") and v is not None
                  and not (k == "role" and v not in roles)}
        fields.update(id=event.id + 1, by="记分员", **({"target": event.target + 1} if event.target else {}))
        chunks.append(ledger.emit(fields))
    return "".join(chunks)


@pytest.mark.parametrize("scheme_id", ["quantified-2023", "bianban-monthly", "dongli-branch-2023"])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(happenings=st.lists(test_engine.happening, max_size=14), later=st.lists(test_engine.appended, max_size=4),
       dated=st.booleans())
def test_reports_after_appends_equal_those_of_the_whole_log(tmp_path_factory, cli, scheme_id, happenings, later,
                                                            dated):
    """Over generated logs and append points: a report kept its replay, events were appended (bytes
    added at the end, as jifen writes them), and grade, report and show through the cache print
    what they print with the cache off."""
    from jifen.store import scheme as scheme_io

    scheme = scheme_io.load_valid(scheme_io.shipped_dir() / f"{scheme_id}.yaml")
    if dated:
        happenings, later = sorted(happenings, key=lambda h: h[2]), sorted(later, key=lambda h: h[2])
    cut = len(test_engine.running_log(scheme, happenings))
    events = test_engine.running_log(scheme, happenings + later)
    folder = tmp_path_factory.mktemp("支部") / "第一党支部"
    folder.mkdir()
    path = folder / "ledger.yaml"
    path.write_text(_ledger_text("第一党支部", scheme_id, events[:cut], scheme.roles), encoding="utf-8")
    cli("grade", "--year", "2023", "-l", folder)  # keeps the replay of the start, where it has no problem
    path.write_text(_ledger_text("第一党支部", scheme_id, events, scheme.roles), encoding="utf-8")
    for words in (["grade", "--year", "2023", "-f", "json"], ["report", "--month", "2023-03"],
                  ["report", "--quarter", "2023Q2"], ["show", "m1"]):
        got = cli(*words, "-l", folder)
        want = cli(*words, "-l", folder, env={"JIFEN_CACHE": "off"})
        assert (got.exit_code, got.output) == (want.exit_code, want.output), words


def test_show_prints_the_text_kept_for_the_same_log_and_member(demo, cli, monkeypatch):
    """``show`` keeps its text as grade and report do: run again on the same bytes it books nothing;
    another member, or one record appended, misses."""
    first = cli("show", "m01", "-l", demo)
    assert first.exit_code == 0
    assert _booked_while(monkeypatch, lambda: cli("show", "m01", "-l", demo)) == []
    assert cli("show", "m01", "-l", demo).output == first.output == cli("show", "m01", "-l", demo,
                                                                       env={"JIFEN_CACHE": "off"}).output
    assert cli("show", "m02", "-l", demo).output != first.output
    assert cli("add", "m01", "study.absent", "--date", "2023-12-30", "--note", "缺席", "-l", demo).exit_code == 0
    after = cli("show", "m01", "-l", demo)
    assert after.output != first.output and "缺席" in after.output
    assert after.output == cli("show", "m01", "-l", demo, env={"JIFEN_CACHE": "off"}).output


@settings(max_examples=60, deadline=None)
@given(count=st.integers(0, 40), tail=st.integers(0, 5), every_nth=st.integers(1, 7), appended=st.integers(0, 9),
       cuts=st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), max_size=6),
       noise=st.lists(st.sampled_from(["", "# 注释\n", "\n"]), min_size=50, max_size=50))
def test_events_made_as_asked_are_the_events_in_every_way_a_tuple_is_asked(count, tail, every_nth, appended, cuts,
                                                                          noise):
    """A snapshot's events read from the log's bytes only as they are asked for (cache.Events over the
    offsets and lines a snapshot kept, its lines marked every ``every_nth`` events, comments and blank
    lines between them) give by place, by slice, slice of a slice, by id, added to, and iterated,
    exactly what the tuple of all of them gives, a whole read's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "LINES_EVERY", every_nth)
        check_events_made_as_asked(count, tail, appended, cuts, noise)


def check_events_made_as_asked(count, tail, appended, cuts, noise):
    text = "# 台账\n" + "".join(noise[i] + ledger.emit({"id": i + 1, "date": dt.date(2023, 1, 1) + dt.timedelta(days=i),
                                                      "kind": "score", "subject": f"党员{i % 3}", "rule": "study.absent",
                                                      "by": "记分员"}) for i in range(count + tail + appended))
    data = text.encode()
    made = ledger._fast("l", text)
    every = tuple(made[:count + tail])
    size = ledger.starts(data)[count] if count < len(made) else len(data)
    offsets = array("I", ledger.starts(data)[:count])
    marks = array("I")
    cache._mark_lines(data, offsets, marks, 0, 0)
    lazy = cache.Events("l", data, cache.Placed(offsets, marks, size), every[count:])
    assert len(lazy) == len(every)
    assert [lazy[i] for i in range(-len(every), len(every))] == [every[i] for i in range(-len(every), len(every))]
    assert [(e.source, dict(e.places)) for e in lazy[:count]] == [(e.source, dict(e.places)) for e in every[:count]]
    for a, b in cuts:
        assert tuple(lazy[a:b]) == every[a:b] and len(lazy[a:b]) == len(every[a:b])
        assert tuple(lazy[a:][:b]) == every[a:][:b]
        assert [e.source for e in lazy[a:b]] == [e.source for e in every[a:b]]
    assert [lazy.get(e.id) for e in every] == list(every) and lazy.get(10_000) is None
    assert tuple(lazy + tuple(made[count + tail:])) == tuple(made)


def test_the_first_add_after_a_report_takes_its_replay_for_the_log_found_clean(demo, cli, monkeypatch):
    """A report that replayed the log found it clean and kept the replay: the next ``add`` takes that for
    these very bytes found clean (as it takes its own mark after an append) and does not read the whole
    log; with the log's bytes changed by hand since, it reads it and refuses what is wrong."""
    from jifen.store import ledger as ledger_io

    assert cli("grade", "--year", "2023", "-l", demo).exit_code == 0
    whole = []
    real = ledger_io.parse
    monkeypatch.setattr(ledger_io, "parse", lambda *args, **kwargs: whole.append(1) or real(*args, **kwargs))
    assert cli("add", "m02", "study.absent", "--date", "2023-12-31", "-l", demo).exit_code == 0
    assert whole == []
    assert cli("grade", "--year", "2023", "-l", demo).exit_code == 0
    path = demo / "ledger.yaml"
    path.write_bytes(path.read_bytes().replace(b"rule: study.absent", b"rule: study.nothing", 1))
    refused = cli("add", "m02", "study.absent", "--date", "2023-12-31", "-l", demo)
    assert refused.exit_code != 0 and "study.nothing" in refused.output and whole


def test_each_kept_text_is_a_file_of_its_own_and_the_oldest_go(demo, cli, monkeypatch):
    """A report's printed text is kept in a file of its own (a warm run reads only its own); beyond
    ``RESULTS_KEPT`` the oldest go; the one file an earlier jifen kept every text in is replaced."""
    folder = demo / cache.FOLDER
    folder.mkdir()
    (folder / cache.RESULTS).write_bytes(b"every text, as kept before")
    monkeypatch.setattr(cache, "RESULTS_KEPT", 3)
    months = [f"2023-{m:02d}" for m in range(1, 6)]
    printed = {m: cli("report", "--month", m, "-l", demo).output for m in months}
    kept = sorted((folder / cache.RESULTS).iterdir(), key=lambda p: p.stat().st_mtime_ns)
    assert len(kept) == 3 and all(cache._is_key(p.name) for p in kept)
    assert {cache._load(p) for p in kept} == {printed[m] for m in months[-3:]}
    for month in months:  # kept or not, the same text
        assert cli("report", "--month", month, "-l", demo).output == printed[month]


CHUNKS = st.sampled_from(["- id: 1\n", "  kind: score\n", "  subject: 张三\n", "  note: 缺席支部大会\n", "\n", "  by: 记分员\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(CHUNKS, max_size=8), st.sampled_from(["same", "appended", "edited", "cut"]),
                          st.floats(0, 1)), min_size=1, max_size=6))
def test_a_log_hashed_again_is_hashed_as_a_whole_hash_would(steps):
    """``cache.log_digest`` hashes only past the bytes it hashed last, when the log is those very bytes or starts
    with them (a ``jifen add`` hashes its log's kept start, the log, then the log with the new record): each
    digest is always BLAKE3 of the bytes asked for, also when the log was cut, edited or replaced since."""
    import blake3

    cache._hashed.clear()
    data = b""
    for chunks, change, share in steps:
        more = "".join(chunks).encode("utf-8")
        if change == "appended":
            data = data + more
        elif change == "edited":  # the same length, a byte changed: never the hasher of the bytes before
            data = data[:-1] + bytes([(data[-1] + 1) % 256]) + more if data else more
        elif change == "cut":
            data = data[: len(data) // 2]
        size = round(len(data) * share)
        for asked in (size, len(data)):  # a kept start, then all of it (the same bytes: only the rest is hashed)
            assert cache.log_digest(data, asked) == blake3.blake3(data[:asked]).hexdigest()
        assert cache.log_digest(data) == blake3.blake3(data).hexdigest()
        assert cache.log_digest(data, appended=more) == blake3.blake3(data + more).hexdigest()  # not joined


def test_add_hashes_its_log_once_and_searches_none_of_it_for_scheme_lines(demo, cli, monkeypatch):
    """``jifen add`` after a report hashes the log's bytes once (the start its kept spine covers), not again
    to key the check of the log and then the log with the new record: only the bytes past those are
    hashed; and it searches only those for the scheme lines the key names (the spine keeps the start's)."""
    import blake3

    assert cli("grade", "--year", "2023", "-l", demo).exit_code == 0  # keeps the spine add reads through
    log = (demo / "ledger.yaml").read_bytes()
    hashed, searched = [], []
    real, search = blake3.blake3, ledger.scheme_refs

    def counted(data=b"", **options):
        if len(data) > len(log) // 2 and log.startswith(bytes(data[:len(log)])):
            hashed.append(len(data))
        return real(data, **options)

    monkeypatch.setattr(blake3, "blake3", counted)
    monkeypatch.setattr(ledger, "scheme_refs", lambda data: searched.append(len(data)) or search(data))
    cache._hashed.clear()  # as a new process starts
    cache._refs_read.clear()
    done = cli("add", "m02", "study.absent", "--date", "2023-12-31", "--note", "缺席支部大会", "-l", demo)
    assert done.exit_code == 0, done.output
    assert hashed == [len(log)]
    assert searched and max(searched) < len(log) // 2, searched
    assert (demo / "ledger.yaml").read_bytes().startswith(log)
    assert cli("check", "-l", demo).exit_code == 0


@settings(max_examples=300, deadline=None)
@given(st.lists(CHUNKS, max_size=12), st.floats(0, 1), st.lists(CHUNKS, max_size=4))
def test_scheme_lines_of_a_kept_start_and_what_follows_are_those_of_the_whole_log(lines, share, appended):
    """The scheme lines of a log whose start a kept spine covers (``_refs_kept``) and of that log with
    lines appended are, searching only past the start, those a search of the whole log finds."""
    data = "".join(lines).replace("note:", "scheme:").encode("utf-8")
    size = round(len(data) * share)
    cache._refs_kept(data, size, ledger.scheme_refs(data[:size]))
    assert cache._scheme_refs(data) == ledger.scheme_refs(data)
    added = "".join(appended).replace("note:", "scheme:").encode("utf-8")
    assert cache._scheme_refs(data, added) == ledger.scheme_refs(data + added)  # the two not joined
    cache._refs_kept(data, size, ledger.scheme_refs(data[:size]))
    assert cache._scheme_refs(data + added) == ledger.scheme_refs(data + added)


@pytest.mark.parametrize("every", [cache.LINES_EVERY, 3])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extras=st.lists(st.sampled_from([{}, {"note": "缺席支部大会"}, {"ref": "通报一", "note": "迟到"}, {"count": 2}]),
                       min_size=1, max_size=400),
       kept_share=st.floats(0, 1), regrown=st.booleans(), picks=st.lists(st.integers(0, 10_000), max_size=20))
def test_events_read_alone_through_a_kept_spine_have_the_lines_of_the_whole_log(tmp_path, monkeypatch, every, extras,
                                                                                   kept_share, regrown, picks):
    """An event the kept spine reads from its own bytes (``about`` a member, ``get`` by id, in any order) is
    placed on the line the whole log's reader places it, its line counted from the line the spine keeps of
    every ``LINES_EVERY``-th event: events of four to six lines, the spine kept of the log's start, then
    grown by what was appended since and (``regrown``: a join among it) kept again."""
    from jifen.core.model import Spine

    monkeypatch.setattr(cache, "LINES_EVERY", every)
    events = [{"date": "2023-01-01", "kind": "open", "name": "第一支部", "scheme": "quantified-2023"},
              *({"date": "2023-01-01", "kind": "join", "subject": f"m0{n}", "name": f"党员{n}"} for n in (1, 2))]
    events += [{"date": "2023-03-01", "kind": "score", "subject": f"m0{1 + n % 2}", "rule": "study.absent", **extra}
               for n, extra in enumerate(extras)]
    kept = max(3, round(len(events) * kept_share))
    if regrown:
        events.insert(kept + (len(events) - kept) // 2, {"date": "2023-03-01", "kind": "join", "subject": "m03",
                                                         "name": "党员3"})
    folder = tmp_path / f"支部{every}-{len(events)}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    path = folder / "ledger.yaml"
    half = _log_text(events[:kept]).encode("utf-8")
    path.write_bytes(half)
    cache.spine(folder, path, half)  # keeps the spine of the start
    data = _log_text(events).encode("utf-8")
    path.write_bytes(data)
    whole = Spine.of(ledger.parse(str(path), data)[0])
    for _ in range(2):  # grown from the kept start, then (regrown) from the spine kept again
        for member in ("m01", "m02"):
            spine = cache.spine(folder, path, data).spine  # a new one: nothing read yet
            assert [(e.id, e.source) for e in spine.about(member)] == [(e.id, e.source) for e in whole.about(member)]
        spine = cache.spine(folder, path, data).spine
        for number in picks:
            number = number % (len(events) + 1)
            found, want = spine.get(number), whole.get(number)
            assert (found is None and want is None) or (found.id, found.source) == (want.id, want.source)


def test_add_keeps_its_clean_mark_apart_from_the_reports_text(demo, cli, monkeypatch):
    """``jifen add`` keeps the mark that the log it appended to is clean in a file of its own: the
    reports' printed text (``results``) is neither read nor written again, and forty adds do not push
    it out; the next add finds its mark and reads no more of the log than before."""
    from jifen.store import ledger as ledger_io

    assert cli("grade", "--year", "2023", "-l", demo).exit_code == 0
    results = demo / cache.FOLDER / cache.RESULTS
    printed = {p.name: p.read_bytes() for p in results.iterdir()}
    real_load = cache._load
    loaded = []
    monkeypatch.setattr(cache, "_load", lambda path: loaded.append(path.parent.name) or real_load(path))
    whole = []
    real_parse = ledger_io.parse
    monkeypatch.setattr(ledger_io, "parse", lambda *args, **kwargs: whole.append(1) or real_parse(*args, **kwargs))
    for day in range(1, 41):
        done = cli("add", "m02", "study.absent", "--date", f"2023-11-{day % 30 + 1:02d}", "--note", f"第{day}次缺席",
                   "-l", demo)
        assert done.exit_code == 0, done.output
    assert cache.RESULTS not in loaded and "clean" in loaded and whole == []
    assert {p.name: p.read_bytes() for p in results.iterdir()} == printed


def test_add_of_a_score_decodes_the_row_of_its_member_alone(demo, cli, monkeypatch):
    """The spine keeps its roster row by row: ``jifen add`` of a score by a member's id decodes that
    member's row, not the roster's (5,000 rows took ~10 ms in a new process); by name it finds the
    member all the same, and the roster it restores is the one the whole log makes."""
    from jifen.core import roster

    assert cli("grade", "--year", "2023", "-l", demo).exit_code == 0  # keeps the spine add reads through
    decoded = []
    real = roster.from_rows

    def spied(rows, decode=None):  # each row the spine's roster decodes, by its member's id
        return real(rows, decode and (lambda row: decoded.append(decode(row)[0]) or decode(row)))

    monkeypatch.setattr(roster, "from_rows", spied)
    done = cli("add", "m02", "study.absent", "--date", "2023-12-31", "--note", "缺席支部大会", "-l", demo)
    assert done.exit_code == 0, done.output
    assert decoded == ["m02"]
    by_name = cli("add", "李秀英", "study.absent", "--date", "2023-12-31", "-l", demo)
    assert by_name.exit_code == 0 and "李秀英" in by_name.output
    path = demo / "ledger.yaml"
    kept = cache.spine(demo, path, path.read_bytes()).spine
    assert dict(roster.of(kept)) == dict(roster.build(full(demo)))


def test_kept_texts_with_the_same_time_are_pruned_without_a_traceback(tmp_path, cli):
    """A results folder copied onto a USB stick (FAT keeps times to 2 s) or out of an archive holds
    files of one modification time: the oldest are still found, and the report prints as without
    the cache (the pruning compared two folder entries, a TypeError)."""
    folder = tmp_path / "党委" / "第一党支部"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns(".jifen-cache"))
    months = [f"2023-{m:02d}" for m in range(1, 13)]
    for month in months[:cache.RESULTS_KEPT // 8 + 2]:
        cli("report", "--month", month, "-l", folder)
    results = folder / cache.FOLDER / cache.RESULTS
    for number in range(cache.RESULTS_KEPT):  # as many again, as an older run left them
        (results / cache.key("留存", number)).write_bytes(b"")
    for kept in results.iterdir():
        os.utime(kept, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    got = cli("report", "--month", "2023-12", "-l", folder)
    assert got.exit_code == 0
    assert got.output == cli("report", "--month", "2023-12", "-l", folder, env={"JIFEN_CACHE": "off"}).output
    assert len(list(results.iterdir())) == cache.RESULTS_KEPT


def test_a_results_folder_that_refuses_removals_still_prints_the_report(tmp_path, cli, monkeypatch):
    """A results folder made read-only (or on a share that refuses deletions) holding more texts than
    are kept: the report prints as without the cache and exits 0 (the pruning's PermissionError
    ended it with 没有权限读写 after the table)."""
    folder = tmp_path / "党委" / "第二党支部"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns(".jifen-cache"))
    monkeypatch.setattr(cache, "RESULTS_KEPT", 2)
    for month in ("2023-01", "2023-02"):
        cli("report", "--month", month, "-l", folder)
    refused = type(folder).unlink

    def unlink(path, missing_ok=False):
        if path.parent.name == cache.RESULTS:
            raise PermissionError(13, "Permission denied", str(path))
        return refused(path, missing_ok=missing_ok)

    monkeypatch.setattr(type(folder), "unlink", unlink)
    got = cli("report", "--month", "2023-03", "-l", folder)
    assert got.exit_code == 0
    assert got.output == cli("report", "--month", "2023-03", "-l", folder, env={"JIFEN_CACHE": "off"}).output


def test_a_temporary_file_a_killed_writer_left_is_removed_an_hour_on(demo, cli):
    """A report killed while it wrote its text leaves ``KEY.PID`` behind: the next report that keeps a
    text removes it once it is an hour old (a writer still at work is never that slow)."""
    import os
    import time

    assert cli("report", "--month", "2023-03", "-l", demo).exit_code == 0
    folder = demo / cache.FOLDER / cache.RESULTS
    kept = next(folder.iterdir())
    old, fresh = folder / f"{kept.name}.4242", folder / f"{kept.name}.4343"
    old.write_bytes(b"half a text")
    fresh.write_bytes(b"a text being written")
    hour_ago = time.time() - 3_601
    os.utime(old, (hour_ago, hour_ago))
    printed = cli("report", "--month", "2023-04", "-l", demo)
    assert printed.exit_code == 0 and not old.exists() and fresh.exists() and kept.exists()


# --- whatever happens, the cache prints what the log says ----------------------------------------

_MEMBERS = ("m01", "m02", "m03", "m05", "m08", "赵新")  # 赵新 joins in a step below; before that, refused
_RULES = ("study.absent", "study.notes", "service.complaint", "honor.provincial", "honor.national", "honor.city")
# when a write is dated: some days after the one before it (most appends), or back in 2023 (a late record)
_WHEN = st.one_of(st.integers(min_value=0, max_value=12), st.integers(min_value=0, max_value=11),
                  st.integers(min_value=0, max_value=30), st.dates(dt.date(2023, 1, 2), dt.date(2023, 12, 30)))
_WRITES = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(_MEMBERS), st.sampled_from(_RULES), st.sampled_from(("", "补记“缺席”"))),
    st.tuples(st.just("add"), st.sampled_from(_MEMBERS), st.sampled_from(_RULES), st.sampled_from(("", "补记“缺席”"))),
    st.tuples(st.just("honour"), st.sampled_from(_MEMBERS), st.sampled_from(("honor.city", "honor.provincial"))),
    st.tuples(st.just("veto"), st.sampled_from(_MEMBERS)),
    st.tuples(st.just("revoke"), st.integers(min_value=1, max_value=90)),
    st.tuples(st.just("amend"), st.integers(min_value=1, max_value=90), st.sampled_from(("1", "2", "3"))),
    st.tuples(st.just("join")),
    st.tuples(st.just("leave"), st.sampled_from(_MEMBERS)),
    st.tuples(st.just("group"), st.sampled_from(_MEMBERS), st.sampled_from(("第一党小组", "第二党小组"))),
)
_READS = st.one_of(
    st.tuples(st.just("grade"), st.sampled_from(("2024", "2024", "2023"))),
    st.tuples(st.just("report"), st.sampled_from(("--month", "--quarter")),
              st.sampled_from(("2024-01", "2024-02", "2024-03", "2023-12"))),
    st.tuples(st.just("show"), st.sampled_from(_MEMBERS), st.sampled_from(("table", "json"))),
    st.tuples(st.just("member"), st.just("list")),
)


def _write_words(step: tuple, day: str) -> list[str]:
    kind, *args = step
    if kind == "add":
        member, rule, note = args
        return ["add", member, rule, "--date", day, *(["-n", note] if note else [])]
    if kind == "honour":  # the same honour again: counted once, at its highest (``--ref``)
        return ["add", args[0], args[1], "--ref", "省级先进党员", "--date", day]
    if kind == "veto":
        return ["veto", args[0], "--reason", "违反廉洁纪律", "--date", day]
    if kind == "revoke":
        return ["revoke", str(args[0]), "--reason", "记错了", "--date", day]
    if kind == "amend":
        return ["amend", str(args[0]), "--count", args[1], "--reason", "次数更正", "--date", day]
    if kind == "join":
        return ["member", "add", "赵新", "--date", day]
    if kind == "leave":
        return ["member", "leave", args[0], "--reason", "转出", "--date", day]
    return ["member", "group", args[0], args[1], "--date", day]


def _read_words(step: tuple) -> list[str]:
    kind, *args = step
    if kind == "report":
        flag, month = args
        return ["report", flag, month if flag == "--month" else f"{month[:4]}Q{(int(month[5:]) + 2) // 3}"]
    if kind == "show":
        return ["show", args[0], "-f", args[1]]
    if kind == "grade":
        return ["grade", "--year", args[0]]
    return [kind, *args]


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(_WRITES, _WHEN, st.lists(_READS, min_size=1, max_size=2)), min_size=2, max_size=8))
def test_what_the_cache_prints_is_what_the_log_says_after_any_sequence_of_commands(cli, monkeypatch, steps):
    """Any sequence of appends (scores in order or late, a repeated honour, vetoes, corrections, joins,
    leaves, groups; refused ones too) with reports, statements and the roster read between them: each
    read prints, through every kind of cache entry (kept text, snapshot, spine, kept replay, scores and
    totals), exactly what it prints with the cache off; and the same again from its kept text."""
    import tempfile

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "机关第一支部"
        shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns(".jifen-cache"))
        for words in (["grade", "--year", "2024"], ["report", "--quarter", "2024Q1"], ["grade", "--year", "2023"]):
            assert cli(*words, "-l", folder).exit_code == 0  # kept scores and totals to start from
        day = dt.date(2024, 1, 2)
        for write, when, reads in steps:
            if isinstance(when, int):
                day = day + dt.timedelta(days=when)
            monkeypatch.setenv("JIFEN_CACHE", "on")
            cli(*_write_words(write, (when if isinstance(when, dt.date) else day).isoformat()), "-l", folder)
            for read in reads:  # refused or not, what was written is what is read
                words = [*_read_words(read), "-l", folder]
                cached = cli(*words)
                again = cli(*words)
                monkeypatch.setenv("JIFEN_CACHE", "off")
                truth = cli(*words)
                monkeypatch.setenv("JIFEN_CACHE", "on")
                assert truth.exit_code == 0 or read[1] == "赵新", (read, truth.output)  # not a member yet
                assert (cached.exit_code, cached.output) == (truth.exit_code, truth.output), (write, read)
                assert (again.exit_code, again.output) == (truth.exit_code, truth.output), (write, read)
