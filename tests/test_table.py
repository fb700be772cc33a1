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
