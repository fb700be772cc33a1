"""The cache beside a ledger: what it gives is what reading the log gives, and it is never trusted over it."""

from __future__ import annotations

import shutil

import pytest

from jifen import cache, ledger
from tests.conftest import DEMO


@pytest.fixture
def demo(tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns(cache.FOLDER))
    return folder


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


def test_only_the_appended_bytes_are_parsed(demo, cli):
    cache.read(demo)
    assert cli("add", "m01", "study.absent", "--date", "2023-12-30", "-l", demo).exit_code == 0
    size = (demo / "ledger.yaml").stat().st_size  # add read the log through the cache: its snapshot stops here
    assert cli("add", "m02", "study.notes", "--date", "2023-12-30", "-l", demo, "--note", "a: b").exit_code == 0
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
    assert cli("check", "-l", demo).exit_code == 0
    path = demo / "ledger.yaml"
    path.write_bytes(path.read_bytes().replace(b"study.absent", b"study.notes!", 1))
    result = cli("report", "--quarter", "2023Q1", "-l", demo)
    assert "缓存" in result.stderr and "jifen audit" in result.stderr


def test_a_kept_result_is_the_same_text_and_misses_on_any_change(demo, cli, tmp_path):
    first = cli("grade", "--year", "2023", "-l", demo)
    assert first.exit_code == 0 and (demo / cache.FOLDER / "results").is_file()
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
    assert first.exit_code == 0 and (tmp_path / "c" / "a" / cache.FOLDER / "results").is_file()
    assert cli(*words).output == first.output
    assert cli("veto", "m01", "--reason", "x", "--date", "2023-12-30", "-l", tmp_path / "c" / "b").exit_code == 0
    after = cli(*words)
    assert after.output == cli(*words, env={"JIFEN_CACHE": "off"}).output != first.output
