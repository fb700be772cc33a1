"""Shell completion (jifen.cli.completion): the candidates a Tab gets, asked as the bash and zsh
scripts ask (``_JIFEN_COMPLETE`` with ``COMP_WORDS`` and ``COMP_CWORD``), the scripts themselves, and
a Tab in a real bash."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jifen.cli import app, completion, lazy

JIFEN = Path(sys.executable).parent / "jifen"


@pytest.fixture
def ledger(tmp_path, cli):
    """A ledger in a Chinese-named folder with 张三 (m01), 张三丰 (m02), 李四 (m03) and two scores."""
    folder = tmp_path / "第二党支部"
    assert cli("init", folder, "--scheme", "quantified-2023", "--name", "第二党支部", "--date", "2023-01-01").exit_code == 0
    for name in ("张三", "张三丰", "李四"):
        assert cli("member", "add", name, "--date", "2023-01-01", "-l", folder).exit_code == 0
    assert cli("add", "张三", "缺席", "--date", "2023-03-02", "--note", "未请假", "-l", folder).exit_code == 0
    assert cli("add", "李四", "笔记每月", "--date", "2023-03-05", "-l", folder).exit_code == 0
    return folder


def tab(monkeypatch, capsys, line: str, shell: str = "bash") -> list[list[str]]:
    """The candidates for ``line`` (the word being completed is its last, empty after a space),
    each as its fields: (type, value, words) for bash, (type, value, words) for zsh."""
    words = line.split()
    at = len(words) if line.endswith(" ") else len(words) - 1
    monkeypatch.setenv("COMP_WORDS", line)
    monkeypatch.setenv("COMP_CWORD", str(at))
    assert completion.complete(lazy.group(app), f"{shell}_complete") == 0
    out = capsys.readouterr().out
    if shell == "zsh":
        lines = out.rstrip("\n").split("\n")
        return [lines[i:i + 3] for i in range(0, len(lines) - 2, 3)]
    return [row.split("\t") for row in out.splitlines() if row]


@pytest.fixture
def inside(ledger, monkeypatch):
    monkeypatch.chdir(ledger)
    monkeypatch.delenv("JIFEN_LEDGER", raising=False)
    monkeypatch.setenv("JIFEN_LANG", "zh")


def values(rows) -> list[str]:
    return [row[1] for row in rows]


def test_members_by_name_and_id(inside, monkeypatch, capsys):
    assert tab(monkeypatch, capsys, "jifen add 张") == [["plain", "张三", "m01"], ["plain", "张三丰", "m02"]]
    assert values(tab(monkeypatch, capsys, "jifen add m0")) == ["m01", "m02", "m03"]
    assert values(tab(monkeypatch, capsys, "jifen show 李")) == ["李四"]
    assert values(tab(monkeypatch, capsys, "jifen member leave 张三丰")) == ["张三丰"]


def test_rules_by_chinese_name_and_id_after_a_member(inside, monkeypatch, capsys):
    assert tab(monkeypatch, capsys, "jifen add 张三 缺席") == [
        ["plain", "缺席三会一课、培训或主题教育实践活动", "study.absent -1"]]
    rows = tab(monkeypatch, capsys, "jifen add 张三 李四 study.ab")
    assert rows == [["plain", "study.absent", "理论学习·缺席三会一课、培训或主题教育实践活动 -1"]]
    assert "study.absent" not in values(tab(monkeypatch, capsys, "jifen add s"))  # the first word is a member
    assert "study.quality" in values(tab(monkeypatch, capsys, "jifen amend 5 --rule study.q"))


def test_events_by_id_with_their_words_newest_first(inside, monkeypatch, capsys):
    rows = tab(monkeypatch, capsys, "jifen revoke ")
    assert values(rows)[:3] == ["6", "5", "4"]
    assert rows[0][2] == "#6 2023-03-05 李四(m03) study.notes（理论学习笔记每月少于1篇）-1 — 记录人 记分员"
    assert "未请假" in rows[1][2]
    assert values(tab(monkeypatch, capsys, "jifen approve 5")) == ["5"]
    assert values(tab(monkeypatch, capsys, "jifen ruling 3 ")) == ["支持", "驳回"]


def test_commands_and_options(inside, monkeypatch, capsys):
    assert sorted(values(tab(monkeypatch, capsys, "jifen re"))) == ["redeem", "reject", "repair", "report", "revoke"]
    assert values(tab(monkeypatch, capsys, "jifen comp")) == ["completion"]
    assert set(values(tab(monkeypatch, capsys, "jifen add 张三 缺席 --l"))) == {"--level", "--ledger", "--late", "--lang"}


def test_zsh_gets_each_candidate_with_its_words(inside, monkeypatch, capsys):
    assert tab(monkeypatch, capsys, "jifen add 李", shell="zsh") == [["plain", "李四", "m03"]]
    rows = tab(monkeypatch, capsys, "jifen add 张三 study.absent", shell="zsh")
    assert rows == [["plain", "study.absent", "理论学习·缺席三会一课、培训或主题教育实践活动 -1"]]


def test_ledger_named_by_option_or_environment(ledger, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert values(tab(monkeypatch, capsys, f"jifen add --ledger {ledger} 李")) == ["李四"]
    monkeypatch.setenv("JIFEN_LEDGER", str(ledger))
    assert values(tab(monkeypatch, capsys, "jifen revoke 6")) == ["6"]


def test_outside_a_ledger_a_tab_offers_nothing_and_shows_no_traceback(tmp_path):
    """A real process, as the shell runs it: in a folder without a ledger, or with a broken one."""
    broken = tmp_path / "坏账本"
    broken.mkdir()
    (broken / "ledger.yaml").write_text("- id: [\n", encoding="utf-8")
    env = {**os.environ, "_JIFEN_COMPLETE": "bash_complete", "COMP_WORDS": "jifen add 张", "COMP_CWORD": "2"}
    env.pop("JIFEN_LEDGER", None)
    for folder in (tmp_path, broken):
        done = subprocess.run([str(JIFEN)], cwd=folder, env=env, capture_output=True, text=True, timeout=60)
        assert (done.returncode, done.stdout, done.stderr) == (0, "\n", "")
    done = subprocess.run([str(JIFEN)], cwd=tmp_path, env={**env, "COMP_WORDS": "jifen revoke ", "COMP_CWORD": "2"},
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")


def test_show_prints_each_script(cli):
    bash = cli("completion", "show", "bash")
    assert bash.exit_code == 0 and "_JIFEN_COMPLETE=bash_complete" in bash.output
    assert "complete -o nosort -F _jifen_completion jifen" in bash.output
    zsh = cli("completion", "show", "zsh")
    assert zsh.exit_code == 0 and zsh.output.startswith("#compdef jifen") and "_JIFEN_COMPLETE=zsh_complete" in zsh.output
    wrong = cli("completion", "show", "fish")
    assert wrong.exit_code == 2 and "bash, zsh" in wrong.output


@pytest.mark.parametrize("shell, place", [
    ("bash", "数据/bash-completion/completions/jifen"), ("zsh", "家/.zfunc/_jifen")])
def test_install_writes_the_script_where_the_shell_reads_it_and_says_where(cli, tmp_path, monkeypatch, shell, place):
    monkeypatch.setenv("HOME", str(tmp_path / "家"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "数据"))
    monkeypatch.delenv("BASH_COMPLETION_USER_DIR", raising=False)
    result = cli("completion", "install", shell)
    written = tmp_path / place
    assert result.exit_code == 0 and str(written) in result.output
    assert written.read_text(encoding="utf-8") == cli("completion", "show", shell).output


def test_a_tab_in_a_real_bash_completes_a_member_and_a_rule_and_the_command_records(ledger, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    script = tmp_path / "jifen.bash"
    script.write_text(completion.script("bash"), encoding="utf-8")
    env = {"HOME": str(tmp_path), "TERM": "xterm", "LANG": "C.UTF-8", "PS1": "$ ", "JIFEN_LANG": "zh",
           "JIFEN_USER": "记分员", "PATH": f"{JIFEN.parent}{os.pathsep}{os.environ['PATH']}"}
    bash = pexpect.spawn("bash", ["--norc", "--noprofile"], cwd=str(ledger), env=env, encoding="utf-8",
                         timeout=30, dimensions=(40, 200))
    bash.sendline(f"source {script}")
    bash.expect_exact("$ ")
    bash.sendline("jifen member leave 张三丰 -r 转出 -d 2023-06-30")  # 张 is then 张三 alone
    bash.expect_exact("$ ")
    bash.send("jifen add 张\t")
    bash.expect_exact("jifen add 张三 ")
    time.sleep(0.2)
    bash.send("缺席\t")
    bash.expect_exact("缺席三会一课、培训或主题教育实践活动 ")
    before = (ledger / "ledger.yaml").read_bytes()
    bash.send("-d 2023-07-03\r")
    bash.expect("（2023Q3 100 → 99）")
    bash.expect_exact("$ ")
    bash.sendline("exit")
    bash.expect(pexpect.EOF)
    added = (ledger / "ledger.yaml").read_bytes()[len(before):].decode("utf-8")
    assert "subject: m01\n  rule: study.absent\n" in added


def test_a_tab_in_a_real_zsh_completes_a_member_from_the_script_on_its_fpath(ledger, tmp_path, cli, monkeypatch):
    """The script as ``jifen completion install zsh`` puts it, loaded by compinit from ~/.zfunc."""
    pexpect = pytest.importorskip("pexpect")
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed (make os-packages installs it)")
    home = tmp_path / "家"
    monkeypatch.setenv("HOME", str(home))
    assert cli("completion", "install", "zsh").exit_code == 0
    (home / ".zshrc").write_text("fpath+=(~/.zfunc)\nautoload -Uz compinit && compinit -u\nPS1='%% '\n", encoding="utf-8")
    env = {"HOME": str(home), "TERM": "xterm", "LANG": "C.UTF-8", "JIFEN_LANG": "zh",
           "PATH": f"{JIFEN.parent}{os.pathsep}{os.environ['PATH']}"}
    zsh = pexpect.spawn("zsh", ["-i"], cwd=str(ledger), env=env, encoding="utf-8", timeout=30, dimensions=(40, 200))
    zsh.expect_exact("% ")
    zsh.send("jifen show 李\t")
    zsh.expect_exact("jifen show 李四")
    zsh.send("\x15exit\r")
    zsh.expect(pexpect.EOF)
