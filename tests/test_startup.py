"""What a command costs before and after its work: the modules it imports (jifen.cli.MODULES)."""

from __future__ import annotations

import os
import subprocess
import sys

import typer.main as typer_main

import jifen.cli
from jifen.cli import app

HEAVY = ("rich", "tabulate", "ruamel", "openpyxl", "jinja2", "starlette", "jifen.reports", "jifen.render.table",
         "jifen.cli.reading", "jifen.cli.workflow", "jifen.cli.serve",
         "jifen.core.workflow", "fractions")  # what recording one event never needs (workflow: in a log without a close)


def test_each_command_is_found_in_its_module():
    """The entry point imports the module ``MODULES`` names for a command: it must be the one
    that registers it, and every top-level command must be named (a group loads every module)."""
    registered = {}
    for command in app.registered_commands:
        name = command.name or typer_main.get_command_name(command.callback.__name__)
        registered[name] = command.callback.__module__.rpartition(".")[2]
    assert registered == jifen.cli.MODULES
    groups = {group.name for group in app.registered_groups}
    assert not groups & set(jifen.cli.MODULES)


def imported(args: list[str], cwd) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run ``python -X importtime -m jifen ARGS``; what it printed and every module it imported."""
    env = {**os.environ, "JIFEN_USER": "记分员", "JIFEN_LANG": "zh"}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "jifen", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, encoding="utf-8")
    modules = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return done, modules


def test_add_imports_no_report_module(tmp_path, cli):
    """``jifen add`` on a ledger whose cache is warm records without importing what reports draw
    with (rich, tabulate), the YAML parser (ruamel) or the other commands' modules."""
    folder = tmp_path / "第一支部"
    assert cli("init", folder, "--scheme", "quantified-2023", "--name", "第一支部", "--date", "2023-01-01").exit_code == 0
    assert cli("member", "add", "张三", "--date", "2023-01-01", "-l", folder).exit_code == 0
    first, _ = imported(["add", "张三", "study.absent", "--date", "2023-03-01", "-l", str(folder)], tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]  # the cache, warm for this interpreter and its path
    done, modules = imported(["add", "张三", "study.absent", "--date", "2023-03-02", "--note", "缺席支部大会",
                              "-l", str(folder)], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "张三" in done.stdout and "jifen.cli.record" in modules and "jifen.book" in modules
    loaded = sorted(m for m in modules if m.split(".")[0] in HEAVY or any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert loaded == []
    assert (folder / "ledger.yaml").read_text(encoding="utf-8").count("缺席支部大会") == 1


def test_add_in_english_after_the_top_level_lang(tmp_path, cli):
    """``jifen --lang en add …``: the command is found after jifen's own option, and said in English."""
    folder = tmp_path / "第二支部"
    assert cli("init", folder, "--scheme", "quantified-2023", "--name", "第二支部", "--date", "2023-01-01").exit_code == 0
    assert cli("member", "add", "李四", "--date", "2023-01-01", "-l", folder).exit_code == 0
    done, modules = imported(["--lang", "en", "add", "李四", "study.absent", "-d", "2023-03-01", "-l", str(folder)],
                             tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "jifen.cli.reading" not in modules and "李四" in done.stdout
    wrong, _ = imported(["--lang", "en", "ad", "李四"], tmp_path)  # not a command: every module, and a suggestion
    assert wrong.returncode == 2 and "add" in wrong.stderr


def test_command_word():
    import doctest

    assert doctest.testmod(jifen.cli).failed == 0
    assert jifen.cli.command_word(["--lang", "zh", "--", "add"]) is None
    assert jifen.cli.command_word(["member", "add", "张三"]) == "member"
    assert jifen.cli.command_word([]) is None


def test_the_code_key_sees_every_module_change(tmp_path):
    """The cache key of jifen's code (``cache.code_digest``) lists every ``.py`` file below the
    package with its size and modification time, as ``Path.rglob`` finds them; a file edited in
    place, to the same size, changes its entry."""
    from pathlib import Path

    import jifen
    from jifen.store import cache

    package = Path(jifen.__file__).parent
    slow = sorted((str(p.relative_to(package)), p.stat().st_size, p.stat().st_mtime_ns) for p in package.rglob("*.py"))
    assert sorted(cache._sources(str(package), "")) == slow
    module = tmp_path / "报表" / "年度.py"
    module.parent.mkdir()
    module.write_text("名单 = 1\n", encoding="utf-8")
    (tmp_path / "说明.txt").write_text("不是模块", encoding="utf-8")
    before = cache._sources(str(tmp_path), "")
    assert [entry[0] for entry in before] == ["报表/年度.py"]
    os.utime(module, ns=(1, 1))
    module.write_text("名单 = 2\n", encoding="utf-8")
    assert cache._sources(str(tmp_path), "") != before


# --- the end: the console entry leaves without freeing what the command made -------------------------

ENTRY = """
import atexit, sys, threading, time
from pathlib import Path
out = Path(sys.argv[1])
atexit.register(lambda: (out / "atexit").write_text("已运行", encoding="utf-8"))
kept = open(out / "freed", "w", encoding="utf-8")  # written, never flushed: an exit that frees it flushes it
kept.write("已释放")
if sys.argv[2] == "thread":
    threading.Thread(target=lambda: (time.sleep(1), (out / "thread").write_text("完成", encoding="utf-8"))).start()
sys.argv = ["jifen", *sys.argv[3:]]
from jifen.cli import main
main()
"""


def entry(tmp_path, thread: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "JIFEN_USER": "记分员", "JIFEN_LANG": "zh"}
    return subprocess.run([sys.executable, "-c", ENTRY, str(tmp_path), thread, *args], capture_output=True, text=True,
                          env=env, encoding="utf-8")


def test_the_entry_point_runs_atexit_and_frees_nothing(tmp_path, demo, cli):
    """``jifen grade`` through a pipe: every line printed (as the in-process run prints them), the
    atexit functions run, and a file object left open with unflushed text stays empty: the process
    ended without freeing its objects (which is why jifen closes every file it writes)."""
    done = entry(tmp_path, "-", "grade", "--year", "2023", "-l", str(demo))
    assert done.returncode == 0, done.stderr
    assert done.stdout == cli("grade", "--year", "2023", "-l", demo).stdout and "张建国" in done.stdout
    assert (tmp_path / "atexit").read_text(encoding="utf-8") == "已运行"
    assert (tmp_path / "freed").read_text(encoding="utf-8") == ""


def test_the_entry_point_keeps_exit_codes_and_messages(tmp_path, demo):
    refused = entry(tmp_path, "-", "add", "无此人", "study.absent", "-l", str(demo))
    assert refused.returncode == 2 and "没有名为 无此人 的成员" in refused.stderr
    assert (tmp_path / "atexit").exists() and (tmp_path / "freed").read_text(encoding="utf-8") == ""
    usage = entry(tmp_path, "-", "grade", "--year")
    assert usage.returncode == 2 and "--year" in usage.stderr


def test_a_thread_still_running_gets_a_normal_exit(tmp_path, demo):
    """With another thread running (a server's workers), the process exits as Python does: it
    waits for the thread and frees its objects."""
    done = entry(tmp_path, "thread", "check", "-l", str(demo))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "thread").read_text(encoding="utf-8") == "完成"
    assert (tmp_path / "freed").read_text(encoding="utf-8") == "已释放" and (tmp_path / "atexit").exists()


def test_a_profiled_run_gets_a_normal_exit(tmp_path, demo):
    """Under a profiler (python -m cProfile -m jifen …) the process exits as Python does, so the
    profiler prints its report."""
    env = {**os.environ, "JIFEN_USER": "记分员", "JIFEN_LANG": "zh"}
    done = subprocess.run([sys.executable, "-m", "cProfile", "-s", "tottime", "-m", "jifen", "check", "-l", str(demo)],
                          capture_output=True, text=True, env=env, encoding="utf-8")
    assert done.returncode == 0 and "未发现问题" in done.stdout and "function calls" in done.stdout


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

LINES = st.sampled_from(["- id: 1\n", "  kind: open\n", "  scheme: 方案.yaml\n", '  scheme: "第二版 方案.yaml"\n',
                         "  note: 缺席\n", "  kind: adopt\n", "  scheme: s3.yaml\n", "\n", "  scheme:\n", "- id: 2\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, max_size=12), st.lists(LINES, max_size=6), st.integers(0, 4), st.booleans())
def test_scheme_lines_read_after_an_append_are_those_of_the_whole_log(start, appended, cut, edited):
    """The cache key's list of scheme files (``cache._scheme_refs``) searches only what was appended
    since the log it read last: always the list a search of the whole log gives, also when the log
    before ended inside a line or was edited since."""
    from jifen.store import cache, ledger

    before = "".join(start).encode("utf-8")
    before = before[: max(len(before) - cut, 0)]  # now and then the log read before ended inside a line
    after = (before.replace("方案".encode(), "旧案".encode()) if edited else before) + "".join(appended).encode("utf-8")
    cache._refs_read.clear()
    assert cache._scheme_refs(before) == ledger.scheme_refs(before)
    assert cache._scheme_refs(after) == ledger.scheme_refs(after)
    assert cache._scheme_refs(after) == ledger.scheme_refs(after)  # the same bytes again
