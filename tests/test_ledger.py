"""Reading and appending the log: structure problems, canonical text, append-only writes."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from jifen import ledger
from jifen.errors import InvalidInput, WriteRefused

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
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30
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


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(canonical_event, noise, hand_written), max_size=12))
def test_fast_reader_equals_yaml_reader(items):
    text = HEAD
    for index, (fields, comment, extra) in enumerate(items, start=2):
        event = ledger.emit({"id": index, **fields})
        if extra and "note" not in fields:
            event = event[: event.rindex("  by:")] + extra + event[event.rindex("  by:"):]
        text += comment + event
    data = text.encode("utf-8")
    fast, fast_problems = ledger.parse("l", data)
    slow, slow_problems = ledger.parse("l", data, fast=False)
    assert fast_problems == slow_problems
    assert fast.events == slow.events
    for a, b in zip(fast.events, slow.events):
        assert a.source == b.source
        assert dict(a.places) == dict(b.places)


def test_fast_reader_is_used_for_the_canonical_form_and_not_otherwise():
    canonical = (HEAD + ledger.emit({"id": 2, "date": dt.date(2023, 1, 1), "kind": "join", "subject": "m1",
                                     "name": "张三: 书记", "by": "x"})).encode()
    assert ledger._fast("l", canonical.decode()) is not None
    assert ledger._fast("l", canonical.decode().replace('"张三: 书记"', "'张三: 书记'")) is None


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
    from jifen.model import MAX_PROBLEMS

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
