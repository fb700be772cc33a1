"""Reading and appending the log: structure problems, canonical text, append-only writes."""

from __future__ import annotations

import datetime as dt
import doctest
import multiprocessing
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from jifen.errors import InvalidInput, WriteRefused
from jifen.store import ledger

HEAD = "- id: 1\n  date: 2023-01-01\n  kind: open\n  name: 支部\n  scheme: quantified-2023\n  by: 记分员\n"


def parse(text: str):
    return ledger.parse("l.yaml", text.encode("utf-8"))


def test_reads_documented_example():
    book, problems = parse(
        HEAD
        + "- id: 2\n  date: 2023-01-01\n  kind: join\n  subject: m01\n  name: 张三\n  by: 刘芳\n"
        + "- id: 3\n  date: 2023-01-10\n  kind: score\n  subject: m01\n  rule: study.absent\n  count: 2\n"
        + "  note: 缺席1月支部党员大会\n  by: 刘芳\n"
        + "- id: 4\n  date: 2023-01-11\n  kind: score\n  subject: m01\n  rule: study.quality\n  points: -0.5\n"
        + "  by: 刘芳\n"
    )
    assert problems == []
    assert book.name == "支部" and book.scheme_ref == "quantified-2023" and book.subjects == "members"
    assert [e.kind for e in book.events] == ["open", "join", "score", "score"]
    assert book.events[2].count == 2 and book.events[2].source.line == 13
    assert book.events[3].points == Decimal("-0.5")


def test_empty_and_comment_only_logs_are_reported_empty():
    for text in ("", "# nothing yet\n"):
        book, problems = parse(text)
        assert book.events == () and [p.code for p in problems] == ["ledger.empty"]


@pytest.mark.parametrize(
    "event, code",
    [
        ("- id: 2\n  date: 2023-01-01\n  kind: join\n  subject: m01\n  by: y\n", "yaml.missing-key"),
        ("- id: 2\n  date: 2023-01-01\n  kind: dance\n  by: y\n", "ledger.unknown-kind"),
        ("- id: 2\n  date: 2023-01-01\n  kind: join\n  subject: m01\n  name: x\n  rule: y\n  by: y\n", "yaml.unknown-key"),
        ("- id: 2\n  date: 2023/01/01\n  kind: join\n  subject: m01\n  name: x\n  by: y\n", "yaml.want-date"),
        ("- id: 2\n  date: 2023-02-30\n  kind: join\n  subject: m01\n  name: x\n  by: y\n", "yaml.bad-date"),
        ("- id: x\n  date: 2023-01-01\n  kind: join\n  subject: m01\n  name: x\n  by: y\n", "yaml.want-int"),
        ("- id: 2\n  date: 2023-01-01\n  kind: score\n  subject: m\n  rule: r\n  points: \"1\"\n  by: y\n", "yaml.want-number"),
        ("- id: 2\n  date: 2023-01-01\n  kind: score\n  subject: m\n  rule: r\n  count: 0\n  by: y\n", "yaml.want-count"),
        ("- id: 1\n  date: 2023-01-01\n  kind: join\n  subject: m01\n  name: x\n  by: y\n", "ledger.id-order"),
        ("- id: 2\n  date: 2023-01-01\n  kind: join\n  name: x\n  by: y\n", "yaml.missing-key"),
        ("- [1, 2]\n", "ledger.not-a-mapping"),
    ],
)
def test_each_structural_problem(event, code):
    _, problems = parse(HEAD + event)
    assert code in [p.code for p in problems]


def test_first_event_must_be_open():
    _, problems = parse("- id: 1\n  date: 2023-01-01\n  kind: join\n  subject: m01\n  name: x\n  by: y\n")
    assert [p.code for p in problems] == ["ledger.no-open"]


def test_not_a_list():
    _, problems = parse("id: 1\n")
    assert [p.code for p in problems] == ["ledger.not-a-list"]


# --- canonical text ---------------------------------------------------------------

text_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30  # what emit takes
)


@settings(max_examples=300, deadline=None)
@given(text_values)
def test_scalar_reads_back_as_the_same_text_in_ruamel_and_in_jifen(value):
    assert "\n" not in ledger.scalar(value)
    assert YAML(typ="safe", pure=False).load(f"note: {ledger.scalar(value)}\n")["note"] == value
    event = ledger.emit({"id": 2, "date": dt.date(2023, 1, 1), "kind": "join", "subject": "m", "name": value, "by": "x"})
    book, problems = parse(HEAD + event)
    assert problems == []
    assert book.events[1].name == value


