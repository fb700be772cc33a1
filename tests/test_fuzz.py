"""Fuzzing: mutated ledgers and schemes never give a traceback, an unknown exit code, or a write."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from jifen.cli import app
from tests.conftest import SCHEMES

LEDGER = """\
# fuzz
- id: 1
  date: 2023-01-01
  kind: open
  name: 支部
  scheme: ../s1.yaml
  by: 记分员
- id: 2
  date: 2023-01-01
  kind: join
  subject: m01
  name: 张三
  by: 记分员
- id: 3
  date: 2023-02-01
  kind: score
  subject: m01
  rule: study.absent
  count: 2
  note: "缺席: 支部大会"
  by: 记分员
- id: 4
  date: 2023-03-01
  kind: score
  subject: m01
  rule: honor.city
  ref: 劳模
  by: 记分员
- id: 5
  date: 2023-03-02
  kind: revoke
  target: 3
  reason: 不属实
  by: 记分员
"""
PIECES = [":", "-", " ", "\n", "\t", "&a", "*a", "!!str", "|", ">", "'", '"', "%", "@", "#", "{", "}", "[", "]", ",",
          "~", "null", "1e9", "-0.5", "2023-02-30", "张", "\ufeff", "\x00", "- id: 9\n", "  by: x\n", "  kind: veto\n"]
COMMANDS = [["check"], ["report", "--quarter", "2023Q1", "-f", "json"], ["grade", "--year", "2023"],
            ["show", "m01", "-f", "json"], ["member", "list"]]

mutation = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 10_000), st.sampled_from(PIECES)),
    st.tuples(st.just("delete"), st.integers(0, 10_000), st.integers(1, 40)),
    st.tuples(st.just("bytes"), st.integers(0, 10_000), st.binary(min_size=1, max_size=6)),
    st.tuples(st.just("truncate"), st.integers(0, 10_000), st.just(0)),
)


def mutate(data: bytes, changes) -> bytes:
    for kind, where, what in changes:
        at = where % (len(data) + 1)
        if kind == "insert":
            data = data[:at] + what.encode("utf-8") + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + what:]
        elif kind == "bytes":
            data = data[:at] + what + data[at + len(what):]
        else:
            data = data[:at]
    return data


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    (root / "b").mkdir()
    shutil.copy(SCHEMES / "quantified-2023.yaml", root / "s1.yaml")
    return root


def run_all(root, runner) -> None:
    for words in COMMANDS:
        result = runner.invoke(app, [*words, "-l", str(root / "b"), "--lang", "en"], catch_exceptions=True)
        assert result.exit_code in (0, 1, 2), (words, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (words, repr(result.exception))


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(mutation, min_size=1, max_size=4))
def test_mutated_ledgers(place, changes):
    data = mutate(LEDGER.encode("utf-8"), changes)
    (place / "s1.yaml").write_bytes((SCHEMES / "quantified-2023.yaml").read_bytes())
    (place / "b" / "ledger.yaml").write_bytes(data)
    run_all(place, CliRunner())
    assert (place / "b" / "ledger.yaml").read_bytes() == data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(mutation, min_size=1, max_size=4))
def test_mutated_schemes(place, changes):
    scheme = (SCHEMES / "quantified-2023.yaml").read_bytes()
    (place / "s1.yaml").write_bytes(mutate(scheme, changes))
    (place / "b" / "ledger.yaml").write_text(LEDGER, encoding="utf-8")
    run_all(place, CliRunner())
    result = CliRunner().invoke(app, ["scheme", "check", str(place / "s1.yaml")], catch_exceptions=True)
    assert result.exit_code in (0, 1, 2) and (result.exception is None or isinstance(result.exception, SystemExit))
    assert (place / "b" / "ledger.yaml").read_text(encoding="utf-8") == LEDGER


def test_alias_bomb_ledger_is_refused_quickly(place):
    bomb = "- id: 1\n  date: 2023-01-01\n  kind: open\n  name: &a [x, x, x, x, x, x, x, x]\n" + "".join(
        f"  n{i}: &b{i} [*{'a' if i == 0 else f'b{i-1}'}, *{'a' if i == 0 else f'b{i-1}'}]\n" for i in range(40)
    ) + "  by: x\n"
    (place / "b" / "ledger.yaml").write_text(bomb, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "-l", str(place / "b"), "--lang", "en"], catch_exceptions=True)
    assert result.exit_code == 1 and "aliases" in result.output


def test_a_huge_ledger_is_refused_without_reading_it(place, monkeypatch):
    from jifen.store import ledger

    monkeypatch.setattr(ledger, "MAX_BYTES", 1000)
    (place / "b" / "ledger.yaml").write_text(LEDGER * 5, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "-l", str(place / "b"), "--lang", "en"], catch_exceptions=True)
    assert result.exit_code == 1 and "over the limit" in result.output
