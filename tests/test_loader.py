"""One pipeline from a ledger folder to a replayable ledger and scheme (jifen.loader)."""

from __future__ import annotations

import datetime as dt

import pytest

from jifen import loader
from jifen.errors import InvalidInput, LedgerNotFound
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
    loaded = loader.load_valid(folder, [SCHEMES])
    assert loaded.scheme.id == "quantified-2023" and loaded.ledger.name == "测试支部"
    assert [e.kind for e in loaded.ledger.events] == ["open", "join", "score"]
    assert loaded.problems == () and loaded.stale is False
    assert not (folder / ".jifen-cache").exists()  # not read through the cache unless asked


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
    loaded = loader.load(folder, [SCHEMES])
    assert [(p.code, p.source.line) for p in loaded.problems] == [
        ("event.unknown-subject", 17), ("event.unknown-rule", 24),  # the subject: and rule: lines
    ]
    with pytest.raises(InvalidInput) as refused:
        loader.usable(loaded)
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
    assert loader.load(folder, [SCHEMES]).problems == ()
    late = loader.load(folder, [SCHEMES], today=dt.date(2023, 5, 31)).problems
    assert [p.code for p in late] == ["event.future"]


def test_a_ledger_naming_an_unknown_scheme_cannot_go_on(tmp_path):
    folder = ledger(tmp_path)
    path = folder / "ledger.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("quantified-2023", "无此方案"), encoding="utf-8")
    with pytest.raises(LedgerNotFound) as missing:
        loader.load_valid(folder, [SCHEMES])
    assert missing.value.code == "scheme.unknown"


def test_scheme_of_a_log_without_header_is_none(tmp_path):
    folder = tmp_path / "空"
    write(folder / "ledger.yaml", "")
    loaded = loader.load(folder, [SCHEMES])
    assert loaded.scheme is None
    assert loader.scheme_of(loaded.ledger, [SCHEMES]) == (None, [])