def test_chinese_is_written_as_is():
    assert ledger.scalar("缺席三会一课,扣1分") == "缺席三会一课,扣1分"
    assert "\\u" not in ledger.emit({"id": 5, "note": "张三"})


@pytest.mark.parametrize("value", ["yes", "No", "null", "~", "=", "<<", "123", "1.5", "-x", "a: b", "#c", "2023-01-01", " x", "x "])
def test_scalars_that_yaml_would_retype_are_quoted(value):
    assert ledger.scalar(value).startswith('"')


# --- appending ------------------------------------------------------------------------


def new_ledger(tmp_path: Path) -> Path:
    folder = tmp_path / "b"
    ledger.create(folder, {"date": dt.date(2023, 1, 1), "name": "支部", "scheme": "quantified-2023", "by": "记分员"})
    return folder


def join(name: str):
    return lambda book, next_id: {"date": dt.date(2023, 1, 2), "kind": "join", "subject": f"m{next_id}", "name": name,
                                  "by": "记分员"}


def test_append_only_adds_bytes_at_the_end(tmp_path):
    folder = new_ledger(tmp_path)
    path = folder / ledger.FILENAME
    before = path.read_bytes()
    event = ledger.append(folder, join("张三"))
    after = path.read_bytes()
    assert after.startswith(before)
    assert after[len(before):].decode() == "- id: 2\n  date: 2023-01-02\n  kind: join\n  subject: m2\n  name: 张三\n  by: 记分员\n"
    assert event.source.line == before.count(b"\n") + 1


def test_create_refuses_an_existing_ledger(tmp_path):
    folder = new_ledger(tmp_path)
    with pytest.raises(WriteRefused):
        ledger.create(folder, {"date": dt.date(2023, 1, 1), "name": "x", "scheme": "y", "by": "z"})


def test_refused_build_writes_nothing(tmp_path):
    folder = new_ledger(tmp_path)
    before = (folder / ledger.FILENAME).read_bytes()

    def refuse(book, next_id):
        raise InvalidInput("cli.unknown-subject", text="x")

    with pytest.raises(InvalidInput):
        ledger.append(folder, refuse)
    assert (folder / ledger.FILENAME).read_bytes() == before


def test_every_cut_through_the_last_event_is_seen_as_torn(tmp_path):
    folder = new_ledger(tmp_path)
    ledger.append(folder, join("张三"))
    ledger.append(folder, lambda book, n: {"date": dt.date(2023, 2, 1), "kind": "score", "subject": "m2",
                                           "rule": "study.absent", "count": 2, "note": "缺席支部大会", "by": "刘芳"})
    path = folder / ledger.FILENAME
    whole = path.read_bytes()
    start = whole.rfind(b"\n- id: 3") + 1
    book, problems = ledger.parse("l", whole)
    assert problems == [] and len(book.events) == 3
    assert ledger.parse("l", whole[:start])[1] == []  # cut before it began: the append never happened
    for cut in range(start + 1, len(whole)):
        data = whole[:cut]
        assert ledger.torn_at(data) == start, cut
        book, problems = ledger.parse("l", data)
        assert [p.code for p in problems] == ["ledger.torn-tail"], cut
        assert len(book.events) == 2, cut


def test_repair_moves_the_torn_bytes_to_a_backup(tmp_path):
    folder = new_ledger(tmp_path)
    path = folder / ledger.FILENAME
    whole = path.read_bytes()
    ledger.append(folder, join("张三"))
    cut = path.read_bytes()[:-5]
    path.write_bytes(cut)
    with pytest.raises(WriteRefused):
        ledger.append(folder, join("李四"))
    moved, backup = ledger.repair(folder, "torn-test")
    assert path.read_bytes() == whole
    assert backup.read_bytes() == cut[len(whole):] and moved == len(cut) - len(whole)
    assert ledger.repair(folder, "torn-again") is None
    ledger.append(folder, join("李四"))
    assert ledger.read(folder)[1] == []


def test_a_file_changed_behind_the_lock_is_not_written_on(tmp_path):
    folder = new_ledger(tmp_path)
    path = folder / ledger.FILENAME

    def meddle(book, next_id):
        with open(path, "a", encoding="utf-8") as editor:  # an editor that ignores the lock
            editor.write("# 手工编辑\n")
        return join("张三")(book, next_id)

    with pytest.raises(WriteRefused):
        ledger.append(folder, meddle)
    assert path.read_text(encoding="utf-8").endswith("# 手工编辑\n")


