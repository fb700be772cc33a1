"""The terminal table fits its window: at 80 and 120 columns, in rich and in a real terminal (tmux)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.cells import cell_len

from jifen import book, render, reports
from jifen.core.numbers import plain as written
from jifen.core.periods import Period
from tests.conftest import SCHEMES


@pytest.fixture
def opened(demo):
    return book.open(demo, [SCHEMES], cached=False).usable()


def drawn(report, width: int, color: bool = False) -> list[str]:
    return render.render(report, "table", "zh", terminal=True, width=width, color=color).splitlines()


def test_quarter_at_120_columns_heads_categories_by_name_in_one_line_per_row(opened):
    lines = drawn(reports.period_report(opened.ledger, opened.standings, Period.parse("2023Q1")), 120)
    assert max(map(cell_len, lines)) <= 120
    header = next(line for line in lines if "名次" in line)
    assert "理论学习" in header and "得分" in header and "否决" in header
    assert sum("张建国" in line for line in lines) == 1 and "105" in next(line for line in lines if "张建国" in line)


def test_quarter_at_80_columns_shortens_headers_and_names_them_below(opened):
    lines = drawn(reports.period_report(opened.ledger, opened.standings, Period.parse("2023Q1")), 80)
    assert max(map(cell_len, lines)) <= 80
    header = next(line for line in lines if "名次" in line)
    assert "得分" in header and "理论学习" not in header
    assert any("=理论学习(10)" in line for line in lines)  # the legend
    row = next(line for line in lines if "王志强" in line)
    assert row.endswith(" 89")


def test_numbers_are_right_aligned(opened):
    lines = drawn(reports.period_report(opened.ledger, opened.standings, Period.parse("2023Q1")), 120)
    score_end = {next(line for line in lines if name in line).rindex(score) + len(score)
                 for name, score in (("张建国", "105"), ("王志强", "89"))}
    assert len(score_end) == 1
    assert next(line for line in lines if "李秀英" in line).startswith("     6")


def test_a_very_narrow_terminal_folds_categories_into_one_column_keeping_total_and_rank(opened):
    lines = drawn(reports.period_report(opened.ledger, opened.standings, Period.parse("2023Q1")), 60)
    assert max(map(cell_len, lines)) <= 60
    header = next(line for line in lines if "名次" in line)
    assert "得分" in header and "未满分的分项" in header
    row = next(line for line in lines if "王志强" in line)
    assert "理9 工20" in row and row.endswith(" 89")  # only what fell below full marks


def test_grades_at_80_columns_keep_every_total_and_grade_whole(opened):
    lines = drawn(reports.grade_report(opened.ledger, opened.standings, 2023), 80)
    assert max(map(cell_len, lines)) <= 80
    assert "等级" in next(line for line in lines if "名次" in line)
    row = next(line for line in lines if "徐磊" in line)
    assert "99.67" in row and "优秀" in row and "…" not in row


def test_no_color_draws_no_escape_codes(opened):
    report = reports.grade_report(opened.ledger, opened.standings, 2023)
    assert "\x1b[" in "\n".join(drawn(report, 120, color=True))
    assert "\x1b[" not in "\n".join(drawn(report, 120, color=False))


def test_no_color_env_and_option_turn_colours_off(monkeypatch):
    from jifen.cli.common import coloured

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert coloured(False) and not coloured(True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not coloured(False)
    monkeypatch.setenv("NO_COLOR", "")  # set but empty: colours stay (no-color.org)
    assert coloured(False)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
@pytest.mark.parametrize("width", [80, 120])
def test_report_in_a_real_terminal_fits_its_width(demo, tmp_path, width):
    jifen = Path(sys.executable).with_name("jifen")
    session = f"jifen-table-{width}-{tmp_path.name}"
    socket = ["tmux", "-L", f"jifen-test-{tmp_path.name}"]
    done = tmp_path / "done"
    command = f"NO_COLOR=1 {jifen} report --quarter 2023Q1 -l {demo}; touch {done}; sleep 30"
    subprocess.run([*socket, "new-session", "-d", "-s", session, "-x", str(width), "-y", "50", command], check=True)
    try:
        for _ in range(200):
            if done.exists():
                break
            time.sleep(0.05)
        screen = subprocess.run([*socket, "capture-pane", "-p", "-t", session], capture_output=True, text=True,
                                check=True).stdout
    finally:
        subprocess.run([*socket, "kill-server"], check=False)
    lines = screen.splitlines()
    assert max(map(cell_len, lines)) <= width
    assert "得分" in next(line for line in lines if "名次" in line)
    assert sum("张建国" in line for line in lines) == 1 and next(line for line in lines if "张建国" in line).endswith("105")


# --- the plain table (stdout not a terminal): jifen's own renderer, byte for byte tabulate's ---------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from tabulate import tabulate  # noqa: E402

from jifen.render.table import plain  # noqa: E402

# what cells hold: ASCII, CJK and its punctuation, the ideographic space, combining and zero-width marks,
# emoji, Hangul, ASCII spaces at either end, any other printable character; now and then a control
# character (which the renderer leaves to tabulate)
LETTERS = st.sampled_from([*"ab Z09-.+", *"张三李四王五党员理论学习优秀合格", *"，。（）：；、…", "\u3000", "\u0301", "\u200b",
                           "😀", "✓", "한", "Ａ", "·", "—", "“", "￥", "〇",
                           # just outside the ranges whose width jifen counts itself (cells.SURE)
                           "\u302a", "\u303f", "\uff61", "\u4dc0", "\u00b8", "\u2013"])
CELL = st.one_of(st.text(LETTERS, max_size=8), st.sampled_from(["", " ", "True", "False", "1", "-2.5", "未评"]),
                 st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=6))
CONTROL = st.sampled_from(["\x1b[31m红\x1b[0m", "两\n行", "\t制表", "\x9b", "\x00"])


@st.composite
def tables(draw):
    width = draw(st.integers(0, 6))
    headers = draw(st.lists(CELL, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=12))
    if rows and width and draw(st.integers(0, 9)) == 0:  # now and then a control character
        rows[0][0] = draw(CONTROL)
    if rows and draw(st.booleans()) and draw(st.booleans()):  # now and then a ragged row
        rows[-1] = rows[-1] + [draw(CELL)]
    return headers, rows


def simple(headers, rows):
    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)


@settings(max_examples=1500, deadline=None)
@given(tables())
def test_plain_table_is_tabulates_byte_for_byte(table):
    headers, rows = table
    assert plain(headers, rows) == simple(headers, rows)


def test_plain_table_of_every_kind_of_cell_is_tabulates():
    """Generated tables of CJK names, empty cells, cells with spaces at either end and wide and
    zero-width characters, from one column to nine and up to 300 rows."""
    import random

    chooser = random.Random(20231231)
    pool = ["", " ", "张三", "欧阳娜娜", " 李四 ", "98.5", "-1", "优秀", "不合格", "Ａ", "e\u0301", "a\u200bb", "😀x",
            "理论学习·缺席三会一课", "m00001", "\u3000王五", "True", "第一支部（机关）"]
    for _ in range(300):
        width = chooser.randint(1, 9)
        headers = [chooser.choice(pool) for _ in range(width)]
        rows = [[chooser.choice(pool) for _ in range(width)] for _ in range(chooser.randint(0, 300))]
        assert plain(headers, rows) == simple(headers, rows)


def test_grade_to_a_pipe_is_the_table_tabulate_writes(demo, cli):
    """What a person piping ``jifen grade`` gets: the plain table, equal to tabulate's of the same cells."""
    from jifen.render.cells import parts

    result = cli("grade", "--year", "2023", "-l", demo)
    assert result.exit_code == 0
    opened = book.open(demo, [SCHEMES], cached=False).usable()
    report = reports.grade_report(opened.ledger, opened.standings_for(2023), 2023, detail=False, explain=True,
                                  chart=False, group=None)
    headers, rows, _, _ = parts(report, "zh")
    assert "张建国" in result.output and simple(headers, rows) in result.output


