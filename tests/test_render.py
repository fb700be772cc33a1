"""Reports as text (jifen.render): cells, numbers, the formats, and problems hledger-style."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from jifen import render
from jifen.core.model import Problem, Source
from jifen.core.numbers import plain
from jifen.reports import Column, Report
from tests.conftest import write

ROWS = (
    {"member_id": "m01", "member": "张三", "score": Decimal("100.50"), "veto": False},
    {"member_id": "m02", "member": "李四", "score": Decimal("92"), "veto": True},
)
REPORT = Report(
    title=("title.members", {"branch": "测试支部"}),
    columns=(Column("member_id", "label.member_id"), Column("member", "label.member"),
             Column("score", "label.score"), Column("veto", "label.veto")),
    rows=ROWS,
    data={"branch": "测试支部", "rows": list(ROWS)},
)


@pytest.mark.parametrize("value, text", [
    (Decimal("100.00"), "100"), (Decimal("92.50"), "92.5"), (Decimal("-0.5"), "-0.5"),
    (Decimal("1E+2"), "100"),  # never an exponent
    (Decimal("0.10"), "0.1"),
])
def test_number_drops_trailing_zeros_and_exponents(value, text):
    assert plain(value) == text


def test_cell_text():
    assert render.cell_text(None, "zh") == ""
    assert render.cell_text(True, "zh") == "是" and render.cell_text(True, "en") == "yes"
    assert render.cell_text(False, "zh") == ""
    assert render.cell_text(Decimal("98.70"), "zh") == "98.7"
    assert render.cell_text(["表扬奖励", "提醒谈话"], "zh") == "表扬奖励、提醒谈话"


def test_plain_table_has_title_headers_and_cells():
    text = render.render(REPORT, "table", "zh")
    lines = text.splitlines()
    assert lines[0] == "测试支部 名单"
    assert lines[2].split() == ["编号", "党员", "得分", "否决"]
    assert lines[4].split() == ["m01", "张三", "100.5"] and lines[5].split() == ["m02", "李四", "92", "是"]


def test_json_writes_whole_decimals_as_integers():
    data = json.loads(render.render(REPORT, "json", "zh"))
    assert data["rows"][0]["score"] == 100.5 and data["rows"][1]["score"] == 92
    assert isinstance(data["rows"][1]["score"], int)


def test_csv_starts_with_a_bom_for_excel():
    text = render.render(REPORT, "csv", "en")
    assert text.startswith("\ufeff")
    assert text[1:].splitlines()[1:] == ["m01,张三,100.5,", "m02,李四,92,yes"]


def test_markdown_has_a_heading_and_a_pipe_table():
    text = render.render(REPORT, "markdown", "zh")
    assert text.startswith("## 测试支部 名单\n")
    assert "| m02" in text and "| 李四" in text


def test_terminal_table_counts_grades():
    graded = Report(("title.members", {"branch": "支部"}),
                    (Column("member", "label.member"), Column("grade", "label.grade")),
                    ({"member": "张三", "grade": "优秀"}, {"member": "李四", "grade": "合格"},
                     {"member": "王五", "grade": "优秀"}), {})
    drawn = render.render(graded, "table", "zh", terminal=True)
    assert "优秀 2  合格 1" in drawn and "\x1b[" in drawn


def test_xlsx_is_not_text():
    with pytest.raises(ValueError):
        render.render(REPORT, "xlsx", "zh")


def test_problems_quote_the_line_with_a_caret_under_the_column(tmp_path):
    path = write(tmp_path / "ledger.yaml", "- id: 1\n  备注: 张三\n")
    # column 7 is after "  备注: ": two spaces, two CJK characters (two columns each), ":" and a space
    found = [Problem(Source(str(path), 2, 7), "event.unknown-subject", {"subject": "张三"}),
             Problem(Source(str(path), 1, 3), "event.unknown-subject", {"subject": "m09"})]
    text = render.problems(found, "en")
    first, second = text.split("\n\n")
    assert first.startswith(f"{path}:1:3: unknown member m09")  # sorted by place
    assert second.splitlines()[:4] == [
        f"{path}:2:7: unknown member 张三",
        "  |",
        "2 |   备注: 张三",
        "  |         ^",  # 2 + 4 + 1 + 1 = 8 columns before it
    ]
    assert render.problems([], "en") == ""


def test_a_warning_is_labelled_as_one(tmp_path):
    path = write(tmp_path / "s.yaml", "grades: []\n")
    text = render.problems([Problem(Source(str(path), 1, 1), "event.unknown-subject", {"subject": "x"},
                                    severity="warning")], "zh")
    assert text.startswith(f"{path}:1:1: 提醒：")