def test_limits_give_clear_problems(tmp_path):
    book, problems = ledger.parse("l", (HEAD + "  note: " + "x" * 70000 + "\n").encode())
    assert [p.code for p in problems] == ["yaml.line-too-long"] and problems[0].source.line == 7


def test_torn_tail_is_refused(tmp_path):
    folder = new_ledger(tmp_path)
    path = folder / ledger.FILENAME
    with open(path, "ab") as handle:
        handle.write(b"# half a line")
    before = path.read_bytes()
    with pytest.raises(WriteRefused):
        ledger.append(folder, join("张三"))
    assert path.read_bytes() == before


def test_ledger_with_problems_is_not_appended_to(tmp_path):
    folder = new_ledger(tmp_path)
    path = folder / ledger.FILENAME
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("- id: 2\n  date: nope\n  kind: join\n  subject: m\n  name: n\n  by: x\n")
    before = path.read_bytes()
    with pytest.raises(InvalidInput):
        ledger.append(folder, join("张三"))
    assert path.read_bytes() == before


def _append_many(folder: str, worker: int, count: int) -> None:
    for i in range(count):
        ledger.append(Path(folder), join(f"w{worker}-{i}"))


def test_concurrent_appends_queue_and_lose_nothing(tmp_path):
    folder = new_ledger(tmp_path)
    workers, each = 4, 10
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_append_many, args=(str(folder), w, each)) for w in range(workers)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    book, problems = ledger.read(folder)
    assert problems == []
    assert len(book.events) == 1 + workers * each
    assert [e.id for e in book.events] == list(range(1, 2 + workers * each))
    assert {e.name for e in book.events[1:]} == {f"w{w}-{i}" for w in range(workers) for i in range(each)}


# --- the fast reader gives exactly what the YAML reader gives ------------------------------

canonical_event = st.fixed_dictionaries(
    {
        "date": st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 1, 1)),
        "kind": st.just("score"),
        "subject": text_values,
        "rule": st.sampled_from(["study.absent", "x.y", "honor.city"]),
        "by": text_values,
    },
    optional={
        "count": st.integers(min_value=1, max_value=99),
        "points": st.decimals(min_value=-50, max_value=50, places=2, allow_nan=False),
        "ref": text_values,
        "note": text_values,
        "late": text_values,
    },
)
noise = st.sampled_from(["", "# 注释\n", "\n", "# - id: 99\n"])
hand_written = st.sampled_from([""] * 12 + [
    "  note: 'single quoted'\n", "  note:   spaced\n", "  note: \"\\x41\"\n", "  note: yes\n",
    "  note: 123\n", "  # indented comment\n", "  note: a # trailing comment\n",
])


def _read_alike(text: str):
    """The log ``text`` read by the fast reader and by the YAML reader: the same events, problems, and
    places of every event and field; the YAML reader's ledger and problems."""
    data = text.encode("utf-8")
    fast, fast_problems = ledger.parse("l", data)
    slow, slow_problems = ledger.parse("l", data, fast=False)
    assert fast_problems == slow_problems
    assert fast.events == slow.events
    for a, b in zip(fast.events, slow.events):
        assert a.source == b.source
        assert dict(a.places) == dict(b.places)
    return slow, slow_problems


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(canonical_event, noise, hand_written), max_size=12))
def test_fast_reader_equals_yaml_reader(items):
    text = HEAD
    for index, (fields, comment, extra) in enumerate(items, start=2):
        event = ledger.emit({"id": index, **fields})
        if extra and "note" not in fields:
            event = event[: event.rindex("  by:")] + extra + event[event.rindex("  by:"):]
        text += comment + event
    _read_alike(text)


inside = st.sampled_from(["", "", "# 注释:记分员 张三\n", "\n", "#\n", "- 1\n", "  # 缩进的注释\n", "  note: 例行检查\n"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(canonical_event, st.integers(min_value=1, max_value=9), inside), max_size=10),
       st.sampled_from(["", "# 台账\n", "\n\n", "# 台账\n\n"]), st.integers(min_value=1, max_value=3))