def test_a_header_that_is_also_a_cell_is_stripped_as_a_cell_only():
    """tabulate strips cells, not headers: a header spelled like a cell of its own column, spaces and all."""
    for headers, rows in (([" 张三 ", "得分"], [[" 张三 ", "1"], ["李四", " 2 "]]),
                          (["优秀", " 优秀"], [["优秀", " 优秀"], ["优秀 ", "优秀"]])):
        assert plain(headers, rows) == simple(headers, rows)


def slow_table(report, lang: str) -> str:
    """The table as tabulate draws it from each cell written on its own (``cells.cell``; 未评 for the score
    of a subject waiting for an evaluation): the truth the memo and jifen's own widths must keep."""
    from jifen import messages
    from jifen.render.cells import cell

    headers = [c.label if c.literal else messages.text(c.label, lang) for c in report.columns]
    rows = [[messages.text("label.missing", lang) if c.key == "score" and row.get("score") is None and row.get("missing")
             else cell(row.get(c.key), lang, c.words) for c in report.columns] for row in report.rows]
    return simple(headers, rows)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_registers_and_grades_to_a_pipe_are_tabulate_of_each_cell(demo, cli, tmp_path, lang):
    """``jifen grade``, ``report --month`` and ``report --quarter`` piped, from a folder named in Chinese."""
    folder = tmp_path / "第一支部（机关）"
    shutil.copytree(demo, folder)
    opened = book.open(folder, [SCHEMES], cached=False).usable()
    shown = {
        ("grade", "--year", "2023"): reports.grade_report(opened.ledger, opened.standings_for(2023), 2023, explain=False),
        ("report", "--month", "2023-06"): reports.period_report(opened.ledger, opened.standings_for(Period.parse("2023-06")),
                                                                Period.parse("2023-06"), explain=False,
                                                                flow=opened.workflow()),
        ("report", "--quarter", "2023Q1"): reports.period_report(opened.ledger, opened.standings_for(Period.parse("2023Q1")),
                                                                 Period.parse("2023Q1"), explain=False,
                                                                 flow=opened.workflow()),
    }
    for words, report in shown.items():
        for _ in range(2):  # made, then printed from the cache
            result = cli(*words, "-l", folder, "--lang", lang)
            assert result.exit_code == 0, result.output
            assert slow_table(report, lang) in result.output and "张建国" in result.output


