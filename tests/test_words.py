"""The words around jifen's own in the command line (jifen.cli.words): help and usage errors in
Chinese by default, English with --lang en or JIFEN_LANG=en, an example for every command, lines
that fit the terminal by display width."""

from __future__ import annotations

import re
import shlex

import pytest

from jifen import messages
from jifen.cli import words
from tests.test_cli import all_commands

ENGLISH_CLICK = ("Usage", "Options", "Arguments", "Commands", "Show this message", "required", "default:",
                 "<str>", "<path>", "Error", "Missing", "Try '", "No such", "Invalid value", "is not")


def no_click_english(text: str) -> None:
    for word in ENGLISH_CLICK:
        assert word not in text, (word, text)


# --- help pages ----------------------------------------------------------------------------------


def test_top_help_is_chinese_by_default(cli):
    result = cli("--help")
    assert result.exit_code == 0
    assert result.output.startswith("用法：jifen [选项] 命令 [参数]...\n\n  党员量化积分台账：记录、重放、出表。\n")
    for line in ("选项：", "  -h, --help     显示本帮助并退出。", "命令：", "示例：",
                 "  add         按方案的一条规则为党员记一笔扣分或加分；可一次记多名党员。",
                 "  completion  bash 和 zsh 的命令行补全：命令、选项、党员、规则、事件。"):
        assert line in result.output.splitlines(), line
    no_click_english(result.output)


@pytest.mark.parametrize("how", ["--lang", "JIFEN_LANG"])
def test_top_help_is_english_when_asked(cli, monkeypatch, how):
    if how == "JIFEN_LANG":
        monkeypatch.setenv("JIFEN_LANG", "en")
    result = cli(*(["--lang", "en"] if how == "--lang" else []), "--help")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: jifen [OPTIONS] COMMAND [ARGS]...\n")
    for line in ("Options:", "  -h, --help     Show this message and exit.", "Commands:", "Example:"):
        assert line in result.output.splitlines(), line
    assert "用法" not in result.output and "选项" not in result.output


def test_add_help_is_chinese_by_default(cli):
    result = cli("add", "--help")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "用法：jifen add [选项] [党员... 规则]"  # optional: without a rule, on a terminal, each is asked for
    assert "参数：" in lines and "选项：" in lines and "示例：" in lines
    assert any(line.startswith("  党员... 规则  党员（编号或唯一的姓名") for line in lines)
    assert "  -d, --date <文字>    日期，如 2023-05-02、2023年5月2日、5月2日。默认：今天。" in lines
    assert "  -l, --ledger <路径>  台账文件夹。默认：$JIFEN_LEDGER，否则为当前文件夹。" in lines
    assert "  jifen add 张建国 李秀英 缺席 --date 2023年5月2日 -l ledgers/demo --dry-run" in lines
    no_click_english(result.output)


def test_add_help_is_english_with_lang_en(cli):
    result = cli("add", "--help", "--lang", "en")  # --lang after --help still counts: it is read before parsing
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Usage: jifen add [OPTIONS] [MEMBER... RULE]"
    assert "Arguments:" in lines and "Options:" in lines and "Example:" in lines
    assert "  -d, --date <text>" in result.output
    assert not re.search("[\u4e00-\u9fff]{4}", result.output.split("Example:")[0].replace("扣分", "").replace("加分", ""))


def test_defaults_and_ranges_are_said_in_chinese(cli):
    result = cli("serve", "--help")
    assert "[默认：8000；1 至 65535]" in result.output
    assert "[默认：7；不小于 1]" in cli("notice", "--help").output
    assert "[default: 8000; 1 to 65535]" in cli("serve", "--help", "--lang", "en").output
    assert "  事件编号  先前那条事件的编号（见 jifen show）。 [必填]" in cli("revoke", "--help").output.splitlines()
    assert "[required]" in cli("revoke", "--help", "--lang", "en").output


@pytest.mark.parametrize("path", all_commands(), ids=lambda w: " ".join(w) or "jifen")
def test_every_command_has_chinese_help_with_an_example(cli, monkeypatch, path):
    """Its sentence and example from the catalogue, both languages, every line within 80 columns."""
    monkeypatch.setenv("COLUMNS", "80")
    key = ".".join(path) or "jifen"
    assert messages.known(f"help.{key}") and messages.known(f"example.{key}"), key
    zh = cli(*path, "--help")
    assert zh.exit_code == 0 and "示例：" in zh.output
    assert "".join(messages.text(f"help.{key}", "zh").split()) in "".join(zh.output.split())
    typed = re.sub(r" \\\n +", " ", zh.output).splitlines()  # a long example is continued with \\
    for line in messages.text(f"example.{key}", "zh").splitlines():
        assert "  " + line in typed
    no_click_english(zh.output.split("示例：")[0])
    en = cli("--lang", "en", *path, "--help")
    assert en.exit_code == 0 and "Example:" in en.output
    for line in (zh.output + en.output).splitlines():
        assert words.columns(line) <= 80, line