def test_lines_inside_an_event_read_the_same_fast_and_slow(items, before, copies):
    # comments and blank lines between an event's fields, lines no event has (read by YAML), a key
    # written twice, comments before the first event, events written again (lines the fast reader
    # has seen): each read as the YAML reader reads it, every field on its own line
    text = before + HEAD
    for index, (fields, at, extra) in enumerate(items * copies, start=2):
        lines = ledger.emit({"id": index, **fields}).splitlines(keepends=True)
        at = min(at, len(lines) - 1)
        text += "".join(lines[:at]) + extra + "".join(lines[at:])
    slow, slow_problems = _read_alike(text)
    alone = ledger._fast("l", text)  # None where the YAML reader must read it (parse then did)
    if alone is not None:
        assert [(e, e.source, dict(e.places)) for e in alone] == [(e, e.source, dict(e.places)) for e in slow.events]
    canonical = "- 1\n" not in text and "  # " not in text and "note: 例行检查\n  note:" not in text
    printable = all(line.isprintable() for line in text.splitlines())
    assert alone is not None or not canonical or not printable or "\\" in text or slow_problems


def test_an_event_of_more_lines_than_the_fast_reader_splits_at_once_reads_the_same():
    event = ledger.emit({"id": 2, "date": dt.date(2023, 1, 2), "kind": "join", "subject": "m1", "name": "张三",
                         "by": "记分员"})
    long = event.replace("  name:", "# 注释\n" * 100 + "\n" * 100 + "  name:")
    text = HEAD + long + event.replace("id: 2", "id: 3")
    fast = ledger._fast("l", text)
    assert fast is not None and fast == list(ledger.parse("l", text.encode(), fast=False)[0].events)
    assert [e.source.line for e in fast] == [1, 7, 213] and fast[1].places["name"].line == 211


def test_fast_reader_is_used_for_the_canonical_form_and_not_otherwise():
    canonical = (HEAD + ledger.emit({"id": 2, "date": dt.date(2023, 1, 1), "kind": "join", "subject": "m1",
                                     "name": "张三: 书记", "by": "x"})).encode()
    assert ledger._fast("l", canonical.decode()) is not None
    assert ledger._fast("l", canonical.decode().replace('"张三: 书记"', "'张三: 书记'")) is None


def test_a_line_the_fast_reader_knows_written_twice_in_one_event_goes_to_the_yaml_reader():
    # the fast reader remembers each field's line it has read; seen again in the same event it is a
    # duplicate key, which only the YAML reader reports
    first = ledger.emit({"id": 2, "date": dt.date(2023, 1, 2), "kind": "join", "subject": "m1", "name": "张三",
                         "note": "调入", "by": "记分员"})
    twice = first.replace("  note: 调入\n", "  note: 调入\n  note: 调入\n").replace("id: 2", "id: 3")
    text = HEAD + first + twice
    assert ledger._fast("l", text) is None
    fast, problems = ledger.parse("l", text.encode())
    assert (fast, problems) == ledger.parse("l", text.encode(), fast=False)
    assert [(p.code, p.source.line) for p in problems] == [("yaml.duplicate-key", 20)]
    once = HEAD + first + first.replace("id: 2", "id: 3")
    assert ledger._fast("l", once) == list(ledger.parse("l", once.encode(), fast=False)[0].events)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(canonical_event, noise), min_size=1, max_size=8), st.integers(min_value=0, max_value=400))
def test_each_event_start_is_found_from_any_offset(items, offset):
    # the offsets the spine keeps: every line that starts with "- id: ", from ``offset`` on
    text = HEAD + "".join(comment + ledger.emit({"id": i, **fields}) for i, (fields, comment) in enumerate(items, 2))
    data = text.encode("utf-8")
    lines = [m.start() for m in re.finditer(rb"^- id: ", data, re.MULTILINE) if m.start() >= offset]
    assert ledger.starts(data, offset) == lines
    assert ledger.starts(data) == [m.start() for m in re.finditer(rb"^- id: ", data, re.MULTILINE)]


def test_doctests():
    assert doctest.testmod(ledger).failed == 0


def _limited(limit: int) -> list[str]:
    """The command line prefix that runs a command with files limited to ``limit`` bytes (a full disk)."""
    import shutil

    return ["prlimit", f"--fsize={limit}", "--"] if shutil.which("prlimit") else []


