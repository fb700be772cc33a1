"""jifen import: the sheets a branch keeps, brought in through the command line as a recorder does."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import shutil
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from jifen.book import imports
from jifen.store import ledger as ledger_io
from jifen.store import sheets
from tests.conftest import DEMO, ROOT


@pytest.fixture
def desk(tmp_path, cli):
    """A fresh S1 ledger in a Chinese folder with 张三 (m01), 李四 (m02), 王五 (m03)."""
    folder = tmp_path / "第一党支部" / "台账"
    assert cli("init", folder, "--scheme", "quantified-2023", "--name", "第一党支部", "--date", "2023-01-01").exit_code == 0
    for name in ("张三", "李四", "王五"):
        assert cli("member", "add", name, "--date", "2023-01-01", "-l", folder).exit_code == 0
    return folder


def workbook(path, rows, title="十二月"):
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def csv_file(path, rows, encoding="utf-8-sig"):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def events(folder, after=4):
    """The events of the log past the header and the roster, as (kind, subject, rule, date, values, note, by)."""
    read, problems = ledger_io.parse(str(folder / "ledger.yaml"), (folder / "ledger.yaml").read_bytes())
    assert not problems
    return [e for e in read.events if e.id > after]


GOOD = [
    ["姓名", "项目", "日期", "次数", "分值（扣分写负数）", "备注", "记分员"],
    ["张三", "缺席", dt.datetime(2023, 5, 2), 1, None, "缺席5月支部党员大会", "刘芳"],
    ["李四", "理论学习笔记", "2023年5月31日", 2, None, None, None],
    ["王五", "优质服务·其他情况", "2023/6/1", None, -0.5, "着装不规范，酌情扣分", "刘芳"],
]


def test_an_xlsx_is_imported_as_exactly_these_events(desk, cli, tmp_path):
    sheet = workbook(tmp_path / "记分表格" / "五月记录.xlsx", GOOD)
    result = cli("import", sheet, "-l", desk, "--yes")
    assert result.exit_code == 0, result.output
    assert "#5 2023-05-02 张三 理论学习·缺席三会一课、培训或主题教育实践活动 -1 缺席5月支部党员大会（2023Q2 100 → 99）" in result.output
    assert "已导入 3 条记录（#5–#7）" in result.output
    found = events(desk)
    assert [(e.subject, e.rule, e.date.isoformat(), e.count, e.points, e.note, e.by) for e in found] == [
        ("m01", "study.absent", "2023-05-02", 1, None, "缺席5月支部党员大会", "刘芳"),
        ("m02", "study.notes", "2023-05-31", 2, None, None, "记分员"),
        ("m03", "service.other", "2023-06-01", None, Decimal("-0.5"), "着装不规范，酌情扣分", "刘芳"),
    ]
    assert [e.origin.rsplit(":", 1)[0] for e in found] == ["五月记录.xlsx#十二月!2", "五月记录.xlsx#十二月!3",
                                                          "五月记录.xlsx#十二月!4"]
    assert cli("check", "-l", desk).exit_code == 0


def test_a_gbk_csv_as_excel_saves_it_is_imported(desk, cli, tmp_path):
    """GB18030 text, a date cell written with its time (2023/3/1 0:00), a full-width count."""
    sheet = csv_file(tmp_path / "导出" / "记录.csv", [["member", "rule", "date", "count", "note"],
                                                     ["m02", "study.absent", "2023/3/1 0:00", "１", "缺席3月党课"]],
                     encoding="gb18030")
    result = cli("import", sheet, "-l", desk, "-y")
    assert result.exit_code == 0, result.output
    (event,) = events(desk)
    assert (event.subject, event.rule, event.date, event.count, event.note) == (
        "m02", "study.absent", dt.date(2023, 3, 1), 1, "缺席3月党课")
    assert event.origin.startswith("记录.csv!2:")


def test_a_bad_row_writes_nothing_and_names_sheet_row_and_column(desk, cli, tmp_path):
    rows = [*GOOD, ["李四", "缺席", "2023-2-30", 1, None, None, None], ["赵六", "缺席", "2023-6-2", 1, None, None, None]]
    sheet = workbook(tmp_path / "五月记录.xlsx", rows)
    before = (desk / "ledger.yaml").read_bytes()
    result = cli("import", sheet, "-l", desk, "--yes")
    assert result.exit_code == 2
    assert (desk / "ledger.yaml").read_bytes() == before
    assert "五月记录.xlsx「十二月」 第 5 行 C 列（日期）：" in result.output and "2月没有30日" in result.output
    assert "五月记录.xlsx「十二月」 第 6 行 A 列（姓名）：没有名为 赵六 的成员" in result.output
    assert "有 2 行不能导入，未写入任何记录" in result.output
    assert "可导入 3 条" in result.output  # the good rows are previewed all the same


def test_a_row_the_rule_refuses_is_blamed_on_its_column(desk, cli, tmp_path):
    sheet = csv_file(tmp_path / "记录.csv", [["姓名", "规则", "日期", "分值"], ["张三", "优质服务·其他情况", "2023-6-1", ""]])
    before = (desk / "ledger.yaml").read_bytes()
    result = cli("import", sheet, "-l", desk, "--yes")
    assert result.exit_code == 2 and (desk / "ledger.yaml").read_bytes() == before
    assert "记录.csv 第 2 行 D 列（分值）：" in result.output


def test_importing_the_same_rows_again_adds_nothing_even_renamed_and_reordered(desk, cli, tmp_path):
    sheet = workbook(tmp_path / "五月记录.xlsx", GOOD)
    assert cli("import", sheet, "-l", desk, "--yes").exit_code == 0
    after = (desk / "ledger.yaml").read_bytes()
    again = cli("import", sheet, "-l", desk, "--yes")
    assert again.exit_code == 0 and "已导入过 3 行" in again.output and "没有需要导入的新记录" in again.output
    # saved again as CSV under another name, columns in another order, a date and a number written another
    # way, one row new
    order = [1, 0, 2, 3, 4, 5, 6]
    moved = [[row[i] for i in order] for row in GOOD]
    moved[1][2] = "2023年5月2日"
    moved[3][4] = "－0.50"  # the same points, typed another way
    moved.append(["缺席", "李四", "2023-6-2", 1, None, None, None])
    renamed = csv_file(tmp_path / "另存" / "第二季度.csv", moved)
    result = cli("import", renamed, "-l", desk, "--yes")
    assert result.exit_code == 0, result.output
    assert "可导入 1 条；已导入过 3 行" in result.output
    assert (desk / "ledger.yaml").read_bytes().startswith(after)
    assert len(events(desk)) == 4


def test_identical_rows_in_one_sheet_are_each_imported_once(desk, cli, tmp_path):
    row = ["张三", "缺席", "2023-5-2", 1, None, None, None]
    sheet = workbook(tmp_path / "重复.xlsx", [GOOD[0], row, row])
    assert cli("import", sheet, "-l", desk, "--yes").exit_code == 0
    assert len(events(desk)) == 2
    assert "已导入过 2 行" in cli("import", sheet, "-l", desk, "--yes").output
    assert len(events(desk)) == 2


def test_dry_run_and_an_unanswered_question_write_nothing(desk, cli, tmp_path):
    sheet = workbook(tmp_path / "五月记录.xlsx", GOOD)
    before = (desk / "ledger.yaml").read_bytes()
    dry = cli("import", sheet, "-l", desk, "--dry-run")
    assert dry.exit_code == 0 and "试算，未写入" in dry.output and "可导入 3 条" in dry.output
    for answer in ("否\n", "n\n", "", "也许\n"):  # 否, no, no answer at all (Ctrl-D), a word that is neither
        asked = cli("import", sheet, "-l", desk, input=answer)
        assert asked.exit_code == 2, asked.output  # nothing written, as a cancelled jifen add -i
        assert "导入以上 3 条记录？（是/否）：" in asked.output and "已取消，未导入任何记录" in asked.output
        assert "Traceback" not in asked.output
        assert (desk / "ledger.yaml").read_bytes() == before
    assert "请回答 是 或 否" in cli("import", sheet, "-l", desk, input="也许\n").output
    assert cli("import", sheet, "-l", desk, input="是\n").exit_code == 0
    assert len(events(desk)) == 3


@pytest.mark.parametrize("name", ["导入模板.xlsx", "导入模板.csv"])
def test_the_template_round_trips(desk, cli, tmp_path, name, monkeypatch):
    path = tmp_path / "模板" / name
    path.parent.mkdir()
    written = cli("import", "--template", path, "-l", desk)
    assert written.exit_code == 0 and path.exists()
    if name.endswith(".xlsx"):
        header = [c.value for c in next(load_workbook(path).active.iter_rows(max_row=1))]
    else:
        header = next(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert header == ["姓名", "规则", "日期", "次数", "分值", "等次", "测量值", "同一事项", "备注", "记分员"]
    assert cli("import", "--template", path, "-l", desk).exit_code == 2  # never overwritten
    before = (desk / "ledger.yaml").read_bytes()
    left = cli("import", path, "-l", desk, "--yes")  # the example row left as it was: a recorder's rows go below it
    assert left.exit_code == 0 and "模板的示例行 1 行未导入" in left.output, left.output
    assert (desk / "ledger.yaml").read_bytes() == before
    if name.endswith(".xlsx"):  # the recorder writes over the example
        book = load_workbook(path)
        book.active["I2"] = "缺席5月支部党员大会"
        book.save(path)
    else:
        path.write_text(path.read_text(encoding="utf-8-sig").replace("示例行：导入前请改成要记录的内容", "缺席5月支部党员大会"),
                        encoding="utf-8-sig")
    result = cli("import", path, "-l", desk, "--yes")
    assert result.exit_code == 0, result.output
    (event,) = events(desk)
    assert (event.subject, event.rule, event.date, event.count) == ("m01", "study.absent", dt.date.today(), 1)
    assert event.note == "缺席5月支部党员大会"


def test_a_sign_in_sheet_records_the_rule_for_those_who_did_not_sign(desk, cli, tmp_path):
    sheet = workbook(tmp_path / "会议" / "5月2日签到表.xlsx", [
        ["机关第一党支部党员大会签到表"],
        ["序号", "姓名", "签到", "备注"],
        [1, "张三", "张三"],
        [2, "李四", None, "出差"],
        [3, "王五", None],
    ], title="签到")
    result = cli("import", sheet, "-l", desk, "--rule", "缺席", "--date", "2023年5月2日", "--blank", "签到", "--yes")
    assert result.exit_code == 0, result.output
    assert "“签到”一栏已填写的 1 行未导入" in result.output
    assert [(e.subject, e.rule, e.date, e.note) for e in events(desk)] == [
        ("m02", "study.absent", dt.date(2023, 5, 2), "出差"), ("m03", "study.absent", dt.date(2023, 5, 2), None)]
    # the same sheet for another meeting is other records; for the same one, none
    assert "已导入过 2 行" in cli("import", sheet, "-l", desk, "--rule", "缺席", "--date", "2023-5-2", "--blank", "签到",
                               "--yes").output
    missing = cli("import", sheet, "-l", desk, "--date", "2023-6-2", "--yes")
    assert missing.exit_code == 2 and "第 3 行（规则）：没有规则" in missing.output
    # a mistyped --blank column is the sheet's header that is wrong, not a row: it said 不能导入 1 行 and
    # “签到到”一栏已填写的 0 行未导入
    typo = cli("import", sheet, "-l", desk, "--rule", "缺席", "--date", "2023-7-2", "--blank", "签到到", "--yes")
    assert typo.exit_code == 2 and "表头中没有“签到到”这一列" in typo.output
    assert "不能导入 0 行" in typo.output and "有 1 张表不能导入" in typo.output and "一栏已填写" not in typo.output


def test_a_register_jifen_wrote_is_recognised_and_refused(cli, tmp_path):
    folder = tmp_path / "演示"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns(".jifen-cache"))
    register = tmp_path / "三月登记表.xlsx"
    assert cli("report", "--month", "2023-03", "-f", "xlsx", "-o", register, "-l", folder).exit_code == 0
    before = (folder / "ledger.yaml").read_bytes()
    result = cli("import", register, "-l", folder, "--yes")
    assert result.exit_code == 2 and "这是一张登记表" in result.output
    assert "三月登记表.xlsx「明细」 第 3 行：这是登记表的明细页" in result.output  # its second sheet, as a whole
    assert "takes no points" not in result.output and result.output.count("第 ") == 2
    assert (folder / "ledger.yaml").read_bytes() == before


def test_the_shipped_example_imports_cleanly_into_the_demo(cli, tmp_path):
    folder = tmp_path / "演示"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns(".jifen-cache"))
    example = ROOT / "docs" / "examples" / "2023年12月记录.xlsx"
    result = cli("import", example, "-l", folder, "--yes")
    assert result.exit_code == 0, result.output
    assert "不能导入 0 行" in result.output
    assert cli("check", "-l", folder).exit_code == 0
    assert "已导入过" in cli("import", example, "-l", folder, "--yes").output


def test_not_a_sheet_is_a_clear_error(desk, cli, tmp_path):
    other = tmp_path / "记录.xls"
    other.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "不是能导入的表格" in cli("import", other, "-l", desk).output
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a zip")
    result = cli("import", broken, "-l", desk)
    assert result.exit_code == 2 and "无法作为 Excel 工作簿读取" in result.output


def test_doctests():
    assert doctest.testmod(sheets).failed == 0 and doctest.testmod(imports).failed == 0


def test_rows_imported_are_found_in_the_log_when_the_index_cannot_read_an_event_alone(desk, cli, tmp_path):
    sheet = workbook(tmp_path / "五月记录.xlsx", GOOD)
    assert cli("import", sheet, "-l", desk, "--yes").exit_code == 0
    hashes = {e.origin.rsplit(":", 1)[-1] for e in events(desk) if e.subject == "m01"}

    class Unindexed:
        path = str(desk / "ledger.yaml")

        def about(self, subject):
            raise LookupError(subject)

    assert imports._imported(Unindexed(), "m01", {}) == hashes and len(hashes) == 1


def test_commit_puts_every_imported_row_in_one_commit(desk, cli, tmp_path):
    import subprocess

    def git(*args):
        return subprocess.run(["git", "-C", str(desk), *args], check=True, capture_output=True, text=True).stdout

    git("init", "-q")
    git("config", "user.name", "记分员")
    git("config", "user.email", "jifen@example.org")
    git("add", "ledger.yaml", "scheme.yaml")
    git("commit", "-qm", "建账")
    sheet = workbook(tmp_path / "五月记录.xlsx", GOOD)
    result = cli("import", sheet, "-l", desk, "--yes", "--commit")
    assert result.exit_code == 0 and "已提交" in result.output
    body = git("log", "-1", "--format=%B")
    assert "jifen events 5, 6, 7 in ledger.yaml" in body and git("status", "--porcelain", "ledger.yaml") == ""


def test_a_formula_with_no_value_kept_was_read_as_an_empty_cell(desk, cli, tmp_path):
    """A workbook written by a program keeps a formula without its result: read as empty, a 次数 of
    =1+1 was imported as 1 (−1 instead of −2). The import is refused at the cell, nothing written."""
    rows = [GOOD[0], ["张三", "缺席", dt.datetime(2023, 5, 2), "=1+1", None, "公式", "刘芳"]]
    sheet = workbook(tmp_path / "公式.xlsx", rows)
    before = (desk / "ledger.yaml").read_bytes()
    result = cli("import", sheet, "-l", desk, "--yes")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "公式.xlsx「十二月」第 2 行 D 列是公式 =1+1" in result.output and "保存" in result.output
    assert (desk / "ledger.yaml").read_bytes() == before


def test_a_file_that_is_not_there_or_is_a_folder_is_said_in_chinese(desk, cli, tmp_path):
    """The system's refusals came through in English (``No such file or directory``)."""
    missing = cli("import", tmp_path / "无此文件.xlsx", "-l", desk)
    assert missing.exit_code == 2 and "找不到" in missing.output and "No such file" not in missing.output
    (tmp_path / "目录.csv").mkdir()
    folder = cli("import", tmp_path / "目录.csv", "-l", desk)
    assert folder.exit_code == 2 and "是一个文件夹，不是文件" in folder.output
    assert "does not exist" in cli("import", tmp_path / "无此文件.xlsx", "-l", desk, "--lang", "en").output


def test_a_number_too_long_for_the_ledger_is_refused_at_its_cell(desk, cli, tmp_path):
    """It aborted the whole import naming --points, with no file or row, and asked for a whole number."""
    sheet = csv_file(tmp_path / "长.csv", [["姓名", "规则", "日期", "分值"], ["王五", "优质服务·其他情况", "2023-12-01",
                                                                       "-1.50000000000000000001"]])
    result = cli("import", sheet, "-l", desk, "--dry-run")
    assert result.exit_code == 2 and "长.csv 第 2 行 D 列（分值）：数字 -1.50000000000000000001 太长" in result.output