def test_a_missing_evaluation_is_shown_in_the_piped_table(cli, tmp_path):
    """A subject waiting for a panel's evaluation has 未评 for its score, the others their scores."""
    from tests.test_schemes import Branch

    b = Branch(cli, tmp_path / "龙口党支部", "longkou-8")
    for name in ("王小明", "李 娜"):
        b.member(name)
    for kind, score in (("self", "95"), ("peer", "91"), ("masses", "88")):
        b.eval("王小明", kind, score)
    b.eval("李 娜", "self", "96")
    table = b.run("grade", "--year", "2023").stdout
    opened = book.open(b.folder, [SCHEMES], cached=False).usable()
    report = reports.grade_report(opened.ledger, opened.standings_for(2023), 2023, explain=False)
    assert slow_table(report, "zh") in table
    assert next(line for line in table.splitlines() if "李 娜" in line).count("未评") == 1


def test_a_piped_table_of_chinese_names_does_not_load_wcwidth(demo, tmp_path):
    """The widths of ASCII and Chinese text are jifen's own (``cells.SURE``): wcwidth (24 ms to import) is
    loaded only for a text with another character, and the table is tabulate's either way."""
    from tests.test_startup import imported

    done, modules = imported(["grade", "--year", "2023", "-l", str(demo)], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "张建国" in done.stdout and "jifen.render.table" in modules and "wcwidth" not in modules


def test_a_name_of_other_letters_is_measured_by_wcwidth(cli, tmp_path):
    """Names jifen cannot measure itself (ë, a combining accent, an emoji) line up as tabulate lines them up."""
    from tests.test_startup import imported

    folder = tmp_path / "第三支部"
    assert cli("init", folder, "--scheme", "quantified-2023", "--name", "第三支部", "--date", "2023-01-01").exit_code == 0
    for name in ("Zoë", "Rene\u0301e", "张三😀", "阿依古丽·吐尔逊"):
        assert cli("member", "add", name, "--date", "2023-01-01", "-l", folder).exit_code == 0
    assert cli("add", "张三😀", "study.absent", "--date", "2023-03-01", "-l", folder).exit_code == 0
    done, modules = imported(["grade", "--year", "2023", "-l", str(folder)], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "wcwidth" in modules
    opened = book.open(folder, [SCHEMES], cached=False).usable()
    report = reports.grade_report(opened.ledger, opened.standings_for(2023), 2023, explain=False)
    assert slow_table(report, "zh") in done.stdout and "Rene\u0301e" in done.stdout


@pytest.mark.parametrize("width", [60, 70, 80, 100, 120])
def test_a_statement_on_a_narrow_terminal_keeps_id_date_kind_points_and_revoked_whole(opened, width):
    """A statement cut to fit leaves out who recorded each line, then the running scores, then the
    note, before it cuts an id, a date, a kind, points or the 已撤销 mark short; the rule and the
    note are cut with …; no line is wider than the terminal."""
    subject = next(m.id for m in opened.standings.members.values() if m.name == "吴敏")  # a deduction revoked
    revoked = {e.target for e in opened.ledger.events if e.kind == "revoke"}
    report = reports.show_report(opened.ledger, opened.standings, subject)
    lines = drawn(report, width)
    assert max(map(cell_len, lines)) <= width
    header = next(line for line in lines if "编号" in line)
    assert all(word in header for word in ("编号", "日期", "类型", "规则", "分值", "已撤销")), header
    assert ("记录人" in header) == (width >= 100) and ("说明" in header) == (width >= 70)
    for row in report.rows:
        line = next(line for line in lines if line.split()[:2] == [str(row["id"]), row["date"]])
        assert line.split()[-1] == "是" if row["id"] in revoked else "是" not in line.split()
    assert revoked & {row["id"] for row in report.rows}


@pytest.mark.parametrize("width", [40, 44, 48, 52, 56, 59])
def test_a_statement_on_a_terminal_of_40_to_59_columns_still_shows_points_and_revoked_whole(opened, width):
    """Below 60 columns the statement left nothing more out and rich dropped its last columns
    (分值 below 50, 已撤销 below 60): the rule goes next, then the table's outer padding, and the
    id, date, kind, points and 已撤销 mark of every line stay whole."""
    subject = next(m.id for m in opened.standings.members.values() if m.name == "吴敏")
    revoked = {e.target for e in opened.ledger.events if e.kind == "revoke"}
    report = reports.show_report(opened.ledger, opened.standings, subject)
    lines = drawn(report, width)
    assert max(map(cell_len, lines)) <= width
    header = next(line for line in lines if "编号" in line)
    assert all(word in header for word in ("编号", "日期", "类型", "分值", "已撤销")), header
    for row in report.rows:
        cells = next(line for line in lines if line.split()[:2] == [str(row["id"]), row["date"]]).split()
        assert cells[2] == row_kind(row)
        assert row.get("points") is None or written(row["points"]) in cells
        assert (cells[-1] == "是") == (row["id"] in revoked)


def row_kind(row) -> str:
    from jifen import messages

    return messages.text(f"kind.{row['kind']}", "zh")


@pytest.mark.parametrize("width", [56, 60, 66])
def test_a_grade_with_a_long_name_keeps_rank_total_and_grade_when_the_folded_marks_do_not_fit(cli, tmp_path,
                                                                                              width):
    """A member named 阿卜杜热合曼·买买提明·艾力 (26 cells) left no room for the folded marks at 56–66
    columns, and rich dropped the total and the grade: the folded column goes first, then they fit."""
    folder = tmp_path / "第五支部"
    assert cli("init", folder, "--scheme", "quantified-2023", "--name", "第五支部", "--date", "2023-01-01").exit_code == 0
    for name in ("阿卜杜热合曼·买买提明·艾力", "张三"):
        assert cli("member", "add", name, "--date", "2023-01-01", "-l", folder).exit_code == 0
    assert cli("add", "张三", "study.absent", "--date", "2023-03-01", "-l", folder).exit_code == 0
    opened = book.open(folder, [SCHEMES], cached=False).usable()
    for report in (reports.grade_report(opened.ledger, opened.standings_for(2023), 2023, explain=False),
                   reports.period_report(opened.ledger, opened.standings, Period.parse("2023Q1"))):
        lines = drawn(report, width)
        assert max(map(cell_len, lines)) <= width
        header = next(line for line in lines if "名次" in line)
        assert "得分" in header and ("等级" in header) == (report.title[0].startswith("title.grade")), header
        assert next(line for line in lines if "阿卜杜热合曼·买买提明·艾力" in line).split()[0] == "1"
        assert next(line for line in lines if "张三" in line).split()[-1] in ("优秀", "99", "99.75")


@pytest.mark.parametrize("width", [40, 44, 49])
def test_a_name_too_long_for_the_terminal_is_cut_short_rather_than_the_totals_and_grades(cli, tmp_path, width):
    """A 28-cell name (欧阳娜娜……) and the rank, total and grade beside it need 50 columns: narrower, rich
    dropped the total and the grade of everyone; the name is cut with … instead, and every other row
    keeps its rank, name, total and grade whole."""
    folder = tmp_path / "第六支部"
    assert cli("init", folder, "--scheme", "quantified-2023", "--name", "第六支部", "--date", "2023-01-01").exit_code == 0
    for name in ("欧阳娜娜娜娜娜娜娜娜娜娜娜娜", "张三", "王　芳"):
        assert cli("member", "add", name, "--date", "2023-01-01", "-l", folder).exit_code == 0
    assert cli("add", "张三", "study.absent", "--date", "2023-03-01", "-l", folder).exit_code == 0
    opened = book.open(folder, [SCHEMES], cached=False).usable()
    report = reports.grade_report(opened.ledger, opened.standings_for(2023), 2023, explain=False)
    lines = drawn(report, width)
    assert max(map(cell_len, lines)) <= width
    assert next(line for line in lines if "欧阳娜娜" in line).split()[-2:] == ["100", "优秀"]
    assert "欧阳娜娜娜娜娜娜" in next(line for line in lines if "欧阳娜娜" in line)
    assert next(line for line in lines if "张三" in line).split() == ["3", "张三", "99.75", "优秀"]
    assert next(line for line in lines if "王　芳" in line).split()[-2:] == ["100", "优秀"]


@pytest.mark.parametrize("width", [40, 50])
def test_a_table_that_neither_folds_nor_spares_keeps_every_column_on_a_narrow_terminal(opened, width):
    """The member list and the rules handbook have no column to fold or leave out: narrow, each keeps
    every column (cut with …), ids and names whole, never only its ``KEPT`` ones (none, for the handbook)."""
    members = reports.members_report(opened.ledger, opened.standings.members)
    lines = drawn(members, width)
    assert max(map(cell_len, lines)) <= width
    assert next(line for line in lines if "王志强" in line).split()[:2] == ["m03", "王志强"]
    assert len(next(line for line in lines if "王志强" in line).split()) >= 3  # the dates too
    handbook = drawn(reports.handbook_report(opened.ledger, opened.scheme), width)
    assert max(map(cell_len, handbook)) <= width
    assert any("study." in line for line in handbook)