@pytest.mark.parametrize("cache", ["on", "off"])
def test_a_short_write_was_reported_as_success(branch, cache):
    """With the file size limited (a full disk, a quota) only part of the event landed, and add said 0."""
    import os
    import resource
    import subprocess
    import sys

    path = branch / "ledger.yaml"
    before = path.read_bytes()
    limit = len(before) + 30  # room for the first line or two of the event, not all of it
    prefix = _limited(limit)

    def limit_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "JIFEN_CACHE": cache, "JIFEN_LANG": "zh", "JIFEN_USER": "记分员"}
    words = [sys.executable, "-m", "jifen", "add", "张三", "study.absent", "--date", "2023-01-10",
             "--note", "缺席支部党员大会", "-l", str(branch)]
    done = subprocess.run(prefix + words, capture_output=True, text=True, env=env,
                          preexec_fn=None if prefix else limit_files)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "没有记录任何内容" in done.stderr and "已追加" not in done.stdout
    assert path.read_bytes() == before
    check = subprocess.run([sys.executable, "-m", "jifen", "check", "-l", str(branch)], capture_output=True,
                           text=True, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    again = subprocess.run(words, capture_output=True, text=True, env=env)
    assert again.returncode == 0 and path.read_bytes().startswith(before) and len(path.read_bytes()) > limit


def test_short_writes_are_continued_until_all_is_written(tmp_path, monkeypatch):
    import os

    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, data[:7]))  # seven bytes at a time
    folder = tmp_path / "一支部"
    ledger.create(folder, {"date": dt.date(2023, 1, 1), "name": "一支部", "scheme": "quantified-2023", "by": "记分员"})
    event = ledger.append(folder, lambda spine, next_id: {"date": dt.date(2023, 1, 1), "kind": "join",
                                                         "subject": "m01", "name": "张三", "by": "记分员"})
    book, problems = ledger.read(folder)
    assert problems == [] and (book.events[-1].id, book.events[-1].name) == (event.id, event.name) == (2, "张三")


def test_a_write_that_cannot_be_taken_back_says_so_with_its_own_exit_code(tmp_path, monkeypatch):
    import errno
    import os

    from jifen.errors import EXIT_PARTIAL, PartlyWritten

    folder = tmp_path / "一支部"
    ledger.create(folder, {"date": dt.date(2023, 1, 1), "name": "一支部", "scheme": "quantified-2023", "by": "记分员"})
    real = os.write
    calls = []

    def half_then_full(fd, data):
        calls.append(len(data))
        if len(calls) == 1:
            return real(fd, data[:5])
        raise OSError(errno.ENOSPC, "No space left on device")

    def cannot(fd, size):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "write", half_then_full)
    monkeypatch.setattr(os, "ftruncate", cannot)
    with pytest.raises(PartlyWritten) as raised:
        ledger.append(folder, lambda spine, next_id: {"date": dt.date(2023, 1, 1), "kind": "join",
                                                     "subject": "m01", "name": "张三", "by": "记分员"})
    assert raised.value.exit_code == EXIT_PARTIAL == 3
    assert raised.value.args_["detail"] == "No space left on device"


def test_a_long_note_bricked_the_ledger(branch, cli):
    """add --note with 100,000 characters exited 0, and every later command failed on the line length."""
    path = branch / "ledger.yaml"
    before = path.read_bytes()
    result = cli("add", "张三", "study.absent", "--date", "2023-01-10", "--note", "长" * 100_000, "-l", branch)
    assert result.exit_code == 2 and f"最多 {ledger.MAX_TEXT} 个字" in result.output
    assert path.read_bytes() == before
    longest = cli("add", "张三", "study.absent", "--date", "2023-01-10", "--note", "长" * ledger.MAX_TEXT, "-l", branch)
    assert longest.exit_code == 0, longest.output
    assert cli("check", "-l", branch).exit_code == 0
    assert cli("report", "--quarter", "2023Q1", "-l", branch).exit_code == 0


def test_the_longest_text_escaped_still_fits_a_line_the_reader_takes():
    from jifen.store import yamlsrc

    worst = "\u2028" * ledger.MAX_TEXT  # every character escaped as \\u2028: six bytes each
    text = ledger.emit({"id": 2, "date": dt.date(2023, 1, 1), "kind": "veto", "subject": "m01",
                        "reason": worst, "note": worst, "by": "记分员"})
    assert max(len(line.encode("utf-8")) for line in text.splitlines()) <= yamlsrc.MAX_LINE
    with pytest.raises(InvalidInput) as raised:
        ledger.emit({"id": 2, "note": "x" * (ledger.MAX_TEXT + 1)})
    assert raised.value.code == "ledger.text-too-long" and raised.value.args_["field"] == "note"


