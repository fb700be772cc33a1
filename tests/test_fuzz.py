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


# --- the command line: every command and option, random values -------------------------------------

VALUES = ["", "0", "1", "-1", "3", "99999999999999999999999", "-0.5", "1e100", "NaN", "０.５", "－1", "0，5",
          "2023-01-10", "2023-02-30", "2023年5月2日", "5月2日", "9999-12-31", "0000-01-01", "2023Q1", "2023年第一季度",
          "2023-03", "2023", "0", "10000", "张三", "李四", "m01", "m99", "study.absent", "缺席", "honor.city", "劳模",
          "upheld", "支持", "驳回", "self", "自评", "x" * 300, "\x1b[31m红", "a\rb", "=1+1", "[/]x[red]", "../..",
          "--", "-h", "'; rm -rf /", "'\"<script>", "\u202e反", "b", "ledger.yaml", "out.csv", "out.xlsx", "c.png"]


def commands() -> list[tuple[list[str], list]]:
    """Every command of the app (its words) with its parameters, but ``serve``, which does not return."""
    import typer.main

    found = []

    def walk(command, words):
        for name, sub in getattr(command, "commands", {}).items():
            if hasattr(sub, "commands"):
                walk(sub, [*words, name])
            elif name != "serve":
                found.append(([*words, name], sub.params))

    walk(typer.main.get_command(app), [])
    return found


def argument_vector(rng, words: list[str], params: list) -> list[str]:
    """The words of a command, some of its options with random values, and its arguments."""
    argv = list(words)
    for param in params:
        if param.param_type_name == "argument":
            for _ in range(1 if param.nargs == 1 else rng.randrange(1, 4)):
                argv.append(rng.choice(VALUES))
        elif rng.random() < 0.4 and param.opts[0] not in ("--help", "--ledger", "-l"):
            argv.append(rng.choice(param.opts))
            if not param.is_flag:
                argv.append(rng.choice(VALUES))
    return argv


def test_a_few_hundred_random_command_lines_never_give_a_traceback(tmp_path, monkeypatch):
    """Real commands and options, random values (Chinese, huge numbers, bad dates, control characters,
    paths): no traceback, and no exit code but the documented ones (docs/commands.md)."""
    import random

    from tests.conftest import DEMO

    shutil.copytree(DEMO, tmp_path / "ledgers" / "demo", ignore=shutil.ignore_patterns(".jifen-cache"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JIFEN_LEDGER", str(tmp_path / "ledgers" / "demo"))
    monkeypatch.setenv("JIFEN_USER", "记分员")
    monkeypatch.delenv("JIFEN_SCHEMES", raising=False)
    rng = random.Random(20231130)
    every = commands()
    runner = CliRunner()
    assert len(every) > 25
    for number in range(300):
        words, params = every[number % len(every)] if number < len(every) else rng.choice(every)
        argv = argument_vector(rng, words, params)
        result = runner.invoke(app, argv, catch_exceptions=True)
        assert result.exit_code in (0, 1, 2, 3), (argv, result.exit_code, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (argv, repr(result.exception))
