"""The interactive add (jifen.cli.ask), driven in a real terminal: the installed ``jifen`` in a
pty (pexpect), answered as a recorder types, the ledger read back byte for byte."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

JIFEN = Path(sys.executable).parent / "jifen"
NOTE = "会议通知已送达，未请假"


@pytest.fixture
def desk(tmp_path, cli):
    """A ledger in a Chinese-named folder, opened on 1 January this year (the add is dated today by
    default), with 张三丰 (m01) and 李四 (m02); and how to start ``jifen add`` on it in a terminal."""
    folder = tmp_path / "第一党支部"
    opened = dt.date.today().replace(month=1, day=1).isoformat()
    assert cli("init", folder, "--scheme", "quantified-2023", "--name", "第一党支部", "--date", opened).exit_code == 0
    for name in ("张三丰", "李四"):
        assert cli("member", "add", name, "--date", opened, "-l", folder).exit_code == 0
    env = {**os.environ, "HOME": str(tmp_path), "TERM": "xterm", "LANG": "C.UTF-8", "JIFEN_LANG": "zh",
           "JIFEN_USER": "记分员", "PROMPT_TOOLKIT_NO_CPR": "1"}
    env.pop("JIFEN_LEDGER", None)

    def start(*args: str):
        return pexpect.spawn(str(JIFEN), ["add", *args], cwd=str(folder), env=env, encoding="utf-8",
                             timeout=30, dimensions=(40, 160))

    start.folder = folder
    return start


def answer(child, question: str, text: str) -> None:
    child.expect(question)
    child.send(text + "\r")


def log(folder: Path) -> bytes:
    return (folder / "ledger.yaml").read_bytes()


def test_interactive_add_asks_shows_confirms_and_appends_the_event(desk):
    before = log(desk.folder)
    child = desk()
    answer(child, "党员", "王五")  # not on the roll: the command line's words, then asked again
    child.expect("没有名为 王五 的成员")
    child.expect("党员")
    child.send("三丰")  # part of the name, completed with Tab
    child.send("\t")
    child.expect("m01")  # the menu shows the member's id beside the name
    child.send("\r")
    answer(child, "规则", "缺席三会一课")  # by the Chinese name
    answer(child, "次数", "２")  # full-width, as typed on a Chinese input method
    answer(child, "日期", "")  # today, the default
    answer(child, "说明", NOTE)
    child.expect("确认写入")
    shown = child.before
    assert "试算，未写入" in shown and "张三丰 理论学习·缺席三会一课" in shown and "-2" in shown
    assert "100 → 98" in shown
    child.send("是\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert log(desk.folder) == before + (
        f"- id: 4\n  date: {dt.date.today().isoformat()}\n  kind: score\n  subject: m01\n  rule: study.absent\n"
        f"  count: 2\n  note: {NOTE}\n  by: 记分员\n").encode()


@pytest.mark.parametrize("refusal", ["否\r", "\x03", "\x04"], ids=["no", "ctrl-c", "ctrl-d"])
def test_interactive_add_answered_no_or_broken_off_writes_nothing(desk, refusal):
    before = log(desk.folder)
    child = desk("-i", "李四")  # the member given: the rule is asked
    answer(child, "规则", "study.quality")
    answer(child, "分值", "-11")  # outside the rule's range: refused as the command line refuses it
    child.expect("分值 -11 超出规则 study.quality 的范围 -10 到 -0.5")
    answer(child, "分值", "－０.５")
    answer(child, "日期", "")
    child.expect("说明")
    if refusal != "否\r":
        child.send(refusal)
    else:
        child.send("\r")
        child.expect("确认写入")
        child.send(refusal)
    child.expect("已取消，未写入任何记录")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert log(desk.folder) == before


def test_interactive_add_refuses_without_a_terminal(branch, cli):
    before = log(branch)
    result = cli("add", "-i", "-l", branch)
    assert result.exit_code == 2 and "交互录入需要在终端中使用" in result.output
    result = cli("add", "-l", branch)  # no rule, no terminal: as before, and -i is suggested
    assert result.exit_code == 2 and "请给出成员和规则" in result.output and "jifen add -i" in result.output
    assert log(branch) == before


def test_interactive_dry_run_shows_the_record_and_asks_nothing_more(desk):
    before = log(desk.folder)
    child = desk("-i", "--dry-run", "--date", "1月2日", "--note", NOTE)
    answer(child, "党员", "李四")
    answer(child, "规则", "不按规定交纳党费")
    answer(child, "次数", "")
    answer(child, "日期", "")  # the --date given
    answer(child, "说明", "")  # the --note given
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "确认写入" not in child.before
    assert f"#4 {dt.date.today().year}-01-02 李四" in child.before and NOTE in child.before
    assert log(desk.folder) == before


def test_help_a_plain_add_and_a_tab_never_import_prompt_toolkit(branch):
    """jifen --help, add --help, jifen add MEMBER RULE and shell completion stay fast: the line
    editor loads only for the interactive add."""
    import subprocess

    code = ("import os, sys; from jifen.cli import app, completion, lazy\n"
            f"folder = {str(branch)!r}\n"
            "for words in (['--help'], ['add', '--help'], ['add', '张三', '缺席', '-d', '2023-05-02', '-l', folder]):\n"
            "    try: lazy.group(app)(words, prog_name='jifen')\n"
            "    except SystemExit: pass\n"
            "os.environ.update(COMP_WORDS='jifen add -l ' + folder + ' 张', COMP_CWORD='4')\n"
            "completion.complete(lazy.group(app), 'bash_complete')\n"
            "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] == 'prompt_toolkit'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "JIFEN_USER": "记分员"})
    assert "张三\tm01" in done.stdout and "（2023Q2 100 → 99）" in done.stdout
    assert "LOADED []" in done.stdout