def test_an_append_past_the_size_limit_is_refused(branch, monkeypatch):
    path = branch / "ledger.yaml"
    monkeypatch.setattr(ledger, "MAX_BYTES", len(path.read_bytes()) + 10)
    before = path.read_bytes()
    with pytest.raises(WriteRefused) as raised:
        ledger.append(branch, lambda spine, next_id: {"date": dt.date(2023, 1, 2), "kind": "veto",
                                                     "subject": "m01", "reason": "违纪", "by": "记分员"})
    assert raised.value.code == "ledger.would-be-too-big" and path.read_bytes() == before


def test_complete_last_event_in_gbk_is_an_encoding_problem_not_a_torn_write():
    gbk = "  note: 中文\n  by: 记分员\n".encode("gbk")
    data = (HEAD + "- id: 2\n  date: 2023-01-02\n  kind: veto\n  subject: m01\n  reason: x\n").encode() + gbk
    assert ledger.torn_at(data) is None
    _, problems = ledger.parse("l", data)
    assert [(p.code, p.source.line) for p in problems] == [("yaml.not-utf8", data.count(b"\n") - 1)]


def test_control_character_in_the_last_event_is_not_a_torn_write():
    data = (HEAD + "- id: 2\n  date: 2023-01-02\n  kind: veto\n  subject: m01\n  reason: a\x1bb\n  by: x\n").encode()
    assert ledger.torn_at(data) is None
    _, problems = ledger.parse("l", data)
    assert [(p.code, p.source.line, p.source.col) for p in problems] == [("yaml.control-char", 11, 12)]


def test_two_megabytes_of_junk_lines_cost_memory_in_proportion_to_their_bytes():
    import tracemalloc

    from jifen import render
    from jifen.core.model import MAX_PROBLEMS

    data = (HEAD + "- 1\n" * 500_000).encode()
    tracemalloc.start()
    try:
        _, problems = ledger.parse("l", data)
        render.problems(problems, "zh")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * len(data)  # it was 250 times
    assert len(problems) == MAX_PROBLEMS + 1 and problems[-1].args["count"] == 500_000 - MAX_PROBLEMS


def test_a_page_read_while_a_declaration_was_saved_saw_half_an_event(tmp_path):
    """jifen serve's load test: a card read during an append found the log unusable (a torn tail).
    A read now waits for the append's lock, and sees the log before it or after it, whole."""
    import fcntl
    import threading
    import time

    folder = tmp_path / "一支部"
    ledger.create(folder, {"date": dt.date(2023, 1, 1), "name": "一支部", "scheme": "quantified-2023", "by": "记分员"})
    path = folder / "ledger.yaml"
    event = ledger.emit({"id": 2, "date": dt.date(2023, 1, 1), "kind": "join", "subject": "m01", "name": "张三",
                         "by": "记分员"}).encode("utf-8")
    started = threading.Event()

    def slow_append():
        with open(path, "ab") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            handle.write(event[:10])
            handle.flush()
            started.set()
            time.sleep(0.3)
            handle.write(event[10:])
            handle.flush()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    writer = threading.Thread(target=slow_append)
    writer.start()
    started.wait(5)
    data = ledger.read_bytes(path)
    writer.join(5)
    assert ledger.torn_at(data) is None and data.endswith(event)


def test_an_evaluation_form_by_aspects_reads_the_same_fast_and_slow_and_a_bad_one_is_placed():
    form = ledger.emit({"id": 2, "date": dt.date(2024, 1, 5), "kind": "eval", "subject": "m01", "panel": "self",
                        "aspects": "理想信念=9 宗旨意识=10", "period": "2023", "by": "张三"})
    assert "  aspects: 理想信念=9 宗旨意识=10\n" in form
    data = (HEAD + form).encode("utf-8")
    fast, slow = ledger.parse("l", data)[0], ledger.parse("l", data, fast=False)[0]
    assert fast.events == slow.events and fast.events[1].aspects == "理想信念=9 宗旨意识=10"
    bad = (HEAD + form.replace("理想信念=9 宗旨意识=10", "理想信念 九分")).encode("utf-8")
    _, problems = ledger.parse("l", bad)
    assert [(p.code, p.source.line) for p in problems] == [("ledger.want-aspects", HEAD.count("\n") + 6)]  # its sixth line