@pytest.mark.parametrize("key", sorted(k for k in messages.MESSAGES if k.startswith("example.")))
def test_the_examples_run_against_the_demo_ledger(cli, demo, monkeypatch, key):
    """An example that names the demo ledger runs on a copy of it; those that write are dry runs."""
    example = messages.text(key, "zh")
    if "ledgers/demo" not in example or key in ("example.serve", "example.verify", "example.log"):
        pytest.skip("not about the demo ledger, or needs a server, a notice's code or git history")
    monkeypatch.chdir(demo.parent.parent)
    for line in example.splitlines():
        before = (demo / "ledger.yaml").read_bytes()
        result = cli(*shlex.split(line)[1:])
        assert result.exit_code == 0, (line, result.output)
        assert (demo / "ledger.yaml").read_bytes() == before


# --- usage errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("args, zh, en", [
    (["show"], "错误：缺少参数 党员。", "Error: Missing argument MEMBER."),
    (["add", "张三", "缺席", "--nope"], "错误：没有选项 --nope。是否要用 --group, --note？",
     "Error: No such option: --nope. Did you mean --group, --note?"),
    (["serve", "--port", "0"], "错误：--port 的值无效：0 不在范围内（1 至 65535）。",
     "Error: Invalid value for --port: 0 is not in the range 1 to 65535."),
    (["notice", "--quarter", "2023Q1", "--from", "2023-04-01", "--days", "0"],
     "错误：--days 的值无效：0 不在范围内（不小于 1）。", "Error: Invalid value for --days: 0 is not in the range at least 1."),
    (["member", "exempt", "张三", "--year", "二〇二三", "-r", "入党不满半年"], "错误：--year / -y 的值无效：'二〇二三' 不是整数。",
     "Error: Invalid value for --year / -y: '二〇二三' is not a valid integer."),
    (["report", "--quarter"], "错误：选项 --quarter 后面要给出值。", "Error: Option --quarter requires a value."),
    (["ad"], "错误：没有命令 ad。是否要用 'add'？", "Error: No such command ad. Did you mean 'add'?"),
    (["check", "多余"], "错误：多出的参数：多余。", "Error: Got unexpected extra arguments: 多余."),
    (["revoke", "第五条", "-r", "重复"], "错误：事件编号 的值无效：'第五条' 不是整数。",
     "Error: Invalid value for EVENT_ID: '第五条' is not a valid integer."),
])
def test_usage_errors_are_said_in_the_readers_language(cli, monkeypatch, args, zh, en):
    said = cli(*args)
    assert said.exit_code == 2 and zh in said.output.splitlines(), said.output
    no_click_english(said.output)
    command = "jifen " + " ".join(args[:2] if args[0] in ("member",) else args[:1] if args[0] != "ad" else [])
    assert f"请运行 {command.strip()} -h 查看帮助。" in said.output
    monkeypatch.setenv("JIFEN_LANG", "en")
    assert en in cli(*args).output.splitlines()
    monkeypatch.setenv("JIFEN_LANG", "zh")
    assert en in cli("--lang", "en", *args).output.splitlines()


def test_a_usage_error_shows_the_usage_line_in_chinese(cli):
    said = cli("show").output.splitlines()
    assert said == ["用法：jifen show [选项] 党员", "错误：缺少参数 党员。", "请运行 jifen show -h 查看帮助。"]


def test_add_alone_outside_a_terminal_says_what_to_give(cli, monkeypatch):
    """Without a rule, add asks on a terminal (the interactive add); elsewhere it says what to give
    and that a terminal would ask, in the reader's language, and writes nothing."""
    said = cli("add")
    assert said.exit_code == 2
    assert said.output.splitlines() == ["jifen：请给出成员和规则，如：jifen add 张三 缺席", "在终端中也可用 jifen add -i 逐项回答。"]
    monkeypatch.setenv("JIFEN_LANG", "en")
    assert cli("add").output.splitlines() == ["jifen: give the members, then the rule, e.g. jifen add 张三 study.absent",
                                              "On a terminal, jifen add -i asks for each."]


# --- display width --------------------------------------------------------------------------------


def test_columns_count_a_cjk_character_as_two():
    assert words.columns("党员 ab") == 7 and words.columns("（）") == 4 and words.columns("e\u0301") == 1


def test_wrap_breaks_between_cjk_characters_but_never_before_closing_punctuation():
    lines = words.wrap("按方案的一条规则为党员记一笔扣分或加分；可一次记多名党员。", 20)
    assert all(words.columns(line) <= 20 for line in lines)
    assert "".join(lines) == "按方案的一条规则为党员记一笔扣分或加分；可一次记多名党员。"
    assert not any(line[0] in words.CLOSING for line in lines)
    assert words.wrap("Ledger folder. Default: $JIFEN_LEDGER", 16) == ["Ledger folder.", "Default:", "$JIFEN_LEDGER"]


def test_an_interrupted_command_says_it_was_aborted_in_chinese(monkeypatch, capsys):
    """End of input (Ctrl-D) in a command, which click turns into Abort: 已中止。 and exit 1. The handler
    named a class typer's click does not have, so it ended in an AttributeError's traceback."""
    monkeypatch.setenv("JIFEN_LANG", "zh")
    app = words.Typer(rich_markup_mode=None)

    @app.command()
    def interrupted() -> None:
        raise EOFError

    @app.command()
    def other() -> None:  # two commands: a group, as jifen's own app is
        pass

    with pytest.raises(SystemExit) as ended:
        app(["interrupted"], prog_name="jifen")
    assert ended.value.code == 1
    assert capsys.readouterr().err.strip() == "已中止。"
